"""docs/design.md's Layout section has one line per file of the package, and names no file that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def layout() -> list[str]:
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```")[1]
    return [line.split()[0] for line in block.strip().splitlines()]


def test_every_module_has_one_line_in_the_layout() -> None:
    modules = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "moviecli").rglob("*.py"))
    listed = [name for name in layout() if name.startswith("moviecli/")]
    assert sorted(listed) == modules
    assert len(set(listed)) == len(listed)


def test_every_name_in_the_layout_exists() -> None:
    for name in layout():
        assert (ROOT / name).exists(), name
        assert re.fullmatch(r"[\w./-]+", name)
