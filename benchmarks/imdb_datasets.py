"""Benchmark of `moviecli load-imdb` against imdb-sqlite on generated IMDb dataset files.

Self-contained: `generate()` writes the seven non-commercial dataset files (`*.tsv.gz`, the real
column layout and quirks: `\\N` nulls in any column, literal `"` in titles, 7- and 8-digit ids,
accented names, JSON character lists) from a fixed seed, so every run measures the same bytes;
`run()` times both importers as whole processes on those files and reports peak memory.

    python benchmarks/imdb_datasets.py [--titles 200000] [--runs 3] [--workdir DIR]
    python benchmarks/imdb_datasets.py --scenarios --titles 100000 [--runs 3]   # issue 9.6

imdb-sqlite is the `bench` extra (`pip install -e '.[bench]'`); it reads the files from
`--cache-dir` without downloading when they are all there (it ignores title.crew).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

SEED = 20260601
DEFAULT_TITLES = 200_000
# Rows per title in the 2026 files (basics 11.8 M, akas 53 M, principals 95 M, names 14.6 M,
# crew 11.8 M, episodes 9 M, ratings 1.6 M); principals are scaled to ~1.2 M at the default size.
PRINCIPALS_PER_TITLE = 6.0
NAMES_PER_TITLE = 1.25
AKAS_PER_TITLE = 4.5
RATED_SHARE = 0.14
FULL_DATASET_ROWS = 191_000_000

HEADERS = {
    "title.basics": "tconst titleType primaryTitle originalTitle isAdult startYear endYear runtimeMinutes genres",
    "title.akas": "titleId ordering title region language types attributes isOriginalTitle",
    "title.crew": "tconst directors writers",
    "title.episode": "tconst parentTconst seasonNumber episodeNumber",
    "title.principals": "tconst ordering nconst category job characters",
    "title.ratings": "tconst averageRating numVotes",
    "name.basics": "nconst primaryName birthYear deathYear primaryProfession knownForTitles",
}
# titleType shares of the real file (episodes dominate).
TITLE_TYPES = [
    ("tvEpisode", 0.72),
    ("short", 0.09),
    ("movie", 0.06),
    ("video", 0.025),
    ("tvSeries", 0.025),
    ("tvMovie", 0.015),
    ("tvMiniSeries", 0.005),
    ("tvSpecial", 0.005),
    ("videoGame", 0.004),
    ("tvShort", 0.001),
    ("tvPilot", 0.0001),
]
GENRES = [
    "Drama",
    "Comedy",
    "Documentary",
    "Action",
    "Romance",
    "Thriller",
    "Crime",
    "Horror",
    "Family",
    "Adventure",
    "Animation",
    "Music",
    "Talk-Show",
    "Reality-TV",
    "News",
    "Sci-Fi",
    "Fantasy",
    "Mystery",
    "Biography",
    "History",
    "Western",
    "Sport",
    "War",
    "Musical",
    "Adult",
    "Short",
    "Game-Show",
    "Film-Noir",
]
CATEGORIES = [
    ("actor", 0.30),
    ("actress", 0.22),
    ("self", 0.14),
    ("director", 0.07),
    ("writer", 0.09),
    ("producer", 0.07),
    ("composer", 0.03),
    ("cinematographer", 0.03),
    ("editor", 0.03),
    ("archive_footage", 0.01),
    ("production_designer", 0.005),
    ("casting_director", 0.005),
]
WORDS = [
    "the",
    "of",
    "a",
    "night",
    "love",
    "last",
    "house",
    "man",
    "city",
    "dark",
    "day",
    "girl",
    "blue",
    "life",
    "red",
    "time",
    "world",
    "story",
    "king",
    "road",
    "war",
    "dream",
    "lost",
    "river",
    "secret",
    "summer",
    "moon",
    "black",
    "home",
    "heart",
    "fire",
    "long",
    "return",
    "edge",
    "island",
    "storm",
]
FIRST = [
    "Nicolas",
    "Elisabeth",
    "Julianne",
    "John",
    "Mary",
    "Zoë",
    "José",
    "Björn",
    "Ana",
    "Chloé",
    "Li",
    "Wei",
    "Søren",
    "Ingrid",
    "Peter",
    "Maggie",
    "Rudi",
    "Colm",
    "Åsa",
    "Renée",
    "Jean",
    "Pål",
    "François",
    "Ólafur",
    "Mike",
    "Kate",
    "Tom",
    "Anne",
]
LAST = [
    "Cage",
    "Shue",
    "Moore",
    "Smith",
    "Carrington",
    "Müller",
    "García",
    "Sørensen",
    "Brandt",
    "O'Neill",
    "Dwyer",
    "Marlowe",
    "Nuñez",
    "Dvořák",
    "Kim",
    "Chen",
    "Novak",
    "Björk",
    "Lefèvre",
    "Johansson",
    "Byrne",
    "Walsh",
    "Khan",
    "Rossi",
]
REGIONS = ["US", "GB", "FR", "DE", "ES", "IT", "JP", "BR", "XWW", "CA", "AU", "SE", "IN", "MX"]


def _id(prefix: str, number: int) -> str:
    return f"{prefix}{number:07d}"  # 7 digits, or 8 once the numbers pass 9,999,999, as in the real files


def _numbers(rng: random.Random, count: int, top: int) -> list[int]:
    """`count` sorted distinct ids spread up to `top` (so both 7- and 8-digit ids occur)."""
    return sorted(rng.sample(range(1, top), count))


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def _title_text(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 4))]
    text = " ".join(words).title()
    roll = rng.random()
    if roll < 0.01:
        text = f'"{text}"'  # a literal quote: the files use no CSV quoting
    elif roll < 0.02:
        text = f'The "{words[0]}" Affair'
    elif roll < 0.03:
        text += ": Épisode Spécial"
    return text


def _null(value: object | None) -> str:
    return "\\N" if value is None else str(value)


def generate(directory: Path, titles: int = DEFAULT_TITLES, seed: int = SEED) -> dict[str, int]:
    """Write the seven `*.tsv.gz` files into `directory`; returns rows per file. Same seed, same bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    n_names = int(titles * NAMES_PER_TITLE)
    tnums = _numbers(rng, titles, max(titles * 60, 12_000_000))
    nnums = _numbers(rng, n_names, max(n_names * 40, 11_000_000))
    kinds = [_pick(rng, TITLE_TYPES) for _ in tnums]
    series = [t for t, k in zip(tnums, kinds, strict=True) if k in ("tvSeries", "tvMiniSeries")] or tnums[:1]
    counts: dict[str, int] = {}

    def write(name: str, rows: Iterator[str]) -> None:
        n = 0
        # mtime=0: identical bytes on every run.
        with gzip.GzipFile(directory / f"{name}.tsv.gz", "wb", compresslevel=6, mtime=0) as raw:
            buffer: list[str] = [HEADERS[name].replace(" ", "\t") + "\n"]
            for row in rows:
                buffer.append(row)
                n += 1
                if len(buffer) >= 50_000:
                    raw.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            raw.write("".join(buffer).encode("utf-8"))
        counts[name] = n

    def basics() -> Iterator[str]:
        for t, kind in zip(tnums, kinds, strict=True):
            title = _title_text(rng)
            original = title if rng.random() < 0.9 else _title_text(rng)
            year = rng.randint(1900, 2026) if rng.random() < 0.93 else None
            end = (
                (year + rng.randint(0, 12))
                if year and kind in ("tvSeries", "tvMiniSeries") and rng.random() < 0.6
                else None
            )
            runtime = rng.randint(5, 200) if rng.random() < 0.7 else None
            genres = ",".join(rng.sample(GENRES, rng.randint(1, 3))) if rng.random() < 0.95 else None
            adult = 1 if rng.random() < 0.02 else 0
            yield f"{_id('tt', t)}\t{kind}\t{title}\t{original}\t{adult}\t{_null(year)}\t{_null(end)}\t{_null(runtime)}\t{_null(genres)}\n"

    def names() -> Iterator[str]:
        for n in nnums:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            birth = rng.randint(1880, 2010) if rng.random() < 0.3 else None
            death = birth + rng.randint(20, 95) if birth and rng.random() < 0.3 else None
            known = ",".join(_id("tt", rng.choice(tnums)) for _ in range(rng.randint(0, 4))) or None
            yield f"{_id('nm', n)}\t{name}\t{_null(birth)}\t{_null(death)}\tactor,producer\t{_null(known)}\n"

    def akas() -> Iterator[str]:
        for t in tnums:
            for ordering in range(1, max(1, round(rng.expovariate(1 / AKAS_PER_TITLE))) + 1):
                original = ordering == 1
                region = None if original else rng.choice(REGIONS)
                attrs = rng.choice([None, None, None, "literal title", "working title"])
                yield (
                    f"{_id('tt', t)}\t{ordering}\t{_title_text(rng)}\t{_null(region)}\t{_null(None if original else 'en')}"
                    f"\t{'original' if original else 'imdbDisplay'}\t{_null(attrs)}\t{1 if original else 0}\n"
                )

    def people_list(k: int) -> str:
        return ",".join(_id("nm", rng.choice(nnums)) for _ in range(k)) if k else "\\N"

    def crew() -> Iterator[str]:
        for t in tnums:
            yield f"{_id('tt', t)}\t{people_list(rng.choice((0, 1, 1, 1, 2)))}\t{people_list(rng.choice((0, 1, 1, 2, 3)))}\n"

    def episodes() -> Iterator[str]:
        for t, kind in zip(tnums, kinds, strict=True):
            if kind == "tvEpisode":
                season = rng.randint(1, 12) if rng.random() < 0.85 else None
                episode = rng.randint(1, 30) if season else None
                yield f"{_id('tt', t)}\t{_id('tt', rng.choice(series))}\t{_null(season)}\t{_null(episode)}\n"

    def principals() -> Iterator[str]:
        for t in tnums:
            for ordering in range(1, max(1, round(rng.gauss(PRINCIPALS_PER_TITLE, 2.5))) + 1):
                category = _pick(rng, CATEGORIES)
                job = "screenplay" if category == "writer" and rng.random() < 0.5 else None
                characters = None
                if category in ("actor", "actress", "self"):
                    roll = rng.random()
                    if category == "self":
                        characters = '["Self"]'
                    elif roll < 0.05:
                        characters = json.dumps([_title_text(rng), "Narrator"], ensure_ascii=False)
                    elif roll < 0.07:
                        characters = json.dumps([f'Harold "{rng.choice(WORDS)}" Lee'], ensure_ascii=False)
                    elif roll < 0.9:
                        characters = json.dumps([f"{rng.choice(FIRST)} {rng.choice(LAST)}"], ensure_ascii=False)
                yield f"{_id('tt', t)}\t{ordering}\t{_id('nm', rng.choice(nnums))}\t{category}\t{_null(job)}\t{_null(characters)}\n"

    def ratings() -> Iterator[str]:
        for t in tnums:
            if rng.random() < RATED_SHARE:
                yield f"{_id('tt', t)}\t{rng.randint(10, 100) / 10}\t{int(rng.paretovariate(0.8) * 5)}\n"

    for name, rows in (
        ("title.basics", basics()),
        ("name.basics", names()),
        ("title.akas", akas()),
        ("title.crew", crew()),
        ("title.episode", episodes()),
        ("title.principals", principals()),
        ("title.ratings", ratings()),
    ):
        write(name, rows)
    return counts


def _bin(name: str) -> str:
    """The console script next to this Python (the venv's), else from PATH."""
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


def _timed(argv: list[str]) -> tuple[float, int, float]:
    """Wall seconds, peak resident memory (MB) and CPU seconds (user + system) of one whole process
    with the worker processes it waited for; raises if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    stderr = process.stderr.read()  # read before waiting: a full pipe would block the child
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {process.returncode}: {stderr.decode(errors='replace')[-2000:]}")
    # ru_maxrss is in KB on Linux: the largest of the process and its reaped children, whose CPU
    # times are included too.
    return elapsed, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def _summary(tool: str, samples: list[tuple[float, int, float]], db: Path) -> dict[str, object]:
    seconds = [s for s, _, _ in samples]
    return {
        "tool": tool,
        "runs": len(samples),
        "median_s": round(statistics.median(seconds), 2),
        "min_s": round(min(seconds), 2),
        "max_s": round(max(seconds), 2),
        "cpu_s": round(statistics.median(c for _, _, c in samples), 2),
        "peak_mb": max(m for _, m, _ in samples),
        "db_mb": round(db.stat().st_size / 1e6, 1) if db.exists() else None,
        "samples": samples,  # (wall s, peak MB, CPU s) of each run, for benchmarks/bench.py
    }


def run(workdir: Path, runs: int = 3, titles: int = DEFAULT_TITLES) -> list[dict[str, object]]:
    """Time `moviecli load-imdb` and `imdb-sqlite` on the same generated files, alternating runs.

    Each run imports into a new database (imdb-sqlite refuses an existing one). Returns one dict
    per tool: median/min/max seconds, peak memory (MB) and database size; the second dict also
    has the ratio of the medians. The files are generated once into `workdir/imdb-<titles>`.
    """
    workdir = Path(workdir)
    data = workdir / f"imdb-{titles}"
    if not (data / "title.ratings.tsv.gz").exists():
        generate(data, titles)
    samples: dict[str, list[tuple[float, int, float]]] = {"moviecli load-imdb": [], "imdb-sqlite": []}
    dbs = {"moviecli load-imdb": workdir / "moviecli.db", "imdb-sqlite": workdir / "imdb-sqlite.db"}
    commands: dict[str, Callable[[Path], list[str]]] = {
        "moviecli load-imdb": lambda db: [_bin("moviecli"), "load-imdb", str(data), "--db", str(db), "--quiet"],
        "imdb-sqlite": lambda db: [_bin("imdb-sqlite"), "--db", str(db), "--cache-dir", str(data)],
    }
    for _ in range(runs):
        for tool, command in commands.items():
            db = dbs[tool]
            for stale in db.parent.glob(db.name + "*"):
                stale.unlink()
            samples[tool].append(_timed(command(db)))
    results = [_summary(tool, samples[tool], dbs[tool]) for tool in commands]
    results[0]["ratio"] = round(float(results[0]["median_s"]) / float(results[1]["median_s"]), 2)  # type: ignore[arg-type]
    results[0]["rows"] = sum(_count_rows(p) for p in data.glob("*.tsv.gz"))
    return results


def _vanished(data: Path, out: Path, share: float) -> int:
    """`out` = the files of `data` with every 1/share-th person gone from name.basics; returns how many went."""
    out.mkdir(parents=True, exist_ok=True)
    for path in data.glob("*.tsv.gz"):
        if path.name != "name.basics.tsv.gz" and not (out / path.name).exists():
            (out / path.name).symlink_to(path.resolve())
    every = round(1 / share)
    gone = 0
    with gzip.open(data / "name.basics.tsv.gz", "rt", encoding="utf-8") as src:
        lines = [next(src)]
        for i, line in enumerate(src):
            if i % every == every - 1:
                gone += 1
            else:
                lines.append(line)
    with gzip.GzipFile(out / "name.basics.tsv.gz", "wb", mtime=0) as raw:
        raw.write("".join(lines).encode("utf-8"))
    return gone


def _fresh_copy(template: Path, db: Path) -> None:
    """db = a byte copy of the template catalog (checkpointed, no side files), outside the timing."""
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    shutil.copyfile(template, db)


def scenarios(workdir: Path, runs: int = 3, titles: int = 100_000, pages: int = 3000) -> dict[str, dict[str, float]]:
    """Issue 9.6: the import into a catalog holding `pages` pages, and the import after 2% of the
    people vanished from name.basics, each against a plain first import of the same files.

    The catalogs they start from are built once (not timed) and copied before every run; the three
    are timed in turn, run after run, so a noisy machine slows all three alike. Returns per
    scenario the median, min and max seconds and the ratio of its median to the plain import's.
    """
    workdir = Path(workdir)
    data = workdir / f"imdb-{titles}"
    if not (data / "title.ratings.tsv.gz").exists():
        generate(data, titles)
    moviecli = _bin("moviecli")
    paged = workdir / f"pages-{pages}.db"
    if not paged.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import pages as page_bench  # benchmarks/pages.py: generated title pages

        folder = workdir / f"pages-{pages}"
        page_bench.generate(folder, pages)
        subprocess.run([moviecli, "load", str(folder), "--db", str(paged), "--quiet"], check=True)
        _checkpoint(paged)
    vanished = workdir / f"imdb-{titles}-vanished"
    gone = _vanished(data, vanished, 0.02)
    imported = workdir / f"imdb-{titles}.db"
    if not imported.exists():
        subprocess.run([moviecli, "load-imdb", str(data), "--db", str(imported), "--quiet"], check=True)
        _checkpoint(imported)
    db = workdir / "scenario.db"
    cases: dict[str, tuple[Path | None, Path]] = {
        "plain first import": (None, data),
        f"into {pages:,} pages": (paged, data),
        f"{gone:,} people vanished (2%)": (imported, vanished),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (template, files) in cases.items():
            if template is None:
                for stale in db.parent.glob(db.name + "*"):
                    stale.unlink()
            else:
                _fresh_copy(template, db)
            argv = [moviecli, "load-imdb", str(files), "--db", str(db), "--quiet", "--allow-shrink"]
            samples[name].append(_timed(argv)[0])
    plain = statistics.median(samples["plain first import"])
    return {
        name: {
            "median_s": round(statistics.median(s), 2),
            "min_s": round(min(s), 2),
            "max_s": round(max(s), 2),
            "ratio": round(statistics.median(s) / plain, 2),
        }
        for name, s in samples.items()
    }


def _checkpoint(db: Path) -> None:
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")


def _count_rows(path: Path) -> int:
    with gzip.open(path, "rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b"")) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=DEFAULT_TITLES)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="kept between runs; default a temporary folder")
    parser.add_argument(
        "--scenarios",
        action="store_true",
        help="time an import into 3,000 pages and one after 2%% of the people vanished against a plain first import",
    )
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="moviecli-imdb-bench-"))
    if args.scenarios:
        print(f"load-imdb, {args.titles:,} titles, {args.runs} runs each, alternating, files in {workdir}")
        print(f"{'scenario':<32} {'median s':>9} {'min s':>7} {'max s':>7} {'ratio':>6}")
        for name, r in scenarios(workdir, args.runs, args.titles).items():
            print(f"{name:<32} {r['median_s']:>9} {r['min_s']:>7} {r['max_s']:>7} {r['ratio']:>6}")
        return
    results = run(workdir, args.runs, args.titles)
    rows = int(results[0]["rows"])  # type: ignore[call-overload]
    print(f"{rows:,} dataset rows ({args.titles:,} titles), {args.runs} runs each, files in {workdir}")
    print(f"{'tool':<20} {'median s':>9} {'min s':>7} {'max s':>7} {'CPU s':>7} {'peak MB':>8} {'DB MB':>7}")
    for r in results:
        print(
            f"{r['tool']:<20} {r['median_s']:>9} {r['min_s']:>7} {r['max_s']:>7} {r['cpu_s']:>7}"
            f" {r['peak_mb']:>8} {r['db_mb']:>7}"
        )
    ours = results[0]
    factor = FULL_DATASET_ROWS / rows
    print(
        f"ratio moviecli / imdb-sqlite (medians): {ours['ratio']}; CPU (medians): {ours['cpu_s']} s vs {results[1]['cpu_s']} s"
    )
    print(
        f"linear extrapolation to the full dataset ({FULL_DATASET_ROWS / 1e6:.0f} M rows, x{factor:.0f}):"
        f" moviecli ~{float(ours['median_s']) * factor / 60:.0f} min, DB ~{float(ours['db_mb']) * factor / 1e3:.1f} GB"  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    main()
