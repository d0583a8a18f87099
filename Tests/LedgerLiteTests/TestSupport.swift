import Foundation
import Testing
import GridClearCore
@testable import LedgerLite

/// The seeded generator of the property tests: GridClearCore's SplitMix64.
typealias SeededRNG = SplitMix64

extension SplitMix64 {
    init(_ seed: UInt64) { self.init(seed: seed) }
    /// `n` lower-case letters.
    mutating func text(_ n: Int) -> String { String((0..<n).map { _ in Character(Unicode.Scalar(UInt8(97 + next() % 26))) }) }
}

func hex(_ s: String) -> [UInt8] { Hex.decode(s)! }

func fixture(_ name: String) throws -> Data {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
    return try Data(contentsOf: url)
}

/// A random entry of any kind.
func randomEntry(_ rng: inout SeededRNG) -> LedgerEntry {
    switch rng.next() % 4 {
    case 0:
        let rows = (0..<Int(rng.next() % 6)).map { "B\($0),O\($0),\(rng.text(3))" }
        let csv = "bid_id,offer_id,x\n" + rows.map { $0 + "\n" }.joined()
        return .clearedCycle(try! ClearedCycleEntry(cycleID: "2026112\(rng.next() % 10)T1000Z-\(rng.next())", mechanism: "cmap", solver: "simplex",
                                               seed: rng.next(), inputs: [InputFile(name: "offers.csv", bytes: rng.bytes(Int(rng.next() % 40))),
                                                                          InputFile(name: "bids.csv", bytes: rng.bytes(5))],
                                               tradesCSV: Array(csv.utf8), summaryJSON: Array("{\"a\":1}".utf8)))
    case 1:
        return .settlement(SettlementEntry(cycleID: rng.text(4), participantID: rng.text(3), energyWh: Int64(bitPattern: rng.next()),
                                           amount: Int64(bitPattern: rng.next()), reason: rng.text(Int(rng.next() % 10))))
    case 2:
        return .reputationChange(ReputationChangeEntry(cycleID: rng.text(4), participantID: rng.text(3), before: 80_000, after: Int64(rng.next() % 100_000), reason: "late"))
    default:
        return .meterDigest(MeterDigestEntry(cycleID: rng.text(4), meterID: rng.text(2), participantID: rng.text(3), readings: UInt32(rng.next() % 100), digest: rng.bytes(32)))
    }
}

/// A deterministic key for tests (fixed secret).
let testKey = try! NodeKey(secret: Array(repeating: 7, count: 32))
let otherKey = try! NodeKey(secret: Array(repeating: 9, count: 32))

/// Builds a small valid ledger in memory: genesis + `blocks` blocks of random entries.
func buildLedgerBytes(blocks: Int, seed: UInt64, entriesPerBlock: ClosedRange<Int> = 1...3) throws -> (bytes: [UInt8], blocks: [Block], offsets: [Int]) {
    var rng = SeededRNG(seed)
    var v = ChainVerifier()
    var out: [UInt8] = []
    var all: [Block] = []
    var offsets: [Int] = []
    let g = GenesisEntry(ledgerID: "test", createdMillis: 1_000, signerKeys: [testKey.publicKey], maxEntriesPerBlock: 4, maxBatchMillis: 1000)
    for h in 0...blocks {
        let entries: [LedgerEntry] = h == 0 ? [.genesis(g)]
            : (0..<Int.random(in: entriesPerBlock, using: &rng)).map { _ in randomEntry(&rng) }
        let b = try BlockBuilder.build(entries: entries, on: v.state, nowMillis: 1_000 + Int64(h) * 500, key: testKey)
        let frame = RecordFrame.encode(kind: .block, payload: b.encoded())
        offsets.append(out.count)
        try v.apply(b, recordOffset: out.count, recordEnd: out.count + frame.count)
        out += frame
        all.append(b)
    }
    return (out, all, offsets)
}
