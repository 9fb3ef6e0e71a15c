"""The "Compare your options" decision aid (issue 16): a page whose front matter
names a data file (``Decision_aid: data/compare-options.yaml``, relative to PATH)
gets ``page.decision_aid`` -- the options, rows, rendered cells, reference list
and questions -- for its template (``Template: compare-options`` or
``Template: questions-to-ask``).

Why each hook:

* ``initialized`` -- start a new run: forget the data files read by the last one (the
  devserver rebuilds in one process; what a data file renders to is kept across runs
  until the file, the bibliography or the settings change, and its mistakes are
  reported again in every run). The run's state lives on one ``DecisionAidRun``,
  as the other plugins keep theirs (linkcheck's ``LinkCheckRun``).
* ``content_object_init`` -- load and check the data file (once per run), render
  the cells through the faq_citations extension (and their print summaries with
  the same citation numbers) and put the page's cited keys in
  its metadata, so /sources/ lists the page (its generator runs after Pelican's).
* ``all_generators_finalized`` -- every article and page is known: check each
  option's ``article`` slug and each ``{filename}`` link in a cell, then resolve
  those links the way Pelican resolves an article's (``Content._update_content``).

Every mistake is one ``path:line: error: message`` line through the shared
reporter (faq_citations.errors.report); the YAML line comes from ruamel.yaml.
"""

from __future__ import annotations

import copy
import logging
import os

from markupsafe import Markup
from pelican import signals
from pelican.contents import Page
from pelican.plugins.faq_citations.errors import AuthorError, report

from . import data, render

logger = logging.getLogger(__name__)
METADATA_KEY = "decision_aid"


def bibliography_for(settings):
    from pelican.plugins.faq_citations import pelican_glue

    return pelican_glue._run.current_bibliography(settings)


def typogrify_for(settings):
    if not settings.get("TYPOGRIFY"):
        return None
    from typogrify.filters import typogrify

    ignore = settings.get("TYPOGRIFY_IGNORE_TAGS", [])
    omit = dict.fromkeys(settings.get("TYPOGRIFY_OMIT_FILTERS", []), False)
    return lambda html: typogrify(html, ignore, **omit)


def signature(path: str, settings) -> tuple:
    """What the data for ``path`` is made from: the file, the bibliography (an object the
    citation plugin keeps until a bibliography file changes) and the settings it reads."""
    stat = os.stat(path)
    keep = ("MARKDOWN", "TYPOGRIFY", "TYPOGRIFY_IGNORE_TAGS", "TYPOGRIFY_OMIT_FILTERS",
            "FAQ_CITATIONS_REFERENCES_TITLE")
    return (stat.st_mtime_ns, stat.st_size, id(bibliography_for(settings)),
            repr([settings.get(name) for name in keep]))


def _header_line(content) -> int | None:
    try:
        with open(content.source_path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.lower().startswith("decision_aid:"):
                    return number
    except OSError:
        pass
    return None


class DecisionAidRun:
    """One build's decision aids: each data file read, checked and rendered once per run."""

    def __init__(self) -> None:
        self.aids: dict[str, tuple] = {}  # this run's: path -> (data.DecisionAid, template data)
        # across runs: path -> (signature, bibliography, aid, template data, mistakes)
        self.kept: dict[str, tuple] = {}

    def start(self, _pelican=None) -> None:
        self.aids = {}

    def build(self, path: str, settings) -> dict:
        """The template's data for one data file; its mistakes reported once per run.

        A run reads its data file again only when the file, the bibliography or the settings
        changed (``make devserver`` runs Pelican once per edit in one process); each run gets
        its own copy, as ``resolve_links`` fills in URLs."""
        if path not in self.aids:
            key = signature(path, settings)
            kept = self.kept.get(path)
            if kept is not None and kept[0] == key and kept[1] is bibliography_for(settings):
                _, _, aid, template_data, mistakes = kept
                for mistake in mistakes:
                    report(mistake)
                self.aids[path] = (aid, copy.deepcopy(template_data))
                return self.aids[path][1]
            aid, errors = data.load(path)
            cells, references, cited, render_errors = ({}, "", [], [])
            if aid.options:
                cells, references, cited, render_errors = render.render(
                    aid, bibliography_for(settings), settings, typogrify_for(settings)
                )
            for mistake in [*errors, *render_errors]:
                report(mistake)
            short = render.summaries(aid, cells, typogrify_for(settings)) if cells else {}
            options = [
                {
                    "id": option.id,
                    "name": option.name,
                    "group": option.group,
                    "article": option.article,
                    "cells": [
                        {
                            "row": row,
                            "html": Markup(cells.get((option.id, row["id"]), "")),
                            "not_known": option.cells[row["id"]].not_known
                            if row["id"] in option.cells
                            else None,
                            "summary": Markup(short.get((option.id, row["id"]), "")),
                            "summary_not_known": (
                                option.summary[row["id"]].not_known if row["id"] in option.summary else None
                            ),
                        }
                        for row in aid.rows
                    ],
                }
                for option in aid.options
            ]
            groups = []
            for option in options:
                if not groups or groups[-1]["name"] != option["group"]:
                    groups.append({"name": option["group"], "options": []})
                groups[-1]["options"].append(option)
            self.aids[path] = (
                aid,
                {
                    "title": aid.title,
                    "reviewed": aid.reviewed,
                    "rows": aid.rows,
                    "options": options,
                    "groups": groups,
                    "questions": aid.questions,
                    "references": Markup(references),
                    "cited_keys": cited,
                    "ok": not errors and not render_errors,
                },
            )
            self.kept[path] = (key, bibliography_for(settings), aid, copy.deepcopy(self.aids[path][1]),
                               [*errors, *render_errors])
        return self.aids[path][1]

    def attach(self, content) -> None:
        if not isinstance(content, Page) or not content.metadata.get(METADATA_KEY):
            return
        relative = str(content.metadata[METADATA_KEY]).strip()
        path = os.path.join(content.settings["PATH"], relative)
        if not os.path.isfile(path):
            report(
                f"'Decision_aid: {relative}' names no file; give the data file's path relative to "
                f"{content.settings['PATH']}/",
                path=content.source_path,
                line=_header_line(content),
            )
            content.decision_aid = None
            return
        aid = self.build(path, content.settings)
        content.decision_aid = aid
        keys = list(dict.fromkeys([*(content.metadata.get("cited_keys") or []), *aid["cited_keys"]]))
        content.metadata["cited_keys"] = keys
        content.cited_keys = keys

    def resolve_links(self, generators) -> None:
        """Article slugs and ``{filename}`` links, once every page is known."""
        pages = [
            page
            for generator in generators
            for page in [*getattr(generator, "pages", []), *getattr(generator, "hidden_pages", [])]
            if getattr(page, "decision_aid", None)
        ]
        if not pages:
            return
        context = pages[0]._context
        known = {str(name).replace(os.sep, "/") for name in context.get("generated_content", {})}
        known |= {str(name).replace(os.sep, "/") for name in context.get("static_content", {})}
        slugs = {
            getattr(item, "slug", None): item
            for generator in generators
            for item in [*getattr(generator, "articles", []), *getattr(generator, "pages", [])]
        }
        checked = set()
        for page in pages:
            path = os.path.join(page.settings["PATH"], str(page.metadata[METADATA_KEY]).strip())
            if path not in self.aids:
                # a page from Pelican's content cache (make devserver's incremental rebuild) was
                # not read this run, so attach() did not run for it: read its data file now
                page.decision_aid = self.build(path, page.settings)
            aid_source, aid = self.aids[path]
            for option in aid_source.options:
                target = slugs.get(option.article)
                if path not in checked and target is None:
                    report(
                        AuthorError(
                            f"option '{option.id}': no article or page has the slug '{option.article}'; "
                            "'article' is the file name without .md, e.g. how-ptsd-is-treated",
                            line=option.article_line,
                            path=path,
                        )
                    )
                for shown in aid["options"]:
                    if shown["id"] == option.id:
                        shown["url"] = target.url if target is not None else None
                        shown["article_title"] = (
                            getattr(target, "title", None) if target is not None else None
                        )
                for cell in option.cells.values():
                    for link, line in cell.links:
                        name = link.lstrip("/")
                        if path not in checked and (not link.startswith("/") or name not in known):
                            report(
                                AuthorError(
                                    f"cell '{cell.row}' of option '{option.id}': "
                                    f"the link '{{filename}}{link}' points to no page; "
                                    "write it from the content folder, e.g. "
                                    "{filename}/pages/find-care.md",
                                    line=line,
                                    path=path,
                                )
                            )
            checked.add(path)
            siteurl = page.get_siteurl()
            for shown in aid["options"]:
                for cell in shown["cells"]:
                    if "{filename}" in cell["html"] or "{static}" in cell["html"]:
                        cell["html"] = Markup(page._update_content(str(cell["html"]), siteurl))


_run = DecisionAidRun()


def register() -> None:
    signals.initialized.connect(_run.start)
    signals.content_object_init.connect(_run.attach)
    signals.all_generators_finalized.connect(_run.resolve_links)
