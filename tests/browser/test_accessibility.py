"""axe-core, run in Chromium, over every page of the real site in light and dark.

axe is injected from tools/vendor/axe.min.js (a local file; `make test` fetches
the pinned version). Playwright injects it as a script of its own, which our own
Content-Security-Policy forbids, so these contexts bypass CSP; the CSP itself
is tested in test_security.py and test_browser.py.
"""

from __future__ import annotations

import pytest

from support import AXE_JS, need_tool, page_urls

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
    .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n =>
            n.target.join(" ") + ": " + n.failureSummary.replace(/\\s+/g, " "))})))"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_a_or_aa_violations(open_page, server, site, scheme):
    axe = need_tool(AXE_JS, "run `make vendor` (python tools/fetch_vendor.py)")
    page = open_page(color_scheme=scheme, bypass_csp=True)
    page.context.add_init_script(path=str(axe))  # defines window.axe on every page, before load
    report = []
    for path in page_urls(site):
        page.goto(server + path)
        for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
            report.append(f"{path} [{scheme}] {violation['id']} ({violation['impact']}): {violation['help']}")
            report += [f"    {node}" for node in violation["nodes"]]
    assert not report, "\n".join(report)


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
