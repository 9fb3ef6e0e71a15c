"""The inlined CSS a page can use: rules whose selectors name nothing the page lacks.

Why: every page inlines the whole theme stylesheet (no second request before the first
render), but an article never shows the home page's cards nor the search page's
results; those rules are bytes the reader pays on every page. A selector is dropped
only when it names a class, an id or an element that appears neither in the page's
HTML nor anywhere in the site's scripts (any word of theme/static/**/*.js and of the
faq_citations package's scripts counts, so markup a script builds keeps its rules).
Everything else is kept: pseudo-classes (`:hover`, `:target`, `[open]`) and the
arguments of `:not()`/`:has()` are ignored, attribute selectors are never a reason to
drop, and at-rules other than @media/@supports/@layer/@container are kept whole.

Pure: text in, text out. The CSS is the minified text inline_styles makes (no
comments); strings are honoured when splitting.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import lxml.etree
import lxml.html

GROUPING = {"media", "supports", "layer", "container"}
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
ATTRIBUTE = re.compile(r"\[[^\]]*\]")
PSEUDO = re.compile(r"::?[A-Za-z-]+")
CLASS_OR_ID = re.compile(r"([.#])(-?[_A-Za-z][\w-]*)")
COMPOUND_START = re.compile(r"(?:^|[\s>+~])([A-Za-z][\w-]*)")
WORD = re.compile(r"[A-Za-z_][\w-]*")


@dataclass
class Present:
    """What a selector may refer to on one page."""

    tags: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    script_words: frozenset[str] = frozenset()

    def may_match(self, selector: str) -> bool:
        names, tags = _needs(selector)
        words = self.script_words
        for kind, name in names:
            if name not in (self.classes if kind == "." else self.ids) and name not in words:
                return False
        return all(tag in self.tags or tag in words for tag in tags)


@functools.lru_cache(maxsize=4096)
def _needs(selector: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The classes/ids (kind, name) and element names a selector cannot match without;
    a pure function of the selector, so it is worked out once per selector."""
    s = ATTRIBUTE.sub("", STRING.sub("", selector))
    s = _drop_functional_pseudo(s)
    names = tuple(CLASS_OR_ID.findall(s))
    s = PSEUDO.sub("", CLASS_OR_ID.sub("", s))
    return names, tuple(tag.lower() for tag in COMPOUND_START.findall(s))


def present_in(html: str, scripts: str = "") -> Present:
    """The tags, classes and ids of ``html``, and every word of ``scripts``.

    Parsed with lxml (libxml2's HTML parser, in C): on every page of the real and the
    synthetic bench sites the same names as the standard library's ``html.parser``
    found, in 40 % of its CPU time (this runs on every page of every build). Comments,
    processing instructions and the text of ``<script>``/``<style>`` are not
    elements, so their words never count."""
    present = Present(script_words=frozenset(WORD.findall(scripts)))
    if html.strip():
        try:
            root = lxml.html.document_fromstring(html)
        except (lxml.etree.ParserError, ValueError):
            root = None  # nothing an HTML parser can read: no element keeps a rule
        tags, classes, ids = present.tags, present.classes, present.ids
        for element in root.iter() if root is not None else ():
            tag = element.tag
            if not isinstance(tag, str):
                continue  # a comment or processing instruction
            tags.add(tag.lower())
            value = element.get("class")
            if value:
                classes.update(value.split())
            value = element.get("id")
            if value:
                ids.add(value)
    present.tags.update({"html", "head", "body"})
    return present


def _drop_functional_pseudo(selector: str) -> str:
    """`a:not(.x) b:has(> .y)` -> `a b`: what is inside the parentheses never drops a rule."""
    out, depth, i = [], 0, 0
    while i < len(selector):
        char = selector[i]
        if depth == 0:
            match = re.match(r"::?[A-Za-z-]+\(", selector[i:])
            if match:
                depth, i = 1, i + match.end()
                continue
            out.append(char)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        i += 1
    return "".join(out)


def _blocks(css: str):
    """Top-level (prelude, body) pairs; body None for a statement at-rule (`@import x;`)."""
    i, start, n = 0, 0, len(css)
    while i < n:
        char = css[i]
        if char in "\"'":
            i = STRING.match(css, i).end() if STRING.match(css, i) else n
            continue
        if char == ";":
            prelude = css[start:i].strip()
            if prelude:
                yield prelude, None
            i = start = i + 1
            continue
        if char == "{":
            depth, j = 1, i + 1
            while j < n and depth:
                if css[j] in "\"'":
                    match = STRING.match(css, j)
                    j = match.end() if match else n
                    continue
                depth += {"{": 1, "}": -1}.get(css[j], 0)
                j += 1
            yield css[start:i].strip(), css[i + 1:j - 1]
            i = start = j
            continue
        i += 1
    if css[start:].strip():
        yield css[start:].strip(), None


def _selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas."""
    parts, depth, current = [], 0, []
    for token in re.split(r'("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[(),\[\]])', prelude):
        if token in ("(", "["):
            depth += 1
        elif token in (")", "]"):
            depth -= 1
        elif token == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(token)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def used_css(css: str, present: Present) -> str:
    """``css`` without the rules (and selectors) that cannot match on the page.

    Only the names some selector of ``css`` needs can change the answer, so the page's
    names are cut to those first and the result is cached by what is left: the
    articles of a site mostly differ in ids (``ref-…``, questions) no rule names."""
    rules = _parsed(css)
    tags, classes, ids = _names(rules)
    return _used_for(rules, frozenset(present.tags & tags), frozenset(present.classes & classes),
                     frozenset(present.ids & ids), present.script_words)


@functools.lru_cache(maxsize=256)
def _used_for(rules: tuple, tags: frozenset, classes: frozenset, ids: frozenset,
              script_words: frozenset) -> str:
    return _used(rules, Present(set(tags), set(classes), set(ids), script_words))


@functools.lru_cache(maxsize=8)
def _names(rules: tuple) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Every element name, class and id a selector of ``rules`` needs (``_needs``)."""
    tags: set[str] = set()
    classes: set[str] = set()
    ids: set[str] = set()
    for kind, first, second in rules:
        if kind == "group":
            inner = _names(second)
            tags |= inner[0]
            classes |= inner[1]
            ids |= inner[2]
        elif kind == "rule":
            for selector in first:
                names, needed_tags = _needs(selector)
                tags.update(needed_tags)
                for name_kind, name in names:
                    (classes if name_kind == "." else ids).add(name)
    return frozenset(tags), frozenset(classes), frozenset(ids)


@functools.lru_cache(maxsize=8)
def _parsed(css: str) -> tuple:
    """``css`` split once into its rules (every page of a site inlines the same text):
    ("text", kept as is, None) | ("group", prelude, inner rules) | ("rule", selectors, body)."""
    rules = []
    for prelude, body in _blocks(css):
        if body is None:
            rules.append(("text", prelude + ";", None))
        elif prelude.startswith("@"):
            keyword = re.match(r"@([\w-]+)", prelude)[1].lower()
            if keyword in GROUPING:
                rules.append(("group", prelude, _parsed(body)))
            else:
                rules.append(("text", f"{prelude}{{{body}}}", None))
        else:
            rules.append(("rule", tuple(_selectors(prelude)), body))
    return tuple(rules)


def _used(rules: tuple, present: Present) -> str:
    out = []
    for kind, first, second in rules:
        if kind == "text":
            out.append(first)
        elif kind == "group":
            inner = _used(second, present)
            if inner:
                out.append(f"{first}{{{inner}}}")
        else:
            kept = [s for s in first if present.may_match(s)]
            if kept:
                out.append(f"{','.join(kept)}{{{second}}}")
    return "".join(out)
