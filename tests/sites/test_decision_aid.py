""" "Compare your options" and the questions sheet (issue 16).

1. The data file's checks, pure (plugins/decision_aid/data.py loaded by file):
   each mistake one AuthorError with the YAML line.
2. The plugin in an in-process build of tests/sites/decision_aid (the fixture
   settings with the site's content plugins): the good file builds; each mistake
   fails the build with one `path:line: error:` line (that a failed build keeps
   output/ is tools/build.py's, tested in tests/tools/test_bad_input.py).
3. The real site: the page's table, cells, citations, links, the questions sheet.
4. Chromium at 390x844 (touch), 1280 px and print emulation, with screenshots
   (SCREENSHOT_DIR, default /tmp/shots-decide) and axe at the phone width.
   (vnu and axe at 1280 px run over every page in test_html.py/test_tour.py.)
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import re
import shutil
import sys
import zlib
from pathlib import Path

import pytest

from support import AXE_JS, ROOT, RUN_AXE, SITES, WCAG_TAGS, build_in_process, error_lines, need_tool, soup

DATA = ROOT / "content" / "data" / "compare-options.yaml"
FIXTURE = SITES / "decision_aid" / "content"
FIXTURE_DATA = "data/compare-options.yaml"
TREATMENT_ARTICLES = [
    "how-ptsd-is-treated",
    "what-the-research-shows",
    "ketamine-and-psychotherapy",
    "esketamine-vs-iv-ketamine",
    "side-effects-and-risks",
    "cost-and-choosing-a-provider",
]


def shots() -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or "/tmp/shots-decide")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _load_data_module():
    spec = importlib.util.spec_from_file_location(
        "decision_aid_data", ROOT / "plugins" / "decision_aid" / "data.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


data = _load_data_module()
GOOD = (FIXTURE / FIXTURE_DATA).read_text()


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def errors_for(tmp_path, text):
    path = tmp_path / "aid.yaml"
    path.write_text(text)
    aid, errors = data.load(str(path))
    return aid, [(e.line, e.message) for e in errors]


# --- 1. The data file's checks ------------------------------------------------------


def test_the_fixture_and_the_real_data_file_have_no_mistakes(tmp_path):
    for path in (FIXTURE / FIXTURE_DATA, DATA):
        aid, errors = data.load(str(path))
        assert errors == [], errors
        assert aid.options and all(set(o.cells) == {r["id"] for r in aid.rows} for o in aid.options)
    aid, _ = data.load(str(DATA))
    assert len(aid.options) == 7 and len(aid.rows) == 7
    assert [o.id for o in aid.options][-1] == "watchful-waiting", "doing nothing is an option"


MISTAKES = {
    # name: (edit of the good text, needle for the expected line, words in the message)
    "missing-row": (
        lambda t: t.replace("      cost: >-\n        Nothing up front [@beta2026].\n", ""),
        "    cells:\n      involves: >-\n        No visits",
        ["waiting", "'cost'", "not_known"],
    ),
    "unknown-row": (
        lambda t: t.replace("      cost: >-\n        Nothing", "      price: >-\n        Nothing"),
        "price: >-",
        ["unknown row id 'price'", "involves, cost"],
        2,
    ),  # and 'cost' is missing
    "no-citation": (
        lambda t: t.replace("Nothing up front [@beta2026].", "Nothing up front."),
        "      cost: >-",
        ["no citation", "not_known"],
    ),
    "bad-not-known": (
        lambda t: t.replace('not_known: "We found no price we trust."', 'unknown: "x"'),
        "      cost:\n",
        ["not_known"],
    ),
    "empty-not-known": (
        lambda t: t.replace('not_known: "We found no price we trust."', 'not_known: ""'),
        "      cost:\n",
        ["not_known"],
    ),
    "duplicate-option": (
        lambda t: t.replace("  - id: waiting", "  - id: therapy"),
        "  - id: therapy\n    name: Waiting",
        ["'therapy' is used twice"],
    ),
    "duplicate-row": (
        lambda t: t.replace("  - id: cost\n", "  - id: involves\n"),
        "  - id: involves\n    label: Typical cost",
        ["'involves' is used twice"],
        5,
    ),  # and 2 unknown 'cost' cells, 2 unknown 'cost' summaries
    "reviewed-not-a-date": (
        lambda t: t.replace("reviewed: 2026-03-03", "reviewed: last March"),
        "reviewed:",
        ["2026-12-01"],
    ),
    "no-options": (lambda t: t.split("options:")[0] + "questions: []\n", None, ["'options:'"]),
    "invalid-yaml": (
        lambda t: t.replace("    name: Waiting", "    name: [Waiting"),
        "name: [Waiting",
        ["not valid YAML"],
    ),
    "question-cites": (
        lambda t: t.replace("- Does my plan cover it?", "- Does my plan cover it [@alpha2026]?"),
        "Does my plan",
        ["cannot cite"],
    ),
    "option-without-article": (
        lambda t: t.replace(
            "    article: treatment\n    cells:\n      involves: >-\n        No",
            "    cells:\n      involves: >-\n        No",
        ),
        "  - id: waiting",
        ["'article'"],
    ),
    # The summaries (the one-page print view) only shorten their cells.
    "summary-missing-row": (
        lambda t: t.replace("      cost: >-\n        Free [@beta2026].\n", ""),
        "    summary:\n      involves: >-\n        No visits",
        ["no summary for row 'cost'", "30 words"],
    ),
    "no-summary": (
        lambda t: t.replace(
            "    summary:\n      involves: >-\n        Weekly therapy [@alpha2026].\n      cost:\n"
            '        not_known: "No price found."\n',
            "",
        ),
        "  - id: therapy",
        ["'summary'"],
    ),
    "summary-new-source": (
        lambda t: t.replace("Weekly therapy [@alpha2026].", "Weekly therapy [@alpha2026; @beta2026]."),
        "Weekly therapy",
        ["'beta2026'", "only its cell's sources"],
    ),
    "summary-new-number": (
        lambda t: t.replace("Free [@beta2026].", "Free for 3 months [@beta2026]."),
        "Free for 3",
        ["'3'", "only shorten"],
    ),
    "summary-too-long": (
        lambda t: t.replace("Free [@beta2026].", " ".join(["free"] * 31) + " [@beta2026]."),
        "      cost: >-\n        free",
        ["31 words", "at most 30"],
    ),
    "summary-not-known-for-a-cited-cell": (
        lambda t: t.replace(
            "      cost: >-\n        Free [@beta2026].", '      cost:\n        not_known: "?"'
        ),
        '      cost:\n        not_known: "?"',
        ["its cell is Markdown with a [@key] citation"],
    ),
    "summary-unknown-row": (
        lambda t: t.replace("      cost: >-\n        Free", "      price: >-\n        Free"),
        "price: >-",
        ["unknown row id 'price'", "summary"],
        2,
    ),  # and the summary's 'cost' is missing
}


def expected_line(text: str, needle: str | None) -> int:
    if needle is None:
        return 1
    start = text.index(needle)
    return (
        text.count("\n", 0, start)
        + 1
        + (needle[: needle.index("\n")].count("\n") if needle.startswith("\n") else 0)
    )


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_data_mistake_is_one_error_on_its_yaml_line(tmp_path, name):
    edit, needle, words, *count = MISTAKES[name]
    text = edit(GOOD)
    assert text != GOOD, "the edit must change the file"
    _, errors = errors_for(tmp_path, text)
    assert len(errors) == (count or [1])[0], errors
    line, message = errors[0]
    assert line == expected_line(text, needle), (line, message, needle)
    missing = [word for word in words if word not in message]
    assert not missing, f"{message!r} should mention {missing}"


def test_every_mistake_in_a_file_is_reported_at_once(tmp_path):
    text = MISTAKES["unknown-row"][0](
        MISTAKES["no-citation"][0](GOOD).replace(
            "Weekly sessions with a therapist [@alpha2026].", "Weekly sessions."
        )
    )
    _, errors = errors_for(tmp_path, text)
    assert len(errors) == 3, errors  # the uncited cell, the unknown row, the row it leaves missing


# --- 2. The plugin in a real build --------------------------------------------------

TODAY = "2026-04-01"
# the fixture settings with the plugins a decision-aid page goes through
PLUGINS = ["editorial", "pelican.plugins.faq_citations", "decision_aid", "inline_styles", "linkcheck"]


def build(out, content):
    return build_in_process(content, out, PLUGINS=PLUGINS, EDITORIAL_TODAY=TODAY)


@pytest.fixture
def fixture_content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def test_fixture_site_builds_the_page_with_numbered_citations_and_resolved_links(fixture_content, tmp_path):
    out = tmp_path / "out"
    result = build(out, fixture_content)
    assert result.returncode == 0, result.stderr
    doc = soup(out / "compare-options" / "index.html")
    table = doc.select_one("table.decide-table")
    assert [th.get_text(strip=True) for th in table.select("thead th[scope=col]")] == [
        "Option",
        "What it involves",
        "Typical cost",
    ]
    assert len(table.select("tbody th[scope=row]")) == 2
    assert [th.get_text(strip=True) for th in table.select("th[scope=rowgroup]")] == [
        "Talk therapy",
        "No treatment for now",
    ]
    # Numbered in reading order: alpha first (therapy), then beta; one reference list.
    numbers = [a.get_text() for a in table.select("sup.cite a[href^='#ref-']")]
    assert numbers == ["1", "2", "1", "2"], numbers
    refs = doc.select(".decide__references section.references li")
    assert [li["id"] for li in refs] == ["ref-alpha2026", "ref-beta2026"]
    assert (
        table.select_one("#option-therapy .decide-table__not-known")
        .get_text(" ", strip=True)
        .startswith("Not known.")
    )
    link = table.select_one("#option-waiting a[href$='/find-care/']")
    assert link is not None and "{filename}" not in str(table)
    assert all(a["href"].endswith("/treatment/") for a in table.select(".decide-table__more"))
    sources = soup(out / "sources" / "index.html")
    assert any("Compare your options" in li.get_text() for li in sources.select("li#ref-alpha2026"))
    # The print summaries: the cells' numbers, plain (no link, no second back-link).
    summaries = [
        (td.select_one(".decide-table__summary").get_text(" ", strip=True))
        for td in table.select("td.decide-table__cell")
    ]
    summaries = [" ".join(text.split()) for text in summaries]
    expected = ["Weekly therapy 1 .", "Not known. No price found.", "No visits 1 .", "Free 2 ."]
    assert summaries == expected, summaries
    assert not table.select(".decide-table__summary a")
    assert len(doc.select(".references__back a")) == 4, "back-links only to the cells' citations"
    sheet = soup(out / "questions-to-ask" / "index.html")
    assert len(sheet.select(".questions__list textarea")) == 2 and not sheet.select("form")


BUILD_MISTAKES = {
    "unknown-citation-key": (
        lambda t: t.replace("[@beta2026].", "[@gamma2026]."),  # the cell and its summary
        "Nothing up front",
        ["'gamma2026'", "option 'waiting'"],
    ),
    "missing-article": (
        lambda t: t.replace(
            "    article: treatment\n    cells:\n      involves: >-\n        No",
            "    article: no-such-article\n    cells:\n      involves: >-\n        No",
        ),
        "article: no-such-article",
        ["'no-such-article'"],
    ),
    "link-to-nowhere": (
        lambda t: t.replace("{filename}/pages/find-care.md", "{filename}/pages/find-kare.md"),
        "find-kare",
        ["/pages/find-kare.md", "{filename}"],
    ),
    "missing-row": MISTAKES["missing-row"],
    "no-citation": MISTAKES["no-citation"],
}


@pytest.mark.parametrize("name", sorted(BUILD_MISTAKES))
def test_a_mistake_fails_the_build_with_one_line(fixture_content, tmp_path, name):
    edit, needle, words = BUILD_MISTAKES[name][:3]
    path = fixture_content / FIXTURE_DATA
    text = edit(path.read_text())
    path.write_text(text)
    result = build(tmp_path / "out", fixture_content)
    printed = result.stderr
    assert result.returncode != 0 and result.exception is None, printed
    assert "Traceback" not in printed, printed
    errors = error_lines(result.stderr)
    assert len(errors) == 1, result.stderr
    assert re.match(rf"^\S*{re.escape(FIXTURE_DATA)}:{expected_line(text, needle)}: error: ", errors[0]), (
        errors[0]
    )
    missing = [word for word in words if word not in errors[0]]
    assert not missing, f"{errors[0]!r} should mention {missing}"


def test_a_decision_aid_field_naming_no_file_is_an_error(fixture_content, tmp_path):
    page = fixture_content / "pages" / "compare-options.md"
    page.write_text(
        page.read_text().replace("Decision_aid: data/compare-options.yaml", "Decision_aid: data/nope.yaml")
    )
    result = build(tmp_path / "out", fixture_content)
    errors = error_lines(result.stderr)
    assert result.returncode != 0 and len(errors) == 1, result.stderr
    assert re.match(
        r"^\S*pages/compare-options\.md:6: error: 'Decision_aid: data/nope.yaml' names no file", errors[0]
    )


# --- 3. The real site ---------------------------------------------------------------


def test_every_option_has_every_row_and_every_cell_is_cited_or_not_known(site):
    doc = soup(site / "compare-options" / "index.html")
    table = doc.select_one("table.decide-table")
    rows = [th.get_text(strip=True) for th in table.select("thead th[scope=col]")][1:]
    assert len(rows) == 7
    options = table.select("tr.decide-table__option")
    assert len(options) == 7
    cited = set()
    for option in options:
        cells = option.select("td")
        assert [c.select_one(".decide-table__label").get_text(strip=True) for c in cells] == rows
        for cell in cells:
            keys = {a["href"][len("#ref-") :] for a in cell.select("sup.cite a[href^='#ref-']")}
            assert keys or cell.select_one(".decide-table__not-known"), f"{option['id']}: uncited cell"
            cited |= keys
        more = option.select_one("a.decide-table__more")
        assert more and (site / more["href"].strip("/") / "index.html").is_file()
    refs = {li["id"][len("ref-") :] for li in doc.select(".decide__references section.references li")}
    assert refs == cited
    text = doc.select_one(".decide__intro").get_text(" ")
    assert "cannot compare" in text and doc.select_one(".decide__intro a[href$='/what-is-ptsd/']")
    checked = doc.select_one(".decide__checked")
    assert checked.select_one("time")["datetime"] == data.load(str(DATA))[0].reviewed.isoformat()
    assert {a["href"].split("#")[1] for a in checked.select("a")} == {
        "review-cycle",
        "funding-and-conflicts-of-interest",
    }
    about = soup(site / "about" / "index.html")
    assert about.select_one("#review-cycle") and about.select_one("#funding-and-conflicts-of-interest")
    assert about.select_one("a[href$='/compare-options/']"), (
        "the editorial policy says which IPDAS parts it meets"
    )
    assert doc.select_one(".crisis"), "crisis help on the page"


def test_every_cell_prints_a_summary_numbered_like_the_cell(site):
    doc = soup(site / "compare-options" / "index.html")
    cells = doc.select("table.decide-table td.decide-table__cell")
    assert len(cells) == 49
    for cell in cells:
        full, short = cell.select_one(".decide-table__full"), cell.select_one(".decide-table__summary")
        where = f"{cell.find_parent('tr')['id']} {cell['class'][-1]}"
        assert short and short.get_text(strip=True), f"{where}: no summary"
        assert bool(full.select_one(".decide-table__not-known")) == bool(
            short.select_one(".decide-table__not-known")
        ), f"{where}: a summary is 'not known' exactly where its cell is"
        numbers = {a.get_text() for a in full.select("sup.cite a[href^='#ref-']")}
        shown = {n for sup in short.select("sup.decide-cite") for n in sup.get_text().split(",")}
        assert shown <= numbers, f"{where}: the summary cites {shown - numbers}, which the cell does not"
        assert shown or short.select_one(".decide-table__not-known"), f"{where}: summary without a source"
        assert not short.select("a, [id]"), f"{where}: print-only text has no links or ids"


def test_the_cells_read_at_grade_eight_or_lower(site):
    from tools.content_report import grade, parse, prose

    doc = soup(site / "compare-options" / "index.html")
    for element in doc.select(".decide-table__label, .decide-table__more"):
        element.decompose()
    text = prose(parse(str(doc.select_one("table.decide-table"))))
    assert grade(text) is not None and grade(text) <= 8, grade(text)
    summaries = " ".join(prose(parse(str(short))) for short in doc.select(".decide-table__summary"))
    assert grade(summaries) is not None and grade(summaries) <= 8, f"summaries: grade {grade(summaries)}"


def test_the_decision_pages_are_linked_where_readers_decide(site):
    home = soup(site / "index.html")
    assert home.select(".start-here a[href$='/compare-options/']")
    for slug in TREATMENT_ARTICLES:
        doc = soup(site / slug / "index.html")
        callout = doc.select_one("aside.compare-callout")
        assert callout and callout.select_one("a[href$='/compare-options/']"), slug
        assert callout.select_one("a[href$='/questions-to-ask/']"), slug
    assert not soup(site / "what-is-ptsd" / "index.html").select_one("aside.compare-callout")
    find_care = soup(site / "find-care" / "index.html")
    assert find_care.select_one(".prose a[href$='/compare-options/']")
    assert find_care.select_one(".prose a[href$='/questions-to-ask/']")


def test_the_questions_sheet_has_a_field_under_every_question_and_sends_nothing(site):
    doc = soup(site / "questions-to-ask" / "index.html")
    aid, _ = data.load(str(DATA))
    questions = [q for group in aid.questions for q in group["items"]]
    items = doc.select(".questions__list li")
    assert [li.select_one("label").get_text(strip=True) for li in items] == questions
    for li in items:
        field = li.select_one("textarea")
        assert field and li.select_one("label")["for"] == field["id"] and not field.get("name")
    assert [h.get_text(strip=True) for h in doc.select(".questions__topic h2")][:-1] == [
        group["topic"] for group in aid.questions
    ]
    assert not doc.select("form"), "no form: nothing can be submitted"
    assert [s.get("src", "") for s in doc.select("script[src]")] == [
        s.get("src", "") for s in soup(site / "find-care" / "index.html").select("script[src]")
    ], "no script of its own"


# --- 4. In Chromium -----------------------------------------------------------------

NO_SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def run_axe(page, path):
    return [f"{path} {v['id']}: {v['help']} {v['nodes']}" for v in page.evaluate(RUN_AXE, WCAG_TAGS)]


def test_phone_shows_one_card_per_option_with_no_sideways_scrolling(open_page, server):
    axe = need_tool(AXE_JS, "run `make vendor` (python tools/fetch_vendor.py)")
    page = open_page(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        bypass_csp=True,
    )
    page.context.add_init_script(path=str(axe))
    problems = []
    for path in ("/compare-options/", "/questions-to-ask/"):
        page.goto(server + path)
        assert page.evaluate(NO_SIDEWAYS) <= 0, f"{path} scrolls sideways at 390 px"
        problems += run_axe(page, path)
        page.screenshot(
            path=str(shots() / f"{path.strip('/')}-390.png"), full_page=path != "/compare-options/"
        )
    page.goto(server + "/compare-options/")
    cards = page.locator("tr.decide-table__option")
    assert cards.count() == 7
    boxes = [cards.nth(i).bounding_box() for i in range(7)]
    assert all(b["width"] <= 390 and b["x"] >= 0 for b in boxes)
    assert all(a["y"] + a["height"] <= b["y"] for a, b in itertools.pairwise(boxes)), "cards stack"
    assert page.locator(".decide-table__label").first.is_visible(), "each cell shows its row's label"
    assert page.locator("thead").bounding_box()["height"] <= 1, "column headers only for screen readers"
    cards.nth(5).scroll_into_view_if_needed()
    page.screenshot(path=str(shots() / "compare-options-390-card.png"))
    # Touch: the "more" link and a question's field are big enough and work by tap.
    more = page.locator("#option-esketamine a.decide-table__more")
    box = more.bounding_box()
    assert box["height"] >= 24
    page.goto(server + "/questions-to-ask/")
    page.locator("#q-1-1").tap()
    page.keyboard.type("Ask about CPT")
    assert page.locator("#q-1-1").input_value() == "Ask about CPT"
    assert page.failed_requests == [] and page.console_errors == []
    assert not problems, "\n".join(problems)


def test_desktop_shows_a_real_table_that_fits(open_page, server):
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/compare-options/")
    table = page.locator("table.decide-table")
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    assert (
        page.locator("thead th").first.is_visible()
        and not page.locator(".decide-table__label").first.is_visible()
    )
    assert page.evaluate(NO_SIDEWAYS) <= 0
    assert table.bounding_box()["width"] <= 1280
    row = page.locator("#option-prolonged-exposure").bounding_box()
    cells = page.locator("#option-prolonged-exposure td")
    assert all(abs(cells.nth(i).bounding_box()["y"] - row["y"]) < 2 for i in range(cells.count())), "one row"
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(shots() / "compare-options-1280.png"))
    assert page.failed_requests == [] and page.console_errors == []


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


PDF_OPS = re.compile(rb"((?:-?[\d.]+\s+){6})(cm|Tm)\b|(-?[\d.]+)\s+Tf\b|(?<![\w<])(q|Q|Tj|TJ)(?!\w)")


def pdf_text_sizes(pdf: bytes) -> list[float]:
    """The size in points of every run of text a PDF shows: each content stream
    (zlib, as Chromium writes them) read for its q/Q, cm, Tm, Tf and Tj/TJ operators,
    so a page Chromium shrank to fit shows its real, smaller type."""
    sizes = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            stream = zlib.decompress(raw)
        except zlib.error:
            continue
        ctm, stack, tm, font = 1.0, [], 1.0, 0.0
        for matrix, op, size, word in PDF_OPS.findall(stream):
            if op:
                a, b, c, d = (float(x) for x in matrix.split()[:4])
                scale = abs(a * d - b * c) ** 0.5
                if op == b"cm":
                    ctm *= scale
                else:
                    tm = scale
            elif size:
                font = float(size)
            elif word == b"q":
                stack.append(ctm)
            elif word == b"Q":
                ctm = stack.pop() if stack else 1.0
            else:
                sizes.append(round(font * tm * ctm, 2))
    return sizes


PAPER = {"Letter": (792, 612), "A4": (842, 595)}  # landscape, in points


@pytest.mark.parametrize("paper", sorted(PAPER))
def test_the_comparison_prints_on_one_landscape_page_at_seven_points(open_page, server, paper):
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/compare-options/")
    page.emulate_media(media="print")
    assert page.locator("table.decide-table").evaluate("t => getComputedStyle(t).display") == "table"
    for hidden in (".site-nav", ".breadcrumbs", ".decide-table__label", ".decide-table__more"):
        assert not page.locator(hidden).first.is_visible(), hidden
    # Print shows each cell's summary, every option and every row, and the crisis lines.
    assert page.locator(".decide-table__summary:visible").count() == 49
    assert page.locator(".decide-table__full:visible").count() == 0
    assert page.locator("thead th:visible").count() == 8
    assert page.locator(".crisis--compact").is_visible(), "crisis lines on the printed page"
    assert "/compare-options/" in page.locator(".decide__print-note").inner_text()
    page.screenshot(path=str(shots() / f"compare-options-print-{paper}.png"), full_page=True)
    whole = page.pdf(format=paper, prefer_css_page_size=True, print_background=True)
    (shots() / f"compare-options-{paper}.pdf").write_bytes(whole)
    boxes = [tuple(map(float, box.split())) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", whole)]
    width, height = PAPER[paper]
    assert boxes and all(
        abs(x2 - x1 - width) < 2 and abs(y2 - y1 - height) < 2 for x1, y1, x2, y2 in boxes
    ), f"every page is {paper} landscape: {boxes}"
    # The sources start a new page, so without them what is left is exactly page 1.
    references = page.locator(".decide__references")
    assert references.evaluate("r => getComputedStyle(r).breakBefore") == "page"
    references.evaluate("r => r.remove()")
    first = page.pdf(format=paper, prefer_css_page_size=True, print_background=True)
    sizes = pdf_text_sizes(first)
    print(
        f"print {paper}: {pdf_pages(whole)} pages; page 1 (title, decision, table, crisis line) "
        f"{pdf_pages(first)} page, text {min(sizes)}-{max(sizes)} pt in {len(sizes)} runs"
    )
    assert pdf_pages(whole) >= 2, "the sources follow the table"
    assert pdf_pages(first) == 1, f"the comparison takes {pdf_pages(first)} pages on {paper}"
    assert len(sizes) > 500 and min(sizes) >= 6.99, f"smallest text {min(sizes)} pt; 7 pt is the floor"


def test_the_questions_sheet_prints_a_box_to_write_in_under_every_question(open_page, server):
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/questions-to-ask/")
    # Three lines typed on screen print whole (longer answers need the box dragged larger).
    page.locator("#q-2-1").fill("\n".join(f"line {n} of what the clinician said" for n in (1, 2, 3)))
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert page.locator(".crisis--compact").is_visible(), "crisis lines on the printed sheet"
    fields = page.locator("textarea.questions__answer")
    aid, _ = data.load(str(DATA))
    assert fields.count() == sum(len(group["items"]) for group in aid.questions) + 1  # and the notes
    shown = fields.evaluate_all(
        """fs => fs.map(f => { const s = getComputedStyle(f);
            return [f.id, s.borderTopStyle, s.borderBottomStyle, f.getBoundingClientRect().height,
                    parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.2, f.scrollHeight,
                    getComputedStyle(f.closest('.questions__item, .questions__topic')).breakInside]; })"""
    )
    for field, top, bottom, box, line, content, breaks in shown:
        assert top == bottom == "solid", f"{field}: a box to write in ({top}/{bottom})"
        assert box >= 3 * line, f"{field}: {box:.0f} px is under 3 lines of {line:.0f} px"
        assert box >= content - 1, f"{field}: typed text cut off ({box:.0f} < {content} px)"
        assert breaks == "avoid", f"{field}: its question can be split from its box"
    page.screenshot(path=str(shots() / "questions-to-ask-print.png"), full_page=True)
    for paper in PAPER:
        sheet = page.pdf(format=paper, prefer_css_page_size=True, print_background=True)
        (shots() / f"questions-to-ask-{paper}.pdf").write_bytes(sheet)
        sizes = pdf_text_sizes(sheet)
        print(f"print questions-to-ask {paper}: {pdf_pages(sheet)} pages, text {min(sizes)}-{max(sizes)} pt")
        assert 1 <= pdf_pages(sheet) <= 4 and min(sizes) >= 9.99, (pdf_pages(sheet), min(sizes))


def test_the_questions_sheet_works_without_script_and_keeps_nothing(open_page, server):
    page = open_page(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page.goto(server + "/questions-to-ask/")
    loaded = len(page.requested_urls)
    page.locator("#q-1-1").fill("Ask about CPT")
    page.locator("#ask-emdr").check()
    page.keyboard.press("Tab")
    assert page.locator("#q-1-1").input_value() == "Ask about CPT"
    assert page.locator("#ask-emdr").is_checked()
    assert len(page.requested_urls) == loaded, f"typing sent something: {page.requested_urls[loaded:]}"
    assert page.context.cookies() == []
    page.reload()
    assert page.locator("#q-1-1").input_value() == "", "nothing typed is kept after a reload"
    assert not page.locator("#ask-emdr").is_checked()


def test_a_yaml_syntax_error_in_the_data_file_hides_no_other_mistake_of_the_run(fixture_content, tmp_path):
    data = fixture_content / "data" / "compare-options.yaml"
    data.write_text(MISTAKES["invalid-yaml"][0](data.read_text(encoding="utf-8")), encoding="utf-8")
    article = fixture_content / "articles" / "treatment.md"
    extra = "\nA claim [@nokey2020] and a [link](/nowhere/).\n"
    article.write_text(article.read_text(encoding="utf-8") + extra, encoding="utf-8")
    result = build(tmp_path / "out", fixture_content)
    shown = [re.sub(r"^\S*?content/", "", line) for line in result.errors]
    assert [line.split(": error: ")[0] for line in shown] == sorted([
        f"articles/treatment.md:{len(article.read_text().splitlines())}",
        f"articles/treatment.md:{len(article.read_text().splitlines())}",
        f"data/compare-options.yaml:{expected_line(data.read_text(), 'name: [Waiting')}",
    ]), result.stderr
    assert "not valid YAML" in shown[-1] and result.exception is None
