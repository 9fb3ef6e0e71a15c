"""Shared helpers for the test suite: build a site, read its pages, find tools.

Two ways to build: ``build()`` runs tools/build.py in a subprocess, as `make html`
does (the real site, and tools/build.py's own tests); ``build_in_process()`` builds
a fixture site in this process with ``read_settings(override=...)`` and
``Pelican(settings).run()``, as pelican-plugins/sitemap's tests do.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup
from jinja2 import BytecodeCache

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BUILD = ["-m", "tools.build"]  # run from ROOT, as the Makefile does
CONF = ROOT / "pelicanconf.py"
PUBLISHCONF = ROOT / "publishconf.py"
SITES = Path(__file__).resolve().parent / "sites"
FIXTURE_SETTINGS = SITES / "faq_citations_settings.py"  # the one fixture-site configuration
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


@dataclass
class Built:
    """An in-process build: the lines tools/build.py would print, and any exception."""

    output: Path
    stderr: str
    exception: Exception | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return sorted(line for line in self.lines if ": error: " in line or line.startswith("error: "))

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.lines if ": warning: " in line or line.startswith("warning: ")]

    @property
    def returncode(self) -> int:
        return 1 if self.exception is not None or self.errors else 0


def _fresh_pelican_state() -> None:
    """What one Pelican run leaves behind in the process and the next must not see: the
    receivers its plugins connected (Pelican connects each configured plugin again), and
    the warnings its LimitFilter has already shown once."""
    import blinker
    from pelican.log import LimitFilter
    from pelican.plugins import signals

    for value in vars(signals).values():
        if isinstance(value, blinker.Signal):
            for receiver in list(value.receivers_for(blinker.ANY)):
                value.disconnect(receiver)
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


class CompiledTemplates(BytecodeCache):
    """A Jinja bytecode cache kept in memory for the life of the test process. Each Pelican
    generator makes its own Jinja environment, so without it every in-process build
    compiles the theme's templates again (most of a fixture site's build time). Jinja
    keys each template by name and file and checks the checksum of its source, so a
    changed template is compiled again: what is rendered is the same."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()

    def __deepcopy__(self, memo):  # settings may be deep-copied: keep the one cache
        return self


TEMPLATE_CACHE = CompiledTemplates()


def build_in_process(content: Path, output: Path, *, conf: Path = FIXTURE_SETTINGS, **overrides) -> Built:
    """Build ``content`` into ``output`` with ``read_settings(conf, override=...)`` and
    ``Pelican(settings).run()``; every log line is kept as tools/build.py prints it."""
    from pelican import Pelican
    from pelican.settings import read_settings

    from tools.build import OneLineHandler

    _fresh_pelican_state()
    handler = OneLineHandler(verbose=False)
    handler.content_path = str(content)
    root = logging.getLogger()
    stderr = io.StringIO()
    exception = None
    root.addHandler(handler)
    try:
        with contextlib.redirect_stderr(stderr):
            settings = read_settings(
                str(conf), override={"PATH": str(content), "OUTPUT_PATH": str(output), **overrides}
            )
            jinja = settings["JINJA_ENVIRONMENT"]
            settings["JINJA_ENVIRONMENT"] = {**jinja, "bytecode_cache": TEMPLATE_CACHE}
            Pelican(settings).run()
    except Exception as exc:  # a start-up mistake: the test asserts on it
        exception = exc
    finally:
        root.removeHandler(handler)
        _fresh_pelican_state()
    text = stderr.getvalue()
    return Built(output, text, exception, text.splitlines())


def build_fixture(scenario: str, output: Path, **overrides) -> Built:
    """Build ``tests/sites/<scenario>/content`` in-process with the shared fixture settings."""
    return build_in_process(SITES / scenario / "content", output, **overrides)


# Real-site builds the tests share: each is made once per run, under a lock, by
# whichever process needs it first. test_reproducible.py builds the same commands
# again with another hash seed and compares byte for byte.
REAL_BUILDS = {
    "site": {},
    "published": {"conf": PUBLISHCONF, "fatal": "warnings", "env": {"SITEURL": "https://example.org/guide"}},
}
HASH_SEED = "1"  # the shared builds' PYTHONHASHSEED; test_reproducible.py uses another


def shared_build(tmp_path_factory, name: str) -> tuple[Path, str]:
    """Build REAL_BUILDS[name] once per run (all xdist workers share it): (output, stderr)."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the folder every worker's basetemp lives in: one per run
    folder = base / f"shared-{name}"
    with FileLock(str(folder) + ".lock"):
        record = folder / "result.json"
        if not record.exists():
            options = dict(REAL_BUILDS[name])
            env = {**options.pop("env", {}), "PYTHONHASHSEED": HASH_SEED}
            folder.mkdir(parents=True, exist_ok=True)
            result = build(folder / "output", env=env, **options)
            record.write_text(json.dumps({"returncode": result.returncode, "stderr": result.stderr}))
        done = json.loads(record.read_text())
    if done["returncode"] != 0:
        import pytest

        pytest.fail(f"the real site does not build ({name}):\n{done['stderr']}", pytrace=False)
    return folder / "output", done["stderr"]


def copy_site(scenario: str, destination: Path) -> Path:
    """Copy tests/sites/<scenario>/content to ``destination`` and return the copy."""
    target = destination / scenario
    shutil.copytree(SITES / scenario / "content", target)
    return target


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


LOADER_SRC = re.compile(r'\.src=("[^"]*")')


def page_scripts(doc: BeautifulSoup) -> list[str]:
    """The script URLs a page loads: each ``<script src>``, then each URL the inline loader
    (plugins/inline_styles' script_loader) requests after the first paint."""
    found = [s["src"] for s in doc.select("script[src]")]
    for script in doc.select("script:not([src])"):
        if script.get("type") != "application/ld+json":
            found += [json.loads(m.group(1)) for m in LOADER_SRC.finditer(script.string or "")]
    return found


def html_pages(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.parts)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


# --- Quality gates (tests/test_browser.py, test_html.py, test_links.py, ...) -------------

VENDOR = ROOT / "tools" / "vendor"
VNU_JAR = VENDOR / "vnu.jar"
AXE_JS = VENDOR / "axe.min.js"
# axe-core: the WCAG 2.2 A/AA rule tags and the call that runs them in a page (a list of
# rule tags or rule ids; the violations, three nodes each).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """only => axe.run(document, {runOnly: only, resultTypes: ["violations"]})
    .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n =>
            n.target.join(" ") + ": " + n.failureSummary.replace(/\\s+/g, " "))})))"""
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"


def recording_page(context):
    """A new page in ``context`` that records console errors, failed requests and every request URL."""
    page = context.new_page()
    page.console_errors = []
    page.failed_requests = []
    page.requested_urls = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on("requestfailed", lambda r: page.failed_requests.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and page.failed_requests.append(
        f"{r.url} (HTTP {r.status})"))
    page.on("request", lambda r: page.requested_urls.append(r.url))
    return page


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
