#!/usr/bin/env bash
# Replication benchmark (issue 17): a BFT committee of 4 replicas on loopback (real TCP,
# Ed25519, fsync'd ledgers and state files) against the embedded ledger committing the same
# cycles, interleaved in the same run: committed cycles/s, trades/s and entries/s (all cycles
# released at once) and commit latency percentiles (one cycle at a time).
# $1: the release gridclear-bench binary. REPL_CYCLES, REPL_PARTIES, REPL_REPEAT, REPL_LATENCY_CYCLES to change
# the load; REPL_TIMEOUT (s): a BFT run that has not committed every cycle by then fails with the replicas' heights.
set -euo pipefail
bin="$1"
"$bin" replication --cycles "${REPL_CYCLES:-64}" --parties "${REPL_PARTIES:-500}" --repeat "${REPL_REPEAT:-3}" --latency-cycles "${REPL_LATENCY_CYCLES:-30}" --timeout "${REPL_TIMEOUT:-300}"
