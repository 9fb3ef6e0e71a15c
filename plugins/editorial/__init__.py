"""Editorial plugin: review metadata and titles that stay text.

Why it exists:

* A health page must say when it was last checked and when it will be checked
  again. Articles carry ``Author``, ``Reviewer``, ``Last_reviewed`` and an
  optional ``Next_review`` (default: ``EDITORIAL_REVIEW_INTERVAL_MONTHS`` after
  ``Last_reviewed``). A date that does not parse, a review date in the future,
  or a next review before the last one is an *error*; a page past its next
  review is a *warning* (so ``make publish``, which runs with
  ``--fatal warnings``, refuses to publish it).
* Pelican typogrifies ``title`` as if it were HTML. A title such as
  ``Dose <0.5 mg/kg & "PTSD"`` must reach the page literally, so we keep the
  raw text as ``title_text`` (for ``<title>``, meta tags and JSON-LD, where
  Jinja escapes it) and rebuild ``title`` as typogrified *escaped* HTML.

* Images in the content load lazily and must not shift the layout (see
  ``check_images``); each article's ``h2`` sections become ``toc_items`` for the
  table of contents once every other plugin has added its sections.

Every message names the file and the line of the offending front-matter field:
``content/articles/x.md:5: error: ...``.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re

from markupsafe import Markup
from pelican import signals
from pelican.contents import Article, Page

from .frontmatter import header_fields
from .toc import sections

logger = logging.getLogger(__name__)

REQUIRED_ARTICLE_FIELDS = ("author", "reviewer", "last_reviewed")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def parse_iso_date(value: str) -> dt.date:
    """Parse ``YYYY-MM-DD`` strictly; raise ValueError with a writer-friendly message."""
    value = str(value).strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-03"
        ) from None


def today(settings) -> dt.date:
    configured = settings.get("EDITORIAL_TODAY") or ""
    return dt.date.fromisoformat(configured) if configured else dt.date.today()


class _Reporter:
    """Formats ``path:line: level: message`` for one source file."""

    def __init__(self, source_path: str, fields):
        self.path = os.path.relpath(source_path)
        self.fields = fields

    def _where(self, field: str | int | None) -> str:
        """``field`` is a front-matter field name, or a line number in the body."""
        if isinstance(field, int):
            line = field
        else:
            line = self.fields.get(field, (1, ""))[0] if field else 1
        return f"{self.path}:{line}"

    def error(self, field, message, *args):
        logger.error("%s: error: " + message, self._where(field), *args)

    def warning(self, field, message, *args):
        logger.warning("%s: warning: " + message, self._where(field), *args)


def keep_title_as_text(content, fields) -> None:
    raw = fields.get("title", (None, None))[1]
    if raw is None:
        return
    content.title_text = raw
    escaped = html.escape(raw, quote=False)
    if content.settings.get("TYPOGRIFY"):
        from typogrify.filters import typogrify

        escaped = typogrify(escaped, content.settings.get("TYPOGRIFY_IGNORE_TAGS"))
    content.title = Markup(escaped)


def check_review_dates(content, fields) -> None:
    report = _Reporter(content.source_path, fields)
    settings = content.settings
    meta = content.metadata

    if isinstance(content, Article):
        for field in REQUIRED_ARTICLE_FIELDS:
            if not str(meta.get(field, "")).strip():
                report.error(
                    None,
                    "missing %r in the front matter (every article needs %s)",
                    field.capitalize(),
                    ", ".join(f.capitalize() for f in REQUIRED_ARTICLE_FIELDS),
                )
    if "reviewer" in meta:
        content.reviewer = str(meta["reviewer"]).strip()

    # Pelican copies raw metadata onto the object; replace the strings with dates
    # (or None when they do not parse) so no template or plugin sees a string.
    content.last_reviewed = content.next_review = None
    last = next_ = None
    for field in ("last_reviewed", "next_review"):
        if field not in meta:
            continue
        try:
            value = parse_iso_date(meta[field])
        except ValueError as exc:
            report.error(field, "%s: %s", field.capitalize(), exc)
            continue
        if field == "last_reviewed":
            last = value
        else:
            next_ = value

    if last is None:
        return
    content.last_reviewed = last
    now = today(settings)
    if last > now:
        report.error(
            "last_reviewed",
            "Last_reviewed %s is in the future (today is %s)",
            last.isoformat(),
            now.isoformat(),
        )
    interval = int(settings.get("EDITORIAL_REVIEW_INTERVAL_MONTHS", 12))
    if next_ is None and "next_review" not in meta:
        next_ = add_months(last, interval)
    content.next_review = next_
    if next_ is None:
        return
    if next_ <= last:
        report.error(
            "next_review",
            "Next_review %s must come after Last_reviewed %s",
            next_.isoformat(),
            last.isoformat(),
        )
    elif next_ < now:
        report.warning(
            "next_review" if "next_review" in meta else "last_reviewed",
            "review overdue: Next_review was %s; review the page and update "
            "Last_reviewed",
            next_.isoformat(),
        )


IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
IMG_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
MODERN_IMAGE = (".webp", ".avif", ".svg")


def check_images(content, fields) -> None:
    """Images load lazily and never shift the layout: every ``<img>`` gets
    ``loading="lazy" decoding="async"``, and one without ``width`` and ``height`` or
    not in a modern format (WebP, AVIF, SVG) is a warning, so ``make publish``
    refuses it. Write ``![Alt](pic.webp){: width="800" height="450" }``."""
    html_text = content._content or ""
    if "<img" not in html_text:
        return
    try:
        with open(content.source_path, encoding="utf-8") as handle:
            source_lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        source_lines = []

    def line_of(src: str) -> int:
        name = os.path.basename(src.split("?", 1)[0])
        return next((n for n, text in enumerate(source_lines, 1) if name and name in text), 1)

    report = _Reporter(content.source_path, fields)

    def fix(match) -> str:
        tag = match[0]
        attrs = dict(IMG_ATTR.findall(tag))
        src = attrs.get("src", "")
        if not ("width" in attrs and "height" in attrs):
            report.warning(line_of(src), "image %r has no width and height; add them "
                           '({: width="…" height="…" }) so the page does not shift', src)
        if not src.split("?", 1)[0].lower().endswith(MODERN_IMAGE):
            report.warning(line_of(src), "image %r: use WebP, AVIF or SVG", src)
        extra = "".join(f' {name}="{value}"' for name, value in (("loading", "lazy"), ("decoding", "async"))
                        if name not in attrs)
        return tag[:-2].rstrip() + extra + " />" if tag.endswith("/>") else tag[:-1] + extra + ">"

    content._content = IMG_TAG.sub(fix, html_text)


def on_content_init(content) -> None:
    if not isinstance(content, (Article, Page)) or not content.source_path:
        return
    if not content.source_path.endswith((".md", ".markdown")):
        return
    fields = header_fields(content.source_path)
    keep_title_as_text(content, fields)
    check_review_dates(content, fields)
    check_images(content, fields)


def add_tables_of_contents(generator) -> None:
    """After every content_object_init receiver ran (other plugins append sections,
    e.g. References), list each article's and page's h2 sections."""
    items = list(getattr(generator, "articles", [])) + list(getattr(generator, "pages", []))
    items += list(getattr(generator, "translations", [])) + list(getattr(generator, "drafts", []))
    for content in items:
        content.toc_items = sections(content._content)


def register():
    signals.content_object_init.connect(on_content_init)
    signals.article_generator_finalized.connect(add_tables_of_contents)
    signals.page_generator_finalized.connect(add_tables_of_contents)
