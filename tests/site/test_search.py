"""Search (issue 6): a Pagefind index of article text, a keyboard-first search page.

What is indexed is read straight from the built bundle (Pagefind's fragments
are gzipped JSON, one per page), so these tests know exactly which pages and
which words went in; the browser tests then search and follow a result.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import CONF, ROOT, build_in_process, copy_site, html_pages, page_scripts, soup


def fragments(site: Path) -> dict[str, dict]:
    """Every indexed page, by URL: Pagefind's fragment JSON (url, content, meta)."""
    pages = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), f"{path.name}: not a Pagefind fragment"
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        pages[fragment["url"]] = fragment
    return pages


def article_urls(site: Path) -> set[str]:
    return {a["href"] for a in soup(site / "archives" / "index.html")
            .select("main ul.index-list > li > a[href]")}


def test_index_is_built_into_the_output(site):
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert entry["languages"]["en"]["page_count"] == len(article_urls(site))


def test_only_articles_are_indexed(site):
    assert set(fragments(site)) == article_urls(site)


def test_article_text_is_indexed_without_navigation_or_reference_sections(site):
    for url, fragment in fragments(site).items():
        page = soup(site / url.strip("/") / "index.html")
        content = fragment["content"]
        assert " ".join(page.h1.get_text().split()) == " ".join(fragment["meta"]["title"].split())
        first_paragraph = page.select_one(".prose p").get_text(" ", strip=True)
        assert first_paragraph.split()[0] in content
        assert "Skip to main content" not in content
        assert "No tracking, no cookies" not in content
        for section in page.select(".prose section"):
            text = " ".join(section.get_text(" ", strip=True).split())[:60]
            assert text not in " ".join(content.split()), f"{url}: section indexed: {text!r}"


def test_reference_sections_are_left_out(tmp_path):
    """A <section> inside the article body (as the citation plugin emits) is not indexed."""
    content = copy_site("minimal", tmp_path)
    article = next((content / "articles").glob("*.md"))
    article.write_text(
        article.read_text(encoding="utf-8")
        + "\n\nBody word zanzibarquill.\n\n<section class=\"references\">\n"
          "<p>Reference word quokkaflint.</p>\n</section>\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    result = build_in_process(content, output, conf=CONF)
    assert result.returncode == 0, result.stderr
    text = " ".join(f["content"] for f in fragments(output).values())
    assert "zanzibarquill" in text
    assert "quokkaflint" not in text


def test_references_are_left_out_of_excerpts(site):
    """A reference (in the list, or in a citation's preview where a theme ships one) must
    not reach the index. This site ships no previews: the script builds them."""
    checked = 0
    for url, fragment in fragments(site).items():
        page = soup(site / url.strip("/") / "index.html")
        assert not page.select(".cite__preview"), f"{url}: a preview in the HTML"
        for preview in page.select(".prose .references__entry")[:3]:
            reference = " ".join(preview.get_text(" ", strip=True).split())[:50]
            assert reference not in " ".join(fragment["content"].split()), f"{url}: {reference!r}"
            checked += 1
    assert checked


def test_a_pagefind_failure_is_one_error_line_and_fails_the_build(tmp_path):
    """Pagefind refuses a missing site folder: the build reports it in one line."""
    script = (
        "import logging, sys\n"
        "import search\n"
        "class P: pass\n"
        "p = P(); p.output_path = sys.argv[1]; p.settings = {'DEFAULT_LANG': 'en'}\n"
        "logging.basicConfig(format='%(message)s')\n"
        "search.build_index(p)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "missing")],
        cwd=ROOT / "plugins", check=False, capture_output=True, text=True, timeout=120,
    )
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert "Pagefind" in errors[0]


def test_search_script_is_referenced_only_by_the_search_page(site):
    for page in html_pages(site):
        sources = page_scripts(soup(page))
        relative = page.relative_to(site).as_posix()
        uses_search = any("search.js" in s or "pagefind" in s for s in sources)
        assert uses_search == (relative == "search/index.html"), relative


def test_search_page_csp_allows_webassembly_and_only_the_hashed_loader(site):
    page = soup(site / "search" / "index.html")
    csp = page.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    script_src = re.search(r"script-src ([^;]*)", csp)[1].split()
    inline = [s for s in page.select("script:not([src])") if s.get("type") != "application/ld+json"]
    assert len(inline) == 1 and page_scripts(page) == ["/theme/js/search.js"]
    digest = base64.b64encode(hashlib.sha256(inline[0].string.encode()).digest()).decode()
    assert script_src == ["'self'", "'wasm-unsafe-eval'", f"'sha256-{digest}'"]
    assert "unsafe-inline" not in csp and "http" not in csp


@pytest.mark.browser
def test_pagefind_is_requested_only_on_the_search_page(page, server, site):
    article = min(article_urls(site))
    for path in ("/", article):
        page.requested_urls.clear()
        page.goto(server + path, wait_until="networkidle")
        assert not [u for u in page.requested_urls if "pagefind" in u or "search.js" in u], path
    page.goto(server + "/search/")
    page.get_by_label("Search the articles").fill("PTSD")
    page.wait_for_selector("[data-search-results] li a")
    assert server + "/pagefind/pagefind.js" in page.requested_urls


def tab_until(page, predicate: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    pytest.fail(f"Tab never reached: {predicate}")


@pytest.mark.browser
def test_search_and_follow_a_result_with_the_keyboard(page, server):
    page.goto(server + "/search/")
    tab_until(page, "document.activeElement.id === 'search-input'")
    page.keyboard.type("dissociation")
    page.wait_for_selector("[data-search-results] li a")
    assert "match" in page.inner_text("[data-search-status]")

    tab_until(page, "!!document.activeElement.closest('[data-search-results]')")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    title = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url(server + target)

    assert page.locator("h1").inner_text().replace("\xa0", " ") == title.replace("\xa0", " ")
    assert "dissociat" in page.locator(".prose").inner_text().lower()
    assert not page.console_errors, page.console_errors
    assert not page.failed_requests, page.failed_requests


@pytest.mark.browser
def test_search_from_the_address_bar_query(page, server):
    page.goto(server + "/search/?q=ketamine")
    page.wait_for_selector("[data-search-results] li a")
    assert page.get_by_label("Search the articles").input_value() == "ketamine"
    assert not page.console_errors, page.console_errors


@pytest.mark.browser
def test_no_results_are_announced(page, server):
    from playwright.sync_api import expect

    page.goto(server + "/search/")
    page.get_by_label("Search the articles").fill("xylophonequasar")
    expect(page.locator("[data-search-status]")).to_contain_text("No articles match")
    assert page.locator("[data-search-results] li").count() == 0


@pytest.mark.browser
def test_without_javascript_the_page_explains_and_links_to_topics(browser, server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/search/")
        note = page.locator("[data-search-nojs]")
        assert note.is_visible()
        assert "needs JavaScript" in note.inner_text()
        hrefs = note.locator("a").evaluate_all("links => links.map(a => a.pathname)")
        assert hrefs == ["/topics/", "/archives/"]
        assert not page.locator("form[role=search]").is_visible()
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_with_results_passes_axe(browser, server, scheme):
    axe = ROOT / "tools" / "vendor" / "axe.min.js"
    if not axe.is_file():
        pytest.fail("tools/vendor/axe.min.js is missing: run `make vendor`", pytrace=False)
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(server + "/search/?q=ketamine")
        page.wait_for_selector("[data-search-results] li a")
        page.evaluate(axe.read_text(encoding="utf-8"))
        violations = page.evaluate(
            "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', "
            "'wcag21a', 'wcag21aa', 'best-practice']})).violations"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        assert not violations, violations
    finally:
        context.close()


@pytest.mark.parametrize("index_on_reload", [True, False])
def test_devserver_builds_index_only_when_asked(tmp_path, index_on_reload):
    """DEV_RELOAD builds (make devserver) index unless SEARCH_INDEX_ON_RELOAD is off."""
    output = tmp_path / "output"
    result = build_in_process(copy_site("minimal", tmp_path), output, conf=CONF,
                              DEV_RELOAD=True, SEARCH_INDEX_ON_RELOAD=index_on_reload)
    assert result.returncode == 0, result.stderr
    assert (output / "pagefind" / "pagefind.js").is_file() == index_on_reload
