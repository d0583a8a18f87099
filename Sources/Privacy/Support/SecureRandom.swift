import CSodium

/// The system CSPRNG (libsodium `randombytes_buf`, which reads getrandom(2)).
/// Used for key material and encryption randomness; never GMP's PRNG.
public struct SystemCSPRNG: RandomNumberGenerator, Sendable {
    public init() { Sodium.ensureInitialized() }
    public mutating func next() -> UInt64 {
        var x: UInt64 = 0
        withUnsafeMutableBytes(of: &x) { randombytes_buf($0.baseAddress!, 8) }
        return x
    }
    /// `count` fresh random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return out
    }
}

extension RandomNumberGenerator {
    /// Fills `count` bytes from this generator (used with injected seeded generators in tests).
    mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            var w = next()
            for _ in 0..<8 where i < count { out[i] = UInt8(truncatingIfNeeded: w); w >>= 8; i += 1 }
        }
        return out
    }
}

/// A small seeded generator (SplitMix64) for reproducible tests and benchmarks.
/// Not for key material.
public struct SeededRNG: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// libsodium initialisation, done once.
enum Sodium {
    static let initialized: Bool = { sodium_init() >= 0 }()
    static func ensureInitialized() { precondition(initialized, "libsodium failed to initialise") }
}

/// Constant-time equality of two byte strings (lengths are public).
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in sodium_memcmp(pa.baseAddress!, pb.baseAddress!, a.count) == 0 } }
}

/// Overwrites a byte array with zeros in a way the optimiser keeps.
func wipe(_ a: inout [UInt8]) {
    let n = a.count
    if n == 0 { return }
    a.withUnsafeMutableBytes { sodium_memzero($0.baseAddress!, n) }
}
