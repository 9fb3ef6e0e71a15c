"""inline_styles.purge: a page keeps every rule it or the site's scripts can match, and
only those; inline_styles.purged_page keeps the page's CSP hash true to what is left."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from inline_styles import csp_hash, minify, purged_page
from inline_styles.purge import present_in, used_css

PAGE = '<main class="prose" id="main"><p>Text <a href="#x">link</a></p><details open></details></main>'


def test_rules_for_absent_classes_ids_and_elements_go():
    css = ".prose{a:1}.cards{a:2}#main{a:3}#nowhere{a:4}p a{a:5}table td{a:6}"
    assert used_css(css, present_in(PAGE)) == ".prose{a:1}#main{a:3}p a{a:5}"


def test_only_the_matching_selectors_of_a_list_stay():
    assert used_css(".cards,.prose>p,li{a:1}", present_in(PAGE)) == ".prose>p{a:1}"


@pytest.mark.parametrize("selector", [
    ".prose:hover", "a:focus-visible", "main>details[open]", "p:not(.cards)",
    "main:has(.cards)", ":root", "*,*::before", "a[aria-current=\"page\"]", "p::first-line",
])
def test_states_attributes_and_pseudo_arguments_never_drop_a_rule(selector):
    css = selector + "{a:1}"
    assert used_css(css, present_in(PAGE)) == css


def test_a_class_only_a_script_makes_is_kept():
    css = ".cite-popover__close{a:1}.is-anchored{a:2}.unused{a:3}"
    scripts = 'el.className = "cite-popover__close"; popover.classList.toggle("is-anchored", wide);'
    assert used_css(css, present_in(PAGE, scripts)) == ".cite-popover__close{a:1}.is-anchored{a:2}"


def test_media_blocks_are_purged_inside_and_dropped_when_empty_other_at_rules_stay():
    css = ('@media (min-width:48em){.prose{a:1}.cards{a:2}}@media print{.cards{a:3}}'
           '@font-face{font-family:x}@import "x.css";')
    assert used_css(css, present_in(PAGE)) == ('@media (min-width:48em){.prose{a:1}}'
                                               '@font-face{font-family:x}@import "x.css";')


def test_braces_and_commas_inside_strings_do_not_split_rules():
    css = '.prose::before{content:"}{,"}.cards{content:"{"}'
    assert used_css(css, present_in(PAGE)) == '.prose::before{content:"}{,"}'


def _hash(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_purged_page_updates_the_csp_hash_to_the_text_left():
    css = ".prose{a:1}.cards{a:2}"
    html = (f'<html><head><meta http-equiv="Content-Security-Policy" content="style-src '
            f'{csp_hash(css)}"><style>{css}</style></head><body>{PAGE}</body></html>')
    out = purged_page(html, "")
    style = re.search(r"<style>(.*?)</style>", out)[1]
    assert style == ".prose{a:1}"
    assert f"sha256-{_hash(style)}" in out and f"sha256-{_hash(css)}" not in out


def test_a_style_the_policy_does_not_list_is_left_alone():
    html = f'<html><head><style>.cards{{a:1}}</style></head><body>{PAGE}</body></html>'
    assert purged_page(html, "") == html


def test_names_in_comments_scripts_and_styles_are_not_elements():
    page = ('<!-- <div class="in-comment" id="c"> --><script>var s = "<b class=\'in-script\'>";</script>'
            '<style>.in-style{}</style><p class="Real two" id="r">x</p>')
    present = present_in(page)
    assert present.classes == {"Real", "two"}
    assert present.ids == {"r"}
    assert {"p", "script", "style", "html", "head", "body"} <= present.tags
    assert "div" not in present.tags and "b" not in present.tags


def test_upper_case_tags_entities_and_bare_attributes_read_as_html_does():
    present = present_in('<SECTION CLASS="a&amp;b  c" ID=x>'
                         '<svg><linearGradient id></linearGradient></svg></SECTION>')
    assert present.classes == {"a&b", "c"}
    assert present.ids == {"x"}  # an empty id names nothing
    assert {"section", "svg", "lineargradient"} <= present.tags


@pytest.mark.parametrize("page", ["", "   \n", "<!-- only a comment -->", "plain text, no tags"])
def test_a_page_without_elements_keeps_only_the_document_rules(page):
    css = "html{a:1}body{a:2}p{a:3}.x{a:4}"
    assert used_css(css, present_in(page)) == "html{a:1}body{a:2}"


def test_the_result_is_cached_by_the_names_the_css_needs_only():
    from inline_styles import purge

    css = ".prose{a:1}.cards{a:2}#main{a:3}p a{a:5}table td{a:6}"
    purge._used_for.cache_clear()
    first = used_css(css, present_in('<main class="prose" id="main"><p><a id="ref-1">x</a></p></main>'))
    again = used_css(css, present_in('<main class="prose other" id="main"><p><a id="ref-2">y</a></p></main>'))
    assert first == again == ".prose{a:1}#main{a:3}p a{a:5}"
    assert purge._used_for.cache_info().hits == 1  # ids and classes no rule names are not the key
    # A name a rule needs is part of the key: never a stale answer.
    assert used_css(css, present_in('<div class="cards"><table><td>1</td></table></div>')) == (
        ".cards{a:2}table td{a:6}")
    assert used_css(css, present_in('<p class="prose"><a>x</a></p>')) == ".prose{a:1}p a{a:5}"
    assert purge._used_for.cache_info().misses == 3


def test_names_inside_media_blocks_are_part_of_the_key():
    css = "@media (min-width:48em){.wide{a:1}}.prose{a:2}"
    assert used_css(css, present_in('<p class="prose">x</p>')) == ".prose{a:2}"
    assert used_css(css, present_in('<p class="prose wide">x</p>')) == css


def test_minify_drops_spaces_after_colons_but_not_in_strings_or_before_a_pseudo_class():
    css = """/* note */
    .a :hover { color:  red; }
    @media (min-width: 48em) { .b::before { content: "x: y"; margin: 0 .5rem; } }
    .c::after { content: ' (' attr(href) ': ' ; }
    """
    assert minify(css) == (
        '.a :hover{color:red}@media (min-width:48em){.b::before{content:"x: y";margin:0 .5rem}}'
        ".c::after{content:' (' attr(href) ': '}"
    )
