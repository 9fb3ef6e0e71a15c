"""Mutation score per file, from the results ``mutmut run`` left in
.mutation/mutants/ (``make mutation``, tools/mutation.py, runs both).

The score is killed (or timed out) mutants over all mutants of the file, the
figure plugins/faq_citations's README and ../shared/MUTATION-2026-12.md use;
"no tests" are mutants of functions no unit test calls, "not run" those a
restricted run (``mutmut run 'pelican.plugins.faq_citations.faq.*'``) left out.

    python -m tools.mutation_score [--mutants .mutation/mutants]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / ".mutation" / "mutants"
DETECTED = ("killed", "timeout", "caught by type check")
COLUMNS = ("killed", "survived", "no tests", "timeout", "not checked")


def counts(mutants: Path) -> dict[str, Counter]:
    """{file name: Counter of mutmut statuses} for every mutated file."""
    result = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        exit_codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if exit_codes:
            statuses = Counter(status_by_exit_code[code] for code in exit_codes.values())
            result[meta.name.removesuffix(".meta")] = statuses
    return result


def score(counter: Counter) -> float:
    total = sum(counter.values())
    return 100 * sum(counter[s] for s in DETECTED) / total if total else 0.0


def table(by_file: dict[str, Counter]) -> str:
    header = ["file", "mutants", *COLUMNS, "score"]
    rows = [header, ["---"] * len(header)]
    for name, counter in [*by_file.items(), ("total", sum(by_file.values(), Counter()))]:
        rows.append([name, str(sum(counter.values())), *(str(counter[c]) for c in COLUMNS),
                     f"{score(counter):.1f} %"])
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=MUTANTS)
    args = parser.parse_args(argv)
    by_file = counts(args.mutants)
    if not by_file:
        print(f"error: no mutmut results under {args.mutants}; run `make mutation` first", file=sys.stderr)
        return 1
    print(table(by_file))
    return 0


if __name__ == "__main__":
    sys.exit(main())
