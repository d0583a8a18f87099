internal import CSodium
import Crypto

/// An element of the Ristretto255 prime-order group, held as its 32-byte canonical encoding.
///
/// Guarantees: only valid canonical encodings are constructed; the identity is a
/// legitimate value (all-zero encoding) and is handled explicitly, since libsodium's
/// scalar multiplication reports an identity result as an error.
public struct Point: Sendable, Hashable {
    public let bytes: [UInt8]

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// Parses a canonical encoding (the identity is accepted; use `isIdentity` to forbid it).
    public init(canonical bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw PrivacyError.invalidGroupElement("point must be 32 bytes") }
        Sodium.ensureInitialized()
        let zero = [UInt8](repeating: 0, count: 32)
        if bytes != zero {
            let ok = bytes.withUnsafeBufferPointer { crypto_core_ristretto255_is_valid_point($0.baseAddress!) }
            guard ok == 1 else { throw PrivacyError.invalidGroupElement("not a canonical Ristretto255 encoding") }
        }
        self.bytes = bytes
    }

    public static let identity = Point(unchecked: [UInt8](repeating: 0, count: 32))
    /// The standard Ristretto255 generator G.
    public static let generator: Point = Point.baseMultiply(.one)

    public var isIdentity: Bool { bytes.allSatisfy { $0 == 0 } }

    /// Hash-to-group: `crypto_core_ristretto255_from_hash(SHA-512(domain ‖ 0 ‖ data))`.
    /// Nobody knows the discrete log of the result with respect to G.
    public static func hashToGroup(domain: String, _ data: [UInt8] = []) -> Point {
        Sodium.ensureInitialized()
        var h = SHA512()
        h.update(data: Array(domain.utf8)); h.update(data: [0]); h.update(data: data)
        let digest = Array(h.finalize())
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer { o in digest.withUnsafeBufferPointer { _ = crypto_core_ristretto255_from_hash(o.baseAddress!, $0.baseAddress!) } }
        return Point(unchecked: out)
    }

    /// s·G.
    public static func baseMultiply(_ s: Scalar) -> Point {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: 32)
        let rc = out.withUnsafeMutableBufferPointer { o in s.bytes.withUnsafeBufferPointer { crypto_scalarmult_ristretto255_base(o.baseAddress!, $0.baseAddress!) } }
        return rc == 0 ? Point(unchecked: out) : .identity   // -1 only for s = 0 (identity result)
    }

    public static func + (a: Point, b: Point) -> Point {
        if a.isIdentity { return b }
        if b.isIdentity { return a }
        var out = [UInt8](repeating: 0, count: 32)
        let rc = out.withUnsafeMutableBufferPointer { o in a.bytes.withUnsafeBufferPointer { pa in b.bytes.withUnsafeBufferPointer { pb in crypto_core_ristretto255_add(o.baseAddress!, pa.baseAddress!, pb.baseAddress!) } } }
        precondition(rc == 0, "ristretto255 add on validated points failed")
        return Point(unchecked: out)
    }
    public static prefix func - (a: Point) -> Point { Point.identity - a }
    public static func - (a: Point, b: Point) -> Point {
        if b.isIdentity { return a }
        var out = [UInt8](repeating: 0, count: 32)
        let rc = out.withUnsafeMutableBufferPointer { o in a.bytes.withUnsafeBufferPointer { pa in b.bytes.withUnsafeBufferPointer { pb in crypto_core_ristretto255_sub(o.baseAddress!, pa.baseAddress!, pb.baseAddress!) } } }
        precondition(rc == 0, "ristretto255 sub on validated points failed")
        return Point(unchecked: out)
    }
    /// s·P (identity results and s = 0 handled).
    public static func * (s: Scalar, p: Point) -> Point {
        if p.isIdentity || s.isZero { return .identity }
        var out = [UInt8](repeating: 0, count: 32)
        let rc = out.withUnsafeMutableBufferPointer { o in s.bytes.withUnsafeBufferPointer { ps in p.bytes.withUnsafeBufferPointer { pp in crypto_scalarmult_ristretto255(o.baseAddress!, ps.baseAddress!, pp.baseAddress!) } } }
        return rc == 0 ? Point(unchecked: out) : .identity
    }

    public static func == (a: Point, b: Point) -> Bool { constantTimeEqual(a.bytes, b.bytes) }
    public func hash(into h: inout Hasher) { h.combine(bytes) }
}

extension Transcript {
    mutating func append(label: String, _ p: Point) { append(label: label, p.bytes) }
    mutating func append(label: String, _ s: Scalar) { append(label: label, s.bytes) }
    /// A challenge scalar from 64 transcript bytes.
    mutating func challengeScalar(label: String) -> Scalar { Scalar.reduce(challengeBytes(label: label, count: 64)) }
}
