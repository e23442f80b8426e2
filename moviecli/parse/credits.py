"""Directors, writers, creators and stars, and the plot summary that precedes them.

Labeled pages say `Director:` / `Writers:` / `Creator:` / `Stars:`. Stripped pages drop those lines,
so then position and shape decide: the summary comes first, the stars line ends with
`| See full cast & crew »`, directors come before writers, and a line whose names carry
`(screenplay by)`-style credits is the writers line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from moviecli.models import Writer
from moviecli.parse.header import Header, is_furniture
from moviecli.parse.lines import PARENS, clean, is_label, next_nonempty, prev_nonempty, strip_links, takes_value

_CREDIT_LABELS = {
    "Director:": "directors",
    "Directors:": "directors",
    "Writer:": "writers",
    "Writers:": "writers",
    "Creator:": "creators",
    "Creators:": "creators",
    "Star:": "stars",
    "Stars:": "stars",
}
# The link texts that end a credit line: `| See full cast & crew »` (the stars line) and
# `| 5 more credits »` (a writers or directors line listing only some names). Matched with string
# methods from the end of the line, not regexes: a pattern like `\s*»?\s*$` backtracks
# quadratically over a long run of whitespace the loader keeps (U+1680, \v).
_STARS_PHRASES = ("see full cast & crew", "see full cast and crew")
_MORE_PHRASES = (" more credits", " more credit")
# Lines after which the header holds no more credits (videos, photos, "people also liked" titles).
_STOP = frozenset(
    {"Videos", "Photos", "People who liked this also liked...", "Learn more", "Season:", "Year:", "Note:"}
)
# Name particles that are lowercase yet part of a name ("Marco van Hoof", "Guillermo del Toro").
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "la",
        "le",
        "los",
        "las",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "dos",
        "das",
        "do",
        "ter",
        "ten",
        "zu",
    ]
)
# Parenthesis texts a writers line carries and a directors line does not: a `... by` credit, or one
# starting with a writing word (`screenplay`, `novel`, `characters`). Tested on each parenthesis's
# text (PARENS, linear) rather than by one pattern over the line, which backtracked cubically on
# an unclosed `(By, By, By …`.
_BY = re.compile(r"\bby\b", re.IGNORECASE)
_WRITING_WORD = re.compile(
    r"screenplay|story|novel|book|play|comic|characters?|written|writer|teleplay|adaptation|dialogue|manga|"
    r"short story|article|poem|idea|creator|concept",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")
_INITIALS = re.compile(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,2}\.")
# What a summary's `[.!?…]$` can end with (`$` also matches before a final newline).
_SENTENCE_ENDS = (".", "!", "?", "…", ".\n", "!\n", "?\n", "…\n")


@dataclass
class Credits:
    summary: str | None = None
    directors: list[str] = field(default_factory=list)
    writers: list[Writer] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)
    stars: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The note of each director, in the order of `directors`
    # (`Paul Auster (uncredited)` → "uncredited"), and how many writers the page left unlisted
    # (`| 5 more credits »` → 5), so that nobody reads the list as whole.
    director_notes: list[str | None] = field(default_factory=list)
    writers_more: int | None = None
    directors_more: int | None = None


def split_top(s: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    # Split at every comma, then glue back the pieces that fall inside a parenthesis: a comma splits
    # when the parentheses before it balance (or close more than they open). Pieces are joined once
    # per part: `+=` on a part held by the list copied it each time, quadratic on a long unclosed `(`.
    if "(" not in s and ")" not in s:
        # No parenthesis, so every comma splits; and the pieces of a clean string need only a strip.
        tidy = str.strip if "  " not in s and s.isprintable() else clean
        return [c for piece in s.split(",") if (c := tidy(piece))]
    parts: list[list[str]] = []
    depth = 0
    for piece in s.split(","):
        if depth > 0:
            parts[-1].append(piece)
        else:
            parts.append([piece])
        if "(" in piece or ")" in piece:
            depth += piece.count("(") - piece.count(")")
    if depth > 0:
        # A parenthesis never closed: it is not a note holding commas, so its commas split too.
        parts[-1:] = [[piece] for piece in parts[-1]]
    return [c for p in parts if (c := clean(",".join(p)))]


def _tail_link(s: str, phrases: tuple[str, ...]) -> tuple[str, str] | None:
    """(text before, the phrase) when `s` ends with one of `phrases` (lowercase), then an optional `»`."""
    t = s.rstrip()
    if t.endswith("»"):
        t = t[:-1].rstrip()
    for phrase in phrases:
        if t[-len(phrase) :].casefold() == phrase:
            return t[: -len(phrase)], phrase
    return None


def _cut_stars_link(s: str) -> str | None:
    """`A, B | See full cast & crew »` → `A, B `; None when the line does not end with that link."""
    if "|" not in s or (found := _tail_link(s, _STARS_PHRASES)) is None:
        return None
    before = found[0].rstrip()
    return before[:-1] if before.endswith("|") else None


def split_more(s: str) -> tuple[str, int | None]:
    """`A, B | 5 more credits »` → (`A, B`, 5): the names and how many more the page did not list."""
    if " more credit" not in s or (found := _tail_link(s, _MORE_PHRASES)) is None:
        return s, None
    before = found[0]
    k = len(before)
    while k and before[k - 1].isdecimal():
        k -= 1
    if k == len(before):
        return s, None  # `more credits` without a count: not the link
    count = int(before[k:])
    before = before[:k].rstrip()
    return (before[:-1].rstrip() if before.endswith("|") else before), count


def _drop_links(s: str) -> str:
    # Cheap tests first (this runs several times a credit line): each link needs its literal text,
    # and most header lines have none of them.
    if "|" not in s and "»" not in s and "See more" not in s and " more credit" not in s:
        return clean(s)
    if " more credit" in s:
        s = split_more(s)[0]
    s = strip_links(s)
    if "|" in s and (cut := _cut_stars_link(s)) is not None:
        s = cut
    if " more credit" in s:
        s = split_more(s)[0]
    return clean(s)


def _drop_parens(s: str) -> str:
    if "(" not in s and ")" not in s:
        return s  # most names carry no note: skip the pattern
    s = PARENS.sub("", s)
    # What is left of a parenthesis never closed (or never opened) is not part of a name either.
    return s.split("(", 1)[0].replace(")", "")


def credited(s: str) -> list[tuple[str, str | None]]:
    """`Wayne Wang, Paul Auster (uncredited)` → [("Wayne Wang", None), ("Paul Auster", "uncredited")]."""
    out: list[tuple[str, str | None]] = []
    for part in split_top(_drop_links(s)):
        if "(" not in part and ")" not in part:
            out.append((part, None))  # split_top gave it cleaned, and most names carry no note
        elif name := clean(_drop_parens(part)):
            notes = [n for c in PARENS.findall(part) if (n := clean(c))]
            out.append((name, "; ".join(notes) or None))
    return out


def names(s: str) -> list[str]:
    """`Wayne Wang, Paul Auster (uncredited)` → names without their notes."""
    return [name for name, _ in credited(s)]


def writers(s: str) -> list[Writer]:
    """`John O'Brien (based upon the novel by), Mike Figgis (screenplay by)` → name + credit."""
    return [Writer(name=name, credit=credit) for name, credit in credited(s)]


def has_writing_credit(line: str) -> bool:
    """Whether a names line carries writing credits: `(screenplay by)`, `(novel)`, `(characters)`."""
    return "(" in line and any(_BY.search(c) or _WRITING_WORD.match(c) for c in PARENS.findall(line))


def looks_like_names(line: str) -> bool:
    """A comma list of person names: short items of capitalised words (particles allowed), no sentences."""
    items = split_top(_drop_parens(_drop_links(line)))
    if not items:
        return False
    for item in items:
        words = item.split()
        if not 1 <= len(words) <= 6 or _DIGIT.search(item):
            return False
        for w in words:
            if w.lower() in _PARTICLES:
                continue
            if not (w[0].isupper() or not w[0].isalpha()):
                return False
            # A full stop ends a sentence unless the word is an initial or an abbreviation (J.D., Jr.).
            if w.endswith(".") and not _INITIALS.fullmatch(w):
                return False
    return True


def parse_credits(lines: list[str], head: Header) -> Credits:
    """Labeled credits first; unlabeled name lines fill the remaining slots in page order."""
    out = Credits()
    used = set(head.used)
    labeled: set[str] = set()
    stars_label_at = None
    # Only a line with a colon can be a credit label (`Director:`, `Writers: …`): pick those out at
    # comprehension speed, with one test a line.
    for i in [i for i in range(head.title_index + 1, head.end) if ":" in lines[i]]:
        line = lines[i]
        if line in _CREDIT_LABELS:
            slot = _CREDIT_LABELS[line]
            value = None
            if (j := next_nonempty(lines, i, head.end)) is not None and not is_label(lines[j]):
                value = lines[j]
                used.add(j)
        elif (k := line.find(": ")) > 0 and line[: k + 1] in _CREDIT_LABELS:
            # The label and its names on one line (`Writers: Neil Gaiman (adapted by: English version)`):
            # split at the label's own colon only, so a colon inside a credit stays in the credit.
            slot, value = _CREDIT_LABELS[line[: k + 1]], line[k + 2 :].strip() or None
        else:
            continue
        used.add(i)
        if slot == "stars" and stars_label_at is None:
            stars_label_at = i
        if value is not None:
            labeled.add(slot)
            _fill(out, slot, value)

    stars_at = None
    if "stars" not in labeled:
        # The stars link follows a `|`: only lines with one can end with it.
        for i in [i for i in range(head.title_index + 1, head.end) if "|" in lines[i]]:
            if i not in used and _cut_stars_link(lines[i]) is not None:
                stars_at = i
                used.add(i)
                _fill(out, "stars", lines[i])
                labeled.add("stars")
                break
    else:
        stars_at = stars_label_at

    # Unlabeled lines: the summary, then name lines up to the stars line or the first ratings-ish block.
    free: list[int] = []
    for i in range(head.title_index + 1, head.end):
        line = lines[i]
        if (stars_at is not None and i >= stars_at) or line in _STOP or (i in head.used and free):
            break
        if i in used or not line or is_label(line) or is_furniture(dropped := _drop_links(line)) or not dropped:
            continue
        if (p := prev_nonempty(lines, i)) is not None and takes_value(lines[p]):
            continue  # the value of some other label (`Season:`, `Your rating:`)
        free.append(i)

    name_lines: list[str] = []
    for n, i in enumerate(free):
        line = lines[i]
        if n == 0 and (_is_summary(line) or not looks_like_names(line)):
            out.summary = strip_links(line) or None
        elif looks_like_names(line):
            name_lines.append(line)
        else:
            out.warnings.append(f"header line not understood: {line[:60]!r}")

    _assign_unlabeled(out, name_lines, labeled, head.kind)
    return out


def _is_summary(line: str) -> bool:
    """A summary is a sentence: it ends with punctuation or carries a link to the full summary."""
    # `[.!?…]$|See full summary` with string methods: a pattern search was tried at every position.
    return line.endswith(_SENTENCE_ENDS) or "See full summary" in line


def _assign_unlabeled(out: Credits, name_lines: list[str], labeled: set[str], kind: str | None) -> None:
    if not name_lines:
        return
    series = kind in ("tv_series", "tv_mini_series")
    order = ["creators", "stars"] if series else ["directors", "writers", "stars"]
    slots = [s for s in order if s not in labeled]
    if not series and len(name_lines) == 1 and slots[:2] == ["directors", "writers"]:
        # One line only: it is the writers line if its names carry writing credits.
        line = name_lines[0]
        slots = ["writers"] if has_writing_credit(line) or split_more(line)[1] is not None else ["directors"]
    if len(name_lines) > len(slots):
        out.warnings.append(f"{len(name_lines)} unlabeled credit lines for {len(slots)} slots; credits left out")
        return
    for slot, line in zip(slots, name_lines, strict=False):
        _fill(out, slot, line)


def _fill(out: Credits, slot: str, value: str) -> None:
    if slot == "writers":
        out.writers, out.writers_more = writers(value), split_more(value)[1]
    elif slot == "directors":
        found = credited(value)
        out.directors, out.director_notes = [n for n, _ in found], [c for _, c in found]
        out.directors_more = split_more(value)[1]
    else:
        setattr(out, slot, names(value))
