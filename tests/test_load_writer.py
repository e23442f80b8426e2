"""PageWriter (issue 5): pages written in bulk keep every guarantee of one page at a time.

A page the database refuses fails alone; a copy of a page or a second version of a title in the
same batch comes out as if written one after the other; the person-id cache never hands out an id
that another connection's writes have made wrong.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from moviecli import db, save
from moviecli.load.writer import NewPage, PageWriter, Refused, WriteAgain
from moviecli.models import BoxOffice, CastMember, Title


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "catalog.db"


@pytest.fixture
def conn(database: Path) -> Iterator[sqlite3.Connection]:
    connection = db.connect_write(database)
    connection.row_factory = None  # plain tuples to compare
    yield connection
    connection.close()


def page(n: int, *, title: str | None = None, cast: tuple[str, ...] = ("Ada Holm",), kind: str = "budget") -> NewPage:
    rows = save.title_rows(film(n, title=title, cast=cast, kind=kind))
    return NewPage(f"film-{n}.txt", f"sha-{n}", f"text {n}", "utf-8", rows)


def film(n: int, *, title: str | None = None, cast: tuple[str, ...] = ("Ada Holm",), kind: str = "budget") -> Title:
    return Title(
        title=title or f"Film {n}",
        year=1990,
        directors=["Bruno Vance"],
        cast=[CastMember(name, f"Role {k}") for k, name in enumerate(cast)],
        genres=["Drama"],
        box_office=[BoxOffice(kind, 1000 * n, "USD")],
        trivia=[f"Fact {n}"],
    )


def count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_a_page_the_database_refuses_fails_alone(conn: sqlite3.Connection) -> None:
    writer = PageWriter(conn, "test")
    bad = page(2, cast=("Only In The Bad Page",), kind="not-a-kind")  # breaks box_office's CHECK
    with writer.transaction():
        outcomes = writer.write([page(1), bad, page(3)])
    assert outcomes[0] == "loaded" and outcomes[2] == "loaded"
    assert isinstance(outcomes[1], Refused)
    assert outcomes[1].reason.startswith("database refused the page: CHECK constraint failed")
    assert [r[0] for r in conn.execute("SELECT title FROM titles ORDER BY id")] == ["Film 1", "Film 3"]
    assert count(conn, "pages") == 2
    assert conn.execute("SELECT count(*) FROM people WHERE name = 'Only In The Bad Page'").fetchone()[0] == 0
    assert count(conn, "search_docs") == 8  # title, trivia and two credited people of each good page
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # The ids of people rolled back with the bad page are not handed out from the cache afterwards.
    with writer.transaction():
        assert writer.write([page(4, cast=("Only In The Bad Page",))]) == ["loaded"]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_without_care_a_refused_page_is_write_again_and_the_transaction_rolls_back(conn: sqlite3.Connection) -> None:
    writer = PageWriter(conn, "test")
    bad = page(2, kind="not-a-kind")
    with pytest.raises(WriteAgain), writer.transaction():
        writer.write([page(1), bad, page(3)], careful=False)
    assert count(conn, "titles") == count(conn, "pages") == count(conn, "people") == 0
    with writer.transaction():  # the people cache was rolled back with it
        assert writer.write([page(1), page(3)], careful=False) == ["loaded", "loaded"]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_copies_and_versions_in_one_batch_come_out_as_if_written_in_turn(conn: sqlite3.Connection) -> None:
    writer = PageWriter(conn, "test")
    first = page(1)
    second = page(5, title="Film 1")  # a second version of Film 1
    with writer.transaction():
        outcomes = writer.write([first, page(2), first, second])
    assert outcomes == ["loaded", "loaded", "unchanged", "replaced"]
    rows = conn.execute("SELECT id, title, page_id FROM titles ORDER BY id").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(1, "Film 1"), (2, "Film 2")]  # replaced in place: same id
    assert (
        conn.execute("SELECT p.sha256 FROM titles t JOIN pages p ON p.id = t.page_id WHERE t.id = 1").fetchone()[0]
        == "sha-5"
    )
    assert conn.execute("SELECT amount FROM box_office WHERE title_id = 1").fetchall() == [(5000,)]
    assert count(conn, "pages") == 3  # both versions kept


def test_a_replaced_title_keeps_its_id_and_imdb_id(conn: sqlite3.Connection) -> None:
    writer = PageWriter(conn, "test")
    with writer.transaction():
        writer.write([page(1)])
    conn.execute("UPDATE titles SET imdb_id = 'tt0000001'")
    with writer.transaction():
        assert writer.write([page(9, title="Film 1")]) == ["replaced"]
    assert conn.execute("SELECT id, imdb_id FROM titles").fetchall() == [(1, "tt0000001")]
    assert count(conn, "credits") == 2 and count(conn, "search_docs") == 4  # title and its 2 people, trivia


def test_the_person_cache_starts_again_when_another_connection_has_written(
    conn: sqlite3.Connection, database: Path
) -> None:
    writer = PageWriter(conn, "test")
    with writer.transaction():
        writer.write([page(1)])
    (ada,) = conn.execute("SELECT id FROM people WHERE name = 'Ada Holm'").fetchone()
    # Another process merges Ada with IMDb and adds a second Ada Holm, who has no imdb_id: page
    # credits go to the person without one, so the cached id is now the wrong one.
    with sqlite3.connect(database, isolation_level=None) as other:
        other.execute("UPDATE people SET imdb_id = 'nm0000001' WHERE id = ?", (ada,))
        other.execute("INSERT INTO people (name, name_key) VALUES ('Ada Holm', 'ada holm')")
        (second,) = other.execute("SELECT max(id) FROM people").fetchone()
    with writer.transaction():
        writer.write([page(2)])
    credited = conn.execute(
        "SELECT c.person_id FROM credits c JOIN titles t ON t.id = c.title_id WHERE t.title = 'Film 2' AND c.role = 'actor'"
    ).fetchone()[0]
    assert credited == second
    assert save.save_title(conn, film(3), 1)[0] > 0  # the one-title path agrees
    assert (
        conn.execute(
            "SELECT c.person_id FROM credits c JOIN titles t ON t.id = c.title_id WHERE t.title = 'Film 3' AND c.role = 'actor'"
        ).fetchone()[0]
        == second
    )


def test_a_rolled_back_transaction_leaves_no_cached_people(conn: sqlite3.Connection) -> None:
    writer = PageWriter(conn, "test")
    with pytest.raises(KeyboardInterrupt), writer.transaction():
        writer.write([page(1, cast=("Gone Again",))])
        raise KeyboardInterrupt
    assert count(conn, "people") == 0
    with writer.transaction():
        writer.write([page(2, cast=("Gone Again",))])
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert count(conn, "people") == 2
