"""The CSL engine wrapper: the shared-run shortcut for "Cite this page" gives exactly
what a full citeproc run gives, for every real page title and for awkward ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from editorial.frontmatter import header_fields
from faq_citations.csl import CslStyle

ROOT = Path(__file__).resolve().parents[2]
REAL_TITLES = sorted(
    header_fields(str(path))["title"][1] for path in (ROOT / "content").rglob("*.md")
)
AWKWARD = ['Dose <0.5 mg/kg & "PTSD"', "Is ketamine safe?", "Wow!", "Tom's guide: part 2", "é ü ß — 日本"]


def item(title: str, url: str = "https://example.org/a/") -> dict:
    return {"id": "page", "type": "webpage", "title": title, "author": [{"literal": "Editorial team"}],
            "container-title": "PTSD and Ketamine: An Evidence Guide", "URL": url,
            "issued": {"date-parts": [[2026, 11, 21]]}}


@pytest.mark.parametrize("style", ["american-medical-association", "apa", "ieee", "nature"])
@pytest.mark.parametrize("title", REAL_TITLES + AWKWARD)
def test_render_varying_equals_a_full_render(style, title):
    engine = CslStyle(style)
    assert engine.render_varying(item("Warm-up title")) == engine.render(item("Warm-up title"))
    assert engine.render_varying(item(title, "https://example.org/x/?a=1&b=2")) == engine.render(
        item(title, "https://example.org/x/?a=1&b=2"))


def test_render_varying_falls_back_when_the_style_changes_a_token():
    engine = CslStyle()
    probe = item("Title")
    engine.render_varying(probe)
    key = next(iter(engine._templates))
    engine._templates[key] = ""  # as if the style had altered the tokens
    assert engine.render_varying(item("Another title")) == engine.render(item("Another title"))
