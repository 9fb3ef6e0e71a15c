"""One tour of every page of the real site in Chromium, each page loaded once.

Every page is opened once, at 1280 px, under the site's own Content-Security-Policy,
and on that loaded page: the load itself (HTTP 200, no console error, no failed
request, nothing from another origin), axe-core's WCAG 2.2 A/AA rules in light, then
(the colour scheme switched on the same page with ``emulate_media``) axe's colour rules
in dark, and on the pages with citations, that a citation link is marked by more than
colour in both schemes. The tests below each read their part of the tour, so a failure
still names its rule. (These were four tests that loaded every page five times over.)

axe is injected from tools/vendor/axe.min.js (a local file; `make test` fetches the
pinned version) with ``add_init_script``, which Chromium runs before the page's own
scripts and outside its CSP; so the pages are checked as they are served, CSP enforced.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from support import AXE_JS, ROOT, RUN_AXE, WCAG_TAGS, need_tool, page_urls, recording_page

pytestmark = pytest.mark.browser

CITATION = 'sup a[href^="#ref-"]'
# Dark mode only swaps the colour custom properties (site.css; test_dark_mode_is_colours_only
# holds it to that), so in dark only the WCAG rules that read colours can answer differently:
# those run in both schemes, every other rule in light alone.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
CITATION_STYLE = """link => {
    const s = getComputedStyle(link), sup = getComputedStyle(link.parentElement);
    return {decoration: s.textDecorationLine, border: s.borderBottomStyle, borderWidth: s.borderBottomWidth,
            supDecoration: sup.textDecorationLine};
}"""


def _load_problems(page, path: str, response, origin, aborted: set[str]) -> list[str]:
    problems = []
    if response is None or response.status != 200:
        problems.append(f"{path}: HTTP {response.status if response else 'no response'}")
    problems += [f"{path}: console error: {text}" for text in page.console_errors]
    for failure in page.failed_requests:
        url, _, reason = failure.partition(" (")
        if reason == "net::ERR_ABORTED)":  # cut short by the next goto (the favicon): fetch again below
            aborted.add(url)
        else:
            problems.append(f"{path}: failed request: {failure}")
    for url in page.requested_urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            continue
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            problems.append(f"{path}: request to another origin: {url}")
    return problems


def _axe(page, path: str, scheme: str, only: dict) -> list[str]:
    report = []
    for violation in page.evaluate(RUN_AXE, only):
        report.append(f"{path} [{scheme}] {violation['id']} ({violation['impact']}): {violation['help']}")
        report += [f"    {node}" for node in violation["nodes"]]
    return report


def _citation_problems(page, path: str, scheme: str) -> list[str]:
    """WCAG 1.4.1: a superscript number in link colour is not enough; it needs an underline
    (or a border) that does not depend on colour, in its resting state."""
    for style in page.locator(CITATION).evaluate_all(f"links => links.map({CITATION_STYLE})"):
        underlined = "underline" in style["decoration"] or "underline" in style["supDecoration"]
        bordered = style["border"] not in ("none", "hidden") and style["borderWidth"] != "0px"
        if not (underlined or bordered):
            return [f"{path} [{scheme}]: a citation link has neither underline nor border: {style}"]
    return []


@pytest.fixture(scope="module")
def tour(browser, server, site) -> dict:
    """The tour: what each check found, by check, and which pages had citations."""
    axe = need_tool(AXE_JS, "run `make vendor` (python tools/fetch_vendor.py)")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    context.add_init_script(path=str(axe))  # defines window.axe on every page, before load
    page = recording_page(context)
    found = {"loads": [], "axe light": [], "axe dark": [], "citations": [], "cited pages": [], "pages": []}
    origin = urlsplit(server)
    aborted: set[str] = set()
    try:
        for path in page_urls(site):
            page.console_errors.clear()
            page.failed_requests.clear()
            page.requested_urls.clear()
            response = page.goto(server + path, wait_until="load")
            found["pages"].append(path)
            found["loads"] += _load_problems(page, path, response, origin, aborted)
            cited = page.locator(CITATION).count() > 0
            if cited:
                found["cited pages"].append(path)
                found["citations"] += _citation_problems(page, path, "light")
            found["axe light"] += _axe(page, path, "light", {"type": "tag", "values": WCAG_TAGS})
            page.emulate_media(color_scheme="dark")
            found["axe dark"] += _axe(page, path, "dark", {"type": "rule", "values": COLOUR_RULES})
            if cited:
                found["citations"] += _citation_problems(page, path, "dark")
            page.emulate_media(color_scheme="light")
        for url in sorted(aborted):
            status = page.request.get(url).status
            if status != 200:
                found["loads"].append(f"{url}: HTTP {status}")
    finally:
        context.close()
    return found


def test_the_tour_visits_every_page(tour, site):
    assert tour["pages"] == page_urls(site)
    assert len(tour["pages"]) > 20, tour["pages"]


def test_every_page_loads_without_errors_or_other_origins(tour):
    assert not tour["loads"], "\n".join(tour["loads"])


def test_axe_finds_no_wcag_a_or_aa_violations_in_light(tour):
    assert not tour["axe light"], "\n".join(tour["axe light"])


def test_axe_finds_no_colour_violations_in_dark(tour):
    assert not tour["axe dark"], "\n".join(tour["axe dark"])


def test_citation_links_are_distinguishable_without_colour(tour):
    assert tour["cited pages"], (
        f"no page has citations ({CITATION}): the faq_citations plugin renders [@key] "
        "as a superscript link to #ref-..."
    )
    assert not tour["citations"], "\n".join(tour["citations"])


def test_dark_mode_is_colours_only():
    """What the dark run above leaves out is sound only while the dark styles set colour
    variables and nothing else (no display, size or content), and the colour rules are WCAG's."""
    css = (ROOT / "theme" / "static" / "css" / "site.css").read_text(encoding="utf-8")
    blocks = re.findall(r"@media[^{]*prefers-color-scheme:\s*dark[^{]*\{((?:[^{}]*\{[^{}]*\})*)[^{}]*\}", css)
    assert blocks, "site.css has no dark-mode block"
    for block in blocks:
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", block):
            for declaration in filter(None, (d.strip() for d in body.split(";"))):
                name, _, value = declaration.partition(":")
                assert name.strip().startswith("--") and re.fullmatch(r"\s*#[0-9a-fA-F]{3,8}\s*", value), (
                    f"dark mode sets {declaration!r} on {selector.strip()!r}: not a colour variable; "
                    "run every axe rule in dark mode too (test_tour.py's tour)")
    theme = [p for p in (ROOT / "theme").rglob("*") if p.is_file() and p.suffix in (".html", ".css", ".js")]
    elsewhere = [p.name for p in theme if p.name != "site.css" and "prefers-color-scheme" in p.read_text()]
    assert not elsewhere, f"dark-mode styles outside site.css: {elsewhere}"
