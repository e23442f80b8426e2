"""Details, box office, company credits and technical specs.

Stripped pages lose `Country:`, `Language:`, `Budget:`, `Production Co:`, `Runtime:` and `Color:`.
Then: the one or two unlabeled `|` lists just before `Release Date:` are countries then languages; a
money line in Box Office that no label precedes is the budget; the line after `Company Credits` is the
companies; in Technical Specs a `112 min` line is the runtime and a `Color …` line the colour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from moviecli.models import BoxOffice
from moviecli.parse.lines import (
    BOX_OFFICE_LABEL,
    BOX_STARTS,
    PARENS,
    Lines,
    clean,
    find,
    find_line,
    is_label,
    label_value,
    next_nonempty,
    prev_nonempty,
    split_list,
    strip_links,
    takes_value,
)
from moviecli.parse.values import UnreadableMoney, is_genre_list, iso_partial_date, money, read_release

_DETAIL_ANCHORS = frozenset(
    {"Release Date:", "Also Known As:", "Filming Locations:", "Filming Location:", "Box Office", "Company Credits"}
)
_TECH_END = re.compile(r"^See (?:full )?technical specs|^Did You Know\?$|^User Reviews$|^Edit$", re.IGNORECASE)
# The first letters _TECH_END can match, ignoring case (ſ, U+017F, matches s): a cheap test first.
_TECH_END_FIRST = frozenset("SsſDdUuEe")
_RUNTIME = re.compile(r"^(\d+) min\b")
_COLOR = re.compile(r"^(?:Color|Black and White|Colorized)\b")
_FOUR_DIGITS = re.compile(r"\d{4}")
# `\b` before a letter run: without it a search tried the run from each of its letters (quadratic).
_DATE_IN_TEXT = re.compile(r"\b\d{1,2} [A-Za-z]+ \d{4}|\b[A-Za-z]+ \d{1,2}, \d{4}")
_DIGIT = re.compile(r"\d")
_ARTICLES = frozenset({"The", "A", "An", "Les", "La", "Le", "L'", "Die", "Der", "Das", "El", "Los", "Il"})
_BOX_KINDS = {
    "Budget": "budget",
    "Opening Weekend": "opening_weekend",
    "Gross": "gross",
    "Cumulative Worldwide Gross": "worldwide_gross",
    "Worldwide Gross": "worldwide_gross",
}


@dataclass
class Details:
    official_sites: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    release_date: str | None = None
    release_country: str | None = None
    akas: list[str] = field(default_factory=list)
    filming_locations: list[str] = field(default_factory=list)
    box_office: list[BoxOffice] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    runtime_minutes: int | None = None
    sound_mix: list[str] = field(default_factory=list)
    color: list[str] = field(default_factory=list)
    aspect_ratio: str | None = None
    warnings: list[str] = field(default_factory=list)


def _value(lines: list[str], labels: set[str], start: int) -> str | None:
    found = label_value(lines, labels, start)
    return strip_links(found[1]) or None if found and found[1] else None


def parse_details(lines: list[str], start: int) -> Details:
    """Read every details block found after `start` (the end of the header)."""
    out = Details()
    sites = _value(lines, {"Official Sites:", "Official Site:"}, start)
    out.official_sites = split_list(sites) if sites else []
    _countries_languages(lines, start, out)
    release = _value(lines, {"Release Date:"}, start)
    if release and (got := read_release(release)):
        out.release_date, out.release_country = got
        if out.release_date is None and not _FOUR_DIGITS.search(release):
            out.release_country = None  # not a date at all: trust neither part
    aka = _value(lines, {"Also Known As:"}, start)
    out.akas = [aka] if aka else []
    place = _value(lines, {"Filming Locations:", "Filming Location:"}, start)
    out.filming_locations = [place] if place else []
    out.box_office = parse_box_office(lines, start, out.warnings)
    _companies(lines, start, out)
    _tech_specs(lines, start, out)
    return out


def _countries_languages(lines: list[str], start: int, out: Details) -> None:
    country = _value(lines, {"Country:", "Countries:"}, start)
    language = _value(lines, {"Language:", "Languages:"}, start)
    out.countries = split_list(country) if country else []
    out.languages = split_list(language) if language else []
    if country or language or label_value(lines, {"Country:", "Countries:", "Language:", "Languages:"}, start):
        return
    anchor = _first_anchor(lines, start)
    if anchor is None:
        return
    found: list[list[str]] = []
    j = anchor
    while len(found) < 2 and (before := prev_nonempty(lines, j)) is not None and before >= start:
        j = before
        line = lines[j]
        p = prev_nonempty(lines, j)
        if (
            is_label(line)
            or "»" in line
            or len(line) > 150
            or line.endswith(".")
            or (p is not None and takes_value(lines[p]))
        ):
            break
        items = split_list(line)
        if not items or is_genre_list(items) or any(len(x) > 60 for x in items):
            break
        found.insert(0, items)
    if len(found) == 2:
        out.countries, out.languages = found
    elif len(found) == 1:
        out.countries = found[0]
        out.warnings.append("one unlabeled list before the release date: read as countries, no languages")


def _first_anchor(lines: list[str], start: int) -> int | None:
    """The first line at or after start that is a detail anchor or a box-office label line."""
    if isinstance(lines, Lines):
        # From the page's index: the anchors are labels, and box-office label lines are among its
        # box-office lines, so no line needs looking at.
        anchor = lines.first_whole_line(_DETAIL_ANCHORS, start)
        for i in lines.box_office_lines(start):
            if anchor is not None and i > anchor:
                break
            if lines[i].endswith(":") and BOX_OFFICE_LABEL.match(lines[i]):
                return i
        return anchor
    return next(
        (
            i
            for i in range(max(start, 0), len(lines))
            if lines[i] in _DETAIL_ANCHORS or (lines[i].endswith(":") and BOX_OFFICE_LABEL.match(lines[i]))
        ),
        None,
    )  # (is_label's box-office test inline: a call a line was most of this scan)


def parse_box_office(lines: list[str], start: int, warnings: list[str]) -> list[BoxOffice]:
    """Every labeled amount, plus (labels stripped) the section's first unlabeled amount as the budget."""
    out: list[BoxOffice] = []
    header = find_line(lines, "Box Office", start)
    # Box-office labels start with one of the kinds' words: the page's index has those lines already.
    if isinstance(lines, Lines):
        candidates = lines.box_office_lines(start)
    else:
        candidates = [i for i in range(start, len(lines)) if lines[i].startswith(BOX_STARTS)]
    for i in candidates:
        line = lines[i]
        if line.endswith(":"):
            if not (m := BOX_OFFICE_LABEL.match(line)):
                continue
            j = next_nonempty(lines, i)
            if j is None or is_label(lines[j]):
                continue  # a label with no value: `Gross USA:` followed by the next label
            value = lines[j]
        elif (k := line.find(": ")) > 0 and (m := BOX_OFFICE_LABEL.match(line[: k + 1])):
            value = line[k + 2 :]  # `Opening Weekend USA: $70,864, 29 October 1995` on one line
        else:
            continue
        entry = _read_money_or_warn(value, _BOX_KINDS[m["kind"]], m["country"], warnings)
        if entry is not None:
            out.append(entry)
    if header is not None and not any(b.kind == "budget" for b in out):
        j = next_nonempty(lines, header)
        if (
            j is not None
            and not is_label(lines[j])
            and (entry := _read_money_or_warn(lines[j], "budget", None, warnings))
        ):
            out.insert(0, entry)
    return out


def _read_money_or_warn(value: str, kind: str, country: str | None, warnings: list[str]) -> BoxOffice | None:
    try:
        return read_money(value, kind, country)
    except UnreadableMoney as exc:
        warnings.append(f"{kind.replace('_', ' ')} left out: {value[:60]!r}: {exc}")
        return None


def read_money(value: str, kind: str, country: str | None) -> BoxOffice | None:
    """`$612,235 (USA) (11 November 2011)`, `$70,864, 29 October 1995`, `JPY 1,900,000,000 (estimated)`.

    None when the value is not money; raises UnreadableMoney when it is but its amount is not exact.
    """
    got = money(value)
    if got is None:
        return None
    amount, currency, rest = got
    groups = PARENS.findall(rest)
    estimated = any(g.strip().lower() == "estimated" for g in groups)
    date = next((d for g in groups if (d := iso_partial_date(g))), None)
    if date is None and (m := _DATE_IN_TEXT.search(rest)):
        date = iso_partial_date(m[0])
    if country is None and kind != "worldwide_gross":
        # `(USA)`, not `(estimated)`, a date or `(23 screens)`.
        country = next((clean(g) for g in groups if g.strip().lower() != "estimated" and not _DIGIT.search(g)), None)
    return BoxOffice(kind=kind, amount=amount, currency=currency, country=country, date=date, estimated=estimated)


def _companies(lines: list[str], start: int, out: Details) -> None:
    value = _value(lines, {"Production Co:"}, start)
    if value is None and not label_value(lines, {"Production Co:"}, start):
        header = find_line(lines, "Company Credits", start)
        j = next_nonempty(lines, header) if header is not None else None
        if j is not None and not is_label(lines[j]) and not lines[j].startswith(("Show ", "See ")):
            value = strip_links(lines[j]) or None
    if not value:
        return
    companies: list[str] = []
    for part in (clean(p) for p in value.split(",")):
        # IMDb files "The Curiosity Company" as "Curiosity Company, The".
        if part in _ARTICLES and companies:
            companies[-1] = f"{companies[-1]}, {part}"
        elif part:
            companies.append(part)
    out.companies = companies


def _is_tech_end(line: str) -> bool:
    return line[:1] in _TECH_END_FIRST and _TECH_END.match(line) is not None


def _tech_specs(lines: list[str], start: int, out: Details) -> None:
    runtime = _value(lines, {"Runtime:"}, start)
    if runtime and (m := _RUNTIME.match(runtime)):
        out.runtime_minutes = int(m[1])
    mix = _value(lines, {"Sound Mix:"}, start)
    out.sound_mix = split_list(mix) if mix else []
    color = _value(lines, {"Color:"}, start)
    out.color = split_list(color) if color else []
    out.aspect_ratio = _value(lines, {"Aspect Ratio:"}, start)
    header = find_line(lines, "Technical Specs", start)
    if header is None:
        return
    end = find(lines, _is_tech_end, header + 1) or len(lines)
    last = prev_nonempty(lines, header + 1)  # the last non-empty line before line i, kept as we go
    for i in range(header + 1, end):
        line, p = lines[i], last
        if line:
            last = i
        if not line or is_label(line) or (p is not None and takes_value(lines[p])):
            continue  # labeled values were read above
        if out.runtime_minutes is None and (m := _RUNTIME.match(line)):
            out.runtime_minutes = int(m[1])
        elif not out.color and all(_COLOR.match(x) for x in split_list(line) or ["-"]):
            out.color = split_list(line)
