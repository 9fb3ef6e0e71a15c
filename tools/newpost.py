"""Scaffold a new article with today's date and every required front-matter field.

Usage: make newpost TITLE="Ketamine and sleep"
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from pelican.utils import slugify

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTICLES = os.path.join(ROOT, "content", "articles")

TEMPLATE = """\
Title: {title}
Date: {today}
Modified: {today}
Category: Understanding PTSD
Tags: PTSD
Summary: One plain sentence, at most 160 characters, that says what the reader will learn.
Author: Editorial team
Reviewer: Editorial team
Last_reviewed: {today}
Status: draft

## In short

- First key point, with a citation for any number or claim [@kilpatrick2013].
- Second key point.
- Third key point.

## First section

Write in plain language. Define each technical term at first use and link it to
the [glossary]({{filename}}/pages/glossary.md#ptsd).

::: faq
### A question readers ask?
A short, plain answer.
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
        handle.write(TEMPLATE.format(title=title.replace("\n", " "), today=today))
    print(f"Created {os.path.relpath(path)} (Status: draft; remove that line to publish)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
