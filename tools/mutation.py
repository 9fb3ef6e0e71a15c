"""``make mutation``: mutation-test the faq_citations modules against the unit tests
(mutmut 3, settings in pyproject.toml ``[tool.mutmut]``), then print the score per file.

Why a workspace: mutmut names each mutant after its file's path below the folder
it runs in, and the trampolines it inserts check that name against the module's
``__name__``. Run from the repository root, plugins/faq_citations/pelican/... would
be "plugins.faq_citations.pelican..." and never match the imported
"pelican.plugins.faq_citations...". So .mutation/ holds links -- pelican/ to the
package's code, and tests/, tools/, plugins/, content/, pytest.ini, pyproject.toml
to the repository's own -- and mutmut runs there. Its results stay in
.mutation/mutants/: running again re-tests only mutants of changed functions
(``--fresh`` starts over).

``--tests FILE`` (repeated for more files) runs the mutants against those unit test files only, in a
workspace of their own (.mutation-<names>/, its pyproject.toml a copy with that
test selection, and only the modules the patterns name mutated): a quick lower
bound for one module (its own tests alone), since more tests can only kill more
mutants; .mutation/ keeps the full selection's results.

    python -m tools.mutation [--fresh] [--max-children N] [--tests FILE]... [mutant name patterns...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tools.mutation_score import counts, table

ROOT = Path(__file__).resolve().parent.parent
WORKSPACE = ROOT / ".mutation"
LINKS = {
    "pelican": ROOT / "plugins" / "faq_citations" / "pelican",
    "tests": ROOT / "tests",
    "tools": ROOT / "tools",
    "plugins": ROOT / "plugins",
    "content": ROOT / "content",
    "pytest.ini": ROOT / "pytest.ini",
    "pyproject.toml": ROOT / "pyproject.toml",
}


SELECTION_RE = re.compile(r"^pytest_add_cli_args_test_selection = \[.*?\]", re.M | re.S)
ONLY_MUTATE_RE = re.compile(r"^only_mutate = \[.*?\]", re.M | re.S)


def modules_of(patterns: list[str]) -> list[str]:
    """'pelican.plugins.faq_citations.csl.*' -> 'pelican/plugins/faq_citations/csl.py'."""
    found = []
    for pattern in patterns:
        parts = pattern.split(".")
        for end in range(len(parts), 0, -1):
            path = "/".join(parts[:end]) + ".py"
            if (LINKS["pelican"].parent / path).is_file():
                found.append(path)
                break
    return sorted(set(found))


def workspace_for(tests: list[str]) -> Path:
    if not tests:
        return WORKSPACE
    return ROOT / (".mutation-" + "-".join(Path(t).stem.removeprefix("test_") for t in tests))


def lay_out(fresh: bool, workspace: Path = WORKSPACE, tests: list[str] = (),
            patterns: list[str] = ()) -> None:
    if fresh:
        shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(exist_ok=True)
    for name, target in LINKS.items():
        link = workspace / name
        if name == "pyproject.toml" and tests:
            text = target.read_text(encoding="utf-8")
            selection = "pytest_add_cli_args_test_selection = " + json.dumps(list(tests))
            text, found = SELECTION_RE.subn(selection, text, count=1)
            if not found:
                raise SystemExit("error: pyproject.toml has no pytest_add_cli_args_test_selection")
            if modules_of(patterns):
                text = ONLY_MUTATE_RE.sub("only_mutate = " + json.dumps(modules_of(patterns)), text, count=1)
            if not link.exists() or link.read_text(encoding="utf-8") != text:
                link.write_text(text, encoding="utf-8")
        elif not link.is_symlink():
            link.symlink_to(os.path.relpath(target, workspace))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="forget earlier results")
    parser.add_argument("--max-children", type=int, default=2, help="parallel test processes (default 2)")
    parser.add_argument("--tests", action="append", default=[], metavar="FILE",
                        help="only this unit test file (repeat for more), in a workspace of their own")
    parser.add_argument("patterns", nargs="*",
                        help="only these mutants, e.g. 'pelican.plugins.faq_citations.faq.*'")
    args = parser.parse_args(argv)
    workspace = workspace_for(args.tests)
    lay_out(args.fresh, workspace, args.tests, args.patterns)
    mutmut = Path(sys.executable).with_name("mutmut")
    run = subprocess.run([str(mutmut), "run", "--max-children", str(args.max_children), *args.patterns],
                         cwd=workspace)
    by_file = counts(workspace / "mutants")
    if not by_file:
        print(f"error: mutmut left no results in {workspace.name}/mutants/", file=sys.stderr)
        return 1
    print(table(by_file))
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
