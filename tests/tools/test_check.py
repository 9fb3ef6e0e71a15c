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
