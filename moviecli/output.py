"""Rows -> table / csv / tsv / json / jsonl on stdout: the one output path every query command shares.

csv, tsv and jsonl are written row by row as the rows come, so a million-row result needs no more
memory than ten. Column names are a contract: they are the keys and headers, in order.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

FORMATS = ("table", "csv", "tsv", "json", "jsonl")
TEXT_CELL_MAX = 200  # a free-text table cell longer than this is shortened, even in a pipe
TABLE_MIN_CELL = 8  # a column shortened to fit a terminal keeps at least this many characters
HEADER_MIN = 9  # and a header word at least this many (longer words are shortened)
# Columns a table never shortens (besides numbers): what a reader greps for and sorts by.
WHOLE_COLUMNS = frozenset({"title", "original_title"})
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: Any) -> str:
    """A cell as text: NULL is empty, booleans are true/false as in JSON, a list is joined with ", ".

    Lists (genres, directors, roles) stay JSON arrays in json/jsonl, where a name holding a comma
    is not ambiguous; the text formats keep the joined form they always had.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _tsv_cell(value: Any) -> str:
    return _text(value).translate(_TSV_ESCAPES)


def _display_width(text: str) -> int:
    """Columns `text` takes on a terminal: CJK characters take two (wcwidth, as tabulate counts them)."""
    if text.isascii():  # the common case: one column a character, no need to ask wcwidth
        return len(text)
    try:
        from wcwidth import wcswidth
    except ImportError:  # without the widechars extra, tabulate counts characters too
        return len(text)
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def _shorten(text: str, cap: int) -> str:
    """`text` in at most `cap` columns, ending in … when cut."""
    if _display_width(text) <= cap:
        return text
    kept = ""
    for char in text:
        if _display_width(kept + char) + 1 > cap:
            break
        kept += char
    return kept + "…"


def _header_lines(name: str, cap: int) -> str:
    """A column name that fits `cap`: whole, else broken at underscores over lines, else shortened."""
    if len(name) <= cap:
        return name
    lines: list[str] = []
    for part in name.split("_"):
        if lines and len(lines[-1]) + 1 + len(part) <= cap:
            lines[-1] += "_" + part
        else:
            lines.append(part)
    return "\n".join(_shorten(line, cap) for line in lines)


def _is_whole(name: str, values: Iterable[Any]) -> bool:
    """Titles, years, dates and numbers are shown whole; other columns are free text."""
    if name in WHOLE_COLUMNS or name.endswith(("year", "date")):
        return True
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)


def _column_caps(columns: Sequence[str], body: list[list[str]], whole: Sequence[bool], width: int | None) -> list[int]:
    """How wide each column may be: free text at most TEXT_CELL_MAX; on a terminal, also the whole
    table within `width`, narrowing the widest free-text column first and whole columns only down to
    their values (a long header breaks over lines instead)."""
    cells = [max([0, *(_display_width(row[i]) for row in body)]) for i in range(len(columns))]
    caps = [max(len(c), n if keep else min(n, TEXT_CELL_MAX)) for c, n, keep in zip(columns, cells, whole, strict=True)]
    if width is None:
        return caps
    header_floor = [
        min(len(c), max(TABLE_MIN_CELL, min(HEADER_MIN, max(len(p) for p in c.split("_"))))) for c in columns
    ]
    floors = [
        max(n, h) if keep else min(cap, max(TABLE_MIN_CELL, h))
        for n, h, cap, keep in zip(cells, header_floor, caps, whole, strict=True)
    ]
    free = [i for i, keep in enumerate(whole) if not keep]
    for candidates in (free, range(len(caps))):  # free text first, then long headers of whole columns
        while sum(caps) + 2 * (len(caps) - 1) > width:
            narrowable = [i for i in candidates if caps[i] > floors[i]]
            if not narrowable:
                break
            widest = max(narrowable, key=lambda i: (caps[i] - floors[i], caps[i]))
            caps[widest] -= 1
    return caps  # a table still too wide wraps in the terminal


def _terminal_width(out: TextIO) -> int | None:
    """The width to fit a table to: the terminal's; None in a pipe or a file, where values stay whole."""
    isatty = getattr(out, "isatty", None)
    if isatty is not None and isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return None


def _write_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], headers: bool, out: TextIO, width: int | None
) -> int:
    import tabulate as tabulate_module  # ~50 ms to import: only when a table is asked for

    tabulate_module.MIN_PADDING = 0  # columns exactly as wide as their cells, so the widths above hold
    tabulate = tabulate_module.tabulate

    raw = [tuple(row) for row in rows]
    whole = [_is_whole(c, (row[i] for row in raw)) for i, c in enumerate(columns)]
    body = [[" ".join(_text(v).split()) for v in row] for row in raw]
    caps = _column_caps(columns, body, whole, width)
    body = [[_shorten(cell, cap) for cell, cap in zip(row, caps, strict=True)] for row in body]
    if headers:
        text = tabulate(
            body,
            headers=[_header_lines(c, cap) for c, cap in zip(columns, caps, strict=True)],
            tablefmt="simple",
            disable_numparse=True,
        )
    else:
        text = tabulate(body, tablefmt="plain", disable_numparse=True)
    if text:
        out.write(text + "\n")
    return len(body)


def write_rows(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str = "table",
    *,
    headers: bool = True,
    out: TextIO | None = None,
    width: int | None = None,
) -> int:
    """Write rows (tuples in the order of `columns`) in `fmt`; returns how many were written.

    A table fits `width` columns, by default the terminal's when `out` is one; in a pipe or a file
    it is as wide as its values (only free text over TEXT_CELL_MAX is shortened).
    """
    out = out or sys.stdout
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        if headers:
            writer.writerow(columns)
        for row in rows:
            writer.writerow([_text(v) for v in row])
            count += 1
    elif fmt == "tsv":
        if headers:
            out.write("\t".join(columns) + "\n")
        for row in rows:
            out.write("\t".join(_tsv_cell(v) for v in row) + "\n")
            count += 1
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "json":
        out.write("[")
        for row in rows:
            out.write(",\n " if count else "\n ")
            out.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
    elif fmt == "table":
        count = _write_table(columns, rows, headers, out, width if width is not None else _terminal_width(out))
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return count


def write_json(value: Any, out: TextIO | None = None) -> None:
    """One JSON document (a record or a list of records), pretty-printed, UTF-8."""
    out = out or sys.stdout
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def write_records(records: Iterable[Any], fmt: str = "jsonl", out: TextIO | None = None) -> int:
    """Whole records (nested JSON objects): one compact object a line (jsonl), or one array (json).

    Written one at a time as they come, so an export of the whole catalog holds one record in memory.
    """
    out = out or sys.stdout
    count = 0
    if fmt == "json":
        out.write("[")
    for record in records:
        text = json.dumps(record, ensure_ascii=False)
        out.write((",\n " if count else "\n ") + text if fmt == "json" else text + "\n")
        count += 1
    if fmt == "json":
        out.write("\n]\n" if count else "]\n")
    return count
