"""The site's content as the build reads it, for the tools that report on it
(content_report, sources, check): the bibliography through the citation
plugin's loader, and each Markdown file converted with the plugin's own
extension -- never a second parser of its syntax.
"""

from __future__ import annotations

import datetime
import functools
import importlib.metadata
import os

import markdown
from pelican.plugins import faq_citations
from pelican.plugins.faq_citations import Bibliography, FaqCitationsExtension, load_bibliography
from pelican.plugins.faq_citations.bibliography import bibliography_files
from pelican.plugins.faq_citations.evidence_cards import load_cards
from pelican.plugins.faq_citations.evidence_chart import EvidenceChartExtension, study_name

from tools.cache import file_bytes, json_cached

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


@functools.cache
def site_cards(content: str) -> dict:
    """The evidence cards the build reads (``bibliography/evidence-cards.yaml``; its problems
    are the build's), or ``{}``."""
    path = os.path.join(content, "bibliography", "evidence-cards.yaml")
    return load_cards(path, datetime.date.today())[0] if os.path.isfile(path) else {}


# The settings the reporting tools read, asked for together: one cache file (tools/cache.py
# keeps one file per name, so two sets of names would replace each other on every run).
REPORT_SETTINGS = ("EDITORIAL_REVIEW_INTERVAL_MONTHS", "MARKDOWN", "TOPIC_ORDER")


def site_setting(name: str):
    """One of ``REPORT_SETTINGS`` as Pelican reads it."""
    return site_settings(*REPORT_SETTINGS)[name]


@functools.cache
def site_settings(*names: str) -> dict:
    """Those settings of pelicanconf.py as Pelican reads them (its defaults included).
    Cached (tools/cache.py) by the file, Pelican's version and the names, so a report need
    not import Pelican; a value must be JSON (a tuple comes back as a list)."""
    settings_file = os.path.join(ROOT, "pelicanconf.py")

    def read() -> dict:
        from pelican.settings import read_settings

        settings = read_settings(settings_file)
        return {name: settings.get(name) for name in names}

    key = [file_bytes(settings_file), importlib.metadata.version("pelican"), *names]
    return json_cached("settings", key, read)


def converter(content: str) -> markdown.Markdown:
    """Markdown as the site renders it (pelicanconf.py's extensions; toc gives headings their
    ids), with the citation plugin's own extensions (citations and FAQs, evidence charts)."""
    bibliography = site_bibliography(content)
    chart = EvidenceChartExtension(cards=site_cards(content), names=lambda key: study_name(bibliography, key))
    return markdown.Markdown(extensions=[
        "extra", "sane_lists", "meta", "toc", FaqCitationsExtension(bibliography=bibliography), chart,
    ], extension_configs={"toc": {"permalink": False, "toc_depth": "2-3"}})


@functools.cache
def converter_key(content: str) -> tuple[bytes | str, ...]:
    """Everything ``converter(content)``'s HTML depends on besides the document itself, for a
    cache key (tools/cache.py): the bibliography and evidence-cards files' bytes, the
    plugin's code, this file and Python-Markdown's version."""
    package = os.path.dirname(faq_citations.__file__)
    code = sorted(os.path.join(package, name) for name in os.listdir(package) if name.endswith(".py"))
    cards = os.path.join(content, "bibliography", "evidence-cards.yaml")
    files = [*bibliography_files_of(content), cards, *code, __file__]
    return (importlib.metadata.version("markdown"), *files, *(file_bytes(path) for path in files))


def markdown_files(content: str, folders=("articles", "pages")) -> list[str]:
    """Every Markdown source under ``folders`` of ``content``, sorted."""
    found = []
    for folder in folders:
        for dirpath, _dirs, names in sorted(os.walk(os.path.join(content, folder))):
            found += [os.path.join(dirpath, n) for n in sorted(names) if n.endswith(MARKDOWN_SUFFIXES)]
    return found
