"""The Markdown floor: the site's Markdown settings alone, no Pelican, no plugin.

Usage (from the repository root): ``python -m tools.bench.markdown_floor ARTICLES OUT``
converts every ``ARTICLES/*.md`` into ``OUT/<name>.html``. A program of its own
so that ``make bench`` times it in a fresh process, as it times the builds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import markdown

import pelicanconf


def convert_all(articles: Path, out: Path) -> None:
    config = pelicanconf.MARKDOWN
    md = markdown.Markdown(
        extensions=list(config["extension_configs"]),
        extension_configs=config["extension_configs"],
        output_format=config.get("output_format", "html5"),
    )
    for path in sorted(articles.glob("*.md")):
        (out / (path.stem + ".html")).write_text(md.reset().convert(path.read_text("utf-8")), "utf-8")


if __name__ == "__main__":
    convert_all(Path(sys.argv[1]), Path(sys.argv[2]))
