"""The top of the page: title and year, original title, subtext and the plot summary; the scores
below the title (rating, review counts, metascore, popularity, awards) are read by scores.py.

The header runs from the first line to the cast block; `header_end` finds that boundary so that the
same shapes further down (a review's `8/10`, a `(1995)` in a connection) are never read as header data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from moviecli.errors import ParseError
from moviecli.models import Awards
from moviecli.parse.cast import CAST_HEADERS
from moviecli.parse.lines import clean, find_in, is_label, next_nonempty, prev_nonempty
from moviecli.parse.scores import (
    COUNT_LAST,
    OLD_RATING,
    OLD_RATING_STARTS,
    REVIEW_COUNTS,
    find_awards,
    read_counts,
    read_metascore,
    read_popularity,
    read_rating,
)
from moviecli.parse.values import GENRES, is_year, read_release

_KIND_WORDS = (
    ("TV Mini-Series", "tv_mini_series"),
    ("TV Mini Series", "tv_mini_series"),
    ("TV Series", "tv_series"),
    ("TV Movie", "tv_movie"),
    ("TV Episode", "tv_episode"),
    ("TV Special", "tv_special"),
    ("TV Short", "short"),
    ("Video Game", "video_game"),
    ("Video", "video"),
)
_KIND_ALT = "|".join(re.escape(w) for w, _ in _KIND_WORDS)
_KIND_STARTS = tuple(w for w, _ in _KIND_WORDS)
# `Leaving Las Vegas (1995)`, `The Wire (2002–2008)`, `Roary the Racing Car (2007– )`, `Foo (2001/I)`,
# older `Foo (TV Movie 1998)`.
TITLE_LINE = re.compile(
    rf"^(?P<title>.+?)\s*\((?:(?P<kind>{_KIND_ALT}) )?(?P<year>\d{{4}})(?:/(?P<index>[IVX]+))?"
    r"(?:\s*(?P<dash>[–—-])\s*(?P<end>\d{4})?\s*)?\)$"
)
_ORIGINAL = re.compile(r'^"?(?P<title>.+?)"?\s*\(original title\)$')
_ORIGINAL_ENDS = ("(original title)", "(original title)\n")
_RUNTIME = re.compile(r"^(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*min)?$")
_CERT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+\-/. ]{0,14}$")
_EPISODE = re.compile(r"^Episode aired (?P<date>.+)$")
_YEAR_NOTE = re.compile(r"\(\d{4}.*\)")
# The years a 2018 series page gives in its subtext, `TV Series (2007–2015)`, `(2016– )`.
_YEARS_NOTE = re.compile(r"\((?P<year>\d{4})(?:\s*(?P<dash>[–—-])\s*(?P<end>\d{4})?\s*)?\)")
# Section starts that end the header, besides the cast headers.
_AFTER_HEADER = frozenset(
    {
        "Storyline",
        "Did You Know?",
        "User Reviews",
        "Details",
        "Box Office",
        "Technical Specs",
        "Company Credits",
        "Plot Keywords:",
        "Genres:",
        "Motion Picture Rating (MPAA)",
        "Certificate:",
        "Parents Guide:",
        "Official Sites:",
        "Country:",
        "Release Date:",
        "Also Known As:",
        "Frequently Asked Questions",
        "Message Boards",
    }
)
_HEADER_ENDS = _AFTER_HEADER | CAST_HEADERS
# What a subtext piece listing genres can start with (pieces are stripped): a genre's first letter, or a separator.
_GENRE_FIRST = frozenset({g[0] for g in GENRES} | {",", "|"})
# Header furniture, in three patterns by where they can match, because one unanchored search of them
# all tried every branch at every character (~14 µs a line): the line's start, its end, anywhere.
# A video's caption is its type: `Trailer`, `2:48 | Trailer`, `Clip`, `1:25 | Clip`, `Teaser`, ...
# A 2018 series page adds `Episode Guide` and `92 episodes` under the subtext.
_FURNITURE_START = re.compile(
    r"(?:\d+:\d+ \| )?(?:Trailer|Teaser|Clip|Featurette|Video|Interview|Promo)$|Episode Guide$|\d[\d,]* episodes?$|"
    r"\d+ videos? \| \d+ images?$|Watch Trailer|"
    r"Watch now$|At Amazon|Own it$|Buy it at|Add a Plot|Your rating:?$|-/10 X$|Learn more$|"
    r"MOVIEmeter$|SEE RANK$|Top \d+$|(?:Up|Down) [\d,]+ this week$|Reviews$|Popularity$|Metascore$|"
    r"From metacritic\.com$|\d{1,2}\.\d$|\d+ photos?\b",
    re.IGNORECASE,
)
_FURNITURE_END = re.compile(r"(?:Poster|Share\.\.\.)$", re.IGNORECASE)
_FURNITURE_END_LEN = len("Share...\n")  # the longest text _FURNITURE_END can match
_FURNITURE_ANYWHERE = re.compile(r"IMDbPro|»|◄|►", re.IGNORECASE)


@dataclass
class Header:
    """What the top of the page says, plus where things are, for the credits parser."""

    title: str
    title_index: int
    end: int
    year: int | None = None
    year_index: str | None = None  # `(2004/II)` → "II"
    end_year: int | None = None
    ranged: bool = False  # `(2002–2008)` or `(2007– )`: only series have a year range
    kind: str | None = None
    original_title: str | None = None
    certificate: str | None = None
    runtime_minutes: int | None = None
    genres: list[str] = field(default_factory=list)
    release_date: str | None = None
    release_country: str | None = None
    rating: float | None = None
    votes: int | None = None
    metascore: int | None = None
    user_reviews: int | None = None
    critic_reviews: int | None = None
    metacritic_reviews: int | None = None
    popularity: int | None = None
    awards: Awards | None = None
    summary: str | None = None
    used: set[int] = field(default_factory=set)  # header lines already read as data
    warnings: list[str] = field(default_factory=list)


def header_end(lines: list[str]) -> int:
    """Index of the first line after the header: the cast block or a later section."""
    i = find_in(lines, _HEADER_ENDS)
    return len(lines) if i is None else i


def find_title(lines: list[str], end: int) -> tuple[int, re.Match[str] | None]:
    """The title line: the first `Name (year)` line of the header, or an in-development stub's first line."""
    for i in range(end):
        # TITLE_LINE ends with `)$` and lines hold no newline: the cheap test first.
        m = TITLE_LINE.match(lines[i]) if lines[i].endswith(")") else None
        if m is None or is_label(lines[i]) or not any(c.isalnum() for c in m["title"]):
            continue  # `) (1995)` names nothing
        if "|" in lines[i] and (found := read_subtext(lines[i])) is not None and "kind" in found:
            # A 2018 series page: `TV-14 | 47min | Drama | TV Series (2007–2015)` under the title, which
            # stands alone on its line.
            j = prev_nonempty(lines, i)
            if j is not None and lines[j].endswith("(original title)"):
                j = prev_nonempty(lines, j)  # the original title stands between them
            if j is not None and _may_be_title(lines[j]):
                return j, None
            continue
        return i, m
    # In-development titles have no year; their page says so, and its first line is the title.
    if any("in-development" in x or "in development" in x for x in lines[: end + 20]):
        first = next_nonempty(lines, -1, end)
        if first is not None and not is_label(lines[first]) and "»" not in lines[first] and len(lines[first]) <= 200:
            return first, None
    raise ParseError("no title found: no 'Title (year)' line in the page's header")


def _may_be_title(line: str) -> bool:
    """Whether a line standing alone above a subtext can be the title: words, not a header datum."""
    return (
        len(line) <= 200
        and any(c.isalpha() for c in line)
        and not is_label(line)
        and not is_furniture(line)
        and read_subtext(line) is None
        and not (line[-1:] in COUNT_LAST and REVIEW_COUNTS.match(line))
        and not (line.startswith(OLD_RATING_STARTS) and OLD_RATING.match(line))
    )


def parse_header(lines: list[str], end: int) -> Header:
    """Read every header block; raises ParseError when there is no title."""
    t, m = find_title(lines, end)
    if m is None:
        head = Header(title=lines[t], title_index=t, end=end)
    else:
        head = Header(title=clean(m["title"]), title_index=t, end=end)
        head.year = _year(m["year"], head)
        head.year_index = m["index"] if head.year is not None else None
        if m["end"]:
            head.end_year = _year(m["end"], head)
        head.ranged = bool(m["dash"])
        if m["kind"]:
            head.kind = dict(_KIND_WORDS)[m["kind"]]
    head.used.add(t)
    _original_title(lines, head)
    _subtext(lines, head)
    read_rating(lines, head)
    read_counts(lines, head)
    read_metascore(lines, head)
    read_popularity(lines, head)
    find_awards(lines, head)
    return head


def _year(digits: str, head: Header) -> int | None:
    if is_year(int(digits)):
        return int(digits)
    head.warnings.append(f"year ({digits}) is not a year: left out")
    return None


def _original_title(lines: list[str], head: Header) -> None:
    j = next_nonempty(lines, head.title_index, head.end)
    # The pattern ends with a literal `(original title)` (and `$`, which may stand before a final
    # newline), after a lazy `.+?` tried at every position: test the end first.
    if j is not None and lines[j].endswith(_ORIGINAL_ENDS) and (m := _ORIGINAL.match(lines[j])):
        head.original_title = m["title"].strip()
        head.used.add(j)


def _subtext(lines: list[str], head: Header) -> None:
    """The `R | 1h 52min | Comedy, Drama | 9 June 1995 (USA)` line (or the older ` - ` form), if any."""
    j = head.title_index
    for _ in range(5):
        following = next_nonempty(lines, j, head.end)
        if following is None:
            return
        j = following
        if j in head.used:
            continue
        found = read_subtext(lines[j])
        if found is not None:
            if "year" in found and isinstance(found["year"], int) and not is_year(found["year"]):
                head.warnings.append(f"year ({found['year']:04d}) is not a year: left out")
                found.pop("year")
            if "end_year" in found and isinstance(found["end_year"], int) and not is_year(found["end_year"]):
                head.warnings.append(f"year ({found['end_year']:04d}) is not a year: left out")
                found.pop("end_year")
            for k, v in found.items():
                if getattr(head, k) in (None, []):
                    setattr(head, k, v)
            head.used.add(j)
            return


def read_subtext(line: str) -> dict[str, object] | None:
    """Classify every piece of a subtext line; None unless all pieces are understood."""
    # Older pages separate pieces with " - " and genres with " | "; newer ones use " | " and ", ".
    pieces = [p.strip() for p in (line.split(" - ") if " - " in line else line.split("|"))]
    pieces = [p for p in pieces if p and not p.startswith("See ")]
    out: dict[str, object] = {}
    for n, piece in enumerate(pieces):
        got = _subtext_piece(piece)
        if got is None and n == 0 and _CERT.match(piece) and len(pieces) > 1:
            got = {"certificate": piece}
        if got is None or not out.keys().isdisjoint(got):
            return None
        out.update(got)
    if not out or set(out) == {"certificate"}:
        return None
    return out


def _subtext_piece(piece: str) -> dict[str, object] | None:
    # Pieces are stripped and hold no newline, so each pattern's literal start or end is a cheap test first.
    # A genre list's first item is a genre (or the piece starts with a separator): else skip the split.
    if piece[:1] in _GENRE_FIRST:
        genres = [g.strip() for g in piece.replace("|", ",").split(",") if g.strip()]
        if genres and all(g in GENRES for g in genres):
            return {"genres": genres}
    m = _RUNTIME.match(piece) if piece.endswith(("h", "min")) else None
    if m and (m["h"] or m["m"]):
        return {"runtime_minutes": int(m["h"] or 0) * 60 + int(m["m"] or 0)}
    if piece.startswith("Episode aired ") and (m := _EPISODE.match(piece)):
        release = _release(m["date"])
        return None if release is None else {"kind": "tv_episode", **release}
    for word, kind in _KIND_WORDS if piece.startswith(_KIND_STARTS) else ():
        if piece == word or piece.startswith(word + " "):
            rest = piece[len(word) :].strip()
            if rest.endswith(")") and (years := _YEARS_NOTE.fullmatch(rest)):
                got: dict[str, object] = {"kind": kind, "year": int(years["year"])}
                if years["end"]:
                    got["end_year"] = int(years["end"])
                return got
            if not rest or _YEAR_NOTE.fullmatch(rest):
                return {"kind": kind}
            release = _release(rest)
            return None if release is None else {"kind": kind, **release}
    return _release(piece)


def _release(piece: str) -> dict[str, object] | None:
    """`9 June 1995 (USA)`, `February 2008 (Morocco)`, `2008` → the date to its precision and the country."""
    # A release ends with its `(country)` or the year's last digit: skip the patterns for anything else.
    end = piece.rstrip()[-1:]
    if end != ")" and not end.isdecimal():
        return None
    got = read_release(piece)
    if got is None or got[0] is None:
        return None
    return {"release_date": got[0], "release_country": got[1]}


# The readers below look at the header's lines in order. Lines are stripped and hold no newline, so the
# literal start or end each pattern needs is a cheap test to make before the pattern.


def _may_hold_furniture(line: str) -> bool:
    """Whether _FURNITURE_ANYWHERE can match: it needs an arrow or `IMDbPro` in some case (only the
    `I` has non-ASCII matches, İ and ı), so `mdbpro` in the lowercased line. A search at every
    position of the line cost more than these scans."""
    return "»" in line or "◄" in line or "►" in line or "mdbpro" in line.lower()


def is_furniture(line: str) -> bool:
    """Header lines that are links or decoration, never data."""
    return bool(
        _FURNITURE_START.match(line)
        or _FURNITURE_END.search(line, len(line) - _FURNITURE_END_LEN)
        or (_may_hold_furniture(line) and _FURNITURE_ANYWHERE.search(line))
    )
