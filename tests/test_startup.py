"""What start-up imports: `titles -f csv` runs as a whole process and leaves out what only other commands use.

Each module imported at start-up is paid by every command; these are ones that were moved into the
functions that need them. (The time itself is a benchmark figure, benchmarks/bench.py "start-up".)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Print the command's output, then the names of the modules it imported, after a marker line.
_RUN = """
import sys
from moviecli.__main__ import main
try:
    main()
except SystemExit:
    pass
print("--modules--")
print("\\n".join(sorted(sys.modules)))
"""


def _imported(*args: str) -> tuple[str, set[str]]:
    result = subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, check=True, timeout=120
    )
    out, modules = result.stdout.split("--modules--\n")
    return out, set(modules.split())


def test_titles_as_csv_imports_no_lookup_and_no_other_command_family(seeds_db: Path) -> None:
    out, modules = _imported("titles", "--limit", "5", "-f", "csv", "--db", str(seeds_db))
    assert out == (
        "title,year,kind,genres,certificate,rating,votes,directors\n"
        'Leaving Las Vegas,1995,movie,"Drama, Romance",R,,,Mike Figgis\n'
    )
    assert "moviecli.cli.reading" in modules  # the check itself works: the command line was imported
    assert not {"moviecli.lookup", "dataclasses"} & modules
    # Only the module of the command run: the others are imported for --help and completion.
    assert not {"moviecli.cli.loading", "moviecli.cli.catalog", "moviecli.cli.upkeep"} & modules
