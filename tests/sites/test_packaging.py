"""Another Pelican site installs plugins/faq_citations as it installs pelican-sitemap:
the wheel carries the namespace package, its templates and the Markdown entry point,
and Pelican's namespace discovery finds both the wheel and this site's editable install."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from support import ROOT

PACKAGE = ROOT / "plugins" / "faq_citations"
MODULES = ("__init__", "extension", "faq", "citations", "source_lines", "errors",
           "bibliography", "csl", "pelican_glue", "mkdocs_support")
# Prints where Pelican's own discovery (used when a site has no PLUGINS setting) finds
# the plugin, and what the Markdown entry point resolves to.
DISCOVER = (
    "from pelican.plugins._utils import get_namespace_plugins\n"
    "from importlib.metadata import entry_points\n"
    "import markdown\n"
    "plugin = get_namespace_plugins()['pelican.plugins.faq_citations']\n"
    "print(plugin.__file__)\n"
    "(ep,) = entry_points(group='markdown.extensions', name='faq_citations')\n"
    "print(ep.value)\n"
    "print(markdown.markdown('::: faq\\n### Q?\\nA.\\n:::', extensions=['faq_citations']))\n"
)


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, result.stderr
    return result


def test_wheel_carries_the_namespace_package_templates_and_entry_point(tmp_path):
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(PACKAGE))
    wheel = next(tmp_path.glob("pelican_faq_citations-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    base = "pelican/plugins/faq_citations"
    for module in MODULES:
        assert f"{base}/{module}.py" in names
    assert {f"{base}/templates/faq.html", f"{base}/templates/sources.html"} <= names
    # a namespace package: an __init__.py here would shadow Pelican's own package
    assert "pelican/__init__.py" not in names and "pelican/plugins/__init__.py" not in names
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("/METADATA"))).decode()
    assert "Name: pelican-faq-citations" in metadata
    assert "License-Expression: MIT" in metadata and "Classifier: Framework :: Pelican :: Plugins" in metadata
    assert "# faq_citations" in metadata  # the README is the long description

    target = tmp_path / "installed"
    run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel))
    found = run(sys.executable, "-c", DISCOVER, env={**os.environ, "PYTHONPATH": str(target)}).stdout
    plugin_file, entry_point, html = found.split("\n", 2)
    assert Path(plugin_file).is_relative_to(target)
    assert entry_point == "pelican.plugins.faq_citations.mkdocs_support:HostedFaqCitationsExtension"
    assert '<details id="q">' in html


def test_the_sites_editable_install_is_discovered_by_pelican():
    """`make install` installs the plugin with `pip install -e`; Pelican must find
    that copy (the source folder), not a stale one and not nothing."""
    found = run(sys.executable, "-c", DISCOVER, cwd="/").stdout
    plugin_file, entry_point, html = found.split("\n", 2)
    assert Path(plugin_file).is_relative_to(PACKAGE / "pelican" / "plugins" / "faq_citations")
    assert entry_point == "pelican.plugins.faq_citations.mkdocs_support:HostedFaqCitationsExtension"
    assert '<details id="q">' in html
