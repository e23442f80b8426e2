"""The schema step of the record's new fields on a catalog of the 2026-11-25 release (acb7fe1), with rows.

The step adds the columns, rebuilds the identity index with the year numeral, and moves the
day-less dates that parser version 2 stored in release_date to release_date_partial.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from conftest import run
from test_migrations import columns_of, fresh_catalog, old_catalog, rows_of, schema_of, user_version

from moviecli import migrations

FIELDS = Path(__file__).parent / "fixtures" / "fields"
SECOND = FIELDS / "harbour-lights-2011-II.txt"
FIRST = FIELDS / "harbour-lights-2011-I.txt"
NEW_COLUMNS = ["year_index", "directors_more", "writers_more", "cast_complete", "metacritic_reviews", "release_date_partial"]  # fmt: skip


def release_catalog(path: Path) -> Path:
    """The release's schema and rows, plus a title its parser (version 2) read from the II page: no numeral,
    the month-only date in release_date, the director's note dropped; and a full date on another title."""
    old_catalog(path, ["v3_acb7fe1"], migrations.RELEASE_VERSION)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO pages (id, path, sha256, text, encoding, loaded_at, parser_version)"
        " VALUES (3, '/pages/harbour-lights.txt', 'c3', ?, 'utf-8', '2026-11-21T09:00:00+00:00', '2')",
        (SECOND.read_text(encoding="utf-8"),),
    )
    conn.execute(
        "INSERT INTO titles (id, page_id, title, year, kind, release_date, release_country, updated_at)"
        " VALUES (3, 3, 'Harbour Lights', 2011, 'movie', '2011-02', 'Denmark', '2026-11-21T09:00:00+00:00')"
    )
    conn.execute("INSERT INTO people (id, name, name_key) VALUES (4, 'Omar Haddad', 'omar haddad')")
    conn.execute("INSERT INTO credits (title_id, role, position, person_id) VALUES (3, 'director', 0, 4)")
    conn.execute("UPDATE titles SET release_date = '1978-05-02', release_country = 'UK' WHERE id = 2")
    conn.commit()
    conn.close()
    return path


def test_a_release_catalog_upgrades_to_a_fresh_one_and_keeps_and_derives_its_rows(tmp_path: Path) -> None:
    catalog = release_catalog(tmp_path / "old.db")
    before, shape = rows_of(catalog), columns_of(catalog)

    (tmp_path / "no-pages").mkdir()
    result = run("load", tmp_path / "no-pages", "--db", catalog)  # the upgrade is the only change

    assert result.exit_code == 0, result.stderr
    assert user_version(catalog) == migrations.CURRENT_VERSION
    assert schema_of(catalog) == schema_of(fresh_catalog(tmp_path / "fresh.db"))
    after = rows_of(catalog, shape)
    assert len(after.pop("imports")) == len(before.pop("imports")) + 1
    # Every row is kept as it was, but for the one date that had no day.
    at = shape["titles"].index("release_date")
    assert [row[at] for row in before["titles"]] == [None, "1978-05-02", "2011-02"]
    assert [row[at] for row in after["titles"]] == [None, "1978-05-02", None]
    assert [row[:at] + row[at + 1 :] for row in after.pop("titles")] == [
        row[:at] + row[at + 1 :] for row in before.pop("titles")
    ]
    assert {t: after[t] for t in before} == before

    conn = sqlite3.connect(catalog)
    added = conn.execute(f"SELECT id, {', '.join(NEW_COLUMNS)} FROM titles ORDER BY id").fetchall()
    conn.close()
    assert added == [
        (1, None, None, None, None, None, None),
        (2, None, None, None, None, None, None),
        (3, None, None, None, None, None, "2011-02"),
    ]
    shown = run("show", "Harbour Lights", "--db", catalog, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert (record["release_date"], record["release_date_partial"], record["director_notes"]) == (None, "2011-02", {})


def test_after_the_upgrade_reparse_reads_the_numeral_and_a_second_film_of_the_name_is_kept(tmp_path: Path) -> None:
    catalog = release_catalog(tmp_path / "old.db")
    (tmp_path / "no-pages").mkdir()
    assert run("load", tmp_path / "no-pages", "--db", catalog).exit_code == 0

    reparsed = run("reparse", "--db", catalog)
    assert reparsed.exit_code == 0, reparsed.stderr
    # The release's rows keep a one-line stub as their page text: their records change too.
    assert reparsed.stdout == "Harbour Lights (2011)\nQuiet Harbour (1978)\nThe Lantern Keeper (1961)\n"
    shown = run("show", "Harbour Lights", "--db", catalog, "--format", "json")
    record = json.loads(shown.stdout)
    assert (record["year_index"], record["director_notes"], record["directors_more"]) == (
        "II",
        {"Omar Haddad": "uncredited"},
        2,
    )

    # The rebuilt identity index lets the other film of that name and year in, beside it.
    loaded = run("load", FIRST, "--db", catalog)
    assert loaded.exit_code == 0, loaded.stderr
    assert loaded.stderr == "1 loaded, 0 replaced, 0 unchanged, 0 failed\n"
    again = run("load", FIRST, "--db", catalog)
    assert again.stderr == "0 loaded, 0 replaced, 1 unchanged, 0 failed\n"
    both = run("sql", "SELECT title, year_index FROM titles WHERE year = 2011 ORDER BY year_index", "--db", catalog, "-f", "csv")  # fmt: skip
    assert both.stdout == "title,year_index\nHarbour Lights,I\nHarbour Lights,II\n"
