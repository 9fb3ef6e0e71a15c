"""Every component macro renders its documented example (the `Example:` line at the top
of its file), with autoescaping on, as the theme renders it."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader

from support import ROOT

COMPONENTS = ROOT / "theme" / "templates" / "components"
EXAMPLE = re.compile(r"Example: (\{\{.*?\}\})", re.S)


def environment():
    env = Environment(loader=FileSystemLoader(str(ROOT / "theme" / "templates")), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(SITEURL="", article=SimpleNamespace(
        last_reviewed=dt.date(2026, 3, 3), next_review=dt.date(2027, 3, 3), reviewer="Editorial team"),
        articles=[SimpleNamespace(url="a/", title="A <b>", summary="<p>Sum</p>", last_reviewed=None)])
    return env


def render_example(name: str) -> BeautifulSoup:
    source = (COMPONENTS / name).read_text()
    examples = EXAMPLE.findall(source)
    assert examples, f"{name} documents no Example"
    macros = re.findall(r"\{% macro (\w+)", source)
    template = environment().from_string(
        f'{{% from "components/{name}" import {", ".join(macros)} %}}' + "".join(examples))
    return BeautifulSoup(template.render(), "lxml")


def test_crisis_help():
    html = render_example("crisis.html")
    text = html.get_text(" ", strip=True)
    for phrase in ("988", "press 1", "838255", "HOME to 741741", "911"):
        assert phrase in text
    assert html.select_one('a[href="tel:988"]') and html.select_one('a[href="sms:838255"]')
    assert html.select_one('a[href="/get-help-now/"]')
    assert not html.select("dialog, [role=dialog], script")


def test_compact_crisis_help_shows_988_and_the_veterans_line_and_opens_the_full_list_without_script():
    template = environment().from_string(
        '{% from "components/crisis.html" import crisis_help %}'
        '{{ crisis_help("/get-help-now/", compact=True, heading_id="crisis-top") }}')
    html = BeautifulSoup(template.render(), "lxml")
    aside = html.select_one("aside.crisis--compact[aria-labelledby=crisis-top]")
    line = aside.select_one(".crisis__line").get_text(" ", strip=True)
    assert "988" in line and "press 1" in line and "838255" in line
    assert aside.select_one('.crisis__line a[href="tel:988"]')
    assert aside.select_one('.crisis__line a[href="sms:838255"]')
    full = aside.select_one("details > summary + ul.crisis__list")
    assert full and "HOME to 741741" in full.get_text() and full.select_one('a[href="tel:911"]')
    assert aside.select_one('details a[href="/get-help-now/"]') and html.select_one("#crisis-top")
    assert not html.select("script, [hidden]")


def test_review_line():
    text = render_example("review_line.html").get_text(" ", strip=True)
    assert "Last reviewed 3 March 2026" in text
    assert "Next review due March 2027" in text
    assert "Reviewed by Editorial team" in text


def test_review_line_is_empty_without_a_review_date():
    env = environment()
    template = env.from_string(
        '{% from "components/review_line.html" import review_line %}{{ review_line(x) }}')
    assert template.render(x=SimpleNamespace(last_reviewed=None)).strip() == ""


def test_disclaimer():
    html = render_example("disclaimer.html")
    assert "not medical advice" in html.get_text()
    assert html.select_one('a[href="/medical-disclaimer/"]')


def test_breadcrumbs_mark_the_current_page():
    html = render_example("breadcrumbs.html")
    links = html.select("nav[aria-label=Breadcrumb] ol li a")
    assert [a.get_text() for a in links] == ["Home", "Safety", "Side effects"]
    assert links[-1]["aria-current"] == "page"
    assert not links[0].has_attr("aria-current")


def test_toc_needs_enough_sections():
    html = render_example("toc.html")
    assert [a["href"] for a in html.select("nav.toc a")] == ["#what-it-is", "#risks"]
    template = environment().from_string(
        '{% from "components/toc.html" import toc %}{{ toc([("a", "A")], 4) }}')
    assert template.render().strip() == ""


def test_share_links_load_nothing_and_escape_the_title():
    env = environment()
    template = env.from_string('{% from "components/share.html" import share_links %}'
                               '{{ share_links("https://example.org/x/", title) }}')
    html = BeautifulSoup(template.render(title='A <b>&"'), "lxml")
    assert not html.select("script, img, iframe")
    mail = html.select_one('a[href^="mailto:"]')["href"]
    assert "A%20%3Cb%3E%26%22" in mail
    assert html.select_one("button[data-copy-url][hidden]")
    assert render_example("share.html").select_one('a[href^="https://www.facebook.com/sharer"]')


def test_talk_to_clinician_points_to_find_care():
    html = render_example("cta.html")
    assert html.select_one('aside a[href="/find-care/"]')
    assert "clinician" in html.get_text()


def test_article_list_escapes_and_links():
    html = render_example("article_list.html")
    card = html.select_one("ul.cards li.card")
    assert card.select_one("h3 a")["href"] == "/a/"


def test_jsonld_escapes_script_end():
    env = environment()
    template = env.from_string('{% from "components/jsonld.html" import jsonld %}{{ jsonld(d) }}')
    out = template.render(d={"name": "</script><script>alert(1)</script>"})
    assert out.count("</script>") == 1
    assert render_example("jsonld.html").find("script", type="application/ld+json")


@pytest.mark.parametrize("name", sorted(p.name for p in COMPONENTS.glob("*.html")))
def test_component_renders_its_example(name):
    assert render_example(name).get_text(strip=True) or render_example(name).find("script")


def test_cite_page():
    html = render_example("cite_page.html")
    section = html.select_one("section.cite-page[aria-labelledby=cite-this-page]")
    assert section.select_one("h2#cite-this-page").get_text() == "Cite this page"
    assert section.select_one(".cite-page__reference").get_text() == "Editorial team. A page. Site; 2026."
    assert section.select_one("pre.cite-page__bibtex code").get_text().startswith("@misc{a-page,\n")
    empty = environment().from_string(
        '{% from "components/cite_page.html" import cite_page %}{{ cite_page(None) }}').render()
    assert not empty.strip()
