#!/usr/bin/env python3
"""What SQLite alone needs to store what a first import stores: the floor under `huifang import`.

    python3 tests/bench/floor.py IMPORTED.db

IMPORTED.db is a database made by `huifang import` of the demo's CSV into an empty database
(`tests/bench/taskwarrior.sh` and the scale benchmark make one; see the README). Into a new,
empty file next to it, in one transaction with a rollback journal, as the import's bulk load
does:

1. its `events` and `tasks` rows are copied as they are, by `INSERT INTO ... SELECT *`: SQLite's
   fastest way to fill a table (whole records copied, nothing parsed, bound, checked or
   decided), with the unique index on `ref` that every insert keeps;
2. the secondary indexes of both tables are built from their own stored definitions, with the
   settings the import builds them with (4 MiB sort runs, SQLite's helper threads).

Nothing of huifang runs here: no file is read, no rule applied, no value bound. The sum of the
two is what no import of these rows into this schema can go below on this machine.
"""

import os
import signal
import sqlite3
import sys
import time
import urllib.parse

TARGET_S = 5.0


def uri(path: str, mode: str = "") -> str:
    """An SQLite URI for `path`, whatever characters it holds."""
    return "file:" + urllib.parse.quote(os.path.abspath(path)) + (f"?mode={mode}" if mode else "")


def main() -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    if len(sys.argv) == 2 and sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if len(sys.argv) != 2 or not os.path.exists(sys.argv[1]):
        print("usage: python3 tests/bench/floor.py IMPORTED.db", file=sys.stderr)
        print("error: give the path of a database made by `huifang import` (--help says how)",
              file=sys.stderr)
        return 2
    source = sys.argv[1]
    target = source + ".floor"
    for leftover in (target, target + "-journal"):
        if os.path.exists(leftover):
            os.remove(leftover)
    try:
        src = sqlite3.connect(uri(source, "ro"), uri=True)
        tables = {
            name: sql
            for name, sql in src.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                "AND name IN ('events', 'tasks')"
            )
        }
        indexes = src.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('events', 'tasks') ORDER BY tbl_name, name"
        ).fetchall()
        counts = {t: src.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        src.close()
    except sqlite3.DatabaseError as e:
        print(f"error: {source}: not a huifang database ({e})", file=sys.stderr)
        return 2
    if len(tables) != 2 or counts["events"] == 0:
        print(f"error: {source}: no events: import the demo's CSV into it first "
              "(huifang --db FILE import EVENTS.csv)", file=sys.stderr)
        return 2

    db = sqlite3.connect(uri(target), uri=True, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = DELETE")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA cache_size = -1048576")
        db.execute("ATTACH DATABASE ? AS src", (uri(source, "ro"),))
        for name in ("events", "tasks"):
            db.execute(tables[name])
        start = time.perf_counter()
        db.execute("BEGIN")
        copied = {}
        for name in ("events", "tasks"):
            t = time.perf_counter()
            db.execute(f"INSERT INTO main.{name} SELECT * FROM src.{name}")
            copied[name] = time.perf_counter() - t
        rows_s = time.perf_counter() - start
        for name in ("events", "tasks"):
            n = db.execute(f"SELECT count(*) FROM main.{name}").fetchone()[0]
            if n != counts[name]:
                print(f"error: copied {n} of {counts[name]} rows of {name}", file=sys.stderr)
                return 1
        db.execute(f"PRAGMA threads = {min(os.cpu_count() or 1, 4)}")
        db.execute("PRAGMA cache_size = -4096")
        built = []
        for name, sql in indexes:
            t = time.perf_counter()
            db.execute(sql)
            built.append((name, time.perf_counter() - t))
        index_s = sum(s for _, s in built)
        t = time.perf_counter()
        db.execute("COMMIT")
        commit_s = time.perf_counter() - t
    finally:
        db.close()
        for leftover in (target, target + "-journal"):
            if os.path.exists(leftover):
                os.remove(leftover)

    print(f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores; {source}: "
          f"{counts['events']:,} events, {counts['tasks']:,} tasks")
    for name in ("events", "tasks"):
        print(f"  copy {name:<36} {copied[name]:6.2f} s")
    for name, s in built:
        print(f"  index {name:<35} {s:6.2f} s")
    print(f"  commit{'':<36}{commit_s:6.2f} s")
    total = rows_s + index_s + commit_s
    print(f"rows {rows_s:.2f} s + indexes {index_s:.2f} s + commit {commit_s:.2f} s = {total:.2f} s "
          f"(import target {TARGET_S:.0f} s at 1M events)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
