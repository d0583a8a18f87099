import GridClearCore
import Testing
@testable import Privacy

@Suite struct PaillierTests {
    let sk = SharedKeys.generated1024
    var pk: PaillierPublicKey { sk.publicKey }

    @Test func generatedKeyHasExactSizeAndFixedLengths() throws {
        #expect(pk.bits == 1024)
        #expect(pk.ciphertextByteCount == 256)
        let c = try pk.encrypt(5)
        #expect(c.bytes.count == 256)
    }

    @Test func roundTripIncludingBoundaries() throws {
        for m: Int64 in [0, 1, -1, 42, -42, .max, .min + 1, 1 << 62, -(1 << 62)] {
            #expect(try sk.decrypt(pk.encrypt(m)) == m)
        }
    }

    @Test func decryptRefusesValuesBeyondInt64() throws {
        let big = try pk.encrypt(decimal: "9223372036854775808")  // 2^63
        #expect(throws: PrivacyError.self) { try sk.decrypt(big) }
        #expect(sk.decryptDecimal(big) == "9223372036854775808")
        let neg = try pk.encrypt(decimal: "-9223372036854775809")
        #expect(sk.decryptDecimal(neg) == "-9223372036854775809")
        #expect(throws: PrivacyError.self) { try sk.decrypt(neg) }
    }

    @Test func homomorphicIdentitiesOnRandomSignedValues() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<40 {
            let a = Int64.random(in: -(1 << 40)...(1 << 40), using: &rng)
            let b = Int64.random(in: -(1 << 40)...(1 << 40), using: &rng)
            let k = Int64.random(in: -(1 << 20)...(1 << 20), using: &rng)
            let ca = try pk.encrypt(a, using: &rng), cb = try pk.encrypt(b, using: &rng)
            #expect(try sk.decrypt(pk.add(ca, cb)) == a + b)
            #expect(try sk.decrypt(pk.subtract(ca, cb)) == a - b)
            #expect(try sk.decrypt(pk.addPlaintext(ca, k)) == a + k)
            #expect(try sk.decrypt(pk.multiply(ca, by: k)) == a * k)
            let rr = pk.rerandomize(ca, using: &rng)
            #expect(rr != ca)
            #expect(try sk.decrypt(rr) == a)
        }
        // multiplication by 0 and ±1, and sums crossing zero
        let c = try pk.encrypt(-17)
        #expect(try sk.decrypt(pk.multiply(c, by: 0)) == 0)
        #expect(try sk.decrypt(pk.multiply(c, by: -1)) == 17)
        #expect(try sk.decrypt(pk.add(c, pk.encrypt(17))) == 0)
        // wrap-free at the Int64 boundary
        #expect(try sk.decrypt(pk.addPlaintext(pk.encrypt(.max - 5), 5)) == .max)
    }

    @Test func encryptionIsRandomised() throws {
        #expect(try pk.encrypt(3) != pk.encrypt(3))
    }

    @Test func ciphertextValidationRejectsOutOfGroupValues() throws {
        let len = pk.ciphertextByteCount
        #expect(throws: PrivacyError.self) { try PaillierCiphertext(bytes: [UInt8](repeating: 0, count: len), publicKey: pk) }
        #expect(throws: PrivacyError.self) { try PaillierCiphertext(bytes: [UInt8](repeating: 0xFF, count: len), publicKey: pk) }
        #expect(throws: PrivacyError.self) { try PaillierCiphertext(bytes: [1, 2, 3], publicKey: pk) }
        // a multiple of p is not a unit
        let pBytes = sk.p.bytes(length: len)!
        #expect(throws: PrivacyError.self) { try PaillierCiphertext(bytes: pBytes, publicKey: pk) }
        let c = try pk.encrypt(99)
        #expect(try PaillierCiphertext(bytes: c.bytes, publicKey: pk) == c)
    }

    @Test func keySerialisationRoundTripsAndDetectsCorruption() throws {
        let pub = pk.serialize()
        let pk2 = try PaillierPublicKey(serialized: pub)
        #expect(pk2 == pk)
        let sec = sk.serialize()
        let sk2 = try PaillierPrivateKey(serialized: sec)
        #expect(try sk2.decrypt(pk.encrypt(-123)) == -123)
        #expect(sk2.serialize() == sec)
        var bad = sec; bad[20] ^= 1
        #expect(throws: PrivacyError.self) { try PaillierPrivateKey(serialized: bad) }
        #expect(throws: PrivacyError.self) { try PaillierPublicKey(serialized: Array(pub.dropLast())) }
        #expect(throws: PrivacyError.self) { try PaillierPublicKey(serialized: sec) }   // wrong magic
    }

    @Test func unsupportedKeySizesAreRejected() {
        #expect(throws: PrivacyError.unsupportedKeySize(256)) { try PaillierPrivateKey.generate(bits: 256) }
        #expect(throws: PrivacyError.unsupportedKeySize(1023)) { try PaillierPrivateKey.generate(bits: 1023) }
    }

    @Test func poolEntriesAreUsedOnceAndExhaustionIsReported() throws {
        var rng = SplitMix64(seed: 11)
        let pool = PaillierRandomnessPool(publicKey: pk, count: 0)
        pool.refill(count: 5, using: &rng)
        var seen: [[UInt8]] = []
        for i in 0..<5 {
            let c = try pk.encrypt(Int64(i) - 2, pool: pool)
            #expect(try sk.decrypt(c) == Int64(i) - 2)
            // Enc(0)·(entry) reveals the entry: every one must differ (no reuse).
            seen.append(c.bytes)
        }
        let zeroCts = seen.map { Array($0) }
        #expect(Set(zeroCts).count == 5)
        #expect(pool.available == 0 && pool.used == 5)
        #expect(throws: PrivacyError.randomnessPoolExhausted) { try pk.encrypt(1, pool: pool) }
    }

    @Test func fixedPointCodecScalesAndOverflow() throws {
        let price = FixedPointCodec.priceTicks
        #expect(try price.encode(0.4567) == 4567)
        #expect(try price.encode(-0.00005) == -1)   // half away from zero
        #expect(throws: PrivacyError.self) { try price.encode(.infinity) }
        #expect(throws: PrivacyError.self) { try price.encode(1e13) }
        #expect(throws: PrivacyError.self) { try FixedPointCodec.energyWh.checkedAdd(.max, 1) }
        let c = try pk.encrypt(-12.3456, codec: price)
        #expect(try sk.decrypt(c, codec: price) == -12.3456)
        let huge = try pk.encrypt(Int64(1) << 60)
        #expect(throws: PrivacyError.self) { try sk.decrypt(huge, codec: price) }
    }
}

@Suite struct PaillierFastPathTests {
    @Test func fixedBaseAndCRTEncryptionsDecryptCorrectly() throws {
        let sk = SharedKeys.phe, pk = sk.publicKey
        var rng = SplitMix64(seed: 41)
        for _ in 0..<20 {
            let m = Int64.random(in: -(1 << 61)...(1 << 61), using: &rng)
            let a = try pk.encryptFast(m), b = try sk.encrypt(m)
            #expect(try sk.decrypt(a) == m)
            #expect(try sk.decrypt(b) == m)
            #expect(try sk.decrypt(pk.add(a, b)) == 2 * m)
            #expect(try sk.decrypt(pk.subtract(a, b)) == 0)
        }
        #expect(try pk.encryptFast(1) != pk.encryptFast(1))
    }

    /// The validated product decrypts to the sum; one factor sharing p with N, a zero or an
    /// out-of-range value is refused even among valid ones.
    @Test func validatedProductIsTheSumAndRefusesBadFactors() throws {
        let sk = SharedKeys.phe, pk = sk.publicKey
        let cs = try [5, -7, 1 << 40].map { try pk.encryptFast(Int64($0)).bytes }
        #expect(try sk.decrypt(PaillierCiphertext(validatingProductOf: cs, publicKey: pk)) == 5 - 7 + (1 << 40))
        let sharesP = sk.p.bytes(length: pk.ciphertextByteCount)!
        let zero = [UInt8](repeating: 0, count: pk.ciphertextByteCount)
        let tooBig = pk.nSquared.bytes(length: pk.ciphertextByteCount)!
        for bad in [sharesP, zero, tooBig, [1, 2, 3]] {
            #expect(throws: PrivacyError.self) { try PaillierCiphertext(validatingProductOf: cs + [bad], publicKey: pk) }
        }
    }

    /// The Montgomery fixed-base table gives exactly h_s^α (checked against GMP's powm), also
    /// for α of a length that is not a whole number of bytes (1026-bit key: 513-bit α) and
    /// for α = 0.
    @Test func fixedBaseTableComputesThePowerExactly() throws {
        var rng = SplitMix64(seed: 7)
        for key in [SharedKeys.generated1024.publicKey, try PaillierPrivateKey.generate(bits: 1026, using: &rng).publicKey] {
            let f = key.fixedBase
            #expect(f.windows == (f.exponentBits + 7) / 8)
            for trial in 0..<6 {
                var digits = trial == 0 ? [UInt8](repeating: 0, count: f.windows) : rng.bytes(f.windows)
                if f.exponentBits % 8 != 0 { digits[f.windows - 1] &= UInt8((1 << (f.exponentBits % 8)) - 1) }
                let alpha = MPZ(bytes: digits.reversed())
                #expect(f.power(digits).compare(f.hs.powPublic(alpha, mod: key.nSquared)) == 0)
            }
        }
    }

    /// A table exported by one key object is adopted by another object of the same key (a
    /// separate process in `rci run`): the same h_s and the same powers, and its encryptions
    /// decrypt. A table of another key, a truncated one and one with a changed checked entry are refused.
    @Test func exportedFixedBaseTableIsAdoptedOnlyByItsKey() throws {
        let sk = SharedKeys.generated1024, table = sk.publicKey.fixedBaseTable()
        let copy = try PaillierPublicKey(serialized: sk.publicKey.serialize())
        try copy.useFixedBaseTable(table)
        #expect(copy.fixedBase.hs.compare(sk.publicKey.fixedBase.hs) == 0)
        var rng = SplitMix64(seed: 3)
        let digits = rng.bytes(copy.fixedBase.windows)
        #expect(copy.fixedBase.power(digits).compare(sk.publicKey.fixedBase.power(digits)) == 0)
        #expect(try sk.decrypt(copy.encryptFast(-1234, using: &rng)) == -1234)
        let other = try PaillierPublicKey(serialized: SharedKeys.phe.publicKey.serialize())
        // T[0][1], an entry the structural check covers (others are trusted, see PaillierFixedBase)
        let limbs = sk.publicKey.ciphertextByteCount / 8, entries = copy.fixedBase.windows * PaillierFixedBase.rowLength
        var changed = table
        changed[table.count - 8 * limbs * (entries - 1) + 3] ^= 1
        for bad in [table.dropLast(8).map { $0 }, changed] {
            #expect(throws: PrivacyError.self) { try copy.useFixedBaseTable(bad) }
        }
        #expect(throws: PrivacyError.self) { try other.useFixedBaseTable(table) }
    }
}

@Test func armoredKeysRoundTrip() throws {
    let sk = SharedKeys.phe
    let text = sk.armored
    #expect(text.hasPrefix("-----BEGIN GRIDCLEAR PAILLIER PRIVATE KEY-----"))
    let sk2 = try PaillierPrivateKey(armored: text)
    #expect(sk2.publicKey == sk.publicKey)
    #expect(try PaillierPublicKey(armored: sk.publicKey.armored) == sk.publicKey)
    #expect(throws: PrivacyError.self) { try PaillierPrivateKey(armored: sk.publicKey.armored) }
}
