import ArgumentParser
import Foundation
import GridClearCore
import GridClearSystem
import LedgerLite

/// `gridclear-bench ledger` — append throughput with fsync batching (entries/s with block
/// sizes 1, 16, 256: one fsync per block) and audit throughput (MB/s) next to `sha256sum`
/// over the same file in the same run.
struct BenchLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Benchmark: ledger append (fsync batching) and audit throughput.",
        discussion: """
        Examples:
          gridclear-bench ledger --entries 32 --audit-mb 1
        """)

    @Option(help: "Entries appended per batch size.")
    var entries: Int = 2048

    @Option(help: "Approximate size of the ledger audited, in MB.")
    var auditMb: Int = 32

    @Option(help: "Scratch directory (default: a fresh folder under /tmp).")
    var dir: String?

    func run() throws {
        try reportingErrors {
            let root = dir ?? "/tmp/gridclear-bench-ledger-\(getpid())"
            defer { if dir == nil { try? FileManager.default.removeItem(atPath: root) } }
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let key = NodeKey.generate()
            var base: Double?
            var payloadRNG = SplitMix64(seed: 7)
            print("ledger append (one fsync per block, \(entries) settlement entries each run):")
            for batch in [1, 16, 256] {
                let d = root + "/append-\(batch)"
                let store = try LedgerStore(directory: d, create: true)
                let o = try EmbeddedOrderer(store: store, key: key, nowMillis: 0, ledgerID: "bench",
                                            cutting: CuttingConfig(maxEntriesPerBlock: batch, maxBatchMillis: Int64.max / 2))
                let t0 = monotonicNanos()
                for i in 0..<entries {
                    _ = try o.submit([payload(i, &payloadRNG)], nowMillis: Int64(i))
                }
                _ = try o.flush(nowMillis: Int64(entries))
                let s = Double(monotonicNanos() - t0) / 1e9
                let rate = Double(entries) / s
                if base == nil { base = rate }
                print("  block size \(String(batch).padding(toLength: 4, withPad: " ", startingAt: 0)): \(Int(rate)) entries/s (\(o.state.blockCount - 1) blocks in \(String(format: "%.3f", s)) s) · \(String(format: "%.1f", rate / base!))× block size 1")
            }
            // Audit throughput on a ledger of cleared-cycle-sized entries.
            let d = root + "/audit"
            let store = try LedgerStore(directory: d, create: true)
            let o = try EmbeddedOrderer(store: store, key: key, nowMillis: 0, ledgerID: "bench",
                                        cutting: CuttingConfig(maxEntriesPerBlock: 8, maxBatchMillis: Int64.max / 2))
            var rng = SplitMix64(seed: 3)
            var n = 0
            while store.state.endOffset < auditMb << 20 {
                let blob = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let rows = (0..<200).map { "B\($0),O\($0),P\($0),S\($0),1.000,0.6500,0.6500000,0,0,1,1,accepted" }.joined(separator: "\n")
                let c = try ClearedCycleEntry(cycleID: "c\(n)", mechanism: "cmap", solver: "simplex", seed: 0,
                                          inputs: [InputFile(name: "offers.csv", bytes: blob)],
                                          tradesCSV: Array(("bid_id,offer_id,buyer_id,seller_id,energy_kwh,price,amount_cny,loss_pct,distance_km,buyer_satisfaction,seller_satisfaction,status\n" + rows + "\n").utf8),
                                          summaryJSON: Array("{}".utf8))
                _ = try o.submit([.clearedCycle(c)], nowMillis: Int64(n))
                n += 1
            }
            _ = try o.flush(nowMillis: Int64(n))
            let path = store.path
            let bytes = try FileSystem.read(path, maxBytes: Int.max)
            let mb = Double(bytes.count) / 1_048_576
            let t0 = monotonicNanos()
            guard case .success(let r) = LedgerAuditor.audit(bytes, trusted: nil) else { throw CLIFailure("bench ledger failed its own audit") }
            let ta = Double(monotonicNanos() - t0) / 1e9
            let t1 = monotonicNanos()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["sha256sum", path]
            p.standardOutput = FileHandle.nullDevice
            try p.run(); p.waitUntilExit()
            let ts = Double(monotonicNanos() - t1) / 1e9
            print("ledger audit (\(String(format: "%.1f", mb)) MB, \(r.blocks) blocks, \(r.entries) entries, file in page cache):")
            print("  gridclear audit: \(String(format: "%.1f", mb / ta)) MB/s (\(String(format: "%.3f", ta)) s)")
            print("  sha256sum:       \(String(format: "%.1f", mb / ts)) MB/s (\(String(format: "%.3f", ts)) s, incl. process start)")
            print("  ratio audit/sha256sum: \(String(format: "%.2f", (mb / ta) / (mb / ts)))")
        }
    }
}

extension BenchLedgerCommand {
    /// A settlement entry with a 64-letter reason, reproducible from the generator.
    func payload(_ i: Int, _ rng: inout SplitMix64) -> LedgerEntry {
        let text = String((0..<64).map { _ in Character(Unicode.Scalar(UInt8(97 + rng.next() % 26))) })
        return .settlement(SettlementEntry(cycleID: "h\(i)", participantID: "p0", energyWh: Int64(i), amount: 0, reason: text))
    }
}
