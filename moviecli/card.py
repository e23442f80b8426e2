"""The readable title card of `moviecli show` (the table form of a record)."""

from __future__ import annotations

import textwrap
from typing import Any

from moviecli.output import visible

WIDTH = 80
CAST_SHOWN = 15


def _width(text: str) -> int:
    """Terminal columns of `text`: a Japanese, Chinese or Korean character takes two (wcwidth)."""
    if text.isascii():  # the common case: one column a character, no need to ask wcwidth
        return len(text)
    try:
        from wcwidth import wcswidth
    except ImportError:  # without the widechars extra: one column a character
        return len(text)
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def _pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal columns (str.ljust counts characters)."""
    return text + " " * max(0, width - _width(text))


def _money(entry: dict[str, Any]) -> str:
    text = f"{entry['amount']:,} {entry['currency']}"
    extras = [entry["country"], entry["date"], "estimated" if entry["estimated"] else None]
    return text + "".join(f", {e}" for e in extras if e)


def _more(names: list[str], more: int | None) -> list[str]:
    """A credit list, with the count of those the page left out (`| 5 more credits »`)."""
    return [*names, f"and {more} more"] if names and more else names


def _visible(value: Any) -> Any:
    """Every text of a record with its control characters escaped (output.visible): page text
    reaches the terminal here, and an escape sequence in it must be shown, not obeyed."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {_visible(k): _visible(v) for k, v in value.items()}  # keys too: director_notes' are names
    if isinstance(value, list):
        return [_visible(v) for v in value]
    return value


def title_card(record: dict[str, Any]) -> str:
    """A few labelled lines per title: who made it, what it is about, what it earned."""
    given_title = record["title"]  # repr()ed below, which escapes it itself
    record = _visible(record)
    years = str(record["year"] or "?")
    if record["year_index"]:
        years += f"/{record['year_index']}"  # IMDb's way of telling two titles of one name and year apart
    if record["end_year"] or record["kind"] in ("tv_series", "tv_mini_series"):
        years += f"–{record['end_year'] or ''}"
    heading = f"{record['title']} ({years})"
    lines = [heading, "=" * min(WIDTH, _width(heading))]

    def field(label: str, value: Any) -> None:
        if value in (None, [], ""):
            return
        if isinstance(value, list):
            value = ", ".join(value)
        wrapped = textwrap.wrap(str(value), WIDTH - 17) or [""]
        lines.append(f"{label:<16} {wrapped[0]}")
        lines.extend(f"{'':<16} {w}" for w in wrapped[1:])

    field("Kind", record["kind"].replace("_", " "))
    field("IMDb id", record["imdb_id"])
    field("Original", record["original_title"])
    field("Runtime", f"{record['runtime_minutes']} min" if record["runtime_minutes"] else None)
    field("Genres", record["genres"])
    certificate = record["certificate"]
    if certificate and record["certificate_reason"]:
        certificate += f" ({record['certificate_reason']})"
    field("Certificate", certificate)
    if record["rating"] is not None:
        field("Rating", f"{record['rating']}/10" + (f" from {record['votes']:,} votes" if record["votes"] else ""))
    field("Metascore", record["metascore"])
    notes = record["director_notes"]
    field(
        "Directors",
        _more([n + (f" ({notes[n]})" if n in notes else "") for n in record["directors"]], record["directors_more"]),
    )
    writers = [w["name"] + (f" ({w['credit']})" if w["credit"] else "") for w in record["writers"]]
    field("Writers", _more(writers, record["writers_more"]))
    field("Creators", record["creators"])
    field("Stars", record["stars"])
    field("Countries", record["countries"])
    field("Languages", record["languages"])
    released = record["release_date"] or record["release_date_partial"]
    if released:
        country = f" ({record['release_country']})" if record["release_country"] else ""
        field("Released", released + country)
    if record["awards"]:
        field("Awards", record["awards"]["text"])
    for entry in record["box_office"]:
        field(entry["kind"].replace("_", " ").capitalize(), _money(entry))
    field("Summary", record["summary"])
    if record["cast"]:
        lines.append("Cast")
        for member in record["cast"][:CAST_SHOWN]:
            role = member["character"] or ""
            if member["note"]:
                role += f" ({member['note']})"
            lines.append(f"  {_pad(member['name'], 28)} {role}".rstrip())
        if len(record["cast"]) > CAST_SHOWN:
            lines.append(f"  … and {len(record['cast']) - CAST_SHOWN} more")
        elif record["cast_complete"] is False:
            lines.append("  … and more (the page listed only some)")
    if record["reviews"]:
        lines.append(f"{'Reviews':<16} {len(record['reviews'])} on the page (moviecli reviews {given_title!r})")
    return "\n".join(lines)
