"""Schema step 5 on a catalog of the release: people's keys folded further, search rebuilt from the rows."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from test_migrations import HISTORY, old_catalog, run, schema_of

from moviecli import db, migrations


def upgraded(tmp_path: Path) -> Path:
    schemas, version = HISTORY["v3 (acb7fe1)"]
    catalog = old_catalog(tmp_path / "old.db", schemas, version)
    conn = sqlite3.connect(catalog)
    # As the release keyed it: accents gone, ł kept.
    conn.execute("INSERT INTO people (id, name, name_key) VALUES (4, 'Paweł Ström', 'paweł strom')")
    conn.execute("INSERT INTO credits (title_id, role, position, person_id) VALUES (2, 'writer', 0, 4)")
    conn.execute("INSERT INTO title_items (title_id, list, position, text) VALUES (2, 'akas', 0, 'Stille Hafen')")
    conn.commit()
    conn.close()
    result = run("load", tmp_path / "none", "--db", catalog)
    assert result.exit_code == 1  # no such path; the upgrade ran first all the same
    assert sqlite3.connect(catalog).execute("PRAGMA user_version").fetchone()[0] == migrations.CURRENT_VERSION
    return catalog


def test_people_keys_are_recomputed(tmp_path: Path) -> None:
    catalog = upgraded(tmp_path)
    conn = sqlite3.connect(catalog)
    assert conn.execute("SELECT id, name_key FROM people ORDER BY id").fetchall() == [
        (1, "edda voss"),
        (2, "tomas kiel"),
        (3, "ines marlow"),
        (4, "pawel strom"),
    ]
    films = run("filmography", "pawel strom", "--db", catalog, "--format", "json")
    assert films.exit_code == 0, films.stderr
    assert [r["title"] for r in json.loads(films.stdout)] == ["Quiet Harbour"]


def test_search_is_rebuilt_from_the_stored_rows(tmp_path: Path) -> None:
    catalog = upgraded(tmp_path)
    fresh = tmp_path / "fresh.db"
    db.connect_write(fresh).close()
    assert schema_of(catalog) == schema_of(fresh)
    conn = sqlite3.connect(catalog)
    assert conn.execute("SELECT title_id, field, text, folded FROM search_docs ORDER BY id").fetchall() == [
        (1, "title", "The Lantern Keeper", None),
        (1, "person", "Edda Voss", None),
        (1, "person", "Tomas Kiel", None),
        (1, "person", "Inés Marlow", None),
        (1, "summary", "A lighthouse keeper shelters a stranger through a winter storm.", None),
        (1, "review", "Storm and silence\n\nThe storm scenes still frighten.", None),
        (1, "trivia", "The lighthouse was built for the film and left standing.", None),
        (2, "title", "Quiet Harbour", None),
        (2, "aka", "Stille Hafen", None),
        (2, "person", "Tomas Kiel", None),
        (2, "person", "Inés Marlow", None),
        (2, "person", "Paweł Ström", "Pawel Ström"),
        (2, "summary", "A harbour town waits for a boat that never comes home.", None),
        (2, "goofs", "The harbour clock shows two different times in one scene.", None),
    ]
    found = run("search", "kiel", "--db", catalog, "--format", "json")
    assert [(r["title"], r["field"]) for r in json.loads(found.stdout)] == [
        ("Quiet Harbour", "person"),
        ("The Lantern Keeper", "person"),
    ]
    assert [r["title"] for r in json.loads(run("search", "pawel", "--db", catalog, "-f", "json").stdout)] == [
        "Quiet Harbour"
    ]
    assert [r["title"] for r in json.loads(run("search", "stand*", "--db", catalog, "-f", "json").stdout)] == [
        "The Lantern Keeper"
    ]


def test_deleting_a_title_removes_its_folded_texts_from_the_index(tmp_path: Path) -> None:
    catalog = upgraded(tmp_path)
    conn = sqlite3.connect(catalog)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM box_office WHERE title_id = 2")
    conn.execute("DELETE FROM titles WHERE id = 2")  # cascades to search_docs; the trigger deletes 'Pawel Ström'
    conn.commit()
    # Only unfolded rows are left, so FTS5's own check (index against search_docs.text) must pass.
    conn.execute("INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)")
    assert conn.execute("SELECT count(*) FROM search_index WHERE search_index MATCH 'pawel OR harbour'").fetchone() == (
        0,
    )
    conn.close()
