"""Property tests: any text gives a Title or a ParseError, never another exception.

Also mutated versions of the fixture pages (lines dropped, duplicated, truncated), which is what real
extractors and interrupted saves do to pages. The parser's per-block safety net must never fire.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from moviecli.errors import ParseError
from moviecli.models import Title
from moviecli.parse import parse_page
from moviecli.parse.didyouknow import SEE_MORE, see_more_at
from moviecli.parse.values import RELEASE, release_parts

PAGES = sorted((Path(__file__).parent / "fixtures" / "pages").glob("*.txt"))
PAGE_LINES = [p.read_text(encoding="utf-8").split("\n") for p in PAGES]
SAMPLE = Path(__file__).parent.parent / "seeds" / "000_130328f692786511.txt"
# Real pages: the sample, and the development pages beside the checkout when they are there (CI has them).
SHARED = Path(__file__).parent.parent.parent / "shared" / "pages"
for real in [SAMPLE, *sorted(SHARED.glob("*/*.txt"))]:
    if real.exists():
        PAGE_LINES.append(real.read_text(encoding="utf-8").split("\n"))

# Characters and fragments the format is made of, so random text hits the parser's patterns.
FRAGMENTS = [
    " ... ",
    " | ",
    "(",
    ")",
    "»",
    ":",
    "\u00a0",
    "–",
    "\r\n",
    "\n",
    "\n\n",
    "$",
    "£",
    "JPY ",
    "(estimated)",
    "See more »",
    "Written by ",
    "by ",
    "See all my reviews",
    "1995",
    "(2002–2008)",
    "(2007– )",
    "9 June 1995",
    "(USA)",
    "Cast overview:",
    "Did You Know?",
    "User Reviews",
    "Box Office",
    "Gross USA:",
    "Budget:",
    "Runtime:",
    "Release Date:",
    "Official Sites:",
    "Technical Specs",
    "Company Credits",
    "Rated R for ",
    "See all certifications »",
    "7.4/10",
    "29,751",
    "75 user | 55 critic",
    "1,471 ( 290)",
    "Won 1 Oscar. ",
    "4 of 4 people found this review helpful.",
    "Plot Summary | Plot Synopsis",
    "Drama | Romance",
    "TV Series - 60 min - ",
    "Title (1999)",
    "[to Sera]",
    "Name: ",
]
text_strategy = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60).map("".join)


def check(text: str) -> None:
    try:
        title = parse_page(text)
    except ParseError:
        return
    assert isinstance(title, Title)
    assert not [w for w in title.warnings if w.startswith("internal error")], title.warnings


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(text_strategy)
def test_format_like_text(text: str) -> None:
    check(text)


@st.composite
def mutated_page(draw: st.DrawFn) -> str:
    lines = list(draw(st.sampled_from(PAGE_LINES)))
    for _ in range(draw(st.integers(0, 8))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "cut", "blank", "swap"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif op == "blank":
            lines.insert(i, "")
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
    text = "\n".join(lines)
    # Truncated saves: the page may stop anywhere.
    return text[: draw(st.integers(0, len(text)))] if draw(st.booleans()) else text


@settings(max_examples=200, deadline=None)
@given(mutated_page())
def test_mutated_pages(text: str) -> None:
    check(text)


# Pieces of releases and of `See more »` links, with whitespace a block reader may meet raw.
LINK_PIECES = st.sampled_from(["9 June 1995", "(USA)", "(", ")", "()", " ", "\u1680", "\n", "See more", "»", "x", "."])
link_text = st.lists(st.one_of(LINK_PIECES, st.text(max_size=3)), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(link_text)
def test_release_parts_reads_what_the_release_pattern_matches(text: str) -> None:
    m = RELEASE.match(text.strip())
    assert release_parts(text.strip()) == ((m["date"], m["country"]) if m else None)


@settings(max_examples=300, deadline=None)
@given(link_text)
def test_see_more_at_finds_where_the_see_more_pattern_matches(text: str) -> None:
    m = SEE_MORE.search(text)
    assert see_more_at(text) == (m.start() if m else None)
