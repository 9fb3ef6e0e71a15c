"""Live-reload preview: rebuild on every change, refresh the open browser tab.

Serves output/ on http://127.0.0.1:8000/ and watches content/, theme/,
plugins/ and the settings. A change rebuilds in this process (Pelican stays
imported and reads unchanged articles from its content cache), then every open
page reloads itself through a Server-Sent Events stream at /__reload, opened
by theme/static/js/devreload.js. No inline script, so the pages keep their
strict Content-Security-Policy; the script is only added when DEV_RELOAD is on,
which only this server sets. A build with mistakes prints one line per mistake
and keeps serving the last good pages.
"""

from __future__ import annotations

import argparse
import http.server
import logging
import os
import pickle
import shutil
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tools"))

from build import OneLineHandler  # noqa: E402
from pelican import Pelican  # noqa: E402
from pelican.settings import read_settings  # noqa: E402

WATCHED = ("theme", "plugins", "pelicanconf.py")


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


class Builder:
    def __init__(self, output: str, content: str, handler: OneLineHandler):
        self.output = output
        self.content = content
        self.handler = handler
        self.generation = 0
        self.changed = threading.Condition()

    def build(self) -> bool:
        self.handler.errors = self.handler.warnings = 0
        started = time.perf_counter()
        settings = read_settings(
            os.path.join(ROOT, "pelicanconf.py"),
            override={
                "OUTPUT_PATH": self.output,
                "PATH": self.content,
                "DEV_RELOAD": True,
                # Pages carry the number of the build that wrote them, so a page that
                # subscribes late still learns it is out of date.
                "DEV_BUILD": self.generation + 1,
                "CACHE_CONTENT": True,
                "LOAD_CONTENT_CACHE": True,
                "CACHE_PATH": os.path.join(self.output + ".cache"),
            },
        )
        try:
            try:
                Pelican(settings).run()
            except (EOFError, pickle.UnpicklingError):
                # A cache file cut short (e.g. by Ctrl-C during a save): drop it, build afresh.
                shutil.rmtree(settings["CACHE_PATH"], ignore_errors=True)
                Pelican(settings).run()
        except Exception as exc:  # keep serving; one line, no traceback
            self.handler.errors += 1
            print(f"error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        ok = not self.handler.errors
        print(
            f"{'Rebuilt' if ok else 'Build has errors'} in {time.perf_counter() - started:.2f} s",
            flush=True,
        )
        with self.changed:
            self.generation += 1
            self.changed.notify_all()
        return ok


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

        def send_head(self):
            del self.headers["If-Modified-Since"]
            return super().send_head()

        def do_GET(self):
            path, _, query = self.path.partition("?")
            if path != "/__reload":
                return super().do_GET()
            since = urllib.parse.parse_qs(query).get("since", [""])[0]
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            with builder.changed:
                seen = int(since) if since.isdigit() else builder.generation
            try:
                self.wfile.write(b"retry: 500\n\n")
                self.wfile.flush()
                while True:
                    with builder.changed:
                        builder.changed.wait_for(lambda seen=seen: builder.generation != seen, timeout=15)
                        current = builder.generation
                    message = b"data: reload\n\n" if current != seen else b": ping\n\n"
                    seen = current
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
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between checks")
    args = parser.parse_args(argv)

    handler = OneLineHandler(verbose=False)
    logging.getLogger().handlers[:] = [handler]
    logging.getLogger().setLevel(logging.WARNING)

    os.makedirs(args.output, exist_ok=True)
    builder = Builder(os.path.abspath(args.output), os.path.abspath(args.content), handler)
    builder.build()
    server = http.server.ThreadingHTTPServer((args.bind, args.port), make_handler(builder))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Serving on http://{args.bind}:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)

    before = snapshot(builder.content)
    try:
        while True:
            time.sleep(args.interval)
            now = snapshot(builder.content)
            if now == before:
                continue
            # Wait until the files stop changing (an editor may write in steps).
            while True:
                time.sleep(args.interval)
                settled = snapshot(builder.content)
                if settled == now:
                    break
                now = settled
            before = now
            builder.build()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
