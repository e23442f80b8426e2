"""Turning a page's text into clean lines, and recognising the lines that are labels or furniture.

Every other parse module works on the list `page_lines(text)` returns: one entry per line of the
page, stripped, U+00A0 turned into a space and runs of spaces collapsed. Blank lines are kept as ""
because the page's blocks are separated by them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence

# Every character Python counts as whitespace (str.isspace, which is what a pattern's `\s` matches) but
# the line breaks, plus U+200B: all become a plain space and runs of them one space, so that no pattern
# ever sees a run of whitespace (a `\s*` over a run, tried at each of its characters, is quadratic).
# \v, \f, U+001C-001F, U+0085, U+2028 and U+2029 are spaces here, not line breaks: a page's lines end
# only at CR and LF.
_ODD_SPACES = (
    "\t\v\f\x1c\x1d\x1e\x1f\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200C))) + "\u2028\u2029\u202f\u205f\u3000"
)
_SPACES = re.compile(f"[ {_ODD_SPACES}]+")

# Trailing link texts the extractor glued onto values: "Smoke See more »", "R | See all certifications »",
# "Stars … | See full cast & crew »", "Writers … | 5 more credits »". The » is what marks them as links.
# strip_links cuts, repeatedly from the end, what `\s*(?:\|\s*)?(?:(?:See|Show)\b[^|»]*|\d+ more
# credits?)\s*»\s*\??\s*$` (ignoring case) and then `\s*\bSee more\s*$` would. Not with those
# patterns: searched, the first tried `[^|»]*` to the end from every `See` of the line (`» See See See
# …`: quadratic, minutes for a 1 MB line), and each cut copied the line.
_LINK_START = re.compile(r"(?:See|Show)\b", re.IGNORECASE)
# (?<!\d): tried only where a run of digits starts, so each run is read once.
_MORE_CREDITS = re.compile(r"(?<!\d)\d+ more credits?$", re.IGNORECASE)
# A parenthesis without nested ones: `.sub("", s)` drops them, `.findall(s)` gives their contents.
PARENS = re.compile(r"\(([^()]*)\)")

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

# Label-only lines. Stripped pages lose some of these, so no parser may *depend* on one being present.
LABELS = SECTION_HEADERS | frozenset(
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
        "Plot Keywords:",
        "Taglines:",
        "Tagline:",
        "Genres:",
        "Genre:",
        "Motion Picture Rating (MPAA)",
        "Certificate:",
        "Certification:",
        "Parents Guide:",
        "Trivia",
        "Goofs",
        "Quotes",
        "Crazy Credits",
        "Alternate Versions",
        "Connections",
        "Soundtracks",
        "Soundtrack",
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
        "Budget:",
        "Production Co:",
        "Runtime:",
        "Sound Mix:",
        "Color:",
        "Aspect Ratio:",
        "Season:",
        "Year:",
        "Note:",
        "Contact:",
        "Filmmakers:",
        "Cast:",
        "More Info:",
    }
)
# Box-office labels carry a country: "Opening Weekend USA:", "Gross USA:", "Cumulative Worldwide Gross:".
BOX_STARTS = ("Budget", "Opening Weekend", "Gross", "Cumulative Worldwide Gross", "Worldwide Gross")
BOX_OFFICE_LABEL = re.compile(
    r"^(?P<kind>Budget|Opening Weekend|Gross|Cumulative Worldwide Gross|Worldwide Gross)"
    r"(?: (?P<country>[^:]{1,40}))?:$"
)


def clean(s: str) -> str:
    """Collapse whitespace (U+00A0 included) and trim."""
    # Most strings are already collapsed: without a double space or an odd space, _SPACES would only
    # replace single spaces with themselves. Tested at C speed: every odd space is non-printable
    # (str.isprintable refuses all separators but the space, and all control and format characters).
    if "  " not in s and s.isprintable():
        return s.strip()
    return _SPACES.sub(" ", s).strip()


def page_lines(text: str) -> list[str]:
    """Split a page into cleaned lines; tolerates CRLF, lone CR and a leading BOM.

    Gives the same lines as clean() on each line split at CRLF, CR or LF, at a fraction of the cost:
    `in` and str.replace run at C speed, where _SPACES.sub tried a match at every character.
    """
    text = text.lstrip("\ufeff")
    for ch in _ODD_SPACES:
        if ch in text:
            text = text.replace(ch, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # The only whitespace left is single spaces, so a line has at most one space at each end: drop
    # those on the whole text rather than strip each line.
    if " \n" in text:
        text = text.replace(" \n", "\n")
    if "\n " in text:
        text = text.replace("\n ", "\n")
    return Lines(text[text.startswith(" ") : len(text) - text.endswith(" ")].split("\n"))


class Lines(list[str]):
    """A page's lines, with an index of where each label line (and each `Head: value` head) occurs.

    label_value() runs ~17 times a page; scanning the page each time was a quarter of parsing.
    The index is built on first use, in one pass that also notes the lines a box-office label can
    be on; the parser never changes a page's lines, so it stays true.
    """

    # label -> [(index, value after `Head: `, or None for a whole-line label)], in page order: a
    # label's whole-line and `Head: value` forms in one list, so one bisect finds the first of both.
    _entries: dict[str, list[tuple[int, str | None]]] | None = None
    _box: Sequence[int] = ()  # lines that start with a box-office kind and end with ":" or hold ": "

    def _build_index(self) -> dict[str, list[tuple[int, str | None]]]:
        entries: dict[str, list[tuple[int, str | None]]] = {}
        box: list[int] = []
        # Only label lines and lines holding a colon can answer: pick them out at comprehension speed.
        # (No label contains ": ", so a line is one kind or the other.)
        for i in [i for i, line in enumerate(self) if ":" in line or line in LABELS]:
            line = self[i]
            if line in LABELS:
                entries.setdefault(line, []).append((i, None))
                if line == "Budget:":
                    box.append(i)
                continue
            k = line.find(": ")
            if k >= 0 and (rest := line[k + 2 :].strip()):
                # Keyed "Country:" as the label is, so a lookup needs no slicing (and the label's hash is kept).
                entries.setdefault(line[: k + 1], []).append((i, rest))
            if (k >= 0 or line.endswith(":")) and line.startswith(BOX_STARTS):
                box.append(i)
        self._entries, self._box = entries, box
        return entries

    def index_of_label(self, labels: set[str] | frozenset[str], start: int) -> tuple[int, str | None] | None:
        """(index, value after `Head: `, or None for a whole-line label) of the first match at or after start."""
        entries = self._entries if self._entries is not None else self._build_index()
        best: tuple[int, str | None] | None = None
        at = (start,)  # sorts before every (start, value): bisect_left finds the first entry at or after start
        for label in labels:
            if (
                label not in LABELS
                and (i := find_line(self, label, start)) is not None
                and (best is None or i < best[0])
            ):
                best = (i, None)  # not a known label: not indexed as a whole line, so look for it
            found = entries.get(label)
            if found and (n := bisect_left(found, at)) < len(found) and (best is None or found[n][0] < best[0]):
                best = found[n]
        return best

    def first_whole_line(self, labels: frozenset[str], start: int) -> int | None:
        """Index of the first line at or after start that is one of `labels` (known labels) on its own."""
        entries = self._entries if self._entries is not None else self._build_index()
        best = None
        for label in labels:
            found = entries.get(label, ())
            for n in range(bisect_left(found, (start,)), len(found)):
                i, value = found[n]
                if value is None:  # a whole-line label, not a `Head: value` line
                    if best is None or i < best:
                        best = i
                    break
        return best

    def box_office_lines(self, start: int) -> Sequence[int]:
        """The lines at or after start that can hold a box-office label, in page order."""
        if self._entries is None:
            self._build_index()
        return self._box[bisect_left(self._box, start) :]


def strip_links(s: str) -> str:
    """Remove trailing link furniture (`See more »`, `| See all certifications »`, …), repeatedly."""
    # Both cuts need a literal `»` or `See more`; most lines have neither.
    if "»" not in s and "See more" not in s:
        return s.strip()
    end = len(s)
    bar = arrow = end  # the last `|` and `»` before `end`, found again only once `end` passes them
    while True:
        before = end
        e = _rstrip(s, end)
        if e and s[e - 1] == "?":
            e = _rstrip(s, e - 1)
        if e and s[e - 1] == "»":
            body = _rstrip(s, e - 1)
            if bar >= e - 1:
                bar = s.rfind("|", 0, e - 1)
            if arrow >= e - 1:
                arrow = s.rfind("»", 0, e - 1)
            seg = max(bar, arrow) + 1  # the link's text holds no `|` or `»`
            link = _LINK_START.search(s, seg, e - 1)
            if link is None:
                link = _MORE_CREDITS.search(s, seg, body)
            if link is not None:
                end = _lstrip(s, link.start())
                if end and s[end - 1] == "|":
                    end = _lstrip(s, end - 1)
        e = _rstrip(s, end)
        # `See more` on its own, as a word: `\bSee` needs no word character before it.
        if s.endswith("See more", 0, e) and (e == 8 or not _is_word(s[e - 9])):
            end = _lstrip(s, e - 8)
        if end == before:
            return s[:end].strip()


def _rstrip(s: str, end: int) -> int:
    """The end of s[:end] once trailing whitespace is dropped, without copying s."""
    if end == len(s):
        return len(s.rstrip())  # the usual case, at C speed
    while end and s[end - 1].isspace():
        end -= 1
    return end


def _lstrip(s: str, start: int) -> int:
    """Where the run of whitespace that ends at `start` begins."""
    while start and s[start - 1].isspace():
        start -= 1
    return start


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"  # what a pattern's `\w` matches


def is_label(line: str) -> bool:
    """Whether a line is a section label rather than a value."""
    # Lines hold no newline, so BOX_OFFICE_LABEL's `:$` needs the line to end with ":": a cheap test first.
    return line in LABELS or (line.endswith(":") and BOX_OFFICE_LABEL.match(line) is not None)


def takes_value(line: str) -> bool:
    """Whether a line is a label whose value is the next line (`Country:`), not a section heading."""
    return is_label(line) and line not in SECTION_HEADERS


def split_list(s: str, sep: str = "|") -> list[str]:
    """Split a `a | b | c` (or comma) list, dropping link furniture and empty items."""
    if "»" not in s and "See" not in s:
        # No link furniture, and clean() cannot make any (`See more` needs a `See`): strip_links
        # would change nothing, and clean() strips each item.
        return [x for x in map(clean, s.split(sep)) if x]
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


def find(lines: list[str], pred: Callable[[str], object], start: int = 0, end: int | None = None) -> int | None:
    """Index of the first line in [start, end) satisfying pred (a truthy result: a regex's match works), or None."""
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


def find_in(lines: list[str], texts: set[str] | frozenset[str], start: int = 0, end: int | None = None) -> int | None:
    """Index of the first line in [start, end) equal to one of `texts`, or None: find() without a call a line."""
    for j in range(max(start, 0), len(lines) if end is None else min(end, len(lines))):
        if lines[j] in texts:
            return j
    return None


def find_line(lines: list[str], text: str, start: int = 0, end: int | None = None) -> int | None:
    """Index of the first line equal to `text` in [start, end), or None: find() at C speed."""
    try:
        return lines.index(text, max(start, 0), len(lines) if end is None else end)
    except ValueError:
        return None
