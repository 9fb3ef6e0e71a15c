"""faq_citations in a real MkDocs 1.6 site and a real Zensical site (tests/ext_sites/).

Both are built for real (`mkdocs build --strict`, `zensical build --strict`) in the
virtualenv `make test` makes for them (.venv-docs, requirements-docs.txt), with the
extension loaded by its entry-point name from `markdown_extensions`. The output is
read with selectors, and a page is opened in Chromium. Author mistakes must come out
as `docs/<page>.md:<line>: error: <message>` with a failed build and no traceback.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from support import ROOT

EXT_SITES = Path(__file__).resolve().parents[1] / "ext_sites"
DOCS_VENV = Path(os.environ.get("DOCS_VENV", ROOT / ".venv-docs"))
STATIC = ROOT / "plugins" / "faq_citations" / "pelican" / "plugins" / "faq_citations" / "static"
STATIC_FILES = ("faq-citations.css", "faq-citations.js")
TOOLS = ("mkdocs", "zensical")


def tool(name: str) -> Path:
    path = DOCS_VENV / "bin" / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: `make test` installs requirements-docs.txt into "
                    f"{DOCS_VENV.name}", pytrace=False)
    return path


def copy_site(name: str, destination: Path) -> Path:
    """The fixture site in a fresh folder, with the plugin's preview CSS/JS copied into
    docs/faq-citations/ as the plugin README tells a site to."""
    site = destination / name
    shutil.copytree(EXT_SITES / name, site)
    target = site / "docs" / "faq-citations"
    target.mkdir()
    for asset in STATIC_FILES:
        shutil.copy(STATIC / asset, target / asset)
    return site


def run_build(name: str, site: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """Build like a user does, from the site's folder; returns the result and the output folder."""
    if name == "mkdocs":
        output = site.parent / f"{name}-output"
        command = [str(tool("mkdocs")), "build", "--strict", "-d", str(output)]
    else:
        output = site / "site"  # Zensical keeps site_dir inside the project
        command = [str(tool("zensical")), "build", "--strict", "--clean"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    result = subprocess.run(command, cwd=site, capture_output=True, text=True, timeout=300, env=env)
    return result, output


@pytest.fixture(scope="module", params=TOOLS)
def built(request, tmp_path_factory):
    name = request.param
    site = copy_site(name, tmp_path_factory.mktemp(name))
    result, output = run_build(name, site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    # MkDocs sees the citation and reference ids (it checks links to anchors)
    assert "no such anchor" not in result.stdout + result.stderr
    return name, output


def page(output: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((output / url / "index.html").read_text(encoding="utf-8"), "lxml")


def article(html: BeautifulSoup):
    """The page's own content (not the theme's navigation)."""
    content = html.select_one("article") or html.select_one("[role=main]") or html.body
    assert content is not None
    return content


def test_each_page_numbers_its_citations_and_lists_its_own_references(built):
    _name, output = built
    first = article(page(output, ""))
    assert [a.get_text() for a in first.select("sup.cite a[href^='#ref-']")] == [
        "1", "2", "3", "3", "4", "3", "5"]
    assert [li["id"] for li in first.select("section.references ol.references__list > li")] == [
        "ref-lifeline988", "ref-vcl", "ref-feder2014", "ref-fda2023compounded", "ref-feder2021"]
    for link in first.select("sup.cite a[href^='#ref-']"):
        assert first.select_one(f"li{link['href']}") is not None
        back = first.select_one(f"a[href='#{link['id']}']")
        assert back is not None and back.find_parent(class_="references__back") is not None
    entry = first.select_one("#ref-feder2014 .references__entry").get_text(" ", strip=True)
    # pandoc's conversion: sentence case, as CSL expects (the style capitalises where it says)
    assert "Efficacy of intravenous ketamine" in entry and "JAMA Psychiatry" in entry
    assert first.select_one("#ref-feder2014 .references__entry a[href='https://doi.org/10.1001/jamapsychiatry.2014.62']")
    preview = first.select_one("sup.cite a[href='#ref-feder2014'] + .cite__preview")
    assert preview is not None and preview.has_attr("hidden") and "Feder" in preview.get_text()

    second = article(page(output, "second"))
    # its own list, numbered from 1 again: no entries carried over from the first page
    assert [li["id"] for li in second.select("section.references li")] == [
        "ref-lifeline988", "ref-vcl", "ref-feder2021"]
    assert [a.get_text() for a in second.select("sup.cite a[href^='#ref-']")] == ["1", "2", "3", "3"]
    assert not second.select("div.faq")
    assert "[@" not in second.get_text() and "[@" not in first.get_text()


def test_faq_block_is_details_with_one_faqpage_jsonld(built):
    _name, output = built
    html = page(output, "")
    faq = article(html).select_one("div.faq")
    assert faq.select_one("h2").get_text(strip=True) == "Questions about the trials"
    details = faq.select("details")
    assert [d["id"] for d in details] == ["is-ketamine-approved-for-ptsd", "how-many-drips-did-people-get"]
    assert [d.select_one("summary").get_text(strip=True) for d in details] == [
        "Is ketamine approved for PTSD?", "How many drips did people get?"]
    assert details[0].select_one("sup.cite a")["href"] == "#ref-fda2023compounded"
    assert ":::" not in faq.get_text()


def test_faqpage_jsonld_matches_the_questions(built):
    _name, output = built
    html = page(output, "")
    questions = [d.select_one("summary").get_text(strip=True) for d in html.select("div.faq details")]
    scripts = html.select('script[type="application/ld+json"]')
    faq_pages = [data for data in (json.loads(s.string) for s in scripts) if data.get("@type") == "FAQPage"]
    assert len(faq_pages) == 1
    assert [item["name"] for item in faq_pages[0]["mainEntity"]] == questions
    assert "off-label" in faq_pages[0]["mainEntity"][0]["acceptedAnswer"]["text"]
    assert not page(output, "second").select('script[type="application/ld+json"]')


def test_preview_assets_are_linked_from_every_page(built):
    _name, output = built
    for url in ("", "second"):
        html = page(output, url)
        assert any(link["href"].endswith("faq-citations/faq-citations.css")
                   for link in html.select("link[rel=stylesheet]"))
        assert any(script.get("src", "").endswith("faq-citations/faq-citations.js")
                   for script in html.select("script[src]"))
    assert (output / "faq-citations" / "faq-citations.css").is_file()


# -- author mistakes ------------------------------------------------------------------


def replace_line(path: Path, old: str, new: str) -> int:
    """Replace ``old`` on its line; return that line's 1-based number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if old in line)
    lines[number] = lines[number].replace(old, new)
    path.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


def mistake_lines(result) -> list[str]:
    found = re.finditer(r"(?:docs/\S+|refs\.bib):\d+: error: [^\n]*", result.stdout + result.stderr)
    return sorted({match.group(0) for match in found})


@pytest.mark.parametrize("name", TOOLS)
def test_unknown_key_is_one_line_with_path_and_line_below_front_matter(name, tmp_path):
    site = copy_site(name, tmp_path)
    line = replace_line(site / "docs" / "second.md", "weeks [@feder2021]", "weeks [@fedr2021]")
    assert line == 10  # second.md starts with four lines of YAML front matter and a blank line
    result, _output = run_build(name, site)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert mistake_lines(result) == [
        f"docs/second.md:{line}: error: unknown citation key 'fedr2021'; did you mean 'feder2021'?"]


@pytest.mark.parametrize("name", TOOLS)
def test_faq_mistake_is_reported_at_its_line(name, tmp_path):
    site = copy_site(name, tmp_path)
    index = site / "docs" / "index.md"
    line = replace_line(index, "### How many drips did people get?", "### How many drips did people get?")
    text = index.read_text(encoding="utf-8").split("\n")
    del text[line: line + 2]  # the answer's two lines: the question is left without an answer
    index.write_text("\n".join(text), encoding="utf-8")
    result, _output = run_build(name, site)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert mistake_lines(result) == [
        f"docs/index.md:{line}: error: the FAQ question 'How many drips did people get?' has no answer; "
        "write the answer below the question"]


def test_zensical_lists_every_mistake_of_every_page(tmp_path):
    site = copy_site("zensical", tmp_path)
    second = replace_line(site / "docs" / "second.md", "weeks [@feder2021]", "weeks [@fedr2021]")
    first = replace_line(site / "docs" / "index.md", "midazolam [@feder2014]", "midazolam [@feder214]")
    result, output = run_build("zensical", site)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert mistake_lines(result) == [
        f"docs/index.md:{first}: error: unknown citation key 'feder214'; did you mean 'feder2014'?",
        f"docs/second.md:{second}: error: unknown citation key 'fedr2021'; did you mean 'feder2021'?",
    ]
    assert "error: the build stopped on the author mistakes listed above" in result.stderr
    # no page with a mistake is written, raw syntax included
    assert not (output / "index.html").exists() and not (output / "second" / "index.html").exists()


@pytest.mark.parametrize("name", TOOLS)
def test_malformed_bibliography_is_one_line_with_its_line(name, tmp_path):
    site = copy_site(name, tmp_path)
    doi = "{10.1176/appi.ajp.2020.20050596"
    line = replace_line(site / "refs.bib", doi + "}", doi)
    result, _output = run_build(name, site)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    lines = mistake_lines(result)
    assert lines and all(found.startswith("refs.bib:") for found in lines), lines
    # the line where the brace that is never closed opens (pandoc itself names the end of the file)
    assert lines[0] == (f"refs.bib:{line}: error: malformed BibTeX: the '{{' that opens field 'doi' here is "
                        "never closed; add the missing '}'")


# -- in a browser -------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(built):
    name, output = built
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(output)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield name, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.browser
def test_page_shows_references_and_opens_faq_answers_in_chromium(served, page):
    _name, base = served
    page.goto(base + "/", wait_until="load")
    references = page.locator("section.references li")
    assert references.count() == 5
    assert references.first.is_visible()
    assert "Feder" in page.locator("#ref-feder2014").inner_text()
    citation = page.locator("sup.cite a[href='#ref-feder2014']").first
    assert citation.is_visible() and citation.inner_text() == "3"
    question = page.locator("div.faq details").first
    assert question.get_attribute("open") is None
    answer = question.locator("p").first
    assert not answer.is_visible()
    question.locator("summary").click()
    assert question.get_attribute("open") is not None and answer.is_visible()
    preview = page.locator("sup.cite .cite__preview").first
    page.locator("sup.cite .cite__item").first.hover()
    preview.wait_for(state="visible", timeout=5000)  # fails the test if it never opens
    assert "988" in preview.inner_text()
    # keyboard focus opens the next one; a click (or tap) opens the reference in place
    page.mouse.move(1, 1)
    page.locator("sup.cite a").nth(1).focus()
    focused = page.locator("sup.cite .cite__preview").nth(1)
    focused.wait_for(state="visible", timeout=5000)
    page.keyboard.press("Escape")  # dismisses it (it may cover the next citation)
    focused.wait_for(state="hidden", timeout=5000)
    page.locator("sup.cite a[href='#ref-feder2014']").first.click()
    popover = page.locator(".cite-popover")
    popover.wait_for(state="visible", timeout=5000)
    assert "Feder" in popover.locator(".cite-popover__reference").inner_text()
    page.keyboard.press("Escape")
    popover.wait_for(state="hidden", timeout=5000)
    page.goto(base + "/#ref-feder2014", wait_until="load")  # where the citation links to
    assert page.locator("#ref-feder2014").is_visible()
    assert page.console_errors == [], page.console_errors
    assert page.failed_requests == [], page.failed_requests
