"""Pelican glue: the only module of the package that imports Pelican.

One ``FaqCitationsRun`` object holds what the plugin keeps during a build, and
its bound methods are the receivers (as pelican-plugins/sitemap does); blinker
keeps weak references, so the module keeps the object alive.

Why each hook:

* ``initialized`` -- check the settings once; a configuration mistake (an
  unknown CSL style, a missing bibliography) is a ``FaqCitationsConfigError``
  at start-up, before any file is read. It clears nothing: the devserver makes
  a new ``Pelican`` for every rebuild, and the bibliography cache must survive.
* ``get_generators`` -- sent at the start of every run (also under
  ``--autoreload``; i18n_subsites uses it for the same reason): load the
  bibliography (parsed again only when its files change) and report every
  problem in it as ``path:line: error: ...``; return the generator that
  publishes ``faq_groups`` and ``sources`` and writes the site-wide pages.
* ``readers_init`` -- subclass whatever reader is registered for Markdown (so
  other plugins' readers keep working) to add the extension. The data the
  extension gathers travels in the article's *metadata* (``cited_keys``,
  ``faq_items``, ``faq_jsonld``): Pelican's reader resets Markdown to render
  ``Summary:`` and caches ``(content, metadata)``, so anything kept elsewhere
  would be lost. An author mistake is reported with the file's path and line.
* ``generator_init`` -- add the package's templates as every generator's last
  fallback, so any theme can ``{% include "faq_citations/cite_page.html" %}``.
* ``content_object_init`` -- give each article its "Cite this page" data
  (``content.cite_page``; its URL and date are only known here; the theme
  renders it) and an automatic summary without citations.
* ``content_written`` -- a page with citations gets the preview CSS and JS
  (``static/``, copied to ``FAQ_CITATIONS_ASSETS_SAVE_AS`` by the generator) in
  its ``<head>``, so Pelican's own themes show previews without edits; a theme
  that includes them itself sets ``FAQ_CITATIONS_PREVIEW_ASSETS = False``.
* ``finalized`` -- reset the per-run data for the next run (``--autoreload``);
  the parsed bibliography stays cached.

Plain ``pelican`` prints an exception as "Could not process x.md" or as a
critical record with its traceback. Two logging filters keep every author
mistake to the one line ``errors.report`` printed: the first record is dropped
when the file's mistake was already reported, a configuration error or a
stopped build becomes one line without a traceback.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys

from jinja2 import FileSystemLoader
from markupsafe import Markup
from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import Generator
from pelican.readers import METADATA_PROCESSORS
from pelican.utils import truncate_html_paragraphs, truncate_html_words

from . import evidence_glue
from .bibliography import Bibliography, add_links, bibliography_files, load_bibliography
from .citations import citations_in, without_citations
from .csl import DEFAULT_STYLE, plain_text, style_path
from .errors import AuthorError, BuildStopped, FaqCitationsConfigError, each_error, format_line, report
from .extension import DEFAULT_FAQ_TITLE, FaqCitationsExtension

logger = logging.getLogger(__name__)

DEFAULTS = {
    # A folder (every .bib and .json in it) or a list of files; relative to PATH.
    "FAQ_CITATIONS_BIBLIOGRAPHY": "bibliography",
    "FAQ_CITATIONS_CSL_STYLE": DEFAULT_STYLE,
    "FAQ_CITATIONS_FAQ_TITLE": DEFAULT_FAQ_TITLE,
    "FAQ_CITATIONS_REFERENCES_TITLE": "References",
    # Off for a blog that just installs the plugin; a site turns it on.
    "FAQ_CITATIONS_CITE_THIS_PAGE": False,
    "FAQ_CITATIONS_FAQ_URL": "faq/",
    "FAQ_CITATIONS_FAQ_SAVE_AS": "faq/index.html",
    "FAQ_CITATIONS_SOURCES_URL": "sources/",
    "FAQ_CITATIONS_SOURCES_SAVE_AS": "sources/index.html",
    # Add the preview CSS and JS to every page with a citation (off when the theme includes them).
    "FAQ_CITATIONS_PREVIEW_ASSETS": True,
    "FAQ_CITATIONS_ASSETS_SAVE_AS": "faq-citations",
    # A bibliography mistake stops the build before any page is read, so a plain `pelican`
    # run never writes pages without their sources into the output. A wrapper that builds
    # into a fresh folder (this site's tools/build.py) turns it off: the other pages are
    # then checked in the same run, and a citation of an entry of the broken file is not
    # reported again.
    "FAQ_CITATIONS_STOP_ON_BIBLIOGRAPHY_ERRORS": True,
    # A source's first citation carries its hidden preview (False: the script builds it).
    "FAQ_CITATIONS_FIRST_PREVIEW": True,
}
STATIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
ASSETS = ("faq-citations.css", "faq-citations.js")
CITATION_MARK = '<sup class="cite">'
MARKDOWN_FORMATS = ("md", "markdown", "mkd", "mdown")
METADATA_KEYS = ("cited_keys", "faq_items", "faq_jsonld")
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
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
    paths = [os.path.relpath(path) for path in bibliography_files(configured, base)]
    missing = [path for path in paths if not os.path.isfile(path)]
    if missing:
        raise FaqCitationsConfigError(
            f"FAQ_CITATIONS_BIBLIOGRAPHY: no such bibliography file {missing[0]!r} "
            "(paths are relative to PATH)"
        )
    return paths


class FaqCitationsRun:
    """What the plugin keeps during a build; its methods are the signal receivers."""

    def __init__(self):
        # Kept across runs: the parsed bibliography, the files it came from, their problems.
        self.bibliography: Bibliography | None = None
        self.signature = None
        self.problems: list = []
        self.reader_classes: dict[type, type] = {}
        self.generator_class = type(
            "FaqCitationsPagesGenerator", (FaqCitationsPagesGenerator,), {"__module__": __name__, "run": self}
        )
        # This run's bibliography: set at get_generators, cleared at finalized.
        self.current: Bibliography | None = None
        # Evidence cards (evidence_glue): this run's renderer, None without a cards file.
        self.evidence: evidence_glue.EvidenceRenderer | None = None

    # -- initialized -------------------------------------------------------

    def check_settings(self, pelican) -> None:
        """Configuration mistakes stop the build before it starts."""
        style_path(setting(pelican.settings, "FAQ_CITATIONS_CSL_STYLE"))
        bibliography_paths(pelican.settings)

    # -- get_generators ----------------------------------------------------

    def current_bibliography(self, settings) -> Bibliography:
        """The build's bibliography, parsed again only when its files or the style change."""
        paths = bibliography_paths(settings)
        style = setting(settings, "FAQ_CITATIONS_CSL_STYLE")
        cache_dir = os.path.join(settings.get("CACHE_PATH") or "cache", "faq_citations")
        signature = (
            style,
            cache_dir,
            tuple((path, os.stat(path).st_mtime_ns, os.stat(path).st_size) for path in paths),
        )
        if self.bibliography is None or self.signature != signature:
            self.bibliography, self.problems = load_bibliography(paths, style, cache_dir)
            self.signature = signature
        return self.bibliography

    def start(self, pelican):
        """Load the bibliography, report its problems, add our generator."""
        self.current = self.current_bibliography(pelican.settings)
        for problem in self.problems:
            report(problem, line=problem.line or 1)
        if self.problems and setting(pelican.settings, "FAQ_CITATIONS_STOP_ON_BIBLIOGRAPHY_ERRORS"):
            # Before any page is read or the output touched: what is published stays.
            raise BuildStopped(
                f"the build stopped on {len(self.problems)} bibliography mistake(s) listed above; "
                "fix them and build again (the output was left as it was)"
            )
        logger.debug("faq_citations: %d bibliography entries", len(self.current))
        cards = evidence_glue.load(pelican.settings)  # evidence cards: None without a cards file
        self.evidence = (
            None if cards is None else evidence_glue.EvidenceRenderer(pelican.settings, cards, self.current)
        )
        return self.generator_class

    # -- readers_init --------------------------------------------------------

    def add_reader(self, readers) -> None:
        """Wrap whatever class currently reads Markdown."""
        for fmt in MARKDOWN_FORMATS:
            base = readers.reader_classes.get(fmt)
            if base is not None and getattr(base, "enabled", True):
                readers.reader_classes[fmt] = self.reader_class(base)

    def reader_class(self, base: type) -> type:
        """``base`` with the extension added; one subclass per base class, named like it."""
        if issubclass(base, FaqCitationsReaderMixin):
            return base
        if base not in self.reader_classes:
            self.reader_classes[base] = type(
                base.__name__, (FaqCitationsReaderMixin, base), {"__module__": __name__, "run": self}
            )
        return self.reader_classes[base]

    # -- generator_init ------------------------------------------------------

    def add_templates(self, generator) -> None:
        """The package's templates, as the last place every generator looks."""
        loaders = getattr(generator.env.loader, "loaders", None)
        if loaders is not None and not any(getattr(x, "searchpath", None) == [TEMPLATES] for x in loaders):
            loaders.append(FileSystemLoader(TEMPLATES))

    # -- content_object_init -------------------------------------------------

    def finish_content(self, content) -> None:
        """"Cite this page" data and a summary without citations."""
        if not isinstance(content, (Article, Page)) or "cited_keys" not in content.metadata:
            return
        if content.metadata["cited_keys"] and "summary" not in content.metadata and content._content:
            content.metadata["summary"] = summary_without_citations(content)
        content.cite_page = None
        if isinstance(content, Article) and self.current is not None:  # citation JSON-LD and meta tags
            content.cited_works = evidence_glue.cited_works(content.metadata["cited_keys"], self.current)
        if (
            isinstance(content, Article)
            and setting(content.settings, "FAQ_CITATIONS_CITE_THIS_PAGE")
            and self.current is not None
        ):
            content.cite_page = cite_this_page(content, self.current)

    # -- content_written -----------------------------------------------------

    def add_preview_assets(self, path, context) -> None:
        """Link the preview CSS and JS from the ``<head>`` of a page with citations."""
        settings = getattr(self, "settings", None) or {}
        if not setting(settings, "FAQ_CITATIONS_PREVIEW_ASSETS") or not str(path).endswith(".html"):
            return
        with open(path, encoding="utf-8") as handle:
            html = handle.read()
        if CITATION_MARK not in html or "</head>" not in html:
            return
        # The page's SITEURL: relative to the page under RELATIVE_URLS, as Pelican's writer sets it.
        siteurl = str((context or {}).get("SITEURL", settings.get("SITEURL", "")))
        folder = setting(settings, "FAQ_CITATIONS_ASSETS_SAVE_AS").strip("/")
        base = f"{siteurl.rstrip('/')}/{folder}"
        tags = (
            f'<link rel="stylesheet" href="{base}/faq-citations.css">\n'
            f'<script src="{base}/faq-citations.js" defer></script>\n'
        )
        head_end = html.index("</head>")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(html[:head_end] + tags + html[head_end:])

    # -- finalized -------------------------------------------------------------

    def finalize(self, pelican) -> None:
        """Reset for the next run (``--autoreload``); the parsed bibliography stays cached."""
        self.current = None
        self.evidence = None

    def remember_settings(self, pelican) -> None:
        self.settings = pelican.settings

    def connect(self) -> None:
        for name, log_filter in (("pelican.generators", drop_could_not_process), ("pelican", one_line_stop)):
            log = logging.getLogger(name)
            if log_filter not in log.filters:
                log.addFilter(log_filter)
        signals.initialized.connect(self.remember_settings)
        signals.initialized.connect(self.check_settings)
        signals.get_generators.connect(self.start)
        signals.readers_init.connect(self.add_reader)
        signals.generator_init.connect(self.add_templates)
        signals.content_object_init.connect(self.finish_content)
        signals.content_written.connect(self.add_preview_assets)
        signals.finalized.connect(self.finalize)


def drop_could_not_process(record: logging.LogRecord) -> bool:
    """Pelican's "Could not process x.md" after the reader reported the mistake as its line.

    Under ``--fatal errors`` the reported line raised Pelican's RuntimeError (its
    context is the mistake): stop the build here, with one summary line."""
    if record.msg != "Could not process %s":
        return True
    error = sys.exc_info()[1]
    if isinstance(error, AuthorError):
        return False
    if error is not None and isinstance(_cause(error), AuthorError):
        raise BuildStopped("the build stopped at the first mistake (--fatal errors), listed above")
    return True


def _cause(error: BaseException | None):
    """The plugin's own exception in ``error``'s chain (``--fatal`` wraps it), or None."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, (AuthorError, FaqCitationsConfigError, BuildStopped)):
            return error
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def one_line_stop(record: logging.LogRecord) -> bool:
    """Pelican's last record for an exception that stopped the build, on one line:
    a configuration error, the bibliography stop, or the first mistake under ``--fatal``."""
    if record.levelno < logging.CRITICAL or not record.exc_info:
        return True
    error = record.exc_info[1]
    cause = _cause(error)
    if cause is None:
        return True
    if isinstance(cause, (FaqCitationsConfigError, BuildStopped)):
        message = format_line(None, None, str(cause))
    else:  # --fatal: the mistake's own line was printed just before
        message = format_line(
            None, None, "the build stopped at the first mistake (--fatal errors), listed above"
        )
    record.msg, record.args, record.exc_info, record.exc_text = message, (), None, None
    return True


class FaqCitationsReaderMixin:
    """Adds the extension to a Markdown reader and carries its results in metadata."""

    run: FaqCitationsRun

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plain_settings = self.settings
        evidence = self.run.evidence  # evidence cards: the reference list's cards and ::: evidence-chart
        self._faq_extension = FaqCitationsExtension(
            bibliography=self.run.current_bibliography(self.settings),
            faq_title=setting(self.settings, "FAQ_CITATIONS_FAQ_TITLE"),
            references_title=setting(self.settings, "FAQ_CITATIONS_REFERENCES_TITLE"),
            first_preview=bool(setting(self.settings, "FAQ_CITATIONS_FIRST_PREVIEW")),
            **(
                {"evidence_card": evidence.card_html, "evidence_label": evidence.label_html}
                if evidence else {}
            ),
        )
        markdown = dict(self.settings["MARKDOWN"])
        markdown["extensions"] = [*markdown.get("extensions", []), self._faq_extension,
                                  *([evidence.chart_extension()] if evidence else [])]
        self.settings = {**self.settings, "MARKDOWN": markdown}
        self._faq_page = None

    def read(self, source_path):
        self._faq_page = None
        try:
            content, metadata = super().read(source_path)
        except AuthorError as mistakes:
            # One line per mistake, with the file and line, all of them in line
            # order; Pelican then skips the file ("Could not process", which a
            # wrapper can match by path).
            for mistake in each_error(mistakes):
                report(mistake, path=source_path)
            raise
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
        # Markdown to render ``Summary:``: keep the body's results. A summary is
        # shown without its page's reference list, so it may not cite.
        self._faq_page = self._faq_snapshot()
        for name, lines in meta.items():
            if name == "summary" and citations_in("\n".join(lines)):
                raise AuthorError(
                    f"a citation in 'Summary:' ({citations_in(chr(10).join(lines))[0]}); a summary is "
                    "shown without the page's references: move the citation into the body",
                    header_line(self._md, name),
                )
        return super()._parse_metadata(meta)

    def _faq_snapshot(self) -> dict:
        md = self._md
        return {
            "cited_keys": list(getattr(md, "cited_keys", [])),
            "faq_items": [dict(item) for item in getattr(md, "faq_items", [])],
            "faq_jsonld": getattr(md, "faq_jsonld", ""),
        }


def header_line(md, name: str) -> int | None:
    """The line of the header field ``name`` in the document just converted."""
    for extension in md.registeredExtensions:
        if isinstance(extension, FaqCitationsExtension):
            for number, line in enumerate(extension.source_lines, start=1):
                if re.match(rf"\s*{re.escape(name)}\s*:", line, re.I):
                    return number
    return None


def latex_escape(text: str) -> str:
    return "".join(LATEX_SPECIAL.get(char, char) for char in text)


def page_title(content) -> str:
    title = getattr(content, "title_text", None) or plain_text(str(content.metadata.get("title", "")))
    return str(title)


def absolute_url(settings, url: str) -> str:
    return f"{settings.get('SITEURL', '').rstrip('/')}/{url}"


def cite_this_page(content, bibliography: Bibliography) -> dict:
    """"Cite this page" as data for the theme: the page's reference in the site's
    style (``reference``, safe HTML) and a BibTeX entry (``bibtex``, text)."""
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
    return {"reference": Markup(reference), "bibtex": bibtex}


def summary_without_citations(content) -> str:
    """Pelican's automatic summary, computed from the content minus the
    extension's citations and reference list (their hidden previews would leak
    into cards and meta tags); the patterns live with the markup in citations.py."""
    settings = content.settings
    text = without_citations(content._content)
    max_paragraphs = settings.get("SUMMARY_MAX_PARAGRAPHS")
    if max_paragraphs is not None:
        text = truncate_html_paragraphs(text, max_paragraphs)
    if settings.get("SUMMARY_MAX_LENGTH") is not None:
        text = truncate_html_words(
            text, settings["SUMMARY_MAX_LENGTH"], settings.get("SUMMARY_END_SUFFIX", "…")
        )
    return text


class FaqCitationsPagesGenerator(Generator):
    """Collects ``faq_groups`` and ``sources`` once every article and page is read
    (plugin generators run after Pelican's), publishes them to every template,
    and writes the site-wide FAQ and sources pages.

    The theme's ``faq.html`` and ``sources.html`` win; the package's own
    ``templates/`` are the last fallback, so any theme with a ``base.html`` and a
    ``content`` block works without copying them.
    """

    run: FaqCitationsRun  # set on the subclass each FaqCitationsRun makes

    def generate_context(self):
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
        bibliography = self.run.current or Bibliography()
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
        # evidence cards: each source's card, a cited key without one is an error; groups by kind
        evidence, settings = self.run.evidence, self.settings
        self.evidence_groups = (
            evidence_glue.check_and_group(contents, sources, evidence.cards, settings) if evidence else []
        )
        self._update_context(("faq_groups", "sources", "evidence_groups"))

    def generate_output(self, writer):
        if setting(self.settings, "FAQ_CITATIONS_PREVIEW_ASSETS"):
            folder = os.path.join(self.output_path, setting(self.settings, "FAQ_CITATIONS_ASSETS_SAVE_AS"))
            os.makedirs(folder, exist_ok=True)
            for name in ASSETS:
                shutil.copyfile(os.path.join(STATIC, name), os.path.join(folder, name))
        self._write(writer, "faq", "FAQ_CITATIONS_FAQ", faq_groups=self.faq_groups)
        self._write(writer, "sources", "FAQ_CITATIONS_SOURCES", sources=self.sources)

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


_run = FaqCitationsRun()


def register():
    _run.connect()
