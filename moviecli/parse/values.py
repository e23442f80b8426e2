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
_MONTH_YEAR = re.compile(rf"^{_MONTH} (?P<year>\d{{4}})$")
_YEAR = re.compile(r"^\d{4}$")
# A release: `9 June 1995 (USA)`, `February 2008 (Morocco)`, `1995`. One definition for the subtext's
# release piece and the details block's `Release Date:`: release_parts() reads what this matches.
RELEASE = re.compile(r"^(?P<date>[^()]+?)\s*(?:\((?P<country>[^()]+)\))?$")

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

# `$` is always USD on IMDb; other currencies are written as ISO codes (`JPY 1,900,000,000`) or as a
# country-prefixed dollar (`CA$1,500,000`).
_SYMBOLS = {
    "$": "USD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
    "US$": "USD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "NT$": "TWD",
    "R$": "BRL",
    "MX$": "MXN",
    "S$": "SGD",
}
# The number is taken whole (digits, separators, a decimal part, a `million`), then judged in Python:
# the old pattern stopped at the first `.` and read `$1.5 million` as 1 USD and `$12.50` as 1250.
_MONEY = re.compile(
    r"^(?:(?P<sym>[A-Z]{0,2}\$|[£€¥₹])\s*|(?P<code>[A-Z]{3})\s?)(?P<amount>\d[\d,.]*)"
    r"(?:\s*(?P<scale>(?i:thousand|million|billion|k\b|m\b|bn\b)))?(?P<rest>.*)$"
)
_SCALES = {"thousand": 1000, "k": 1000, "million": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9}
# Thousands grouped by three (`1,500,000`), or the Indian way (`1,00,00,000`).
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})*|\d{1,2}(?:,\d{2})+,\d{3}")


_INTEGER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")


def iso_date(s: str) -> str | None:
    """`9 February 1996` / `February 9, 1996` → `1996-02-09`; anything partial (`February 2008`) → None."""
    s = s.strip().rstrip(".")
    # One pattern needs a digit first (isdecimal is exactly `\d`), the other an ASCII letter: try only the one that can match.
    m = _DAY_FIRST.match(s) if s[:1].isdecimal() else _MONTH_FIRST.match(s)
    if not m:
        return None
    month = _MONTHS.get(m["month"].lower())
    if month is None:
        return None
    try:
        return dt.date(int(m["year"]), month, int(m["day"])).isoformat()
    except ValueError:
        return None


def iso_partial_date(s: str) -> str | None:
    """A date to the precision the page gives: `9 June 1995` → `1995-06-09`, `February 2008` → `2008-02`,
    `2008` → `2008`; None for anything else. Never a made-up day or month."""
    s = s.strip().rstrip(".")
    if full := iso_date(s):
        return full
    if _YEAR.match(s):
        return s if is_year(int(s)) else None
    m = _MONTH_YEAR.match(s)
    month = _MONTHS.get(m["month"].lower()) if m else None
    if m is None or month is None or not is_year(int(m["year"])):
        return None
    return f"{m['year']}-{month:02d}"


def is_year(n: int) -> bool:
    """Whether n can be a film's year: `(0000)` or `(9999)` is a typo or a placeholder, not a year."""
    return 1870 <= n <= 2100


def read_release(text: str) -> tuple[str | None, str | None] | None:
    """`February 2008 (Morocco)` → ("2008-02", "Morocco"); None unless the text has that shape.

    The date part is kept to its precision (iso_partial_date); an unreadable date part gives None for
    the date, and the caller decides whether the country alone can be trusted.
    """
    parts = release_parts(text.strip())
    if parts is None:
        return None
    return iso_partial_date(parts[0]), parts[1]


def release_parts(s: str) -> tuple[str, str | None] | None:
    """RELEASE's (date, country) groups of a stripped text, by string methods, or None where it does not match.

    The lazy date part was tried at every length, each try running the rest of the pattern. The
    date holds no parenthesis, so either the text holds none (all of it is the date) or exactly
    one `(`, not first, and one `)`, last, around a non-empty country; the date then ends where the
    whitespace before the `(` starts.
    """
    if "(" not in s and ")" not in s:
        return (s, None) if s else None
    k = s.find("(")
    if k < 1 or not s.endswith(")") or len(s) <= k + 2 or s.count("(") != 1 or s.count(")") != 1:
        return None
    return s[:k].rstrip(), s[k + 1 : -1]


def to_int(s: str) -> int | None:
    """`29,751` → 29751; None unless the whole string is digits (with thousands separators)."""
    s = s.strip()
    if s.isdecimal():
        return int(s)  # digits only (isdecimal is exactly a pattern's `\d`, and int() reads them all)
    if not _INTEGER.fullmatch(s):
        return None
    return int(s.replace(",", ""))


class UnreadableMoney(ValueError):
    """An amount of money whose value cannot be read exactly (`$12.50`, `€1.500`, `XX$5`)."""


def money(s: str) -> tuple[int, str, str] | None:
    """`$3,600,000 (estimated)` → (3600000, "USD", " (estimated)"): amount, currency, the rest of the text.

    None when the text is not money at all; raises UnreadableMoney when it is money but its amount
    cannot be read exactly, because a wrong amount is worse than none.
    """
    m = _MONEY.match(s.strip())
    if not m:
        return None
    currency = m["code"] or _SYMBOLS.get(m["sym"])
    if currency is None:
        raise UnreadableMoney(f"unknown currency {m['sym']!r}")
    text = m["amount"].rstrip(",.")  # `$70,864, 29 October 1995`: the comma ends the amount
    rest = m["amount"][len(text) :] + (m["rest"] or "")
    whole, _, fraction = text.partition(".")
    if "." in fraction or not _GROUPED.fullmatch(whole):
        raise UnreadableMoney(f"amount {text!r} is not a whole number")
    if m["scale"] is None:
        if fraction:
            # `$12.50` has cents: no box-office figure does; `€1.500` may be 1.5 or 1500.
            raise UnreadableMoney(f"amount {text!r} is not a whole number")
        return int(whole.replace(",", "")), currency, rest
    scale = _SCALES[m["scale"].lower()]
    units = int(whole.replace(",", "")) * scale
    if fraction:
        if len(fraction) > len(str(scale)) - 1:
            raise UnreadableMoney(f"amount {text} {m['scale']} is not a whole number")
        units += int(fraction) * scale // 10 ** len(fraction)
    return units, currency, m["rest"] or ""


def is_genre_list(items: list[str]) -> bool:
    """Whether every item is a known genre (and there is at least one)."""
    return bool(items) and all(x in GENRES for x in items)
