"""A small invented IMDb dataset, written by the tests into tmp_path: every file, every trap.

BASE is "yesterday's" files as rows of fields; `write_dataset` writes them (gzipped or plain) with
the real headers. Harbour Lights (1987) is also a page in tests/fixtures/load, for the merge.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from moviecli.imdb import DATASETS

N = "\\N"
HARBOUR_PAGE = Path(__file__).parent / "fixtures" / "load" / "harbour-lights-1987.txt"

BASE: dict[str, list[list[str]]] = {
    "basics": [
        ["tt0000502", "tvPilot", "Unsold", "Unsold", "0", "1960", N, "30", "Comedy"],
        ["tt0000503", "tvShort", "Tiny", "Tiny", "0", "1961", N, "5", "Short"],
        ["tt0000504", "radioPlay", "Odd", "Odd", "0", "1962", N, N, N],  # a type IMDb may add: skipped
        ["tt0093146", "movie", "Harbour Lights", "Fyrlys", "0", "1987", N, "101", "Drama,Mystery"],
        ["tt0113627", "movie", "Leaving Las Vegas", "Leaving Las Vegas", "0", "1995", N, "111", "Drama,Romance"],
        ["tt10872600", "tvSeries", 'The "Quiet" Coast', 'The "Quiet" Coast', "0", "2020", "2022", "45", "Crime"],
        ["tt10872601", "tvEpisode", "Pilot", "Pilot", "0", "2020", N, N, N],  # \N in the last column
    ],
    "names": [
        ["nm0000115", "Nicolas Cage", "1964", N, "actor,producer", "tt0113627"],
        ["nm0000194", "Elisabeth Shue", "1963", N, "actress", "tt0113627"],
        ["nm0001232", "Mike Figgis", "1948", N, "director,writer", "tt0113627"],
        ["nm0800001", "Ingrid Solberg", "1950", "2020", "director", "tt0093146"],
        ["nm0800002", "Peter Marlowe", N, N, "actor", N],
        ["nm0800003", "Zoë Carrington", "1960", N, "actress", N],
        ["nm0800004", "Peter Marlowe", "1970", N, "actor", N],  # the same name, another man
        ["nm10000001", 'Ana "Bee" Núñez', "1990", N, "actress", N],
    ],
    "crew": [
        ["tt0093146", "nm0800001", "nm0800001"],
        ["tt0113627", "nm0001232", "nm0001232"],
        ["tt10872600", N, "nm10000001,nm0000115"],
        ["tt10872601", N, N],
    ],
    "principals": [
        ["tt0093146", "1", "nm0800002", "actor", N, '["Edwin Hale"]'],
        ["tt0093146", "2", "nm0800003", "actress", N, '["Annie Hale"]'],
        ["tt0093146", "3", "nm0800001", "director", N, N],
        ["tt0113627", "1", "nm0000115", "actor", N, '["Ben Sanderson"]'],
        ["tt0113627", "2", "nm0000194", "actress", N, '["Sera"]'],
        ["tt0113627", "3", "nm0800004", "actor", N, '["Bartender","Man in Bar"]'],
        ["tt0113627", "4", "nm0001232", "director", N, N],
        ["tt0113627", "5", "nm0000115", "producer", "producer", N],  # no such role in the catalog
        ["tt0113627", "6", "nm9999999", "actor", N, '["Ghost"]'],  # nobody in name.basics
        ["tt10872601", "1", "nm10000001", "self", N, '["Self"]'],
        ["tt10872601", "2", "nm0000115", "archive_footage", N, '["Ben \\"B\\" Sanderson"]'],
    ],
    "episode": [
        ["tt10872601", "tt10872600", "1", "1"],
        ["tt9999990", "tt10872600", "1", "2"],  # an episode not in title.basics
    ],
    "ratings": [
        ["tt0093146", "6.9", "2318"],
        ["tt0113627", "7.5", "120000"],
        ["tt10872600", "8.1", "15"],
    ],
    "akas": [
        ["tt0113627", "1", "Leaving Las Vegas", N, N, "original", N, "1"],
        ["tt0113627", "2", "Adiós a Las Vegas", "ES", "es", "imdbDisplay", N, "0"],
        ["tt0113627", "3", "Leaving Las Vegas", "US", N, "imdbDisplay", N, "0"],
        ["tt0113627", "4", "Adiós a Las Vegas", "MX", N, N, N, "0"],
        ["tt0113627", "5", 'Die Stadt "Vegas"', "DE", N, N, N, N],
    ],
}


def copy_base() -> dict[str, list[list[str]]]:
    return {name: [list(row) for row in rows] for name, rows in BASE.items()}


def write_dataset(directory: Path, files: dict[str, list[list[str]]], *, gz: bool = True) -> Path:
    """Write each file with its real header; `gz` picks *.tsv.gz or *.tsv. Returns `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        stem, header = DATASETS[name]
        text = "\t".join(header) + "\n" + "".join("\t".join(row) + "\n" for row in rows)
        if gz:
            (directory / f"{stem}.tsv.gz").write_bytes(gzip.compress(text.encode("utf-8")))
        else:
            (directory / f"{stem}.tsv").write_text(text, encoding="utf-8")
    return directory
