"""The devserver's incremental rebuild of one edited article, timed in its own process.

Usage (from the repository root): ``python -m tools.bench.devserver_rebuild CONTENT OUTPUT RUNS``.
Builds once (cold), then appends a paragraph to the middle article RUNS times,
rebuilding after each edit and checking that the edited page was rewritten.
Prints one JSON line: ``{"cold": s, "times": [s, ...], "written": [pages, ...]}``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tools.build import OneLineHandler
from tools.devserver import Builder


def measure(content: Path, output: str, runs: int) -> dict:
    builder = Builder(output, str(content), OneLineHandler(verbose=False))
    started = time.perf_counter()
    assert builder.build(), "the cold build failed"
    cold = time.perf_counter() - started
    articles = sorted((content / "articles").glob("*.md"))
    article = articles[len(articles) // 2]
    times, written = [], []
    for edit in range(runs):
        time.sleep(0.05)
        with article.open("a", encoding="utf-8") as handle:
            handle.write(f"\n\nEdited paragraph devbench{edit}x.\n")
        started = time.perf_counter()
        assert builder.build({str(article.resolve())}), "the rebuild failed"
        times.append(time.perf_counter() - started)
        page = Path(output, article.stem, "index.html").read_text("utf-8")
        assert f"devbench{edit}x" in page, "the edited page was not rewritten"
        written.append(sum(1 for g in builder.written.values() if g == builder.generation))
    return {"cold": cold, "times": times, "written": written}


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))))
