"""Evidence cards on fixture sites (issue 15): every mistake of the cards file and of the
pages that use it in one build, as path:line lines; the cards where a reader sees them;
citation JSON-LD and Highwire tags; and a site without a cards file, unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import build_fixture, soup

CARDS = "tests/sites/evidence_cards/content/bibliography/evidence-cards.yaml"
ARTICLES = "tests/sites/evidence_cards/content/articles"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    output = tmp_path_factory.mktemp("evidence_cards") / "output"
    return build_fixture("evidence_cards", output, FAQ_CITATIONS_EVIDENCE_TODAY="2026-12-01")


def test_every_mistake_is_one_line_with_its_file_and_line(built):
    assert built.exception is None and "Traceback" not in built.stderr
    assert built.errors == sorted(
        [
            f"{ARTICLES}/bad-chart.md:9: error: evidence chart: the card of 'agencypage' has no people or "
            "outcome; "
            "only studies with both can be drawn: take it out of the chart or add them to its card",
            f"{ARTICLES}/mistakes.md:9: error: source 'nocard' is cited but has no evidence card; add "
            "'nocard:' with "
            "its kind, finding, limitation and checked date to the evidence cards file",
            # mistakes.md:10 cites 'wrongkind': its card's own line says what is wrong, once
            f"{CARDS}:25: error: card 'wrongkind': unknown kind 'blog post'; use one of: "
            + ", ".join(__import__("pelican.plugins.faq_citations.evidence_cards", fromlist=["KINDS"]).KINDS),
        ]
    )
    assert built.warnings == [
        f"{CARDS}:22: warning: card 'agencypage': checked 2025-01-15, more than 12 months ago; "
        "check the card against its source again and update 'checked'"
    ]


def test_a_stale_card_fails_only_past_its_interval(tmp_path):
    later = build_fixture(
        "evidence_cards",
        tmp_path / "o",
        FAQ_CITATIONS_EVIDENCE_TODAY="2026-01-15",
        FAQ_CITATIONS_EVIDENCE_REVIEW_MONTHS=12,
    )
    assert later.warnings == []


def test_the_reference_list_shows_each_card_once(built):
    page = soup(built.output / "trials" / "index.html")
    entry = page.select_one("li#ref-trial2021 .references__entry .evidence-card")
    assert entry.get_text(" ", strip=True) == (
        "Randomized trial · 30 people. Six doses eased PTSD more than midazolam after two weeks."
    )
    # the card once per source, in its entry; trial2021 is cited twice and, with this site's
    # FAQ_CITATIONS_FIRST_PREVIEW = False, no preview is in the HTML (the script builds them)
    findings = page.select(".evidence-card__finding")
    assert len(findings) == 3 and all(f.find_parent("section", class_="references") for f in findings)
    assert len(page.select('sup.cite a[href="#ref-trial2021"]')) == 2
    assert not page.select(".cite__preview")
    labels = page.select(".evidence-card__label")
    assert all(label.find_parent("section", class_="references") for label in labels)
    assert "Randomized trial · 30 people." in [label.get_text() for label in labels]
    assert page.select_one("li#ref-agencypage .evidence-card__label").get_text() == "Organization page."


def test_the_chart_is_drawn_from_the_cards(built):
    page = soup(built.output / "trials" / "index.html")
    figure = page.select_one("figure.evidence-chart")
    assert figure.find_previous("h2").get_text().replace("\xa0", " ") == "The studies"
    assert len(figure.select("svg g")) == 2
    assert [row.select("td")[0].get_text() for row in figure.select("tbody tr")] == [
        "Feder 2021",
        "Abdallah 2022",
    ]
    assert not (built.output / "bad-chart" / "index.html").exists()


def test_citation_json_ld_and_highwire_tags(built):
    page = soup(built.output / "trials" / "index.html")
    medical = next(
        data
        for data in (json.loads(s.string) for s in page.select('script[type="application/ld+json"]'))
        if data["@type"] == "MedicalWebPage"
    )
    trial, big, agency = medical["citation"]
    assert trial == {
        "@type": "ScholarlyArticle",
        "name": "A randomized controlled trial of repeated ketamine for chronic PTSD",
        "author": [
            {"@type": "Person", "name": name} for name in ("Adriana Feder", "Sara Costi", "Sarah B. Rutter")
        ],
        "datePublished": "2021",
        "identifier": [
            {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1176/appi.ajp.2020.20050596"},
            {"@type": "PropertyValue", "propertyID": "PMID", "value": "33726522"},
        ],
    }
    assert big["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1038/s41386-022-01266-9"}
    ]
    assert agency["@type"] == "CreativeWork"
    assert agency["author"] == [{"@type": "Organization", "name": "U.S. Department of Veterans Affairs"}]
    meta = {tag["name"]: [] for tag in page.select("meta[name^=citation_]")}
    for tag in page.select("meta[name^=citation_]"):
        meta[tag["name"]].append(tag["content"])
    assert [title.replace("\xa0", " ") for title in meta["citation_title"]] == ["Ketamine trials"]
    assert meta["citation_publication_date"] == ["2026/11/20"]
    assert meta["citation_author"] == ["Editorial team"]
    assert meta["citation_reference"] == [
        "citation_title=A randomized controlled trial of repeated ketamine for chronic PTSD; "
        "citation_author=Adriana "
        "Feder; citation_publication_date=2021; citation_doi=10.1176/appi.ajp.2020.20050596; "
        "citation_pmid=33726522",
        "citation_title=Dose-related effects of ketamine for PTSD in veterans; citation_author=Chadi G. "
        "Abdallah; "
        "citation_publication_date=2022; citation_doi=10.1038/s41386-022-01266-9",
        "citation_title=How common is PTSD in adults?; citation_author=U.S. Department of Veterans Affairs; "
        "citation_publication_date=2020",
    ]


def test_the_sources_page_groups_by_kind_with_each_finding(built):
    page = soup(built.output / "sources" / "index.html")
    groups = [(h.get("id"), h.get_text(" ", strip=True)) for h in page.select("section.sources__group > h2")]
    assert groups == [
        ("kind-randomized-controlled-trial", "Randomized trial (2)"),
        ("kind-organization-page", "Organization page (1)"),
        ("kind-other", "Other sources (2)"),
    ]
    first = page.select_one("#kind-randomized-controlled-trial").find_parent("section")
    assert "Eight doses did not ease PTSD" in first.get_text()
    assert "Limitation: It was small and short." in first.get_text()


def test_without_a_cards_file_there_are_no_labels_and_no_errors(tmp_path):
    result = build_fixture("citations_and_faq", tmp_path / "output")
    assert result.exception is None and result.lines == [], result.stderr
    pages = list(Path(tmp_path / "output").rglob("*.html"))
    assert pages
    assert not any('class="evidence-card' in path.read_text(encoding="utf-8") for path in pages)
    sources = soup(tmp_path / "output" / "sources" / "index.html")
    assert sources.select("ul.sources > li") and not sources.select("section.sources__group")


def test_a_configured_cards_file_that_is_missing_stops_the_build(tmp_path):
    result = build_fixture(
        "citations_and_faq", tmp_path / "output", FAQ_CITATIONS_EVIDENCE_CARDS="cards.yaml"
    )
    assert "FAQ_CITATIONS_EVIDENCE_CARDS: no such file" in str(result.exception) + result.stderr
