"""User reviews: a title line, `12 June 2015 | by author`, an optional `8/10`, paragraphs, and
`4 of 4 people found this review helpful.`

The author line is messy: the `See all my reviews` link is glued on (`by luke-a-mcgowanSee all my
reviews`) or follows a dash, and the author may carry an e-mail and a location in parentheses
(`kraley (kraley@…) (Houston, TX)`).
"""

from __future__ import annotations

import re

from moviecli.models import Review
from moviecli.parse.lines import PARENS, clean, find_line, next_nonempty, prev_nonempty
from moviecli.parse.values import iso_date, to_int

_BYLINE = re.compile(r"^(?P<date>\d{1,2} [A-Za-z]+ \d{4}|[A-Za-z]+ \d{1,2},? \d{4}) \| [Bb]y (?P<who>.+)$")
_SEE_ALL = "see all my reviews"
_HELPFUL = re.compile(
    r"^(?P<n>\d[\d,]*) (?:out )?of (?P<total>\d[\d,]*) people found (?:this|the following) review (?:helpful|useful)",
    re.IGNORECASE,
)
_OWN_RATING = re.compile(r"^(?P<r>\d{1,2})/10$")
_TEXT_ENDS = re.compile(r"^(?:Was this review helpful|Review this title|See all \d|Message Boards$|Report this$)", re.I)
_ENDS = frozenset({"Message Boards", "Frequently Asked Questions", "Contribute to This Page", "Recently Viewed"})


def parse_reviews(lines: list[str]) -> list[Review]:
    start = find_line(lines, "User Reviews")
    if start is None:
        start = 0
    # `" | by "` / `" | By "`: the byline's literal text, a cheap test before the pattern. The match
    # and the date are kept for the review itself.
    bylines = [
        (i, m, date)
        for i in [i for i in range(start, len(lines)) if " | by " in lines[i] or " | By " in lines[i]]
        if (m := _BYLINE.match(lines[i])) and (date := iso_date(m["date"]))
    ]
    reviews = []
    for n, (b, m, date) in enumerate(bylines):
        stop = bylines[n + 1][0] if n + 1 < len(bylines) else len(lines)
        reviews.append(_review(lines, b, m, date, start, stop))
    return reviews


def _review(lines: list[str], b: int, m: re.Match[str], date: str, start: int, stop: int) -> Review:
    author, location = read_author(m["who"])
    review = Review(author=author, location=location, date=date)
    t = prev_nonempty(lines, b)
    if t is not None and t > start and lines[t] != "User Reviews":
        if (r := _OWN_RATING.match(lines[t])) and (t2 := prev_nonempty(lines, t)) is not None and t2 > start:
            review.rating, t = int(r["r"]), t2
        review.title = lines[t]
    paragraphs: list[str] = []
    i = b
    while (following := next_nonempty(lines, i, stop)) is not None:
        i = following
        line = lines[i]
        # The helpful line starts with a digit (str.isdecimal is exactly a pattern's `\d`): test that first.
        if line[:1].isdecimal() and (h := _HELPFUL.match(line)) and review.helpful is None:
            review.helpful, review.helpful_total = to_int(h["n"]), to_int(h["total"])
            if paragraphs:
                break
            continue
        if _TEXT_ENDS.match(line) or line in _ENDS:
            break
        if not paragraphs and review.rating is None and (r := _OWN_RATING.match(line)):
            review.rating = int(r["r"])
            continue
        # The next review's title sits just before its byline.
        if stop < len(lines) and next_nonempty(lines, i, stop + 1) == stop:
            break
        paragraphs.append(line)
    review.text = "\n\n".join(paragraphs) or None
    if review.rating is not None and not 1 <= review.rating <= 10:
        review.rating = None
    return review


def read_author(who: str) -> tuple[str | None, str | None]:
    """`kraley (kraley@x.com) (Houston, TX) – See all my reviews` → ("kraley", "Houston, TX").

    An author shown only by an e-mail (`by (someone@example.com)`) is that e-mail.
    """
    who = clean(drop_see_all(who))
    groups = PARENS.findall(who)
    name = clean(PARENS.sub("", who)) or None
    location = None
    if groups and "@" not in groups[-1] and (len(groups) > 1 or groups[-1].strip()):
        location = clean(groups[-1]) or None
    if len(groups) == 1 and location and _looks_like_handle(location, name):
        location = None
    if name is None:
        name = next((e for g in groups if "@" in g and (e := clean(g))), None)
    return name, location


def drop_see_all(who: str) -> str:
    """Cut the `See all my reviews` link (glued on, or after a dash) from the end of a byline's author.

    String methods from the end, not a pattern: `\\s*[–—-]?\\s*See all …` backtracked cubically
    on a long run of whitespace the loader keeps (U+1680, \\v) before other text.
    """
    t = who.rstrip()
    if t.endswith("»"):
        t = t[:-1].rstrip()
    if t[-len(_SEE_ALL) :].casefold() != _SEE_ALL:
        return who
    t = t[: -len(_SEE_ALL)].rstrip()
    if t.endswith(("–", "—", "-")):
        t = t[:-1].rstrip()
    return t


def _looks_like_handle(group: str, name: str | None) -> bool:
    """`Chris Neill (chrisneill)`: a lowercase one-word echo of the name is the e-mail's user part, not a place."""
    if not name:
        return False
    return " " not in group and group.islower() and group.replace("-", "") in name.lower().replace(" ", "")
