"""Differential test: our citation parser against pandoc 3.9 on the whole corpus.

One pandoc call parses every snippet (plus one to canonicalise our prefixes and
suffixes); any disagreement not in allowlist.yaml fails, and so does an
allow-list entry that no longer differs (so the list cannot rot).
"""

from pathlib import Path

import pytest
import yaml

import pandoc_oracle

HERE = Path(__file__).resolve().parent
CORPUS = yaml.safe_load((HERE / "syntax_corpus.yaml").read_text(encoding="utf-8"))
ALLOWED = yaml.safe_load((HERE / "allowlist.yaml").read_text(encoding="utf-8"))["syntax"]
NAMES = list(CORPUS)


@pytest.fixture(scope="module")
def both():
    texts = [CORPUS[name]["text"] for name in NAMES]
    theirs = pandoc_oracle.pandoc_cites(texts)
    ours = pandoc_oracle.our_cites(texts)
    return dict(zip(NAMES, zip(theirs, ours)))


def test_corpus_is_big_enough():
    assert len(CORPUS) >= 200
    assert sum("lines" in case for case in CORPUS.values()) >= 19


def test_pandoc_is_the_pinned_one():
    assert pandoc_oracle.pypandoc.get_pandoc_version().startswith("3.9")


def test_agreement_with_pandoc(both, capsys):
    disagree = {name: (theirs, ours.groups) for name, (theirs, ours) in both.items() if theirs != ours.groups}
    agree = len(NAMES) - len(disagree)
    with capsys.disabled():
        print(f"\ncitation syntax: {agree}/{len(NAMES)} snippets agree with pandoc "
              f"({100 * agree / len(NAMES):.1f} %), {len(ALLOWED)} allow-listed")
    unexplained = {name: pair for name, pair in disagree.items() if name not in ALLOWED}
    assert not unexplained, "\n".join(
        f"{name}: {CORPUS[name]['text']!r}\n  pandoc {theirs}\n  ours   {ours}"
        for name, (theirs, ours) in unexplained.items()
    )
    stale = sorted(set(ALLOWED) - set(disagree))
    assert not stale, f"allow-listed but now agreeing (remove from allowlist.yaml): {stale}"


def test_every_pandoc_cite_is_found(both):
    """No raw '[@' or '@key' left as text where pandoc made a Cite (outside the allow-list)."""
    missed = {
        name: theirs
        for name, (theirs, ours) in both.items()
        if name not in ALLOWED and len(ours.groups) < len(theirs)
    }
    assert not missed


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
