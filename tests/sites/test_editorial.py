"""Review metadata (plugins/editorial): each mistake is one line naming file and line.

The rule itself is a pure function (``review_dates``, tested alone below); the
fixture-site builds (in-process, the fixture settings with the editorial plugin added)
check that the receiver reports each problem on the right line of the right file, all
of them in one run. That an overdue review (a warning) fails `make publish` is
tools/build.py's --fatal warnings, tested through `make publish` in
tests/tools/test_bad_input.py."""

from __future__ import annotations

import datetime as dt
import os
import re
import textwrap

import pytest

from editorial import add_months
from editorial.frontmatter import header_entries, header_fields
from editorial.review import Problem, review_dates
from editorial.strict import category_problem, field_problems
from support import build_in_process, copy_site, error_lines

ARTICLE = """\
Title: Review test
Date: 2026-03-01
Category: Safety
Summary: A test article.
Author: Editorial team
{extra}
Text.
"""


def write_article(content_dir, extra: str, name="review-test.md"):
    path = content_dir / "articles" / name
    path.write_text(ARTICLE.format(extra=textwrap.dedent(extra).strip() + "\n"), encoding="utf-8")
    return path


@pytest.fixture
def content(tmp_path):
    return copy_site("minimal", tmp_path)


def build_with_editorial(content, output, today="2026-04-01", **settings):
    """The fixture settings with the editorial plugin added, built in-process."""
    plugins = ["editorial", "pelican.plugins.faq_citations", "inline_styles"]
    return build_in_process(content, output, PLUGINS=plugins, EDITORIAL_TODAY=today, **settings)


def test_valid_review_metadata_builds_and_defaults_next_review(content, tmp_path):
    write_article(content, "Reviewer: Editorial team\nLast_reviewed: 2026-03-03")
    result = build_with_editorial(content, tmp_path / "out")
    assert result.exception is None and result.errors == [], result.stderr
    html = (tmp_path / "out" / "review-test" / "index.html").read_text()
    assert "Next review due" in html and "March 2027" in html


REVIEW_MISTAKES = {  # article: (front matter after Author, line of the mistake, what the line says)
    "impossible-date": ("Reviewer: Editorial team\nLast_reviewed: 2026-02-30", 7,
                        "Last_reviewed: '2026-02-30' is not a date"),
    "wrong-format": ("Reviewer: Editorial team\nLast_reviewed: 3 March 2026", 7, "write it as YYYY-MM-DD"),
    "future": ("Reviewer: Editorial team\nLast_reviewed: 2026-05-01", 7,
               "Last_reviewed 2026-05-01 is in the future"),
    "next-before-last": ("Reviewer: Editorial team\nLast_reviewed: 2026-03-03\nNext_review: 2026-01-01", 8,
                         "Next_review 2026-01-01 must come after Last_reviewed 2026-03-03"),
    "no-reviewer": ("Last_reviewed: 2026-03-03", 1, "missing 'Reviewer' in the front matter"),
    "no-last-reviewed": ("Reviewer: Editorial team", 1, "missing 'Last_reviewed' in the front matter"),
}


def test_every_review_mistake_is_one_error_line_on_its_line(content, tmp_path):
    for name, (extra, _, _) in REVIEW_MISTAKES.items():
        write_article(content, extra, name=f"{name}.md")
    result = build_with_editorial(content, tmp_path / "out")
    assert "Traceback" not in result.stderr and result.exception is None
    errors = result.errors
    assert len(errors) == len(REVIEW_MISTAKES), result.stderr
    for name, (_, line, message) in REVIEW_MISTAKES.items():
        [error] = [e for e in errors if f"articles/{name}.md:" in e]
        assert re.match(rf"^\S*articles/{name}\.md:{line}: error: ", error), error
        assert message in error


def test_overdue_review_is_a_warning_not_an_error(content, tmp_path):
    write_article(content, "Reviewer: Editorial team\nLast_reviewed: 2025-01-01")
    result = build_with_editorial(content, tmp_path / "out", today="2026-04-01")
    assert result.returncode == 0 and result.errors == [], result.stderr
    overdue = [line for line in result.warnings if "review-test.md" in line]
    assert len(overdue) == 1, result.stderr
    assert "review-test.md:7: warning: review overdue: Next_review was 2026-01-01" in overdue[0]


def test_header_fields_keeps_lines_and_raw_values(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        'Title: A <b> & "c"\nSummary: first\n    continued\nLast_reviewed: 2026-01-01\n\nBody: no\n')
    fields = header_fields(str(path))
    assert fields["title"] == (1, 'A <b> & "c"')
    assert fields["summary"] == (2, "first continued")
    assert fields["last_reviewed"] == (4, "2026-01-01")
    assert "body" not in fields


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [(dt.date(2026, 3, 3), 12, dt.date(2027, 3, 3)), (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
     (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)), (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15))],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"last_reviewed": "2026-03-03"}, (dt.date(2026, 3, 3), dt.date(2027, 3, 3), [])),
        ({"last_reviewed": "2026-03-03", "next_review": "2026-09-01"},
         (dt.date(2026, 3, 3), dt.date(2026, 9, 1), [])),
        ({}, (None, None, [])),
        ({"last_reviewed": "3 March"}, (None, None, [Problem(
            "last_reviewed", "error",
            "Last_reviewed: '3 March' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-03")])),
        ({"last_reviewed": "2026-07-01"}, (dt.date(2026, 7, 1), dt.date(2027, 7, 1), [Problem(
            "last_reviewed", "error", "Last_reviewed 2026-07-01 is in the future (today is 2026-06-01)")])),
        ({"last_reviewed": "2026-03-03", "next_review": "2026-03-01"},
         (dt.date(2026, 3, 3), dt.date(2026, 3, 1), [Problem(
             "next_review", "error", "Next_review 2026-03-01 must come after Last_reviewed 2026-03-03")])),
        ({"last_reviewed": "2025-01-02"}, (dt.date(2025, 1, 2), dt.date(2026, 1, 2), [Problem(
            "last_reviewed", "warning",
            "review overdue: Next_review was 2026-01-02; review the page and update Last_reviewed")])),
        ({"last_reviewed": "2025-01-02", "next_review": "2026-05-01"},
         (dt.date(2025, 1, 2), dt.date(2026, 5, 1), [Problem(
             "next_review", "warning",
             "review overdue: Next_review was 2026-05-01; review the page and update Last_reviewed")])),
    ],
)
def test_review_dates_is_the_one_review_rule(meta, expected):
    assert review_dates(meta, TODAY, 12) == expected


@pytest.mark.parametrize("value", ["01/12/2026", "1 December 2026", "2026/12/01", "Dec 1, 2026", "2026-12-1"])
def test_a_date_not_in_iso_8601_is_an_error_naming_the_accepted_forms(content, tmp_path, value):
    path = write_article(content, "Reviewer: Editorial team\nLast_reviewed: 2026-03-03")
    path.write_text(path.read_text().replace("Date: 2026-03-01", f"Date: {value}"), encoding="utf-8")
    result = build_with_editorial(content, tmp_path / "out")
    assert result.returncode == 1
    errors = error_lines(result.stderr)
    assert len(errors) == 1, result.stderr
    assert re.match(r"^\S*articles/review-test\.md:2: error: Date: ", errors[0]), errors[0]
    assert "YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DDTHH:MM:SS+00:00 (ISO 8601)" in errors[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["2026-03-01", "2026-03-01 10:30", "2026-03-01T10:30:00+01:00"])
def test_iso_8601_dates_build(content, tmp_path, value):
    path = write_article(content, "Reviewer: Editorial team\nLast_reviewed: 2026-03-03")
    path.write_text(path.read_text().replace("Date: 2026-03-01", f"Date: {value}"), encoding="utf-8")
    result = build_with_editorial(content, tmp_path / "out")
    assert result.returncode == 0, result.stderr


def test_every_mistake_of_a_file_in_one_run_in_line_order(content, tmp_path):
    """A bad Date (Pelican cannot read the file), a wrongly written Modified, a bad
    Last_reviewed, no Reviewer, scaffold text and an unknown citation key: all shown."""
    path = content / "articles" / "many.md"
    path.write_text(textwrap.dedent("""\
        Title: Many mistakes
        Date: someday
        Modified: 03/02/2026
        Category: Safety
        Summary: [TODO: one plain sentence]
        Author: Editorial team
        Last_reviewed: 2026-13-01

        A claim [@nosuchkey2020].
        """), encoding="utf-8")
    result = build_with_editorial(content, tmp_path / "out")
    assert result.returncode == 1
    errors = [e for e in error_lines(result.stderr) if "many.md" in e]
    lines = [int(re.match(r"^\S*many\.md:(\d+): error: ", e)[1]) for e in errors]
    front = [e for e, line in zip(errors, lines, strict=True) if line < 9]
    assert [int(re.match(r"^\S*:(\d+):", e)[1]) for e in front] == [1, 2, 3, 5, 7], result.stderr
    assert "missing 'Reviewer'" in front[0] and "'someday'" in front[1] and "'03/02/2026'" in front[2]
    assert "placeholder text" in front[3] and "Last_reviewed: '2026-13-01'" in front[4]
    cited = [e for e, line in zip(errors, lines, strict=True) if line == 9]
    assert cited and "nosuchkey2020" in cited[0], result.stderr
    assert "Traceback" not in result.stderr and result.exception is None


def test_header_entries_keep_every_field_as_written(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("Title: A\nReviwer: x\nreviewer: y\n    more\n\nBody: no\n")
    assert header_entries(str(path)) == [(1, "title", "Title", "A"), (2, "reviwer", "Reviwer", "x"),
                                         (3, "reviewer", "reviewer", "y more")]
    assert header_fields(str(path))["reviewer"] == (3, "y more")


@pytest.mark.parametrize(("written", "message"), [
    ("Reviwer: Editorial team", "unknown front-matter field 'Reviwer', which nothing reads; "
                                "did you mean 'Reviewer'?"),
    ("Last_reviwed: 2026-03-03", "unknown front-matter field 'Last_reviwed', which nothing reads; "
                                 "did you mean 'Last_reviewed'?"),
    ("Sumary: x", "unknown front-matter field 'Sumary', which nothing reads; did you mean 'Summary'?"),
    ("Colour: blue", "unknown front-matter field 'Colour', which nothing reads; remove it "
                     "(README.md's 'Front matter' lists the fields)"),
    ("Author: Someone else", "'Author' is written twice (also at line 5); keep one"),
])
def test_a_field_nobody_reads_or_written_twice_is_an_error_at_its_line(written, message):
    entries = [(1, "title", "Title", "T"), (5, "author", "Author", "A"), (6, "reviewer", "Reviewer", "R"),
               (7, *((written.split(":")[0].lower(), written.split(":")[0], "v")))]
    assert field_problems(entries) == [(7, message)]
    assert field_problems(entries[:3]) == []
    allowed = [] if written.startswith("Colour") else [(7, message)]
    assert field_problems(entries, extra=["Colour"]) == allowed


@pytest.mark.parametrize(("category", "expected"), [
    ("Understandng PTSD", "Understanding PTSD"), ("understanding ptsd", "Understanding PTSD"),
    ("Safty", "Safety"), ("Understanding PTSD", None), ("Travel", None), ("", None)])
def test_a_category_that_is_nearly_a_topic_is_a_typo(category, expected):
    topics = ["Understanding PTSD", "Safety", "Living with PTSD"]
    problem = category_problem(category, topics)
    if expected is None:
        assert problem is None
    else:
        assert problem == (f"Category {category!r} is not a topic; did you mean {expected!r}? "
                           "(the topics are TOPIC_ORDER in pelicanconf.py)")
    assert category_problem(category, []) is None


def test_misspelt_fields_and_a_category_typo_fail_the_build_with_the_other_mistakes(content, tmp_path):
    """In a file Pelican reads and in one it cannot (a bad Date): the same lines; the
    misspelt Reviewer is one line (not a second one saying Reviewer is missing)."""
    for name, date in (("typos.md", "2026-03-01"), ("typos-bad-date.md", "01/03/2026")):
        (content / "articles" / name).write_text(textwrap.dedent(f"""\
            Title: Typos {name}
            Date: {date}
            Category: Safty
            Author: Editorial team
            Reviwer: Editorial team
            Last_reviewed: 2026-03-03

            Text.
            """), encoding="utf-8")
    result = build_with_editorial(content, tmp_path / "out", TOPIC_ORDER=["Safety"])
    for name in ("typos.md", "typos-bad-date.md"):
        shown = [re.sub(r"^\S*?articles/", "", e) for e in error_lines(result.stderr) if f"/{name}:" in e]
        assert [line for line in shown if ":2:" not in line] == [
            f"{name}:3: error: Category 'Safty' is not a topic; did you mean 'Safety'? "
            "(the topics are TOPIC_ORDER in pelicanconf.py)",
            f"{name}:5: error: unknown front-matter field 'Reviwer', which nothing reads; "
            "did you mean 'Reviewer'?",
        ], result.stderr
    assert result.exception is None


def test_two_files_writing_one_page_is_an_error_naming_both_and_the_build_goes_on(content, tmp_path):
    write_article(content, "Reviewer: Editorial team\nLast_reviewed: 2026-03-03\nSlug: first-article",
                  name="copy.md")
    write_article(content, "Reviewer: Editorial team\nLast_reviewed: 2026-03-03\nSave_as: faq/index.html",
                  name="faq-copy.md")
    write_article(content, "Reviewer: Editorial team\nLast_reviewed: 2026-03-03\n\nA claim [@nokey2020].",
                  name="other.md")
    result = build_with_editorial(content, tmp_path / "out")
    shown = [re.sub(r"^\S*?articles/", "", e) for e in error_lines(result.stderr)]
    assert sorted(shown) == [
        "copy.md:8: error: this file writes the same page (first-article/index.html) as "
        f"{os.path.relpath(content / 'articles' / 'first-article.md')}; "
        "give one of them another Slug or file name",
        "faq-copy.md:8: error: this file writes the same page (faq/index.html) as the "
        "FAQ_CITATIONS_FAQ_SAVE_AS setting's page; give one of them another Save_as",
        "other.md:9: error: unknown citation key 'nokey2020'; add it to the bibliography",
    ], result.stderr
    assert result.exception is None and "Failed to overwrite" not in result.stderr
    assert "items with slug" not in result.stderr
    assert "Faq copy" not in (tmp_path / "out" / "faq" / "index.html").read_text()
    assert "Review test" not in (tmp_path / "out" / "first-article" / "index.html").read_text()


def test_a_summary_over_160_characters_is_an_error_at_its_line_outside_a_draft(content, tmp_path):
    from editorial.strict import summary_problem

    assert summary_problem({"summary": (4, "x" * 160)}) is None
    assert summary_problem({"summary": (4, "x " * 80 + "y")}) == (
        4, "the Summary has 161 characters; keep it to at most 160 (search results and link previews cut "
           "a longer one): one plain sentence")
    assert summary_problem({}) is None
    assert summary_problem({"summary": (4, "  ")}) == (
        4, "the Summary is empty; write one plain sentence of at most 160 characters (or remove the line)")
    long = "A summary that says far too much. " * 5
    path = write_article(content, "Reviewer: Editorial team\nLast_reviewed: 2026-03-03")
    path.write_text(path.read_text().replace("Summary: A test article.", f"Summary: {long}"))
    draft = write_article(content, "Reviewer: Editorial team\nLast_reviewed: 2026-03-03\nStatus: draft",
                          name="draft.md")
    draft.write_text(draft.read_text().replace("Summary: A test article.", f"Summary: {long}"))
    result = build_with_editorial(content, tmp_path / "out")
    shown = [re.sub(r"^\S*?articles/", "", e) for e in error_lines(result.stderr)]
    assert shown == [f"review-test.md:4: error: the Summary has {len(long.strip())} characters; keep it to "
                     "at most 160 (search results and link previews cut a longer one): one plain sentence"]
