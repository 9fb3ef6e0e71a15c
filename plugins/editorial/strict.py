"""Strict where silence misleads: rules on the front matter as written.

* ``Date`` and ``Modified`` only as ISO 8601. Pelican reads ``01/12/2026`` as
  12 January 2026 (or 1 December, depending on the parser's guess); here any
  other form is an error naming the accepted ones.
* Every front-matter field is one Pelican or this site reads, written once: a misspelt
  ``Reviwer:`` or ``Last_reviwed:`` would otherwise be kept and never shown.
* A ``Category`` that is nearly a topic of ``TOPIC_ORDER`` (``Understandng PTSD``) is a
  typo, not a new topic.
* A ``Summary`` of at most 160 characters (the README's and the scaffold's rule: it is the
  page's description in search results and link previews, which cut a longer one).
* The ``make newpost`` scaffold's placeholder text (every piece of it starts with
  ``PLACEHOLDER``, ``[TODO: ``) may not be published: outside ``Status: draft``
  each placeholder is an error at its line.

Pure: no Pelican, no logging. ``tools/newpost.py`` imports the marker from here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

PLACEHOLDER = "[TODO: "
DATE_FIELDS = ("date", "modified")
ACCEPTED_DATES = "YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DDTHH:MM:SS+00:00 (ISO 8601)"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


# The fields Pelican reads (https://docs.getpelican.com/en/latest/content.html#file-metadata)
# and the ones this site's plugins and theme read; EDITORIAL_EXTRA_FIELDS adds more.
PELICAN_FIELDS = ("title", "date", "modified", "tags", "keywords", "category", "slug", "author",
                  "authors", "summary", "description", "lang", "translation", "status", "template",
                  "save_as", "url", "og_image")
SITE_FIELDS = ("reviewer", "last_reviewed", "next_review", "decision_aid")


def meant_fields(entries, extra=()) -> set[str]:
    """The known fields that a misspelt field of ``entries`` stands for (``reviwer`` -> ``reviewer``)."""
    known = [*PELICAN_FIELDS, *SITE_FIELDS, *(name.lower() for name in extra)]
    return {close[0] for _line, key, _written, _value in entries if key not in known
            for close in [difflib.get_close_matches(key, known, n=1, cutoff=0.75)] if close}


def field_problems(entries, extra=()) -> list[tuple[int, str]]:
    """``[(line, message)]`` for every field nobody reads (with the nearest known name)
    and every field written twice. ``entries``: ``frontmatter.header_entries``."""
    known = [*PELICAN_FIELDS, *SITE_FIELDS, *(name.lower() for name in extra)]
    found, first = [], {}
    for line, key, written, _value in entries:
        if key in first:
            found.append((line, f"{written!r} is written twice (also at line {first[key]}); keep one"))
            continue
        first[key] = line
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
            hint = (f"did you mean {close[0].capitalize()!r}?" if close
                    else "remove it (README.md's 'Front matter' lists the fields)")
            found.append((line, f"unknown front-matter field {written!r}, which nothing reads; {hint}"))
    return found


MAX_SUMMARY = 160


def summary_problem(fields: dict[str, tuple[int, str]]) -> tuple[int, str] | None:
    """``(line, message)`` when the Summary is empty or longer than ``MAX_SUMMARY`` characters."""
    if "summary" not in fields:
        return None
    line, value = fields["summary"]
    length = len(" ".join(value.split()))
    if not length:
        return (line, "the Summary is empty; write one plain sentence of at most 160 characters "
                      "(or remove the line)")
    if length <= MAX_SUMMARY:
        return None
    return (line, f"the Summary has {length} characters; keep it to at most {MAX_SUMMARY} (search "
                  "results and link previews cut a longer one): one plain sentence")


def category_problem(category: str, topics) -> str | None:
    """Why ``category`` looks like a typo of one of ``topics`` (None when it does not)."""
    value = " ".join(category.split())
    if not value or not topics or value in topics:
        return None
    folded = {topic.casefold(): topic for topic in topics}
    close = [folded[value.casefold()]] if value.casefold() in folded else \
        difflib.get_close_matches(value, list(topics), n=1, cutoff=0.8)
    if not close:
        return None  # a new topic: the home page lists it after TOPIC_ORDER's
    return (f"Category {category!r} is not a topic; did you mean {close[0]!r}? "
            "(the topics are TOPIC_ORDER in pelicanconf.py)")


def date_problem(field: str, value: str) -> str | None:
    """Why ``value`` is not an accepted date for ``field`` (None when it is)."""
    value = value.strip()
    if ISO_DATE.match(value):
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return None
        except ValueError:
            return f"{field.capitalize()}: {value!r} is not a real date; write it as {ACCEPTED_DATES}"
    return f"{field.capitalize()}: {value!r} is not an ISO 8601 date; write it as {ACCEPTED_DATES}"


def date_problems(fields: dict[str, tuple[int, str]]) -> list[tuple[int, str]]:
    """``[(line, message)]`` for every ``Date``/``Modified`` not written as ISO 8601."""
    found = []
    for field in DATE_FIELDS:
        if field in fields:
            line, value = fields[field]
            problem = date_problem(field, value)
            if problem:
                found.append((line, problem))
    return found


def placeholder_problems(lines: list[str]) -> list[tuple[int, str]]:
    """``[(line, message)]`` for every line still holding the scaffold's placeholder text."""
    return [
        (number, f"placeholder text from make newpost: {_shown(line)}; write your own text "
                 "(or keep 'Status: draft' until it is ready)")
        for number, line in enumerate(lines, start=1)
        if PLACEHOLDER in line
    ]


def _shown(line: str) -> str:
    start = line.index(PLACEHOLDER)
    end = line.find("]", start)
    text = line[start:end + 1] if end > 0 else line[start:]
    return repr(text if len(text) <= 60 else text[:57] + "...")


def is_draft(fields: dict[str, tuple[int, str]]) -> bool:
    return fields.get("status", (0, ""))[1].strip().lower() == "draft"
