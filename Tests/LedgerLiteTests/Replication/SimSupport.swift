import GridClearCore
import Crypto
@testable import LedgerLite

/// A cheap deterministic signature scheme for simulations: a signature is SHA-256 over a
/// secret tag, the public key and the message, padded to 64 bytes. Only code holding a
/// `SimSigner` for a key can produce it (the simulated Byzantine replicas only hold their own);
/// random bytes never verify. Real Ed25519 runs in a smaller set of runs.
struct SimScheme: SignatureScheme {
    func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        signature == SimSigner.signature(publicKey, message)
    }
}

struct SimSigner: MessageSigner {
    let publicKey: [UInt8]
    init(_ i: Int, salt: UInt64 = 0) {
        var h = SHA256(); h.update(data: Array("sim-key-\(i)-\(salt)".utf8))
        publicKey = Array(h.finalize())
    }
    /// Two FNV-1a-64 lanes over key and message, then zero padding: cheap in debug builds.
    static func signature(_ pk: [UInt8], _ m: [UInt8]) -> [UInt8] {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        pk.withUnsafeBufferPointer { p in for x in p { a = (a ^ UInt64(x)) &* 0x100_0000_01b3; b = (b ^ UInt64(x)) &* 0x100_0000_01b5 } }
        m.withUnsafeBufferPointer { p in for x in p { a = (a ^ UInt64(x)) &* 0x100_0000_01b3; b = (b ^ UInt64(x)) &* 0x100_0000_01b5 } }
        var out = [UInt8](repeating: 0, count: 64)
        for i in 0..<8 { out[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i))); out[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i))) }
        return out
    }
    func sign(_ message: [UInt8]) throws -> [UInt8] { SimSigner.signature(publicKey, message) }
}

/// SplitMix64: the simulation's only source of randomness, seeded per run.
struct SimRNG {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: UInt64) -> UInt64 { n == 0 ? 0 : next() % n }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
    mutating func range(_ lo: Int64, _ hi: Int64) -> Int64 { lo + Int64(below(UInt64(hi - lo + 1))) }
}

/// Min-heap of timed events; ties broken by insertion order (deterministic). The key packs
/// (time, insertion counter) into one integer.
struct EventQueue<T> {
    private var keys: [Int64] = []
    private var values: [T] = []
    private var counter: Int64 = 0
    var isEmpty: Bool { keys.isEmpty }
    var count: Int { keys.count }
    mutating func push(_ time: Int64, _ v: T) {
        counter += 1
        keys.append(time << 24 | (counter & 0xFF_FFFF)); values.append(v)
        var i = keys.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if keys[i] < keys[p] { keys.swapAt(i, p); values.swapAt(i, p); i = p } else { break }
        }
    }
    mutating func pop() -> (Int64, T)? {
        guard !keys.isEmpty else { return nil }
        keys.swapAt(0, keys.count - 1); values.swapAt(0, values.count - 1)
        let k = keys.removeLast(), v = values.removeLast()
        var i = 0
        let n = keys.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && keys[l] < keys[m] { m = l }
            if r < n && keys[r] < keys[m] { m = r }
            if m == i { break }
            keys.swapAt(i, m); values.swapAt(i, m); i = m
        }
        return (k >> 24, v)
    }
}

/// The genesis block every simulated replica starts from.
/// With `committee`, it names the nodes and reputation parameters (epochs change in the core).
func simGenesis(chain: String, keys: [[UInt8]], committee: GenesisCommittee? = nil) -> (Block, ChainTip) {
    let g = LedgerEntry.genesis(GenesisEntry(ledgerID: chain, createdMillis: 0, signerKeys: keys, maxEntriesPerBlock: 64, maxBatchMillis: 0,
                                             committee: committee))
    var f = MerkleFrontier()
    f.append(leafHash: g.leafHash)
    let h = BlockHeader(height: 0, previousHash: [UInt8](repeating: 0, count: 32), timeMillis: 0, entryCount: 1,
                        entriesRoot: Merkle.root([g.leafHash]), treeSize: f.size, treeRoot: f.root,
                        signer: keys[0])
    let b = Block(header: h, entries: [g], signature: [UInt8](repeating: 0, count: 64))
    return (b, ChainTip(height: 0, hash: LedgerHash.blockHash(h), timeMillis: 0, frontier: f))
}

/// The request with id `k` as every honest application computes it (a cleared cycle, or a
/// settlement), i.e. the "re-execution" result endorsement compares against.
/// `tradingNode`: a node id that buys in this cycle (a trading party of its block).
func simRequest(_ k: Int, tradingNode: String? = nil) -> Request {
    let id = "C\(k)"
    let trades = tradingNode.map { "bid_id,offer_id,buyer_id,seller_id,wh\nB\(k),O\(k),\($0),S\(k),\(1000 + k)\n" }
        ?? "bid_id,offer_id,wh\nB\(k),O\(k),\(1000 + k)\n"
    var entries: [LedgerEntry] = [.clearedCycle(try! ClearedCycleEntry(
        cycleID: id, mechanism: "cmap", solver: "relax4", seed: UInt64(k),
        inputs: [InputFile(name: "offers.csv", bytes: Array("offer_id,kwh\nO\(k),\(k % 7 + 1)\n".utf8))],
        tradesCSV: Array(trades.utf8), summaryJSON: Array("{\"k\":\(k)}".utf8)))]
    for j in 0..<(k % 3) {
        entries.append(.settlement(SettlementEntry(cycleID: id, participantID: "P\(j)", energyWh: Int64(j * 10 + k), amount: Int64(k), reason: "deviation")))
    }
    return Request(id: id, entries: entries)
}
