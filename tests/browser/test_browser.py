"""The real site in a real browser (Playwright driving the system Chromium).

What only a browser can tell: that keyboard users can skip the navigation, open FAQ answers,
follow a citation and come back, that nothing scrolls sideways on a small
phone, and that the dark and print styles apply. Every page is checked where
the check is cheap; behaviour is checked on the pages that have the markup. (That every
page loads without errors or other origins is read from the one tour of every page,
test_tour.py, with axe.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support import html_pages, page_urls, soup, url_path

pytestmark = pytest.mark.browser

CITATION = 'sup a[href^="#ref-"]'
FAQ_QUESTION = ".faq details > summary"


def pages_matching(site: Path, selector: str) -> list[str]:
    return [url_path(site, path) for path in html_pages(site) if soup(path).select_one(selector)]


def first_article(site: Path) -> str:
    articles = pages_matching(site, "article.article:not(.article--page)")
    assert articles, "no article page in the built site"
    return articles[0]


def active(page) -> dict:
    """Describes document.activeElement: tag, id, classes, and whether it matches a selector."""
    return page.evaluate("""() => {
        const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className,
                text: (e.textContent || "").trim().slice(0, 40)};
    }""")


@pytest.mark.parametrize("which", ["home", "article", "404"])
def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page, server, site, which):
    path = {"home": "/", "article": first_article(site), "404": "/404.html"}[which]
    page.goto(server + path)
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const e = document.activeElement, r = e.getBoundingClientRect();
        return {cls: e.className, href: e.getAttribute("href"), top: r.top, bottom: r.bottom,
                visible: e.checkVisibility({opacityProperty: true, visibilityProperty: true})};
    }""")
    assert focused["cls"] == "skip-link", f"first Tab stop is {focused}, not the skip link"
    assert focused["visible"] and focused["top"] >= 0 and focused["bottom"] <= 900, (
        f"the focused skip link is not on screen: {focused}"
    )
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#main-content'")
    now = active(page)
    assert (now["tag"], now["id"]) == ("main", "main-content"), f"focus after the skip link: {now}"
    page.keyboard.press("Tab")
    inside = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert inside, f"the next Tab after skipping left main: {active(page)}"


def test_faq_questions_open_and_close_with_enter_and_space(page, server, site):
    faq_pages = pages_matching(site, FAQ_QUESTION)
    assert faq_pages, (
        f"no page has FAQ markup ({FAQ_QUESTION}): the faq_citations plugin "
        "and articles with ::: faq blocks are expected"
    )
    problems = []
    for path in faq_pages:
        page.goto(server + path)
        summary = page.locator(FAQ_QUESTION).first
        summary.focus()

        def is_open(summary=summary):
            return summary.evaluate("s => s.parentElement.open")

        def answer_visible(summary=summary):
            return summary.evaluate(
                """s => [...s.parentElement.children].filter(c => c !== s)
                         .some(c => c.checkVisibility() && c.getBoundingClientRect().height > 0)"""
            )

        if is_open():
            problems.append(f"{path}: the first question starts open")
            continue
        for key in ("Enter", "Space"):
            page.keyboard.press(key)
            if not (is_open() and answer_visible()):
                problems.append(f"{path}: {key} does not open the question and show its answer")
            page.keyboard.press(key)
            if is_open() or answer_visible():
                problems.append(f"{path}: {key} again does not close the question")
    assert not problems, "\n".join(problems)


def _citation_pages(site):
    pages = pages_matching(site, CITATION)
    assert pages, (
        f"no page has citations ({CITATION}): the faq_citations plugin renders [@key] "
        "as a superscript link to #ref-..."
    )
    return pages


def test_following_a_citation_and_its_back_link_moves_focus_there_and_back(page, server, site):
    problems = []
    for path in _citation_pages(site):
        page.goto(server + path)
        citation = page.locator(CITATION).first
        # faq-citations.js loads after the first paint and marks the links it enhances
        page.locator(CITATION + "[aria-haspopup]").first.wait_for(state="attached")
        citation.scroll_into_view_if_needed()
        target = citation.get_attribute("href")[1:]
        citation.focus()
        page.keyboard.press("Enter")
        # With script, Enter opens the preview in place; its "Go to reference list"
        # link follows the citation (tests/test_reader_page.py covers the preview).
        more = page.locator(".cite-popover:popover-open .cite-popover__more a")
        more.wait_for(timeout=2000)
        more.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("id => location.hash === '#' + id", arg=target)
        reached = page.evaluate(
            """id => {
            const t = document.getElementById(id), e = document.activeElement;
            return !!t && (t === e || t.contains(e));
        }""",
            target,
        )
        if not reached:
            problems.append(f"{path}: following {CITATION} to #{target} leaves focus on {active(page)}")
            continue
        # The back-link in the reference that points at this very citation (or its <sup>).
        back = citation.evaluate(
            """(link, id) => {
            const ref = document.getElementById(id);
            for (const a of ref.querySelectorAll('a[href^="#"]')) {
                const spot = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
                if (spot && (spot === link || spot.contains(link))) return a.getAttribute('href');
            }
            return null;
        }""",
            target,
        )
        if not back:
            problems.append(
                f"{path}: reference #{target} has no back-link to the citation it was reached from"
            )
            continue
        page.locator(f'#{target} a[href="{back}"]').first.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("h => location.hash === h", arg=back)
        returned = citation.evaluate("""link => {
            const e = document.activeElement, r = link.getBoundingClientRect();
            return {focused: e === link || e.contains(link),
                    onScreen: r.bottom > 0 && r.top < window.innerHeight};
        }""")
        if not returned["focused"]:
            problems.append(
                f"{path}: the back-link {back} leaves focus on {active(page)}, not on the citation"
            )
        if not returned["onScreen"]:
            problems.append(f"{path}: after the back-link {back} the citation is off screen")
    assert not problems, "\n".join(problems)


PREVIEWS_SHOWN = """(citation, snippet) => {
    const ref = document.getElementById(citation.getAttribute('href').slice(1));
    const shown = [];
    for (const e of document.body.querySelectorAll('*')) {
        if (ref.contains(e) || e.contains(ref)) continue;
        const text = (e.textContent || '').replace(/\\s+/g, ' ');
        if (!text.includes(snippet)) continue;
        const inChild = c => (c.textContent || '').replace(/\\s+/g, ' ').includes(snippet);
        if ([...e.children].some(inChild)) continue;
        const r = e.getBoundingClientRect();
        const visible = e.checkVisibility({opacityProperty: true, visibilityProperty: true});
        if (visible && r.width > 10 && r.height > 10)
            shown.push({top: r.top, bottom: r.bottom});
    }
    return shown;
}"""


def test_reference_preview_shows_on_keyboard_focus(open_page, server, site):
    # Below the desktop width: there the references already sit in the margin.
    page = open_page(viewport={"width": 800, "height": 900})
    path = _citation_pages(site)[0]
    page.goto(server + path)
    first = page.locator(CITATION).first
    snippet = first.evaluate("""link => {
        const ref = document.getElementById(link.getAttribute('href').slice(1)).cloneNode(true);
        ref.querySelectorAll('a[href^="#"]').forEach(a => a.remove());
        return ref.textContent.replace(/\\s+/g, ' ').trim().slice(0, 25);
    }""")
    assert len(snippet) >= 10, f"reference text too short to recognise: {snippet!r}"
    before = first.evaluate(PREVIEWS_SHOWN, snippet)
    assert not before, f"the preview of {snippet!r} is visible before the citation has focus"
    for _ in range(300):  # reach the citation the way a keyboard user does
        page.keyboard.press("Tab")
        if first.evaluate("link => document.activeElement === link"):
            break
    else:
        pytest.fail(f"{path}: the first citation cannot be reached with Tab")
    after = first.evaluate(PREVIEWS_SHOWN, snippet)
    box = first.bounding_box()
    assert after, f"{path}: no preview containing {snippet!r} shows when the citation has keyboard focus"
    assert any(abs(shown["top"] - box["y"]) < 400 for shown in after), (
        f"{path}: the preview is not next to the citation ({after} vs {box})"
    )


def test_no_horizontal_scrolling_at_320px(open_page, server, site):
    page = open_page(viewport={"width": 320, "height": 640})
    wide = []
    for path in page_urls(site):
        page.goto(server + path)
        width = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if width[0] > width[1]:
            culprit = page.evaluate("""() => {
                const w = document.documentElement.clientWidth;
                const e = [...document.body.querySelectorAll('*')]
                    .filter(e => e.getBoundingClientRect().right > w + 1).pop();
                return e ? e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') : '?';
            }""")
            wide.append(f"{path}: {width[0]}px wide in a 320px viewport (e.g. {culprit})")
    assert not wide, "\n".join(wide)


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("which", ["home", "article"])
def test_dark_mode_applies(open_page, server, site, which):
    path = "/" if which == "home" else first_article(site)
    colours = {}
    for scheme in ("light", "dark"):
        page = open_page(color_scheme=scheme)
        page.goto(server + path)
        colours[scheme] = page.evaluate(
            "() => { const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]; }"
        )
    (light_bg, light_text), (dark_bg, dark_text) = colours["light"], colours["dark"]
    assert _luminance(light_bg) > 0.8 and _luminance(light_text) < 0.2, colours
    assert _luminance(dark_bg) < 0.1 and _luminance(dark_text) > 0.6, colours


def test_print_stylesheet_hides_navigation_and_shows_link_targets(page, server, site):
    path = first_article(site)
    page.goto(server + path)
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.site-nav', '.skip-link', '.breadcrumbs', '.share']
        .filter(s => document.querySelector(s))
        .map(s => [s, document.querySelector(s).checkVisibility()])""")
    assert hidden and all(not visible for _, visible in hidden), f"shown in print: {hidden}"
    targets = page.evaluate("""() => [...document.querySelectorAll('.prose a[href]')]
        .filter(a => !a.getAttribute('href').startsWith('#'))
        .map(a => [a.getAttribute('href'), getComputedStyle(a, '::after').content])""")
    assert targets, f"{path} has no links in its text to print"
    missing = [href for href, after in targets if href not in after]
    assert not missing, f"printed without their targets: {missing}"
    page.emulate_media(media="screen")
    assert page.evaluate("() => document.querySelector('.site-nav').checkVisibility()")


SCREENSHOT_SIZES = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", sorted(SCREENSHOT_SIZES))
def test_screenshots_home_and_article(open_page, server, site, tmp_path_factory, width, scheme):
    """Full-page screenshots to look at (SCREENSHOT_DIR, or a temp folder printed with -s)."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    page = open_page(color_scheme=scheme, viewport=SCREENSHOT_SIZES[width])
    for name, path in (("home", "/"), ("article", first_article(site))):
        page.goto(server + path)
        target = folder / f"{name}-{width}-{scheme}.png"
        page.screenshot(path=str(target), full_page=True)
        print(target)
        layout = page.evaluate("""() => ({
            overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            h1: document.querySelectorAll('h1').length,
            mainLeft: document.querySelector('main').getBoundingClientRect().left})""")
        assert target.stat().st_size > 10_000, f"{target} is nearly empty"
        assert layout["overflow"] <= 0 and layout["h1"] == 1 and layout["mainLeft"] >= 0, (path, layout)


@pytest.mark.browser
def test_any_answer_is_two_clicks_from_the_home_page(page, server, site):
    """Home -> the FAQ page -> a question: the answer is open and on screen."""
    faq = soup(site / "faq" / "index.html")
    questions = faq.select('main a[href*="#"]')
    assert len(questions) >= 40
    page.goto(f"{server}/")
    page.locator('main a[href="/faq/"]').first.click()
    page.wait_for_url(f"{server}/faq/")
    link = page.locator('main a[href*="#"]').nth(len(questions) // 2)
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    page.wait_for_url(f"**#{target}")
    details = page.locator(f'details[id="{target}"]')
    assert details.evaluate("d => d.open") is True
    answer = details.locator(":scope > :not(summary)").first
    assert answer.is_visible()
    assert page.console_errors == []
