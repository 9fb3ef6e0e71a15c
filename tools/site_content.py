"""The site's content as the build reads it, for the tools that report on it
(content_report, sources, check): the bibliography through the citation
plugin's loader, and each Markdown file converted with the plugin's own
extension -- never a second parser of its syntax.
"""

from __future__ import annotations

import functools
import os

import markdown
from pelican.plugins.faq_citations import Bibliography, FaqCitationsExtension, load_bibliography
from pelican.plugins.faq_citations.bibliography import bibliography_files

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTENT = os.path.join(ROOT, "content")
MARKDOWN_SUFFIXES = (".md", ".markdown")


@functools.cache
def site_bibliography(content: str) -> Bibliography:
    """The bibliography the build reads (``content/bibliography/``); its problems are the build's."""
    # pandoc's results are shared with the build's (Pelican's CACHE_PATH, "cache/")
    cache = os.path.join(ROOT, "cache", "faq_citations")
    bibliography, _problems = load_bibliography(bibliography_files_of(content), cache_dir=cache)
    return bibliography


def bibliography_files_of(content: str) -> list[str]:
    if not os.path.isdir(os.path.join(content, "bibliography")):
        return []
    return bibliography_files("bibliography", content)


def converter(content: str) -> markdown.Markdown:
    """Markdown as the site renders it (pelicanconf.py's extensions; toc gives headings their
    ids), with the citation plugin's own extension."""
    return markdown.Markdown(extensions=[
        "extra", "sane_lists", "meta", "toc", FaqCitationsExtension(bibliography=site_bibliography(content)),
    ], extension_configs={"toc": {"permalink": False, "toc_depth": "2-3"}})


def markdown_files(content: str, folders=("articles", "pages")) -> list[str]:
    """Every Markdown source under ``folders`` of ``content``, sorted."""
    found = []
    for folder in folders:
        for dirpath, _dirs, names in sorted(os.walk(os.path.join(content, folder))):
            found += [os.path.join(dirpath, n) for n in sorted(names) if n.endswith(MARKDOWN_SUFFIXES)]
    return found
