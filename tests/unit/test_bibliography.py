"""Bibliography loading: Zotero exports as they are, and every malformed file
or duplicate key reported with its path and line."""

from __future__ import annotations

import json
import os

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
    assert [p.path for p in problems] == [str(tmp_path / name)] * len(problems)  # each names its file
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


# -- links added to a rendered entry (add_links), one rule each -------------------------

from pelican.plugins.faq_citations.bibliography import (  # noqa: E402
    Bibliography,
    Entry,
    add_links,
    bibliography_files,
    is_csl_yaml,
    normalise_doi,
    style_is_numeric,
    without_links,
)

DOI_LINK = '<a href="https://doi.org/10.1/x">'


@pytest.mark.parametrize("written", ["10.1/x", " https://doi.org/10.1/x ", "http://dx.doi.org/10.1/x",
                                     "doi: 10.1/x", "DOI:10.1/x", "HTTPS://DOI.ORG/10.1/x"])
def test_doi_is_normalised_to_the_bare_doi(written):
    assert normalise_doi(written) == "10.1/x"


def test_doi_the_style_linked_is_left_alone():
    rendered = f"T. {DOI_LINK}https://doi.org/10.1/x</a>"
    assert add_links(rendered, {"DOI": "10.1/x"}) == rendered


def test_doi_url_the_style_printed_becomes_a_link():
    assert add_links("T. https://doi.org/10.1/x", {"DOI": "10.1/x"}) == f"T. {DOI_LINK}https://doi.org/10.1/x</a>"


def test_bare_doi_the_style_printed_is_linked_once():
    assert add_links("T. 10.1/x. 10.1/x", {"DOI": "doi: 10.1/x"}) == f"T. {DOI_LINK}10.1/x</a>. 10.1/x"


def test_doi_the_style_left_out_is_appended_escaped():
    assert add_links("T.", {"DOI": "10.1/a&b"}) == 'T. doi:<a href="https://doi.org/10.1/a&amp;b">10.1/a&amp;b</a>'


def test_url_that_is_the_doi_is_not_added_again():
    assert add_links("T.", {"DOI": "10.1/X", "URL": "https://doi.org/10.1/x/"}) == (
        'T. doi:<a href="https://doi.org/10.1/X">10.1/X</a>')


def test_url_the_style_left_out_is_appended_escaped():
    assert add_links("T.", {"URL": "https://x.org/?a=1&b=2"}) == (
        'T. <a href="https://x.org/?a=1&amp;b=2">https://x.org/?a=1&amp;b=2</a>')


def test_url_the_style_printed_becomes_a_link_and_a_linked_one_is_left_alone():
    link = '<a href="https://x.org/?a=1&amp;b=2">https://x.org/?a=1&amp;b=2</a>'
    assert add_links("T. https://x.org/?a=1&amp;b=2", {"URL": "https://x.org/?a=1&b=2"}) == f"T. {link}"
    assert add_links(f"T. {link}", {"URL": "https://x.org/?a=1&b=2"}) == f"T. {link}"


def test_pmid_the_style_printed_is_linked_where_it_stands():
    pubmed = '<a href="https://pubmed.ncbi.nlm.nih.gov/123/">123</a>'
    assert add_links("T. PMID: <b>123</b>.", {"PMID": 123}) == f"T. PMID: <b>{pubmed}</b>."
    assert add_links("T. PMID 123", {"PMID": "123"}) == f"T. PMID {pubmed}"


def test_pmid_the_style_left_out_is_appended_and_a_linked_one_is_left_alone():
    pubmed = '<a href="https://pubmed.ncbi.nlm.nih.gov/123/">123</a>'
    assert add_links("T.", {"PMID": " 123 "}) == f"T. PMID: {pubmed}"
    assert add_links(f"T. {pubmed}", {"PMID": "123"}) == f"T. {pubmed}"


def test_doi_url_and_pmid_are_appended_in_that_order():
    assert add_links("T.", {"DOI": "10.1/x", "URL": "https://x.org/", "PMID": "9"}) == (
        f'T. doi:{DOI_LINK}10.1/x</a> <a href="https://x.org/">https://x.org/</a> '
        'PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/9/">9</a>')


def test_entry_without_identifiers_is_unchanged():
    assert add_links("T. <i>J</i>.", {"DOI": "", "URL": None, "PMID": ""}) == "T. <i>J</i>."


def test_preview_drops_every_link_but_keeps_its_text():
    fragment = 'A <a href="x">10.1/x</a> <A>b</A> <abbr>c</abbr>'
    assert without_links(fragment) == "A 10.1/x <A>b</A> <abbr>c</abbr>"


# -- the style, suggestions, which files are bibliographies ------------------------------------


def test_a_style_is_numeric_unless_it_says_otherwise(tmp_path):
    (tmp_path / "ad.csl").write_text('<style>\n<info><category citation-format = "author-date"/></info>')
    (tmp_path / "num.csl").write_text('<style><info><category citation-format="numeric"/></info>')
    (tmp_path / "none.csl").write_text("<style/>")
    names = ("ad.csl", "num.csl", "none.csl", "missing.csl")
    assert [style_is_numeric(str(tmp_path / n)) for n in names] == [False, True, True, True]


def test_numeric_follows_the_named_style():
    assert Bibliography(style_name="apa").numeric is False
    assert Bibliography().numeric is True


def test_suggest_prefers_the_same_key_in_another_case_then_the_nearest():
    keys = ("Feder2014", "feder2015", "albott2018")
    bibliography = Bibliography(entries={k: Entry(k, "r.bib", 1) for k in keys})
    assert bibliography.suggest("feder2014") == "Feder2014"
    assert bibliography.suggest("albot2018") == "albott2018"
    assert bibliography.suggest("zzz") is None
    assert len(bibliography) == 3 and "albott2018" in bibliography and "albott" not in bibliography


def test_without_files_nothing_is_rendered_and_format_is_a_key_error():
    bibliography = Bibliography(entries={"a": Entry("a", "r.json", 1)})
    with pytest.raises(KeyError):
        bibliography.format("a")


def test_only_yaml_with_references_is_a_bibliography(tmp_path):
    (tmp_path / "refs.yaml").write_text("\ufeffreferences:\n- id: a\n", encoding="utf-8")
    (tmp_path / "spaced.yml").write_text("title: x\nreferences :\n", encoding="utf-8")
    (tmp_path / "cards.yaml").write_text("cards:\n  references: no\n", encoding="utf-8")
    (tmp_path / "latin.yaml").write_bytes(b"references:\n- id: \xe9\n")
    assert [is_csl_yaml(str(tmp_path / n)) for n in ("refs.yaml", "spaced.yml", "cards.yaml", "latin.yaml",
                                                    "missing.yaml")] == [True, True, False, False, False]


def test_bibliography_folder_lists_its_bibliography_files_sorted(tmp_path):
    folder = tmp_path / "bib"
    folder.mkdir()
    for name in ("b.bib", "A.JSON", "c.yaml", "cards.yml", ".hidden.bib", "notes.txt", "d.YML"):
        (folder / name).write_text("references:\n" if name in ("c.yaml", "d.YML") else "x: 1\n")
    assert bibliography_files("bib", str(tmp_path)) == [
        str(folder / "A.JSON"), str(folder / "b.bib"), str(folder / "c.yaml"), str(folder / "d.YML")]


def test_bibliography_list_is_relative_to_the_base_path(tmp_path):
    assert bibliography_files(["a.bib", "sub/b.json"], "base") == ["base/a.bib", "base/sub/b.json"]
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "a.json").write_text("[]")
    assert bibliography_files(tmp_path / "bib") == [str(tmp_path / "bib" / "a.json")]  # a Path is a folder


# -- reading files: each rule of _entry_lines and _read_text, through load_bibliography ----------


def test_csl_json_as_an_object_with_items_and_a_numeric_id(tmp_path):
    text = '{"items": [\n  {"id": 12, "type": "book", "title": "T"}\n]}'
    bibliography, problems = load(tmp_path, {"o.json": text})
    assert problems == [] and list(bibliography.entries) == ["12"]


def test_csl_json_that_is_not_a_list(tmp_path):
    expected = [(1, "malformed CSL-JSON: expected a list of items")]
    assert problems_of(tmp_path, '{"a": 1}', "n.json") == expected


def test_csl_json_items_without_an_id_each_at_their_line(tmp_path):
    text = '[\n {"id": "a", "type": "book"},\n {"id": ""},\n 5\n]'
    assert problems_of(tmp_path, text, "m.json") == [
        (3, 'malformed CSL-JSON: item 2 has no "id"'), (1, 'malformed CSL-JSON: item 3 has no "id"')]


def test_a_missing_file_is_one_problem_without_a_line(tmp_path):
    _, problems = load_bibliography([str(tmp_path / "none.bib")])
    assert [p.describe() for p in problems] == [
        f"{tmp_path / 'none.bib'}: error: cannot read the bibliography file: No such file or directory"]


def test_a_file_not_in_utf8_names_the_byte_and_its_line(tmp_path):
    path = tmp_path / "latin1.bib"
    path.write_bytes("@misc{a,\n title={M\u00fcller}}\n".encode("latin-1"))
    _, problems = load_bibliography([str(path)])
    assert [(p.path, p.line, p.message) for p in problems] == [
        (str(path), 2, "the file is not UTF-8 (byte 0xfc); export it from Zotero as UTF-8")]


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    bibliography, problems = load(tmp_path, {"bom.bib": "\ufeff@misc{a, title={x}}\n"})
    assert problems == [] and list(bibliography.entries) == ["a"]


def test_csl_yaml_keys_quoted_or_not_at_their_lines(tmp_path):
    text = "references:\n- id: 'a'\n  type: book\n- type: book\n  id: \"b\" # note\n"
    bibliography, problems = load(tmp_path, {"q.yaml": text})
    assert problems == [] and {k: e.line for k, e in bibliography.entries.items()} == {"a": 2, "b": 5}


def test_a_key_twice_in_one_bib_file_in_any_case_but_not_strings_or_comments(tmp_path):
    text = "@string{dup = {x}}\n@misc{Dup, title={1}}\n@comment{dup}\n@misc{dup, title={2}}\n"
    assert problems_of(tmp_path, text, "d.bib") == [
        (4, f"citation key 'dup' is defined twice: here and at {tmp_path / 'd.bib'}:2; "
            "keep one and rename or delete the other")]


def test_a_key_twice_in_one_json_file(tmp_path):
    text = '[\n {"id": "k", "type": "book"},\n {"id": "k", "type": "report"}\n]'
    assert problems_of(tmp_path, text, "k.json") == [
        (3, f"citation key 'k' is defined twice: here and at {tmp_path / 'k.json'}:2; "
            "keep one and rename or delete the other")]


def test_the_same_pmid_with_spaces_is_the_same_work(tmp_path):
    text = "@misc{a, title={1}, pmid={ 77 }}\n@misc{b, title={2}, pmid={77}}\n"
    assert problems_of(tmp_path, text, "p.bib") == [
        (2, f"the same PMID 77 is under two keys: 'b' here and 'a' at {tmp_path / 'p.bib'}:1; "
            "keep one key and cite it everywhere")]


def test_the_bibliography_s_style_engine_and_page_render_follow_its_settings(tmp_path):
    bibliography, _ = load_bibliography([str(write_refs(tmp_path))], "apa", cache_dir=str(tmp_path / "c"))
    assert (bibliography.style.name, bibliography.style.numeric) == ("apa", False)
    assert bibliography.engine.style.endswith("/apa.csl")
    assert bibliography.engine.cache_dir == str(tmp_path / "c")
    page = bibliography.render_page(["[@b]"])
    assert page.order == ["b"] and page.citations[0].endswith(">Bee, 2001</a>)</span>")
    formatted = bibliography.formatted("b", "Bee. doi:10.1/b")
    assert (formatted.html, formatted.preview, formatted.text, formatted.key, formatted.rendered) == (
        'Bee. doi:<a href="https://doi.org/10.1/b">10.1/b</a>', "Bee. doi:10.1/b", "Bee. doi:10.1/b", "b",
        "Bee. doi:10.1/b")
    assert bibliography.formatted("nokey", "X.").item == {}


def write_refs(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text(json.dumps([
        {"id": "a", "type": "book", "title": "A", "author": [{"family": "Able"}],
         "issued": {"date-parts": [[1999]]}},
        {"id": "b", "type": "book", "title": "B", "author": [{"family": "Bee"}],
         "issued": {"date-parts": [[2001]]}, "DOI": "10.1/b"},
    ]), encoding="utf-8")
    return path


# -- what the mutation run showed unchecked (each a rule the code must keep) ---------------------


def test_a_link_the_style_printed_is_left_alone_however_its_href_is_escaped():
    # pandoc writes an apostrophe in an href as &#39;, Python's html.escape as &#x27;
    linked = '<a href="https://x.org/it&#39;s?q=&quot;a&quot;">https://x.org/it\'s?q="a"</a>'
    assert add_links(f"T. {linked}", {"URL": 'https://x.org/it\'s?q="a"'}) == f"T. {linked}"
    doi = '<a href="https://doi.org/10.1/it&#39;s">https://doi.org/10.1/it\'s</a>'
    assert add_links(f"T. {doi}", {"DOI": "10.1/it's"}) == f"T. {doi}"


def test_a_doi_or_url_with_quotes_is_one_link_escaped_in_its_href_only():
    assert add_links("T. https://doi.org/10.1/it's", {"DOI": "10.1/it's"}) == (
        'T. <a href="https://doi.org/10.1/it&#x27;s">https://doi.org/10.1/it\'s</a>')
    assert add_links("T.", {"URL": 'https://x.org/?q="a"'}) == (
        'T. <a href="https://x.org/?q=&quot;a&quot;">https://x.org/?q="a"</a>')
    assert add_links('T. https://x.org/?q="a"', {"URL": 'https://x.org/?q="a"'}) == (
        'T. <a href="https://x.org/?q=&quot;a&quot;">https://x.org/?q="a"</a>')


def test_a_doi_url_or_url_printed_twice_is_linked_where_it_first_stands():
    assert add_links("T. https://doi.org/10.1/x. https://doi.org/10.1/x", {"DOI": "10.1/x"}) == (
        f"T. {DOI_LINK}https://doi.org/10.1/x</a>. https://doi.org/10.1/x")
    assert add_links("T. https://x.org/. https://x.org/", {"URL": "https://x.org/"}) == (
        'T. <a href="https://x.org/">https://x.org/</a>. https://x.org/')


def test_a_url_that_is_the_doi_in_another_case_is_not_added():
    assert add_links("T.", {"DOI": "10.1/X", "URL": "https://doi.org/10.1/X"}) == (
        'T. doi:<a href="https://doi.org/10.1/X">10.1/X</a>')


def test_a_bibliography_without_files_runs_no_pandoc_and_names_the_missing_key(monkeypatch):
    bibliography = Bibliography(entries={"a": Entry("a", "r.json", 1)})
    monkeypatch.setattr(bibliography.engine, "_run", lambda *a, **k: pytest.fail("pandoc ran"))
    with pytest.raises(KeyError) as caught:
        bibliography.format("a")
    assert caught.value.args == ("a",)


def test_relative_bibliography_paths_start_in_the_current_folder_by_default():
    assert bibliography_files(["a.bib"]) == [os.path.join(".", "a.bib")]


def test_a_yaml_file_in_the_folder_without_references_is_left_out(tmp_path):
    (tmp_path / "cards.yaml").write_text("cards: []\n")
    (tmp_path / "refs.yaml").write_text("references: []\n")
    assert bibliography_files(str(tmp_path)) == [str(tmp_path / "refs.yaml")]


def test_lines_count_from_the_first_line_of_the_file(tmp_path):
    bibliography, problems = load(tmp_path, {"blank.yaml": "\nreferences:\n- id: a\n  type: book\n"})
    assert problems == [] and bibliography.entries["a"].line == 3


def test_csl_json_ids_each_at_their_own_line_numeric_or_escaped(tmp_path):
    text = '[\n {"id": "a"},\n {"id": "b"},\n {"type": "book",\n  "id": "c\\u00e9"},\n {"id": 12}\n]'
    bibliography, problems = load(tmp_path, {"ids.json": text})
    assert problems == []
    assert {k: e.line for k, e in bibliography.entries.items()} == {"a": 2, "b": 3, "c\u00e9": 5, "12": 6}


def test_a_key_twice_in_one_yaml_file_names_both_lines(tmp_path):
    text = "references:\n- id: k\n  type: book\n- id: k\n  type: report\n"
    assert problems_of(tmp_path, text, "k.yaml") == [
        (4, f"citation key 'k' is defined twice: here and at {tmp_path / 'k.yaml'}:2; "
            "keep one and rename or delete the other")]


def test_after_a_duplicate_key_the_file_s_other_entries_are_kept(tmp_path):
    text = '[\n {"id": "k", "type": "book"},\n {"id": "k", "type": "book"},\n {"id": "z", "type": "book"}\n]'
    bibliography, problems = load(tmp_path, {"k.json": text})
    assert len(problems) == 1 and list(bibliography.entries) == ["k", "z"]


def test_every_file_is_read_whatever_the_files_before_it(tmp_path):
    good = tmp_path / "good.json"
    good.write_text('[{"id": "g", "type": "book"}]')
    broken_json = tmp_path / "broken.json"
    broken_json.write_text("[")
    broken_yaml = tmp_path / "broken.yaml"
    broken_yaml.write_text("references:\n- id: a\n  title: x: y\n")
    dup = tmp_path / "dup.bib"
    dup.write_text("@misc{d, title={1}}\n@misc{d, title={2}}\n")
    paths = [str(tmp_path / "missing.bib"), str(broken_json), str(broken_yaml), str(dup), str(good)]
    bibliography, problems = load_bibliography(paths)
    assert sorted(bibliography.entries) == ["d", "g"]
    assert [(p.path, type(p.line)) for p in problems] == [
        (str(tmp_path / "missing.bib"), type(None)), (str(broken_json), int), (str(broken_yaml), int),
        (str(dup), int)]
    assert problems[2].message == "cannot read it: mapping values are not allowed in this context"


def test_a_comment_or_string_entry_with_a_comma_is_not_a_key(tmp_path):
    text = ("@Comment{dup, x}\n@comment{dup, y}\n@misc{dup, title={1}}\n"
            "@misc{other, title={2}}\n@misc{other, title={3}}\n")
    assert problems_of(tmp_path, text, "c.bib") == [
        (5, f"citation key 'other' is defined twice: here and at {tmp_path / 'c.bib'}:4; "
            "keep one and rename or delete the other")]


def test_the_same_doi_after_an_entry_without_one(tmp_path):
    text = "@misc{n, title={0}}\n@misc{a, title={1}, doi={10.1/x}}\n@misc{b, title={2}, doi={10.1/X}}\n"
    assert [line for line, _ in problems_of(tmp_path, text, "w.bib")] == [3]


def test_converted_files_are_cached_on_disk_by_content(tmp_path, monkeypatch):
    path = write_refs(tmp_path)
    cache = str(tmp_path / "cache")
    load_bibliography([str(path)], cache_dir=cache)
    from pelican.plugins.faq_citations.engine import PandocEngine
    monkeypatch.setattr(PandocEngine, "_run", lambda *a, **k: pytest.fail("pandoc ran"))
    again, problems = load_bibliography([str(path)], cache_dir=cache)
    assert problems == [] and sorted(again.entries) == ["a", "b"]


def test_a_key_three_times_in_one_json_file_names_each_line(tmp_path):
    text = '[\n {"id": "k", "type": "book"},\n {"id": "k", "type": "book"},\n {"id": "k", "type": "book"}\n]'
    assert [line for line, _ in problems_of(tmp_path, text, "k.json")] == [3, 4]


def test_a_broken_entry_is_withheld_and_its_file_neighbours_load(tmp_path):
    text = (
        "@article{before2019,\n  title = {Before},\n  year = {2019}\n}\n\n"
        "@article{broken2020,\n  title = {Missing a comma}\n  year = {2020}\n}\n\n"
        "@misc{after2021,\n  title = {After the break},\n  year = {2021}\n}\n"
    )
    bibliography, problems = load(tmp_path, {"refs.bib": text})
    assert [(problem.line, problem.message) for problem in problems] == [
        (7, "malformed BibTeX: missing ',' after field 'title'; add a comma at the end of its value")]
    assert problems[0].path == str(tmp_path / "refs.bib")  # the file as written, not the copy read
    assert sorted(bibliography.entries) == ["after2021", "before2019"]
    assert bibliography.entries["after2021"].line == 11  # lines as in the file
    assert bibliography.entries["after2021"].path == str(tmp_path / "refs.bib")
    assert bibliography.withheld == {"broken2020"}
    assert "After the break" in bibliography.format("after2021").text
    assert "see the bibliography mistake" in bibliography.format("broken2020").text
    with pytest.raises(KeyError):
        bibliography.format("nokey")


def test_an_unreadable_json_file_withholds_every_id_in_it(tmp_path):
    text = '[\n {"id": "ok2020", "type": "book", "title": "Fine"},\n {"id": "bad", "title": "x" "y"}\n]\n'
    bibliography, problems = load(tmp_path, {"refs.json": text})
    assert [problem.line for problem in problems] == [3]
    assert bibliography.withheld == {"ok2020", "bad"} and len(bibliography) == 0
