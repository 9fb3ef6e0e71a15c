"""Author mistakes: one error type and one reporter, for this plugin and any
other plugin or tool of a site.

An author mistake is reported as one line, ``path:line: error: message`` (or
``path: error: message`` where no line applies), logged through Pelican's
logger, so plain ``pelican`` shows it and ``pelican --fatal errors`` fails on
it. The record also carries the fields in ``extra=`` (``author_path``,
``author_line``, ``author_message``, ``author_level``), so a build wrapper reads
them (``is_author_record``) instead of parsing log text.

    from pelican.plugins.faq_citations.errors import AuthorError, report

    report(AuthorError("missing 'Title'; add 'Title: ...'", line=1, path=path))
    report("Next_review is before Last_reviewed", path=path, line=4, level="warning")

Nothing here imports Pelican: the Markdown extension raises these errors on its
own (under MkDocs, say), and only the reporter's logger is Pelican's.
"""

from __future__ import annotations

import logging
import os

LOGGER_NAME = "pelican.plugins.faq_citations"
FIELDS = ("author_path", "author_line", "author_message", "author_level")
LEVELS = {"error": logging.ERROR, "warning": logging.WARNING}


class AuthorError(Exception):
    """A mistake an author made (not a bug): where it is and how to fix it.

    ``line`` is 1-based in the source file (a metadata header counts), or
    ``None`` when it cannot be known; ``path`` names the file, when known.
    ``str()`` is the message alone; ``describe()`` the whole one line.
    """

    def __init__(self, message: str, line: int | None = None, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path

    def describe(self, path: str | None = None) -> str:
        return format_line(path or self.path, self.line, self.message)


class FaqCitationsError(AuthorError):
    """An author mistake in a Markdown document (a citation or an FAQ block)."""


class FaqCitationsErrors(FaqCitationsError):
    """Every author mistake of one document (or bibliography), in line order.

    A ``FaqCitationsError`` itself -- the first mistake's message and line -- so
    code that catches one still works; ``errors`` holds all of them and
    ``describe()`` gives one line per mistake."""

    def __init__(self, errors):
        errors = list(errors)
        first = errors[0]
        AuthorError.__init__(self, first.message, first.line, first.path)
        self.errors = errors

    def describe(self, path: str | None = None) -> str:
        return "\n".join(error.describe(path) for error in self.errors)


def each_error(error: AuthorError) -> list[AuthorError]:
    """The mistakes an exception carries: its ``errors``, or itself."""
    return list(getattr(error, "errors", None) or [error])


class BibliographyError(FaqCitationsError):
    """A malformed bibliography file, or a key defined twice (``path`` names the file)."""

    def __init__(self, path: str, line: int | None, message: str):
        super().__init__(message, line, path)


class FaqCitationsConfigError(Exception):
    """A configuration mistake (unknown CSL style, missing bibliography), raised at start-up."""


class BuildStopped(Exception):
    """The build stops after mistakes that were each reported already (a broken
    bibliography would publish half-parsed references); a wrapper prints no more
    than this summary (``already_reported``)."""

    already_reported = True


def format_line(path: str | None, line: int | None, message: str, level: str = "error") -> str:
    """The one line: ``path:line: level: message``; the only place it is built."""
    where = (f"{path}:{line}" if line else path) if path else ""
    return f"{where}: {level}: {message}" if where else f"{level}: {message}"


def report(
    mistake: AuthorError | str,
    *,
    path: str | os.PathLike | None = None,
    line: int | None = None,
    level: str = "error",
    logger: logging.Logger | None = None,
) -> None:
    """Log one author mistake as its one line, with its fields in ``extra=``.

    ``path`` (made relative to the working directory) and ``line`` override the
    error's own. Under ``pelican --fatal errors`` Pelican's logger raises after
    logging an error, as it does for its own errors.
    """
    if isinstance(mistake, AuthorError):
        message = mistake.message
        path = path if path is not None else mistake.path
        line = line if line is not None else mistake.line
    else:
        message = str(mistake)
    shown = os.path.relpath(path) if path else None
    extra = dict(zip(FIELDS, (shown, line, message, level), strict=True))
    (logger or logging.getLogger(LOGGER_NAME)).log(
        LEVELS[level], "%s", format_line(shown, line, message, level), extra=extra
    )


def is_author_record(record: logging.LogRecord) -> bool:
    """Whether ``record`` was logged by ``report`` (and so carries the fields)."""
    return getattr(record, "author_message", None) is not None


class BibliographyErrors(FaqCitationsErrors, BibliographyError):
    """Every problem of a set of bibliography files (``errors``), as one exception."""
