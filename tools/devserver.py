"""Live-reload preview: rebuild on every change, refresh the open browser tab.
The watch loop and the server live here; the Pelican half (the selective
writer and the signal receivers) is plugins/devreload.

Serves output/ on http://127.0.0.1:8000/ and watches content/, theme/,
plugins/ and the settings. Pelican stays imported and keeps every article in
its content cache (the "generator" layer: parsed, typogrified, plugins run).

An edit to existing articles or pages is an *incremental* rebuild: every page
is regenerated in memory, but only the edited articles' own pages and the pages
that list articles (home, topics, tags, archives, feeds, FAQ, sources, sitemap)
are written; the other articles' pages cannot have changed. Anything else -- a
new or deleted file, the bibliography, a template, a plugin, the settings -- is
a full rebuild. The search index is refreshed in the background after an
incremental rebuild, so it never delays the reload.

Each page names the build that last wrote it (``<meta name="dev-build">``);
theme/static/js/devreload.js subscribes to /__reload (Server-Sent Events) with
that number and its own path, and reloads when its page is rewritten. No inline
script: the pages keep their strict Content-Security-Policy. The script is only
added when DEV_RELOAD is on, which only this server sets.

A build with mistakes prints one line per mistake, and shows them where the
writer looks: the page of a file with a mistake is served as an error page
listing every ``path:line: message`` of that file (and of any other file),
which reloads after every build and turns back into the page once the file is
fixed. Pages that list articles keep the last good version of that article
(plugins/devreload). Every other page stays as it last built. A bibliography
mistake does not stop the build (``tools.build.KEEP_GOING``): the broken entry is
left out and the pages citing it show its ``path:line`` as their own mistake.
"""

from __future__ import annotations

import argparse
import html
import http.server
import logging
import os
import pickle
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from jinja2 import FileSystemBytecodeCache  # noqa: E402
from pelican import Pelican  # noqa: E402
from pelican.plugins.faq_citations import pelican_glue  # noqa: E402
from pelican.plugins.faq_citations.errors import format_line, is_author_record  # noqa: E402
from pelican.settings import read_settings  # noqa: E402

from plugins.devreload import DevReload, plan  # noqa: E402
from plugins.search import pagefind_command, pagefind_options  # noqa: E402
from tools.build import KEEP_GOING, OneLineHandler  # noqa: E402

WATCHED = ("theme", "plugins", "pelicanconf.py")
ERROR_PAGE_CSP = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'"


ERROR_PAGE_CSS = b"""\
.devserver-error { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
.devserver-error ul { padding-left: 1.25rem; }
.devserver-error li { margin: .75rem 0; }
.devserver-error code { font-size: 1rem; line-height: 1.5; white-space: pre-wrap; overflow-wrap: anywhere; }
"""


class MistakeLog(logging.Handler):
    """Keeps the author mistakes (and any other error) of the build now running; Pelican's
    own follow-up about a file already reported is left out, as the terminal leaves it out."""

    def __init__(self, terminal: OneLineHandler):
        super().__init__(level=logging.WARNING)
        self.terminal = terminal
        self.mistakes: list[tuple[str | None, int | None, str, str]] = []  # (abs path, line, level, message)

    def emit(self, record: logging.LogRecord) -> None:
        if is_author_record(record):
            path = os.path.abspath(record.author_path) if record.author_path else None
            self.mistakes.append((path, record.author_line, record.author_level, record.author_message))
        elif record.levelno >= logging.ERROR and not self.terminal._about_a_reported_file(record):
            message = self.terminal.format_line(record).removeprefix("error: ")
            self.mistakes.append((None, None, "error", message))


def page_key(url_path: str) -> str:
    """The output file a URL path is served from: ``/a/`` -> ``a/index.html``."""
    relative = urllib.parse.unquote(url_path).lstrip("/")
    page = relative if relative.endswith(".html") else relative.rstrip("/") + "/index.html"
    return page.lstrip("/")


def error_page(own: list, others: list, generation: int) -> bytes:
    """The page shown instead of a page whose source has a mistake: every line, readable,
    the site's stylesheet, no inline script or style (a strict CSP), and the reload script."""
    def items(mistakes):
        return "\n".join(
            f"<li><code>{html.escape(format_line(path and os.path.relpath(path), line, text, level))}"
            "</code></li>" for path, line, level, text in mistakes)
    other = (f"<h2>Other files with mistakes</h2>\n<ul>{items(others)}</ul>" if others else "")
    count = len(own)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{ERROR_PAGE_CSP}">
<meta name="dev-build" content="{generation}">
<title>Build error: {count} mistake{'s' if count != 1 else ''}</title>
<link rel="stylesheet" href="/theme/css/site.css">
<link rel="stylesheet" href="/__devserver.css">
<script src="/theme/js/devreload.js" defer></script>
</head>
<body>
<main id="main" class="container devserver-error">
<h1>This page has {count} mistake{'s' if count != 1 else ''}</h1>
<p>The build could not use its source. Fix each line below and save: this page
reloads by itself after every build.</p>
<ul class="devserver-error__list">{items(own)}</ul>
{other}
</main>
</body>
</html>
""".encode()


def snapshot(content: str) -> dict[str, float]:
    stamps = {}
    for path in [content, *(os.path.join(ROOT, top) for top in WATCHED)]:
        if os.path.isfile(path):
            stamps[path] = os.stat(path).st_mtime_ns
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in files:
                full = os.path.join(folder, name)
                try:
                    stamps[full] = os.stat(full).st_mtime_ns
                except OSError:
                    pass
    return stamps


def changed_paths(before: dict, after: dict) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


class Builder:
    """Rebuilds the site in this process; the Pelican half is plugins/devreload."""

    def __init__(self, output: str, content: str, handler: OneLineHandler):
        self.output = output
        self.content = content
        self.handler = handler
        self.generation = 0
        self.changed = threading.Condition()
        self.session = DevReload()
        self._indexer: threading.Thread | None = None
        self._index_again = False
        self.log = MistakeLog(handler)
        self.mistakes: list = []  # the last build's
        self.pages_of: dict[str, set[str]] = {}  # source -> pages it has ever written
        self.citing_withheld: set[str] = set()  # sources citing an entry the bibliography left out
        self.error_pages: set[str] = set()  # pages served as an error page since their last build
        self.announced: dict[str, float] = {}  # this build: edited page -> seconds until on disk
        self.late: set[str] = set()  # announced pages whose source then had a mistake
        self.session.on_edited_page = self.announce
        self._started = 0.0

    @property
    def written(self) -> dict[str, int]:
        """Page (relative to the output) -> the build that last wrote it."""
        return self.session.written

    def templates_cache(self) -> str:
        """Jinja's compiled templates, beside Pelican's content cache (dropped with it)."""
        folder = os.path.join(self.output + ".cache", "jinja")
        os.makedirs(folder, exist_ok=True)
        return folder

    def plan(self, changed: set[str] | None) -> tuple[set[str], bool]:
        """What the next build may skip, and whether the content cache still holds."""
        return plan(self.session.sources, changed, os.path.join(ROOT, "theme"))

    def announce(self, page: str, source: str) -> None:
        """An edited article's page is on disk (incremental build): tell its tab now, not
        after the listing pages, the link check and the other finalizers. Its source was
        read, so the last build's mistakes in it are gone; any the rest of the build finds
        reload the tab again when the build ends (``late``). A source with a mistake
        found while reading waits for the end of the build and its error page."""
        if any(m[0] == source and m[2] == "error" for m in self.log.mistakes):
            return
        with self.changed:
            self.announced[page] = time.perf_counter() - self._started
            self.mistakes = [m for m in self.mistakes if m[0] != source]
            self.error_pages.discard(page)
            self.changed.notify_all()

    def build(self, changed: set[str] | None = None) -> bool:
        self.handler.errors = self.handler.warnings = 0
        self.log.mistakes = []
        self.handler.reported = set()
        self.handler.content_path = self.content  # so Pelican's "Could not process x" is matched to x
        started = self._started = time.perf_counter()
        self.announced = {}
        with self.changed:
            self.late = set()
        theme = os.path.join(ROOT, "theme")
        incremental, keep_cache = self.session.start(self.generation + 1, changed, theme)
        if not keep_cache:
            shutil.rmtree(self.output + ".cache", ignore_errors=True)
        settings = read_settings(
            os.path.join(ROOT, "pelicanconf.py"),
            override={
                **KEEP_GOING,  # a broken .bib entry: its page shows it, the rest is rebuilt
                "OUTPUT_PATH": self.output,
                "PATH": self.content,
                "DEV_RELOAD": True,
                "DEV_BUILD": self.generation + 1,
                "CACHE_CONTENT": True,
                "LOAD_CONTENT_CACHE": True,
                "CONTENT_CACHING_LAYER": "generator",
                "CACHE_PATH": self.output + ".cache",
                # Pickled as is: gzip (level 9) cost ~45 ms of CPU per rebuild on the real
                # site before a page was written, to save disk space nobody needs here.
                # The session's first build drops a cache from another session.
                "GZIP_CACHE": False,
                # After an incremental build the index is refreshed in the background.
                "SEARCH_INDEX_ON_RELOAD": not incremental,
            },
        )
        # Templates compiled once per session, not once per build (Jinja checks each
        # template's source before it uses the compiled copy).
        settings["JINJA_ENVIRONMENT"] = {
            **settings["JINJA_ENVIRONMENT"],
            "bytecode_cache": FileSystemBytecodeCache(self.templates_cache()),
        }
        # The session is a plugin object, not a name: only this server loads it.
        settings["PLUGINS"] = [*settings["PLUGINS"], self.session]
        try:
            try:
                Pelican(settings).run()
            except (EOFError, pickle.UnpicklingError):
                # A cache file cut short (e.g. by Ctrl-C during a save): drop it, build afresh.
                shutil.rmtree(settings["CACHE_PATH"], ignore_errors=True)
                self.session.write_everything()
                incremental = False
                Pelican(settings).run()
        except Exception as exc:  # keep serving; one line, no traceback
            self.handler.errors += 1
            self.log.mistakes.append((None, None, "error", f"{exc.__class__.__name__}: {exc}"))
            print(f"error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        finally:
            self.session.skip = set()
        for source, pages in self.session.sources.items():
            self.pages_of.setdefault(source, set()).update(pages)
        bibliography = pelican_glue._run.bibliography  # this build's (withheld: entries with a mistake)
        withheld = set(getattr(bibliography, "withheld", ()) or ())
        self.citing_withheld = {source for source, keys in self.session.cited.items() if keys & withheld}
        ok = not self.handler.errors
        kind = "incremental, " if incremental else ""
        ready = "".join(f"; /{page.removesuffix('index.html')} served after {seconds:.2f} s"
                        for page, seconds in self.announced.items())
        print(
            f"{'Rebuilt' if ok else 'Build has errors'} in {time.perf_counter() - started:.2f} s "
            f"({kind}{sum(1 for g in self.written.values() if g == self.generation + 1)} pages written"
            f"{ready})",
            flush=True,
        )
        with self.changed:
            self.mistakes = [m for m in self.log.mistakes if m[2] == "error"]
            # A page its tab reloaded early whose source has a mistake after all (a broken
            # link, found after writing): this build counts twice, so that tab reloads again.
            self.late = {page for page in self.announced if self.mistakes_for("/" + page)}
            self.generation += 2 if self.late else 1
            self.changed.notify_all()
        if incremental and ok:
            self.refresh_search_index(settings)
        return ok

    def refresh_search_index(self, settings) -> None:
        """Run Pagefind in the background; one run at a time, again if asked meanwhile."""
        if "search" not in settings.get("PLUGINS", []):
            return
        if self._indexer and self._indexer.is_alive():
            self._index_again = True
            return
        options = pagefind_options(settings)

        def run():
            while True:
                self._index_again = False
                subprocess.run(pagefind_command(self.output, options), capture_output=True, check=False)
                if not self._index_again:
                    return

        self._indexer = threading.Thread(target=run, daemon=True)
        self._indexer.start()

    def page_generation(self, url_path: str) -> int | None:
        """The build that last wrote the page at ``url_path`` (``/what-is-ptsd/``); an
        error page follows every build."""
        relative = urllib.parse.unquote(url_path).lstrip("/")
        for candidate in (relative, relative + "index.html", relative.rstrip("/") + "/index.html"):
            if candidate in self.error_pages or candidate in self.late:
                return self.generation
            if candidate in self.written:
                return self.written[candidate]
        return None

    def mistakes_for(self, url_path: str) -> tuple[str, list, list] | None:
        """``(page, its source's mistakes, the others)`` when the source of the page at
        ``url_path`` had a mistake in the last build; None otherwise."""
        if not self.mistakes:
            return None
        page = page_key(url_path)
        sources = {source for source, pages in self.pages_of.items() if page in pages}
        first = page.split("/")[0]
        sources |= {path for path, *_ in self.mistakes if path and not self.pages_of.get(path)
                    and os.path.splitext(os.path.basename(path))[0] in (first, first.removesuffix(".html"))}
        if sources & self.citing_withheld:
            # It cites an entry left out for a mistake in its bibliography file: that
            # file's lines are this page's too (no page is written from that file).
            sources |= {path for path, *_ in self.mistakes if path and not self.pages_of.get(path)
                        and not path.endswith((".md", ".markdown"))}
        own = [m for m in self.mistakes if m[0] in sources]
        if not own:
            return None
        return page, own, [m for m in self.mistakes if m[0] not in sources]


def make_handler(builder: Builder):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=builder.output, **kwargs)

        def log_message(self, *args):  # quiet
            pass

        def end_headers(self):
            # Rebuilds often land within the second of the last one, and
            # If-Modified-Since has one-second resolution: never answer 304.
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def send_error_page(self, body: bytes) -> None:
            self.send_response(500)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", ERROR_PAGE_CSP)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def send_head(self):
            del self.headers["If-Modified-Since"]
            return super().send_head()

        def do_GET(self):
            path, _, query = self.path.partition("?")
            if path == "/__devserver.css":
                self.send_response(200)
                self.send_header("Content-Type", "text/css; charset=utf-8")
                self.send_header("Content-Length", str(len(ERROR_PAGE_CSS)))
                self.end_headers()
                self.wfile.write(ERROR_PAGE_CSS)
                return None
            if path != "/__reload":
                with builder.changed:
                    found = builder.mistakes_for(path) if not os.path.splitext(path)[1] or \
                        path.endswith(".html") else None
                    if found:
                        builder.error_pages.add(found[0])
                        body = error_page(found[1], found[2], builder.generation)
                    else:
                        builder.error_pages.discard(page_key(path))
                if found:
                    return self.send_error_page(body)
                return super().do_GET()
            params = urllib.parse.parse_qs(query)
            since = params.get("since", [""])[0]
            page = params.get("page", [""])[0]
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()

            def written() -> int:
                # The build that last wrote this page; pages of unknown origin follow every build.
                found = builder.page_generation(page) if page else None
                return builder.generation if found is None else found

            with builder.changed:
                seen = int(since) if since.isdigit() else written()
            try:
                self.wfile.write(b"retry: 500\n\n")
                self.wfile.flush()
                while True:
                    with builder.changed:
                        builder.changed.wait_for(lambda seen=seen: written() > seen, timeout=15)
                        current = written()
                    message = b"data: reload\n\n" if current > seen else b": ping\n\n"
                    seen = max(seen, current)
                    self.wfile.write(message)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--output", default=os.path.join(ROOT, "output"))
    parser.add_argument("--content", default=os.path.join(ROOT, "content"))
    parser.add_argument("--poll", action="store_true",
                        help="check the files' time stamps every --interval instead of file events")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between checks (--poll)")
    args = parser.parse_args(argv)

    handler = OneLineHandler(verbose=False)
    os.makedirs(args.output, exist_ok=True)
    builder = Builder(os.path.abspath(args.output), os.path.abspath(args.content), handler)
    logging.getLogger().handlers[:] = [handler, builder.log]
    logging.getLogger().setLevel(logging.WARNING)
    builder.build()
    # The files as built, taken before "Serving on" is printed: an edit saved the moment the
    # server is up (before the loop's first look) is a change, not part of the baseline.
    before = snapshot(builder.content)
    server = http.server.ThreadingHTTPServer((args.bind, args.port), make_handler(builder))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Serving on http://{args.bind}:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)

    try:
        for _ in (polled(builder.content, args.interval, before) if args.poll else
                  watched(builder.content, args.interval)):
            now = snapshot(builder.content)
            if now == before:
                continue  # e.g. an editor's temporary file, already gone
            changed = changed_paths(before, now)
            before = now
            builder.build(changed)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def watched(content: str, interval: float):
    """Yields soon after the watched files change: the operating system's file events
    (watchfiles, which Pelican's own --autoreload uses), once the files have been quiet for
    50 ms (an editor may write in steps), and at least every second, so that a change the
    events miss (a settings file replaced by a rename) is seen by the snapshot."""
    import watchfiles

    paths = [path for path in (content, *(os.path.join(ROOT, top) for top in WATCHED))
             if os.path.exists(path)]
    try:
        for _changes in watchfiles.watch(*paths, step=50, rust_timeout=1000, yield_on_timeout=True):
            yield
    except (OSError, RuntimeError) as exc:  # no file events here (e.g. the watch limit)
        print(f"warning: file events unavailable ({exc}); checking every {interval} s", flush=True)
        yield from polled(content, interval)


def polled(content: str, interval: float, before: dict | None = None):
    """Yields once the watched files changed (from ``before``) and then stayed unchanged
    for ``interval``."""
    before = snapshot(content) if before is None else before
    while True:
        time.sleep(interval)
        now = snapshot(content)
        if now == before:
            continue
        while True:  # wait until the files stop changing (an editor may write in steps)
            time.sleep(interval)
            settled = snapshot(content)
            if settled == now:
                break
            now = settled
        before = now
        yield


if __name__ == "__main__":
    sys.exit(main())
