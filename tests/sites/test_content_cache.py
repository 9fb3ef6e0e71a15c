"""Pelican's content cache works with our plugins: what the readers return can be
pickled, and a cached rebuild writes the same pages (make devserver relies on it)."""

from __future__ import annotations

import pytest

from support import build, copy_site


@pytest.mark.parametrize("layer", ["reader", "generator"])
def test_cached_rebuild_saves_its_cache_and_matches_a_clean_build(tmp_path, layer):
    content = copy_site("minimal", tmp_path)
    # An article that cites and has an FAQ, so the faq_citations reader is exercised.
    (content / "bibliography" / "minimal.bib").write_text(
        "@article{cached2026,\n  author = {Doe, Jane},\n  title = {A cached entry},\n"
        "  journal = {Journal},\n  year = {2026},\n  doi = {10.1000/xyz}\n}\n")
    (content / "articles" / "cited.md").write_text(
        "Title: Cited\nDate: 2026-03-01\nCategory: Safety\nSummary: S.\nAuthor: Editorial team\n"
        "Reviewer: Editorial team\nLast_reviewed: 2026-03-03\n\nA claim [@cached2026].\n\n"
        "::: faq\n### A question?\nAn answer [@cached2026].\n:::\n")
    settings = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(tmp_path / "cache"),
                "CONTENT_CACHING_LAYER": layer, "EDITORIAL_TODAY": "2026-04-01"}
    first = build(tmp_path / "first", content=content, settings=settings)
    assert first.returncode == 0, first.stderr
    assert "Could not save cache" not in first.stderr
    assert any((tmp_path / "cache").iterdir())
    second = build(tmp_path / "second", content=content, settings=settings)
    assert second.returncode == 0, second.stderr
    assert "cache" not in second.stderr.lower()
    for page in ("cited/index.html", "first-article/index.html", "faq/index.html", "get-help-now/index.html"):
        assert (tmp_path / "first" / page).read_bytes() == (tmp_path / "second" / page).read_bytes(), page
