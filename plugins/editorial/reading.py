"""A file Pelican's reader cannot read is an author mistake too: one line with
the file, the line where it can be known, and a fix.

Pelican logs only ``Could not process x.md`` for such a file and drops the
reason. ``ReportingReaderMixin`` wraps the Markdown reader, reports the reason
through the shared reporter (so plain ``pelican`` shows it and a wrapper reads
its fields), then lets Pelican skip the file as before. The file's front matter is checked
from its raw text all the same, so every mistake of it shows in one run. Mistakes a plugin's
Markdown extension raises (``AuthorError``) pass through to that plugin's own
reader, which reports them.
"""

from __future__ import annotations

import re

from pelican.plugins.faq_citations.errors import AuthorError, report

from .frontmatter import header_fields

MARKDOWN_FORMATS = ("md", "markdown", "mkd", "mdown")


def read_failure(path: str, exc: BaseException) -> AuthorError:
    """The author's view of ``exc``, raised while reading ``path``."""
    line = getattr(exc, "line", None) or getattr(exc, "lineno", None)
    if isinstance(exc, UnicodeDecodeError):
        try:
            with open(path, "rb") as handle:
                line = handle.read()[: exc.start].count(b"\n") + 1
        except OSError:
            line = None
        message = (
            f"the file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
            "save it with UTF-8 encoding"
        )
    elif isinstance(exc, PermissionError):
        message = "cannot read the file: permission denied"
    elif isinstance(exc, OSError):
        message = f"cannot read the file: {exc.strerror or exc}"
    elif isinstance(exc, ValueError) and not line:
        text = str(exc)
        quoted = re.search(r"'([^']+)'", text)
        line = next((number for number, value in header_fields(path).values()
                     if quoted and quoted[1] in value), None)
        message = f"{text} (dates are YYYY-MM-DD)" if "date" in text.lower() else text
    else:
        message = str(exc) or exc.__class__.__name__
    return AuthorError(message, line, path)


class ReportingReaderMixin:
    """Reports why a file could not be read, then lets Pelican skip it."""

    def read(self, source_path):
        try:
            return super().read(source_path)
        except AuthorError:
            # A plugin's own mistake (its reader reports it, after these): the
            # front matter's mistakes are still shown in the same run.
            report_front_matter(source_path, self.settings)
            raise
        except Exception as exc:
            covered = report_front_matter(source_path, self.settings)
            if not (isinstance(exc, ValueError) and covered):
                report(read_failure(source_path, exc))
            raise


def report_front_matter(path: str, settings) -> bool:
    """Report the front-matter mistakes of a file Pelican could not read; whether a
    date was among them (Pelican's own date error then says nothing more)."""
    from . import report_all, unreadable_file_problems

    problems = unreadable_file_problems(path, settings)
    report_all(path, problems)
    return any(message.startswith(("Date:", "Modified:")) for _line, _level, message in problems)


_wrapped: dict[type, type] = {}


def reporting_reader(base: type) -> type:
    """``base`` with failures reported; one subclass per base class, named like it."""
    if issubclass(base, ReportingReaderMixin):
        return base
    if base not in _wrapped:
        _wrapped[base] = type(base.__name__, (ReportingReaderMixin, base), {"__module__": __name__})
    return _wrapped[base]


def add_reader(readers) -> None:
    """``readers_init``: wrap whatever class currently reads Markdown."""
    for fmt in MARKDOWN_FORMATS:
        base = readers.reader_classes.get(fmt)
        if base is not None and getattr(base, "enabled", True):
            readers.reader_classes[fmt] = reporting_reader(base)
