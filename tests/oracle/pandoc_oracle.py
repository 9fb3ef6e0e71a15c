"""pandoc (from the ``pypandoc-binary`` wheel) as the reference for citation syntax,
and the plugin (its Markdown extension, end to end) as what is compared.

Each batch is ONE pandoc call: every snippet goes into its own fenced div
(``::: {#case-N}``), so one ``pandoc -f markdown -t json`` run parses the whole
corpus and the div id says which snippet a ``Cite`` came from.  Prefixes and
suffixes are compared as a canonical text of their inlines (markup kept as
``*…*``, ``**…**``, ``` `…` ``` …; spaces and no-break spaces folded), so a raw
Markdown suffix of ours is canonicalised by the same pandoc call kind.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import markdown
import pypandoc
from pelican.plugins.faq_citations import FaqCitationsError, FaqCitationsExtension, load_bibliography
from pelican.plugins.faq_citations.errors import each_error

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "plugins" / "faq_citations"



MODES = {"NormalCitation": "normal", "SuppressAuthor": "suppress-author", "AuthorInText": "author-in-text"}
LEAKS = ("\x02", "\x03", "klzzwxh")


def pandoc_path() -> str:
    return pypandoc.get_pandoc_path()


def run_pandoc(source: str, *args: str) -> str:
    done = subprocess.run(
        [pandoc_path(), *args], input=source.encode(), capture_output=True, check=True, timeout=120
    )
    return done.stdout.decode()


MARK = "<!-- oracle-case {} -->"


def _joined(texts: list[str]) -> str:
    # Top-level blocks, not divs: pandoc re-parses a div's content from a string,
    # which restarts source positions and confuses its "not after a word" check.
    return "".join(f"{MARK.format(n)}\n\n{text}\n\n" for n, text in enumerate(texts))


def _split(doc) -> dict[int, list]:
    """Top-level blocks of a joined document, by case number."""
    cases: dict[int, list] = {}
    current = None
    for block in doc["blocks"]:
        if block["t"] == "RawBlock" and block["c"][1].startswith("<!-- oracle-case "):
            current = int(block["c"][1].split()[2])
            cases[current] = []
        elif current is not None:
            cases[current].append(block)
    return cases


def canon(inlines) -> str:
    """Inline list -> comparable text (markup kept, whitespace folded)."""
    out = []

    def go(items):
        for node in items:
            t, c = node["t"], node.get("c")
            if t == "Str":
                out.append(c)
            elif t in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif t == "Emph":
                out.append("*"), go(c), out.append("*")
            elif t == "Strong":
                out.append("**"), go(c), out.append("**")
            elif t == "Superscript":
                out.append("^"), go(c), out.append("^")
            elif t == "Subscript":
                out.append("~"), go(c), out.append("~")
            elif t == "Code":
                out.append("`" + c[1] + "`")
            elif t == "Math":
                out.append("$" + c[1] + "$")
            elif t == "RawInline":
                out.append(c[1])
            elif t in ("Link", "Image"):
                out.append("["), go(c[1]), out.append("](" + c[2][0] + ")")
            elif t == "Quoted":
                q = '"' if c[0]["t"] == "DoubleQuote" else "'"
                out.append(q), go(c[1]), out.append(q)
            elif t in ("Span", "Cite", "Strikeout", "Underline", "SmallCaps"):
                go(c[-1] if t != "Cite" else c[1])
            elif t == "Note":
                out.append("[^]")
            else:
                out.append(f"<{t}>")

    go(inlines)
    return " ".join("".join(out).replace("\u00a0", " ").split())


def _walk_cites(node, found):
    if isinstance(node, dict):
        if node.get("t") == "Figure":  # an image alone: its caption repeats the alt text
            _walk_cites(node["c"][2], found)
            return
        if node.get("t") == "Cite":
            found.append(
                tuple(
                    (
                        c["citationId"],
                        MODES[c["citationMode"]["t"]],
                        canon(c["citationPrefix"]),
                        canon(c["citationSuffix"]),
                    )
                    for c in node["c"][0]
                )
            )
        for value in node.values():
            _walk_cites(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk_cites(value, found)


def pandoc_cites(texts: list[str]) -> list[list[tuple]]:
    """For each snippet, pandoc's Cite groups: ((key, mode, prefix, suffix), ...)."""
    doc = json.loads(run_pandoc(_joined(texts), "-f", "markdown-example_lists", "-t", "json"))
    result: list[list[tuple]] = [[] for _ in texts]
    for n, blocks in _split(doc).items():
        _walk_cites(blocks, result[n])
    return result


def canon_markdown(fragments: list[str]) -> list[str]:
    """Our raw Markdown prefixes/suffixes, canonicalised through pandoc (one call)."""
    if not fragments:
        return []
    # "ZZ" first: a fragment alone could start a list ("-", "1.", "Z.") or a heading.
    joined = _joined(["ZZ" + " ".join(f.split()) for f in fragments])
    doc = json.loads(run_pandoc(joined, "-f", "markdown-citations", "-t", "json"))
    result = [""] * len(fragments)
    for n, blocks in _split(doc).items():
        inner = [i for b in blocks if b["t"] in ("Para", "Plain") for i in b["c"]]
        result[n] = canon(inner)[2:].strip()
    return result


@dataclass
class Ours:
    groups: list[tuple]
    lines: list[int]
    leaks: list[str]


def paragraphs(text: str):
    """(offset, paragraph) for each blank-line separated paragraph."""
    offset = 0
    for part in text.split("\n\n"):
        yield offset, part
        offset += len(part) + 2


def oracle_bibliography(keys, workdir: Path):
    """A CSL-JSON file with one entry per key (so every key pandoc cites is known)."""
    refs = workdir / "oracle-refs.json"
    refs.write_text(
        json.dumps(
            [
                {"id": k, "type": "book", "title": f"Title {n}", "author": [{"family": f"Author{n}"}],
                 "issued": {"date-parts": [[2000 + n % 20]]}}
                for n, k in enumerate(sorted(k for k in keys if k not in ("", "*")))
            ]
        ),
        encoding="utf-8",
    )
    bibliography, problems = load_bibliography([str(refs)])
    assert not problems, problems
    return bibliography


@dataclass
class Plugin:
    """What the plugin made of one snippet: ``md.citations``, its errors, its HTML."""

    citations: list[dict]
    errors: list[tuple]
    html: str


def plugin_run(texts: list[str], keys, workdir: Path, style: str | None = None) -> list[Plugin]:
    """Each snippet through the Markdown extension (end to end), one bibliography for all."""
    bibliography = oracle_bibliography(keys, workdir)
    if style:
        bibliography.style_name = style
    result = []
    for text in texts:
        extension = FaqCitationsExtension(bibliography=bibliography)
        md = markdown.Markdown(extensions=["extra", "toc", "sane_lists", extension])
        try:
            html, errors = md.convert(text), []
        except FaqCitationsError as error:
            html, errors = "", [(e.line, e.message) for e in each_error(error)]
        result.append(Plugin(list(getattr(md, "citations", [])), errors, html))
    return result


def our_cites(runs: list[Plugin]) -> list[Ours]:
    """The plugin's groups as (key, mode, prefix, suffix), canonicalised by pandoc."""
    fragments = [
        f for run in runs for g in run.citations for i in g["items"] for f in (i["prefix"], i["suffix"])
    ]
    canon_iter = iter(canon_markdown(fragments))
    result = []
    for run in runs:
        structured, leaks = [], []
        for g in run.citations:
            items = []
            for i in g["items"]:
                prefix, suffix = next(canon_iter), next(canon_iter)
                items.append((i["key"], i["mode"], prefix, suffix))
            structured.append(tuple(items))
        leaks += [f"html: {leak!r}" for leak in LEAKS if leak in run.html]
        leaks += [f"error: {leak!r}" for leak in LEAKS for _line, message in run.errors if leak in message]
        lines = [g["items"][0]["line"] for g in run.citations]
        result.append(Ours(structured, lines, leaks))
    return result


LOCATOR_TYPES = (
    "book chapter column figure folio issue line note opus page paragraph part section sub-verbo verse volume"
).split()


def _probe_style() -> str:
    """A CSL style whose citations print ``⟦title¦label¦locator⟧`` (title = key)."""
    tags = ["if"] + ["else-if"] * (len(LOCATOR_TYPES) - 1)
    branches = "".join(
        f'<{tag} locator="{t}"><text value="{t}"/></{tag}>'
        for tag, t in zip(tags, LOCATOR_TYPES, strict=True)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
        "<info><title>locator probe</title><id>probe</id><updated>2026-01-01T00:00:00+00:00</updated></info>"
        '<citation><layout delimiter="">'
        '<group><text value="⟦"/><text variable="title"/><text value="¦"/>'
        f"<choose>{branches}</choose>"
        '<text value="¦"/><text variable="locator"/><text value="⟧"/></group>'
        "</layout></citation>"
        '<bibliography><layout><text variable="title"/></layout></bibliography></style>'
    )


def pandoc_locators(texts: list[str], keys: set[str], workdir: Path) -> list[list[tuple]]:
    """For each snippet, (key, label, locator) per cited item as pandoc's citeproc
    splits the suffix (one pandoc --citeproc call)."""
    import re

    style = workdir / "probe.csl"
    style.write_text(_probe_style(), encoding="utf-8")
    refs = workdir / "probe.json"
    refs.write_text(
        json.dumps([{"id": k, "type": "book", "title": f"K{n}K"} for n, k in enumerate(sorted(keys))]),
        encoding="utf-8",
    )
    names = {f"K{n}K": k for n, k in enumerate(sorted(keys))}
    doc = json.loads(
        run_pandoc(
            _joined(texts),
            "-f",
            "markdown-example_lists",
            "-t",
            "json",
            "--citeproc",
            f"--csl={style}",
            f"--bibliography={refs}",
            "-M",
            "suppress-bibliography=true",
        )
    )
    result: list[list[tuple]] = [[] for _ in texts]
    for n, blocks in _split(doc).items():
        flat = [b2 for b in blocks for b2 in (b["c"][2] if b["t"] == "Figure" else [b])]
        text = canon([i for b in flat if b["t"] in ("Para", "Plain") for i in b["c"]])
        for title, label, loc in re.findall(r"⟦(K\d+K)¦([^¦]*)¦([^⟧]*)⟧", text):
            result[n].append((names[title], label or None, loc or None))
    return result
