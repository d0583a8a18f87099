#!/usr/bin/env python3
"""Independent checks for the service test (scripts/test-extras.d/70-service-browser.sh),
standard library only:
  png FILE                     the screenshot decodes (zlib + PNG filters) and is not blank
  metrics FILE CLEARED REJFILES  Prometheus text: counters, histogram consistency, gauges
  logs FILE REJECTED CYCLE...  JSON-lines log: every line parses with ts/level/message/metadata;
                               each cycle's start and end logged exactly once
"""
import json, struct, sys, zlib


def png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), f"unexpected PNG format depth={depth} type={ctype}"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours, nonwhite, i = set(), 0, 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp * 3):  # every third pixel is plenty
            px = bytes(line[x:x + 3])
            colours.add(px)
            if px != b"\xff\xff\xff": nonwhite += 1
        prev = line
    sampled = h * ((w + 2) // 3)
    share = nonwhite / sampled
    print(f"png: {w}x{h}, {len(colours)} distinct colours in the sample, {share:.1%} non-white")
    assert len(colours) >= 16, "screenshot looks blank (too few colours)"
    assert share > 0.05, "screenshot looks blank (almost all white)"


def metrics(path, cleared, rejected_files):
    values, buckets = {}, []
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        name, value = line.rsplit(" ", 1)
        values[name] = float(value)
        if name.startswith("gridclear_cycle_seconds_bucket"):
            buckets.append(float(value))
    assert values["gridclear_cycles_cleared_total"] == cleared, values
    assert values["gridclear_submissions_rejected_total"] == rejected_files, values
    assert values["gridclear_cycles_rejected_total"] == 0, values
    assert values["gridclear_cycle_seconds_count"] == cleared, values
    assert values['gridclear_cycle_seconds_bucket{le="+Inf"}'] == cleared, values
    assert buckets == sorted(buckets), "histogram buckets are not cumulative"
    assert values["gridclear_cycle_seconds_sum"] > 0, values
    assert values["gridclear_ledger_height"] == cleared, values
    assert values["gridclear_last_success_timestamp_seconds"] > 1.7e9, values
    print(f"metrics: {cleared} cleared, {rejected_files} file(s) rejected, histogram of {len(buckets)} buckets consistent")


def logs(path, rejected_expected, cycles):
    starts, ends, rejected = {}, {}, 0
    for n, line in enumerate(open(path), 1):
        o = json.loads(line)
        assert list(o.keys()) == ["ts", "level", "message", "metadata"], f"line {n}: keys {list(o.keys())}"
        ev = o["metadata"].get("event")
        c = o["metadata"].get("cycle")
        if ev == "cycle_start": starts[c] = starts.get(c, 0) + 1
        if ev == "cycle_end":
            ends[c] = ends.get(c, 0) + 1
            for k in ("mechanism", "bids", "offers", "duration_ms", "ledger_height"):
                assert k in o["metadata"], f"line {n}: cycle_end without {k}"
        if ev == "submission_rejected": rejected += 1
    for c in cycles:
        assert starts.get(c) == 1 and ends.get(c) == 1, f"cycle {c}: start {starts.get(c)}, end {ends.get(c)} (expected once each)"
    assert rejected == rejected_expected, f"{rejected} submission rejections logged, expected {rejected_expected}"
    print(f"logs: {len(cycles)} cycles logged once each, {rejected} rejection(s)")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "png": png(sys.argv[2])
    elif cmd == "metrics": metrics(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "logs": logs(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    else: sys.exit(f"unknown check {cmd}")
