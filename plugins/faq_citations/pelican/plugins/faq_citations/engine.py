"""pandoc (3.9, its built-in citeproc) as the plugin's bibliography converter and
CSL formatter.  No Pelican, no Markdown; only the pandoc binary (from the
``pypandoc-binary`` wheel).

Why pandoc (measured in docs/engine-choice.md): it is the reference for the
citation syntax and for BibTeX/BibLaTeX -> CSL conversion (sentence case that
honours braces, LaTeX commands, ``and others``, crossref/xdata, EDTF dates,
biblatex names), and its citeproc passes the CSL test suite where citeproc-py
does not (Chicago, disambiguation, year suffixes, sorting).  Its cost is one
process per call, so the whole site is rendered in ONE call per build:

    engine = PandocEngine("american-medical-association.csl")
    refs, problems = engine.load(["refs.bib", "more.json"])
    out = engine.render(refs, [["[@feder2014, p. 684]"], ...])  # groups' raw source
    out.entries["feder2014"]   # the reference entry's HTML (without its number)
    out.order                  # keys in the style's bibliography order
    out.citations[0]           # the first group's in-text HTML

A group is its raw Markdown source, exactly as ``syntax`` found it; pandoc
parses it the same way (tests/oracle proves the parsers agree).

Cost: every call is one process, so the plugin makes few: one ``convert`` per
bibliography file and one ``render`` of every entry per build (numeric styles
need no more: the page numbers its citations itself), plus, for author-date
styles only, one ``render`` per page with citations.  Each result is cached by
a hash of everything it depends on (pandoc's path, the style file, the
bibliography files' bytes, the groups): in memory on the engine object and, when
``cache_dir`` is given (Pelican's ``CACHE_PATH``), on disk, so a rebuild or a
one-article edit under the devserver runs pandoc only for what changed.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

FORMATS = {
    ".bib": "biblatex",
    ".bibtex": "bibtex",
    ".json": "csljson",
    ".yaml": "markdown",
    ".yml": "markdown",
}
MARK = "<!--faqc:{}-->"
MARK_RE = re.compile(r"<!--faqc:(\d+)-->")
WARNING_RE = re.compile(r"^\[WARNING\] (?P<message>.*)$", re.M)
PARSE_ERROR_RE = re.compile(r"line (?P<line>\d+)(?:,? column (?P<column>\d+))?", re.I)


class PandocEngineError(Exception):
    """A bibliography file pandoc cannot read: ``path:line: error: message``."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: error: {message}")
        self.path, self.line, self.message = path, line, message


def default_pandoc() -> str:
    """The pandoc of the ``pypandoc-binary`` wheel, else the one pypandoc finds, else
    ``pandoc`` on PATH. The wheel's binary is found by its place in the package, without
    running anything: ``pypandoc.get_pandoc_path()`` runs ``--version`` of every pandoc it
    can find (one process each) to pick the newest, which costs more than a cached
    conversion, and could pick a pandoc other than the pinned one."""
    spec = importlib.util.find_spec("pypandoc")
    if spec is not None and spec.origin:
        files = os.path.join(os.path.dirname(os.path.realpath(spec.origin)), "files")
        for name in ("pandoc", "pandoc.exe"):
            bundled = os.path.join(files, name)
            if os.path.isfile(bundled) and os.access(bundled, os.X_OK):
                return bundled
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        return "pandoc"


@dataclass
class Rendered:
    entries: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    """Splits pandoc's HTML: the ``ref-KEY`` entries and the marked paragraphs."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.entries: dict[str, list[str]] = {}
        self.order: list[str] = []
        self.chunks: dict[int, list[str]] = {}
        self._entry: str | None = None
        self._depth = 0
        self._chunk: int | None = None
        self._in_margin = 0

    def _emit(self, text: str):
        if self._entry is not None and not self._in_margin:
            self.entries[self._entry].append(text)
        elif self._entry is None and self._chunk is not None:
            self.chunks[self._chunk].append(text)

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        if self._entry is not None:
            if tag == "div":
                self._depth += 1
                if "csl-left-margin" in (attrs_d.get("class") or ""):
                    self._in_margin = self._depth
                return  # entry wrappers (csl-right-inline ...) are not kept
            self._emit(self.get_starttag_text())
            return
        if tag == "div" and attrs_d.get("id") == "refs":
            self._chunk = None  # the list follows the last group
            return
        if tag == "div" and (attrs_d.get("id") or "").startswith("ref-"):
            self._entry = attrs_d["id"][4:]
            self.entries[self._entry] = []
            self.order.append(self._entry)
            self._depth = 0
            return
        if tag == "p" and self._chunk is not None:
            return
        self._emit(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self._entry is not None:
            if tag == "div":
                if self._in_margin == self._depth:
                    self._in_margin = 0
                if self._depth == 0:
                    self._entry = None
                    return
                self._depth -= 1
                return
            self._emit(f"</{tag}>")
            return
        if tag == "p" and self._chunk is not None:
            return
        self._emit(f"</{tag}>")

    def handle_startendtag(self, tag, attrs):
        self._emit(self.get_starttag_text())

    def handle_data(self, data):
        self._emit(data)

    def handle_entityref(self, name):
        self._emit(f"&{name};")

    def handle_charref(self, name):
        self._emit(f"&#{name};")

    def handle_comment(self, data):
        m = MARK_RE.fullmatch(f"<!--{data}-->")
        if m:
            self._chunk = int(m.group(1))
            self.chunks[self._chunk] = []


def _file_digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


class PandocEngine:
    """pandoc for one CSL style; ``cache_dir`` (optional) keeps results across processes."""

    def __init__(self, style: str, pandoc: str | None = None, timeout: float = 300, cache_dir=None):
        self.style = os.fspath(style)
        self.pandoc = pandoc or default_pandoc()
        self.timeout = timeout
        self.cache_dir = os.fspath(cache_dir) if cache_dir else None
        self._memory: dict[str, object] = {}

    # -- the cache ------------------------------------------------------------
    def _key(self, kind: str, *parts) -> str:
        digest = hashlib.sha256()
        for part in (kind, self.pandoc, *parts):
            digest.update(str(part).encode())
            digest.update(b"\0")
        return digest.hexdigest()

    def _cached(self, key: str, compute):
        """``compute()`` (JSON-able), remembered under ``key`` in memory and on disk."""
        if key in self._memory:
            return self._memory[key]
        path = os.path.join(self.cache_dir, f"{key}.json") if self.cache_dir else None
        if path and os.path.isfile(path):
            try:
                with open(path, encoding="utf-8") as handle:
                    value = json.load(handle)
            except (OSError, ValueError):
                value = None
            if value is not None:
                self._memory[key] = value
                return value
        value = compute()
        self._memory[key] = value
        if path:
            try:
                os.makedirs(self.cache_dir, exist_ok=True)
                temporary = f"{path}.{os.getpid()}.tmp"
                with open(temporary, "w", encoding="utf-8") as handle:
                    json.dump(value, handle, ensure_ascii=False)
                os.replace(temporary, path)
            except OSError:
                pass  # a read-only cache folder only costs time
        return value

    def style_digest(self) -> str:
        return _file_digest(self.style) if os.path.isfile(self.style) else self.style

    def _run(self, args: list[str], source: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.pandoc, *args],
            input=source.encode(),
            capture_output=True,
            timeout=self.timeout,
            check=False,
        )

    # -- bibliography files -> CSL-JSON -------------------------------------
    def convert(self, path: str | os.PathLike) -> list[dict]:
        """One bibliography file as CSL-JSON items (pandoc's conversion), cached by its bytes."""
        path = os.fspath(path)
        if not os.path.isfile(path):
            return self._convert(path)
        return self._cached(self._key("convert", Path(path).suffix.lower(), _file_digest(path)),
                            lambda: self._convert(path))

    def _convert(self, path: str) -> list[dict]:
        suffix = Path(path).suffix.lower()
        fmt = FORMATS.get(suffix)
        if fmt is None:
            raise PandocEngineError(
                path, 1, f"unknown bibliography format {suffix!r}; use .bib, .json or .yaml"
            )
        if fmt == "markdown":  # CSL-YAML: a references: metadata file
            done = self._run(["-f", "markdown", "-t", "csljson", f"--metadata-file={path}"], "")
        else:
            done = self._run(["-f", fmt, "-t", "csljson", path])
        if done.returncode != 0:
            raise self._read_error(path, fmt, done.stderr.decode(errors="replace").strip())
        return json.loads(done.stdout.decode() or "[]")

    @staticmethod
    def _read_error(path: str, fmt: str, message: str) -> PandocEngineError:
        """pandoc's parse error, with the line of the entry at fault where we can
        find it (pandoc names the end of the file for an unbalanced brace)."""
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        if fmt in ("bibtex", "biblatex"):
            for line, key in _unbalanced_entries(text):
                return PandocEngineError(
                    path,
                    line,
                    f"malformed BibTeX: the braces of entry '{key}' do not balance; "
                    "a '}' is missing or extra in this entry",
                )
        if fmt == "csljson":
            try:
                json.loads(text)
            except json.JSONDecodeError as error:
                return PandocEngineError(
                    path, error.lineno, f"malformed CSL-JSON: {error.msg} (column {error.colno})"
                )
        m = PARSE_ERROR_RE.search(message)
        last = message.splitlines()[-1] if message else "pandoc could not read this file"
        return PandocEngineError(path, int(m.group("line")) if m else 1, f"cannot read it: {last}")

    def load(self, paths) -> tuple[list[dict], list[PandocEngineError]]:
        items: list[dict] = []
        problems: list[PandocEngineError] = []
        for path in paths:
            try:
                items += self.convert(path)
            except PandocEngineError as error:
                problems.append(error)
        return items, problems

    # -- one call: every entry and every citation group -----------------------
    def render(
        self, references: list[dict] | None, groups: list[str], files=(), *, every_entry: bool = True
    ) -> Rendered:
        """Render every entry (the style's list) and each citation group (raw
        Markdown, e.g. ``"[@a, p. 3]"`` or ``"@a [p. 3]"``) in ONE pandoc call.
        Entries come from ``files`` (bibliography files pandoc reads itself: best,
        since CSL-JSON cannot keep a ``\\url`` as a link) and/or ``references``
        (CSL-JSON items).  Groups are cited in the order given, so numbering and
        year suffixes (2020a, 2020b) follow the site's order.  ``every_entry``:
        the list holds every entry (``nocite: @*``); otherwise only those cited.
        Citations link to their entries (``#ref-KEY``)."""
        files = [os.fspath(f) for f in files]
        key = self._key(
            "render",
            self.style_digest(),
            every_entry,
            json.dumps(references, sort_keys=True, ensure_ascii=False),
            *(_file_digest(f) for f in files),
            json.dumps(groups, ensure_ascii=False),
        )
        value = self._cached(key, lambda: self._render(references, groups, files, every_entry).__dict__)
        return Rendered(**value)

    def _render(self, references, groups, files, every_entry) -> Rendered:
        body = "".join(f"{MARK.format(n)}\n\n{group}\n\n" for n, group in enumerate(groups))
        with tempfile.TemporaryDirectory(prefix="faqc-") as tmp:
            bibliographies = list(files)
            if references is not None:
                refs = Path(tmp) / "refs.json"
                refs.write_text(json.dumps(references, ensure_ascii=False), encoding="utf-8")
                bibliographies.append(os.fspath(refs))
            source = ("---\nnocite: |\n  @*\n...\n\n" if every_entry else "") + body
            done = self._run(
                [
                    "-f",
                    "markdown-example_lists",
                    "-t",
                    "html",
                    "--citeproc",
                    f"--csl={self.style}",
                    *(f"--bibliography={b}" for b in bibliographies),
                    "--wrap=none",
                    "--metadata=link-citations:true",
                ],
                source,
            )
        if done.returncode != 0:
            raise PandocEngineError(self.style, 1, done.stderr.decode(errors="replace").strip())
        collector = _Collector()
        collector.feed(done.stdout.decode())
        collector.close()
        out = Rendered(warnings=WARNING_RE.findall(done.stderr.decode(errors="replace")))
        out.order = collector.order
        out.entries = {k: "".join(v).strip() for k, v in collector.entries.items()}
        out.citations = ["".join(collector.chunks.get(n, [])).strip() for n in range(len(groups))]
        return out


ENTRY_START_RE = re.compile(r"^[ \t]*@(?P<type>[A-Za-z]+)[ \t]*\{[ \t]*(?P<key>[^,\s]*)", re.M)


def _unbalanced_entries(text: str):
    """(line, key) of each ``@type{key, ...}`` whose braces do not balance before the next entry."""
    starts = list(ENTRY_START_RE.finditer(text))
    for index, start in enumerate(starts):
        if start.group("type").lower() in ("comment", "preamble"):
            continue
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        body = re.sub(r"\\[{}]", "", text[start.start() : end])
        if body.count("{") != body.count("}"):
            yield text.count("\n", 0, start.start()) + 1, start.group("key")


def entry_text(fragment: str) -> str:
    """Plain text of a rendered fragment (tags dropped, entities decoded, spaces folded)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())
