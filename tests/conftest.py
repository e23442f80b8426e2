"""Shared fixtures: the one CLI runner, a catalog path for every test, and catalogs to query.

`run(*args)` invokes the real CLI (typer's CliRunner, stdout and stderr apart); every test has
MOVIECLI_DB pointing at a file of its own temporary folder, so nothing ever touches a real catalog.

`catalog_db` loads the invented pages of tests/fixtures/catalog through the real CLI, as a user
would. `records_db` stores the same four titles straight from Title records (CATALOG_RECORDS), so
the queries can be tested without the parser. Both are read-only for the tests that use them.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from moviecli import db, save
from moviecli.cli import app
from moviecli.models import BoxOffice, CastMember, Review, Title, Writer

FIXTURES = Path(__file__).parent / "fixtures"
RUNNER = CliRunner()


def run(*args: str | Path, input: str | None = None) -> Result:
    """`moviecli ARGS` through the real CLI, in this process."""
    return RUNNER.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture
def runner() -> CliRunner:
    return RUNNER


@pytest.fixture(autouse=True)
def catalog_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's default catalog is a file in its own temporary folder, never the user's."""
    path = tmp_path / "default-catalog.db"
    monkeypatch.setenv("MOVIECLI_DB", str(path))
    return path


def store_page(conn: sqlite3.Connection, path: str, sha256: str, text: str, encoding: str, parser_version: str) -> int:
    """A pages row without a page file (inside the caller's transaction), once per content; returns its id."""
    row = conn.execute("SELECT id FROM pages WHERE sha256 = ?", (sha256,)).fetchone()
    if row:
        return int(row[0])
    cur = conn.execute(
        "INSERT INTO pages (path, sha256, text, encoding, loaded_at, parser_version) VALUES (?, ?, ?, ?, ?, ?)",
        (path, sha256, text, encoding, db.now(), parser_version),
    )
    return int(cur.lastrowid or 0)


CATALOG_PAGES = FIXTURES / "catalog"
SEEDS = Path(__file__).parent.parent / "seeds"

# What the pages of tests/fixtures/catalog say. People overlap on purpose: Marta Quist directs,
# writes, acts and creates; Peter Marsh acts in one title and directs another; two Zoes, one accented.
CATALOG_RECORDS = [
    Title(
        title="The Salt Road",
        year=1994,
        kind="movie",
        runtime_minutes=118,
        summary="Two sisters drive the last of their father's cattle across a dry salt flat before the winter comes.",
        storyline="When their father dies owing money to half the county, Ada and Tom Rusk take his cattle"
        " across the salt flats to the railhead.",
        storyline_author="Anonymous Drover",
        directors=["Marta Quist"],
        writers=[Writer("Ole Brandt", "novel"), Writer("Marta Quist", "screenplay by")],
        stars=["Zoë Lindqvist", "Peter Marsh", "Ravi Anand"],
        cast=[
            CastMember("Zoë Lindqvist", "Ada Rusk"),
            CastMember("Peter Marsh", "Tom Rusk", "as Pete Marsh"),
            CastMember("Ravi Anand", "Border Guard", "uncredited"),
        ],
        genres=["Drama", "Western"],
        certificate="R",
        certificate_reason="for violence and language",
        rating=7.2,
        votes=12345,
        metascore=68,
        user_reviews=48,
        critic_reviews=21,
        trivia=["The salt flat scenes were filmed at dawn to avoid the heat haze."],
        goofs=["A modern pickup truck is visible on the horizon during the river crossing."],
        quotes=["Ada Rusk: [to Tom] The salt remembers every footprint."],
        reviews=[
            Review(
                title="A hard, beautiful journey",
                author="dustyboots",
                date="2010-05-14",
                location="Tucson, AZ",
                helpful=10,
                helpful_total=12,
                text="Lindqvist carries the film on her shoulders, and the tragedy of the ending is earned."
                "\n\nThe landscape photography is the real star.",
            )
        ],
        countries=["USA"],
        languages=["English", "Spanish"],
        release_date="1994-03-04",
        release_country="USA",
        box_office=[
            BoxOffice("budget", 4000000, "USD", estimated=True),
            BoxOffice("opening_weekend", 250000, "USD", "USA", "1994-03-06"),
            BoxOffice("gross", 9100000, "USD", "USA"),
        ],
    ),
    Title(
        title="Paper Moons",
        year=2003,
        kind="movie",
        runtime_minutes=91,
        summary="A shy greeting-card writer falls for the woman who keeps returning his cards unopened.",
        directors=["Peter Marsh"],
        writers=[Writer("Peter Marsh", "written by")],
        stars=["Zoë Lindqvist", "Hal Greaves"],
        cast=[
            CastMember("Zoë Lindqvist", "June Parry"),
            CastMember("Hal Greaves", "Mr. Pim"),
            CastMember("Marta Quist", "Herself", "uncredited"),
        ],
        genres=["Comedy", "Romance"],
        certificate="PG-13",
        certificate_reason="for some language",
        rating=6.5,
        votes=2100,
        user_reviews=15,
        critic_reviews=9,
        trivia=["Marsh wrote the script in a Spider-Man notebook he bought for his son."],
        quotes=["June Parry: [reading the card] Pour l'amour, not for money."],
        reviews=[
            Review(
                title="Charming and slight",
                author="tea-and-toast",
                date="2003-04-20",
                helpful=5,
                helpful_total=5,
                text="A small film that knows exactly what it is. Greaves steals every scene.",
            )
        ],
        countries=["UK"],
        languages=["English", "French"],
        release_date="2003-04-11",
        release_country="UK",
        box_office=[
            BoxOffice("budget", 1200000, "GBP", estimated=True),
            BoxOffice("opening_weekend", 310000, "GBP", "UK", "2003-04-13"),
            BoxOffice("gross", 3400000, "GBP", "UK", "2003-05-02"),
        ],
    ),
    Title(
        title="Wind Road",
        year=2010,
        kind="movie",
        original_title="Kaze no michi",
        runtime_minutes=95,
        summary="A girl follows the wind across the mountains to find the village her grandmother left.",
        directors=["Kenji Sato"],
        writers=[Writer("Kenji Sato")],
        stars=["Haruto Mori", "Zoe Ashdown"],
        cast=[CastMember("Haruto Mori", "Kaito", "voice"), CastMember("Zoe Ashdown", "Mina", "voice")],
        genres=["Animation", "Drama", "Family"],
        countries=["Japan", "France"],
        languages=["Japanese"],
        release_date="2010-07-20",
        release_country="Japan",
        box_office=[
            BoxOffice("budget", 500000000, "JPY", estimated=True),
            BoxOffice("opening_weekend", 1052197, "USD", "France", "2011-04-17"),
            BoxOffice("worldwide_gross", 12500000, "USD"),
        ],
    ),
    Title(
        title="Night Ferry",
        year=2015,
        end_year=2018,
        kind="tv_series",
        runtime_minutes=45,
        summary="A ferry captain on the night crossing to Bergen finds a passenger who is not on the manifest.",
        creators=["Marta Quist"],
        stars=["Peter Marsh", "Zoe Ashdown"],
        cast=[
            CastMember("Peter Marsh", "Captain Ilse Berg", "12 episodes, 2015-2018"),
            CastMember("Zoe Ashdown", "Purser", "8 episodes, 2015-2016"),
        ],
        genres=["Crime", "Drama", "Mystery"],
        certificate="TV-MA",
        rating=8.1,
        votes=5432,
        user_reviews=30,
        critic_reviews=12,
        reviews=[
            Review(
                title="Gripping from the first crossing",
                author="nordicnoir",
                date="2016-12-01",
                helpful=7,
                helpful_total=7,
                text="Every episode ends with a hook. Marsh has never been better.",
            )
        ],
        countries=["UK", "Norway"],
        languages=["English", "Norwegian"],
    ),
]


def shown_page(tmp_path: Path, page: Path, title: str) -> dict[str, Any]:
    """Load one fixture page through the CLI into a fresh catalog and return `show --format json`."""
    db = tmp_path / "catalog.db"
    loaded = run("load", page, "--db", db)
    assert loaded.exit_code == 0, loaded.stderr
    result = run("show", title, "--db", db, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def load_cli(sources: list[Path], database: Path) -> None:
    """`moviecli load SOURCES --db DATABASE` through the real CLI; every page must load."""
    result = run("load", *sources, "--db", database, "--quiet")
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def catalog_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The invented pages of tests/fixtures/catalog, loaded through `moviecli load`."""
    database = tmp_path_factory.mktemp("catalog") / "catalog.db"
    load_cli([CATALOG_PAGES], database)
    return database


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample page (seeds/), loaded through `moviecli load`."""
    database = tmp_path_factory.mktemp("seeds") / "seeds.db"
    load_cli([SEEDS], database)
    return database


@pytest.fixture(scope="session")
def records_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CATALOG_RECORDS stored through save.save_title, without the parser."""
    database = tmp_path_factory.mktemp("records") / "records.db"
    conn = db.connect_write(database)
    with db.transaction(conn):
        for i, record in enumerate(CATALOG_RECORDS):
            page_id = store_page(conn, f"record-{i}.txt", f"sha-{i}", record.title, "utf-8", "test")
            save.save_title(conn, record, page_id)
    conn.close()
    return database


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB file system of its own (tmpfs, mounted as root); skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
