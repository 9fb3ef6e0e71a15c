"""Bibliography loading: Zotero exports as they are, and every malformed file
or duplicate key reported with its path and line."""

from __future__ import annotations

import json

import pytest
from pelican.plugins.faq_citations import BibliographyError, load_bibliography

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


def test_zotero_bibtex_as_pandoc_converts_it(tmp_path):
    bibliography, problems = load(tmp_path, {"zotero.bib": ZOTERO})
    assert problems == []
    item = bibliography.entries["mueller2019"].item
    # sentence case that keeps the braced words, accents decoded, \& as &
    assert item["title"] == "The PTSD trial of Über & co"
    assert item["author"][0] == {"family": "Müller", "given": "Jörg"}
    assert item["author"][2] == {"family": "Berg", "given": "Jan", "dropping-particle": "van der"}
    assert item["author"][3] == {"literal": "World Health Organization"}
    assert item["container-title"] == "Journal of Trauma & Stress"
    assert item["page"] == "12-34"
    assert item["issued"] == {"date-parts": [[2019, 3]]}
    assert item["PMID"] == "12345678"
    assert bibliography.entries["mueller2019"].line == 3


def test_formatted_entry_is_escaped_and_linked(tmp_path):
    bibliography, _ = load(tmp_path, {"zotero.bib": ZOTERO})
    entry = bibliography.format("mueller2019")
    assert "ber &amp; co" in entry.html
    assert '<a href="https://doi.org/10.1000/xyz">' in entry.html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/12345678/">12345678</a>' in entry.html
    assert entry.html.count("PMID") == 1
    assert "<a" not in entry.preview
    assert entry.key == "mueller2019" and entry.item["PMID"] == "12345678"


def test_every_entry_is_formatted_in_one_pandoc_call(tmp_path, monkeypatch):
    second = ZOTERO.replace("mueller2019", "other2020").replace("12345678", "87654321").replace("xyz", "abc")
    bibliography, problems = load(tmp_path, {"zotero.bib": ZOTERO + second})
    assert problems == []
    calls = []
    original = bibliography.engine._run
    monkeypatch.setattr(bibliography.engine, "_run", lambda *a, **k: calls.append(a) or original(*a, **k))
    for _ in range(3):
        bibliography.format("mueller2019")
        bibliography.format("other2020")
    assert len(calls) == 1


def test_rendered_entries_are_cached_on_disk_by_content(tmp_path, monkeypatch):
    path = tmp_path / "zotero.bib"
    path.write_text(ZOTERO, encoding="utf-8")
    cache = tmp_path / "cache"
    first, _ = load_bibliography([str(path)], cache_dir=str(cache))
    html = first.format("mueller2019").html
    again, _ = load_bibliography([str(path)], cache_dir=str(cache))
    monkeypatch.setattr(again.engine, "_run", lambda *a, **k: pytest.fail("pandoc ran again"))
    assert again.format("mueller2019").html == html
    path.write_text(ZOTERO.replace("Journal of Trauma", "Journal of Stress"), encoding="utf-8")
    changed, _ = load_bibliography([str(path)], cache_dir=str(cache))
    assert "Journal of Stress" in changed.format("mueller2019").html


def test_csl_json_entries(tmp_path):
    items = [{"id": "who2020", "type": "report", "title": "A report", "author": [{"literal": "WHO"}]}]
    bibliography, problems = load(tmp_path, {"refs.json": json.dumps(items, indent=2)})
    assert problems == [] and "who2020" in bibliography
    assert bibliography.entries["who2020"].line == 3


def problems_of(tmp_path, text: str, name: str = "refs.bib"):
    _, problems = load(tmp_path, {name: text})
    return [(p.line, p.message) for p in problems]


def test_malformed_bibtex_names_the_brace_left_open(tmp_path):
    text = "@misc{ok, title={a}}\n\n@article{open2020,\n title = {no end,\n year = {2020}\n}\n"
    assert problems_of(tmp_path, text) == [
        (4, "malformed BibTeX: the '{' that opens field 'title' here is never closed; add the missing '}'")
    ]


def test_missing_comma_after_a_field_is_reported_where_the_field_ends(tmp_path):
    text = "@article{a,\n  title = {X},\n  journal = {J}\n  year = {2020}\n}\n"
    assert problems_of(tmp_path, text) == [
        (3, "malformed BibTeX: missing ',' after field 'journal'; add a comma at the end of its value")
    ]


def test_unbalanced_quote_is_reported_where_it_opened(tmp_path):
    text = '@article{a,\n  title = "X,\n  year = {2020}\n}\n@book{b, title = {Y}}\n'
    assert problems_of(tmp_path, text) == [
        (2, "malformed BibTeX: the '\"' that opens field 'title' here is never closed; add the closing '\"'")
    ]


def test_duplicate_field_names_both_lines(tmp_path):
    text = "@article{a,\n  title = {X},\n  year = {2020},\n  Title = {Y}\n}\n"
    assert problems_of(tmp_path, text) == [
        (4, "malformed BibTeX: field 'Title' appears twice in this entry (also at line 2); keep one")
    ]


def test_unknown_entry_type_suggests_the_nearest(tmp_path):
    text = "@misc{ok, title = {A}}\n@artcle{a,\n  title = {X}\n}\n"
    assert problems_of(tmp_path, text) == [
        (2, "malformed BibTeX: unknown entry type '@artcle'; did you mean '@article'?")
    ]


def test_every_problem_of_a_file_in_one_run(tmp_path):
    text = "@artcle{a, title = {X}}\n\n@article{b,\n  title = {X}\n  year = {2020}\n}\n"
    assert [line for line, _ in problems_of(tmp_path, text)] == [1, 4]


def test_undefined_string_is_kept_as_pandoc_does(tmp_path):
    bibliography, problems = load(tmp_path, {"refs.bib": "@misc{a,\n title = {x},\n month = foo,\n}\n"})
    assert problems == [] and "a" in bibliography


def test_same_doi_under_two_keys_across_files_names_both(tmp_path):
    _bibliography, problems = load(
        tmp_path,
        {
            "a.bib": "@article{one,\n  title = {X},\n  doi = {10.1000/SAME}\n}\n",
            "b.json": '[\n  {"id": "two", "type": "article", "DOI": "https://doi.org/10.1000/same"}\n]',
        },
    )
    assert [(p.path, p.line, p.message) for p in problems] == [
        (
            str(tmp_path / "b.json"),
            2,
            f"the same DOI 10.1000/same is under two keys: 'two' here and 'one' at {tmp_path / 'a.bib'}:1; "
            "keep one key and cite it everywhere",
        )
    ]


def test_same_pmid_under_two_keys_in_one_file(tmp_path):
    text = ("@article{one,\n  title = {X},\n  pmid = {123}\n}\n\n"
            "@article{two,\n  title = {Y},\n  pmid = {123}\n}\n")
    assert problems_of(tmp_path, text) == [
        (6, f"the same PMID 123 is under two keys: 'two' here and 'one' at {tmp_path / 'refs.bib'}:1; "
            "keep one key and cite it everywhere")
    ]


def test_csl_yaml_and_biblatex_names(tmp_path):
    yaml_text = "references:\n- id: yml2020\n  type: book\n  title: A <i>YAML</i> book\n"
    bib = ("@book{bl,\n  author = {family=Heuvel, given=Anna, prefix=van den, useprefix=true},\n"
           "  title = {T},\n  date = {2020}\n}\n")
    bibliography, problems = load(tmp_path, {"refs.yaml": yaml_text, "refs.bib": bib})
    assert problems == []
    assert bibliography.entries["yml2020"].line == 2
    assert bibliography.entries["bl"].item["author"][0]["family"] == "Heuvel"
    html = bibliography.format("yml2020").html
    assert "<i>YAML</i>" in html or "<em>YAML</em>" in html


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


def test_extension_with_a_broken_bibliography_raises_every_problem(tmp_path):
    from pelican.plugins.faq_citations import makeExtension

    path = tmp_path / "bad.json"
    path.write_text("[", encoding="utf-8")
    with pytest.raises(BibliographyError) as caught:
        makeExtension(bibliography=[str(path)])
    assert caught.value.path == str(path) and caught.value.line == 1
