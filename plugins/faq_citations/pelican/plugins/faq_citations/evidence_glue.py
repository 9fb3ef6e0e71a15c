"""Evidence cards in a Pelican build: the glue between ``evidence_cards`` /
``evidence_chart`` and ``pelican_glue`` (which calls the functions here from a
few marked lines; only it and this module know Pelican's objects).

* ``load(settings)`` at ``get_generators``: the cards file, its problems
  reported as ``path:line`` lines (a stale check date is a warning, so
  ``make publish`` fails); no file, no feature (``None``).
* ``EvidenceRenderer``: the card's HTML for a reference-list entry, from the
  template ``faq_citations/evidence_card.html`` (the theme's, else the
  package's), and the chart extension for the Markdown reader.
* ``cited_works(content, bibliography)``: each cited work as data for the
  theme's ``citation`` JSON-LD and Highwire ``citation_*`` meta tags.
* ``check_and_group(contents, sources, cards)``: a cited key without a card is
  an error at its first citation; the sources page's groups by kind.
"""

from __future__ import annotations

import datetime
import html
import os

from jinja2 import ChoiceLoader, Environment, FileSystemLoader

from .csl import plain_text
from .errors import report
from .evidence_cards import KINDS, load_cards, missing_cards, slug
from .evidence_chart import EvidenceChartExtension, study_name

DEFAULTS = {
    # The cards file, relative to PATH; a missing default file turns the feature off.
    "FAQ_CITATIONS_EVIDENCE_CARDS": "bibliography/evidence-cards.yaml",
    # A card checked longer ago than this is a warning (make publish fails on it).
    "FAQ_CITATIONS_EVIDENCE_REVIEW_MONTHS": 12,
    # "Today" for that check (ISO date); empty: the real date.
    "FAQ_CITATIONS_EVIDENCE_TODAY": "",
    # The page that explains each kind (URL relative to SITEURL; each kind's heading id is
    # its name as a slug, "open-label-study"); empty: no links.
    "FAQ_CITATIONS_EVIDENCE_KINDS_URL": "",
}
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
CARD_TEMPLATE = "faq_citations/evidence_card.html"


def setting(settings, name):
    return settings.get(name, DEFAULTS[name])


def cards_path(settings) -> str | None:
    configured = setting(settings, "FAQ_CITATIONS_EVIDENCE_CARDS")
    if not configured:
        return None
    path = os.path.join(settings.get("PATH", "."), configured)
    if not os.path.isfile(path):
        if "FAQ_CITATIONS_EVIDENCE_CARDS" in settings:
            from .errors import FaqCitationsConfigError

            raise FaqCitationsConfigError(
                f"FAQ_CITATIONS_EVIDENCE_CARDS: no such file {path!r} (relative to PATH); "
                "set it to '' to turn evidence cards off"
            )
        return None
    return os.path.relpath(path)


def today(settings) -> datetime.date:
    value = setting(settings, "FAQ_CITATIONS_EVIDENCE_TODAY")
    return datetime.date.fromisoformat(str(value)) if value else datetime.date.today()


_loaded: dict = {}  # signature -> (cards, problems): the last file read, as the bibliography is kept


def load(settings):
    """The cards by key (every problem reported), or ``None`` when the site has no cards file.

    The file is parsed again only when it (its time stamp or size), "today" or the review
    interval changed: ``make devserver`` starts a build per edit in one process."""
    path = cards_path(settings)
    if path is None:
        return None
    months = int(setting(settings, "FAQ_CITATIONS_EVIDENCE_REVIEW_MONTHS"))
    stat = os.stat(path)
    signature = (os.path.abspath(path), stat.st_mtime_ns, stat.st_size, today(settings), months)
    if signature not in _loaded:
        _loaded.clear()
        _loaded[signature] = load_cards(path, today(settings), months)
    cards, problems = _loaded[signature]
    for level, problem in problems:
        report(problem, level=level)
    return cards


class EvidenceRenderer:
    """The card HTML for each key (rendered once per build) and the chart extension."""

    def __init__(self, settings, cards, bibliography):
        self.cards, self.bibliography = cards, bibliography
        folders = [os.path.join(settings.get("THEME", ""), "templates"), TEMPLATES]
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(folder) for folder in folders if os.path.isdir(folder)]),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._html: dict[str, str] = {}

    def card_html(self, key: str) -> str:
        """The card's HTML for ``key``'s reference-list entry, or ``""`` without a card."""
        card = self.cards.get(key)
        if card is None:
            return ""
        if key not in self._html:
            self._html[key] = self.env.get_template(CARD_TEMPLATE).render(card=card).strip()
        return self._html[key]

    def label_html(self, key: str) -> str:
        """The card's label alone, for ``key``'s citation previews (in the HTML, so a margin
        note does not grow when the preview script adds the finding), or ``""``."""
        card = self.cards.get(key)
        if card is None:
            return ""
        label = html.escape(card.label)
        return f'<span class="evidence-card"><b class="evidence-card__label">{label}.</b></span>'

    def name(self, key: str) -> str:
        return study_name(self.bibliography, key)

    def chart_extension(self) -> EvidenceChartExtension:
        return EvidenceChartExtension(cards=self.cards, names=self.name)


def _authors(item) -> list[dict]:
    """``[{"name", "type"}]``: a Person for a given/family name, an Organization for a literal one."""
    names = []
    for person in item.get("author") or []:
        if "literal" in person:
            names.append({"name": person["literal"], "type": "Organization"})
        else:
            name = " ".join(part for part in (person.get("given"), person.get("family")) if part)
            names.append({"name": name, "type": "Person"})
    return [name for name in names if name["name"] and name["name"] != "et al."]


def cited_works(keys, bibliography) -> list[dict]:
    """Each cited work: ``type`` (ScholarlyArticle for journal articles, else CreativeWork),
    ``name``, ``authors`` (at most 3, ``{"name", "type"}``; ``more`` when there are others),
    ``date`` (the year), ``journal``, ``doi``, ``pmid``, ``url``. The theme turns these
    into JSON-LD and meta tags."""
    works = []
    for key in keys:
        if key not in bibliography:
            continue
        item = bibliography.entries[key].item
        parts = ((item.get("issued") or {}).get("date-parts") or [[]])[0]
        date = str(parts[0]) if parts else ""
        authors = _authors(item)
        works.append(
            {
                "type": "ScholarlyArticle" if item.get("type") == "article-journal" else "CreativeWork",
                "name": plain_text(item.get("title", "")),
                "authors": authors[:3],
                "more": len(authors) > 3,
                "date": date,
                "journal": plain_text(item.get("container-title", ""))
                if item.get("type") == "article-journal"
                else "",
                "doi": item.get("DOI", ""),
                "pmid": str(item.get("PMID", "")),
                "url": item.get("URL", ""),
            }
        )
    return works


def check_and_group(contents, sources, cards, settings) -> list[dict]:
    """Report each cited key without a card; give each source its card and return the
    groups for the sources page: ``[{"kind", "label", "id", "url", "sources"}]`` in
    vocabulary order (sources without a card last, under "Other")."""
    cited = {}
    for content in contents:
        keys = getattr(content, "cited_keys", None) or []
        if keys and getattr(content, "source_path", None):
            cited.setdefault(os.path.relpath(content.source_path), []).extend(keys)

    def read(path):
        with open(path, encoding="utf-8") as handle:
            return handle.read()

    for problem in missing_cards(cited, cards, read):
        report(problem)
    kinds_url = setting(settings, "FAQ_CITATIONS_EVIDENCE_KINDS_URL")
    siteurl = settings.get("SITEURL", "")
    groups: dict[str, dict] = {}
    for source in sources:
        card = cards.get(source["key"])
        source["card"] = card
        kind = card.kind if card else ""
        if kind not in groups:
            groups[kind] = {
                "kind": kind,
                "label": KINDS.get(kind, "Other sources"),
                "id": f"kind-{slug(kind) or 'other'}",
                "url": f"{siteurl}/{kinds_url}#{slug(kind)}" if kinds_url and kind else "",
                "sources": [],
            }
        groups[kind]["sources"].append(source)
    order = {kind: index for index, kind in enumerate(KINDS)}
    return sorted(groups.values(), key=lambda group: order.get(group["kind"], len(order)))
