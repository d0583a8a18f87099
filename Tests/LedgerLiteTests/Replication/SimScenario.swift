@testable import LedgerLite

/// How a simulated Byzantine member misbehaves. Each runs the honest replica code inside and
/// corrupts what it sends (or answers), so it stays protocol-aware.
enum Byzantine: String, CaseIterable, Sendable {
    /// Sends nothing.
    case silent
    /// As primary, sends one block to half of the committee and a different valid block
    /// (same requests, another time) to the other half.
    case equivocator
    /// Sends copies of its messages under other members' ids with made-up signatures, and
    /// bit-flipped envelopes.
    case forger
    /// Replays old valid messages of other members, and its own votes signed for another epoch.
    case replayer
    /// Computes wrong clearing results (proposes them as primary), endorses anything, and votes
    /// for a wrong block hash.
    case wrongVoter
    /// As primary, adds an operator key replacement of its own making to its proposals: signed
    /// by a key that is not the operator's, or replaying one the ledger already applied. Only
    /// in targeted runs (not among the random kinds).
    case rekeyForger

    /// The kinds random scenarios draw from.
    static var allCases: [Byzantine] { [.silent, .equivocator, .forger, .replayer, .wrongVoter] }
}

/// One seeded simulation setup. Everything in a run is derived from `seed`.
struct SimScenario: CustomStringConvertible {
    var seed: UInt64
    var n = 4
    var byzantine: [Int: Byzantine] = [:]
    var requests = 6
    var loss = 0.0
    var duplicate = 0.0
    var minDelay: Int64 = 1
    var maxDelay: Int64 = 20
    /// (from, until, isolated group).
    var partitions: [(from: Int64, until: Int64, group: Set<Int>)] = []
    /// (crash at, restart at, replica) — honest replicas only.
    var crashes: [(at: Int64, restart: Int64, replica: Int)] = []
    /// When every fault stops (loss, duplication, partitions; crashed replicas are back).
    var healAt: Int64 = 6_000
    var deadline: Int64 = 90_000
    var realCrypto = false
    var checkpointInterval: UInt64 = 4
    var tickMillis: Int64 = 100
    /// Committee epochs (0: one fixed committee): the genesis names every node with reputation
    /// parameters; each `epochBlocks` blocks the core selects the next committee of
    /// `committeeSize` (0: n) members, excluding the block's trading parties.
    var epochBlocks: UInt64 = 0
    var committeeSize = 0
    /// Some requests trade with a node as buyer (that node is excluded from the next committee
    /// when the request lands in a boundary block).
    var tradingNodes = false
    /// An operator's key replacement (needs `epochBlocks` > 0; the genesis then pins an operator
    /// key): at `at` node `node` is killed (its key lost) and the signed request reaches every
    /// replica; at `restart` the node comes back with its new key, its old ledger and state.
    var rekey: (at: Int64, node: Int, restart: Int64)?

    var f: Int { (n - 1) / 3 }
    var honest: [Int] { (0..<n).filter { byzantine[$0] == nil } }

    /// A random scenario: n ∈ {4 (mostly), 7}, up to f Byzantine members, message loss,
    /// duplication, delay and reordering, partitions and crash-restarts of honest replicas.
    static func random(seed: UInt64) -> SimScenario {
        var rng = SimRNG(seed ^ 0x5EED)
        var s = SimScenario(seed: seed)
        s.n = rng.chance(0.15) ? 7 : 4
        s.requests = 3 + Int(rng.below(8))
        let byz = Int(rng.below(UInt64(s.f + 1)))
        var ids = Array(0..<s.n)
        for _ in 0..<byz {
            let i = ids.remove(at: Int(rng.below(UInt64(ids.count))))
            s.byzantine[i] = Byzantine.allCases[Int(rng.below(UInt64(Byzantine.allCases.count)))]
        }
        // Favour the primary of view 0 as a Byzantine victim of interesting faults.
        if byz > 0 && rng.chance(0.4), let (k, b) = s.byzantine.sorted(by: { $0.key < $1.key }).first, k != 0, s.byzantine[0] == nil {
            s.byzantine[k] = nil; s.byzantine[0] = b
        }
        s.loss = rng.chance(0.7) ? Double(rng.below(30)) / 100 : 0
        s.duplicate = rng.chance(0.5) ? Double(rng.below(20)) / 100 : 0
        s.maxDelay = [5, 20, 80, 400][Int(rng.below(4))]
        s.healAt = 1_000 + Int64(rng.below(4_000))
        for _ in 0..<Int(rng.below(3)) {
            let from = Int64(rng.below(UInt64(s.healAt)))
            let len = Int64(rng.below(UInt64(s.healAt - from) + 1))
            var g = Set<Int>()
            for i in 0..<s.n where rng.chance(0.35) { g.insert(i) }
            if !g.isEmpty && g.count < s.n { s.partitions.append((from, from + len, g)) }
        }
        let honest = s.honest
        for _ in 0..<Int(rng.below(3)) {
            let r = honest[Int(rng.below(UInt64(honest.count)))]
            let at = Int64(rng.below(UInt64(s.healAt)))
            let back = min(s.healAt, at + 200 + Int64(rng.below(3_000)))
            if !s.crashes.contains(where: { $0.replica == r && $0.at <= back && at <= $0.restart }) {
                s.crashes.append((at, back, r))
            }
        }
        s.checkpointInterval = [2, 4, 8][Int(rng.below(3))]
        return s
    }

    var description: String {
        "seed=\(seed) n=\(n) byz=\(byzantine.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }) req=\(requests) "
            + "loss=\(loss) dup=\(duplicate) delay=\(minDelay)…\(maxDelay) heal=\(healAt) "
            + "partitions=\(partitions.map { "\($0.from)…\($0.until):\($0.group.sorted())" }) "
            + "crashes=\(crashes.map { "r\($0.replica)@\($0.at)…\($0.restart)" }) K=\(checkpointInterval) crypto=\(realCrypto ? "ed25519" : "sim")"
            + (epochBlocks > 0 ? " epochs=\(epochBlocks) size=\(committeeSize) trading=\(tradingNodes)" : "")
            + (rekey.map { " rekey=n\($0.node)@\($0.at)…\($0.restart)" } ?? "")
    }
}
