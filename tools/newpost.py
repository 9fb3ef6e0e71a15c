"""Scaffold a new article with today's date and every required front-matter field.

Every piece of text the writer must replace starts with ``[TODO: `` (the marker
lives in plugins/editorial/strict.py): the draft previews as it is, and an article
that still holds one outside ``Status: draft`` fails the build at that line.

Usage: make newpost TITLE="Ketamine and sleep"
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from pelican.utils import slugify

from plugins.editorial.strict import PLACEHOLDER

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTICLES = os.path.join(ROOT, "content", "articles")

TEMPLATE = """\
Title: {title}
Date: {today}
Modified: {today}
Category: Understanding PTSD
Tags: PTSD
Summary: {todo}one plain sentence, at most 160 characters, that says what the reader will learn]
Author: Editorial team
Reviewer: Editorial team
Last_reviewed: {today}
Status: draft

## In short

- {todo}first key point; cite the source of any number or claim, e.g. [@kilpatrick2013]]
- {todo}second key point]
- {todo}third key point]

## {todo}first section]

{todo}plain words; link each technical term to the [glossary]({{filename}}/pages/glossary.md#ptsd)]

::: faq
### {todo}a question readers ask?]
{todo}a short, plain answer]
:::
"""


def main(argv: list[str], articles: str = ARTICLES) -> int:
    title = " ".join(argv).strip()
    if not title:
        print('error: give a title: make newpost TITLE="Ketamine and sleep"', file=sys.stderr)
        return 2
    slug = slugify(title, regex_subs=[(r"[^\w\s-]", ""), (r"(?u)\s+", "-")])
    path = os.path.join(articles, f"{slug}.md")
    if os.path.exists(path):
        print(f"error: {os.path.relpath(path)} already exists", file=sys.stderr)
        return 1
    os.makedirs(articles, exist_ok=True)
    today = dt.date.today().isoformat()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(TEMPLATE.format(title=title.replace("\n", " "), today=today, todo=PLACEHOLDER))
    print(f"Created {os.path.relpath(path)}: a draft, previewed at /drafts/{slug}.html; "
          "replace every [TODO: ...], then delete 'Status: draft' to publish")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
