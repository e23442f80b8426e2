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
TABLE_CELL_WIDTH = 40  # long text is shortened in tables; other formats keep it whole
TABLE_MIN_CELL = 8  # a shortened column keeps at least this many characters
HEADER_MIN = 9  # and a header word at least this many (longer words are shortened)
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


def _column_caps(columns: Sequence[str], body: list[list[str]], width: int, cell_width: int) -> list[int]:
    """How wide each table column may be so the whole table fits in `width` (narrowing the widest first)."""
    natural = [max([len(c), *(len(row[i]) for row in body)]) for i, c in enumerate(columns)]
    caps = [min(cell_width, n) for n in natural]
    # A column can narrow down to its longest header word (at most HEADER_MIN) or TABLE_MIN_CELL.
    floors = [
        min(n, max(TABLE_MIN_CELL, min(HEADER_MIN, max(len(p) for p in c.split("_")))))
        for c, n in zip(columns, natural, strict=True)
    ]
    while sum(caps) + 2 * (len(caps) - 1) > width:
        widest = max(range(len(caps)), key=lambda i: (caps[i] - floors[i], caps[i]))
        if caps[widest] <= floors[widest]:
            break  # as narrow as it gets; a very wide table wraps in the terminal
        caps[widest] -= 1
    return caps


def _shorten(text: str, cap: int) -> str:
    return text if len(text) <= cap else text[: cap - 1] + "…"


def _write_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], headers: bool, out: TextIO, cell_width: int
) -> int:
    import tabulate as tabulate_module  # ~50 ms to import: only when a table is asked for

    tabulate_module.MIN_PADDING = 0  # columns exactly as wide as their cells, so the widths above hold
    tabulate = tabulate_module.tabulate

    body = [[" ".join(_text(v).split()) for v in row] for row in rows]
    width = shutil.get_terminal_size((80, 24)).columns
    caps = _column_caps(columns, body, width, cell_width)
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
    cell_width: int = TABLE_CELL_WIDTH,
) -> int:
    """Write rows (tuples in the order of `columns`) in `fmt`; returns how many were written."""
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
        count = _write_table(columns, rows, headers, out, cell_width)
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
