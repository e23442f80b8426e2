"""The project's own exceptions: raised deep down, turned into one-line messages and exit code 1 by the
error edge of cli/ (cli/__init__.py), so no command needs its own try/except."""


class MovieCliError(Exception):
    """Base of every error moviecli reports to the user (exit code 1)."""


class ParseError(MovieCliError):
    """Raised by the parser when a text is not a title page (e.g. no recognisable title)."""


class LoadError(MovieCliError):
    """Raised by load when a file cannot be read as a page (missing, unreadable, binary, too large)."""


class DatabaseError(MovieCliError):
    """Raised when the database is missing, not a moviecli catalog, or a statement is refused."""


class QueryError(MovieCliError):
    """Raised by queries.py when a query cannot be answered as asked (no such person, a refused statement)."""


class ImdbError(MovieCliError):
    """Raised by imdb/ when the dataset files cannot be imported (missing, bad header, malformed)."""


class LookupFailed(MovieCliError):
    """Raised by lookup when a title or person given by the user matches nothing or several (exit 1)."""
