"""Evidence cards (issue 15): loading and checking the cards file, the label, the
reference-list hook of the Markdown extension, and the evidence chart's geometry."""

from __future__ import annotations

import datetime
import json
import math
import textwrap
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from pelican.plugins.faq_citations import AuthorError, makeExtension
from pelican.plugins.faq_citations.evidence_cards import (
    KINDS,
    OUTCOMES,
    Card,
    add_months,
    citation_line,
    missing_cards,
    parse_cards,
)
from pelican.plugins.faq_citations.evidence_chart import (
    R_MAX,
    R_MIN,
    EvidenceChartExtension,
    layout,
    radius,
    render,
)

TODAY = datetime.date(2026, 12, 1)
GOOD = textwrap.dedent(
    """\
    # a comment
    feder2021:
      kind: randomized controlled trial
      people: 30
      finding: Six doses in two weeks eased PTSD more than midazolam.
      limitation: It was small and short.
      outcome: benefit
      checked: 2026-12-01
      source_read: abstract

    borgogna2024:
      kind: systematic review and meta-analysis
      people: 221
      studies: 6
      finding: Pooled, six trials gave ketamine a small edge.
      limitation: Only six small trials existed.
      outcome: mixed
      checked: 2026-06-01
    """
)


def parse(text, today=TODAY, months=12):
    return parse_cards(textwrap.dedent(text), "cards.yaml", today, months)


def lines(problems):
    return [(level, problem.line, problem.message) for level, problem in problems]


def test_a_good_file_loads_with_each_card_and_its_line():
    cards, problems = parse(GOOD)
    assert problems == []
    assert set(cards) == {"feder2021", "borgogna2024"}
    feder = cards["feder2021"]
    assert (feder.kind, feder.people, feder.outcome, feder.line) == (
        "randomized controlled trial",
        30,
        "benefit",
        2,
    )
    assert feder.checked == datetime.date(2026, 12, 1)
    assert cards["borgogna2024"].line == 11


def test_labels_say_kind_studies_and_people():
    cards, _ = parse(GOOD)
    assert cards["feder2021"].label == "Randomized trial · 30 people"
    assert cards["borgogna2024"].label == "Meta-analysis · 6 studies · 221 people"
    big = Card("x", "survey", "f", "l", TODAY, people=81642)
    assert big.label == "Survey · 81,642 people"
    assert Card("x", "organization page", "f", "l", TODAY).label == "Organization page"
    assert Card("x", "case series", "f", "l", TODAY, people=1).label == "Case series · 1 person"


def test_every_kind_has_a_short_label_and_an_id():
    for kind, label in KINDS.items():
        assert label and len(label) <= 30
        assert Card("k", kind, "f", "l", TODAY).kind_id == kind.replace(" ", "-")


def test_an_unknown_kind_is_an_error_on_its_line_with_the_nearest_kind():
    cards, problems = parse(
        """\
        a:
          kind: randomised controlled trial
          finding: F.
          limitation: L.
          checked: 2026-11-01
        """
    )
    assert cards == {}
    [(level, line, message)] = lines(problems)
    assert (level, line) == ("error", 2)
    assert "unknown kind 'randomised controlled trial'" in message
    assert "did you mean 'randomized controlled trial'?" in message


def test_every_mistake_of_the_file_is_reported_in_line_order():
    _cards, problems = parse(
        """\
        a:
          kind: survey
          finding: F.
          limitation: L.
          checked: 2026-11-01
          outcome: helped
          peeple: 12
        b:
          kind: survey
          finding: F.
        c: just text
        d:
          kind: news report
          people: -3
          finding: F.
          limitation: L.
          checked: 2027-01-01
        a:
          kind: survey
        """
    )
    found = lines(problems)
    assert [line for _level, line, _message in found] == [6, 7, 8, 11, 14, 17, 18]
    assert all(level == "error" for level, _line, _message in found)
    messages = [message for *_rest, message in found]
    assert "unknown outcome 'helped'" in messages[0]
    assert "unknown field 'peeple'; did you mean 'people'?" in messages[1]
    assert "card 'b': missing limitation, checked" in messages[2]
    assert "card 'c': write its fields under it" in messages[3]
    assert "people: -3 is not a whole number above 0" in messages[4]
    assert "checked 2027-01-01 is in the future" in messages[5]
    assert "card 'a' is written twice: here and at line 1" in messages[6]


def test_a_check_older_than_the_interval_is_a_warning():
    cards, problems = parse(GOOD, today=datetime.date(2027, 6, 2))
    [(level, line, message)] = lines(problems)
    assert (level, line) == ("warning", 18)
    assert "card 'borgogna2024': checked 2026-06-01, more than 12 months ago" in message
    assert set(cards) == {"feder2021", "borgogna2024"}  # still shown
    assert lines(parse(GOOD, today=datetime.date(2027, 6, 1))[1]) == []  # exactly 12 months: fine
    assert len(parse(GOOD, today=datetime.date(2026, 12, 2), months=6)[1]) == 1


def test_a_finding_over_30_words_is_an_error():
    long = " ".join(["word"] * 31)
    _cards, problems = parse(
        f"""\
        a:
          kind: survey
          finding: {long}
          limitation: L.
          checked: 2026-11-01
        """
    )
    [(level, line, message)] = lines(problems)
    assert (level, line) == ("error", 3)
    assert "31 words; say it in at most 30" in message
    assert (
        parse(
            f"a:\n  kind: survey\n  finding: {' '.join(['w'] * 30)}\n  limitation: L.\n"
            "  checked: 2026-11-01\n"
        )[1]
        == []
    )


def test_malformed_yaml_and_a_file_that_is_not_a_mapping():
    [(level, line, message)] = lines(parse("a:\n  kind: [survey\n")[1])
    assert level == "error" and line and message.startswith("malformed YAML")
    [(_level, line, message)] = lines(parse("- a\n- b\n")[1])
    assert line == 1 and "must map each citation key" in message
    assert parse("# nothing yet\n") == ({}, [])


def node_tree(node):
    """A YAML node as nested tuples: tag, value and line (the style a plain scalar reports
    is None in PyYAML, '' in libyaml, and is not compared)."""
    if isinstance(node.value, list):
        children = [tuple(map(node_tree, child)) if isinstance(child, tuple) else node_tree(child)
                    for child in node.value]
        return node.tag, node.start_mark.line, children
    return node.tag, node.start_mark.line, node.value


def test_libyaml_gives_the_same_nodes_and_lines_and_the_pure_parser_words_a_mistake():
    """The cards file is composed with libyaml (CSafeLoader, ten times faster) when PyYAML
    has it; the nodes and lines are the pure-Python parser's, and so is a mistake's message."""
    yaml = pytest.importorskip("yaml")
    from pelican.plugins.faq_citations.evidence_cards import compose

    assert yaml.__with_libyaml__, "PyYAML without libyaml: the cards file loads ten times slower"
    site = Path(__file__).resolve().parents[2] / "content" / "bibliography" / "evidence-cards.yaml"
    for text in (GOOD, site.read_text(encoding="utf-8"), "a: |\n  two\n  lines\nb: 'it''s'\nc: [1, 2]\n"):
        assert node_tree(compose(text, yaml.CSafeLoader)) == node_tree(compose(text, yaml.SafeLoader))
    bad = "a:\n  kind: survey\n  finding: one: two\n"
    with pytest.raises(yaml.YAMLError) as pure:
        compose(bad, yaml.SafeLoader)
    [(_level, line, message)] = lines(parse(bad)[1])
    assert (line, message) == (3, f"malformed YAML: {pure.value.problem}"), message
    assert "not allowed here" in message  # libyaml says "... in this context"


def test_a_checked_value_that_is_not_a_date():
    [(_level, line, message)] = lines(
        parse("a:\n  kind: survey\n  finding: F.\n  limitation: L.\n  checked: soon\n")[1]
    )
    assert line == 5 and "checked: 'soon' is not a date; write it as YYYY-MM-DD" in message


def test_add_months_keeps_the_day_or_the_month_end():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 12, 1), 12) == datetime.date(2027, 12, 1)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


def test_a_cited_key_without_a_card_is_an_error_at_its_first_citation():
    cards, _ = parse(GOOD)
    texts = {"a.md": "Title: A\n\nText [@feder2021].\nMore [@nocard2020, p. 3] and [@nocard2020].\n"}
    [problem] = missing_cards({"a.md": ["feder2021", "nocard2020"]}, cards, texts.__getitem__)
    assert (problem.path, problem.line) == ("a.md", 4)
    assert "source 'nocard2020' is cited but has no evidence card" in problem.message
    assert citation_line("[@feder20211] [@feder2021]", "feder2021") == 1
    assert citation_line("x\n[@feder2021a]", "feder2021") is None


# -- the reference list's hook (Markdown alone) ---------------------------------------


@pytest.fixture(scope="module")
def bibliography(tmp_path_factory):
    path = tmp_path_factory.mktemp("bib") / "refs.json"
    items = [
        {
            "id": "feder2021",
            "type": "article-journal",
            "title": "Repeated ketamine for PTSD",
            "author": [{"family": "Feder", "given": "Adriana"}],
            "issued": {"date-parts": [[2021]]},
        },
        {
            "id": "other2020",
            "type": "webpage",
            "title": "A page",
            "author": [{"literal": "VA"}],
            "issued": {"date-parts": [[2020]]},
        },
    ]
    path.write_text(json.dumps(items), encoding="utf-8")
    return [str(path)]


def test_the_card_is_in_the_reference_entry_once_and_not_in_the_previews(bibliography):
    cards, _ = parse(GOOD)

    def card(key):
        return f'<span class="evidence-card">{cards[key].label}</span>' if key in cards else ""

    ext = makeExtension(bibliography=bibliography, evidence_card=card)
    html = markdown.markdown("One [@feder2021]. Two [@feder2021; @other2020].", extensions=[ext])
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select(".evidence-card")) == 1
    entry = soup.select_one("li#ref-feder2021")
    assert entry.select_one(".evidence-card").get_text() == "Randomized trial · 30 people"
    # inside the entry, so whatever shows the entry (the tap preview) shows the card
    assert entry.select_one(".references__entry > .evidence-card")
    assert not soup.select_one("li#ref-other2020 .evidence-card")
    assert not soup.select(".cite__preview .evidence-card")


def test_the_label_hook_puts_the_label_in_the_preview_of_a_carded_source(bibliography):
    cards, _ = parse(GOOD)

    def label(key):
        return f'<b class="evidence-card__label">{cards[key].label}</b>' if key in cards else ""

    ext = makeExtension(bibliography=bibliography, evidence_label=label)
    html = markdown.markdown("One [@feder2021]. Two [@other2020; @feder2021].", extensions=[ext])
    soup = BeautifulSoup(html, "html.parser")
    previews = soup.select(".cite__preview")  # a source's first citation only
    assert [p["id"] for p in previews] == ["cite-feder2021-1-preview", "cite-other2020-1-preview"]
    assert [p.select_one(".evidence-card__label") is not None for p in previews] == [True, False]
    assert previews[0].select_one(".evidence-card__label").get_text() == "Randomized trial · 30 people"
    assert not soup.select("section.references .evidence-card__label")  # that is evidence_card's


def test_without_cards_the_reference_list_is_as_before(bibliography):
    plain = markdown.markdown("One [@feder2021].", extensions=[makeExtension(bibliography=bibliography)])
    hooked = markdown.markdown(
        "One [@feder2021].",
        extensions=[makeExtension(bibliography=bibliography, evidence_card=lambda key: "")],
    )
    assert plain == hooked and "evidence-card" not in plain


# -- the chart -------------------------------------------------------------------------

STUDIES_TEXT = textwrap.dedent(
    """\
    big:
      kind: randomized controlled trial
      people: 158
      finding: F.
      limitation: L.
      outcome: no clear difference
      checked: 2026-12-01
    small:
      kind: randomized controlled trial
      people: 30
      finding: F.
      limitation: L.
      outcome: benefit
      checked: 2026-12-01
    open:
      kind: open-label study
      people: 15
      finding: F.
      limitation: L.
      outcome: benefit
      checked: 2026-12-01
    guide:
      kind: clinical practice guideline
      finding: F.
      limitation: L.
      checked: 2026-12-01
    """
)


@pytest.fixture
def chart_cards():
    cards, problems = parse_cards(STUDIES_TEXT, "cards.yaml", TODAY)
    assert problems == []
    return cards


def test_area_is_proportional_to_people_with_a_floor():
    assert radius(158, 158) == R_MAX
    assert math.isclose((radius(30, 158) / radius(158, 158)) ** 2, 30 / 158)
    assert radius(1, 10_000) == R_MIN


def test_one_mark_per_study_in_a_row_for_its_kind(chart_cards):
    studies = [(key, key.title(), chart_cards[key]) for key in ("open", "big", "small")]
    marks, rows, height = layout(studies)
    assert [kind for kind, _y in rows] == ["randomized controlled trial", "open-label study"]  # KINDS order
    by_key = {mark.key: mark for mark in marks}
    assert by_key["big"].y == by_key["small"].y < by_key["open"].y < height
    assert by_key["big"].x < by_key["small"].x  # the order given
    assert by_key["big"].r > by_key["small"].r > by_key["open"].r


def test_the_figure_has_a_shape_and_words_per_outcome_and_a_table(chart_cards):
    studies = [(key, key.title(), chart_cards[key]) for key in ("big", "small", "open")]
    soup = BeautifulSoup(render("Trials", studies), "html.parser")
    svg = soup.select_one("figure.evidence-chart > svg[role=img]")
    assert svg.select_one("title").get_text().startswith("Trials: 3 studies")
    assert len(svg.select("circle")) == 2 and len(svg.select("rect")) == 1  # benefit, no clear difference
    words = [text.get_text(" ") for text in svg.select("g > text")]
    assert words == [
        "Big 158 people no clear difference",
        "Small 30 people benefit",
        "Open 15 people benefit",
    ]
    rows = [[cell.get_text() for cell in row.select("td")] for row in soup.select("table tbody tr")]
    assert rows[0] == ["Big", "Randomized trial", "158", "no clear difference"]
    assert len(rows) == 3
    assert [key.get_text(strip=True) for key in soup.select("figcaption .ec-key")] == [
        "benefit",
        "no clear difference",
    ]


def test_every_outcome_has_its_own_shape(chart_cards):
    from pelican.plugins.faq_citations.evidence_chart import Mark, shape

    tags = {shape(Mark("k", "K", "survey", 10, outcome, 50, 50, 10)).split(" ")[0] for outcome in OUTCOMES}
    drawn = [shape(Mark("k", "K", "survey", 10, outcome, 50, 50, 10)) for outcome in OUTCOMES]
    assert len(set(drawn)) == len(OUTCOMES) and len(tags) >= 3


def chart_markdown(text, cards):
    ext = EvidenceChartExtension(cards=cards, names=lambda key: key.upper())
    return markdown.markdown(textwrap.dedent(text), extensions=["meta", ext])


def test_the_block_becomes_the_figure_and_keeps_later_lines(chart_cards):
    html = chart_markdown(
        """\
        Title: T

        ::: evidence-chart "Ketamine trials"
        big, small
        open
        :::

        After.
        """,
        chart_cards,
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("figure#evidence-chart figcaption b").get_text() == "Ketamine trials"
    assert len(soup.select("figure svg g")) == 3
    assert soup.select("p")[-1].get_text() == "After."


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("::: evidence-chart\nbig, nosuch\n:::\n", 3, "'nosuch' has no evidence card"),
        ("::: evidence-chart\nguide\n:::\n", 3, "the card of 'guide' has no people or outcome"),
        ("::: evidence-chart\n:::\n", 3, "an evidence chart with no studies"),
        ("::: evidence-chart\nbig\n", 3, "'::: evidence-chart' is not closed"),
    ],
)
def test_chart_mistakes_name_the_line_of_the_block(chart_cards, body, line, message):
    with pytest.raises(AuthorError) as caught:
        chart_markdown("Title: T\n\n" + body, chart_cards)
    assert caught.value.line == line
    assert message in caught.value.message


def test_a_yaml_typo_loses_only_its_card_and_is_not_reported_again_where_it_is_cited():
    broken = GOOD.replace("  kind: randomized controlled trial", "  kind randomized controlled trial")
    cards, problems = parse(broken)
    assert lines(problems) == [("error", 4, "malformed YAML: mapping values are not allowed here")]
    assert sorted(cards) == ["borgogna2024"] and cards["borgogna2024"].line == 11  # lines kept
    assert cards.withheld == {"feder2021"}
    texts = {"a.md": "Text [@feder2021] and [@nocard2020].\n"}
    assert [p.message.split(";")[0] for p in missing_cards({"a.md": ["feder2021", "nocard2020"]}, cards,
                                                            texts.__getitem__)] == [
        "source 'nocard2020' is cited but has no evidence card"]


def test_a_quote_left_open_is_reported_where_it_opened():
    cards, problems = parse(GOOD.replace("finding: Pooled,", 'finding: "Pooled,'))
    assert lines(problems) == [("error", 15, "malformed YAML: the quoted text that starts here is never "
                                             "closed (found unexpected end of stream)")]
    assert sorted(cards) == ["feder2021"] and cards.withheld == {"borgogna2024"}


def test_a_card_with_a_mistake_is_withheld_too():
    cards, problems = parse(GOOD.replace("kind: systematic review and meta-analysis", "kind: blog post"))
    assert [line for _level, line, _message in lines(problems)] == [12]
    assert sorted(cards) == ["feder2021"] and cards.withheld == {"borgogna2024"}


def test_a_withheld_card_is_left_out_of_a_chart_without_a_second_error():
    cards, _problems = parse(GOOD.replace("kind: systematic review and meta-analysis", "kind: blog post"))
    from pelican.plugins.faq_citations.evidence_chart import studies_for

    drawn = studies_for("feder2021, borgogna2024", 3, cards, str)
    assert [key for key, _name, _card in drawn] == ["feder2021"]
    with pytest.raises(AuthorError, match="'nocard' has no evidence card"):
        studies_for("feder2021, nocard", 3, cards, str)
