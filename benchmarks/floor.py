"""The I/O floor of a load: store every page file's raw text in SQLite, one transaction, nothing else.

python benchmarks/floor.py FOLDER DB
"""

import sqlite3
import sys
from pathlib import Path

conn = sqlite3.connect(sys.argv[2], isolation_level=None)
conn.execute("CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, text TEXT NOT NULL)")
conn.execute("BEGIN")
for path in sorted(Path(sys.argv[1]).rglob("*.txt")):
    conn.execute("INSERT OR REPLACE INTO pages VALUES (?, ?)", (str(path), path.read_text(encoding="utf-8")))
conn.execute("COMMIT")
