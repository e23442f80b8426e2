"""Small value readers shared by the block parsers: dates, integers, money, genre names."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY_FIRST = re.compile(rf"^(?P<day>\d{{1,2}}) {_MONTH},? (?P<year>\d{{4}})$")
_MONTH_FIRST = re.compile(rf"^{_MONTH} (?P<day>\d{{1,2}}),? (?P<year>\d{{4}})$")

# The genres IMDb uses. A `|` list made only of these is a genre list: that is how a stripped page's
# unlabeled Genres block is told apart from keywords, countries and languages.
GENRES = frozenset(
    {
        "Action",
        "Adult",
        "Adventure",
        "Animation",
        "Biography",
        "Comedy",
        "Crime",
        "Documentary",
        "Drama",
        "Family",
        "Fantasy",
        "Film-Noir",
        "Game-Show",
        "History",
        "Horror",
        "Music",
        "Musical",
        "Mystery",
        "News",
        "Reality-TV",
        "Romance",
        "Sci-Fi",
        "Short",
        "Sport",
        "Talk-Show",
        "Thriller",
        "War",
        "Western",
    }
)

# `$` is always USD on IMDb; other currencies are written as ISO codes (`JPY 1,900,000,000`).
_SYMBOLS = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR"}
_MONEY = re.compile(r"^(?:(?P<sym>[$£€¥₹])\s*|(?P<code>[A-Z]{3})\s?)(?P<amount>\d{1,3}(?:[,.]?\d{2,3})*)(?P<rest>.*)$")


_INTEGER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")


def iso_date(s: str) -> str | None:
    """`9 February 1996` / `February 9, 1996` → `1996-02-09`; anything partial (`February 2008`) → None."""
    s = s.strip().rstrip(".")
    m = _DAY_FIRST.match(s) or _MONTH_FIRST.match(s)
    if not m:
        return None
    month = _MONTHS.get(m["month"].lower())
    if month is None:
        return None
    try:
        return dt.date(int(m["year"]), month, int(m["day"])).isoformat()
    except ValueError:
        return None


def to_int(s: str) -> int | None:
    """`29,751` → 29751; None unless the whole string is digits (with thousands separators)."""
    s = s.strip()
    if not _INTEGER.fullmatch(s):
        return None
    return int(s.replace(",", ""))


def money(s: str) -> tuple[int, str, str] | None:
    """`$3,600,000 (estimated)` → (3600000, "USD", " (estimated)"): amount, currency, the rest of the text."""
    m = _MONEY.match(s.strip())
    if not m:
        return None
    currency = _SYMBOLS[m["sym"]] if m["sym"] else m["code"]
    digits = m["amount"].replace(",", "").replace(".", "")
    if not digits.isdigit():
        return None
    return int(digits), currency, m["rest"]


def is_genre_list(items: list[str]) -> bool:
    """Whether every item is a known genre (and there is at least one)."""
    return bool(items) and all(x in GENRES for x in items)
