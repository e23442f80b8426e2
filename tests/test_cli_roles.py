"""Every role a person can have (issue 13): each title.principals category is a role, the job its
credit, the writer's job their credit, and a person is listed once per role on a title."""

from __future__ import annotations

import gzip
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import run
from imdb_dataset import N, copy_base, write_dataset

from moviecli.imdb.stage import ROLE_OF_CATEGORY
from moviecli.vocabulary import ROLES

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import imdb_datasets  # benchmarks/ is a folder of scripts, not a package


def ok(*args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def crafts() -> dict[str, list[list[str]]]:
    """The test dataset, with a composer, a principals-only director and a writer's job added."""
    files = copy_base()
    files["basics"].append(["tt0200001", "movie", "Glass Harbour", N, "0", "2001", N, "98", "Drama"])
    files["names"] += [
        ["nm0900001", "Hedda Sorensen", "1955", N, "composer", N],
        ["nm0900002", "Otto Brenner", "1961", N, "producer", N],
    ]
    files["crew"].append(["tt0200001", "nm0001232", "nm0001232,nm0900002"])
    files["principals"] += [
        ["tt0200001", "1", "nm0000115", "actor", N, '["Vik"]'],
        ["tt0200001", "2", "nm0900001", "composer", N, N],
        ["tt0200001", "3", "nm0900002", "writer", "screenplay by", N],
        ["tt0200001", "4", "nm0900002", "producer", "executive producer", N],
        ["tt0200001", "5", "nm0000194", "director", N, N],  # not in title.crew's list
        ["tt0200001", "6", "nm0001232", "director", N, N],  # in it: credited once
        ["tt0200001", "7", "nm0900001", "composer", N, N],  # listed twice: credited once
        ["tt0200001", "8", "nm0900001", "casting_director", N, N],
    ]
    return files


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    db = tmp_path / "catalog.db"
    ok("load-imdb", write_dataset(tmp_path / "day1", crafts()), "--db", db, "-q")
    return db


def test_every_category_of_the_file_is_a_role() -> None:
    assert set(ROLE_OF_CATEGORY.values()) <= set(ROLES)
    assert {"producer", "composer", "cinematographer", "editor", "production_designer", "casting_director"} <= set(
        ROLE_OF_CATEGORY
    )


def test_filmography_of_a_composer_and_a_producer(catalog: Path) -> None:
    assert ok("filmography", "Hedda Sorensen", "--db", catalog, "-f", "tsv") == (
        "year\ttitle\trole\tcharacter\tcredit\trating\n"
        "2001\tGlass Harbour\tcomposer\t\t\t\n"
        "2001\tGlass Harbour\tcasting_director\t\t\t\n"
    )
    # The writer's job in title.principals is their credit on title.crew's writer credit.
    assert ok("filmography", "Otto Brenner", "--db", catalog, "-f", "tsv") == (
        "year\ttitle\trole\tcharacter\tcredit\trating\n"
        "2001\tGlass Harbour\twriter\t\tscreenplay by\t\n"
        "2001\tGlass Harbour\tproducer\t\texecutive producer\t\n"
    )


def test_a_principals_director_missing_from_crew_is_credited_after_crew(catalog: Path) -> None:
    assert ok("filmography", "Elisabeth Shue", "--role", "director", "--db", catalog, "-f", "csv") == (
        "year,title,role,character,credit,rating\n2001,Glass Harbour,director,,,\n"
    )
    assert ok("filmography", "Mike Figgis", "--role", "director", "--db", catalog, "-f", "csv") == (
        "year,title,role,character,credit,rating\n"
        "1995,Leaving Las Vegas,director,,,7.5\n"
        "2001,Glass Harbour,director,,,\n"
    )
    record = ok("show", "Glass Harbour", "--db", catalog, "-f", "json")
    assert '"directors": [\n    "Mike Figgis",\n    "Elisabeth Shue"\n  ]' in record


def test_people_and_filmography_take_every_role(catalog: Path) -> None:
    assert ok("people", "--role", "producer", "--db", catalog, "-f", "csv") == (
        'name,titles,roles\nNicolas Cage,4,"actor, archive_footage, producer, writer"\n'
        'Otto Brenner,1,"producer, writer"\n'
    )
    assert ok("filmography", "Nicolas Cage", "--role", "archive_footage", "--db", catalog, "-f", "tsv") == (
        'year\ttitle\trole\tcharacter\tcredit\trating\n2020\tPilot\tarchive_footage\tBen "B" Sanderson\t\t\n'
    )
    refused = run("filmography", "Nicolas Cage", "--role", "gaffer", "--db", catalog)
    assert refused.exit_code == 2
    assert "'gaffer' is not one of" in refused.stderr


def test_a_director_crew_gains_later_is_credited_once(tmp_path: Path, catalog: Path) -> None:
    files = crafts()
    files["crew"][-1] = ["tt0200001", "nm0001232,nm0000194", "nm0001232,nm0900002"]
    ok("load-imdb", write_dataset(tmp_path / "day2", files), "--db", catalog, "-q", "--only", "crew")
    assert ok("filmography", "Elisabeth Shue", "--role", "director", "--db", catalog, "-f", "csv") == (
        "year,title,role,character,credit,rating\n2001,Glass Harbour,director,,,\n"
    )
    # The writer keeps their job through a crew-only run.
    assert "writer\t\tscreenplay by" in ok("filmography", "Otto Brenner", "--db", catalog, "-f", "tsv")


def _read(folder: Path, stem: str) -> list[list[str]]:
    lines = gzip.decompress((folder / f"{stem}.tsv.gz").read_bytes()).decode().splitlines()
    return [line.split("\t") for line in lines[1:]]


def test_a_generated_dataset_persons_filmography_lists_every_credit_once_per_role(tmp_path: Path) -> None:
    folder = tmp_path / "generated"
    imdb_datasets.generate(folder, 400)
    db = tmp_path / "catalog.db"
    ok("load-imdb", folder, "--db", db, "-q")
    titles = {r[0]: ("" if r[5] == N else r[5], r[2]) for r in _read(folder, "title.basics")}
    people = {r[0] for r in _read(folder, "name.basics")}
    expected: dict[str, set[tuple[str, str, str]]] = {}
    for tconst, _, nconst, category, *_ in _read(folder, "title.principals"):
        if tconst in titles and nconst in people:
            expected.setdefault(nconst, set()).add((*titles[tconst], ROLE_OF_CATEGORY[category]))
    for tconst, directors, writers in _read(folder, "title.crew"):
        for role, listed in (("director", directors), ("writer", writers)):
            for nconst in listed.split(",") if listed != N else []:
                if tconst in titles and nconst in people:
                    expected.setdefault(nconst, set()).add((*titles[tconst], role))
    busiest = sorted(expected, key=lambda n: (-len(expected[n]), n))[:5]
    for nconst in busiest:
        out = ok("filmography", nconst, "--db", db, "-f", "tsv", "--no-headers")
        found = Counter((r[0], r[1], r[2]) for r in (line.split("\t") for line in out.splitlines()))
        assert set(found) == expected[nconst], nconst
        assert max(found.values()) == 1, nconst  # once per role on a title
