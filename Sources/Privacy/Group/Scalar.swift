internal import CSodium
import GridClearCore
import Crypto

/// An element of Z_ℓ (ℓ = 2^252 + 27742317777372353535851937790883648493), the
/// Ristretto255 scalar field, held as 32 canonical little-endian bytes.
///
/// Guarantees: always canonical (< ℓ); decoding rejects non-canonical encodings;
/// equality is constant time. Zero is representable (check `isZero` where a
/// protocol forbids it).
public struct Scalar: Sendable, Hashable, CustomStringConvertible {
    /// Canonical little-endian encoding.
    public let bytes: [UInt8]

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// Parses a canonical encoding.
    public init(canonical bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw PrivacyError.invalidGroupElement("scalar must be 32 bytes") }
        let reduced = Scalar.reduce(bytes + [UInt8](repeating: 0, count: 32))
        guard constantTimeEqual(reduced.bytes, bytes) else { throw PrivacyError.invalidGroupElement("scalar is not canonical (≥ ℓ)") }
        self.bytes = bytes
    }

    public init(_ v: UInt64) {
        var b = [UInt8](repeating: 0, count: 32)
        for i in 0..<8 { b[i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
        self.bytes = b
    }

    /// A signed integer mapped into Z_ℓ (negative values become ℓ − |v|).
    public init(_ v: Int64) {
        let m = Scalar(v.magnitude)
        self = v < 0 ? -m : m
    }

    public static let zero = Scalar(UInt64(0))
    public static let one = Scalar(UInt64(1))

    /// Reduces 64 bytes modulo ℓ.
    public static func reduce(_ wide: [UInt8]) -> Scalar {
        precondition(wide.count == 64)
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer { o in wide.withUnsafeBufferPointer { w in crypto_core_ristretto255_scalar_reduce(o.baseAddress!, w.baseAddress!) } }
        return Scalar(unchecked: out)
    }

    /// A uniformly random scalar from the system CSPRNG.
    public static func random() -> Scalar { var g = SystemCSPRNG(); return random(using: &g) }

    /// A uniformly random scalar from `rng` (64 bytes reduced: bias < 2^-250).
    public static func random<G: RandomNumberGenerator>(using rng: inout G) -> Scalar {
        var w = rng.bytes(64)
        defer { wipe(&w) }
        return reduce(w)
    }

    /// A scalar derived from a domain label and data via SHA-512 (hash-to-scalar).
    public static func hash(domain: String, _ data: [UInt8]) -> Scalar {
        var h = SHA512()
        h.update(data: Array(domain.utf8)); h.update(data: [0]); h.update(data: data)
        return reduce(Array(h.finalize()))
    }

    public var isZero: Bool { constantTimeEqual(bytes, Scalar.zero.bytes) }

    private static func binary(_ a: Scalar, _ b: Scalar, _ f: (UnsafeMutablePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>) -> Void) -> Scalar {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer { o in a.bytes.withUnsafeBufferPointer { pa in b.bytes.withUnsafeBufferPointer { pb in f(o.baseAddress!, pa.baseAddress!, pb.baseAddress!) } } }
        return Scalar(unchecked: out)
    }
    public static func + (a: Scalar, b: Scalar) -> Scalar { binary(a, b) { crypto_core_ristretto255_scalar_add($0, $1, $2) } }
    public static func - (a: Scalar, b: Scalar) -> Scalar { binary(a, b) { crypto_core_ristretto255_scalar_sub($0, $1, $2) } }
    public static func * (a: Scalar, b: Scalar) -> Scalar { binary(a, b) { crypto_core_ristretto255_scalar_mul($0, $1, $2) } }
    public static prefix func - (a: Scalar) -> Scalar {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer { o in a.bytes.withUnsafeBufferPointer { crypto_core_ristretto255_scalar_negate(o.baseAddress!, $0.baseAddress!) } }
        return Scalar(unchecked: out)
    }
    public static func += (a: inout Scalar, b: Scalar) { a = a + b }

    /// Multiplicative inverse; throws for zero.
    public func inverse() throws -> Scalar {
        guard !isZero else { throw PrivacyError.invalidGroupElement("zero has no inverse") }
        var out = [UInt8](repeating: 0, count: 32)
        _ = out.withUnsafeMutableBufferPointer { o in bytes.withUnsafeBufferPointer { crypto_core_ristretto255_scalar_invert(o.baseAddress!, $0.baseAddress!) } }
        return Scalar(unchecked: out)
    }

    public static func == (a: Scalar, b: Scalar) -> Bool { constantTimeEqual(a.bytes, b.bytes) }
    public func hash(into h: inout Hasher) { h.combine(bytes) }
    public var description: String { "Scalar(\(Hex.encode(bytes.reversed())))" }
}

