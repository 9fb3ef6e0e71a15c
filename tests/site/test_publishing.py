"""Publishing: the CI workflows, publishconf.py, and every file a static host reads.

The published site (`published_site`, built once as `make publish` builds it) is checked
as a host serves it; small builds of tests/sites/minimal cover the settings (SITEURL, CUSTOM_DOMAIN).
That a failed publish leaves output/ untouched is tested in tests/test_bad_input.py,
through `make publish`'s own command line.
"""

from __future__ import annotations

import gzip
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
import yaml
from lxml import etree

from publish_extras.headers import csp_rules, with_frame_ancestors
from support import PUBLISHCONF, ROOT, build, build_in_process, copy_site, html_pages, page_scripts, soup

SITEURL = "https://example.org/guide"  # what conftest's published_site builds with
WORKFLOWS = ROOT / ".github" / "workflows"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
COMPRESSED = (".html", ".css", ".js")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")


# --- Workflows ---------------------------------------------------------------------------

def check_workflows(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        check=False, capture_output=True, text=True, timeout=120,
    )


def load_workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def all_steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_every_workflow_validates_against_the_github_schema():
    workflows = sorted(WORKFLOWS.glob("*.yml"))
    assert {p.name for p in workflows} >= {"publish.yml", "test.yml"}
    result = check_workflows(*workflows)
    assert result.returncode == 0, result.stdout + result.stderr


def test_publish_workflow_has_least_privilege_and_one_deploy_at_a_time():
    workflow = load_workflow("publish.yml")
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    for name, job in workflow["jobs"].items():
        permissions = job.get("permissions", {})
        writes = {scope for scope, level in permissions.items() if level == "write"}
        if name == "deploy":
            assert writes == {"pages", "id-token"}
        else:
            assert not writes, f"job {name} must not write: {permissions}"


def test_pull_requests_run_the_same_ci_entry_point():
    workflow = load_workflow("test.yml")
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    assert [s["run"] for s in all_steps(workflow) if "run" in s] == [".ci/run"]


@pytest.mark.parametrize("name", ["publish.yml", "test.yml"])
def test_actions_are_pinned(name):
    workflow = load_workflow(name)
    uses = [step["uses"] for step in all_steps(workflow) if "uses" in step]
    assert uses
    assert [u for u in uses if not PINNED.match(u)] == [], "pin every action to vX.Y.Z or a commit SHA"


# --- The published site ------------------------------------------------------------------

def site_links(page_soup):
    for tag in page_soup.find_all(True):
        for attribute in ("href", "src", "action"):
            value = tag.get(attribute)
            if value is not None:
                yield tag.name, attribute, value.strip()


def is_inside_site_but_not_absolute(value: str) -> bool:
    """True for a link into the site that is not written as an absolute SITEURL address."""
    if value.startswith("#"):
        return False
    parts = urlsplit(value)
    if parts.scheme in ("mailto", "tel", "data"):
        return False
    if parts.scheme or parts.netloc:
        if parts.netloc != urlsplit(SITEURL).netloc:
            return False  # another website
        return not (value == SITEURL or value.startswith(SITEURL + "/"))
    return True  # relative or root-relative: resolves against wherever the page is served


def test_every_internal_link_is_absolute_under_siteurl(published_site):
    problems = []
    for page in html_pages(published_site):
        for tag, attribute, value in site_links(soup(page)):
            if is_inside_site_but_not_absolute(value):
                problems.append(f"{page.relative_to(published_site)}: <{tag} {attribute}={value!r}>")
    assert problems == []


def test_canonical_and_og_url_are_absolute_page_addresses(published_site):
    for page in html_pages(published_site):
        relative = page.relative_to(published_site).as_posix()
        expected = f"{SITEURL}/{relative.removesuffix('index.html')}"
        document = soup(page)
        assert document.find("link", rel="canonical")["href"] == expected, relative
        assert document.find("meta", property="og:url")["content"] == expected, relative


def test_404_page_links_work_from_any_address(published_site):
    """A host serves 404.html at whatever URL was missing, so relative links would break."""
    page = published_site / "404.html"
    document = soup(page)
    links = [value for _, _, value in site_links(document)]
    assert [v for v in links if is_inside_site_but_not_absolute(v)] == []
    assert f"{SITEURL}/" in links  # the way home
    assert page_scripts(document)[0].startswith(SITEURL + "/")  # the CSS is inline


def test_sitemap_lists_absolute_urls_of_real_pages(published_site):
    tree = etree.parse(str(published_site / "sitemap.xml"))
    locations = tree.xpath("//s:url/s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert locations
    for location in locations:
        assert location.startswith(SITEURL + "/"), location
        path = location[len(SITEURL) + 1:]
        is_folder = path.endswith("/") or not path
        target = published_site / path / "index.html" if is_folder else published_site / path
        assert target.is_file(), f"sitemap lists {location}, which is not in the output"


def test_robots_txt_points_at_the_absolute_sitemap(published_site):
    lines = (published_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {SITEURL}/sitemap.xml" in lines
    assert "User-agent: *" in lines


def test_atom_feeds_parse_with_absolute_links_and_titles(published_site):
    feeds = sorted((published_site / "feeds").glob("*.atom.xml"))
    assert published_site / "feeds" / "all.atom.xml" in feeds
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, f"{path.name}: {feed.bozo_exception}"
        assert feed.entries, path.name
        assert feed.feed.link.startswith(SITEURL + "/"), path.name
        for entry in feed.entries:
            assert entry.title.strip(), path.name
            assert entry.link.startswith(SITEURL + "/"), entry.link
            assert entry.id.startswith(("tag:", SITEURL)), entry.id


def test_every_html_css_js_file_has_an_identical_deterministic_gz_copy(published_site):
    originals = sorted(p for p in published_site.rglob("*") if p.suffix in COMPRESSED and p.is_file())
    assert any(p.suffix == ".css" for p in originals) and any(p.suffix == ".js" for p in originals)
    for original in originals:
        compressed = original.with_name(original.name + ".gz")
        assert compressed.is_file(), f"no {compressed.relative_to(published_site)}"
        data = compressed.read_bytes()
        assert gzip.decompress(data) == original.read_bytes(), original.name
        assert data[4:8] == b"\0\0\0\0", f"{compressed.name}: timestamp in the gzip header"
        assert not data[3] & 0x08, f"{compressed.name}: file name in the gzip header"


def parse_headers_file(text: str) -> list[tuple[str, dict[str, str]]]:
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), {}))
        else:
            name, _, value = line.strip().partition(":")
            assert rules, f"header line before any path: {line!r}"
            assert name not in rules[-1][1], f"{name} twice in the rule for {rules[-1][0]}"
            rules[-1][1][name] = value.strip()
    return rules


def headers_for(rules, path: str) -> dict[str, list[str]]:
    """Every value each header gets at ``path``: hosts apply all matching rules."""
    found: dict[str, list[str]] = {}
    for pattern, headers in rules:
        regex = "^" + re.escape(pattern).replace(r"\*", ".*") + "$"
        if re.match(regex, path):
            for name, value in headers.items():
                found.setdefault(name, []).append(value)
    return found


def served_paths(relative: str) -> list[str]:
    if relative == "index.html":
        return ["/", "/index.html"]
    if relative.endswith("/index.html"):
        return ["/" + relative.removesuffix("index.html"), "/" + relative]
    return ["/" + relative]


def test_headers_file_gives_each_page_its_meta_csp_plus_frame_ancestors(published_site):
    rules = parse_headers_file((published_site / "_headers").read_text(encoding="utf-8"))
    for page in html_pages(published_site):
        relative = page.relative_to(published_site).as_posix()
        document = soup(page)
        meta_csp = document.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        referrer = document.find("meta", attrs={"name": "referrer"})["content"]
        for path in served_paths(relative):
            headers = headers_for(rules, path)
            assert headers.get("Content-Security-Policy") == [f"{meta_csp}; frame-ancestors 'none'"], path
            assert headers.get("Referrer-Policy") == [referrer], path
            assert headers.get("X-Content-Type-Options") == ["nosniff"], path
            (permissions,) = headers["Permissions-Policy"]
            assert "camera=()" in permissions and "microphone=()" in permissions, path


def test_search_page_has_its_own_csp_rule_for_pagefind(published_site):
    rules = parse_headers_file((published_site / "_headers").read_text(encoding="utf-8"))
    (search_csp,) = headers_for(rules, "/search/")["Content-Security-Policy"]
    (home_csp,) = headers_for(rules, "/")["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in search_csp
    assert "'wasm-unsafe-eval'" not in home_csp


def test_csp_rules_never_overlap_when_pages_disagree():
    strict, search = "default-src 'self'", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
    rules = csp_rules({
        "index.html": strict, "404.html": strict, "a/index.html": strict,
        "topics/x/index.html": strict, "search/index.html": search,
    })
    assert ("/search/*", search) in rules
    assert ("/*", strict) not in rules
    for path in ["/", "/index.html", "/404.html", "/a/", "/topics/x/", "/search/"]:
        matching = [p for pattern, p in rules
                    if re.match("^" + re.escape(pattern).replace(r"\*", ".*") + "$", path)]
        assert len(matching) == 1, (path, matching)


def test_csp_rules_collapse_to_one_rule_when_every_page_agrees():
    assert csp_rules({"index.html": "a", "x/index.html": "a", "404.html": "a"}) == [("/*", "a")]


def test_frame_ancestors_is_added_once():
    assert with_frame_ancestors("default-src 'self';") == "default-src 'self'; frame-ancestors 'none'"
    assert with_frame_ancestors("frame-ancestors *; img-src 'self'") == (
        "img-src 'self'; frame-ancestors 'none'")


# --- Settings, on the small fixture site ------------------------------------------------

def publish_minimal(tmp_path: Path, monkeypatch, env: dict, *, today: str = "2026-04-01",
                    name: str = "out"):
    """tests/sites/minimal built in-process with publishconf.py, which reads SITEURL and
    CUSTOM_DOMAIN from the environment; ``ok`` is what `make publish` (--fatal warnings)
    would say."""
    content = tmp_path / "minimal"
    if not content.exists():
        content = copy_site("minimal", tmp_path)
    output = tmp_path / name
    for key, value in {"SITEURL": "", "CUSTOM_DOMAIN": "", **env}.items():
        monkeypatch.setenv(key, value)
    result = build_in_process(content, output, conf=PUBLISHCONF, EDITORIAL_TODAY=today)
    result.ok = result.returncode == 0 and not result.warnings
    return result, output


def canonical(output: Path, relative: str = "first-article/index.html") -> str:
    return soup(output / relative).find("link", rel="canonical")["href"]


def test_siteurl_comes_from_the_environment(tmp_path, monkeypatch):
    result, output = publish_minimal(tmp_path, monkeypatch, {"SITEURL": "https://other.example/sub/"})
    assert result.ok, result.stderr
    assert canonical(output) == "https://other.example/sub/first-article/"
    feed = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    assert all(e.link.startswith("https://other.example/sub/") for e in feed.entries)
    assert not (output / "CNAME").exists()


def test_custom_domain_writes_cname_and_is_the_default_siteurl(tmp_path, monkeypatch):
    result, output = publish_minimal(tmp_path, monkeypatch, {"CUSTOM_DOMAIN": "guide.example.org"})
    assert result.ok, result.stderr
    assert (output / "CNAME").read_text(encoding="ascii") == "guide.example.org\n"
    assert canonical(output) == "https://guide.example.org/first-article/"


def test_no_cname_without_a_custom_domain(tmp_path, monkeypatch):
    result, output = publish_minimal(tmp_path, monkeypatch, {"SITEURL": "https://guide.example.org"})
    assert result.ok, result.stderr
    assert not (output / "CNAME").exists()
    assert (output / "_headers").is_file()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CUSTOM_DOMAIN": "https://guide.example.org/"}, "is not a host name"),
        ({"CUSTOM_DOMAIN": "guide.example.org", "SITEURL": "https://other.example"},
         "does not match SITEURL"),
        ({"SITEURL": "guide.example.org"}, "is not an absolute URL"),
        ({}, "no SITEURL: say where the site is served from, e.g. SITEURL=https://guide.example.org"),
        ({"SITEURL": "https://example.github.io/ptsd-ketamine-guide"}, "is a placeholder address"),
    ],
    ids=["domain-with-scheme", "domain-siteurl-mismatch", "siteurl-without-scheme", "no-siteurl",
         "placeholder-siteurl"],
)
def test_publishing_configuration_mistakes_are_refused(monkeypatch, env, message):
    """publishconf.py reads the environment; publish_extras refuses each mistake at start-up."""
    from pelican.settings import read_settings

    from publish_extras import PublishExtrasConfigError, check_settings

    for key, value in {"SITEURL": "", "CUSTOM_DOMAIN": "", **env}.items():
        monkeypatch.setenv(key, value)
    settings = read_settings(str(PUBLISHCONF))
    with pytest.raises(PublishExtrasConfigError) as refused:
        check_settings(settings)
    assert message in str(refused.value)


def test_a_configuration_mistake_stops_make_publish_with_one_line(tmp_path):
    """The same refusal through tools/build.py: one error line, no output written."""
    content = copy_site("minimal", tmp_path)
    output = tmp_path / "out"
    result = build(output, content=content, conf=PUBLISHCONF, fatal="warnings",
                   settings={"EDITORIAL_TODAY": "2026-04-01"}, env={"SITEURL": "", "CUSTOM_DOMAIN": ""})
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "no SITEURL: say where the site is served from" in errors[0], result.stderr
    assert not output.exists()


def test_gz_copies_are_byte_reproducible(tmp_path, monkeypatch):
    first_result, first = publish_minimal(tmp_path, monkeypatch, {"SITEURL": SITEURL}, name="first")
    second_result, second = publish_minimal(tmp_path, monkeypatch, {"SITEURL": SITEURL}, name="second")
    assert first_result.ok and second_result.ok
    compared = 0
    for gz in sorted(first.rglob("*.gz")):
        relative = gz.relative_to(first)
        original = relative.with_suffix("")
        if (first / original).read_bytes() == (second / original).read_bytes():
            assert gz.read_bytes() == (second / relative).read_bytes(), relative
            compared += 1
    assert compared >= 10


# --- Make targets, and what a failed publish leaves behind -------------------------------

def test_rsync_upload_publishes_then_mirrors_output_with_delete(tmp_path):
    make = shutil.which("make")
    assert make, "make is required"
    output = tmp_path / "output"
    result = subprocess.run(
        [make, "-n", "rsync_upload", "SSH_HOST=web.example.net", "SSH_PORT=2222",
         "SSH_USER=deploy", "SSH_TARGET_DIR=/srv/guide", f"OUTPUTDIR={output}"],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    commands = result.stdout.replace("\\\n", " ").splitlines()
    publish = next(i for i, c in enumerate(commands) if "tools.build" in c and "publishconf.py" in c)
    assert "--fatal warnings" in commands[publish]
    rsync_at = next(i for i, c in enumerate(commands) if c.lstrip().startswith("rsync "))
    assert publish < rsync_at
    argv = shlex.split(commands[rsync_at])
    assert "--delete" in argv
    assert argv[argv.index("-e") + 1] == "ssh -p 2222"
    assert argv[-2:] == [f"{output}/", "deploy@web.example.net:/srv/guide"]


def test_absolute_url_check_catches_relative_links():
    """The link rule above is not vacuous: each kind of non-absolute link is caught."""
    for value in ["/guide/x/", "x/", "../x/", "https://example.org/elsewhere/",
                  urljoin(SITEURL, "/other")]:
        assert is_inside_site_but_not_absolute(value), value
    for value in ["#main", f"{SITEURL}/x/", SITEURL, "https://doi.org/10.1/x", "mailto:a@b.c"]:
        assert not is_inside_site_but_not_absolute(value), value
