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
_STARS_LINK = re.compile(r"\|\s*See full cast (?:&|and) crew\s*»?\s*$", re.IGNORECASE)
_MORE_CREDITS = re.compile(r"\|?\s*\d+ more credits?\s*»?\s*$")
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
# Parentheses a writers line carries and a directors line does not.
_WRITER_CREDIT = re.compile(
    r"\((?:[^()]*\bby\b[^()]*|screenplay|story|novel|book|play|comic|characters?|written|writer|"
    r"teleplay|adaptation|dialogue|manga|short story|article|poem|idea|creator|concept)[^()]*\)",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")
_INITIALS = re.compile(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,2}\.")
_SUMMARY = re.compile(r"[.!?…]$|See full summary")


@dataclass
class Credits:
    summary: str | None = None
    directors: list[str] = field(default_factory=list)
    writers: list[Writer] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)
    stars: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def split_top(s: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    # Split at every comma, then glue back the pieces that fall inside a parenthesis: a comma splits
    # when the parentheses before it balance (or close more than they open).
    parts: list[str] = []
    depth = 0
    for piece in s.split(","):
        if depth > 0:
            parts[-1] += "," + piece
        else:
            parts.append(piece)
        if "(" in piece or ")" in piece:
            depth += piece.count("(") - piece.count(")")
    return [c for p in parts if (c := clean(p))]


def _drop_links(s: str) -> str:
    s = strip_links(s)
    # Cheap tests first: each pattern needs its literal text.
    if "|" in s:
        s = _STARS_LINK.sub("", s)
    if " more credit" in s:
        s = _MORE_CREDITS.sub("", s)
    return clean(s)


def _drop_parens(s: str) -> str:
    return PARENS.sub("", s) if "(" in s else s  # most names carry no note: skip the pattern


def names(s: str) -> list[str]:
    """`Wayne Wang, Paul Auster (uncredited)` → names without their notes."""
    out = [clean(_drop_parens(p)) for p in split_top(_drop_links(s))]
    return [x for x in out if x]


def writers(s: str) -> list[Writer]:
    """`John O'Brien (based upon the novel by), Mike Figgis (screenplay by)` → name + credit."""
    out = []
    for part in split_top(_drop_links(s)):
        credits = PARENS.findall(part) if "(" in part else []
        name = clean(_drop_parens(part))
        if name:
            out.append(Writer(name=name, credit="; ".join(clean(c) for c in credits) or None))
    return out


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
    for i in [i for i in range(head.title_index + 1, head.end) if lines[i] in _CREDIT_LABELS]:
        slot = _CREDIT_LABELS[lines[i]]
        used.add(i)
        j = next_nonempty(lines, i, head.end)
        if j is None or is_label(lines[j]):
            continue
        used.add(j)
        labeled.add(slot)
        _fill(out, slot, lines[j])

    stars_at = None
    if "stars" not in labeled:
        for i in range(head.title_index + 1, head.end):
            if i not in used and "|" in lines[i] and _STARS_LINK.search(lines[i]):
                stars_at = i
                used.add(i)
                _fill(out, "stars", lines[i])
                labeled.add("stars")
                break
    else:
        stars_at = next((i for i in sorted(used) if i > head.title_index and lines[i] in ("Stars:", "Star:")), None)

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
    return bool(_SUMMARY.search(line))


def _assign_unlabeled(out: Credits, name_lines: list[str], labeled: set[str], kind: str | None) -> None:
    if not name_lines:
        return
    series = kind in ("tv_series", "tv_mini_series")
    order = ["creators", "stars"] if series else ["directors", "writers", "stars"]
    slots = [s for s in order if s not in labeled]
    if not series and len(name_lines) == 1 and slots[:2] == ["directors", "writers"]:
        # One line only: it is the writers line if its names carry writing credits.
        line = name_lines[0]
        slots = ["writers"] if _WRITER_CREDIT.search(line) or _MORE_CREDITS.search(line) else ["directors"]
    if len(name_lines) > len(slots):
        out.warnings.append(f"{len(name_lines)} unlabeled credit lines for {len(slots)} slots; credits left out")
        return
    for slot, line in zip(slots, name_lines, strict=False):
        _fill(out, slot, line)


def _fill(out: Credits, slot: str, value: str) -> None:
    if slot == "writers":
        out.writers = writers(value)
    else:
        setattr(out, slot, names(value))
