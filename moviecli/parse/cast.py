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
_TRAILING_NOTE = re.compile(r"\s*\(([^()]*)\)\s*$")


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


def undouble(name: str) -> str:
    """`Kim Adams Kim Adams` → `Kim Adams` (the photo's alt text followed by the link text)."""
    words = name.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half and words[:half] == words[half:]:
        return " ".join(words[:half])
    return name


def read_row(line: str) -> CastMember | None:
    """`Albert Henderson ... Man at Strip Bar (as Al Henderson)` → name, character, note."""
    name, sep, rest = line.partition(" ... ")
    if not sep and line.endswith(" ..."):
        name, sep, rest = line[:-4], " ...", ""
    name = undouble(clean(name))
    if not name or len(name) > 100:
        return None
    notes: list[str] = []
    rest = clean(rest)
    # `rest` is stripped, so a trailing note ends it with ")": the cheap test first.
    while rest.endswith(")") and (m := _TRAILING_NOTE.search(rest)):
        notes.insert(0, clean(m[1]))
        rest = rest[: m.start()].rstrip()
    note = ("; ".join(n for n in notes if n) or None) if notes else None
    return CastMember(name=name, character=rest or None, note=note)
