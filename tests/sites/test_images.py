"""Content images (issue 6): lazy, sized, modern -- or a warning that stops `make publish`
(a warning fails --fatal warnings: tested through `make publish` in tests/tools/test_bad_input.py)."""

from __future__ import annotations

import re

from support import CONF, build_in_process, copy_site, soup

ARTICLE_TAIL = """

![A calm room]({static}/images/room.webp){: width="800" height="450" }

![An old chart]({static}/images/chart.png)
"""


def test_images_are_lazy_and_unsized_or_old_formats_are_warnings(tmp_path):
    content = copy_site("minimal", tmp_path)
    images = content / "images"
    images.mkdir()
    (images / "room.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    (images / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    article = content / "articles" / "second-article.md"
    article.write_text(article.read_text() + ARTICLE_TAIL)
    lines = article.read_text().splitlines()
    chart_line = next(n for n, text in enumerate(lines, 1) if "chart.png" in text)

    result = build_in_process(content, tmp_path / "out", conf=CONF, EDITORIAL_TODAY="2026-04-01")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.warnings if "warning: image" in line]
    assert len(warnings) == 2
    expected = re.compile(r"^\S*second-article\.md:" + str(chart_line)
                          + r": warning: image '\{static\}/images/chart\.png'")
    assert all(expected.match(w) for w in warnings), warnings
    assert any("no width and height" in w for w in warnings)
    assert any("WebP, AVIF or SVG" in w for w in warnings)

    page = soup(tmp_path / "out" / "second-article" / "index.html")
    for img in page.select(".prose img"):
        assert img["loading"] == "lazy" and img["decoding"] == "async"
    room = page.select_one('.prose img[src$="room.webp"]')
    assert room["width"] == "800" and room["height"] == "450" and room["alt"] == "A calm room"


def test_an_image_without_alt_text_is_one_warning_at_its_line(tmp_path):
    content = copy_site("minimal", tmp_path)
    (content / "images").mkdir()
    (content / "images" / "room.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    article = content / "articles" / "second-article.md"
    article.write_text(article.read_text() + '\n\n![]({static}/images/room.webp){: width="8" height="4" }\n')
    line = len(article.read_text().splitlines())
    result = build_in_process(content, tmp_path / "out", conf=CONF, EDITORIAL_TODAY="2026-04-01")
    assert [re.sub(r"^\S*?articles/", "", w) for w in result.warnings] == [
        f"second-article.md:{line}: warning: image '{{static}}/images/room.webp' has no alt text; describe "
        "what it shows between the brackets: ![A calm waiting room](room.webp)"]
    assert "Empty alt" not in result.stderr
