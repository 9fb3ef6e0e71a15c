"""Error line numbers (source_lines.py): the line in the writer's file, through the
metadata header, stashed code and raw HTML, and for citations that span lines."""

from __future__ import annotations

import difflib
import json
from types import SimpleNamespace

import markdown
import pytest
from pelican.plugins.faq_citations import FaqCitationsError, FaqCitationsExtension, source_lines

ITEMS = [{"id": "feder2014", "type": "article-journal", "title": "K", "issued": {"date-parts": [[2014]]}}]


@pytest.fixture(scope="module")
def bib_path(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("bib") / "refs.json"
    path.write_text(json.dumps(ITEMS), encoding="utf-8")
    return str(path)


def line_of(bib_path: str, source: str, extensions=("extra", "toc", "sane_lists", "meta")) -> int | None:
    md = markdown.Markdown(extensions=[*extensions, FaqCitationsExtension(bibliography=bib_path)])
    with pytest.raises(FaqCitationsError) as caught:
        md.convert(source)
    return caught.value.line


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("[@nope]", 1),
        ("a\n\n\n\n[@nope]", 5),
        ("```\ncode\n```\n[@nope]", 4),  # right after a fenced block
        ("[@nope]\n```\ncode\n```", 1),  # right before one
        ("```\na\n```\n```\nb\n```\n\n[@nope]", 8),  # after two
        ("Title: x\nSummary: y\n\n    code\n    more\n\n[@nope]", 7),  # header and indented code
        ("<div>\nraw\n</div>\n\n[@nope]", 5),  # after raw HTML
        ("Text\n[@feder2014;\n@nope] end", 2),  # a citation over two lines: where it starts
        ("A\n\nB [@feder2014\n@nope].", 3),
        ("Title: x\n\n```\na\n```\n::: fqa\n", 6),  # a fence after code and a header
        ("Title: x\n\n::: faq\n### Q?\n```\n:::\n```\n### R?\n:::", 8),  # ':::' hidden in an answer's code
    ],
    ids=["first", "blank-lines", "after-code", "before-code", "after-two-codes", "header-and-indented-code",
         "after-raw-html", "citation-over-two-lines", "malformed-over-two-lines", "fence-after-code",
         "fence-inside-code"],
)
def test_error_names_the_line_in_the_file(bib_path, source, line):
    assert line_of(bib_path, source) == line


def test_line_without_the_extra_extensions(bib_path):
    assert line_of(bib_path, "x\n```\ncode\n```\n[@nope]", extensions=()) == 5


def test_line_in_a_header_only_document_counts_the_header(bib_path):
    assert line_of(bib_path, "Title: x\nSummary: y\nAuthor: z\n\n\n[@nope]") == 6


# -- source_line alone, on the lines the extension keeps ------------------


def lines(body, parsed, offset=0):
    """What the extension keeps of a document: the body after the header (``offset`` lines)
    and the lines the fence preprocessor saw (code stashed)."""
    return SimpleNamespace(body_lines=body, parsed_lines=parsed, body_offset=offset, line_diff=None)


def test_a_line_right_after_stashed_code_maps_back_past_the_code():
    ext = lines(["a", "```", "x", "```", "b"], ["a", "\x02wzxhzdk:0\x03", "b"], offset=2)
    assert [source_lines.source_line(ext, index) for index in (0, 2)] == [3, 7]


def test_mapping_treats_no_line_as_junk_in_a_long_document():
    """difflib's autojunk would call a line that fills 1 % of a long document junk and match
    nothing; each of these 250 identical lines still maps to itself after the code block."""
    ext = lines(["```", "code", "```", *["same"] * 250], ["\x02wzxhzdk:0\x03", *["same"] * 250])
    assert source_lines.source_line(ext, 100) == 103


def test_an_unknown_key_over_two_lines_names_the_line_of_its_key(bib_path):
    """The citation starts on line 2 but its key is on line 3: the error names the key's line."""
    assert line_of(bib_path, "\nx [see\n@nope] y\n") == 3


def test_a_line_right_after_a_blank_first_line_counts_the_blank(bib_path):
    assert line_of(bib_path, "\n\nx [@nope] y\n") == 3


# -- one diff per document ------------------------------------------------

RAW_HTML_TWICE = "<div>\nraw\n</div>\n\n[@nope]\n\n<div>\nmore\nraw\n</div>\n\nText [@gone] and [@lost].\n"


def lines_of(bib_path: str, source: str, md=None) -> list[int | None]:
    md = md or markdown.Markdown(extensions=["extra", "meta", FaqCitationsExtension(bibliography=bib_path)])
    with pytest.raises(FaqCitationsError) as caught:
        md.convert(source)
    return [error.line for error in caught.value.errors]


def test_every_mistake_after_raw_html_names_its_own_line(bib_path):
    assert lines_of(bib_path, RAW_HTML_TWICE) == [5, 12, 12]


def test_the_next_document_is_mapped_afresh(bib_path):
    """The diff kept for one document is never used for the next one the same Markdown converts."""
    md = markdown.Markdown(extensions=["extra", "meta", FaqCitationsExtension(bibliography=bib_path)])
    assert lines_of(bib_path, RAW_HTML_TWICE, md) == [5, 12, 12]
    assert lines_of(bib_path, "<p>\none\ntwo\nthree\n</p>\n\n[@nope]\n", md.reset()) == [7]


def test_a_document_is_diffed_once_however_many_citations_it_has(bib_path, monkeypatch):
    """Each citation asks for its line; the decision aid's one document has hundreds, after
    raw HTML, and each diff is quadratic in the document's length."""
    made = []

    class Counting(difflib.SequenceMatcher):
        def __init__(self, *args, **kwargs):
            made.append(1)
            super().__init__(*args, **kwargs)

    # source_lines' own difflib only: "did you mean" suggestions make matchers of their own
    monkeypatch.setattr(source_lines, "difflib", SimpleNamespace(SequenceMatcher=Counting))
    assert lines_of(bib_path, RAW_HTML_TWICE) == [5, 12, 12]
    assert len(made) == 1
