"""Evidence cards in Chromium on the real site (issue 15): the label and finding in the
reference list (once per source) and in every preview (hover, focus, tap), and the
evidence chart of "What the research shows" at 390 and 1280 px, light, dark and print.

Screenshots to look at go to SCREENSHOT_DIR (default /tmp/shots-cards).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from support import ROOT, soup

pytestmark = pytest.mark.browser

RESEARCH = "/what-the-research-shows/"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
LABEL = "Randomized trial · 158 people."  # abdallah2022's card (content/bibliography/evidence-cards.yaml)
FINDING = "did not ease PTSD more than a dummy drug"


def shots() -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or "/tmp/shots-cards")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def text(locator) -> str:
    return re.sub(r"\s+", " ", locator.inner_text())


def test_the_card_is_written_once_per_source_in_its_reference_entry(site):
    doc = soup(site / "what-the-research-shows" / "index.html")
    entries = doc.select("section.references li[id^=ref-]")
    findings = doc.select(".evidence-card__finding")
    assert len(findings) == len(entries), "one finding per source, and nowhere else in the HTML"
    assert all(finding.find_parent("li", id=True) in entries for finding in findings)
    # no preview in the HTML: the script builds each from the entry, card included
    assert not doc.select(".cite__preview")
    assert len(doc.select(".evidence-card__label")) == len(entries)
    card = doc.select_one("li#ref-abdallah2022 .evidence-card")
    assert card.select_one(".evidence-card__label").get_text() == LABEL
    assert FINDING in card.get_text()


def test_focus_and_hover_previews_show_the_card(open_page, server):
    page = open_page(**{**PHONE, "has_touch": False, "is_mobile": False})
    page.goto(server + RESEARCH)
    link = page.locator('sup.cite a[href="#ref-abdallah2022"]').first
    preview = link.locator("xpath=following-sibling::span[contains(@class,'cite__preview')]")
    preview.locator(".evidence-card__finding").wait_for(state="attached")  # copied by the script
    link.hover()
    assert preview.is_visible() and LABEL in text(preview) and FINDING in text(preview)
    page.screenshot(path=str(shots() / "preview-hover-390.png"))
    page.mouse.move(0, 0)
    link.focus()
    assert preview.is_visible() and LABEL in text(preview)
    # the link's accessible description (aria-describedby) is the reference entry, card included
    described = page.locator("#" + link.get_attribute("aria-describedby"))
    assert LABEL in text(described) and FINDING in text(described)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_tap_or_click_shows_the_card_in_the_popover(open_page, server, device):
    page = open_page(**(PHONE if device == "phone" else DESKTOP))
    page.goto(server + RESEARCH)
    link = page.locator('sup.cite a[href="#ref-abdallah2022"][aria-haspopup]').first
    link.wait_for(state="attached")  # enhanced by faq-citations.js, after the first paint
    link.scroll_into_view_if_needed()
    link.tap() if device == "phone" else link.click()
    popover = page.locator(".cite-popover")
    popover.wait_for(state="visible")
    assert LABEL in text(popover) and FINDING in text(popover)
    assert popover.locator(".evidence-card").count() == 1
    page.screenshot(path=str(shots() / f"popover-{device}.png"))


def test_the_desktop_margin_note_shows_the_card(open_page, server):
    page = open_page(**DESKTOP)
    page.goto(server + RESEARCH)
    note = page.locator("#cite-abdallah2022-1-preview")
    note.locator(".evidence-card__finding").wait_for(state="attached")
    note.scroll_into_view_if_needed()
    assert note.is_visible() and LABEL in text(note)


CHART_STYLE = """figure => {
    const circle = figure.querySelector('svg circle'), label = figure.querySelector('svg text');
    return {circle: getComputedStyle(circle).fill, text: getComputedStyle(label).fill,
            width: figure.querySelector('svg').getBoundingClientRect().width,
            viewport: document.documentElement.clientWidth};
}"""


def chart_keys() -> list[str]:
    """The studies the article's ``::: evidence-chart`` block names, as its writer listed them."""
    text = (ROOT / "content" / "articles" / "what-the-research-shows.md").read_text(encoding="utf-8")
    block = re.search(r"^::: evidence-chart[^\n]*\n(.*?)^:::", text, re.M | re.S)
    return [key.strip() for key in block[1].replace("\n", ",").split(",") if key.strip()]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_chart_opens_the_trials_section_in_light_and_dark(open_page, server, width, scheme):
    page = open_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page.goto(server + RESEARCH)
    heading = page.locator("h2#the-main-studies")
    figure = page.locator("figure.evidence-chart")
    assert figure.evaluate("(f, h) => f.previousElementSibling === h", heading.element_handle())
    svg = figure.locator("svg[role=img]")
    assert svg.is_visible()
    studies = len(chart_keys())
    assert studies >= 6 and svg.locator("g").count() == studies, "one mark per study"
    words = svg.locator("g text").all_text_contents()
    assert any("158 people" in w and "no clear" in w and "difference" in w for w in words)
    style = figure.evaluate(CHART_STYLE)
    dark = scheme == "dark"
    assert style["circle"] == ("rgb(140, 196, 255)" if dark else "rgb(11, 87, 164)")  # the theme's --link
    assert style["text"] == ("rgb(236, 239, 241)" if dark else "rgb(27, 27, 27)")  # currentColor: --text
    assert 0 < style["width"] <= style["viewport"]
    figure.locator("summary").click()
    rows = figure.locator("table tbody tr")
    assert rows.count() == studies and "Abdallah 2022" in figure.locator("table").inner_text()
    figure.screenshot(path=str(shots() / f"chart-{width}-{scheme}.png"))


def test_the_chart_prints_in_black_with_its_table(open_page, server):
    page = open_page(**DESKTOP)
    page.goto(server + RESEARCH)
    page.emulate_media(media="print")
    figure = page.locator("figure.evidence-chart")
    assert figure.locator("svg[role=img]").is_visible()
    assert figure.evaluate(CHART_STYLE)["circle"] == "rgb(0, 0, 0)"
