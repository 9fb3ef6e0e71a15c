"""Citations: ``[@key]``, ``[@a; @b]``, ``[@key, p. 12]``.

``CitationInlineProcessor`` checks each citation and leaves an empty placeholder
``<sup>``; once the whole tree is built (FAQ answers included) ``fill_citations``
numbers the sources by first use, fills each placeholder with its links and
hidden preview, and ``append_references`` adds the reference list.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import util
from markdown.extensions.toc import unique
from markdown.inlinepatterns import InlineProcessor

KEY = r"\w(?:[\w:.\-]*\w)?"
CITATION_RE = r"\[(\s*@[^\[\]]*)\](?![(\[])"
CITATION_ITEM_RE = re.compile(rf"\s*@(?P<key>{KEY})\s*(?:,\s*(?P<locator>[^;]*?))?\s*")
CITE_INDEX_ATTR = "data-faqcitations"
# The rendered citation, for Pelican's automatic summary (see pelican_glue.summary_without_citations).
CITATION_SUP_RE = re.compile(r'\s*<sup class="cite">.*?</sup>', re.S)
REFERENCES_SECTION_RE = re.compile(r'<section [^>]*class="references"[^>]*>.*?</section>', re.S)
# What in a page's body is not its prose: the citations (their hidden previews are
# references) and the reference list. The search index leaves these out.
NOT_PROSE_SELECTORS = ("section.references", "sup.cite")


def citations_in(text: str) -> list[str]:
    """Every ``[...]`` in ``text`` that is written as a citation."""
    return [match.group(0) for match in re.finditer(CITATION_RE, text)]


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
        text = util.INLINE_PLACEHOLDER_RE.sub("…", text)
        return " ".join(text.replace(util.STX, "").replace(util.ETX, "").split())

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
                    re.compile(r"\[[^\]]*@" + re.escape(key) + r"(?![\w:.\-])"),
                    unknown_key_message(ext.bibliography, key),
                )
        element = etree.Element("sup", {"class": "cite", CITE_INDEX_ATTR: str(len(ext.citation_groups))})
        ext.citation_groups.append(items)
        return element, m.start(0), m.end(0)



def fill_citations(md, ext, root, ids) -> None:
    """Number the sources by first use, fill each placeholder, append References."""
    placeholders = [element for element in root.iter("sup") if CITE_INDEX_ATTR in element.attrib]
    numbers: dict[str, int] = {}
    order: list[str] = []
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
            preview.text = md.htmlStash.store(ext.bibliography.format(key).preview)
            previous = item
    md.cited_keys = order
    if order:
        append_references(md, ext, root, order, numbers, places, ids)


def append_references(md, ext, root, order, numbers, places, ids) -> None:
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
        card = ext.getConfig("evidence_card")(key)  # evidence cards: the source's label and finding, once
        text.text = md.htmlStash.store(ext.bibliography.format(key).html + (f" {card}" if card else ""))
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


def unknown_key_message(bibliography, key: str) -> str:
    if not len(bibliography):
        return f"unknown citation key {key!r}: no bibliography entries are loaded"
    nearest = bibliography.suggest(key)
    hint = f"; did you mean {nearest!r}?" if nearest else "; add it to the bibliography"
    return f"unknown citation key {key!r}{hint}"
