"""`make newpost TITLE="..."` scaffolds an article that builds as it is."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

from editorial.frontmatter import header_fields
from editorial.strict import PLACEHOLDER
from support import CONF, ROOT, build_in_process, error_lines
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


def scaffold_in_a_copy_of_the_site(tmp_path, *titles):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    posts = []
    for title in titles:
        assert newpost.main([title], articles=str(content / "articles")) == 0
        posts.append(content / "articles" / f"{title.lower().replace(' ', '-')}.md")
    return content, posts


def real_build(content, output):
    """The real site's settings, built in-process (the scaffold is what is tested, not the CLI)."""
    return build_in_process(content, output, conf=CONF)


def test_scaffold_builds_as_a_draft_and_once_every_placeholder_is_replaced(tmp_path):
    """One build of the real content with two scaffolds: one left as it is (a draft), one
    published with every placeholder replaced."""
    content, (draft, filled) = scaffold_in_a_copy_of_the_site(tmp_path, "A brand new post", "A filled post")
    assert "Status: draft\n" in draft.read_text(encoding="utf-8")
    text = filled.read_text(encoding="utf-8").replace("Status: draft\n", "")
    filled.write_text(text.replace(PLACEHOLDER, "[Written: "), encoding="utf-8")
    result = real_build(content, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "drafts" / "a-brand-new-post.html").exists()  # where it is previewed
    assert not (tmp_path / "out" / "a-brand-new-post").exists()
    assert (tmp_path / "out" / "a-filled-post" / "index.html").exists()


def test_a_scaffold_with_its_placeholders_cannot_be_published(tmp_path):
    content, (post,) = scaffold_in_a_copy_of_the_site(tmp_path, "A brand new post")
    text = post.read_text(encoding="utf-8").replace("Status: draft\n", "")
    post.write_text(text, encoding="utf-8")
    published = real_build(content, tmp_path / "published")
    assert published.returncode == 1
    placeholder_lines = [n for n, line in enumerate(text.splitlines(), 1) if PLACEHOLDER in line]
    assert len(placeholder_lines) >= 8
    errors = error_lines(published.stderr)
    assert [int(e.split(":")[1]) for e in errors] == placeholder_lines, published.stderr
    assert all("a-brand-new-post.md" in e and "placeholder text from make newpost" in e for e in errors)


def test_make_newpost_target(tmp_path):
    result = subprocess.run(["make", "-n", "newpost", "TITLE=X y"], cwd=ROOT, capture_output=True, text=True)
    assert 'tools.newpost "X y"' in result.stdout
