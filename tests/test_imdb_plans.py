"""Every statement `load-imdb` runs keeps a plan that scales (issue 9, point 6).

The import drops secondary indexes before a bulk insert and builds them again at the end; a
statement that runs in between and needed one of them reads a whole table once per row of
another (3,000 pages then 100,000 titles: 197 s instead of 10). Timing cannot show that on a small
catalog, so the import runs here through a connection that asks SQLite for the plan of each
statement just before running it (the same state: the same indexes dropped), with the drop
threshold lowered so the small files take the bulk path. No plan may scan a table inside a loop
over another (an inner loop of a join, or a correlated subquery). benchmarks/imdb_datasets.py
measures the real times.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from imdb_dataset import BASE, HARBOUR_PAGE, copy_base, write_dataset
from typer.testing import CliRunner

from moviecli import db, imdb
from moviecli.cli import app
from moviecli.imdb.sql import Indexes
from moviecli.load import load_paths

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import imdb_datasets  # benchmarks/ is a folder of scripts, not a package
import pages

# Statements with no query plan of their own (transaction control, attaching the scratch files).
SMALL_TABLES = {"imports", "import_files"}
NO_PLAN = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "ATTACH", "DETACH", "SAVEPOINT", "RELEASE")


class PlannedConnection:
    """A catalog connection that records EXPLAIN QUERY PLAN of every statement before running it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.plans: list[tuple[str, list[tuple[int, int, str]]]] = []
        self.runs: Counter[str] = Counter()
        self.per_row: set[str] = set()

    def _plan(self, sql: str, params: Any, times: int = 1) -> None:
        self.runs[sql] += times
        if sql.lstrip().upper().startswith(NO_PLAN) or "sqlite_master" in sql:
            return
        rows = self._conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        self.plans.append((sql, [(r[0], r[1], r[3]) for r in rows]))

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        self._plan(sql, params)
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, seq: Iterable[Any]) -> sqlite3.Cursor:
        rows = list(seq)
        if rows:
            self.per_row.add(sql)
            self._plan(sql, rows[0], len(rows))
        return self._conn.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def repeated(self, sql: str) -> bool:
        """Run once per row (executemany), or more often than once per file (a Python loop)."""
        return sql in self.per_row or self.runs[sql] > len(imdb.DATASETS)


def whole_reads(text: str, tables: dict[str, str]) -> bool:
    """A plan line that reads a table whole, or a range of it with no key to look up (`imdb_id>?`).

    The record of runs (imports, import_files) grows by a row per run and file: never big.
    """
    m = re.match(r"(SCAN|SEARCH) (\w+)", text)
    if not m or tables.get(m[2], m[2]) in SMALL_TABLES:
        return False
    if m[1] == "SCAN":
        return not ("VIRTUAL TABLE" in text or text.startswith(("SCAN CONSTANT", "SCAN (")))
    keys = re.search(r"\((.*)\)$", text)
    return bool(keys) and "=" not in keys[1]  # type: ignore[index]


def aliases(sql: str) -> dict[str, str]:
    """alias -> table, from the FROM and JOIN clauses of a statement."""
    return {
        m[2]: m[1]
        for m in re.finditer(r"(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)\s+(?:AS\s+)?(?!ON\b|WHERE\b|SET\b)(\w+)", sql)
    }


def loops_inside_loops(plan: list[tuple[int, int, str]], sql: str, repeated: bool = False) -> list[str]:
    """Plan lines that read a table whole once per row of something else.

    SQLite lists the loops of a join as siblings, outermost first: a read after another loop of
    the same level is an inner loop. A read anywhere under a CORRELATED subquery runs per row too,
    and so does every line of a statement the import runs once per row (`repeated`: executemany,
    or the same statement in a Python loop). json_each and FTS (virtual tables) are read per row by
    design and hold a row's own values; a subquery's rows `SCAN (subquery-N)` are made once.
    """
    parent = {node: up for node, up, _ in plan}
    detail = {node: text for node, _, text in plan}
    tables = aliases(sql)
    bad = []
    for node, up, text in plan:
        if not whole_reads(text, tables):
            continue
        earlier = [d for n, u, d in plan if u == up and n < node and d.startswith(("SCAN ", "SEARCH "))]
        ancestors = []
        at = up
        while at in parent:
            ancestors.append(detail[at])
            at = parent[at]
        if repeated or earlier or any(a.startswith("CORRELATED") for a in ancestors):
            bad.append(text)
    return bad


def test_the_checker_sees_a_scan_per_row() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE a (x INTEGER PRIMARY KEY, y)")
    conn.execute("CREATE TABLE b (x INTEGER PRIMARY KEY, y)")
    probe = PlannedConnection(conn)
    probe.execute("SELECT * FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.y = a.y)")
    probe.execute("SELECT * FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.x = a.y)")
    probe.execute("SELECT * FROM a JOIN b ON b.y + 0 = a.y + 0")
    probe.execute("SELECT * FROM a JOIN b ON b.x = a.y")
    probe.execute("SELECT * FROM a JOIN b ON b.x > a.y")
    probe.executemany("DELETE FROM a WHERE x = ? AND NOT EXISTS (SELECT 1 FROM b WHERE y = ?)", [(1, 1), (2, 2)])
    probe.executemany("DELETE FROM a WHERE x = ? AND NOT EXISTS (SELECT 1 FROM b WHERE x = ?)", [(1, 1), (2, 2)])
    found = [bool(loops_inside_loops(p, sql, probe.repeated(sql))) for sql, p in probe.plans]
    assert found == [True, False, True, False, True, True, False]


@pytest.fixture(autouse=True)
def bulk_path_for_small_files(monkeypatch: pytest.MonkeyPatch) -> None:
    # The import drops indexes only for large inserts: make every insert of these files large.
    monkeypatch.setattr(Indexes, "MIN_ROWS", 0)
    monkeypatch.setattr(Indexes, "SHARE", 0.0)


def planned_import(path: Path, directory: Path) -> PlannedConnection:
    conn = db.connect_write(path)
    probe = PlannedConnection(conn)
    try:
        imdb.import_files(probe, imdb.find_files(directory))  # type: ignore[arg-type]
    finally:
        conn.close()
    return probe


def without_people(files: dict[str, list[list[str]]], share: int) -> dict[str, list[list[str]]]:
    """The files with every `share`-th person gone from name.basics (their credits stay listed)."""
    files = {name: [list(r) for r in rows] for name, rows in files.items()}
    files["names"] = [r for i, r in enumerate(files["names"]) if i % share]
    return files


def read_tsv(directory: Path) -> dict[str, list[list[str]]]:
    import gzip

    files = {}
    for name, (stem, _) in imdb.DATASETS.items():
        lines = gzip.decompress((directory / f"{stem}.tsv.gz").read_bytes()).decode().splitlines()
        files[name] = [line.split("\t") for line in lines[1:]]
    return files


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[str]]]:
    folder = tmp_path_factory.mktemp("generated")
    imdb_datasets.generate(folder, 400)
    files = read_tsv(folder)
    # Harbour Lights as in the test dataset, so the page below merges.
    files["basics"].append(BASE["basics"][3])
    files["names"] += [r for r in BASE["names"] if r[0].startswith("nm08")]
    files["principals"] += BASE["principals"][:3]
    files["crew"].append(BASE["crew"][0])
    return files


@pytest.fixture
def paged_catalog(tmp_path: Path) -> Path:
    """A catalog holding pages (one of them a title of the dataset) before any import."""
    pages.generate(tmp_path / "pages", 30)
    path = tmp_path / "catalog.db"
    conn = db.connect_write(path)
    try:
        load_paths(conn, [str(tmp_path / "pages"), str(HARBOUR_PAGE)], workers=1)
    finally:
        conn.close()
    return path


def assert_scales(probe: PlannedConnection) -> None:
    assert len(probe.plans) > 50, "the import ran too few statements to be the import"
    bad = {sql: plan for sql, plan in probe.plans if loops_inside_loops(plan, sql, probe.repeated(sql))}
    assert not bad, "\n\n".join(f"{sql}\n" + "\n".join(d for _, _, d in plan) for sql, plan in bad.items())


def test_first_import_into_a_catalog_with_pages(
    paged_catalog: Path, tmp_path: Path, generated: dict[str, list[list[str]]]
) -> None:
    probe = planned_import(paged_catalog, write_dataset(tmp_path / "day1", generated))
    assert_scales(probe)
    # A search is not enough: the merge of page titles once searched the imdb_id index for NULL, which
    # reads every page title for each staged title. It must probe the page-identity index, whole.
    (merge,) = [plan for sql, plan in probe.plans if "PARTITION BY t.id" in sql]
    assert any("titles_page_identity (title=? AND <expr>=? AND <expr>=? AND kind=?)" in d for _, _, d in merge)


def test_second_import_with_vanished_people_and_new_credits(
    paged_catalog: Path, tmp_path: Path, generated: dict[str, list[list[str]]]
) -> None:
    first = {name: rows[::2] if name != "names" else rows for name, rows in generated.items()}
    planned_import(paged_catalog, write_dataset(tmp_path / "day1", first))
    assert_scales(planned_import(paged_catalog, write_dataset(tmp_path / "day2", without_people(generated, 50))))


# --- the same situations, through the CLI, give the right rows ----------------------------------

runner = CliRunner()


def ok(*args: str | Path) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr
    return result.stderr


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return [tuple(r) for r in conn.execute(sql)]


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "catalog.db"
    ok("load", HARBOUR_PAGE, "--db", path)
    yield path


CREDITED = (
    "SELECT t.imdb_id, c.role, c.position, p.name, p.imdb_id FROM credits c JOIN people p ON p.id = c.person_id"
    " JOIN titles t ON t.id = c.title_id WHERE t.imdb_id IN ('tt0093146', 'tt0113627') ORDER BY 1, 2, 3"
)


def test_bulk_import_into_a_catalog_with_a_page_merges_its_people(catalog: Path, tmp_path: Path) -> None:
    ok("load-imdb", write_dataset(tmp_path / "day1", BASE), "--db", catalog, "-q")
    assert rows(catalog, CREDITED) == [
        ("tt0093146", "actor", 0, "Peter Marlowe", "nm0800002"),
        ("tt0093146", "actor", 1, "Zoë Carrington", "nm0800003"),
        ("tt0093146", "actor", 2, "Rudi Brandt", None),
        ("tt0093146", "actor", 3, "Maggie O'Neill", None),
        ("tt0093146", "actor", 4, "Colm Dwyer", None),
        ("tt0093146", "director", 0, "Ingrid Solberg", "nm0800001"),
        ("tt0093146", "writer", 0, "Tomas Vell", None),
        ("tt0093146", "writer", 1, "Ingrid Solberg", "nm0800001"),
        ("tt0113627", "actor", 0, "Nicolas Cage", "nm0000115"),
        ("tt0113627", "actor", 1, "Elisabeth Shue", "nm0000194"),
        ("tt0113627", "actor", 2, "Peter Marlowe", "nm0800004"),
        ("tt0113627", "director", 0, "Mike Figgis", "nm0001232"),
        ("tt0113627", "producer", 4, "Nicolas Cage", "nm0000115"),
        ("tt0113627", "writer", 0, "Mike Figgis", "nm0001232"),
    ]
    # The page people now credited as dataset people are gone; no credit points nowhere.
    assert rows(catalog, "SELECT count(*) FROM people WHERE name = 'Ingrid Solberg'") == [(1,)]
    assert rows(catalog, "PRAGMA foreign_key_check") == []
    assert rows(catalog, "PRAGMA integrity_check") == [("ok",)]


def test_vanished_people_go_unless_still_credited(catalog: Path, tmp_path: Path) -> None:
    ok("load-imdb", write_dataset(tmp_path / "day1", BASE), "--db", catalog, "-q")
    files = copy_base()
    # Elisabeth Shue leaves name.basics and her credit goes with her (principals no longer list
    # her); Mike Figgis leaves name.basics but crew still lists him: his credits cannot be kept
    # without a person, so they go too; Peter Marlowe of 1970 leaves and stays listed.
    files["names"] = [r for r in files["names"] if r[0] not in ("nm0000194", "nm0001232", "nm0800004")]
    files["principals"] = [r for r in files["principals"] if r[2] != "nm0000194"]
    ok("load-imdb", write_dataset(tmp_path / "day2", files), "--db", catalog, "-q")
    assert rows(catalog, CREDITED)[8:] == [
        ("tt0113627", "actor", 0, "Nicolas Cage", "nm0000115"),
        ("tt0113627", "producer", 4, "Nicolas Cage", "nm0000115"),
    ]
    assert (
        rows(catalog, "SELECT name FROM people WHERE imdb_id IN ('nm0000194', 'nm0001232', 'nm0800004') ORDER BY 1")
        == []
    )
    assert rows(catalog, "PRAGMA foreign_key_check") == []
