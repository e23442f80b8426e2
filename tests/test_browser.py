"""`moviecli serve` in a real browser: headless Chromium renders the search page of a served catalog."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None and os.environ.get("CI") != "true":  # in CI it is installed and the test must run
    pytest.skip("chromium is not installed", allow_module_level=True)
if os.environ.get("CI") != "true":
    pytest.importorskip("datasette")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(catalog_db: Path) -> Iterator[str]:
    """`moviecli serve` on the catalog, as a subprocess; yields its base URL once it answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moviecli", "serve", "--port", str(port), "--db", str(catalog_db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"moviecli serve did not start: {server.communicate()[1]!r}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM, "chromium is not installed (CI installs it: .ci/run)"
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_search_page_renders_the_result_in_chromium(served: str, tmp_path: Path) -> None:
    url = served + "/catalog/search?q=salt+flat"
    dom = chromium("--dump-dom", url).stdout
    assert "Custom SQL query returning 3 rows" in dom
    assert 'name="q" value="salt flat"' in dom
    # The trivia, summary and (stemmed: "flats") storyline of The Salt Road; Paper Moons has none.
    assert dom.count(">The Salt Road<") == 3, dom
    assert "Paper Moons" not in dom
    assert "*salt* *flat*" in dom

    screenshot = tmp_path / "search.png"
    chromium(f"--screenshot={screenshot}", "--window-size=1200,800", url)
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000  # a rendered page, not a blank one
