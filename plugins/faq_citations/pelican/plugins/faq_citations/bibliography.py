"""Load BibTeX/BibLaTeX ``.bib`` and CSL-JSON ``.json`` files, as Zotero
exports them, into one key -> entry map; format each entry once.

Why a module of its own: the bibliography is read once per build (not once
per article) and shared by every page, and each entry is rendered by the CSL
engine the first time it is cited and cached after that.

Problems are collected, not raised one at a time, so a build reports every
malformed file and every duplicate key in one run: ``load_bibliography``
returns ``(bibliography, problems)``; each problem is a
``BibliographyError`` with the path and line.
"""

from __future__ import annotations

import codecs
import difflib
import html
import json
import os
import re
from dataclasses import dataclass, field

import latexcodec  # noqa: F401  (registers the "ulatex" codec)

from .csl import DEFAULT_STYLE, CslStyle, plain_text
from .errors import BibliographyError

BIBLIOGRAPHY_SUFFIXES = (".bib", ".json")

_BIB_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s{}()]+)[ \t]*,", re.M)
_BIB_NOT_ENTRIES = {"comment", "string", "preamble"}
_JSON_ID = re.compile(r'"id"\s*:\s*"((?:[^"\\]|\\.)*)"')
_PYBTEX_LINE_PREFIX = re.compile(r"^syntax error in line \d+:\s*")
_LATEX_FORMATTING = re.compile(
    r"\\(?:textit|emph|textbf|textsc|textrm|textsf|texttt|textup|textnormal|mkbibquote|"
    r"mkbibemph|mkbibitalic|mkbibbold|url|nolinkurl|enquote)\s*(?=\{)"
)
_UNESCAPED_BRACE = re.compile(r"(?<!\\)[{}]")

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

BIBTEX_TO_CSL_TYPE = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "manual": "report",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "dataset": "dataset",
    "software": "software",
    "unpublished": "manuscript",
}


def latex_to_text(value: str) -> str:
    """Decode LaTeX as Zotero writes it: accents, ``\\&``, dashes, protective braces."""
    if "\\" in value or "{" in value or "--" in value or "~" in value:
        value = _LATEX_FORMATTING.sub("", value)
        try:
            value = codecs.decode(value, "ulatex")
        except (ValueError, UnicodeError):
            pass
        value = _UNESCAPED_BRACE.sub("", value).replace("\\{", "{").replace("\\}", "}")
    return " ".join(value.split())


def _person_to_csl(person) -> dict:
    given = " ".join(person.first_names + person.middle_names)
    family = " ".join(person.last_names)
    if not given and not person.prelast_names and len(person.last_names) == 1:
        if family.startswith("{") and family.endswith("}"):
            return {"literal": latex_to_text(family)}
        if family == "others":
            return {"literal": "et al."}
    name = {"family": latex_to_text(family)}
    if given:
        name["given"] = latex_to_text(given)
    if person.prelast_names:
        name["non-dropping-particle"] = latex_to_text(" ".join(person.prelast_names))
    if person.lineage_names:
        name["suffix"] = latex_to_text(" ".join(person.lineage_names))
    return name


def _date_parts(year: str, month: str = "", day: str = "") -> dict | None:
    parts = []
    if re.fullmatch(r"\d{1,4}", year.strip()):
        parts.append(int(year))
        month = month.strip().lower().rstrip(".")
        number = MONTHS.get(month) or (int(month) if month.isdigit() and 1 <= int(month) <= 12 else None)
        if number:
            parts.append(number)
            if day.strip().isdigit():
                parts.append(int(day))
        return {"date-parts": [parts]}
    return {"literal": year} if year.strip() else None


def _iso_date(value: str) -> dict | None:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip()[:10])
    if not match:
        return {"literal": value} if value.strip() else None
    return {"date-parts": [[int(part) for part in match.groups() if part]]}


def bibtex_entry_to_csl(key: str, entry) -> dict:
    """A pybtex ``Entry`` as a CSL-JSON item."""
    fields = {name.lower(): value for name, value in entry.fields.items()}
    kind = entry.type.lower()
    item: dict = {"id": key, "type": BIBTEX_TO_CSL_TYPE.get(kind, "document")}
    if kind == "misc":
        item["type"] = "webpage" if "url" in fields else "document"
    for role, persons in entry.persons.items():
        if role.lower() in ("author", "editor", "translator"):
            item[role.lower()] = [_person_to_csl(person) for person in persons]

    def text(name):
        return latex_to_text(fields[name]) if name in fields else ""

    simple = {
        "title": "title",
        "volume": "volume",
        "edition": "edition",
        "publisher": "publisher",
        "address": "publisher-place",
        "location": "publisher-place",
        "note": "note",
        "isbn": "ISBN",
        "issn": "ISSN",
        "series": "collection-title",
        "chapter": "chapter-number",
        "abstract": "abstract",
    }
    for bib_name, csl_name in simple.items():
        if bib_name in fields:
            item[csl_name] = text(bib_name)
    container = text("journaltitle") or text("journal") or text("booktitle")
    if not container and kind == "misc":
        container = text("howpublished")
    if container:
        item["container-title"] = container
    issue = text("number") or text("issue")
    if issue:
        item["number" if item["type"] == "report" else "issue"] = issue
    if "pages" in fields:
        item["page"] = latex_to_text(re.sub(r"-{2,3}", "-", fields["pages"]))
    if "institution" in fields and "publisher" not in item:
        item["publisher"] = text("institution")
    if "school" in fields and "publisher" not in item:
        item["publisher"] = text("school")
    if "organization" in fields and "publisher" not in item:
        item["publisher"] = text("organization")
    if "doi" in fields:
        item["DOI"] = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", fields["doi"].strip(), flags=re.I)
    if "pmid" in fields:
        item["PMID"] = fields["pmid"].strip()
    if "pmcid" in fields:
        item["PMCID"] = fields["pmcid"].strip()
    if "url" in fields:
        item["URL"] = fields["url"].strip().replace("\\_", "_").replace("\\%", "%").replace("\\#", "#")
    if "date" in fields:
        issued = _iso_date(fields["date"])
    else:
        issued = _date_parts(
            fields.get("year", ""), latex_to_text(fields.get("month", "")), fields.get("day", "")
        )
    if issued:
        item["issued"] = issued
    accessed = fields.get("urldate")
    if accessed and _iso_date(accessed):
        item["accessed"] = _iso_date(accessed)
    return item


@dataclass
class Entry:
    """One bibliography entry: its key, where it is defined, its CSL-JSON item
    (built lazily for BibTeX so that uncited entries cost nothing)."""

    key: str
    path: str
    line: int
    _item: dict | None = None
    _source: object = None

    @property
    def item(self) -> dict:
        if self._item is None:
            self._item = bibtex_entry_to_csl(self.key, self._source)
            self._source = None
        return self._item


@dataclass
class FormattedEntry:
    """An entry rendered once: ``html`` with DOI/PubMed/URL links, ``preview``
    without links (it sits inside the citation link), ``text`` without tags."""

    html: str
    preview: str
    text: str


def _link(url: str, label: str | None = None) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(label or url, quote=False)}</a>'


def add_links(rendered: str, item: dict) -> str:
    """Link the DOI, the URL and the PubMed id of an entry rendered by the CSL engine."""
    result = rendered
    doi = item.get("DOI")
    if doi:
        doi_url = "https://doi.org/" + doi
        escaped_url, escaped_doi = html.escape(doi_url, quote=False), html.escape(doi, quote=False)
        if escaped_url in result:
            result = result.replace(escaped_url, _link(doi_url), 1)
        elif escaped_doi in result:
            result = result.replace(escaped_doi, _link(doi_url, doi), 1)
        else:
            result += " doi:" + _link(doi_url, doi)
    url = item.get("URL")
    if url and not (doi and url.rstrip("/").endswith(doi)):
        escaped = html.escape(url, quote=False)
        if escaped in result and f'">{escaped}</a>' not in result:
            result = result.replace(escaped, _link(url), 1)
        elif escaped not in result:
            result += " " + _link(url)
    pmid = item.get("PMID")
    if pmid:
        result += " PMID: " + _link(f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/", pmid)
    return result


@dataclass
class Bibliography:
    """Every entry of the site, by key, with a per-build cache of formatted entries."""

    entries: dict[str, Entry] = field(default_factory=dict)
    style_name: str = DEFAULT_STYLE
    _style: CslStyle | None = None
    _formatted: dict[str, FormattedEntry] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def style(self) -> CslStyle:
        if self._style is None:
            self._style = CslStyle(self.style_name)
        return self._style

    def suggest(self, key: str) -> str | None:
        """The known key nearest to a mistyped ``key``, if any is near."""
        folded = {known.casefold(): known for known in self.entries}
        if key.casefold() in folded:
            return folded[key.casefold()]
        matches = difflib.get_close_matches(key, list(self.entries), n=1, cutoff=0.6)
        return matches[0] if matches else None

    def format(self, key: str) -> FormattedEntry:
        """The entry for ``key`` rendered in the style; computed once per build."""
        cached = self._formatted.get(key)
        if cached is None:
            item = self.entries[key].item
            rendered = self.style.render(item)
            cached = FormattedEntry(add_links(rendered, item), rendered, plain_text(rendered))
            self._formatted[key] = cached
        return cached


def bibliography_files(setting, base_path: str = ".") -> list[str]:
    """The files named by ``FAQ_CITATIONS_BIBLIOGRAPHY``: a folder (every .bib
    and .json in it, sorted) or a list of files. Relative paths start at ``base_path``."""
    if isinstance(setting, (str, os.PathLike)):
        folder = os.path.join(base_path, setting)
        return sorted(
            os.path.join(folder, name)
            for name in os.listdir(folder)
            if name.lower().endswith(BIBLIOGRAPHY_SUFFIXES) and not name.startswith(".")
        )
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


def _parse_bibtex(path: str, text: str, problems: list) -> list[Entry]:
    import pybtex.errors
    from pybtex.database.input.bibtex import Parser

    lines = {}
    for match in _BIB_ENTRY_START.finditer(text):
        if match[1].lower() not in _BIB_NOT_ENTRIES:
            lines.setdefault(match[2].casefold(), _line_of(text, match.start(2)))
    with pybtex.errors.capture() as captured:
        try:
            data = Parser().parse_string(text)
        except Exception as exc:  # pybtex raises a variety of its own errors
            problems.append(BibliographyError(path, getattr(exc, "lineno", None), f"malformed BibTeX: {exc}"))
            return []
    unclosed = _unbalanced_entries(path, text)
    for error in captured:
        message = str(error)
        if unclosed and type(error).__name__ == "PrematureEOF":
            continue  # _unbalanced_entries names the entry that was left open
        if message.startswith("repeated bibliography entry"):
            continue  # reported with both lines by load_bibliography
        line = getattr(error, "lineno", None)
        message = _PYBTEX_LINE_PREFIX.sub("", message)
        if type(error).__name__ == "UndefinedMacro":
            message = f"undefined string {message.split(':')[-1].strip()!r}; put text in braces, e.g. {{...}}"
        problems.append(BibliographyError(path, line, f"malformed BibTeX: {message}"))
    problems += unclosed
    return [
        Entry(key, path, lines.get(key.casefold(), 1), _source=entry) for key, entry in data.entries.items()
    ]


def _unbalanced_entries(path: str, text: str) -> list[BibliographyError]:
    """Entries whose braces do not balance, named by their first line (pybtex
    only notices at the end of the file)."""
    starts = [m for m in _BIB_ENTRY_START.finditer(text) if m[1].lower() not in _BIB_NOT_ENTRIES]
    problems = []
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        chunk = re.sub(r"\\[{}]", "", text[start.start() : end])
        if chunk.count("{") != chunk.count("}"):
            problems.append(
                BibliographyError(
                    path,
                    _line_of(text, start.start()),
                    f"malformed BibTeX: the braces of entry {start[2]!r} do not balance; "
                    "a '}' is missing or extra in this entry",
                )
            )
    return problems


def _parse_csl_json(path: str, text: str, problems: list) -> list[Entry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(
            BibliographyError(path, exc.lineno, f"malformed CSL-JSON: {exc.msg} (column {exc.colno})")
        )
        return []
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        problems.append(BibliographyError(path, 1, "malformed CSL-JSON: expected a list of items"))
        return []
    id_lines = [(m[1], _line_of(text, m.start())) for m in _JSON_ID.finditer(text)]
    entries = []
    for index, item in enumerate(data):
        line = id_lines[index][1] if index < len(id_lines) else 1
        if not isinstance(item, dict) or not isinstance(item.get("id"), (str, int)) or item.get("id") == "":
            problems.append(
                BibliographyError(path, line, f'malformed CSL-JSON: item {index + 1} has no "id"')
            )
            continue
        key = str(item["id"])
        line = next((ln for found, ln in id_lines if found == key), line)
        entry_item = dict(item, id=key)
        entry_item.setdefault("type", "document")
        entries.append(Entry(key, path, line, _item=entry_item))
    return entries


def load_bibliography(paths, style: str = DEFAULT_STYLE) -> tuple[Bibliography, list[BibliographyError]]:
    """Parse every file once; return the bibliography and every problem found."""
    problems: list[BibliographyError] = []
    bibliography = Bibliography(style_name=style)
    seen: dict[str, Entry] = {}
    for path in paths:
        text = _read_text(path, problems)
        if text is None:
            continue
        if path.lower().endswith(".json"):
            entries = _parse_csl_json(path, text, problems)
        else:
            entries = _parse_bibtex(path, text, problems)
            entries += _bibtex_duplicates(path, text, entries)
        for entry in entries:
            first = seen.get(entry.key.casefold())
            if first is not None:
                problems.append(
                    BibliographyError(
                        entry.path,
                        entry.line,
                        f"citation key {entry.key!r} is defined twice: here and at "
                        f"{first.path}:{first.line}; keep one and rename or delete the other",
                    )
                )
                continue
            seen[entry.key.casefold()] = entry
            bibliography.entries[entry.key] = entry
    return bibliography, problems


def _bibtex_duplicates(path: str, text: str, parsed: list[Entry]) -> list[Entry]:
    """Placeholder entries for keys repeated inside one .bib file (pybtex keeps the
    first), so that the duplicate is reported with both lines."""
    counts: dict[str, int] = {}
    extra = []
    for match in _BIB_ENTRY_START.finditer(text):
        if match[1].lower() in _BIB_NOT_ENTRIES:
            continue
        folded = match[2].casefold()
        counts[folded] = counts.get(folded, 0) + 1
        if counts[folded] > 1:
            extra.append(Entry(match[2], path, _line_of(text, match.start(2)), _item={"id": match[2]}))
    return extra
