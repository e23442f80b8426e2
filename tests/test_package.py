"""The wheel carries what package indexes and type checkers expect, and its metadata tells the truth.

The wheel is built from this tree exactly as `pip install .` builds it (pip wheel, isolated build), so
a file left out of pyproject.toml's build targets fails here, not on a user's machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (built,) = out.glob("moviecli-*.whl")
    return zipfile.ZipFile(built)


def _dist_info(wheel: zipfile.ZipFile) -> str:
    (name,) = {n.split("/")[0] for n in wheel.namelist() if n.split("/")[0].endswith(".dist-info")}
    return name


def _metadata(wheel: zipfile.ZipFile) -> Message:
    return Parser().parsestr(wheel.read(f"{_dist_info(wheel)}/METADATA").decode())


def _source_version() -> str:
    # Read the file itself, not the imported module: an installed copy may be older than this tree.
    text = (ROOT / "moviecli" / "__init__.py").read_text()
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    assert match, "moviecli/__init__.py has no __version__ line"
    return match.group(1)


def test_wheel_ships_the_license_the_type_marker_and_the_schema(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert "moviecli/py.typed" in names
    assert wheel.read("moviecli/schema.sql") == (ROOT / "schema.sql").read_bytes()
    assert wheel.read(f"{_dist_info(wheel)}/licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()
    assert b"Apache License\n                           Version 2.0, January 2004" in (ROOT / "LICENSE").read_bytes()


def test_wheel_holds_only_the_package(wheel: zipfile.ZipFile) -> None:
    tops = {n.split("/")[0] for n in wheel.namelist()}
    assert tops == {"moviecli", _dist_info(wheel)}


def test_metadata_has_the_source_version_the_license_and_the_classifiers(wheel: zipfile.ZipFile) -> None:
    meta = _metadata(wheel)
    assert meta["Name"] == "moviecli"
    assert meta["Version"] == _source_version()
    assert _dist_info(wheel) == f"moviecli-{_source_version()}.dist-info"
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Requires-Python"] == ">=3.11"
    assert meta.get_all("Classifier") == [
        "Environment :: Console",
        "License :: OSI Approved :: Apache Software License",
        "Operating System :: POSIX",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Topic :: Database",
        "Typing :: Typed",
    ]
    assert meta.get_all("Project-URL") == [
        "Homepage, https://github.com/moviecli/moviecli",
        "Issues, https://github.com/moviecli/moviecli/issues",
    ]


def test_every_floor_ci_installs_is_the_declared_floor(wheel: zipfile.ZipFile) -> None:
    # .ci/run runs the suite on .ci/floors.txt; that proves the declared floors only if they are the same.
    requires = [Requirement(r) for r in _metadata(wheel).get_all("Requires-Dist") or []]
    floors = ROOT / ".ci" / "floors.txt"
    pins = [line.split("==") for line in floors.read_text().splitlines() if line and not line.startswith("#")]
    assert {name for name, _ in pins} >= {"typer", "tabulate", "sqlite-utils"}
    for name, version in pins:
        declared_all = [r for r in requires if r.name == name]  # datasette: in the test and web extras
        assert declared_all, f"{name} is pinned in floors.txt but not declared"
        for declared in declared_all:
            lowest = [s.version for s in declared.specifier if s.operator == ">="]
            assert [Version(v) for v in lowest] == [Version(version)], f"{name}: {declared} vs floor {version}"
            assert declared.specifier.contains(version), f"{name}: floor {version} excluded by {declared}"


def test_no_typer_release_known_to_break_moviecli_is_allowed(wheel: zipfile.ZipFile) -> None:
    # The releases tried by installing them (pyproject.toml's comment): pip must never pick a failing one.
    requires = [Requirement(r) for r in _metadata(wheel).get_all("Requires-Dist") or []]
    (typer,) = [r for r in requires if r.name == "typer"]
    failing = ["0.12.4", "0.12.5", "0.13.1", "0.14.0", "0.15.4", "0.16.0", "0.17.4", "0.18.0", "0.29.0"]
    passing = ["0.19.0", "0.19.2", "0.20.0", "0.21.2", "0.26.8", "0.28.0"]
    assert [v for v in failing if typer.specifier.contains(v)] == []
    assert [v for v in passing if not typer.specifier.contains(v)] == []


def test_the_command_is_declared(wheel: zipfile.ZipFile) -> None:
    entry_points = wheel.read(f"{_dist_info(wheel)}/entry_points.txt").decode()
    assert "[console_scripts]\nmoviecli = moviecli.__main__:main\n" in entry_points
