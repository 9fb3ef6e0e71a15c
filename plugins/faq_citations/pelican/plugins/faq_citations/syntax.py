"""Pandoc's citation syntax, found in a paragraph's raw Markdown source.

A pure module (no Markdown, no Pelican): it mirrors the citation parsers of
pandoc's Markdown reader (``cite``, ``textualCite``, ``normalCite``,
``citeList``, ``prefix``, ``suffix``, ``bareloc`` in
``Text/Pandoc/Readers/Markdown.hs`` and ``citeKey`` in
``Text/Pandoc/Parsing/Citations.hs``) so that the plugin cites exactly what
pandoc cites, with source offsets for error lines.  The locator split follows
``Text/Pandoc/Citeproc/Locator.hs`` for the common forms.

    >>> groups = find_citations("As @feder2014 [p. 3] and [see @li2010; -@x, ch. 2] show.")
    >>> [(i.key, i.mode, i.prefix, i.suffix) for g in groups for i in g.items][:2]
    [('feder2014', 'author-in-text', '', 'p. 3'), ('li2010', 'normal', 'see', '')]

Deliberate difference from pandoc: ``@`` inside a bare URL
(``https://example.org/@name``) is not a citation (pandoc makes one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

NORMAL = "normal"
SUPPRESS_AUTHOR = "suppress-author"
AUTHOR_IN_TEXT = "author-in-text"

KEY_INTERNAL = set(":.#$%&-+?<>~/")
ENTITY_RE = re.compile(r"&(?:#[xX][0-9A-Fa-f]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);")
AUTOLINK_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>")
HTML_TAG_RE = re.compile(
    r"<(?:/?[A-Za-z][A-Za-z0-9\-]*(?:\s+[A-Za-z_:][\w:.\-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?"
    r"|!--.*?--|\?.*?\?)>",
    re.S,
)
BARE_URL_RE = re.compile(r"(?:https?|ftp|mailto|file)://[^\s<>\[\]]*|www\.[^\s<>\[\]]+", re.I)
INTERESTING_RE = re.compile(r"[\\`&<$\[\]@-]|(?:https?|ftp|mailto|file)://|www\.", re.I)
MATH_RE = re.compile(r"\$(?![\s$])(?:\\.|[^$\\])*?(?<!\s)\$(?![0-9])", re.S)

# Locator terms of the en-US CSL locale (pandoc's default), long and short
# forms, singular and plural, case-folded -> CSL locator type.
# fmt: off
LOCATOR_TERMS = {
    "book": "book", "books": "book", "bk.": "book", "bks.": "book",
    "chapter": "chapter", "chapters": "chapter", "chap.": "chapter", "chaps.": "chapter",
    "column": "column", "columns": "column", "col.": "column", "cols.": "column",
    "figure": "figure", "figures": "figure", "fig.": "figure", "figs.": "figure",
    "folio": "folio", "folios": "folio", "fol.": "folio", "fols.": "folio",
    "issue": "issue", "issues": "issue", "no.": "issue", "nos.": "issue",
    "line": "line", "lines": "line", "l.": "line", "ll.": "line",
    "note": "note", "notes": "note", "n.": "note", "nn.": "note",
    "opus": "opus", "opera": "opus", "op.": "opus", "opp.": "opus",
    "page": "page", "pages": "page", "p.": "page", "pp.": "page",
    "paragraph": "paragraph", "paragraphs": "paragraph", "para.": "paragraph", "paras.": "paragraph",
    "¶": "paragraph", "¶¶": "paragraph",
    "part": "part", "parts": "part", "pt.": "part", "pts.": "part",
    "section": "section", "sections": "section", "sec.": "section", "secs.": "section",
    "§": "section", "§§": "section",
    "sub verbo": "sub-verbo", "sub verbis": "sub-verbo", "s.v.": "sub-verbo", "s.vv.": "sub-verbo",
    "verse": "verse", "verses": "verse", "v.": "verse", "vv.": "verse",
    "volume": "volume", "volumes": "volume", "vol.": "volume", "vols.": "volume",
}
# fmt: on


@dataclass(frozen=True)
class CitationItem:
    """One cited key, as pandoc's ``Citation``; prefix and suffix are raw Markdown."""

    key: str
    mode: str
    prefix: str = ""
    suffix: str = ""
    start: int = 0  # offset of the key's '@' (or '-@') in the block
    locator: str | None = None
    label: str | None = None  # CSL locator type ("page", "chapter", ...)
    rest: str = ""  # the suffix after the locator
    prefix_start: int = field(default=0, repr=False, compare=False)
    suffix_start: int = field(default=0, repr=False, compare=False)
    suffix_end: int = field(default=0, repr=False, compare=False)


@dataclass(frozen=True)
class CitationGroup:
    """One pandoc ``Cite``: the items and the source span ``text[start:end]``."""

    items: tuple[CitationItem, ...]
    start: int
    end: int
    source: str = field(default="", compare=False)

    @property
    def raw(self) -> str:
        return self.source[self.start : self.end]


def line_of(text: str, offset: int, first_line: int = 1) -> int:
    """The 1-based line (plus ``first_line - 1``) of ``offset`` in ``text``."""
    return first_line + text.count("\n", 0, offset)


def _is_word(ch: str) -> bool:
    return ch.isalnum()


class _Scanner:
    def __init__(self, text: str, is_known_key, reference_labels):
        self.text = text
        self.n = len(text)
        self.is_known_key = is_known_key
        self.reference_labels = {_normalize_label(label) for label in reference_labels}

    # -- atoms shared by the top level, prefixes and suffixes -------------
    def atom_end(self, i: int) -> int | None:
        """End of an indivisible inline starting at ``i`` (code, escape, entity,
        autolink, raw HTML, math), or None."""
        t, c = self.text, self.text[i]
        if c == "\\" and i + 1 < self.n:
            nxt = t[i + 1]
            if nxt not in "\n\r" and not nxt.isalnum():
                return i + 2
            return None
        if c == "`":
            run = len(t[i:]) - len(t[i:].lstrip("`"))
            close = re.compile(r"(?<!`)" + "`" * run + r"(?!`)")
            m = close.search(t, i + run)
            return m.end() if m else i + run
        if c == "&":
            m = ENTITY_RE.match(t, i)
            return m.end() if m else None
        if c == "<":
            m = AUTOLINK_RE.match(t, i) or HTML_TAG_RE.match(t, i)
            return m.end() if m else None
        if c == "$":
            m = MATH_RE.match(t, i)
            return m.end() if m else None
        return None

    def after_string(self, i: int) -> bool:
        """pandoc's ``notAfterString``: the previous inline was a word (``str``)."""
        if i == 0:
            return False
        prev = self.text[i - 1]
        if _is_word(prev):
            return True
        # a '.' not followed by '.' is part of a str (and '@' is not a '.')
        return prev == "."

    def spnl(self, i: int) -> int:
        """Spaces, at most one newline (not followed by a blank line)."""
        t = self.text
        while i < self.n and t[i] in " \t":
            i += 1
        if i < self.n and t[i] == "\n":
            j = i + 1
            while j < self.n and t[j] in " \t":
                j += 1
            if j < self.n and t[j] != "\n":
                return j
        return i

    def cite_key(self, i: int) -> tuple[int, bool, str] | None:
        """``citeKey True``: returns (end, suppress_author, key)."""
        t = self.text
        if self.after_string(i):
            return None
        suppress = False
        if i < self.n and t[i] == "-":
            suppress = True
            i += 1
        if i >= self.n or t[i] != "@":
            return None
        i += 1
        if i < self.n and (t[i].isalnum() or t[i] in "_*"):
            start = i
            i += 1
            while i < self.n:
                ch = t[i]
                if ch.isalnum() or ch == "_":
                    i += 1
                elif ch in KEY_INTERNAL and i + 1 < self.n and (t[i + 1].isalnum() or t[i + 1] == "_"):
                    i += 1
                elif ch in ":/" and i + 1 < self.n and t[i + 1] == "/":
                    i += 1
                else:
                    break
            return i, suppress, t[start:i]
        if i < self.n and t[i] == "{":
            depth, j = 0, i
            while j < self.n:
                ch = t[j]
                if ch.isspace():
                    return None
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                    if depth == 0:
                        return j + 1, suppress, t[i + 1 : j]  # pandoc accepts @{} too
                j += 1
        return None

    def bracket_end(self, i: int) -> int | None:
        """End of a balanced ``[...]`` starting at ``i`` (atoms respected)."""
        depth, j = 0, i
        while j < self.n:
            end = self.atom_end(j)
            if end is not None:
                j = end
                continue
            ch = self.text[j]
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
                if depth == 0:
                    return j + 1
            elif ch == "\n" and self.text.startswith("\n", j + 1):
                return None
            j += 1
        return None

    def inline_end(self, i: int) -> int:
        """End of one inline at ``i`` inside a prefix or suffix."""
        end = self.atom_end(i)
        if end is not None:
            return end
        t = self.text
        if t.startswith("--", i):  # a smart dash is one inline
            return i + (3 if t.startswith("---", i) else 2)
        if t[i] == "[" or (t[i] == "!" and t.startswith("[", i + 1)):
            start = i + 1 if t[i] == "!" else i
            close = self.bracket_end(start)
            if close is not None:
                if t.startswith("(", close):
                    paren = self.paren_end(close)
                    if paren is not None:
                        return paren
                return close
        return i + 1

    def paren_end(self, i: int) -> int | None:
        depth, j = 0, i
        while j < self.n:
            ch = self.text[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return j + 1
            elif ch == "\n" and self.text.startswith("\n", j + 1):
                return None
            j += 1
        return None

    # -- pandoc's citation parsers ----------------------------------------
    def prefix(self, i: int) -> tuple[int, int] | None:
        """(end of prefix, start of key); the prefix stops where a key starts."""
        t = self.text
        j = i
        while j < self.n:
            probe = j
            if t[probe] == ";":
                return None  # a prefix never holds a ';' (pandoc: citeKey must follow it)
            if t[probe] == "]":
                return None
            if self.cite_key(probe):
                return j, probe
            j = self.inline_end(j)
        return None

    def suffix(self, i: int) -> int:
        t = self.text
        j = self.spnl(i)
        while j < self.n and t[j] not in ";]":
            if t[j] == "\n" and self.spnl(j) == j:
                break  # blank line
            j = self.inline_end(j)
        return j

    def citation(self, i: int, mode_normal: bool = True) -> tuple[int, CitationItem] | None:
        pre = self.prefix(i)
        if pre is None:
            return None
        pre_end, key_start = pre
        key = self.cite_key(key_start)
        if key is None:
            return None
        key_end, suppress, ident = key
        suf_end = self.suffix(key_end)
        item = _item(
            ident,
            SUPPRESS_AUTHOR if suppress else NORMAL,
            self.text[i:pre_end],
            self.text[key_end:suf_end],
            key_start,
            (i, key_end, suf_end),
        )
        return suf_end, item

    def cite_list(self, i: int) -> tuple[int, list[CitationItem]] | None:
        first = self.citation(i)
        if first is None:
            return None
        j, item = first
        items = [item]
        while j < self.n and self.text[j] == ";":
            nxt = self.citation(self.spnl(j + 1))
            if nxt is None:
                break
            j, item = nxt
            items.append(item)
        return j, items

    def not_link_after(self, j: int) -> bool:
        """``normalCite``'s ``notFollowedBy (source <|> attributes <|> reference)``."""
        t = self.text
        if j < self.n and t[j] == "(" and self.paren_end(j) is not None:
            return False
        if j < self.n and t[j] == "{" and re.match(r"\{[^{}\n]*\}", t[j:]):
            return False
        if j < self.n and t[j] == "[" and self.bracket_end(j) is not None:
            return False
        return True

    def normal_cite(self, i: int) -> tuple[int, list[CitationItem]] | None:
        if self.text[i] != "[":
            return None
        got = self.cite_list(self.spnl(i + 1))
        if got is None:
            return None
        j, items = got
        j = self.spnl(j)
        if j >= self.n or self.text[j] != "]":
            return None
        j += 1
        if not self.not_link_after(j):
            return None
        return j, items

    def textual_cite(self, i: int) -> tuple[int, list[CitationItem]] | None:
        key = self.cite_key(i)
        if key is None:
            return None
        key_end, suppress, ident = key
        if self.is_known_key is not None and not self.is_known_key(ident):
            return None
        first = _item(ident, SUPPRESS_AUTHOR if suppress else AUTHOR_IN_TEXT, "", "", i)
        j = self.spnl(key_end)
        if j < self.n and self.text[j] == "[":
            more = self.normal_cite(j)
            if more is not None:
                return more[0], [first, *more[1]]
            loc = self.bareloc(j, first)
            if loc is not None:
                end, items = loc
                label = self.text[j:end]
                if _normalize_label(label[1:-1]) not in self.reference_labels:
                    return end, items
        return key_end, [first]

    def bareloc(self, i: int, first: CitationItem):
        t = self.text
        if t.startswith("[^", i):
            return None
        suf_end = self.suffix(i + 1)
        items = [_item(first.key, first.mode, "", t[i + 1 : suf_end], first.start)]
        j = suf_end
        if j < self.n and t[j] == ";":
            more = self.cite_list(self.spnl(j + 1))
            if more is not None:
                j, rest = more
                items += rest
        j = self.spnl(j)
        if j >= self.n or t[j] != "]":
            return None
        j += 1
        if j < self.n and t[j] in "[({":
            return None
        return j, items

    # -- the top level ------------------------------------------------------
    def scan(self, i: int = 0, stop: int | None = None) -> list[CitationGroup]:
        groups: list[CitationGroup] = []
        t = self.text
        stop = self.n if stop is None else stop
        while i < stop:
            # Only these characters (or a URL) can start something the scan acts on;
            # every other character is plain text: jump to the next candidate.
            found = INTERESTING_RE.search(t, i, stop)
            if found is None:
                break
            i = found.start()
            ch = t[i]
            end = self.atom_end(i)
            if end is not None:
                i = end
                continue
            if ch in "hHfFmMwW" and not self.after_string(i):
                url = BARE_URL_RE.match(t, i)
                if url:
                    i = url.end()
                    continue
            if t.startswith("--", i):  # a smart dash, not a '-@' citation
                i += 3 if t.startswith("---", i) else 2
                continue
            if ch == "]" and t.startswith("(", i + 1):
                paren = self.paren_end(i + 1)
                if paren is not None:
                    i = paren  # a link destination
                    continue
            if ch == "[":
                got = self.normal_cite(i)
                if got is not None:
                    groups.append(CitationGroup(tuple(got[1]), i, got[0], t))
                    for item in got[1]:  # pandoc nests a Cite made in a prefix or suffix
                        groups += self.scan(item.prefix_start, item.start)
                        groups += self.scan(item.suffix_start, item.suffix_end)
                    i = got[0]
                    continue
            if ch in "@-":
                got = self.textual_cite(i)
                if got is not None and got[0] <= stop:
                    groups.append(CitationGroup(tuple(got[1]), i, got[0], t))
                    i = got[0]
                    continue
            i += 1
        return groups


    def visible(self, offset: int) -> bool:
        """Whether ``offset`` is plain text at the top level (not inside a code
        span, an escape, an entity, raw HTML, math, a URL or a link destination)."""
        t, i = self.text, 0
        while i < offset:
            end = self.atom_end(i)
            if end is not None:
                i = end
                continue
            if t[i] in "hHfFmMwW" and not self.after_string(i):
                url = BARE_URL_RE.match(t, i)
                if url:
                    i = url.end()
                    continue
            if t[i] == "]" and t.startswith("(", i + 1):
                paren = self.paren_end(i + 1)
                if paren is not None:
                    i = paren
                    continue
            i += 1
        return i == offset


def _normalize_label(label: str) -> str:
    return " ".join(label.split()).casefold()


def _item(key: str, mode: str, prefix: str, suffix: str, start: int, spans=(0, 0, 0)) -> CitationItem:
    locator, label, rest = parse_locator(suffix)
    return CitationItem(key, mode, prefix.strip(), suffix.rstrip(), start, locator, label, rest, *spans)


PLAIN_DROP_RE = re.compile(r"<[^>]*>|[*^~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
UNIT = r"(?:[\[(]?[0-9ivxlcdmIVXLCDM]+[A-Za-z]*[\])]?(?:\([0-9A-Za-z]+\)|\[[0-9A-Za-z]+\])*)"
SEQ = rf"{UNIT}(?:(?:[.:]|\s*[-–—]\s*){UNIT})*"
LOCATOR_RE = re.compile(rf"(?P<loc>{SEQ}(?:\s*,\s*{SEQ})*)")


def plain_text(markdown: str) -> str:
    """The text of an inline Markdown fragment, as pandoc's ``stringify`` gives it
    (markup, raw HTML and backslashes dropped, entities decoded, spaces folded)."""
    import html

    out, i = [], 0
    while i < len(markdown):
        ch = markdown[i]
        if ch == "`":
            run = len(markdown[i:]) - len(markdown[i:].lstrip("`"))
            close = markdown.find("`" * run, i + run)
            if close != -1:
                out.append(markdown[i + run : close].strip())
                i = close + run
                continue
        if ch == "\\" and i + 1 < len(markdown) and not markdown[i + 1].isalnum():
            out.append(markdown[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    text = PLAIN_DROP_RE.sub("", "".join(out))
    return " ".join(html.unescape(text).replace("\u00a0", " ").split())


def parse_locator(suffix: str) -> tuple[str | None, str | None, str]:
    """Split a raw suffix into (locator, CSL label, rest) as pandoc's citeproc does
    (``Citeproc/Locator.hs``) for the usual forms: ``, p. 33``, ``pp. 33-35``,
    ``chap. 2``, ``{35-89}``, ``{p. {3}}``, ``34(1)(i)``, a bare number (a page).
    Locator and rest are plain text.  (None, None, suffix) when there is none."""
    s = plain_text(suffix)
    if s.startswith(","):
        s = s[1:].lstrip()
    if not s:
        return None, None, suffix.strip()
    if s.startswith("{"):  # delimited: an optional label inside the braces
        depth = 0
        for j, ch in enumerate(s):
            depth += ch == "{"
            depth -= ch == "}"
            if depth == 0:
                inner = s[1:j].strip()
                label, body = _label(inner)
                if label is None:
                    # pandoc's implicit "page" needs a one-digit first token ({3}, {3-5}; not {35})
                    implicit = re.match(r"[0-9](?![0-9A-Za-z])", inner)
                    return (inner or None), ("page" if implicit else None), s[j + 1 :].strip()
                return body, label, s[j + 1 :].strip()
        return None, None, suffix.strip()
    label, body = _label(s)
    m = LOCATOR_RE.match(body)
    if not m or not m.group("loc"):
        return None, None, suffix.strip()
    loc = m.group("loc")
    if label is None and not any(c.isdigit() for c in loc):
        return None, None, suffix.strip()
    return loc, label or "page", body[m.end() :].strip()


def _label(s: str) -> tuple[str | None, str]:
    folded = s.casefold()
    for term in sorted(LOCATOR_TERMS, key=len, reverse=True):
        if folded.startswith(term) and (
            len(s) == len(term) or not s[len(term)].isalpha() or term.endswith(".")
        ):
            return LOCATOR_TERMS[term], s[len(term) :].lstrip()
    return None, s


def is_visible(text: str, offset: int) -> bool:
    """Whether ``text[offset]`` is plain text (see ``_Scanner.visible``)."""
    return _Scanner(text, None, ()).visible(offset)


def bracket_is_link(text: str, start: int) -> bool:
    """Whether the ``[...]`` at ``start`` is a link or span (``[x](url)``, ``[x][ref]``, ``[x]{.c}``)."""
    scanner = _Scanner(text, None, ())
    end = scanner.bracket_end(start)
    return end is not None and not scanner.not_link_after(end)


def inside_image_alt(text: str, offset: int) -> bool:
    """Whether ``offset`` is inside the alt text of an image ``![alt](src)``."""
    scanner = _Scanner(text, None, ())
    start = text.rfind("![", 0, offset)
    while start != -1:
        end = scanner.bracket_end(start + 1)
        if end is not None and end > offset and text.startswith(("(", "["), end):
            return True
        start = text.rfind("![", 0, start)
    return False


def bracket_end(text: str, start: int) -> int | None:
    return _Scanner(text, None, ()).bracket_end(start)


def find_citations(
    text: str,
    *,
    is_known_key: Callable[[str], bool] | None = None,
    reference_labels: Iterable[str] = (),
) -> list[CitationGroup]:
    """Every citation group in ``text`` (one paragraph's raw Markdown), in order.

    ``is_known_key``: when given, an in-text ``@word`` whose key it rejects stays
    text (pandoc makes a ``Cite`` of any ``@word`` and lets citeproc warn;
    bracketed groups are always returned, so an unknown key in ``[@x]`` can be
    reported as an error).  ``reference_labels``: the document's link reference
    labels, since ``@a [label]`` is a link when ``[label]`` is defined.
    """
    return _Scanner(text, is_known_key, reference_labels).scan()
