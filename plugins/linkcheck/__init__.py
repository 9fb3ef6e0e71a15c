"""linkcheck plugin: every link a writer puts in a page resolves, checked at
build time (plain ``pelican`` runs it too).

After every page is written (``finalized``), the links in each article's and
page's body and Summary, as its Markdown made them, -- ``{filename}``, ``{static}``, root-relative and
relative URLs, ``#anchors`` on the same and on other pages -- are looked up in
the output folder: the page must exist and the anchor must be an id in it.
Links to other sites are checked for form only (no network). A broken link is
one line through the shared reporter, naming the *source* file and the line the
link is written on, with the nearest existing target:

    content/articles/x.md:14: error: link '/what-is-ptsdd/': no page at /what-is-ptsdd/;
    did you mean '/what-is-ptsd/'?   (one line)

Pelican's own "Unable to find 'x.md', skipping url replacement" (no file, no
line) is dropped in favour of that line. The rules are pure functions in
``links.py``, shared with ``make check``.
"""

from __future__ import annotations

import functools
import logging
import os

from pelican import signals
from pelican.contents import Article, Page
from pelican.plugins.faq_citations.errors import report

from .links import Site, broken_links, ids_of_file, resolver

__all__ = ["check_site", "register"]

CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations",
                 "pages", "hidden_pages", "draft_pages", "hidden_translations", "translations")


class DropUnresolvedLinkWarning(logging.Filter):
    """Pelican's "Unable to find ..., skipping url replacement": this plugin reports it with file and line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unable to find '%s', skipping url replacement")


_FILTER = DropUnresolvedLinkWarning()


class LinkCheckRun:
    """One build's content objects; checked once the output is written."""

    def __init__(self):
        self.contents: list = []
        self.context: dict = {}

    def collect(self, generator) -> None:
        self.context = generator.context
        for name in CONTENT_LISTS:
            for content in getattr(generator, name, None) or []:
                if isinstance(content, (Article, Page)) and content not in self.contents:
                    self.contents.append(content)

    def finish(self, pelican) -> None:
        try:
            check_site(self.contents, pelican.settings, self.context)
        finally:
            self.contents, self.context = [], {}


def output_site(output: str, settings, context) -> Site:
    """The output folder as a ``Site``: every file by URL path, ids read on demand."""
    pages: dict[str, str] = {}
    for folder, _dirs, files in os.walk(output):
        for name in files:
            full = os.path.join(folder, name)
            relative = os.path.relpath(full, output).replace(os.sep, "/")
            pages["/" + relative] = full
            if name == "index.html":
                directory = os.path.dirname(relative)
                pages["/" + (directory + "/" if directory else "")] = full
    sources = {path: "/" + content.url.lstrip("/")
               for kind in ("generated_content", "static_content")
               for path, content in (context.get(kind) or {}).items() if getattr(content, "url", None)}
    return Site(pages=pages, ids=functools.lru_cache(maxsize=None)(ids_of_file), sources=sources)


def check_site(contents, settings, context) -> int:
    """Report every broken link of every content object; returns how many."""
    site = output_site(settings["OUTPUT_PATH"], settings, context)
    broken = 0
    for content in contents:
        source = content.source_path
        if not source or not source.endswith((".md", ".markdown")):
            continue
        broken += check_content(content, site, settings)
    return broken


def check_content(content, site: Site, settings) -> int:
    page_url = "/" + (content.url or "").lstrip("/")
    relative_dir = os.path.dirname(content.relative_source_path or "").replace(os.sep, "/")
    try:
        with open(content.source_path, encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    body_start = next((i for i, line in enumerate(lines) if not line.strip()), 0)
    # The HTML as the writer's Markdown made it (before Pelican rewrites {filename} links and
    # prefixes SITEURL): a link written as https://... is another site's, checked for form only.
    resolve = resolver(site, relative_dir)
    found = broken_links(content._content or "", page_url, site, lines, start=body_start,
                         source_dir=relative_dir, resolve=resolve)
    summary = content.metadata.get("summary")
    if isinstance(summary, str) and any(line.lower().startswith("summary:") for line in lines[:body_start]):
        found += broken_links(summary, page_url, site, lines[:body_start], source_dir=relative_dir,
                              resolve=resolve)
    for line, problem in sorted(found, key=lambda item: item[0] or 0):
        report(problem.message, path=content.source_path, line=line)
    return len(found)


_run = LinkCheckRun()


def register():
    logging.getLogger("pelican.contents").addFilter(_FILTER)
    signals.article_generator_finalized.connect(_run.collect)
    signals.page_generator_finalized.connect(_run.collect)
    signals.finalized.connect(_run.finish)
