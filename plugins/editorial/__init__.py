"""Editorial plugin: review dates, titles that stay text, images, and the
table of contents -- one module per job; this module holds the receivers.

Why it exists:

* ``review.py``: a health page says when it was last checked and when it will
  be checked again (the rule, pure, shared with tools/content_report.py).
* ``titles.py``: a title reaches the page literally.
* ``images.py``: images load lazily and never shift the layout.
* ``reading.py``: a file the reader cannot read (not UTF-8, a bad date,
  unreadable) is reported with its file and line, not just "Could not process".
* ``toc.py``: each article's ``h2`` sections become ``toc_items`` once every
  other plugin has added its sections.

Every message is an author mistake reported through faq_citations' reporter,
naming the file and the line of the offending front-matter field:
``content/articles/x.md:5: error: ...``.
"""

from __future__ import annotations

import datetime as dt

from pelican import signals
from pelican.contents import Article, Page
from pelican.plugins.faq_citations.errors import report

from .frontmatter import header_fields
from .images import check_images
from .reading import add_reader
from .review import add_months, parse_iso_date, review_dates
from .titles import keep_title_as_text
from .toc import sections

__all__ = ["add_months", "parse_iso_date", "register", "review_dates"]

REQUIRED_ARTICLE_FIELDS = ("author", "reviewer", "last_reviewed")


def today(settings) -> dt.date:
    configured = settings.get("EDITORIAL_TODAY") or ""
    return dt.date.fromisoformat(configured) if configured else dt.date.today()


def field_line(fields, field: str | None) -> int:
    """The line of a front-matter field (1 when it is missing)."""
    return fields.get(field, (1, ""))[0] if field else 1


def check_review_dates(content, fields) -> None:
    settings = content.settings
    meta = content.metadata
    path = content.source_path
    if not str(meta.get("title", "")).strip():
        # Pelican then skips the file ("Skipping x: could not find information about 'title'").
        report("missing 'Title' in the front matter; add a line 'Title: ...' at the top", path=path, line=1)
    if isinstance(content, Article):
        for field in REQUIRED_ARTICLE_FIELDS:
            if not str(meta.get(field, "")).strip():
                names = ", ".join(f.capitalize() for f in REQUIRED_ARTICLE_FIELDS)
                report(f"missing {field.capitalize()!r} in the front matter (every article needs {names})",
                       path=path, line=1)
    if "reviewer" in meta:
        content.reviewer = str(meta["reviewer"]).strip()
    # Pelican copies raw metadata onto the object; replace the strings with dates
    # (or None when they do not parse) so no template or plugin sees a string.
    interval = int(settings.get("EDITORIAL_REVIEW_INTERVAL_MONTHS", 12))
    last, next_, problems = review_dates(meta, today(settings), interval)
    content.last_reviewed, content.next_review = last, next_
    for problem in problems:
        report(problem.message, path=path, line=field_line(fields, problem.field), level=problem.level)


def on_content_init(content) -> None:
    if not isinstance(content, (Article, Page)) or not content.source_path:
        return
    if not content.source_path.endswith((".md", ".markdown")):
        return
    fields = header_fields(content.source_path)
    keep_title_as_text(content, fields)
    check_review_dates(content, fields)
    check_images(content)


def add_tables_of_contents(generator) -> None:
    """After every content_object_init receiver ran (other plugins append sections,
    e.g. References), list each article's and page's h2 sections."""
    items = list(getattr(generator, "articles", [])) + list(getattr(generator, "pages", []))
    items += list(getattr(generator, "translations", [])) + list(getattr(generator, "drafts", []))
    for content in items:
        content.toc_items = sections(content._content)


def register():
    signals.readers_init.connect(add_reader)
    signals.content_object_init.connect(on_content_init)
    signals.article_generator_finalized.connect(add_tables_of_contents)
    signals.page_generator_finalized.connect(add_tables_of_contents)
