"""Titles that stay text.

Pelican typogrifies ``title`` as if it were HTML. A title such as
``Dose <0.5 mg/kg & "PTSD"`` must reach the page literally, so we keep the raw
text as ``title_text`` (for ``<title>``, meta tags and JSON-LD, where Jinja
escapes it) and rebuild ``title`` as typogrified *escaped* HTML.
"""

from __future__ import annotations

import html

from markupsafe import Markup


def keep_title_as_text(content, fields) -> None:
    raw = fields.get("title", (None, None))[1]
    if raw is None:
        return
    content.title_text = raw
    escaped = html.escape(raw, quote=False)
    if content.settings.get("TYPOGRIFY"):
        from typogrify.filters import typogrify

        escaped = typogrify(escaped, content.settings.get("TYPOGRIFY_IGNORE_TAGS"))
    content.title = Markup(escaped)
