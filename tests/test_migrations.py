"""Schema upgrades: every released schema upgrades to exactly a new catalog's, keeping its rows.

The old catalogs are built from the schema.sql of the project's own history (tests/fixtures/schemas,
named by version and commit) with the rows of tests/fixtures/schemas/rows.sql, then driven through
the real CLI.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from moviecli import db, migrations, schema_steps
from moviecli.cli import app

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
PAGE = Path(__file__).parent / "fixtures" / "catalog" / "paper-moons-2003.txt"
runner = CliRunner()

# Every schema a catalog in the field can have: the schema.sql it was made by, then the ones that
# later versions ran over it (all IF NOT EXISTS), and the version it was left stamped with.
HISTORY = {
    "v1 (7998407)": (["v1_7998407"], 1),
    "v1 (e6eae88)": (["v1_e6eae88"], 1),
    "v2 (2ad144a)": (["v1_e6eae88"], 2),
    "v2 (48f71ec)": (["v2_48f71ec"], 2),
    "v2 (81672f5)": (["v2_81672f5"], 2),
    "v2 (eafe63b)": (["v2_eafe63b"], 2),
    "v3 (acb7fe1)": (["v3_acb7fe1"], 3),
    # Made at version 1, opened by the release: it has every table, but its CHECKs are IN lists.
    "v3 over v1": (["v1_7998407", "v3_acb7fe1"], 3),
    "v3 over v2 (81672f5)": (["v2_81672f5", "v3_acb7fe1"], 3),
}


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def old_catalog(path: Path, schemas: list[str], version: int, rows: bool = True) -> Path:
    """A catalog as an older moviecli left it: in WAL mode, stamped `version`."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    for name in schemas:
        conn.executescript((SCHEMAS / f"{name}.sql").read_text(encoding="utf-8"))
    if rows:
        conn.executescript((SCHEMAS / "rows.sql").read_text(encoding="utf-8"))
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    return path


def fresh_catalog(path: Path) -> Path:
    db.connect_write(path).close()
    return path


def schema_of(path: Path) -> dict[str, object]:
    """Everything that makes two schemas equal: each object's SQL, each table's columns, indexes and keys."""
    conn = sqlite3.connect(path)
    found: dict[str, object] = {}
    for kind, name, table, sql in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"):
        found[name] = (kind, table, schema_steps.normalized_sql(sql) if sql else None)
        if kind == "table":
            found[f"{name} columns"] = conn.execute(f"PRAGMA table_xinfo({name})").fetchall()
            found[f"{name} foreign keys"] = conn.execute(f"PRAGMA foreign_key_list({name})").fetchall()
            indexes = conn.execute(f"PRAGMA index_list({name})").fetchall()
            found[f"{name} indexes"] = sorted(tuple(index)[1:] for index in indexes)  # seq is creation order
            for index in indexes:
                found[f"{index[1]} columns"] = conn.execute(f"PRAGMA index_xinfo({index[1]})").fetchall()
    conn.close()
    return found


def columns_of(path: Path) -> dict[str, list[str]]:
    """Each table's columns: what an older catalog's rows are compared on once steps have added columns."""
    conn = sqlite3.connect(path)
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_index_%'"
        )
        # The search texts are derived rows that a step rebuilds: tests/test_migration_search.py checks them.
        if row[0] not in ("search_docs", "search_index")
    ]
    found = {t: [row[1] for row in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    conn.close()
    return found


def rows_of(path: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table; of a table in `columns`, only those columns (the ones it had before)."""
    conn = sqlite3.connect(path)
    rows = {}
    for t, names in columns_of(path).items():
        names = (columns or {}).get(t, names)
        order = ", ".join(str(i) for i in range(1, len(names) + 1))
        rows[t] = conn.execute(f"SELECT {', '.join(names)} FROM {t} ORDER BY {order}").fetchall()
    conn.close()
    return rows


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_a_new_catalog_is_made_from_schema_sql_and_stamped_current(tmp_path: Path) -> None:
    made = tmp_path / "made.db"
    conn = sqlite3.connect(made)
    conn.executescript(db.schema_sql())
    conn.close()
    result = run("load", PAGE, "--db", tmp_path / "new.db")
    assert result.exit_code == 0, result.stderr
    assert user_version(tmp_path / "new.db") == migrations.CURRENT_VERSION == db.SCHEMA_VERSION
    assert schema_of(tmp_path / "new.db") == schema_of(made)


def test_schema_sql_and_the_steps_agree(tmp_path: Path) -> None:
    """The release's schema plus every step is schema.sql: a change made in only one of them fails here."""
    upgraded = old_catalog(tmp_path / "release.db", ["v3_acb7fe1"], migrations.RELEASE_VERSION, rows=False)
    fresh_catalog(upgraded)
    assert user_version(upgraded) == migrations.CURRENT_VERSION
    assert schema_of(upgraded) == schema_of(fresh_catalog(tmp_path / "fresh.db"))


def test_steps_are_numbered_one_after_another() -> None:
    assert [s.version for s in migrations.STEPS] == list(
        range(migrations.RELEASE_VERSION + 1, migrations.CURRENT_VERSION + 1)
    )
    with pytest.raises(AssertionError, match="numbered 9, expected"):
        migrations.step(9)(lambda conn: None)


@pytest.mark.parametrize("history", HISTORY, ids=list(HISTORY))
def test_every_released_schema_upgrades_to_a_fresh_catalog(tmp_path: Path, history: str) -> None:
    schemas, version = HISTORY[history]
    catalog = old_catalog(tmp_path / "old.db", schemas, version)
    before, shape = rows_of(catalog), columns_of(catalog)

    result = run("load", tmp_path, "--db", catalog)  # no pages there: the upgrade is the only change

    assert result.exit_code == 0, result.stderr
    assert result.stderr == "0 loaded, 0 replaced, 0 unchanged, 0 failed\n"
    assert user_version(catalog) == migrations.CURRENT_VERSION
    assert schema_of(catalog) == schema_of(fresh_catalog(tmp_path / "fresh.db"))
    after = rows_of(catalog, shape)
    assert len(after.pop("imports")) == len(before.pop("imports")) + 1
    assert {t: r for t, r in after.items() if t in before} == before
    assert all(rows == [] for t, rows in after.items() if t not in before)


@pytest.mark.parametrize("history", ["v1 (7998407)", "v3 over v2 (81672f5)"])
def test_an_upgraded_catalog_loads_shows_searches_and_checks(tmp_path: Path, history: str) -> None:
    schemas, version = HISTORY[history]
    catalog = old_catalog(tmp_path / "old.db", schemas, version)

    loaded = run("load", PAGE, "--db", catalog)
    assert loaded.exit_code == 0, loaded.stderr
    assert loaded.stderr == "1 loaded, 0 replaced, 0 unchanged, 0 failed\n"

    shown = run("show", "Paper Moons", "--db", catalog, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["directors"] == ["Peter Marsh"]
    old = run("show", "The Lantern Keeper", "--db", catalog, "--format", "json")
    assert old.exit_code == 0, old.stderr
    record = json.loads(old.stdout)
    assert (record["year"], record["directors"], record["trivia"]) == (
        1961,
        ["Edda Voss"],
        ["The lighthouse was built for the film and left standing."],
    )
    found = run("search", "lighthouse", "--db", catalog, "--format", "csv")
    assert found.exit_code == 0, found.stderr
    assert "The Lantern Keeper" in found.stdout

    # check counts the old rows plus what the page brings to a new catalog.
    alone = tmp_path / "alone.db"
    assert run("load", PAGE, "--db", alone).exit_code == 0
    old_rows = {"titles": 2, "people": 3, "credits": 6, "genres": 3, "reviews": 1, "box_office": 2, "pages": 2}
    expected = []
    for line in run("check", "--db", alone, "--format", "csv").stdout.splitlines():
        check, _, value = line.rpartition(",")
        table = check.removesuffix(" rows")
        expected.append(f"{check},{int(value) + old_rows.get(table, 1)}" if check.endswith(" rows") else line)
    checked = run("check", "--db", catalog, "--format", "csv")
    assert checked.exit_code == 0, checked.stderr
    assert checked.stdout.splitlines() == expected
    assert expected[1:3] == ["integrity_check,ok", "foreign_key_check,ok"]


def test_a_reader_on_an_older_catalog_says_how_to_upgrade_and_leaves_it_alone(tmp_path: Path) -> None:
    catalog = old_catalog(tmp_path / "old.db", ["v3_acb7fe1"], 3)
    before = catalog.read_bytes()
    result = run("titles", "--db", catalog)
    assert result.exit_code == 1
    assert result.stderr == (
        f"moviecli: {catalog}: catalog version 3 is older than this moviecli's ({migrations.CURRENT_VERSION}):"
        " run a writing command (e.g. moviecli load) to upgrade it\n"
    )
    assert catalog.read_bytes() == before
    assert run("load", tmp_path, "--db", catalog).exit_code == 0
    assert run("titles", "--db", catalog).exit_code == 0


# Every command, with what it needs to get as far as opening the catalog.
NEWER = migrations.CURRENT_VERSION + 1  # a catalog stamped by a moviecli one step ahead
COMMANDS = {
    "load": ["load", str(PAGE)],
    "show": ["show", "Paper Moons"],
    "titles": ["titles"],
    "people": ["people"],
    "filmography": ["filmography", "Peter Marsh"],
    "ratings": ["ratings"],
    "grosses": ["grosses"],
    "reviews": ["reviews"],
    "search": ["search", "moons"],
    "sql": ["sql", "SELECT 1"],
    "stats": ["stats"],
    "export": ["export"],
    "warnings": ["warnings"],
    "serve": ["serve", "--port", "1"],
    "reparse": ["reparse"],
    "imports": ["imports"],
    "check": ["check"],
    "remove": ["remove", "Paper Moons"],
    "load-imdb": ["load-imdb", "DATASETS"],
}


def test_the_newer_catalog_test_covers_every_command() -> None:
    # `path` only prints where the catalog is: it never opens it.
    assert sorted([*COMMANDS, "path"]) == sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_catalog_from_a_newer_moviecli_is_refused_byte_identical(tmp_path: Path, command: str) -> None:
    catalog = tmp_path / "newer.db"
    conn = sqlite3.connect(catalog)  # rollback journal: a WAL switch would show in the file's header
    # The release's tables hold rows.sql as written; the stamp alone says "newer".
    conn.executescript((SCHEMAS / "v3_acb7fe1.sql").read_text(encoding="utf-8"))
    conn.executescript((SCHEMAS / "rows.sql").read_text(encoding="utf-8"))
    conn.execute(f"PRAGMA user_version = {NEWER}")
    conn.commit()
    conn.close()
    before = catalog.read_bytes()
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    (datasets / "title.ratings.tsv").write_text("tconst\taverageRating\tnumVotes\ntt0000001\t5.6\t2000\n")

    args = [str(datasets) if a == "DATASETS" else a for a in COMMANDS[command]]
    result = run(*args, "--db", catalog)

    assert result.exit_code == 1
    assert result.stderr == (
        f"moviecli: {catalog}: made by a newer moviecli (catalog version {NEWER},"
        f" this moviecli knows up to {migrations.CURRENT_VERSION}): upgrade moviecli\n"
    )
    assert result.stdout == ""
    assert catalog.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datasets", "newer.db"]


@pytest.mark.parametrize("command", ["load", "reparse", "titles", "check"])
def test_a_newer_catalog_in_wal_mode_is_refused_byte_identical(tmp_path: Path, command: str) -> None:
    catalog = tmp_path / "newer.db"
    conn = sqlite3.connect(catalog)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(db.schema_sql())
    conn.execute(f"PRAGMA user_version = {NEWER}")
    conn.commit()
    conn.close()
    before = catalog.read_bytes()
    result = run(*COMMANDS[command], "--db", catalog)
    assert result.exit_code == 1
    assert f"made by a newer moviecli (catalog version {NEWER}," in result.stderr
    assert catalog.read_bytes() == before


def _half_done(conn: sqlite3.Connection) -> None:
    schema_steps.add_column(conn, "titles", "tagline TEXT")
    conn.execute("INSERT INTO genres VALUES (1, 5, 'Horror')")
    raise sqlite3.OperationalError("disk I/O error")


def _orphaning(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM titles WHERE id = 1")  # foreign keys are off in a step: its credits stay behind


@pytest.mark.parametrize(
    ("body", "reason"),
    [(_half_done, "failed (disk I/O error)"), (_orphaning, "would break a foreign key")],
    ids=["error", "foreign key"],
)
def test_a_failed_step_leaves_the_catalog_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: Callable[[sqlite3.Connection], None], reason: str
) -> None:
    catalog = old_catalog(tmp_path / "old.db", ["v2_81672f5", "v3_acb7fe1"], 3)
    rows, shape = rows_of(catalog), columns_of(catalog)

    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, migrations.Step(migrations.CURRENT_VERSION + 1, body)])
    monkeypatch.setattr(migrations, "CURRENT_VERSION", migrations.CURRENT_VERSION + 1)
    result = run("load", PAGE, "--db", catalog)

    assert result.exit_code == 1
    assert result.stderr == (
        f"moviecli: {catalog}: upgrade to catalog version {migrations.CURRENT_VERSION} {reason};"
        f" the catalog is left at version {migrations.CURRENT_VERSION - 1}\n"
    )
    # The steps before the failing one are kept (each committed with its stamp); the failing one left nothing.
    assert user_version(catalog) == migrations.CURRENT_VERSION - 1
    monkeypatch.undo()
    assert schema_of(catalog) == schema_of(fresh_catalog(tmp_path / "fresh.db"))
    assert rows_of(catalog, shape) == rows


def test_the_step_helpers_keep_every_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = old_catalog(tmp_path / "old.db", ["v3_acb7fe1"], 3)
    rows, shape = rows_of(catalog), columns_of(catalog)

    def next_release(conn: sqlite3.Connection) -> None:
        schema_steps.add_column(conn, "titles", "tagline TEXT")
        schema_steps.rebuild_table(
            conn,
            "CREATE TABLE genres (title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,"
            " position INTEGER NOT NULL, genre TEXT NOT NULL CHECK (genre <> ''), PRIMARY KEY (title_id, position))"
            " WITHOUT ROWID",
        )
        schema_steps.rebuild_fts(
            conn,
            "CREATE VIRTUAL TABLE search_index USING fts5 (text, tokenize = 'porter unicode61 remove_diacritics 2')",
        )

    monkeypatch.setattr(
        migrations, "STEPS", [*migrations.STEPS, migrations.Step(migrations.CURRENT_VERSION + 1, next_release)]
    )
    monkeypatch.setattr(migrations, "CURRENT_VERSION", migrations.CURRENT_VERSION + 1)
    db.connect_write(catalog).close()

    conn = sqlite3.connect(catalog)
    assert conn.execute("SELECT sql FROM sqlite_master WHERE name = 'genres_by_genre'").fetchone() is not None
    assert [r[1] for r in conn.execute("PRAGMA table_info(titles)")][-1] == "tagline"
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        conn.execute("INSERT INTO genres VALUES (1, 9, '')")
    # Stemmed now: "standing" is found as "stand".
    assert conn.execute(
        "SELECT d.field FROM search_index JOIN search_docs d ON d.id = search_index.rowid WHERE search_index MATCH 'stand'"
    ).fetchall() == [("trivia",)]
    conn.close()
    after = rows_of(catalog, shape)
    assert {t: after[t] for t in rows} == rows


def _credits_heavy_catalog(path: Path, credits: int) -> Path:
    """A release catalog whose credits table still has the old IN CHECK: step 4 rebuilds it, which takes a while."""
    old_catalog(path, ["v2_81672f5", "v3_acb7fe1"], 3)
    conn = sqlite3.connect(path)
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " INSERT INTO credits (title_id, role, position, person_id, character)"
        " SELECT 1 + i % 2, 'actor', 100 + i, 1 + i % 3, 'Extra number ' || i FROM n",
        (credits,),
    )
    conn.commit()
    conn.close()
    return path


def test_a_killed_upgrade_leaves_the_catalog_as_it_was(tmp_path: Path) -> None:
    catalog = _credits_heavy_catalog(tmp_path / "big.db", 400_000)
    schema, rows = schema_of(catalog), rows_of(catalog)
    wal = Path(f"{catalog}-wal")
    env = {**os.environ, "MOVIECLI_DB": str(catalog)}
    (tmp_path / "empty").mkdir()
    upgrade = subprocess.Popen(
        [sys.executable, "-m", "moviecli", "load", str(tmp_path / "empty")],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    # Killed once the rebuild has written a few MB into the WAL, well before it can commit.
    deadline = time.monotonic() + 60
    while not (wal.exists() and wal.stat().st_size > 4_000_000):
        assert upgrade.poll() is None, "the upgrade finished before it could be killed: make the catalog bigger"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    upgrade.send_signal(signal.SIGKILL)
    upgrade.wait()

    assert user_version(catalog) == 3
    assert schema_of(catalog) == schema
    assert rows_of(catalog) == rows
    conn = sqlite3.connect(catalog)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    # The next writing command does the whole upgrade.
    result = run("load", tmp_path / "empty", "--db", catalog)
    assert result.exit_code == 0, result.stderr
    assert schema_of(catalog) == schema_of(fresh_catalog(tmp_path / "fresh.db"))
    assert len(rows_of(catalog)["credits"]) == len(rows["credits"])


def test_two_processes_upgrading_at_once_both_succeed(tmp_path: Path) -> None:
    catalog = _credits_heavy_catalog(tmp_path / "big.db", 200_000)
    credits = len(rows_of(catalog)["credits"])
    (tmp_path / "empty").mkdir()
    env = {**os.environ, "MOVIECLI_DB": str(catalog)}
    command = [sys.executable, "-m", "moviecli", "load", "--quiet", str(tmp_path / "empty")]
    both = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    messages = [p.communicate()[1] for p in both]
    assert [p.returncode for p in both] == [0, 0]
    assert messages == ["", ""]
    assert user_version(catalog) == migrations.CURRENT_VERSION
    assert schema_of(catalog) == schema_of(fresh_catalog(tmp_path / "fresh.db"))
    assert len(rows_of(catalog)["credits"]) == credits
