/// Where a party's time went, by kind of work, in nanoseconds (benchmarks; never affects
/// results). A machine meters its own steps only when given a clock (the nodes and `rci
/// solve` give it the thread's CPU clock); the socket nodes add the time spent sending and
/// receiving frames (CPU) and waiting for peers (wall).
public struct RCICosts: Sendable, Equatable, Codable {
    /// Paillier encryption of shares (agents).
    public var encryption: UInt64 = 0
    /// Homomorphic evaluation of the update plans, masks and blinded tests (agents).
    public var homomorphic: UInt64 = 0
    /// Decryption of consensus factors and tests (platform).
    public var decryption: UInt64 = 0
    /// Plaintext algorithm steps (plans, advance).
    public var algorithm: UInt64 = 0
    /// Result proofs: building and verifying bundles.
    public var proofs: UInt64 = 0
    /// Per-iteration proofs: contributions, commitments, assembling and proving (agents).
    public var iterationProving: UInt64 = 0
    /// Per-iteration proofs: checking partners' contributions (agents), verifying proofs (platform).
    public var iterationVerifying: UInt64 = 0
    /// Encoding, sending, receiving and decoding frames (nodes).
    public var transport: UInt64 = 0
    /// Waiting for peers (nodes).
    public var waiting: UInt64 = 0
    /// Iterations the party took part in.
    public var iterations: Int = 0

    public init() {}

    public static func + (a: RCICosts, b: RCICosts) -> RCICosts {
        var c = a
        c.encryption += b.encryption; c.homomorphic += b.homomorphic; c.decryption += b.decryption
        c.algorithm += b.algorithm; c.proofs += b.proofs
        c.iterationProving += b.iterationProving; c.iterationVerifying += b.iterationVerifying; c.transport += b.transport; c.waiting += b.waiting
        c.iterations = max(a.iterations, b.iterations)
        return c
    }
}

/// An injected monotonic clock (nanoseconds) for `RCICosts`; nil meters nothing.
public typealias RCIClock = @Sendable () -> UInt64

/// A machine's meter: start a reading with `start()`, charge it to a kind of work with
/// `charge(_:since:)`. Without a clock both do nothing.
public struct RCICostMeter: Sendable {
    public var clock: RCIClock?
    public private(set) var costs = RCICosts()
    public init(clock: RCIClock? = nil) { self.clock = clock }

    @inline(__always) public func start() -> UInt64? { clock?() }
    @inline(__always) public mutating func charge(_ kind: WritableKeyPath<RCICosts, UInt64>, since t: UInt64?) {
        if let t, let clock { costs[keyPath: kind] &+= clock() &- t }
    }
    public mutating func countIteration() { costs.iterations += 1 }
}
