"""moviecli's speed at catalog scale (issue 5): every figure as whole processes, against its baseline.

    python benchmarks/bench.py            # default sizes: 20,000-page load, 100,000-title catalog
    python benchmarks/bench.py --quick    # a smoke run: small sizes, fewer runs
    python benchmarks/bench.py --load-pages 5000 --catalog-pages 20000 --runs 5 --with-imdb

Each figure is timed as a separate process, several runs, alternating with its baseline in the same
run (so a busy machine slows both alike), and printed as median and min-max with the ratio of the
medians. Pages are generated once by benchmarks/pages.py (seeded) into --workdir and reused by
later runs; databases are rebuilt every run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # benchmarks/ is a folder of scripts, not a package

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Children run as users run moviecli: with compiled bytecode (pip compiles it at install). Where
# PYTHONDONTWRITEBYTECODE is set, every run would compile moviecli's modules again (~20 ms);
# the cache goes under --workdir (PYTHONPYCACHEPREFIX), never into the source tree.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Sample:
    seconds: float
    peak_mb: float


@dataclass
class Figure:
    """One row of the table: a measured command, its baseline and its target."""

    name: str
    baseline: str
    target: str
    ours: list[Sample] = field(default_factory=list)
    base: list[Sample] = field(default_factory=list)
    limit: float | None = None  # ratio limit (or MB when `memory`)
    memory: bool = False
    note: str = ""

    def median(self, samples: list[Sample]) -> float:
        return statistics.median(s.peak_mb if self.memory else s.seconds for s in samples)

    @property
    def ratio(self) -> float | None:
        if self.memory or not self.base:
            return None
        return self.median(self.ours) / self.median(self.base)

    @property
    def passed(self) -> bool:
        if self.limit is None:
            return True
        value = self.median(self.ours) if self.memory else self.ratio
        return value is not None and value <= self.limit

    def row(self) -> list[str]:
        unit = " MB" if self.memory else " s"
        values = [s.peak_mb if self.memory else s.seconds for s in self.ours]
        fmt = "{:.0f}" if self.memory else "{:.3f}"
        spread = f"{fmt.format(min(values))}-{fmt.format(max(values))}{unit}" if values else "-"
        return [
            self.name,
            f"{self.median(self.base):.3f} s" if self.base else "-",
            f"{fmt.format(self.median(self.ours))}{unit}" if self.ours else "-",
            f"{spread} ({len(values)} runs)",
            f"{self.ratio:.2f}x" if self.ratio is not None else "-",
            self.target,
            ("pass" if self.passed else "FAIL") if self.ours else "-",
        ]


def timed(argv: Sequence[str], *, stdout: int | None = subprocess.DEVNULL, check: bool = True) -> Sample:
    """Run one process to its end: wall seconds and its own peak RSS (wait4, not the children of others)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, env=CHILD_ENV)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    assert process.stderr is not None
    err = process.stderr.read()
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if check and process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {process.returncode}: {err.decode()[-2000:]}")
    # wait4's ru_maxrss is the largest peak of the process and its reaped children (what
    # /usr/bin/time -v reports): with a fork pool, the main process or the largest worker.
    return Sample(elapsed, usage.ru_maxrss / 1024)


def fresh(db: Path) -> Path:
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    return db


def alternate(figure: Figure, ours: Callable[[], Sample], base: Callable[[], Sample] | None, runs: int) -> Figure:
    """Run ours and the baseline in turns, so both see the same machine load."""
    for _ in range(runs):
        if base:
            figure.base.append(base())
        figure.ours.append(ours())
    return figure


def _generate_chunk(args: tuple[str, int, int, int]) -> int:
    folder, start, stop, seed = args
    pages.generate(Path(folder), stop, seed, start=start)
    return stop - start


def corpus(workdir: Path, load_pages: int, catalog_pages: int, seed: int) -> tuple[Path, Path]:
    """Pages 0..load_pages-1 under <corpus>/load, the rest up to catalog_pages under <corpus>/more.

    `moviecli load <corpus>/load` is the load figure; `moviecli load <corpus>` the 100,000-page one.
    Generated on both cores once; a marker file says a folder is complete, so reruns reuse it.
    """
    root = workdir / f"corpus-seed{seed}"
    parts = [(root / "load", 0, load_pages), (root / "more", load_pages, max(load_pages, catalog_pages))]
    for folder, start, stop in parts:
        marker = folder / f".complete-{start}-{stop}"
        if marker.exists() or stop <= start:
            continue
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        chunks = [(str(folder), a, min(a + 2000, stop), seed) for a in range(start, stop, 2000)]
        t = time.perf_counter()
        with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
            done = sum(pool.map(_generate_chunk, chunks))
        print(f"  generated {done:,} pages in {folder} ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
        marker.touch()
    return root, root / "load"


def query_subject(catalog: Path, seed: int) -> tuple[int, dict[str, str]]:
    """A page with reviews, box office and a rare storyline word, whose director has a typical filmography.

    Returns its number and the filter values of the query figures, so that the one-title catalog
    (that page alone) and the big catalog answer the same commands.
    """
    conn = sqlite3.connect(catalog)
    for i in range(10_000):
        s = pages.spec(i, seed)
        rare = next((w for w in (s.storyline or "").lower().replace(".", "").split() if w.startswith("vel")), None)
        if not (s.reviews and s.box_office and rare):
            continue
        person = s.directors[0]
        (credits,) = conn.execute(
            "SELECT count(*) FROM credits c JOIN people p ON p.id = c.person_id WHERE p.name = ?", (person,)
        ).fetchone()
        if 5 <= credits <= 60:
            conn.close()
            return i, {"person": person, "genre": s.genres[0], "title": s.title, "word": rare}
    raise RuntimeError("no page fits the query figures")


def machine() -> str:
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.split("\n")[1].split()[1]
    load = os.getloadavg()
    return (
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, {mem} RAM, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}; load average at start "
        f"{load[0]:.1f}"
    )


def print_table(figures: list[Figure], out: Callable[[str], None] = print) -> None:
    head = ["figure", "baseline median", "moviecli median", "min-max", "ratio", "target", "result"]
    rows = [head] + [f.row() for f in figures]
    widths = [max(len(r[k]) for r in rows) for k in range(len(head))]
    out("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |")
    out("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows[1:]:
        out("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    for f in figures:
        if f.note:
            out(f"- {f.name}: {f.note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke sizes: 1,000-page load, 3,000-title catalog")
    parser.add_argument("--load-pages", type=int, default=20_000, help="pages of the load figures [20,000]")
    parser.add_argument("--catalog-pages", type=int, default=100_000, help="titles of the big catalog [100,000]")
    parser.add_argument("--runs", type=int, default=3, help="runs of the load figures [3]")
    parser.add_argument("--memory-runs", type=int, default=1, help="runs of the big-catalog load [1]")
    parser.add_argument("--quick-runs", type=int, default=7, help="runs of the sub-second figures [7]")
    parser.add_argument("--seed", type=int, default=pages.SEED)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/moviecli-bench"), help="pages kept between runs")
    parser.add_argument("--moviecli", default=str(Path(sys.executable).with_name("moviecli")), help="the executable")
    parser.add_argument("--with-imdb", action="store_true", help="add benchmarks/imdb_datasets.py (its own sizes)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.quick:
        args.load_pages, args.catalog_pages, args.runs, args.quick_runs = 1000, 3000, 3, 5

    started = time.perf_counter()
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    mc, py = args.moviecli, sys.executable
    CHILD_ENV["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    print(f"moviecli benchmark: {machine()}", file=sys.stderr)
    root, load_dir = corpus(work, args.load_pages, args.catalog_pages, args.seed)
    db, floor_db = work / "load.db", work / "floor.db"
    floor = [py, str(HERE / "floor.py"), str(load_dir), str(floor_db)]
    figures: list[Figure] = []

    def run_floor() -> Sample:
        fresh(floor_db)
        return timed(floor)

    print(f"  load of {args.load_pages:,} pages ...", file=sys.stderr)
    load = Figure(f"load {args.load_pages:,} pages, new DB", "floor.py (raw text into SQLite)", "<= 5x", limit=5)
    figures.append(
        alternate(load, lambda: timed([mc, "load", str(load_dir), "--db", str(fresh(db))]), run_floor, args.runs)
    )
    again = Figure(f"re-load {args.load_pages:,} unchanged pages", "floor.py", "<= 1x", limit=1)
    figures.append(alternate(again, lambda: timed([mc, "load", str(load_dir), "--db", str(db)]), run_floor, args.runs))

    print(f"  load of {args.catalog_pages:,} pages (peak memory; builds the query catalog) ...", file=sys.stderr)
    catalog = work / "catalog.db"
    memory = Figure(f"peak RSS, load {args.catalog_pages:,} pages", "-", "<= 150 MB", limit=150, memory=True)
    figures.append(
        alternate(memory, lambda: timed([mc, "load", str(root), "--db", str(fresh(catalog))]), None, args.memory_runs)
    )
    memory.note = f"took {statistics.median(s.seconds for s in memory.ours):.1f} s (median) to load"

    print("  queries ...", file=sys.stderr)
    i, q = query_subject(catalog, args.seed)
    one = fresh(work / "one.db")
    timed([mc, "load", str(pages.page_path(root / ("load" if i < args.load_pages else "more"), i)), "--db", str(one)])
    queries = [
        ("filmography NAME", ["filmography", q["person"]]),
        ("titles --person NAME", ["titles", "--person", q["person"]]),
        ("titles --genre G --limit 20", ["titles", "--genre", q["genre"], "--limit", "20"]),
        ("grosses --sort amount --desc --limit 10", ["grosses", "--sort", "amount", "--desc", "--limit", "10"]),
        ("reviews TITLE", ["reviews", q["title"]]),
        ("search WORD", ["search", q["word"]]),
    ]
    for name, argv in queries:
        figure = Figure(f"{name} ({args.catalog_pages:,} titles)", "same on 1 title", "<= 1.5x", limit=1.5)
        figures.append(
            alternate(
                figure,
                lambda argv=argv: timed([mc, *argv, "--db", str(catalog)]),
                lambda argv=argv: timed([mc, *argv, "--db", str(one)]),
                args.quick_runs,
            )
        )
    figures[-len(queries)].note = f"NAME={q['person']!r}, G={q['genre']}, TITLE={q['title']!r}, WORD={q['word']}"

    print("  start-up ...", file=sys.stderr)
    sample = fresh(work / "sample.db")
    timed([mc, "load", str(ROOT / "seeds"), "--db", str(sample)])
    python = lambda: timed([py, "-c", "pass"])  # noqa: E731
    timed([mc, "--help"])  # the bytecode of every module start-up imports is cached from here on
    csv = Figure("start-up: titles --limit 5 -f csv (sample)", "python -c pass", "<= 8x (aim 6x)", limit=8)
    figures.append(
        alternate(
            csv,
            lambda: timed([mc, "titles", "--limit", "5", "-f", "csv", "--db", str(sample)]),
            python,
            2 * args.quick_runs,
        )
    )
    help_ = Figure("start-up: moviecli --help", "python -c pass", "<= 10x", limit=10)
    figures.append(alternate(help_, lambda: timed([mc, "--help"]), python, 2 * args.quick_runs))

    if args.with_imdb:
        print("  IMDb datasets (benchmarks/imdb_datasets.py) ...", file=sys.stderr)
        import imdb_datasets

        for r in imdb_datasets.run(work / "imdb", runs=args.runs):
            print(f"  {json.dumps(r)}", file=sys.stderr)
            figures.append(
                Figure(
                    f"IMDb datasets: {r['tool']}",
                    "-",
                    "-",
                    ours=[Sample(float(r["median_s"]), float(r["peak_mb"]))],
                    note=f"median {r['median_s']} s (min {r['min_s']}, max {r['max_s']}), peak {r['peak_mb']} MB"
                    + (f", ratio to imdb-sqlite {r['ratio']}" if "ratio" in r else ""),
                )
            )

    elapsed = time.perf_counter() - started
    print()
    print(f"{machine()}; whole benchmark {elapsed:.0f} s")
    print_table(figures)
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "figure": f.name,
                        "row": f.row(),
                        "ours": [vars(s) for s in f.ours],
                        "base": [vars(s) for s in f.base],
                    }
                    for f in figures
                ],
                indent=1,
            )
        )
    sys.exit(0 if all(f.passed for f in figures) else 1)


if __name__ == "__main__":
    main()
