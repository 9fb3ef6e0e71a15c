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
from html.parser import HTMLParser

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
        classes, ids, tags = _names(selector)
        words = self.script_words
        return (all(name in self.classes or name in words for name in classes)
                and all(name in self.ids or name in words for name in ids)
                and all(tag in self.tags or tag in words for tag in tags))


@functools.lru_cache(maxsize=4096)
def _names(selector: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The classes, ids and element names a selector needs (outside ``:not()``/``:has()``,
    attribute selectors and strings). Every page asks about the same selectors: kept."""
    s = ATTRIBUTE.sub("", STRING.sub("", selector))
    s = _drop_functional_pseudo(s)
    found = CLASS_OR_ID.findall(s)
    classes = tuple(name for kind, name in found if kind == ".")
    ids = tuple(name for kind, name in found if kind == "#")
    s = PSEUDO.sub("", CLASS_OR_ID.sub("", s))
    return classes, ids, tuple(tag.lower() for tag in COMPOUND_START.findall(s))


class _Collector(HTMLParser):
    def __init__(self, present: Present) -> None:
        super().__init__(convert_charrefs=True)
        self.present = present

    def handle_starttag(self, tag, attrs):
        self.present.tags.add(tag.lower())
        for name, value in attrs:
            if name == "class" and value:
                self.present.classes.update(value.split())
            elif name == "id" and value:
                self.present.ids.add(value)

    handle_startendtag = handle_starttag


def present_in(html: str, scripts: str = "") -> Present:
    """The tags, classes and ids of ``html``, and every word of ``scripts``."""
    present = Present(script_words=frozenset(WORD.findall(scripts)))
    collector = _Collector(present)
    collector.feed(html)
    collector.close()
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


@functools.lru_cache(maxsize=64)
def _rules(css: str) -> tuple:
    """``css`` split once (every page inlines the same stylesheet): per top-level block
    ``("statement", text)``, ``("group", prelude, inner rules)``, ``("at", text)`` or
    ``("rule", selectors, body)``."""
    rules = []
    for prelude, body in _blocks(css):
        if body is None:
            rules.append(("statement", prelude + ";"))
        elif prelude.startswith("@"):
            keyword = re.match(r"@([\w-]+)", prelude)[1].lower()
            if keyword in GROUPING:
                rules.append(("group", prelude, _rules(body)))
            else:
                rules.append(("at", f"{prelude}{{{body}}}"))
        else:
            rules.append(("rule", tuple(_selectors(prelude)), body))
    return tuple(rules)


def used_css(css: str, present: Present) -> str:
    """``css`` without the rules (and selectors) that cannot match on the page."""
    return _used(_rules(css), present)


def _used(rules: tuple, present: Present) -> str:
    out = []
    for rule in rules:
        kind = rule[0]
        if kind in ("statement", "at"):
            out.append(rule[1])
        elif kind == "group":
            inner = _used(rule[2], present)
            if inner:
                out.append(f"{rule[1]}{{{inner}}}")
        else:
            kept = [s for s in rule[1] if present.may_match(s)]
            if kept:
                out.append(f"{','.join(kept)}{{{rule[2]}}}")
    return "".join(out)
