"""Images in the content load lazily and must not shift the layout."""

from __future__ import annotations

import logging
import os
import re

from pelican.plugins.faq_citations.errors import report

IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
IMG_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
MODERN_IMAGE = (".webp", ".avif", ".svg")


class DropPelicanEmptyAlt(logging.Filter):
    """Pelican's "Empty alt attribute for image x in y" (no line): ``check_images`` says it
    with the file and the line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Empty alt attribute for image")


def check_images(content) -> None:
    """Images load lazily and never shift the layout: every ``<img>`` gets
    ``loading="lazy" decoding="async"``, and one without ``width`` and ``height`` or
    not in a modern format (WebP, AVIF, SVG), or without alt text, is a warning, so
    ``make publish`` refuses it. Write ``![Alt](pic.webp){: width="800" height="450" }``."""
    html_text = content._content or ""
    if "<img" not in html_text:
        return
    try:
        with open(content.source_path, encoding="utf-8") as handle:
            source_lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        source_lines = []

    def line_of(src: str) -> int:
        name = os.path.basename(src.split("?", 1)[0])
        return next((n for n, text in enumerate(source_lines, 1) if name and name in text), 1)

    def fix(match) -> str:
        tag = match[0]
        attrs = dict(IMG_ATTR.findall(tag))
        src = attrs.get("src", "")
        if not ("width" in attrs and "height" in attrs):
            report(f"image {src!r} has no width and height; add them "
                   '({: width="…" height="…" }) so the page does not shift',
                   path=content.source_path, line=line_of(src), level="warning")
        if not attrs.get("alt", "").strip():
            report(f"image {src!r} has no alt text; describe what it shows between the brackets: "
                   f"![A calm waiting room]({os.path.basename(src) or '...'})",
                   path=content.source_path, line=line_of(src), level="warning")
        if not src.split("?", 1)[0].lower().endswith(MODERN_IMAGE):
            report(f"image {src!r}: use WebP, AVIF or SVG",
                   path=content.source_path, line=line_of(src), level="warning")
        extra = "".join(f' {name}="{value}"' for name, value in (("loading", "lazy"), ("decoding", "async"))
                        if name not in attrs)
        return tag[:-2].rstrip() + extra + " />" if tag.endswith("/>") else tag[:-1] + extra + ">"

    content._content = IMG_TAG.sub(fix, html_text)
