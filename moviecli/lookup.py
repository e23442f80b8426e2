"""Which title or person the user means: by IMDb id, by any known title or by name, the same everywhere.

Every name a message shows comes from pages: its control characters are escaped (output.visible),
and what the user typed is shown repr()ed, so no message can send the terminal an escape sequence.

`show`, `reviews`, `grosses TITLE`, `filmography` and `titles --person` all resolve their argument
here, so "not found" and "several match" read the same in every command. Nothing matching is a
LookupFailed naming up to five close names; several matching list at most MAX_LISTED of them.
The "did you mean" never reads a whole table: candidates come from a few index range searches on
prefixes of what was typed (each bounded by CANDIDATES_PER_PREFIX), then difflib ranks them.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moviecli.db import name_key
from moviecli.errors import LookupFailed
from moviecli.output import visible

MAX_LISTED = 20  # several matches: list this many, then "… and N more"
SUGGESTED = 5  # close names offered when nothing matches
CANDIDATES_PER_PREFIX = 500  # rows read per indexed prefix search for the suggestions
PREFIX_LETTERS = 3

TITLE_ID = re.compile(r"tt\d{7,}")
# `Crash (2004/II)`: one of several titles of one name and year, named as IMDb names it.
NUMBERED = re.compile(r"(?P<title>.+?) \((?P<year>\d{4})/(?P<index>[IVX]+)\)")
PERSON_ID = re.compile(r"nm\d{7,}")


@dataclass(frozen=True)
class TitleMatch:
    """The one title a user's text means, and which of its titles matched (None: its own title)."""

    id: int
    title: str
    year: int | None
    kind: str
    matched: str | None = None  # "AKA 'X'" when found by an AKA (the card shows the original title)
    year_index: str | None = None  # II of `Crash (2004/II)`


def _label(title: str, year: int | None, year_index: str | None = None) -> str:
    return f"{visible(title)} ({year or '?'}{'/' + visible(year_index) if year_index else ''})"


def _several(what: str, count: int, labels: list[str], hint: str) -> LookupFailed:
    listed = "".join(f"\n  {label}" for label in labels[:MAX_LISTED])
    more = f"\n  … and {count - MAX_LISTED} more" if count > MAX_LISTED else ""
    return LookupFailed(f"{count} {what}; {hint}:{listed}{more}")


def _suggest(key: str, candidates: dict[str, str]) -> str:
    """'; did you mean: A, B?' of the candidates (key -> shown name) closest to `key`, or ''."""
    close = difflib.get_close_matches(key, list(candidates), n=SUGGESTED, cutoff=0.6)
    return f"; did you mean: {', '.join(visible(candidates[c]) for c in close)}?" if close else ""


def _prefixes(key: str) -> list[str]:
    """The index ranges suggestions are read from: `key` less its last two letters, its first half, its first three.

    Each range holds at most CANDIDATES_PER_PREFIX rows, so among many names sharing their first
    letters, the longer prefixes are what still reach a name with a typo near its end. A typo in
    the first three letters goes unsuggested: the price of never reading the whole table.
    """
    longest = key[: max(PREFIX_LETTERS, len(key) - 2)]
    half = key[: max(PREFIX_LETTERS, len(key) // 2)]
    return list(dict.fromkeys([longest, half, key[:PREFIX_LETTERS]]))


def _prefix_rows(conn: sqlite3.Connection, sql: str, prefix: str) -> list[sqlite3.Row]:
    # `col >= p AND col < p + U+10FFFF` is a range search on the index, unlike LIKE 'p%' on a NOCASE index.
    return list(conn.execute(sql, (prefix, prefix + "\U0010ffff", CANDIDATES_PER_PREFIX)))


_ARTICLE = re.compile(r"^(?:the|a|an) ")
TITLE_CUTOFF = 0.7  # titles share words ("The …"): a looser cutoff suggests unrelated ones


def title_suggestions(conn: sqlite3.Connection, text: str) -> str:
    """Up to five titles close to `text` (case and a leading article ignored), read from titles_by_title by prefix.

    "salt road" finds "The Salt Road": ranges are read with each article put before the text too.
    """
    key = text.casefold()
    core = _ARTICLE.sub("", key)
    prefixes = dict.fromkeys(
        _prefixes(key) + _prefixes(core) + [f"{a} {core[:PREFIX_LETTERS]}" for a in ("the", "a", "an")]
    )
    sql = (
        "SELECT title, year, year_index FROM titles WHERE title >= ? COLLATE NOCASE AND title < ? COLLATE NOCASE"
        " ORDER BY title COLLATE NOCASE, year LIMIT ?"
    )
    candidates: dict[str, list[str]] = {}
    for prefix in prefixes:
        for row in _prefix_rows(conn, sql, prefix):
            label = _label(row["title"], row["year"], row["year_index"])
            shown = candidates.setdefault(_ARTICLE.sub("", row["title"].casefold()), [])
            if label not in shown:
                shown.append(label)
    close = difflib.get_close_matches(core, list(candidates), n=SUGGESTED, cutoff=TITLE_CUTOFF)
    labels = [label for c in close for label in candidates[c]][:SUGGESTED]
    return f"; did you mean: {', '.join(labels)}?" if labels else ""


def find_title(
    conn: sqlite3.Connection, text: str, year: int | None = None, *, imdb_id: str | None = None, kind: str | None = None
) -> TitleMatch:
    """The one title TEXT means: an IMDb id (tt…), else its title, original title or an AKA, ignoring case.

    Titles and original titles win over AKAs, so a film called like another film's AKA is still
    found by its own name. With several, the user chooses with --year.
    """
    ident = imdb_id or (text if TITLE_ID.fullmatch(text) else None)
    if ident:
        row = conn.execute("SELECT id, title, year, kind FROM titles WHERE imdb_id = ?", (ident,)).fetchone()
        if row is None:
            raise LookupFailed(f"no title with IMDb id {visible(ident)} in the catalog")
        return TitleMatch(row["id"], row["title"], row["year"], row["kind"])
    text = " ".join(text.split())
    if not text:
        raise LookupFailed("give a title to look for")
    if (numbered := NUMBERED.fullmatch(text)) and year in (None, int(numbered["year"])):
        row = conn.execute(
            "SELECT id, title, year, kind, year_index FROM titles"
            " WHERE title = ? COLLATE NOCASE AND year = ? AND year_index = ?",
            (numbered["title"], int(numbered["year"]), numbered["index"]),
        ).fetchone()
        if row is not None:
            return TitleMatch(row["id"], row["title"], row["year"], row["kind"], None, row["year_index"])
    year_sql = (" AND year = ?" if year is not None else "") + (" AND kind = ?" if kind is not None else "")
    extra: tuple[Any, ...] = tuple(v for v in (year, kind) if v is not None)
    order = " ORDER BY year DESC, title, year_index, kind, id"
    ways = (
        # One statement for both, so SQLite searches titles_by_title and titles_by_original_title.
        (
            "SELECT id, title, year, kind, year_index, NULL AS matched"
            " FROM titles WHERE (title = ? COLLATE NOCASE OR original_title = ? COLLATE NOCASE)",
            2,
        ),
        (
            "SELECT id, title, year, kind, year_index, 'AKA ' || quote(a.text) AS matched FROM titles JOIN"
            " (SELECT title_id, min(text) AS text FROM title_items WHERE list = 'akas' AND text = ? COLLATE NOCASE"
            " GROUP BY title_id) a ON a.title_id = titles.id",
            1,
        ),
    )
    found: dict[int, TitleMatch] = {}
    for sql, n in ways:
        for row in conn.execute(sql + year_sql + order, (*[text] * n, *extra)):
            match = TitleMatch(row["id"], row["title"], row["year"], row["kind"], row["matched"], row["year_index"])
            found.setdefault(row["id"], match)
        if found:
            break  # a title's own names win over other titles' AKAs
    if not found:
        found = _folded_titles(conn, text, year, kind)
    when = (f" from {year}" if year is not None else "") + (f" of kind {kind}" if kind is not None else "")
    if not found:
        raise LookupFailed(f"no title {text!r}{when} in the catalog" + title_suggestions(conn, text))
    if len(found) > 1:
        labels = [f"{_label(m.title, m.year, m.year_index)} {m.kind}" for m in found.values()]
        raise _several(f"titles match {text!r}{when}", len(found), labels, "choose one with --year")
    return next(iter(found.values()))


def _folded_titles(conn: sqlite3.Connection, text: str, year: int | None, kind: str | None) -> dict[int, TitleMatch]:
    """Titles whose own name or AKA equals TEXT once both are folded (db.name_key): "nausicaa" finds Nausicaä.

    NOCASE ignores neither accents nor ł ø ß, and titles have no stored key: the full-text index
    (which folds them) finds the candidates by phrase, and name_key decides which are equal.
    """
    from moviecli.search import fts_query

    match = fts_query(text)
    if not match:
        return {}
    key = name_key(text)
    year_sql = (" AND t.year = ?" if year is not None else "") + (" AND t.kind = ?" if kind is not None else "")
    rows = conn.execute(
        "SELECT t.id, t.title, t.year, t.kind, t.year_index, d.field, d.text"
        " FROM search_index JOIN search_docs d ON d.id = search_index.rowid JOIN titles t ON t.id = d.title_id"
        f" WHERE search_index MATCH ? AND (d.field = 'title' OR d.field = 'aka'){year_sql}"
        " ORDER BY t.year DESC, t.title, t.kind, t.id, d.field DESC, d.text",
        (match, *(v for v in (year, kind) if v is not None)),
    ).fetchall()
    equal = [row for row in rows if name_key(row["text"]) == key]
    own = [row for row in equal if row["field"] == "title"]
    found: dict[int, TitleMatch] = {}
    for row in own or equal:
        matched = None if row["field"] == "title" else "AKA '" + row["text"].replace("'", "''") + "'"
        found.setdefault(
            row["id"], TitleMatch(row["id"], row["title"], row["year"], row["kind"], matched, row["year_index"])
        )
    return found


def matched_note(match: TitleMatch) -> str | None:
    """What to say on stderr of a title found by another of its titles (an AKA); None when by its own."""
    if not match.matched:
        return None
    return f"{visible(match.title)} ({match.year or '?'}) matched by its {visible(match.matched)}"


def title_id(
    conn: sqlite3.Connection, title: str, year: int | None, on_note: Callable[[str], None] | None = None
) -> int:
    """The id of the title TITLE means (find_title); found by an AKA, `on_note` is told which."""
    match = find_title(conn, title, year)
    if (message := matched_note(match)) and on_note is not None:
        on_note(message)
    return match.id


def person_suggestions(conn: sqlite3.Connection, key: str) -> str:
    """Up to five credited names close to `key` (a name_key), read from people_by_key by prefix."""
    candidates: dict[str, str] = {}
    sql = (
        "SELECT p.name_key, p.name FROM people p WHERE p.name_key >= ? AND p.name_key < ?"
        " AND EXISTS (SELECT 1 FROM credits c WHERE c.person_id = p.id) ORDER BY p.name_key LIMIT ?"
    )
    for prefix in _prefixes(key):
        for row in _prefix_rows(conn, sql, prefix):
            candidates.setdefault(row["name_key"], row["name"])
    return _suggest(key, candidates)


_CREDITED = "EXISTS (SELECT 1 FROM credits c WHERE c.person_id = p.id)"


def person_ids(conn: sqlite3.Connection, name: str, *, imdb_id: str | None = None, one: bool = True) -> list[int]:
    """The credited people NAME means: an IMDb id (nm…), else the name ignoring case and accents.

    An exact name wins; with none, a name that contains NAME at the start of a word matches
    ("figgis" finds "Mike Figgis"). `one`: several people of that exact name are an error too
    (filmography); else they are all returned (titles --person: everyone called that).
    """
    ident = imdb_id or (name if PERSON_ID.fullmatch(name) else None)
    if ident:
        row = conn.execute(f"SELECT p.id FROM people p WHERE p.imdb_id = ? AND {_CREDITED}", (ident,)).fetchone()
        if row is None:
            raise LookupFailed(f"no person with IMDb id {visible(ident)} in the catalog")
        return [int(row[0])]
    key = name_key(name)
    if not key:
        raise LookupFailed("give a name to look for")
    shown = " ".join(name.split())
    matches = conn.execute(
        f"SELECT p.id, p.name FROM people p WHERE p.name_key = ? AND {_CREDITED} ORDER BY p.name, p.id", (key,)
    ).fetchall()
    if matches and not one:
        return [int(m[0]) for m in matches]
    if not matches:
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        matches = conn.execute(
            "SELECT p.id, p.name FROM people p"
            f" WHERE (p.name_key LIKE ? ESCAPE '\\' OR p.name_key LIKE ? ESCAPE '\\') AND {_CREDITED}"
            " ORDER BY p.name_key, p.name, p.id",
            (escaped, "% " + escaped),
        ).fetchall()
    if not matches:
        raise LookupFailed(f"no person {shown!r} in the catalog" + person_suggestions(conn, key))
    if len(matches) > 1:
        raise _several(f"people match {shown!r}", len(matches), [visible(m[1]) for m in matches], "give the full name")
    return [int(matches[0][0])]
