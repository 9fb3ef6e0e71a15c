"""Valid output: the Nu HTML Checker on every page, well-formed XML, schema.org JSON-LD.

vnu.jar runs once over every page (and the stylesheets and SVGs) in a single
Java process: starting Java per page would cost a second each. The run is short, so
Java's optimising compiler (C2) never pays for itself: stopping at the quick one
(C1, ``-XX:TieredStopAtLevel=1``) with the serial collector takes 0.44x the CPU
(4.1 s against 9.3 s over the 95 pages, means of three alternating runs); C1's larger frames need a
bigger thread stack than vnu's 512 KB minimum, hence ``-Xss4m``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from support import VNU_JAR, html_pages, need_java, need_tool, soup

ARTICLE = "article.article:not(.article--page)"
FAQ_QUESTION = ".faq details > summary"


JAVA_OPTIONS = ["-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
KNOWN_BAD = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div></p></body></html>'


@pytest.fixture(scope="module")
def vnu_run(site, tmp_path_factory) -> tuple[list[dict], Path]:
    """One vnu run over every page (and stylesheet and SVG) of the site, plus one page with
    a known error (the control), so Java starts once: (messages, the control page)."""
    java = need_java()
    jar = need_tool(VNU_JAR, "run `make vendor` (python tools/fetch_vendor.py)")
    bad = tmp_path_factory.mktemp("vnu-control") / "bad.html"
    bad.write_text(KNOWN_BAD, encoding="utf-8")
    files = [*html_pages(site), *sorted(site.glob("theme/**/*.css")), *sorted(site.glob("theme/**/*.svg"))]
    files.append(bad)
    result = subprocess.run(
        [
            java,
            *JAVA_OPTIONS,
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            "--also-check-css",
            "--also-check-svg",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(
            f"vnu did not report JSON (exit {result.returncode}):\n{result.stderr[-2000:]}", pytrace=False
        )
    if result.returncode != 0 and not messages:
        pytest.fail(f"vnu failed (exit {result.returncode}):\n{result.stderr[-2000:]}", pytrace=False)
    return messages, bad


def _about(message: dict, page: Path) -> bool:
    return Path(urlsplit(message.get("url", "")).path) == page


def test_nu_html_checker_finds_no_errors_on_any_page(site, vnu_run):
    messages, control = vnu_run

    def where(message):
        path = urlsplit(message.get("url", "")).path
        try:
            path = Path(path).relative_to(site).as_posix()
        except ValueError:
            pass
        return f"{path}:{message.get('lastLine', '?')}"

    errors = [
        f"{where(m)}: {m['type']}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error") and not _about(m, control)
    ]
    assert not errors, f"{len(errors)} error(s):\n" + "\n".join(errors[:60])


def test_nu_html_checker_is_really_checking(vnu_run):
    """The control page's known error is reported in the same run, or the test above proves nothing."""
    messages, control = vnu_run
    assert any(m["type"] == "error" and _about(m, control) for m in messages), messages[-5:]


def test_feeds_sitemap_and_every_xml_file_are_well_formed(site):
    files = sorted(site.rglob("*.xml"))
    names = {path.relative_to(site).as_posix() for path in files}
    assert {"sitemap.xml", "feeds/all.atom.xml"} <= names, names
    problems = []
    for path in files:
        try:
            root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        except etree.XMLSyntaxError as exc:
            problems.append(f"{path.relative_to(site)}: {exc}")
            continue
        if path.name == "sitemap.xml" and not root.findall(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}url"
        ):
            problems.append("sitemap.xml lists no <url>")
        if (
            path.suffix == ".xml"
            and path.parent.name == "feeds"
            and root.tag != "{http://www.w3.org/2005/Atom}feed"
        ):
            problems.append(f"{path.relative_to(site)}: root is {root.tag}, not an Atom feed")
    assert not problems, "\n".join(problems)


# --- JSON-LD: the shape schema.org defines for each type we emit -------------------------


def _is_url(value, absolute: bool) -> bool:
    if not isinstance(value, str) or not value:
        return False
    parts = urlsplit(value)
    return (
        parts.scheme == "https" and bool(parts.netloc)
        if absolute
        else (parts.scheme in ("", "https", "http"))
    )


def _is_date(value) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _named(thing, types) -> bool:
    return (
        isinstance(thing, dict) and thing.get("@type") in types and bool(str(thing.get("name", "")).strip())
    )


def _many(value) -> list:
    return value if isinstance(value, list) else [value]


def shape_errors(data: dict, absolute: bool) -> list[str]:
    """What is wrong with one JSON-LD object, by its @type (empty when its shape is right)."""
    kind = data.get("@type")
    errors = []
    if data.get("@context") not in ("https://schema.org", "https://schema.org/", "http://schema.org"):
        errors.append(f"@context is {data.get('@context')!r}")
    if kind == "WebSite":
        if not str(data.get("name", "")).strip():
            errors.append("WebSite without name")
        if not _is_url(data.get("url"), absolute):
            errors.append(f"WebSite url {data.get('url')!r}")
    elif kind == "MedicalWebPage":
        for key in ("name", "url", "lastReviewed", "reviewedBy", "about", "audience"):
            if not data.get(key):
                errors.append(f"MedicalWebPage without {key}")
        if data.get("url") and not _is_url(data["url"], absolute):
            errors.append(f"MedicalWebPage url {data['url']!r}")
        if data.get("lastReviewed") and not _is_date(data["lastReviewed"]):
            errors.append(f"lastReviewed {data['lastReviewed']!r} is not an ISO date")
        if data.get("reviewedBy") and not all(
            _named(r, ("Person", "Organization")) for r in _many(data["reviewedBy"])
        ):
            errors.append(f"reviewedBy {data['reviewedBy']!r} is not a named Person or Organization")
        if data.get("about") and not all(
            isinstance(a, dict) and a.get("@type") and a.get("name") for a in _many(data["about"])
        ):
            errors.append(f"about {data['about']!r}: each needs @type and name")
        if data.get("audience") and not all(
            isinstance(a, dict) and str(a.get("@type", "")).endswith("Audience")
            for a in _many(data["audience"])
        ):
            errors.append(f"audience {data['audience']!r}: each must be an Audience type")
    elif kind == "BreadcrumbList":
        items = data.get("itemListElement")
        if not isinstance(items, list) or not items:
            errors.append("BreadcrumbList without itemListElement")
        else:
            positions = [item.get("position") for item in items]
            if positions != list(range(1, len(items) + 1)):
                errors.append(f"BreadcrumbList positions {positions}, not 1..{len(items)}")
            for item in items:
                if (
                    item.get("@type") != "ListItem"
                    or not item.get("name")
                    or not _is_url(item.get("item"), absolute)
                ):
                    errors.append(f"ListItem {item!r} needs @type ListItem, name and item URL")
    elif kind == "FAQPage":
        questions = data.get("mainEntity")
        if not isinstance(questions, list) or not questions:
            errors.append("FAQPage without mainEntity")
        for question in questions or []:
            answer = question.get("acceptedAnswer") if isinstance(question, dict) else None
            if not _named(question, ("Question",)):
                errors.append(f"mainEntity item {question!r} is not a named Question")
            elif not (
                isinstance(answer, dict)
                and answer.get("@type") == "Answer"
                and str(answer.get("text", "")).strip()
            ):
                errors.append(f"Question {question.get('name')!r} has no acceptedAnswer Answer with text")
    else:
        errors.append(f"unexpected @type {kind!r}")
    return errors


def _plain(text: str) -> str:
    """Text compared without typography: typogrify curls the page's quotes, not JSON-LD's."""
    return " ".join(text.translate(str.maketrans("\u201c\u201d\u2018\u2019\u00a0", "\"\"'' ")).split())


def _json_ld(page_soup) -> list:
    return [
        json.loads(script.string or "") for script in page_soup.select('script[type="application/ld+json"]')
    ]


@pytest.mark.parametrize("absolute", [False, True], ids=["site", "published"])
def test_every_json_ld_block_parses_and_has_its_schema_org_shape(request, absolute):
    output = request.getfixturevalue("published_site" if absolute else "site")
    problems = []
    for path in html_pages(output):
        where = path.relative_to(output).as_posix()
        page_soup = soup(path)
        try:
            blocks = _json_ld(page_soup)
        except ValueError as exc:
            problems.append(f"{where}: JSON-LD does not parse: {exc}")
            continue
        types = [block.get("@type") for block in blocks]
        for block in blocks:
            problems += [f"{where}: {error}" for error in shape_errors(block, absolute)]
        if types.count("WebSite") != 1:
            problems.append(f"{where}: {types.count('WebSite')} WebSite blocks")
        if page_soup.select_one(ARTICLE) and (
            types.count("MedicalWebPage"),
            types.count("BreadcrumbList"),
        ) != (1, 1):
            problems.append(
                f"{where}: an article needs one MedicalWebPage and one BreadcrumbList, has {types}"
            )
        questions = [_plain(s.get_text()) for s in page_soup.select(FAQ_QUESTION)]
        faq = [block for block in blocks if block.get("@type") == "FAQPage"]
        if path.parent.name == "faq" and path.parent.parent == output:
            continue  # the site-wide FAQ repeats questions whose FAQPage lives on their own pages
        if questions and len(faq) != 1:
            problems.append(f"{where}: {len(questions)} FAQ questions but {len(faq)} FAQPage blocks")
        elif faq:
            named = [_plain(str(q.get("name", ""))) for q in faq[0].get("mainEntity", [])]
            if named != questions:
                problems.append(f"{where}: FAQPage questions {named} differ from the page's {questions}")
    assert not problems, "\n".join(problems[:80])


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"@context": "https://schema.org", "@type": "WebSite", "name": "S"}, "WebSite url None"),
        (
            {
                "@context": "https://schema.org",
                "@type": "MedicalWebPage",
                "name": "A",
                "url": "https://x.org/a/",
                "reviewedBy": {"@type": "Person", "name": "R"},
                "about": [{"@type": "MedicalCondition", "name": "PTSD"}],
                "audience": [{"@type": "PeopleAudience"}],
            },
            "MedicalWebPage without lastReviewed",
        ),
        (
            {
                "@context": "https://schema.org",
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": 2, "name": "Home", "item": "https://x.org/"}
                ],
            },
            "positions [2]",
        ),
        (
            {
                "@context": "https://schema.org",
                "@type": "FAQPage",
                "mainEntity": [
                    {"@type": "Question", "name": "Q?", "acceptedAnswer": {"@type": "Answer", "text": " "}}
                ],
            },
            "has no acceptedAnswer",
        ),
    ],
    ids=["website-no-url", "medical-no-last-reviewed", "breadcrumb-positions", "faq-empty-answer"],
)
def test_shape_checks_catch_a_wrong_shape(data, error):
    assert any(error in message for message in shape_errors(data, absolute=True)), shape_errors(data, True)


def test_json_ld_cannot_end_its_script_element(site):
    """`</script>` or `<!--` inside a value would end or break the block in the HTML parser."""
    for path in html_pages(site):
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S):
            assert "<" not in block, f"{path.relative_to(site)}: unescaped < in JSON-LD"
