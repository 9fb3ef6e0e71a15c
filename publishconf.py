"""Settings for the deployed site (`make publish`): absolute URLs from SITEURL.

SITEURL comes from the environment (CI sets it to the GitHub Pages URL), or
falls back to PUBLISH_SITEURL below.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

PUBLISH_SITEURL = "https://example.github.io/ptsd-ketamine-guide"
SITEURL = os.environ.get("SITEURL", PUBLISH_SITEURL).rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
LOG_FILTER = []
DELETE_OUTPUT_DIRECTORY = False
