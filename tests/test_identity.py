"""A title's identity includes IMDb's year numeral: `Harbour Lights (2011/I)` and `(2011/II)` are two films."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run

FIELDS = Path(__file__).parent / "fixtures" / "fields"
FIRST = FIELDS / "harbour-lights-2011-I.txt"
SECOND = FIELDS / "harbour-lights-2011-II.txt"


def test_two_films_of_one_name_and_year_are_both_kept_and_a_rerun_replaces_nothing(tmp_path: Path) -> None:
    catalog = tmp_path / "c.db"
    first = run("load", FIRST, SECOND, "--db", catalog)
    assert first.exit_code == 0, first.stderr
    assert first.stderr == "2 loaded, 0 replaced, 0 unchanged, 0 failed\n"
    again = run("load", FIRST, SECOND, "--db", catalog)
    assert again.exit_code == 0, again.stderr
    assert again.stderr == "0 loaded, 0 replaced, 2 unchanged, 0 failed\n"

    listed = run("titles", "--db", catalog, "--format", "csv")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout == (
        "title,year,kind,genres,certificate,rating,votes,directors\n"
        "Harbour Lights (2011/I),2011,movie,Comedy,,5.9,1022,Dana Whitlow\n"
        'Harbour Lights (2011/II),2011,movie,"Drama, Mystery",,7.3,12408,"Ilse Brandt, Omar Haddad"\n'
    )


def test_a_changed_page_replaces_only_its_own_numbered_title(tmp_path: Path) -> None:
    catalog = tmp_path / "c.db"
    assert run("load", FIRST, SECOND, "--db", catalog).exit_code == 0
    edited = tmp_path / "harbour-lights-2011-II-edited.txt"
    edited.write_text(SECOND.read_text(encoding="utf-8").replace("7.3/10", "7.4/10"), encoding="utf-8")
    result = run("load", edited, "--db", catalog)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "0 loaded, 1 replaced, 0 unchanged, 0 failed\n"
    ratings = run("sql", "SELECT year_index, rating FROM titles ORDER BY year_index", "--db", catalog, "-f", "csv")
    assert ratings.stdout == "year_index,rating\nI,5.9\nII,7.4\n"


def test_show_names_one_of_them_by_its_numeral_and_lists_both_when_asked_by_name(tmp_path: Path) -> None:
    catalog = tmp_path / "c.db"
    assert run("load", FIRST, SECOND, "--db", catalog).exit_code == 0

    ambiguous = run("show", "Harbour Lights", "--db", catalog)
    assert ambiguous.exit_code == 1
    assert ambiguous.stderr == (
        "moviecli: 2 titles match 'Harbour Lights'; choose one with --year:\n"
        "  Harbour Lights (2011/I) movie\n"
        "  Harbour Lights (2011/II) movie\n"
    )
    for name, directors in (("Harbour Lights (2011/II)", ["Ilse Brandt", "Omar Haddad"]), ("harbour lights (2011/I)", ["Dana Whitlow"])):  # fmt: skip
        shown = run("show", name, "--db", catalog, "--format", "json")
        assert shown.exit_code == 0, shown.stderr
        assert json.loads(shown.stdout)["directors"] == directors
    missing = run("show", "Harbour Lights (2011/III)", "--db", catalog)
    assert (missing.exit_code, missing.stderr) == (
        1,
        "moviecli: no title 'Harbour Lights (2011/III)' in the catalog;"
        " did you mean: Harbour Lights (2011/I), Harbour Lights (2011/II)?\n",
    )
