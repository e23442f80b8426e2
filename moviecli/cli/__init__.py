"""The moviecli command line: parse arguments, call one library function, print. No SQL, no parsing.

One Typer app; the commands live by family in loading.py, reading.py, catalog.py and upkeep.py, and are
all top-level commands here, each built only when it is asked for (_LazyCommands). The error edge is here:
the project's own errors, raised anywhere below a command, become one line on stderr and exit 1.

Exit codes: 0 success, 1 a failure the user should know of (a page that did not load, no such
title, no database), 2 a usage error. Data goes to stdout, messages to stderr.
"""

import importlib
import sqlite3
import sys
from collections.abc import Iterator, MutableMapping
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.models import CommandInfo

from moviecli import __version__, db, interrupt
from moviecli.cli.common import DbOption, silence_stdout
from moviecli.errors import MovieCliError

# Each family module's commands (moviecli/cli/<family>.py), in the order --help lists them. A module
# is imported when one of its commands is asked for: a run imports one, --help all of them.
# tests/test_cli_help.py checks this table against the commands the modules declare.
FAMILIES = {
    "loading": ("load", "reparse", "load-imdb", "remove"),
    "reading": ("show", "titles", "people", "filmography", "ratings", "grosses", "reviews", "search"),
    "catalog": ("sql", "stats", "export", "warnings", "serve", "path"),
    "upkeep": ("imports", "check"),
}


def family_commands(family: str) -> dict[str, CommandInfo]:
    """A family's commands, imported, by the name typer gives them (its own rule: a function's name, _ as -)."""
    module = importlib.import_module(f"moviecli.cli.{family}")
    return {
        info.name or typer.main.get_command_name(info.callback.__name__): info  # type: ignore[union-attr]
        for info in module.app.registered_commands
    }


class _LazyCommands(MutableMapping[str, Any]):
    """The commands by name, in their order; a command's module is imported, and typer builds its
    click parameters, when it is first asked for. A run builds only the command it runs (~0.5 ms
    each, from its signature and annotations); --help and shell completion, which list them all,
    build them all."""

    def __init__(self) -> None:
        # The family of each command; None: one added already built (add_command).
        self._families: dict[str, str | None] = {name: f for f, names in FAMILIES.items() for name in names}
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            family = self._families[name]  # KeyError: no such command
            assert family is not None
            # Built alone as typer builds it in the whole app: plain help, no completion options.
            alone = typer.Typer(rich_markup_mode=None, add_completion=False)
            alone.registered_commands.append(family_commands(family)[name])
            self._built[name] = typer.main.get_command(alone)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._families[name] = None
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._families[name]
        self._built.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._families

    def __iter__(self) -> Iterator[str]:
        return iter(self._families)

    def __len__(self) -> int:
        return len(self._families)


class _Commands(TyperGroup):
    """Turns the project's own errors, raised anywhere below a command, into one line and exit 1.

    A damaged catalog is reported here too, wherever SQLite noticed it: any statement of any
    command can be the first to read a broken page of the file.

    Its commands are built as they are asked for (_LazyCommands): building all of them took ~10 ms
    of every start-up.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commands = _LazyCommands()

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names alone: typer's own builds every command to list them

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (Exception, KeyboardInterrupt) as e:
            signum = interrupt.received()
            if signum is not None and not isinstance(e, typer.Exit):
                # Whatever the signal broke on its way (a statement, a callback), it is the cause.
                typer.echo(f"moviecli: {interrupt.describe(signum)}", err=True)
                raise typer.Exit(interrupt.exit_code(signum)) from None
            if isinstance(e, MovieCliError):
                typer.echo(f"moviecli: {e}", err=True)
                raise typer.Exit(1) from None
            if isinstance(e, sqlite3.DatabaseError) and db.is_damage(e):
                typer.echo(f"moviecli: {db.damaged(e)}", err=True)
                raise typer.Exit(1) from None
            raise


app = typer.Typer(
    cls=_Commands,
    help="A movie catalog over SQLite, loaded from saved IMDb title pages.\n\n"
    "Example: moviecli load seeds/ && moviecli show 'Leaving Las Vegas'",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion
    rich_markup_mode=None,  # plain help: rich formatting costs ~80 ms of start-up
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"moviecli {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    db_option: DbOption = None,
) -> None:
    """A movie catalog over SQLite, loaded from saved IMDb title pages.

    Example: moviecli load seeds/ && moviecli show "Leaving Las Vegas"
    """
    if db_option is not None and ctx.invoked_subcommand:
        # `moviecli --db x.db titles`: the command's own --db defaults to it (and still wins if given).
        ctx.default_map = {ctx.invoked_subcommand: {"db_option": str(db_option)}}


def main() -> None:
    """The command line, run by the `moviecli` command and `python -m moviecli` (moviecli/__main__.py,
    which installs the signal handlers first)."""
    try:
        app()
    except SystemExit:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            silence_stdout()
        raise
