"""The one error type and one reporter (errors.py): the line, and the fields a build
wrapper reads instead of the text."""

from __future__ import annotations

import logging
import os

import pytest
from pelican.plugins.faq_citations.errors import (
    FIELDS,
    LOGGER_NAME,
    AuthorError,
    BibliographyError,
    FaqCitationsError,
    format_line,
    is_author_record,
    report,
)


@pytest.mark.parametrize(
    ("path", "line", "level", "expected"),
    [
        ("a.md", 3, "error", "a.md:3: error: m"),
        ("a.md", None, "error", "a.md: error: m"),
        (None, 3, "error", "error: m"),
        (None, None, "warning", "warning: m"),
        ("a.md", 7, "warning", "a.md:7: warning: m"),
    ],
)
def test_format_line(path, line, level, expected):
    assert format_line(path, line, "m", level) == expected


def test_author_error_is_its_message_and_describes_its_line():
    error = AuthorError("missing 'Title'", line=1, path="a.md")
    assert (str(error), error.message) == ("missing 'Title'", "missing 'Title'")
    assert (error.line, error.path) == (1, "a.md")
    assert error.describe() == "a.md:1: error: missing 'Title'"
    assert error.describe("b.md") == "b.md:1: error: missing 'Title'"
    assert AuthorError("m").describe() == "error: m"


def test_error_types():
    bib = BibliographyError("refs.bib", 4, "malformed BibTeX")
    assert isinstance(bib, FaqCitationsError) and isinstance(bib, AuthorError)
    assert (bib.path, bib.line, str(bib)) == ("refs.bib", 4, "malformed BibTeX")


@pytest.fixture
def records():
    """The records the reporter's logger emits during the test. Pelican's loggers show a
    warning only once per process (LimitFilter); forget what earlier tests showed."""
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.clear()
    caught: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            caught.append(record)

    logger = logging.getLogger(LOGGER_NAME)
    handler = Keep(level=logging.DEBUG)
    logger.addHandler(handler)
    yield caught
    logger.removeHandler(handler)


def test_report_logs_one_line_with_its_fields(records, tmp_path):
    path = os.path.join("content", "a.md")
    report(AuthorError("unknown key", line=5, path=path))
    [record] = records
    assert record.levelno == logging.ERROR and record.name == LOGGER_NAME
    assert record.getMessage() == f"{path}:5: error: unknown key"
    assert [getattr(record, name) for name in FIELDS] == [path, 5, "unknown key", "error"]
    assert is_author_record(record)


def test_report_arguments_override_the_errors_own(records):
    report(AuthorError("m", line=5, path="a.md"), path="b.md", line=9, level="warning")
    [record] = records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "b.md:9: warning: m"
    assert (record.author_path, record.author_line, record.author_level) == ("b.md", 9, "warning")


def test_report_a_message_and_make_the_path_relative(records):
    report("Next_review is before Last_reviewed", path=os.path.abspath("x.md"), line=4, level="warning")
    [record] = records
    assert record.getMessage() == "x.md:4: warning: Next_review is before Last_reviewed"
    assert record.author_message == "Next_review is before Last_reviewed"


def test_report_without_a_path(records):
    report("no file")
    [record] = records
    assert record.getMessage() == "error: no file" and record.author_path is None


def test_report_to_another_logger():
    caught = []
    logger = logging.getLogger("tests.other")
    handler = logging.Handler()
    handler.emit = caught.append
    logger.addHandler(handler)
    try:
        report("m", path="a.md", logger=logger)
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in caught] == ["a.md: error: m"]


def test_an_ordinary_record_is_not_an_author_record():
    record = logging.LogRecord("pelican", logging.ERROR, __file__, 1, "Could not process %s", ("a.md",), None)
    assert not is_author_record(record)
