"""The parser runs in linear time on hostile lines: header, furniture, details, box office, storyline,
did-you-know and the line cleaning.

A pattern that backtracks makes one page stall a whole load (issue 10: `» ` + `See ` x 250,000 took
over two minutes). Speed depends on the machine, so these tests measure the *complexity*: a line of 2K
repetitions must take about twice as long to parse as one of K, never about four times.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import growth
import pytest

from moviecli.parse import parse_page
from moviecli.parse.lines import clean, page_lines

# One small page with a slot in each block; the hostile line goes into its block's slot.
PAGE = """{header}
Velvet Static (1998)
{header}
R | 1h 40min | Drama | 9 June 1998 (USA)
{header}
2:48 | Trailer
A late-night radio host takes calls from a listener who phones from next week.
{header}
Corin Ashby
{header}
Cast overview, first billed only:
Ada Renshaw ... Lou Kestrel

Storyline
{storyline}
Lou Kestrel hosts the graveyard shift. Written by Ivo Brandt <ivo@example.net>
{storyline}
Plot Summary | Plot Synopsis
{storyline}
Drama | Mystery
Rated R for language | See all certifications »
{storyline}
Did You Know?
{dyk}
The studio set was built inside a real radio station. See more »
{dyk}
Details
{details}
Country:
{details}
Release Date:
{details}
Box Office
{box}
Budget:
{box}
Opening Weekend USA:
{box}
Technical Specs
{details}
Runtime:
{details}
"""
BLOCKS = ("header", "storyline", "dyk", "details", "box")

# (block, repeated unit, tail): the line is unit * n + tail. Each aims at a pattern of its block: runs
# a pattern could try from every position (digits, letters, `(`, `|`, separators), a literal it needs
# at the end withheld or supplied, and whitespace the loader may leave uncollapsed.
HOSTILE = [
    # header: title, original title, subtext, rating, counts, metascore, popularity, awards
    ("header", "(", ")"),
    ("header", "x (1 ", ")"),
    ("header", '"a ', "(original title"),
    ("header", "1h | ", "min"),
    ("header", "TV Series (", "2007)"),
    ("header", "Episode aired ", " 1"),
    ("header", "Ratings: 1/10 from 1,", ""),
    ("header", "1,", " user"),
    ("header", "1 user | ", "critic"),
    ("header", "1,", "( 1)"),
    ("header", "| ", "Won 1"),
    ("header", "Won 1 ", "x"),
    ("header", "1 ", "wins"),
    # header furniture and the link text the extractor glues on (the case of issue 10)
    ("header", "1:1 | ", "Clip"),
    ("header", "Up 1,", " this week"),
    ("header", "» See ", "»"),
    ("header", "See ", ""),
    ("header", "See ", "»"),
    ("header", "5 more credits ", "»"),
    ("header", "See more ", "x"),
    # details
    ("details", "(", ""),
    ("details", "a (b) ", "(c"),
    ("details", "a | ", ""),
    ("details", "1 ", "min"),
    ("details", "Color ", "x"),
    # box office
    ("box", "$1,", ""),
    ("box", "$1.", "5 million"),
    ("box", "1 June ", "x"),
    ("box", "June 1, ", "x"),
    ("box", "a", " 1, 2000"),
    ("box", "(USA) ", "("),
    ("box", "CA$1,", "x"),
    # storyline
    ("storyline", "Written by ", "x"),
    ("storyline", "a <", ">"),
    ("storyline", "See all certifications ", "x"),
    ("storyline", "Rated R ", "x"),
    ("storyline", "Plot Summary | ", ""),
    ("storyline", "See All (1) ", "x"),
    # did you know
    ("dyk", "A: ", "x"),
    ("dyk", "[a ", ""),
    ("dyk", "A b ", "by"),
    ("dyk", "See more ", "x"),
    # whitespace the loader does not collapse, in every block
    *[(block, "\u1680x", "\u1680") for block in BLOCKS],
    *[(block, "x\v\u2000\u3000 ", "See all my reviews") for block in BLOCKS],
    *[(block, "\u00a0» See\u2009", "»") for block in BLOCKS],
]


def _page(block: str, line: str) -> str:
    return PAGE.format(**{b: line if b == block else "" for b in BLOCKS})


def assert_linear(block: str, line: Callable[[int], str]) -> None:
    growth.assert_linear(parse_page, lambda k: _page(block, line(k)))


@pytest.mark.parametrize(("block", "unit", "tail"), HOSTILE)
def test_parse_time_grows_linearly(block: str, unit: str, tail: str) -> None:
    assert_linear(block, lambda k: unit * k + tail)


def test_the_slow_line_of_issue_10_is_linear() -> None:
    # `» ` + `See ` x 250,000 took over two minutes: the trailing-link pattern tried `[^|»]*` to the
    # end of the line from every `See`.
    assert_linear("header", lambda k: "» " + "See " * k)
    assert_linear("storyline", lambda k: "» " + "See " * k)


def test_the_slow_line_of_issue_10_parses_in_seconds() -> None:
    # The whole 1 MB line once (quadratic took minutes; a generous bound for a busy machine).
    start = time.perf_counter()
    parse_page(_page("header", "» " + "See " * 250_000))
    assert time.perf_counter() - start < 20


def test_every_unicode_space_becomes_one_plain_space() -> None:
    # What the patterns' `\s` matches, but the line breaks: none may reach them as a run.
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) not in "\n\r"]
    assert len(spaces) == 27
    page = "Velvet Static (1998)\n\nA" + "".join(spaces) + "B" + "".join(s + "C" for s in spaces)
    assert page_lines(page) == ["Velvet Static (1998)", "", "A B" + " C" * 27]
    assert clean("".join(spaces) + "x" + "".join(spaces) + "y") == "x y"


def test_clean_collapses_every_space_its_quick_test_could_let_through() -> None:
    # clean() only strips a printable string without a double space: right because every space it
    # collapses (each Unicode space but the plain one and the line breaks, and U+200B) is non-printable.
    odd = [chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) not in " \n\r"] + ["\u200b"]
    assert [s for s in odd if s.isprintable()] == []
    assert [clean(f"Ann{s}Ray") for s in odd] == ["Ann Ray"] * len(odd)
