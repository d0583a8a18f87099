#!/usr/bin/env bash
# Ledger benchmark: append throughput with fsync batching (block sizes 1, 16, 256) and audit
# throughput in MB/s next to sha256sum over the same file, measured in the same run.
# $1: the release gridclear-bench binary.
set -euo pipefail
bin="$1"
"$bin" ledger --entries "${LEDGER_BENCH_ENTRIES:-2048}" --audit-mb "${LEDGER_BENCH_AUDIT_MB:-32}"
