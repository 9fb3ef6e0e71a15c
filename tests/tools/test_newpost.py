"""`make newpost TITLE="..."` scaffolds an article that builds as it is."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

from editorial.frontmatter import header_fields
from support import ROOT, build, copy_site
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


def test_scaffold_builds_without_errors_once_published(tmp_path):
    content = copy_site("minimal", tmp_path)
    shutil.copy(ROOT / "content" / "bibliography" / "references.bib", content / "bibliography")
    newpost.main(["A brand new post"], articles=str(content / "articles"))
    post = content / "articles" / "a-brand-new-post.md"
    post.write_text(post.read_text().replace("Status: draft\n", ""))
    result = build(tmp_path / "out", content=content)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "a-brand-new-post" / "index.html").exists()


def test_make_newpost_target(tmp_path):
    result = subprocess.run(["make", "-n", "newpost", "TITLE=X y"], cwd=ROOT, capture_output=True, text=True)
    assert 'tools.newpost "X y"' in result.stdout
