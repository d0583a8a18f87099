import GridClearCore

/// Fixed-length, versioned, checksummed key encodings.
///
/// Public key:  `"GCPP" ‖ v1 ‖ u16 byteLen(N) ‖ N (byteLen bytes) ‖ checksum`.
/// Private key: `"GCPS" ‖ v1 ‖ u16 byteLen(N) ‖ p ‖ q (byteLen/2 + 1 bytes each, zero-padded) ‖ checksum`.
/// The private encoding holds secrets: wipe the returned array after writing it.
extension PaillierPublicKey {
    static let magic = "GCPP"

    public func serialize() -> [UInt8] {
        var body: [UInt8] = []
        body.appendU16(modulusByteCount)
        body += n.bytes(length: modulusByteCount)!
        return Record.encode(magic: Self.magic, version: 1, body: body)
    }

    public convenience init(serialized: [UInt8]) throws {
        let body = try Record.decode(serialized, magic: Self.magic, version: 1, what: "Paillier public key")
        var r = ByteReader(body, what: "Paillier public key")
        let len = try r.u16()
        let nb = try r.take(len)
        try r.expectEnd()
        guard nb.first != 0 else { throw PrivacyError.malformedEncoding("Paillier public key: non-canonical modulus") }
        try self.init(modulus: nb)
    }
}

extension PaillierPrivateKey {
    static let magic = "GCPS"

    public func serialize() -> [UInt8] {
        let len = publicKey.modulusByteCount
        let half = len / 2 + 1
        var body: [UInt8] = []
        body.appendU16(len)
        var pb = p.bytes(length: half)!, qb = q.bytes(length: half)!
        body += pb; body += qb
        wipe(&pb); wipe(&qb)
        defer { wipe(&body) }
        return Record.encode(magic: Self.magic, version: 1, body: body)
    }

    public convenience init(serialized: [UInt8]) throws {
        var body = try Record.decode(serialized, magic: Self.magic, version: 1, what: "Paillier private key")
        defer { wipe(&body) }
        var r = ByteReader(body, what: "Paillier private key")
        let len = try r.u16()
        let half = len / 2 + 1
        var pb = try r.take(half), qb = try r.take(half)
        defer { wipe(&pb); wipe(&qb) }
        try r.expectEnd()
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
