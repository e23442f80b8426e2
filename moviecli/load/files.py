"""Finding page files under the sources a user names, and reading one page's bytes as text.

A bad file is a LoadError with one line of reason (missing, unreadable, binary, too large,
truncated), never a traceback, and never stops the other files.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from moviecli.errors import LoadError
from moviecli.load.report import Failure

MAX_PAGE_BYTES = 10 * 1024 * 1024  # a title page is ~20 KB; anything this large is not one
STDIN = "-"
_NOT_UTF8_NAME = "file name is not UTF-8; rename the file to load it"
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b")


def find_pages(sources: Iterable[str]) -> tuple[list[str], list[Failure]]:
    """Expand files, folders and '-' into page paths; missing ones are failures.

    A folder gives its *.txt files, recursively and sorted, leaving out hidden files and folders:
    a program that writes `.name.txt` or `name.txt.part` and then renames it is never read half-way.
    Symbolic links to files are followed, links to folders are not (as Path.rglob does). A name
    that is not UTF-8 is refused here: SQLite cannot store it, and it would fail every night.
    """
    paths: list[str] = []
    failures: list[Failure] = []
    for source in sources:
        if source == STDIN:
            paths.append(STDIN)
            continue
        path = Path(source)
        if path.is_dir():
            found: list[str] = []
            base = str(path)
            _walk("" if base == "." else base.rstrip("/") + "/", base, found)
            for name in sorted(found):
                if _is_utf8_name(name):
                    paths.append(name)
                else:
                    failures.append(Failure(name, _NOT_UTF8_NAME))
        elif not _is_utf8_name(source):
            failures.append(Failure(source, _NOT_UTF8_NAME))
        elif path.exists() or path.is_symlink():
            paths.append(str(path))  # anything else (a FIFO, a dangling link) fails when read, by name
        else:
            failures.append(Failure(source, "no such file or directory"))
    return paths, failures


def _is_utf8_name(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # bytes the OS handed over as surrogates (PEP 383)
        return False
    return True


def _walk(prefix: str, folder: str, found: list[str]) -> None:
    """The *.txt files under `folder` (spelled `prefix`), hidden ones left out: os.scandir's d_type, no stat per file."""
    try:
        entries = list(os.scandir(folder))
    except OSError:  # an unreadable subfolder is passed over, as Path.rglob does
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            _walk(prefix + entry.name + "/", entry.path, found)
        elif entry.name.endswith(".txt") and _is_file(entry):
            found.append(prefix + entry.name)


def _is_file(entry: os.DirEntry[str]) -> bool:
    """A file, or a link that cannot be followed (a loop): the latter then fails when read, by name."""
    try:
        return entry.is_file()
    except OSError:
        return True


def _too_large() -> LoadError:
    return LoadError(f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB; not a title page (refused unread)")


def read_page_bytes(path: str) -> bytes:
    """The raw bytes of a page, refusing anything over MAX_PAGE_BYTES without reading it."""
    return read_page(path)[0]


def read_page(path: str) -> tuple[bytes, os.stat_result | None]:
    """A page's bytes and the fstat of the open file taken before reading it (None for stdin)."""
    info = None
    if path == STDIN:
        data = sys.stdin.buffer.read(MAX_PAGE_BYTES + 1)
    else:
        try:
            # O_NONBLOCK: a FIFO named *.txt must not hang the run; it is refused just below.
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except PermissionError as e:
            raise LoadError("permission denied") from e
        except OSError as e:
            raise LoadError((e.strerror or str(e)).lower()) from e
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise LoadError("is a directory")
            if not stat.S_ISREG(info.st_mode):
                raise LoadError("not a regular file")
            if info.st_size > MAX_PAGE_BYTES:
                raise _too_large()
            data = _read_upto(fd, MAX_PAGE_BYTES + 1, info.st_size)
        except OSError as e:
            raise LoadError((e.strerror or str(e)).lower()) from e
        finally:
            os.close(fd)
    if len(data) > MAX_PAGE_BYTES:
        raise _too_large()
    return data, info


def _read_upto(fd: int, limit: int, size: int) -> bytes:
    """At most `limit` bytes of an open file, read in one go when it is `size` bytes (its fstat).

    A buffered read of `limit` allocated 10 MB for every 20 KB page: 47 us a page against 15 us
    (measured, issue 15). A file grown since its fstat is read on, up to the limit.
    """
    parts: list[bytes] = []
    got = 0
    while got < limit:
        part = os.read(fd, min(max(size + 1 - got, 64 * 1024), limit - got))
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def decode_page(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding): UTF-8 (BOM or not), UTF-16 with a BOM, else CP1252 or Latin-1.

    The caller warns of a guessed encoding. A file cut inside a UTF-8 character is certainly
    truncated (a writer still at work, a full disk) and is refused rather than read as CP1252,
    which would turn every accent of the page into mojibake.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise LoadError("not valid UTF-16 despite its byte-order mark") from e
    if not data.strip():
        raise LoadError("empty file")
    sample = data[:8192]
    if b"\x00" in sample or len(sample) - len(sample.translate(None, _CONTROL_BYTES)) > len(sample) // 20:
        raise LoadError("binary file, not a text page")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and _is_utf8(data[: e.start]):
            raise LoadError("truncated: the file ends inside a UTF-8 character (still being written?)") from e
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
