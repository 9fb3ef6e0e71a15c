"""citation_syntax alone: one named test per form of pandoc's citation syntax."""

import pytest
from pelican.plugins.faq_citations import syntax as cs


def items(text, **kw):
    return [(i.key, i.mode, i.prefix, i.suffix) for g in cs.find_citations(text, **kw) for i in g.items]


def only(text, **kw):
    [group] = cs.find_citations(text, **kw)
    [item] = group.items
    return group, item


def test_single_group_with_its_span():
    text = "Trials [@smith2019] agree."
    group, item = only(text)
    assert (item.key, item.mode) == ("smith2019", cs.NORMAL)
    assert group.raw == "[@smith2019]" and text[group.start : group.end] == group.raw


def test_several_items_in_order():
    assert [k for k, *_ in items("[@a; @b;@c]")] == ["a", "b", "c"]


def test_prefix_and_suffix_keep_their_markdown():
    assert items("[see @a, pp. 33-35 and *passim*; also @b, ch. 1]") == [
        ("a", cs.NORMAL, "see", ", pp. 33-35 and *passim*"),
        ("b", cs.NORMAL, "also", ", ch. 1"),
    ]


def test_suppress_author():
    assert items("[-@a; see -@b]") == [
        ("a", cs.SUPPRESS_AUTHOR, "", ""),
        ("b", cs.SUPPRESS_AUTHOR, "see", ""),
    ]


def test_in_text_and_in_text_with_locator():
    assert items("@a says, as @b [p. 33] does.") == [
        ("a", cs.AUTHOR_IN_TEXT, "", ""),
        ("b", cs.AUTHOR_IN_TEXT, "", "p. 33"),
    ]


def test_in_text_followed_by_a_group():
    assert items("@a [see @b] argues.") == [("a", cs.AUTHOR_IN_TEXT, "", ""), ("b", cs.NORMAL, "see", "")]


@pytest.mark.parametrize(
    ("suffix", "locator", "label"),
    [
        (", p. 33", "33", "page"),
        (" p. 33", "33", "page"),
        (", pp. 33-35", "33-35", "page"),
        (", chap. 2", "2", "chapter"),
        (", sec. 1.2.3", "1.2.3", "section"),
        (", § 4", "4", "section"),
        (", vols. 2, 3", "2, 3", "volume"),
        (", 34(1)(i)", "34(1)(i)", "page"),
        (", xiv", None, None),
        (", {35-89}", "35-89", None),
        (", {3}", "3", "page"),
        (", {p. {3}}", "{3}", "page"),
        (", p.&nbsp;3", "3", "page"),
        (", p. *33*", "33", "page"),
        (", chapter three", None, None),
        (" and elsewhere", None, None),
    ],
)
def test_locator_and_label(suffix, locator, label):
    _group, item = only(f"[@a{suffix}]")
    assert (item.locator, item.label) == (locator, label)


def test_locator_rest_is_what_follows():
    _group, item = only("[@a, p. 33, emphasis added]")
    assert (item.locator, item.rest) == ("33", ", emphasis added")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[@a.b:c#d$e%f&g-h+i?j<k>l~m/n]", "a.b:c#d$e%f&g-h+i?j<k>l~m/n"),
        ("[@a.]", "a"),
        ("[@a:]", "a"),
        ("[@http://example.org]", "http://example.org"),
        ("[@müller2020]", "müller2020"),
        ("[@_private]", "_private"),
        ("[@{10.1000/xyz}]", "10.1000/xyz"),
        ("@{a.}.", "a."),
    ],
)
def test_key_characters(text, key):
    assert items(text)[0][0] == key


@pytest.mark.parametrize(
    "text",
    [
        "me@example.org",
        "<me@example.org>",
        "<https://example.org/@a>",
        "https://example.org/@a",
        "`[@a]`",
        "``@a ` x``",
        "\\@a",
        "[x](http://example.org/@a)",
        '<span title="[@a]">x</span>',
        "<!-- [@a] -->",
        "$[@a]$",
        "[see; x]",
        "[@ a]",
        "a--b",
    ],
)
def test_not_a_citation(text):
    assert items(text) == []


def test_group_with_a_bad_second_item_is_text_around_an_in_text_citation():
    assert items("[@a; not a key]") == [("a", cs.AUTHOR_IN_TEXT, "", "")]


def test_smart_dash_before_at_is_prefix_not_suppress():
    assert items("[--@a]") == [("a", cs.NORMAL, "--", "")]


def test_escaped_bracket_leaves_an_in_text_citation():
    assert items("\\[@a]") == [("a", cs.AUTHOR_IN_TEXT, "", "")]


def test_code_span_and_escape_inside_a_suffix():
    assert items("[@a, `x;y]` and \\; more]") == [("a", cs.NORMAL, "", ", `x;y]` and \\; more")]


def test_entity_semicolon_does_not_split():
    assert items("[@a, p.&nbsp;3; @b]")[1][0] == "b"


def test_nested_brackets_in_a_suffix():
    assert items("[@a, p. [3]]") == [("a", cs.NORMAL, "", ", p. [3]")]


def test_group_then_group_is_in_text_then_group():
    assert items("[@a][@b]") == [("a", cs.AUTHOR_IN_TEXT, "", ""), ("b", cs.NORMAL, "", "")]


def test_a_link_or_span_is_not_a_group():
    assert items("[@a](http://x.org)") == items("[@a]{.c}") == [("a", cs.AUTHOR_IN_TEXT, "", "")]


def test_image_alt_text_holds_a_citation():
    assert items("![see [@a]](img.png)") == [("a", cs.NORMAL, "", "")]


def test_group_spanning_a_line_break_and_its_line():
    text = "First line\nand [see\n@a; @b] here."
    group = cs.find_citations(text)[0]
    assert cs.line_of(text, group.start) == 2 and cs.line_of(text, group.items[0].start) == 3


def test_blank_line_ends_a_group():
    assert items("[@a,\n\np. 3]") == [("a", cs.AUTHOR_IN_TEXT, "", "")]


def test_unknown_in_text_key_stays_text_with_is_known_key():
    known = {"a"}.__contains__
    assert items("@a and @someone", is_known_key=known) == [("a", cs.AUTHOR_IN_TEXT, "", "")]
    # a bracketed group is still found, so the plugin can report the unknown key
    assert items("[@someone]", is_known_key=known) == [("someone", cs.NORMAL, "", "")]


def test_defined_reference_label_makes_a_link_not_a_locator():
    assert items("@a [p. 3]", reference_labels=["P. 3"]) == [("a", cs.AUTHOR_IN_TEXT, "", "")]


def test_plain_text_of_a_fragment():
    assert cs.plain_text(", *p.*&nbsp;`3` \\[x\\] <b>y</b>") == ", p. 3 [x] y"
