"""FAQ blocks: ``::: faq "Title"`` fences, one ``<details>`` per ``### question``,
and the page's ``FAQPage`` JSON-LD.

The fence preprocessor checks every fence with the writer's line numbers and
replaces fences and questions with marker blocks; ``FaqBlockProcessor`` builds
the block from them; ``faq_items`` gives each question its id and its answer as
plain text once the tree is complete (after citations are numbered).
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import util
from markdown.blockprocessors import BlockProcessor
from markdown.extensions.toc import slugify, unique
from markdown.preprocessors import Preprocessor

from .citations import CITE_INDEX_ATTR

BLOCK_NAME = "faq"
DEFAULT_FAQ_TITLE = "Frequently asked questions"

FENCE_RE = re.compile(r"^ {0,3}(:{3,})(.*)$")
FENCE_ARGS_RE = re.compile(r"^(?:\{\s*\.(?P<cls>[^\s{}]+)\s*\}|(?P<name>[^\s\"“]+))\s*(?P<title>.*?)$")
TITLE_RE = re.compile(r'^(?:"(?P<straight>.*)"|“(?P<curly>.*)”)$')
QUESTION_RE = re.compile(r"^###(?!#)(?P<text>.*)$")
CODE_FENCE_RE = re.compile(r"^ {0,3}(```|~~~)")
# '#' and '##' would end the FAQ section in the page's outline ('####' may head part of an answer).
OUTER_HEADING_RE = re.compile(r"^ {0,3}(?P<hashes>#{1,2})(?:[ \t]+|$)(?P<text>.*)$")
CUSTOM_ID_RE = re.compile(r"\s*\{\s*#(?P<id>[A-Za-z][\w:.-]*)\s*\}\s*$")

MARKER = util.STX + "faqcitations:{}" + util.ETX
OPEN_MARKER_RE = re.compile(re.escape(util.STX) + r"faqcitations:open:(\d+)" + re.escape(util.ETX))
QUESTION_MARKER_RE = re.compile(re.escape(util.STX) + r"faqcitations:q:(\d+)" + re.escape(util.ETX))
CLOSE_MARKER = MARKER.format("close")
ESCAPED_CHAR_RE = re.compile(re.escape(util.STX) + r"(\d+)" + re.escape(util.ETX))  # a backslash escape
TAG_RE = re.compile(r"<[^>]*>")
CITATION_GAP = "\x00"  # where a citation was, so the space before it goes too

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
        ignored = 0  # fences opened by a mistake (reported): their ':::' closes nothing of ours
        in_code = False  # inside a ``` or ~~~ code block of an answer (its '#' lines are code)
        for index, line in enumerate(lines):
            fence = FENCE_RE.match(line)
            if fence:
                rest = re.sub(r"\s*:{3,}\s*$", "", fence.group(2)).strip()
                if not rest:
                    if ignored:
                        ignored -= 1
                        output.append("")
                        continue
                    if current is None:
                        ext.fail(index, "':::' closes no block; remove it, or open a block with '::: faq'")
                        output.append("")
                        continue
                    self._check_complete(current, question)
                    output += ["", CLOSE_MARKER, ""]
                    current = question = None
                    continue
                title = self._parse_opening(index, rest)
                if title is None:
                    ignored += 1
                    output.append("")
                    continue
                if current is not None:
                    ext.fail(
                        index,
                        f"an FAQ block cannot contain another block; close the FAQ block opened at line "
                        f"{ext.source_line(current.line_index)} with ':::' first",
                    )
                    ignored += 1
                    output.append("")
                    continue
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
                    if not text:
                        question.answered = True  # reported already
                    current.questions.append(question)
                    output += ["", MARKER.format(f"q:{len(current.questions) - 1}"), ""]
                    continue
                if CODE_FENCE_RE.match(line):
                    in_code = not in_code
                heading = None if in_code else OUTER_HEADING_RE.match(line)
                if heading:
                    hashes = heading.group("hashes")
                    ext.fail(
                        index,
                        f"a '{hashes}' heading inside an FAQ block ({heading.group('text').strip()[:60]!r}); "
                        "an answer cannot start a section: write '### ' for a question, or close the block "
                        "with ':::' before the heading",
                    )
                    output.append("")
                    continue
                if question is not None and line.strip():
                    question.answered = True
            output.append(line)
        if current is not None:
            ext.fail(
                current.line_index,
                "this '::: faq' block is never closed; add a line ':::' after its last answer",
            )
            output += ["", CLOSE_MARKER, ""]
        return output

    def _parse_opening(self, index: int, rest: str) -> str | None:
        """The block's title, after checking its name (only ``faq`` exists);
        None for an unknown block (reported)."""
        ext = self.extension
        args = FENCE_ARGS_RE.match(rest)
        block_type = (args.group("cls") or args.group("name")) if args else rest
        if block_type.lower() != BLOCK_NAME:
            ext.fail(index, f"unknown block type {block_type!r} after ':::'; known types: '{BLOCK_NAME}'")
            return None
        title_text = args.group("title").strip() if args else ""
        if not title_text:
            return ext.getConfig("faq_title")
        title = TITLE_RE.match(title_text)
        if not title or not (title.group("straight") or title.group("curly") or "").strip():
            ext.fail(
                index,
                f"write the FAQ title in double quotes, e.g. '::: faq \"{title_text.strip(chr(34))}\"'",
            )
            return title_text.strip().strip('"“”') or ext.getConfig("faq_title")
        return (title.group("straight") or title.group("curly")).strip()

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


def faq_items(md, questions, ids: set) -> list[dict]:
    """Give each rendered question its id (custom, or a unique slug of its text)
    and return ``[{"id", "question", "answer"}]`` with plain-text answers."""
    items = []
    for number, question in enumerate(questions, start=1):
        text = plain_text(md, question.summary)
        base = question.spec.custom_id or slugify(text, "-").strip("-") or f"question-{number}"
        question_id = base if question.spec.custom_id else unique(base, ids)
        ids.add(question_id)
        question.details.set("id", question_id)
        parts = (plain_text(md, child) for child in question.details if child is not question.summary)
        answer = "\n".join(filter(None, parts))
        items.append({"id": question_id, "question": text, "answer": answer})
    return items


def plain_text(md, element) -> str:
    """Text of an element as a reader sees it: stashed HTML resolved, tags
    dropped, citations left out (with the space before them)."""
    tail, element.tail = element.tail, None
    try:
        text = "".join(_texts(element))
    finally:
        element.tail = tail
    text = util.HTML_PLACEHOLDER_RE.sub(lambda match: _stashed_text(md, match), text)
    text = ESCAPED_CHAR_RE.sub(lambda m: chr(int(m.group(1))), text)
    text = re.sub(r"\s*" + CITATION_GAP, "", text)
    return " ".join(text.split())


def _texts(element):
    if CITE_INDEX_ATTR in element.attrib:
        yield CITATION_GAP
    else:
        if element.text:
            # code spans hold their text already escaped
            yield html.unescape(element.text) if element.tag == "code" else element.text
        for child in element:
            yield from _texts(child)
    if element.tail:
        yield element.tail


def _stashed_text(md, match) -> str:
    try:
        raw = md.htmlStash.rawHtmlBlocks[int(match.group(1))]
    except (IndexError, ValueError):
        return ""
    if isinstance(raw, str):
        return html.unescape(TAG_RE.sub("", raw))
    return "".join(raw.itertext())
