/// Blinded comparisons packed several per Paillier plaintext (SPEC §3.2 ask ≤ bid filter on
/// ciphertexts). Each slot holds v = ρ·(x − y) + ρ′ with a fresh random 1 ≤ ρ < 2^32 and
/// 0 ≤ ρ′ < ρ: v ≥ 0 exactly when x ≥ y, and its magnitude is blurred by ρ. The slots are
/// signed, packed by Horner (P = Σ v_i·2^{b·(k−1−i)}, b = `slotBits`), so one decryption
/// by the key holder yields `perCiphertext` comparison outcomes and nothing else in clear
/// but the blurred values.
///
/// Guarantees: for |x − y| < 2^64 (any two `Int64` prices) every |v| < 2^96 < 2^(b−1), the
/// balanced decoding is exact, and `decode` returns the outcomes in input order. A value
/// outside that bound (a participant that encrypted a price it did not commit to, which the
/// plaintext-equality proof of `AttributeBinding` excludes) corrupts only the outcomes in
/// its own ciphertext.
public struct PackedSigns: Sendable {
    public var packed: [PaillierCiphertext]
    public var count: Int
    public var slotBits: Int
    public var perCiphertext: Int

    public init(packed: [PaillierCiphertext], count: Int, slotBits: Int, perCiphertext: Int) {
        self.packed = packed; self.count = count; self.slotBits = slotBits; self.perCiphertext = perCiphertext
    }

    public static let defaultSlotBits = 98

    /// Packs Enc(ρ_i·(x_i − y_i) + ρ′_i) for each pair (fresh blinding per pair), re-randomised.
    public static func compare<G: RandomNumberGenerator>(_ pairs: [(x: PaillierCiphertext, y: PaillierCiphertext)], publicKey pk: PaillierPublicKey,
                                                         slotBits: Int = defaultSlotBits, using rng: inout G) -> PackedSigns {
        let per = max(1, (pk.bits - 2) / slotBits)
        let shift = PaillierBigInt(1).shifted(slotBits)
        var out: [PaillierCiphertext] = []
        var i = 0
        func blinded(_ k: Int) -> PaillierCiphertext {
            let rho = Int64(rng.next() >> 32) | 1, rho2 = Int64(rng.next() >> 1) % rho
            return pk.addPlaintext(pk.multiply(pk.subtract(pairs[k].x, pairs[k].y), by: rho), rho2)
        }
        while i < pairs.count {
            var p = blinded(i)
            for j in (i + 1)..<min(i + per, pairs.count) { p = pk.add(pk.multiply(p, by: shift), blinded(j)) }
            out.append(pk.rerandomizeFast(p))
            i += per
        }
        return PackedSigns(packed: out, count: pairs.count, slotBits: slotBits, perCiphertext: per)
    }

    /// The outcomes x_i ≥ y_i in order (key holder). Throws when the shape does not add up.
    public func decode(with sk: PaillierPrivateKey) throws -> [Bool] {
        guard slotBits >= 8, perCiphertext >= 1, slotBits * perCiphertext < sk.publicKey.bits - 1,
              packed.count == (count + perCiphertext - 1) / perCiphertext else {
            throw PrivacyError.malformedEncoding("packed comparisons (\(count) in \(packed.count) × \(perCiphertext) slots of \(slotBits) bits) do not add up")
        }
        var out: [Bool] = []
        out.reserveCapacity(count)
        let base = MPZ(1).shiftedLeft(slotBits), half = MPZ(1).shiftedLeft(slotBits - 1)
        for (ci, c) in packed.enumerated() {
            var m = sk.decryptBig(c).value
            let k = min(perCiphertext, count - ci * perCiphertext)
            var slots = [Bool](repeating: false, count: k)
            for j in stride(from: k - 1, through: 0, by: -1) {   // balanced digits, lowest slot first
                var r = m.mod(base)
                if r.compare(half) >= 0 { r = r - base }
                slots[j] = r.sign >= 0
                m = (m - r).shiftedRight(slotBits)
            }
            out += slots
        }
        return out
    }

    func write(to w: inout MarketWriter) {
        w.array(packed) { $0.ciphertext($1) }; w.u32(count); w.u16(slotBits); w.u16(perCiphertext)
    }

    static func read(from r: inout MarketReader, publicKey pk: PaillierPublicKey) throws -> PackedSigns {
        let packed = try r.array { try $0.ciphertext(pk) }
        let s = PackedSigns(packed: packed, count: try r.u32(), slotBits: try r.u16(), perCiphertext: try r.u16())
        guard s.slotBits >= 8, s.perCiphertext >= 1, s.packed.count == (s.count + s.perCiphertext - 1) / s.perCiphertext else {
            throw PrivacyError.malformedEncoding("packed comparisons do not add up")
        }
        return s
    }
}
