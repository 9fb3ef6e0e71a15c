"""The reader's first load, measured by Lighthouse: our theme beside Pelican's own
`simple` (no CSS) and `notmyidea` themes built from the same article in the same run,
then every page type of our whole site.

Lighthouse (pinned in tools/lighthouse/package-lock.json, installed with `npm ci` on
first use) runs with its default mobile settings: simulated throttling (150 ms round
trip, 1.6 Mbit/s, CPU slowed 4x) on a 412x823 touch screen, against Debian's Chromium
(CHROME_PATH) with the flags every tool here uses. Each site is served on 127.0.0.1 by
a small server that sends every file gzipped (level 9), as a host's precompressed
copies would be, so the bytes are what a reader pays. For each page, the median of
RUNS Lighthouse runs of:

* the four category scores (performance, accessibility, best practices, SEO), x100;
* FCP, LCP (ms), CLS and total blocking time (simulated);
* requests, and the bytes transferred (Lighthouse's own count);
* requests started before the first contentful paint (the document included), read
  from the observed (unthrottled) trace.

Speed is printed, never asserted (a time is never a test). Run as
`python -m tools.reader_bench` (`make bench` runs it as its "reader" section).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = ROOT / "tools" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTICLE = "side-effects-and-risks"  # the heaviest article: the longest reference list
OUR_PAGES = {
    "home": "/", "article": f"/{ARTICLE}/", "faq": "/faq/", "sources": "/sources/",
    "search": "/search/", "get help": "/get-help-now/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
RUNS = 3

# Pelican's own themes paginate and know none of our extra direct templates.
PELICAN_THEME_SETTINGS = {
    "DIRECT_TEMPLATES": ["index", "categories", "tags", "archives"],
    "PAGINATED_TEMPLATES": {"index": None, "tag": None, "category": None, "author": None},
}


def ensure_lighthouse() -> None:
    """`npm ci` the pinned Lighthouse into tools/lighthouse/node_modules once."""
    if LIGHTHOUSE.is_file():
        return
    if not shutil.which("npm"):
        raise SystemExit("error: Lighthouse needs Node.js and npm (apt-get install -y nodejs npm)")
    result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                            cwd=LIGHTHOUSE_DIR, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not LIGHTHOUSE.is_file():
        raise SystemExit(f"error: npm ci in {LIGHTHOUSE_DIR} failed:\n{result.stderr[-2000:]}")


def plain_theme_settings() -> dict:
    """Our settings for Pelican's own themes, without the link check: the pages that
    name a template of ours (the glossary's anchors, the decision aid) are plain there."""
    plugins = runpy.run_path(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    return {**PELICAN_THEME_SETTINGS, "PLUGINS": [p for p in plugins if p != "linkcheck"]}


def plain_theme_content(folder: Path) -> Path:
    """A copy of content/ for Pelican's own themes: pages that name a template of ours
    (`Template: compare-options`) fall back to the theme's page.html."""
    content = folder / "content-plain"
    shutil.copytree(ROOT / "content", content)
    for page in content.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        kept = "".join(line for line in text.splitlines(keepends=True)
                       if not line.startswith("Template:"))
        if kept != text:
            page.write_text(kept, encoding="utf-8")
    return content


def build(theme: str, content: Path, output: Path, extra: dict | None = None) -> None:
    """Build ``content`` with ``theme`` through tools/build.py, as `make html` does."""
    settings = {"PATH": str(content), "THEME": theme, **(extra or {})}
    command = [sys.executable, "-m", "tools.build", "-s", str(ROOT / "pelicanconf.py"),
               "-o", str(output), "--fatal", "errors",
               "-e", *(f"{k}={json.dumps(v)}" for k, v in settings.items())]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise SystemExit(f"error: building with theme {theme!r} failed:\n{result.stderr}")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped (level 9) when the client accepts it, over keep-alive
    HTTP/1.1, as a host sends them (each file compressed once, as a host's
    precompressed copy is, so compressing costs no time in the trace)."""

    protocol_version = "HTTP/1.1"
    compressed: dict[Path, bytes]  # one dict per server, set by serve()

    def log_message(self, *args):
        pass

    def send_head(self):
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the slash
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()
        body = self.compressed.get(path)
        if body is None:
            body = self.compressed[path] = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)
        return None


def serve(directory: Path):
    handler_class = type("SiteHandler", (GzipHandler,), {"compressed": {}})
    handler = functools.partial(handler_class, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def lighthouse_once(url: str, scratch: Path) -> dict:
    report = scratch / "lighthouse.json"
    command = ["node", str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}",
               "--quiet", "--form-factor=mobile", "--throttling-method=simulate",
               f"--only-categories={','.join(CATEGORIES)}",
               f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "CHROME_PATH": CHROMIUM})
    if result.returncode != 0 or not report.is_file():
        raise SystemExit(f"error: Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return figures(json.loads(report.read_text(encoding="utf-8")))


def figures(lhr: dict) -> dict:
    """The numbers this bench prints, from one Lighthouse JSON report."""
    audits = lhr["audits"]
    requests = audits["network-requests"]["details"]["items"]
    observed = audits["metrics"]["details"]["items"][0]
    fcp_observed = observed["observedFirstContentfulPaint"]
    out = {category: round(lhr["categories"][category]["score"] * 100) for category in CATEGORIES}
    out.update({
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "requests": len(requests),
        "bytes": sum(r.get("transferSize", 0) for r in requests),
        "early": sum(1 for r in requests if r.get("networkRequestTime", 0) < fcp_observed),
        "version": lhr["lighthouseVersion"],
    })
    return out


def measure(site: Path, path: str, runs: int, scratch: Path) -> dict:
    httpd, base = serve(site)
    try:
        samples = [lighthouse_once(base + path, scratch) for _ in range(runs)]
    finally:
        httpd.shutdown()
        httpd.server_close()
    median = {key: statistics.median(s[key] for s in samples)
              for key in samples[0] if key != "version"}
    median["version"] = samples[0]["version"]
    return median


HEADER = (f"{'':<22} {'perf/a11y/BP/SEO':>16}  {'FCP':>6}  {'LCP':>6}  {'CLS':>5}  {'TBT':>4}  "
          f"{'before FCP':>10}  {'requests':>8}  {'transferred':>11}")


def row(label: str, m: dict) -> str:
    scores = "/".join(f"{m[c]:.0f}" for c in CATEGORIES)
    return (f"{label:<22} {scores:>16}  {m['fcp']:4.0f}ms  {m['lcp']:4.0f}ms  {m['cls']:5.3f}  "
            f"{m['tbt']:2.0f}ms  {m['early']:>6.0f} req  {m['requests']:>4.0f} req  "
            f"{m['bytes'] / 1024:>8.1f} KB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="Lighthouse runs per page (median)")
    parser.add_argument("--before", metavar="COMMIT",
                        help="also measure our theme as it was at COMMIT (git archive of theme/)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"skipped: Chromium not found at {CHROMIUM} (set CHROMIUM=...)")
        return 0
    ensure_lighthouse()

    themes = {"ours": str(ROOT / "theme")}
    pelican_themes = Path(__import__("pelican").__file__).parent / "themes"
    themes.update({f"Pelican {name}": str(pelican_themes / name) for name in ("simple", "notmyidea")})
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
        tmp_path = Path(tmp)
        # The whole site (its articles link to each other); ARTICLE is the one compared.
        plain = plain_theme_content(tmp_path)
        if args.before:
            archive = subprocess.run(["git", "archive", args.before, "theme"], cwd=ROOT,
                                     capture_output=True, check=True).stdout
            (tmp_path / "before").mkdir()
            subprocess.run(["tar", "-x", "-C", str(tmp_path / "before")], input=archive, check=True)
            themes = {f"ours at {args.before[:7]}": str(tmp_path / "before" / "theme"), **themes}
        outputs = {}
        for name, theme in themes.items():
            outputs[name] = tmp_path / f"out-{len(outputs)}"
            if name.startswith("Pelican "):
                build(theme, plain, outputs[name], plain_theme_settings())
            else:
                build(theme, ROOT / "content", outputs[name])
        full_site = outputs["ours"]
        results = {name: measure(out, f"/{ARTICLE}/", args.runs, tmp_path)
                   for name, out in outputs.items()}
        version = results["ours"]["version"]
        print(f"Lighthouse {version}, mobile, simulated throttling; median of {args.runs} run(s) "
              "each; served gzipped from 127.0.0.1")
        print(f"Same article ({ARTICLE}), built with each theme:")
        print("  " + HEADER)
        for name, m in results.items():
            print("  " + row(name, m))
        floor = results["Pelican simple"]["lcp"] or 1
        print("  LCP / Pelican simple's: "
              + ", ".join(f"{name} {m['lcp'] / floor:.2f}" for name, m in results.items()
                          if name != "Pelican simple"))
        print("Our theme, every page type (the whole site):")
        print("  " + HEADER)
        for label, path in OUR_PAGES.items():
            print("  " + row(label, measure(full_site, path, args.runs, tmp_path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
