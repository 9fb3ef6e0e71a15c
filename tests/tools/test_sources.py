"""`make sources Q="..."` finds a source the site has; `--uncited` (make lint) lists the unused."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from support import PYTHON, ROOT

KEY = "krystal2019"


def sources(*args, cwd=ROOT):
    return subprocess.run([PYTHON, "-m", "tools.sources", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def written_citations(content, key):
    """How often the Markdown sources cite ``key`` (the oracle: the writer's own text)."""
    pattern = re.compile(rf"@{re.escape(key)}(?![\w:-])")
    counts = {}
    for path in sorted(content.rglob("*.md")):
        found = len(pattern.findall(path.read_text(encoding="utf-8")))
        if found:
            counts[path.relative_to(content).as_posix()] = found
    return counts


def test_make_sources_lists_key_authors_year_title_doi_and_use():
    result = subprocess.run(["make", "--no-print-directory", "sources", "Q=Krystal 2019"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"[@{KEY}]  content/bibliography/references.bib:")
    assert "Krystal" in lines[1] and "(2019)" in lines[1] and "Ketamine" in lines[1]
    assert "DOI: 10.1016/j.neuron.2019.02.005" in lines[2]
    written = written_citations(ROOT / "content", KEY)
    assert f"cited {sum(written.values())} times on {len(written)} pages: {', '.join(written)}" in lines[2]
    assert lines[-1].startswith("1 of ")


def test_no_match_says_so_and_exits_1():
    result = sources("no-such-author-zzz")
    assert result.returncode == 1
    assert result.stdout.startswith("0 of ")


def test_uncited_lists_an_entry_nobody_cites(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "bibliography" / "extra.bib").write_text(
        "@article{unused2020,\n  author = {Nobody, Ann},\n  title = {Never cited},\n  year = {2020}\n}\n",
        encoding="utf-8")
    result = sources("--uncited", "--content", str(content))
    assert result.returncode == 0, result.stderr
    listed = result.stdout.splitlines()[1:]
    assert (f"{os.path.relpath(content / 'bibliography' / 'extra.bib', ROOT)}:1: "
            "[@unused2020] is not cited on any page") in listed
    # a source cited by an article, and one cited only by the decision aid's data file
    assert not [line for line in listed if "[@krystal2019]" in line or "[@williams2022cochrane]" in line]
    found = sources("nobody", "--content", str(content))
    assert "[@unused2020]" in found.stdout and "not cited" in found.stdout and "extra.bib:1" in found.stdout


def test_make_lint_lists_uncited_sources():
    result = subprocess.run(["make", "-n", "lint"], cwd=ROOT, capture_output=True, text=True)
    assert "tools.sources --uncited" in result.stdout
