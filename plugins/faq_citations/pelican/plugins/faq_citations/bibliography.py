"""Load BibTeX/BibLaTeX ``.bib``, CSL-JSON ``.json`` and CSL-YAML ``.yaml``
files, as Zotero and Better BibTeX export them, into one key -> entry map;
render every entry once per build.

Why a module of its own: the bibliography is read once per build (not once
per article) and shared by every page. pandoc (``engine.py``) converts each
file to CSL-JSON (keys, DOI and PMID, the data templates get) and renders every
entry in the site's CSL style in one call, the first time an entry is needed;
both results are cached by the files' bytes (on disk under ``cache_dir``).

Problems are collected, not raised one at a time, so a build reports every
malformed file, every duplicate key and every DOI or PMID under two keys in
one run: ``load_bibliography`` returns ``(bibliography, problems)``; each
problem is a ``BibliographyError`` with the path and line. A ``.bib`` file is
checked first by ``bibtex_check`` (pandoc's own messages name the wrong line);
an entry with a problem is left out (``withheld``: its key is not reported again
on every page that cites it), so no half-parsed entry is used, and the file's other
entries are read as usual.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
import os
import re
import tempfile
from dataclasses import dataclass, field

from . import bibtex_check
from .csl import DEFAULT_STYLE, CslStyle, plain_text, style_path
from .engine import PandocEngine, PandocEngineError
from .errors import BibliographyError

BIBLIOGRAPHY_SUFFIXES = (".bib", ".json", ".yaml", ".yml")

_JSON_ID = re.compile(r'"id"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+)\b)')
_YAML_ID = re.compile(r"^\s*-?\s*id\s*:\s*['\"]?([^'\"\s#]+)", re.M)
_LINK = re.compile(r"</?a\b[^>]*>")
_HREF = re.compile(r"<a\b[^>]*?\shref=\"([^\"]*)\"", re.I)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)


@dataclass
class Entry:
    """One bibliography entry: its key, where it is defined, its CSL-JSON item
    (as pandoc converts it)."""

    key: str
    path: str
    line: int
    item: dict = field(default_factory=dict)


@dataclass
class FormattedEntry:
    """An entry rendered once: ``html`` with DOI/PubMed/URL links, ``preview``
    without links (it sits inside the citation link), ``text`` without tags.
    ``key`` and ``item`` (its CSL-JSON) are there for templates and other
    plugins that add to an entry (labels, cards); ``rendered`` is the entry as
    the style printed it, before the plugin added links."""

    html: str
    preview: str
    text: str
    key: str = ""
    item: dict = field(default_factory=dict)
    rendered: str = ""


def _link(url: str, label: str | None = None) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(label or url, quote=False)}</a>'


def normalise_doi(doi: str) -> str:
    return _DOI_PREFIX.sub("", doi.strip()).strip()


def _linked(fragment: str, url: str) -> bool:
    """Whether ``fragment`` links to ``url`` already, however its href is escaped
    (pandoc writes ``&#39;``, Python ``&#x27;``)."""
    return any(html.unescape(href) == url for href in _HREF.findall(fragment))


def add_links(rendered: str, item: dict) -> str:
    """Link the DOI, the URL and the PubMed id of an entry rendered by the CSL
    engine (pandoc links DOIs and URLs the style prints; what it does not print
    is added)."""
    result = rendered
    doi = normalise_doi(item.get("DOI") or "")
    if doi:
        doi_url = "https://doi.org/" + doi
        escaped_url, escaped_doi = html.escape(doi_url, quote=False), html.escape(doi, quote=False)
        if _linked(result, doi_url):
            pass
        elif escaped_url in result:
            result = result.replace(escaped_url, _link(doi_url), 1)
        elif escaped_doi in result:
            result = result.replace(escaped_doi, _link(doi_url, doi), 1)
        else:
            result += " doi:" + _link(doi_url, doi)
    url = item.get("URL")
    if url and not (doi and url.rstrip("/").lower().endswith(doi.lower())):
        escaped = html.escape(url, quote=False)
        if _linked(result, url):
            pass
        elif escaped in result:
            result = result.replace(escaped, _link(url), 1)
        else:
            result += " " + _link(url)
    pmid = str(item.get("PMID") or "").strip()
    if pmid:
        pubmed = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
        printed = re.search(r"PMID:?\s*(?:<[^>]+>)*\s*" + re.escape(pmid), result)
        if pubmed in result:
            pass
        elif printed:
            at = printed.end() - len(pmid)
            result = result[:at] + _link(pubmed, pmid) + result[printed.end() :]
        else:
            result += " PMID: " + _link(pubmed, pmid)
    return result


def without_links(fragment: str) -> str:
    return _LINK.sub("", fragment)


def style_is_numeric(path: str) -> bool:
    """Whether a CSL style file is numeric (``citation-format="numeric"``)."""
    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.read(20000)
    except OSError:
        return True
    found = re.search(r"citation-format\s*=\s*\"([\w-]+)\"", head)
    return (found.group(1) if found else "numeric") == "numeric"


@dataclass
class Bibliography:
    """Every entry of the site, by key, with the files they came from and a
    per-build cache of formatted entries."""

    entries: dict[str, Entry] = field(default_factory=dict)
    style_name: str = DEFAULT_STYLE
    files: list[str] = field(default_factory=list)
    cache_dir: str | None = None
    _style: CslStyle | None = None
    _engine: PandocEngine | None = None
    _formatted: dict[str, FormattedEntry] | None = None
    _numeric: bool | None = None
    # Keys of the entries in files that could not be loaded (their mistake is reported
    # once, at its file and line): a page citing one is not told again.
    withheld: set[str] = field(default_factory=set)

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def style(self) -> CslStyle:
        """citeproc-py's parse of the style (for "Cite this page" only)."""
        if self._style is None:
            self._style = CslStyle(self.style_name)
        return self._style

    @property
    def engine(self) -> PandocEngine:
        if self._engine is None:
            self._engine = PandocEngine(style_path(self.style_name), cache_dir=self.cache_dir)
        return self._engine

    @property
    def numeric(self) -> bool:
        """Numeric styles: the page numbers its citations (a linked superscript);
        otherwise the style's ``<citation>`` prints them, one pandoc call per page."""
        if self._numeric is None:
            self._numeric = style_is_numeric(style_path(self.style_name))
        return self._numeric

    def suggest(self, key: str) -> str | None:
        """The known key nearest to a mistyped ``key``, if any is near."""
        folded = {known.casefold(): known for known in self.entries}
        if key.casefold() in folded:
            return folded[key.casefold()]
        matches = difflib.get_close_matches(key, list(self.entries), n=1, cutoff=0.6)
        return matches[0] if matches else None

    def formatted(self, key: str, rendered: str) -> FormattedEntry:
        """``rendered`` (pandoc's HTML for the entry) with links, preview and text."""
        item = self.entries[key].item if key in self.entries else {}
        linked = add_links(rendered, item)
        preview = without_links(linked)
        return FormattedEntry(linked, preview, plain_text(preview), key, item, rendered)

    def format(self, key: str) -> FormattedEntry:
        """The entry for ``key`` rendered in the style; every entry is rendered in
        one pandoc call, once per build. A withheld entry (its mistake is reported at
        its file and line, and the build fails) renders as a note saying so."""
        if self._formatted is None:
            rendered = self.engine.render(None, [], files=self.files).entries if self.files else {}
            self._formatted = {k: self.formatted(k, v) for k, v in rendered.items() if k in self.entries}
        found = self._formatted.get(key)
        if found is None:
            if key in self.withheld:
                note = f"[{html.escape(key)}: see the bibliography mistake reported for it]"
                return self.formatted(key, note)
            raise KeyError(key)
        return found

    def render_page(self, groups: list[str]):
        """Author-date styles: one page's citation groups (raw Markdown) and its
        list, as the style prints them (``engine.Rendered``)."""
        return self.engine.render(None, groups, files=self.files, every_entry=False)


def is_csl_yaml(path: str) -> bool:
    """A YAML file is a bibliography when it has pandoc's top-level ``references:``
    (other YAML data, such as evidence cards, may share the folder)."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return any(re.match(r"references\s*:", line) for line in handle)
    except (OSError, UnicodeError):
        return False


def bibliography_files(setting, base_path: str = ".") -> list[str]:
    """The files named by ``FAQ_CITATIONS_BIBLIOGRAPHY``: a folder (every .bib
    and .json in it, and every CSL-YAML .yaml, sorted) or a list of files.
    Relative paths start at ``base_path``."""
    if isinstance(setting, (str, os.PathLike)):
        folder = os.path.join(base_path, setting)
        paths = sorted(
            os.path.join(folder, name)
            for name in os.listdir(folder)
            if name.lower().endswith(BIBLIOGRAPHY_SUFFIXES) and not name.startswith(".")
        )
        return [p for p in paths if not p.lower().endswith((".yaml", ".yml")) or is_csl_yaml(p)]
    return [os.path.join(base_path, path) for path in setting]


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _read_text(path: str, problems: list) -> str | None:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        problems.append(
            BibliographyError(path, None, f"cannot read the bibliography file: {exc.strerror or exc}")
        )
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(
            BibliographyError(
                path,
                raw[: exc.start].count(b"\n") + 1,
                f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x}); export it from Zotero as UTF-8",
            )
        )
        return None


def _entry_lines(path: str, text: str) -> tuple[dict[str, list[int]], list[BibliographyError]]:
    """The lines of each key (one per time it is defined, in file order), and the
    file's problems found before pandoc reads it."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".bib":
        found, keys = bibtex_check.scan(text)
        problems = [BibliographyError(path, line, f"malformed BibTeX: {text}") for line, text in found]
        return {key: [line] for key, line in keys.items()}, problems
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            message = f"malformed CSL-JSON: {exc.msg} (column {exc.colno})"
            return {}, [BibliographyError(path, exc.lineno, message)]
        if isinstance(data, dict) and isinstance(data.get("items"), list):
            data = data["items"]
        if not isinstance(data, list):
            return {}, [BibliographyError(path, 1, "malformed CSL-JSON: expected a list of items")]
        id_lines = [(m[1] if m[1] is not None else m[2], _line_of(text, m.start()))
                    for m in _JSON_ID.finditer(text)]
        lines, problems = {}, []
        for index, item in enumerate(data):
            line = id_lines[index][1] if index < len(id_lines) else 1
            if not isinstance(item, dict) or not isinstance(item.get("id"), (str, int)) or item["id"] == "":
                message = f'malformed CSL-JSON: item {index + 1} has no "id"'
                problems.append(BibliographyError(path, line, message))
                continue
            key = str(item["id"])
            written = [ln for found, ln in id_lines if found == key]  # an id with escapes: none
            taken = len(lines.setdefault(key, []))
            lines[key].append(written[taken] if taken < len(written) else line)
        return lines, problems
    lines = {}
    for match in _YAML_ID.finditer(text):
        lines.setdefault(match[1], []).append(_line_of(text, match.start(1)))
    return lines, []


def load_bibliography(
    paths, style: str = DEFAULT_STYLE, cache_dir: str | None = None
) -> tuple[Bibliography, list[BibliographyError]]:
    """Check and convert every file once; return the bibliography and every problem found."""
    problems: list[BibliographyError] = []
    bibliography = Bibliography(style_name=style, cache_dir=cache_dir)
    engine = PandocEngine("", cache_dir=cache_dir)
    seen: dict[str, Entry] = {}
    for path in paths:
        text = _read_text(path, problems)
        if text is None:
            continue
        lines, found = _entry_lines(path, text)
        read_path = path
        if found:
            problems += found
            if not path.lower().endswith(".bib"):  # a file pandoc cannot read: every id in it
                bibliography.withheld.update(lines)
                ids = _JSON_ID.finditer(text)
                bibliography.withheld.update(m[1] if m[1] is not None else m[2] for m in ids)
                continue
            text, withheld = without_broken_entries(text, [problem.line or 1 for problem in found])
            bibliography.withheld.update(key for key, at in lines.items() if at[0] in withheld)
            read_path = _readable_copy(path, text, cache_dir)
        try:
            items = engine.convert(read_path)
        except PandocEngineError as error:
            problems.append(BibliographyError(path, error.line, error.message))
            bibliography.withheld.update(lines)
            continue
        bibliography.files.append(read_path)
        if path.lower().endswith(".bib"):
            problems += _duplicate_keys_in_file(path, text)
        taken: dict[str, int] = {}
        for item in items:
            key = str(item.get("id", ""))
            at = lines.get(key) or [1]  # a key's first, second... definition: its own line
            entry = Entry(key, path, at[min(taken.get(key, 0), len(at) - 1)], item)
            taken[key] = taken.get(key, 0) + 1
            first = seen.get(key.casefold())
            if first is not None:
                if first.path != path or not path.lower().endswith(".bib"):
                    problems.append(_twice(entry, first))
                continue
            seen[key.casefold()] = entry
            bibliography.entries[key] = entry
    problems += same_work_twice(bibliography.entries.values())
    return bibliography, problems


def without_broken_entries(text: str, problem_lines: list[int]) -> tuple[str, set[int]]:
    """``text`` with every entry that holds a problem line blanked (its lines kept as empty
    lines, so pandoc's line numbers still match the file), and the blanked line numbers."""
    lines = text.split("\n")
    starts = [number for number, line in enumerate(lines, start=1) if line.lstrip().startswith("@")]
    blanked: set[int] = set()
    for problem in problem_lines:
        begun = [start for start in starts if start <= problem]
        first = begun[-1] if begun else 1
        later = [start for start in starts if start > problem]
        blanked.update(range(first, (later[0] if later else len(lines) + 1)))
    kept = ["" if number in blanked else line for number, line in enumerate(lines, start=1)]
    return "\n".join(kept), blanked


def _readable_copy(path: str, text: str, cache_dir: str | None) -> str:
    """A copy of a bibliography file without its broken entries, for pandoc to read."""
    folder = os.path.join(cache_dir or os.path.join(tempfile.gettempdir(), "faq_citations"), "withheld")
    os.makedirs(folder, exist_ok=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    copy = os.path.join(folder, f"{digest}-{os.path.basename(path)}")
    if not os.path.exists(copy):
        with open(copy, "w", encoding="utf-8") as handle:
            handle.write(text)
    return copy


def _twice(entry: Entry, first: Entry) -> BibliographyError:
    return BibliographyError(
        entry.path,
        entry.line,
        f"citation key {entry.key!r} is defined twice: here and at "
        f"{first.path}:{first.line}; keep one and rename or delete the other",
    )


def _duplicate_keys_in_file(path: str, text: str) -> list[BibliographyError]:
    """Keys repeated inside one .bib file (pandoc keeps one), with both lines."""
    first: dict[str, int] = {}
    problems = []
    for match in re.finditer(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s{}()]+)[ \t]*,", text, re.M):
        if match[1].lower() in bibtex_check.SPECIAL:
            continue
        key, line = match[2], _line_of(text, match.start(2))
        if key.casefold() in first:
            previous = Entry(key, path, first[key.casefold()])
            problems.append(_twice(Entry(key, path, line), previous))
        else:
            first[key.casefold()] = line
    return problems


def same_work_twice(entries) -> list[BibliographyError]:
    """The same DOI or PMID under two keys (one file or two): one error naming both."""
    problems = []
    for name, value_of in (("DOI", lambda i: normalise_doi(i.get("DOI") or "").casefold()),
                           ("PMID", lambda i: str(i.get("PMID") or "").strip())):
        first: dict[str, Entry] = {}
        for entry in entries:
            value = value_of(entry.item)
            if not value:
                continue
            if value in first:
                other = first[value]
                problems.append(
                    BibliographyError(
                        entry.path,
                        entry.line,
                        f"the same {name} {value} is under two keys: {entry.key!r} here and "
                        f"{other.key!r} at {other.path}:{other.line}; keep one key and cite it everywhere",
                    )
                )
            else:
                first[value] = entry
    return problems
