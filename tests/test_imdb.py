"""moviecli/imdb/ on a real SQLite file: each file's mapping, the format's traps, re-imports."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from imdb_dataset import BASE, N, copy_base, write_dataset

from moviecli import db, imdb
from moviecli.errors import ImdbError


def import_dir(path: Path, directory: Path, only: str | None = None) -> imdb.ImdbReport:
    conn = db.connect_write(path)
    try:
        return imdb.import_files(conn, imdb.find_files(directory, imdb.parse_only(only)))
    finally:
        conn.close()


def rows(path: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return [tuple(r) for r in conn.execute(sql, params)]


def counts(report: imdb.ImdbReport) -> dict[str, tuple[int, int, int, int, int]]:
    return {f.dataset: (f.read, f.inserted, f.updated, f.deleted, f.skipped) for f in report.files}


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.db"
    import_dir(path, write_dataset(tmp_path / "day1", BASE))
    return path


def test_titles_mapping(catalog: Path) -> None:
    assert rows(
        catalog,
        "SELECT imdb_id, title, original_title, year, end_year, kind, runtime_minutes, rating, votes"
        " FROM titles ORDER BY imdb_id",
    ) == [
        ("tt0000502", "Unsold", None, 1960, None, "tv_movie", 30, None, None),
        ("tt0000503", "Tiny", None, 1961, None, "short", 5, None, None),
        ("tt0093146", "Harbour Lights", "Fyrlys", 1987, None, "movie", 101, 6.9, 2318),
        ("tt0113627", "Leaving Las Vegas", None, 1995, None, "movie", 111, 7.5, 120000),
        ("tt10872600", 'The "Quiet" Coast', None, 2020, 2022, "tv_series", 45, 8.1, 15),
        ("tt10872601", "Pilot", None, 2020, None, "tv_episode", None, None, None),
    ]
    assert rows(
        catalog,
        "SELECT t.imdb_id, g.position, g.genre FROM genres g JOIN titles t ON t.id = g.title_id"
        " ORDER BY t.imdb_id, g.position",
    ) == [
        ("tt0000502", 0, "Comedy"),
        ("tt0000503", 0, "Short"),
        ("tt0093146", 0, "Drama"),
        ("tt0093146", 1, "Mystery"),
        ("tt0113627", 0, "Drama"),
        ("tt0113627", 1, "Romance"),
        ("tt10872600", 0, "Crime"),
    ]


def test_people_mapping(catalog: Path) -> None:
    people = rows(catalog, "SELECT imdb_id, name, name_key, birth_year, death_year FROM people ORDER BY imdb_id")
    assert people == [
        ("nm0000115", "Nicolas Cage", "nicolas cage", 1964, None),
        ("nm0000194", "Elisabeth Shue", "elisabeth shue", 1963, None),
        ("nm0001232", "Mike Figgis", "mike figgis", 1948, None),
        ("nm0800001", "Ingrid Solberg", "ingrid solberg", 1950, 2020),
        ("nm0800002", "Peter Marlowe", "peter marlowe", None, None),
        ("nm0800003", "Zoë Carrington", "zoe carrington", 1960, None),
        ("nm0800004", "Peter Marlowe", "peter marlowe", 1970, None),
        ("nm10000001", 'Ana "Bee" Núñez', 'ana "bee" nunez', 1990, None),
    ]
    assert all(key == db.name_key(name) for _, name, key, _, _ in people)


@pytest.mark.parametrize("name", ["Zoë", "  Two  Spaces ", "ÅSA", "Ｗide", "plain ascii", "O'Neill", "tab\x0bbed"])
def test_name_key_in_sql_matches_db(tmp_path: Path, name: str) -> None:
    files = {"names": [["nm0000001", name, N, N, N, N]]}
    path = tmp_path / "c.db"
    import_dir(path, write_dataset(tmp_path / "d", files))
    assert rows(path, "SELECT name_key FROM people") == [(db.name_key(name),)]


def test_credits_mapping(catalog: Path) -> None:
    credits = rows(
        catalog,
        "SELECT t.imdb_id, c.role, c.position, p.imdb_id, c.character, c.note, c.credit FROM credits c"
        " JOIN titles t ON t.id = c.title_id JOIN people p ON p.id = c.person_id ORDER BY 1, 2, 3",
    )
    # Every category is a role; the principals' directors are title.crew's, credited once.
    assert credits == [
        ("tt0093146", "actor", 0, "nm0800002", "Edwin Hale", None, None),
        ("tt0093146", "actor", 1, "nm0800003", "Annie Hale", None, None),
        ("tt0093146", "director", 0, "nm0800001", None, None, None),
        ("tt0093146", "writer", 0, "nm0800001", None, None, None),
        ("tt0113627", "actor", 0, "nm0000115", "Ben Sanderson", None, None),
        ("tt0113627", "actor", 1, "nm0000194", "Sera", None, None),
        ("tt0113627", "actor", 2, "nm0800004", "Bartender / Man in Bar", None, None),
        ("tt0113627", "director", 0, "nm0001232", None, None, None),
        ("tt0113627", "producer", 4, "nm0000115", None, None, "producer"),
        ("tt0113627", "writer", 0, "nm0001232", None, None, None),
        ("tt10872600", "writer", 0, "nm10000001", None, None, None),
        ("tt10872600", "writer", 1, "nm0000115", None, None, None),
        ("tt10872601", "archive_footage", 1, "nm0000115", 'Ben "B" Sanderson', None, None),
        ("tt10872601", "self", 0, "nm10000001", "Self", None, None),
    ]


@pytest.mark.parametrize("order", ["as listed", "reversed"])
def test_a_row_repeated_in_a_group_keeps_its_lowest_position(tmp_path: Path, order: str) -> None:
    # A person twice in one role on a title, an AKA twice: the row of the lowest ordering counts,
    # wherever the file lists it (in ordering order, or after the other).
    files = copy_base()
    files["principals"].append(["tt0113627", "7", "nm0000194", "actress", N, '["Sera again"]'])
    files["akas"].append(["tt0113627", "6", "Adiós a Las Vegas", "AR", N, N, N, "0"])
    if order == "reversed":
        files["principals"].reverse()
        files["akas"].reverse()
    path = tmp_path / "catalog.db"
    import_dir(path, write_dataset(tmp_path / "files", files))
    assert rows(
        path,
        "SELECT c.position, p.imdb_id, c.character FROM credits c JOIN titles t ON t.id = c.title_id"
        " JOIN people p ON p.id = c.person_id WHERE t.imdb_id = 'tt0113627' AND c.role = 'actor' ORDER BY 1",
    ) == [(0, "nm0000115", "Ben Sanderson"), (1, "nm0000194", "Sera"), (2, "nm0800004", "Bartender / Man in Bar")]
    assert rows(
        path,
        "SELECT i.position, i.text FROM title_items i JOIN titles t ON t.id = i.title_id"
        " WHERE i.list = 'akas' AND t.imdb_id = 'tt0113627' ORDER BY i.position",
    ) == [(1, "Adiós a Las Vegas"), (4, 'Die Stadt "Vegas"')]


def test_episodes_and_akas(catalog: Path) -> None:
    assert rows(
        catalog,
        "SELECT e.imdb_id, s.imdb_id, x.season, x.episode FROM episodes x"
        " JOIN titles e ON e.id = x.episode_id JOIN titles s ON s.id = x.series_id",
    ) == [("tt10872601", "tt10872600", 1, 1)]
    # The original title's row and the title itself are left out; a title repeated per region is one AKA.
    assert rows(
        catalog,
        "SELECT i.position, i.text FROM title_items i JOIN titles t ON t.id = i.title_id"
        " WHERE i.list = 'akas' AND t.imdb_id = 'tt0113627' ORDER BY i.position",
    ) == [(1, "Adiós a Las Vegas"), (4, 'Die Stadt "Vegas"')]


def test_counts_and_record_of_the_run(catalog: Path) -> None:
    recorded = rows(
        catalog,
        "SELECT f.dataset, f.read, f.inserted, f.updated, f.deleted, f.skipped FROM import_files f"
        " JOIN imports i ON i.id = f.import_id WHERE i.command = 'load-imdb' ORDER BY f.dataset",
    )
    assert recorded == [
        ("name.basics", 8, 8, 0, 0, 0),
        ("title.akas", 5, 2, 0, 0, 3),
        ("title.basics", 7, 6, 0, 0, 1),
        ("title.crew", 4, 6, 0, 0, 0),
        ("title.episode", 2, 1, 0, 0, 1),
        ("title.principals", 11, 8, 0, 0, 3),
        ("title.ratings", 3, 3, 0, 0, 0),
    ]
    (run,) = rows(catalog, "SELECT command, finished_at IS NOT NULL, loaded, failed, sources FROM imports")
    assert run[:4] == ("load-imdb", 1, 34, 0)
    assert "title.basics.tsv.gz" in run[4]


def test_reimport_same_files_changes_nothing(tmp_path: Path, catalog: Path) -> None:
    before = rows(catalog, "SELECT * FROM titles ORDER BY id")
    report = import_dir(catalog, write_dataset(tmp_path / "day2", BASE, gz=False))
    assert report.total("inserted") == report.total("updated") == report.total("deleted") == 0
    assert rows(catalog, "SELECT * FROM titles ORDER BY id") == before


def test_reimport_updates_adds_and_removes(tmp_path: Path, catalog: Path) -> None:
    ids_before = dict(rows(catalog, "SELECT imdb_id, id FROM titles"))
    files = copy_base()
    files["basics"][4][2] = "Leaving Las Vegas (1995)"  # renamed
    files["basics"][4][8] = "Drama"  # a genre fewer
    files["basics"] = [r for r in files["basics"] if r[0] != "tt0000503"]  # gone
    files["basics"].append(["tt12345678", "movie", "New Film", "Nuova", "0", "2026", N, N, "Drama"])
    files["ratings"][1] = ["tt0113627", "7.6", "120500"]
    files["ratings"] = [r for r in files["ratings"] if r[0] != "tt10872600"]
    files["principals"] = [r for r in files["principals"] if (r[0], r[1]) != ("tt0113627", "2")]  # Shue gone
    files["principals"][3][5] = '["Ben"]'
    files["principals"].append(["tt12345678", "1", "nm0000194", "actress", N, '["Lead"]'])
    files["names"][0][3] = "2099"
    files["akas"].append(["tt12345678", "1", "Nuovo Film", "IT", N, N, N, "0"])
    files["episode"][0][3] = "2"
    report = import_dir(catalog, write_dataset(tmp_path / "day2", files))
    assert counts(report) == {
        "name.basics": (8, 0, 1, 0, 0),
        "title.basics": (7, 1, 1, 1, 1),
        "title.ratings": (2, 0, 1, 1, 0),
        "title.episode": (2, 0, 1, 0, 1),
        "title.crew": (4, 0, 0, 0, 0),
        "title.principals": (11, 1, 1, 1, 3),
        # Renamed, the title's old name becomes one of its AKAs.
        "title.akas": (6, 2, 0, 0, 2),
    }
    titles = dict(rows(catalog, "SELECT imdb_id, title FROM titles"))
    assert titles["tt0113627"] == "Leaving Las Vegas (1995)"
    assert "tt0000503" not in titles and titles["tt12345678"] == "New Film"
    # Titles keep their ids: page merges, episodes and bookmarks survive a nightly run.
    assert dict(rows(catalog, "SELECT imdb_id, id FROM titles WHERE imdb_id != 'tt12345678'")) == {
        k: v for k, v in ids_before.items() if k != "tt0000503"
    }
    assert rows(
        catalog, "SELECT rating, votes FROM titles WHERE imdb_id IN ('tt0113627', 'tt10872600') ORDER BY imdb_id"
    ) == [
        (7.6, 120500),
        (None, None),
    ]
    assert rows(
        catalog, "SELECT genre FROM genres g JOIN titles t ON t.id = g.title_id WHERE t.imdb_id = 'tt0113627'"
    ) == [("Drama",)]
    cast = rows(
        catalog,
        "SELECT p.name, c.character FROM credits c JOIN people p ON p.id = c.person_id JOIN titles t ON t.id = c.title_id"
        " WHERE t.imdb_id = 'tt0113627' AND c.role = 'actor' ORDER BY c.position",
    )
    assert cast == [("Nicolas Cage", "Ben"), ("Peter Marlowe", "Bartender / Man in Bar")]
    assert rows(catalog, "SELECT death_year FROM people WHERE imdb_id = 'nm0000115'") == [(2099,)]
    assert rows(catalog, "SELECT episode FROM episodes") == [(2,)]
    assert rows(
        catalog, "SELECT count(*) FROM genres g WHERE NOT EXISTS (SELECT 1 FROM titles t WHERE t.id = g.title_id)"
    ) == [(0,)]
    assert rows(catalog, "PRAGMA foreign_key_check") == []


def test_person_gone_from_names_stays_while_credited(tmp_path: Path, catalog: Path) -> None:
    files = copy_base()
    files["names"] = [r for r in files["names"] if r[0] not in ("nm0000194", "nm0000115")]
    files["principals"] = [r for r in files["principals"] if r[2] != "nm0000194"]
    report = import_dir(catalog, write_dataset(tmp_path / "day2", files), only="names,principals")
    assert counts(report)["name.basics"][3] == 1  # Shue, credited nowhere now; Cage is still a writer
    assert rows(catalog, "SELECT name FROM people WHERE imdb_id IN ('nm0000194', 'nm0000115')") == [("Nicolas Cage",)]


def test_only_imports_a_subset(tmp_path: Path, catalog: Path) -> None:
    files = copy_base()
    files["ratings"] = [["tt0113627", "9.9", "1"]]
    files["basics"] = []  # would remove every title, were it read
    report = import_dir(catalog, write_dataset(tmp_path / "day2", files), only="ratings")
    assert [f.dataset for f in report.files] == ["title.ratings"]
    assert rows(catalog, "SELECT count(*) FROM titles") == [(6,)]
    assert rows(catalog, "SELECT imdb_id, rating FROM titles WHERE rating IS NOT NULL") == [("tt0113627", 9.9)]


def test_parse_only_and_find_files(tmp_path: Path) -> None:
    assert imdb.parse_only("ratings, basics") == ["basics", "ratings"]
    assert imdb.parse_only("title.principals,name.basics") == ["names", "principals"]
    with pytest.raises(ImdbError, match="unknown file 'bogus'"):
        imdb.parse_only("bogus")
    write_dataset(tmp_path, {"ratings": BASE["ratings"]})
    assert list(imdb.find_files(tmp_path)) == ["ratings"]
    with pytest.raises(ImdbError, match=r"title\.basics\.tsv\.gz: no such file"):
        imdb.find_files(tmp_path, ["basics"])
    write_dataset(tmp_path, {"ratings": BASE["ratings"]}, gz=False)
    with pytest.raises(ImdbError, match="remove one"):
        imdb.find_files(tmp_path)


def test_bad_header_stops_before_any_write(tmp_path: Path, catalog: Path) -> None:
    directory = write_dataset(tmp_path / "day2", copy_base())
    (directory / "title.ratings.tsv.gz").unlink()
    (directory / "title.ratings.tsv").write_text("tconst\taverageRating\tnumVotes\tisNew\ntt0113627\t1.0\t1\t1\n")
    before = rows(catalog, "SELECT count(*) FROM imports")
    with pytest.raises(ImdbError, match="unexpected header"):
        import_dir(catalog, directory)
    assert rows(catalog, "SELECT count(*) FROM imports") == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["tt0113627", "7.5"], "line 3 has 2 fields, expected 3"),
        (["tt0113627", "7.5", "1", "extra"], "line 3 has 4 fields, expected 3"),
        (["xx0113627", "7.5", "1"], "'xx0113627' is not an IMDb id"),
        (["tt01136x7", "7.5", "1"], "'tt01136x7' is not an IMDb id"),
    ],
)
def test_malformed_row_fails_and_leaves_the_catalog(
    tmp_path: Path, catalog: Path, row: list[str], message: str
) -> None:
    files = copy_base()
    files["ratings"] = [["tt0000502", "1.0", "5"], row]
    files["basics"] = []
    before = rows(catalog, "SELECT * FROM titles ORDER BY id")
    with pytest.raises(ImdbError, match=message):
        import_dir(catalog, write_dataset(tmp_path / "day2", files))
    assert rows(catalog, "SELECT * FROM titles ORDER BY id") == before
    assert rows(catalog, "SELECT failed, finished_at IS NOT NULL FROM imports ORDER BY id DESC LIMIT 1") == [(1, 1)]


def test_truncated_gzip_fails_and_leaves_the_catalog(tmp_path: Path, catalog: Path) -> None:
    directory = write_dataset(tmp_path / "day2", {"names": BASE["names"] * 50})
    data = (directory / "name.basics.tsv.gz").read_bytes()
    (directory / "name.basics.tsv.gz").write_bytes(data[: len(data) - 20])
    with pytest.raises(ImdbError, match="cannot read"):
        import_dir(catalog, directory)
    assert rows(catalog, "SELECT count(*) FROM people") == [(8,)]


def test_crlf_and_blank_last_line(tmp_path: Path) -> None:
    directory = tmp_path / "d"
    directory.mkdir()
    header = "\t".join(imdb.DATASETS["ratings"][1])
    (directory / "title.ratings.tsv").write_bytes(f"{header}\r\ntt0000001\t5.0\t10\r\n\r\n".encode())
    path = tmp_path / "c.db"
    report = import_dir(path, directory)
    assert counts(report)["title.ratings"][0] == 1
