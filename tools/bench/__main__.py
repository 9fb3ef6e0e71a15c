"""`make bench`: page weight of the real site, and build speed on a synthetic site.

Why: issue 6 sets budgets for readers (page weight) and for writers and CI
(build time, rebuild after one edit, devserver latency, memory). Sizes are
asserted by tests/test_page_weight.py; times are only ever *reported* here,
as ratios against baselines measured in the same session, never asserted.

What it prints:

1. Page weight of the home page and every article of the real site (gzipped,
   measured in Chromium; see tools/page_weight.py).
2. For a deterministic synthetic site of N articles (~1,250 words, six
   citations from content/bibliography/references.bib, a four-question
   ``::: faq`` block), the median of ``--runs`` builds, each in a subprocess:
   - ``full``: our build (pelicanconf.py as is);
   - ``no-plugin``: the same settings minus faq_citations, on the same articles
     with the FAQ and citation syntax stripped (the plugin's cost as a ratio);
   - ``markdown``: Python-Markdown alone converting the stripped files (the floor);
   - rebuild after editing one article with Pelican's content cache, reader
     and generator caching layers, as a share of ``full``; and whether the
     cached rebuild's output equals a clean build of the edited content.
   Peak memory is the child's ``ru_maxrss`` (from ``os.wait4``).
   At the ``--cost-sizes`` (default N = 1000; default ``--sizes`` is 100) only ``full``
   and ``no-plugin`` are timed: the plugin's cost, at a size where every figure would
   make the run too long.
3. The reader's first load by Lighthouse (tools/reader_bench.py): our theme beside
   Pelican's simple and notmyidea themes on the same article, then every page type.
4. ``make devserver`` latency: tools/devserver.py on a free port over a temp
   copy of content/, the time from saving an edit to one article until the
   server returns the page with the edit.

Usage: ``make bench`` or ``.venv/bin/python -m tools.bench [--quick] [--sizes 100,1000]
[--cost-sizes 1000] [--runs 3] [--skip weight,reader,devserver] [--profile N]``.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import http.server
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CONF = ROOT / "pelicanconf.py"
BIBLIOGRAPHY = ROOT / "content" / "bibliography" / "references.bib"
# "Today" is pinned for the whole run (the synthetic articles were reviewed 2026-11-01);
# it is the real date, since the real site's Last_reviewed may not lie in the future.
ENV = {**os.environ, "EDITORIAL_TODAY": time.strftime("%Y-%m-%d"), "PYTHONHASHSEED": "0"}



# --- Synthetic site --------------------------------------------------------------------

WORDS = [
    "people", "therapy", "trauma", "memory", "sleep", "doctor", "clinic", "dose", "effect", "study",
    "trial", "result", "symptom", "stress", "fear", "body", "mind", "week", "month", "year", "risk",
    "benefit", "care", "plan", "family", "support", "safety", "question", "answer", "evidence",
    "review", "guideline", "medicine", "treatment", "infusion", "session", "change", "feeling", "mood",
    "help", "talk", "time", "place", "start", "end", "small", "large", "good", "hard", "clear",
    "simple", "common", "rare", "early", "late", "often", "always", "never", "some", "many", "most",
    "few", "other", "same", "new", "old", "first", "last", "next", "long", "short", "high", "low",
    "safe", "careful",
]
VERBS = ["can", "may", "will", "should", "often", "shows", "finds", "helps", "means", "needs", "gives",
         "takes", "makes"]
TOPICS = ["Understanding PTSD", "Treatment options", "Ketamine basics", "Research evidence",
          "Safety", "Practical guide", "Living with PTSD"]


def bib_keys() -> list[str]:
    return re.findall(r"^@\w+\{([^,\s]+),", BIBLIOGRAPHY.read_text(encoding="utf-8"), re.MULTILINE)


def sentence(rng: random.Random, words: int) -> str:
    picked = [rng.choice(WORDS) for _ in range(words)]
    picked.insert(min(2, words - 1), rng.choice(VERBS))
    return " ".join(picked).capitalize() + "."


def paragraph(rng: random.Random, cite: str | None = None) -> str:
    sentences = [sentence(rng, rng.randint(9, 14)) for _ in range(6)]
    if cite:
        sentences[2] = sentences[2][:-1] + f" [@{cite}]."
    return " ".join(sentences)


def article_text(index: int, keys: list[str]) -> str:
    """One article of ~1,250 words: six sections citing one key each, then a four-question FAQ."""
    rng = random.Random(index)
    cited = rng.sample(keys, 6)
    topic = TOPICS[index % len(TOPICS)]
    lines = [
        f"Title: Synthetic article {index:04d} about {rng.choice(WORDS)}",
        f"Date: 2026-{1 + index % 10:02d}-{1 + index % 27:02d}",
        f"Category: {topic}",
        f"Tags: {rng.choice(WORDS)}, {rng.choice(WORDS)}",
        f"Summary: {sentence(rng, 12)}",
        "Author: Editorial team",
        "Reviewer: Editorial team",
        "Last_reviewed: 2026-11-01",
        "",
    ]
    for section, key in enumerate(cited):
        lines += [f"## Section {section + 1}: {sentence(rng, 4)[:-1]}", ""]
        lines += [paragraph(rng, key), "", paragraph(rng), ""]
        if section % 2 == 0:
            lines += [f"- {sentence(rng, 8)}" for _ in range(3)] + [""]
    lines += ["::: faq", ""]
    for question in range(4):
        lines += [f"### Question {question + 1}: {sentence(rng, 6)[:-1]}?",
                  f"{sentence(rng, 12)} {sentence(rng, 10)[:-1]} [@{cited[question]}].", ""]
    lines += [":::", ""]
    return "\n".join(lines)


def strip_plugin_syntax(text: str) -> str:
    """The same article for plain Pelican: no ``[@key]``, no ``:::`` fences
    (with the plugin's own patterns)."""
    from pelican.plugins.faq_citations.citations import CITATION_RE
    from pelican.plugins.faq_citations.faq import FENCE_RE

    kept = [line for line in text.splitlines() if not FENCE_RE.match(line)]
    return re.sub(r" ?" + CITATION_RE, "", "\n".join(kept)) + "\n"


def generate(root: Path, n: int) -> tuple[Path, Path]:
    """Two content folders for ``n`` articles: ``full`` (our syntax) and ``stripped``."""
    keys = bib_keys()
    full, stripped = root / "full", root / "stripped"
    for content in (full, stripped):
        (content / "articles").mkdir(parents=True)
        (content / "pages").mkdir()
        (content / "bibliography").mkdir()
        shutil.copy(BIBLIOGRAPHY, content / "bibliography" / BIBLIOGRAPHY.name)
    for index in range(n):
        text = article_text(index, keys)
        name = f"synthetic-{index:04d}.md"
        (full / "articles" / name).write_text(text, encoding="utf-8")
        (stripped / "articles" / name).write_text(strip_plugin_syntax(text), encoding="utf-8")
    return full, stripped


# --- Running things and measuring them -------------------------------------------------

@dataclass
class Run:
    seconds: float
    max_rss_kb: int
    stdout: str
    stderr: str
    returncode: int
    cpu_seconds: float = 0.0  # user + system, the child and the programs it waited for


GNU_TIME = "/usr/bin/time"


def run(command: list[str], cwd: Path = ROOT) -> Run:
    """Run ``command``; wall time and the child's peak resident memory.

    On Linux a child's ``ru_maxrss`` starts at its parent's resident size (fork
    copies the high-water mark), so this ~60 MB process would inflate every
    figure: GNU time, a small C program, starts the command and reports its
    peak (``%M``) when present; otherwise ``os.wait4`` (an upper bound).
    """
    with tempfile.TemporaryDirectory(prefix="bench-run-") as scratch:
        memory = Path(scratch) / "maxrss"
        wrapped = ([GNU_TIME, "-q", "-f", "%M", "-o", str(memory), *command]
                   if os.access(GNU_TIME, os.X_OK) else command)
        with open(Path(scratch) / "out", "w+b") as out, open(Path(scratch) / "err", "w+b") as err:
            started = time.perf_counter()
            process = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=err, env=ENV)
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            peak = usage.ru_maxrss
            if memory.is_file() and memory.read_text().strip().isdigit():
                peak = int(memory.read_text().strip())
            return Run(seconds, peak, out.read().decode(), err.read().decode(),
                       process.returncode, usage.ru_utime + usage.ru_stime)


EXTRA_SETTINGS: dict = {}  # from --plugin-paths: applies to every build


def build_command(content: Path, output: Path, **settings) -> list[str]:
    overrides = {"PATH": str(content), **EXTRA_SETTINGS, **settings}
    return [PYTHON, "-m", "tools.build", "-s", str(CONF), "-o", str(output), "--fatal", "errors",
            "-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]


class BuildFailed(Exception):
    pass


def checked(result: Run, what: str) -> Run:
    if result.returncode != 0:
        errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
        raise BuildFailed(f"{what} failed: {' | '.join(errors[:3]) or result.stderr[-500:]}")
    return result


def site_settings() -> dict:
    from pelican.settings import read_settings

    return read_settings(str(CONF))


MARKDOWN_FLOOR = [PYTHON, "-m", "tools.bench.markdown_floor"]  # run from ROOT



CPU: dict[str, float] = {}  # the last interleaved() call's median CPU seconds per command
CPU_RUNS: dict[str, list[float]] = {}  # and every run's, in the order they ran


def interleaved(commands: dict, runs: int) -> dict[str, tuple[float, int]]:
    """Median seconds and peak memory (KB) per command; the commands take turns, so
    a slow moment on a shared machine does not fall on one of them only. Their median
    CPU seconds are left in ``CPU`` (a fairer ratio when the machine is busy)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    peaks = dict.fromkeys(commands, 0)
    for _ in range(runs):
        for name, make_command in commands.items():
            with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
                result = checked(run(make_command(Path(scratch))), name)
            times[name].append(result.seconds)
            cpu[name].append(result.cpu_seconds)
            peaks[name] = max(peaks[name], result.max_rss_kb)
    CPU.clear()
    CPU.update({name: statistics.median(cpu[name]) for name in commands})
    CPU_RUNS.clear()
    CPU_RUNS.update(cpu)
    return {name: (statistics.median(times[name]), peaks[name]) for name in commands}


def cpu_cost() -> str:
    """The plugin cost in CPU seconds, from the last interleaved() call: the ratio of the
    medians, then the spread of the ratios of the runs taken side by side."""
    if not CPU.get("plain"):
        return ""
    text = f"; in CPU {CPU['ours']:.1f} s / {CPU['plain']:.1f} s = {CPU['ours'] / CPU['plain']:.2f}x"
    pairs = zip(CPU_RUNS.get("ours", []), CPU_RUNS.get("plain", []), strict=True)
    ratios = [ours / plain for ours, plain in pairs if plain]
    if ratios:
        text += (f" (run by run: median {statistics.median(ratios):.2f}x, "
                 f"{min(ratios):.2f}-{max(ratios):.2f}x over {len(ratios)} runs)")
    return text


def median_run(make_command, runs: int, what: str) -> tuple[float, int]:
    """Median seconds and peak memory (KB) over ``runs`` fresh runs."""
    times, peak = [], 0
    for attempt in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
            result = checked(run(make_command(Path(scratch), attempt)), what)
        times.append(result.seconds)
        peak = max(peak, result.max_rss_kb)
    return statistics.median(times), peak


def pagefind_command(site: Path) -> list[str]:
    """The search plugin's own Pagefind command, over an already built site."""
    from plugins.search import pagefind_command as command
    from plugins.search import pagefind_options

    return command(str(site), pagefind_options({"DEFAULT_LANG": "en"}))


def html_tree(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in sorted(output.rglob("*.html")) if "pagefind" not in p.parts}


def incremental(full: Path, layer: str, runs: int, plugins: list[str]) -> dict:
    """Cold cached build, edit one article, rebuild: times, and is the output right?

    Raises BuildFailed if a cached build fails (for example on an unreadable cache).
    """
    rebuilds, cold = [], []
    differing: list[str] = []
    for attempt in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-cache-") as scratch:
            scratch = Path(scratch)
            content = scratch / "content"
            shutil.copytree(full, content)
            cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True,
                     "CONTENT_CACHING_LAYER": layer, "CACHE_PATH": str(scratch / "cache"),
                     "PLUGINS": plugins}
            cold.append(checked(run(build_command(content, scratch / "out", **cache)),
                                f"cold {layer} build").seconds)
            article = sorted((content / "articles").glob("*.md"))[attempt]
            with article.open("a", encoding="utf-8") as handle:
                handle.write(f"\nAn edited sentence number {attempt} for the benchmark.\n")
            rebuilds.append(checked(run(build_command(content, scratch / "out", **cache)),
                                    f"{layer} rebuild").seconds)
            if attempt == 0:
                checked(run(build_command(content, scratch / "clean", PLUGINS=plugins)),
                        "clean build")
                cached, clean = html_tree(scratch / "out"), html_tree(scratch / "clean")
                differing = sorted(k for k in cached.keys() | clean.keys()
                                   if cached.get(k) != clean.get(k))
    return {"cold": statistics.median(cold), "rebuild": statistics.median(rebuilds),
            "differing": differing}


# --- Sections --------------------------------------------------------------------------

def page_weight_section() -> None:
    print("\n## Page weight of the real site (gzip -9; images aside)\n")
    from tools.page_weight import BUDGET, file_for, measure_site, parts

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        print(f"skipped: Chromium not found at {chromium} (set CHROMIUM=...)")
        return
    from playwright.sync_api import sync_playwright

    from tools.page_weight import CHROMIUM_ARGS

    with tempfile.TemporaryDirectory(prefix="bench-site-") as scratch:
        site = Path(scratch) / "output"
        checked(run(build_command(ROOT / "content", site)), "building the real site")

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    weights = measure_site(browser, f"http://127.0.0.1:{httpd.server_address[1]}",
                                           site)
                    heaviest = max(weights, key=lambda w: w.total_gz)
                    worst_parts = parts(file_for(site, "http://x" + heaviest.path)
                                        .read_text(encoding="utf-8"))
                finally:
                    browser.close()
        finally:
            httpd.shutdown()
            httpd.server_close()
    print(f"budget: {BUDGET['total_gz'] // 1024} KB, {BUDGET['requests']} requests, "
          f"CSS {BUDGET['css_gz'] // 1024} KB, article JS {BUDGET['article_script_gz'] // 1024} KB, "
          "no render-blocking request\n")
    for weight in weights:
        problems = weight.over_budget()
        print(f"{weight.row()}  {'OVER: ' + '; '.join(problems) if problems else 'ok'}")
    worst = max(weights, key=lambda w: w.total_gz)
    print(f"\nheaviest: {worst.path} {worst.total_gz / 1024:.1f} KB; "
          f"{sum(bool(w.over_budget()) for w in weights)} of {len(weights)} pages over budget")
    print(f"\nwhat {worst.path} is made of (B gzipped: what the page loses without each part)")
    for name, size in worst_parts:
        print(f"  {name:<36} {size:6,d}")


def plugin_cost_section(sizes: list[int], runs: int) -> None:
    """The plugin's cost alone (ours against the same settings minus faq_citations) at sizes
    too large to time every other figure at in a default run."""
    plugins = list(site_settings()["PLUGINS"])
    without = [p for p in plugins if p.rsplit(".", 1)[-1] != "faq_citations"]
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-cost-{n}-") as scratch:
            full, stripped = generate(Path(scratch), n)
            started = time.perf_counter()
            medians = interleaved({
                "ours": lambda tmp, f=full: build_command(f, tmp / "out"),
                "plain": lambda tmp, st=stripped: build_command(st, tmp / "out", PLUGINS=without),
            }, runs)
            (ours, ours_rss), (plain, plain_rss) = medians["ours"], medians["plain"]
            print(f"N = {n} articles, plugin cost only ({2 * runs} builds took "
                  f"{time.perf_counter() - started:.0f} s)")
            print(f"  full build (ours)                     {ours:7.2f} s  "
                  f"{ours / n * 1000:6.1f} ms/article  peak {ours_rss / 1024:6.0f} MB")
            print(f"  same settings minus faq_citations     {plain:7.2f} s  "
                  f"peak {plain_rss / 1024:6.0f} MB   plugin cost {ours / plain:.2f}x (goal <= 1.3x)"
                  f"{cpu_cost()}")
            print()


def build_speed_section(sizes: list[int], runs: int, layers: list[str]) -> None:
    settings = site_settings()
    plugins = list(settings["PLUGINS"])
    without = [p for p in plugins if p.rsplit(".", 1)[-1] != "faq_citations"]
    print(f"\n## Build speed (median of {runs} runs; each build a fresh subprocess; "
          f"PLUGINS={plugins}, TYPOGRIFY={settings['TYPOGRIFY']})\n")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as scratch:
            full, stripped = generate(Path(scratch), n)
            words = sum(len(p.read_text(encoding="utf-8").split())
                        for p in (stripped / "articles").glob("*.md")) / n
            medians = interleaved({
                "ours": lambda tmp, f=full: build_command(f, tmp / "out"),
                "plain": lambda tmp, st=stripped: build_command(st, tmp / "out",
                                                                PLUGINS=without),
                "floor": lambda tmp, st=stripped: [
                    *MARKDOWN_FLOOR, str(st / "articles"), str(tmp)],
            }, runs)
            (ours, ours_rss), (plain, plain_rss), (floor, floor_rss) = (
                medians["ours"], medians["plain"], medians["floor"])
            print(f"N = {n} articles, {words:.0f} words each on average")
            print(f"  full build (ours)                     {ours:7.2f} s  "
                  f"{ours / n * 1000:6.1f} ms/article  peak {ours_rss / 1024:6.0f} MB")
            print(f"  same settings minus faq_citations     {plain:7.2f} s  "
                  f"peak {plain_rss / 1024:6.0f} MB   plugin cost {ours / plain:.2f}x (goal <= 1.3x)"
                  f"{cpu_cost()}")
            print(f"  Python-Markdown alone (the floor)     {floor:7.2f} s  "
                  f"peak {floor_rss / 1024:6.0f} MB   ours {ours / floor:.2f}x, "
                  f"without plugin {plain / floor:.2f}x")
            with tempfile.TemporaryDirectory(prefix="bench-pf-") as built:
                checked(run(build_command(full, Path(built) / "out")), "full build")
                index, _ = median_run(lambda _tmp, _: pagefind_command(Path(built) / "out"),
                                      runs, "Pagefind")
            print(f"  of which the Pagefind index           {index:7.2f} s  "
                  f"({index / ours:.0%} of the full build)")
            for name, content, plugin_list, baseline in (
                ("ours", full, plugins, ours), ("minus faq_citations", stripped, without, plain)
            ):
                for layer in layers:
                    label = f"  one-article rebuild, {name}, {layer} cache"
                    try:
                        result = incremental(content, layer, runs, plugin_list)
                    except BuildFailed as failure:
                        print(f"{label:<40}  FAILS: {failure}")
                        continue
                    share = result["rebuild"] / baseline
                    same = ("output identical to a clean build" if not result["differing"] else
                            f"OUTPUT DIFFERS from a clean build in {len(result['differing'])} "
                            f"file(s), e.g. {result['differing'][:3]}")
                    print(f"{label:<40}{result['rebuild']:6.2f} s = {share:.0%} of its full build "
                          f"(goal <= 25%; cold cached build {result['cold']:.2f} s); {same}")
            dev = devserver_rebuild(full, runs)
            rebuild = statistics.median(dev["times"])
            print(f"  one-article rebuild in make devserver   {rebuild:6.2f} s = {rebuild / ours:.0%} of our "
                  f"full build (goal <= 25%; incremental: {statistics.median(dev['written']):.0f} of "
                  f"{n + 20}+ pages written; search index refreshed in the background)")
            print()


DEVSERVER_REBUILD = [PYTHON, "-m", "tools.bench.devserver_rebuild"]  # run from ROOT



def devserver_rebuild(content: Path, runs: int) -> dict:
    """The devserver's incremental rebuild of one edited article, in its own process."""
    with tempfile.TemporaryDirectory(prefix="bench-devrebuild-") as scratch:
        work = Path(scratch) / "content"
        shutil.copytree(content, work)
        result = checked(run([*DEVSERVER_REBUILD, str(work), str(Path(scratch) / "out"), str(runs)]),
                         "devserver rebuild")
        return json.loads(result.stdout.strip().splitlines()[-1])


def devserver_section(edits: int) -> None:
    print("\n## make devserver: from saving an edit to the page being served\n")
    article = min((ROOT / "content" / "articles").glob("*.md"))
    with tempfile.TemporaryDirectory(prefix="bench-dev-") as scratch:
        # A copy of the project (content, theme, plugins, settings, tools), so
        # the edits never touch content/ and others' work in progress does not
        # land mid-measurement.
        project = Path(scratch) / "site"
        plugins = Path(EXTRA_SETTINGS.get("PLUGIN_PATHS", [ROOT / "plugins"])[0])
        for name, source in (("content", ROOT / "content"), ("theme", ROOT / "theme"),
                             ("plugins", plugins), ("tools", ROOT / "tools")):
            shutil.copytree(source, project / name,
                            ignore=shutil.ignore_patterns("vendor", "__pycache__"))
        shutil.copy(CONF, project / "pelicanconf.py")
        content = project / "content"
        copy = content / "articles" / article.name
        process = subprocess.Popen(
            [PYTHON, "-m", "tools.devserver", "--port", "0"],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV)
        lines: list[str] = []
        try:
            base = None
            for line in process.stdout:
                lines.append(line.rstrip())
                found = re.search(r"Serving on (http://\S+?)/? ", line)
                if found:
                    base = found[1]
                    break
            if not base:
                print("error: the devserver did not start:\n" + "\n".join(lines[-20:]))
                return
            threading.Thread(target=lambda: [lines.append(x.rstrip()) for x in process.stdout],
                             daemon=True).start()
            url = f"{base}/{article.stem}/"
            waits = []
            for edit in range(edits):
                time.sleep(0.5)
                marker = f"benchmarkmarker{edit}x"
                with copy.open("a", encoding="utf-8") as handle:
                    handle.write(f"\n\nEdited paragraph {marker}.\n")
                saved = time.perf_counter()
                while time.perf_counter() - saved < 30:
                    try:
                        with urllib.request.urlopen(url, timeout=5) as response:
                            if marker in response.read().decode("utf-8"):
                                break
                    except (OSError, http.client.HTTPException):
                        pass  # not up yet, or a page caught mid-write
                    time.sleep(0.01)
                else:
                    print(f"error: edit {edit} never showed up at {url}; the devserver said:")
                    print("\n".join(f"  {line}" for line in lines[-8:]))
                    return
                waits.append(time.perf_counter() - saved)
        finally:
            process.terminate()
            process.wait(timeout=10)
    rebuilt = [float(m[1]) for m in (re.search(r"Rebuilt in ([\d.]+) s", x) for x in lines) if m]
    ready = [float(m[1]) for m in (re.search(r"served after ([\d.]+) s", x) for x in lines) if m]
    print(f"edited: a copy of content/articles/{article.name}, the real site's other files unchanged")
    print(f"  edit to page served: median {statistics.median(waits):.2f} s over {len(waits)} edits "
          f"(min {min(waits):.2f}, max {max(waits):.2f}; from the save, file events included); "
          "goal < 0.5 s")
    if rebuilt:
        print(f"  the devserver's own rebuild: median {statistics.median(rebuilt[1:] or rebuilt):.2f} s "
              f"(first build {rebuilt[0]:.2f} s)"
              + (f"; the edited page on disk and its tab told after a median "
                 f"{statistics.median(ready):.2f} s of it (the listing pages, link check and "
                 "search index follow)" if ready else ""))


def check_section(runs: int, limit: int | None = None) -> None:
    """``make check FILE=...`` on every real article (or the first ``limit``): a fresh
    process each time, as the writer runs it; beside it, the bare Python start-up."""
    print("\n## make check: one file's report (fresh process per run)\n")
    articles = sorted((ROOT / "content" / "articles").glob("*.md"))[:limit]
    times, startup = [], []
    for _ in range(runs):
        startup.append(run([PYTHON, "-c", "pass"]).seconds)
        for article in articles:
            result = run([PYTHON, "-m", "tools.check", str(article.relative_to(ROOT))])
            if result.returncode not in (0, 1) or "broken links" not in result.stdout:
                print(f"error: make check failed on {article.name}:\n{result.stderr[-1000:]}")
                return
            times.append(result.seconds)
    median, floor = statistics.median(times), statistics.median(startup)
    print(f"make check on each of {len(articles)} real articles, {runs} run(s): median {median:.2f} s, "
          f"slowest {max(times):.2f} s (goal: well under 1 s)")
    print(f"  Python start-up alone                  {floor:.2f} s  (check = {median / floor:.1f}x start-up)")


def profile_section(n: int) -> None:
    print(f"\n## Profile: full build of {n} synthetic articles (pyinstrument)\n")
    with tempfile.TemporaryDirectory(prefix="bench-prof-") as scratch:
        full, _ = generate(Path(scratch), n)
        report = Path(scratch) / "profile.txt"
        command = [PYTHON, "-m", "pyinstrument", "-r", "text", "-o", str(report),
                   "--show", "*/plugins/*", "--no-unicode", *build_command(full, Path(scratch) / "out")[1:]]
        checked(run(command), "profiled build")
        print(report.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="N = 50 and 200, 2 runs, 3 devserver edits")
    parser.add_argument("--sizes", help="comma-separated article counts for every build-speed "
                        "figure (default 100)")
    parser.add_argument("--cost-sizes", help="comma-separated article counts for the plugin cost "
                        "alone (default 1000; '' for none)")
    parser.add_argument("--runs", type=int, help="runs per figure (default 3)")
    parser.add_argument("--layers", default="reader,generator",
                        help="content-cache layers to try for the one-article rebuild")
    parser.add_argument("--skip", default="", help="any of: weight,reader,speed,devserver,check")
    parser.add_argument("--check-files", type=int, metavar="N",
                        help="make check on the first N real articles only (default: all)")
    parser.add_argument("--profile", type=int, metavar="N", default=0,
                        help="also profile a full build of N synthetic articles")
    parser.add_argument("--plugin-paths", metavar="DIR,...",
                        help="PLUGIN_PATHS for every build (to measure a patched copy of plugins/)")
    args = parser.parse_args(argv)
    if args.plugin_paths:
        EXTRA_SETTINGS["PLUGIN_PATHS"] = [str(Path(p).resolve()) for p in args.plugin_paths.split(",")]
    sizes = [int(s) for s in (args.sizes if args.sizes is not None else
                              ("50,200" if args.quick else "100")).split(",") if s]
    cost_sizes = [int(s) for s in (args.cost_sizes if args.cost_sizes is not None else
                                   ("" if args.quick else "1000")).split(",") if s]
    runs = args.runs or (2 if args.quick else 3)
    skip = set(filter(None, args.skip.split(",")))

    print(f"# make bench: {time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs; command: {' '.join(['python -m tools.bench', *(argv or sys.argv[1:])])}")
    if "weight" not in skip:
        page_weight_section()
    if "reader" not in skip:
        print("\n## The reader's first load (Lighthouse)\n")
        from tools import reader_bench

        reader_bench.main(["--runs", "1" if args.quick else str(runs)])
    if "speed" not in skip:
        try:
            build_speed_section(sizes, runs, [layer for layer in args.layers.split(",") if layer])
            plugin_cost_section([n for n in cost_sizes if n not in sizes], runs)
        except BuildFailed as failure:
            print(f"error: {failure}")
            return 1
    if "devserver" not in skip:
        devserver_section(3 if args.quick else 5)
    if "check" not in skip:
        check_section(runs, args.check_files)
    if args.profile:
        profile_section(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
