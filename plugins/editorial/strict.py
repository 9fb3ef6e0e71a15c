"""Strict where silence misleads: rules on the front matter as written.

* ``Date`` and ``Modified`` only as ISO 8601. Pelican reads ``01/12/2026`` as
  12 January 2026 (or 1 December, depending on the parser's guess); here any
  other form is an error naming the accepted ones.
* The ``make newpost`` scaffold's placeholder text (every piece of it starts with
  ``PLACEHOLDER``, ``[TODO: ``) may not be published: outside ``Status: draft``
  each placeholder is an error at its line.

Pure: no Pelican, no logging. ``tools/newpost.py`` imports the marker from here.
"""

from __future__ import annotations

import datetime as dt
import re

PLACEHOLDER = "[TODO: "
DATE_FIELDS = ("date", "modified")
ACCEPTED_DATES = "YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DDTHH:MM:SS+00:00 (ISO 8601)"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


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
