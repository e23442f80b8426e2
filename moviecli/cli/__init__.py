"""The moviecli command line: parse arguments, call one library function, print. No SQL, no parsing.

One Typer app; the commands live by family in loading.py, reading.py, catalog.py and upkeep.py, each merged
here with an unnamed add_typer, so they are top-level commands as ever. The error edge is here:
the project's own errors, raised anywhere below a command, become one line on stderr and exit 1.

Exit codes: 0 success, 1 a failure the user should know of (a page that did not load, no such
title, no database), 2 a usage error. Data goes to stdout, messages to stderr.
"""

import sqlite3
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from moviecli import __version__, db, interrupt
from moviecli.cli import catalog, loading, reading, upkeep
from moviecli.cli.common import DbOption, silence_stdout
from moviecli.errors import MovieCliError


class _Commands(TyperGroup):
    """Turns the project's own errors, raised anywhere below a command, into one line and exit 1.

    A damaged catalog is reported here too, wherever SQLite noticed it: any statement of any
    command can be the first to read a broken page of the file.
    """

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
for family in (loading, reading, catalog, upkeep):
    app.add_typer(family.app)


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
