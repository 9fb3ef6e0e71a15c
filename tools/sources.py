"""Find a source the site already has: ``make sources Q="krystal 2019"``.

    python -m tools.sources [WORDS ...] [--uncited] [--content content]

Lists every entry of every bibliography file whose key, authors, year, title or
DOI holds all the words (case does not matter): its key (what to write in
``[@key]``), authors, year, title, DOI, where it is defined, and how often the
site cites it. ``--uncited`` lists the entries no page cites (``make lint``).

The entries come from the citation plugin's loader and the counts from its
Markdown extension (``md.cited_keys`` and the rendered citations), so they are
what the build sees. Exit status 1 when nothing matches.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pelican.plugins.faq_citations.errors import AuthorError

from plugins.decision_aid import data as decision_aid_data
from plugins.decision_aid.render import markdown_document
from tools.content_report import citation_numbers
from tools.site_content import CONTENT, converter, markdown_files, site_bibliography


@dataclass
class Usage:
    citations: Counter = field(default_factory=Counter)  # key -> how many [@key]
    pages: dict = field(default_factory=lambda: defaultdict(list))  # key -> files citing it
    unreadable: list = field(default_factory=list)


def usage(content: str) -> Usage:
    """How often each key is cited, over every article and page."""
    found = Usage()
    md = converter(content)
    for path in markdown_files(content):
        try:
            with open(path, encoding="utf-8") as handle:
                html = md.reset().convert(handle.read())
        except (OSError, UnicodeDecodeError, AuthorError) as exc:
            found.unreadable.append(f"{os.path.relpath(path)}: error: not counted: {exc}")
            continue
        count(found, md, html, os.path.relpath(path, content))
    # The decision aid's cells are Markdown in a data file (plugins/decision_aid).
    for path in sorted(glob.glob(os.path.join(content, "data", "*.yaml"))):
        aid, problems = decision_aid_data.load(path)
        cells = [cell for option in aid.options for cell in option.cells.values() if cell.markdown]
        if problems or not cells:
            continue
        try:
            html = md.reset().convert(markdown_document(cells)[0])
        except AuthorError as exc:
            found.unreadable.append(f"{os.path.relpath(path)}: error: not counted: {exc}")
            continue
        count(found, md, html, os.path.relpath(path, content))
    return found


def count(found: Usage, md, html: str, where: str) -> None:
    numbers = citation_numbers(html)
    for index, key in enumerate(md.cited_keys, start=1):
        found.citations[key] += numbers.get(str(index), 1)
        found.pages[key].append(where)


def authors(item: dict) -> str:
    names = [person.get("family") or person.get("literal") or "" for person in item.get("author", [])]
    names = [n for n in names if n]
    if not names:
        return "(no author)"
    return ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")


def year(item: dict) -> str:
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    return str(parts[0][0]) if parts and parts[0] else "n.d."


def describe(entry, found: Usage) -> str:
    item = entry.item
    doi = item.get("DOI") or "-"
    count, pages = found.citations.get(entry.key, 0), found.pages.get(entry.key, [])
    cited = (f"cited {count} time{'s' if count != 1 else ''} on {len(pages)} page"
             f"{'s' if len(pages) != 1 else ''}: {', '.join(pages)}") if pages else "not cited"
    return (f"[@{entry.key}]  {os.path.relpath(entry.path)}:{entry.line}\n"
            f"    {authors(item)} ({year(item)}). {item.get('title', '(no title)')}\n"
            f"    DOI: {doi}  ·  {cited}")


def matches(entry, words: list[str]) -> bool:
    item = entry.item
    haystack = " ".join([entry.key, authors(item), " ".join(
        f"{p.get('given', '')} {p.get('family', '')}" for p in item.get("author", [])),
        year(item), str(item.get("title", "")), str(item.get("DOI", ""))]).casefold()
    return all(word.casefold() in haystack for word in words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("words", nargs="*", help="words to look for (all must match)")
    parser.add_argument("--uncited", action="store_true", help="list the entries no page cites")
    parser.add_argument("--content", default=CONTENT)
    args = parser.parse_args(argv)
    words = " ".join(args.words).split()
    bibliography = site_bibliography(os.path.abspath(args.content))
    found = usage(os.path.abspath(args.content))
    for line in found.unreadable:
        print(line, file=sys.stderr)
    entries = list(bibliography.entries.values())
    if args.uncited:
        uncited = [e for e in entries if not found.pages.get(e.key)]
        print(f"Sources nobody cites: {len(uncited)} of {len(entries)}")
        for entry in uncited:
            print(f"{os.path.relpath(entry.path)}:{entry.line}: [@{entry.key}] is not cited on any page")
        return 0
    chosen = [e for e in entries if matches(e, words)]
    for entry in chosen:
        print(describe(entry, found))
    what = f"matching {' '.join(words)!r}" if words else "in all"
    print(f"{len(chosen)} of {len(entries)} sources {what}"
          f" (from {len({e.path for e in entries})} bibliography file(s))")
    return 0 if chosen else 1


if __name__ == "__main__":
    sys.exit(main())
