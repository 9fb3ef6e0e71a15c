"""The content rules of the guide (issue 4), checked on the real site so a writer's
slip fails `make test`: structure, front matter, FAQ counts, sources, plain language,
and a citation on every passage with a number."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pelican.settings import read_settings

from editorial.frontmatter import header_fields
from support import CONF, ROOT, soup
from tools import content_report

ARTICLES = sorted((ROOT / "content" / "articles").glob("*.md"))
REQUIRED = ("title", "date", "modified", "category", "tags", "summary", "author", "reviewer", "last_reviewed")
PAGES = ("get-help-now", "find-care", "about", "medical-disclaimer", "privacy", "glossary")
# Numbers that are not claims: crisis lines and the names of scales and manuals.
NOT_CLAIMS = re.compile(r"\b(911|988|838255|741741|DSM-5|CAPS-5|PCL-5|IES-R|[A-Z]+-\d)\b")


def page_of(site: Path, source: Path):
    return soup(site / source.stem / "index.html")


def test_at_least_twelve_articles_and_every_page():
    assert len(ARTICLES) >= 12
    for name in PAGES:
        assert (ROOT / "content" / "pages" / f"{name}.md").is_file(), name


@pytest.mark.parametrize("source", ARTICLES, ids=lambda p: p.stem)
def test_front_matter(source):
    fields = {key: value for key, (_line, value) in header_fields(str(source)).items()}
    for key in REQUIRED:
        assert fields.get(key, "").strip(), f"{source.name}: missing {key}"
    assert fields["category"] in read_settings(str(CONF))["TOPIC_ORDER"]
    summary = fields["summary"]
    assert len(summary) <= 160, f"{source.name}: summary has {len(summary)} characters"
    assert not re.search(r"\[@|[*_`\[\]]", summary), "summary must be plain text"


@pytest.mark.parametrize("source", ARTICLES, ids=lambda p: p.stem)
def test_summary_and_faq_answers_are_plain_and_terms_are_in_the_glossary(source):
    """The same measures `make lint` prints (tools/content_report.py), held to the rules."""
    content = ROOT / "content"
    report = content_report.report_article(str(source), str(content), dt.date.today(),
                                           content_report.glossary_entries(str(content)))
    assert report.grade_summary is not None and report.grade_summary <= 8.0, report.grade_summary
    assert report.grade_faq is not None and report.grade_faq <= 8.0, report.grade_faq
    assert report.missing_anchors == [] and report.missing_terms == []


@pytest.mark.parametrize("source", ARTICLES, ids=lambda p: p.stem)
def test_article_opens_with_in_short_and_has_faq_and_sources(site, source):
    page = page_of(site, source)
    prose = page.select_one(".prose")
    first = prose.find(["h2", "p", "ul"])
    assert first.name == "h2" and first.get_text(strip=True).replace("\xa0", " ") == "In short"
    points = first.find_next_sibling("ul").find_all("li", recursive=False)
    assert 3 <= len(points) <= 5
    assert prose.select(".faq details > summary")
    references = prose.select("section.references ol > li[id^=ref-]")
    assert len(references) >= 4, f"{source.name}: {len(references)} distinct sources"


def test_at_least_forty_distinct_faq_questions(site):
    questions = [s.get_text(" ", strip=True) for source in ARTICLES
                 for s in page_of(site, source).select(".faq details > summary")]
    normalised = [re.sub(r"\W+", " ", q).strip().casefold() for q in questions]
    assert len(questions) >= 40
    assert len(set(normalised)) == len(normalised), "a question is asked twice"


@pytest.mark.parametrize("source", ARTICLES, ids=lambda p: p.stem)
def test_every_passage_with_a_number_is_cited(site, source):
    prose = page_of(site, source).select_one(".prose")
    for section in prose.select("section"):
        section.decompose()
    for block in prose.select("p, li, tr"):
        container = block.find(["p", "li"]) is not None
        header_row = block.name == "tr" and block.find("td") is None
        if container or header_row or block.find_parent("summary"):
            continue
        if block.find_parent("figure", class_="evidence-chart") and block.select('a[href^="#ref-"]'):
            continue  # the evidence chart's data: each row names and links its study's reference
        own_text = " ".join(t for t in block.find_all(string=True) if not t.find_parent("sup"))
        if re.search(r"\d", NOT_CLAIMS.sub("", own_text)):
            assert block.select("sup.cite"), f"{source.name}: no citation for: {own_text.strip()[:120]}"
