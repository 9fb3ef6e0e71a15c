"""faq_citations inside MkDocs 1.6 and Zensical: every author mistake as one line,
``docs/page.md:LINE: error: message``, and a failed build without a traceback.

Python-Markdown tells an extension nothing about the file it converts, and the
extension raises ``FaqCitationsError`` (with ``.line``, 1-based in the text it was
given) on an author mistake. Left alone, both tools print that as a traceback
without the page. Both build a fresh ``Markdown`` per page and leave a handle on
it that names the page, so the path is found at ``convert`` time:

* MkDocs registers its ``relpath`` tree processor (``_RelativePathTreeprocessor``,
  whose ``.file`` is the page's ``mkdocs.structure.files.File``) after the
  configured extensions and before ``convert``. A ``PluginError`` (a
  ``BuildError``) is what MkDocs prints as one line and turns into
  "Aborted with a BuildError!" and exit 1, with or without ``--strict``.
* Zensical (0.0.73) registers its ``rendering_context`` preprocessor
  (``ContextPreprocessor``, ``.page.path`` relative to ``docs_dir``) for each
  page. It renders every page, then raises the first Python error as a
  ``RuntimeError`` with the Python traceback inside, and has no Python API to
  report a problem. So each mistake is printed here as its line when found
  (every page, so every mistake), and the run's final error is printed as one
  summary line instead of a traceback (a ``sys.excepthook`` that handles only
  that error and hands every other one on).

Both tools give ``convert`` the page without its YAML front matter; the line is
moved back to the file's own numbering by finding that text at the end of the
file.

Both also construct the extension once per page: a bibliography is parsed once
per run and shared (re-read when a file changes, as under ``mkdocs serve``), and
its problems are reported like any other mistake, at the first page.

A page with FAQ blocks also gets its ``FAQPage`` JSON-LD at the end of its content:
neither tool passes ``md.faq_jsonld`` to its templates.

Outside these tools (plain Python-Markdown) nothing changes: mistakes raise
``FaqCitationsError`` / ``BibliographyError`` as before.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from .bibliography import Bibliography, load_bibliography
from .csl import DEFAULT_STYLE
from .errors import BibliographyErrors, FaqCitationsError, each_error
from .extension import FaqCitationsExtension

_CACHE: dict[tuple, tuple[Bibliography, list]] = {}
_LOCK = threading.Lock()


def shared_bibliography(paths, style: str):
    """``load_bibliography(paths, style)`` once per process while the files are unchanged."""
    absolute = tuple(os.path.abspath(path) for path in paths)
    stamps = []
    for path in absolute:
        try:
            info = os.stat(path)
            stamps.append((info.st_mtime_ns, info.st_size))
        except OSError:
            stamps.append(None)
    key = (absolute, tuple(stamps), str(style))
    with _LOCK:
        if key not in _CACHE:
            # as written, so a problem names the file the way the configuration does
            _CACHE[key] = load_bibliography(list(paths), style)
        return _CACHE[key]


def display_path(path: str | os.PathLike) -> str:
    """``path`` relative to the working directory when it is below it (``docs/a.md``)."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def line_offset(file_path: str | os.PathLike, text: str) -> int:
    """Lines of the file before ``text`` (its front matter), 0 when ``text`` is not its end."""
    try:
        raw = Path(file_path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError):
        return 0
    if not text or not raw.endswith(text):
        stripped = text.rstrip("\n")
        if not stripped or stripped not in raw:
            return 0
        return raw[: raw.rindex(stripped)].count("\n")
    return raw[: len(raw) - len(text)].count("\n")


def describe(path: str, line: int | None, message: str) -> str:
    return f"{path}:{line}: error: {message}" if line else f"{path}: error: {message}"


class _MkDocs:
    """Report through MkDocs: one ``PluginError`` per page, printed without a traceback."""

    def __init__(self, file):
        self.path = display_path(file.abs_src_path)
        self.abs_path = file.abs_src_path

    @staticmethod
    def prepare(md):
        """MkDocs collects a page's ids at priority 5 (with ``toc``), before the citation
        and reference ids exist (priority 3): collect them after, or every ``#cite-…``
        back-link is reported as a link to a missing anchor."""
        name = "mkdocs_extract_anchors"
        if name in md.treeprocessors and md.treeprocessors.get_index_for_name(name) < (
            md.treeprocessors.get_index_for_name("faq_citations")
        ):
            processor = md.treeprocessors[name]
            md.treeprocessors.deregister(name)
            md.treeprocessors.register(processor, name, 2.5)

    def fail(self, lines: list[str], once: bool = False):
        from mkdocs.exceptions import PluginError

        raise PluginError("\n".join(lines))


class AuthorMistake(Exception):
    """Raised to stop a Zensical page after its mistakes were printed."""


SUMMARY = "the build stopped on the author mistakes listed above (path:line: error: ...)"
_printed: set[str] = set()
_hook_installed = False


def _zensical_excepthook(previous):
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, RuntimeError) and AuthorMistake.__name__ in str(exc).split("\n", 1)[0]:
            sys.stderr.write(f"error: {SUMMARY}\n")
            return
        previous(exc_type, exc, tb)

    return hook


class _Zensical:
    """Report in Zensical: print each line once, stop the page, no traceback at the end."""

    def __init__(self, page):
        from zensical.config import get_config

        config = get_config()
        docs_dir = Path(config["root_dir"], config["docs_dir"])
        self.abs_path = docs_dir / page.path
        self.path = display_path(self.abs_path)

    @staticmethod
    def prepare(md):
        pass

    def fail(self, lines: list[str], once: bool = False):
        """``once``: lines every page would repeat (a bibliography's problems)."""
        global _hook_installed
        with _LOCK:
            fresh = [line for line in lines if not (once and line in _printed)]
            if once:
                _printed.update(fresh)
            if not _hook_installed:
                sys.excepthook = _zensical_excepthook(sys.excepthook)
                _hook_installed = True
        for line in fresh:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()
        raise AuthorMistake(SUMMARY)


def find_host(md):
    """The tool converting this page, or None under plain Python-Markdown."""
    if "relpath" in md.treeprocessors:
        file = getattr(md.treeprocessors["relpath"], "file", None)
        if getattr(file, "abs_src_path", None):
            return _MkDocs(file)
    if "rendering_context" in md.preprocessors:
        page = getattr(md.preprocessors["rendering_context"], "page", None)
        if getattr(page, "path", None) and "zensical.config" in sys.modules:
            return _Zensical(page)
    return None


class HostedFaqCitationsExtension(FaqCitationsExtension):
    """``FaqCitationsExtension`` as MkDocs and Zensical load it by name (``faq_citations``)."""

    def __init__(self, **kwargs):
        self.setup_problems = []
        bibliography = kwargs.get("bibliography")
        if isinstance(bibliography, str):
            bibliography = [bibliography]
        if bibliography and not isinstance(bibliography, Bibliography):
            style = kwargs.get("csl_style", DEFAULT_STYLE)
            kwargs["bibliography"], self.setup_problems = shared_bibliography(bibliography, style)
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        super().extendMarkdown(md)
        convert = md.convert

        def convert_and_report(source):
            host = find_host(md)
            if host is None:
                if self.setup_problems:
                    raise BibliographyErrors(self.setup_problems)
                return convert(source)
            if self.setup_problems:
                host.fail([problem.describe() for problem in self.setup_problems], once=True)
            host.prepare(md)
            try:
                html = convert(source)
            except FaqCitationsError as error:
                mistake = error
            else:
                # Neither tool hands an extension's data to its templates: the page's one
                # FAQPage JSON-LD goes at the end of its content (valid in <body>).
                if md.faq_jsonld:
                    html += f'\n<script type="application/ld+json">{md.faq_jsonld}</script>'
                return html
            offset = line_offset(host.abs_path, source)
            host.fail(
                [
                    describe(host.path, one.line + offset if one.line else None, one.message)
                    for one in each_error(mistake)
                ]
            )
            return None  # not reached: fail() raises

        md.convert = convert_and_report


def makeExtension(**kwargs):
    return HostedFaqCitationsExtension(**kwargs)
