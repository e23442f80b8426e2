"""IMDb's non-commercial dataset files -> the catalog (`moviecli load-imdb DIR`).

The catalog's second writer besides db.py: db.py saves one page title at a time, this module
applies whole files in bulk and set-based, so its SQL lives here. It keeps these invariants:

- One transaction. Files are first streamed into staging tables (not the catalog: one scratch
  SQLite file per dataset file, written by worker processes in parallel, in a temporary folder;
  their DDL is here because they are scratch space of one run), then attached and applied to the
  catalog between one BEGIN IMMEDIATE and one COMMIT: a failed or killed run leaves the catalog as
  it was. Nothing is written to the catalog before every file has been read to its end.
- Guarded. A file cut off mid-download (a plain .tsv whose last line lacks its newline), or one
  that yields fewer than half the rows the last successful run read from that dataset, stops the
  run before any write unless the caller allows it (--allow-shrink): a truncated file would
  otherwise delete most of the catalog.
- The same catalog. Dataset rows become rows of the tables the query commands read (titles,
  people, credits, genres, title_items 'akas', episodes), with imdb_id set.
- Pages win. A page title (page_id set) and the dataset title of the same title, year and kind
  become one row: it gains the imdb_id and keeps every page value, credit, genre and list. The
  dataset fills in only fields the page left empty (original title, end year, runtime, rating,
  votes), recorded in imdb_fills so that later runs keep those current and never touch the
  page's own. A page person becomes the dataset person of the same name credited on that same
  title (never on name alone).
- In place. Each file owns a part of the catalog; a run that reads a file brings that part in
  line with it: changed rows updated, new rows inserted, rows gone from the file deleted (except
  what a page holds). A file not read leaves its part as it was.
"""

from __future__ import annotations

import gc
import gzip
import json
import multiprocessing
import os
import re
import sqlite3
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import BinaryIO

from moviecli import db
from moviecli.errors import MovieCliError


class ImdbError(MovieCliError):
    """Raised by imdb.py when the dataset files cannot be imported (missing, bad header, malformed)."""


# The files, in the order they are applied (titles and people before what refers to them), by
# their short name for --only, with the exact header each must have.
DATASETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "names": (
        "name.basics",
        ("nconst", "primaryName", "birthYear", "deathYear", "primaryProfession", "knownForTitles"),
    ),
    "basics": (
        "title.basics",
        (
            "tconst",
            "titleType",
            "primaryTitle",
            "originalTitle",
            "isAdult",
            "startYear",
            "endYear",
            "runtimeMinutes",
            "genres",
        ),
    ),
    "ratings": ("title.ratings", ("tconst", "averageRating", "numVotes")),
    "episode": ("title.episode", ("tconst", "parentTconst", "seasonNumber", "episodeNumber")),
    "crew": ("title.crew", ("tconst", "directors", "writers")),
    "principals": ("title.principals", ("tconst", "ordering", "nconst", "category", "job", "characters")),
    "akas": (
        "title.akas",
        ("titleId", "ordering", "title", "region", "language", "types", "attributes", "isOriginalTitle"),
    ),
}
ALIASES = {"name": "names", "episodes": "episode", "rating": "ratings", "aka": "akas"}
ALIASES.update({stem: short for short, (stem, _) in DATASETS.items()})

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
# Principals' categories that are cast ('actor' credits), with the note they carry. Directors and
# writers come complete and in order from title.crew; the other crafts (producer, composer,
# cinematographer, editor, ...) have no role in the catalog, whose roles are a page's.
CAST_CATEGORIES = {
    "actor": None,
    "actress": None,
    "self": None,
    "archive_footage": "archive footage",
    "archive_sound": "archive sound",
}
# Title fields the dataset may fill in on a page title that has none, by the file that has them.
FILLABLE = {"basics": ("original_title", "end_year", "runtime_minutes"), "ratings": ("rating", "votes")}
BLOCK_BYTES = 1 << 20
NULL = "\\N"
# The shrink guard: a file yielding fewer rows than this share of the last successful run's is
# refused (unless allowed); below MIN_GUARDED_ROWS previous rows it does not apply (tiny files).
SHRINK_SHARE = 0.5
MIN_GUARDED_ROWS = 1000
# Worker processes staging files at once: one per core, at most this many (memory: each holds a
# 1 MB block in flight and a 16 MB page cache).
MAX_WORKERS = 3


@dataclass
class FileCounts:
    """What one run did with one file: rows read, catalog rows inserted/updated/deleted, rows skipped."""

    dataset: str
    path: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0
    seconds: float = 0.0


@dataclass
class ImdbReport:
    files: list[FileCounts] = field(default_factory=list)
    merged_titles: int = 0
    merged_people: int = 0
    seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    def summary(self) -> str:
        return (
            f"{len(self.files)} files, {self.total('read')} rows read: {self.total('inserted')} inserted,"
            f" {self.total('updated')} updated, {self.total('deleted')} deleted, {self.total('skipped')} skipped;"
            f" {self.merged_titles} page titles merged; {self.seconds:.1f} s"
        )


def parse_only(text: str | None) -> list[str] | None:
    """'ratings,basics' -> ['basics', 'ratings'] (apply order); None for every file. ImdbError on an unknown name."""
    if not text:
        return None
    wanted = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        name = ALIASES.get(part, part)
        if name not in DATASETS:
            raise ImdbError(f"--only: unknown file {part!r} (one of {', '.join(DATASETS)})")
        wanted.add(name)
    return [name for name in DATASETS if name in wanted]


def find_files(directory: Path, only: list[str] | None = None) -> dict[str, Path]:
    """The dataset files in `directory` (`*.tsv.gz` or `*.tsv`), by short name, in apply order.

    Without `only`, the files present (at least one); with it, exactly those (each must be there).
    """
    if not directory.is_dir():
        raise ImdbError(f"{directory}: not a directory")
    found: dict[str, Path] = {}
    for name in only or DATASETS:
        stem = DATASETS[name][0]
        candidates = [p for p in (directory / f"{stem}.tsv.gz", directory / f"{stem}.tsv") if p.is_file()]
        if len(candidates) > 1:
            raise ImdbError(f"both {candidates[0].name} and {candidates[1].name} in {directory}: remove one")
        if candidates:
            found[name] = candidates[0]
        elif only:
            raise ImdbError(f"{directory / (stem + '.tsv.gz')}: no such file (nor .tsv)")
    if not found:
        raise ImdbError(f"no IMDb dataset files (*.tsv.gz or *.tsv) in {directory}")
    return found


def _open(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")  # type: ignore[return-value]


def check_header(name: str, path: Path) -> None:
    """The file's first line must be exactly the known columns: a changed layout stops the run before any write."""
    expected = DATASETS[name][1]
    try:
        with _open(path) as f:
            line = f.readline(4096)
    except (OSError, EOFError, zlib.error) as e:
        raise ImdbError(f"{path}: cannot read ({e})") from e
    header = tuple(line.decode("utf-8", "replace").rstrip("\r\n").split("\t"))
    if header != expected:
        raise ImdbError(
            f"{path}: unexpected header {' '.join(header)[:200]!r}; expected {' '.join(expected)!r}"
            " (has IMDb changed the file layout?)"
        )


class _Rows:
    """The data rows of a file, streamed in blocks of lists of fields; counts the rows as it goes.

    Decoding, line splitting and tab splitting run per 1 MB block in C (no per-row Python), which
    is most of what makes the import fast. No CSV quoting: a `"` is part of the text.
    """

    def __init__(self, path: Path, fields: int, maxsplit: int = -1) -> None:
        self.path = path
        self.fields = fields
        self.maxsplit = maxsplit  # fewer splits when the last fields are not needed
        self.count = 0

    def blocks(self) -> Iterator[list[list[str]]]:
        split = methodcaller("split", "\t", self.maxsplit)
        with _open(self.path) as f:
            f.readline()  # the header, checked before
            tail = b""
            while True:
                try:
                    block = f.read(BLOCK_BYTES)
                except (OSError, EOFError, zlib.error) as e:
                    raise ImdbError(f"{self.path}: cannot read ({e})") from e
                if not block:
                    break
                block = tail + block
                cut = block.rfind(b"\n") + 1
                tail = block[cut:]
                yield self._rows(block[:cut], split)
            if tail.strip():
                if self.path.suffix != ".gz":
                    # gzip checks its own end; a plain file has only its last newline to tell.
                    raise ImdbError(
                        f"{self.path}: the last line has no newline: the file looks cut off"
                        f" (after {self.count} rows); download it again"
                    )
                yield self._rows(tail + b"\n", split)

    def _rows(self, data: bytes, split: Callable[[str], list[str]]) -> list[list[str]]:
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ImdbError(f"{self.path}: not UTF-8 after row {self.count} ({e.reason})") from e
        lines = text.split("\n")
        lines.pop()  # after the last newline
        if "" in lines:
            lines = [line for line in lines if line]
        # Every row has fields - 1 tabs: counted over the whole block at once, row by row only
        # to name the row that has not.
        if text.count("\t") != len(lines) * (self.fields - 1):
            for number, line in enumerate(lines, start=self.count + 2):
                if line.count("\t") != self.fields - 1:
                    raise ImdbError(
                        f"{self.path}: line {number} has {line.count(chr(9)) + 1} fields, expected {self.fields}"
                    )
        self.count += len(lines)
        return list(map(split, lines))


# Staging (in a worker process, on a scratch database of its own): each file is first copied as
# it is into a raw table x_<name> (fields as text, '\N' and all), binding each row's list of
# strings straight from the split; checking, converting and keying then happen set-based in
# SQLite (PREPARE), which is several times faster than doing it row by row here.
# name -> (columns of the raw table, fields kept, filter of rows kept (Python, on a whole block)).
_CAST = frozenset(CAST_CATEGORIES)
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
    # Only cast: the other categories have no role in the catalog (see CAST_CATEGORIES).
    "principals": (
        "tconst, ordering INTEGER, nconst, category, characters",
        (0, 1, 2, 3, 5),
        lambda rows: [r for r in rows if r[3] in _CAST],
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
# The id columns of each raw table, checked before use: 'tt' or 'nm' and digits (7 or 8 of them).
ID_COLUMNS = {
    "names": ("nconst",),
    "basics": ("tconst",),
    "ratings": ("tconst",),
    "episode": ("tconst", "parent"),
    "crew": ("tconst",),
    "principals": ("tconst", "nconst"),
    "akas": ("tconst",),
}


def _num(column: str) -> str:
    """SQL for 'tt0113627' -> 113627 (7- and 8-digit ids alike)."""
    return f"CAST(substr({column}, 3) AS INTEGER)"


def _nulls(*columns: str) -> str:
    return ", ".join(f"nullif({c}, '\\N')" for c in columns)


def stage_file(conn: sqlite3.Connection, name: str, path: Path) -> int:
    """Stream one file into the raw table x_<name>, check its ids, and prepare r_<name> from it.

    Runs in a worker on a scratch database of its own: the conversions (ids to integers, nulls,
    kinds, characters, name keys, crew lists to rows, AKAs deduplicated) run here, in parallel,
    so that the catalog's transaction only joins and inserts. Returns the rows read.
    """
    columns, keep, choose, maxsplit = RAW[name]
    conn.execute(f"CREATE TABLE x_{name} ({columns})")
    rows = _Rows(path, len(DATASETS[name][1]), maxsplit)
    pick = itemgetter(*keep)
    blocks = rows.blocks() if choose is None else map(choose, rows.blocks())
    marks = ", ".join("?" * len(keep))
    # One transaction on the staging database only: the catalog is not locked while files are read.
    conn.execute("BEGIN")
    try:
        conn.executemany(f"INSERT INTO x_{name} VALUES ({marks})", chain.from_iterable(map(partial(map, pick), blocks)))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    for column in ID_COLUMNS[name]:
        prefix = "nm" if column in ("nconst",) or name == "names" else "tt"
        nullable = f" AND {column} != '\\N'" if column == "parent" else ""
        bad = conn.execute(
            f"SELECT {column} FROM x_{name} WHERE ({column} NOT GLOB '{prefix}[0-9]*'"
            f" OR {column} GLOB '??*[^0-9]*'){nullable} LIMIT 1"
        ).fetchone()
        if bad:
            raise ImdbError(f"{path}: {bad[0][:40]!r} is not an IMDb id ({column})")
    conn.create_function("name_key", 1, db.name_key, deterministic=True)
    conn.execute("BEGIN")
    for statement in PREPARE[name]:
        conn.execute(statement)
    conn.execute(f"DROP TABLE x_{name}")
    conn.execute("COMMIT")
    return rows.count


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
_NOTE = "CASE category " + " ".join(f"WHEN '{c}' THEN '{n}'" for c, n in CAST_CATEGORIES.items() if n) + " END"


def _crew_rows() -> str:
    # Most lists hold one id; the others (nm..,nm..) are made JSON arrays by hand (ids hold only [nm0-9]).
    parts = []
    for role, column in (("director", "directors"), ("writer", "writers")):
        valid = f"{column} != '\\N' AND {column} NOT GLOB '*[^nm0-9,]*'"
        parts.append(
            f"SELECT {_num('tconst')} AS tnum, '{role}' AS role, 0 AS position, {_num(column)} AS nnum"
            f" FROM x_crew WHERE {valid} AND instr({column}, ',') = 0"
        )
        parts.append(
            f"SELECT {_num('tconst')}, '{role}', j.key, {_num('j.value')}"
            f" FROM x_crew, json_each('[\"' || replace({column}, ',', '\",\"') || '\"]') j"
            f" WHERE {valid} AND instr({column}, ',') > 0"
        )
    return " UNION ALL ".join(parts)


# name -> the statements that make r_<name> (what the apply reads) from x_<name> (the file as read).
PREPARE: dict[str, tuple[str, ...]] = {
    "names": (
        "CREATE TABLE r_names (nnum INTEGER PRIMARY KEY, name TEXT, birth INTEGER, death INTEGER, name_key TEXT)",
        f"INSERT OR REPLACE INTO r_names SELECT {_num('nconst')}, name, {_nulls('birth', 'death')}, {_NAME_KEY}"
        " FROM x_names WHERE name != '\\N'",
    ),
    "basics": (
        "CREATE TABLE r_basics (tnum INTEGER PRIMARY KEY, kind TEXT, title TEXT, original_title TEXT,"
        " year INTEGER, end_year INTEGER, runtime INTEGER, genres TEXT)",
        # An original title equal to the title is no news: a page leaves it empty too.
        f"INSERT OR REPLACE INTO r_basics SELECT {_num('tconst')}, {_KIND}, title, nullif(nullif(original, '\\N'), title),"
        f" {_nulls('year', 'end_year', 'runtime', 'genres')} FROM x_basics WHERE title != '\\N' AND {_KIND} IS NOT NULL",
    ),
    "ratings": (
        "CREATE TABLE r_ratings (tnum INTEGER PRIMARY KEY, rating REAL, votes INTEGER)",
        f"INSERT OR REPLACE INTO r_ratings SELECT {_num('tconst')}, {_nulls('rating', 'votes')} FROM x_ratings",
    ),
    "episode": (
        f"CREATE TABLE r_episode AS SELECT {_num('tconst')} AS tnum,"
        f" CASE WHEN parent != '\\N' THEN {_num('parent')} END AS parent,"
        f" nullif(season, '\\N') AS season, nullif(episode, '\\N') AS episode FROM x_episode",
    ),
    "crew": (
        f"CREATE TABLE r_crew AS SELECT * FROM ({_crew_rows()}) ORDER BY tnum, role, position",
        # Ids listed, valid or not: those not credited are counted as skipped.
        "CREATE TABLE r_crew_listed AS SELECT sum(length(c) - length(replace(c, ',', '')) + 1) AS n"
        " FROM (SELECT directors AS c FROM x_crew UNION ALL SELECT writers FROM x_crew) WHERE c != '\\N'",
    ),
    # ordering is 1-based and shared by every category of a title; positions are 0-based like a page's.
    "principals": (
        f"CREATE TABLE r_principals AS SELECT {_num('tconst')} AS tnum, ordering - 1 AS position,"
        f" {_num('nconst')} AS nnum, {_CHARACTER} AS character, {_NOTE} AS note FROM x_principals",
    ),
    # One row per distinct alternative title (the file repeats a title for every region), in the
    # file's order.
    "akas": (
        f"CREATE TABLE r_akas AS SELECT {_num('tconst')} AS tnum, min(ordering) - 1 AS position, title"
        " FROM x_akas WHERE title != '\\N' GROUP BY tconst, title ORDER BY 1, 2",
    ),
}


def import_files(
    conn: sqlite3.Connection,
    files: dict[str, Path],
    *,
    allow_shrink: bool = False,
    on_file: Callable[[FileCounts], None] | None = None,
) -> ImdbReport:
    """Import the dataset `files` (from find_files) into the catalog, in one transaction.

    Every header is checked, every file read into scratch files, and the shrink guard applied
    before anything is written; the run is recorded in imports and import_files (a run whose
    files fail to read or apply is recorded as failed, and the catalog is left as it was).
    """
    for name, path in files.items():
        check_header(name, path)
    started = time.monotonic()
    report = ImdbReport(files=[FileCounts(DATASETS[name][0], str(path)) for name, path in files.items()])
    counts = dict(zip(files, report.files, strict=True))
    with tempfile.TemporaryDirectory(prefix="moviecli-imdb-") as scratch:
        try:
            staged = stage_files(files, Path(scratch))
        except BaseException as e:
            _record_failure(conn, _start_import(conn, [str(p) for p in files.values()]), e)
            raise
        for name, (read, seconds) in staged.items():
            counts[name].read = read
            counts[name].seconds = seconds
        if not allow_shrink:
            check_shrink(conn, report)
        import_id = _start_import(conn, [str(p) for p in files.values()])
        # Millions of short-lived objects go through here: the cyclic collector would only slow them down.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            _configure(conn)
            for name in files:
                conn.execute(f"ATTACH DATABASE ? AS w_{name}", (str(Path(scratch) / f"{name}.db"),))
                conn.execute(f"PRAGMA w_{name}.cache_size = -4096")
            # Foreign keys are checked by the joins that build every row; SQLite checking them again
            # per row costs a third of the apply. The pragma only takes effect outside a transaction.
            conn.execute("PRAGMA foreign_keys = OFF")
            # The same for CHECK constraints: every role, list and field written here is a constant.
            conn.execute("PRAGMA ignore_check_constraints = ON")
            with db.transaction(conn):
                _apply(conn, files, counts, report)
                report.seconds = time.monotonic() - started
                _finish_import(conn, import_id, report)
        except BaseException as e:
            _record_failure(conn, import_id, e)
            raise
        finally:
            if gc_was_enabled:
                gc.enable()
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA ignore_check_constraints = OFF")
            _drop_staging(conn)
            for (schema,) in conn.execute("SELECT name FROM pragma_database_list WHERE name GLOB 'w_*'").fetchall():
                conn.execute(f"DETACH DATABASE {schema}")
    if on_file:
        for counted in report.files:
            on_file(counted)
    return report


def check_shrink(conn: sqlite3.Connection, report: ImdbReport) -> None:
    """ImdbError when a file yields fewer than SHRINK_SHARE of the rows the last successful run read from it."""
    for counted in report.files:
        row = conn.execute(
            "SELECT f.read, i.finished_at FROM import_files f JOIN imports i ON i.id = f.import_id"
            " WHERE f.dataset = ? AND i.failed = 0 AND i.finished_at IS NOT NULL ORDER BY i.id DESC LIMIT 1",
            (counted.dataset,),
        ).fetchone()
        if row is None or row[0] < MIN_GUARDED_ROWS or counted.read >= SHRINK_SHARE * row[0]:
            continue
        raise ImdbError(
            f"{counted.path}: {counted.read:,} rows, against {row[0]:,} in the last import ({row[1][:10]}):"
            " is the file cut off? Nothing was changed; download it again, or pass --allow-shrink"
            " if the dataset really shrank"
        )


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
    finally:
        conn.close()
    return name, (read, time.monotonic() - t0)


def _configure(conn: sqlite3.Connection) -> None:
    # Scratch tables in a temporary file, not in memory: the staged files can be gigabytes.
    # Page caches of 64 MB for the catalog and the staging tables keep memory flat whatever the size.
    conn.execute("PRAGMA temp_store = FILE")
    conn.execute("PRAGMA main.cache_size = -65536")
    conn.execute("PRAGMA temp.cache_size = -65536")
    conn.create_function("name_key", 1, db.name_key, deterministic=True)
    # The sorts of the index builds and ORDER BYs may use the other cores: the workers are done by then.
    conn.execute(f"PRAGMA threads = {min(os.cpu_count() or 1, 4) - 1}")


def _drop_staging(conn: sqlite3.Connection) -> None:
    for (table,) in conn.execute("SELECT name FROM temp.sqlite_master WHERE type = 'table'").fetchall():
        conn.execute(f"DROP TABLE temp.{table}")


def _apply(conn: sqlite3.Connection, files: dict[str, Path], counts: dict[str, FileCounts], report: ImdbReport) -> None:
    """Bring the catalog in line with the staged files (inside the caller's transaction)."""
    now = db.now()
    indexes = _Indexes(conn)

    def timed(name: str, step: Callable[[FileCounts], None]) -> None:
        t0 = time.monotonic()
        step(counts[name])
        counts[name].seconds += time.monotonic() - t0

    # s_names and s_titles map dataset ids to catalog ids: from the files, else from the catalog.
    if "names" in files:
        timed("names", lambda c: _apply_names(conn, c, indexes))
    else:
        _map_people_from_catalog(conn)
    if "ratings" in files:
        # Before basics: of two dataset titles a page title could merge with, the most voted wins.
        conn.execute("CREATE TEMP TABLE s_ratings (tnum INTEGER PRIMARY KEY, rating REAL, votes INTEGER)")
        conn.execute("INSERT INTO s_ratings SELECT tnum, rating, votes FROM r_ratings")
    if "basics" in files:
        timed("basics", lambda c: _apply_basics(conn, c, report, indexes, now))
    else:
        _map_titles_from_catalog(conn)
    # Narrow copies of the maps for the joins of the big files: twice as many rows per page read.
    conn.execute("CREATE TEMP TABLE s_tmap (tnum INTEGER PRIMARY KEY, id INTEGER, page INTEGER)")
    conn.execute("INSERT INTO s_tmap SELECT tnum, id, page FROM s_titles")
    conn.execute("CREATE TEMP TABLE s_pmap (nnum INTEGER PRIMARY KEY, id INTEGER)")
    conn.execute("INSERT INTO s_pmap SELECT nnum, id FROM s_names")
    if "ratings" in files:
        timed("ratings", lambda c: _apply_ratings(conn, c))
    if "episode" in files:
        timed("episode", lambda c: _apply_episodes(conn, c, indexes))
    if "crew" in files:
        timed("crew", lambda c: _apply_crew(conn, c, indexes))
    if "principals" in files:
        timed("principals", lambda c: _apply_principals(conn, c, indexes))
    if "akas" in files:
        timed("akas", lambda c: _apply_akas(conn, c, indexes))
    if "names" in files:
        # Only now that credits are current: a person who vanished but is still credited stays.
        t0 = time.monotonic()
        _delete_vanished_people(conn, counts["names"])
        counts["names"].seconds += time.monotonic() - t0
    fillable = [f for name in files for f in FILLABLE.get(name, ())]
    if fillable:
        _fill_page_titles(conn, fillable, now)
    if "crew" in files or "principals" in files:
        report.merged_people = _merge_page_people(conn)
    indexes.rebuild()


class _Indexes:
    """Secondary indexes dropped before a bulk insert and built again from schema.sql after it.

    Building an index from sorted rows is several times faster than updating it row by row, but
    only when many rows go in at once (a first import); a nightly update keeps them. Unique
    indexes stay, as they guard the data.
    """

    SHARE = 0.25  # drop when the rows to insert are more than this share of the table's rows

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.dropped: list[str] = []
        self.statements = {
            m.group(1): m.group(0)
            for m in re.finditer(r"CREATE INDEX IF NOT EXISTS (\w+)\s+ON (\w+)[^;]*;", db.schema_sql())
        }

    def before_insert(self, table: str, rows: int) -> None:
        if rows < 10_000 or rows < self.SHARE * _scalar(self.conn, f"SELECT count(*) FROM {table}"):
            return
        for (name,) in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
            " AND sql NOT LIKE 'CREATE UNIQUE%'",
            (table,),
        ).fetchall():
            if name in self.statements:
                self.conn.execute(f"DROP INDEX {name}")
                self.dropped.append(name)

    def rebuild(self) -> None:
        # A small cache makes the sorter work in runs it can spread over the idle cores (PRAGMA
        # threads) and keep in the CPU caches: measured 1.9 s -> 0.8 s for credits_by_person.
        self.conn.execute("PRAGMA main.cache_size = -4096")
        for name in self.dropped:
            self.conn.execute(self.statements[name])
        self.dropped.clear()


def _changes(conn: sqlite3.Connection, sql: str, params: Iterable[object] = ()) -> int:
    return conn.execute(sql, tuple(params)).rowcount


def _scalar(conn: sqlite3.Connection, sql: str, params: Iterable[object] = ()) -> int:
    return int(conn.execute(sql, tuple(params)).fetchone()[0] or 0)


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    """A TEMP table of this run, or a staged file's r_<name> (in its attached scratch file w_<name>)."""
    if name.startswith("r_"):
        schema = f"w_{name[2:]}"
        return conn.execute("SELECT 1 FROM pragma_database_list WHERE name = ?", (schema,)).fetchone() is not None
    return conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def _assign_ids(conn: sqlite3.Connection, stage: str, key: str, table: str) -> int:
    """Give every staged row its catalog id: the row with its imdb_id, else a new id after the last.

    Returns the highest id before this run: staged rows above it are new.
    """
    if conn.execute(f"SELECT 1 FROM {table} WHERE imdb_id IS NOT NULL LIMIT 1").fetchone():
        conn.execute(
            f"UPDATE {stage} SET id = c.id FROM {table} c"
            f" WHERE c.imdb_id IS NOT NULL AND {stage}.{key} = {_num('c.imdb_id')}"
        )
    top = _scalar(conn, f"SELECT max(id) FROM {table}")
    low = _scalar(conn, f"SELECT min({key}) FROM {stage} WHERE id IS NULL")
    # New rows follow the last id, spaced like their dataset ids: no numbering pass needed.
    conn.execute(f"UPDATE {stage} SET id = ? + {key} WHERE id IS NULL", (top + 1 - low,))
    return top


# --- people -------------------------------------------------------------------------------------


def _apply_names(conn: sqlite3.Connection, counts: FileCounts, indexes: _Indexes) -> None:
    conn.execute(
        "CREATE TEMP TABLE s_names (nnum INTEGER PRIMARY KEY, name TEXT, birth INTEGER, death INTEGER,"
        " name_key TEXT, id INTEGER)"
    )
    conn.execute("INSERT INTO s_names (nnum, name, birth, death, name_key) SELECT * FROM r_names")
    counts.skipped = counts.read - _scalar(conn, "SELECT count(*) FROM s_names")
    top = _assign_ids(conn, "s_names", "nnum", "people")
    counts.updated = _changes(
        conn,
        "UPDATE people SET name = s.name, name_key = s.name_key, birth_year = s.birth, death_year = s.death"
        " FROM s_names s WHERE people.id = s.id AND s.id <= ?"
        " AND (people.name IS NOT s.name OR people.birth_year IS NOT s.birth OR people.death_year IS NOT s.death)",
        (top,),
    )
    indexes.before_insert("people", _scalar(conn, "SELECT count(*) FROM s_names WHERE id > ?", (top,)))
    counts.inserted = _changes(
        conn,
        "INSERT INTO people (id, imdb_id, name, name_key, birth_year, death_year)"
        " SELECT s.id, printf('nm%07d', s.nnum), s.name, s.name_key, s.birth, s.death"
        " FROM s_names s WHERE s.id > ? ORDER BY s.id",
        (top,),
    )


def _map_people_from_catalog(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TEMP TABLE s_names (nnum INTEGER PRIMARY KEY, name TEXT, birth INTEGER, death INTEGER,"
        " name_key TEXT, id INTEGER)"
    )
    conn.execute(f"INSERT INTO s_names (nnum, id) SELECT {_num('imdb_id')}, id FROM people WHERE imdb_id IS NOT NULL")


def _delete_vanished_people(conn: sqlite3.Connection, counts: FileCounts) -> None:
    counts.deleted = _changes(
        conn,
        "DELETE FROM people WHERE imdb_id IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM s_names s WHERE s.nnum = {_num('people.imdb_id')})"
        " AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.person_id = people.id)",
    )


# --- titles -------------------------------------------------------------------------------------

_S_TITLES = (
    "CREATE TEMP TABLE s_titles (tnum INTEGER PRIMARY KEY, kind TEXT, title TEXT, original_title TEXT,"
    " year INTEGER, end_year INTEGER, runtime INTEGER, genres TEXT, id INTEGER, page INTEGER)"
)


def _apply_basics(
    conn: sqlite3.Connection, counts: FileCounts, report: ImdbReport, indexes: _Indexes, now: str
) -> None:
    conn.execute(_S_TITLES)
    conn.execute(
        "INSERT INTO s_titles (tnum, kind, title, original_title, year, end_year, runtime, genres)"
        " SELECT * FROM r_basics"
    )
    counts.skipped = counts.read - _scalar(conn, "SELECT count(*) FROM s_titles")
    report.merged_titles = _merge_page_titles(conn)
    top = _assign_ids(conn, "s_titles", "tnum", "titles")
    conn.execute(
        "UPDATE s_titles SET page = 1 WHERE id IN (SELECT id FROM titles WHERE page_id IS NOT NULL AND imdb_id IS NOT NULL)"
    )
    # Dataset titles whose row or genres differ from the file's; page titles are the page's.
    conn.execute(
        "CREATE TEMP TABLE s_changed AS SELECT s.id FROM s_titles s JOIN titles t ON t.id = s.id"
        " WHERE s.id <= ? AND s.page IS NULL AND (t.title IS NOT s.title OR t.original_title IS NOT s.original_title"
        " OR t.year IS NOT s.year OR t.end_year IS NOT s.end_year OR t.kind IS NOT s.kind"
        " OR t.runtime_minutes IS NOT s.runtime"
        " OR s.genres IS NOT (SELECT group_concat(genre, ',') FROM"
        " (SELECT genre FROM genres g WHERE g.title_id = t.id ORDER BY position)))",
        (top,),
    )
    counts.updated = _changes(
        conn,
        "UPDATE titles SET title = s.title, original_title = s.original_title, year = s.year, end_year = s.end_year,"
        " kind = s.kind, runtime_minutes = s.runtime, updated_at = ?"
        " FROM s_titles s WHERE titles.id = s.id AND s.id IN (SELECT id FROM s_changed)",
        (now,),
    )
    conn.execute("DELETE FROM genres WHERE title_id IN (SELECT id FROM s_changed)")
    conn.execute(
        "CREATE TEMP TABLE s_gone AS SELECT id FROM titles WHERE imdb_id IS NOT NULL AND page_id IS NULL"
        f" AND NOT EXISTS (SELECT 1 FROM s_titles s WHERE s.tnum = {_num('titles.imdb_id')})"
    )
    counts.deleted = _delete_titles(conn, "SELECT id FROM s_gone")
    new = _scalar(conn, "SELECT count(*) FROM s_titles WHERE id > ?", (top,))
    indexes.before_insert("titles", new)
    counts.inserted = _changes(
        conn,
        "INSERT INTO titles (id, imdb_id, title, original_title, year, end_year, kind, runtime_minutes, updated_at)"
        " SELECT id, printf('tt%07d', tnum), title, original_title, year, end_year, kind, runtime, ?"
        " FROM s_titles WHERE id > ? ORDER BY id",
        (now, top),
    )
    indexes.before_insert("genres", new)
    # Genres never hold a quote or backslash, so the comma list is made a JSON array by hand.
    conn.execute(
        "INSERT INTO genres (title_id, position, genre)"
        " SELECT s.id, j.key, j.value FROM s_titles s, json_each('[\"' || replace(s.genres, ',', '\",\"') || '\"]') j"
        " WHERE s.genres IS NOT NULL AND s.genres NOT GLOB '*[\"\\]*'"
        " AND (s.id > ? OR s.id IN (SELECT id FROM s_changed)) ORDER BY s.id, j.key",
        (top,),
    )
    indexes.before_insert("search_docs", new)
    _index_titles_for_search(conn, top)


def _delete_titles(conn: sqlite3.Connection, ids: str) -> int:
    """Delete the titles whose ids `ids` selects, with every child row (foreign keys are off meanwhile)."""
    for table in (*db.CHILD_TABLES, "imdb_fills"):
        conn.execute(f"DELETE FROM {table} WHERE title_id IN ({ids})")
    conn.execute(f"DELETE FROM episodes WHERE episode_id IN ({ids}) OR series_id IN ({ids})")
    return _changes(conn, f"DELETE FROM titles WHERE id IN ({ids})")


def _merge_page_titles(conn: sqlite3.Connection) -> int:
    """Page titles without an imdb_id take the one of the dataset title with their title, year and kind.

    Of several candidates the most voted (then the lowest id) wins. A dataset-only row of that
    title from an earlier run gives way: its episode links move to the page title, its rows go.
    """
    if not _scalar(conn, "SELECT count(*) FROM titles WHERE page_id IS NOT NULL AND imdb_id IS NULL"):
        return 0
    votes = "(SELECT votes FROM s_ratings r WHERE r.tnum = s.tnum)" if _has_table(conn, "s_ratings") else "NULL"
    # The loop runs over the staged titles and probes the page-identity index of titles.
    matches = conn.execute(
        "SELECT id, tnum FROM (SELECT t.id, s.tnum, row_number() OVER"
        f" (PARTITION BY t.id ORDER BY {votes} DESC NULLS LAST, s.tnum) AS r"
        " FROM s_titles s JOIN titles t ON t.title = s.title AND ifnull(t.year, 0) = ifnull(s.year, 0)"
        " AND t.kind = s.kind AND t.page_id IS NOT NULL WHERE t.imdb_id IS NULL) WHERE r = 1"
    ).fetchall()
    merged = 0
    for title_id, tnum in matches:
        imdb_id = f"tt{tnum:07d}"
        holder = conn.execute("SELECT id, page_id FROM titles WHERE imdb_id = ?", (imdb_id,)).fetchone()
        if holder is not None:
            if holder["page_id"] is not None:
                continue  # another page title already holds that id
            conn.execute("UPDATE OR IGNORE episodes SET series_id = ? WHERE series_id = ?", (title_id, holder["id"]))
            conn.execute("UPDATE OR IGNORE episodes SET episode_id = ? WHERE episode_id = ?", (title_id, holder["id"]))
            _delete_titles(conn, str(int(holder["id"])))
        conn.execute("UPDATE titles SET imdb_id = ? WHERE id = ?", (imdb_id, title_id))
        merged += 1
    return merged


def _index_titles_for_search(conn: sqlite3.Connection, top: int) -> None:
    """New and changed dataset titles become searchable by title (and original title), like page titles."""
    conn.execute("DELETE FROM search_docs WHERE field = 'title' AND title_id IN (SELECT id FROM s_changed)")
    conn.execute("CREATE TEMP TABLE s_search (title_id INTEGER, text TEXT)")
    conn.execute(
        "INSERT INTO s_search SELECT id, title FROM s_titles WHERE (id > ? OR id IN (SELECT id FROM s_changed))"
        " UNION ALL SELECT id, original_title FROM s_titles WHERE original_title IS NOT NULL"
        " AND (id > ? OR id IN (SELECT id FROM s_changed)) ORDER BY 1",
        (top, top),
    )
    first = _scalar(conn, "SELECT max(id) FROM search_docs")
    conn.execute(
        "INSERT INTO search_docs (id, title_id, field) SELECT ? + rowid, title_id, 'title' FROM s_search", (first,)
    )
    conn.execute("INSERT INTO search_index (rowid, text) SELECT ? + rowid, text FROM s_search", (first,))


def _map_titles_from_catalog(conn: sqlite3.Connection) -> None:
    conn.execute(_S_TITLES)
    conn.execute(
        f"INSERT INTO s_titles (tnum, title, id, page) SELECT {_num('imdb_id')}, title, id,"
        " CASE WHEN page_id IS NOT NULL THEN 1 END FROM titles WHERE imdb_id IS NOT NULL"
    )


def _apply_ratings(conn: sqlite3.Connection, counts: FileCounts) -> None:
    # Dataset titles only; page titles get theirs through _fill_page_titles.
    target = "FROM s_ratings r JOIN s_tmap m ON m.tnum = r.tnum WHERE titles.id = m.id AND m.page IS NULL"
    counts.inserted = _changes(
        conn,
        f"UPDATE titles SET rating = r.rating, votes = r.votes {target}"
        " AND titles.rating IS NULL AND titles.votes IS NULL AND (r.rating IS NOT NULL OR r.votes IS NOT NULL)",
    )
    counts.updated = _changes(
        conn,
        f"UPDATE titles SET rating = r.rating, votes = r.votes {target}"
        " AND (titles.rating IS NOT r.rating OR titles.votes IS NOT r.votes)",
    )
    counts.deleted = _changes(
        conn,
        "UPDATE titles SET rating = NULL, votes = NULL WHERE imdb_id IS NOT NULL AND page_id IS NULL"
        " AND (rating IS NOT NULL OR votes IS NOT NULL)"
        f" AND NOT EXISTS (SELECT 1 FROM s_ratings r WHERE r.tnum = {_num('titles.imdb_id')})",
    )
    counts.skipped = counts.read - _scalar(conn, "SELECT count(*) FROM s_ratings r JOIN s_tmap m ON m.tnum = r.tnum")


# --- child rows: episodes, credits, AKAs ---------------------------------------------------------


def _diff(
    conn: sqlite3.Connection,
    counts: FileCounts,
    indexes: _Indexes,
    *,
    table: str,
    select: str,
    key: tuple[str, ...],
    values: tuple[str, ...],
    scope: str,
) -> int:
    """Make the rows of `table` within `scope` equal to those `select` gives, counting what changed.

    Rows are matched by `key`; `values` are compared and updated. Rows in scope but not selected
    are deleted, selected rows not in the table inserted. Returns the number of rows selected.
    When nothing is in scope yet (a first import) the rows go straight in.
    """
    columns = ", ".join((*key, *values))
    in_scope = _scalar(conn, f"SELECT count(*) FROM {table} WHERE {scope}")
    if not in_scope:
        indexes.before_insert(table, counts.read)
        # OR IGNORE: of two rows with one key (a file listing a credit twice), the first stays.
        counts.inserted += _changes(conn, f"INSERT OR IGNORE INTO {table} ({columns}) {select}")
        return counts.inserted
    conn.execute("DROP TABLE IF EXISTS s_target")
    # The table's own column types: with another affinity SQLite cannot use the key to match rows
    # and the NOT EXISTS below turns into a scan per row.
    types = {row[1]: row[2] for row in conn.execute(f"PRAGMA table_info({table})")}
    typed = ", ".join(f"{c} {types[c]}" for c in (*key, *values))
    conn.execute(f"CREATE TEMP TABLE s_target ({typed}, PRIMARY KEY ({', '.join(key)})) WITHOUT ROWID")
    selected = _changes(conn, f"INSERT OR IGNORE INTO s_target ({columns}) {select}")
    match = " AND ".join(f"{table}.{k} = x.{k}" for k in key)
    differs = " OR ".join(f"{table}.{v} IS NOT x.{v}" for v in values)
    assign = ", ".join(f"{v} = x.{v}" for v in values)
    counts.updated += _changes(conn, f"UPDATE {table} SET {assign} FROM s_target x WHERE {match} AND ({differs})")
    counts.deleted += _changes(
        conn, f"DELETE FROM {table} WHERE {scope} AND NOT EXISTS (SELECT 1 FROM s_target x WHERE {match})"
    )
    indexes.before_insert(table, selected - in_scope)
    # OR IGNORE: rows already there (matched by key, updated above) stay as they are.
    counts.inserted += _changes(
        conn, f"INSERT OR IGNORE INTO {table} ({columns}) SELECT {columns} FROM s_target ORDER BY {', '.join(key)}"
    )
    return selected


_NOT_PAGE = "title_id NOT IN (SELECT id FROM titles WHERE page_id IS NOT NULL)"


def _apply_episodes(conn: sqlite3.Connection, counts: FileCounts, indexes: _Indexes) -> None:
    selected = _diff(
        conn,
        counts,
        indexes,
        table="episodes",
        select="SELECT e.id, p.id, r.season, r.episode FROM r_episode r"
        " JOIN s_tmap e ON e.tnum = r.tnum JOIN s_tmap p ON p.tnum = r.parent WHERE e.id != p.id",
        key=("episode_id",),
        values=("series_id", "season", "episode"),
        scope="1",
    )
    counts.skipped = counts.read - selected


def _apply_crew(conn: sqlite3.Connection, counts: FileCounts, indexes: _Indexes) -> None:
    # The lists were made rows, in key order, when the file was read (PREPARE).
    select = (
        "SELECT m.id, c.role, c.position, p.id FROM r_crew c JOIN s_tmap m ON m.tnum = c.tnum"
        " JOIN s_pmap p ON p.nnum = c.nnum WHERE m.page IS NULL"
    )
    selected = _diff(
        conn,
        counts,
        indexes,
        table="credits",
        select=select,
        key=("title_id", "role", "position"),
        values=("person_id",),
        scope=f"role IN ('director', 'writer') AND {_NOT_PAGE}",
    )
    counts.skipped = _scalar(conn, "SELECT n FROM r_crew_listed") - selected


def _apply_principals(conn: sqlite3.Connection, counts: FileCounts, indexes: _Indexes) -> None:
    selected = _diff(
        conn,
        counts,
        indexes,
        table="credits",
        select="SELECT m.id, 'actor', r.position, p.id, r.character, r.note"
        " FROM r_principals r JOIN s_tmap m ON m.tnum = r.tnum JOIN s_pmap p ON p.nnum = r.nnum WHERE m.page IS NULL",
        key=("title_id", "role", "position"),
        values=("person_id", "character", "note"),
        scope=f"role = 'actor' AND {_NOT_PAGE}",
    )
    counts.skipped = counts.read - selected


def _apply_akas(conn: sqlite3.Connection, counts: FileCounts, indexes: _Indexes) -> None:
    # Distinct alternative titles (made so in PREPARE), leaving out the title itself.
    selected = _diff(
        conn,
        counts,
        indexes,
        table="title_items",
        select="SELECT m.id, 'akas', a.position, a.title FROM r_akas a"
        " JOIN s_titles m ON m.tnum = a.tnum WHERE m.page IS NULL AND a.title IS NOT m.title",
        key=("title_id", "list", "position"),
        values=("text",),
        scope=f"list = 'akas' AND {_NOT_PAGE}",
    )
    counts.skipped = counts.read - selected


# --- page titles and people ----------------------------------------------------------------------


def _fill_page_titles(conn: sqlite3.Connection, fields: list[str], now: str) -> None:
    """Fill the fields a merged page title lacks from the dataset, and keep earlier fills current."""
    staged = {
        "original_title": "s.original_title",
        "end_year": "s.end_year",
        "runtime_minutes": "s.runtime",
        "rating": "r.rating",
        "votes": "r.votes",
    }
    ratings = "LEFT JOIN s_ratings r ON r.tnum = s.tnum" if _has_table(conn, "s_ratings") else ""
    columns = ", ".join(f"{staged[f]} AS {f}" for f in fields)
    rows = conn.execute(
        f"SELECT t.id, {', '.join('t.' + f for f in fields)}, {columns} FROM s_titles s"
        f" JOIN titles t ON t.id = s.id {ratings} WHERE s.page = 1"
    ).fetchall()
    for row in rows:
        title_id = row[0]
        current = dict(zip(fields, row[1 : 1 + len(fields)], strict=True))
        dataset = dict(zip(fields, row[1 + len(fields) :], strict=True))
        fills = dict(conn.execute("SELECT field, value FROM imdb_fills WHERE title_id = ?", (title_id,)).fetchall())
        changes: dict[str, object] = {}
        for name in fields:
            ours = name in fills and fills[name] == current[name]
            if current[name] is not None and not ours:
                conn.execute("DELETE FROM imdb_fills WHERE title_id = ? AND field = ?", (title_id, name))
                continue  # the page's own value
            if dataset[name] != current[name]:
                changes[name] = dataset[name]
            if dataset[name] is None:
                conn.execute("DELETE FROM imdb_fills WHERE title_id = ? AND field = ?", (title_id, name))
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO imdb_fills (title_id, field, value) VALUES (?, ?, ?)",
                    (title_id, name, dataset[name]),
                )
        if changes:
            assign = ", ".join(f"{name} = ?" for name in changes)
            conn.execute(f"UPDATE titles SET {assign} WHERE id = ?", (*changes.values(), title_id))


def _merge_page_people(conn: sqlite3.Connection) -> int:
    """On merged page titles, a page person becomes the dataset person of the same name credited there.

    The page's credit keeps its role, position and character and points to the dataset person;
    a page person left without credits goes. Never matched on a name alone: only on a title both
    sources credit, and only when exactly one dataset person there has that name.
    """
    rows = conn.execute(
        "SELECT c.title_id, c.role, c.position, c.person_id, q.name_key FROM credits c"
        " JOIN people q ON q.id = c.person_id JOIN titles t ON t.id = c.title_id"
        " WHERE t.page_id IS NOT NULL AND t.imdb_id IS NOT NULL AND q.imdb_id IS NULL"
    ).fetchall()
    if not rows:
        return 0
    credited = _dataset_people_of(conn, {r[0] for r in rows})
    merged = 0
    touched: set[int] = set()
    for title_id, role, position, person_id, key in rows:
        candidates = credited.get((title_id, key), set())
        if len(candidates) != 1:
            continue  # nobody of that name there, or two: no guess
        conn.execute(
            "UPDATE credits SET person_id = ? WHERE title_id = ? AND role = ? AND position = ?",
            (next(iter(candidates)), title_id, role, position),
        )
        touched.add(person_id)
        merged += 1
    conn.executemany(
        "DELETE FROM people WHERE id = ? AND imdb_id IS NULL AND NOT EXISTS (SELECT 1 FROM credits WHERE person_id = ?)",
        [(p, p) for p in touched],
    )
    return merged


def _dataset_people_of(conn: sqlite3.Connection, title_ids: set[int]) -> dict[tuple[int, str], set[int]]:
    """(title id, name_key) -> ids of the people the staged principals and crew credit on those titles."""
    conn.execute("CREATE TEMP TABLE s_merged (tnum INTEGER PRIMARY KEY, id INTEGER)")
    conn.executemany("INSERT INTO s_merged SELECT tnum, id FROM s_titles WHERE id = ?", [(i,) for i in title_ids])
    pairs: list[tuple[int, int]] = []
    for table in ("r_principals", "r_crew"):
        if _has_table(conn, table):
            pairs += conn.execute(f"SELECT m.id, r.nnum FROM {table} r JOIN s_merged m ON m.tnum = r.tnum").fetchall()
    credited: dict[tuple[int, str], set[int]] = {}
    for title_id, nnum in pairs:
        person = conn.execute(
            "SELECT p.id, p.name_key FROM s_names s JOIN people p ON p.id = s.id WHERE s.nnum = ?", (nnum,)
        ).fetchone()
        if person:
            credited.setdefault((title_id, person[1]), set()).add(person[0])
    return credited


# --- the record of runs ---------------------------------------------------------------------------


def _start_import(conn: sqlite3.Connection, sources: list[str]) -> int:
    with db.transaction(conn):
        cur = conn.execute(
            "INSERT INTO imports (command, started_at, sources) VALUES ('load-imdb', ?, ?)",
            (db.now(), json.dumps(sources, ensure_ascii=False)),
        )
    return int(cur.lastrowid or 0)


def _finish_import(conn: sqlite3.Connection, import_id: int, report: ImdbReport) -> None:
    """Inside the import's transaction: the record commits with the data, or not at all."""
    conn.execute(
        "UPDATE imports SET finished_at = ?, loaded = ?, replaced = ?, unchanged = 0 WHERE id = ?",
        (db.now(), report.total("inserted"), report.total("updated"), import_id),
    )
    conn.executemany(
        "INSERT INTO import_files (import_id, dataset, path, read, inserted, updated, deleted, skipped, seconds)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (import_id, f.dataset, f.path, f.read, f.inserted, f.updated, f.deleted, f.skipped, round(f.seconds, 3))
            for f in report.files
        ],
    )


def _record_failure(conn: sqlite3.Connection, import_id: int, error: BaseException) -> None:
    reason = str(error) if isinstance(error, MovieCliError | sqlite3.Error) else type(error).__name__
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        with db.transaction(conn):
            conn.execute(
                "UPDATE imports SET finished_at = ?, failed = 1, failures = ? WHERE id = ?",
                (db.now(), json.dumps([{"path": "", "reason": reason}], ensure_ascii=False), import_id),
            )
    except sqlite3.Error:
        pass  # the failure itself is what the user sees; a record of it is best effort
