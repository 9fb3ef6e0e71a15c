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

Each written page then keeps only the rules it can use (purge.py: a rule naming a
class, id or element that neither the page nor any of the site's scripts has is
dropped), and its CSP hash is recomputed for the text that is left. That runs at
`content_written`, so every page, the devserver's incremental writes included, gets
the same result, and publish_extras reads the final policy at `finalized`.
`INLINE_STYLES_PURGE = False` keeps the whole stylesheet in every page.

`script_loader(src)`, another Jinja global, is the page's one inline script: it
requests the theme's script after the first paint (see its docstring), by its hash too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from .purge import present_in, used_css

COMMENT = re.compile(r"/\*.*?\*/", re.S)


@dataclass(frozen=True)
class InlineStyles:
    css: Markup
    csp_source: str  # "'sha256-…'", for style-src


# Spaces around these never matter in CSS outside strings (our stylesheets have no
# strings containing them, except content: "›" and "‹ " -- no punctuation inside).
PUNCTUATION_SPACE = re.compile(r"\s*([{};,>])\s*")


# A colon's following spaces never matter outside strings (`a :hover` needs the space
# BEFORE the colon, which stays); strings are kept as written.
STRING_OR_COLON = re.compile(r"""("[^"]*"|'[^']*')|:\s+""")


def minify(text: str) -> str:
    """Comments, indentation and spaces around punctuation out; no rule changes."""
    lines = (line.strip() for line in COMMENT.sub("", text).splitlines())
    text = " ".join(line for line in lines if line)
    text = PUNCTUATION_SPACE.sub(r"\1", text).replace(";}", "}")
    return STRING_OR_COLON.sub(lambda m: m.group(1) or ":", text)


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


@dataclass(frozen=True)
class InlineScript:
    code: Markup
    csp_source: str  # "'sha256-…'", for script-src


def script_loader(src: str) -> InlineScript:
    """A few bytes of inline script that request ``src`` once the first contentful paint
    is done (1.5 s at the latest, for a browser without paint timing).

    Why: a deferred ``<script src>`` is requested while the page is still parsed, before
    the first paint, and Lighthouse's simulation then makes the paint wait for it (its
    LCP counts every request started before the observed paint). The page reads fully
    without the script, so it can come after the text is on screen (site.js loads the
    citation script the same way). The CSP lists this text's hash in script-src (no
    'unsafe-inline')."""
    url = json.dumps(src).replace("<", "\\u003c")
    code = ("(function(){var d;function l(){if(d)return;d=1;var s=document.createElement(\"script\");"
            f"s.src={url};document.head.appendChild(s)}}"
            "try{new PerformanceObserver(function(e){if(e.getEntriesByName(\"first-contentful-paint\")"
            ".length)l()}).observe({type:\"paint\",buffered:true})}catch(e){}setTimeout(l,1500)})()")
    return InlineScript(Markup(code), csp_hash(code))


def add_global(generator) -> None:
    """`inline_styles()` in a template; `inline_styles("static/css/x.css")` adds a
    stylesheet (relative to the theme) for that page only, after the shared ones."""
    paths = stylesheets(generator.settings)
    theme = Path(generator.settings["THEME"])
    generator.env.globals["inline_styles"] = lambda *extra: inline_styles(
        (*paths, *(theme / name for name in extra)))
    generator.env.globals["script_loader"] = script_loader


STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def script_text(settings) -> str:
    """Every script the site ships: the theme's and the faq_citations package's."""
    from pelican.plugins import faq_citations

    folders = (Path(settings["THEME"]) / "static", Path(faq_citations.__file__).parent / "static")
    return "\n".join(path.read_text(encoding="utf-8")
                     for folder in folders for path in sorted(folder.rglob("*.js")))


def purged_page(html: str, scripts: str) -> str:
    """``html`` with its inline stylesheet cut to the rules it uses and the CSP hash
    updated; unchanged when its first <style> is not one whose hash the page lists."""
    match = STYLE.search(html)
    if not match:
        return html
    css = match.group(1)
    old = csp_hash(css)[len("'sha256-"):-1]
    if old not in html[:match.start()]:
        return html  # not a style this plugin inlined (or no policy to keep true)
    used = used_css(css, present_in(html, scripts))
    if used == css:
        return html
    new = csp_hash(used)[len("'sha256-"):-1]
    head = html[:match.start()].replace(old, new)
    return head + "<style>" + used + "</style>" + html[match.end():]


def purge_written(path, context) -> None:
    """`content_written`: cut the page's inline CSS to what it uses."""
    if not str(path).endswith(".html") or not context.get("INLINE_STYLES_PURGE", True):
        return
    if "THEME" not in context:
        return
    page = Path(path)
    html = page.read_text(encoding="utf-8")
    purged = purged_page(html, script_text(context))
    if purged != html:
        page.write_text(purged, encoding="utf-8", newline="")


def register() -> None:
    from pelican import signals

    signals.generator_init.connect(add_global)
    signals.content_written.connect(purge_written)
