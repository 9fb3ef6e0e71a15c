"""A BibTeX/BibLaTeX pre-check that names the real cause of a malformed file at
the real line, before pandoc reads it (pandoc's own messages name the end of
the file or a later line: "unexpected '}'").

Pure (imports only ``difflib`` and ``re``). It reads a ``.bib`` file as BibTeX
does -- text outside ``@type{...}`` is a comment -- and checks each entry:

* an unknown entry type (``@artcle``), with the nearest known one;
* a missing key, or a field without ``=``;
* a missing comma after a field (reported at the line where that field ends);
* a quote or brace that is never closed, at the line where it opened;
* the same field twice in one entry (both lines).

    problems = check_bibtex(text)          # [(line, message), ...] in line order
    entries = entry_lines(text)            # {key: line} of every entry
"""

from __future__ import annotations

import difflib
import re

# BibTeX's and BibLaTeX's entry types (BibLaTeX manual, 2.1), and their aliases.
ENTRY_TYPES = frozenset(
    """
    article book mvbook inbook bookinbook suppbook booklet collection mvcollection incollection
    suppcollection dataset manual misc online patent periodical suppperiodical proceedings
    mvproceedings inproceedings reference mvreference inreference report set software thesis
    unpublished xdata conference electronic mastersthesis phdthesis techreport www artwork audio
    bibnote commentary image jurisdiction legislation legal letter movie music performance review
    standard video customa customb customc customd custome customf
    """.split()
)
SPECIAL = frozenset({"comment", "preamble", "string"})
NAME_RE = re.compile(r"[^\s\"#%'(),={}]+")
ENTRY_START_RE = re.compile(r"^[ \t]*@", re.M)
FIELD_LINE_RE = re.compile(r"[ \t]*[A-Za-z_][\w\-:.+]*[ \t]*=[ \t]*[{\"0-9A-Za-z]")


class _Entry:
    def __init__(self, text: str, start: int):
        self.text, self.i, self.n = text, start, len(text)

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def spaces(self) -> None:
        while self.i < self.n and self.text[self.i].isspace():
            self.i += 1


class _Stop(Exception):
    """One problem in an entry: the checker moves on to the next entry."""

    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset, self.message = offset, message


def _next_entry_line(text: str, offset: int) -> int | None:
    """Offset of the next line that starts with ``@`` after ``offset``."""
    found = ENTRY_START_RE.search(text, offset)
    return found.start() if found else None


def _braced(entry: _Entry, field: str) -> None:
    """A ``{...}`` value; ``entry.i`` is on the ``{``."""
    text, opened = entry.text, entry.i
    depth, i = 0, entry.i
    while i < entry.n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                entry.i = i + 1
                return
        elif ch == "@" and (i == 0 or text[i - 1] == "\n") and depth:
            break  # a new entry starts: the brace was never closed
        elif ch == "\n" and depth == 1 and field != "@comment" and FIELD_LINE_RE.match(text, i + 1):
            break  # the next field starts inside the value: its '}' is missing
        i += 1
    raise _Stop(
        opened,
        f"the '{{' that opens field {field!r} here is never closed; add the missing '}}'",
    )


def _quoted(entry: _Entry, field: str) -> None:
    """A ``"..."`` value; ``entry.i`` is on the quote. A quote ends at brace depth 0."""
    text, opened = entry.text, entry.i
    depth, i = 0, entry.i + 1
    while i < entry.n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                break  # the entry's own closing brace: the quote is still open
        elif ch == '"' and depth == 0:
            entry.i = i + 1
            return
        elif ch == "\n" and depth == 0 and re.match(r"[ \t]*(?:@|[A-Za-z][\w\-:.+]*[ \t]*=)", text[i + 1 :]):
            break  # the next field or entry starts: the quote was never closed
        i += 1
    raise _Stop(
        opened,
        f"the '\"' that opens field {field!r} here is never closed; add the closing '\"'",
    )


def _value(entry: _Entry, field: str) -> None:
    """``part # part # ...``: braced, quoted, a number or a @string name."""
    while True:
        entry.spaces()
        if entry.i >= entry.n:
            raise _Stop(entry.i, f"field {field!r} has no value after '='")
        ch = entry.text[entry.i]
        if ch == "{":
            _braced(entry, field)
        elif ch == '"':
            _quoted(entry, field)
        else:
            name = NAME_RE.match(entry.text, entry.i)
            if not name:
                raise _Stop(entry.i, f"field {field!r} has no value after '='; write {field} = {{...}}")
            entry.i = name.end()
        end = entry.i
        entry.spaces()
        if entry.i < entry.n and entry.text[entry.i] == "#":
            entry.i += 1
            continue
        entry.value_end = end
        return


def _check_entry(text: str, at: int, problems: list, keys: dict) -> int:
    """Check the entry whose ``@`` is at ``at``; return where to continue."""
    entry = _Entry(text, at + 1)
    kind = re.match(r"[ \t]*([A-Za-z]\w*)", text[entry.i :])
    if not kind:
        return at + 1  # an '@' that starts no entry is a comment to BibTeX
    name = kind.group(1).lower()
    entry.i += kind.end()
    entry.spaces()
    if entry.i >= entry.n or text[entry.i] not in "{(":
        return entry.i  # "@word" in a comment
    closing = "}" if text[entry.i] == "{" else ")"
    if name == "comment":
        try:
            _braced(entry, "@comment") if closing == "}" else None
        except _Stop:
            pass
        return entry.i
    try:
        if name not in ENTRY_TYPES and name not in SPECIAL:
            near = difflib.get_close_matches(name, sorted(ENTRY_TYPES), n=1, cutoff=0.6)
            hint = (f"; did you mean '@{near[0]}'?" if near
                    else "; use a BibTeX or BibLaTeX type such as '@article'")
            # Not a stop: the entry's other mistakes are found in the same run.
            problems.append((entry.line(at), f"unknown entry type '@{kind.group(1)}'{hint}"))
            name = "misc"
        body_start = entry.i
        entry.i += 1
        if name in ("preamble",):
            entry.i = body_start
            _braced(entry, "@preamble") if closing == "}" else None
            return entry.i
        if name != "string":
            entry.spaces()
            key = re.match(r"[^\s,{}()]+", text[entry.i :])
            if not key or text[entry.i + key.end() :].lstrip(" \t").startswith("="):
                # At the '@' line: the line after is a field, where nothing is wrong.
                raise _Stop(at, f"this '@{kind.group(1)}' entry has no key; write @{name}{{key, ...}}")
            keys.setdefault(key.group(0), entry.line(entry.i))
            entry.i += key.end()
            entry.spaces()
            if entry.i < entry.n and text[entry.i] in ",":
                entry.i += 1
            elif entry.i < entry.n and text[entry.i] == closing:
                return entry.i + 1
            else:
                raise _Stop(entry.i, f"missing ',' after the key {key.group(0)!r}")
        seen: dict[str, int] = {}
        previous = previous_end = None
        while True:
            entry.spaces()
            if entry.i >= entry.n:
                raise _Stop(body_start, f"this entry is never closed; add '{closing}' after its last field")
            ch = text[entry.i]
            if ch == closing:
                return entry.i + 1
            if ch == "@" and text[entry.i - 1] == "\n":
                raise _Stop(body_start, f"this entry is never closed; add '{closing}' after its last field")
            field = re.match(r"[A-Za-z_][\w\-:.+]*", text[entry.i :])
            if not field:
                if previous:
                    raise _Stop(entry.i, f"unexpected {ch!r} after field {previous!r}")
                raise _Stop(entry.i, f"unexpected {ch!r}; a field is written name = {{value}}")
            field_name = field.group(0).lower()
            field_at = entry.i
            entry.i += field.end()
            entry.spaces()
            if entry.i >= entry.n or text[entry.i] != "=":
                if previous is not None and previous_end is not None:
                    raise _Stop(
                        previous_end,
                        f"missing ',' after field {previous!r}; add a comma at the end of its value",
                    )
                name_ = field.group(0)
                raise _Stop(field_at, f"field {name_!r} has no '='; write {name_} = {{...}}")
            entry.i += 1
            if name != "string" and field_name in seen:
                problems.append(
                    (
                        entry.line(field_at),
                        f"field {field.group(0)!r} appears twice in this entry (also at line "
                        f"{seen[field_name]}); keep one",
                    )
                )
            seen.setdefault(field_name, entry.line(field_at))
            _value(entry, field.group(0))
            previous, previous_end = field.group(0), entry.value_end - 1
            entry.spaces()
            if entry.i < entry.n and text[entry.i] == ",":
                entry.i += 1
                previous_end = None
                continue
            if entry.i < entry.n and text[entry.i] == closing:
                return entry.i + 1
            if entry.i < entry.n and re.match(r"[A-Za-z_][\w\-:.+]*\s*=", text[entry.i :]):
                raise _Stop(
                    previous_end, f"missing ',' after field {previous!r}; add a comma at the end of its value"
                )
            if entry.i >= entry.n or (text[entry.i] == "@" and text[entry.i - 1] == "\n"):
                raise _Stop(body_start, f"this entry is never closed; add '{closing}' after its last field")
            raise _Stop(entry.i, f"unexpected {text[entry.i]!r} after field {previous!r}")
    except _Stop as stop:
        problems.append((entry.line(stop.offset), stop.message))
        nxt = _next_entry_line(text, max(stop.offset, at) + 1)
        return nxt if nxt is not None else len(text)


def scan(text: str) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """``(problems, keys)``: every problem as (line, message) in line order, and
    the line of each entry's key."""
    problems: list[tuple[int, str]] = []
    keys: dict[str, int] = {}
    i = 0
    while True:
        at = text.find("@", i)
        if at < 0:
            break
        i = _check_entry(text, at, problems, keys)
        i = max(i, at + 1)
    problems.sort(key=lambda problem: problem[0])
    return problems, keys


def check_bibtex(text: str) -> list[tuple[int, str]]:
    return scan(text)[0]


def entry_lines(text: str) -> dict[str, int]:
    return scan(text)[1]
