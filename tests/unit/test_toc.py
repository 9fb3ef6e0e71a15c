"""The table-of-contents extractor (plugins/editorial/toc.py)."""

from editorial.toc import sections


def test_sections_keep_order_ids_and_plain_text():
    html = ('<h2 id="a">First <em>one</em></h2><p>x</p><h3 id="c">no</h3>'
            '<h2 id="b" class="k">Second<sup class="cite"><a href="#r">1<span>Ref text</span></a></sup></h2>'
            '<h2>No id</h2><H2 ID="d">Third &amp; last</H2>')
    assert sections(html) == [("a", "First one"), ("b", "Second"), ("d", "Third & last")]


def test_sections_of_nothing():
    assert sections("") == [] and sections(None) == []
