"""faq_citations: Pandoc-style citations, FAQ blocks, reference lists and
site-wide FAQ and sources pages, for Python-Markdown and Pelican.

* Python-Markdown: ``markdown.Markdown(extensions=["faq_citations"])`` (the
  ``markdown.extensions`` entry point) or ``extensions=[makeExtension(...)]``;
  no Pelican needed (see ``extension.py``).
* Pelican: found on its own when the site has no ``PLUGINS`` setting; otherwise
  ``PLUGINS = ["pelican.plugins.faq_citations", ...]`` (see ``pelican_glue.py``;
  only that module imports Pelican).
"""

from .bibliography import Bibliography, load_bibliography
from .errors import (
    AuthorError,
    BibliographyError,
    FaqCitationsConfigError,
    FaqCitationsError,
    FaqCitationsErrors,
    report,
)
from .extension import FaqCitationsExtension, makeExtension

__all__ = [
    "AuthorError",
    "Bibliography",
    "BibliographyError",
    "FaqCitationsConfigError",
    "FaqCitationsError",
    "FaqCitationsErrors",
    "FaqCitationsExtension",
    "load_bibliography",
    "makeExtension",
    "register",
    "report",
]


def register():
    """Pelican entry point."""
    from .pelican_glue import register as register_with_pelican

    register_with_pelican()
