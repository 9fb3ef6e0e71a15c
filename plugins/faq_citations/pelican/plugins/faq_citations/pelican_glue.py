"""Pelican glue: the only module of the package that imports Pelican.

Why each hook:

* ``initialized`` -- check the settings once; a configuration mistake (an
  unknown CSL style, a missing bibliography) is a ``FaqCitationsConfigError``
  at start-up, before any file is read.
* ``get_generators`` -- sent at the start of every run (also under
  ``--autoreload``): clear the per-run state, load the bibliography once for
  the whole build (reused while its files are unchanged) and log every
  problem in it as ``path:line: error: ...``; return the generator that writes
  the site-wide FAQ and sources pages.
* ``readers_init`` -- subclass whatever reader is registered for Markdown (so
  other plugins' readers keep working) to add the extension. The data the
  extension gathers travels in the article's *metadata* (``cited_keys``,
  ``faq_items``, ``faq_jsonld``): Pelican's reader resets Markdown to render
  ``Summary:`` and caches ``(content, metadata)``, so anything kept elsewhere
  would be lost.
* ``content_object_init`` -- append "Cite this page" to each article (its URL
  and date are only known here) and keep citations out of the summary.
"""

from __future__ import annotations

import html
import logging
import os
import re

from jinja2 import FileSystemLoader
from markupsafe import Markup
from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import Generator
from pelican.readers import METADATA_PROCESSORS
from pelican.utils import truncate_html_paragraphs, truncate_html_words

from .bibliography import Bibliography, add_links, bibliography_files, load_bibliography
from .csl import DEFAULT_STYLE, plain_text, style_path
from .errors import FaqCitationsConfigError
from .extension import DEFAULT_FAQ_TITLE, FaqCitationsExtension

logger = logging.getLogger(__name__)

DEFAULTS = {
    # A folder (every .bib and .json in it) or a list of files; relative to PATH.
    "FAQ_CITATIONS_BIBLIOGRAPHY": "bibliography",
    "FAQ_CITATIONS_CSL_STYLE": DEFAULT_STYLE,
    "FAQ_CITATIONS_FAQ_TITLE": DEFAULT_FAQ_TITLE,
    "FAQ_CITATIONS_REFERENCES_TITLE": "References",
    "FAQ_CITATIONS_CITE_THIS_PAGE": True,
    "FAQ_CITATIONS_FAQ_URL": "faq/",
    "FAQ_CITATIONS_FAQ_SAVE_AS": "faq/index.html",
    "FAQ_CITATIONS_SOURCES_URL": "sources/",
    "FAQ_CITATIONS_SOURCES_SAVE_AS": "sources/index.html",
}
MARKDOWN_FORMATS = ("md", "markdown", "mkd", "mdown")
METADATA_KEYS = ("cited_keys", "faq_items", "faq_jsonld")
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")

CITATION_SUP_RE = re.compile(r'\s*<sup class="cite">.*?</sup>', re.S)
PLUGIN_SECTION_RE = re.compile(r'<section [^>]*class="(?:references|cite-page)"[^>]*>.*?</section>', re.S)
LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


class _RunState:
    """Everything the plugin keeps between hooks; cleared at the start of each run."""

    def __init__(self):
        self.bibliography: Bibliography | None = None
        self.signature = None
        self.problems: list = []

    def clear(self):
        self.__init__()


_state = _RunState()
_reader_classes: dict[type, type] = {}


def setting(settings, name):
    return settings.get(name, DEFAULTS[name])


def bibliography_paths(settings) -> list[str]:
    """The bibliography files, or a ``FaqCitationsConfigError``."""
    configured = setting(settings, "FAQ_CITATIONS_BIBLIOGRAPHY")
    base = settings.get("PATH", ".")
    if isinstance(configured, (str, os.PathLike)):
        folder = os.path.join(base, configured)
        if not os.path.isdir(folder):
            if "FAQ_CITATIONS_BIBLIOGRAPHY" not in settings:
                return []  # the default folder is optional
            raise FaqCitationsConfigError(
                f"FAQ_CITATIONS_BIBLIOGRAPHY: the bibliography folder {folder!r} does not exist "
                "(paths are relative to PATH)"
            )
        return [os.path.relpath(path) for path in bibliography_files(configured, base)]
    paths = [os.path.relpath(path) for path in bibliography_files(list(configured), base)]
    missing = [path for path in paths if not os.path.isfile(path)]
    if missing:
        raise FaqCitationsConfigError(
            f"FAQ_CITATIONS_BIBLIOGRAPHY: no such bibliography file {missing[0]!r} "
            "(paths are relative to PATH)"
        )
    return paths


def check_settings(pelican) -> None:
    """``initialized``: configuration mistakes stop the build before it starts."""
    _state.clear()
    settings = pelican.settings
    style_path(setting(settings, "FAQ_CITATIONS_CSL_STYLE"))
    bibliography_paths(settings)


def current_bibliography(settings) -> Bibliography:
    """The build's bibliography, parsed once per run (and kept while its files are unchanged)."""
    paths = bibliography_paths(settings)
    style = setting(settings, "FAQ_CITATIONS_CSL_STYLE")
    signature = (style, tuple((path, os.stat(path).st_mtime_ns, os.stat(path).st_size) for path in paths))
    if _state.bibliography is None or _state.signature != signature:
        bibliography, problems = load_bibliography(paths, style)
        _state.bibliography, _state.signature, _state.problems = bibliography, signature, problems
    return _state.bibliography


def start_run(pelican):
    """``get_generators``: load the bibliography, report its problems, add our generator."""
    bibliography = current_bibliography(pelican.settings)
    problems = _state.problems
    for problem in problems:
        logger.error("%s:%d: error: %s", problem.path, problem.line or 1, problem.message)
    logger.debug("faq_citations: %d bibliography entries", len(bibliography))
    return FaqCitationsPagesGenerator


class FaqCitationsReaderMixin:
    """Adds the extension to a Markdown reader and carries its results in metadata."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plain_settings = self.settings
        self._faq_extension = FaqCitationsExtension(
            bibliography=current_bibliography(self.settings),
            faq_title=setting(self.settings, "FAQ_CITATIONS_FAQ_TITLE"),
            references_title=setting(self.settings, "FAQ_CITATIONS_REFERENCES_TITLE"),
        )
        markdown = dict(self.settings["MARKDOWN"])
        markdown["extensions"] = [*markdown.get("extensions", []), self._faq_extension]
        self.settings = {**self.settings, "MARKDOWN": markdown}
        self._faq_page = None

    def read(self, source_path):
        extension = self._faq_extension
        extension.fragment_numbers = None
        self._faq_page = None
        try:
            content, metadata = super().read(source_path)
        finally:
            extension.fragment_numbers = None
        metadata.update(self._faq_page or self._faq_snapshot())
        return content, metadata

    def process_metadata(self, name, value):
        # Categories, tags and authors keep a reference to the settings they are
        # made with. Ours hold the extension (and through it the CSL engine, which
        # cannot be pickled), so make them with the plain settings: Pelican's
        # content cache can then save them, and the default category that Pelican
        # adds outside ``read()`` too.
        if name in METADATA_PROCESSORS:
            return METADATA_PROCESSORS[name](value, self._plain_settings)
        return value

    def _parse_metadata(self, meta):
        # Called right after the body is converted and before Pelican resets
        # Markdown to render ``Summary:``: keep the body's results, and render
        # citations in the summary as plain numbers of the body's list.
        self._faq_page = self._faq_snapshot()
        self._faq_extension.fragment_numbers = {
            key: number for number, key in enumerate(self._faq_page["cited_keys"], start=1)
        }
        return super()._parse_metadata(meta)

    def _faq_snapshot(self) -> dict:
        md = self._md
        return {
            "cited_keys": list(getattr(md, "cited_keys", [])),
            "faq_items": [dict(item) for item in getattr(md, "faq_items", [])],
            "faq_jsonld": getattr(md, "faq_jsonld", ""),
        }


def with_faq_citations(base: type) -> type:
    """``base`` with the extension added; one subclass per base class, named like it."""
    if issubclass(base, FaqCitationsReaderMixin):
        return base
    if base not in _reader_classes:
        _reader_classes[base] = type(base.__name__, (FaqCitationsReaderMixin, base), {"__module__": __name__})
    return _reader_classes[base]


def add_reader(readers) -> None:
    """``readers_init``: wrap whatever class currently reads Markdown."""
    for fmt in MARKDOWN_FORMATS:
        base = readers.reader_classes.get(fmt)
        if base is not None and getattr(base, "enabled", True):
            readers.reader_classes[fmt] = with_faq_citations(base)


def latex_escape(text: str) -> str:
    return "".join(LATEX_SPECIAL.get(char, char) for char in text)


def page_title(content) -> str:
    title = getattr(content, "title_text", None) or plain_text(str(content.metadata.get("title", "")))
    return str(title)


def absolute_url(settings, url: str) -> str:
    return f"{settings.get('SITEURL', '').rstrip('/')}/{url}"


def cite_this_page(content, bibliography: Bibliography) -> str:
    """The "Cite this page" section: the page's reference in the site's style and BibTeX."""
    settings = content.settings
    title = page_title(content)
    author = getattr(content, "author", None)
    author_name = str(
        getattr(author, "name", author) or settings.get("AUTHOR") or settings.get("SITENAME", "")
    )
    url = absolute_url(settings, content.url)
    date = getattr(content, "date", None)
    item = {
        "id": content.slug or "page",
        "type": "webpage",
        "title": title,
        "author": [{"literal": author_name}],
        "container-title": settings.get("SITENAME", ""),
        "URL": url,
    }
    if date:
        item["issued"] = {"date-parts": [[date.year, date.month, date.day]]}
    reference = add_links(bibliography.style.render_varying(item), item)
    fields = [
        ("author", "{" + latex_escape(author_name) + "}"),
        ("title", "{" + latex_escape(title) + "}"),
        ("howpublished", latex_escape(settings.get("SITENAME", ""))),
    ]
    if date:
        fields += [("year", str(date.year)), ("month", date.strftime("%b").lower())]
    fields.append(("url", url))
    reviewed = getattr(content, "last_reviewed", None)
    if reviewed:
        fields.append(("note", f"Last reviewed {reviewed.isoformat()}"))
    key = re.sub(r"[^\w:-]+", "-", content.slug or "page")
    bibtex = (
        "@misc{"
        + key
        + ",\n"
        + ",\n".join(
            f"  {name:<12} = {value}" if name == "month" else f"  {name:<12} = {{{value}}}"
            for name, value in fields
        )
        + "\n}"
    )
    return (
        '\n<section class="cite-page" aria-labelledby="cite-this-page">\n'
        '<h2 id="cite-this-page">Cite this page</h2>\n'
        f'<p class="cite-page__reference">{reference}</p>\n'
        '<p class="cite-page__label">BibTeX:</p>\n'
        f'<pre class="cite-page__bibtex"><code>{html.escape(bibtex, quote=False)}</code></pre>\n'
        "</section>"
    )


def summary_without_citations(content) -> str:
    """Pelican's automatic summary, computed from the content minus citation
    superscripts (their hidden previews would leak into cards and meta tags)."""
    settings = content.settings
    text = PLUGIN_SECTION_RE.sub("", CITATION_SUP_RE.sub("", content._content))
    max_paragraphs = settings.get("SUMMARY_MAX_PARAGRAPHS")
    if max_paragraphs is not None:
        text = truncate_html_paragraphs(text, max_paragraphs)
    if settings.get("SUMMARY_MAX_LENGTH") is not None:
        text = truncate_html_words(
            text, settings["SUMMARY_MAX_LENGTH"], settings.get("SUMMARY_END_SUFFIX", "…")
        )
    return text


def finish_content(content) -> None:
    """``content_object_init``: "Cite this page" and a summary without citations."""
    if not isinstance(content, (Article, Page)) or "cited_keys" not in content.metadata:
        return
    if content.metadata["cited_keys"] and "summary" not in content.metadata and content._content:
        content.metadata["summary"] = summary_without_citations(content)
    if (
        isinstance(content, Article)
        and setting(content.settings, "FAQ_CITATIONS_CITE_THIS_PAGE")
        and _state.bibliography is not None
        and content._content is not None
    ):
        content._content += cite_this_page(content, _state.bibliography)


class FaqCitationsPagesGenerator(Generator):
    """Writes the site-wide FAQ page and sources page once every article is read.

    The theme's ``faq.html`` and ``sources.html`` win; the package's own
    ``templates/`` are the last fallback, so any theme with a ``base.html`` and a
    ``content`` block works without copying them.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.env.loader.loaders.append(FileSystemLoader(TEMPLATES))

    def generate_context(self):
        self.faq_groups = []
        self.sources = []

    def generate_output(self, writer):
        contents = sorted(
            [*self.context.get("articles", []), *self.context.get("pages", [])],
            key=lambda content: page_title(content).casefold(),
        )
        siteurl = self.settings.get("SITEURL", "")
        faq_groups, citing = [], {}
        for content in contents:
            url = f"{siteurl}/{content.url}"
            items = getattr(content, "faq_items", None) or []
            if items:
                faq_groups.append(
                    {
                        "content": content,
                        "title": page_title(content),
                        "url": url,
                        "items": [dict(item, url=f"{url}#{item['id']}") for item in items],
                    }
                )
            for key in getattr(content, "cited_keys", None) or []:
                citing.setdefault(key, []).append(
                    {"title": page_title(content), "url": url, "content": content}
                )
        bibliography = _state.bibliography or Bibliography()
        sources = []
        for key, pages in citing.items():
            if key not in bibliography:
                continue
            formatted = bibliography.format(key)
            sources.append(
                {
                    "key": key,
                    "id": f"ref-{key}",
                    "html": Markup(formatted.html),
                    "text": formatted.text,
                    "pages": pages,
                }
            )
        sources.sort(key=lambda source: source["text"].casefold())
        self.faq_groups, self.sources = faq_groups, sources
        self._write(writer, "faq", "FAQ_CITATIONS_FAQ", faq_groups=faq_groups)
        self._write(writer, "sources", "FAQ_CITATIONS_SOURCES", sources=sources)

    def _write(self, writer, template, prefix, **data):
        save_as = setting(self.settings, f"{prefix}_SAVE_AS")
        if not save_as:
            return
        writer.write_file(
            save_as,
            self.get_template(template),
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False),
            url=setting(self.settings, f"{prefix}_URL"),
            plugin_page_url=setting(self.settings, f"{prefix}_URL"),
            **data,
        )


def register():
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(start_run)
    signals.readers_init.connect(add_reader)
    signals.content_object_init.connect(finish_content)
