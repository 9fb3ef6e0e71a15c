"""One file's report: ``make check FILE=content/articles/x.md``.

    python -m tools.check content/articles/x.md [--content content] [--today YYYY-MM-DD]

Prints, for one article or page, without building the site: its words; the
reading grade of its body, Summary and FAQ answers; the sources it cites (key
and how often); its FAQ questions; its review dates; technical terms missing
from the glossary; and its broken links, each as ``path:line: error: ...``.
Exits 1 when the file has a mistake (a broken link, a bad review date, an
author mistake the build would report), 0 otherwise.

The figures are make lint's content report (tools/content_report.py), from one
conversion with the citation plugin's own extension; the link rules are the
build's (plugins/linkcheck/links.py), resolved against the content folder (each
file's page and ids) and, for the site-wide pages (topics, FAQ, sources), the
last build in ``output/`` when there is one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib.metadata
import json
import os
import sys
from collections import Counter

if __name__ == "__main__":  # one file's check needs none of Pelican (tools/lean_imports.py)
    from tools.lean_imports import skip_package_init

    skip_package_init("pelican", "plugins.editorial", "plugins.linkcheck")

from pelican.plugins.faq_citations.errors import AuthorError, each_error, format_line  # noqa: E402

from plugins.editorial.frontmatter import header_entries, header_fields  # noqa: E402
from plugins.editorial.strict import (  # noqa: E402
    category_problem,
    date_problems,
    field_problems,
    is_draft,
    placeholder_problems,
    summary_problem,
)
from plugins.linkcheck.links import Site, broken_links, ids_of_file, links_in, plain_html, resolver  # noqa: E402
from tools.cache import digest, file_bytes, json_cached  # noqa: E402
from tools.content_report import analyse_article, citation_numbers, glossary_entries  # noqa: E402
from tools.site_content import (  # noqa: E402
    CONTENT,
    ROOT,
    converter,
    converter_key,
    markdown_files,
    site_setting,
)

STATIC_FOLDERS = ("images",)


def page_url(path: str) -> str:
    """``/slug/`` as pelicanconf.py writes it (the slug is the file name, or a Slug: field)."""
    slug = header_fields(path).get("slug", (0, ""))[1] or os.path.splitext(os.path.basename(path))[0]
    return f"/{slug}/"


def generated_pages(content: str) -> dict[str, str]:
    """The pages the build makes besides the content's own (FAQ, sources, topics, tags,
    archives, search...), from the site's settings; their ids are unknown here. Cached
    (tools/cache.py) by pelicanconf.py, Pelican's version, this file and the articles'
    topics and tags, so a check need not import Pelican."""
    names = []
    for path in markdown_files(content, ("articles",)):
        fields = header_fields(path)
        names.append([fields.get("category", (0, ""))[1],
                      [t.strip() for t in fields.get("tags", (0, ""))[1].split(",")]])
    settings_file = os.path.join(ROOT, "pelicanconf.py")
    key = [file_bytes(settings_file), importlib.metadata.version("pelican"), file_bytes(__file__),
           json.dumps(names)]
    return json_cached("generated-pages", key, lambda: _generated_pages(settings_file, names))


def _generated_pages(settings_file: str, names: list) -> dict[str, str]:
    from pelican.settings import read_settings
    from pelican.utils import slugify

    settings = read_settings(settings_file)
    saved = [value for name, value in settings.items()
             if name.endswith("_SAVE_AS") and isinstance(value, str) and value and "{" not in value]
    saved += ["faq/index.html", "sources/index.html"]  # faq_citations' defaults
    for topic, tags in names:
        for pattern, values, subs in (
            ("CATEGORY_SAVE_AS", [topic], "CATEGORY_REGEX_SUBSTITUTIONS"),
            ("TAG_SAVE_AS", tags, "TAG_REGEX_SUBSTITUTIONS"),
        ):
            rules = settings.get(subs) or settings["SLUG_REGEX_SUBSTITUTIONS"]
            saved += [settings[pattern].format(slug=slugify(n, regex_subs=rules)) for n in values if n]
    pages = {}
    for page in saved:
        pages["/" + page] = "generated"
        if page.endswith("index.html"):
            pages["/" + page[: -len("index.html")]] = "generated"
    return pages


def content_site(content: str, output: str | None) -> Site:
    """The site as the content folder (and the last build's output) describes it."""
    pages: dict[str, str] = generated_pages(content)
    sources: dict[str, str] = {}
    if output and os.path.isdir(output):
        for folder, _dirs, files in os.walk(output):
            for name in files:
                full = os.path.join(folder, name)
                relative = "/" + os.path.relpath(full, output).replace(os.sep, "/")
                pages[relative] = full
                if name == "index.html":
                    pages[relative[: -len("index.html")]] = full
    for path in markdown_files(content):
        url = page_url(path)
        pages[url] = path
        sources[os.path.relpath(path, content).replace(os.sep, "/")] = url
    for folder in STATIC_FOLDERS:
        for dirpath, _dirs, names in os.walk(os.path.join(content, folder)):
            for name in names:
                relative = os.path.relpath(os.path.join(dirpath, name), content).replace(os.sep, "/")
                sources[relative] = pages.setdefault("/" + relative, os.path.join(dirpath, name)) and \
                    "/" + relative

    def converted_ids(path: str) -> list[str]:
        try:
            with open(path, encoding="utf-8") as handle:
                return sorted(links_in(converter(content).convert(handle.read()))[1])
        except (OSError, UnicodeDecodeError, AuthorError):
            return []

    @functools.cache
    def ids(key: str) -> frozenset[str] | None:
        if key.endswith((".md", ".markdown")):  # cached (tools/cache.py): a conversion each
            cache_key = [*converter_key(content), file_bytes(__file__), key, file_bytes(key)]
            return frozenset(json_cached("ids-" + digest([key])[:16], cache_key, lambda: converted_ids(key)))
        if key == "generated":
            return None
        return ids_of_file(key) if key.endswith(".html") else frozenset()

    return Site(pages=pages, ids=ids, sources=sources)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="the Markdown file, e.g. content/articles/what-is-ptsd.md")
    parser.add_argument("--content", default=CONTENT)
    parser.add_argument("--output", default=os.path.join(ROOT, "output"))
    parser.add_argument("--today", default=os.environ.get("EDITORIAL_TODAY") or None)
    args = parser.parse_args(argv)
    if not args.file:
        print('error: name the file: make check FILE=content/articles/what-is-ptsd.md', file=sys.stderr)
        return 2
    path, content = os.path.abspath(args.file), os.path.abspath(args.content)
    shown = os.path.relpath(path)
    if not os.path.isfile(path):
        print(f"{shown}: error: no such file", file=sys.stderr)
        return 2
    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    front = front_matter_mistakes(path)
    try:
        report, md, html = analyse_article(path, content, today, glossary_entries(content))
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{shown}: error: cannot read: {exc}", file=sys.stderr)
        return 1
    except AuthorError as mistake:
        # The build's Markdown mistakes stop the report; every mistake of the file is still
        # shown, in line order, with the broken links of its plain Markdown.
        body, _summary = plain_html(path, site_setting("MARKDOWN"))
        found = [(line, message) for line, message in front]
        found += [(error.line or 0, error.message) for error in each_error(mistake)]
        links = links_of(path, content, args.output, body)
        found += [(line or 0, problem.message) for line, problem in links]
        for line, message in sorted(found, key=lambda item: item[0]):
            print(format_line(shown, line or None, message))
        print(f"{shown}: {len(found)} mistake(s); the report (words, grades, sources) follows once "
              "the file's Markdown mistakes are fixed")
        return 1

    def show(value):
        return "-" if value is None else f"{value:g}"

    cited = Counter()
    numbers = citation_numbers(html)
    for index, key in enumerate(md.cited_keys, start=1):
        cited[key] = numbers.get(str(index), 1)
    print(f"{shown}: {report.title}")
    print(f"  words            {report.words}")
    print(f"  reading grade    body {show(report.grade_body)} · summary {show(report.grade_summary)}"
          f" · FAQ answers {show(report.grade_faq)}  (aim for 8 or lower)")
    print(f"  sources cited    {len(cited)} ({report.citations} citations): "
          + (", ".join(f"{key} ×{count}" for key, count in cited.items()) or "none"))
    questions = [item["question"] for item in getattr(md, "faq_items", [])]
    print(f"  FAQ questions    {len(questions)}")
    for question in questions:
        print(f"    - {question}")
    review = report.review or "ok"
    print(f"  review           last {report.last_reviewed or '-'} · next {report.next_review or '-'}"
          f" · {review}")
    gaps = [f"#{a} (no such entry)" for a in report.missing_anchors] + report.missing_terms
    print(f"  glossary gaps    {', '.join(gaps) if gaps else 'none'}")

    broken = links_of(path, content, args.output, html)
    print(f"  broken links     {len(broken) or 'none'}")
    for line, problem in broken:
        print("    " + format_line(shown, line, problem.message))
    print(f"  front matter     {len(front) or 'ok'}")
    for line, message in front:
        print("    " + format_line(shown, line, message))
    bad_review = report.review.startswith("bad")
    return 1 if broken or bad_review or front else 0


def links_of(path: str, content: str, output: str, html: str) -> list:
    """The broken links of the file's ``html``, at their source lines."""
    site = content_site(content, output)
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    body_start = next((i for i, line in enumerate(lines) if not line.strip()), 0)
    source_dir = os.path.dirname(os.path.relpath(path, content)).replace(os.sep, "/")
    return broken_links(html, page_url(path), site, lines, start=body_start, source_dir=source_dir,
                        resolve=resolver(site, source_dir))


def front_matter_mistakes(path: str) -> list[tuple[int, str]]:
    """The build's rules on the front matter as written (plugins/editorial/strict.py):
    dates, fields nobody reads or written twice, a Category typo, the scaffold's text."""
    entries = header_entries(path)
    fields = {key: (line, value) for line, key, _written, value in entries}
    found = date_problems(fields) + field_problems(entries)
    if "category" in fields:
        problem = category_problem(fields["category"][1], site_setting("TOPIC_ORDER") or ())
        if problem:
            found.append((fields["category"][0], problem))
    if not is_draft(fields):
        with open(path, encoding="utf-8-sig") as handle:
            found += placeholder_problems(handle.read().splitlines())
        found += [problem for problem in [summary_problem(fields)] if problem]
    return sorted(found)


if __name__ == "__main__":
    sys.exit(main())
