"""Link rules, pure (no Pelican): which links a page's HTML holds, whether each
resolves against a site, the nearest existing target, and the line of the
writer's source where the link is written.

A ``Site`` answers two questions: which file a URL path is served from, and
which ids a file has. The build (``plugins/linkcheck``) makes one from the
output folder; ``make check`` (tools/check.py) from the content folder.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

PLACEHOLDER = re.compile(r"\{(filename|static|attach)\}")
WEB_SCHEMES = ("http", "https")
OTHER_SCHEMES = ("mailto", "tel", "sms")
LOOKS_LIKE_A_HOST = re.compile(
    r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|net|gov|edu|io|info|uk|us|ca|au)$", re.I)
BASE = "http://site.invalid"


@dataclass(frozen=True)
class Link:
    """A link as written on the page: the tag, attribute and value."""

    tag: str
    attribute: str
    value: str


@dataclass(frozen=True)
class Broken:
    link: Link
    message: str
    needles: tuple[str, ...] = ()  # text to look for in the source, most specific first


LINK_ATTRIBUTES = ("href", "src", "poster", "action", "formaction", "cite")
_LINKING = "//*[" + " or ".join(f"@{name}" for name in LINK_ATTRIBUTES) + "]"


@functools.lru_cache(maxsize=4096)
def links_in(html: str) -> tuple[tuple[Link, ...], frozenset[str]]:
    """Every link in an HTML fragment (the URL attributes Pelican rewrites) and every id
    in it. Cached by text: an unchanged page costs nothing on the devserver's next build."""
    if not html or not html.strip():
        return (), frozenset()
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    found = tuple(Link(element.tag, name, element.get(name)) for element in root.xpath(_LINKING)
                  for name in LINK_ATTRIBUTES if element.get(name) is not None)
    return found, frozenset(root.xpath("//@id | //a/@name"))


def ids_of_file(path: str) -> frozenset[str]:
    try:
        tree = lxml.html.parse(path)
    except (OSError, ValueError):
        return frozenset()
    return frozenset(tree.xpath("//@id | //a/@name"))


@dataclass
class Site:
    """Where URL paths lead: ``pages`` maps a URL path (``/what-is-ptsd/``) to a key the
    ``ids`` callable understands (a file; ``ids`` returns None when it cannot tell);
    ``sources`` maps content source paths (relative to the content folder) to their URL
    path, for ``{filename}`` and ``{static}``."""

    pages: dict[str, str]
    ids: callable
    sources: dict[str, str] = field(default_factory=dict)

    def lookup(self, path: str) -> str | None:
        path = unquote(path) or "/"
        for candidate in (path, path.rstrip("/") + "/", path + "/" if not path.endswith("/") else path):
            if candidate in self.pages:
                return self.pages[candidate]
        return None


_IGNORED_WORDS = {"md", "markdown", "articles", "pages", "index", "html"}


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[-_/.#]+", text.lower()) if w and w not in _IGNORED_WORDS}


def nearest(value: str, candidates) -> str | None:
    """The candidate most like ``value``: close in spelling (difflib) plus words in common,
    so ``ketamine-side-effects`` finds ``side-effects-and-risks`` and ``targt`` finds ``target``."""
    words = _words(value)
    best, best_score = None, 0.0
    for candidate in candidates:
        ratio = difflib.SequenceMatcher(None, value, candidate).ratio()
        theirs = _words(candidate)
        shared = len(words & theirs) / len(words | theirs) if words | theirs else 0.0
        if ratio < 0.6 and not shared:
            continue
        if ratio + shared > best_score:
            best, best_score = candidate, ratio + shared
    return best


def check_link(
    link: Link, page_url: str, site: Site, own_ids: set[str], source_dir: str = ""
) -> Broken | None:
    """Whether ``link`` on the page at URL path ``page_url`` resolves; why not, if not."""
    value = link.value.strip()
    if not value:
        return Broken(link, f"empty link in <{link.tag} {link.attribute}>: write the address", ())
    if " " in value and not value.startswith(("mailto:", "tel:")):
        return Broken(link, f"link {value!r} has a space in it; write %20 or remove the space", (value,))
    if value.startswith("#") and not URL_CONTROL.search(value):
        # This page's own anchor (every citation and back-link): what urljoin and
        # urlsplit would make of it, without them.
        return _own_anchor(link, unquote(value[1:]), (value, value), page_url, site, own_ids)
    if value.startswith(OTHER_PLACEHOLDERS):
        return None  # {category}, {tag}, {author}: Pelican makes those pages from the metadata
    unresolved = PLACEHOLDER.match(value)
    if unresolved:
        return _unresolved(link, value, unresolved[1], site, source_dir, page_url)
    if ":" in value:
        external = _external_link(link)
        if external is not _NOT_EXTERNAL:
            return external
    parts = urlsplit(value)
    if value.startswith("//"):
        return Broken(link, f"link {value!r} has no scheme; write https:{value}", (value,))
    colonless = NO_COLON.match(value)
    if colonless:
        return Broken(link, f"link {value!r} lacks the ':' after {colonless[1]!r}; "
                            f"write {colonless[1]}://{value[colonless.end():]}", (value,))
    target = urlsplit(urljoin(BASE + page_url, value))
    fragment = unquote(target.fragment)
    needles = (value, f"#{target.fragment}" if target.fragment else value)
    if not value.startswith("#"):
        key = site.lookup(target.path)
        if key is None:
            first = parts.path.split("/")[0]
            if not value.startswith(("/", ".")) and LOOKS_LIKE_A_HOST.match(first):
                return Broken(link, f"link {value!r} leads to no page of this site; "
                                    f"for another site write 'https://{value}'", needles)
            close = nearest(target.path, _elsewhere(site, page_url))
            hint = f"; did you mean {close!r}?" if close else ""
            return Broken(link, f"link {value!r}: no page at {target.path}{hint}", needles)
        if not fragment:
            return None
        ids = site.ids(key)
        if ids is None:
            return None  # a page whose ids cannot be known here (make check, a generated page)
        where = target.path
    else:
        return _own_anchor(link, fragment, needles, page_url, site, own_ids)
    if fragment in ids:
        return None
    return _no_anchor(link, fragment, ids, where, needles)


# Characters urlsplit takes out of a URL before splitting it.
URL_CONTROL = re.compile(r"[\t\r\n]")
_NOT_EXTERNAL = object()


@functools.lru_cache(maxsize=16384)
def _external_link(link: Link):
    """``check_link`` for a link with a scheme, which depends on nothing but the link
    (the same DOIs and PubMed links are on many pages); ``_NOT_EXTERNAL`` without one."""
    value = link.value.strip()
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    return _external(link, value, parts, scheme) if scheme else _NOT_EXTERNAL


def _own_anchor(link: Link, fragment: str, needles: tuple[str, ...], page_url: str, site: Site,
                own_ids) -> Broken | None:
    if not fragment or fragment in own_ids:
        return None
    key = site.lookup(page_url)
    theirs = site.ids(key) if key is not None else None
    ids = own_ids | (theirs or frozenset())  # None: a page whose ids cannot be known here
    if fragment in ids:
        return None
    return _no_anchor(link, fragment, ids, "this page", needles)


def _no_anchor(link: Link, fragment: str, ids, where: str, needles: tuple[str, ...]) -> Broken:
    close = nearest(fragment, ids)
    hint = f"; did you mean '#{close}'?" if close else ""
    return Broken(link, f"link {link.value.strip()!r}: no anchor #{fragment} on {where}{hint}", needles)


def _elsewhere(site: Site, page_url: str) -> list[str]:
    """Every URL path of the site but those of the page the link is on: a link never means
    the page it is written on, so that page is never the suggestion."""
    own = site.lookup(page_url)
    return [path for path, key in site.pages.items() if own is None or key != own]


def _unresolved(link: Link, value: str, kind: str, site: Site, source_dir: str,
                page_url: str) -> Broken:
    # Pelican leaves an unresolved link with its fragment written twice (x.md#a#a).
    path_part, hash_, fragment = value.partition("#")
    value = path_part + (hash_ + fragment.split("#")[0] if hash_ else "")
    written = value[len(kind) + 2:]
    path = unquote(urlsplit(written).path)
    close = None
    if site.sources:
        relative = path.lstrip("/") if path.startswith("/") else _join(source_dir, path)
        own = site.lookup(page_url)
        match = nearest(relative, [source for source, url in site.sources.items()
                                   if url != page_url and (own is None or site.lookup(url) != own)])
        if match:
            close = "{" + kind + "}/" + match
    hint = f"; did you mean {close!r}?" if close else ""
    return Broken(link, f"link {value!r}: no file {path!r} in the content folder{hint}", (value, written))


def _join(folder: str, path: str) -> str:
    parts: list[str] = [p for p in folder.split("/") if p]
    for piece in path.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _external(link: Link, value: str, parts, scheme: str) -> Broken | None:
    """Another site's link: its form only (no network)."""
    if scheme in WEB_SCHEMES:
        host = parts.netloc.rsplit("@", 1)[-1].split(":")[0]
        if not host:
            rest = value.split(":", 1)[1].lstrip("/")
            return Broken(link, f"link {value!r} has no host; write {scheme}://{rest}", (value,))
        if "." not in host and host != "localhost":
            return Broken(link, f"link {value!r}: {host!r} is not a host name (e.g. www.example.org)",
                          (value,))
        return None
    if scheme == "mailto":
        if "@" not in value:
            return Broken(link, f"link {value!r} is not an e-mail address; write mailto:name@example.org",
                          (value,))
        return None
    if scheme in OTHER_SCHEMES:
        return None
    if scheme in ("htp", "htps", "hhtp", "htttp", "ttps", "ttp"):
        return Broken(link, f"link {value!r}: misspelt scheme; write https://", (value,))
    return Broken(link, f"link {value!r}: {scheme!r} links are not allowed; use https://, mailto: or tel:",
                  (value,))


def source_line(
    lines: list[str], needles: tuple[str, ...], used: dict[str, int], start: int = 0
) -> int | None:
    """1-based line of the next occurrence (after the last one used) of the most
    specific needle, preferring it written as a link target (``](x``, ``"x"``, ``<x>``)."""
    for needle in needles:
        if not needle:
            continue
        for written in (f"]({needle}", f'"{needle}"', f"<{needle}>", f"]: {needle}", needle):
            for index in range(max(start, used.get(written, start)), len(lines)):
                if written in lines[index]:
                    used[written] = index + 1
                    return index + 1
    return None


def broken_links(html: str, page_url: str, site: Site, lines: list[str], *, start: int = 0,
                 source_dir: str = "", resolve=None) -> list[tuple[int | None, Broken]]:
    """``[(source line, problem)]`` for every broken link of one page's HTML, in line order.
    ``resolve`` may rewrite a link's value first (``make check`` resolves ``{filename}``)."""
    found, ids = links_in(html)
    used: dict[str, int] = {}
    problems = []
    for link in found:
        checked = Link(link.tag, link.attribute, resolve(link.value)) if resolve else link
        problem = check_link(checked, page_url, site, ids, source_dir)
        if problem:
            if checked is not link:
                problem = Broken(link, problem.message.replace(repr(checked.value), repr(link.value)),
                                 (link.value, *problem.needles))
            problems.append((source_line(lines, problem.needles, used, start), problem))
    return sorted(problems, key=lambda item: item[0] or 0)


NO_COLON = re.compile(r"^(https?|ftp)//+", re.I)  # http//example.org: the ':' left out

OTHER_PLACEHOLDERS = ("{category}", "{tag}", "{author}", "{index}")


def resolver(site: Site, source_dir: str):
    """A function that writes ``{filename}x.md#a`` and ``{static}/images/y.webp`` as the
    build does (``site.sources``: source path -> URL path), relative to ``source_dir``."""
    def resolve(value: str) -> str:
        for kind in ("{filename}", "{static}", "{attach}"):
            if value.startswith(kind):
                parts = urlsplit(value[len(kind):])
                written = unquote(parts.path)
                path = written.lstrip("/") if written.startswith("/") else _join(source_dir, written)
                if path in site.sources:
                    return site.sources[path] + (f"#{parts.fragment}" if parts.fragment else "")
        if value.startswith("{index}"):
            return "/" + value[len("{index}"):]
        return value
    return resolve


def plain_html(path: str, markdown_settings=None) -> tuple[str, str | None]:
    """A file's body and Summary as Pelican's ``MARKDOWN`` settings make them, without any
    plugin's extension: the links of a file whose own mistakes stop its reader."""
    import markdown  # noqa: PLC0415

    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return "", None
    config = dict(markdown_settings or {})
    configs = dict(config.pop("extension_configs", {}))
    configs.setdefault("markdown.extensions.meta", {})
    extensions = [*configs, *(e for e in config.pop("extensions", []) if isinstance(e, str))]
    try:
        md = markdown.Markdown(extensions=extensions, extension_configs=configs,
                               output_format=config.get("output_format", "html5"))
        body = md.convert(text)
        summary = " ".join(getattr(md, "Meta", {}).get("summary", [])) or None
        if summary:
            summary = markdown.Markdown(extensions=list(configs), extension_configs=configs).convert(summary)
        return body, summary
    except Exception:  # noqa: BLE001 -- the file's own reader reports why it cannot be read
        return "", None
