"""Differential test: the plugin (its Markdown extension, end to end: what it
publishes as ``md.citations``, its errors and its HTML) against pandoc 3.9 on
the whole corpus.

One pandoc call parses every snippet (plus one to canonicalise our prefixes and
suffixes); the plugin converts each snippet with a bibliography holding every
key pandoc cites. Any disagreement not in allowlist.yaml fails, and so does an
allow-list entry that no longer differs (so the list cannot rot). A snippet
where the plugin finds fewer citations than pandoc must be an error (never
silent raw text), and no Python-Markdown placeholder may reach a page.
"""

import re
from pathlib import Path

import pandoc_oracle
import pytest
import yaml
from bs4 import BeautifulSoup

HERE = Path(__file__).resolve().parent
CORPUS = yaml.safe_load((HERE / "syntax_corpus.yaml").read_text(encoding="utf-8"))
LISTS = yaml.safe_load((HERE / "allowlist.yaml").read_text(encoding="utf-8"))
ALLOWED = LISTS["syntax"]
REPORTED = LISTS["errors"]
NAMES = list(CORPUS)


@pytest.fixture(scope="module")
def pandoc_groups():
    return pandoc_oracle.pandoc_cites([CORPUS[name]["text"] for name in NAMES])


@pytest.fixture(scope="module")
def keys(pandoc_groups):
    return {item[0] for groups in pandoc_groups for group in groups for item in group}


@pytest.fixture(scope="module")
def runs(keys, tmp_path_factory):
    texts = [CORPUS[name]["text"] for name in NAMES]
    return pandoc_oracle.plugin_run(texts, keys, tmp_path_factory.mktemp("oracle"))


@pytest.fixture(scope="module")
def both(pandoc_groups, runs):
    ours = pandoc_oracle.our_cites(runs)
    return dict(zip(NAMES, zip(pandoc_groups, ours, strict=True), strict=True))


def test_corpus_is_big_enough():
    assert len(CORPUS) >= 200
    assert sum("lines" in case for case in CORPUS.values()) >= 19


def test_pandoc_is_the_pinned_one():
    assert pandoc_oracle.pypandoc.get_pandoc_version().startswith("3.9")


def test_agreement_with_pandoc(both, capsys):
    disagree = {name: (theirs, ours.groups) for name, (theirs, ours) in both.items() if theirs != ours.groups}
    agree = len(NAMES) - len(disagree)
    with capsys.disabled():
        print(
            f"\ncitation syntax: {agree}/{len(NAMES)} snippets agree with pandoc "
            f"({100 * agree / len(NAMES):.1f} %), {len(ALLOWED)} allow-listed"
        )
    unexplained = {name: pair for name, pair in disagree.items() if name not in ALLOWED}
    assert not unexplained, "\n".join(
        f"{name}: {CORPUS[name]['text']!r}\n  pandoc {theirs}\n  ours   {ours}"
        for name, (theirs, ours) in unexplained.items()
    )
    stale = sorted(set(ALLOWED) - set(disagree))
    assert not stale, f"allow-listed but now agreeing (remove from allowlist.yaml): {stale}"


def test_every_pandoc_cite_is_found_or_reported(both, runs):
    """No raw '[@' or '@key' left silently as text where pandoc made a Cite: the
    plugin cites it too, or reports the form as an error with its line."""
    by_name = dict(zip(NAMES, runs, strict=True))
    silent = {
        name: theirs
        for name, (theirs, ours) in both.items()
        if name not in ALLOWED and len(ours.groups) < len(theirs) and not by_name[name].errors
    }
    assert not silent
    unlisted = {
        name: by_name[name].errors
        for name, (theirs, ours) in both.items()
        if name not in ALLOWED and len(ours.groups) < len(theirs)
    }
    assert not unlisted


def test_only_the_listed_forms_are_errors(runs):
    """Every snippet the plugin rejects is in allowlist.yaml's ``errors`` with a
    reason, each error is one line with a line number, and no entry is stale."""
    failing = {name: run.errors for name, run in zip(NAMES, runs, strict=True) if run.errors}
    unexpected = {name: errors for name, errors in failing.items() if name not in REPORTED}
    assert not unexpected
    assert sorted(set(REPORTED) - set(failing)) == []
    for errors in failing.values():
        assert all(line and "\n" not in message for line, message in errors), errors


def test_no_citation_syntax_is_published_as_text(runs):
    """In what the plugin publishes, no '[@key]' group is left as text."""
    raw = {}
    for name, run in zip(NAMES, runs, strict=True):
        if not run.html:
            continue
        text = BeautifulSoup(run.html, "html.parser")
        for code in text.select("code, pre"):
            code.decompose()
        shown = re.sub(r"\$[^$\n]*\$", "", text.get_text())  # math, as pandoc reads it
        left = re.findall(r"\[-?@[\w{][^\]]*\](?![(\[{])", shown)
        if left and name not in ALLOWED:
            raw[name] = left
    assert not raw


def test_no_placeholder_leaks(both):
    leaks = {name: ours.leaks for name, (_theirs, ours) in both.items() if ours.leaks}
    assert not leaks


@pytest.mark.parametrize("name", [n for n in NAMES if "lines" in CORPUS[n]])
def test_error_probe_line(both, name):
    """Each citation's line is its own, even when the same text came earlier in
    code, an escape, a link or raw HTML."""
    theirs, ours = both[name]
    assert len(ours.groups) == len(theirs)
    assert ours.lines == CORPUS[name]["lines"]


@pytest.mark.parametrize("name", [n for n in NAMES if "lines" in CORPUS[n]])
def test_error_probe_line_of_an_unknown_key(name, tmp_path):
    """The same probes with the keys unknown: each error names its own line."""
    run = pandoc_oracle.plugin_run([CORPUS[name]["text"]], {"only_this_key"}, tmp_path)[0]
    lines = sorted({line for line, message in run.errors if message.startswith("unknown citation key")})
    expected = sorted(set(CORPUS[name]["lines"]))
    bracketed = [line for line in expected if line in lines]
    assert bracketed == lines, run.errors


def _dash(text):
    return " ".join(text.split()).replace("-", "–") if text else None


def test_locators_agree_with_pandoc_citeproc(runs, tmp_path, capsys):
    """Locator and label as pandoc's citeproc splits the suffix (a probe CSL style
    prints them), one --citeproc call for the corpus.  CSL prints '-' in a
    locator as '–', so hyphens are compared as en dashes."""
    texts = [CORPUS[name]["text"] for name in NAMES]
    ours, keys = [], set()
    for run in runs:
        row = []
        for group in run.citations:
            for item in group["items"]:
                keys.add(item["key"])
                row.append((item["key"], item["label"], _dash(item["locator"])))
        ours.append(row)
    theirs = pandoc_oracle.pandoc_locators(texts, keys, tmp_path)
    allowed = yaml.safe_load((HERE / "allowlist.yaml").read_text(encoding="utf-8"))["locator"]
    differ = {n: (t, o) for n, t, o in zip(NAMES, theirs, ours, strict=True) if t != o}
    with capsys.disabled():
        agree = len(NAMES) - len(differ)
        print(f"\nlocators: {agree}/{len(NAMES)} snippets agree with pandoc's citeproc")
    unexplained = {n: pair for n, pair in differ.items() if n not in allowed}
    assert not unexplained, "\n".join(f"{n}: pandoc {t}\n  ours {o}" for n, (t, o) in unexplained.items())
    assert not sorted(set(allowed) - set(differ)), "stale locator allow-list entries"
