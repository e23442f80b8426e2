"""Rows -> table / csv / tsv / json / jsonl on stdout: the one output path every query command shares.

csv, tsv and jsonl are written row by row as the rows come, so a million-row result needs no more
memory than ten. Column names are a contract: they are the keys and headers, in order.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

FORMATS = ("table", "csv", "tsv", "json", "jsonl")
TABLE_CELL_WIDTH = 40  # long text is shortened in tables; other formats keep it whole
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value).translate(_TSV_ESCAPES)


def _table_cell(value: Any, width: int) -> Any:
    if isinstance(value, str):
        value = " ".join(value.split())
        if len(value) > width:
            return value[: width - 1] + "…"
    return value


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
            writer.writerow(["" if v is None else v for v in row])
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
        from tabulate import tabulate  # ~50 ms to import: only when a table is asked for

        body = [[_table_cell(v, cell_width) for v in row] for row in rows]
        count = len(body)
        text = tabulate(body, headers=list(columns) if headers else (), tablefmt="simple", disable_numparse=True)
        if text:
            out.write(text + "\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return count


def write_json(value: Any, out: TextIO | None = None) -> None:
    """One JSON document (a record or a list of records), pretty-printed, UTF-8."""
    out = out or sys.stdout
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
