"""Files a static host needs besides the pages: `CNAME`, `_headers`, `.gz` copies.

Pelican glue only; the work is in `headers.py` and `precompress.py`. Everything is
written on `finalized` into Pelican's output path, which under `tools/build.py` is the
staging folder, so a failed build never leaves half of these files in `output/`.

Settings (publishconf.py turns on what only a deployed site needs):

| Setting | Default | What it does |
| --- | --- | --- |
| `PUBLISH_EXTRAS_HEADERS` | `True` | write `_headers` (Netlify, Cloudflare Pages) |
| `PUBLISH_EXTRAS_PERMISSIONS_POLICY` | camera, mic, geolocation, payment, usb: off | `Permissions-Policy` |
| `PUBLISH_EXTRAS_REFERRER_POLICY` | `""`: the home page's `<meta name="referrer">` | `Referrer-Policy` |
| `PUBLISH_EXTRAS_GZIP` | `False` | write `name.gz` beside each file with an extension below |
| `PUBLISH_EXTRAS_GZIP_EXTENSIONS` | html css js xml json svg txt | which files get a `.gz` copy |
| `PUBLISH_EXTRAS_CNAME` | `""` | a bare host name: write it to `CNAME` |
| `PUBLISH_EXTRAS_REQUIRE_SITEURL` | `False` | refuse to build without a real SITEURL |

A configuration mistake (a `CNAME` that is not a host name, or that differs from
SITEURL's host; a SITEURL that is not an absolute http(s) URL; with
`PUBLISH_EXTRAS_REQUIRE_SITEURL`, no SITEURL or a placeholder one such as
`example.github.io`) stops the build at start-up
with `PublishExtrasConfigError`.
"""

from __future__ import annotations

import logging
import os
import re
from urllib.parse import urlsplit

from pelican import signals

from .headers import head_meta, render
from .precompress import precompress_tree

logger = logging.getLogger(__name__)

DEFAULTS = {
    "PUBLISH_EXTRAS_HEADERS": True,
    "PUBLISH_EXTRAS_PERMISSIONS_POLICY": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    ),
    "PUBLISH_EXTRAS_REFERRER_POLICY": "",
    "PUBLISH_EXTRAS_GZIP": False,
    "PUBLISH_EXTRAS_GZIP_EXTENSIONS": [".html", ".css", ".js", ".xml", ".json", ".svg", ".txt"],
    "PUBLISH_EXTRAS_CNAME": "",
    "PUBLISH_EXTRAS_REQUIRE_SITEURL": False,
}
# Addresses that stand for "not set yet": a site built for them links to nowhere.
PLACEHOLDER_HOSTS = ("example.github.io", "user.github.io", "username.github.io")
FALLBACK_REFERRER_POLICY = "strict-origin-when-cross-origin"
HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$",
    re.IGNORECASE,
)


class PublishExtrasConfigError(ValueError):
    """A PUBLISH_EXTRAS_* or SITEURL setting that would publish a broken site."""


def _setting(settings, name):
    return settings.get(name, DEFAULTS[name])


def check_settings(settings) -> None:
    """Raise PublishExtrasConfigError for a SITEURL or CNAME that cannot be published."""
    siteurl = settings.get("SITEURL") or ""
    parts = urlsplit(siteurl)
    if _setting(settings, "PUBLISH_EXTRAS_REQUIRE_SITEURL"):
        if not siteurl:
            raise PublishExtrasConfigError(
                "no SITEURL: say where the site is served from, e.g. "
                "SITEURL=https://guide.example.org make publish (or CUSTOM_DOMAIN=guide.example.org)"
            )
        if (parts.hostname or "").lower() in PLACEHOLDER_HOSTS:
            raise PublishExtrasConfigError(
                f"SITEURL {siteurl!r} is a placeholder address; set SITEURL to the address the "
                "site is served from, e.g. SITEURL=https://guide.example.org make publish"
            )
    absolute = parts.scheme in ("http", "https") and bool(parts.netloc)
    if siteurl and not settings.get("RELATIVE_URLS") and not absolute:
        raise PublishExtrasConfigError(
            f"SITEURL {siteurl!r} is not an absolute URL; write it as https://host/path"
        )
    domain = _setting(settings, "PUBLISH_EXTRAS_CNAME") or ""
    if not domain:
        return
    if not HOSTNAME.match(domain):
        raise PublishExtrasConfigError(
            f"custom domain {domain!r} is not a host name; write it bare, "
            "like guide.example.org (no https://, no path)"
        )
    if siteurl and (parts.hostname or "").lower() != domain.lower():
        raise PublishExtrasConfigError(
            f"custom domain {domain!r} does not match SITEURL {siteurl!r}; "
            f"set SITEURL to https://{domain} (or leave it unset)"
        )


def on_initialized(pelican) -> None:
    check_settings(pelican.settings)
    # Run after every other `finalized` receiver (the search index writes CSS and JS
    # there): Pelican dispatches in connection order, and all plugins are registered
    # by now, so reconnecting puts this receiver last.
    signals.finalized.disconnect(on_finalized)
    signals.finalized.connect(on_finalized)


def write_cname(output: str, domain: str) -> None:
    with open(os.path.join(output, "CNAME"), "w", encoding="ascii", newline="\n") as handle:
        handle.write(domain.lower() + "\n")


def write_headers(output: str, settings) -> None:
    policies: dict[str, str | None] = {}
    referrers: dict[str, str | None] = {}
    for folder, dirnames, filenames in os.walk(output):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".html"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8", errors="replace") as handle:
                csp, referrer = head_meta(handle.read())
            relative = os.path.relpath(path, output)
            policies[relative] = csp
            referrers[relative] = referrer
    if not any(policies.values()):
        logger.warning(
            "publish_extras: no page has a Content-Security-Policy <meta>; "
            "_headers carries no Content-Security-Policy"
        )
    referrer = (
        _setting(settings, "PUBLISH_EXTRAS_REFERRER_POLICY")
        or referrers.get("index.html")
        or FALLBACK_REFERRER_POLICY
    )
    common = [
        ("Referrer-Policy", referrer),
        ("X-Content-Type-Options", "nosniff"),
        ("Permissions-Policy", _setting(settings, "PUBLISH_EXTRAS_PERMISSIONS_POLICY")),
    ]
    with open(os.path.join(output, "_headers"), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(render(policies, common))


def on_finalized(pelican) -> None:
    settings = pelican.settings
    output = pelican.output_path
    domain = _setting(settings, "PUBLISH_EXTRAS_CNAME")
    if domain:
        write_cname(output, domain)
    if _setting(settings, "PUBLISH_EXTRAS_HEADERS"):
        write_headers(output, settings)
    if _setting(settings, "PUBLISH_EXTRAS_GZIP"):
        written = precompress_tree(output, _setting(settings, "PUBLISH_EXTRAS_GZIP_EXTENSIONS"))
        logger.info("publish_extras: %d pre-compressed .gz copies", len(written))


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.finalized.connect(on_finalized)
