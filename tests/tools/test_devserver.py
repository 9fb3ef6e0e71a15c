"""`make devserver`: serves the site, rebuilds on an edit, and reloads the open page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request

import pytest

from support import ROOT, build, copy_site


def start_devserver(tmp_path, *options):
    content = copy_site("minimal", tmp_path)
    output = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.devserver", "--port", "0",
         "--content", str(content), "--output", str(output), *options],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = None
    for line in process.stdout:
        match = re.search(r"Serving on (http://127\.0\.0\.1:\d+)/", line)
        if match:
            url = match[1]
            break
    assert url, "devserver did not start"
    return url, content, process


def stop(process) -> None:
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


@pytest.fixture
def devserver(tmp_path):
    """The devserver as `make devserver` starts it (file events)."""
    url, content, process = start_devserver(tmp_path)
    yield url, content, process
    stop(process)


@pytest.fixture
def polling_devserver(tmp_path):
    """The devserver checking time stamps (--poll), where file events are unavailable."""
    url, content, process = start_devserver(tmp_path, "--poll", "--interval", "0.1")
    yield url, content, process
    stop(process)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_devserver_serves_on_loopback_with_the_reload_script(devserver):
    url, _content, _process = devserver
    html = fetch(f"{url}/second-article/")
    assert "<h1>Second article</h1>" in html.replace("&nbsp;", " ")
    assert 'src="/theme/js/devreload.js"' in html
    assert '<meta name="dev-build" content="1">' in html
    request = urllib.request.Request(f"{url}/second-article/",
                                     headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    with urllib.request.urlopen(request, timeout=10) as response:  # never a 304
        assert response.status == 200 and response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("server", ["devserver", "polling_devserver"])
def test_edit_rebuilds_and_notifies_the_page(server, request):
    url, content, _process = request.getfixturevalue(server)
    with urllib.request.urlopen(f"{url}/__reload", timeout=30) as stream:
        assert stream.readline().startswith(b"retry:")
        article = content / "articles" / "second-article.md"
        article.write_text(article.read_text().replace("Title: Second article", "Title: Edited title"))
        lines = []
        while b"data: reload\n" not in lines:
            lines.append(stream.readline())
    assert "Edited" in fetch(f"{url}/second-article/")


@pytest.mark.browser
def test_open_page_reloads_itself_after_an_edit(devserver, browser):
    from playwright.sync_api import expect

    url, content, _process = devserver
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{url}/second-article/")
    assert "Second" in page.locator("h1").inner_text()
    article = content / "articles" / "second-article.md"
    article.write_text(article.read_text().replace("Title: Second article", "Title: Live edit"))
    # Only a reload can change the heading (no script touches it); retries across reloads.
    expect(page.locator("h1")).to_contain_text("Live", timeout=20_000)
    assert errors == []
    page.close()


def test_a_page_with_mistakes_shows_every_line_in_the_browser_until_fixed(devserver, browser):
    """The writer's open tab turns into a list of every path:line: message of its file
    (readable at 320 px, the page's own CSP, no inline script), refreshes on the next
    save, and is the article again once fixed; meanwhile the home page still lists it."""
    from playwright.sync_api import expect

    url, content, _process = devserver
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    console = []
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    page.goto(f"{url}/second-article/")
    article = content / "articles" / "second-article.md"
    good = article.read_text(encoding="utf-8")
    lines = good.splitlines()
    date_line = next(n for n, line in enumerate(lines, 1) if line.startswith("Date:"))
    broken = good.replace(lines[date_line - 1], "Date: 01/12/2026") + "\nA claim [@nokey2020].\n"
    key_line = broken.splitlines().index("A claim [@nokey2020].") + 1
    article.write_text(broken, encoding="utf-8")

    items = page.locator("main.devserver-error li")
    expect(items).to_have_count(2, timeout=20_000)
    shown = items.all_inner_texts()
    assert shown[0].endswith(f"second-article.md:{date_line}: error: Date: '01/12/2026' is not an ISO 8601 "
                             "date; write it as YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DDTHH:MM:SS+00:00 "
                             "(ISO 8601)"), shown
    assert f"second-article.md:{key_line}: error: unknown citation key 'nokey2020'" in shown[1], shown
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    size = page.evaluate("getComputedStyle(document.querySelector('main li code')).fontSize")
    assert float(size.removesuffix('px')) >= 14
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    home = urllib.request.urlopen(f"{url}/", timeout=10).read().decode()
    assert soup_links(home, "/second-article/"), "the home page dropped the article with a mistake"

    article.write_text(good + "\nA claim [@nokey2020].\n", encoding="utf-8")  # the next save: one left
    expect(items).to_have_count(1, timeout=20_000)
    assert "nokey2020" in items.inner_text()

    article.write_text(good, encoding="utf-8")  # fixed: the article again
    expect(page.locator("h1")).to_contain_text("Second article", timeout=20_000)
    assert page.locator("main.devserver-error").count() == 0
    # The only console errors are the error page's own status (500), never a CSP violation.
    assert all("status of 500" in message for message in console), console
    context.close()


def soup_links(html: str, href: str) -> list:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "lxml").select(f'a[href="{href}"]')


def test_incremental_rebuild_writes_only_what_can_change_and_matches_a_clean_build(tmp_path):
    from tools import devserver
    from tools.build import OneLineHandler

    content = copy_site("minimal", tmp_path)
    output = tmp_path / "dev"
    builder = devserver.Builder(str(output), str(content), OneLineHandler(verbose=False))
    assert builder.build()
    first = dict(builder.written)
    assert first["first-article/index.html"] == first["second-article/index.html"] == 1

    article = content / "articles" / "second-article.md"
    article.write_text(article.read_text().replace("Title: Second article", "Title: Renamed"))
    assert builder.build({str(article)})
    assert builder.written["second-article/index.html"] == 2
    assert builder.written["index.html"] == builder.written["archives/index.html"] == 2
    assert builder.written["first-article/index.html"] == 1  # an unchanged article is not rewritten
    # Topic and tag pages: only those that list the edited article are rewritten.
    written = builder.written
    assert written["topics/understanding-ptsd/index.html"] == written["tags/ptsd/index.html"] == 2
    assert written["topics/research-evidence/index.html"] == written["tags/ketamine/index.html"] == 1
    assert builder.page_generation("/first-article/") == 1 and builder.page_generation("/") == 2

    clean = tmp_path / "clean"
    result = build(clean, content=content)
    assert result.returncode == 0, result.stderr
    dev_only = re.compile(r'<meta name="dev-build" content="\d+"><script src="/theme/js/devreload\.js" defer>'
                          r"</script>")
    pages = sorted(p.relative_to(clean) for p in clean.rglob("*") if p.suffix in (".html", ".xml"))
    assert pages
    for page in pages:
        assert dev_only.sub("", (output / page).read_text()) == (clean / page).read_text(), page


def test_an_edit_outside_the_articles_rebuilds_everything(tmp_path):
    from tools import devserver
    from tools.build import OneLineHandler

    content = copy_site("minimal", tmp_path)
    builder = devserver.Builder(str(tmp_path / "dev"), str(content), OneLineHandler(verbose=False))
    assert builder.build()
    bib = content / "bibliography" / "minimal.bib"
    assert builder.plan({str(bib)}) == (set(), False)  # full write, cache dropped
    template = ROOT / "theme" / "templates" / "article.html"
    assert builder.plan({str(template)}) == (set(), True)  # full write, cache kept
    new = content / "articles" / "new.md"
    assert builder.plan({str(new)}) == (set(), False)
    skip, keep = builder.plan({str(content / "articles" / "second-article.md")})
    assert keep and "first-article/index.html" in skip and "second-article/index.html" not in skip


def test_plan_skips_unchanged_pages_only_when_only_known_articles_changed():
    from plugins.devreload import plan

    sources = {"/c/a.md": {"a/index.html"}, "/c/b.md": {"b/index.html"}}
    assert plan(sources, None, "/t") == (set(), False)  # first build
    assert plan(sources, {"/c/a.md"}, "/t") == ({"b/index.html"}, True)
    assert plan(sources, {"/c/new.md"}, "/t") == (set(), False)  # a new file: full build
    assert plan(sources, {"/t/base.html"}, "/t") == (set(), True)  # a template: cache holds
    assert plan(sources, {"/c/bibliography/refs.bib"}, "/t") == (set(), False)
    assert plan({}, {"/c/a.md"}, "/t") == (set(), False)


def test_skipped_keeps_the_listings_of_an_edited_article():
    from plugins.devreload import skipped

    listed_in = {"/c/a.md": {"topics/x/index.html"}, "/c/b.md": {"topics/y/index.html"}}
    before = {"/c/a.md": {"topics/old/index.html"}}
    skip = {"b/index.html"}
    assert skipped("b/index.html", skip, listed_in, before, {"/c/a.md"})
    assert not skipped("topics/x/index.html", skip, listed_in, before, {"/c/a.md"})
    assert not skipped("topics/old/index.html", skip, listed_in, before, {"/c/a.md"})  # it left this topic
    assert skipped("topics/y/index.html", skip, listed_in, before, {"/c/a.md"})
    assert not skipped("index.html", skip, listed_in, before, {"/c/a.md"})  # not a listing: always written
    assert not skipped("b/index.html", set(), listed_in, before, set())  # a full build writes all


def test_the_bibliography_is_parsed_once_across_devserver_rebuilds(tmp_path):
    """Every rebuild makes a new Pelican (so `initialized` is sent again); the
    citation plugin keeps its parsed bibliography until a bibliography file changes."""
    import os

    from pelican.plugins.faq_citations import pelican_glue

    from tools import devserver
    from tools.build import OneLineHandler

    content = copy_site("minimal", tmp_path)
    builder = devserver.Builder(str(tmp_path / "dev"), str(content), OneLineHandler(verbose=False))
    assert builder.build()
    parsed = pelican_glue._run.bibliography
    assert parsed is not None and len(parsed)
    article = content / "articles" / "second-article.md"
    article.write_text(article.read_text() + "\nOne more line.\n")
    assert builder.build({str(article)})
    assert pelican_glue._run.bibliography is parsed  # not parsed again
    bib = next((content / "bibliography").glob("*.bib"))
    bib.write_text(bib.read_text() + "\n")
    stat = bib.stat()
    os.utime(bib, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert builder.build({str(bib)})
    assert pelican_glue._run.bibliography is not parsed  # the file changed: parsed again


def test_an_article_edit_keeps_the_decision_aid_page_built(tmp_path):
    """An incremental rebuild takes the decision-aid page from Pelican's content cache, so
    the plugin must read its data file again (it raised KeyError and the rebuild failed)."""
    from tools import devserver
    from tools.build import OneLineHandler

    content = copy_site("decision_aid", tmp_path)
    output = tmp_path / "dev"
    builder = devserver.Builder(str(output), str(content), OneLineHandler(verbose=False))
    assert builder.build()
    compare = output / "compare-options" / "index.html"
    build_number = re.compile(r'<meta name="dev-build" content="\d+">')

    def compare_page() -> str:  # the page without the devserver's build number
        return build_number.sub("", compare.read_text(encoding="utf-8"))

    before = compare_page()
    article = content / "articles" / "treatment.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert builder.build({str(article)})
    assert "One more" in (output / "treatment" / "index.html").read_text(encoding="utf-8")
    assert compare_page() == before and "Compare your options" in before


@pytest.fixture
def logged_builder(tmp_path):
    """A Builder whose build counts and keeps the mistakes, as `make devserver` sets it up."""
    import logging

    from tools import devserver
    from tools.build import OneLineHandler

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    made = []

    def make(content):
        handler = OneLineHandler(verbose=False)
        builder = devserver.Builder(str(tmp_path / "dev"), str(content), handler)
        root.handlers[:] = [handler, builder.log]
        root.setLevel(logging.WARNING)
        made.append(builder)
        return builder

    yield make
    root.handlers[:], level = saved
    root.setLevel(level)


def touch_later(path) -> None:
    """A new time stamp even on a file system with coarse ones (the caches compare them)."""
    import os

    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))


def test_the_decision_aid_is_rendered_once_across_rebuilds_until_its_file_changes(tmp_path, logged_builder):
    """Rendering the data file's cells is most of a real-site rebuild: an article edit reuses
    the last rendering (the citation plugin keeps the bibliography), a data file edit renders
    again, and a mistake in the file is reported in every build, not only the first."""
    import sys

    content = copy_site("decision_aid", tmp_path)
    output = tmp_path / "dev"
    builder = logged_builder(content)
    assert builder.build()
    decision_aid = sys.modules["decision_aid"]  # as Pelican loads it (PLUGIN_PATHS)
    data_file = content / "data" / "compare-options.yaml"
    rendered = decision_aid._run.kept[str(data_file)]
    compare = output / "compare-options" / "index.html"

    article = content / "articles" / "treatment.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert builder.build({str(article)})
    assert decision_aid._run.kept[str(data_file)] is rendered  # not rendered again
    assert "Weekly sessions with a&nbsp;therapist" in compare.read_text(encoding="utf-8")

    data_file.write_text(data_file.read_text(encoding="utf-8").replace(
        "Weekly sessions with a therapist [@alpha2026]", "Sessions every fortnight [@nokey2020]"),
        encoding="utf-8")
    touch_later(data_file)
    assert not builder.build({str(data_file)})
    mistake = [m for m in builder.mistakes if m[0] == str(data_file)]
    assert any("nokey2020" in m[3] for m in mistake), builder.mistakes

    article.write_text(article.read_text(encoding="utf-8") + "\nAnd one more.\n", encoding="utf-8")
    assert not builder.build({str(article)})  # the data file still has its mistake
    assert [m for m in builder.mistakes if m[0] == str(data_file)] == mistake


def test_the_evidence_cards_are_read_once_across_rebuilds_until_their_file_changes(tmp_path, logged_builder):
    """As the bibliography: an article edit reuses the parsed cards, a cards file edit reads
    them again, and a mistake in the file is reported in every build."""
    from pelican.plugins.faq_citations import evidence_glue

    content = copy_site("minimal", tmp_path)
    cards_file = content / "bibliography" / "evidence-cards.yaml"
    cards_file.write_text("minimal2026:\n  kind: blog post\n  finding: It says something.\n"
                          "  limitation: It is a blog.\n  checked: 2026-03-01\n", encoding="utf-8")
    builder = logged_builder(content)
    builder.build()
    mistakes = [m for m in builder.mistakes if m[0] == str(cards_file)]
    assert mistakes and "blog post" in mistakes[0][3], builder.mistakes
    [parsed] = evidence_glue._loaded.values()  # (cards, problems)

    article = content / "articles" / "second-article.md"
    article.write_text(article.read_text() + "\nOne more line.\n")
    builder.build({str(article)})
    assert next(iter(evidence_glue._loaded.values())) is parsed  # not read again
    assert [m for m in builder.mistakes if m[0] == str(cards_file)] == mistakes

    cards_file.write_text(cards_file.read_text().replace("blog post", "news story"), encoding="utf-8")
    touch_later(cards_file)
    builder.build({str(cards_file)})
    assert next(iter(evidence_glue._loaded.values())) is not parsed
    assert "news story" in " ".join(m[3] for m in builder.mistakes if m[0] == str(cards_file))


def test_templates_are_compiled_once_per_session(tmp_path):
    """Jinja's bytecode cache beside Pelican's content cache: the second build loads the
    compiled templates the first one stored."""
    from tools import devserver
    from tools.build import OneLineHandler

    content = copy_site("minimal", tmp_path)
    output = tmp_path / "dev"
    builder = devserver.Builder(str(output), str(content), OneLineHandler(verbose=False))
    assert builder.build()
    compiled = sorted((tmp_path / "dev.cache" / "jinja").glob("__jinja2_*.cache"))
    assert len(compiled) >= 5, compiled  # base, article, index, page, components...
    stamps = {path: path.stat().st_mtime_ns for path in compiled}
    article = content / "articles" / "second-article.md"
    article.write_text(article.read_text() + "\nOne more line.\n")
    assert builder.build({str(article)})
    assert {path: path.stat().st_mtime_ns for path in compiled} == stamps  # loaded, not rewritten


def test_the_edited_page_is_announced_as_soon_as_it_is_written(tmp_path, logged_builder):
    """An incremental build tells the edited page's tab once that page is on disk: before
    the listing pages are written and the link check runs (the rest of the build)."""
    content = copy_site("minimal", tmp_path)
    builder = logged_builder(content)
    assert builder.build()
    seen = []
    announce = builder.announce
    feed = tmp_path / "dev" / "feeds" / "all.atom.xml"
    first_feed = feed.stat().st_mtime_ns

    def watching(page, source):
        seen.append((page, source, (tmp_path / "dev" / page).read_text(encoding="utf-8"),
                     builder.written.get("index.html"), builder.generation, feed.stat().st_mtime_ns))
        announce(page, source)

    builder.session.on_edited_page = watching
    article = content / "articles" / "second-article.md"
    article.write_text(article.read_text() + "\nSaved xyzzy42 now.\n")
    assert builder.build({str(article)})
    [(page, source, html, home_written_by, generation, feed_then)] = seen
    assert (page, source) == ("second-article/index.html", str(article))
    assert "xyzzy42" in html and '<meta name="dev-build" content="2">' in html
    # The home page, the feeds (Pelican writes them first) and the end of the build come after.
    assert home_written_by == 1 and generation == 1 and feed_then == first_feed
    assert builder.written["index.html"] == builder.generation == 2
    assert feed.stat().st_mtime_ns != first_feed


def test_a_mistake_found_after_the_announce_reloads_the_tab_again(tmp_path, logged_builder):
    """A broken link is found after the pages are written: the tab that reloaded early gets
    the error page with one more reload (the build counts twice); fixed, the page is back."""
    content = copy_site("minimal", tmp_path)
    builder = logged_builder(content)
    assert builder.build()
    article = content / "articles" / "second-article.md"
    good = article.read_text()
    article.write_text(good + "\nSee [the missing page](/no-such-page/).\n")
    assert not builder.build({str(article)})
    assert list(builder.announced) == ["second-article/index.html"]
    assert builder.late == {"second-article/index.html"}
    assert builder.generation == 3  # the page the tab reloaded says 2
    assert builder.page_generation("/second-article/") == 3
    _page, own, _others = builder.mistakes_for("/second-article/")
    assert "no-such-page" in own[0][3]

    article.write_text(good + "\nFixed.\n")
    announced_mistakes = []
    announce = builder.announce

    def watching(page, source):
        announce(page, source)
        announced_mistakes.append(builder.mistakes_for("/" + page))

    builder.session.on_edited_page = watching
    assert builder.build({str(article)})
    assert announced_mistakes == [None]  # the tab reloads to the page, not the old error
    assert builder.late == set() and builder.generation == 4
    assert builder.page_generation("/second-article/") == 4


def test_an_article_with_a_mistake_found_while_reading_is_not_announced(tmp_path, logged_builder):
    """Its tab waits for the error page at the end of the build: no early reload to a page
    that is about to be replaced by the list of mistakes."""
    content = copy_site("minimal", tmp_path)
    builder = logged_builder(content)
    assert builder.build()
    article = content / "articles" / "second-article.md"
    article.write_text(article.read_text().replace("Date: 2026-03-05", "Date: 05/03/2026"))
    assert not builder.build({str(article)})
    assert builder.announced == {} and builder.late == set()
    assert builder.mistakes_for("/second-article/") is not None


def test_the_content_cache_is_not_gzipped(tmp_path):
    """Pelican's content cache is saved as plain pickles (gzip cost ~45 ms per rebuild of the
    real site, before the edited page was written) and read back by the next build."""
    import pickle

    from tools import devserver
    from tools.build import OneLineHandler

    content = copy_site("minimal", tmp_path)
    output = tmp_path / "dev"
    builder = devserver.Builder(str(output), str(content), OneLineHandler(verbose=False))
    assert builder.build()
    cache = tmp_path / "dev.cache" / "ArticlesGenerator"
    assert cache.read_bytes()[:2] != b"\x1f\x8b"  # not gzip's magic number
    with cache.open("rb") as handle:
        assert pickle.load(handle)  # the articles, as Pelican saved them
    article = content / "articles" / "second-article.md"
    article.write_text(article.read_text() + "\nA cachedrebuildmarker word.\n")
    assert builder.build({str(article)})
    assert "cachedrebuildmarker" in (output / "second-article" / "index.html").read_text(encoding="utf-8")


def test_a_broken_bib_entry_shows_on_its_citing_page_and_the_rest_is_rebuilt(tmp_path, logged_builder):
    """The devserver goes on after a bibliography mistake, as tools/build.py does: the page
    citing the broken entry is served as the error page with the .bib file's path:line, the
    other pages are rebuilt with their edits, and fixing the entry brings the page back."""
    from tools import devserver

    content = copy_site("minimal", tmp_path)
    citing = content / "articles" / "first-article.md"
    citing.write_text(citing.read_text() + "\nA cited sentence [@minimal2026].\n")
    builder = logged_builder(content)
    assert builder.build()
    assert builder.session.cited[str(citing)] == {"minimal2026"}
    bib = content / "bibliography" / "minimal.bib"
    good = bib.read_text()
    broken_line = 2  # the comma after the author field left out
    assert good.splitlines()[1].endswith(",")
    bib.write_text(good.replace("{{Example Organisation}},", "{{Example Organisation}}", 1))
    other = content / "articles" / "second-article.md"
    other.write_text(other.read_text() + "\nA sentence added while the entry is broken.\n")
    assert not builder.build()
    page = next(iter(builder.pages_of[str(citing)]))
    found = builder.mistakes_for("/" + page)
    assert found, builder.mistakes
    own = [(path, line) for path, line, _level, _text in found[1]]
    assert (str(bib), broken_line) in own, found
    body = devserver.error_page(found[1], found[2], builder.generation).decode()
    assert f"{os.path.relpath(bib)}:{broken_line}:" in body
    other_page = next(iter(builder.pages_of[str(other)]))
    assert builder.mistakes_for("/" + other_page) is None
    assert "A sentence added while the entry" in (tmp_path / "dev" / other_page).read_text()

    bib.write_text(good)
    assert builder.build({str(bib)})
    assert builder.mistakes_for("/" + page) is None
