"""devreload plugin: the Pelican half of ``make devserver`` (tools/devserver.py).

Why a plugin: swapping the writer and listening to the generators are Pelican
signals, so they live with the other receivers; the tool keeps the watch loop
and the server. The devserver passes one ``DevReload`` object in ``PLUGINS``
(Pelican calls its ``register()``); it is never loaded by name, so a normal
build never sees it.

An edit to existing articles or pages is an *incremental* rebuild: every page
is regenerated in memory, but only the edited articles' own pages and the pages
that list articles are written (``plan``, ``skipped``: pure functions). The
writer records which build last wrote each page (``written``), which the
devserver tells the open page; the edited article's own page is written before
the listing pages (Pelican's order), and ``on_edited_page`` is called as soon as
it is on disk, so the devserver need not wait for the rest of the build.

While an article has a mistake, Pelican cannot read it and would drop it from
every page that lists articles; ``keep_last_good`` puts the last version that
built back into the list (the devserver shows the mistake on the article's own
page instead).
"""

from __future__ import annotations

import os

from pelican import signals
from pelican.utils import order_content
from pelican.writers import Writer

CONTENT_SUFFIXES = (".md", ".markdown")
CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations",
                 "pages", "hidden_pages", "draft_pages")


def plan(sources: dict[str, set[str]], changed: set[str] | None, theme: str) -> tuple[set[str], bool]:
    """``(pages the next build may skip, whether the content cache still holds)``.

    Skip the pages of articles and pages that did not change, only when nothing but
    known Markdown sources changed. The cache holds unless the bibliography, a
    plugin or the settings changed (they change how articles read; templates under
    ``theme`` only change writing). ``changed`` is None for the first build."""
    if changed is None:
        return set(), False  # first build: the cache may be from another session
    if sources and all(path.endswith(CONTENT_SUFFIXES) and path in sources for path in changed):
        return {page for source, pages in sources.items() if source not in changed for page in pages}, True
    prefix = theme.rstrip(os.sep) + os.sep
    return set(), all(path.startswith(prefix) for path in changed)


def skipped(page: str, skip: set[str], listed_in: dict[str, set[str]],
            previously_listed_in: dict[str, set[str]], changed_sources: set[str]) -> bool:
    """During an incremental build: the page of an unchanged article or page, or a
    topic or tag page that neither lists nor listed an edited article."""
    if page in skip:
        return True
    if not skip:
        return False
    every_listing = set().union(*listed_in.values(), *previously_listed_in.values())
    if page not in every_listing:
        return False
    return not any(page in listed_in.get(source, ()) or page in previously_listed_in.get(source, ())
                   for source in changed_sources)


class DevReload:
    """One devserver session: which pages each source writes, and which build wrote each page."""

    active: DevReload | None = None  # the session whose build is running

    def __init__(self):
        self.generation = 0  # the build now running
        self.sources: dict[str, set[str]] = {}  # source file -> pages it writes
        self.cited: dict[str, set[str]] = {}  # source file -> the citation keys it cites
        self.listed_in: dict[str, set[str]] = {}  # article source -> its topic and tag pages
        self.previously_listed_in: dict[str, set[str]] = {}
        self.changed_sources: set[str] = set()
        self.written: dict[str, int] = {}  # page (relative to output) -> build that last wrote it
        self.skip: set[str] = set()
        self.last_good: dict[str, object] = {}  # article source -> the last article that built
        self.kept: set[str] = set()  # sources shown in their last good version in this build
        # Called with (page, source) once an edited source's own page is written during an
        # incremental build, before the listing pages and the link check: the devserver
        # tells its open tab at once.
        self.on_edited_page = None
        self.deferred_feeds: list = []  # (writer, args, kwargs): written after the article pages

    def register(self) -> None:
        # Bound methods: blinker keeps weak references, the devserver keeps this object.
        signals.get_writer.connect(self.writer_class)
        signals.article_generator_finalized.connect(self.record_sources)
        signals.page_generator_finalized.connect(self.record_sources)
        signals.article_generator_pretaxonomy.connect(self.keep_last_good)
        signals.article_writer_finalized.connect(self.write_deferred_feeds)

    def start(self, generation: int, changed: set[str] | None, theme: str) -> tuple[bool, bool]:
        """Prepare build ``generation``; returns ``(incremental, keep_cache)``."""
        DevReload.active = self
        self.generation = generation
        self.skip, keep_cache = plan(self.sources, changed, theme)
        self.changed_sources = set(changed or ())
        self.kept = set()
        self.deferred_feeds = []
        self.previously_listed_in, self.listed_in = self.listed_in, {}
        self.sources, self.cited = {}, {}
        return bool(self.skip), keep_cache

    def write_everything(self) -> None:
        """Forget the plan (a retry after a broken cache writes every page)."""
        self.skip, self.sources, self.listed_in = set(), {}, {}

    def edited_source_of(self, page: str) -> str | None:
        """During an incremental build, the edited source whose own page ``page`` is, when
        it was read this time (not shown in its last good version); None otherwise."""
        if not self.skip:
            return None
        for source in self.changed_sources:
            if source not in self.kept and page in self.sources.get(source, ()):
                return source
        return None

    def skipped(self, page: str) -> bool:
        return skipped(page, self.skip, self.listed_in, self.previously_listed_in, self.changed_sources)

    # -- receivers --

    def writer_class(self, _pelican):
        if DevReload.active is not self:
            return None  # another session of this process: the running build's writer only
        session = self

        class SelectiveWriter(Writer):
            def write_file(self, name, *args, **kwargs):
                if session.skipped(name):
                    return None
                result = super().write_file(name, *args, **kwargs)
                # Recorded once the page is on disk (content_written receivers included).
                session.written[name] = session.generation
                source = session.edited_source_of(name)
                if source is not None and session.on_edited_page is not None:
                    session.on_edited_page(name, source)
                return result

            def write_feed(self, *args, **kwargs):
                # Pelican writes the feeds before the articles; in an incremental build the
                # edited article's page goes first (write_deferred_feeds writes them next).
                if session.skip:
                    session.deferred_feeds.append((self, args, kwargs))
                    return None
                return super().write_feed(*args, **kwargs)

        return SelectiveWriter

    def write_deferred_feeds(self, _generator, writer=None) -> None:
        """`article_writer_finalized`: the feeds an incremental build put off, as Pelican
        asked for them."""
        if DevReload.active is not self:
            return
        deferred, self.deferred_feeds = self.deferred_feeds, []
        for feed_writer, args, kwargs in deferred:
            Writer.write_feed(feed_writer, *args, **kwargs)

    def keep_last_good(self, generator) -> None:
        """An article that built before and still exists but was not read this time
        (a mistake in it) stays listed as it last built."""
        if DevReload.active is not self:
            return  # another session of this process (its receivers stay connected while it lives)
        present = {os.path.abspath(content.source_path) for attribute in CONTENT_LISTS
                   for content in getattr(generator, attribute, None) or []}
        kept = [article for source, article in self.last_good.items()
                if source not in present and os.path.isfile(source)]
        self.kept = {os.path.abspath(article.source_path) for article in kept}
        if kept:
            generator.articles = order_content([*generator.articles, *kept],
                                               generator.settings["ARTICLE_ORDER_BY"])

    def record_sources(self, generator) -> None:
        for attribute in CONTENT_LISTS:
            for content in getattr(generator, attribute, []) or []:
                source = os.path.abspath(content.source_path)
                self.sources.setdefault(source, set()).add(content.save_as)
                self.cited[source] = set(getattr(content, "cited_keys", None) or ())
                if attribute == "articles":
                    self.last_good[source] = content
                    wrappers = [getattr(content, "category", None), *(getattr(content, "tags", None) or [])]
                    self.listed_in.setdefault(source, set()).update(
                        w.save_as for w in wrappers if w is not None and w.save_as)
