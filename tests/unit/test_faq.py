"""FAQ blocks alone (faq.py): one edge case per test, with the whole expected HTML,
as Python-Markdown's own tests do (tests/test_syntax/extensions/test_footnotes.py)."""

from __future__ import annotations

import json
import textwrap

import markdown
import pytest
from pelican.plugins.faq_citations import FaqCitationsError, FaqCitationsExtension
from pelican.plugins.faq_citations.faq import faq_jsonld, json_for_script

EXTENSIONS = ["extra", "toc", "sane_lists", "meta"]


def convert(source: str, **config) -> markdown.Markdown:
    md = markdown.Markdown(extensions=[*EXTENSIONS, FaqCitationsExtension(**config)])
    md.html = md.convert(textwrap.dedent(source))
    return md


def html(source: str, **config) -> str:
    return convert(source, **config).html


def error(source: str) -> tuple[int | None, str]:
    with pytest.raises(FaqCitationsError) as caught:
        convert(source)
    return caught.value.line, str(caught.value)


def block(title: str, slug: str, *questions: str) -> str:
    return f'<div class="faq">\n<h2 id="{slug}">{title}</h2>\n' + "".join(questions) + "</div>"


def details(question_id: str, question: str, answer: str) -> str:
    return f'<details id="{question_id}">\n<summary>{question}</summary>\n{answer}\n</details>\n'


DEFAULT = ("Frequently asked questions", "frequently-asked-questions")


# -- the fence -------------------------------------------------------------------------


def test_one_question():
    assert html("::: faq\n### Q?\nA.\n:::") == block(*DEFAULT, details("q", "Q?", "<p>A.</p>"))


def test_title_in_straight_quotes():
    assert html('::: faq "Paying for it"\n### Q?\nA.\n:::') == block(
        "Paying for it", "paying-for-it", details("q", "Q?", "<p>A.</p>"))


def test_title_in_curly_quotes():
    assert html("::: faq \u201cPaying for it\u201d\n### Q?\nA.\n:::") == block(
        "Paying for it", "paying-for-it", details("q", "Q?", "<p>A.</p>"))


def test_title_and_closing_colons_on_the_opening_line():
    assert html('::: faq "T" :::\n### Q?\nA.\n:::') == block("T", "t", details("q", "Q?", "<p>A.</p>"))


def test_class_form_of_the_block_name():
    assert html('::: {.faq} "T"\n### Q?\nA.\n:::') == block("T", "t", details("q", "Q?", "<p>A.</p>"))


def test_block_name_in_any_case_and_longer_fences():
    assert html("::::: FAQ\n### Q?\nA.\n:::::") == block(*DEFAULT, details("q", "Q?", "<p>A.</p>"))


def test_fence_indented_up_to_three_spaces():
    assert html("   ::: faq\n### Q?\nA.\n   :::") == block(*DEFAULT, details("q", "Q?", "<p>A.</p>"))


def test_fence_indented_four_spaces_is_code():
    assert "<pre><code>::: faq" in html("Text.\n\n    ::: faq\n    ### Q?\n    :::\n")


def test_configured_default_title():
    assert html("::: faq\n### Q?\nA.\n:::", faq_title="Questions") == block(
        "Questions", "questions", details("q", "Q?", "<p>A.</p>"))


# -- questions -------------------------------------------------------------------------


def test_closing_hashes_of_a_question_are_dropped():
    assert html("::: faq\n### Q? ###\nA.\n:::") == block(*DEFAULT, details("q", "Q?", "<p>A.</p>"))


def test_a_deeper_heading_is_not_a_question():
    assert html("::: faq\n#### Note\n### Q?\nA.\n:::") == block(
        *DEFAULT, '<h4 id="note">Note</h4>\n', details("q", "Q?", "<p>A.</p>"))


def test_answer_of_several_blocks():
    md = convert("::: faq\n### Q?\nOne.\n\nTwo *b*.\n\n- item\n:::")
    answer = "<p>One.</p>\n<p>Two <em>b</em>.</p>\n<ul>\n<li>item</li>\n</ul>"
    assert md.html == block(*DEFAULT, details("q", "Q?", answer))
    assert md.faq_items[0]["answer"] == "One.\nTwo b.\nitem"


def test_question_without_letters_gets_a_numbered_id():
    assert html("::: faq\n### ?\nA.\n:::") == block(*DEFAULT, details("question-1", "?", "<p>A.</p>"))


def test_two_blocks_on_a_page_keep_ids_unique():
    md = convert("::: faq\n### Q?\nA.\n:::\n\n::: faq\n### Q?\nB.\n:::")
    assert md.html == (block(*DEFAULT, details("q", "Q?", "<p>A.</p>")) + "\n"
                       + block("Frequently asked questions", "frequently-asked-questions_1",
                               details("q_1", "Q?", "<p>B.</p>")))
    assert [item["id"] for item in md.faq_items] == ["q", "q_1"]


# -- mistakes, each with its line ----------------------------------------------------


def test_empty_question():
    assert error("Intro.\n\n::: faq\n### \n\nA.\n:::") == (
        4, "an FAQ question is empty; write the question after '### '")


def test_question_with_only_a_custom_id_is_empty():
    assert error("::: faq\n### {#x}\nA.\n:::") == (
        2, "an FAQ question is empty; write the question after '### '")


def test_question_directly_followed_by_another():
    assert error("::: faq\n### One?\n### Two?\nB.\n:::") == (
        2, "the FAQ question 'One?' has no answer; write the answer below the question")


def test_empty_title_in_quotes():
    assert error('::: faq ""\n### Q?\nA.\n:::') == (
        1, "write the FAQ title in double quotes, e.g. '::: faq \"\"'")


def test_unknown_class_form():
    assert error("::: {.faqs}\n### Q?\nA.\n:::") == (
        1, "unknown block type 'faqs' after ':::'; known types: 'faq'")


def test_a_title_without_a_block_name():
    assert error('::: "Questions"\n### Q?\nA.\n:::') == (
        1, "unknown block type '\"Questions\"' after ':::'; known types: 'faq'")


def test_an_answer_of_one_capital_letter():
    assert html("::: faq\n### Q?\nX\n:::") == block(*DEFAULT, details("q", "Q?", "<p>X</p>"))


def test_an_ampersand_that_is_no_entity_stays_as_typed_in_the_answer():
    assert convert("::: faq\n### Q?\nFish &amp chips\n:::").faq_items[0]["answer"] == "Fish &amp chips"


def test_two_mistakes_report_the_first():
    assert error("::: faq\n### \n### Q?\n:::")[0] == 2


# -- JSON-LD ---------------------------------------------------------------------------


def test_jsonld_is_one_faqpage_with_its_keys():
    data = json.loads(convert("::: faq\n### Q?\nA.\n:::").faq_jsonld)
    assert data == {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": "Q?", "acceptedAnswer": {"@type": "Answer", "text": "A."}},
        ],
    }


def test_jsonld_answer_is_plain_text_from_escapes_and_inline_html():
    md = convert("::: faq\n### Is `a<b` *fine*?\nA <b>bold</b> \\* star &amp; x.\n:::")
    entity = json.loads(md.faq_jsonld)["mainEntity"][0]
    assert entity["name"] == "Is a<b fine?"
    assert entity["acceptedAnswer"]["text"] == "A bold * star & x."


def test_jsonld_of_no_questions_is_empty():
    assert faq_jsonld([]) == ""


def test_json_for_script_escapes_what_could_end_or_break_a_script():
    text = json_for_script({"k": "</script> & <!-- \u2028 \u2029 é"})
    assert text == '{"k":"\\u003c/script\\u003e \\u0026 \\u003c!-- \\u2028 \\u2029 é"}'
    assert json.loads(text) == {"k": "</script> & <!-- \u2028 \u2029 é"}


def test_question_with_inline_html_is_plain_text_in_the_items():
    md = convert("::: faq\n### Is <abbr>PTSD</abbr> common?\nYes.\n:::")
    assert md.faq_items == [{"id": "is-ptsd-common", "question": "Is PTSD common?", "answer": "Yes."}]


@pytest.mark.parametrize("heading", ["## A section", "# Title", "  ## Indented", "##"])
def test_a_section_heading_inside_an_faq_block_is_an_error_at_its_line(heading):
    hashes = heading.strip().split()[0]
    text = heading.strip()[len(hashes):].strip()
    assert error(f"::: faq\n### Q?\nA.\n\n{heading}\n\nMore.\n:::") == (
        5, f"a '{hashes}' heading inside an FAQ block ({text!r}); an answer cannot start a section: "
           "write '### ' for a question, or close the block with ':::' before the heading")


def test_hashes_in_an_answer_code_block_and_after_the_block_are_not_headings():
    assert "<h2" not in html("::: faq\n### Q?\n```\n## not a heading\n```\n:::").split("</h2>", 1)[1]
    assert '<h2 id="after">After</h2>' in html("::: faq\n### Q?\nA.\n:::\n\n## After\n")
