"""Read a Markdown file's metadata header the way Python-Markdown's ``meta``
extension does, keeping the 1-based line of each field.

Pelican hands plugins the parsed values but not where they came from; error
messages need the line, and the title needs its raw, un-typogrified text.
"""

from __future__ import annotations

import re

_FIELD = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^[ ]{4,}(?P<value>.*)$")


def header_fields(path: str) -> dict[str, tuple[int, str]]:
    """Map each lower-cased field name to ``(line, raw value)`` (its last definition)."""
    return {key: (line, value) for line, key, _written, value in header_entries(path)}


def header_entries(path: str) -> list[tuple[int, str, str, str]]:
    """Every field of the header as written, in order: ``(line, lower-cased name, name as
    written, raw value)`` (a field written twice is there twice)."""
    entries: list[list] = []
    last_key = None
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                line = line.rstrip("\n")
                if number == 1 and line.strip() == "---":
                    continue
                if not line.strip() or line.strip() in ("---", "..."):
                    break
                match = _FIELD.match(line)
                if match:
                    last_key = match["key"].lower()
                    entries.append([number, last_key, match["key"], match["value"].strip()])
                    continue
                more = _CONTINUATION.match(line)
                if more and last_key:
                    entries[-1][3] = f"{entries[-1][3]} {more['value'].strip()}"
                    continue
                break
    except (OSError, UnicodeDecodeError):
        return []
    return [tuple(entry) for entry in entries]
