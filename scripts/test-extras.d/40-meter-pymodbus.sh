#!/usr/bin/env bash
# External peer for MeterIngest: a pymodbus RTU server (scripts/meter_pymodbus_server.py)
# serving SDM energy registers on one end of a socat pty pair; `gridclear meter read` and
# `gridclear meter poll` read the other end. Usage: 40-meter-pymodbus.sh path/to/gridclear
set -uo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "$0")/../.." && pwd)"
need_install() { echo "meter-pymodbus: $1"; }

if ! command -v socat >/dev/null 2>&1; then
  need_install "installing socat"
  if ! { apt-get update -qq && apt-get install -y -qq socat; } >/dev/null 2>&1; then
    echo "SKIP meter-pymodbus: socat is not installed and cannot be installed here"; exit 0
  fi
fi
if ! python3 -c 'import pymodbus, serial; from pymodbus.datastore import ModbusDeviceContext' >/dev/null 2>&1; then
  need_install "installing pymodbus and pyserial"
  if ! python3 -m pip install -q 'pymodbus>=3.10,<4' pyserial >/dev/null 2>&1; then
    echo "SKIP meter-pymodbus: pymodbus cannot be installed (no python3/pip or no network)"; exit 0
  fi
fi

tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT

socat -d -d "pty,raw,echo=0,link=$tmp/meter" "pty,raw,echo=0,link=$tmp/master" 2>"$tmp/socat.log" &
pids+=($!)
for _ in $(seq 50); do [ -e "$tmp/meter" ] && [ -e "$tmp/master" ] && break; sleep 0.1; done
python3 "$root/scripts/meter_pymodbus_server.py" "$tmp/meter" 7 4321.25 12.5 2>"$tmp/server.log" &
pids+=($!)
sleep 1.5

fail=0
out="$("$bin" meter read --device "$tmp/master" --protocol modbus --address 7 --profile sdm120 --json --timeout-ms 300)"
echo "read: $out"
python3 - "$out" <<'PY' || fail=1
import json, sys
o = json.loads(sys.argv[1])
assert o["energy_kwh"] == 4321.25 and o["import_wh"] == 4321250 and o["export_wh"] == 12500, o
assert o["counters"]["failed_reads"] == 0, o
PY

# A slave that does not exist: pymodbus stays silent; gridclear must fail cleanly (one line, non-zero).
if "$bin" meter read --device "$tmp/master" --protocol modbus --address 9 --timeout-ms 50 --attempts 2 2>"$tmp/err"; then
  echo "expected a failure for an absent slave"; fail=1
fi
[ "$(wc -l <"$tmp/err")" = 1 ] || { echo "error output is not one line:"; cat "$tmp/err"; fail=1; }

cat >"$tmp/meters.json" <<JSON
{"buses": [{"id": "pymodbus", "device": "$tmp/master", "poll_interval_s": 2, "response_timeout_ms": 300,
  "meters": [{"id": "sdm", "participant": "S1", "protocol": "modbus", "address": 7, "profile": "sdm630"}]}]}
JSON
"$bin" meter poll --config "$tmp/meters.json" --out "$tmp/data.log" --rounds 2 2>"$tmp/poll.err" || { cat "$tmp/poll.err"; fail=1; }
[ "$(grep -c ' sdm S1 modbus-7 4321250 12500 ' "$tmp/data.log")" = 2 ] || { echo "poll did not record two readings"; cat "$tmp/data.log"; fail=1; }

if [ "$fail" = 0 ]; then echo "PASS meter-pymodbus"; else echo "server log:"; tail -20 "$tmp/server.log"; echo "FAIL meter-pymodbus"; fi
exit "$fail"
