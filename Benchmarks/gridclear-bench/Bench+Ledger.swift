import ArgumentParser
import Foundation
import GridClearCore
import GridClearSystem
import LedgerLite

/// `gridclear-bench ledger` — ledger append and audit against their peers, measured in the
/// same run, interleaved, `--rounds` times each (min and median reported):
/// - append: `entries` settlement entries with block sizes 1, 16, 256 (one fsync per block)
///   against SQLite (WAL, `synchronous=FULL`, one transaction per `batch` rows of the same
///   size; `Benchmarks/peers/sqlite_append.py`);
/// - audit: `LedgerAuditor.audit(directory:)` (read + every check) of a ~`auditMb` MiB ledger
///   against `sha256sum` of the same file (a process, incl. its start), file in page cache.
struct BenchLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Benchmark: ledger append (vs SQLite WAL) and audit (vs sha256sum).",
        discussion: """
        Examples:
          gridclear-bench ledger --entries 32 --audit-mb 1 --rounds 2
        """)

    @Option(help: "Entries appended per batch size and round.")
    var entries: Int = 2048

    @Option(help: "Approximate size of the ledger audited, in MiB.")
    var auditMb: Int = 32

    @Option(help: "Interleaved rounds per measurement (min and median are reported).")
    var rounds: Int = 9

    @Option(help: "The SQLite peer script.")
    var sqlitePeer: String = "Benchmarks/peers/sqlite_append.py"

    @Option(help: "Scratch directory (default: a fresh folder under /tmp).")
    var dir: String?

    func run() throws {
        try reportingErrors {
            let root = dir ?? "/tmp/gridclear-bench-ledger-\(getpid())"
            defer { if dir == nil { try? FileManager.default.removeItem(atPath: root) } }
            // Every run's files stay until the end: deleting them between runs would put the
            // file system's work for the deletion (on a `discard` mount, a TRIM per freed extent)
            // into the next timed run, of either peer.
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let key = NodeKey.generate()
            var rng = SplitMix64(seed: 7)
            let payloads = (0..<entries).map { payload($0, &rng) }
            let rowBytes = payloads.map { $0.encoded().count }.max() ?? 0
            print("ledger append: \(entries) settlement entries (\(rowBytes) bytes each) per run, one fsync per block; " +
                  "peer SQLite WAL synchronous=FULL, one transaction per block-size rows of \(rowBytes) bytes; \(rounds) rounds interleaved")
            for batch in [1, 16, 256] {
                var ours: [Sample] = [], peer: [Sample] = []
                for round in 0..<rounds {
                    let runOurs = { ours.append(try appendRun(root + "/append-\(batch)-\(round)", batch: batch, key: key, payloads: payloads)) }
                    let runPeer = { peer.append(try sqliteRun(root + "/sqlite-\(batch)-\(round).db", batch: batch, rowBytes: rowBytes)) }
                    if round % 2 == 0 { try runOurs(); try runPeer() } else { try runPeer(); try runOurs() }
                }
                report("block size \(batch)", unit: "entries/s", amount: Double(entries), ours: ours, peer: peer, peerName: "sqlite")
            }
            try auditBench(root + "/audit", key: key)
        }
    }

    /// One append run: a fresh ledger (genesis written before timing), `payloads` submitted
    /// one by one, blocks cut at `batch` entries, the rest flushed.
    func appendRun(_ d: String, batch: Int, key: NodeKey, payloads: [LedgerEntry]) throws -> Sample {
        let store = try LedgerStore(directory: d, create: true)
        let o = try EmbeddedOrderer(store: store, key: key, nowMillis: 0, ledgerID: "bench",
                                    cutting: CuttingConfig(maxEntriesPerBlock: batch, maxBatchMillis: Int64.max / 2))
        let s = Sample.start()
        for (i, p) in payloads.enumerated() { _ = try o.submit([p], nowMillis: Int64(i)) }
        _ = try o.flush(nowMillis: Int64(payloads.count))
        let r = s.stop()
        guard o.state.entryCount == payloads.count + 1 else { throw CLIFailure("bench ledger lost entries") }
        return r  // the folder goes with the scratch root at the end (see `run`)
    }

    func sqliteRun(_ db: String, batch: Int, rowBytes: Int) throws -> Sample {
        let line = try runPeer(["python3", repositoryFile(sqlitePeer), db, String(entries), String(batch), String(rowBytes)])
        guard let sec = field(line, "seconds"), let cpu = field(line, "cpu_seconds") else { throw CLIFailure("sqlite peer said: \(line)") }
        return Sample(seconds: sec, cpuSeconds: cpu)
    }

    func auditBench(_ d: String, key: NodeKey) throws {
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
        let path = store.path, bytes = store.state.endOffset
        let mb = Double(bytes) / 1e6
        var ours: [Sample] = [], peer: [Sample] = []
        var blocks = 0
        _ = try runPeer(["sha256sum", path])  // page cache warm for both
        for round in 0..<rounds {
            let runOurs = {
                let s = Sample.start()
                guard case .success(let r) = try LedgerAuditor.audit(directory: d, trusted: nil) else { throw CLIFailure("bench ledger failed its own audit") }
                ours.append(s.stop()); blocks = r.blocks
            }
            let runSum = {
                let s = Sample.start()
                _ = try runPeer(["sha256sum", path])
                peer.append(s.stop())
            }
            if round % 2 == 0 { try runOurs(); try runSum() } else { try runSum(); try runOurs() }
        }
        print("ledger audit: \(String(format: "%.1f", mb)) MB (\(bytes) bytes, \(blocks) blocks of cleared cycles), file in page cache; " +
              "gridclear = LedgerAuditor.audit(directory:) in process incl. the read, sha256sum = the process incl. its start; \(rounds) rounds interleaved")
        report("audit", unit: "MB/s", amount: mb, ours: ours, peer: peer, peerName: "sha256sum")
    }
}

/// One timed run: wall seconds and CPU seconds (this process's, or the child's).
struct Sample {
    var seconds: Double
    var cpuSeconds: Double
    private static func cpuNow() -> Double {
        var a = rusage(), b = rusage()
        getrusage(0, &a); getrusage(-1, &b)  // RUSAGE_SELF, RUSAGE_CHILDREN (Linux ABI values)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(a.ru_utime) + s(a.ru_stime) + s(b.ru_utime) + s(b.ru_stime)
    }
    struct Running { let wall: UInt64; let cpu: Double
        func stop() -> Sample { Sample(seconds: Double(monotonicNanos() - wall) / 1e9, cpuSeconds: Sample.cpuNow() - cpu) }
    }
    static func start() -> Running { Running(wall: monotonicNanos(), cpu: cpuNow()) }
}

extension BenchLedgerCommand {
    /// A settlement entry with a 64-letter reason, reproducible from the generator.
    func payload(_ i: Int, _ rng: inout SplitMix64) -> LedgerEntry {
        let text = String((0..<64).map { _ in Character(Unicode.Scalar(UInt8(97 + rng.next() % 26))) })
        return .settlement(SettlementEntry(cycleID: "h\(i)", participantID: "p0", energyWh: Int64(i), amount: 0, reason: text))
    }

    /// Runs a peer process, returns its stdout's last line; a failure is a bench failure.
    func runPeer(_ argv: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CLIFailure("\(argv.joined(separator: " ")) exited \(p.terminationStatus)") }
        return String(decoding: out, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
    }

    func field(_ line: String, _ name: String) -> Double? {
        line.split(separator: " ").first { $0.hasPrefix(name + "=") }.flatMap { Double($0.dropFirst(name.count + 1)) }
    }

    /// Prints rate = amount / time for both sides: best (min time) and median, wall and CPU,
    /// and the ratio ours/peer (> 1: GridClear faster).
    func report(_ what: String, unit: String, amount: Double, ours: [Sample], peer: [Sample], peerName: String) {
        func med(_ x: [Double]) -> Double { let s = x.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
        func rates(_ s: [Sample], _ k: KeyPath<Sample, Double>) -> (best: Double, median: Double) {
            let t = s.map { $0[keyPath: k] }
            return (amount / max(t.min() ?? 1, 1e-9), amount / max(med(t), 1e-9))
        }
        let f = { (x: Double) in String(format: x >= 100 ? "%.0f" : "%.1f", x) }
        let ow = rates(ours, \.seconds), pw = rates(peer, \.seconds), oc = rates(ours, \.cpuSeconds), pc = rates(peer, \.cpuSeconds)
        print("  \(what): gridclear \(f(ow.best)) \(unit) best (min time), \(f(ow.median)) median · \(peerName) \(f(pw.best)) best, \(f(pw.median)) median" +
              " · ratio gridclear/\(peerName): \(String(format: "%.2f", ow.best / pw.best)) best, \(String(format: "%.2f", ow.median / pw.median)) median")
        print("    per CPU second: gridclear \(f(oc.best)) best, \(f(oc.median)) median · \(peerName) \(f(pc.best)) best, \(f(pc.median)) median" +
              " · ratio \(String(format: "%.2f", oc.median / pc.median)) median")
    }
}
