"""One title read back from the catalog as the record of RECORD.md (`moviecli show`).

The record is rebuilt from the normalised tables, not from a stored copy, so a title that came
from another source (or was merged with one) shows the same way as one loaded from a page.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from moviecli.db import ITEM_LISTS


def find_titles(conn: sqlite3.Connection, title: str, year: int | None = None) -> list[sqlite3.Row]:
    """Titles whose title (or original title) matches, ignoring case; newest first."""
    sql = (
        "SELECT id, title, year, kind FROM titles"
        " WHERE (title = ? COLLATE NOCASE OR original_title = ? COLLATE NOCASE)"
        + (" AND year = ?" if year is not None else "")
        + " ORDER BY year DESC, title, kind, id"
    )
    params: tuple[Any, ...] = (title, title, year) if year is not None else (title, title)
    return list(conn.execute(sql, params))


def title_record(conn: sqlite3.Connection, title_id: int) -> dict[str, Any]:
    """The RECORD.md object of one title: every key present, null or [] where the page said nothing."""
    t = conn.execute("SELECT * FROM titles WHERE id = ?", (title_id,)).fetchone()

    def credits(role: str) -> list[sqlite3.Row]:
        return list(
            conn.execute(
                "SELECT p.name, c.character, c.note, c.credit FROM credits c JOIN people p ON p.id = c.person_id"
                " WHERE c.title_id = ? AND c.role = ? ORDER BY c.position",
                (title_id, role),
            )
        )

    def values(table: str, column: str) -> list[str]:
        sql = f"SELECT {column} FROM {table} WHERE title_id = ? ORDER BY position"
        return [row[0] for row in conn.execute(sql, (title_id,))]

    items: dict[str, list[str]] = {name: [] for name in ITEM_LISTS}
    for row in conn.execute(
        "SELECT list, text FROM title_items WHERE title_id = ? ORDER BY list, position", (title_id,)
    ):
        items[row["list"]].append(row["text"])
    awards = None
    if any(t[k] is not None for k in ("awards_oscars", "awards_wins", "awards_nominations", "awards_text")):
        awards = {
            "oscars": t["awards_oscars"],
            "wins": t["awards_wins"],
            "nominations": t["awards_nominations"],
            "text": t["awards_text"],
        }
    page = conn.execute("SELECT path, sha256, loaded_at FROM pages WHERE id = ?", (t["page_id"],)).fetchone()
    record: dict[str, Any] = {
        "title": t["title"],
        "year": t["year"],
        "end_year": t["end_year"],
        "kind": t["kind"],
        "original_title": t["original_title"],
        "runtime_minutes": t["runtime_minutes"],
        "summary": t["summary"],
        "storyline": t["storyline"],
        "storyline_author": t["storyline_author"],
        "directors": [r["name"] for r in credits("director")],
        "writers": [{"name": r["name"], "credit": r["credit"]} for r in credits("writer")],
        "creators": [r["name"] for r in credits("creator")],
        "stars": [r["name"] for r in credits("star")],
        "cast": [{"name": r["name"], "character": r["character"], "note": r["note"]} for r in credits("actor")],
        "genres": values("genres", "genre"),
        "certificate": t["certificate"],
        "certificate_reason": t["certificate_reason"],
        "rating": t["rating"],
        "votes": t["votes"],
        "metascore": t["metascore"],
        "user_reviews": t["user_reviews"],
        "critic_reviews": t["critic_reviews"],
        "popularity": t["popularity"],
        "awards": awards,
        "keywords": items["keywords"],
        "taglines": items["taglines"],
        "trivia": items["trivia"],
        "goofs": items["goofs"],
        "quotes": items["quotes"],
        "crazy_credits": items["crazy_credits"],
        "alternate_versions": items["alternate_versions"],
        "connections": items["connections"],
        "soundtracks": [
            {"title": r["song"], "credits": json.loads(r["credits"])}
            for r in conn.execute(
                "SELECT song, credits FROM soundtracks WHERE title_id = ? ORDER BY position", (title_id,)
            )
        ],
        "reviews": [
            {
                "title": r["review_title"],
                "author": r["author"],
                "date": r["date"],
                "location": r["location"],
                "rating": r["rating"],
                "helpful": r["helpful"],
                "helpful_total": r["helpful_total"],
                "text": r["text"],
            }
            for r in conn.execute("SELECT * FROM reviews WHERE title_id = ? ORDER BY position", (title_id,))
        ],
        "official_sites": items["official_sites"],
        "countries": values("countries", "country"),
        "languages": values("languages", "language"),
        "release_date": t["release_date"],
        "release_country": t["release_country"],
        "akas": items["akas"],
        "filming_locations": items["filming_locations"],
        "box_office": [
            {
                "kind": r["kind"],
                "amount": r["amount"],
                "currency": r["currency"],
                "country": r["country"],
                "date": r["date"],
                "estimated": bool(r["estimated"]),
            }
            for r in conn.execute("SELECT * FROM box_office WHERE title_id = ? ORDER BY position", (title_id,))
        ],
        "companies": items["companies"],
        "sound_mix": items["sound_mix"],
        "color": items["color"],
        "aspect_ratio": t["aspect_ratio"],
        "imdb_id": t["imdb_id"],
        "source": dict(page) if page else None,
        "warnings": items["warnings"],
    }
    return record
