#!/usr/bin/env python3
"""Makes python-paillier (phe) interop vectors for GridClear's Paillier implementation.

Output: Tests/PrivacyTests/Fixtures/phe_vectors.json (committed). It holds a 1024-bit
TEST key (p, q, n — never use it for anything real), ciphertexts phe produced with known
randomness r (GridClear must decrypt them to m AND reproduce them byte for byte from the
same r, which shows phe can decrypt GridClear's ciphertexts), and phe's results of the
homomorphic operations (add, add plaintext, multiply by a possibly negative scalar).

Run:  python3 scripts/privacy_phe_vectors.py            (re-uses the committed key)
      python3 scripts/privacy_phe_vectors.py --new-key  (generates a fresh test key)
      python3 scripts/privacy_phe_vectors.py --out F    (write elsewhere, e.g. to diff)
Requires: pip install phe gmpy2
"""
import json, os, random, sys
from phe import paillier

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "PrivacyTests", "Fixtures", "phe_vectors.json")


def load_or_make_key(new):
    if not new and os.path.exists(OUT):
        k = json.load(open(OUT))["key"]
        n, p, q = int(k["n"]), int(k["p"]), int(k["q"])
        pub = paillier.PaillierPublicKey(n)
        return pub, paillier.PaillierPrivateKey(pub, p, q)
    return paillier.generate_paillier_keypair(n_length=1024)


def main():
    out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else OUT
    pub, priv = load_or_make_key("--new-key" in sys.argv)
    n = pub.n
    rng = random.Random(20261120)
    values = [0, 1, -1, 2, -2, 42, -42, 123456789, -987654321, 2**31, -(2**31),
              2**62, -(2**62), 2**63 - 1, -(2**63 - 1)] + [rng.randrange(-(2**62), 2**62) for _ in range(10)]
    encs = []
    for m in values:
        r = rng.randrange(1, n)
        c = pub.raw_encrypt(m % n, r_value=r)
        assert priv.decrypt(paillier.EncryptedNumber(pub, c, 0)) == m
        encs.append({"m": str(m), "r": str(r), "c": str(c)})

    ops = []
    for _ in range(8):
        a, b = rng.randrange(-(2**40), 2**40), rng.randrange(-(2**40), 2**40)
        k = rng.randrange(-(2**20), 2**20)
        ea = paillier.EncryptedNumber(pub, pub.raw_encrypt(a % n, r_value=rng.randrange(1, n)), 0)
        eb = paillier.EncryptedNumber(pub, pub.raw_encrypt(b % n, r_value=rng.randrange(1, n)), 0)
        s, ap, mk = ea + eb, ea + k, ea * k
        assert priv.decrypt(s) == a + b and priv.decrypt(ap) == a + k and priv.decrypt(mk) == a * k
        ops.append({"a": str(a), "b": str(b), "k": str(k),
                    "ca": str(ea.ciphertext(be_secure=False)), "cb": str(eb.ciphertext(be_secure=False)),
                    "c_sum": str(s.ciphertext(be_secure=False)),
                    "c_add_k": str(ap.ciphertext(be_secure=False)),
                    "c_mul_k": str(mk.ciphertext(be_secure=False))})

    doc = {"generator": "scripts/privacy_phe_vectors.py (python-paillier %s)" % getattr(paillier, "__version__", "phe"),
           "note": "1024-bit TEST key; g = n + 1; negative m encoded as n - |m|",
           "key": {"n": str(n), "p": str(priv.p), "q": str(priv.q)},
           "encryptions": encs, "operations": ops}
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
