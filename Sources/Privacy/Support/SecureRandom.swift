internal import CSodium
import GridClearCore

/// The system CSPRNG (libsodium `randombytes_buf`, which reads getrandom(2)).
/// Used for key material and encryption randomness; never GMP's PRNG. Seeded, reproducible
/// streams for tests and benchmarks are GridClearCore's `SplitMix64`.
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
