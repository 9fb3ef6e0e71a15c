"""`make check FILE=...`: one file's figures, without a build, agreeing with the build."""

from __future__ import annotations

import re
import subprocess

from sites.test_linkcheck import EXPECTED

from support import PYTHON, ROOT, SITES, soup

ARTICLE = "content/articles/what-is-ptsd.md"


def check(*args):
    return subprocess.run([PYTHON, "-m", "tools.check", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def field(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if line.strip().startswith(name)).split(name, 1)[1].strip()


def test_make_check_reports_one_article_as_the_built_page_has_it(site):
    result = subprocess.run(["make", "--no-print-directory", "check", f"FILE={ARTICLE}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    page = soup(site / "what-is-ptsd" / "index.html")
    questions = [" ".join(s.get_text().split()) for s in page.select("div.faq details > summary")]
    assert questions and field(out, "FAQ questions") == str(len(questions))
    shown = [line[6:] for line in out.splitlines() if line.startswith("    - ")]
    assert len(shown) == len(questions)
    references = page.select("section.references li")
    assert field(out, "sources cited").startswith(f"{len(references)} (")
    assert re.fullmatch(r"\d+", field(out, "words")) and int(field(out, "words")) > 300
    assert re.fullmatch(r"body [\d.]+ · summary [\d.]+ · FAQ answers [\d.]+  \(aim for 8 or lower\)",
                        field(out, "reading grade")), out
    assert field(out, "review").startswith("last 2026-") and "next 20" in field(out, "review")
    assert field(out, "glossary gaps") == "none" and field(out, "broken links") == "none"


def test_make_check_finds_the_same_broken_links_as_the_build():
    content = SITES / "broken_links" / "content"
    result = check(str(content / "articles" / "links.md"), "--content", str(content),
                   "--output", "/nonexistent")
    assert result.returncode == 1
    errors = [line.strip() for line in result.stdout.splitlines() if ": error: link " in line]
    lines = [int(re.search(r"links\.md:(\d+): error", e)[1]) for e in errors]
    assert lines == sorted(EXPECTED), result.stdout
    expected = {**EXPECTED, 22: ["'{static}/images/dott.svg'", "did you mean '{static}/images/dot.svg'"]}
    for error, line in zip(errors, lines, strict=True):
        for word in expected[line]:
            assert word in error, (word, error)


def test_make_check_names_a_missing_file():
    result = check("content/articles/no-such.md")
    assert result.returncode == 2 and "no such file" in result.stderr


TAGGED = """\
Title: Tagged
Date: 2026-03-01
Category: Safety
Tags: {tags}
Summary: A page that links to a tag's page.
Author: Editorial team
Reviewer: Editorial team
Last_reviewed: 2026-03-03

See [every page on sleep](/tags/sleep/).
"""


def test_make_check_recomputes_the_generated_pages_when_an_article_changes_its_tags(tmp_path):
    """The pages the build generates (tags, topics) are cached by the articles' tags and
    topics (tools/cache.py): a new tag is a new key, never a stale answer."""
    article = tmp_path / "articles" / "tagged.md"
    article.parent.mkdir()
    article.write_text(TAGGED.format(tags="PTSD"), encoding="utf-8")
    args = (str(article), "--content", str(tmp_path), "--output", "/nonexistent")
    first = check(*args)
    assert first.returncode == 1 and "link '/tags/sleep/': no page at /tags/sleep/" in first.stdout
    article.write_text(TAGGED.format(tags="PTSD, sleep"), encoding="utf-8")
    second = check(*args)
    assert second.returncode == 0 and field(second.stdout, "broken links") == "none", second.stdout
    article.write_text(TAGGED.format(tags="PTSD"), encoding="utf-8")
    assert check(*args).stdout == first.stdout


def test_make_check_imports_none_of_pelicans_build_machinery():
    """One file's check uses the plugin's Markdown extension and the rules' pure modules:
    pelican/__init__.py (generators, readers, docutils, the server) is never run."""
    check(ARTICLE)  # the caches filled
    result = subprocess.run([PYTHON, "-X", "importtime", "-m", "tools.check", ARTICLE], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "pelican.plugins.faq_citations.extension" in imported and "markdown" in imported
    forbidden = {"pelican.generators", "pelican.readers", "pelican.settings", "pelican.utils", "docutils",
                 "plugins.editorial.images", "plugins.linkcheck"}  # the last two: the plugins' receivers
    assert not imported & forbidden, sorted(imported & forbidden)


def test_tool_cache_recomputes_for_a_new_key_and_survives_a_corrupt_file(tmp_path):
    from tools.cache import json_cached

    calls = []

    def compute(value):
        calls.append(value)
        return {"value": value, "list": (1, 2)}

    assert json_cached("x", [b"a"], lambda: compute(1), folder=str(tmp_path)) == {"value": 1, "list": [1, 2]}
    assert json_cached("x", [b"a"], lambda: compute(2), folder=str(tmp_path))["value"] == 1
    assert json_cached("x", [b"a", b""], lambda: compute(3), folder=str(tmp_path))["value"] == 3
    assert json_cached("x", [b"a"], lambda: compute(4), folder=str(tmp_path))["value"] == 4
    assert calls == [1, 3, 4] and len(list(tmp_path.glob("x-*.json"))) == 1  # the older value removed
    next(tmp_path.glob("x-*.json")).write_text("{not json", encoding="utf-8")
    assert json_cached("x", [b"a"], lambda: compute(5), folder=str(tmp_path))["value"] == 5


def test_make_check_reads_the_anchors_of_a_linked_file_as_it_is_now(tmp_path):
    """The ids of a linked Markdown file are cached by its bytes: renaming its heading
    breaks the link at once, and naming it back mends it."""
    (tmp_path / "articles").mkdir()
    linking = tmp_path / "articles" / "tagged.md"
    linking.write_text(TAGGED.format(tags="PTSD").replace("/tags/sleep/", "{filename}target.md#sleep"),
                       encoding="utf-8")
    target = tmp_path / "articles" / "target.md"
    header = TAGGED.split("\n\n")[0].replace("Title: Tagged", "Title: Target")
    args = (str(linking), "--content", str(tmp_path), "--output", "/nonexistent")
    for heading, broken in (("Sleep", False), ("Rest", True), ("Sleep", False)):
        target.write_text(f"{header}\n\n## {heading}\n\nText.\n", encoding="utf-8")
        result = check(*args)
        assert (result.returncode == 1) is broken, result.stdout
        assert ("no anchor #sleep on /target/" in result.stdout) is broken, result.stdout


MISTAKES = """\
Title: Mistakes
Date: 01/12/2026
Category: Safty
Summary: A page with a mistake on every other line.
Author: Editorial team
Reviwer: Editorial team
Last_reviewed: 2026-03-03

See [the target](/targte/) [@nokey2020].

::: faq
### A question?
An answer.

## A section
:::
"""


def test_make_check_shows_every_mistake_of_a_file_its_markdown_cannot_build(tmp_path):
    """A file the build would stop on (an unknown key, a heading in an FAQ block): every
    mistake the build reports for it, in line order -- front matter and links included."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "target.md").write_text(TAGGED.split("\n\n")[0] + "\n\nText.\n")
    path = tmp_path / "articles" / "mistakes.md"
    path.write_text(MISTAKES, encoding="utf-8")
    result = check(str(path), "--content", str(tmp_path), "--output", "/nonexistent")
    assert result.returncode == 1
    shown = [re.sub(r"^\S*?mistakes\.md", "mistakes.md", line) for line in result.stdout.splitlines()]
    assert [line.split(": error: ")[0] for line in shown[:-1]] == [
        "mistakes.md:2", "mistakes.md:3", "mistakes.md:6", "mistakes.md:9", "mistakes.md:9", "mistakes.md:15"]
    assert "Date: '01/12/2026' is not an ISO 8601 date" in shown[0]
    assert "did you mean 'Reviewer'?" in shown[2] and "no page at /targte/" in " ".join(shown[3:5])
    assert "unknown citation key 'nokey2020'" in " ".join(shown[3:5]) and "FAQ block" in shown[5]
    assert shown[-1] == ("mistakes.md: 6 mistake(s); the report (words, grades, sources) follows once the "
                         "file's Markdown mistakes are fixed")


def test_make_check_reports_front_matter_mistakes_with_the_report(tmp_path):
    (tmp_path / "articles").mkdir()
    path = tmp_path / "articles" / "typo.md"
    path.write_text(TAGGED.format(tags="PTSD").replace("Title: Tagged", "Title: Tagged\nReviwer: x"))
    result = check(str(path), "--content", str(tmp_path), "--output", "/nonexistent")
    assert result.returncode == 1
    assert field(result.stdout, "front matter") == "1", result.stdout
    assert "typo.md:2: error: unknown front-matter field 'Reviwer'" in result.stdout
