"""Collect an article's ``h2`` sections (id and text) for the table of contents."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _SectionParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[tuple[str, str]] = []
        self._current: str | None = None
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self._current = dict(attrs).get("id")
            self._text = []
        elif self._current is not None and tag in ("sup", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "h2" and self._current:
            text = " ".join("".join(self._text).split())
            if text:
                self.sections.append((self._current, text))
            self._current = None
        elif self._current is not None and tag in ("sup", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._current is not None and not self._skip:
            self._text.append(data)


_H2 = re.compile(r"<h2\b[^>]*>.*?</h2>", re.S | re.I)


def sections(html: str) -> list[tuple[str, str]]:
    """``[(id, plain text)]`` for every ``h2`` that has an id, in document order.

    A regex finds the headings and the parser reads only those: parsing whole
    articles (long reference lists included) was a tenth of the build.
    """
    parser = _SectionParser()
    for heading in _H2.findall(html or ""):
        parser.feed(heading)
    parser.close()
    return parser.sections
