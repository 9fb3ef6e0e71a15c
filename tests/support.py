"""Shared helpers for the test suite: build a site, read its pages, find tools."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BUILD = ROOT / "tools" / "build.py"
CONF = ROOT / "pelicanconf.py"
PUBLISHCONF = ROOT / "publishconf.py"
SITES = Path(__file__).resolve().parent / "sites"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def build(
    output: Path,
    *,
    content: Path | None = None,
    conf: Path = CONF,
    settings: dict | None = None,
    fatal: str = "errors",
    env: dict | None = None,
) -> subprocess.CompletedProcess:
    """Run tools/build.py like `make html` does; ``settings`` are passed with one ``-e``."""
    overrides = dict(settings or {})
    if content is not None:
        overrides["PATH"] = str(content)
    command = [PYTHON, str(BUILD), "-s", str(conf), "-o", str(output), "--fatal", fatal]
    if overrides:
        command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, **(env or {})},
    )


def copy_site(scenario: str, destination: Path) -> Path:
    """Copy tests/sites/<scenario>/content to ``destination`` and return the copy."""
    target = destination / scenario
    shutil.copytree(SITES / scenario / "content", target)
    return target


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def html_pages(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.parts)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]
