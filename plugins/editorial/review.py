"""Review dates: the one place the review rule lives (the plugin and
tools/content_report.py both call ``review_dates``). Pure: no Pelican, no logging.

A health page says when it was last checked and when it will be checked again:
``Last_reviewed`` and an optional ``Next_review`` (default: the review interval
after ``Last_reviewed``). A date that does not parse, a review date in the
future, or a next review before the last one is an *error*; a page past its next
review is a *warning* (so ``make publish``, which runs with ``--fatal warnings``,
refuses to publish it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake in the review dates: the front-matter field it is about."""

    field: str
    level: str  # "error" or "warning"
    message: str


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


def review_dates(
    meta, today: dt.date, interval: int
) -> tuple[dt.date | None, dt.date | None, list[Problem]]:
    """``(last_reviewed, next_review, problems)`` for the raw front-matter values in
    ``meta`` (keys ``last_reviewed``, ``next_review``); ``next_review`` defaults to
    ``interval`` months after ``last_reviewed``."""
    problems: list[Problem] = []
    parsed: dict[str, dt.date | None] = {"last_reviewed": None, "next_review": None}
    for field in parsed:
        if field not in meta:
            continue
        try:
            parsed[field] = parse_iso_date(meta[field])
        except ValueError as exc:
            problems.append(Problem(field, "error", f"{field.capitalize()}: {exc}"))
    last, next_ = parsed["last_reviewed"], parsed["next_review"]
    if last is None:
        return None, None, problems
    if last > today:
        problems.append(Problem(
            "last_reviewed", "error",
            f"Last_reviewed {last.isoformat()} is in the future (today is {today.isoformat()})",
        ))
    if next_ is None and "next_review" not in meta:
        next_ = add_months(last, interval)
    if next_ is None:
        return last, None, problems
    if next_ <= last:
        problems.append(Problem(
            "next_review", "error",
            f"Next_review {next_.isoformat()} must come after Last_reviewed {last.isoformat()}",
        ))
    elif next_ < today:
        problems.append(Problem(
            "next_review" if "next_review" in meta else "last_reviewed", "warning",
            f"review overdue: Next_review was {next_.isoformat()}; review the page and update Last_reviewed",
        ))
    return last, next_, problems
