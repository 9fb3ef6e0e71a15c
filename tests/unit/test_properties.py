"""Hypothesis: any mix of the syntax and ordinary Markdown either renders or
fails with one FaqCitationsError; text without the syntax renders exactly as
plain Python-Markdown renders it."""

from __future__ import annotations

import re

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pelican.plugins.faq_citations import FaqCitationsError, FaqCitationsExtension

EXTENSIONS = ["extra", "toc", "sane_lists"]
FRAGMENTS = [
    "::: faq",
    '::: faq "Title"',
    ":::",
    "::: fqa",
    "### Question?",
    "## Heading",
    "# Title",
    "[@key]",
    "[@a; @b]",
    "[@key, p. 12]",
    "[@",
    "@handle",
    "me@example.org",
    "```",
    "~~~",
    "    indented code",
    "> quote",
    "- item",
    "1. item",
    "`code [@x]`",
    "<div>",
    "</div>",
    "Plain text.",
    "Ünïcödé “quotes” 日本語 ✓",
    "",
    "",
    "\t",
    "{#id}",
    "\\[@escaped]",
    "::::",
]
lines = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=25)
SYNTAX = re.compile(r"^ {0,3}:::|\[\s*@", re.M)
FENCE = re.compile(r"^(`{3,}|~{3,})", re.M)


def convert(text: str) -> str:
    return markdown.Markdown(extensions=[*EXTENSIONS, FaqCitationsExtension()]).convert(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines)
def test_any_mix_renders_or_raises_faq_citations_error(parts):
    text = "\n".join(parts)
    try:
        convert(text)
    except FaqCitationsError as error:
        # Lines as editors and Python's universal newlines count them (a lone \r ends a line).
        assert error.line is None or 1 <= error.line <= max(1, len(text.splitlines()) + 1)
        assert "\n" not in str(error)


CODE_FENCED = st.builds(
    lambda body: "```\n" + "\n".join(body) + "\n```",
    st.lists(st.sampled_from(["::: faq", ":::", "### Q?", "[@key]", "[@a; @b]", "text"]), max_size=5),
)
PLAIN_LINE = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30).filter(
    lambda s: not SYNTAX.search(s) and not FENCE.search(s) and "`" not in s
)
BLOCKS = st.one_of(
    PLAIN_LINE,
    CODE_FENCED,
    st.sampled_from(
        [
            "## Heading",
            "### Question?",
            "- item",
            "me@example.org @handle",
            "`[@key]` in code",
            "    ::: faq indented",
            "",
        ]
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(BLOCKS, max_size=12))
def test_text_without_the_syntax_renders_as_plain_markdown(blocks):
    text = "\n\n".join(blocks)
    assert convert(text) == markdown.Markdown(extensions=EXTENSIONS).convert(text)
