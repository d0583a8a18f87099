#!/usr/bin/env bash
# Meter polling benchmark: polls/s and bus utilisation against the line-rate limit, with the
# wire timing emulated by the simulated meter on a pty. Usage: Benchmarks/meter.sh path/to/release/gridclear
set -euo pipefail
bin="$1"
"$bin" bench meter --baud 9600 --seconds 3 --protocol modbus
"$bin" bench meter --baud 9600 --seconds 3 --protocol dlt645
