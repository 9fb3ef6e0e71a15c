"""The cells as HTML: one Markdown document, rendered with the site's Markdown
settings and the faq_citations extension, so the page numbers its citations in
reading order (option by option, row by row) and gets one reference list.

Each cell is a block between two HTML comment markers; the output is split at
those markers (our own, not parsed HTML). The reference list the extension
appends comes after the last marker. A citation mistake is reported with the
YAML line of the cell it is in, and that cell is dropped so the rest can render
(every mistake in one build).
"""

from __future__ import annotations

import re

import markdown
from pelican.plugins.faq_citations.errors import AuthorError
from pelican.plugins.faq_citations.extension import FaqCitationsExtension

from .data import DecisionAid, text_line

MARKER = "<!--decision-aid-cell-{}-->"
MARKER_RE = re.compile(r"<!--decision-aid-cell-(\d+|end)-->")
QUOTED = re.compile(r"'@?([^']+)'")


def markdown_document(cells) -> tuple[str, list[tuple[int, int]]]:
    """The document and, per cell, its first and last line in it (1-based)."""
    lines, spans = [], []
    for index, cell in enumerate(cells):
        lines += [MARKER.format(index), ""]
        first = len(lines) + 1
        lines += cell.markdown.splitlines()
        spans.append((first, len(lines)))
        lines.append("")
    lines += [MARKER.format("end"), ""]
    return "\n".join(lines), spans


def render(aid: DecisionAid, bibliography, settings, typogrify=None) -> tuple[dict, str, list, list]:
    """``({(option id, row id): html}, references html, cited keys, errors)``."""
    cells = [
        (option.id, cell)
        for option in aid.options
        for row in aid.rows
        if (cell := option.cells.get(row["id"])) is not None and cell.markdown is not None
    ]
    errors: list[AuthorError] = []
    config = dict(settings.get("MARKDOWN", {}))
    extension = FaqCitationsExtension(
        bibliography=bibliography,
        references_title=settings.get("FAQ_CITATIONS_REFERENCES_TITLE", "References"),
    )
    while True:
        text, spans = markdown_document([cell for _, cell in cells])
        md = markdown.Markdown(
            extensions=[*config.get("extension_configs", {}), *config.get("extensions", []), extension],
            extension_configs=config.get("extension_configs", {}),
            output_format=config.get("output_format", "html5"),
        )
        try:
            html = md.convert(text)
            break
        except AuthorError as mistake:
            index = next(
                (
                    i
                    for i, (first, last) in enumerate(spans)
                    if mistake.line and first <= mistake.line <= last
                ),
                None,
            )
            if index is None:  # not in a cell: cannot happen with our markers; report and stop
                errors.append(AuthorError(mistake.message, line=1, path=aid.path))
                return {}, "", [], errors
            option_id, cell = cells.pop(index)
            quoted = QUOTED.search(mistake.message)
            line = text_line(aid, cell, quoted.group(1)) if quoted else cell.line
            errors.append(
                AuthorError(
                    f"cell '{cell.row}' of option '{option_id}': {mistake.message}", line=line, path=aid.path
                )
            )
    parts = MARKER_RE.split(html)
    # parts: [before, "0", cell 0, "1", cell 1, ..., "end", references]
    rendered = {}
    for number, chunk in zip(parts[1::2], parts[2::2], strict=True):
        if number != "end":
            option_id, cell = cells[int(number)]
            rendered[(option_id, cell.row)] = typogrify(chunk.strip()) if typogrify else chunk.strip()
    references = parts[-1].strip() if parts[-2:-1] == ["end"] else ""
    if typogrify and references:
        references = typogrify(references)
    return rendered, references, list(getattr(md, "cited_keys", [])), errors
