"""pandoc (3.9, its built-in citeproc) as the plugin's bibliography converter and
CSL formatter.  Pure: no Pelican, no Markdown; only the pandoc binary.

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

A group is its raw Markdown source, exactly as ``citation_syntax`` found it;
pandoc parses it the same way (tests/oracle proves the parsers agree).
"""

from __future__ import annotations

import html
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
    """The pandoc of the ``pypandoc-binary`` wheel, else ``pandoc`` on PATH."""
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


class PandocEngine:
    def __init__(self, style: str, pandoc: str | None = None, timeout: float = 300):
        self.style = os.fspath(style)
        self.pandoc = pandoc or default_pandoc()
        self.timeout = timeout

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
        """One bibliography file as CSL-JSON items (pandoc's conversion)."""
        path = os.fspath(path)
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
    def render(self, references: list[dict] | None, groups: list[str], files=()) -> Rendered:
        """Render every entry (the style's list) and each citation group (raw
        Markdown, e.g. ``"[@a, p. 3]"`` or ``"@a [p. 3]"``) in ONE pandoc call.
        Entries come from ``files`` (bibliography files pandoc reads itself: best,
        since CSL-JSON cannot keep a ``\\url`` as a link) and/or ``references``
        (CSL-JSON items).  Groups are cited in the order given, so numbering and
        year suffixes (2020a, 2020b) follow the site's order."""
        body = "".join(f"{MARK.format(n)}\n\n{group}\n\n" for n, group in enumerate(groups))
        with tempfile.TemporaryDirectory(prefix="faqc-") as tmp:
            bibliographies = [os.fspath(f) for f in files]
            if references is not None:
                refs = Path(tmp) / "refs.json"
                refs.write_text(json.dumps(references, ensure_ascii=False), encoding="utf-8")
                bibliographies.append(os.fspath(refs))
            source = "---\nnocite: |\n  @*\n...\n\n" + body
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
