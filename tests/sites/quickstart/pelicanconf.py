# What pelican-quickstart writes (answers: no URL prefix, pagination 10, Europe/Rome),
# with no PLUGINS setting: an installed namespace plugin is found on its own.

AUTHOR = 'Tester'
SITENAME = 'Quick'
SITEURL = ""
PATH = "content"
TIMEZONE = 'Europe/Rome'
DEFAULT_LANG = 'en'
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LINKS = (("Pelican", "https://getpelican.com/"),)
SOCIAL = (("You can add links in your config file", "#"),)
DEFAULT_PAGINATION = 10
