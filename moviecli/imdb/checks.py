"""What a row of each dataset file may hold, checked in SQL over a whole staged file (x_<name>).

The rule: a file with a row that lies (an id that is no IMDb id, an id listed twice, a year,
rating, vote count, runtime, season or position out of type or range) is refused whole and the
run stops before any write, like a file with a wrong number of fields. Skipping the row is no
choice here: the import brings the catalog in line with each file, so a title or person skipped
would be deleted. This module finds the row; stage.py names its line and field.
"""

from __future__ import annotations

import sqlite3

from moviecli.imdb.sql import num

# The id columns of each raw table.
ID_COLUMNS = {
    "names": ("nconst",),
    "basics": ("tconst",),
    "ratings": ("tconst",),
    "episode": ("tconst", "parent"),
    "crew": ("tconst",),
    "principals": ("tconst", "nconst"),
    "akas": ("tconst",),
}

# An id is 'tt' or 'nm' and its number in 7 digits, zero-padded ('tt0113627'), or in 8 to 10
# without a leading zero: IMDb's ids have 7 or 8 digits today, and will need a 9th one day; past
# 10 digits it is no id (19 digits would not even fit the catalog's integers), and an id padded
# further ('tt00113627') would be a second spelling of one title.
_ID = (
    "({c} GLOB '{p}[0-9][0-9][0-9][0-9][0-9][0-9][0-9]' OR ({c} GLOB '{p}[1-9][0-9][0-9][0-9][0-9][0-9][0-9]*'"
    " AND length({c}) <= 12 AND substr({c}, 3) NOT GLOB '*[^0-9]*'))"
)

# The other fields: the raw table holds them as the file has them, with the column's affinity
# ('1995' is an integer, 'abc', 'nan' and '\N' stay text, '1e999' is a real, infinite):
# column -> (SQL true for a value kept, its bounds, what a refused value is not). Every value
# may also be \N.
_WHOLE = "typeof({c}) = 'integer' AND {c} BETWEEN {low} AND {high}"
_YEAR = (_WHOLE, 0, 9999, "is not a year")
_POSITION = (_WHOLE, 1, 1_000_000, "is not a position (1 or more)")
VALUES: dict[str, dict[str, tuple[str, int, int, str]]] = {
    "names": {"birth": _YEAR, "death": _YEAR},
    "basics": {"year": _YEAR, "end_year": _YEAR, "runtime": (_WHOLE, 0, 1_000_000, "is not a number of minutes")},
    "ratings": {
        "rating": (
            "typeof({c}) IN ('integer', 'real') AND {c} BETWEEN {low} AND {high}",
            1,
            10,
            "is not a rating from 1 to 10",
        ),
        "votes": (_WHOLE, 0, 2**62, "is not a number of votes"),
    },
    "episode": {
        "season": (_WHOLE, 0, 1_000_000, "is not a season number"),
        "episode": (_WHOLE, 0, 10_000_000, "is not an episode number"),
    },
    "principals": {"ordering": _POSITION},
    "akas": {"ordering": _POSITION},
}

# Files with one row per id: the prepared table's primary key refuses a second one (PREPARE).
UNIQUE_IDS = {"names": "nconst", "basics": "tconst", "ratings": "tconst", "episode": "tconst", "crew": "tconst"}


def first_lie(conn: sqlite3.Connection, name: str) -> tuple[int, str, str] | None:
    """(rowid, column, reason) of the first row of x_<name> that lies, in file order; None when none does."""
    checks: list[tuple[str, str, str]] = []  # (column, SQL true for a value refused, reason)
    for column in ID_COLUMNS[name]:
        prefix = "nm" if column == "nconst" else "tt"
        present = f"{column} != '\\N' AND " if column == "parent" else ""
        checks.append(
            (
                column,
                f"{present}NOT {_ID.format(c=column, p=prefix)}",
                f"is not an IMDb id ({prefix} and 7 digits, or 8 to 10)",
            )
        )
    for column, (test, low, high, reason) in VALUES.get(name, {}).items():
        checks.append((column, f"{column} != '\\N' AND NOT ({test.format(c=column, low=low, high=high)})", reason))
    # One pass over the file's rows, the first that lies, then which of its fields lies.
    bad = conn.execute(
        f"SELECT rowid, {', '.join(refused for _, refused, _ in checks)} FROM x_{name}"
        f" WHERE {' OR '.join(f'({refused})' for _, refused, _ in checks)} LIMIT 1"
    ).fetchone()
    if bad is None:
        return None
    column, _, reason = next(check for check, lies in zip(checks, bad[1:], strict=True) if lies)
    return bad[0], column, reason


def listed_twice(conn: sqlite3.Connection, name: str) -> tuple[str, int, int]:
    """(id column, rowid of its first row, of its second) for an id x_<name> lists twice.

    Called when PREPARE's primary key refused a second row (rolled back, so x_<name> is intact).
    """
    column = UNIQUE_IDS[name]
    first, second = conn.execute(
        f"SELECT min(rowid), max(rowid) FROM (SELECT rowid, {num(column)} AS n,"
        f" count(*) OVER (PARTITION BY {num(column)}) AS k FROM x_{name}) WHERE k > 1 GROUP BY n ORDER BY 2 LIMIT 1"
    ).fetchone()
    return column, first, second
