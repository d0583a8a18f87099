#!/usr/bin/env bash
# Ledger benchmark, both peers measured in the same run, interleaved (min and median):
#   append: entries/s at block sizes 1, 16, 256 (one fsync per block) vs SQLite (WAL,
#           synchronous=FULL, one transaction per block; Benchmarks/peers/sqlite_append.py,
#           python3's sqlite3 module);
#   audit:  MB/s of LedgerAuditor over a ~34 MB ledger vs sha256sum of the same file.
# $1: the release gridclear-bench binary. LEDGER_BENCH_ENTRIES / _AUDIT_MB / _ROUNDS to resize.
set -euo pipefail
bin="$1"
cd "$(dirname "$0")/.."
python3 -c 'import sqlite3' 2>/dev/null || { echo "ledger bench: python3 with its sqlite3 module is needed (scripts/install-deps.sh --test)"; exit 1; }
"$bin" ledger --entries "${LEDGER_BENCH_ENTRIES:-2048}" --audit-mb "${LEDGER_BENCH_AUDIT_MB:-32}" \
  --rounds "${LEDGER_BENCH_ROUNDS:-9}" --sqlite-peer Benchmarks/peers/sqlite_append.py
