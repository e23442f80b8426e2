"""The schema step that gives credits every role (issue 13): a release catalog with rows, upgraded,
equals a fresh one, keeps its credits, and then takes a composer's and a producer's credits."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import run
from imdb_dataset import N, write_dataset
from test_migrations import old_catalog, rows_of, schema_of

from moviecli import db, migrations


def test_a_release_catalog_upgrades_keeping_its_credits_and_takes_every_role(tmp_path: Path) -> None:
    catalog = old_catalog(tmp_path / "old.db", ["v3_acb7fe1"], migrations.RELEASE_VERSION)
    before = rows_of(catalog)["credits"]
    dataset = write_dataset(
        tmp_path / "day1",
        {
            "basics": [["tt0300001", "movie", "Salt Road", N, "0", "1999", N, "90", "Drama"]],
            "names": [
                ["nm0300001", "Ada Kron", N, N, "composer", N],
                ["nm0300002", "Mara Lind", N, N, "producer", N],
            ],
            "principals": [
                ["tt0300001", "1", "nm0300001", "composer", N, N],
                ["tt0300001", "2", "nm0300002", "producer", "producer", N],
            ],
        },
    )

    result = run("load-imdb", dataset, "--db", catalog, "-q")

    assert result.exit_code == 0, result.stderr
    db.connect_write(tmp_path / "fresh.db").close()
    assert schema_of(catalog) == schema_of(tmp_path / "fresh.db")
    with sqlite3.connect(catalog) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.CURRENT_VERSION
        assert conn.execute("SELECT * FROM credits WHERE title_id IN (1, 2) ORDER BY 1, 2, 3").fetchall() == before
        assert conn.execute(
            "SELECT c.role, p.name, c.credit FROM credits c JOIN people p ON p.id = c.person_id"
            " JOIN titles t ON t.id = c.title_id WHERE t.imdb_id = 'tt0300001' ORDER BY c.position"
        ).fetchall() == [("composer", "Ada Kron", None), ("producer", "Mara Lind", "producer")]
        # The CHECK still refuses what is not a role.
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("INSERT INTO credits (title_id, role, position, person_id) VALUES (1, 'gaffer', 9, 1)")
    shown = run("filmography", "Edda Voss", "--db", catalog, "-f", "csv")
    assert shown.stdout == (
        "year,title,role,character,credit,rating\n"
        "1961,The Lantern Keeper,director,,,7.4\n"
        "1961,The Lantern Keeper,writer,,screenplay by,7.4\n"
    )
    assert run("people", "--role", "producer", "--db", catalog, "-f", "csv").stdout == (
        "name,titles,roles\nMara Lind,1,producer\n"
    )
    assert run("check", "--db", catalog).exit_code == 0
