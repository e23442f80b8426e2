"""save.py and record.py: a Title saved by the storage map reads back as the same record."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from conftest import CATALOG_RECORDS, store_page

from moviecli import db, save, tables
from moviecli.models import Awards, Soundtrack, Title
from moviecli.record import title_record


def every_field_set() -> Title:
    """A record with a value in every field of Title, so the round trip covers every entry of tables.FIELDS."""
    record = dataclasses.replace(
        CATALOG_RECORDS[0],
        end_year=1995,
        original_title="Saltvägen",
        creators=["Ole Brandt"],
        popularity=42,
        awards=Awards(oscars=1, wins=3, nominations=5, text="Won 1 Oscar."),
        soundtracks=[Soundtrack("Dry Wind", ["Performed by The Flats", "Written by Ole Brandt"])],
        aspect_ratio="2.35 : 1",
        year_index="II",
        director_notes={CATALOG_RECORDS[0].directors[0]: "uncredited"},
        directors_more=2,
        writers_more=5,
        cast_complete=False,  # False, not None: a falsy value must read back as itself
        metacritic_reviews=13,
        release_date_partial="1994-05",  # the parser gives one of the two dates; storage keeps either
    )
    for name in tables.ITEM_LISTS:
        setattr(record, name, [f"{name} one", f"{name} two"])
    empty = [f for f in tables.FIELDS if getattr(record, f) in (None, [], {})]
    assert not empty, empty
    return record


def test_a_saved_title_reads_back_as_its_record(tmp_path: Path) -> None:
    record = every_field_set()
    conn = db.connect_write(tmp_path / "c.db")
    with db.transaction(conn):
        page_id = store_page(conn, "salt-road.txt", "sha-1", "text", "utf-8", "test")
        title_id, replaced = save.save_title(conn, record, page_id)
    shown = title_record(conn, title_id)
    source = shown.pop("source")
    assert (source["path"], source["sha256"]) == ("salt-road.txt", "sha-1")
    assert shown.pop("imdb_id") is None
    assert not replaced
    assert shown == dataclasses.asdict(record)
    assert list(shown) == list(tables.FIELDS)


def test_saving_the_same_identity_again_replaces_it_in_place(tmp_path: Path) -> None:
    first, second = CATALOG_RECORDS[0], dataclasses.replace(CATALOG_RECORDS[0], rating=9.9, genres=["Drama"])
    conn = db.connect_write(tmp_path / "c.db")
    with db.transaction(conn):
        page_id = store_page(conn, "a.txt", "sha-a", "a", "utf-8", "test")
        title_id, _ = save.save_title(conn, first, page_id)
        again, replaced = save.save_title(conn, second, page_id)
    assert (again, replaced) == (title_id, True)
    record = title_record(conn, title_id)
    assert (record["rating"], record["genres"]) == (9.9, ["Drama"])
    assert conn.execute("SELECT count(*) FROM titles").fetchone()[0] == 1
