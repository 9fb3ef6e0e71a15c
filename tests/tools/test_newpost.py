"""`make newpost TITLE="..."` scaffolds an article that builds as it is."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

from editorial.frontmatter import header_fields
from editorial.strict import PLACEHOLDER
from support import ROOT, build, error_lines
from tools import newpost


def test_scaffold_has_every_required_field_and_todays_date(tmp_path, capsys):
    assert newpost.main(["Ketamine & sleep: what's known?"], articles=str(tmp_path)) == 0
    path = tmp_path / "ketamine-sleep-whats-known.md"
    fields = header_fields(str(path))
    today = dt.date.today().isoformat()
    for key in ("title", "date", "modified", "category", "tags", "summary", "author", "reviewer",
                "last_reviewed"):
        assert fields[key][1], key
    assert fields["title"][1] == "Ketamine & sleep: what's known?"
    assert fields["date"][1] == fields["last_reviewed"][1] == today
    assert "::: faq" in path.read_text() and "## In short" in path.read_text()


def test_scaffold_refuses_to_overwrite_and_needs_a_title(tmp_path, capsys):
    assert newpost.main(["Same"], articles=str(tmp_path)) == 0
    assert newpost.main(["Same"], articles=str(tmp_path)) == 1
    assert newpost.main([], articles=str(tmp_path)) == 2
    assert "already exists" in capsys.readouterr().err


def scaffold_in_a_copy_of_the_site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    newpost.main(["A brand new post"], articles=str(content / "articles"))
    return content, content / "articles" / "a-brand-new-post.md"


def test_scaffold_builds_as_a_draft_and_its_placeholders_cannot_be_published(tmp_path):
    content, post = scaffold_in_a_copy_of_the_site(tmp_path)
    draft = build(tmp_path / "draft", content=content)
    assert draft.returncode == 0, draft.stderr
    assert (tmp_path / "draft" / "drafts" / "a-brand-new-post.html").exists()  # where it is previewed

    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("Status: draft\n", ""), encoding="utf-8")
    published = build(tmp_path / "published", content=content)
    assert published.returncode == 1
    placeholder_lines = [n for n, line in enumerate(text.replace("Status: draft\n", "").splitlines(), 1)
                         if PLACEHOLDER in line]
    assert len(placeholder_lines) >= 8
    errors = error_lines(published.stderr)
    assert [int(e.split(":")[1]) for e in errors] == placeholder_lines, published.stderr
    assert all("a-brand-new-post.md" in e and "placeholder text from make newpost" in e for e in errors)


def test_scaffold_builds_once_every_placeholder_is_replaced(tmp_path):
    content, post = scaffold_in_a_copy_of_the_site(tmp_path)
    text = post.read_text(encoding="utf-8").replace("Status: draft\n", "")
    post.write_text(text.replace(PLACEHOLDER, "[Written: "), encoding="utf-8")
    result = build(tmp_path / "out", content=content)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "a-brand-new-post" / "index.html").exists()


def test_make_newpost_target(tmp_path):
    result = subprocess.run(["make", "-n", "newpost", "TITLE=X y"], cwd=ROOT, capture_output=True, text=True)
    assert 'tools.newpost "X y"' in result.stdout
