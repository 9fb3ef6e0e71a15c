"""The citation parser alone (pandoc's citation syntax, found in raw Markdown): the exact
groups, spans, modes, prefixes and suffixes of one edge case per row.

tests/oracle checks the same parser against pandoc itself over a corpus; this file pins
each rule of the scanner (atoms, keys, brackets, locators, plain text) at the unit layer
so that mutation testing (`make mutation`) sees every branch.
"""

from __future__ import annotations

import pytest
from pelican.plugins.faq_citations import syntax  # the parser

N, S, A = syntax.NORMAL, syntax.SUPPRESS_AUTHOR, syntax.AUTHOR_IN_TEXT


def groups(text: str, **options) -> list[tuple]:
    """Each group as (start, end, [(key, mode, prefix, suffix, key offset), ...])."""
    return [
        (g.start, g.end, [(i.key, i.mode, i.prefix, i.suffix, i.start) for i in g.items])
        for g in syntax.find_citations(text, **options)
    ]


def in_text(key: str, start: int, end: int | None = None) -> tuple:
    return (start, start + len(key) + 1 if end is None else end, [(key, A, "", "", start)])


def test_the_mode_names_are_pandocs():
    assert (N, S, A) == ("normal", "suppress-author", "author-in-text")


def test_a_group_keeps_its_source_span_and_every_offset_of_its_items():
    text = "As [see @li2010, pp. 4-5; -@x, ch. 2] show."
    [group] = syntax.find_citations(text)
    assert (group.start, group.end, group.raw) == (3, 37, "[see @li2010, pp. 4-5; -@x, ch. 2]")
    first, second = group.items
    assert first == syntax.CitationItem("li2010", N, "see", ", pp. 4-5", 8, "4-5", "page", "")
    assert (first.prefix_start, first.suffix_start, first.suffix_end) == (4, 15, 24)
    assert text[first.prefix_start : first.start] == "see "
    assert second == syntax.CitationItem("x", S, "", ", ch. 2", 26, None, None, ", ch. 2")
    assert (second.prefix_start, second.suffix_start, second.suffix_end) == (26, 29, 36)
    assert text[second.suffix_start : second.suffix_end] == ", ch. 2"


def test_an_in_text_citation_with_a_locator_spans_both():
    [group] = syntax.find_citations("As @feder2014 [p. 3] shows.")
    assert (group.start, group.end, group.raw) == (3, 20, "@feder2014 [p. 3]")
    assert group.items == (syntax.CitationItem("feder2014", A, "", "p. 3", 3, "3", "page", ""),)
    assert [(i.prefix_start, i.suffix_start, i.suffix_end) for i in group.items] == [(0, 0, 0)]


def test_groups_compare_by_items_and_span_not_by_source():
    one = syntax.find_citations("[@a]")[0]
    two = syntax.find_citations("[@a] and more")[0]
    assert one == two and one.source != two.source


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[@a]", [(0, 4, [("a", N, "", "", 1)])]),
        ("x [@a] y", [(2, 6, [("a", N, "", "", 3)])]),
        ("[-@a]", [(0, 5, [("a", S, "", "", 1)])]),
        ("[ @a ]", [(0, 6, [("a", N, "", "", 2)])]),
        ("[@a;@b]", [(0, 7, [("a", N, "", "", 1), ("b", N, "", "", 4)])]),
        ("[@a\n; @b]", [(0, 9, [("a", N, "", "", 1), ("b", N, "", "", 6)])]),
        ("[see @a, p. 3; also @b, chap. 2, more]",
         [(0, 38, [("a", N, "see", ", p. 3", 5), ("b", N, "also", ", chap. 2, more", 20)])]),
        ("[x [y] @a]", [(0, 10, [("a", N, "x [y]", "", 7)])]),
        ("[see [x](y) @a]", [(0, 15, [("a", N, "see [x](y)", "", 12)])]),
        ("[see ![x](y) @a]", [(0, 16, [("a", N, "see ![x](y)", "", 13)])]),
        ("[@a, (b]", [(0, 8, [("a", N, "", ", (b", 1)])]),
        ("[@a, \\]]", [(0, 8, [("a", N, "", ", \\]", 1)])]),
        ("[[@a]]", [(1, 5, [("a", N, "", "", 2)])]),
        ("see [@a]--[@b]", [(4, 8, [("a", N, "", "", 5)]), (10, 14, [("b", N, "", "", 11)])]),
        ("[@a] [x]: y", [(0, 4, [("a", N, "", "", 1)])]),
        ("[X @a]", [(0, 6, [("a", N, "X", "", 3)])]),
        ("[\nX @a]", [(0, 7, [("a", N, "X", "", 4)])]),
        ("[@a, X]", [(0, 7, [("a", N, "", ", X", 1)])]),
        # a link in a prefix or suffix is one inline: its ';' and ']' split nothing
        ("[see [x](y;z) @a]", [(0, 17, [("a", N, "see [x](y;z)", "", 14)])]),
        ("[see [x](y]z) @a]", [(0, 17, [("a", N, "see [x](y]z)", "", 14)])]),
        ("[@a, [x](y;z)]", [(0, 14, [("a", N, "", ", [x](y;z)", 1)])]),
        ("[see [x](y)@a]", [(0, 14, [("a", N, "see [x](y)", "", 11)])]),
        ("[see ![x](y)@a]", [(0, 15, [("a", N, "see ![x](y)", "", 12)])]),
        ("[see [x] @a]", [(0, 12, [("a", N, "see [x]", "", 9)])]),
    ],
)
def test_bracketed_groups(text, expected):
    assert groups(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what follows the brackets makes them a link, a span or a reference ...
        ("[@a](x)", [in_text("a", 1)]),
        ("[@a, ](x)", [in_text("a", 1)]),
        ("[@a]{x}", [in_text("a", 1)]),
        ("[@a][x]", [in_text("a", 1)]),
        # ... only when it is complete
        ("[@a](x", [(0, 4, [("a", N, "", "", 1)])]),
        ("[@a]{x", [(0, 4, [("a", N, "", "", 1)])]),
        ("[@a][x", [(0, 4, [("a", N, "", "", 1)])]),
        ("[@a]{x\n}", [(0, 4, [("a", N, "", "", 1)])]),
        # a link destination: escapes, nesting and line breaks
        ("[@a](x \\) y)", [in_text("a", 1)]),
        ("[@a](x \\)", [(0, 4, [("a", N, "", "", 1)])]),
        ("[@a](x\\))", [in_text("a", 1)]),
        ("[@a](x\\y)", [in_text("a", 1)]),
        ("[@a](x(y)z)", [in_text("a", 1)]),
        ("[@a](x(y)", [(0, 4, [("a", N, "", "", 1)])]),
        ("[@a](x\ny)", [in_text("a", 1)]),
        ("\n[@a](x\ny)", [in_text("a", 2)]),
        ("[@a](x\nz\ny)", [in_text("a", 1)]),
        ("[@a](x\n\ny)", [(0, 4, [("a", N, "", "", 1)])]),
        # a reference label: code, nesting and line breaks
        ("[@a][`x`]", [in_text("a", 1)]),
        ("[@a][`x]`", [(0, 4, [("a", N, "", "", 1)])]),
        ("[@a][[x]", [(0, 4, [("a", N, "", "", 1)])]),
        ("[@a][x\ny]", [in_text("a", 1)]),
        # a group needs a key right after each ';'
        ("[@a; ]", [in_text("a", 1)]),
        ("[@a;; @b]", [in_text("a", 1), in_text("b", 6)]),
        ("[see; x]", []),
        ("[@a", [in_text("a", 1)]),
        ("[@a x", [in_text("a", 1)]),
    ],
)
def test_brackets_that_are_not_a_group(text, expected):
    assert groups(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@a says", [in_text("a", 0)]),
        ("(@a)", [in_text("a", 1)]),
        ("Smith, @a", [in_text("a", 7)]),
        ("@a; [@b]", [in_text("a", 0), (4, 8, [("b", N, "", "", 5)])]),
        ("-@a says", [(0, 3, [("a", S, "", "", 0)])]),
        ("@a [p. 3]", [(0, 9, [("a", A, "", "p. 3", 0)])]),
        ("@a\n[p. 3]", [(0, 9, [("a", A, "", "p. 3", 0)])]),
        ("@a [see @b, p. 4]", [(0, 17, [("a", A, "", "", 0), ("b", N, "see", ", p. 4", 8)])]),
        ("@a [@b; @c, p. 2]",
         [(0, 17, [("a", A, "", "", 0), ("b", N, "", "", 4), ("c", N, "", ", p. 2", 8)])]),
        ("@a [p. 3; @b]", [(0, 13, [("a", A, "", "p. 3", 0), ("b", N, "", "", 10)])]),
        ("@a [x] [y]", [(0, 6, [("a", A, "", "x", 0)])]),
        ("@a [p. 3] @b [ch. 4]", [(0, 9, [("a", A, "", "p. 3", 0)]), (10, 20, [("b", A, "", "ch. 4", 10)])]),
        # not a locator: a footnote, a link, a span, a reference, a blank line, a bad item
        ("@a [^1]", [in_text("a", 0)]),
        ("@a [p. 3](x)", [in_text("a", 0)]),
        ("@a [p. 3](x", [in_text("a", 0)]),
        ("@a [p. 3]{.x}", [in_text("a", 0)]),
        ("@a [p. 3][x]", [in_text("a", 0)]),
        ("@a [@b][x]", [in_text("a", 0), in_text("b", 4)]),
        ("@a\n\n[p. 3]", [in_text("a", 0)]),
        ("@a [p. 3; x]", [in_text("a", 0)]),
        ("@a [p. 3", [in_text("a", 0)]),
        ("@a []", [(0, 5, [("a", A, "", "", 0)])]),
        ("@a [p. 3;@b]", [(0, 12, [("a", A, "", "p. 3", 0), ("b", N, "", "", 9)])]),
        ("@a [p. 3]X", [(0, 9, [("a", A, "", "p. 3", 0)])]),
        # a line break (not a blank line) between the key and its locator
        ("@a\n", [in_text("a", 0)]),
        ("@a\n ", [in_text("a", 0)]),
        ("@a\n  ", [in_text("a", 0)]),
        ("@a\n [p. 3]", [(0, 10, [("a", A, "", "p. 3", 0)])]),
        ("@a\n  [p. 3]", [(0, 11, [("a", A, "", "p. 3", 0)])]),
    ],
)
def test_in_text_citations(text, expected):
    assert groups(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[see @a [@b]]", [(0, 13, [("a", N, "see", " [@b]", 5)]), (8, 12, [("b", N, "", "", 9)])]),
        ("[@a, see @b]", [(0, 12, [("a", N, "", ", see @b", 1)]), in_text("b", 9)]),
        ("[@a, as -@b says]", [(0, 17, [("a", N, "", ", as -@b says", 1)]), (8, 11, [("b", S, "", "", 8)])]),
        ("[see @b here, @a]", [(0, 17, [("b", N, "see", " here, @a", 5)]), in_text("a", 14)]),
    ],
)
def test_a_citation_inside_a_prefix_or_suffix_is_a_group_of_its_own(text, expected):
    assert groups(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("@a:b", "a:b"),
        ("@a:/b", "a:/b"),
        ("@a://b", "a://b"),
        ("@a.", "a"),
        ("@a-", "a"),
        ("@a--b", "a"),
        ("@a_b", "a_b"),
        ("@a._b", "a._b"),
        ("@a.-b", "a"),
        ("@*a", "*a"),
        ("@_a", "_a"),
        ("@9a", "9a"),
        ("@{a{b}c}", "a{b}c"),
        ("@{a}", "a"),
        ("@{}", ""),
        ("@a/", "a"),
        ("@a//", "a/"),
    ],
)
def test_what_a_key_may_hold(text, key):
    [(start, end, [(found, mode, *_rest)])] = groups(text)
    assert (start, end, found, mode) == (0, len(key) + 1 + (2 if text.startswith("@{") else 0), key, A)


@pytest.mark.parametrize(
    "text",
    ["@{a b}", "@{a", "@", "-@", "-x", "@ a", "x@a", "x.@a", "a.@b", "9@a", "@.a", "@-a", "@{a\nb}", "\\@a"],
)
def test_no_key(text):
    assert groups(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # atoms hide what they hold ...
        ("`[@a]`", []),
        ("`` `@a` ``", []),
        ("``@a ` x``", []),
        ("$[@a]$", []),
        ("<!-- [@a] -->", []),
        ('<span title="[@a]">x</span>', []),
        ("<?x [@a] ?>", []),
        ("<me@example.org>", []),
        ("<https://example.org/@a>", []),
        ("&amp;[@a]", [(5, 9, [("a", N, "", "", 6)])]),
        # ... and end where they end
        ("```@a", [in_text("a", 3)]),
        ("&amp;@a", [in_text("a", 5)]),
        ("&bogus @a", [in_text("a", 7)]),
        ("<b>@a</b>", [in_text("a", 3)]),
        ("< @a", [in_text("a", 2)]),
        ("$x$@a", [in_text("a", 3)]),
        ("$ x$ @a", [in_text("a", 5)]),
        ("$x$1 @a", [in_text("a", 5)]),
        ("`x` @a", [in_text("a", 4)]),
        # escapes
        ("a\\[@b]", [in_text("b", 3)]),
        ("\\[@a]", [in_text("a", 2)]),
        ("\\\n@a", [in_text("a", 2)]),
        ("\\a@b", []),
        ("[@a, `x;y]` and \\; more]", [(0, 24, [("a", N, "", ", `x;y]` and \\; more", 1)])]),
        ("[@a, p.&nbsp;3; @b]", [(0, 19, [("a", N, "", ", p.&nbsp;3", 1), ("b", N, "", "", 16)])]),
    ],
)
def test_code_math_html_entities_and_escapes(text, expected):
    assert groups(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("me@example.org", []),
        ("https://example.org/@a", []),
        ("http://x.org/@a @b", [in_text("b", 16)]),
        ("www.x.org/@a", []),
        ("Https://x/@a", []),
        ("ftp://x/@a", []),
        ("mailto://x/@a", []),
        ("file://x/@a", []),
        ("xhttp://x/@a", [in_text("a", 10)]),
        ("[x](http://example.org/@a)", []),
        ("](x) @a", [in_text("a", 5)]),
        ("](x @a", [in_text("a", 4)]),
        ("a--b", []),
        ("a---@b", [in_text("b", 4)]),
        ("a--@b", [in_text("b", 3)]),
        ("[--@a]", [(0, 6, [("a", N, "--", "", 3)])]),
        ("[---@a]", [(0, 7, [("a", N, "---", "", 4)])]),
    ],
)
def test_urls_links_and_dashes(text, expected):
    assert groups(text) == expected


def test_blank_line_ends_a_group_and_a_suffix():
    assert groups("[@a,\n\np. 3]") == [in_text("a", 1)]
    assert groups("[@a, x\n  \n]") == [in_text("a", 1)]
    assert groups("[see [x\n\n] @a]") == [in_text("a", 11)]
    assert groups("[@a,\np. 3]") == [(0, 10, [("a", N, "", ",\np. 3", 1)])]


def test_is_known_key_filters_in_text_keys_only():
    known = {"a"}.__contains__
    assert groups("@a and @someone", is_known_key=known) == [in_text("a", 0)]
    assert groups("@someone [p. 3]", is_known_key=known) == []
    assert groups("[@someone]", is_known_key=known) == [(0, 10, [("someone", N, "", "", 1)])]
    assert groups("@a and @someone", is_known_key=None) == [in_text("a", 0), in_text("someone", 7)]


def test_a_defined_reference_label_makes_a_link_not_a_locator():
    assert groups("@a [p. 3]", reference_labels=["P.   3"]) == [in_text("a", 0)]
    assert groups("@a [p. 3]", reference_labels=["p. 4"]) == [(0, 9, [("a", A, "", "p. 3", 0)])]


@pytest.mark.parametrize(
    ("suffix", "locator", "label", "rest"),
    [
        (", p. 33", "33", "page", ""),
        (" p. 33", "33", "page", ""),
        ("p. 33", "33", "page", ""),
        (", pp. 33-35", "33-35", "page", ""),
        (", pp. 33 – 35", "33 – 35", "page", ""),
        (", 33", "33", "page", ""),
        (", 33, 35", "33, 35", "page", ""),
        (", 33:4", "33:4", "page", ""),
        (", [33]", "[33]", "page", ""),
        (", chap. 2", "2", "chapter", ""),
        (", Chapter 2", "2", "chapter", ""),
        (", chapters 2-3", "2-3", "chapter", ""),
        (", sec. 1.2.3", "1.2.3", "section", ""),
        (", § 4", "4", "section", ""),
        (", §§ 4-5", "4-5", "section", ""),
        (", vols. 2, 3", "2, 3", "volume", ""),
        (", vol. iv", "iv", "volume", ""),
        (", 34(1)(i)", "34(1)(i)", "page", ""),
        (", p. 33, emphasis added", "33", "page", ", emphasis added"),
        (", p. 33 and more", "33", "page", "and more"),
        (", p.&nbsp;3", "3", "page", ""),
        (", p. *33*", "33", "page", ""),
        (", s.v. x1", "x1", "sub-verbo", ""),
        (", {35-89}", "35-89", None, ""),
        (", pp.iv", "iv", "page", ""),
        (", {3}", "3", "page", ""),
        (", {3-5}", "3-5", "page", ""),
        (", {35}", "35", None, ""),
        (", {3a}", "3a", None, ""),
        (", {p. {3}}", "{3}", "page", ""),
        (", {chap. 4} and on", "4", "chapter", "and on"),
        (", {}", None, None, ""),
        (", {3", None, None, ", {3"),
        (", xiv", None, None, ", xiv"),
        (", chapter three", None, None, ", chapter three"),
        (", pages", None, None, ", pages"),
        (", pagex 3", None, None, ", pagex 3"),
        (" and elsewhere", None, None, "and elsewhere"),
        (",", None, None, ","),
        ("", None, None, ""),
    ],
)
def test_locator_label_and_rest(suffix, locator, label, rest):
    assert syntax.parse_locator(suffix) == (locator, label, rest)


def test_items_carry_the_parsed_locator():
    [group] = syntax.find_citations("[@a, p. 33, emphasis added]")
    [item] = group.items
    assert (item.locator, item.label, item.rest) == ("33", "page", ", emphasis added")


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        (", *p.*&nbsp;`3` \\[x\\] <b>y</b>", ", p. 3 [x] y"),
        ("``a ` b``", "a ` b"),
        ("`unclosed", "`unclosed"),
        ("\\a", "\\a"),
        ("\\", "\\"),
        ("**bold** ^sup^ ~sub~", "bold sup sub"),
        ("_em_ snake_case", "em snake_case"),
        ("  a \n\t b  ", "a b"),
        ("&lt;b&gt;", "<b>"),
    ],
)
def test_plain_text_of_a_fragment(markdown, text):
    assert syntax.plain_text(markdown) == text


def test_line_of_an_offset():
    text = "one\ntwo\nthree"
    assert [syntax.line_of(text, offset) for offset in (0, 3, 4, 8, 12)] == [1, 1, 2, 3, 3]
    assert syntax.line_of(text, 8, first_line=10) == 12
    assert syntax.line_of("\nx", 1) == 2
