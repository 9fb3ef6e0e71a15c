"""The CSL engine wrapper: the shared-run shortcut for "Cite this page" gives exactly
what a full citeproc run gives, for every real page title and for awkward ones."""

from __future__ import annotations

import pytest
from pelican.plugins.faq_citations.csl import CslStyle

from editorial.frontmatter import header_fields
from support import ROOT

REAL_TITLES = sorted(
    header_fields(str(path))["title"][1] for path in (ROOT / "content").rglob("*.md")
)
AWKWARD = ['Dose <0.5 mg/kg & "PTSD"', "Is ketamine safe?", "Wow!", "Tom's guide: part 2", "é ü ß — 日本"]


def item(title: str, url: str = "https://example.org/a/", date=(2026, 11, 21)) -> dict:
    return {"id": "page", "type": "webpage", "title": title, "author": [{"literal": "Editorial team"}],
            "container-title": "PTSD and Ketamine: An Evidence Guide", "URL": url,
            "issued": {"date-parts": [list(date)]}}


@pytest.mark.parametrize("style", ["american-medical-association", "apa", "ieee", "nature"])
@pytest.mark.parametrize("title", REAL_TITLES + AWKWARD)
def test_render_varying_equals_a_full_render(style, title):
    engine = CslStyle(style)
    assert engine.render_varying(item("Warm-up title")) == engine.render(item("Warm-up title"))
    assert engine.render_varying(item(title, "https://example.org/x/?a=1&b=2")) == engine.render(
        item(title, "https://example.org/x/?a=1&b=2"))


@pytest.mark.parametrize("style", ["american-medical-association", "apa", "chicago-author-date", "ieee"])
def test_render_varying_equals_a_full_render_on_every_day_of_a_year(style):
    engine = CslStyle(style)
    days = [(2025, month, day) for month in range(1, 13) for day in (1, 2, 3, 9, 10, 11, 21, 22, 28, 31)
            if not (month == 2 and day > 28) and not (month in (4, 6, 9, 11) and day == 31)]
    for date in [*days, (1999, 12, 31), (2028, 2, 28)]:
        page = item("Same title", date=date)
        assert engine.render_varying(page) == engine.render(page)


def test_render_varying_falls_back_when_the_style_changes_a_token():
    engine = CslStyle()
    probe = item("Title")
    engine.render_varying(probe)
    key = next(iter(engine._templates))
    engine._templates[key] = ""  # as if the style had altered the tokens
    assert engine.render_varying(item("Another title")) == engine.render(item("Another title"))
