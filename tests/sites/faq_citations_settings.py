"""Settings shared by the faq_citations fixture sites: the real site's
settings (theme, URLs, Markdown, typogrify) with only the plugin under test.

Every scenario is built with this file as its settings and PATH set to the
scenario's own ``tests/sites/<scenario>/content/`` folder.
"""

import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location("real_pelicanconf", os.path.join(ROOT, "pelicanconf.py"))
_real = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_real)
globals().update({name: value for name, value in vars(_real).items() if name.isupper()})

PATH = "content"
THEME = os.path.join(ROOT, "theme")
# inline_styles: our theme inlines its CSS through it (see plugins/inline_styles).
PLUGINS = ["pelican.plugins.faq_citations", "inline_styles"]
PLUGIN_PATHS = [os.path.join(ROOT, "plugins")]
SITEURL = "https://example.org"
FEED_DOMAIN = SITEURL
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
