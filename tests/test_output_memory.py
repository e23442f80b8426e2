"""Memory stays bounded (issue 10): a table of any length streams, fitted from its first rows.

A table of up to output.FIT_ROWS rows is what tabulate prints (the exact tables of the other tests);
a longer one is that, then its later rows in the same widths. The bound is on memory, read from the
child's peak RSS (wait4), never on time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run

from moviecli import output

RSS_BOUND_MB = 100


def table(db: Path, statement: str, *args: str) -> str:
    result = run("sql", statement, "--db", db, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_later_rows_are_written_in_the_widths_of_the_first(catalog_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "FIT_ROWS", 3)
    statement = (
        "VALUES (1, 'ab', 'Paper Moons'), (22, 'cd', NULL), (3, 'efgh', 'Wind Road'),"
        " (4, 'a much longer text', 'x'), (12345, 'ij', 'The Salt Road'), (6, NULL, NULL)"
    )
    statement = f"SELECT column1 AS n, column2 AS note, column3 AS title FROM ({statement})"
    assert table(catalog_db, statement) == (
        "n   note  title\n"
        "--  ----  -----------\n"
        "1   ab    Paper Moons\n"
        "22  cd\n"
        "3   efgh  Wind Road\n"
        "4   a m…  x\n"  # free text: shortened to its column
        "12345  ij    The Salt Road\n"  # a number and a title: whole, their columns wider from here on
        "6\n"
    )


def test_a_streamed_table_is_the_table_tabulate_prints_when_later_rows_fit(
    catalog_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 2500)"
        " SELECT x % 997 AS n, CASE x % 4 WHEN 0 THEN '日本語' WHEN 1 THEN NULL WHEN 2 THEN 'Zoë ' || (x % 50)"
        " ELSE '' END AS name, x % 2 AS odd, NULL AS empty FROM c"
    )
    for args in ((), ("--no-headers",)):
        streamed = table(catalog_db, statement, *args)
        monkeypatch.setattr(output, "FIT_ROWS", 10**9)  # the whole result fitted and written by tabulate
        whole = table(catalog_db, statement, *args)
        monkeypatch.undo()
        assert streamed == whole
        assert len(streamed.splitlines()) == 2500 + (0 if args else 2)


def test_a_long_free_text_cut_as_it_is_read_is_shown_as_the_whole_text_was(
    catalog_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = "SELECT 'start ' || replace(hex(zeroblob(500000)), '00', 'ab ') || 'end' AS plot, 'x' AS t"
    monkeypatch.setattr(output, "FIT_CHARS", 10)  # the first row alone fills the fitting budget
    expected = "plot" + " " * 196 + "  t\n" + "-" * 200 + "  -\n" + "start " + "ab " * 64 + "a…  x\n"
    assert table(catalog_db, statement) == expected


# moviecli runs as the child of a small Python, which reports its exit code and peak RSS (wait4)
# as the last line of stderr. Run straight from this process, the child's peak would count this
# process's own (Linux keeps the high-water mark of the memory a child had before its exec).
# Within 1 GB of address space, a table that held its rows ends in MemoryError soon, not at the
# machine's end.
_MEASURED = """
import os, resource, subprocess, sys
limit = lambda: resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
child = subprocess.Popen([sys.executable, "-m", "moviecli", *sys.argv[1:]], preexec_fn=limit)
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, file=sys.stderr)
"""


def _peak_rss_mb(args: list[str], stop_after: int | None = None) -> tuple[float, int, list[bytes], int]:
    """Run `moviecli ARGS` with its stdout into a pipe read here; its peak RSS in MB, exit code, last
    lines, lines read. With `stop_after`, the pipe is closed after that many lines (as `head` does).
    """
    process = subprocess.Popen([sys.executable, "-c", _MEASURED, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    lines, tail = 0, b""
    while chunk := process.stdout.read(1 << 16):
        lines += chunk.count(b"\n")
        tail = (tail + chunk)[-200:]
        if stop_after is not None and lines >= stop_after:
            break
    process.stdout.close()
    *err, measured = process.stderr.read().decode().splitlines() or [""]
    process.stderr.close()
    assert process.wait() == 0
    assert err == []  # nothing from moviecli on stderr
    code, peak_kb = map(int, measured.split())
    return peak_kb / 1024, code, tail.split(b"\n")[-3:], lines


def test_a_table_of_300000_rows_into_a_pipe_stays_in_bounded_memory(catalog_db: Path) -> None:
    statement = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 300000) SELECT x, 'some text' FROM c"
    )
    peak, code, tail, lines = _peak_rss_mb(["sql", statement, "--db", str(catalog_db)])
    assert (code, lines, tail) == (0, 300_002, [b"299999  some text", b"300000  some text", b""])
    assert peak < RSS_BOUND_MB  # the whole table held took ~260 MB


def test_an_endless_table_streams_until_its_reader_goes(catalog_db: Path) -> None:
    statement = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x, 'some text' AS t FROM c"
    peak, code, _, lines = _peak_rss_mb(["sql", statement, "--db", str(catalog_db)], stop_after=300_000)
    assert code == 0  # the reader went away: a quiet end, as `| head` gives
    assert lines >= 300_000
    assert peak < RSS_BOUND_MB  # it used to grow until MemoryError
