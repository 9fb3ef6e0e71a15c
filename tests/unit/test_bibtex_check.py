"""bibtex_check alone (pure, no pandoc): each malformed BibTeX/BibLaTeX form is one
problem at the line that is wrong, with the message that says how to fix it; what
BibTeX accepts is no problem. One row per rule."""

from __future__ import annotations

import pytest
from pelican.plugins.faq_citations.bibtex_check import check_bibtex, entry_lines, scan

ACCEPTED = {
    "string, preamble and comment entries": '@string{jt = "J Trauma"}\n@preamble{"\\newcommand{\\x}{y}"}\n'
                                            "@comment{ free { text }\n@misc{a, title = {x}}\n",
    "text outside entries, an e-mail, an @word": "% from a@b.org, see @home now\n@misc{a, title = {x}}\n",
    "a quoted value with a braced quote": '@misc{a, title = "A {"}quote", year = 1}\n',
    "an escaped quote in a quoted value": '@misc{a, title = "say \\" hi", year = {1}}\n',
    "escaped braces in a braced value": "@misc{a, note = {a \\} b \\{ c}}\n",
    "concatenation with #": '@string{jt = "J"}\n@misc{a, journal = jt # { Stress} # "x", year = 2020,}\n',
    "parentheses around an entry": "@book(a, title = {B})\n",
    "an entry with only a key": "@misc{a}\n",
    "a @comment in parentheses": "@comment(not {closed\n@misc{a, title = {x}}\n",
    "the same name twice in @string": '@string{a = "x", a = "y"}\n@misc{b, title = a}\n',
    "an @ with no entry type": "@ misc\n@misc{a, title = {x}}\n",
    "an empty quoted value": '@misc{a, title = "", year = {1}}\n',
    "an escaped quote before the closing one": '@misc{a, title = "a\\"", year = {1}}\n',
    "nested braces in a quoted value": '@misc{a, title = "a {{b}} c", year = {1}}\n',
    "a quoted value over two lines": '@misc{a, title = "two\nlines", year = {1}}\n',
    "name = inside a quoted value": '@misc{a, title = "x y = z"}\n',
    "a new line like a field inside braces in quotes": '@misc{a, title = "X {\n year = 1}", note = {n}}\n',
    "name = inside a braced value": "@misc{a, title = {a b = c}}\n",
    "name = inside nested braces": "@misc{a, title = {a {b = c}}}\n",
    "nested braces in a braced value": "@misc{a, title = {a {b} c}, year = {1}}\n",
    "a braced value over two lines": "@misc{a, title = {two\nlines}}\n",
    "a @comment holding fields and an entry": (
        "@comment{ old:\n year = 1,\n @misc{x, title = {y}, title = {z}} }\n@misc{a, title = {x}}\n"),
    "an entry inside a @comment": "@comment{ @artcle{x} }\n",
    "an @word at the end of the file": "see @misc",
    "an @word before a word": "see @misc Xylophone\n@misc{a, title = {x}}\n",
    "an entry inside a @preamble": '@preamble{ "@artcle{x}" }\n',
    "a field at the start of a line": "@misc{a,\ntitle = {x}}\n",
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_bibtex_accepts_is_no_problem(text):
    assert check_bibtex(text) == []


MALFORMED = {
    "unknown type, a near one": ("@misc{ok, title = {A}}\n@artcle{a,\n  title = {X}\n}\n",
                                 (2, "unknown entry type '@artcle'; did you mean '@article'?")),
    "unknown type, none near": (
        "@zzzzqq{a, title = {x}}\n",
        (1, "unknown entry type '@zzzzqq'; use a BibTeX or BibLaTeX type such as '@article'")),
    "no key": (
        "\n@Article{title = {x}}\n", (2, "this '@Article' entry has no key; write @article{key, ...}")),
    "no key, a comma": (
        "@article{, title = {x}}\n", (1, "this '@article' entry has no key; write @article{key, ...}")),
    "no key, a field on the next line": (
        "@misc{k, title = {A}}\n\n@article{\n  title = {x},\n  year = {2020}\n}\n",
        (3, "this '@article' entry has no key; write @article{key, ...}")),
    "no key, a comma on the next line": (
        "@article{\n  ,\n  title = {x}\n}\n",
        (1, "this '@article' entry has no key; write @article{key, ...}")),
    "no comma after the key": ("@article{a title = {x}}\n", (1, "missing ',' after the key 'a'")),
    "the file ends after the key": ("@misc{k", (1, "missing ',' after the key 'k'")),
    "a field without =": (
        "@article{a,\n  title {x}\n}\n", (2, "field 'title' has no '='; write title = {...}")),
    "no comma, next field on the next line": (
        "@article{a,\n  title = {X},\n  journal = {J}\n  year = {2020}\n}\n",
        (3, "missing ',' after field 'journal'; add a comma at the end of its value")),
    "no comma, next field on the same line": (
        "@article{a,\n  title = {x} year = {2}\n}\n",
        (2, "missing ',' after field 'title'; add a comma at the end of its value")),
    "no value": (
        "@article{a,\n  title = ,\n}\n", (2, "field 'title' has no value after '='; write title = {...}")),
    "the file ends after =": ("@article{a,\n  title =", (2, "field 'title' has no value after '='")),
    "something else after a value": (
        "@article{a,\n  title = {x} ; \n}\n", (2, "unexpected ';' after field 'title'")),
    "something else instead of a field": ("@article{a,\n  ; \n}\n",
                                          (2, "unexpected ';'; a field is written name = {value}")),
    "the file ends inside the entry": ("@article{a,\n  title = {x},\n",
                                       (1, "this entry is never closed; add '}' after its last field")),
    "the next entry starts after a comma": ("\n@article(a,\n  title = {x},\n\n@book{b, title = {y}}\n",
                                            (2, "this entry is never closed; add ')' after its last field")),
    "the next entry starts after a value": ("@article{a,\n  title = {x}\n@book{b, title = {y}}\n",
                                            (1, "this entry is never closed; add '}' after its last field")),
    "a brace left open, the next entry starts": (
        "@article{a,\n  title = {x\n@book{b, title = {y}}\n",
        (2, "the '{' that opens field 'title' here is never closed; add the missing '}'")),
    "a brace left open, the next field starts": (
        "@misc{ok, title={a}}\n\n@article{open2020,\n title = {no end,\n year = {2020}\n}\n",
        (4, "the '{' that opens field 'title' here is never closed; add the missing '}'")),
    "a quote left open, the entry's brace": (
        '@article{a, title = "x}\n@book{b, title = {y}}\n',
        (1, "the '\"' that opens field 'title' here is never closed; add the closing '\"'")),
    "a quote left open, the next field starts": (
        '@article{a,\n  title = "X,\n  year = {2020}\n}\n',
        (2, "the '\"' that opens field 'title' here is never closed; add the closing '\"'")),
    "a brace left open, the next entry starts and would close it": (
        "@article{a,\n  title = {x\n@book{b, title = {y}}}\n",
        (2, "the '{' that opens field 'title' here is never closed; add the missing '}'")),
    "a brace left open, a one-letter field starts": (
        "@misc{a,\n title = {no end,\nx = {1}\n}\n",
        (2, "the '{' that opens field 'title' here is never closed; add the missing '}'")),
    "a brace left open, an @ later in that line is no entry": (
        "@article{a,\n title = {x\n note = {see @artcle{x}}\n}\n",
        (2, "the '{' that opens field 'title' here is never closed; add the missing '}'")),
    "the file ends inside braces": (
        "@misc{a, title = {abc",
        (1, "the '{' that opens field 'title' here is never closed; add the missing '}'")),
    "the file ends after a value": (
        "@misc{a, title = {x}", (1, "this entry is never closed; add '}' after its last field")),
    "a field twice, after # with no space": (
        '@string{jt = "J"}\n@misc{a, journal = jt #{ Stress},\n journal = {x}}\n',
        (3, "field 'journal' appears twice in this entry (also at line 2); keep one")),
    "an entry after an @ that starts none": ("@@artcle{a, title = {x}}\n",
                                             (1, "unknown entry type '@artcle'; did you mean '@article'?")),
    "a @preamble left open": (
        '@preamble{"x"\n year = 1}\n',
        (1, "the '{' that opens field '@preamble' here is never closed; add the missing '}'")),
    "no comma after the key, then a name and =": ("@misc{a X= 1}\n", (1, "missing ',' after the key 'a'")),
    "no comma after the key, = on the next line": ("@article{title\n = {x}}\n",
                                                   (2, "missing ',' after the key 'title'")),
    "the next entry starts on the line after a comma": (
        "@misc{a,\n@book{b, title = {y}}\n", (1, "this entry is never closed; add '}' after its last field")),
    "something else on the line after a value": ("@misc{a, title = {x}\n;}\n",
                                                 (2, "unexpected ';' after field 'title'")),
    "the file ends inside a quote": ('@misc{a, title = "abc', (
        1, "the '\"' that opens field 'title' here is never closed; add the closing '\"'")),
    "a quote left open, a quoted field starts": ('@article{a,\n title = "X,\n year = "2020"\n}\n', (
        2, "the '\"' that opens field 'title' here is never closed; add the closing '\"'")),
    "a quote left open, a capitalised quoted field starts": (
        '@article{a,\n title = "X,\n Year = "2020"\n}\n',
        (2, "the '\"' that opens field 'title' here is never closed; add the closing '\"'")),
    "a quote left open, an entry with quotes starts": ('@article{a,\n title = "x\n@book{b, title = "y"}\n', (
        2, "the '\"' that opens field 'title' here is never closed; add the closing '\"'")),
    "a quote left open, the next entry starts": (
        '@article{a,\n title = "x\n@book{b, title = {y}}\n',
        (2, "the '\"' that opens field 'title' here is never closed; add the closing '\"'")),
    "a field twice, after a braced quote in a quoted value": (
        '@misc{a,\n title = "A {"} B",\n title = {again}}\n',
        (3, "field 'title' appears twice in this entry (also at line 2); keep one")),
    "a field twice, in any case": (
        "@article{a,\n  title = {X},\n  year = {2020},\n  Title = {Y}\n}\n",
        (4, "field 'Title' appears twice in this entry (also at line 2); keep one")),
}


@pytest.mark.parametrize(("text", "problem"), MALFORMED.values(), ids=MALFORMED.keys())
def test_each_malformed_form_is_one_problem_at_its_line(text, problem):
    assert check_bibtex(text) == [problem]


def test_every_entry_is_checked_after_a_problem_and_problems_are_in_line_order():
    text = ("@article{a,\n  title = {x},\n  title = {y},\n  journal = {J}\n  year = {1}\n}\n"
            "@artcle{b, title = {x}}\n@misc{c, title = {ok}}\n")
    assert check_bibtex(text) == [
        (3, "field 'title' appears twice in this entry (also at line 2); keep one"),
        (4, "missing ',' after field 'journal'; add a comma at the end of its value"),
        (7, "unknown entry type '@artcle'; did you mean '@article'?"),
    ]
    assert entry_lines(text) == {"a": 1, "b": 7, "c": 8}


def test_an_unknown_type_is_not_the_entrys_only_mistake_shown():
    assert check_bibtex("@artcle{s,\n  title = {a},\n  title = {b}\n  year = {1}\n}\n") == [
        (1, "unknown entry type '@artcle'; did you mean '@article'?"),
        (3, "field 'title' appears twice in this entry (also at line 2); keep one"),
        (3, "missing ',' after field 'title'; add a comma at the end of its value"),
    ]


def test_problems_are_sorted_by_line_not_by_the_order_found():
    assert check_bibtex("@misc{a,\n title = {x},\n title = {y},\n") == [
        (1, "this entry is never closed; add '}' after its last field"),
        (3, "field 'title' appears twice in this entry (also at line 2); keep one"),
    ]


def test_entry_lines_give_each_key_its_first_line():
    text = "\n@misc{k, title = {1}}\n\n@book(b,\n title = {2})\n@misc{  k , title = {3}}\n"
    problems, keys = scan(text)
    assert problems == [] and keys == {"k": 2, "b": 4}
