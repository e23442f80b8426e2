"""`search`: prefixes, stems, people and AKAs, --per-title, and the index other tools detect."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run


def found(database: Path, *args: str) -> list[tuple[str, str]]:
    result = run("search", *args, "--db", database, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [(r["title"], r["field"]) for r in json.loads(result.stdout)]


def test_a_trailing_star_is_a_prefix_and_words_match_their_stem(catalog_db: Path) -> None:
    assert found(catalog_db, "railhea*") == [("The Salt Road", "storyline")]
    assert found(catalog_db, "railhea") == []
    assert found(catalog_db, "flat", "--per-title", "0") == found(catalog_db, "flats", "--per-title", "0")


def test_people_are_searchable(catalog_db: Path) -> None:
    assert found(catalog_db, "peter", "marsh") == [
        ("Night Ferry", "person"),
        ("Paper Moons", "person"),
        ("The Salt Road", "person"),
    ]


def test_per_title_keeps_one_title_from_filling_the_limit(catalog_db: Path) -> None:
    every = found(catalog_db, "salt", "--per-title", "0")
    assert [t for t, _ in every].count("The Salt Road") > 2  # its title, summary, trivia, quotes ...
    one = found(catalog_db, "salt")
    assert len(one) == len({t for t, _ in every})
    assert one[0] == every[0]  # best field first
    assert found(catalog_db, "salt", "--per-title", "2")[:2] == every[:2]


def test_per_title_must_not_be_negative(catalog_db: Path) -> None:
    result = run("search", "salt", "--per-title", "-1", "--db", catalog_db)
    assert result.exit_code == 2


def test_sqlite_utils_search_detects_the_index(catalog_db: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sqlite_utils",
            "search",
            str(catalog_db),
            "search_docs",
            "railhead",
            "-c",
            "field",
            "--csv",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines() == ["field", "storyline"]


def test_datasette_gives_search_docs_a_search_box(catalog_db: Path) -> None:
    pytest.importorskip("datasette")
    from moviecli import serve

    async def fetch() -> tuple[int, dict[str, object], str]:
        ds = serve.datasette_app(catalog_db)
        await ds.invoke_startup()
        data = await ds.client.get("/catalog/search_docs.json?_search=railhead&_shape=objects&_col=field")
        page = await ds.client.get("/catalog/search_docs")
        return data.status_code, data.json(), page.text

    status, body, html = asyncio.run(fetch())
    assert status == 200
    assert [row["field"] for row in body["rows"]] == ["storyline"]  # type: ignore[index]
    assert 'name="_search"' in html
