"""Search plugin: a Pagefind index of the article text, built with the site.

Why it exists: the site is static, so full-text search has to be an index
shipped beside the pages. After Pelican has written every page (the
``finalized`` signal), this runs the Pagefind binary from the ``pagefind[bin]``
package over the output folder -- the staging folder during a
``tools/build.py`` build, so a failed index never reaches ``output/`` -- and
writes the bundle to ``<output>/pagefind/``.

What gets indexed is decided by the templates: only pages with a
``data-pagefind-body`` element (``article.html`` marks the article body), and
within it not the elements matched by ``SEARCH_EXCLUDE_SELECTORS`` (the
citation plugin's reference list and its citations, whose hidden previews are
references: ``faq_citations.citations.NOT_PROSE_SELECTORS``).

Settings:

``SEARCH_OUTPUT_SUBDIR``      folder of the bundle inside the output (``"pagefind"``)
``SEARCH_EXCLUDE_SELECTORS``  CSS selectors left out of the index
``SEARCH_INDEX_ON_RELOAD``    index during ``make devserver`` too (``DEV_RELOAD``);
                              on by default, as it takes about 0.1 s for this site

A Pagefind failure is reported as one ``error: ...`` line (faq_citations'
``report``), which fails the build.
"""

from __future__ import annotations

import logging
import subprocess

from pelican import signals
from pelican.plugins.faq_citations.citations import NOT_PROSE_SELECTORS
from pelican.plugins.faq_citations.errors import report

logger = logging.getLogger(__name__)

DEFAULTS = {
    "SEARCH_OUTPUT_SUBDIR": "pagefind",
    # What the citation plugin says is not prose: the reference list, and each citation
    # (its hidden reference preview would otherwise fill excerpts with references).
    # "Cite this page" is outside the indexed body (data-pagefind-body) already.
    "SEARCH_EXCLUDE_SELECTORS": [f".prose {selector}" for selector in NOT_PROSE_SELECTORS],
    "SEARCH_INDEX_ON_RELOAD": True,
}


def pagefind_command(output_path: str, settings: dict) -> list[str]:
    """The Pagefind command line for ``output_path``."""
    from pagefind_bin import get_executable

    command = [
        str(get_executable()),
        "--site", output_path,
        "--output-subdir", settings["SEARCH_OUTPUT_SUBDIR"],
        "--force-language", settings.get("DEFAULT_LANG") or "en",
        "--silent",
    ]
    for selector in settings["SEARCH_EXCLUDE_SELECTORS"]:
        command += ["--exclude-selectors", selector]
    return command


def pagefind_options(settings) -> dict:
    """The search settings, each with its default, and the site's language."""
    options = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    options["DEFAULT_LANG"] = settings.get("DEFAULT_LANG")
    return options


def build_index(pelican) -> None:
    settings = pagefind_options(pelican.settings)
    if pelican.settings.get("DEV_RELOAD") and not settings["SEARCH_INDEX_ON_RELOAD"]:
        return
    try:
        command = pagefind_command(pelican.output_path, settings)
        result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as exc:
        report(f"search index: cannot run Pagefind (pagefind[bin]): {exc}", logger=logger)
        return
    if result.returncode != 0:
        detail = " ".join((result.stderr or result.stdout).split())[-500:]
        report(f"search index: Pagefind exited with status {result.returncode}: {detail or 'no message'}",
               logger=logger)


def register() -> None:
    signals.finalized.connect(build_index)
