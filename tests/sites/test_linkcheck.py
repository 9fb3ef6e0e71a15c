"""The build-time link checker (plugins/linkcheck): each kind of broken link in
tests/sites/broken_links is one error line naming the source file, the line the
link is written on and the nearest existing target; the good links pass."""

from __future__ import annotations

import re
import subprocess

import pytest
from linkcheck.links import Link, Site, check_link, source_line

from support import CONF, PYTHON, ROOT, SITES, build_in_process, copy_site, error_lines

EXPECTED = {
    18: ["'{filename}targt.md'", "did you mean '{filename}/articles/target.md'"],
    19: ["no page at /targte/", "did you mean '/target/'"],
    20: ["no anchor #side-efects on /target/", "did you mean '#side-effects'"],
    21: ["no anchor #brokn-links on this page", "did you mean '#broken-links'"],
    22: ["/images/dott.svg", "did you mean '/images/dot.svg'"],
    23: ["no page at /no-such-page/"],
    24: ["for another site write 'https://www.nimh.nih.gov/health'"],
    25: ["misspelt scheme"],
    26: ["link '{filename}targt.md#side-effects': no file 'targt.md'"],  # not Pelican's x.md#a#a
}


@pytest.fixture(scope="module", params=["", "https://example.org"], ids=["local", "with-siteurl"])
def broken(tmp_path_factory, request):
    """Built with pelicanconf.py (in-process), and with a SITEURL (as make publish: {filename}
    links become absolute, and a link written as https://example.org/... stays another site's)."""
    tmp = tmp_path_factory.mktemp("links")
    content = copy_site("broken_links", tmp)
    return build_in_process(content, tmp / "out", conf=CONF, EDITORIAL_TODAY="2026-04-01",
                            SITEURL=request.param)


def test_each_broken_link_is_one_line_at_its_source_line(broken):
    assert broken.returncode == 1
    errors = error_lines(broken.stderr)
    lines = {}
    for error in errors:
        found = re.match(r"^\S*broken_links/articles/links\.md:(\d+): error: link ", error)
        assert found, error
        lines[int(found[1])] = error
    assert sorted(lines) == sorted(EXPECTED), broken.stderr
    for line, words in EXPECTED.items():
        for word in words:
            assert word in lines[line], lines[line]
    assert "Unable to find" not in broken.stderr
    assert "Traceback" not in broken.stderr and broken.exception is None


def test_plain_pelican_fails_on_a_broken_link(tmp_path):
    result = subprocess.run(
        [PYTHON, "-m", "pelican", str(SITES / "broken_links" / "content"), "-s", str(CONF),
         "-o", str(tmp_path / "out"), "--log-handler", "plain", "--fatal", "errors",
         "-e", 'EDITORIAL_TODAY="2026-04-01"', f'CACHE_PATH="{tmp_path / "cache"}"'],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    shown = (result.stdout + result.stderr).splitlines()
    assert any(line.endswith("tests/sites/broken_links/content/articles/links.md:18: error: link "
                             "'{filename}targt.md': no file 'targt.md' in the content folder; "
                             "did you mean '{filename}/articles/target.md'?") for line in shown), shown


def test_the_fixed_site_builds(tmp_path):
    content = copy_site("broken_links", tmp_path)
    source = content / "articles" / "links.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text[: text.index("## Broken links")], encoding="utf-8")
    result = build_in_process(content, tmp_path / "out", conf=CONF, EDITORIAL_TODAY="2026-04-01")
    assert result.returncode == 0, result.stderr


def test_the_real_site_runs_the_checker():
    from pelican.settings import read_settings

    assert "linkcheck" in read_settings(str(CONF))["PLUGINS"]  # and the `site` fixture builds it clean


SITE = Site(pages={"/": "home", "/a/": "a", "/b/": "b"}, ids={"home": {"top"}, "a": {"x"}, "b": set()}.get,
            sources={"articles/a.md": "/a/"})


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("/a/", None), ("/a", None), ("/a/#x", None), ("../a/#x", None), ("#own", None),
        ("https://example.org/p?q=1", None), ("mailto:x@example.org", None), ("tel:+18002738255", None),
        ("/c/", "no page at /c/"), ("/a/#y", "no anchor #y on /a/"), ("#nope", "no anchor #nope"),
        ("https:/example.org", "has no host; write https://example.org"),
        ("https://localhostx/", "is not a host name"), ("javascript:alert(1)", "are not allowed"),
        ("mailto:someone", "not an e-mail address"), ("//example.org/x", "write https://example.org/x"),
        ("{filename}aa.md", "did you mean '{filename}/articles/a.md'"), ("", "empty link"),
        ("/a b/", "has a space"),
        ("http//example.org", "lacks the ':' after 'http'; write http://example.org"),
        ("HTTPS///example.org/x", "lacks the ':' after 'HTTPS'; write HTTPS://example.org/x"),
        ("/http//a/", "no page at /http//a/"),
    ],
)
def test_check_link(value, problem):
    found = check_link(Link("a", "href", value), "/b/", SITE, {"own"}, "articles")
    if problem is None:
        assert found is None, found
    else:
        assert found is not None and problem in found.message, found


def test_source_line_prefers_the_link_target_and_moves_on():
    lines = ["See https://x.org/a and [t](x.org/a).", "[u](x.org/a)"]
    used: dict[str, int] = {}
    assert source_line(lines, ("x.org/a",), used) == 1
    assert source_line(lines, ("x.org/a",), used) == 2
    assert source_line(lines, ("missing",), used) is None


UNREAD = """Title: Unread
Date: 01/12/2026
Category: Safety
Summary: A page Pelican cannot read, see [the target](/targte/).
Author: Editorial team
Reviewer: Editorial team
Last_reviewed: 2026-03-03

## In short

A [missing file]({filename}targt.md) and [a missing page](/no-such-page/) [@nokey2020].
[An anchor on this page](#in-shortt), [one on the target](/target/#side-efects).
"""

LINKS_TO_UNREAD = """Title: Links to unread
Date: 2026-03-01
Category: Safety
Summary: Links to the page that cannot be read.
Author: Editorial team
Reviewer: Editorial team
Last_reviewed: 2026-03-03

See [it]({filename}unread.md#whatever) and [again](/unread/#in-short).
"""


def test_a_file_pelican_cannot_read_has_its_links_checked_in_the_same_run(tmp_path):
    """Every mistake of a file in one run: the bad date and the unknown key stop Pelican
    from reading it, and its links are still checked (body and Summary); a link to its
    missing page is not a second mistake."""
    content = copy_site("broken_links", tmp_path)
    (content / "articles" / "links.md").unlink()
    (content / "articles" / "unread.md").write_text(UNREAD, encoding="utf-8")
    (content / "articles" / "links-to-unread.md").write_text(LINKS_TO_UNREAD, encoding="utf-8")
    built = build_in_process(content, tmp_path / "out", conf=CONF, EDITORIAL_TODAY="2026-04-01")
    shown = [re.sub(r"^\S*?broken_links/", "CONTENT/", line) for line in error_lines(built.stderr)]
    assert sorted(shown) == sorted([
        "CONTENT/articles/unread.md:2: error: Date: '01/12/2026' is not an ISO 8601 date; write it as "
        "YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DDTHH:MM:SS+00:00 (ISO 8601)",
        "CONTENT/articles/unread.md:4: error: link '/targte/': no page at /targte/; did you mean '/target/'?",
        "CONTENT/articles/unread.md:11: error: link '{filename}targt.md': no file 'targt.md' in the content "
        "folder; did you mean '{filename}/articles/target.md'?",
        "CONTENT/articles/unread.md:11: error: link '/no-such-page/': no page at /no-such-page/",
        "CONTENT/articles/unread.md:11: error: unknown citation key 'nokey2020': "
        "no bibliography entries are loaded",
        "CONTENT/articles/unread.md:12: error: link '#in-shortt': no anchor #in-shortt on this page; "
        "did you mean '#in-short'?",
        "CONTENT/articles/unread.md:12: error: link '/target/#side-efects': no anchor #side-efects on "
        "/target/; did you mean '#side-effects'?",
    ]), built.stderr
    assert built.exception is None and "Traceback" not in built.stderr
