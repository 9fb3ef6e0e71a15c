"""Bad input: every author mistake fails the build with one line and loses nothing.

Each case adds one mistake, in a file of its own, to a copy of tests/sites/minimal
(in a temp folder, built with the real pelicanconf.py and so the real plugins); one
build has them all, as a writer's run would. The build must exit non-zero, print
exactly one line per mistake naming its file (with the line where there is one),
never a traceback, and leave the existing output folder exactly as it was.

Mistakes of the plugins' own syntax are tested where they can be, not here:
FAQ and citation mistakes in tests/unit (the extension alone) and on the
fixture sites of tests/sites/test_sites.py (author_mistakes, bad_bibliography),
review metadata in tests/sites/test_editorial.py. What is left is what only a
whole build through tools/build.py shows: files that cannot be read, front
matter, and that a failed build leaves the output alone.

"Nothing lost" at the end: `make publish`'s own command line, taken from the
Makefile, run over a good output folder with a failing copy of the content.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess

import pytest

from support import ROOT, build, copy_site, error_lines, snapshot

TODAY = "2026-04-01"
HEADER = """\
Title: Bad input
Date: 2026-03-01
Category: Safety
Summary: An article with one mistake in it.
Author: Editorial team
Reviewer: Editorial team
Last_reviewed: 2026-03-03
"""
BODY_LINE = HEADER.count("\n") + 2  # the first line after the header and its blank line


def article(content, name, body="Text.\n", header=HEADER, encoding="utf-8"):
    path = content / "articles" / name
    data = header + "\n" + body
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return f"articles/{name}"


def edit_field(content, name, field, value, *, copy_as=None):
    """Set (or with value None, remove) one front-matter field of a minimal-site article;
    with ``copy_as``, of a copy of it under that name (with a title of its own)."""
    path = content / "articles" / name
    if copy_as:
        text = path.read_text(encoding="utf-8")
        path = path.with_name(copy_as)
        name = copy_as
        path.write_text(text.replace("Title: ", f"Title: {copy_as} ", 1), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{field}:"))
    if value is None:
        del lines[index]
    else:
        lines[index] = f"{field}: {value}\n"
    path.write_text("".join(lines), encoding="utf-8")
    return f"articles/{name}", index + 1


# Each case: setup(content) -> (file relative to content/, its line or None, words the message must have)


def unreadable_no_permission(content):
    if os.geteuid() != 0:
        rel = article(content, "locked.md")
        os.chmod(content / rel, 0)
    else:  # root reads a chmod 000 file; a symbolic link to itself is unreadable for anyone
        rel = "articles/locked.md"
        os.symlink("locked.md", content / rel)
    return rel, None, ["cannot read the file"]


def unreadable_dangling_link(content):
    os.symlink("/nonexistent/moved-away.md", content / "articles" / "moved.md")
    return "articles/moved.md", None, ["cannot read the file"]


def not_utf8(content):
    rel = article(content, "latin1.md", body="Caf\u00e9 and ketamine.\n", encoding="latin-1")
    return rel, BODY_LINE, ["not UTF-8"]


def impossible_date(content):
    rel, line = edit_field(content, "first-article.md", "Date", "2026-02-30", copy_as="bad-date.md")
    return rel, line, ["2026-02-30"]


def missing_title(content):
    rel, _ = edit_field(content, "first-article.md", "Title", None, copy_as="no-title.md")
    return rel, 1, ["Title"]


def missing_author(content):
    rel, _ = edit_field(content, "first-article.md", "Author", None, copy_as="no-author.md")
    return rel, 1, ["Author"]


def next_review_not_a_date(content):
    rel = article(content, "next.md", header=HEADER + "Next_review: 2027-13-01\n")
    return rel, HEADER.count("\n") + 1, ["Next_review", "YYYY-MM-DD"]


CASES = [
    unreadable_no_permission,
    unreadable_dangling_link,
    not_utf8,
    impossible_date,
    missing_title,
    missing_author,
    next_review_not_a_date,
]


@pytest.fixture
def content(tmp_path):
    return copy_site("minimal", tmp_path)


@pytest.fixture
def old_output(tmp_path):
    """An output folder from an earlier build, with a sentinel file that must survive."""
    output = tmp_path / "out"
    (output / "old-article").mkdir(parents=True)
    (output / "index.html").write_text("<!DOCTYPE html><title>last good build</title>\n", encoding="utf-8")
    (output / "old-article" / "index.html").write_text("kept\n", encoding="utf-8")
    (output / "sentinel.txt").write_bytes(b"\x00sentinel\xff")
    return output


def test_minimal_site_builds_without_mistakes(content, tmp_path):
    """The baseline: without the added mistake, the copy builds; so each failure below is the mistake's."""
    result = build(tmp_path / "out", content=content, settings={"EDITORIAL_TODAY": TODAY})
    assert result.returncode == 0, result.stderr


def test_every_author_mistake_is_its_one_line_and_the_output_is_kept(content, old_output):
    """Every mistake at once, each in a file of its own: one build reports each one as its
    own line (file, line, the words that say what is wrong), fails, prints no traceback,
    and leaves the existing output exactly as it was."""
    expected = {}
    for mistake in CASES:
        relative, line, words = mistake(content)
        expected[relative] = (mistake.__name__, line, words)
    assert len(expected) == len(CASES), "two cases share a file"
    before = snapshot(old_output)
    result = build(old_output, content=content, settings={"EDITORIAL_TODAY": TODAY})
    printed = result.stdout + result.stderr
    assert result.returncode != 0, f"the build succeeded:\n{printed}"
    assert "Traceback" not in printed, printed
    errors = error_lines(result.stderr)
    problems = []
    for relative, (case, line, words) in expected.items():
        naming = [text for text in printed.splitlines() if f"{relative}:" in text or text.endswith(relative)]
        if len(naming) != 1:
            problems.append(f"{case}: expected exactly one line naming {relative}, got {naming}")
            continue
        pattern = rf"^\S*{re.escape(relative)}{':' + str(line) if line else ''}: error: "
        if naming[0] not in errors or not re.match(pattern, naming[0]):
            problems.append(f"{case}: expected {pattern!r}, got {naming[0]!r}")
        missing = [word for word in words if word not in naming[0]]
        if missing:
            problems.append(f"{case}: the message should mention {missing}: {naming[0]}")
    assert not problems, "\n".join(problems) + "\n\n" + result.stderr
    assert len(errors) == len(CASES), f"expected {len(CASES)} error lines, one per mistake:\n{result.stderr}"
    assert snapshot(old_output) == before, "the failed build changed the existing output"
    leftovers = [p.name for p in old_output.parent.iterdir() if p.name.startswith(".output-")]
    assert not leftovers, f"the failed build left {leftovers} behind"


# --- Nothing lost: `make publish` replaces output/ only when the build succeeded ---------


def publish_command(output, content) -> str:
    """The command `make publish` runs, read from the Makefile (`make -n`), for this content."""
    options = (
        f"-e PATH={shlex.quote(json.dumps(str(content)))} EDITORIAL_TODAY={shlex.quote(json.dumps(TODAY))}"
    )
    result = subprocess.run(
        [
            "make",
            "-s",
            "-n",
            "-o",
            ".venv/.site-installed",
            "publish",
            f"OUTPUTDIR={output}",
            f"PELICANOPTS={options}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [line for line in result.stdout.splitlines() if "tools.build" in line]
    assert len(lines) == 1 and "--fatal warnings" in lines[0] and "publishconf.py" in lines[0], result.stdout
    return lines[0]


def publish(output, content):
    return subprocess.run(
        publish_command(output, content),
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SITEURL": "https://example.org/guide"},
    )


@pytest.mark.parametrize("failure", ["error", "warning"])
def test_failed_publish_leaves_the_last_good_output_byte_identical(content, tmp_path, failure):
    output = tmp_path / "output"
    first = publish(output, content)
    assert first.returncode == 0, first.stderr
    good = snapshot(output)
    assert "index.html" in good and "sentinel" not in good
    if failure == "error":
        not_utf8(content)
    else:  # a review past due is only a warning, but `make publish` runs with --fatal warnings
        edit_field(content, "first-article.md", "Last_reviewed", "2025-01-02")
    failed = publish(output, content)
    assert failed.returncode != 0, failed.stdout + failed.stderr
    assert "Build failed" in failed.stderr and "Traceback" not in failed.stderr
    assert snapshot(output) == good, "a failed publish changed output/"


def test_successful_publish_replaces_the_output(content, tmp_path):
    output = tmp_path / "output"
    assert publish(output, content).returncode == 0
    (output / "stale-from-last-time.html").write_text("stale", encoding="utf-8")
    page = content / "articles" / "second-article.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nZebracorns were added since the last publish.\n",
        encoding="utf-8",
    )
    result = publish(output, content)
    assert result.returncode == 0, result.stderr
    assert not (output / "stale-from-last-time.html").exists()
    assert "Zebracorns were added" in (output / "second-article" / "index.html").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".output-")]
