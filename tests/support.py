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
BUILD = ["-m", "tools.build"]  # run from ROOT, as the Makefile does
CONF = ROOT / "pelicanconf.py"
PUBLISHCONF = ROOT / "publishconf.py"
SITES = Path(__file__).resolve().parent / "sites"
from tools.page_weight import CHROMIUM, CHROMIUM_ARGS  # noqa: E402,F401  (one copy, for tools and tests)


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
    command = [PYTHON, *BUILD, "-s", str(conf), "-o", str(output), "--fatal", fatal]
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


# --- Quality gates (tests/test_browser.py, test_html.py, test_links.py, ...) -------------

VENDOR = ROOT / "tools" / "vendor"
VNU_JAR = VENDOR / "vnu.jar"
AXE_JS = VENDOR / "axe.min.js"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"


def url_path(output: Path, page: Path) -> str:
    """The URL path a file is served at: ``a/index.html`` -> ``/a/``, ``404.html`` -> ``/404.html``."""
    relative = page.relative_to(output).as_posix()
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def page_urls(output: Path) -> list[str]:
    """Every HTML page of a built site as a root-relative URL path."""
    return [url_path(output, page) for page in html_pages(output)]


def file_for_url(output: Path, path: str) -> Path | None:
    """The file a static server returns for a URL path, or None if there is none."""
    from urllib.parse import unquote

    target = output / unquote(path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (relative path -> bytes): compare two trees byte for byte."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def need_tool(path: Path, how: str) -> Path:
    """A vendored test tool; missing is an error (``make test`` fetches it), never a skip."""
    import pytest

    if not path.is_file():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: {how}", pytrace=False)
    return path


def need_java() -> str:
    """The java binary; skip without it unless REQUIRE_BROWSER=1 (CI), where it is an error."""
    import pytest

    java = shutil.which(os.environ.get("JAVA", "java"))
    if java:
        return java
    message = ("the Nu HTML Checker needs Java: install a Java runtime (apt-get install -y "
               "default-jre-headless) or set JAVA=/path/to/java.")
    if REQUIRE_BROWSER:
        pytest.fail(message + " REQUIRE_BROWSER=1 makes this an error.", pytrace=False)
    pytest.skip(message)
    raise AssertionError("unreachable")
