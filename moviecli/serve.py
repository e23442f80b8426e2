"""`moviecli serve`: the catalog in a browser, through datasette, with metadata moviecli writes.

datasette is an optional extra (`pip install 'moviecli[web]'`), imported only here and only when
serving. The catalog is opened as datasette opens any mutable file (read-only, `mode=ro`), never
as immutable: an immutable WAL catalog shows stale counts while a load is writing to it.

The search canned query escapes what the user typed exactly as `moviecli search` does
(search.fts_query), through a SQL function this module registers on datasette's connections.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

from moviecli import db
from moviecli.errors import MovieCliError

INSTALL_HINT = "serve needs datasette: pip install 'moviecli[web]'"

# Records of runs and of files read, the rows load-imdb filled in, and the full-text internals:
# bookkeeping a reader browsing films has no use for. The search canned query still reads them.
# search_docs stays visible: datasette finds the full-text index declared on it and gives its
# page a search box (as `sqlite-utils search CATALOG search_docs WORD` finds it too).
HIDDEN_TABLES = (
    "page_files",
    "imports",
    "import_files",
    "imdb_fills",
    "search_index",
    "search_index_config",
    "search_index_data",
    "search_index_docsize",
    "search_index_idx",
)

SEARCH_SQL = (
    "SELECT t.id AS title_id, t.title, t.year, d.field,"
    " snippet(search_index, 0, '*', '*', '…', 12) AS snippet"
    " FROM search_index JOIN search_docs d ON d.id = search_index.rowid JOIN titles t ON t.id = d.title_id"
    " WHERE search_index MATCH moviecli_fts_query(:q)"
    " ORDER BY search_index.rank, t.title COLLATE NOCASE, t.year, t.id, d.id LIMIT 100"
)

# The person is matched as `moviecli filmography` matches an exact name: case and accents ignored.
FILMOGRAPHY_SQL = (
    "SELECT p.name, t.id AS title_id, t.year, t.title, c.role, c.character, coalesce(c.credit, c.note) AS credit"
    " FROM people p JOIN credits c ON c.person_id = p.id JOIN titles t ON t.id = c.title_id"
    " WHERE p.name_key = moviecli_name_key(:name)"
    " ORDER BY p.name, p.id, t.year IS NULL, t.year, t.title COLLATE NOCASE, t.id,"
    " CASE c.role WHEN 'director' THEN 0 WHEN 'writer' THEN 1 WHEN 'creator' THEN 2 WHEN 'star' THEN 3"
    " ELSE 4 END, c.position"
)


class ServeError(MovieCliError):
    """Raised by serve() when the catalog or datasette is missing; shown by the CLI as one line."""


def fts_match(text: str | None) -> str:
    """search.fts_query for SQL; a query with no words matches nothing (an empty MATCH is an error)."""
    from moviecli.search import fts_query

    return fts_query(text or "") or '""'


def metadata(database: str) -> dict[str, Any]:
    """datasette metadata for a catalog served under the name `database`."""
    tables: dict[str, Any] = {name: {"hidden": True} for name in HIDDEN_TABLES}
    tables.update(
        {
            "titles": {"label_column": "title", "facets": ["kind", "year", "certificate"], "sort": "title"},
            "people": {"label_column": "name", "sort": "name"},
            "genres": {"facets": ["genre"]},
            "box_office": {"facets": ["kind", "currency"]},
        }
    )
    return {
        "title": "moviecli catalog",
        "databases": {
            database: {
                "tables": tables,
                "queries": {
                    "search": {
                        "title": "Search",
                        "description": "Titles, AKAs, people, summaries, storylines, reviews, trivia, goofs and quotes containing"
                        " every word typed (punctuation ignored), best match first; as `moviecli search`.",
                        "sql": SEARCH_SQL,
                    },
                    "filmography": {
                        "title": "Filmography",
                        "description": "Every credit of a person, by year then title; the full name, case and"
                        " accents ignored.",
                        "sql": FILMOGRAPHY_SQL,
                    },
                },
            }
        },
    }


def _prepare_connection(conn: sqlite3.Connection) -> None:
    """datasette's prepare_connection hook: the SQL functions the canned queries call."""
    conn.create_function("moviecli_fts_query", 1, fts_match, deterministic=True)
    conn.create_function("moviecli_name_key", 1, lambda name: db.name_key(name or ""), deterministic=True)


def datasette_app(path: Path) -> Any:
    """A datasette.app.Datasette on the catalog at `path` (checked to be one), with moviecli's metadata."""
    db.connect_read(path).close()  # one clear error for a missing or foreign file, before datasette's
    try:
        from datasette import hookimpl  # type: ignore[import-untyped, import-not-found, unused-ignore]
        from datasette.app import Datasette  # type: ignore[import-untyped, import-not-found, unused-ignore]
        from datasette.plugins import pm  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        raise ServeError(INSTALL_HINT) from None
    if pm.get_plugin("moviecli") is None:
        # pluggy finds hooks by datasette's marker, so the plugin is built once datasette is imported.
        plugin = ModuleType("moviecli.serve.plugin")
        plugin.prepare_connection = hookimpl(_prepare_connection)  # type: ignore[attr-defined]
        pm.register(plugin, name="moviecli")
    resolved = path.resolve()
    return Datasette(files=[str(resolved)], metadata=metadata(resolved.stem))


def _check_address(host: str, port: int) -> None:
    """ServeError in one line when nothing can listen on host:port (uvicorn would log and exit 3)."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as e:
        reason = os.strerror(e.errno) if e.errno else str(e)
        raise ServeError(f"cannot listen on {host}:{port}: {reason}") from None


def serve(path: Path, host: str, port: int) -> None:
    """Serve the catalog at http://host:port/ until interrupted."""
    app = datasette_app(path)
    _check_address(host, port)
    import uvicorn  # type: ignore[import-not-found, unused-ignore]  # a dependency of datasette

    uvicorn.run(app.app(), host=host, port=port, log_level="warning")
