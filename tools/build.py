"""Build the site with Pelican: every author mistake as one line, and an atomic
output swap, so a failed build never touches what was already built.

Usage: ``python -m tools.build`` with the same arguments as ``pelican`` (``-s``,
``-o``, ``-e``, ``--fatal``...).

Why not plain ``pelican --fatal errors``? Pelican stops at the first error (then
prints a traceback) and may publish into the live output folder. Here the build
goes on to find every mistake, the exit status is 1 if any error (or, with
``--fatal warnings``, any warning) was seen, and ``output/`` is only replaced by
a build without them.

The plugins report author mistakes through ``faq_citations.errors.report``;
this wrapper prints those records as they are and counts them by the fields
they carry (``is_author_record``), never by their text. Pelican's own record
about a file a plugin has already reported (``Could not process x.md``,
``Skipping x.md``) is recognised by its file argument and left out.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import tempfile
import time

from pelican import get_instance, parse_arguments
from pelican.plugins.faq_citations.errors import is_author_record
from pelican.settings import read_settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PREFIXED = re.compile(r"^\S+?(:\d+)?: (error|warning): ")


class OneLineHandler(logging.Handler):
    """Prints each log record as one line and counts errors and warnings."""

    def __init__(self, verbose: bool, hold: bool = False):
        super().__init__(level=logging.DEBUG if verbose else logging.WARNING)
        self.hold = hold  # keep author mistakes until flush(), then print them file by file in line order
        self.held: list[tuple[str, int, int, str]] = []  # (path, line, arrival, text)
        self.errors = 0
        self.warnings = 0
        self.verbose = verbose
        self.content_path = "."
        self.reported: set[str] = set()  # files a plugin has reported an author mistake in

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("Cannot get modification stamp"):
            return  # pelican.cache, for a file it cannot stat; the reader's error names the file once
        if is_author_record(record):
            # Reported by a plugin (errors.report): the line and its fields are already right.
            self.reported.add(record.author_path)
            line = record.getMessage()
        elif self._about_a_reported_file(record):
            return  # Pelican's own "Could not process x" after a plugin reported why
        else:
            line = self.format_line(record)
        if record.levelno >= logging.ERROR:
            self.errors += 1
        elif record.levelno >= logging.WARNING:
            self.warnings += 1
        if self.hold and is_author_record(record):
            self.held.append((record.author_path or "", record.author_line or 0, len(self.held), line))
        else:
            print(line, file=sys.stderr, flush=True)

    def flush(self) -> None:
        """Print the held author mistakes: the files in the order their first mistake came,
        each file's mistakes in line order, whichever plugin found them."""
        first: dict[str, int] = {}
        for path, _line, arrival, _text in self.held:
            first.setdefault(path, arrival)
        for _path, _line, _arrival, text in sorted(self.held, key=lambda m: (first[m[0]], m[1], m[2])):
            print(text, file=sys.stderr, flush=True)
        self.held = []

    def _about_a_reported_file(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        paths = {self._content_file(getattr(arg, "source_path", arg)) for arg in args if arg}
        return bool(paths & self.reported)

    def _content_file(self, value) -> str:
        return os.path.relpath(os.path.join(self.content_path, str(value)))

    def format_line(self, record: logging.LogRecord) -> str:
        """Any other record (not an author mistake): ``level: message`` on one line."""
        message = record.getMessage()
        message = " — ".join(part.strip() for part in message.splitlines() if part.strip())
        if PREFIXED.match(message):
            return message
        level = record.levelname.lower()
        return f"{level}: {message}"


def _swap_in(built: str, final: str) -> None:
    """Replace ``final`` by ``built`` with two renames; the old tree is removed last."""
    old = None
    if os.path.exists(final):
        old = tempfile.mkdtemp(prefix=".output-old-", dir=os.path.dirname(final))
        os.rmdir(old)
        os.rename(final, old)
    os.rename(built, final)
    if old:
        shutil.rmtree(old, ignore_errors=True)


# A build that never replaces good pages with bad ones (this one builds into a fresh folder,
# the devserver keeps serving the last good pages) goes on after a bibliography mistake.
KEEP_GOING = {"FAQ_CITATIONS_STOP_ON_BIBLIOGRAPHY_ERRORS": False}


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_arguments(argv)
    except ValueError as exc:  # e.g. -e KEY=value that is not JSON
        print(f"error: {exc}", file=sys.stderr)
        return 2
    verbose = bool(args.verbosity and args.verbosity <= logging.INFO)
    handler = OneLineHandler(verbose, hold=True)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(handler.level)

    settings_file = args.settings or os.path.join(ROOT, "pelicanconf.py")
    args.settings = settings_file
    final = os.path.abspath(args.output or read_settings(settings_file)["OUTPUT_PATH"])
    os.makedirs(os.path.dirname(final), exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".output-new-", dir=os.path.dirname(final))
    args.output = staging
    args.delete_outputdir = False
    # The build goes into a fresh folder swapped in only on success: a bibliography mistake
    # need not stop it, so every other page's mistakes show in the same run.
    args.overrides = {**KEEP_GOING, **(args.overrides or {})}

    started = time.perf_counter()
    try:
        pelican, settings = get_instance(args)
        handler.content_path = settings["PATH"]
        pelican.run()
    except Exception as exc:  # one line, never a traceback
        if getattr(exc, "already_reported", False):  # its lines are printed (and counted) already
            handler.errors = max(handler.errors, 1)
        else:
            handler.errors += 1
            where = ""
            if getattr(exc, "filename", None) and getattr(exc, "lineno", None):
                where = f"{os.path.relpath(exc.filename)}:{exc.lineno}: "
            print(f"{where}error: {exc.__class__.__name__}: {exc}", file=sys.stderr)

    handler.flush()
    failed = handler.errors or (args.fatal == "warnings" and handler.warnings)
    if failed:
        shutil.rmtree(staging, ignore_errors=True)
        print(
            f"Build failed: {handler.errors} error(s), {handler.warnings} warning(s). "
            f"{os.path.relpath(final)}/ was left as it was.",
            file=sys.stderr,
        )
        return 1
    _swap_in(staging, final)
    print(
        f"Built {os.path.relpath(final)}/ in {time.perf_counter() - started:.1f} s "
        f"({handler.warnings} warning(s))."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
