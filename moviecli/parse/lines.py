"""Turning a page's text into clean lines, and recognising the lines that are labels or furniture.

Every other parse module works on the list `page_lines(text)` returns: one entry per line of the
page, stripped, U+00A0 turned into a space and runs of spaces collapsed. Blank lines are kept as ""
because the page's blocks are separated by them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")

# Trailing link texts the extractor glued onto values: "Smoke See more »", "R | See all certifications »",
# "Stars … | See full cast & crew »", "Writers … | 5 more credits »". The » is what marks them as links.
_TRAILING_LINK = re.compile(
    r"\s*(?:\|\s*)?(?:(?:See|Show)\b[^|»]*|\d+ more credits?)\s*»\s*\??\s*$",
    re.IGNORECASE,
)
_TRAILING_SEE_MORE = re.compile(r"\s*\bSee more\s*$")

# Label-only lines. Stripped pages lose some of these, so no parser may *depend* on one being present.
LABELS = frozenset(
    {
        "Director:",
        "Directors:",
        "Writer:",
        "Writers:",
        "Creator:",
        "Creators:",
        "Star:",
        "Stars:",
        "Metascore",
        "From metacritic.com",
        "Reviews",
        "Popularity",
        "Your rating:",
        "Cast",
        "Storyline",
        "Plot Keywords:",
        "Taglines:",
        "Tagline:",
        "Genres:",
        "Genre:",
        "Motion Picture Rating (MPAA)",
        "Certificate:",
        "Certification:",
        "Parents Guide:",
        "Did You Know?",
        "Trivia",
        "Goofs",
        "Quotes",
        "Crazy Credits",
        "Alternate Versions",
        "Connections",
        "Soundtracks",
        "Soundtrack",
        "Details",
        "Official Sites:",
        "Official Site:",
        "Country:",
        "Countries:",
        "Language:",
        "Languages:",
        "Release Date:",
        "Also Known As:",
        "Filming Locations:",
        "Filming Location:",
        "Box Office",
        "Budget:",
        "Company Credits",
        "Production Co:",
        "Technical Specs",
        "Runtime:",
        "Sound Mix:",
        "Color:",
        "Aspect Ratio:",
        "User Reviews",
        "Frequently Asked Questions",
        "Message Boards",
        "Contribute to This Page",
        "Recently Viewed",
        "Videos",
        "Photos",
        "Edit",
        "Season:",
        "Year:",
        "Note:",
        "Contact:",
        "Filmmakers:",
        "Cast:",
        "More Info:",
    }
)
# Section headings: labels that head a section and never take the next line as their value.
SECTION_HEADERS = frozenset(
    {
        "Cast",
        "Storyline",
        "Did You Know?",
        "Details",
        "Box Office",
        "Company Credits",
        "Technical Specs",
        "User Reviews",
        "Frequently Asked Questions",
        "Message Boards",
        "Contribute to This Page",
        "Recently Viewed",
        "Videos",
        "Photos",
        "Edit",
    }
)
# Box-office labels carry a country: "Opening Weekend USA:", "Gross USA:", "Cumulative Worldwide Gross:".
BOX_OFFICE_LABEL = re.compile(
    r"^(?P<kind>Budget|Opening Weekend|Gross|Cumulative Worldwide Gross|Worldwide Gross)"
    r"(?: (?P<country>[^:]{1,40}))?:$"
)


def clean(s: str) -> str:
    """Collapse whitespace (U+00A0 included) and trim."""
    return _SPACES.sub(" ", s).strip()


_LINE_ENDS = re.compile(r"\r\n|\r|\n")


def page_lines(text: str) -> list[str]:
    """Split a page into cleaned lines; tolerates CRLF, lone CR and a leading BOM.

    Spaces are collapsed in one pass over the whole text (no run of _SPACES crosses a line end),
    which gives the same lines as clean() on each, at a fraction of the cost.
    """
    text = _SPACES.sub(" ", text.lstrip("\ufeff"))
    return Lines(line.strip() for line in _LINE_ENDS.split(text))


class Lines(list[str]):
    """A page's lines, with an index of where each line text (and each `Head: value` head) occurs.

    label_value() runs ~17 times a page; scanning the page each time was a quarter of parsing.
    The index is built on first use; the parser never changes a page's lines, so it stays true.
    """

    _where: dict[str, list[int]] | None = None
    _heads: dict[str, list[tuple[int, str]]] | None = None

    def index_of_label(self, labels: set[str] | frozenset[str], start: int) -> tuple[int, str | None] | None:
        """(index, value after `Head: `, or None for a whole-line label) of the first match at or after start."""
        if self._where is None:
            self._where, self._heads = {}, {}
            for i, line in enumerate(self):
                self._where.setdefault(line, []).append(i)
                if (k := line.find(": ")) >= 0 and (rest := line[k + 2 :].strip()):
                    self._heads.setdefault(line[:k], []).append((i, rest))
        assert self._heads is not None
        best: tuple[int, str | None] | None = None
        for label in labels:
            found = self._where.get(label)
            if found and (n := bisect_left(found, start)) < len(found) and (best is None or found[n] < best[0]):
                best = (found[n], None)
            heads = self._heads.get(label[:-1]) if label.endswith(":") else None
            if heads and (n := bisect_left(heads, (start, ""))) < len(heads):
                i, rest = heads[n]
                if best is None or i < best[0]:
                    best = (i, rest)
        return best


def strip_links(s: str) -> str:
    """Remove trailing link furniture (`See more »`, `| See all certifications »`, …), repeatedly."""
    while True:
        cut = _TRAILING_LINK.sub("", s)
        cut = _TRAILING_SEE_MORE.sub("", cut)
        if cut == s:
            return s.strip()
        s = cut


def is_label(line: str) -> bool:
    """Whether a line is a section label rather than a value."""
    return line in LABELS or bool(BOX_OFFICE_LABEL.match(line))


def takes_value(line: str) -> bool:
    """Whether a line is a label whose value is the next line (`Country:`), not a section heading."""
    return is_label(line) and line not in SECTION_HEADERS


def split_list(s: str, sep: str = "|") -> list[str]:
    """Split a `a | b | c` (or comma) list, dropping link furniture and empty items."""
    items = [strip_links(clean(x)) for x in strip_links(s).split(sep)]
    return [x for x in items if x and "»" not in x]


def next_nonempty(lines: list[str], i: int, end: int | None = None) -> int | None:
    """Index of the first non-empty line after i (exclusive), or None."""
    end = len(lines) if end is None else end
    for j in range(i + 1, end):
        if lines[j]:
            return j
    return None


def prev_nonempty(lines: list[str], i: int) -> int | None:
    """Index of the last non-empty line before i, or None."""
    for j in range(i - 1, -1, -1):
        if lines[j]:
            return j
    return None


def find(lines: list[str], pred: Callable[[str], bool], start: int = 0, end: int | None = None) -> int | None:
    """Index of the first line in [start, end) satisfying pred, or None."""
    end = len(lines) if end is None else end
    for j in range(max(start, 0), min(end, len(lines))):
        if pred(lines[j]):
            return j
    return None


def label_value(lines: list[str], labels: set[str] | frozenset[str], start: int = 0) -> tuple[int, str | None] | None:
    """Find a label line and its value (the next non-empty line, unless that is another label).

    Returns (label index, value or None) or None when the label is absent. A label followed directly by
    another label has no value: the format's "empty value" quirk (`Gross USA:` then `Cumulative …:`).
    """
    if isinstance(lines, Lines):
        found = lines.index_of_label(labels, max(start, 0))
        if found is None or found[1] is not None:
            return found
        i = found[0]
        j = next_nonempty(lines, i)
        return (i, None) if j is None or is_label(lines[j]) else (i, lines[j])
    heads = {label[:-1] for label in labels if label.endswith(":")}  # "Country" of "Country: UK"
    for i in range(max(start, 0), len(lines)):
        line = lines[i]
        if line in labels:
            j = next_nonempty(lines, i)
            if j is None or is_label(lines[j]):
                return i, None
            return i, lines[j]
        if heads and (k := line.find(": ")) >= 0 and line[:k] in heads and (rest := line[k + 2 :].strip()):
            return i, rest
    return None


def find_line(lines: list[str], text: str, start: int = 0, end: int | None = None) -> int | None:
    """Index of the first line equal to `text` in [start, end), or None: find() at C speed."""
    try:
        return lines.index(text, max(start, 0), len(lines) if end is None else end)
    except ValueError:
        return None
