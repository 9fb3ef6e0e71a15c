"""Editorial plugin: review dates, titles that stay text, images, and the
table of contents -- one module per job; this module holds the receivers.

Why it exists:

* ``review.py``: a health page says when it was last checked and when it will
  be checked again (the rule, pure, shared with tools/content_report.py).
* ``titles.py``: a title reaches the page literally.
* ``images.py``: images load lazily and never shift the layout.
* ``reading.py``: a file the reader cannot read (not UTF-8, a bad date,
  unreadable) is reported with its file and line, not just "Could not process".
* ``strict.py``: dates only as ISO 8601, and no placeholder text of the
  ``make newpost`` scaffold outside a draft.
* ``toc.py``: each article's ``h2`` sections become ``toc_items`` once every
  other plugin has added its sections.

Every mistake of a file is reported in one run, in line order; when Pelican
cannot read a file at all, its front matter is still checked (``reading.py``).

Every message is an author mistake reported through faq_citations' reporter,
naming the file and the line of the offending front-matter field:
``content/articles/x.md:5: error: ...``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from pelican import signals
from pelican.contents import Article, Page
from pelican.plugins.faq_citations.errors import report

from .frontmatter import header_entries, header_fields
from .images import DropPelicanEmptyAlt, check_images
from .reading import add_reader
from .review import add_months, parse_iso_date, review_dates
from .strict import (
    category_problem,
    date_problems,
    field_problems,
    is_draft,
    meant_fields,
    placeholder_problems,
    summary_problem,
)
from .titles import keep_title_as_text
from .toc import sections

__all__ = ["add_months", "front_matter_problems", "parse_iso_date", "register", "review_dates"]

REQUIRED_ARTICLE_FIELDS = ("author", "reviewer", "last_reviewed")


def today(settings) -> dt.date:
    configured = settings.get("EDITORIAL_TODAY") or ""
    return dt.date.fromisoformat(configured) if configured else dt.date.today()


def field_line(fields, field: str | None) -> int:
    """The line of a front-matter field (1 when it is missing)."""
    return fields.get(field, (1, ""))[0] if field else 1


def front_matter_problems(meta, fields, *, article: bool, settings, lines=None,
                          entries=None) -> list[tuple[int, str, str]]:
    """Every front-matter mistake of one file, in line order: ``[(line, level, message)]``.

    ``meta`` holds the values (Pelican's metadata, or the raw ``fields`` when Pelican
    could not read the file), ``fields`` the raw text and line of each field, ``lines``
    the whole file (for the scaffold's placeholders), ``entries`` every field as written
    (``header_entries``: unknown and repeated fields)."""
    found: list[tuple[int, str, str]] = []
    if not str(meta.get("title", "")).strip():
        # Pelican then skips the file ("Skipping x: could not find information about 'title'").
        found.append((1, "error", "missing 'Title' in the front matter; add a line 'Title: ...' at the top"))
    extra = settings.get("EDITORIAL_EXTRA_FIELDS", ())
    misspelt = meant_fields(entries, extra) if entries is not None else set()
    if article:
        for field in REQUIRED_ARTICLE_FIELDS:
            if not str(meta.get(field, "")).strip() and field not in misspelt:  # the typo's line says it
                names = ", ".join(f.capitalize() for f in REQUIRED_ARTICLE_FIELDS)
                found.append((1, "error", f"missing {field.capitalize()!r} in the front matter "
                                          f"(every article needs {names})"))
    found += [(line, "error", message) for line, message in date_problems(fields)]
    if entries is not None:
        found += [(line, "error", message)
                  for line, message in field_problems(entries, extra)]
    if "category" in fields:
        problem = category_problem(fields["category"][1], settings.get("TOPIC_ORDER") or ())
        if problem:
            found.append((fields["category"][0], "error", problem))
    long_summary = summary_problem(fields)
    if long_summary and not is_draft(fields):
        found.append((long_summary[0], "error", long_summary[1]))
    interval = int(settings.get("EDITORIAL_REVIEW_INTERVAL_MONTHS", 12))
    _last, _next, problems = review_dates(meta, today(settings), interval)
    found += [(field_line(fields, p.field), p.level, p.message) for p in problems]
    if lines is not None and not is_draft(fields):
        found += [(line, "error", message) for line, message in placeholder_problems(lines)]
    return sorted(found, key=lambda problem: problem[0])


def source_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def report_all(path: str, problems) -> None:
    for line, level, message in problems:
        report(message, path=path, line=line, level=level)


def check_front_matter(content, fields) -> None:
    settings = content.settings
    meta = content.metadata
    if "reviewer" in meta:
        content.reviewer = str(meta["reviewer"]).strip()
    # Pelican copies raw metadata onto the object; replace the strings with dates
    # (or None when they do not parse) so no template or plugin sees a string.
    interval = int(settings.get("EDITORIAL_REVIEW_INTERVAL_MONTHS", 12))
    content.last_reviewed, content.next_review, _ = review_dates(meta, today(settings), interval)
    report_all(content.source_path, front_matter_problems(
        meta, fields, article=isinstance(content, Article), settings=settings,
        lines=source_lines(content.source_path), entries=header_entries(content.source_path)))


def unreadable_file_problems(path: str, settings) -> list[tuple[int, str, str]]:
    """For a file Pelican could not read: its front-matter mistakes, from the raw text."""
    fields = header_fields(path)
    if not fields:
        return []
    relative = os.path.relpath(path, settings.get("PATH", "."))
    article = any(relative == folder or relative.startswith(folder.rstrip("/") + os.sep)
                  for folder in settings.get("ARTICLE_PATHS", []))
    meta = {name: value for name, (_line, value) in fields.items()}
    return front_matter_problems(meta, fields, article=article, settings=settings, lines=source_lines(path),
                                 entries=header_entries(path))


_written: dict[str, object] = {}  # this run's pages by save_as: the content that writes each


def start_run(generator) -> None:
    """``generator_init``: every generator of a run is made before any file is read."""
    _written.clear()


def plugin_pages() -> dict[str, str]:
    """The pages faq_citations writes by default (/faq/, /sources/), by setting name."""
    try:
        from pelican.plugins.faq_citations.pelican_glue import DEFAULTS  # noqa: PLC0415
    except ImportError:
        return {}
    return {name: value for name, value in DEFAULTS.items() if name.endswith("_SAVE_AS")}


def check_one_page_per_file(content, fields) -> None:
    """Two files may not write the same page (Pelican would stop with a lineless
    "Failed to overwrite"): the one whose Slug or Save_as made the clash (else the later
    one) is an error naming the other, and is not written."""
    save_as = content.save_as
    if not save_as:
        return  # Save_as: "" -- not written
    first = _written.setdefault(save_as, content)
    if first is content:
        setting = next((name for name, value in {**plugin_pages(), **content.settings}.items()
                        if name.endswith("_SAVE_AS") and value == save_as and "{" not in str(value)), None)
        if setting is not None:  # a page of the settings (index, FAQ, sources, ...)
            _not_written(content, fields, save_as, f"the {setting} setting's page", same_slug=False)
        return
    first_fields = header_fields(first.source_path)
    if not ({"slug", "save_as"} & set(fields)) and {"slug", "save_as"} & set(first_fields):
        _written[save_as] = content  # the earlier file's own Slug or Save_as made the clash
        content, fields, first = first, first_fields, content
    _not_written(content, fields, save_as, os.path.relpath(first.source_path),
                 same_slug=getattr(content, "slug", None) == getattr(first, "slug", None))


def _not_written(content, fields, save_as: str, other: str, *, same_slug: bool) -> None:
    field = "save_as" if "save_as" in fields else "slug"
    report(f"this file writes the same page ({save_as}) as {other}; give one of them another "
           f"{'Save_as' if field == 'save_as' else 'Slug or file name'}",
           path=content.source_path, line=field_line(fields, field if field in fields else None))
    if same_slug:
        content.slug = f"{content.slug}-duplicate"  # not Pelican's lineless "2 items with slug" too
    content.override_save_as = ""  # Pelican's writer skips an empty name


def on_content_init(content) -> None:
    if not isinstance(content, (Article, Page)) or not content.source_path:
        return
    if not content.source_path.endswith((".md", ".markdown")):
        return
    fields = header_fields(content.source_path)
    check_one_page_per_file(content, fields)
    keep_title_as_text(content, fields)
    check_front_matter(content, fields)
    check_images(content)


def add_tables_of_contents(generator) -> None:
    """After every content_object_init receiver ran (other plugins append sections,
    e.g. References), list each article's and page's h2 sections."""
    items = list(getattr(generator, "articles", [])) + list(getattr(generator, "pages", []))
    items += list(getattr(generator, "translations", [])) + list(getattr(generator, "drafts", []))
    for content in items:
        content.toc_items = sections(content._content)


def register():
    log = logging.getLogger("pelican.readers")
    if not any(isinstance(f, DropPelicanEmptyAlt) for f in log.filters):
        log.addFilter(DropPelicanEmptyAlt())
    signals.generator_init.connect(start_run)
    signals.readers_init.connect(add_reader)
    signals.content_object_init.connect(on_content_init)
    signals.article_generator_finalized.connect(add_tables_of_contents)
    signals.page_generator_finalized.connect(add_tables_of_contents)
