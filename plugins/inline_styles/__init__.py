"""The theme's stylesheets, inlined into every page with their CSP hash.

Why: a linked stylesheet costs a second round trip before the first render; a
`<style>` element in the page costs none. The Content-Security-Policy stays strict
(no 'unsafe-inline'): `style-src` lists the SHA-256 of exactly the text inlined,
and publish_extras copies each page's meta policy into `_headers`, so the header
carries the same hash. base.html calls `inline_styles()`, a Jinja global this
plugin adds to every generator's environment (a plugin, not an import in
pelicanconf.py, so plain `pelican` finds it too); the result is cached while the
files are unchanged. The stylesheets are the faq_citations package's own
(citations, previews) and then the theme's `INLINE_STYLESHEETS` (paths relative to
the theme folder).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

COMMENT = re.compile(r"/\*.*?\*/", re.S)


@dataclass(frozen=True)
class InlineStyles:
    css: Markup
    csp_source: str  # "'sha256-…'", for style-src


# Spaces around these never matter in CSS outside strings (our stylesheets have no
# strings containing them, except content: "›" and "‹ " -- no punctuation inside).
PUNCTUATION_SPACE = re.compile(r"\s*([{};,>])\s*")


def minify(text: str) -> str:
    """Comments, indentation and spaces around punctuation out; no rule changes."""
    lines = (line.strip() for line in COMMENT.sub("", text).splitlines())
    text = " ".join(line for line in lines if line)
    return PUNCTUATION_SPACE.sub(r"\1", text).replace(";}", "}")


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


_cache: dict[tuple, InlineStyles] = {}


def inline_styles(paths: tuple[Path, ...]) -> InlineStyles:
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    if key not in _cache:
        text = "\n".join(minify(p.read_text(encoding="utf-8")) for p in paths)
        if "</style" in text.lower():
            raise ValueError("a stylesheet contains '</style', which would end the inline <style> early")
        _cache.clear()
        _cache[key] = InlineStyles(Markup(text), csp_hash(text))
    return _cache[key]


def stylesheets(settings) -> tuple[Path, ...]:
    """The plugin's preview CSS first, then the theme's own stylesheets."""
    from pelican.plugins import faq_citations

    plugin_css = Path(faq_citations.__file__).parent / "static" / "faq-citations.css"
    theme = Path(settings["THEME"])
    own = settings.get("INLINE_STYLESHEETS", ["static/css/site.css"])
    return (plugin_css, *(theme / name for name in own))


def add_global(generator) -> None:
    """`inline_styles()` in a template; `inline_styles("static/css/x.css")` adds a
    stylesheet (relative to the theme) for that page only, after the shared ones."""
    paths = stylesheets(generator.settings)
    theme = Path(generator.settings["THEME"])
    generator.env.globals["inline_styles"] = lambda *extra: inline_styles(
        (*paths, *(theme / name for name in extra)))


def register() -> None:
    from pelican import signals

    signals.generator_init.connect(add_global)
