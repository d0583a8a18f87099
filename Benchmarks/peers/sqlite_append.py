#!/usr/bin/env python3
"""SQLite peer for `gridclear-bench ledger` (Benchmarks/ledger.sh). Not part of the product.

Appends N rows of P bytes to a fresh database in WAL mode with synchronous=FULL (a commit is
durable when it returns: the WAL is fsynced on every commit), B rows per transaction -- the
same work as the ledger's one block of B entries per fsync. Timing starts after the schema
is created and ends after the last commit. Prints one line:
    seconds=S cpu_seconds=C rows=N sqlite=VERSION
"""
import os, sqlite3, sys, time

def main():
    db, n, batch, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    con = sqlite3.connect(db, isolation_level=None)
    assert con.execute("pragma journal_mode=wal").fetchone()[0] == "wal"
    con.execute("pragma synchronous=full")
    con.execute("create table entries(id integer primary key, payload blob not null)")
    payload = bytes((i * 7 + 1) % 251 for i in range(size))
    insert = "insert into entries(payload) values (?)"
    t0, c0 = time.perf_counter(), time.process_time()
    done = 0
    while done < n:
        k = min(batch, n - done)
        con.execute("begin")
        for _ in range(k):
            con.execute(insert, (payload,))
        con.execute("commit")
        done += k
    t1, c1 = time.perf_counter(), time.process_time()
    count = con.execute("select count(*) from entries").fetchone()[0]
    assert count == n, count
    con.close()
    print(f"seconds={t1 - t0:.6f} cpu_seconds={c1 - c0:.6f} rows={n} sqlite={sqlite3.sqlite_version}")

if __name__ == "__main__":
    main()
