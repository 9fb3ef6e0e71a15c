"""The Markdown extension with all of pandoc's citation syntax: prefixes and
suffixes with Markdown, in-text and suppress-author modes, author-date styles
through pandoc (one call per page), ``md.citations``, and every mistake of a
document in one exception (issue 11 items 1, 2 and 5; issue 13 item 2)."""

from __future__ import annotations

import json

import markdown
import pytest
from bs4 import BeautifulSoup
from pelican.plugins.faq_citations import FaqCitationsErrors, load_bibliography, makeExtension

ITEMS = [
    {"id": "feder2014", "type": "article-journal", "title": "Ketamine for chronic PTSD",
     "author": [{"family": "Feder", "given": "Adriana"}, {"family": "Parides", "given": "M."},
                {"family": "Murrough", "given": "J."}],
     "container-title": "JAMA Psychiatry", "issued": {"date-parts": [[2014]]}, "page": "681-688"},
    {"id": "reed2020a", "type": "book", "title": "First", "author": [{"family": "Reed", "given": "A."}],
     "issued": {"date-parts": [[2020]]}},
    {"id": "reed2020b", "type": "book", "title": "Second", "author": [{"family": "Reed", "given": "A."}],
     "issued": {"date-parts": [[2020]]}},
    {"id": "abbott2019", "type": "book", "title": "Third", "author": [{"family": "Abbott", "given": "B."}],
     "issued": {"date-parts": [[2019]]}},
]


@pytest.fixture(scope="module")
def bib_path(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("bib") / "refs.json"
    path.write_text(json.dumps(ITEMS), encoding="utf-8")
    return str(path)


def shown(element) -> str:
    """What a reader sees of a citation (the hidden preview left out)."""
    copy = BeautifulSoup(str(element), "html.parser")
    for preview in copy.select(".cite__preview"):
        preview.decompose()
    return copy.get_text()


def convert(bib_path: str, source: str, style: str = "american-medical-association"):
    bibliography, problems = load_bibliography([bib_path], style)
    assert not problems
    md = markdown.Markdown(extensions=["extra", "toc", makeExtension(bibliography=bibliography)])
    return md, BeautifulSoup(md.convert(source), "html.parser")


def test_md_citations_lists_every_group_in_document_order(bib_path):
    md, _ = convert(bib_path, "As @feder2014 [p. 3] shows "
                              "[see @reed2020a, pp. 33-35 and *passim*; -@abbott2019].\n\n"
                              "::: faq\n### Q?\nYes [@reed2020b, chap. 2].\n:::\n")
    assert [[(i["key"], i["mode"], i["prefix"], i["suffix"], i["locator"], i["label"]) for i in g["items"]]
            for g in md.citations] == [
        [("feder2014", "author-in-text", "", "p. 3", "3", "page")],
        [("reed2020a", "normal", "see", ", pp. 33-35 and *passim*", "33-35", "page"),
         ("abbott2019", "suppress-author", "", "", None, None)],
        [("reed2020b", "normal", "", ", chap. 2", "2", "chapter")],
    ]
    assert [g["line"] for g in md.citations] == [1, 1, 5]
    assert md.citations[1]["raw"] == "[see @reed2020a, pp. 33-35 and *passim*; -@abbott2019]"


def test_numeric_prefix_and_suffix_are_rendered_markdown_next_to_the_number(bib_path):
    _, page = convert(bib_path, "A claim [see @feder2014, pp. 33-35 and *passim*].")
    item = page.select_one("sup.cite .cite__item")
    assert item.select_one(".cite__prefix").get_text() == "see"
    assert item.select_one("a").get_text() == "1"
    locator = item.select_one(".cite__locator")
    assert locator.get_text() == "(pp. 33-35 and passim)" and locator.select_one("em").get_text() == "passim"
    assert "*" not in page.get_text() and "\x02" not in str(page) and "klzzwxh" not in str(page)


def test_escapes_code_and_entities_in_a_locator_never_leak_placeholders(bib_path):
    source = r"A [@feder2014, p. \[3\]] and [@feder2014, p.&nbsp;4] and [@feder2014, `p. 5`]."
    md, page = convert(bib_path, source)
    html = str(page)
    assert "\x02" not in html and "\x03" not in html and "klzzwxh" not in html
    assert [g["items"][0]["suffix"] for g in md.citations] == [r", p. \[3\]", ", p.&nbsp;4", ", `p. 5`"]
    assert page.select(".cite__locator code")


def test_in_text_unknown_word_stays_text_and_emails_never_cite(bib_path):
    md, page = convert(bib_path, "Write to a@feder2014.org or follow @someone; @feder2014 showed it.")
    assert [g["items"][0]["key"] for g in md.citations] == ["feder2014"]
    assert "@someone" in page.get_text() and "a@feder2014.org" in page.get_text()


def test_author_date_citations_come_from_the_style_and_link_to_the_entry(bib_path):
    md, page = convert(bib_path, "It worked [@feder2014, p. 684]. @feder2014 [chap. 2] agrees [-@feder2014].",
                       style="apa")
    cites = page.select("span.cite.cite--author-date")
    assert [shown(c) for c in cites] == [
        "(Feder et al., 2014, p. 684)", "Feder et al. (2014, Chapter 2)", "(2014)"]
    links = page.select("span.cite .cite__item > a[href='#ref-feder2014']")
    assert len(links) == 3 and [a["id"] for a in links] == [f"cite-feder2014-{n}" for n in (1, 2, 3)]
    # the first citation carries the source's one hidden preview; every link is described by the entry
    assert [a.find_next_sibling(class_="cite__preview") is not None for a in links] == [True, False, False]
    assert links[0].find_next_sibling(class_="cite__preview").has_attr("hidden")
    assert {a["aria-describedby"] for a in links} == {"ref-feder2014-entry"}
    assert page.select_one("#ref-feder2014 > .references__entry")["id"] == "ref-feder2014-entry"
    back = page.select("#ref-feder2014 .references__back a")
    assert [a["href"] for a in back] == ["#cite-feder2014-1", "#cite-feder2014-2", "#cite-feder2014-3"]
    assert md.cited_keys == ["feder2014"]


def test_author_date_year_suffixes_and_list_sorted_as_the_style_says(bib_path):
    md, page = convert(bib_path, "B [@reed2020b]. A [@reed2020a]. C [@abbott2019].", style="apa")
    # APA sorts the list by author, year and title, and the suffixes follow that order
    assert [shown(c) for c in page.select("span.cite")] == [
        "(Reed, 2020b)", "(Reed, 2020a)", "(Abbott, 2019)"]
    assert [li["id"] for li in page.select(".references__list li")] == [
        "ref-abbott2019", "ref-reed2020a", "ref-reed2020b"]
    assert md.cited_keys == ["abbott2019", "reed2020a", "reed2020b"]
    assert "(2020b)" in page.select_one("#ref-reed2020b .references__entry").get_text()


def test_every_mistake_of_a_document_in_line_order(bib_path):
    source = ("Intro [@nope1].\n\n::: faq\n### First?\n\n### Second?\nYes [@nope2].\n:::\n\n"
              "And [@feder2014 @reed2020a].")
    bibliography, _ = load_bibliography([bib_path])
    md = markdown.Markdown(extensions=["extra", makeExtension(bibliography=bibliography)])
    with pytest.raises(FaqCitationsErrors) as caught:
        md.convert(source)
    assert [(e.line, e.message.split(";")[0]) for e in caught.value.errors] == [
        (1, "unknown citation key 'nope1'"),
        (4, "the FAQ question 'First?' has no answer"),
        (7, "unknown citation key 'nope2'"),
        (10, "malformed citation '[@feder2014 @reed2020a]'"),
    ]
    assert caught.value.line == 1 and len(caught.value.describe("x.md").splitlines()) == 4


def test_a_citation_in_image_alt_text_is_an_error(bib_path):
    bibliography, _ = load_bibliography([bib_path])
    md = markdown.Markdown(extensions=["extra", makeExtension(bibliography=bibliography)])
    with pytest.raises(FaqCitationsErrors, match="alt text"):
        md.convert("![see [@feder2014]](img.png)")


@pytest.mark.parametrize(
    "source", ["[@feder2014; see]", "Text [@ feder2014] here.", "An open [@feder2014, p. 3"]
)
def test_citation_syntax_that_starts_no_group_is_an_error_not_raw_text(bib_path, source):
    bibliography, _ = load_bibliography([bib_path])
    md = markdown.Markdown(extensions=["extra", makeExtension(bibliography=bibliography)])
    with pytest.raises(FaqCitationsErrors, match="malformed citation"):
        md.convert(source)
