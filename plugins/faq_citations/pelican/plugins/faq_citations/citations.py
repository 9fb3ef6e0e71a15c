"""Citations: all of pandoc's citation syntax (``syntax.py`` finds it).

``CitationInlineProcessor`` runs first of all inline patterns, on the text as
written (code spans, escapes and entities are still there, so the parser skips
them as pandoc does and no placeholder can end up in a citation); it checks
each group and leaves an empty placeholder element whose children are the
items' prefixes and suffixes (raw Markdown, rendered by the inline patterns
that follow). Once the whole tree is built (FAQ answers included)
``fill_citations`` fills each placeholder:

* numeric styles (the site's AMA): the page numbers its sources by first use;
  a citation is a linked superscript, its prefix and its locator/suffix ("see
  1(pp. 33-35)"), and ``append_references`` adds the list;
* author-date styles: ONE pandoc call per page renders every group as the
  style's ``<citation>`` says ("(Feder et al., 2014, p. 684)", year suffixes,
  in-text "Feder et al. (2014)") and the list sorted as the style says; each
  name links to its entry.

Every citation link is described (``aria-describedby``) by its reference-list
entry, so a screen reader gets the reference on focus and no copy of it is
shipped per citation. Only a source's FIRST citation carries a hidden preview
(``cite-KEY-1-preview``): the one copy a theme may show without script, as a
margin note beside the text (data-number labels it). faq-citations.js builds
the hover/focus preview of every other citation from the entry. With the option
``first_preview=False`` the HTML has no preview at all (no copy of a reference
outside the list): the script builds the first citation's too, with the same id
and data-number, so a theme's margin notes appear once it has run.

``md.citations`` is the structured view: every group in document order with
its items (key, prefix, suffix, locator, label, mode, line).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from html.parser import HTMLParser

from markdown import util
from markdown.extensions.toc import unique
from markdown.inlinepatterns import InlineProcessor

from . import syntax

# A simple form kept for other plugins and tools that strip or detect citations.
CITATION_RE = r"\[(\s*-?@[^\[\]]*)\](?![(\[])"
# What may start a citation group: '[', '@' or '-@'.
TRIGGER_RE = r"\[|-?@"
CITE_INDEX_ATTR = "data-faqcitations"
PART_ATTR = "data-faqcitations-part"
# What in a page's body is not its prose: the citations (their hidden previews are
# references) and the reference list. The search index leaves these out.
NOT_PROSE_SELECTORS = ("section.references", "sup.cite", ".cite__preview")
MALFORMED_HELP = "write [@key], [@key1; @key2], [see @key, p. 12] or @key [p. 12]"
AUTHOR_DATE_LINK_RE = re.compile(r'<a href="#ref-([^"]+)" role="doc-biblioref">(.*?)</a>', re.S)
ATTEMPT_RE = re.compile(r"\[\s*-?@")


@dataclass
class CitedItem:
    """One item of ``md.citations``: as pandoc's ``Citation``."""

    key: str
    mode: str  # "normal" | "suppress-author" | "author-in-text"
    prefix: str  # raw Markdown
    suffix: str  # raw Markdown (the locator included)
    locator: str | None
    label: str | None  # CSL locator type: "page", "chapter", ...
    line: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class CitedGroup:
    """One group of ``md.citations``: its items, its raw source and its line."""

    items: list[CitedItem]
    raw: str
    line: int


class _WithoutCitations(HTMLParser):
    """Copies HTML but the citations (``sup.cite``; an author-date citation's
    hidden previews) and the reference list."""

    DROP = ("cite__preview", "references")

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.depth = 0  # > 0 inside a dropped element
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += tag not in VOID
            return
        if (tag == "sup" and "cite" in classes) or any(name in classes for name in self.DROP):
            if self.out and self.out[-1][-1:].isspace() and tag == "sup":
                self.out[-1] = self.out[-1].rstrip()
            self.depth = 1
            return
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            return
        self.out.append(f"</{tag}>")

    def handle_startendtag(self, tag, attrs):
        if not self.depth:
            self.out.append(self.get_starttag_text())

    def handle_data(self, data):
        if not self.depth:
            self.out.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    def handle_comment(self, data):
        self.handle_data(f"<!--{data}-->")


VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def without_citations(fragment: str) -> str:
    """``fragment`` (a page's HTML) without its citations' markup and previews
    and without the reference list: for summaries and search."""
    parser = _WithoutCitations()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


def citations_in(text: str) -> list[str]:
    """Every citation group in ``text`` (raw Markdown), as written."""
    return [group.raw for group in syntax.find_citations(text)]


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


def one_line(text: str) -> str:
    return " ".join(text.split())


class CitationInlineProcessor(InlineProcessor):
    """Each pandoc citation group -> an empty placeholder element (filled by
    ``FaqCitationsTreeprocessor``); mistakes are collected with their lines."""

    def __init__(self, pattern, md, extension):
        super().__init__(pattern, md)
        self.extension = extension

    # -- the text as written ------------------------------------------------
    def restore(self, data: str) -> tuple[str, list[tuple[int, int, int, int]]]:
        """``data`` with our earlier placeholders put back as the groups' source
        (the paragraph as written), and the replaced regions as (start in data,
        end in data, start in the written text, end in the written text)."""
        ext = self.extension
        if util.STX not in data:
            return data, []
        stash = self.md.treeprocessors["inline"].stashed_nodes if "inline" in self.md.treeprocessors else {}
        regions: list[tuple[int, int, int, int]] = []
        out, last, extra = [], 0, 0
        for match in util.INLINE_PLACEHOLDER_RE.finditer(data):
            node = stash.get(match.group(1))
            index = getattr(node, "attrib", {}).get(CITE_INDEX_ATTR) if node is not None else None
            if index is None:
                continue
            raw = ext.citation_groups[int(index)].raw
            out.append(data[last : match.start()])
            out.append(raw)
            start = match.start() + extra
            regions.append((match.start(), match.end(), start, start + len(raw)))
            extra += len(raw) - (match.end() - match.start())
            last = match.end()
        out.append(data[last:])
        return "".join(out), regions

    @staticmethod
    def to_written(offset: int, regions) -> int:
        """An offset in ``data`` (outside our placeholders) in the written text."""
        for data_start, data_end, start, end in reversed(regions):
            if offset >= data_end:
                return offset + (end - start) - (data_end - data_start) + (start - data_start)
        return offset

    @staticmethod
    def to_data(offset: int, regions) -> int | None:
        """An offset of the written text in ``data``; None inside a group already replaced."""
        shift = 0
        for _data_start, data_end, start, end in regions:
            if offset >= end:
                shift = (end - data_end)
            elif offset >= start:
                return None
            else:
                break
        return offset - shift

    def handleMatch(self, m, data):
        ext = self.extension
        bibliography = ext.bibliography
        written, regions = self.restore(data)
        groups = ext.scans.get(written)
        if groups is None:  # one scan of each paragraph as written, whatever was replaced since
            labels = set(getattr(self.md, "references", {}) or {})
            groups = syntax.find_citations(
                written, is_known_key=bibliography.__contains__, reference_labels=labels
            )
            ext.scans[written] = groups
        here = self.to_written(m.start(0), regions)
        if ATTEMPT_RE.match(data, m.start(0)) and not any(g.start <= here < g.end for g in groups):
            self.report_attempt(written, here)
        group = start = None
        for candidate in groups:
            start = self.to_data(candidate.start, regions)
            if start is not None and start >= m.start(0):
                group = candidate
                break
        if group is None:
            return None, None, None
        end = self.to_data(group.end, regions)
        first_line = ext.block_line(written)

        def line_at(offset: int) -> int | None:
            return None if first_line is None else first_line + written.count("\n", 0, offset)

        # A key inside a prefix or suffix ("[@a @b]", "[@a, compare @b]"): pandoc
        # nests a citation there; here it is a mistake (most often a missing ';').
        nested = any(
            syntax.find_citations(part)
            for item in group.items
            for part in (item.prefix, item.suffix)
            if "@" in part
        )
        shown = one_line(group.raw)
        where = line_at(group.items[0].start)  # a citation's mistakes: the line of its first key
        if nested or any(item.key in ("", "*") for item in group.items):
            ext.add_error(where, f"malformed citation '{shown}'; {MALFORMED_HELP}")
        if syntax.inside_image_alt(written, group.start):
            ext.add_error(
                where,
                f"a citation in an image's alt text ({shown}) cannot be linked or numbered; "
                "cite the source in the text or caption next to the image",
            )
        for item in group.items:
            if (item.key and item.key != "*" and item.key not in bibliography
                    and item.key not in getattr(bibliography, "withheld", ())):  # reported at its file
                ext.add_error(where, unknown_key_message(bibliography, item.key))
        numeric = ext.numeric
        element = etree.Element(
            "sup" if numeric else "span", {"class": "cite", CITE_INDEX_ATTR: str(len(ext.citation_groups))}
        )
        items = []
        for number, item in enumerate(group.items):
            items.append(
                CitedItem(item.key, item.mode, item.prefix, item.suffix, item.locator, item.label,
                          line_at(item.start) or 0)
            )
            if not numeric:
                continue
            if item.prefix:
                part = etree.SubElement(element, "span", {PART_ATTR: f"prefix:{number}"})
                part.text = item.prefix
            shown_suffix = re.sub(r"^\s*,?\s*", "", item.suffix)
            if shown_suffix:
                part = etree.SubElement(element, "span", {PART_ATTR: f"suffix:{number}"})
                part.text = shown_suffix
        ext.citation_groups.append(CitedGroup(items, group.raw, line_at(group.start) or 0))
        return element, start, end

    def report_attempt(self, written: str, start: int) -> None:
        """``[@`` that starts no group (``[@a; see]``, ``[@ x]``, an unclosed
        bracket): an error, never raw citation syntax on the page -- unless the
        bracket is a link or span (``[@a](url)``, ``[@a]{.c}``), as in pandoc."""
        if not syntax.is_visible(written, start) or syntax.bracket_is_link(written, start):
            return
        ext = self.extension
        end = syntax.bracket_end(written, start)
        shown = one_line(written[start : end if end is not None else len(written)].split("\n\n")[0])
        first_line = ext.block_line(written)
        line = None if first_line is None else first_line + written.count("\n", 0, start)
        ext.add_error(line, f"malformed citation '{shown}'; {MALFORMED_HELP}")


def publish_citations(md, groups) -> None:
    """``md.citations``: each group as a dict (raw, line, items)."""
    md.citations = [{"raw": g.raw, "line": g.line, "items": [i.as_dict() for i in g.items]} for g in groups]


def _parts(sup) -> dict[str, etree.Element]:
    return {child.get(PART_ATTR): child for child in list(sup) if child.get(PART_ATTR)}


def fill_citations(md, ext, root, ids) -> None:
    """Fill each placeholder (numbered, or as the style prints it); append References."""
    placeholders = [element for element in root.iter() if CITE_INDEX_ATTR in element.attrib]
    # document order: the order of the placeholders in the finished tree
    order = [int(p.get(CITE_INDEX_ATTR)) for p in placeholders]
    publish_citations(md, [ext.citation_groups[index] for index in order])
    if not placeholders:
        md.cited_keys = []
        return
    attach_to_preceding_word(root, [p for p in placeholders if p.tag == "sup"])
    if ext.numeric:
        fill_numeric(md, ext, root, ids, placeholders)
    else:
        fill_author_date(md, ext, root, ids, placeholders)


def entry_id(key: str) -> str:
    """The id of ``key``'s reference-list entry text: every citation's description."""
    return f"ref-{key}-entry"


def _preview(md, item_element, cite_id: str, number: str, preview_html: str) -> None:
    """A source's first citation only: its hidden preview (a margin note to a theme)."""
    preview = etree.SubElement(
        item_element,
        "span",
        {"class": "cite__preview", "id": f"{cite_id}-preview", "data-number": number, "hidden": "hidden"},
    )
    preview.text = md.htmlStash.store(preview_html)


def fill_numeric(md, ext, root, ids, placeholders) -> None:
    numbers: dict[str, int] = {}
    order: list[str] = []
    places: dict[str, list[str]] = {}
    for sup in placeholders:
        group = ext.citation_groups[int(sup.attrib.pop(CITE_INDEX_ATTR))]
        parts = _parts(sup)
        for child in list(sup):
            sup.remove(child)
        previous = None
        for index, cited in enumerate(group.items):
            key = cited.key
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                order.append(key)
            number = numbers[key]
            if previous is not None:
                previous.tail = (previous.tail or "") + ","
            cite_id = f"cite-{key}-{len(places.setdefault(key, [])) + 1}"
            places[key].append(cite_id)
            ids.add(cite_id)
            item = etree.SubElement(sup, "span", {"class": "cite__item"})
            prefix = parts.get(f"prefix:{index}")
            if prefix is not None:
                del prefix.attrib[PART_ATTR]
                prefix.set("class", "cite__prefix")
                prefix.tail = " "
                item.append(prefix)
            # The reference entry is the link's accessible description (read by
            # screen readers on focus).
            link = etree.SubElement(
                item,
                "a",
                {
                    "href": f"#ref-{key}",
                    "id": cite_id,
                    "aria-label": f"reference {number}",
                    "aria-describedby": entry_id(key),
                },
            )
            link.text = str(number)
            suffix = parts.get(f"suffix:{index}")
            if suffix is not None:
                del suffix.attrib[PART_ATTR]
                suffix.set("class", "cite__locator")
                suffix.text = "(" + (suffix.text or "")
                if len(suffix):
                    suffix[-1].tail = (suffix[-1].tail or "") + ")"
                else:
                    suffix.text += ")"
                item.append(suffix)
            if len(places[key]) == 1 and ext.getConfig("first_preview"):  # the source's first
                label = ext.getConfig("evidence_label")(key)  # evidence cards: the label, in the HTML
                _preview(md, item, cite_id, str(number), ext.bibliography.format(key).preview + label)
            previous = item
    md.cited_keys = order
    entries = {key: ext.bibliography.format(key) for key in order}
    append_references(md, ext, root, order, entries, places, ids, numbers)


def fill_author_date(md, ext, root, ids, placeholders) -> None:
    """One pandoc call for the page: each group as the style prints it."""
    groups = [ext.citation_groups[int(p.get(CITE_INDEX_ATTR))] for p in placeholders]
    rendered = ext.bibliography.render_page([g.raw for g in groups])
    places: dict[str, list[str]] = {}
    entries = {key: ext.bibliography.formatted(key, text) for key, text in rendered.entries.items()}
    for element, text in zip(placeholders, rendered.citations, strict=True):
        del element.attrib[CITE_INDEX_ATTR]
        for child in list(element):
            element.remove(child)
        element.set("class", "cite cite--author-date")

        def link(match):
            key, label = html.unescape(match.group(1)), match.group(2)
            cite_id = f"cite-{key}-{len(places.setdefault(key, [])) + 1}"
            places[key].append(cite_id)
            ids.add(cite_id)
            quoted = html.escape(key, quote=True)
            preview = ""
            if len(places[key]) == 1 and key in entries and ext.getConfig("first_preview"):
                text = entries[key].preview + ext.getConfig("evidence_label")(key)
                preview = f'<span class="cite__preview" id="{cite_id}-preview" hidden="hidden">{text}</span>'
            described = ""
            if key in entries:
                described = f' aria-describedby="{html.escape(entry_id(key), quote=True)}"'
            return (
                f'<span class="cite__item"><a href="#ref-{quoted}" id="{cite_id}"{described}>{label}</a>'
                f"{preview}</span>"
            )

        inner = re.sub(r'^<span class="citation"[^>]*>(.*)</span>$', r"\1", text.strip(), flags=re.S)
        element.text = md.htmlStash.store(AUTHOR_DATE_LINK_RE.sub(link, inner))
    order = [key for key in rendered.order if key in places or key in ext.bibliography]
    md.cited_keys = [key for key in order if key in entries]
    append_references(md, ext, root, md.cited_keys, entries, places, ids, None)


def append_references(md, ext, root, order, entries, places, ids, numbers) -> None:
    heading_id = unique("references", ids)
    section = etree.SubElement(root, "section", {"class": "references", "aria-labelledby": heading_id})
    section.text = "\n"
    heading = etree.SubElement(section, "h2", {"id": heading_id})
    heading.text = ext.getConfig("references_title")
    heading.tail = "\n"
    listing = etree.SubElement(
        section, "ol" if numbers is not None else "ul", {"class": "references__list"}
    )
    listing.text = "\n"
    listing.tail = "\n"
    for position, key in enumerate(order, start=1):
        number = numbers[key] if numbers is not None else position
        # tabindex: following a citation moves keyboard focus to its entry
        entry = etree.SubElement(listing, "li", {"id": f"ref-{key}", "tabindex": "-1"})
        entry.tail = "\n"
        text = etree.SubElement(entry, "span", {"class": "references__entry", "id": entry_id(key)})
        card = ext.getConfig("evidence_card")(key)  # evidence cards: the source's label and finding, once
        text.text = md.htmlStash.store(entries[key].html + (f" {card}" if card else ""))
        text.tail = " "
        cited_at = places.get(key, [])
        if not cited_at:
            continue
        back = etree.SubElement(entry, "span", {"class": "references__back"})
        what = f"reference {number}" if numbers is not None else "this reference"
        if len(cited_at) > 1:
            back.text = "\u21a9 "  # one arrow, then the numbered places: "↩ 1 2 3"
        for count, cite_id in enumerate(cited_at, start=1):
            link = etree.SubElement(back, "a", {"href": f"#{cite_id}"})
            if len(cited_at) == 1:
                link.set("aria-label", f"Back to where {what} is cited")
                link.text = "\u21a9"
            else:
                link.set("aria-label", f"Back to citation {count} of {what}")
                link.text = str(count)
            link.tail = " " if count < len(cited_at) else None
    section.tail = "\n"


def unknown_key_message(bibliography, key: str) -> str:
    if not len(bibliography):
        return f"unknown citation key {key!r}: no bibliography entries are loaded"
    nearest = bibliography.suggest(key)
    hint = f"; did you mean {nearest!r}?" if nearest else "; add it to the bibliography"
    return f"unknown citation key {key!r}{hint}"
