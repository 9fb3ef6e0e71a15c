"""``::: evidence-chart``: a picture of the evidence, built from the studies' evidence cards.

    ::: evidence-chart "Ketamine trials for PTSD"
    feder2014, feder2021, albott2018, abdallah2022
    :::

becomes a ``<figure>`` with an inline SVG (no script) and a table of the same
data: one mark per study, in a row for its kind (randomized trial, open-label
study, ...), its area proportional to the number of people, its shape and the
words under it saying what it found (benefit, no clear difference, harm,
mixed). It is drawn in ``currentColor`` by its own attributes, so dark mode and
print follow the page's text colour; only the benefit circle takes the theme's
link colour (class ``ec-circle``, in faq-citations.css).

Pure Python-Markdown (no Pelican): ``EvidenceChartExtension(cards=..., names=...)``
where ``names(key)`` gives a study's short name ("Feder 2021"). A key without a
card, or a card without ``people`` or ``outcome``, is an ``AuthorError`` with
the line of the block. The block is read before the ``meta`` preprocessor, so
its lines are the file's lines; a ``:::`` block inside a code fence is read too.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from .csl import plain_text
from .errors import AuthorError
from .evidence_cards import KINDS, OUTCOMES

OPEN_RE = re.compile(r'^:::\s*evidence-chart(?:\s+"(?P<title>[^"]*)")?\s*$')
CLOSE_RE = re.compile(r"^:::\s*$")
DEFAULT_TITLE = "What each study found"
WIDTH = 360
LABEL_H = 22  # the row's kind label
R_MAX, R_MIN = 30.0, 5.0
TEXT_H = 15  # one line of text under a mark
COLUMNS = 3
SHAPES = {"benefit": "circle", "no clear difference": "square", "harm": "triangle", "mixed": "diamond"}
FONT = 13  # the SVG's text size, in its own units


@dataclass(frozen=True)
class Mark:
    key: str
    name: str
    kind: str
    people: int
    outcome: str
    x: float
    y: float
    r: float


def radius(people: int, most: int) -> float:
    """Area proportional to people; the largest study has ``R_MAX``; never below ``R_MIN``."""
    return max(R_MIN, R_MAX * math.sqrt(people / most))


def layout(studies: list[tuple[str, str, object]]) -> tuple[list[Mark], list[tuple[str, float]], float]:
    """``(marks, rows, height)`` for ``[(key, name, card)]``: a row per kind (in ``KINDS``
    order), up to ``COLUMNS`` marks a line, left to right in the order given."""
    most = max(card.people for _key, _name, card in studies)
    kinds = [kind for kind in KINDS if any(card.kind == kind for *_rest, card in studies)]
    column = WIDTH / COLUMNS
    row_h = 2 * R_MAX + 4 * TEXT_H + 10
    marks, rows, y = [], [], 0.0
    for kind in kinds:
        rows.append((kind, y))
        members = [(key, name, card) for key, name, card in studies if card.kind == kind]
        y += LABEL_H
        for index, (key, name, card) in enumerate(members):
            if index and index % COLUMNS == 0:
                y += row_h
            x = column * (index % COLUMNS) + column / 2
            marks.append(
                Mark(key, name, kind, card.people, card.outcome, x, y + R_MAX + 4, radius(card.people, most))
            )
        y += row_h
    return marks, rows, y


def shape(mark: Mark) -> str:
    """The mark's SVG element: same area for every shape at a given ``r``."""
    x, y, r = mark.x, mark.y, mark.r
    css = {
        "benefit": 'class="ec-circle"',
        "no clear difference": 'fill="none" stroke="currentColor" stroke-width="2.5"',
        "harm": "",
        "mixed": 'fill-opacity=".4" stroke="currentColor" stroke-width="1.5"',
    }[mark.outcome]
    if mark.outcome == "benefit":
        return f'<circle {css} cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'
    if mark.outcome == "no clear difference":
        side = r * math.sqrt(math.pi)
        corner = f'x="{x - side / 2:.1f}" y="{y - side / 2:.1f}"'
        return f'<rect {css} {corner} width="{side:.1f}" height="{side:.1f}"/>'
    if mark.outcome == "harm":
        side = r * math.sqrt(4 * math.pi / math.sqrt(3))
        h = side * math.sqrt(3) / 2
        top, base = y - 2 * h / 3, y + h / 3
        points = f"{x:.1f},{top:.1f} {x + side / 2:.1f},{base:.1f} {x - side / 2:.1f},{base:.1f}"
        return f'<polygon {css} points="{points}"/>'
    d = r * math.sqrt(math.pi / 2)
    points = f"{x:.1f},{y - d:.1f} {x + d:.1f},{y:.1f} {x:.1f},{y + d:.1f} {x - d:.1f},{y:.1f}"
    return f'<polygon {css} points="{points}"/>'


def outcome_lines(outcome: str) -> list[str]:
    """The outcome in lines of at most 12 characters ("no clear" / "difference"), so that
    the words under neighbouring marks never run into each other."""
    lines: list[str] = []
    for word in outcome.split():
        if lines and len(lines[-1]) + 1 + len(word) <= 12:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def people_text(people: int) -> str:
    return f"{people:,} {'person' if people == 1 else 'people'}"


def render(title: str, studies: list[tuple[str, str, object]], chart_id: str = "evidence-chart") -> str:
    """The figure: the SVG and a table with the same data."""
    marks, rows, height = layout(studies)
    esc = html.escape
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title" fill="currentColor" font-size="{FONT}">',
        f'<title id="{chart_id}-title">{esc(title)}: {len(marks)} studies; each shape is one study, '
        "its size the number of people, its shape what it found (the table below has the same data)</title>",
    ]
    for kind, y in rows:
        parts.append(f'<text x="0" y="{y + 15:.0f}" font-weight="700">{esc(KINDS[kind])}</text>')
    for mark in marks:
        below = mark.y + R_MAX + TEXT_H + 2
        parts.append(
            f'<g>{shape(mark)}<text x="{mark.x:.1f}" y="{below:.0f}" text-anchor="middle">'
            f'<tspan font-weight="600">{esc(mark.name)}</tspan>'
            f'<tspan x="{mark.x:.1f}" dy="{TEXT_H}">{esc(people_text(mark.people))}</tspan>'
            + "".join(
                f'<tspan x="{mark.x:.1f}" dy="{TEXT_H}">{esc(line)}</tspan>'
                for line in outcome_lines(mark.outcome)
            )
            + "</text></g>"
        )
    parts.append("</svg>")
    rows_html = "".join(
        f'<tr><td><a href="#ref-{esc(mark.key)}">{esc(mark.name)}</a></td>'
        f"<td>{esc(KINDS[mark.kind])}</td><td>{mark.people:,}</td>"
        f"<td>{esc(mark.outcome)}</td></tr>"
        for mark in marks
    )
    legend = " ".join(
        f'<span class="ec-key"><svg viewBox="0 0 20 20" aria-hidden="true" fill="currentColor">'
        f"{shape(Mark('', '', '', 1, outcome, 10, 10, 7))}</svg> {esc(outcome)}</span>"
        for outcome in OUTCOMES
        if any(mark.outcome == outcome for mark in marks)
    )
    return (
        f'<figure class="evidence-chart" id="{chart_id}">'
        f'<figcaption class="evidence-chart__caption"><b>{esc(title)}</b>. Each shape is one study; '
        f"the bigger it is, the more people took part. Its shape shows what it found for PTSD symptoms: "
        f"{legend}</figcaption>{''.join(parts)}"
        f'<details class="evidence-chart__data"><summary>The same data as a table</summary>'
        f'<table><thead><tr><th scope="col">Study</th>'
        f'<th scope="col">Kind</th>'
        f'<th scope="col">People</th><th scope="col">What it found for PTSD symptoms</th></tr></thead>'
        f"<tbody>{rows_html}</tbody></table></details></figure>"
    )


def study_name(bibliography, key: str) -> str:
    """"Feder 2021": the first author's family name (or the title) and the year."""
    if key not in bibliography:
        return key
    item = bibliography.entries[key].item
    people = item.get("author") or []
    first = people[0] if people else {}
    who = first.get("family") or first.get("literal") or plain_text(item.get("title", key))[:24]
    year = ((item.get("issued") or {}).get("date-parts") or [[None]])[0][0]
    return f"{who} {year}" if year else who


def studies_for(keys_text: str, line: int, cards, names) -> list[tuple[str, str, object]]:
    keys = [key for key in re.split(r"[\s,;]+", keys_text.replace("@", " ")) if key]
    if not keys:
        raise AuthorError(
            "an evidence chart with no studies; list their citation keys, e.g. 'feder2021, abdallah2022'",
            line,
        )
    studies = []
    for key in keys:
        card = cards.get(key)
        if card is None and key in getattr(cards, "withheld", ()):
            continue  # its card has a mistake, reported at the card: drawn once it is fixed
        if card is None:
            raise AuthorError(
                f"evidence chart: {key!r} has no evidence card; add one, or take it out of the chart", line
            )
        lacking = [name for name in ("people", "outcome") if getattr(card, name) is None]
        if lacking:
            raise AuthorError(
                f"evidence chart: the card of {key!r} has no {' or '.join(lacking)}; only studies with both "
                "can be drawn: take it out of the chart or add them to its card",
                line,
            )
        studies.append((key, names(key), card))
    return studies


class EvidenceChartPreprocessor(Preprocessor):
    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines):
        out, index, count = [], 0, 0
        while index < len(lines):
            match = OPEN_RE.match(lines[index])
            if not match:
                out.append(lines[index])
                index += 1
                continue
            start = index
            end = next((i for i in range(index + 1, len(lines)) if CLOSE_RE.match(lines[i])), None)
            if end is None:
                raise AuthorError(
                    "'::: evidence-chart' is not closed; end the list of studies with ':::'", start + 1
                )
            cards = self.extension.getConfig("cards") or {}
            studies = studies_for(
                " ".join(lines[start + 1 : end]), start + 1, cards, self.extension.getConfig("names")
            )
            count += 1
            chart_id = "evidence-chart" if count == 1 else f"evidence-chart-{count}"
            figure = render(match.group("title") or DEFAULT_TITLE, studies, chart_id)
            # One line for the figure, blank lines for the rest: later lines keep their numbers.
            out += ["", self.md.htmlStash.store(figure), ""] + [""] * (end - start - 2)
            index = end + 1
        return out


class EvidenceChartExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "cards": [{}, "Evidence cards by citation key (evidence_cards.load_cards)"],
            "names": [lambda key: key, "A function: citation key -> the study's short name ('Feder 2021')"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        # 28: after normalize_whitespace (30), before meta (27), so the lines are the file's.
        md.preprocessors.register(EvidenceChartPreprocessor(md, self), "evidence_chart", 28)
