"""`make bench` runs end to end (on a tiny synthetic site) and reports every figure the
issue asks for. It asserts what is printed, never how long anything took."""

from __future__ import annotations

import re
import subprocess
import sys

from support import ROOT


def test_bench_reports_every_figure_on_a_tiny_site():
    result = subprocess.run(
        [sys.executable, "-m", "tools.bench", "--sizes", "3", "--cost-sizes", "4", "--runs", "1",
         "--skip", "weight,reader,devserver", "--layers", "generator", "--check-files", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for figure in ("full build (ours)", "same settings minus faq_citations", "plugin cost",
                   "Python-Markdown alone (the floor)", "of which the Pagefind index",
                   "one-article rebuild, ours, generator cache", "one-article rebuild in make devserver",
                   "peak", "make check on each of", "Python start-up alone"):
        assert figure in out, figure
    assert "make check on each of 1 real articles" in out
    cost_only = out.split("N = 4 articles, plugin cost only")[1]  # N = 4: the plugin cost alone
    assert "plugin cost" in cost_only and "one-article rebuild" not in cost_only
    assert out.count("); in CPU ") == 2  # the cost in CPU seconds too, at both sizes
    # and its spread: the ratio of each pair of runs taken side by side
    assert len(re.findall(r"\(run by run: median \d+\.\d\dx, \d+\.\d\d-\d+\.\d\dx over 1 runs\)", out)) == 2
    assert "output identical to a clean build" in out
    assert "OUTPUT DIFFERS" not in out and "FAILS" not in out
