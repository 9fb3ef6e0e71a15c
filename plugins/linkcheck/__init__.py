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

A file Pelican could not read (a bad date, an unknown citation key...) has no content
object; its body is converted with the site's plain Markdown settings and its links are
checked all the same, so every mistake of a file shows in one run. A link *to* such a
file is not reported: its page is missing for the mistake already reported.

Pelican's own "Unable to find 'x.md', skipping url replacement" (no file, no
line) is dropped in favour of that line. The rules are pure functions in
``links.py``, shared with ``make check``.
"""

from __future__ import annotations

import functools
import logging
import os
import re

from pelican import signals
from pelican.contents import Article, Page
from pelican.plugins.faq_citations.errors import report

from .links import Site, broken_links, ids_of_file, plain_html, resolver

__all__ = ["check_site", "register"]

SLUG = re.compile(r"^slug:\s*(.+)$", re.I)
UNREAD = "unread:"  # a Site.pages key: the page of a file Pelican could not read (ids unknown)

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
        self.sources: dict[str, str] = {}  # every Markdown file the generators read: path -> kind

    def collect(self, generator) -> None:
        self.context = generator.context
        for kind in ("ARTICLE", "PAGE"):
            if hasattr(generator, kind.lower() + "s") and hasattr(generator, "get_files"):
                settings = generator.settings
                for relative in generator.get_files(settings.get(f"{kind}_PATHS", []),
                                                    exclude=settings.get(f"{kind}_EXCLUDES", [])):
                    if relative.endswith((".md", ".markdown")):
                        self.sources.setdefault(os.path.join(generator.path, relative), kind)
        for name in CONTENT_LISTS:
            for content in getattr(generator, name, None) or []:
                if isinstance(content, (Article, Page)) and content not in self.contents:
                    self.contents.append(content)

    def finish(self, pelican) -> None:
        try:
            read = {os.path.abspath(content.source_path) for content in self.contents if content.source_path}
            unread = {path: kind for path, kind in self.sources.items() if os.path.abspath(path) not in read}
            check_site(self.contents, pelican.settings, self.context, unread)
        finally:
            self.contents, self.context, self.sources = [], {}, {}


def output_site(output: str, settings, context, unread=None) -> Site:
    """The output folder as a ``Site``: every file by URL path, ids read on demand; the
    page an unread file would have had is there too, its anchors unknown."""
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
    for path, kind in (unread or {}).items():
        url = unread_url(path, kind, settings)
        sources[os.path.relpath(path, settings["PATH"]).replace(os.sep, "/")] = url
        pages.setdefault(url, UNREAD + path)
    ids = functools.lru_cache(maxsize=None)(ids_of_file)
    return Site(pages=pages, ids=lambda key: None if key.startswith(UNREAD) else ids(key), sources=sources)


def unread_url(path: str, kind: str, settings) -> str:
    """The URL path a file Pelican could not read would have had (its Slug, or its name)."""
    slug = re.sub(r"\.(md|markdown)$", "", os.path.basename(path))
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for line in handle:
                if not line.strip():
                    break
                written = SLUG.match(line)
                slug = written[1].strip() if written else slug
    except (OSError, UnicodeDecodeError):
        pass
    try:
        url = str(settings.get(f"{kind}_URL", "{slug}.html")).format(
            slug=slug, lang=settings.get("DEFAULT_LANG", "en"))
    except (KeyError, IndexError, ValueError):
        url = f"{slug}/"
    return "/" + url.lstrip("/")


def check_site(contents, settings, context, unread=None) -> int:
    """Report every broken link of every content object, and of every Markdown file
    Pelican could not read (``unread``: path -> "ARTICLE" or "PAGE"); returns how many."""
    site = output_site(settings["OUTPUT_PATH"], settings, context, unread)
    broken = 0
    for content in contents:
        source = content.source_path
        if not source or not source.endswith((".md", ".markdown")):
            continue
        summary = content.metadata.get("summary")
        broken += check_source(content.source_path, content.relative_source_path, content.url,
                               content._content or "", summary if isinstance(summary, str) else None, site)
    for path, kind in sorted((unread or {}).items()):
        body, summary = plain_html(path, settings.get("MARKDOWN"))
        broken += check_source(path, os.path.relpath(path, settings["PATH"]),
                               unread_url(path, kind, settings), body, summary, site)
    return broken


def check_source(source_path: str, relative_source_path: str | None, url: str | None, html: str,
                 summary: str | None, site: Site) -> int:
    page_url = "/" + (url or "").lstrip("/")
    relative_dir = os.path.dirname(relative_source_path or "").replace(os.sep, "/")
    try:
        with open(source_path, encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    body_start = next((i for i, line in enumerate(lines) if not line.strip()), 0)
    # The HTML as the writer's Markdown made it (before Pelican rewrites {filename} links and
    # prefixes SITEURL): a link written as https://... is another site's, checked for form only.
    resolve = resolver(site, relative_dir)
    found = broken_links(html, page_url, site, lines, start=body_start,
                         source_dir=relative_dir, resolve=resolve)
    if summary and any(line.lower().startswith("summary:") for line in lines[:body_start]):
        found += broken_links(summary, page_url, site, lines[:body_start], source_dir=relative_dir,
                              resolve=resolve)
    for line, problem in sorted(found, key=lambda item: item[0] or 0):
        report(problem.message, path=source_path, line=line)
    return len(found)


_run = LinkCheckRun()


def register():
    logging.getLogger("pelican.contents").addFilter(_FILTER)
    signals.article_generator_finalized.connect(_run.collect)
    signals.page_generator_finalized.connect(_run.collect)
    signals.finalized.connect(_run.finish)
