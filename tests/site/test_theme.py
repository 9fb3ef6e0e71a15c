"""One test per template and per site-wide component, on the real site built once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import html_pages, soup


def articles(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("*/index.html")
                  if soup(p).select_one("article.article") and not soup(p).select_one(".article--page"))


@pytest.fixture(scope="module")
def any_article(site):
    found = articles(site)
    assert found, "the real site has no articles"
    return soup(found[0])


def test_every_page_has_one_h1_landmarks_skip_link_crisis_and_disclaimer(site):
    pages = html_pages(site)
    assert len(pages) > 10
    for path in pages:
        doc = soup(path)
        where = path.relative_to(site)
        assert len(doc.find_all("h1")) == 1, where
        first_link = doc.body.find("a")
        assert first_link.get("class") == ["skip-link"] and first_link["href"] == "#main-content", where
        assert doc.select_one("main#main-content"), where
        assert doc.select_one("body > header") and doc.select_one("body > footer"), where
        assert doc.select_one('nav[aria-label="Main"]'), where
        crisis = doc.select_one("aside.crisis")
        assert crisis and "988" in crisis.get_text() and "838255" in crisis.get_text(), where
        assert "not medical advice" in doc.select_one("body > footer").get_text(), where
        assert doc.html["lang"] == "en", where


def test_every_page_head_has_description_og_feed_and_website_jsonld(site):
    for path in html_pages(site):
        doc = soup(path)
        where = path.relative_to(site)
        assert doc.select_one('meta[name="description"]')["content"].strip(), where
        for prop in ("og:title", "og:description", "og:type", "og:site_name"):
            assert doc.select_one(f'meta[property="{prop}"]')["content"].strip(), (where, prop)
        assert doc.select_one('link[rel="alternate"][type="application/atom+xml"]'), where
        types = [json.loads(s.string)["@type"] for s in doc.select('script[type="application/ld+json"]')]
        assert "WebSite" in types, where


def test_home_groups_articles_by_topic_with_summaries(site):
    doc = soup(site / "index.html")
    topics = doc.select("section.topic")
    assert topics
    listed = 0
    for topic in topics:
        heading = topic.select_one("h2 a")
        assert heading["href"].startswith("/topics/")
        cards = topic.select("li.card")
        assert cards
        for card in cards:
            assert card.select_one("h3 a")["href"]
            assert card.select_one(".card__summary").get_text(strip=True)
        listed += len(cards)
    assert listed == len(articles(site))


def test_home_orders_topics_by_topic_order(site):
    from pelican.settings import read_settings

    from support import CONF

    order = read_settings(str(CONF))["TOPIC_ORDER"]
    topics = soup(site / "index.html").select("section.topic")
    names = [s.select_one("h2").get_text(strip=True) for s in topics]
    known = [n for n in names if n in order]
    assert known == sorted(known, key=order.index)


def test_article_template(any_article):
    doc = any_article
    assert doc.select_one("nav.breadcrumbs li:last-child a[aria-current=page]")
    line = doc.select_one(".review-line").get_text(" ", strip=True)
    assert "Last reviewed" in line and "Next review due" in line and "Reviewed by" in line
    assert doc.select_one(".prose").get_text(strip=True)
    assert doc.select_one('aside.cta a[href="/find-care/"]')
    share = doc.select_one("section.share")
    assert share.select_one('a[href^="mailto:"]') and share.select_one("button[data-copy-url]")
    types = {json.loads(s.string)["@type"] for s in doc.select('script[type="application/ld+json"]')}
    assert {"MedicalWebPage", "BreadcrumbList", "WebSite"} <= types


def test_article_json_ld_has_review_fields(any_article):
    blocks = [json.loads(s.string) for s in any_article.select('script[type="application/ld+json"]')]
    medical = next(b for b in blocks if b["@type"] == "MedicalWebPage")
    for key in ("lastReviewed", "reviewedBy", "about", "audience", "name", "url"):
        assert medical[key], key


def test_long_articles_get_a_table_of_contents(site):
    checked = 0
    for path in articles(site):
        doc = soup(path)
        sections = doc.select(".prose h2[id]")
        toc = doc.select_one("nav.toc")
        if len(sections) >= 4:
            assert toc, path
            assert [a["href"] for a in toc.select("a")] == [f"#{h['id']}" for h in sections]
            checked += 1
        else:
            assert toc is None, path
    assert checked


def test_page_template(site):
    doc = soup(site / "get-help-now" / "index.html")
    assert doc.select_one("article.article--page h1")
    assert "988" in doc.select_one(".prose").get_text()


def test_category_template(site):
    topic = next((site / "topics").glob("*/index.html"))
    doc = soup(topic)
    assert doc.select("ul.cards li.card h2 a")
    assert doc.select_one("nav.breadcrumbs")


def test_categories_template(site):
    doc = soup(site / "topics" / "index.html")
    assert doc.h1.get_text() == "Topics"
    assert doc.select('ul.index-list a[href^="/topics/"]')


def test_tag_template(site):
    tag = next((site / "tags").glob("*/index.html"))
    doc = soup(tag)
    assert "tagged" in doc.h1.get_text()
    assert doc.select("ul.cards li.card")


def test_tags_template(site):
    doc = soup(site / "tags" / "index.html")
    assert doc.select('a[href^="/tags/"]')


def test_archives_template(site):
    doc = soup(site / "archives" / "index.html")
    assert len(doc.select("ul.index-list li")) == len(articles(site))
    assert doc.select_one("ul.index-list time[datetime]")


def test_404_template(site):
    doc = soup(site / "404.html")
    assert doc.h1.get_text() == "Page not found"
    assert doc.select_one('main a[href="/"]')


def test_sitemap_and_robots_are_written(site):
    assert (site / "robots.txt").read_text().startswith("User-agent: *")
    sitemap = (site / "sitemap.xml").read_text()
    assert "<urlset" in sitemap and "/404" not in sitemap


def test_local_builds_have_no_canonical_or_og_url(site):
    """A relative canonical is no valid canonical: only a publish build (SITEURL set) has
    one (tests/test_publishing.py checks that it is the page's absolute address)."""
    for path in html_pages(site):
        assert not soup(path).select('link[rel="canonical"], meta[property="og:url"]'), path


def test_no_font_downloads_and_the_css_is_inline_once(site):
    for path in html_pages(site):
        doc = soup(path)
        assert not doc.select('link[rel="stylesheet"]'), path
        styles = doc.select("head > style")
        assert len(styles) == 1 and not doc.select("body style"), path
        css = styles[0].get_text()
        assert "@font-face" not in css and "@import" not in css, path
        assert "prefers-color-scheme:dark" in css and "@media print" in css, path
        assert ".cite-popover" in css, f"{path}: the citation plugin's stylesheet is not inlined"
