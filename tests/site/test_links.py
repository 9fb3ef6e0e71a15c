"""Links: every internal link and fragment resolves; every DOI and PubMed link is well-formed.

Each href is resolved against the address of the page it is on, as a browser
does, then looked up in the built site: the file must exist and, for a
fragment (citations, back-links, FAQ anchors, glossary terms, table of
contents), an element with that id must exist in it.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from support import file_for_url, html_pages, soup, url_path

BASE = "http://site.test"
DOI = re.compile(r"^https://doi\.org/10\.\d{4,9}/\S+$")
PUBMED = re.compile(r"^https://pubmed\.ncbi\.nlm\.nih\.gov/\d+/$")
# pandoc's citeproc links an entry's title to PubMed Central when the style prints no link for it
PMC = re.compile(r"^https://www\.ncbi\.nlm\.nih\.gov/pmc/articles/PMC\d+/?$")
LINKING = {
    "a": "href",
    "link": "href",
    "area": "href",
    "script": "src",
    "img": "src",
    "source": "src",
    "iframe": "src",
    "form": "action",
}


def links(page_soup):
    for tag, attribute in LINKING.items():
        for element in page_soup.find_all(tag):
            if element.has_attr(attribute):
                yield tag, element[attribute]


@pytest.fixture(scope="module")
def ids_in(site):
    @functools.cache
    def ids(path):
        page_soup = soup(path)
        return frozenset(e["id"] for e in page_soup.find_all(id=True)) | frozenset(
            e["name"] for e in page_soup.find_all("a", attrs={"name": True})
        )

    return ids


def broken_links(site, ids_in) -> list[str]:
    problems = []
    for page in html_pages(site):
        here = BASE + url_path(site, page)
        where = page.relative_to(site).as_posix()
        for tag, value in links(soup(page)):
            target = urlsplit(urljoin(here, value.strip()))
            if target.scheme in ("mailto", "tel", "sms", "data"):
                continue
            if f"{target.scheme}://{target.netloc}" != BASE:
                if target.scheme not in ("http", "https") or not target.netloc:
                    problems.append(f"{where}: <{tag}> {value!r} is not a usable link")
                continue
            file = file_for_url(site, target.path)
            if file is None:
                problems.append(f"{where}: <{tag}> {value!r}: no page at {target.path}")
            elif target.fragment and unquote(target.fragment) not in ids_in(file):
                problems.append(
                    f"{where}: <{tag}> {value!r}: no id {unquote(target.fragment)!r} "
                    f"in {file.relative_to(site).as_posix()}"
                )
    return problems


def test_no_broken_internal_links_or_fragments(site, ids_in):
    problems = broken_links(site, ids_in)
    assert not problems, f"{len(problems)} broken link(s):\n" + "\n".join(problems[:80])


def test_link_check_catches_a_missing_page_and_a_missing_anchor(site, tmp_path):
    """The checker itself: a copy of the site with two broken links must fail."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    home = copy / "index.html"
    home.write_text(
        home.read_text(encoding="utf-8").replace(
            "</main>", '<a href="no-such-page/">x</a><a href="#no-such-anchor">y</a></main>'
        ),
        encoding="utf-8",
    )

    @functools.cache
    def ids(path):
        return frozenset(e["id"] for e in soup(path).find_all(id=True))

    problems = broken_links(copy, ids)
    assert any("no-such-page/" in p for p in problems) and any("no-such-anchor" in p for p in problems), (
        problems
    )


def test_every_doi_and_pubmed_link_is_well_formed(site):
    problems, seen = [], {"doi": 0, "pubmed": 0}
    for page in html_pages(site):
        for _, value in links(soup(page)):
            lowered = value.lower()
            if "doi.org" in lowered or lowered.startswith("doi:"):
                seen["doi"] += 1
                if not DOI.match(value):
                    problems.append(
                        f"{page.relative_to(site)}: DOI link {value!r} is not https://doi.org/10.xxxx/..."
                    )
            if "pubmed" in lowered or "ncbi.nlm.nih.gov" in lowered:
                seen["pubmed"] += 1
                if not (PUBMED.match(value) or PMC.match(value)):
                    problems.append(
                        f"{page.relative_to(site)}: PubMed link {value!r} "
                        "is not https://pubmed.ncbi.nlm.nih.gov/<digits>/ (or a PMC article)"
                    )
    assert seen["doi"] and seen["pubmed"], f"expected DOI and PubMed links in the references, found {seen}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("value", "pattern", "good"),
    [
        ("https://doi.org/10.1176/appi.ajp.2021.20050596", DOI, True),
        ("http://dx.doi.org/10.1/x", DOI, False),
        ("https://doi.org/10.1001/ jama", DOI, False),
        ("https://pubmed.ncbi.nlm.nih.gov/24740528/", PUBMED, True),
        ("https://www.ncbi.nlm.nih.gov/pubmed/24740528", PUBMED, False),
        ("https://pubmed.ncbi.nlm.nih.gov/PMC1/", PUBMED, False),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC8374924", PMC, True),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/8374924", PMC, False),
    ],
)
def test_doi_and_pubmed_patterns(value, pattern, good):
    assert bool(pattern.match(value)) is good
