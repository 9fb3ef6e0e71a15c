"""Pelican settings for local builds (`make html`, `make serve`, `make devserver`).

`publishconf.py` imports everything here and switches on what only a deployed
site needs (absolute URLs, `--fatal warnings`).
"""

import os

AUTHOR = "Editorial team"
SITENAME = "PTSD and Ketamine: An Evidence Guide"
SITE_DESCRIPTION = (
    "A plain-language, fully cited guide to PTSD and ketamine infusion therapy: "
    "what the research shows, the risks, the costs and the alternatives."
)
# Empty in development: links are root-relative ("/what-is-ptsd/").
# publishconf.py reads SITEURL from the environment.
SITEURL = os.environ.get("SITEURL", "").rstrip("/")

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
THEME = "theme"
# The citation plugin's preview script and stylesheet ship beside the theme's own
# files (theme/faq-citations.js); base.html inlines both stylesheets with a CSP hash
# (plugins/inline_styles).
THEME_STATIC_PATHS = ["static", "../plugins/faq_citations/pelican/plugins/faq_citations/static"]
INLINE_STYLESHEETS = ["static/css/site.css"]

TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# Clean, stable URLs. Slugs come from file names, never from titles, so a title
# edit does not break links.
SLUGIFY_SOURCE = "basename"
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "topics/{slug}/"
CATEGORY_SAVE_AS = "topics/{slug}/index.html"
CATEGORIES_URL = "topics/"
CATEGORIES_SAVE_AS = "topics/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
INDEX_SAVE_AS = "index.html"
DIRECT_TEMPLATES = ["index", "categories", "tags", "archives", "404", "robots", "search", "sitemap"]
SEARCH_SAVE_AS = "search/index.html"
ROBOTS_SAVE_AS = "robots.txt"
SITEMAP_SAVE_AS = "sitemap.xml"
PAGINATED_TEMPLATES = {}
DEFAULT_PAGINATION = False

# Feeds: Atom only, for the whole site and per topic. Absolute links come from
# FEED_DOMAIN, which is SITEURL.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
FEED_ALL_RSS = None
CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
FEED_MAX_ITEMS = 50
RSS_FEED_SUMMARY_ONLY = True

# Every metadata value shown as text is escaped by Jinja.
JINJA_ENVIRONMENT = {
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
}

# Curly quotes, dashes, no widows -- but never inside code, scripts, JSON-LD,
# or the citation plugin's markup: inline citations live in <sup>, reference
# lists and "Cite this page" in <section> (Markdown itself never emits
# <section>). Only plain tag names here: typogrify 2.1.0 builds a broken regex
# from more than one "tag.class" selector.
TYPOGRIFY = True
TYPOGRIFY_IGNORE_TAGS = ["pre", "code", "kbd", "samp", "script", "style", "sup", "section", "svg"]
TYPOGRIFY_OMIT_FILTERS = []
TYPOGRIFY_DASHES = "oldschool"

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False, "toc_depth": "2-3"},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}

# faq_citations is an installed package (`make install`: pip install -e plugins/faq_citations);
# the others are this site's own, loaded from plugins/.
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "editorial",
    "pelican.plugins.faq_citations",
    "decision_aid",
    "inline_styles",
    "linkcheck",
    "search",
    "publish_extras",
]
# faq_citations: "Cite this page" under every article (theme/templates/components/cite_page.html).
FAQ_CITATIONS_CITE_THIS_PAGE = True
# Our theme includes the preview CSS (inlined) and JS itself, so the plugin adds neither.
FAQ_CITATIONS_PREVIEW_ASSETS = False
# No copy of a reference outside the reference list: faq-citations.js builds every preview
# (the desktop margin notes too) from the entry once the text is on screen (issue 14, weight).
FAQ_CITATIONS_FIRST_PREVIEW = False
# Evidence cards (content/bibliography/evidence-cards.yaml, the plugin's default file): a card
# checked more than 12 months ago is a warning (make publish fails); the kinds are explained on
# /kinds-of-evidence/ (one heading per kind). "Today" is the editorial plugin's.
FAQ_CITATIONS_EVIDENCE_REVIEW_MONTHS = 12
FAQ_CITATIONS_EVIDENCE_KINDS_URL = "kinds-of-evidence/"


# editorial plugin: review dates
EDITORIAL_REVIEW_INTERVAL_MONTHS = 12
# The date the build treats as "today" (ISO date). Empty: the real date.
EDITORIAL_TODAY = os.environ.get("EDITORIAL_TODAY", "")
FAQ_CITATIONS_EVIDENCE_TODAY = EDITORIAL_TODAY

# Theme settings. Menu paths are relative to SITEURL.
MENUITEMS = [
    ("Topics", "topics/"),
    ("FAQ", "faq/"),
    ("Sources", "sources/"),
    ("Search", "search/"),
    ("About", "about/"),
]
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False
# Home page: topics in reading order; any other category follows alphabetically.
TOPIC_ORDER = [
    "Understanding PTSD",
    "Treatment options",
    "Ketamine basics",
    "Research evidence",
    "Safety",
    "Practical guide",
    "Living with PTSD",
]
# Paths below are relative to SITEURL.
FIND_CARE_URL = "find-care/"
# Treatment articles with this tag show the "Compare your options" callout
# (theme/templates/components/compare_callout.html).
DECISION_AID_TAG = "treatment choices"
CRISIS_URL = "get-help-now/"
TOC_MIN_HEADINGS = 4
SHARE_LINKS = True
# Set only by tools/devserver.py: adds the live-reload script.
DEV_RELOAD = False
DEV_BUILD = 0

CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
OUTPUT_RETENTION = [".git"]

# Local builds have no SITEURL, so feed links are root-relative; Pelican warns
# about that. publishconf.py sets SITEURL and clears this filter.
import logging  # noqa: E402

LOG_FILTER = [
    (logging.WARNING, "Feeds generated without SITEURL or FEED_DOMAIN set properly may not be valid"),
]
