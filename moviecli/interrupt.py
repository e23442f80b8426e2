"""Ctrl-C and SIGTERM: any command stops within about a second, says so in one line, exits 130 / 143.

Python runs a signal handler only between bytecodes, so a long SQLite statement (a recursive
query, one of load-imdb's bulk UPDATEs) would ignore SIGINT until it ended (issue 10: only
SIGKILL ended `WITH RECURSIVE c(x) ... SELECT count(*) FROM c`). Every connection therefore gets
a progress handler (db._configure), a Python function SQLite calls every PROGRESS_STEPS
virtual-machine steps: calling it lets Python run the pending handler, whose exception aborts the
statement (SQLite raises "interrupted"). Since that exception is swallowed on its way through
SQLite, the signal is also remembered here, and the command line's error edge asks `received()`
whatever the exception it finally sees. The same progress handler ends `sql --timeout` queries.

Worker processes leave the terminal's process group (in_worker): the main process stops them,
so a Ctrl-C prints no worker tracebacks and cannot kill one half-way through a write.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

PROGRESS_STEPS = 10_000  # SQLite steps between checks: well under a millisecond, ~0.1% of the time
HANDLED = (signal.SIGINT, signal.SIGTERM)
_received: list[int] = []  # the signal that stopped this process, once one has
_deadlines: list[float] = []  # monotonic time past which statements are aborted (sql --timeout)
_held: list[bool] = []  # inside held(): a signal is remembered, raised at the block's end
_parent: list[int] = []  # the process that starts workers (forking())
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class Interrupted(KeyboardInterrupt):
    """A signal stopped the command. A KeyboardInterrupt, so `except Exception` cleanup never swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _handle(signum: int, _frame: FrameType | None) -> None:
    if not _received:
        _received.append(signum)
    if _held:  # raised as the held block ends (held())
        return
    raise Interrupted(signum)


@contextmanager
def held() -> Iterator[None]:
    """A signal inside waits for the block's end: what must happen together happens (a COMMIT and
    the counts of what it committed). Keep the block short: SQLite is not interrupted inside it."""
    _held.append(True)
    try:
        yield
    finally:
        _held.pop()
    signum = received()
    if signum is not None and not _held:
        raise Interrupted(signum)


def install() -> None:
    """SIGINT and SIGTERM raise Interrupted (in the main thread of the moviecli command only)."""
    for signum in HANDLED:
        signal.signal(signum, _handle)


@contextmanager
def forking() -> Iterator[None]:
    """Around starting worker processes: a signal meanwhile waits for the parent, and never hits a
    child before in_worker() (it would raise in multiprocessing's start-up, with a traceback)."""
    _parent[:] = [os.getpid()]
    signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HANDLED)


def in_worker() -> None:
    """A worker process's start: out of the terminal's process group, so that Ctrl-C, or a SIGTERM
    sent to the whole group, reaches the parent only; the parent ends its workers itself.

    A worker killed from outside while it held a lock of the pool's shared result queue would
    leave the parent waiting on that lock for ever (seen: `kill -TERM -PGID` during a load).
    """
    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HANDLED)


def _die_with_parent() -> None:
    """A worker ends when the parent does, even by SIGKILL: left alone, it would wait for work for
    ever, holding the parent's stdout and stderr open (a `kill -9` test's pipes never closed).

    Linux: the kernel's parent-death signal; elsewhere a thread that watches the parent's pid.
    """
    parent = _parent[0] if _parent else os.getppid()
    try:
        import ctypes

        if ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            raise OSError
    except (AttributeError, OSError):
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def received() -> int | None:
    """The signal that stopped this command, or None."""
    return _received[0] if _received else None


def describe(signum: int) -> str:
    """What a signal did, as messages and the imports table say it: `interrupted by SIGINT`."""
    return f"interrupted by {signal.Signals(signum).name}"


def exit_code(signum: int) -> int:
    """The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM)."""
    return 128 + signum


def progress() -> int:
    """SQLite's progress handler: non-zero aborts the running statement.

    A pending signal's handler runs as this function is called, and raises; a deadline passed
    (sql --timeout) returns 1.
    """
    return 1 if past_deadline() else 0


def past_deadline() -> bool:
    return bool(_deadlines) and time.monotonic() > _deadlines[-1]


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Statements run inside are aborted ("interrupted") once `seconds` have passed; None: no limit."""
    if seconds is None:
        yield
        return
    _deadlines.append(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadlines.pop()
