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

    python -m tools.mutation [--fresh] [--max-children N] [mutant name patterns...]
"""

from __future__ import annotations

import argparse
import os
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


def lay_out(fresh: bool) -> None:
    if fresh:
        shutil.rmtree(WORKSPACE, ignore_errors=True)
    WORKSPACE.mkdir(exist_ok=True)
    for name, target in LINKS.items():
        link = WORKSPACE / name
        if not link.is_symlink():
            link.symlink_to(os.path.relpath(target, WORKSPACE))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="forget earlier results")
    parser.add_argument("--max-children", type=int, default=2, help="parallel test processes (default 2)")
    parser.add_argument("patterns", nargs="*",
                        help="only these mutants, e.g. 'pelican.plugins.faq_citations.faq.*'")
    args = parser.parse_args(argv)
    lay_out(args.fresh)
    mutmut = Path(sys.executable).with_name("mutmut")
    run = subprocess.run([str(mutmut), "run", "--max-children", str(args.max_children), *args.patterns],
                         cwd=WORKSPACE)
    by_file = counts(WORKSPACE / "mutants")
    if not by_file:
        print("error: mutmut left no results in .mutation/mutants/", file=sys.stderr)
        return 1
    print(table(by_file))
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
