import GridClearCore

/// Canonical writer for market protocol messages: big-endian integers, u32 length-prefixed
/// blobs and text (GridClearCore's `ByteWriter`), fixed-length Paillier ciphertexts and
/// 32-byte Ristretto255 points and scalars. One value has exactly one encoding.
public struct MarketWriter: Sendable {
    var w = GridClearCore.ByteWriter()
    public init() {}
    public var bytes: [UInt8] { w.bytes }

    public mutating func u8(_ v: UInt8) { w.u8(v) }
    public mutating func u16(_ v: Int) { precondition(v >= 0 && v <= 0xFFFF, "u16 out of range"); w.u16(UInt16(v)) }
    public mutating func u32(_ v: Int) { precondition(v >= 0 && v <= 0xFFFF_FFFF, "u32 out of range"); w.u32(UInt32(v)) }
    public mutating func u64(_ v: UInt64) { w.u64(v) }
    public mutating func i64(_ v: Int64) { w.i64(v) }
    public mutating func bool(_ v: Bool) { w.bool(v) }
    public mutating func f64(_ v: Double) { w.u64(v.bitPattern) }
    public mutating func blob(_ b: [UInt8]) { w.blob(b) }
    public mutating func text(_ s: String) { w.text(s) }
    public mutating func ciphertext(_ c: PaillierCiphertext) { w.raw(c.bytes) }
    public mutating func point(_ p: Point) { w.raw(p.bytes) }
    public mutating func scalar(_ s: Scalar) { w.raw(s.bytes) }
    public mutating func commitment(_ c: PedersenCommitment) { w.raw(c.bytes) }
    public mutating func big(_ b: PaillierBigInt) { w.text(b.decimal) }
    public mutating func array<T>(_ xs: [T], _ each: (inout MarketWriter, T) -> Void) {
        u32(xs.count)
        for x in xs { each(&self, x) }
    }
}

/// Reader matching `MarketWriter`; every read is bounds-checked and `finish()` rejects
/// trailing bytes, so a decoded message re-encodes to the same bytes.
public struct MarketReader: Sendable {
    var r: GridClearCore.ByteReader
    public init(_ bytes: [UInt8]) { r = GridClearCore.ByteReader(bytes, cap: 64 << 20) }

    public mutating func u8() throws -> UInt8 { try wrap { try $0.u8() } }
    public mutating func u16() throws -> Int { Int(try wrap { try $0.u16() }) }
    public mutating func u32() throws -> Int { Int(try wrap { try $0.u32() }) }
    public mutating func u64() throws -> UInt64 { try wrap { try $0.u64() } }
    public mutating func i64() throws -> Int64 { try wrap { try $0.i64() } }
    public mutating func bool() throws -> Bool { try wrap { try $0.bool() } }
    public mutating func f64() throws -> Double { Double(bitPattern: try u64()) }
    public mutating func blob(max: Int = 1 << 20) throws -> [UInt8] { try wrap { try $0.blob(max: max) } }
    public mutating func text(max: Int = 4096) throws -> String { try wrap { try $0.text(max: max) } }
    public mutating func raw(_ n: Int) throws -> [UInt8] { try wrap { try $0.raw(n) } }
    public mutating func ciphertext(_ pk: PaillierPublicKey) throws -> PaillierCiphertext {
        try PaillierCiphertext(bytes: try raw(pk.ciphertextByteCount), publicKey: pk)
    }
    public mutating func point() throws -> Point { try Point(canonical: try raw(32)) }
    public mutating func scalar() throws -> Scalar { try Scalar(canonical: try raw(32)) }
    public mutating func commitment() throws -> PedersenCommitment { try PedersenCommitment(bytes: try raw(32)) }
    public mutating func big() throws -> PaillierBigInt {
        let s = try text(max: 2048)
        guard let b = PaillierBigInt(decimal: s) else { throw PrivacyError.malformedEncoding("not a decimal integer") }
        return b
    }
    public mutating func array<T>(max: Int = 1 << 20, _ each: (inout MarketReader) throws -> T) throws -> [T] {
        let n = try u32()
        guard n <= max else { throw PrivacyError.malformedEncoding("array of \(n) elements (at most \(max))") }
        var out: [T] = []
        out.reserveCapacity(Swift.min(n, 4096))
        for _ in 0..<n { out.append(try each(&self)) }
        return out
    }
    public func finish() throws { try wrap2 { try r.finish() } }

    private mutating func wrap<T>(_ f: (inout GridClearCore.ByteReader) throws -> T) throws -> T {
        do { return try f(&r) } catch let e as DecodeError { throw PrivacyError.malformedEncoding("market message: \(e)") }
    }
    private func wrap2(_ f: () throws -> Void) throws {
        do { try f() } catch let e as DecodeError { throw PrivacyError.malformedEncoding("market message: \(e)") }
    }
}
