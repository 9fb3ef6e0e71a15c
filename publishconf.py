"""Settings for the deployed site (`make publish`): absolute URLs from SITEURL, feeds,
and the files static hosts read (plugins/publish_extras).

Environment variables (all optional):

- SITEURL: the address the site is served from, e.g. https://guide.example.org or
  https://user.github.io/repo (CI sets it to the GitHub Pages URL).
- CUSTOM_DOMAIN: a bare host name, e.g. guide.example.org. Writes a CNAME file, and is
  the default SITEURL (https://CUSTOM_DOMAIN) when SITEURL is not set. The build stops
  if both are set and disagree.

Without either (or with a placeholder such as https://example.github.io/...) the build
stops at start-up and says what to set (PUBLISH_EXTRAS_REQUIRE_SITEURL). `make publish` runs with
`--fatal warnings`: any warning fails the build and leaves output/ as it was.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *

CUSTOM_DOMAIN = os.environ.get("CUSTOM_DOMAIN", "").strip()
SITEURL = (
    os.environ.get("SITEURL", "").strip()
    or (f"https://{CUSTOM_DOMAIN}" if CUSTOM_DOMAIN else "")
).rstrip("/")
RELATIVE_URLS = False

# Feed links are absolute (pelicanconf.py turns the feeds on).
FEED_DOMAIN = SITEURL
# pelicanconf.py filters the "no SITEURL" feed warning for local builds; here every
# warning counts.
LOG_FILTER = []

# plugins/publish_extras: CNAME, _headers (also in local builds), .gz copies.
PUBLISH_EXTRAS_CNAME = CUSTOM_DOMAIN
PUBLISH_EXTRAS_REQUIRE_SITEURL = True
PUBLISH_EXTRAS_HEADERS = True
PUBLISH_EXTRAS_GZIP = True
