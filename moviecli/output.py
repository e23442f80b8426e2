"""Rows -> table / csv / tsv / json / jsonl on stdout: the one output path every query command shares.

Every format is written row by row as the rows come, so a million-row result needs no more memory
than ten: a table fits its widths from its first FIT_ROWS rows and writes the rest in them.
Column names are a contract: they are the keys and headers, in order.

Every value has a valid form in every format: a BLOB is `{"$base64": true, "encoded": …}` in JSON
(as sqlite-utils writes it), its base64 text in csv/tsv and `<Binary: N bytes>` in a table (as
datasette shows it); a number that is not finite (NaN, ±Infinity) is null, or empty in text.
A table escapes control characters (visible()): a value cannot send the terminal a command.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
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
FIT_ROWS = 1000  # a table's widths are fitted from this many rows at most; later rows are written in them
FIT_CHARS = 16_000_000  # ... and from fewer when their cells hold more text than this (memory stays bounded)
_CUT = 4 * TEXT_CELL_MAX  # free text longer than this is cut as it is read: no cap is wider
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# What a terminal would take as a command or a line break: C0 (ESC, BEL, CR, ...), DEL, C1 (CSI,
# OSC, ...) and the Unicode line separators, shown as Python writes them in a string (\x1b, \n),
# as load messages show file names.
_CONTROL_ESCAPES = {c: repr(chr(c))[1:-1] for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)}


@functools.cache
def _control() -> re.Pattern[str]:
    # Compiled on first use, not at import: ~1 ms of every start-up, and csv output never needs it.
    return re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def visible(text: str) -> str:
    r"""`text` safe to print on a terminal: control characters escaped (ESC is `\x1b`, a newline `\n`).

    Page text reaches tables, the card and messages: an escape sequence in it (colours, an OSC
    title or hyperlink, a cursor move) is shown, never obeyed. csv, tsv and JSON keep the data.
    """
    return text.translate(_CONTROL_ESCAPES) if _control().search(text) else text


def _text(value: Any) -> str:
    """A cell as text: NULL and a number that is not finite are empty, booleans true/false as in JSON,
    a list joined with ", ", a BLOB its base64 (the `encoded` of JSON).

    Lists (genres, directors, roles) stay JSON arrays in json/jsonl, where a name holding a comma
    is not ambiguous; the text formats keep the joined form they always had.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, bytes):
        return _base64(value)
    return str(value)


def _base64(value: bytes) -> str:
    import base64  # only for a BLOB: ~1 ms of every start-up otherwise

    return base64.b64encode(value).decode("ascii")


def _json_default(value: Any) -> Any:
    """A BLOB in JSON as sqlite-utils writes it (and its `insert` reads it back as bytes)."""
    if isinstance(value, bytes):
        return {"$base64": True, "encoded": _base64(value)}
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _finite(value: Any) -> Any:
    """`value` with every NaN and ±Infinity replaced by None: JSON has no such numbers."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _dumps(value: Any, indent: int | None = None) -> str:
    """Valid JSON, always: BLOBs encoded, a number that is not finite written as null."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, default=_json_default, indent=indent)
    except ValueError:  # NaN or Infinity somewhere (rare): only then walk the value
        return json.dumps(_finite(value), ensure_ascii=False, allow_nan=False, default=_json_default, indent=indent)


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


def _whole_by_name(name: str) -> bool:
    """Titles, years and dates are shown whole, whatever their values."""
    return name in WHOLE_COLUMNS or name.endswith(("year", "date"))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


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


def _table_cell(value: Any, may_cut: bool) -> str:
    """A value as one line of a table cell: whitespace collapsed, control characters escaped, a BLOB
    as datasette shows it. Free text (`may_cut`) over _CUT characters is cut here, where it is read:
    no column is wider than TEXT_CELL_MAX, so the shortened cell is the same."""
    if isinstance(value, bytes):
        return f"<Binary: {len(value):,} byte{'' if len(value) == 1 else 's'}>"
    text = " ".join(_text(value).split())
    if may_cut and len(text) > _CUT:
        cut = visible(text[:_CUT])
        if _display_width(cut) > TEXT_CELL_MAX:  # else zero-width characters: keep it all
            return cut
    return visible(text)


def _pad(cell: str, width: int) -> str:
    return cell + " " * (width - _display_width(cell))


def _write_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], headers: bool, out: TextIO, width: int | None
) -> int:
    """A table in bounded memory: the first FIT_ROWS rows fitted and written by tabulate, as a table
    of that many rows always was; the later rows streamed in the widths tabulate chose.

    A later free-text cell wider than its column is shortened with … as any cell over its cap is;
    a later number, title, year or date is never shortened: it is written whole and its column is
    that wide from that row on (later columns shift right against the header; no value is cut).
    """
    import tabulate as tabulate_module  # ~50 ms to import: only when a table is asked for

    tabulate_module.MIN_PADDING = 0  # columns exactly as wide as their cells, so the widths above hold
    tabulate = tabulate_module.tabulate

    by_name = [_whole_by_name(c) for c in columns]
    numbers = [True] * len(columns)  # every value present so far a number
    present = [False] * len(columns)
    rows = iter(rows)
    body: list[list[str]] = []
    chars = 0
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            if value is not None:
                present[i] = True
                numbers[i] = numbers[i] and _is_number(value)
            cell = _table_cell(value, not by_name[i])
            chars += len(cell)
            cells.append(cell)
        body.append(cells)
        if len(body) >= FIT_ROWS or chars > FIT_CHARS:
            break
    whole = [n or (p and k) for n, p, k in zip(by_name, present, numbers, strict=True)]
    shown_columns = [visible(c) for c in columns]
    caps = _column_caps(shown_columns, body, whole, width)
    body = [[_shorten(cell, cap) for cell, cap in zip(row, caps, strict=True)] for row in body]
    header_lines = [_header_lines(c, cap) for c, cap in zip(shown_columns, caps, strict=True)]
    if headers:
        text = tabulate(body, headers=header_lines, tablefmt="simple", disable_numparse=True)
    else:
        text = tabulate(body, tablefmt="plain", disable_numparse=True)
    if text:
        out.write(text + "\n")
    count = len(body)
    # The widths tabulate gave the columns: its widest cell, or header line (MIN_PADDING 0).
    widths = [max(_display_width(row[i]) for row in body) if body else 0 for i in range(len(columns))]
    if headers:
        widths = [
            max(w, *(_display_width(line) for line in h.split("\n"))) for w, h in zip(widths, header_lines, strict=True)
        ]
    del body
    for row in rows:
        count += 1
        cells = []
        for i, value in enumerate(row):
            cell = _table_cell(value, not by_name[i])
            cell_width = _display_width(cell)
            if cell_width > widths[i]:
                if whole[i] or _is_number(value):
                    widths[i] = cell_width
                else:
                    cell = _shorten(cell, widths[i])
            cells.append(_pad(cell, widths[i]))
        out.write("  ".join(cells).rstrip() + "\n")  # as tabulate writes a row of "simple" and "plain"
    return count


def _write_csv_row(writer: Any, cells: list[str], out: TextIO) -> None:
    """One CSV row, a bare carriage return quoted too.

    The csv module quotes only the characters of its line terminator: with "\\n", a cell holding
    a lone "\\r" would go out bare and readers would split the row there. Such a row (rare) is
    written as with "\\r\\n", which quotes it, and ended with "\\n" like every other row.
    """
    if not any("\r" in cell for cell in cells):
        writer.writerow(cells)
        return
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    out.write(buffer.getvalue()[:-2] + "\n")


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
            _write_csv_row(writer, list(columns), out)
        for row in rows:
            _write_csv_row(writer, [_text(v) for v in row], out)
            count += 1
    elif fmt == "tsv":
        if headers:
            out.write("\t".join(columns) + "\n")
        for row in rows:
            out.write("\t".join(_tsv_cell(v) for v in row) + "\n")
            count += 1
    elif fmt == "jsonl":
        for row in rows:
            out.write(_dumps(dict(zip(columns, row, strict=True))) + "\n")
            count += 1
    elif fmt == "json":
        out.write("[")
        for row in rows:
            out.write(",\n " if count else "\n ")
            out.write(_dumps(dict(zip(columns, row, strict=True))))
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
    out.write(_dumps(value, indent=2) + "\n")


def write_records(records: Iterable[Any], fmt: str = "jsonl", out: TextIO | None = None) -> int:
    """Whole records (nested JSON objects): one compact object a line (jsonl), or one array (json).

    Written one at a time as they come, so an export of the whole catalog holds one record in memory.
    """
    out = out or sys.stdout
    count = 0
    if fmt == "json":
        out.write("[")
    for record in records:
        text = _dumps(record)
        out.write((",\n " if count else "\n ") + text if fmt == "json" else text + "\n")
        count += 1
    if fmt == "json":
        out.write("\n]\n" if count else "]\n")
    return count
