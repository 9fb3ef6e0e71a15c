"""Evidence cards: for each cited source, what kind of evidence it is and what it found.

A site keeps its cards in one YAML file keyed by citation key (by default
``bibliography/evidence-cards.yaml`` under ``PATH``; ``FAQ_CITATIONS_EVIDENCE_CARDS``)::

    feder2021:
      kind: randomized controlled trial   # one of KINDS
      people: 30                          # optional: people enrolled or analysed
      studies: 6                          # optional: studies pooled (reviews)
      finding: Six doses in two weeks eased PTSD more than midazolam.  # at most 30 words
      limitation: It was small and short.
      outcome: benefit                    # optional: one of OUTCOMES (studies)
      checked: 2026-12-01                 # date checked against the source
      source_read: abstract               # optional: one of SOURCE_READ

Pure (no Pelican; PyYAML keeps the lines): ``load_cards(path, today, months)``
returns the cards and every problem as an ``AuthorError`` with the YAML line
(a check date older than the review interval is a warning: ``make publish``
fails on it). ``missing_cards`` names the cited keys without a card. Without a
cards file the feature is off: no labels, no errors.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass

from .errors import AuthorError

# kind -> short label (shown at each source). The reader page explaining them is the
# site's (this site: content/pages/kinds-of-evidence.md, one heading per kind).
KINDS = {
    "randomized controlled trial": "Randomized trial",
    "randomized crossover trial": "Randomized crossover trial",
    "open-label study": "Open-label study",
    "observational study": "Observational study",
    "case series": "Case series",
    "animal study": "Animal study",
    "trial registration": "Trial registration",
    "survey": "Survey",
    "systematic review": "Systematic review",
    "systematic review and meta-analysis": "Meta-analysis",
    "narrative review": "Narrative review",
    "clinical practice guideline": "Guideline",
    "expert consensus": "Expert consensus",
    "treatment manual": "Treatment manual",
    "diagnostic manual": "Diagnostic manual",
    "drug label": "Drug label",
    "press release": "Press release",
    "regulator notice": "Regulator notice",
    "organization page": "Organization page",
    "news report": "News report",
    "crisis service": "Crisis service",
}
OUTCOMES = ("benefit", "no clear difference", "harm", "mixed")
SOURCE_READ = ("abstract", "full text", "label", "page")
FIELDS = ("kind", "people", "studies", "finding", "limitation", "outcome", "checked", "source_read")
REQUIRED = ("kind", "finding", "limitation", "checked")
MAX_FINDING_WORDS = 30


@dataclass(frozen=True)
class Card:
    key: str
    kind: str
    finding: str
    limitation: str
    checked: datetime.date
    line: int = 1
    people: int | None = None
    studies: int | None = None
    outcome: str | None = None
    source_read: str | None = None

    @property
    def label(self) -> str:
        """ "Randomized trial · 158 people"; "Meta-analysis · 6 studies · 221 people"."""
        parts = [KINDS[self.kind]]
        if self.studies:
            parts.append(f"{self.studies:,} {'study' if self.studies == 1 else 'studies'}")
        if self.people:
            parts.append(f"{self.people:,} {'person' if self.people == 1 else 'people'}")
        return " · ".join(parts)

    @property
    def kind_id(self) -> str:
        """The kind as a fragment id: "open-label-study" (the reader page's heading ids)."""
        return slug(self.kind)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _near(value: str, choices) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else "use one of: " + ", ".join(choices)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _count(value, field: str, line: int, path: str, problems: list):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(
            AuthorError(
                f"{field}: {value!r} is not a whole number above 0; write e.g. '{field}: 30'", line, path
            )
        )
        return None
    return value


def compose(text: str, loader_class):
    """The YAML node tree of ``text`` (each node with its line), through ``loader_class``:
    libyaml's ``CSafeLoader`` when PyYAML has it (the same nodes, about ten times faster
    than the pure-Python ``SafeLoader``)."""
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


class Cards(dict):
    """The cards by key, and ``withheld``: the keys whose card has a mistake (reported at
    the card), so a page citing one is not told again that it has no card."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.withheld: set[str] = set()


CARD_START = re.compile(r"^(?![\s#]|---|\.\.\.)(?P<key>['\"]?[^:'\"]+['\"]?)\s*:")


def yaml_problem(error, path: str) -> AuthorError:
    """PyYAML's error at its line; for something left open (a quote, a bracket) the line
    where it opened."""
    mark = getattr(error, "problem_mark", None)
    message = f"malformed YAML: {getattr(error, 'problem', None) or error}"
    context, opened = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and opened is not None and (mark is None or opened.line != mark.line):
        what = context.removeprefix("while scanning ").removeprefix("while parsing ")
        what = {"a quoted scalar": "the quoted text", "a flow mapping": "the '{'",
                "a flow sequence": "the '['"}.get(what, what)
        message = f"malformed YAML: {what} that starts here is never closed ({error.problem})"
        mark = opened
    return AuthorError(message, mark.line + 1 if mark else None, path)


def parse_card_by_card(text: str, path: str, today: datetime.date, months: int, error) -> tuple:
    """A file the YAML parser cannot read as a whole: each top-level card parsed on its
    own (blank lines for the others, so every line stays where it is), so a typo loses only
    its own card. ``error`` is the whole file's YAMLError, kept when no card can be told."""
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if CARD_START.match(line)]
    if not starts:
        return Cards(), [("error", yaml_problem(error, path))]
    cards, found = Cards(), []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        alone = "\n" * start + "\n".join(lines[start:end])
        some, problems = parse_cards(alone, path, today, months, whole=False)
        cards.update(some)
        cards.withheld |= some.withheld
        if not some and not some.withheld:  # its YAML is broken: the card is lost, said once
            cards.withheld.add(CARD_START.match(lines[start])["key"].strip("'\" "))
        found += problems
    found.sort(key=lambda item: item[1].line or 0)
    return cards, found


def parse_cards(text: str, path: str, today: datetime.date, months: int = 12, whole: bool = True):
    """``(cards by key, problems)`` for the YAML ``text`` of the cards file ``path``.

    ``problems`` is ``[(level, AuthorError)]`` with level ``"error"`` or ``"warning"``; the
    cards are a ``Cards`` (a card with a mistake is left out, its key ``withheld``)."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is the "evidence" extra
        message = "evidence cards need PyYAML: pip install 'pelican-faq-citations[evidence]'"
        return {}, [("error", AuthorError(message, None, path))]

    problems: list = []
    warnings: list = []
    try:
        root = compose(text, getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        try:  # the pure-Python parser's message (libyaml words some differently)
            root = compose(text, yaml.SafeLoader)
        except yaml.YAMLError as exc:
            if whole:
                return parse_card_by_card(text, path, today, months, exc)
            return Cards(), [("error", yaml_problem(exc, path))]
    if root is None:
        return Cards(), []
    if not isinstance(root, yaml.MappingNode):
        return Cards(), [
            (
                "error",
                AuthorError(
                    "the cards file must map each citation key to its card ('key:' then its fields)", 1, path
                ),
            )
        ]
    constructor = yaml.SafeLoader("")
    cards = Cards()
    seen: dict[str, int] = {}
    for key_node, value_node in root.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key in seen:
            problems.append(
                AuthorError(
                    f"card {key!r} is written twice: here and at line {seen[key]}; keep one", line, path
                )
            )
            continue
        seen[key] = line
        if not isinstance(value_node, yaml.MappingNode):
            problems.append(
                AuthorError(f"card {key!r}: write its fields under it ({', '.join(REQUIRED)})", line, path)
            )
            continue
        fields, lines = {}, {}
        for field_node, field_value in value_node.value:
            name = str(field_node.value)
            lines[name] = field_node.start_mark.line + 1
            if name not in FIELDS:
                problems.append(
                    AuthorError(
                        f"card {key!r}: unknown field {name!r}; {_near(name, FIELDS)}", lines[name], path
                    )
                )
                continue
            fields[name] = constructor.construct_object(field_value, deep=True)
        missing = [name for name in REQUIRED if fields.get(name) in (None, "")]
        if missing:
            problems.append(
                AuthorError(
                    f"card {key!r}: missing {', '.join(missing)}; every card needs {', '.join(REQUIRED)}",
                    line,
                    path,
                )
            )
            continue
        ok = True
        kind = str(fields["kind"]).strip()
        if kind not in KINDS:
            problems.append(
                AuthorError(f"card {key!r}: unknown kind {kind!r}; {_near(kind, KINDS)}", lines["kind"], path)
            )
            ok = False
        outcome = fields.get("outcome")
        if outcome is not None and outcome not in OUTCOMES:
            problems.append(
                AuthorError(
                    f"card {key!r}: unknown outcome {outcome!r}; {_near(str(outcome), OUTCOMES)}",
                    lines["outcome"],
                    path,
                )
            )
            ok = False
        read = fields.get("source_read")
        if read is not None and read not in SOURCE_READ:
            problems.append(
                AuthorError(
                    f"card {key!r}: unknown source_read {read!r}; {_near(str(read), SOURCE_READ)}",
                    lines["source_read"],
                    path,
                )
            )
        finding = " ".join(str(fields["finding"]).split())
        words = len(finding.split())
        if words > MAX_FINDING_WORDS:
            problems.append(
                AuthorError(
                    f"card {key!r}: the finding has {words} words; say it in at most {MAX_FINDING_WORDS}",
                    lines["finding"],
                    path,
                )
            )
        checked = fields["checked"]
        if isinstance(checked, datetime.datetime):
            checked = checked.date()
        if not isinstance(checked, datetime.date):
            problems.append(
                AuthorError(
                    f"card {key!r}: checked: {checked!r} is not a date; write it as YYYY-MM-DD",
                    lines["checked"],
                    path,
                )
            )
            continue
        if checked > today:
            problems.append(
                AuthorError(
                    f"card {key!r}: checked {checked.isoformat()} is in the future", lines["checked"], path
                )
            )
        elif add_months(checked, months) < today:
            warnings.append(
                AuthorError(
                    f"card {key!r}: checked {checked.isoformat()}, more than {months} months ago; "
                    "check the card against its source again and update 'checked'",
                    lines["checked"],
                    path,
                )
            )
        people = _count(fields.get("people"), "people", lines.get("people", line), path, problems)
        studies = _count(fields.get("studies"), "studies", lines.get("studies", line), path, problems)
        if ok:
            cards[key] = Card(
                key,
                kind,
                finding,
                " ".join(str(fields["limitation"]).split()),
                checked,
                line,
                people,
                studies,
                outcome,
                read,
            )
    cards.withheld = set(seen) - set(cards)  # each one's mistake is reported at its card
    found = [("error", problem) for problem in problems] + [("warning", warning) for warning in warnings]
    found.sort(key=lambda item: item[1].line or 0)
    return cards, found


def load_cards(path: str, today: datetime.date, months: int = 12):
    """``parse_cards`` for a file; a file that cannot be read is one problem."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        return Cards(), [("error", AuthorError(f"cannot read the evidence cards file: {exc}", None, path))]
    return parse_cards(text, path, today, months)


CITE_KEY_RE = r"@{key}(?![\w:.\-])"


def citation_line(text: str, key: str) -> int | None:
    """The line of the first ``@key`` in a source file's ``text``."""
    match = re.search(CITE_KEY_RE.format(key=re.escape(key)), text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def missing_cards(cited: dict[str, list[str]], cards: dict[str, Card], read) -> list[AuthorError]:
    """An error for each cited key without a card, at its first citation in each file.

    ``cited`` maps a source path to the keys it cites; ``read(path)`` returns its text."""
    problems = []
    for path, keys in cited.items():
        withheld = getattr(cards, "withheld", ())
        lacking = [key for key in keys if key not in cards and key not in withheld]
        if not lacking:
            continue
        try:
            text = read(path)
        except OSError:
            text = ""
        for key in lacking:
            problems.append(
                AuthorError(
                    f"source {key!r} is cited but has no evidence card; add '{key}:' with its kind, finding, "
                    "limitation and checked date to the evidence cards file",
                    citation_line(text, key),
                    path,
                )
            )
    problems.sort(key=lambda problem: (problem.path, problem.line or 0))
    return problems
