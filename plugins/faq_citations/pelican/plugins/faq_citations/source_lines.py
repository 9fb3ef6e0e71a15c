"""Source lines: which line of the writer's file a problem is on, and the
helpers that raise a ``FaqCitationsError`` with it.

Python-Markdown keeps no line numbers. Two preprocessors keep the document as
written (metadata header included) and the body the ``meta`` extension leaves;
``source_line`` maps a line as the fence preprocessor saw it (code already
stashed) back to the file; ``block_line`` finds where a block's inline text
starts (for a citation's line).
"""

from __future__ import annotations

import difflib
import re

from markdown.preprocessors import Preprocessor


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
        # One diff per document, not one per citation: a document with HTML blocks (the
        # decision aid's cells) asks for hundreds of lines, and each diff is quadratic.
        diff = ext.line_diff
        if diff is None or diff[0] is not body or diff[1] is not parsed:
            matcher = difflib.SequenceMatcher(None, body, parsed, autojunk=False)
            diff = ext.line_diff = (body, parsed, matcher.get_opcodes())
        for tag, i1, _i2, j1, j2 in diff[2]:
            if j1 <= parsed_index < j2:
                body_index = i1 + (parsed_index - j1) if tag == "equal" else i1
                break
    return ext.body_offset + body_index + 1


MARKERS_RE = re.compile(r"^(?:\s*(?:>|[-*+]|\d+[.)]|#{1,6}|\|)?\s*)*")


def _normal(line: str) -> str:
    """A line without its list, quote, heading or table markers (and a closing ``#``/``|``)."""
    return MARKERS_RE.sub("", line.strip(), count=1).rstrip("|# ").strip()


def block_line(ext, text: str) -> int | None:
    """The 1-based source line where a block whose inline text is ``text``
    starts: the first run of lines (as the fence preprocessor saw them) that
    holds the block's lines in order -- lines equal to them once list, quote,
    heading or table markers are taken off first, then lines that merely
    contain them. ``None`` when the block is not found (text made by another
    extension)."""
    wanted = [line.strip() for line in text.split("\n")]
    lines = ext.parsed_lines
    if not wanted or not lines:
        return None
    index = ext.line_index
    if index is None or index[0] is not lines:
        normal = [_normal(line) for line in lines]
        starts: dict[str, list[int]] = {}
        for number, line in enumerate(normal):
            starts.setdefault(line, []).append(number)
        index = ext.line_index = (lines, normal, starts)
    _lines, normal, starts = index
    first = _normal(wanted[0])
    for start in starts.get(first, ()):
        if start + len(wanted) <= len(lines) and all(
            normal[start + offset] == _normal(want) for offset, want in enumerate(wanted)
        ):
            return source_line(ext, start)
    for start in range(len(lines) - len(wanted) + 1):
        if all(want in lines[start + offset] for offset, want in enumerate(wanted)):
            return source_line(ext, start)
    return None
