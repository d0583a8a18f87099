import GridClearCore

/// Fixed-length, versioned, checksummed key encodings.
///
/// Public key:  `"GCPP" ‖ v1 ‖ u16 byteLen(N) ‖ N (byteLen bytes) ‖ checksum`.
/// Private key: `"GCPS" ‖ v1 ‖ u16 byteLen(N) ‖ p ‖ q (byteLen/2 + 1 bytes each, zero-padded) ‖ checksum`.
/// The private encoding holds secrets: wipe the returned array after writing it.
extension PaillierPublicKey {
    static let magic = "GCPP"

    public func serialize() -> [UInt8] {
        var w = ByteWriter()
        w.u16(UInt16(truncatingIfNeeded: modulusByteCount))
        w.raw(n.bytes(length: modulusByteCount)!)
        return Record.encode(magic: Self.magic, version: 1, body: w.bytes)
    }

    public convenience init(serialized: [UInt8]) throws {
        let body = try Record.decode(serialized, magic: Self.magic, version: 1, what: "Paillier public key")
        let nb = try Record.read(body, what: "Paillier public key") { r in try r.raw(Int(r.u16())) }
        guard nb.first != 0 else { throw PrivacyError.malformedEncoding("Paillier public key: non-canonical modulus") }
        try self.init(modulus: nb)
    }
}

extension PaillierPrivateKey {
    static let magic = "GCPS"

    public func serialize() -> [UInt8] {
        let len = publicKey.modulusByteCount
        let half = len / 2 + 1
        var w = ByteWriter(reservingCapacity: 2 + 2 * half)
        w.u16(UInt16(truncatingIfNeeded: len))
        var pb = p.bytes(length: half)!, qb = q.bytes(length: half)!
        w.raw(pb); w.raw(qb)
        wipe(&pb); wipe(&qb)
        var body = w.bytes
        w = ByteWriter()
        defer { wipe(&body) }
        return Record.encode(magic: Self.magic, version: 1, body: body)
    }

    public convenience init(serialized: [UInt8]) throws {
        var body = try Record.decode(serialized, magic: Self.magic, version: 1, what: "Paillier private key")
        defer { wipe(&body) }
        var pb: [UInt8] = [], qb: [UInt8] = []
        defer { wipe(&pb); wipe(&qb) }
        let len = try Record.read(body, what: "Paillier private key") { r in
            let len = Int(try r.u16())
            let half = len / 2 + 1
            pb = try r.raw(half); qb = try r.raw(half)
            return len
        }
        let p = MPZ(bytes: pb), q = MPZ(bytes: qb)
        try self.init(p: p, q: q)
        guard publicKey.modulusByteCount == len else { throw PrivacyError.malformedEncoding("Paillier private key: length field disagrees with N") }
    }

    /// A private key from its primes given as big-endian bytes (e.g. python-paillier's p, q).
    public convenience init(p: [UInt8], q: [UInt8]) throws {
        try self.init(p: MPZ(bytes: p), q: MPZ(bytes: q))
    }
}

extension PaillierPrivateKey {
    /// p and q as decimal strings (for handing a throwaway key to an interop peer; secrets!).
    public func decimalPrimes() throws -> (String, String) { (p.decimal, q.decimal) }
}
