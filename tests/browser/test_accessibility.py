"""axe-core, run in Chromium, over every page of the real site in light and dark.

axe is injected from tools/vendor/axe.min.js (a local file; `make test` fetches
the pinned version). Playwright injects it as a script of its own, which our own
Content-Security-Policy forbids, so these contexts bypass CSP; the CSP itself
is tested in test_security.py and test_browser.py.
"""

from __future__ import annotations

import pytest

from support import AXE_JS, RUN_AXE, WCAG_TAGS, need_tool, page_urls

pytestmark = pytest.mark.browser

# Dark mode only swaps the colour custom properties (site.css; test_dark_mode_is_colours_only
# holds it to that), so in dark only the WCAG rules that read colours can answer differently:
# those run in both schemes, every other rule in light alone.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_a_or_aa_violations(open_page, server, site, scheme):
    axe = need_tool(AXE_JS, "run `make vendor` (python tools/fetch_vendor.py)")
    page = open_page(color_scheme=scheme, bypass_csp=True)
    page.context.add_init_script(path=str(axe))  # defines window.axe on every page, before load
    report = []
    only = ({"type": "tag", "values": WCAG_TAGS} if scheme == "light"
            else {"type": "rule", "values": COLOUR_RULES})
    for path in page_urls(site):
        page.goto(server + path)
        for violation in page.evaluate(RUN_AXE, only):
            report.append(f"{path} [{scheme}] {violation['id']} ({violation['impact']}): {violation['help']}")
            report += [f"    {node}" for node in violation["nodes"]]
    assert not report, "\n".join(report)


def test_dark_mode_is_colours_only():
    """What the dark run above leaves out is sound only while the dark styles set colour
    variables and nothing else (no display, size or content), and the colour rules are WCAG's."""
    import re

    from support import ROOT

    css = (ROOT / "theme" / "static" / "css" / "site.css").read_text(encoding="utf-8")
    blocks = re.findall(r"@media[^{]*prefers-color-scheme:\s*dark[^{]*\{((?:[^{}]*\{[^{}]*\})*)[^{}]*\}", css)
    assert blocks, "site.css has no dark-mode block"
    for block in blocks:
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", block):
            for declaration in filter(None, (d.strip() for d in body.split(";"))):
                name, _, value = declaration.partition(":")
                assert name.strip().startswith("--") and re.fullmatch(r"\s*#[0-9a-fA-F]{3,8}\s*", value), (
                    f"dark mode sets {declaration!r} on {selector.strip()!r}: not a colour variable; "
                    "run every axe rule in dark mode too (test_axe_finds_no_wcag_a_or_aa_violations)")
    theme = [p for p in (ROOT / "theme").rglob("*") if p.is_file() and p.suffix in (".html", ".css", ".js")]
    elsewhere = [p.name for p in theme if p.name != "site.css" and "prefers-color-scheme" in p.read_text()]
    assert not elsewhere, f"dark-mode styles outside site.css: {elsewhere}"


CITATION_STYLE = """link => {
    const s = getComputedStyle(link), sup = getComputedStyle(link.parentElement);
    return {decoration: s.textDecorationLine, border: s.borderBottomStyle, borderWidth: s.borderBottomWidth,
            supDecoration: sup.textDecorationLine};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_citation_links_are_distinguishable_without_colour(open_page, server, site, scheme):
    """WCAG 1.4.1: a superscript number in link colour is not enough; it needs an underline
    (or a border) that does not depend on colour, in its resting state."""
    from test_browser import CITATION, _citation_pages

    page = open_page(color_scheme=scheme)
    problems = []
    for path in _citation_pages(site):
        page.goto(server + path)
        for style in page.locator(CITATION).evaluate_all(f"links => links.map({CITATION_STYLE})"):
            underlined = "underline" in style["decoration"] or "underline" in style["supDecoration"]
            bordered = style["border"] not in ("none", "hidden") and style["borderWidth"] != "0px"
            if not (underlined or bordered):
                problems.append(f"{path}: a citation link has neither underline nor border: {style}")
                break
    assert not problems, "\n".join(problems)
