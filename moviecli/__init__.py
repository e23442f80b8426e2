"""moviecli: a command-line movie catalog over SQLite."""

__version__ = "0.1.0"
