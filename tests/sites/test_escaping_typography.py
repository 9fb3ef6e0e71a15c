"""Titles stay text everywhere; typogrify curls prose but leaves code, URLs and JSON-LD alone."""

from __future__ import annotations

import json

import feedparser
import pytest

from support import CONF, build_in_process, copy_site, soup

RAW_TITLE = 'Dose <0.5 mg/kg & "PTSD"'


@pytest.fixture(scope="module")
def minimal_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("minimal")
    content = copy_site("minimal", root)
    output = root / "out"
    result = build_in_process(content, output, conf=CONF, EDITORIAL_TODAY="2026-04-01",
                              SITEURL="https://example.org")
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def article(minimal_site):
    return soup(minimal_site / "first-article" / "index.html")


def test_title_is_literal_in_h1(article):
    assert article.h1.get_text() == "Dose <0.5 mg/kg & “PTSD”"


def test_title_is_literal_in_title_element(article):
    assert article.title.get_text().startswith(RAW_TITLE + " | ")


def test_title_is_literal_in_meta_tags(article):
    assert article.find("meta", property="og:title")["content"].startswith(RAW_TITLE)


def test_title_is_literal_in_json_ld(article):
    blocks = [json.loads(s.string) for s in article.find_all("script", type="application/ld+json")]
    medical = next(b for b in blocks if b["@type"] == "MedicalWebPage")
    assert medical["name"] == RAW_TITLE
    crumbs = next(b for b in blocks if b["@type"] == "BreadcrumbList")
    assert crumbs["itemListElement"][-1]["name"] == RAW_TITLE


def test_json_ld_cannot_end_its_script_element(minimal_site):
    raw = (minimal_site / "first-article" / "index.html").read_text()
    for block in raw.split('<script type="application/ld+json">')[1:]:
        body = block.split("</script>", 1)[0]
        assert "<" not in body and ">" not in body


def test_title_is_literal_in_feed(minimal_site):
    feed = feedparser.parse((minimal_site / "feeds" / "all.atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    assert "Dose <0.5 mg/kg & “PTSD”" in titles


def test_prose_gets_curly_quotes_and_dashes(article):
    prose = article.select_one(".prose").get_text()
    assert "“first”" in prose and "The “first” point" in prose
    assert "—" in prose or "–" in prose
    assert '"first"' not in prose


def test_code_is_left_alone(article):
    blocks = [c.get_text() for c in article.select(".prose code")]
    assert 'code "stays" -- straight\n' in blocks
    assert 'code "too" -- here' in blocks


def test_urls_are_left_alone(article):
    link = article.select_one('.prose a[href^="https://example.org"]')
    assert link["href"] == 'https://example.org/a--b?x="y"'


def test_summary_is_escaped_in_meta_description(article):
    description = article.find("meta", attrs={"name": "description"})["content"]
    assert "&" in description and "<" not in description and "“quoted”" in description
