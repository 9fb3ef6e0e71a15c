"""Source lines: which line of the writer's file a problem is on, and the
helpers that raise a ``FaqCitationsError`` with it.

Python-Markdown keeps no line numbers. Two preprocessors keep the document as
written (metadata header included) and the body the ``meta`` extension leaves;
``source_line`` maps a line as the fence preprocessor saw it (code already
stashed) back to the file.
"""

from __future__ import annotations

import difflib
import re

from markdown.preprocessors import Preprocessor

from .errors import FaqCitationsError


class SourceLinesPreprocessor(Preprocessor):
    """Keeps the document's lines as written, metadata header included."""

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines):
        self.extension.source_lines = list(lines)
        return lines


class BodyStartPreprocessor(Preprocessor):
    """Counts the header lines the ``meta`` extension removed."""

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines):
        self.extension.body_offset = len(self.extension.source_lines) - len(lines)
        self.extension.body_lines = list(lines)
        return lines


def source_line(ext, parsed_index: int) -> int:
    """1-based line in the source of line ``parsed_index`` as the fence
    preprocessor saw it (after the header was removed and code stashed)."""
    body, parsed = ext.body_lines, ext.parsed_lines
    body_index = parsed_index
    if body != parsed:
        matcher = difflib.SequenceMatcher(None, body, parsed, autojunk=False)
        for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
            if j1 <= parsed_index < j2:
                body_index = i1 + (parsed_index - j1) if tag == "equal" else i1
                break
    return ext.body_offset + body_index + 1


def fail(ext, parsed_index: int, message: str):
    raise FaqCitationsError(message, source_line(ext, parsed_index))


def fail_citation(ext, where: re.Pattern, message: str):
    """Raise for a citation; the line is the first one that ``where`` matches."""
    for index, line in enumerate(ext.parsed_lines):
        if where.search(line):
            raise FaqCitationsError(message, source_line(ext, index))
    text = "\n".join(ext.parsed_lines)
    found = where.search(text)
    if found:
        raise FaqCitationsError(message, source_line(ext, text.count("\n", 0, found.start())))
    raise FaqCitationsError(message, None)
