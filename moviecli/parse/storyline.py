"""The storyline section: storyline and its author, plot keywords, taglines, genres, certificate.

Stripped pages lose `Storyline`, `Plot Keywords:`, `Taglines:`, `Genres:` and `Certificate:`; the
`Plot Summary | Plot Synopsis` link line and the `See all certifications »` link stay, and anchor
the blocks: the storyline is just before the link line, the keywords list ends with `See All (73) »`,
the genre list is made only of genre names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from moviecli.parse.lines import find, find_in, is_label, label_value, prev_nonempty, split_list, strip_links
from moviecli.parse.values import is_genre_list

_PLOT_LINKS = re.compile(r"^(?:Plot Summary|Add Full Plot)\s*\|", re.IGNORECASE)
_NO_STORY = re.compile(r"^(?:Add Full Plot|Plot Summary)\b", re.IGNORECASE)
_WRITTEN_BY = re.compile(r"\s*Written by\s+(?P<author>[^<>]+?)\s*(?:<[^<>]*>)?\s*$")
_CERT_LINK = re.compile(r"\|?\s*See all certifications\s*»?\s*$", re.IGNORECASE)
_SEE_ALL = re.compile(r"See All \(\d+\) »$")
# A stripped line with no newline that _CERT_LINK matches ends with `»` or the `s` of certifications,
# which ignoring case is s, S or ſ (U+017F): a cheap test to make before the pattern.
_CERT_LINK_ENDS = ("s", "S", "\u017f", "»")
_CERTIFICATIONS = re.compile("certifications", re.IGNORECASE)
_RATED = re.compile(r"^Rated (?P<cert>\S+)(?:\s+(?P<reason>.+))?$")
_SECTION_ENDS = frozenset(
    {
        "Did You Know?",
        "Details",
        "Official Sites:",
        "Country:",
        "Countries:",
        "Release Date:",
        "Box Office",
        "Technical Specs",
        "Company Credits",
        "User Reviews",
        "Parents Guide:",
        "Motion Picture Rating (MPAA)",
        "Certificate:",
        "Frequently Asked Questions",
        "Message Boards",
        "Contribute to This Page",
    }
)


def _is_plot_links(line: str) -> bool:
    return "|" in line and _PLOT_LINKS.match(line) is not None  # the pattern needs a `|`: test that first


@dataclass
class Storyline:
    storyline: str | None = None
    storyline_author: str | None = None
    keywords: list[str] = field(default_factory=list)
    taglines: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    certificate: str | None = None
    certificate_reason: str | None = None


def parse_storyline(lines: list[str], start: int) -> Storyline:
    """Read the section that follows the cast block (lines from `start`)."""
    out = Storyline()
    end = find_in(lines, _SECTION_ENDS, start) or len(lines)
    links = find(lines, _is_plot_links, start, end)
    _story(lines, start, links, out)
    after = links + 1 if links is not None else start
    genres_at = _genres(lines, after, end, out)
    # Without labels, only the `Plot Summary | …` link line says where keywords and taglines are.
    kw_end = genres_at if genres_at is not None else end
    _keywords_and_taglines(lines, after, kw_end, out, positional=links is not None)
    _certificate(lines, start, out)
    return out


def _story(lines: list[str], start: int, links: int | None, out: Storyline) -> None:
    found = label_value(lines, {"Storyline"}, start)
    if found and found[0] < (links if links is not None else len(lines)):
        text = found[1]
    elif links is not None and (j := prev_nonempty(lines, links)) is not None and j >= start:
        text = lines[j]
    else:
        return
    if not text or _NO_STORY.match(text) or is_label(text) or "»" in text:
        return
    # The pattern needs "Written by": find that at C speed and search from the spaces before it, as no
    # match can start earlier (the leftmost match is the same).
    k = text.find("Written by")
    found = _written_by(text, k) if k >= 0 else None
    if found:
        text, out.storyline_author = text[: found[0]], found[1]
    out.storyline = text.strip() or None


def _written_by(text: str, k: int) -> tuple[int, str] | None:
    """(where the `Written by` credit starts, its author) for the first `Written by` at k, as _WRITTEN_BY finds them.

    In the usual case, whitespace after `Written by` and no `<` or `>` after it, the match starts at
    the whitespace before k and the author is the rest, stripped: no pattern is needed, whose lazy
    author part ran the rest of the pattern at every length. Anything else goes to the pattern.
    """
    start = len(text[:k].rstrip())
    rest = text[k + len("Written by") :]
    if rest[:1].isspace() and "<" not in rest and ">" not in rest and (author := rest.strip()):
        return start, author
    m = _WRITTEN_BY.search(text, start)
    return (m.start(), m["author"]) if m else None


def _genres(lines: list[str], start: int, end: int, out: Storyline) -> int | None:
    found = label_value(lines, {"Genres:", "Genre:"}, start)
    if found and found[1] and found[0] < end:
        out.genres = split_list(found[1])
        return found[0]
    for i in range(start, end):
        if not lines[i]:
            continue  # (no items)
        items = split_list(lines[i])
        if is_genre_list(items):
            out.genres = items
            return i
    return None


def _keywords_and_taglines(lines: list[str], start: int, end: int, out: Storyline, positional: bool) -> None:
    kw = label_value(lines, {"Plot Keywords:"}, start)
    tag = label_value(lines, {"Taglines:", "Tagline:"}, start)
    if kw and kw[0] < end:
        out.keywords = split_list(kw[1] or "")
    if tag and tag[0] < end:
        out.taglines = [strip_links(tag[1])] if tag[1] and strip_links(tag[1]) else []
    if kw or tag or not positional:
        return
    # Stripped: the keyword list is the `|` list (it ends with `See All (N) »`); a tagline is prose.
    for i in range(start, end):
        line = lines[i]
        if not line or is_label(line):
            continue
        if "|" in line or _SEE_ALL.search(line):
            if not out.keywords:
                out.keywords = split_list(line)
        elif not out.taglines and strip_links(line) and "»" not in strip_links(line):
            out.taglines = [strip_links(line)]


def _may_end_with_cert_link(s: str) -> bool:
    """Whether _CERT_LINK can match: the text ends with `certifications` (any case), then maybe a
    `»`, then whitespace (rstrip drops what `\\s` matches). Searched, the pattern was tried at every
    position of the line; this looks at its last characters only."""
    t = s.rstrip()
    if t.endswith("»"):
        t = t[:-1].rstrip()
    return _CERTIFICATIONS.fullmatch(t, max(len(t) - len("certifications"), 0)) is not None


def _certificate(lines: list[str], start: int, out: Storyline) -> None:
    found = label_value(lines, {"Motion Picture Rating (MPAA)", "Certificate:", "Certification:"}, start)
    value = found[1] if found else None
    if value is None:
        # Stripped: the `See all certifications »` link marks the certificate line.
        i = next(
            (
                i
                for i in range(max(start, 0), len(lines))
                if lines[i].endswith(_CERT_LINK_ENDS)
                and _may_end_with_cert_link(lines[i])
                and _CERT_LINK.search(lines[i])
            ),
            None,
        )
        value = lines[i] if i is not None else None
    if value is None:
        return
    text = (_CERT_LINK.sub("", value) if _may_end_with_cert_link(value) else value).strip()
    if m := _RATED.match(text):
        out.certificate, out.certificate_reason = m["cert"], m["reason"]
    elif text and len(text) <= 20 and "|" not in text:
        out.certificate = text
