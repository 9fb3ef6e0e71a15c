"""The decision aid's data file: loaded with its YAML line numbers and checked.

Pure (no Pelican; PyYAML keeps the lines): ``load(path)`` returns the parsed data and a list of
``AuthorError``s, each with the line of the YAML file it is about, so the glue
reports every mistake as ``path:line: error: message`` in one build.

Shape (content/data/compare-options.yaml): ``title``, ``reviewed`` (a date),
``rows`` (``id``, ``label``), ``options`` (``id``, ``name``, ``group``,
``article`` -- a slug -- ``cells``: one per row id, and ``summary``: the same
row ids, each cell said in at most ``SUMMARY_MAX_WORDS`` words for the one-page
print view), ``questions`` (``topic``, ``items``). A cell is Markdown with at
least one ``[@key]`` citation, or ``{not_known: "why"}``. A summary only shortens
its cell: it is ``not_known`` where the cell is, cites only the cell's sources and
has no number the cell does not have.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import yaml
from pelican.plugins.faq_citations.citations import CITATION_RE, citations_in
from pelican.plugins.faq_citations.errors import AuthorError
from pelican.plugins.faq_citations.syntax import find_citations

# A link written the way Pelican's articles write it: [text]({filename}/pages/x.md).
FILENAME_LINK_RE = re.compile(r"\]\(\{(?:filename|static)\}([^)#\s]*)(#[^)\s]*)?\)")
CELL_HELP = 'write Markdown with a [@key] citation, or {not_known: "what we could not find and why"}'
# The one-page print view holds 7 options x 7 rows at 7 pt only if each summary is this short.
SUMMARY_MAX_WORDS = 30
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class Cell:
    row: str
    line: int
    markdown: str | None = None  # None: not known
    not_known: str | None = None
    links: list[tuple[str, int]] = field(default_factory=list)  # ({filename} target, line)


@dataclass
class Option:
    id: str
    name: str
    group: str
    article: str
    line: int
    article_line: int
    cells: dict[str, Cell]
    summary: dict[str, Cell] = field(default_factory=dict)


@dataclass
class DecisionAid:
    path: str
    title: str = ""
    reviewed: datetime.date | None = None
    rows: list[dict] = field(default_factory=list)  # {"id", "label"}
    options: list[Option] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)  # {"topic", "items"}
    lines: list[str] = field(default_factory=list)


class LineDict(dict):
    """A YAML mapping that knows its line and each key's and value's line (1-based)."""

    line = 1
    key_lines: dict
    value_lines: dict


class LineList(list):
    line = 1
    item_lines: list


class LineLoader(yaml.SafeLoader):
    """PyYAML's safe loader, keeping the line of every mapping, key, value and item."""

    def construct_mapping(self, node, deep=False):
        self.flatten_mapping(node)
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines, mapping.value_lines = {}, {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be plain text", key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = key_node.start_mark.line + 1
            mapping.value_lines[key] = value_node.start_mark.line + 1
        return mapping

    def construct_sequence(self, node, deep=False):
        items = LineList(self.construct_object(child, deep=True) for child in node.value)
        items.line = node.start_mark.line + 1
        items.item_lines = [child.start_mark.line + 1 for child in node.value]
        return items


LineLoader.add_constructor("tag:yaml.org,2002:map", LineLoader.construct_mapping)
LineLoader.add_constructor("tag:yaml.org,2002:seq", LineLoader.construct_sequence)


def _line(mapping, key=None) -> int:
    """1-based line of ``key``'s value in ``mapping`` (or of the mapping itself)."""
    if key is not None and isinstance(mapping, LineDict) and key in mapping.value_lines:
        return mapping.value_lines[key]
    return getattr(mapping, "line", 1)


def _key_line(mapping, key) -> int:
    if isinstance(mapping, LineDict) and key in mapping.key_lines:
        return mapping.key_lines[key]
    return _line(mapping)


def _text_line(aid: DecisionAid, start: int, needle: str, end: int | None = None) -> int:
    """The first line from ``start`` (to ``end``) whose text contains ``needle``."""
    last = min(len(aid.lines), end or len(aid.lines))
    for number in range(start, last + 1):
        if needle in aid.lines[number - 1]:
            return number
    return start


def load(path: str) -> tuple[DecisionAid, list[AuthorError]]:
    aid = DecisionAid(path=path)
    errors: list[AuthorError] = []

    def error(message: str, line: int) -> None:
        errors.append(AuthorError(message, line=line, path=path))

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as problem:
        error(f"cannot read the decision-aid data file ({problem.strerror})", 1)
        return aid, errors
    aid.lines = text.splitlines()
    try:
        data = yaml.load(text, Loader=LineLoader)  # noqa: S506 -- a SafeLoader subclass
    except yaml.MarkedYAMLError as problem:
        # Where the broken construct began (an unclosed bracket or quote), else where it broke.
        mark = problem.context_mark or problem.problem_mark
        error(
            f"not valid YAML: {problem.problem or problem.context}; check the indentation and quotes",
            mark.line + 1 if mark else 1,
        )
        return aid, errors
    except yaml.YAMLError as problem:
        error(f"not valid YAML: {problem}", 1)
        return aid, errors
    if not isinstance(data, dict):
        error("the file must be a mapping with title, reviewed, rows, options and questions", 1)
        return aid, errors

    for name in ("title", "reviewed", "rows", "options", "questions"):
        if name not in data:
            error(f"missing '{name}:' at the top level; add it (see the comments at the top of the file)", 1)
    aid.title = str(data.get("title") or "")
    reviewed = data.get("reviewed")
    if "reviewed" in data:
        if isinstance(reviewed, datetime.date) and not isinstance(reviewed, datetime.datetime):
            aid.reviewed = reviewed
        else:
            error(f"'reviewed' must be a date like 2026-12-01, not {reviewed!r}", _line(data, "reviewed"))

    row_ids: list[str] = []
    rows = data.get("rows") or []
    if not isinstance(rows, list):
        error("'rows' must be a list of {id, label}", _line(data, "rows"))
        rows = []
    for row in rows:
        line = _line(row)
        if not isinstance(row, dict) or not row.get("id") or not row.get("label"):
            error("each row needs an 'id' and a 'label'", line)
            continue
        row_id = str(row["id"])
        if row_id in row_ids:
            error(f"row id '{row_id}' is used twice; give each row its own id", _line(row, "id"))
            continue
        row_ids.append(row_id)
        aid.rows.append({"id": row_id, "label": str(row["label"])})

    options = data.get("options") or []
    if not isinstance(options, list):
        error("'options' must be a list", _line(data, "options"))
        options = []
    option_ids: set[str] = set()
    for raw in options:
        option = _option(aid, raw, row_ids, error)
        if option is None:
            continue
        if option.id in option_ids:
            error(f"option id '{option.id}' is used twice; give each option its own id", option.line)
            continue
        option_ids.add(option.id)
        aid.options.append(option)

    questions = data.get("questions") or []
    if not isinstance(questions, list):
        error("'questions' must be a list of {topic, items}", _line(data, "questions"))
        questions = []
    for group in questions:
        if not isinstance(group, dict) or not group.get("topic") or not isinstance(group.get("items"), list):
            error("each questions entry needs a 'topic' and a list of 'items'", _line(group))
            continue
        items = []
        for index, item in enumerate(group["items"]):
            if not isinstance(item, str) or not item.strip():
                error("a question must be a non-empty line of text", group["items"].item_lines[index])
                continue
            if citations_in(item):
                error(
                    "a question cannot cite a source (questions are not claims); remove the [@key]",
                    group["items"].item_lines[index],
                )
            items.append(item.strip())
        aid.questions.append({"topic": str(group["topic"]), "items": items})
    return aid, errors


def _option(aid, raw, row_ids, error) -> Option | None:
    line = _line(raw)
    if not isinstance(raw, dict):
        error("each option must be a mapping with id, name, group, article and cells", line)
        return None
    missing = [name for name in ("id", "name", "group", "article", "cells", "summary") if not raw.get(name)]
    if missing:
        which = raw.get("id") or raw.get("name") or "?"
        error(
            f"option {which!s} has no {', '.join(repr(m) for m in missing)}; "
            "every option needs id, name, group, article (a slug), cells and summary",
            line,
        )
        if "id" in missing or "name" in missing or "cells" in missing:
            return None
    option_id = str(raw["id"])
    cells_map = raw["cells"]
    if not isinstance(cells_map, dict):
        error(f"'cells' of option '{option_id}' must be a mapping of row id to cell", _line(raw, "cells"))
        return None
    cells: dict[str, Cell] = {}
    for row_id, value in cells_map.items():
        key_line = _key_line(cells_map, row_id)
        if row_id not in row_ids:
            error(
                f"unknown row id '{row_id}' in option '{option_id}'; the rows are: {', '.join(row_ids)}",
                key_line,
            )
            continue
        cell = _cell(aid, option_id, str(row_id), value, key_line, cells_map, error)
        if cell is not None:
            cells[str(row_id)] = cell
    for row_id in row_ids:
        if row_id not in cells_map:
            error(
                f"option '{option_id}' has no cell for row '{row_id}'; add '{row_id}:' under its cells "
                f"({CELL_HELP})",
                _key_line(raw, "cells"),
            )
    summary = _summary(aid, raw, option_id, row_ids, cells, error) if raw.get("summary") else {}
    return Option(
        id=option_id,
        name=str(raw["name"]),
        group=str(raw.get("group") or ""),
        article=str(raw.get("article") or ""),
        line=line,
        article_line=_line(raw, "article"),
        cells=cells,
        summary=summary,
    )


def cited_keys(text: str) -> list[str]:
    """The keys of every bracketed citation (``[@key]``, ``[@a; @b]``) in ``text``, in order,
    as the plugin's parser reads them (an in-text ``@word`` is not a citation here)."""
    return [
        item.key
        for group in find_citations(text, is_known_key=lambda key: False)
        for item in group.items
    ]


def without_citations(text: str) -> str:
    return re.sub(CITATION_RE, "", text)


def _summary(aid, raw, option_id, row_ids, cells, error) -> dict[str, Cell]:
    """``summary:``: each row's cell in a few words, from the cell's own facts and sources."""
    summary_map = raw["summary"]
    if not isinstance(summary_map, dict):
        error(
            f"'summary' of option '{option_id}' must be a mapping of row id to a short cell",
            _line(raw, "summary"),
        )
        return {}
    summary: dict[str, Cell] = {}
    for row_id, value in summary_map.items():
        key_line = _key_line(summary_map, row_id)
        if row_id not in row_ids:
            error(
                f"unknown row id '{row_id}' in the summary of option '{option_id}'; the rows are: "
                f"{', '.join(row_ids)}",
                key_line,
            )
            continue
        short = _cell(aid, option_id, str(row_id), value, key_line, summary_map, error, kind="summary")
        if short is None:
            continue
        summary[str(row_id)] = short
        where = f"summary '{row_id}' of option '{option_id}'"
        cell = cells.get(str(row_id))
        if cell is None:
            continue
        if (cell.not_known is None) != (short.not_known is None):
            kind = "{not_known: ...}" if cell.not_known else "Markdown with a [@key] citation"
            error(f"{where}: its cell is {kind}, so its summary must be {kind} too", key_line)
            continue
        text = short.markdown or short.not_known or ""
        words = sum(1 for word in without_citations(text).split() if re.search(r"\w", word))
        if words > SUMMARY_MAX_WORDS:
            error(
                f"{where} has {words} words; at most {SUMMARY_MAX_WORDS} fit the one-page print view, "
                "so say only the cell's main fact",
                key_line,
            )
        if short.links:
            error(f"{where} has a link; a summary is for print, so leave links to the cell", key_line)
        if short.markdown:
            new = [key for key in dict.fromkeys(cited_keys(text)) if key not in cited_keys(cell.markdown)]
            if new:
                error(
                    f"{where} cites {', '.join(repr(k) for k in new)}, which its cell does not; "
                    "a summary may cite only its cell's sources",
                    _text_line(aid, key_line, new[0]),
                )
        full = cell.markdown or cell.not_known or ""
        known = {n.replace(",", "") for n in NUMBER_RE.findall(without_citations(full))}
        extra = [n for n in NUMBER_RE.findall(without_citations(text)) if n.replace(",", "") not in known]
        if extra:
            error(
                f"{where} has the number {extra[0]!r}, which its cell does not have; "
                "a summary may only shorten its cell's facts",
                _text_line(aid, key_line, extra[0]),
            )
    for row_id in row_ids:
        if row_id not in summary_map:
            error(
                f"option '{option_id}' has no summary for row '{row_id}'; add '{row_id}:' under its "
                f"summary (at most {SUMMARY_MAX_WORDS} words from the cell, with its citation)",
                _key_line(raw, "summary"),
            )
    return summary


def _cell(aid, option_id, row_id, value, key_line, cells_map, error, kind="cell") -> Cell | None:
    where = f"{kind} '{row_id}' of option '{option_id}'"
    if isinstance(value, dict):
        if set(value) != {"not_known"} or not str(value.get("not_known") or "").strip():
            error(
                f'{where}: a mapping cell must be exactly {{not_known: "..."}} with a reason; {CELL_HELP}',
                key_line,
            )
            return None
        return Cell(row=row_id, line=key_line, not_known=str(value["not_known"]).strip())
    if not isinstance(value, str) or not value.strip():
        error(f"{where} is empty; {CELL_HELP}", key_line)
        return None
    # The cell's text spans from its key to the next key of the same mapping.
    keys = list(cells_map)
    index = keys.index(row_id)
    end = _key_line(cells_map, keys[index + 1]) - 1 if index + 1 < len(keys) else None
    if not citations_in(value):
        error(f"{where} has no citation; every cell needs a source: {CELL_HELP}", key_line)
        return None
    links = []
    for match in FILENAME_LINK_RE.finditer(value):
        target = match.group(1)
        line = _text_line(aid, key_line, target or match.group(0), end)
        links.append((target, line))
    return Cell(row=row_id, line=key_line, markdown=value.strip(), links=links)


def text_line(aid: DecisionAid, cell: Cell, needle: str, next_line: int | None = None) -> int:
    return _text_line(aid, cell.line, needle, next_line)
