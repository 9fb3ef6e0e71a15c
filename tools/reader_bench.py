"""The reader's first load, measured side by side: our theme against Pelican's own
`simple` (no CSS) and `notmyidea` themes, built from the same article in the same run.

Lighthouse is not used: this machine has no internet for its npm install, so the
figures come from Playwright and the Chrome DevTools Protocol instead, with
Lighthouse's mobile settings applied by hand: a 390x844 touch screen, 150 ms
round trip, 1.6 Mbit/s down, 750 kbit/s up, the CPU slowed 4x. For each page,
the median of RUNS cold loads (a new browser context each time):

* FCP and LCP (PerformanceObserver `paint` / `largest-contentful-paint`), in ms;
* CLS, the sum of `layout-shift` values without recent input;
* requests started before the first contentful paint (the document included);
* bytes as transferred gzipped (each requested file compressed at level 9, as a
  server's precompressed copy would be) and the number of requests.

Speed is printed, never asserted (a time is never a test). Run as
`python -m tools.reader_bench` or `python tools/reader_bench.py`.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTICLE = "what-the-research-shows"  # the heaviest article: a wide table, many citations
OUR_PAGES = {
    "home": "/", "article": f"/{ARTICLE}/", "faq": "/faq/", "sources": "/sources/",
    "search": "/search/", "get help": "/get-help-now/",
}
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6 * 1024 * 1024 / 8,
           "uploadThroughput": 750 * 1024 / 8}
CPU_SLOWDOWN = 4
RUNS = 3

OBSERVE = """() => {
  window.__lcp = 0; window.__cls = 0;
  new PerformanceObserver(l => { for (const e of l.getEntries()) window.__lcp = e.startTime; })
    .observe({type: 'largest-contentful-paint', buffered: true});
  new PerformanceObserver(l => {
    for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  })
    .observe({type: 'layout-shift', buffered: true});
}"""
COLLECT = """() => {
  const fcp = (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0;
  const early = performance.getEntriesByType('resource').filter(r => r.startTime < fcp).length + 1;
  return {fcp, lcp: window.__lcp, cls: window.__cls, early};
}"""


# Pelican's own themes paginate and know none of our extra direct templates.
PELICAN_THEME_SETTINGS = {
    "DIRECT_TEMPLATES": ["index", "categories", "tags", "archives"],
    "PAGINATED_TEMPLATES": {"index": None, "tag": None, "category": None, "author": None},
}


def build(theme: str, content: Path, output: Path, extra: dict | None = None) -> None:
    """Build ``content`` with ``theme`` through tools/build.py, as `make html` does."""
    settings = {"PATH": str(content), "THEME": theme, **(extra or {})}
    command = [sys.executable, str(ROOT / "tools" / "build.py"), "-s", str(ROOT / "pelicanconf.py"),
               "-o", str(output), "--fatal", "errors",
               "-e", *(f"{k}={json.dumps(v)}" for k, v in settings.items())]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise SystemExit(f"error: building with theme {theme!r} failed:\n{result.stderr}")


def one_article_content(folder: Path) -> Path:
    """content/ with only the benchmark article (and the pages and bibliography it links to)."""
    content = folder / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    shutil.copytree(ROOT / "content" / "bibliography", content / "bibliography")
    (content / "articles").mkdir()
    shutil.copy(ROOT / "content" / "articles" / f"{ARTICLE}.md", content / "articles")
    return content


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def file_for(site: Path, url: str) -> Path | None:
    target = site / unquote(urlsplit(url).path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def load_once(browser, base: str, site: Path, path: str) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, device_scale_factor=1.75)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        urls: list[str] = []
        page.on("request", lambda request: urls.append(request.url))
        page.add_init_script(f"({OBSERVE})()")
        page.goto(base + path, wait_until="networkidle")
        page.wait_for_timeout(300)
        figures = page.evaluate(COLLECT)
        files = [file_for(site, url) for url in dict.fromkeys(urls) if url.startswith(base)]
        figures["requests"] = len(files)
        figures["gz"] = sum(len(gzip.compress(f.read_bytes(), 9, mtime=0)) for f in files if f)
        return figures
    finally:
        context.close()


def measure(browser, site: Path, path: str, runs: int) -> dict:
    httpd, base = serve(site)
    try:
        samples = [load_once(browser, base, site, path) for _ in range(runs)]
    finally:
        httpd.shutdown()
        httpd.server_close()
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def row(label: str, m: dict) -> str:
    return (f"{label:<28} FCP {m['fcp']:6.0f} ms  LCP {m['lcp']:6.0f} ms  CLS {m['cls']:.3f}  "
            f"before render {m['early']:.0f} req  total {m['requests']:.0f} req  {m['gz'] / 1024:5.1f} KB gz")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="cold loads per page (median)")
    parser.add_argument("--before", metavar="COMMIT",
                        help="also measure our theme as it was at COMMIT (git archive of theme/)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    themes = {"ours": str(ROOT / "theme")}
    pelican_themes = Path(__import__("pelican").__file__).parent / "themes"
    themes.update({name: str(pelican_themes / name) for name in ("simple", "notmyidea")})
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
        tmp_path = Path(tmp)
        content = one_article_content(tmp_path)
        if args.before:
            archive = subprocess.run(["git", "archive", args.before, "theme"], cwd=ROOT,
                                     capture_output=True, check=True).stdout
            (tmp_path / "before").mkdir()
            subprocess.run(["tar", "-x", "-C", str(tmp_path / "before")], input=archive, check=True)
            themes = {f"ours at {args.before[:7]}": str(tmp_path / "before" / "theme"), **themes}
        outputs = {}
        for name, theme in themes.items():
            outputs[name] = tmp_path / f"out-{name.replace(' ', '-')}"
            build(theme, content, outputs[name],
                  PELICAN_THEME_SETTINGS if name in ("simple", "notmyidea") else None)
        full_site = tmp_path / "out-site"
        build(str(ROOT / "theme"), ROOT / "content", full_site)
        print(f"Reader's first load, mobile ({args.runs} cold loads each, median; "
              f"{NETWORK['latency']} ms RTT, 1.6 Mbit/s, CPU x{CPU_SLOWDOWN})")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                print(f"Same article ({ARTICLE}), three themes:")
                results = {name: measure(browser, out, f"/{ARTICLE}/", args.runs)
                           for name, out in outputs.items()}
                for name, m in results.items():
                    print("  " + row(f"{name}", m))
                base = results["simple"]["lcp"] or 1
                for name in ("ours", "notmyidea"):
                    print(f"  LCP {name} / simple: {results[name]['lcp'] / base:.2f}")
                print("Our theme, every page type (the whole site):")
                for label, path in OUR_PAGES.items():
                    print("  " + row(label, measure(browser, full_site, path, args.runs)))
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
