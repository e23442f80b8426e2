"""Staging, in worker processes: each file copied into a scratch SQLite file of its own, then checked and
converted there set-based (ids, nulls, kinds, characters, name keys, crew lists to rows, AKAs deduplicated),
so that the catalog's transaction only joins and inserts."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sqlite3
import time
from collections.abc import Callable
from functools import partial
from itertools import chain
from operator import itemgetter
from pathlib import Path

from moviecli import db, interrupt
from moviecli.errors import ImdbError, MovieCliError
from moviecli.imdb.checks import first_lie, listed_twice
from moviecli.imdb.files import DATASETS, Rows, open_file
from moviecli.imdb.sql import num

# titleType -> kind (vocabulary.KINDS). tvShort is a short made for TV; tvPilot is an unsold pilot,
# watched as a standalone TV film and linked to no series. A type IMDb adds later is skipped and
# counted, rather than failing the nightly run.
KIND_OF_TYPE = {
    "movie": "movie",
    "short": "short",
    "tvShort": "short",
    "tvSeries": "tv_series",
    "tvMiniSeries": "tv_mini_series",
    "tvMovie": "tv_movie",
    "tvPilot": "tv_movie",
    "tvEpisode": "tv_episode",
    "tvSpecial": "tv_special",
    "video": "video",
    "videoGame": "video_game",
}


# Principals' categories -> credits.role (vocabulary.ROLES): every category is a role of its own,
# but actress, which is an actor. A category IMDb adds later is skipped and counted, rather than
# failing the nightly run (the credits CHECK would refuse it).
ROLE_OF_CATEGORY = {
    "actor": "actor",
    "actress": "actor",
    "self": "self",
    "archive_footage": "archive_footage",
    "archive_sound": "archive_sound",
    "director": "director",
    "writer": "writer",
    "producer": "producer",
    "composer": "composer",
    "cinematographer": "cinematographer",
    "editor": "editor",
    "production_designer": "production_designer",
    "casting_director": "casting_director",
}


# Worker processes staging files at once: one per core, at most this many (memory: each holds a
# 64 KB block in flight and a 16 MB page cache).
MAX_WORKERS = 3


# Staging (in a worker process, on a scratch database of its own): each file is first copied as
# it is into a raw table x_<name> (fields as text, '\N' and all), binding each row's list of
# strings straight from the split; checking, converting and keying then happen set-based in
# SQLite (PREPARE), which is several times faster than doing it row by row here.
# name -> (columns of the raw table, fields kept, filter of rows kept (Python, on a whole block)).
_CATEGORIES = frozenset(ROLE_OF_CATEGORY)


# name -> (columns of the raw table, fields kept, rows kept (a filter over a whole block), maxsplit).
RAW: dict[str, tuple[str, tuple[int, ...], Callable[[list[list[str]]], list[list[str]]] | None, int]] = {
    "names": ("nconst, name, birth INTEGER, death INTEGER", (0, 1, 2, 3), None, 4),
    "basics": (
        "tconst, ttype, title, original, year INTEGER, end_year INTEGER, runtime INTEGER, genres",
        (0, 1, 2, 3, 5, 6, 7, 8),
        None,
        -1,
    ),
    "ratings": ("tconst, rating REAL, votes INTEGER", (0, 1, 2), None, -1),
    "episode": ("tconst, parent, season INTEGER, episode INTEGER", (0, 1, 2, 3), None, -1),
    "crew": ("tconst, directors, writers", (0, 1, 2), None, -1),
    # Every category with a role (ROLE_OF_CATEGORY); job is the credit ("screenplay by", "executive producer").
    "principals": (
        "tconst, ordering INTEGER, nconst, category, job, characters",
        (0, 1, 2, 3, 4, 5),
        lambda rows: [r for r in rows if r[3] in _CATEGORIES],
        -1,
    ),
    # Split in four: the last part ends with isOriginalTitle, and the original title's own row
    # only repeats originalTitle.
    "akas": (
        "tconst, ordering INTEGER, title",
        (0, 1, 2),
        lambda rows: [r for r in rows if not r[3].endswith("\t1")],
        3,
    ),
}


def _nulls(*columns: str) -> str:
    return ", ".join(f"nullif({c}, '\\N')" for c in columns)


def stage_file(conn: sqlite3.Connection, name: str, path: Path) -> int:
    """Stream one file into the raw table x_<name>, check its rows (checks.py), and prepare r_<name> from it.

    Runs in a worker on a scratch database of its own: the conversions (ids to integers, nulls,
    kinds, characters, name keys, crew lists to rows, AKAs deduplicated) run here, in parallel,
    so that the catalog's transaction only joins and inserts. Returns the rows read.
    """
    columns, keep, choose, maxsplit = RAW[name]
    conn.execute(f"CREATE TABLE x_{name} ({columns})")
    rows = Rows(path, len(DATASETS[name][1]), maxsplit)
    blocks = rows.blocks() if choose is None else map(choose, rows.blocks())
    parts = len(DATASETS[name][1]) if maxsplit < 0 else maxsplit + 1
    # The split's lists are bound as they are when every field is kept: no tuple per row.
    picked = blocks if keep == tuple(range(parts)) else map(partial(map, itemgetter(*keep)), blocks)
    marks = ", ".join("?" * len(keep))
    # One transaction on the staging database only: the catalog is not locked while files are read.
    conn.execute("BEGIN")
    try:
        conn.executemany(f"INSERT INTO x_{name} VALUES ({marks})", chain.from_iterable(picked))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    _refuse_lies(conn, name, path)
    conn.create_function("name_key", 1, db.name_key, deterministic=True)
    conn.execute("BEGIN")
    try:
        for statement in PREPARE[name]:
            if not (statement.startswith(f"CREATE TABLE r_{name} AS") and _prepare_keyed(conn, name)):
                conn.execute(statement)
    except sqlite3.IntegrityError as e:
        conn.execute("ROLLBACK")
        column, first, second = listed_twice(conn, name)
        line, fields = _line_of(name, path, second)
        raise ImdbError(
            f"{path}: line {line}: {column} {fields[0]} is listed twice (also on line {_line_of(name, path, first)[0]})"
        ) from e
    conn.execute(f"DROP TABLE x_{name}")
    conn.execute("COMMIT")
    return rows.count


def _refuse_lies(conn: sqlite3.Connection, name: str, path: Path) -> None:
    """ImdbError `PATH: line N: FIELD 'value' is not …` for the first row of the file that lies (checks.py)."""
    lie = first_lie(conn, name)
    if lie is None:
        return
    rowid, column, reason = lie
    number, fields = _line_of(name, path, rowid)
    field = RAW[name][1][[c.split()[0] for c in RAW[name][0].split(", ")].index(column)]
    raise ImdbError(f"{path}: line {number}: {DATASETS[name][1][field]} {fields[field][:40]!r} {reason}")


def _line_of(name: str, path: Path, rowid: int) -> tuple[int, list[str]]:
    """The line number and fields of the file's `rowid`-th staged row (only to name a refused row)."""
    choose, maxsplit = RAW[name][2], RAW[name][3]
    kept = 0
    with open_file(path) as f:
        f.readline()
        for number, raw in enumerate(f, start=2):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            fields = line.split("\t", maxsplit)
            if line and (choose is None or choose([fields])):
                kept += 1
                if kept == rowid:
                    return number, fields
    raise ImdbError(f"{path}: changed while it was read")


# db.name_key in SQL: SQLite's lower() is exact for printable ASCII with single inner spaces,
# which is nearly every name; only the others pay for a call into Python.
_NAME_KEY = (
    "CASE WHEN name GLOB '*[^ -~]*' OR name GLOB '*  *' OR name GLOB ' *' OR name GLOB '* '"
    " THEN name_key(name) ELSE lower(name) END"
)


_KIND = "CASE ttype " + " ".join(f"WHEN '{t}' THEN '{k}'" for t, k in KIND_OF_TYPE.items()) + " END"


# characters is a JSON array (["Ben Sanderson"]): several names are joined with " / ". Most
# have no escapes and are cut out with string functions; the rest go through json_each.
_CHARACTER = (
    "CASE WHEN characters = '\\N' THEN NULL"
    " WHEN instr(characters, '\\') = 0 AND characters GLOB '[[]\"*\"]'"
    " THEN replace(substr(characters, 3, length(characters) - 4), '\",\"', ' / ')"
    " WHEN json_valid(characters) THEN (SELECT group_concat(value, ' / ') FROM json_each(characters))"
    " ELSE characters END"
)


_ROLE = "CASE category " + " ".join(f"WHEN '{c}' THEN '{r}'" for c, r in ROLE_OF_CATEGORY.items()) + " END"


def _crew_rows() -> str:
    # Most lists hold one id; the others (nm..,nm..) are made JSON arrays by hand (ids hold only [nm0-9]).
    parts = []
    for role, column in (("director", "directors"), ("writer", "writers")):
        valid = f"{column} != '\\N' AND {column} NOT GLOB '*[^nm0-9,]*'"
        parts.append(
            f"SELECT {num('tconst')} AS tnum, '{role}' AS role, 0 AS position, {num(column)} AS nnum"
            f" FROM x_crew WHERE {valid} AND instr({column}, ',') = 0"
        )
        parts.append(
            f"SELECT {num('tconst')}, '{role}', j.key, {num('j.value')}"
            f" FROM x_crew, json_each('[\"' || replace({column}, ',', '\",\"') || '\"]') j"
            f" WHERE {valid} AND instr({column}, ',') > 0"
        )
    return " UNION ALL ".join(parts)


# name -> the statements that make r_<name> (what the apply reads) from x_<name> (the file as read).
PREPARE: dict[str, tuple[str, ...]] = {
    "names": (
        "CREATE TABLE r_names (nnum INTEGER PRIMARY KEY, name TEXT, birth INTEGER, death INTEGER, name_key TEXT)",
        f"INSERT INTO r_names SELECT {num('nconst')}, name, {_nulls('birth', 'death')}, {_NAME_KEY}"
        " FROM x_names WHERE name != '\\N'",
    ),
    "basics": (
        "CREATE TABLE r_basics (tnum INTEGER PRIMARY KEY, kind TEXT, title TEXT, original_title TEXT,"
        " year INTEGER, end_year INTEGER, runtime INTEGER, genres TEXT)",
        # An original title equal to the title is no news: a page leaves it empty too.
        f"INSERT INTO r_basics SELECT {num('tconst')}, {_KIND}, title, nullif(nullif(original, '\\N'), title),"
        f" {_nulls('year', 'end_year', 'runtime', 'genres')} FROM x_basics WHERE title != '\\N' AND {_KIND} IS NOT NULL",
    ),
    "ratings": (
        "CREATE TABLE r_ratings (tnum INTEGER PRIMARY KEY, rating REAL, votes INTEGER)",
        f"INSERT INTO r_ratings SELECT {num('tconst')}, {_nulls('rating', 'votes')} FROM x_ratings",
    ),
    "episode": (
        "CREATE TABLE r_episode (tnum INTEGER PRIMARY KEY, parent INTEGER, season, episode)",
        f"INSERT INTO r_episode SELECT {num('tconst')} AS tnum,"
        f" CASE WHEN parent != '\\N' THEN {num('parent')} END AS parent,"
        f" nullif(season, '\\N') AS season, nullif(episode, '\\N') AS episode FROM x_episode",
    ),
    "crew": (
        # One row per title: the key refuses a second one (listed_twice names it).
        "CREATE TABLE x_crew_ids (tnum INTEGER PRIMARY KEY)",
        f"INSERT INTO x_crew_ids SELECT {num('tconst')} FROM x_crew",
        "DROP TABLE x_crew_ids",
        # A person listed twice in one list is credited once, at the first place.
        f"CREATE TABLE r_crew AS SELECT tnum, role, min(position) AS position, nnum FROM ({_crew_rows()})"
        " GROUP BY tnum, role, nnum ORDER BY tnum, role, position",
        # Ids listed, valid or not: those not credited are counted as skipped.
        "CREATE TABLE r_crew_listed AS SELECT sum(length(c) - length(replace(c, ',', '')) + 1) AS n"
        " FROM (SELECT directors AS c FROM x_crew UNION ALL SELECT writers FROM x_crew) WHERE c != '\\N'",
    ),
    # ordering is 1-based and shared by every category of a title; positions are 0-based like a page's.
    # A person listed twice in one role on a title is credited once, by the first row (min() picks
    # the other columns from that row).
    "principals": (
        f"CREATE TABLE r_principals AS SELECT tnum, min(position) AS position, nnum, role, character, credit FROM"
        f" (SELECT {num('tconst')} AS tnum, ordering - 1 AS position, {num('nconst')} AS nnum, {_ROLE} AS role,"
        f" {_CHARACTER} AS character, nullif(job, '\\N') AS credit FROM x_principals)"
        " GROUP BY tnum, nnum, role ORDER BY tnum, position",
    ),
    # One row per distinct alternative title (the file repeats a title for every region), in the
    # file's order.
    "akas": (
        f"CREATE TABLE r_akas AS SELECT {num('tconst')} AS tnum, min(ordering) - 1 AS position, title"
        " FROM x_akas WHERE title != '\\N' GROUP BY tconst, title ORDER BY 1, 2",
    ),
}


# The same r_<name> as PREPARE's GROUP BY ... ORDER BY, without its two sorts of the whole file: each
# row goes in at a rowid that encodes the sort key (positions are below 2**20: checks.py for
# orderings), so the table is in PREPARE's order as it is written, and a
# unique index keeps the first row of each group. That first row is the one of the lowest position
# when the file lists each group in position order (IMDb's files do); a later row of a lower or the
# same position, or a sort key seen twice, fails a constraint, and PREPARE runs instead.
# name -> (the table, its groups, the rows with their keys).
_KEYED: dict[str, tuple[str, str, str]] = {
    "principals": (
        "tnum, position, nnum, role, character, credit",
        "tnum, nnum, role",
        f"SELECT ({num('tconst')} << 20) + ordering, {num('tconst')}, ordering - 1, {num('nconst')}, {_ROLE},"
        f" {_CHARACTER}, nullif(job, '\\N') FROM x_principals WHERE true",
    ),
    "akas": (
        "tnum, position, title",
        "tnum, title",
        f"SELECT ({num('tconst')} << 20) + ordering, {num('tconst')}, ordering - 1, title FROM x_akas"
        " WHERE title != '\\N'",
    ),
}


def _prepare_keyed(conn: sqlite3.Connection, name: str) -> bool:
    """Make r_<name> as PREPARE's CREATE TABLE r_<name> AS would, by _KEYED (True), or leave it to that (False)."""
    if name not in _KEYED:
        return False
    columns, groups, rows = _KEYED[name]
    try:
        conn.execute(f"CREATE TABLE r_{name} (sort_key INTEGER PRIMARY KEY, {columns}, later CHECK (later IS NULL))")
        conn.execute(f"CREATE UNIQUE INDEX r_{name}_groups ON r_{name} ({groups})")
        conn.execute(
            f"INSERT INTO r_{name} (sort_key, {columns}) {rows}"
            f" ON CONFLICT ({groups}) DO UPDATE SET later = 1 WHERE excluded.position <= position"
        )
    except sqlite3.IntegrityError:
        # Dropped, not rolled back: the scratch file has no journal (the rows read so far would stay).
        conn.execute(f"DROP TABLE r_{name}")
        return False
    # The apply's joins must read the table in rowid order, as they read PREPARE's.
    conn.execute(f"DROP INDEX r_{name}_groups")
    return True


def stage_files(files: dict[str, Path], scratch: Path) -> dict[str, tuple[int, float]]:
    """Read every file into its own SQLite file scratch/<name>.db (table r_<name>), in parallel.

    Each file is read by a worker process (one per core, up to MAX_WORKERS), biggest first; the
    first error stops the others. Returns rows read and seconds per file.
    """
    jobs = sorted(files, key=lambda name: files[name].stat().st_size, reverse=True)
    workers = min(len(jobs), os.cpu_count() or 1, MAX_WORKERS)
    if workers <= 1:
        return {name: _stage_into(name, str(files[name]), str(scratch / f"{name}.db"))[1] for name in jobs}
    # fork: a worker needs nothing but this module, already loaded, and never touches the catalog's
    # connection; this process has no other thread when it forks. Each worker reads one file.
    context = multiprocessing.get_context("fork")
    done = context.SimpleQueue()
    pending = list(reversed(jobs))
    running: dict[str, multiprocessing.process.BaseProcess] = {}
    results: dict[str, tuple[int, float]] = {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                name = pending.pop()
                running[name] = context.Process(
                    target=_stage_worker, args=(done, name, str(files[name]), str(scratch / f"{name}.db")), daemon=True
                )
                with interrupt.forking():
                    running[name].start()
            while done.empty():
                for name, process in running.items():
                    if not process.is_alive() and done.empty():
                        raise ImdbError(f"{files[name]}: the process reading it died (exit code {process.exitcode})")
                time.sleep(0.01)
            name, outcome = done.get()
            running.pop(name).join()
            if isinstance(outcome, BaseException):
                raise outcome
            results[name] = outcome
    finally:
        for process in running.values():  # the first error stops the others
            process.kill()
            process.join()
    return results


def _stage_worker(done: object, name: str, path: str, scratch: str) -> None:
    """A worker process: stage one file, then report (name, (rows, seconds)) or (name, error) on `done`."""
    interrupt.in_worker()
    try:
        outcome: object = _stage_into(name, path, scratch)[1]
    except BaseException as e:  # reported to the parent, which raises it
        outcome = e if isinstance(e, MovieCliError | sqlite3.Error | OSError) else ImdbError(f"{path}: {e!r}")
    done.put((name, outcome))  # type: ignore[attr-defined]


def _stage_into(name: str, path: str, scratch: str) -> tuple[str, tuple[int, float]]:
    """In a worker: stage one file into a new SQLite file of its own (no journal: it is scratch)."""
    t0 = time.monotonic()
    gc.disable()
    conn = sqlite3.connect(scratch, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -16384")
        read = stage_file(conn, name, Path(path))
    except sqlite3.OperationalError as e:
        if "disk is full" in str(e):
            folder = Path(scratch).parent.parent  # scratch is <temporary folder>/moviecli-imdb-*/<name>.db
            raise ImdbError(f"{folder}: disk full (the import's scratch files; TMPDIR picks another folder)") from e
        raise
    finally:
        conn.close()
    return name, (read, time.monotonic() - t0)
