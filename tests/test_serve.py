"""`moviecli serve`: the datasette app moviecli builds, through datasette's own test client."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CATALOG_PAGES, FIXTURES, load_cli
from typer.testing import CliRunner

from moviecli import serve
from moviecli.cli import app

if os.environ.get("CI") != "true":  # in CI the web extra is installed and these tests must run
    pytest.importorskip("datasette")


def get(database: Path, *paths: str) -> list[Any]:
    """GET each path from a fresh datasette app on `database`: (status, JSON or HTML text) per path."""

    async def fetch() -> list[Any]:
        ds = serve.datasette_app(database)
        await ds.invoke_startup()
        results = []
        for path in paths:
            response = await ds.client.get(path)
            body = response.json() if ".json" in path else response.text
            results.append((response.status_code, body))
        return results

    return asyncio.run(fetch())


def test_search_canned_query_escapes_as_moviecli_search(catalog_db: Path) -> None:
    # "Spider-Man:" and "l'amour" would be FTS syntax errors unescaped; "" has no words and matches nothing.
    (status, spider), (_, amour), (_, empty) = get(
        catalog_db,
        "/catalog/search.json?q=Spider-Man%3A&_shape=array",
        "/catalog/search.json?q=l%27amour&_shape=array",
        "/catalog/search.json?q=%22%3A%2A&_shape=array",
    )
    assert status == 200
    assert spider == [
        {
            "title_id": 2,
            "title": "Paper Moons",
            "year": 2003,
            "field": "trivia",
            "snippet": "Marsh wrote the script in a *Spider-Man* notebook he bought for…",
        }
    ]
    assert amour == [
        {
            "title_id": 2,
            "title": "Paper Moons",
            "year": 2003,
            "field": "quotes",
            "snippet": "June Parry: [reading the card] Pour *l'amour*, not for money.",
        }
    ]
    assert empty == []


def test_search_page_is_a_form_with_the_results(catalog_db: Path) -> None:
    [(status, html)] = get(catalog_db, "/catalog/search?q=salt+road")
    assert status == 200
    assert '<input type="text" id="qp1" name="q" value="salt road">' in html
    assert "The *Salt* *Road*" in html


def test_filmography_canned_query_ignores_case_and_accents(catalog_db: Path) -> None:
    [(status, rows)] = get(catalog_db, "/catalog/filmography.json?name=zoe+LINDQVIST&_shape=array")
    assert status == 200
    assert [(r["name"], r["year"], r["title"], r["role"], r["character"]) for r in rows] == [
        ("Zoë Lindqvist", 1994, "The Salt Road", "star", None),
        ("Zoë Lindqvist", 1994, "The Salt Road", "actor", "Ada Rusk"),
        ("Zoë Lindqvist", 2003, "Paper Moons", "star", None),
        ("Zoë Lindqvist", 2003, "Paper Moons", "actor", "June Parry"),
    ]


def test_title_page_and_labels(catalog_db: Path) -> None:
    (status, row), (_, credits_page) = get(
        catalog_db, "/catalog/titles/3.json?_shape=array", "/catalog/credits?title_id=3&role=director"
    )
    assert status == 200
    assert {k: row[0][k] for k in ("title", "year", "kind", "certificate", "rating")} == {
        "title": "The Salt Road",
        "year": 1994,
        "kind": "movie",
        "certificate": "R",
        "rating": 7.2,
    }
    # Foreign keys show the title and the person's name (label_column), not bare ids.
    assert '<a href="/catalog/titles/3">The Salt Road</a>' in credits_page
    assert ">Marta Quist</a>" in credits_page


def test_tables_hidden_and_facets(catalog_db: Path) -> None:
    (_, database), (_, titles) = get(catalog_db, "/catalog.json", "/catalog/titles.json")
    hidden = sorted(t["name"] for t in database["tables"] if t["hidden"])
    assert hidden == sorted(serve.HIDDEN_TABLES)
    assert "titles" not in hidden and "people" not in hidden
    kinds = {r["value"]: r["count"] for r in titles["facet_results"]["kind"]["results"]}
    assert kinds == {"movie": 3, "tv_series": 1}
    assert sorted(titles["facet_results"]) == ["certificate", "kind", "year"]


def test_counts_follow_a_load_made_while_serving(tmp_path: Path) -> None:
    # Not immutable mode: an immutable WAL catalog keeps showing the counts it opened with.
    database = tmp_path / "catalog.db"
    load_cli([CATALOG_PAGES], database)

    async def counts() -> tuple[int, int]:
        ds = serve.datasette_app(database)
        await ds.invoke_startup()
        before = (await ds.client.get("/catalog/titles.json?_size=0")).json()["filtered_table_rows_count"]
        load_cli([FIXTURES / "load"], database)
        after = (await ds.client.get("/catalog/titles.json?_size=0")).json()["filtered_table_rows_count"]
        return before, after

    assert asyncio.run(counts()) == (4, 5)


def test_serve_without_datasette_says_what_to_install(catalog_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasette", None)  # `import datasette` now raises ImportError
    result = CliRunner().invoke(app, ["serve", "--db", str(catalog_db)])
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "moviecli: serve needs datasette: pip install 'moviecli[web]'\n",
    )


def test_serve_without_a_catalog(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert (
        result.stderr == f"moviecli: no database at {tmp_path / 'none.db'} (run 'moviecli load' first, or pass --db)\n"
    )
    assert not (tmp_path / "none.db").exists()


def test_serve_on_a_port_in_use(catalog_db: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--port", str(port), "--db", str(catalog_db)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"moviecli: cannot listen on 127.0.0.1:{port}: Address already in use\n"
