#!/usr/bin/env bash
# Runs every executable script in scripts/test-extras.d/ (external-peer and
# fuzz smoke tests), passing the gridclear binary. Each prints its own result;
# any failure fails `make test`.
set -uo pipefail
bin="$1"
pass=0; fail=0
for s in scripts/test-extras.d/*.sh; do
  [ -x "$s" ] || continue
  echo "== extra: $s"
  if "$s" "$bin"; then pass=$((pass+1)); else echo "FAILED: $s"; fail=$((fail+1)); fi
done
echo "extras: $pass passed, $fail failed"
[ "$fail" = 0 ]
