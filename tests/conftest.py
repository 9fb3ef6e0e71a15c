"""Fixtures: the real site built once per run, a local server, a real browser.

Layers (one marker each, given by the folder a test lives in; ``-m unit`` runs the
fast ones): tests/unit (the extension and other code alone), tests/sites (plugins
on small fixture sites built in-process), tests/site (the real site), tests/browser,
tests/content (the writing itself), tests/tools (the command-line tools), and
tests/oracle (pandoc as the reference). A test that opens a browser page is also
marked ``browser`` wherever it lives.

Under pytest-xdist (``make test`` runs two workers) the real site is still built
once per run: the first worker to need it builds it under a file lock in the run's
shared temporary folder, and the others reuse that output.

Browser tests need Debian's Chromium (/usr/bin/chromium, or $CHROMIUM). Without
it they skip with one line saying how to enable them; with REQUIRE_BROWSER=1
(as .ci/run sets) a missing browser fails the run instead.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import settings

from support import CHROMIUM, CHROMIUM_ARGS, REQUIRE_BROWSER, recording_page, shared_build

LAYERS = ("unit", "sites", "site", "browser", "content", "tools", "oracle")
BROWSER_FIXTURES = {"browser", "page", "open_page"}

# Hypothesis explores new random examples on every local run; CI (.ci/run sets
# HYPOTHESIS_PROFILE=ci) replays a fixed, derandomized set, so a red CI is always
# reproducible. A failure found locally becomes a named regression test.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# Scheduling under pytest-xdist (`make test`: --dist loadgroup --no-loadscope-reorder).
# Work is handed out in collection order, one unit at a time to whichever worker is free;
# so the layers whose tests are long go first and the many short unit tests fill the end,
# and the two workers finish together. A unit is one test, except that the tests of a file
# that defines a module- or class-scoped fixture (a fixture site, one vnu run, a fresh
# virtualenv) are one unit, so that fixture is made once. (xdist's own loadgroup reads
# xdist_group marks by rewriting item._nodeid, which this pytest no longer reads; so the
# scheduler below makes the units itself.)
SCHEDULE = ("tools", "browser", "site", "sites", "oracle", "content", "unit")
# the longest units of all, handed out first
LONGEST = ("tools/test_bench.py", "sites/test_pelican_themes.py", "browser/test_tour.py")
SHARED_FIXTURE_RE = re.compile(r"""scope\s*=\s*["'](?:module|class|package)["']""")


@functools.cache
def _shares_a_fixture(path: str) -> bool:
    """Whether the test file at ``path`` (relative to the root) defines a shared fixture."""
    file = Path(__file__).parent.parent / path
    return file.is_file() and bool(SHARED_FIXTURE_RE.search(file.read_text(encoding="utf-8")))


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneTestOrOneFile(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if _shares_a_fixture(path) else nodeid

    return OneTestOrOneFile(config, log)


def pytest_collection_modifyitems(config, items):
    """Each test gets its layer's marker from its folder, and ``browser`` if it opens a page;
    the tests are ordered and grouped for the two xdist workers (see SCHEDULE)."""
    tests = Path(__file__).parent
    layers = {}
    for item in items:
        path = Path(item.fspath).relative_to(tests)
        layer = path.parts[0]
        layers[item] = (layer, path.as_posix())
        if layer in LAYERS:
            item.add_marker(getattr(pytest.mark, layer))
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: _turn(*layers[item]))


def _turn(layer: str, path: str) -> tuple[int, int]:
    if path in LONGEST:
        return (0, LONGEST.index(path))
    return (1, SCHEDULE.index(layer) if layer in SCHEDULE else len(SCHEDULE))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site (content/ with pelicanconf.py), built once per run."""
    return shared_build(tmp_path_factory, "site")[0]


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> Path:
    """The real site built as `make publish` builds it (publishconf.py, fatal warnings)."""
    return shared_build(tmp_path_factory, "published")[0]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site):
    """Serves the built site on 127.0.0.1 (a free port); stopped at the end of the run."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _browser_missing_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM}"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing_reason()
    if reason:
        message = (f"browser tests need Chromium: {reason}. Install it "
                   "(apt-get install -y chromium) or set CHROMIUM=/path/to/chromium.")
        if REQUIRE_BROWSER:
            pytest.fail(message + " REQUIRE_BROWSER=1 makes this an error.", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors, failed requests and every request URL."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield recording_page(context)
    context.close()


@pytest.fixture
def open_page(browser):
    """Factory: ``open_page(color_scheme="dark", viewport=...)`` gives a recording page in a
    new browser context with those options; every context is closed after the test."""
    contexts = []

    def factory(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        contexts.append(context)
        return recording_page(context)

    yield factory
    for context in contexts:
        context.close()
