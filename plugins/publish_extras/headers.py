"""The `_headers` file (Netlify, Cloudflare Pages): security headers that a `<meta>` cannot set.

Each page's Content-Security-Policy is read from its own `<meta http-equiv>`, so the
header and the meta never drift apart; the header adds `frame-ancestors 'none'`, which
only a header can carry. Pages do not all share one policy (the search page allows
'wasm-unsafe-eval' for Pagefind), and both hosts apply *every* rule whose path matches,
joining two values of one header with a comma -- which a browser reads as two policies,
both enforced, the stricter winning. So the Content-Security-Policy rules never overlap:
one `/*` rule when every page agrees, otherwise one rule per folder (recursively) and one
per top-level page. Headers that are the same everywhere go on `/*`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser

FRAME_ANCESTORS = "frame-ancestors 'none'"


class _HeadMeta(HTMLParser):
    """Collects the CSP and referrer `<meta>` values of one page's `<head>`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.csp: str | None = None
        self.referrer: str | None = None
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done or tag != "meta":
            return
        values = {name.lower(): value or "" for name, value in attrs}
        if values.get("http-equiv", "").lower() == "content-security-policy":
            self.csp = values.get("content", "").strip()
        elif values.get("name", "").lower() == "referrer":
            self.referrer = values.get("content", "").strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.done = True


def head_meta(html: str) -> tuple[str | None, str | None]:
    """(Content-Security-Policy, referrer) from a page's `<meta>` elements, None if absent."""
    parser = _HeadMeta()
    head_end = html.find("</head>")
    parser.feed(html if head_end < 0 else html[: head_end + len("</head>")])
    parser.close()
    return parser.csp, parser.referrer


def with_frame_ancestors(csp: str) -> str:
    """The meta policy as a header: the same directives plus `frame-ancestors 'none'`."""
    directives = [part.strip() for part in csp.split(";") if part.strip()]
    directives = [d for d in directives if not d.lower().startswith("frame-ancestors")]
    return "; ".join([*directives, FRAME_ANCESTORS])


def url_path(relative_file: str) -> str:
    """`a/b/index.html` -> `/a/b/`; `404.html` -> `/404.html` (output-relative, POSIX)."""
    path = "/" + relative_file.replace(os.sep, "/")
    if path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path


def csp_rules(policies: Mapping[str, str | None]) -> list[tuple[str, str]]:
    """Non-overlapping `(path pattern, policy)` rules for ``{relative html file: policy}``.

    Files in a folder that all share one policy get one `folder/*` rule; a folder whose
    files disagree is split into a rule per page at its top and a rule per sub-folder.
    Pages without a policy get no rule.
    """
    rules: list[tuple[str, str]] = []
    _split("", {name.replace(os.sep, "/"): csp for name, csp in policies.items()}, rules)
    return rules


def _split(prefix: str, files: dict[str, str | None], rules: list[tuple[str, str]]) -> None:
    distinct = set(files.values())
    if len(distinct) == 1:
        (policy,) = distinct
        if policy is not None:
            rules.append((f"/{prefix}*", policy))
        return
    folders: dict[str, dict[str, str | None]] = {}
    for name, policy in sorted(files.items()):
        head, sep, rest = name.partition("/")
        if sep:
            folders.setdefault(head, {})[rest] = policy
        elif policy is not None:
            page = url_path(prefix + name)
            rules.append((page, policy))
            if name == "index.html":
                rules.append((f"/{prefix}index.html", policy))
    for folder, inner in sorted(folders.items()):
        _split(f"{prefix}{folder}/", inner, rules)


def render(
    policies: Mapping[str, str | None],
    common: Iterable[tuple[str, str]],
) -> str:
    """The `_headers` text: ``common`` headers on `/*`, then the CSP rules."""
    rules = csp_rules(policies)
    lines = [
        "# Written by the publish_extras plugin at build time; edit the theme or the",
        "# PUBLISH_EXTRAS_* settings, not this file.",
        "/*",
    ]
    lines += [f"  {name}: {value}" for name, value in common]
    for pattern, policy in rules:
        header = f"  Content-Security-Policy: {with_frame_ancestors(policy)}"
        if pattern == "/*":
            lines.append(header)
        else:
            lines += ["", pattern, header]
    return "\n".join(lines) + "\n"
