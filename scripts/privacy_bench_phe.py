#!/usr/bin/env python3
"""Peer timing for `gridclear bench privacy`: python-paillier (phe, with gmpy2) on the SAME key.

Usage: privacy_bench_phe.py KEY.json OPS
KEY.json holds {"n": "...", "p": "...", "q": "..."} (decimal). Prints one JSON object of
operations per second: encrypt, decrypt, add, multiply (integer scalar), plus the gmpy2 flag.
"""
import json, random, sys, time
from phe import paillier
try:
    import gmpy2  # noqa: F401  (phe uses it automatically when installed)
    HAVE_GMPY2 = True
except ImportError:
    HAVE_GMPY2 = False


def rate(fn, ops):
    t0 = time.perf_counter()
    for i in range(ops):
        fn(i)
    return ops / (time.perf_counter() - t0)


def main():
    k = json.load(open(sys.argv[1]))
    ops = int(sys.argv[2])
    pub = paillier.PaillierPublicKey(int(k["n"]))
    priv = paillier.PaillierPrivateKey(pub, int(k["p"]), int(k["q"]))
    rng = random.Random(1)
    ms = [rng.randrange(-(2**40), 2**40) for _ in range(ops)]
    ks = [rng.randrange(-(2**31), 2**31) for _ in range(ops)]
    cts = []
    enc = rate(lambda i: cts.append(pub.encrypt(ms[i])), ops)
    dec = rate(lambda i: priv.decrypt(cts[i]), ops)
    add = rate(lambda i: cts[i] + cts[(i + 1) % ops], ops)
    mul = rate(lambda i: cts[i] * ks[i], ops)
    print(json.dumps({"encrypt": enc, "decrypt": dec, "add": add, "multiply": mul, "gmpy2": HAVE_GMPY2}))


if __name__ == "__main__":
    main()
