"""Evidence cards on the real site (issue 15): every source every article cites has its
card in the reference list, its work in the MedicalWebPage's `citation` and its Highwire
`citation_reference` tag; /sources/ groups every source by kind, and each kind links to
its explanation on /kinds-of-evidence/."""

from __future__ import annotations

import json

from support import ROOT, soup

ARTICLES = sorted((ROOT / "content" / "articles").glob("*.md"))


def test_every_cited_work_has_its_card_json_ld_and_highwire_tag(site):
    for source in ARTICLES:
        page = soup(site / source.stem / "index.html")
        entries = page.select("section.references li[id^=ref-]")
        assert entries, source.name
        label = ".references__entry .evidence-card__label"
        lacking = [li["id"] for li in entries if not li.select_one(label)]
        assert lacking == [], f"{source.name}: reference entries without a card: {lacking}"
        medical = next(
            data for data in (json.loads(s.string) for s in page.select('script[type="application/ld+json"]'))
            if data["@type"] == "MedicalWebPage"
        )
        works = medical["citation"]
        assert len(works) == len(entries), source.name
        assert all(work["@type"] in ("ScholarlyArticle", "CreativeWork") and work["name"] for work in works)
        assert any("identifier" in work for work in works), f"{source.name}: no DOI or PMID at all"
        references = page.select('head meta[name="citation_reference"]')
        assert len(references) == len(entries), source.name
        assert [tag["content"].split(";")[0] for tag in references] == [
            f"citation_title={work['name'].replace(';', ',')}" for work in works
        ]
        for name in ("citation_title", "citation_author", "citation_publication_date"):
            assert page.select_one(f'head meta[name="{name}"]')["content"], f"{source.name}: {name}"


def test_the_sources_page_groups_every_source_by_kind_and_links_each_explanation(site):
    page = soup(site / "sources" / "index.html")
    kinds = soup(site / "kinds-of-evidence" / "index.html")
    ids = {element["id"] for element in kinds.select("[id]")}
    groups = page.select("section.sources__group")
    assert groups and not page.select_one("#kind-other"), "a cited source has no card"
    listed = sum(len(group.select("ul.sources > li")) for group in groups)
    assert listed == int(page.select_one("h1").find_next("p").get_text().split("(")[1].split(")")[0])
    for group in groups:
        link = group.select_one(".sources__kind-link a")
        assert link["href"].split("#")[1] in ids, link["href"]
        items = group.select("ul.sources > li")
        assert all(li.select_one(".sources__card .evidence-card__label") for li in items)
