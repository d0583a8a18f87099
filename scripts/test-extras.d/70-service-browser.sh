#!/usr/bin/env bash
# `gridclear serve` as an operator runs it (issue 15): starts the service on a free loopback
# port with --now, drives five cycles (one with a rejected participant file), scrapes /metrics
# and /health, loads the results page in headless Chromium (Debian's `chromium`, installed by
# scripts/install-deps.sh --test), checks the screenshot is not blank and the page names the
# cycles, then stops the service with SIGTERM and checks its JSON-lines log. Leaves nothing
# behind (temporary folder, server, browser profile). Set GRIDCLEAR_SCREENSHOT_OUT=FILE to keep
# the screenshot (docs/results-page.png is made this way).
# Usage: 70-service-browser.sh path/to/gridclear
set -uo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "$0")/../.." && pwd)"
check="$root/scripts/service_page_check.py"
shot_out="${GRIDCLEAR_SCREENSHOT_OUT:-}"
case "$shot_out" in ""|/*) ;; *) shot_out="$PWD/$shot_out" ;; esac
if ! command -v chromium >/dev/null 2>&1; then
  echo "FAIL service-browser: chromium is not installed (run scripts/install-deps.sh --test)"; exit 1
fi
tmp="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL service-browser: $*"; [ -f "$tmp/serve.log" ] && tail -5 "$tmp/serve.log"; exit 1; }

# Inputs: four cycles in the single-file form with varied bids, then (later) a fifth with
# one file per participant, one of them malformed.
mkdir -p "$tmp/ws/Inputs" && cd "$tmp/ws" || exit 1
cp "$root/Inputs/market.json" Inputs/
src="$root/Inputs/20261120T1000Z"
cycles=(20261120T0900Z 20261120T0915Z 20261120T0930Z 20261120T0945Z)
for k in "${!cycles[@]}"; do
  d="Inputs/${cycles[$k]}"; mkdir -p "$d"; cp "$src/offers.csv" "$d/"
  awk -F, -v OFS=, -v k="$k" 'NR==1 {print; next} {$4 = $4 + 40 * k; print}' "$src/bids.csv" > "$d/bids.csv"
done

"$bin" serve --inputs Inputs --ledger Ledger --out Outputs --listen 127.0.0.1:0 --now 2026-11-20T10:00Z \
  --rescan 1 --solver simplex --log-format json >"$tmp/serve.log" 2>"$tmp/serve.err" &
server=$!
addr=""
for _ in $(seq 100); do
  addr="$(grep -o '"address":"[^"]*"' "$tmp/serve.log" 2>/dev/null | head -1 | cut -d'"' -f4)"
  [ -n "$addr" ] && break
  kill -0 "$server" 2>/dev/null || fail "serve exited early: $(cat "$tmp/serve.err")"
  sleep 0.1
done
[ -n "$addr" ] || fail "no 'listening' log line"
case "$addr" in 127.0.0.1:*) ;; *) fail "bound $addr, expected loopback" ;; esac
url="http://$addr"
wait_health() {  # $1 = cycles cleared
  for _ in $(seq 300); do
    curl -fsS "$url/health" >"$tmp/health.json" 2>/dev/null && grep -q "\"cycles_cleared\": $1," "$tmp/health.json" && return 0
    sleep 0.2
  done
  fail "health never showed $1 cycles cleared: $(cat "$tmp/health.json" 2>/dev/null)"
}
wait_health 4

# Drive one more cycle: per-participant files, one of them malformed.
c5=20261120T1000Z; mkdir -p "Inputs/.$c5/offers" "Inputs/.$c5/bids"
hb="$(head -1 "$src/bids.csv")"; ho="$(head -1 "$src/offers.csv")"
tail -n +2 "$src/offers.csv" | while IFS= read -r l; do s="$(echo "$l" | cut -d, -f2)"; printf '%s\n%s\n' "$ho" "$l" > "Inputs/.$c5/offers/$s.csv"; done
tail -n +2 "$src/bids.csv" | while IFS= read -r l; do b="$(echo "$l" | cut -d, -f2)"; printf '%s\n%s\n' "$hb" "$l" > "Inputs/.$c5/bids/$b.csv"; done
sed -i '2s/^\([^,]*\),\([^,]*\),[^,]*,/\1,\2,cheap,/' "Inputs/.$c5/bids/P2.csv"
mv "Inputs/.$c5" "Inputs/$c5"   # the cycle folder appears whole (atomic rename)
wait_health 5
cycles+=("$c5")
grep -q '"submissions_rejected": 1,' "$tmp/health.json" || fail "health: $(cat "$tmp/health.json")"
grep -q '"status": "ok"' "$tmp/health.json" || fail "health: $(cat "$tmp/health.json")"
grep -q 'bids/P2.csv' "Outputs/$c5/rejected.json" || fail "rejected.json: $(cat "Outputs/$c5/rejected.json")"

# The comparison chart of one cycle (written next to its outputs by `gridclear compare`).
"$bin" compare "Inputs/${cycles[3]}" --solver simplex --out Outputs >/dev/null 2>&1 || fail "compare"
ctype="$(curl -fsS -o "$tmp/compare.svg" -w '%{content_type}' "$url/compare/${cycles[3]}.svg")" || fail "/compare/${cycles[3]}.svg"
[ "$ctype" = "image/svg+xml" ] && grep -q '<svg' "$tmp/compare.svg" || fail "compare chart: $ctype"
code="$(curl -s -o /dev/null -w '%{http_code}' "$url/compare/../../etc/passwd.svg")"; [ "$code" = 404 ] || fail "path escape gave $code"

curl -fsS "$url/metrics" >"$tmp/metrics.txt" || fail "/metrics"
python3 "$check" metrics "$tmp/metrics.txt" 5 1 || fail "metrics check"
code="$(curl -s -o /dev/null -w '%{http_code}' "$url/nothing-here")"; [ "$code" = 404 ] || fail "unknown path gave $code"

# Headless Chromium: screenshot and DOM of the results page (own profile and HOME in $tmp).
chrome=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$tmp/chrome")
HOME="$tmp/home" timeout 90 "${chrome[@]}" --window-size=1200,1700 --screenshot="$tmp/page.png" "$url/" >/dev/null 2>&1
[ -s "$tmp/page.png" ] || fail "chromium wrote no screenshot"
python3 "$check" png "$tmp/page.png" || fail "screenshot check"
HOME="$tmp/home" timeout 90 "${chrome[@]}" --dump-dom "$url/" >"$tmp/dom.html" 2>/dev/null
for c in "${cycles[@]}"; do grep -q "$c" "$tmp/dom.html" || fail "page text does not name cycle $c"; done
grep -c '<svg' "$tmp/dom.html" | grep -q '^[1-9]' || fail "no inline SVG in the page"
grep -q "/compare/${cycles[3]}.svg" "$tmp/dom.html" || fail "the page does not show the comparison chart"
if grep -qi '<script' "$tmp/dom.html"; then fail "the page carries a script"; fi
if [ -n "$shot_out" ]; then cp "$tmp/page.png" "$shot_out"; fi

# Stop: SIGTERM → exit 0, port closed, the log names each cycle once.
kill -TERM "$server"; wait "$server"; rc=$?; server=""
[ "$rc" = 0 ] || fail "serve exited $rc on SIGTERM"
if curl -fsS "$url/health" >/dev/null 2>&1; then fail "still serving after exit"; fi
cat "$tmp/serve.log" "$tmp/serve.err" >"$tmp/all.log"   # info on stdout, warnings on stderr
python3 "$check" logs "$tmp/all.log" 1 "${cycles[@]}" || fail "log check"
echo "PASS service-browser: 5 cycles via serve on $addr, /metrics and /health checked, page rendered by $(chromium --version 2>/dev/null | head -1)"
