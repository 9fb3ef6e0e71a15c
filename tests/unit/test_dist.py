"""The release workflow's build, run here: `python -m build` makes the sdist and the wheel
of plugins/faq_citations and `twine check --strict` accepts both (metadata, README as long
description), with the pinned build, pdm-backend and twine of requirements-test.txt."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "plugins" / "faq_citations"


def test_sdist_and_wheel_build_and_pass_twine_check(tmp_path):
    source = tmp_path / "faq_citations"
    # a copy, so the build leaves nothing (build/, *.egg-info) in the work tree
    shutil.copytree(PLUGIN, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel",
         "--outdir", str(dist), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in dist.iterdir())

    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(wheels[0]), str(sdists[0])],
        capture_output=True, text=True, timeout=300,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout

    names = zipfile.ZipFile(wheels[0]).namelist()
    assert any(name.endswith("/mkdocs_support.py") for name in names)
    metadata = zipfile.ZipFile(wheels[0]).read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    assert b"Description-Content-Type: text/markdown" in metadata
    with tarfile.open(sdists[0]) as sdist:
        assert any(member.name.endswith("/README.md") for member in sdist.getmembers())
