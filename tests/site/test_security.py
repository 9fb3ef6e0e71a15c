"""Security and privacy: a strict Content-Security-Policy on every page, no inline
script but the one the policy lists by its hash (the loader that requests the page's
script after the first paint), nothing loaded from another origin, no cookies.

GitHub Pages cannot send headers, so the policy travels in a <meta> tag; the
`_headers` file for hosts that can is tested with the publishing tests.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urljoin, urlsplit

import pytest

from support import html_pages, soup, url_path

SITEURL = "https://example.org/guide"  # what conftest's published_site is built with
OWN_SOURCES = {"'self'", "'none'"}
# Extra sources a directive may have, and why: images may be inline data: URLs (the
# favicon); Pagefind's search runs WebAssembly, which needs 'wasm-unsafe-eval' (it
# allows WebAssembly compilation, not eval() of JavaScript, nor inline script).
ALLOWED_EXTRA = {"img-src": {"data:"}, "script-src": {"'wasm-unsafe-eval'"}}
# The theme inlines its CSS and allows exactly that text by its SHA-256 (no 'unsafe-inline');
# likewise its one inline script (test_no_inline_script_but_the_hashed_loader checks each
# hash matches a script on the page, and each inline script is hashed).
STYLE_HASH = re.compile(r"'sha256-[A-Za-z0-9+/]{43}='")
SCRIPT_DIRECTIVES = ("script-src-elem", "script-src-attr", "script-src", "default-src")
RESOURCE_ATTRIBUTES = {
    "script": ["src"],
    "img": ["src", "srcset"],
    "iframe": ["src"],
    "frame": ["src"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "track": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "input": ["src"],
}
LOADED_LINK_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "modulepreload",
    "prefetch",
    "manifest",
    "apple-touch-icon",
    "mask-icon",
    "preconnect",
    "dns-prefetch",
}


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def parse_csp(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        tokens = part.split()
        if tokens:
            directives.setdefault(tokens[0].lower(), tokens[1:])  # the first of a repeated directive wins
    return directives


def csp_problems(policy: str) -> list[str]:
    directives = parse_csp(policy)
    problems = []
    for required in ("default-src", "object-src", "base-uri", "form-action"):
        if required not in directives:
            problems.append(
                f"no {required} (it does not fall back to anything safer)"
                if required != "default-src"
                else "no default-src"
            )
    for name, sources in directives.items():
        if not name.endswith("-src") and name not in ("base-uri", "form-action"):
            continue
        for source in sources:
            if source in OWN_SOURCES or source in ALLOWED_EXTRA.get(name, ()):
                continue
            if name in ("style-src", "script-src") and STYLE_HASH.fullmatch(source):
                continue  # the inline <style> / loader, by its hash (checked to match below)
            problems.append(f"{name} allows {source}")
    script = next((directives[d] for d in SCRIPT_DIRECTIVES if d in directives), None)
    if script is None or any(
        s in ("'unsafe-inline'", "'unsafe-eval'", "'strict-dynamic'", "'unsafe-hashes'")
        or s.startswith("'nonce-")
        or (s.startswith("'sha") and not STYLE_HASH.fullmatch(s))
        for s in script
    ):
        problems.append(f"scripts are not limited to the site's own files: {script}")
    if directives.get("object-src") not in (["'none'"], None):
        problems.append(f"object-src should be 'none', is {directives['object-src']}")
    return problems


@pytest.mark.parametrize(
    ("policy", "problem"),
    [
        (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'",
            "script-src allows 'unsafe-inline'",
        ),
        (
            "default-src 'self' https://cdn.example; object-src 'none'; base-uri 'self'; form-action 'self'",
            "default-src allows https://cdn.example",
        ),
        (
            "default-src 'self'; img-src *; object-src 'none'; base-uri 'self'; form-action 'self'",
            "img-src allows *",
        ),
        (
            "default-src 'self'; script-src 'self' 'sha256-abc'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'",
            "scripts are not limited",
        ),
        (
            "default-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'",
            "style-src allows 'unsafe-inline'",
        ),
        (
            "default-src 'self'; script-src 'self' 'nonce-abc'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'",
            "scripts are not limited",
        ),
        ("script-src 'self'", "no default-src"),
        ("default-src 'self'; object-src 'none'; form-action 'self'", "no base-uri"),
    ],
    ids=["unsafe-inline", "other-origin", "wildcard", "hash", "style-unsafe-inline", "nonce", "no-default",
         "no-base-uri"],
)
def test_csp_checker_rejects_a_loose_policy(policy, problem):
    assert any(problem in p for p in csp_problems(policy)), csp_problems(policy)


def test_csp_checker_accepts_the_loader_by_its_hash():
    source = sha256_source("l()")
    assert csp_problems(f"default-src 'self'; script-src 'self' {source}; style-src 'self' {source}; "
                        "object-src 'none'; base-uri 'self'; form-action 'self'") == []
    assert STYLE_HASH.fullmatch(source)


def built(request, which):
    return request.getfixturevalue("published_site" if which == "published" else "site")


@pytest.mark.parametrize("which", ["site", "published"])
def test_every_page_has_a_strict_csp_meta_before_anything_it_governs(request, which):
    output = built(request, which)
    problems = []
    for path in html_pages(output):
        where = path.relative_to(output).as_posix()
        head = soup(path).head
        metas = head.find_all("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
        if len(metas) != 1:
            problems.append(f"{where}: {len(metas)} CSP meta tags in <head>")
            continue
        earlier = [e.name for e in metas[0].find_all_previous(["script", "link", "style", "base"])]
        if earlier:
            problems.append(f"{where}: {earlier} come before the CSP meta, which does not cover them")
        problems += [f"{where}: {p}" for p in csp_problems(metas[0].get("content", ""))]
    assert not problems, "\n".join(problems[:60])


@pytest.mark.parametrize("which", ["site", "published"])
def test_no_inline_script_but_the_hashed_loader_and_nothing_from_another_origin(request, which):
    output = built(request, which)
    own = urlsplit(SITEURL if which == "published" else "http://site.test")
    problems = []

    def foreign(base, value):
        value = value.strip()
        if value.startswith("data:"):
            return False
        target = urlsplit(urljoin(base, value))
        return (target.scheme, target.netloc) != (own.scheme, own.netloc)

    for path in html_pages(output):
        where = path.relative_to(output).as_posix()
        base = (
            f"{own.scheme}://{own.netloc}{own.path if which == 'published' else ''}{url_path(output, path)}"
        )
        page = soup(path)
        meta = page.find("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
        allowed = {s for s in parse_csp(meta["content"]).get("script-src", []) if STYLE_HASH.fullmatch(s)}
        inline = {sha256_source(script.string or ""): script for script in page.find_all("script")
                  if not script.has_attr("src") and script.get("type") != "application/ld+json"}
        for source, script in inline.items():
            if source not in allowed:
                problems.append(f"{where}: inline <script> its policy does not list {str(script)[:80]}")
        if allowed - set(inline):
            problems.append(f"{where}: script-src lists {allowed - set(inline)}, no script has that hash")
        if len(inline) > 1:
            problems.append(f"{where}: {len(inline)} inline scripts (the loader is the only one)")
        for element in page.find_all(True):
            handlers = [a for a in element.attrs if a.lower().startswith("on")]
            if handlers:
                problems.append(f"{where}: <{element.name}> has event-handler attributes {handlers}")
            if element.has_attr("style"):
                problems.append(
                    f"{where}: <{element.name}> has an inline style attribute (blocked by the CSP)"
                )
            for attribute in ("href", "src", "action", "formaction"):
                if str(element.get(attribute, "")).strip().lower().startswith("javascript:"):
                    problems.append(f"{where}: <{element.name}> {attribute} is a javascript: URL")
        for tag, attributes in RESOURCE_ATTRIBUTES.items():
            for element in page.find_all(tag):
                for attribute in attributes:
                    for value in (
                        re.split(r",\s+", element.get(attribute, "")) if element.get(attribute) else []
                    ):
                        url = value.split()[0]
                        if foreign(base, url):
                            problems.append(f"{where}: <{tag} {attribute}={url!r}> loads from another origin")
        for link in page.find_all("link", href=True):
            if LOADED_LINK_RELS & {r.lower() for r in link.get("rel", [])} and foreign(base, link["href"]):
                problems.append(
                    f"{where}: <link rel={link.get('rel')} href={link['href']!r}> loads from another origin"
                )
        for style in page.find_all("style"):
            problems += [
                f"{where}: <style> loads {u}" for u in css_urls(style.get_text()) if foreign(base, u)
            ]
    for css in sorted(output.rglob("*.css")):
        base = f"{own.scheme}://{own.netloc}/{css.relative_to(output).as_posix()}"
        problems += [
            f"{css.relative_to(output)}: loads {u}" for u in css_urls(css.read_text()) if foreign(base, u)
        ]
    assert not problems, "\n".join(problems[:60])


def css_urls(text: str) -> list[str]:
    """Every url(...) and @import target in a stylesheet (fonts, images, other stylesheets)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    found = re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
    found += re.findall(r"@import\s+['\"]([^'\"]+)", text)
    return [u.strip() for u in found]


def test_css_url_finder_sees_fonts_and_imports():
    css = (
        "@import 'https://fonts.example/a.css'; "
        "@font-face { src: url(https://fonts.example/f.woff2) } /* url(x) */"
    )
    assert css_urls(css) == ["https://fonts.example/f.woff2", "https://fonts.example/a.css"]


@pytest.mark.browser
def test_no_cookies_are_set(page, server, site):
    paths = ["/", "/search/", "/404.html"]
    paths += [url_path(site, p) for p in html_pages(site) if soup(p).select_one("article.article")][:3]
    for path in paths:
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => document.cookie") == "", f"{path} sets a cookie"
        assert page.evaluate("() => window.localStorage.length + window.sessionStorage.length") == 0, (
            f"{path} stores data in the browser"
        )
    assert page.context.cookies() == []
