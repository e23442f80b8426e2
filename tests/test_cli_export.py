"""`moviecli export` through the real CLI: every title's `show -f json` record, one a line, streamed."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CATALOG_PAGES, load_cli
from typer.testing import CliRunner

from moviecli.cli import app

runner = CliRunner()
TITLES = ["Night Ferry", "Paper Moons", "The Salt Road", "Wind Road"]  # by title, ignoring case


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("export") / "catalog.db"
    load_cli([CATALOG_PAGES], database)
    return database


def export(database: Path, *args: str) -> Any:
    return runner.invoke(app, ["export", *args, "--db", str(database)])


def show(database: Path, title: str) -> dict[str, Any]:
    result = runner.invoke(app, ["show", title, "-f", "json", "--db", str(database)])
    assert result.exit_code == 0, result.stderr
    record: dict[str, Any] = json.loads(result.stdout)
    return record


def test_every_title_is_its_show_record_one_per_line(catalog: Path) -> None:
    result = export(catalog)
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == [show(catalog, t) for t in TITLES]
    assert all(line.startswith('{"title": ') for line in lines)  # one compact object a line


def test_json_is_one_array_and_limit_cuts_it(catalog: Path) -> None:
    result = export(catalog, "-f", "json", "--limit", "2")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [show(catalog, t) for t in TITLES[:2]]
    assert export(catalog, "--limit", "0", "-f", "json").stdout == "[]\n"


def test_since_keeps_titles_changed_at_or_after_the_date(catalog: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    with sqlite3.connect(catalog) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE titles SET updated_at = '2026-01-10T08:00:00+00:00'")
        conn.execute("UPDATE titles SET updated_at = '2026-03-01T12:30:00+00:00' WHERE title = 'Wind Road'")
    conn.close()

    def titles(*args: str) -> list[str]:
        result = export(copy, *args)
        assert result.exit_code == 0, result.stderr
        return [json.loads(line)["title"] for line in result.stdout.splitlines()]

    assert titles("--since", "2026-01-10") == TITLES
    assert titles("--since", "2026-01-11") == ["Wind Road"]
    assert titles("--since", "2026-03-01T12:30:00") == ["Wind Road"]
    assert titles("--since", "2026-03-01T14:31:00+02:00") == []  # 12:31 UTC
    assert titles("--since", "2027-01-01") == []


def test_bad_since_and_bad_format_are_one_line(catalog: Path) -> None:
    bad = export(catalog, "--since", "last week")
    assert (bad.exit_code, bad.stdout) == (1, "")
    assert bad.stderr == "moviecli: --since: 'last week' is not a date (YYYY-MM-DD) or date and time\n"
    fmt = export(catalog, "-f", "csv")
    assert fmt.exit_code == 2
    assert "'csv' is not one of jsonl, json" in fmt.stderr


def test_a_reader_going_away_exits_zero(catalog: Path) -> None:
    """`export | head -1`: the pipeline (pipefail: moviecli's own exit code too) ends quietly with 0."""
    pipeline = subprocess.run(
        f"set -o pipefail; {sys.executable} -m moviecli export --db {catalog} | head -n 1",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        check=False,
    )
    assert pipeline.returncode == 0
    assert pipeline.stderr == ""
    assert json.loads(pipeline.stdout)["title"] == "Night Ferry"
