"""Exceptions that carry the writer's file and line, so a build prints one
line (``path:line: error: message``) instead of a traceback.

The build wrapper (``tools/build.py``) prints a reader exception as
``path:LINE: error: str(exc)`` when it has an int ``line``; the message itself
therefore never repeats the path.
"""

from __future__ import annotations


class FaqCitationsError(Exception):
    """An author mistake in a Markdown document.

    ``line`` is 1-based in the source file (a metadata header counts), or
    ``None`` when it cannot be known (e.g. a citation in a ``Summary:`` field).
    """

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class BibliographyError(FaqCitationsError):
    """A malformed bibliography file, or a key defined twice.

    ``path`` names the file; ``line`` the line in it. ``str()`` is the message
    alone; ``describe()`` gives the whole ``path:line: error: message`` line.
    """

    def __init__(self, path: str, line: int | None, message: str):
        super().__init__(message, line)
        self.path = path

    def describe(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: error: {self.message}"


class FaqCitationsConfigError(Exception):
    """A configuration mistake (unknown CSL style, missing bibliography), raised at start-up."""
