/// Wide plaintexts and slot packing for Paillier, so that one decryption returns many small
/// values (the RCI platform decrypts one packed ciphertext per agent per ⌈partners/slots⌉).
///
/// Guarantees: `pack` of ciphertexts of m₀ … m_{s−1}, each in [0, 2^slotBits), decrypts with
/// `decryptPacked` to exactly those values when s·slotBits ≤ `PaillierPacking.capacity(of:)`
/// bits; packing costs slotBits modular squarings per slot, a decryption about one
/// exponentiation by p−1 and q−1 — for 100-bit slots far less than decrypting each value.
public enum PaillierPacking {
    /// Usable plaintext bits of a key: the packed value stays below N/2.
    public static func capacity(of key: PaillierPublicKey) -> Int { key.bits - 2 }

    /// Slots of `slotBits` bits per ciphertext under `key`.
    public static func slots(of key: PaillierPublicKey, slotBits: Int) -> Int { max(1, capacity(of: key) / slotBits) }
}

extension PaillierPublicKey {
    /// Enc(a + m) for a signed plaintext of up to 127 bits (one multiplication by the
    /// trivial encryption 1 + m·N; not re-randomised).
    public func addPlaintext(_ a: PaillierCiphertext, wide m: Int128) -> PaillierCiphertext {
        check(a)
        let magnitude = MPZ(bytes: withUnsafeBytes(of: m.magnitude.bigEndian) { Array($0) })
        return PaillierCiphertext(value: (a.value * encodeResidue(m < 0 ? -magnitude : magnitude)).mod(nSquared), key: self)
    }

    /// Enc(Σ_i m_i·2^(slotBits·i)) from Enc(m_i), by Horner's rule.
    public func pack(_ cs: [PaillierCiphertext], slotBits: Int) -> PaillierCiphertext {
        precondition(!cs.isEmpty && slotBits > 0 && cs.count * slotBits <= PaillierPacking.capacity(of: self),
                     "packing \(cs.count) slots of \(slotBits) bits exceeds the key's capacity")
        let shift = MPZ(1).shiftedLeft(slotBits)
        var acc = cs[cs.count - 1].value
        for c in cs.dropLast().reversed() {
            check(c)
            acc = (acc.powPublic(shift, mod: nSquared) * c.value).mod(nSquared)
        }
        return PaillierCiphertext(value: acc, key: self)
    }
}

extension PaillierPrivateKey {
    /// The `count` slot values of a packed ciphertext, each in [0, 2^slotBits) (slotBits ≤ 127).
    public func decryptPacked(_ c: PaillierCiphertext, count: Int, slotBits: Int) -> [Int128] {
        precondition(slotBits > 0 && slotBits <= 127 && count > 0)
        let m = decryptResidue(c)
        let modulus = MPZ(1).shiftedLeft(slotBits)
        return (0..<count).map { i in
            let slot = m.shiftedRight(slotBits * i).mod(modulus)
            let b = slot.bytes(length: 16) ?? Array(repeating: 0xFF, count: 16)
            return Int128(bitPattern: b.reduce(UInt128(0)) { $0 << 8 | UInt128($1) })
        }
    }
}
