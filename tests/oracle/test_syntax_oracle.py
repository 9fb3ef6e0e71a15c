"""Differential test: our citation parser against pandoc 3.9 on the whole corpus.

One pandoc call parses every snippet (plus one to canonicalise our prefixes and
suffixes); any disagreement not in allowlist.yaml fails, and so does an
allow-list entry that no longer differs (so the list cannot rot).
"""

from pathlib import Path

import pandoc_oracle
import pytest
import yaml

HERE = Path(__file__).resolve().parent
CORPUS = yaml.safe_load((HERE / "syntax_corpus.yaml").read_text(encoding="utf-8"))
ALLOWED = yaml.safe_load((HERE / "allowlist.yaml").read_text(encoding="utf-8"))["syntax"]
NAMES = list(CORPUS)


@pytest.fixture(scope="module")
def both():
    texts = [CORPUS[name]["text"] for name in NAMES]
    theirs = pandoc_oracle.pandoc_cites(texts)
    ours = pandoc_oracle.our_cites(texts)
    return dict(zip(NAMES, zip(theirs, ours, strict=True), strict=True))


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


def _dash(text):
    return " ".join(text.split()).replace("-", "–") if text else None


def test_locators_agree_with_pandoc_citeproc(tmp_path, capsys):
    """Locator and label as pandoc's citeproc splits the suffix (a probe CSL style
    prints them), one --citeproc call for the corpus.  CSL prints '-' in a
    locator as '–', so hyphens are compared as en dashes."""
    texts = [CORPUS[name]["text"] for name in NAMES]
    ours, keys = [], set()
    for text in texts:
        row = []
        for _offset, para in pandoc_oracle.paragraphs(text):
            for group in pandoc_oracle.citation_syntax.find_citations(para):
                for item in group.items:
                    keys.add(item.key)
                    row.append((item.key, item.label, _dash(item.locator)))
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
