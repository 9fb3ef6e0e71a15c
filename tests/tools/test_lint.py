"""`make lint`'s code checks are part of `make test`: ruff over the Python the linter reads,
djlint over the templates. A lint error fails the suite, not only `make lint`."""

from __future__ import annotations

import subprocess
import sys

from support import ROOT

PYTHON_PATHS = ("plugins", "tools", "tests", "pelicanconf.py", "publishconf.py")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing():
    result = run("ruff", "check", "--no-cache", *PYTHON_PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_would_fail_on_a_lint_error(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n", encoding="utf-8")
    result = run("ruff", "check", "--no-cache", "--config", str(ROOT / "ruff.toml"), str(bad))
    assert result.returncode != 0 and "F401" in result.stdout


def test_templates_pass_djlint():
    result = run("djlint", "theme/templates", "--lint")
    assert result.returncode == 0, result.stdout + result.stderr
