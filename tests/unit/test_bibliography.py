"""Bibliography loading: Zotero exports as they are, and every malformed file
or duplicate key reported with its path and line."""

from __future__ import annotations

import json

import pytest
from pelican.plugins.faq_citations import BibliographyError, load_bibliography
from pelican.plugins.faq_citations.bibliography import latex_to_text

ZOTERO = r"""
% exported by Zotero
@article{mueller2019,
  title = {The {PTSD} Trial of {\"U}ber \& Co},
  author = {M{\"u}ller, J{\"o}rg and {\'E}mile Zola and van der Berg, Jan and {World Health Organization}},
  journal = {Journal of Trauma \& Stress},
  year = {2019},
  month = mar,
  pages = {12--34},
  doi = {https://doi.org/10.1000/xyz},
  pmid = {12345678},
  urldate = {2024-05-02}
}
"""


def load(tmp_path, files: dict[str, str]):
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return load_bibliography(paths)


def test_zotero_bibtex_accents_braces_ampersand_ranges_and_month(tmp_path):
    bibliography, problems = load(tmp_path, {"zotero.bib": ZOTERO})
    assert problems == []
    item = bibliography.entries["mueller2019"].item
    assert item["title"] == "The PTSD Trial of Über & Co"
    assert item["author"][0] == {"family": "Müller", "given": "Jörg"}
    assert item["author"][1] == {"family": "Zola", "given": "Émile"}
    assert item["author"][2] == {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}
    assert item["author"][3] == {"literal": "World Health Organization"}
    assert item["container-title"] == "Journal of Trauma & Stress"
    assert item["page"] == "12-34"
    assert item["issued"] == {"date-parts": [[2019, 3]]}
    assert item["DOI"] == "10.1000/xyz" and item["PMID"] == "12345678"


def test_formatted_entry_is_escaped_and_linked(tmp_path):
    bibliography, _ = load(tmp_path, {"zotero.bib": ZOTERO})
    entry = bibliography.format("mueller2019")
    assert "Über &amp; Co" in entry.html
    assert '<a href="https://doi.org/10.1000/xyz">10.1000/xyz</a>' in entry.html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/12345678/">12345678</a>' in entry.html
    assert "<a" not in entry.preview


def test_each_entry_is_formatted_once(tmp_path, monkeypatch):
    bibliography, _ = load(tmp_path, {"zotero.bib": ZOTERO})
    calls = []
    original = bibliography.style.render
    monkeypatch.setattr(bibliography.style, "render", lambda item: calls.append(item["id"]) or original(item))
    for _ in range(3):
        bibliography.format("mueller2019")
    assert calls == ["mueller2019"]


def test_latex_to_text():
    assert latex_to_text(r"{\'e}t{\'e} --- {DNA} \& {RNA}") == "été — DNA & RNA"


def test_csl_json_entries(tmp_path):
    items = [{"id": "who2020", "type": "report", "title": "A report", "author": [{"literal": "WHO"}]}]
    bibliography, problems = load(tmp_path, {"refs.json": json.dumps(items, indent=2)})
    assert problems == [] and "who2020" in bibliography
    assert bibliography.entries["who2020"].line == 3


def test_malformed_bibtex_names_the_entry_left_open(tmp_path):
    _, problems = load(
        tmp_path,
        {"refs.bib": "@misc{ok, title={a}}\n\n@article{open2020,\n title = {no end,\n year = {2020}\n"},
    )
    assert [(p.line, p.message) for p in problems] == [
        (
            3,
            "malformed BibTeX: the braces of entry 'open2020' do not balance; "
            "a '}' is missing or extra in this entry",
        )
    ]


def test_malformed_bibtex_undefined_string(tmp_path):
    _, problems = load(tmp_path, {"refs.bib": "@misc{a,\n title = {x},\n month = foo,\n}\n"})
    assert [(p.line, p.message) for p in problems] == [
        (3, "malformed BibTeX: undefined string 'foo'; put text in braces, e.g. {...}")
    ]


def test_malformed_json_names_the_line(tmp_path):
    _, problems = load(tmp_path, {"refs.json": '[\n {"id": "a"},\n {"id": "b" "type": "book"}\n]'})
    assert [(p.line, p.message) for p in problems] == [
        (3, "malformed CSL-JSON: Expecting ',' delimiter (column 13)")
    ]


def test_json_item_without_id(tmp_path):
    _, problems = load(tmp_path, {"refs.json": '[{"title": "x"}]'})
    assert problems[0].message == 'malformed CSL-JSON: item 1 has no "id"'


def test_key_defined_twice_across_files_names_both_places(tmp_path):
    _bibliography, problems = load(
        tmp_path,
        {
            "a.bib": "@misc{dup,\n title={first}}\n",
            "b.json": '[\n  {"id": "dup", "title": "second"}\n]',
        },
    )
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.line) == (str(tmp_path / "b.json"), 2)
    assert problem.message == (
        f"citation key 'dup' is defined twice: here and at {tmp_path / 'a.bib'}:1; "
        "keep one and rename or delete the other"
    )
    assert problem.describe().startswith(f"{tmp_path / 'b.json'}:2: error: citation key 'dup'")


def test_key_defined_twice_in_one_file(tmp_path):
    _, problems = load(tmp_path, {"a.bib": "@misc{dup, title={1}}\n\n@misc{dup, title={2}}\n"})
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (3, "citation key 'dup' is defined twice")
    ]


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.bib"
    path.write_bytes("@misc{a,\n title={M\u00fcller}}\n".encode("latin-1"))
    _, problems = load_bibliography([str(path)])
    assert problems[0].line == 2 and "not UTF-8" in problems[0].message


def test_extension_with_a_broken_bibliography_raises_the_first_problem(tmp_path):
    from pelican.plugins.faq_citations import makeExtension

    path = tmp_path / "bad.json"
    path.write_text("[", encoding="utf-8")
    with pytest.raises(BibliographyError) as caught:
        makeExtension(bibliography=[str(path)])
    assert caught.value.path == str(path) and caught.value.line == 1
