"""The README's writer's guide is true on a fresh clone: no path outside the repository,
and the output it shows for `make sources` and `make check` is what they print."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def shown_runs():
    """Every fenced block that starts with ``$ make ...``: (command, the lines shown)."""
    for block in re.findall(r"^```\n(\$ make [^\n]+)\n(.*?)^```", README, re.M | re.S):
        yield block[0][2:], block[1].rstrip("\n").splitlines()


def test_no_path_outside_the_repository():
    assert "../shared" not in README
    for target in re.findall(r"\]\(([^)#]+)", README):
        if not target.startswith(("http://", "https://", "mailto:")):
            assert not target.startswith(("..", "/")), target


def test_shown_output_of_make_sources_and_make_check_is_real():
    runs = dict(shown_runs())
    chosen = [c for c in runs if c.startswith(("make sources", "make check"))]
    assert len(chosen) == 2, list(runs)
    for command in chosen:
        # The day the README was written: the review status shown does not drift with the date.
        result = subprocess.run(["make", "--no-print-directory", *shlex.split(command)[1:]], cwd=ROOT,
                                capture_output=True, text=True, timeout=120,
                                env={**os.environ, "EDITORIAL_TODAY": "2026-12-01"})
        assert result.stdout.splitlines() == runs[command], (command, result.stdout)


def test_the_newpost_line_shown_is_what_it_prints(tmp_path):
    shown = dict(shown_runs())['make newpost TITLE="Ketamine and sleep"']
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from tools import newpost; "
         "sys.exit(newpost.main(sys.argv[1:], articles='content/articles'))", "Ketamine", "and", "sleep"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == shown
