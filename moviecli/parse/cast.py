"""The cast block: a header line, then one `Name ... Character (note)` row per line.

Quirks: an actor without a photo appears twice (`Kim Adams Kim Adams ... Sheila`: the image's alt
text, then the link); notes such as `(as Al Henderson)`, `(voice)`, `(60 episodes, 2002-2008)` trail
the character; some rows have no character at all.
"""

from __future__ import annotations

import re

from moviecli.models import CastMember
from moviecli.parse.lines import clean, is_label

CAST_HEADERS = frozenset(
    {
        "Cast overview, first billed only:",
        "Cast overview:",
        "Credited cast:",
        "Complete credited cast:",
        "Series cast summary:",
        "Series cast:",
        "Complete series cast summary:",
        "Credited cast sorted alphabetically:",
        "Cast complete, awaiting verification:",
    }
)
_SKIP_ROWS = re.compile(r"^Rest of cast listed alphabetically:?$", re.IGNORECASE)
_END_ROWS = re.compile(r"^See (?:full|complete) cast", re.IGNORECASE)
# The first letters those patterns can match, ignoring case (ſ, U+017F, matches s): cheap tests first.
_SKIP_FIRST = frozenset("Rr")
_END_FIRST = frozenset("Ss\u017f")


def is_cast_header(line: str) -> bool:
    return line in CAST_HEADERS


def find_cast(lines: list[str]) -> int | None:
    """Index of the cast header line, if the page has one."""
    found = next((i for i, line in enumerate(lines) if line in CAST_HEADERS), None)
    if found is not None:
        return found
    # No header (an extractor may drop it): the first run of two `Name ... Character` rows.
    for i in range(1, len(lines) - 1):
        if " ... " in lines[i] and " ... " in lines[i + 1] and ": " not in lines[i][:60]:
            return i - 1
    return None


def parse_cast(lines: list[str], start: int) -> tuple[list[CastMember], int]:
    """Rows after the header at `start`; returns the cast and the index just past the block."""
    cast: list[CastMember] = []
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if not line:
            if cast:
                break
        elif (
            "»" in line or line in CAST_HEADERS or is_label(line) or (line[:1] in _END_FIRST and _END_ROWS.match(line))
        ):
            break
        elif not (line[:1] in _SKIP_FIRST and _SKIP_ROWS.match(line)):
            member = read_row(line)
            if member is None:
                break
            cast.append(member)
        i += 1
    return cast, i


# Headers that say the list is the whole cast.
_COMPLETE_HEADERS = frozenset(
    {"Complete credited cast:", "Complete series cast summary:", "Cast complete, awaiting verification:"}
)


def cast_is_partial(lines: list[str], start: int, end: int) -> bool:
    """Whether the page listed only some of the cast.

    A `Cast overview, first billed only:` header, or a `See full cast »` link after the rows
    (`end` is what parse_cast returned), means the full list is on another page.
    """
    if "first billed only" in lines[start]:
        return True
    return end < len(lines) and lines[end][:1] in _END_FIRST and _END_ROWS.match(lines[end]) is not None


def cast_complete(lines: list[str], start: int, end: int) -> bool | None:
    """The record's cast_complete: False when the page listed only some, True when its header says
    the list is complete, None when the page does not say (a stripped page drops the header)."""
    if cast_is_partial(lines, start, end):
        return False
    return True if lines[start] in _COMPLETE_HEADERS else None


def undouble(name: str) -> str:
    """`Kim Adams Kim Adams` → `Kim Adams` (the photo's alt text followed by the link text)."""
    words = name.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half and words[:half] == words[half:]:
        return " ".join(words[:half])
    return name


def _undouble_plain(name: str) -> str:
    """undouble() of a name with single spaces only: doubled, it is `X X`, so no split is needed."""
    half = len(name) // 2
    if len(name) % 2 and name[half] == " " and name[:half] == name[half + 1 :]:
        return name[:half]
    return name


def read_row(line: str) -> CastMember | None:
    """`Albert Henderson ... Man at Strip Bar (as Al Henderson)` → name, character, note.

    A row is the name, then ` ... ` and the character, then the notes in parentheses. A row with
    notes but no character has no ` ... ` (`Maria Darling Maria Darling (19 episodes, 2007-2009)`):
    its notes then trail the name.
    """
    # A page's rows are clean already (no odd space, no double space): each piece of one then needs
    # only a strip, which is what clean() would do to it, without its tests three times a row.
    plain = "  " not in line and line.isprintable()
    tidy = str.strip if plain else clean
    name, sep, rest = line.partition(" ... ")
    if not sep and line.endswith(" ..."):
        name, sep, rest = line[:-4], " ...", ""
    notes: list[str] = []
    name = tidy(name)
    if not sep and name.endswith(")"):
        name, notes = split_notes(name)  # (what it leaves of a clean name is clean)
    name = _undouble_plain(name) if plain else undouble(name)
    if not name or len(name) > 100:
        return None
    rest = tidy(rest)
    if rest.endswith(")"):  # most rows carry no note: skip the scan
        rest, character_notes = split_notes(rest)
        notes += character_notes
    note = ("; ".join(n for n in notes if n) or None) if notes else None
    return CastMember(name=name, character=rest or None, note=note)


def split_notes(s: str) -> tuple[str, list[str]]:
    """`Man at Strip Bar (as Al Henderson) (voice)` → ("Man at Strip Bar", ["as Al Henderson", "voice"]).

    Reads the parentheses from the end with str.rfind: a pattern searched once per note took
    quadratic time on a long run of notes or of whitespace before a `)`.
    """
    notes: list[str] = []
    end = len(s)
    while end and s[end - 1] == ")":
        k = s.rfind("(", 0, end)
        if k < 0 or s.find(")", k, end - 1) >= 0:
            break
        notes.append(clean(s[k + 1 : end - 1]))
        end = k
        while end and s[end - 1].isspace():
            end -= 1
    notes.reverse()
    return s[:end], notes
