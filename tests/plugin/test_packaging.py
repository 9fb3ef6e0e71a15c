"""Another Pelican site can `pip install plugins/faq_citations`: the wheel builds and
carries the modules, the fallback templates and the Markdown entry point."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_builds_with_modules_templates_and_entry_point(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT / "plugins" / "faq_citations"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("faq_citations-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = ("__init__", "extension", "bibliography", "csl", "errors", "pelican_glue", "mkdocs_support")
    for module in modules:
        assert f"faq_citations/{module}.py" in names
    assert {"faq_citations/templates/faq.html", "faq_citations/templates/sources.html"} <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[markdown.extensions]" in text and (
        "faq_citations = faq_citations.mkdocs_support:HostedFaqCitationsExtension" in text)
