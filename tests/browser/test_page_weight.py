"""Page-weight budgets (issue 6), measured in a real browser on the real site.

For the home page and every article: everything transferred, gzipped, at most
25 KB (BUDGET) over at most 4 requests (images aside); CSS at most 8 KB (inline); at most
3 KB of script on article pages; no web fonts; nothing render-blocking (the CSS
is inline, so the first render needs the document alone). Sizes only: a time is
never a test. `make bench` prints the same
figures.
"""

from __future__ import annotations

import pytest

from support import soup
from tools.page_weight import (
    BUDGET,
    PageWeight,
    Request,
    budget_pages,
    measure_site,
    parts,
    render_blocking,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def weights(browser, server, site):
    return measure_site(browser, server, site)


def report(failures):
    return "\n".join(failures)


def test_every_article_and_the_home_page_are_weighed(weights, site):
    archive = soup(site / "archives" / "index.html")
    listed = {a["href"] for a in archive.select("main ul.index-list > li > a[href]")}
    assert weights[0].path == "/"
    assert listed, "the archives page lists no articles"
    assert {w.path for w in weights if w.is_article} == listed
    for weight in weights:
        kinds = [r.kind for r in weight.requests]
        assert kinds[0] == "html", f"{weight.path}: the page itself was not requested first"
        assert weight.inline_css_gz > 0, f"{weight.path}: no inline CSS was found"
        assert "css" not in kinds, f"{weight.path}: a stylesheet was requested; the CSS is inline"
        assert not weight.missing, f"{weight.path}: requests outside the site {weight.missing}"


def test_total_transfer_within_20_kb(weights):
    over = [f"{w.path}: {w.total_gz} B" for w in weights if w.total_gz > BUDGET["total_gz"]]
    assert not over, report(over)


def test_at_most_four_requests(weights):
    over = [f"{w.path}: {[r.url for r in w.counted()]}" for w in weights
            if len(w.counted()) > BUDGET["requests"]]
    assert not over, report(over)


def test_css_within_8_kb(weights):
    over = [f"{w.path}: {w.css_gz} B" for w in weights if w.css_gz > BUDGET["css_gz"]]
    assert not over, report(over)


def test_article_script_within_3_kb(weights):
    over = [f"{w.path}: {w.script_gz} B" for w in weights
            if w.is_article and w.script_gz > BUDGET["article_script_gz"]]
    assert not over, report(over)


def test_no_web_fonts(weights):
    fonts = [f"{w.path}: {w.fonts} ({w.font_faces} @font-face)" for w in weights
             if w.fonts or w.font_faces]
    assert not fonts, report(fonts)


def test_nothing_blocks_the_first_render(weights):
    wrong = [f"{w.path}: {w.blocking}" for w in weights if w.blocking]
    assert not wrong, report(wrong)


def test_every_page_within_budget(weights):
    """The same check `make bench` prints, so both agree on what "over budget" means."""
    over = [f"{w.path}: {'; '.join(w.over_budget())}" for w in weights if w.over_budget()]
    assert not over, report(over)


@pytest.mark.parametrize(
    ("head", "blocking"),
    [
        ('<link rel="stylesheet" href="/a.css"><script src="/b.js" defer></script>', ["/a.css"]),
        ('<link rel="stylesheet" href="/a.css"><script src="/b.js"></script>', ["/a.css", "/b.js"]),
        (('<link rel="stylesheet" href="/p.css" media="print">'
          '<script src="/m.js" type="module"></script><script src="/c.js" async></script>'), []),
    ],
    ids=["deferred-script", "blocking-script", "print-css-module-async"],
)
def test_render_blocking_detection(head, blocking):
    assert render_blocking(f"<html><head>{head}</head><body></body></html>") == blocking


def test_budget_pages_are_the_home_page_and_articles(site):
    pages = budget_pages(site)
    assert pages[0] == ("/", False)
    assert "/search/" not in [path for path, _ in pages]
    assert all(is_article for _, is_article in pages[1:])


def test_inline_scripts_count_and_nothing_else_before_the_first_render(weights):
    for weight in weights:
        html = weight.requests[0]
        assert weight.html_gz == html.gz
        # nothing render-blocking: the first render waits for the document alone
        assert weight.first_render_gz == html.gz, weight.path
        # every page carries JSON-LD: it is inline script, in the HTML's bytes
        assert 0 < weight.inline_script_gz < html.gz, weight.path
        assert weight.inline_css_gz + weight.inline_script_gz < html.gz + 200, weight.path


def test_a_blocking_script_counts_before_the_first_render():
    weight = PageWeight(path="/a/", is_article=True, blocking=["/b.js"], requests=[
        Request("/a/", "html", 100, 60), Request("/b.js", "script", 50, 30),
        Request("/c.js", "script", 50, 20), Request("/i.png", "image", 900, 900)])
    assert weight.html_gz == 60
    assert weight.first_render_gz == 90
    assert weight.total_gz == 110
    assert "first render  0.1 KB" in weight.row()


def test_parts_split_a_page_into_what_it_is_made_of():
    refs = "".join(f'<li id="ref-k{i}"><span class="references__entry">Author {i}. A study of '
                   f'subject {i * 7919 % 1000}.</span><span class="references__back">'
                   f'<a href="#cite-k{i}-1">1</a></span></li>' for i in range(40))
    page = ('<html><head><style>p{color:red}</style>'
            '<script type="application/ld+json">{"@type": "FAQPage", "x": 1}</script>'
            '<script type="application/ld+json">{"@type": "MedicalWebPage", "citation": []}</script>'
            '</head><body><main><div class="prose"><p>Text '
            '<sup class="cite"><span class="cite__item"><a href="#ref-k1">1</a>'
            '<span class="cite__preview" hidden>Author 1.</span></span></sup></p>'
            f'<section class="references"><ol>{refs}</ol></section></div></main></body></html>')
    sizes = dict(parts(page))
    assert "JSON-LD WebSite" not in sizes and "FAQ" not in sizes  # absent parts are left out
    assert sizes["JSON-LD FAQPage"] > 0 and sizes["JSON-LD page (citations)"] > 0
    assert sizes["inline CSS"] > 0
    assert sizes["citation marks"] >= sizes["  their hidden previews"] > 0
    assert sizes["reference list"] > sizes["  back-links"] > 0
    assert sizes["reference list"] > sizes["text and the rest"]
    assert list(sizes)[-1] == "text and the rest"
