"""The Markdown extension alone: Markdown in, HTML (or one error) out.

One test per syntax rule and per author mistake. The bibliography is a tiny
CSL-JSON file written per test session, so no test depends on content/.
"""

from __future__ import annotations

import json
import textwrap

import markdown
import pytest
from bs4 import BeautifulSoup
from pelican.plugins.faq_citations import (
    FaqCitationsError,
    FaqCitationsExtension,
    load_bibliography,
    makeExtension,
)

EXTENSIONS = ["extra", "toc", "sane_lists", "meta"]
ITEMS = [
    {
        "id": "feder2014",
        "type": "article-journal",
        "title": "Ketamine for chronic PTSD",
        "author": [{"family": "Feder", "given": "Adriana"}],
        "container-title": "JAMA Psychiatry",
        "issued": {"date-parts": [[2014]]},
        "DOI": "10.1001/jamapsychiatry.2014.62",
        "PMID": "24740528",
    },
    {
        "id": "albott2018",
        "type": "article-journal",
        "title": "Repeated infusions",
        "author": [{"family": "Albott", "given": "Cristina"}],
        "container-title": "J Clin Psychiatry",
        "issued": {"date-parts": [[2018]]},
    },
    {
        "id": "va:cost-2023.v2",
        "type": "webpage",
        "title": "Costs",
        "author": [{"literal": "VA"}],
        "URL": "https://www.va.gov/cost/",
    },
]


@pytest.fixture(scope="module")
def bibliography(tmp_path_factory):
    path = tmp_path_factory.mktemp("bib") / "refs.json"
    path.write_text(json.dumps(ITEMS), encoding="utf-8")
    bibliography, problems = load_bibliography([str(path)])
    assert not problems
    return bibliography


@pytest.fixture
def render(bibliography):
    def render(source: str, extensions=EXTENSIONS) -> str:
        md = markdown.Markdown(extensions=[*extensions, makeExtension(bibliography=bibliography)])
        return md.convert(textwrap.dedent(source))

    return render


@pytest.fixture
def page(render):
    return lambda source: BeautifulSoup(render(source), "html.parser")


def error_of(render, source: str) -> FaqCitationsError:
    with pytest.raises(FaqCitationsError) as caught:
        render(source)
    return caught.value


def plain(source: str, extensions=EXTENSIONS) -> str:
    return markdown.Markdown(extensions=extensions).convert(textwrap.dedent(source))


# -- no syntax, no change -------------------------------------------------------

NO_SYNTAX_DOCUMENTS = {
    "prose": "# Title\n\nSome *text* with a [link](https://example.org) and a list:\n\n- a\n- b\n",
    "email_and_handle": "Write to help@example.org or follow @clinic, or see [the site](https://x.org).",
    "fenced_code_with_syntax": "Before.\n\n```\n::: faq\n### Q\n[@feder2014]\n:::\n```\n\nAfter.",
    "indented_code_with_syntax": "Before.\n\n    ::: faq\n    [@feder2014]\n    :::\n\nAfter.",
    "inline_code_with_citation": "Cite with `[@feder2014]` or ``[@a; @b]``.",
    "escaped_bracket": "Not a citation: \\[\\@feder2014].",
    "link_text_at": "A link [@clinic](https://example.org) and a reference [@home][r].\n\n[r]: https://x.org",
    "raw_html": "<div>\n::: faq\n[@feder2014]\n</div>\n\nText.",
    "colons_in_text": "Ratio 1:::2 and a definition\n\nTerm\n:   Definition",
    "unicode": "Ünïcödé — “quotes” ✓ 日本語\n\n## Überschrift",
    "metadata_header": "Title: A page\nSummary: x\n\nBody text.",
}


@pytest.mark.parametrize("name", sorted(NO_SYNTAX_DOCUMENTS))
def test_document_without_the_syntax_renders_as_plain_markdown(render, name):
    source = NO_SYNTAX_DOCUMENTS[name]
    assert render(source) == plain(source)


def test_document_without_the_syntax_renders_as_plain_markdown_with_no_other_extension(bibliography):
    source = "\n\n".join(
        NO_SYNTAX_DOCUMENTS[name]
        for name in (
            "indented_code_with_syntax",
            "inline_code_with_citation",
            "email_and_handle",
            "escaped_bracket",
        )
    )
    with_extension = markdown.markdown(source, extensions=[makeExtension(bibliography=bibliography)])
    assert with_extension == markdown.markdown(source)


def test_extension_needs_no_bibliography_for_faq_blocks():
    html = markdown.markdown("::: faq\n### Q?\nA.\n:::", extensions=[FaqCitationsExtension()])
    assert '<details id="q">' in html


# -- citations -------------------------------------------------------------------


def test_citation_is_a_superscript_link_named_reference_n(page):
    link = page("Text [@feder2014].").select_one("sup.cite a")
    assert link["href"] == "#ref-feder2014"
    assert link["aria-label"] == "reference 1"
    assert link.get_text() == "1"
    assert link["id"] == "cite-feder2014-1"


def test_a_sources_first_citation_carries_a_hidden_preview_of_the_full_reference(page):
    html = page("Text [@feder2014]. More [@feder2014]. And [@albott2018; @feder2014].")
    items = html.select("sup.cite .cite__item")
    previews = [item.select_one(".cite__preview") for item in items]
    assert [p is not None for p in previews] == [True, False, True, False], "one copy per source"
    preview = previews[0]
    assert preview.has_attr("hidden") and preview["id"] == "cite-feder2014-1-preview"
    assert preview["data-number"] == "1"
    assert "Feder A. Ketamine for chronic PTSD." in preview.get_text()
    assert not preview.select("a"), "no link may sit inside the citation link's preview"


def test_every_citation_is_described_by_its_reference_entry(page):
    html = page("Text [@feder2014]. More [@feder2014]. And [@albott2018].")
    for link in html.select("sup.cite a"):
        described = html.find(id=link["aria-describedby"])
        assert described is not None and "references__entry" in described["class"]
        assert described.find_parent("li")["id"] == link["href"][1:]


def test_citations_are_numbered_by_first_citation(page):
    html = page("One [@albott2018]. Two [@feder2014]. Again [@albott2018].")
    assert [a.get_text() for a in html.select("sup.cite a")] == ["1", "2", "1"]
    assert [li["id"] for li in html.select("section.references li")] == ["ref-albott2018", "ref-feder2014"]


def test_several_keys_in_one_citation(page):
    links = page("Both [@feder2014; @albott2018].").select("sup.cite a")
    assert [a["href"] for a in links] == ["#ref-feder2014", "#ref-albott2018"]
    assert page("Both [@feder2014; @albott2018].").select_one("sup.cite").get_text().startswith("1")


def test_citation_with_a_locator_shows_it(page):
    sup = page("See [@feder2014, p. 12].").select_one("sup.cite")
    assert "(p. 12)" in sup.get_text()
    assert sup.select_one("a")["aria-label"] == "reference 1"


def test_key_may_use_letters_digits_and_underscore_dash_colon_dot(page):
    assert page("Cost [@va:cost-2023.v2].").select_one("sup.cite a")["href"] == "#ref-va:cost-2023.v2"


def test_citation_followed_by_a_period_keeps_the_period_out_of_the_key(page):
    assert page("End [@feder2014].").select_one("p").get_text().endswith(".")


def test_email_and_bare_handle_are_not_citations(page):
    # pandoc: "@word" cites only when it is a key (an unknown one stays text here)
    html = page("Mail help@feder2014.org or @someone, see https://example.org/@feder2014.")
    assert not html.select("sup.cite")


def test_citation_in_a_heading_stays_out_of_its_id(page):
    heading = page("## Results [@feder2014]\n\nText.").select_one("h2")
    assert heading["id"] == "results"


def test_citation_inside_an_faq_answer_counts(page):
    html = page("::: faq\n### Q?\nYes [@albott2018].\n:::\n\nLater [@feder2014].")
    assert [li["id"] for li in html.select("section.references li")] == ["ref-albott2018", "ref-feder2014"]


# -- the reference list ------------------------------------------------------------


def test_references_section_lists_each_entry_once_with_a_stable_id(page):
    html = page("A [@feder2014]. B [@feder2014].")
    section = html.select_one("section.references")
    assert section.select_one("h2").get_text() == "References"
    assert [li["id"] for li in section.select("ol > li")] == ["ref-feder2014"]


def test_reference_links_doi_pubmed_and_url(page):
    html = page("A [@feder2014]. B [@va:cost-2023.v2].")
    hrefs = [a["href"] for a in html.select("section.references .references__entry a")]
    assert "https://doi.org/10.1001/jamapsychiatry.2014.62" in hrefs
    assert "https://pubmed.ncbi.nlm.nih.gov/24740528/" in hrefs
    assert "https://www.va.gov/cost/" in hrefs


def test_reference_has_a_back_link_to_every_citing_place(page):
    html = page("A [@feder2014]. B [@feder2014].")
    back = [a["href"] for a in html.select("#ref-feder2014 .references__back a")]
    assert back == ["#cite-feder2014-1", "#cite-feder2014-2"]
    assert all(html.select_one(href) for href in back)


def test_reference_entry_can_take_focus_when_a_citation_is_followed(page):
    assert page("A [@feder2014].").select_one("#ref-feder2014")["tabindex"] == "-1"


def test_no_references_section_without_citations(page):
    assert not page("Just text.").select("section.references")


# -- FAQ blocks ------------------------------------------------------------------------

FAQ = """\
::: faq
### Is ketamine approved for PTSD?
Not for PTSD.

### How many infusions?
Usually *six*.
:::
"""


def test_faq_block_is_a_div_with_the_default_title(page):
    faq = page(FAQ).select_one("div.faq")
    assert faq.select_one("h2").get_text() == "Frequently asked questions"


def test_faq_block_title_in_quotes(page):
    faq = page(FAQ.replace("::: faq", '::: faq "Questions about cost"')).select_one("div.faq")
    assert faq.select_one("h2").get_text() == "Questions about cost"


def test_each_question_is_a_details_with_a_summary_and_slug_id(page):
    details = page(FAQ).select("div.faq > details")
    assert [d["id"] for d in details] == ["is-ketamine-approved-for-ptsd", "how-many-infusions"]
    assert details[0].select_one("summary").get_text() == "Is ketamine approved for PTSD?"
    assert details[1].select_one("p em").get_text() == "six"


def test_question_ids_are_unique_on_the_page(page):
    html = page("## How many infusions?\n\n" + FAQ + "\n" + FAQ)
    ids = [element["id"] for element in html.select("[id]")]
    assert len(ids) == len(set(ids))


def test_question_may_set_its_own_id(page):
    html = page("::: faq\n### Is it approved? {#approval}\nNo.\n:::")
    assert html.select_one("details")["id"] == "approval"
    assert html.select_one("summary").get_text() == "Is it approved?"


def test_faq_block_keeps_fenced_code_in_an_answer(page):
    html = page("::: faq\n### How?\nLike this:\n\n```\n:::\n```\n:::")
    assert html.select_one("details pre code").get_text() == ":::\n"


def test_faq_jsonld_has_every_question_as_plain_text(bibliography):
    md = markdown.Markdown(extensions=[*EXTENSIONS, makeExtension(bibliography=bibliography)])
    md.convert(FAQ + "\n::: faq\n### And *this* [@feder2014]?\nYes [@feder2014].\n:::")
    data = json.loads(md.faq_jsonld)
    assert data["@type"] == "FAQPage"
    assert [q["name"] for q in data["mainEntity"]] == [
        "Is ketamine approved for PTSD?",
        "How many infusions?",
        "And this?",
    ]
    assert data["mainEntity"][1]["acceptedAnswer"]["text"] == "Usually six."
    assert data["mainEntity"][2]["acceptedAnswer"] == {"@type": "Answer", "text": "Yes."}


def test_faq_jsonld_cannot_end_the_script_element():
    md = markdown.Markdown(extensions=[FaqCitationsExtension()])
    md.convert("::: faq\n### Is `</script><!--` safe & sound?\nYes.\n:::")
    assert "<" not in md.faq_jsonld and ">" not in md.faq_jsonld and "&" not in md.faq_jsonld
    assert json.loads(md.faq_jsonld)["mainEntity"][0]["name"] == "Is </script><!-- safe & sound?"


def test_faq_items_are_published_on_md():
    md = markdown.Markdown(extensions=[FaqCitationsExtension()])
    md.convert(FAQ)
    assert md.faq_items[0] == {
        "id": "is-ketamine-approved-for-ptsd",
        "question": "Is ketamine approved for PTSD?",
        "answer": "Not for PTSD.",
    }


def test_page_without_faq_has_no_jsonld():
    md = markdown.Markdown(extensions=[FaqCitationsExtension()])
    md.convert("Text.")
    assert md.faq_jsonld == "" and md.faq_items == [] and md.cited_keys == []


# -- state: two converts and a reset ------------------------------------------------------


def test_two_converts_and_a_reset_do_not_share_state(bibliography):
    md = markdown.Markdown(extensions=[*EXTENSIONS, makeExtension(bibliography=bibliography)])
    first = md.convert("A [@albott2018].\n\n" + FAQ)
    assert md.cited_keys == ["albott2018"] and len(md.faq_items) == 2
    md.reset()
    second = md.convert("B [@feder2014].")
    assert md.cited_keys == ["feder2014"] and md.faq_items == [] and md.faq_jsonld == ""
    soup = BeautifulSoup(second, "html.parser")
    assert soup.select_one("sup.cite a").get_text() == "1"
    assert [li["id"] for li in soup.select("section.references li")] == ["ref-feder2014"]
    md.reset()
    assert md.convert("A [@albott2018].\n\n" + FAQ) == first


# -- author mistakes: one error, with the line in the source ------------------------


def test_unknown_key_suggests_the_nearest_key(render):
    error = error_of(render, "Title: x\n\nLine three.\n\nTypo [@fedr2014].")
    assert (error.line, str(error)) == (5, "unknown citation key 'fedr2014'; did you mean 'feder2014'?")


def test_unknown_key_without_a_near_key(render):
    error = error_of(render, "A [@zzzzzz].")
    assert (error.line, str(error)) == (1, "unknown citation key 'zzzzzz'; add it to the bibliography")


def test_unknown_key_without_any_bibliography():
    with pytest.raises(FaqCitationsError, match="no bibliography entries are loaded"):
        markdown.markdown("A [@x].", extensions=[FaqCitationsExtension()])


def test_malformed_citation(render):
    error = error_of(render, "A\n\nB [@feder2014 @albott2018].")
    assert error.line == 3
    assert str(error).startswith("malformed citation '[@feder2014 @albott2018]'")


def test_unclosed_block_names_the_line_where_it_opened(render):
    error = error_of(render, "Title: x\n\nIntro.\n\n::: faq\n### Q?\nA.\n")
    assert (error.line, str(error)) == (
        5,
        "this '::: faq' block is never closed; add a line ':::' after its last answer",
    )


def test_unknown_block_type_lists_the_known_types(render):
    error = error_of(render, "::: fqa\n### Q?\nA.\n:::")
    assert (error.line, str(error)) == (1, "unknown block type 'fqa' after ':::'; known types: 'faq'")


def test_faq_inside_faq(render):
    error = error_of(render, "::: faq\n### Q?\nA.\n\n::: faq\n### R?\nB.\n:::\n:::")
    assert error.line == 5
    assert str(error) == (
        "an FAQ block cannot contain another block; close the FAQ block opened at line 1 with ':::' first"
    )


def test_faq_without_a_question(render):
    error = error_of(render, "Intro.\n\n::: faq\nJust text.\n:::")
    assert (error.line, str(error)) == (
        3,
        "this FAQ block has no question; start each question with '### ' inside the block",
    )


def test_question_without_an_answer(render):
    error = error_of(render, "::: faq\n### First?\nYes.\n\n### Second?\n\n:::")
    assert (error.line, str(error)) == (
        5,
        "the FAQ question 'Second?' has no answer; write the answer below the question",
    )


def test_closing_fence_without_a_block(render):
    error = error_of(render, "Text.\n\n:::")
    assert (error.line, str(error)) == (3, "':::' closes no block; remove it, or open a block with '::: faq'")


def test_title_without_quotes(render):
    error = error_of(render, "::: faq Questions about cost\n### Q?\nA.\n:::")
    assert error.line == 1 and "'::: faq \"Questions about cost\"'" in str(error)


def test_error_line_counts_lines_hidden_in_fenced_code(render):
    source = "Title: x\n\n```\none\ntwo\nthree\n```\n\nText [@nope]."
    assert error_of(render, source).line == 9


def test_citation_attaches_to_the_preceding_word(render):
    html = render("A claim [@feder2014]. After [a link](https://example.org) [@albott2018] too.\n")
    assert 'claim<sup class="cite">' in html
    assert '</a><sup class="cite">' in html


def test_citation_at_the_start_of_a_paragraph_keeps_following_text(page):
    html = page("[@feder2014] opens the line.\n")
    assert html.p.get_text().endswith(" opens the line.")


def test_malformed_citation_message_is_one_line_as_typed(render):
    # Found by the Hypothesis test: a newline and a Markdown placeholder leaked into the message.
    # pandoc reads "[@\n\\[@escaped]" as one group: prefix "@ \\[", key "escaped".
    error = error_of(render, "[@\n\\[@escaped]\n")
    assert str(error).startswith("unknown citation key 'escaped'")
    error = error_of(render, "[@ \\[@feder2014 @x]\n")
    assert str(error).startswith("malformed citation '[@ \\[@feder2014 @x]'")
    assert "\n" not in str(error) and "klzzwxh" not in str(error)
    assert error.line == 1


# -- the whole page, exactly: numbers, separators, previews, the list and its back links ----

FEDER_ENTRY = "Feder A. Ketamine for chronic PTSD. <em>JAMA Psychiatry</em>. Published online 2014."


def test_numeric_page_exact_html(render):
    feder = f"{FEDER_ENTRY} doi:10.1001/jamapsychiatry.2014.62 PMID: 24740528"
    albott = "Albott C. Repeated infusions. <em>J Clin Psychiatry</em>. Published online 2018."

    def item(n: int, key: str, number: int, preview: str, before: str = "", after: str = "") -> str:
        # described by the reference entry; only a source's first citation ships its preview
        # (the script copies the entry for the others)
        cite = f"cite-{key}-{n}"
        shipped = (f'<span class="cite__preview" data-number="{number}" hidden="hidden" id="{cite}-preview">'
                   f"{preview}</span>") if n == 1 else ""
        return (f'<span class="cite__item">{before}<a aria-describedby="ref-{key}-entry" '
                f'aria-label="reference {number}" href="#ref-{key}" id="{cite}">{number}</a>{after}'
                f"{shipped}</span>")

    html = render("## References\n\nA claim [see @feder2014, p. 12; @albott2018]. "
                  "Again [@feder2014] and [@feder2014].\n")
    assert html == (
        '<h2 id="references">References</h2>\n<p>A claim<sup class="cite">'
        + item(1, "feder2014", 1, feder, '<span class="cite__prefix">see</span> ',
               '<span class="cite__locator">(p. 12)</span>')
        + "," + item(1, "albott2018", 2, albott)
        + '</sup>. Again<sup class="cite">' + item(2, "feder2014", 1, feder)
        + '</sup> and<sup class="cite">' + item(3, "feder2014", 1, feder) + "</sup>.</p>\n"
        '<section aria-labelledby="references_1" class="references">\n'
        '<h2 id="references_1">References</h2>\n<ol class="references__list">\n'
        '<li id="ref-feder2014" tabindex="-1"><span class="references__entry" id="ref-feder2014-entry">'
        f'{FEDER_ENTRY} doi:<a href="https://doi.org/10.1001/jamapsychiatry.2014.62">'
        '10.1001/jamapsychiatry.2014.62</a> PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/24740528/">24740528</a>'
        '</span> <span class="references__back">\u21a9 '
        '<a aria-label="Back to citation 1 of reference 1" href="#cite-feder2014-1">1</a> '
        '<a aria-label="Back to citation 2 of reference 1" href="#cite-feder2014-2">2</a> '
        '<a aria-label="Back to citation 3 of reference 1" href="#cite-feder2014-3">3</a></span></li>\n'
        f'<li id="ref-albott2018" tabindex="-1"><span class="references__entry" id="ref-albott2018-entry">'
        f'{albott}</span> '
        '<span class="references__back"><a aria-label="Back to where reference 2 is cited" '
        'href="#cite-albott2018-1">\u21a9</a></span></li>\n</ol>\n</section>'
    )


# -- helpers other plugins use: a page without its citations, the groups of a text ------------

from pelican.plugins.faq_citations.citations import (  # noqa: E402
    MALFORMED_HELP,
    citations_in,
    unknown_key_message,
    without_citations,
)


def test_without_citations_drops_numbered_citations_with_their_space_and_the_list():
    html = ('<p>A claim <sup class="cite"><a>1</a><br>x<img src=a></sup>. B<sup>2</sup> &amp; &#33; '
            '<!-- c --><br/></p>\n<section class="references"><h2>R</h2><br/></section><p>after</p>')
    kept = "<p>A claim. B<sup>2</sup> &amp; &#33; <!-- c --><br/></p>\n<p>after</p>"
    assert without_citations(html) == kept


def test_without_citations_keeps_an_author_date_citation_s_text_but_not_its_preview():
    html = ('<p>It <span class="cite cite--author-date">(<span class="cite__item"><a href="#r">Reed, 2020</a>'
            '<span class="cite__preview" hidden>P <em>x</em></span></span>)</span> x <div class="references">'
            "y</div></p>")
    assert without_citations(html) == (
        '<p>It <span class="cite cite--author-date">(<span class="cite__item"><a href="#r">Reed, 2020</a>'
        "</span>)</span> x </p>")


def test_citations_in_lists_each_group_as_written():
    assert citations_in("A [@a; @b, p. 3] and @c [p. 4] and `[@d]`.") == ["[@a; @b, p. 3]", "@c [p. 4]"]


def test_unknown_key_message_with_and_without_entries(bibliography):
    from pelican.plugins.faq_citations import Bibliography

    empty = unknown_key_message(Bibliography(), "x")
    assert empty == "unknown citation key 'x': no bibliography entries are loaded"
    assert unknown_key_message(bibliography, "albot2018") == (
        "unknown citation key 'albot2018'; did you mean 'albott2018'?")


def test_citations_after_other_inline_markup_keep_their_order_and_text(page):
    html = page("*One* [@feder2014] and `code` then [@albott2018, p. 2] and **b** [@feder2014].")
    assert [a.get_text() for a in html.select("sup.cite a")] == ["1", "2", "1"]
    assert html.p.get_text().startswith("One")
    assert "then" in html.p.get_text() and html.select_one("p strong").get_text() == "b"


# -- what the mutation run showed unchecked (each a rule the code must keep) ---------------------

from pelican.plugins.faq_citations.citations import CitationInlineProcessor  # noqa: E402


def test_without_citations_drops_the_space_before_a_citation_after_other_markup():
    assert without_citations('<p><b>Ketamine</b> helps <sup class="cite"><a>1</a></sup>.</p>') == (
        "<p><b>Ketamine</b> helps.</p>")


# regions: (start, end) of a placeholder in the data, (start, end) of its group as written
ONE = [(0, 9, 0, 4)]  # "[@a]" (4 characters) replaced by a 9-character placeholder at 0
TWO = [(0, 9, 0, 4), (12, 21, 7, 11)]  # then "x, " and a second one


@pytest.mark.parametrize(("offset", "regions", "written"), [
    (9, ONE, 4), (10, ONE, 5), (0, [], 0), (3, [(5, 14, 5, 9)], 3), (21, TWO, 11), (23, TWO, 13),
    (12, TWO, 7)])
def test_an_offset_in_the_data_is_mapped_to_the_text_as_written(offset, regions, written):
    assert CitationInlineProcessor.to_written(offset, regions) == written


@pytest.mark.parametrize(("offset", "regions", "data"), [
    (4, ONE, 9), (5, ONE, 10), (0, ONE, None), (2, ONE, None), (3, [(5, 14, 5, 9)], 3),
    (11, TWO, 21), (7, TWO, None), (6, TWO, 11)])
def test_an_offset_as_written_is_mapped_to_the_data_or_none_inside_a_replaced_group(offset, regions, data):
    assert CitationInlineProcessor.to_data(offset, regions) == data


def test_several_citations_in_one_paragraph_of_different_lengths(page):
    html = page("A [@feder2014] b [@va:cost-2023.v2, p. 3] c [@albott2018; @feder2014] d [@feder2014].")
    assert [a.get_text() for a in html.select("sup.cite a")] == ["1", "2", "3", "1", "1"]
    assert html.p.get_text().startswith("A1") and " b2" in html.p.get_text() and " d1" in html.p.get_text()


def test_each_paragraph_is_scanned_for_citations_once(bibliography, monkeypatch):
    from pelican.plugins.faq_citations import syntax

    scanned = []
    original = syntax.find_citations
    monkeypatch.setattr(syntax, "find_citations",
                        lambda text, **kw: scanned.append(text) or original(text, **kw))
    md = markdown.Markdown(extensions=[*EXTENSIONS, makeExtension(bibliography=bibliography)])
    md.convert("A [@feder2014] b [@albott2018] c [@feder2014].\n\nNext [@albott2018].")
    assert sorted(scanned) == sorted(set(scanned)) and len(scanned) == 2


def test_a_bracket_after_a_key_that_is_a_defined_link_is_not_its_locator(page):
    html = page("See @feder2014 [p. 3] here.\n\n[p. 3]: https://example.org/p3\n")
    assert html.select_one('p a[href="https://example.org/p3"]').get_text() == "p. 3"
    assert html.select_one(".cite__locator") is None
    assert page("See @feder2014 [p. 3] here.").select_one(".cite__locator").get_text() == "(p. 3)"


def test_a_locator_that_starts_with_markup_is_in_parentheses(page):
    locator = page("A [@feder2014, *passim*].").select_one(".cite__locator")
    assert str(locator) == '<span class="cite__locator">(<em>passim</em>)</span>'


def test_a_page_without_citations_cites_no_keys(bibliography):
    md = markdown.Markdown(extensions=[*EXTENSIONS, makeExtension(bibliography=bibliography)])
    md.convert("No citations here.")
    assert md.cited_keys == [] and md.citations == []


def test_a_citation_in_text_another_extension_added_is_an_error_without_a_line(bibliography):
    from markdown.extensions import Extension
    from markdown.preprocessors import Preprocessor

    class Adds(Preprocessor):
        def run(self, lines):
            return [*lines, "", "Added [@ x] text."]

    class AddsText(Extension):
        def extendMarkdown(self, md):
            md.preprocessors.register(Adds(md), "adds", 0)

    md = markdown.Markdown(extensions=[*EXTENSIONS, AddsText(), makeExtension(bibliography=bibliography)])
    with pytest.raises(FaqCitationsError) as caught:
        md.convert("Written [@feder2014].")
    assert (caught.value.line, str(caught.value)) == (None, f"malformed citation '[@ x]'; {MALFORMED_HELP}")



def test_a_citation_in_text_another_extension_added_is_published_at_line_0(bibliography):
    from markdown.extensions import Extension
    from markdown.preprocessors import Preprocessor

    class Adds(Preprocessor):
        def run(self, lines):
            return [*lines, "", "Added [@albott2018] text."]

    class AddsText(Extension):
        def extendMarkdown(self, md):
            md.preprocessors.register(Adds(md), "adds", 0)

    md = markdown.Markdown(extensions=[*EXTENSIONS, AddsText(), makeExtension(bibliography=bibliography)])
    md.convert("Written [@feder2014].")
    assert [(g["line"], [i["line"] for i in g["items"]]) for g in md.citations] == [(1, [1]), (0, [0])]


def test_an_author_date_entry_gets_the_links_of_its_own_item(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(ITEMS), encoding="utf-8")
    apa, problems = load_bibliography([str(path)], "apa")
    md = markdown.Markdown(extensions=[*EXTENSIONS, makeExtension(bibliography=apa)])
    html = BeautifulSoup(md.convert("A [@feder2014]."), "html.parser")
    entry = html.select_one("#ref-feder2014-entry")
    assert problems == [] and entry.select_one('a[href="https://pubmed.ncbi.nlm.nih.gov/24740528/"]')


def test_a_key_in_brackets_without_its_at_is_an_error_at_its_line(render):
    source = "Intro.\n\nOne paper [feder2014] and\nanother [albott2018]; [feder2014] again.\n"
    mistake = error_of(render, source)
    assert [(error.line, error.message) for error in mistake.errors] == [
        (3, "'[feder2014]' is not a citation: the '@' is missing; write '[@feder2014]'"),
        (4, "'[albott2018]' is not a citation: the '@' is missing; write '[@albott2018]'"),
        (4, "'[feder2014]' is not a citation: the '@' is missing; write '[@feder2014]'"),
    ]


@pytest.mark.parametrize("source", [
    "A word in brackets [note] and a number [1].",
    "A link [feder2014](https://example.org) and a reference [feder2014][r].\n\n[r]: https://x.org",
    "Code `[feder2014]` and\n\n    [feder2014]\n",
    "A citation [@feder2014].",
])
def test_brackets_that_are_not_a_forgotten_at_pass(render, source):
    render(source)


def test_a_link_left_open_and_a_bold_left_open_are_errors_at_their_lines(render):
    mistake = error_of(render, "Intro.\n\nSee [the page](/what-is-ptsd/ here.\n\nSome **bold text.\n")
    assert [(error.line, error.message) for error in mistake.errors] == [
        (3, "'[the page](/what-is-ptsd/' is not a link, so it would show as written: close it as "
            "[text](address) -- the ')' or ']' is missing"),
        (5, "'**' with nothing to close it ('...Some **'); bold text is **words**: add the other '**' "
            "(or write \\*\\* for stars)"),
    ]


def test_a_link_left_open_with_brackets_in_its_text_is_an_error_at_its_line(render):
    mistake = error_of(render, "Intro.\n\nSee [see [1]](/what-is-ptsd/ here.\n")
    assert [(error.line, error.message) for error in mistake.errors] == [
        (3, "'[see [1]](/what-is-ptsd/' is not a link, so it would show as written: close it as "
            "[text](address) -- the ')' or ']' is missing"),
    ]


@pytest.mark.parametrize("source", [
    "Fine **bold**, [a link](/b/), `**code` and `[x](y`.",
    "A closed [see [1]](/b/) link and [a] [b](/c/).", "Escaped \\*\\* stars.", "A ](stray and [a] (b).",
])
def test_closed_links_and_bold_pass(render, source):
    render(source)


def test_a_footnote_without_its_text_is_an_error_at_its_line(render):
    mistake = error_of(render, "Intro.\n\nA claim[^1] here.\n")
    assert (mistake.line, mistake.message) == (
        3, "footnote '[^1]' has no text; add a line '[^1]: ...' below the paragraph")
    render("A claim[^1] here.\n\n[^1]: The note.\n")
