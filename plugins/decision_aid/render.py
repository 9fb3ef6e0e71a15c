"""The cells as HTML: one Markdown document, rendered with the site's Markdown
settings and the faq_citations extension, so the page numbers its citations in
reading order (option by option, row by row) and gets one reference list.

Each cell is a block between two HTML comment markers; the output is split at
those markers (our own, not parsed HTML). The reference list the extension
appends comes after the last marker. A citation mistake is reported with the
YAML line of the cell it is in, and that cell is dropped so the rest can render
(every mistake in one build).

The summaries (the one-page print view) cite only their cell's sources, so they
reuse the numbers the cells got: ``summaries()`` writes each citation as a plain
superscript number (no link, no preview, no back-link in the reference list).
"""

from __future__ import annotations

import re

import markdown
from pelican.plugins.faq_citations.citations import CITATION_RE
from pelican.plugins.faq_citations.errors import AuthorError
from pelican.plugins.faq_citations.extension import FaqCitationsExtension

from .data import DecisionAid, cited_keys, text_line

MARKER = "<!--decision-aid-cell-{}-->"
MARKER_RE = re.compile(r"<!--decision-aid-cell-(\d+|end)-->")
QUOTED = re.compile(r"'@?([^']+)'")
CITE_NUMBER_RE = re.compile(r'<a [^>]*href="#ref-([^"]+)"[^>]*>(\d+)</a>')


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


def citation_numbers(cells_html) -> dict[str, str]:
    """``{key: number}`` as the rendered cells show them."""
    numbers: dict[str, str] = {}
    for html in cells_html:
        for key, number in CITE_NUMBER_RE.findall(html):
            numbers.setdefault(key, number)
    return numbers


def summaries(aid: DecisionAid, cells_html: dict, typogrify=None) -> dict:
    """``{(option id, row id): html}`` for every summary written as cited text."""
    numbers = citation_numbers(cells_html.values())

    def sup(match: re.Match) -> str:
        shown = [numbers[key] for key in dict.fromkeys(cited_keys(match.group(0))) if key in numbers]
        return f'<sup class="decide-cite">{",".join(shown)}</sup>' if shown else ""

    rendered = {}
    for option in aid.options:
        for row_id, short in option.summary.items():
            if short.markdown is None:
                continue
            text = re.sub(r"\s*" + CITATION_RE, sup, short.markdown)
            html = markdown.markdown(text, output_format="html5")
            html = typogrify(html) if typogrify else html
            rendered[(option.id, row_id)] = html
    return rendered
