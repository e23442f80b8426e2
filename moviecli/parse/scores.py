"""The scores in a page's header: rating and votes, review counts, metascore, popularity, awards.

Each reader looks only inside the header (lines before `head.end`) and marks the lines it used, so
the same shapes further down (a review's `8/10`) are never taken for them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from moviecli.models import Awards
from moviecli.parse.lines import next_nonempty, strip_links
from moviecli.parse.values import to_int

if TYPE_CHECKING:
    from moviecli.parse.header import Header

_RATING = re.compile(r"^(?:Ratings?:\s*)?(?P<rating>\d{1,2}(?:\.\d+)?)/10$")
# `Ratings: 8.2/10 from 62,843 users` (2014-16) and `Users rated this 8.2/10 (62,843 votes)` (older).
# The 2013-15 table layout adds the metascore on the same line: `... from 543,444 users Metascore: 70/100`.
OLD_RATING = re.compile(
    r"^(?:Ratings: (?P<rating>\d{1,2}(?:\.\d+)?)/10 from (?P<votes>[\d,]+) users?"
    r"(?:\s*Metascore: (?P<metascore>\d{1,3})/100)?"
    r"|Users rated this (?P<rating2>\d{1,2}(?:\.\d+)?)/10 \((?P<votes2>[\d,]+) votes?\).*)$"
)
OLD_RATING_STARTS = ("Ratings: ", "Users rated this ")
# The 2013-15 table layout ends the line with the Metacritic count: `Reviews: 700 user | 221 critic | 13
# from Metacritic.com` (a count of reviews, not the metascore: metacritic_reviews).
REVIEW_COUNTS = re.compile(
    r"^(?:Reviews:\s*)?(?:(?P<user>[\d,]+) users?)?\s*\|?\s*(?:(?P<critic>[\d,]+) critics?)?"
    r"(?:\s*\|\s*(?P<metacritic>[\d,]+) from Metacritic\.com)?$",
    re.IGNORECASE,
)
# A count line starts with `Reviews:`, a count (str.isdecimal is exactly regex `\d`) or a `|`, and ends
# with user(s), critic(s), `.com` or a `|`. Ignoring case, r, c and m match only R, C and M; s matches S
# and ſ (U+017F).
_COUNT_FIRST = frozenset(",|Rr")
COUNT_LAST = frozenset("cCsS\u017frRmM|")
_METASCORE = re.compile(r"^Metascore:\s*(?P<score>\d{1,3})(?:/100)?$")
_METASCORE_STOP = frozenset({"Videos", "Photos", "People who liked this also liked..."})
# The up/down arrow of the weekly change is an image the extractor drops: `1,471 ( 290)`.
_POPULARITY = re.compile(r"^(?P<rank>\d[\d,]*)\s*\(\s*[-+]?[\d,]*\s*\)$")
_AWARDS = re.compile(
    r"^(?:.*\|\s*)?(?P<text>(?:Won|Nominated for) \d+ .*|\d+ (?:wins?|nominations?)\b.*)$", re.IGNORECASE
)
# The awards text starts the line or follows a `|`, and starts with Won, Nominated or a count
# (ignoring case, W and N match only w and n).
_AWARDS_FIRST = frozenset("WwNn")
_OSCARS = re.compile(r"\bWon (\d+) Oscars?\b", re.IGNORECASE)
_WINS = re.compile(r"\b(\d+) wins?\b")
_NOMINATIONS = re.compile(r"\b(\d+) nominations?\b")


def read_rating(lines: list[str], head: Header) -> None:
    for i in range(head.end):
        line = lines[i]
        if line.startswith(OLD_RATING_STARTS) and (m := OLD_RATING.match(line)):
            rating, votes = float(m["rating"] or m["rating2"]), to_int(m["votes"] or m["votes2"])
            if m["metascore"] and int(m["metascore"]) <= 100:
                head.metascore = int(m["metascore"])
        elif line.endswith("/10") and (m := _RATING.match(line)):
            rating, votes = float(m["rating"]), None
            j = next_nonempty(lines, i, head.end)
            if j is not None and (votes := to_int(lines[j])) is not None:
                head.used.add(j)
        else:
            continue
        if 1 <= rating <= 10:
            head.rating, head.votes = rating, votes
            head.used.add(i)
            return


def read_counts(lines: list[str], head: Header) -> None:
    # Every line is read (no early exit), so a comprehension picks the candidates: faster than a loop.
    for i in [
        i
        for i in range(head.end)
        if lines[i][-1:] in COUNT_LAST and (lines[i][:1] in _COUNT_FIRST or lines[i][:1].isdecimal())
    ]:
        # Only a line naming users or critics counts: `ser` (the s may be ſ) or `cr` in some case.
        low = lines[i].lower()
        if "ser" not in low and "ſer" not in low and "cr" not in low:
            continue
        m = REVIEW_COUNTS.match(lines[i])
        if m and (m["user"] or m["critic"]):
            head.used.add(i)
            if head.user_reviews is None and head.critic_reviews is None:
                head.user_reviews = to_int(m["user"]) if m["user"] else None
                head.critic_reviews = to_int(m["critic"]) if m["critic"] else None
                head.metacritic_reviews = to_int(m["metacritic"]) if m["metacritic"] else None


def read_metascore(lines: list[str], head: Header) -> None:
    """`Metascore: 70/100`, or `70` then `Metascore`, or (labels stripped) a bare 0-100 after the title."""
    if head.metascore is not None:
        return  # read with the rating, on the 2013-15 `Ratings:` line
    for i in range(head.title_index + 1, head.end):
        line = lines[i]
        if line in _METASCORE_STOP:
            return
        if line.startswith("Metascore:") and (m := _METASCORE.match(line)):
            head.metascore = int(m["score"])
            head.used.add(i)
            return
        # `\d{1,3}` in full: isdecimal() is exactly regex `\d`.
        if i not in head.used and 0 < len(line) <= 3 and line.isdecimal() and int(line) <= 100:
            head.metascore = int(line)
            head.used.add(i)
            return


def read_popularity(lines: list[str], head: Header) -> None:
    for i in range(head.end):
        line = lines[i]
        if line.endswith(")") and line[:1].isdecimal() and (m := _POPULARITY.match(line)) and i not in head.used:
            head.popularity = to_int(m["rank"])
            head.used.add(i)
            return


def find_awards(lines: list[str], head: Header) -> None:
    for i in range(head.end):
        line = lines[i]
        if i in head.used or not ("|" in line or line[:1] in _AWARDS_FIRST or line[:1].isdecimal()):
            continue
        # strip_links() only shortens the line, so no match on the line means none on the stripped one
        # (and when it changes nothing, the match is the one already made).
        # The text needs `Won`, `Nominated`, `win` or `nomination` in some case (of those letters only
        # the i has non-ASCII matches, İ and ı): without one of these in the lowercased line, no match.
        low = line.lower()
        if "won" not in low and "nom" not in low and "wi" not in low and "wı" not in low:
            continue
        m = _AWARDS.match(line)
        if m and (stripped := strip_links(line)) != line:
            m = _AWARDS.match(stripped)
        if m:
            head.awards = read_awards(m["text"])
            head.used.add(i)
            return


def read_awards(text: str) -> Awards:
    """`Won 1 Oscar. Another 31 wins & 29 nominations.` → counts; only a *won* Oscar counts as oscars."""
    oscars = _OSCARS.search(text)
    wins = _WINS.search(text)
    noms = _NOMINATIONS.search(text)
    return Awards(
        oscars=int(oscars[1]) if oscars else None,
        wins=int(wins[1]) if wins else None,
        nominations=int(noms[1]) if noms else None,
        text=text.strip(),
    )
