"""The credits, cast and reviews blocks run in linear time on hostile lines.

Complexity, not speed (tests/growth.py): a line with 2K repetitions of a hostile piece must take
about twice as long to read as one with K.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from growth import assert_linear

from moviecli.parse import parse_page
from moviecli.parse.cast import read_row
from moviecli.parse.credits import writers
from moviecli.parse.lines import page_lines
from moviecli.parse.reviews import parse_reviews, read_author

# Whitespace the loader keeps as it is (U+1680, \v), and whitespace it turns into spaces, which a
# block function called on raw text still meets.
KEPT_SPACES = ["\u1680", "\v"]
ALL_SPACES = [*KEPT_SPACES, "\u2000", "\u200a", "\u3000"]


def credits_page(line: str) -> str:
    """A stripped page whose only credits line is `line`: directors or writers, as its credits say."""
    return f"Hostile Film (2001)\n\nA man walks home.\n\n\n{line}\n\n\nCast overview:\nAl Bo ... Cy\n"


def cast_page(row: str) -> str:
    return f"Hostile Film (2001)\n\nA man walks home.\n\nCast overview:\n{row}\nAnna Bell ... Herself\n"


def reviews_lines(byline: str) -> list[str]:
    page = f"Hostile Film (2001)\n\nUser Reviews\n\nGreat\n{byline}\n\nGood film.\n\n1 of 2 people found this review helpful.\n"
    return page_lines(page)


SPACED: dict[str, Callable[[str, int], str]] = {
    "more credits": lambda w, k: credits_page("Ann Lee (screenplay by)" + w * k + "x more credits"),
    "more credits after a pipe": lambda w, k: credits_page(
        "Ann Lee (novel) |" + w * k + "5 more credits" + w * k + "x"
    ),
    "stars link": lambda w, k: credits_page("Ann Lee | See full cast & crew" + w * k + "x"),
    "cast note": lambda w, k: cast_page("Ann Ray ... Jo" + w * k + "x)"),
    "cast name note": lambda w, k: cast_page("Ann Ray" + w * k + "x)"),
}
REPEATED: dict[str, Callable[[int], str]] = {
    "unclosed (By": lambda k: credits_page("John ), (By" + ", By" * k),
    "unclosed (screenplay by": lambda k: credits_page("Ann Lee (screenplay by" + " by" * k),
    "inline label, colons": lambda k: credits_page("Writers: Ann Lee (adapted by: " + "x: " * k + ")"),
    "many writers": lambda k: credits_page("Ann Lee" + ", Bo Park (novel)" * k),
    "opening parentheses": lambda k: credits_page("Ann Lee " + "(" * k),
    "closing parentheses": lambda k: credits_page("Ann Lee " + ")" * k),
    "many notes": lambda k: credits_page("Ann Lee (story)" + " (a)" * k),
    "cast notes": lambda k: cast_page("Ann Ray ... Jo" + " (a)" * k),
    "cast notes without character": lambda k: cast_page("Ann Ray" + " (a)" * k),
    "cast open parentheses": lambda k: cast_page("Ann Ray ... Jo" + " (" * k + ")"),
    "cast doubled name": lambda k: cast_page("Ann" + " Ann" * k),
    "cast rows": lambda k: cast_page("\n".join(["Ann Ray Ann Ray ... Jo (voice) (3 episodes, 2001)"] * k)),
}
BYLINES: dict[str, Callable[[str, int], str]] = {
    "see all after spaces": lambda w, k: "12 June 2015 | by luke" + w * k + "x See all my reviews",
    "unclosed parenthesis": lambda w, k: "12 June 2015 | by (" + w * k + "x",
    "dash then spaces": lambda w, k: "12 June 2015 | by luke -" + w * k + "x See all my reviews",
}
REPEATED_BYLINES: dict[str, Callable[[int], str]] = {
    "e-mails": lambda k: "12 June 2015 | by luke" + " (a@b.c)" * k,
    "dashes": lambda k: "12 June 2015 | by luke" + " -" * k + "x See all my reviews",
    "bylines": lambda k: "\n".join(["12 June 2015 | by (a@b.c) (Here) - See all my reviews"] * k),
    "helpful counts": lambda k: "12 June 2015 | by luke\n" + "1," * k + " of 2 people found this review helpful",
}


@pytest.mark.parametrize("space", KEPT_SPACES, ids=repr)
@pytest.mark.parametrize("case", SPACED)
def test_credits_and_cast_lines_with_kept_whitespace_parse_in_linear_time(case: str, space: str) -> None:
    assert_linear(parse_page, lambda k: SPACED[case](space, k))


@pytest.mark.parametrize("case", REPEATED)
def test_credits_and_cast_lines_with_repeated_pieces_parse_in_linear_time(case: str) -> None:
    assert_linear(parse_page, REPEATED[case])


@pytest.mark.parametrize("space", KEPT_SPACES, ids=repr)
@pytest.mark.parametrize("case", BYLINES)
def test_review_bylines_with_kept_whitespace_parse_in_linear_time(case: str, space: str) -> None:
    assert_linear(parse_reviews, lambda k: reviews_lines(BYLINES[case](space, k)))


@pytest.mark.parametrize("case", REPEATED_BYLINES)
def test_review_bylines_with_repeated_pieces_parse_in_linear_time(case: str) -> None:
    assert_linear(parse_reviews, lambda k: reviews_lines(REPEATED_BYLINES[case](k)))


@pytest.mark.parametrize("space", ALL_SPACES, ids=repr)
@pytest.mark.parametrize(
    ("read", "make"),
    [
        (read_author, lambda w, k: "luke" + w * k + "x See all my reviews"),
        (read_author, lambda w, k: "(" + w * k + "x"),
        (read_row, lambda w, k: "Ann Ray ... Jo" + w * k + "x)"),
        (read_row, lambda w, k: "Ann Ray" + w * k + "(x)"),
        (writers, lambda w, k: "Ann Lee" + w * k + "x more credits"),
        (writers, lambda w, k: "Ann Lee (by" + w * k + "x"),
    ],
    ids=["author see-all", "author parenthesis", "cast note", "cast name note", "more credits", "unclosed by"],
)
def test_block_readers_on_raw_whitespace_run_in_linear_time(
    read: Callable[[str], object], make: Callable[[str, int], str], space: str
) -> None:
    assert_linear(read, lambda k: make(space, k))


# Whole pages carrying the known slow lines: linear because page_lines folds every run of Unicode
# space into one, so neither strip_links nor storyline's certificate-link pattern meets a long run.
def test_a_more_credits_link_with_a_guillemet_parses_in_linear_time() -> None:
    assert_linear(
        parse_page, lambda k: credits_page("Ann Lee |" + "\u1680" * k + "5 more credits" + "\u1680" * k + "x »")
    )


def test_the_known_slow_byline_parses_in_linear_time_as_a_whole_page() -> None:
    page = "Hostile Film (2001)\n\nUser Reviews\n\nGreat\n12 June 2015 | by luke{}x See all my reviews\n"
    assert_linear(parse_page, lambda k: page.format("\u1680" * k))
