#!/usr/bin/env bash
# BFT mode, operator key replacement with real processes (issue 17, docs/replication.md
# "Replacing a replica's key"): 4 `gridclear node run` replicas on loopback (free ports), in a
# temporary folder removed at the end, every process killed on exit.
#   Replica 3 is killed with kill -9 (its key counts as lost); `node replace-key` signs the
#   replacement with the operator key from `node init` and is accepted on f + 1 signed replies;
#   the old key no longer starts replica 3 (nor, once its ledger holds the replacement, with
#   the cluster.json of before); replica 3 restarts with the new key on its old
#   ledger, catches up by state transfer and joins the committee; then replica 4 is killed, so
#   the next cycles need replica 3's new-key votes for a quorum; replica 4 restarts with --once.
# Then: the 4 ledgers are byte-identical, `audit` passes on each with and without --cluster,
# `node result` accepts every cycle, each cycle is committed once at every replica, and a trade
# proof of a block certified with the new key verifies with the updated cluster.json.
set -uo pipefail
source "$(dirname "$0")/../lib/process-test.sh"
process_test_setup bft-rekey "$1"
d="$work"
t0=$(date +%s.%N); stamp() { [ -n "${BFT_REKEY_TIMES:-}" ] && echo "  $(python3 -c "import sys; print(round(float(sys.argv[2])-float(sys.argv[1]),1))" "$t0" "$(date +%s.%N)") s: $*"; return 0; }
fail() { echo "bft-rekey: FAILED: $*"; for f in "$d"/r*.log; do echo "--- $f"; tail -25 "$f"; done; exit 1; }
base=$(python3 -c 'import socket, random
for _ in range(200):
    p = random.randint(20000, 60000); s = []
    try:
        for i in range(1, 5):
            x = socket.socket(); x.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); x.bind(("127.0.0.1", p + i)); s.append(x)
        print(p); break
    except OSError: pass
    finally:
        for x in s: x.close()')
cycles=()
for k in 0 1 2 3 4; do m=$((600 + 15*k)); cycles+=("$(printf "20261120T%02d%02dZ" $((m/60)) $((m%60)))"); done
start() {  # id, key file, extra args…
  local i=$1 key=$2; shift 2
  "$bin" node run --cluster "$d/C/cluster.json" --id "$i" --key "$key" --ledger "$d/C/node$i/ledger" \
    --inputs "$d/Inputs" --out "$d/Out$i" --now 2026-11-20T11:00Z --view-timeout-ms 1000 "$@" >>"$d/r$i.log" 2>&1 &
  pid[$i]=$!
}
release() { cp -r "$src/20261120T1000Z" "$d/Inputs/${cycles[$1]}"; }
accepted() { "$bin" node result --cluster "$d/C/cluster.json" --cycle "$1" --wait 30 >"$d/result-$1.txt" 2>&1 || fail "cycle $1 not accepted: $(cat "$d/result-$1.txt")"; }
heights() { "$bin" node status --cluster "$d/C/cluster.json" --json | python3 -c 'import json,sys; print(" ".join(str(r.get("height","-")) if r["reachable"] else "down" for r in json.load(sys.stdin)))'; }

mkdir -p "$d/Inputs"; cp "$src/market.json" "$d/Inputs/"
"$bin" node init --replicas 4 --dir "$d/C" --base-port "$base" --now 2026-11-20T09:00Z >/dev/null || fail "node init"
[ "$(stat -c %a "$d/C/keys/operator.key")" = 600 ] || fail "operator key file mode"
grep -q '"operator_key"' "$d/C/cluster.json" || fail "cluster.json names no operator key"
for i in 1 2 3 4; do start $i "$d/C/keys/node$i.key"; done
release 0; accepted "${cycles[0]}"; stamp first cycle
kill -9 "${pid[3]}"; wait "${pid[3]}" 2>/dev/null; unset "pid[3]"
"$bin" keygen --ed25519 --out "$d/C/keys/node3-new" >/dev/null || fail "keygen"
out=$("$bin" node replace-key --cluster "$d/C/cluster.json" --node 3 2>&1); rc=$?
[ $rc = 64 ] && echo "$out" | grep -q "exactly one of --new-key" || fail "no new key: exit $rc, $out"
# A key that is not the operator's is refused before anything is sent.
out=$("$bin" node replace-key --cluster "$d/C/cluster.json" --node 3 --new-key "$d/C/keys/node3-new.ed25519.pub" \
  --operator-key "$d/C/keys/node1.key" 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "genesis pins" || fail "a replica key as operator key: exit $rc, $out"
cp "$d/C/cluster.json" "$d/stale-cluster.json"  # what the other machines hold until it is copied
"$bin" node replace-key --cluster "$d/C/cluster.json" --node 3 --new-key "$d/C/keys/node3-new.ed25519.pub" --json \
  >"$d/replace.json" 2>"$d/replace.err" || fail "replace-key: $(cat "$d/replace.err")"
h=$(python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["in_force_from"] == o["height"] + 1 and len(o["replies"]) >= 2; print(o["height"])' "$d/replace.json") \
  || fail "replace-key output: $(cat "$d/replace.json")"
grep -q '"current_key"' "$d/C/cluster.json" || fail "cluster.json not updated"
echo "bft-rekey: replica 3's key replaced at height $h; heights $(heights)"
# The old key no longer starts replica 3.
out=$("$bin" node run --cluster "$d/C/cluster.json" --id 3 --key "$d/C/keys/node3.key" --ledger "$d/C/node3/ledger" --inputs "$d/Inputs" 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "replaced at height $h" || fail "old key: exit $rc, $out"
stamp replaced; start 3 "$d/C/keys/node3-new.ed25519.key"
release 1; accepted "${cycles[1]}"
release 2; accepted "${cycles[2]}"; stamp cycles 2 3
for _ in $(seq 100); do grep -q "EPOCH 1 from block $((h + 1)): .*member 3" "$d/r3.log" && break; sleep 0.1; done
grep -q "EPOCH 1 from block $((h + 1)): .*member 3" "$d/r3.log" || fail "replica 3 did not rejoin as a member of epoch 1: $(grep EPOCH "$d/r3.log")"
# Without replica 4, every quorum of 3 needs replica 3's votes under its new key.
kill -9 "${pid[4]}"; wait "${pid[4]}" 2>/dev/null; unset "pid[4]"
release 3; release 4
for c in "${cycles[@]}"; do accepted "$c"; done; stamp all accepted
start 4 "$d/C/keys/node4.key" --once
wait "${pid[4]}" || fail "restarted replica 4 (--once) failed"; unset "pid[4]"
for _ in $(seq 100); do [ "$(heights | tr ' ' '\n' | grep -v down | sort -u | wc -l)" = 1 ] && break; sleep 0.1; done
stamp replica 4 caught up; echo "bft-rekey: heights $(heights)"
for c in "${cycles[@]}"; do
  "$bin" node result --cluster "$d/C/cluster.json" --cycle "$c" --json >"$d/res.json" 2>/dev/null || fail "result $c"
  grep -q '"status":"committed"' "$d/res.json" || fail "cycle $c: $(cat "$d/res.json")"
done
for i in 1 2 3; do kill "${pid[$i]}" 2>/dev/null; done; wait 2>/dev/null; for i in 1 2 3; do unset "pid[$i]"; done
for i in 2 3 4; do cmp -s "$d/C/node1/ledger/blocks.gcl" "$d/C/node$i/ledger/blocks.gcl" || fail "ledger of replica $i differs from replica 1's"; done
for i in 1 2 3 4; do
  "$bin" audit "$d/C/node$i/ledger" >"$d/audit$i.txt" 2>&1 || fail "audit of replica $i: $(tail -3 "$d/audit$i.txt")"
  "$bin" audit "$d/C/node$i/ledger" --cluster "$d/C/cluster.json" >"$d/audit$i.txt" 2>&1 || fail "audit --cluster of replica $i: $(tail -3 "$d/audit$i.txt")"
  for c in "${cycles[@]}"; do
    [ -f "$d/Out$i/$c/trades.csv" ] || fail "replica $i did not publish $c"
    n=$(grep -c "committed block [0-9]*: cycle $c" "$d/r$i.log"); [ "$n" = 1 ] || fail "cycle $c committed $n times at replica $i"
  done
done
# The ledger decides: with the stale cluster.json (it still names the old key), replica 3's old
# key is refused at once with one line (height, new key, what to do), its new key runs.
fp=$(python3 -c 'import hashlib,json,sys; print("SHA256:" + hashlib.sha256(bytes.fromhex(json.load(open(sys.argv[1]))["new_key"])).hexdigest()[:32])' "$d/replace.json")
out=$(timeout 20 "$bin" node run --cluster "$d/stale-cluster.json" --id 3 --key "$d/C/keys/node3.key" --ledger "$d/C/node3/ledger" --inputs "$d/Inputs" 2>&1); rc=$?
[ $rc = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && echo "$out" | grep -q "replaced at height $h by $fp (recorded in its ledger).*start it with its new key" \
  || fail "old key with a stale cluster.json: exit $rc, $out"
"$bin" node run --cluster "$d/stale-cluster.json" --id 3 --key "$d/C/keys/node3-new.ed25519.key" --ledger "$d/C/node3/ledger" \
  --inputs "$d/Inputs" --out "$d/Out3" --now 2026-11-20T11:00Z --once >"$d/stale3.log" 2>&1 \
  || fail "new key with a stale cluster.json: $(tail -3 "$d/stale3.log")"
# A trade of a block certified by the committee with the new key verifies against the updated cluster.json.
"$bin" proof "$d/C/node3/ledger" --trade '#1' --cycle "${cycles[4]}" --out "$d/p.json" >/dev/null 2>&1 || fail "proof of ${cycles[4]}"
"$bin" verify-proof "$d/p.json" --cluster "$d/C/cluster.json" >"$d/vp.txt" 2>&1 || fail "verify-proof --cluster: $(cat "$d/vp.txt")"
echo "bft-rekey: ok (kill -9, operator key replacement at height $h, restart with the new key, catch-up, quorum with the new key; 4 ledgers identical, audits pass)"
