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


@pytest.fixture(scope="module")
def bibliographies(bib_path):
    """One loaded bibliography per style for the module (each load runs pandoc)."""
    loaded = {}

    def bibliography(style: str = "american-medical-association"):
        if style not in loaded:
            loaded[style], problems = load_bibliography([bib_path], style)
            assert not problems
        return loaded[style]

    return bibliography


def convert(bibliographies, source: str, style: str = "american-medical-association"):
    md = markdown.Markdown(extensions=["extra", "toc", makeExtension(bibliography=bibliographies(style))])
    return md, BeautifulSoup(md.convert(source), "html.parser")


def test_md_citations_lists_every_group_in_document_order(bibliographies):
    md, _ = convert(bibliographies, "As @feder2014 [p. 3] shows "
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


def test_numeric_prefix_and_suffix_are_rendered_markdown_next_to_the_number(bibliographies):
    _, page = convert(bibliographies, "A claim [see @feder2014, pp. 33-35 and *passim*].")
    item = page.select_one("sup.cite .cite__item")
    assert item.select_one(".cite__prefix").get_text() == "see"
    assert item.select_one("a").get_text() == "1"
    locator = item.select_one(".cite__locator")
    assert locator.get_text() == "(pp. 33-35 and passim)" and locator.select_one("em").get_text() == "passim"
    assert "*" not in page.get_text() and "\x02" not in str(page) and "klzzwxh" not in str(page)


def test_escapes_code_and_entities_in_a_locator_never_leak_placeholders(bibliographies):
    source = r"A [@feder2014, p. \[3\]] and [@feder2014, p.&nbsp;4] and [@feder2014, `p. 5`]."
    md, page = convert(bibliographies, source)
    html = str(page)
    assert "\x02" not in html and "\x03" not in html and "klzzwxh" not in html
    assert [g["items"][0]["suffix"] for g in md.citations] == [r", p. \[3\]", ", p.&nbsp;4", ", `p. 5`"]
    assert page.select(".cite__locator code")


def test_in_text_unknown_word_stays_text_and_emails_never_cite(bibliographies):
    md, page = convert(bibliographies, "Write to a@feder2014.org or follow @someone; @feder2014 showed it.")
    assert [g["items"][0]["key"] for g in md.citations] == ["feder2014"]
    assert "@someone" in page.get_text() and "a@feder2014.org" in page.get_text()


def test_author_date_citations_come_from_the_style_and_link_to_the_entry(bibliographies):
    source = "It worked [@feder2014, p. 684]. @feder2014 [chap. 2] agrees [-@feder2014]."
    md, page = convert(bibliographies, source, style="apa")
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


def test_author_date_year_suffixes_and_list_sorted_as_the_style_says(bibliographies):
    md, page = convert(bibliographies, "B [@reed2020b]. A [@reed2020a]. C [@abbott2019].", style="apa")
    # APA sorts the list by author, year and title, and the suffixes follow that order
    assert [shown(c) for c in page.select("span.cite")] == [
        "(Reed, 2020b)", "(Reed, 2020a)", "(Abbott, 2019)"]
    assert [li["id"] for li in page.select(".references__list li")] == [
        "ref-abbott2019", "ref-reed2020a", "ref-reed2020b"]
    assert md.cited_keys == ["abbott2019", "reed2020a", "reed2020b"]
    assert "(2020b)" in page.select_one("#ref-reed2020b .references__entry").get_text()


def test_every_mistake_of_a_document_in_line_order(bibliographies):
    source = ("Intro [@nope1].\n\n::: faq\n### First?\n\n### Second?\nYes [@nope2].\n:::\n\n"
              "And [@feder2014 @reed2020a].")
    md = markdown.Markdown(extensions=["extra", makeExtension(bibliography=bibliographies())])
    with pytest.raises(FaqCitationsErrors) as caught:
        md.convert(source)
    assert [(e.line, e.message.split(";")[0]) for e in caught.value.errors] == [
        (1, "unknown citation key 'nope1'"),
        (4, "the FAQ question 'First?' has no answer"),
        (7, "unknown citation key 'nope2'"),
        (10, "malformed citation '[@feder2014 @reed2020a]'"),
    ]
    assert caught.value.line == 1 and len(caught.value.describe("x.md").splitlines()) == 4


def test_a_citation_in_image_alt_text_is_an_error(bibliographies):
    md = markdown.Markdown(extensions=["extra", makeExtension(bibliography=bibliographies())])
    with pytest.raises(FaqCitationsErrors, match="alt text"):
        md.convert("![see [@feder2014]](img.png)")


@pytest.mark.parametrize(
    "source", ["[@feder2014; see]", "Text [@ feder2014] here.", "An open [@feder2014, p. 3"]
)
def test_citation_syntax_that_starts_no_group_is_an_error_not_raw_text(bibliographies, source):
    md = markdown.Markdown(extensions=["extra", makeExtension(bibliography=bibliographies())])
    with pytest.raises(FaqCitationsErrors, match="malformed citation"):
        md.convert(source)


def label(key: str) -> str:
    return " [label]" if key == "reed2020a" else ""


def card(key: str) -> str:
    return "<b>card</b>" if key == "reed2020a" else ""


def test_author_date_page_exact_html(bibliographies):
    md = markdown.Markdown(extensions=["extra", makeExtension(
        bibliography=bibliographies("apa"), evidence_label=label, evidence_card=card)])
    html = md.convert("It worked [see @reed2020a, p. 4; @abbott2019]. @reed2020a [ch. 2] too.\n")

    def item(n: int, key: str, text: str, preview: str) -> str:
        # described by the reference entry; only a source's first citation ships its preview
        cite = f"cite-{key}-{n}"
        shipped = f'<span class="cite__preview" id="{cite}-preview" hidden="hidden">{preview}</span>'
        return (f'<span class="cite__item"><a href="#ref-{key}" id="{cite}" '
                f'aria-describedby="ref-{key}-entry">{text}</a>'
                f'{shipped if n == 1 else ""}</span>')

    reed, abbott = "Reed, A. (2020). <em>First</em>.", "Abbott, B. (2019). <em>Third</em>."
    assert html == (
        '<p>It worked <span class="cite cite--author-date">(see '
        + item(1, "reed2020a", "Reed, 2020, p. 4", reed + " [label]") + "; "
        + item(1, "abbott2019", "Abbott, 2019", abbott)
        + ')</span>. <span class="cite cite--author-date">Reed ('
        + item(2, "reed2020a", "2020", reed + " [label]") + ", ch.\u00a02)</span> too.</p>\n"
        '<section aria-labelledby="references" class="references">\n'
        '<h2 id="references">References</h2>\n<ul class="references__list">\n'
        '<li id="ref-abbott2019" tabindex="-1">'
        f'<span class="references__entry" id="ref-abbott2019-entry">{abbott}</span> '
        '<span class="references__back"><a aria-label="Back to where this reference is cited" '
        'href="#cite-abbott2019-1">\u21a9</a></span></li>\n'
        '<li id="ref-reed2020a" tabindex="-1">'
        f'<span class="references__entry" id="ref-reed2020a-entry">{reed} <b>card</b></span> '
        '<span class="references__back">\u21a9 '
        '<a aria-label="Back to citation 1 of this reference" href="#cite-reed2020a-1">1</a> '
        '<a aria-label="Back to citation 2 of this reference" href="#cite-reed2020a-2">2</a></span></li>\n'
        "</ul>\n</section>"
    )
    assert md.cited_keys == ["abbott2019", "reed2020a"]


def test_numeric_locator_with_markup_label_card_and_title_exact_html(bibliographies):
    md = markdown.Markdown(extensions=["extra", makeExtension(
        bibliography=bibliographies(), references_title="Sources", evidence_label=label, evidence_card=card)])
    reed = "Reed A. <em>First</em>. 2020."
    assert md.convert("X [@reed2020a, pp. 3 and *passim*].") == (
        '<p>X<sup class="cite"><span class="cite__item"><a aria-describedby="ref-reed2020a-entry" '
        'aria-label="reference 1" href="#ref-reed2020a" id="cite-reed2020a-1">1</a>'
        '<span class="cite__locator">(pp. 3 and <em>passim</em>)</span><span class="cite__preview" '
        f'data-number="1" hidden="hidden" id="cite-reed2020a-1-preview">{reed} [label]</span></span>'
        "</sup>.</p>\n"
        '<section aria-labelledby="references" class="references">\n<h2 id="references">Sources</h2>\n'
        '<ol class="references__list">\n<li id="ref-reed2020a" tabindex="-1">'
        '<span class="references__entry" id="ref-reed2020a-entry">'
        f'{reed} <b>card</b></span> <span class="references__back"><a aria-label="Back to where reference 1 '
        'is cited" href="#cite-reed2020a-1">\u21a9</a></span></li>\n</ol>\n</section>'
    )


HELP = "write [@key], [@key1; @key2], [see @key, p. 12] or @key [p. 12]"
MISTAKES = {
    "a group that ends in a word": ("Intro.\n\nA [@feder2014; see] b.",
                                    [(3, f"malformed citation '[@feder2014; see]'; {HELP}")]),
    "an unclosed bracket, shown to the paragraph's end": (
        "A\n\nAn open [@feder2014, p. 3\nstill open\n\nNext para.",
        [(3, f"malformed citation '[@feder2014, p. 3 still open'; {HELP}")]),
    "a space after the @": ("A *b* [@ feder2014] c", [(1, f"malformed citation '[@ feder2014]'; {HELP}")]),
    "a key inside a suffix": ("x\n\n[@feder2014, compare @reed2020a]",
                              [(3, f"malformed citation '[@feder2014, compare @reed2020a]'; {HELP}")]),
    "the wildcard key": ("[@*]", [(1, f"malformed citation '[@*]'; {HELP}")]),
    "in an image's alt text": ("Text.\n\n![see [@feder2014]](img.png)", [(
        3, "a citation in an image's alt text ([@feder2014]) cannot be linked or numbered; "
           "cite the source in the text or caption next to the image")]),
    "an unknown key after code": ("[@feder2014] then `x` [@nope]",
                                  [(1, "unknown citation key 'nope'; add it to the bibliography")]),
    "an unknown key on a paragraph's second line": (
        "Title: x\n\nFirst line\nsecond [@feder2014] [@reed202a] end.",
        [(4, "unknown citation key 'reed202a'; did you mean 'reed2020a'?")]),
    "a malformed group on a paragraph's third line": (
        "Intro.\n\nLine one\nline two [@feder2014]\nline three [@ x] here.",
        [(5, f"malformed citation '[@ x]'; {HELP}")]),
    "a malformed group straight after a group": (
        "A [@feder2014][@ x] b.", [(1, f"malformed citation '[@ x]'; {HELP}")]),
    "a group over two lines: the line of its first key": (
        "A [@feder2014;\n@nope]", [(1, "unknown citation key 'nope'; add it to the bibliography")]),
}


@pytest.mark.parametrize(("source", "errors"), MISTAKES.values(), ids=MISTAKES.keys())
def test_each_citation_mistake_is_one_error_at_its_line(bibliographies, source, errors):
    md = markdown.Markdown(extensions=["extra", "meta", makeExtension(bibliography=bibliographies())])
    with pytest.raises(FaqCitationsErrors) as caught:
        md.convert(source)
    assert [(e.line, e.message) for e in caught.value.errors] == errors


def test_a_bracket_that_is_a_link_or_a_span_is_no_mistake(bibliographies):
    # as in pandoc, the text "@feder2014" of the link or span is an in-text citation
    md = markdown.Markdown(extensions=["extra", makeExtension(bibliography=bibliographies())])
    html = md.convert("[@feder2014](https://x.org) and [@feder2014]{.c}")
    assert html.startswith('<p><a href="https://x.org"><sup class="cite">')
    assert [g["raw"] for g in md.citations] == ["@feder2014", "@feder2014"]


def test_md_citations_give_each_group_and_item_its_own_line_in_either_kind_of_style(bibliographies):
    source = "Intro.\n\nA [@feder2014;\n@reed2020a] b\nmore [@abbott2019]\nend."
    for style in ("american-medical-association", "apa"):
        md, _ = convert(bibliographies, source, style)
        assert [(g["line"], [(i["key"], i["line"]) for i in g["items"]]) for g in md.citations] == [
            (3, [("feder2014", 3), ("reed2020a", 4)]), (5, [("abbott2019", 5)])], style


@pytest.mark.parametrize("style", ["ama", "apa"])
def test_without_first_preview_no_reference_is_copied_outside_the_list(bibliographies, style):
    """first_preview=False: no hidden preview at all (the script builds each from the
    entry); every citation is still described by its entry and linked to it."""
    def convert(first_preview: bool) -> BeautifulSoup:
        md = markdown.Markdown(extensions=["extra", makeExtension(
            bibliography=bibliographies(*(["apa"] if style == "apa" else [])),
            evidence_label=label, evidence_card=card, first_preview=first_preview)])
        return BeautifulSoup(md.convert("It worked [@reed2020a; @abbott2019]. Again [@reed2020a].\n"),
                             "html.parser")

    with_previews, without = convert(True), convert(False)
    assert sorted(p["id"] for p in with_previews.select(".cite__preview")) == [
        "cite-abbott2019-1-preview", "cite-reed2020a-1-preview"]
    assert without.select(".cite__preview") == []
    links = without.select(".cite__item > a")
    assert sorted(a["id"] for a in links) == ["cite-abbott2019-1", "cite-reed2020a-1", "cite-reed2020a-2"]
    for link in links:
        entry = without.select_one("#" + link["aria-describedby"])
        assert entry is not None and "references__entry" in entry["class"]
        assert link["href"] == "#" + entry.find_parent("li")["id"]
    # the same page otherwise: the previews were all the difference
    for preview in with_previews.select(".cite__preview"):
        preview.decompose()
    assert str(with_previews) == str(without)
