#!/usr/bin/env bash
# Meter polling benchmark: polls/s and bus utilisation against the line-rate limit, with the
# wire timing emulated by the simulated meter on a pty. Usage: Benchmarks/meter.sh path/to/release/gridclear-bench
set -euo pipefail
bin="$1"
"$bin" meter --baud 9600 --seconds 3 --protocol modbus
"$bin" meter --baud 9600 --seconds 3 --protocol dlt645
