"""moviecli in shells and pipes: `path`, --db before the command, sql parameters, choices and completion."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import store_page
from typer.testing import CliRunner

from moviecli import db
from moviecli.cli import app
from moviecli.models import CastMember, Title
from moviecli.save import save_title

runner = CliRunner()
MOVIECLI = str(Path(sys.executable).with_name("moviecli"))  # the installed script, as a shell runs it


def test_path_follows_db_then_env_then_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("MOVIECLI_DB", raising=False)
    assert runner.invoke(app, ["path"]).stdout == f"{tmp_path}/data/moviecli/moviecli.db\n"
    monkeypatch.setenv("MOVIECLI_DB", str(tmp_path / "env.db"))
    assert runner.invoke(app, ["path"]).stdout == f"{tmp_path}/env.db\n"
    assert runner.invoke(app, ["path", "--db", str(tmp_path / "opt.db")]).stdout == f"{tmp_path}/opt.db\n"
    assert runner.invoke(app, ["--db", str(tmp_path / "first.db"), "path"]).stdout == f"{tmp_path}/first.db\n"
    assert list(tmp_path.iterdir()) == []  # nothing created, not even the data folder


def test_db_before_the_command(catalog_db: Path, tmp_path: Path) -> None:
    before = runner.invoke(app, ["--db", str(catalog_db), "titles", "--kind", "tv_series", "-f", "csv"])
    assert (before.exit_code, before.stdout) == (
        0,
        'title,year,kind,genres,certificate,rating,votes,directors\nNight Ferry,2015,tv_series,"Crime, Drama, Mystery",TV-MA,8.1,5432,\n',
    )
    # The command's own --db still wins.
    both = runner.invoke(app, ["--db", str(tmp_path / "none.db"), "stats", "--db", str(catalog_db), "-f", "csv"])
    assert both.exit_code == 0 and both.stdout.startswith("table,rows\n")


def sql(catalog_db: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["sql", *args, "--db", str(catalog_db)], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_sql_parameters(catalog_db: Path) -> None:
    assert sql(
        catalog_db,
        "SELECT name FROM people WHERE name_key = :key OR name = :name ORDER BY name",
        "-p",
        "key",
        "zoe ashdown",
        "-p",
        ":name",
        "Hal Greaves",
        "-f",
        "csv",
    ) == (0, "name\nHal Greaves\nZoe Ashdown\n", "")
    # A value is a value, never SQL: a quote in it is just a quote.
    assert sql(catalog_db, "SELECT :v AS v", "-p", "v", "O'Brien'; DROP TABLE titles; --", "-f", "csv") == (
        0,
        "v\nO'Brien'; DROP TABLE titles; --\n",
        "",
    )
    assert sql(catalog_db, "SELECT :missing") == (
        1,
        "",
        "moviecli: sql: You did not supply a value for binding parameter :missing.\n",
    )


def test_sql_from_stdin(catalog_db: Path) -> None:
    assert sql(catalog_db, "-", "-f", "csv", stdin="SELECT title FROM titles WHERE year < 2000\n") == (
        0,
        "title\nThe Salt Road\n",
        "",
    )


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("SELEC 1", 'syntax error: near "SELEC": syntax error'),
        ("SELECT FROM titles", 'syntax error: near "FROM": syntax error'),
        ("SELECT 'unterminated", 'syntax error: unrecognized token: "\'unterminated"'),
        (
            "DELETE FROM titles",
            "only a single read statement (SELECT, WITH, EXPLAIN, PRAGMA or VALUES) is allowed;"
            " the catalog is read-only here",
        ),
    ],
)
def test_sql_syntax_errors_are_called_so(catalog_db: Path, statement: str, message: str) -> None:
    assert sql(catalog_db, statement) == (1, "", f"moviecli: sql: {message}\n")


def _choices(help_text: str) -> str:
    """Help on one line, choice lists as click >= 8.2.1 writes them (`<a|b>`; typer 0.19 on click 8.2.0: `[a|b]`)."""
    return re.sub(r"\[([a-z_]+(?:\|[a-z_]+)+)\]", r"<\1>", " ".join(help_text.split()))


def test_choices_are_listed_validated_and_any_case(catalog_db: Path) -> None:
    help_text = _choices(runner.invoke(app, ["titles", "--help"]).stdout)
    assert "-f, --format <table|csv|tsv|json|jsonl>" in help_text
    assert "--sort <title|year|rating|votes>" in help_text
    assert "--kind <movie|tv_series|tv_mini_series|tv_movie|tv_episode|tv_special|video|video_game|short>" in help_text
    assert "--role <actor|archive_footage|archive_sound|casting_director|cinematographer|composer|creator|" in _choices(
        runner.invoke(app, ["filmography", "--help"]).stdout
    )
    upper = runner.invoke(app, ["titles", "-f", "CSV", "--kind", "MOVIE", "--sort", "Year", "--db", str(catalog_db)])
    assert upper.stdout == (
        "title,year,kind,genres,certificate,rating,votes,directors\n"
        'The Salt Road,1994,movie,"Drama, Western",R,7.2,12345,Marta Quist\n'
        'Paper Moons,2003,movie,"Comedy, Romance",PG-13,6.5,2100,Peter Marsh\n'
        'Wind Road,2010,movie,"Animation, Drama, Family",,,,Kenji Sato\n'
    )
    bad = runner.invoke(app, ["grosses", "--kind", "rental", "--db", str(catalog_db)])
    assert bad.exit_code == 2
    assert (
        "Invalid value for '--kind': 'rental' is not one of 'budget', 'opening_weekend', 'gross', 'worldwide_gross'."
        in bad.stderr
    )


def complete(words: str) -> list[str]:
    """What bash completion offers for the command line `words` (the last word being typed)."""
    env = {
        **os.environ,
        "_MOVIECLI_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = subprocess.run([MOVIECLI], env=env, capture_output=True, text=True, check=True, timeout=60)
    return result.stdout.split()


def test_shell_completion_of_commands_and_values() -> None:
    assert complete("moviecli titles --format ") == ["table", "csv", "tsv", "json", "jsonl"]
    assert complete("moviecli titles --sort r") == ["rating"]
    assert complete("moviecli filmography x --role d") == ["director"]
    assert complete("moviecli grosses --kind ") == ["budget", "opening_weekend", "gross", "worldwide_gross"]
    assert complete("moviecli load-imdb dir --only ratings,b") == ["ratings,basics"]
    assert complete("moviecli pa") == ["path"]


def test_show_completion_prints_a_script() -> None:
    result = runner.invoke(app, ["--show-completion", "bash"], prog_name="moviecli")
    assert result.exit_code == 0
    assert "_moviecli_completion()" in result.stdout
    assert "complete -o default -F _moviecli_completion moviecli" in result.stdout


# ---- tables in pipes and on terminals ----


def test_a_table_in_a_pipe_keeps_values_whole(catalog_db: Path) -> None:
    # A 250-character title stays whole; a 250-character free-text cell is cut to 200 (199 and "…").
    long = "replace(hex(zeroblob(125)), '0', 'a')"
    result = runner.invoke(
        app, ["sql", f"SELECT {long} AS title, 1994 AS year, {long} AS note", "--db", str(catalog_db)]
    )
    title, _rule, row = result.stdout.splitlines()
    assert row == "a" * 250 + "  1994  " + "a" * 199 + "…"
    assert title.split() == ["title", "year", "note"]


def terminal_run(catalog_db: Path, columns: int, *args: str) -> str:
    """stdout of moviecli run on a pseudo-terminal `columns` wide."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    with subprocess.Popen([MOVIECLI, *args, "--db", str(catalog_db)], stdout=follower, env=env) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the command has exited
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0
    os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_a_table_on_a_terminal_fits_it_shortening_free_text_first(catalog_db: Path) -> None:
    # 60 columns: genres, kind and directors are shortened; titles, years and numbers stay whole.
    assert terminal_run(catalog_db, 60, "titles", "--genre", "drama") == (
        "title          year  kind      genres    certific…  rating  votes  directors\n"
        "-------------  ----  --------  --------  ---------  ------  -----  ---------\n"
        "Night Ferry    2015  tv_seri…  Crime, …  TV-MA      8.1     5432\n"
        "The Salt Road  1994  movie     Drama, …  R          7.2     12345  Marta Qu…\n"
        "Wind Road      2010  movie     Animati…                            Kenji Sa…\n"
    )
    # Wide enough: nothing is cut.
    assert terminal_run(catalog_db, 120, "titles", "--genre", "drama").splitlines()[2] == (
        "Night Ferry    2015  tv_series  Crime, Drama, Mystery     TV-MA        8.1     5432"
    )


# ---- wide characters ----


@pytest.fixture
def cjk_db(tmp_path: Path) -> Path:
    """Three invented titles in Japanese, Chinese and Korean, and one in Latin letters."""
    database = tmp_path / "cjk.db"
    conn = db.connect_write(database)
    records = [
        Title(
            title="風の道",
            year=2010,
            genres=["Animation"],
            cast=[CastMember("森 陽翔", "海斗"), CastMember("Zoe Ashdown", "Mina")],
        ),
        Title(title="夜渡轮", year=2015, genres=["Drama"]),
        Title(title="소금길", year=1994, genres=["Western"]),
        Title(title="Wind Road", year=2011, genres=["Family"]),
    ]
    with db.transaction(conn):
        for i, record in enumerate(records):
            save_title(conn, record, store_page(conn, f"p{i}.txt", f"sha-{i}", record.title, "utf-8", "test"))
    conn.close()
    return database


def test_wide_characters_line_up_in_tables(cjk_db: Path) -> None:
    result = runner.invoke(app, ["titles", "--sort", "year", "--db", str(cjk_db), "-f", "table"])
    # Each CJK character takes two columns: the year column starts in the same place on every line.
    assert result.stdout == (
        "title      year  kind   genres     certificate  rating  votes  directors\n"
        "---------  ----  -----  ---------  -----------  ------  -----  ---------\n"
        "소금길     1994  movie  Western\n"
        "風の道     2010  movie  Animation\n"
        "Wind Road  2011  movie  Family\n"
        "夜渡轮     2015  movie  Drama\n"
    )


def test_wide_characters_in_the_card(cjk_db: Path) -> None:
    card = runner.invoke(app, ["show", "風の道", "--db", str(cjk_db)]).stdout
    assert card == (
        "風の道 (2010)\n"
        "=============\n"  # 13 columns: three wide characters and " (2010)"
        "Kind             movie\n"
        "Genres           Animation\n"
        "Cast\n"
        "  森 陽翔                      海斗\n"
        "  Zoe Ashdown                  Mina\n"
    )
