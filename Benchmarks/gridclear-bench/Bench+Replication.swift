import ArgumentParser
import BFTReplication
import Clearing
import Foundation
import GridClearApp
import GridClearCore
import GridClearSystem
import GridClearTestSupport
import LedgerLite

/// `gridclear-bench replication` — the BFT mode's cost: 4 replicas (in this process, one
/// driver thread each) over real TCP on loopback with real ledgers (fsync), against the
/// embedded ledger committing the same cycles, interleaved in the same run. Cycles are
/// cleared once up front (every replica's own clearing is the same work in both modes and
/// runs in parallel on each replica's machine), so what is measured is replication: proposal,
/// endorsement by byte comparison with the replica's own result, PBFT's three phases with
/// Ed25519, persist-then-send, ledger appends.
///
/// Two loads: throughput (all cycles released at once; the primary batches them into
/// blocks of up to 64 entries) and latency (one cycle at a time; time from release until the
/// cycle is durable at the first replica and at all four).
struct BenchReplicationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replication",
        abstract: "Benchmark: BFT committee of 4 on loopback vs the embedded ledger (cycles/s, trades/s, commit latency).",
        discussion: """
        Examples:
          gridclear-bench replication --cycles 40 --parties 500 --repeat 3
        """)

    @Option(help: "Cycles per run.")
    var cycles: Int = 40

    @Option(help: "Offers and bids per cycle (about this many trades per cycle).")
    var parties: Int = 500

    @Option(help: "Runs of each mode (interleaved); min and median are reported.")
    var `repeat`: Int = 3

    @Option(help: "Cycles in the latency (one at a time) run.")
    var latencyCycles: Int = 20

    @Option(help: "Give up on a BFT run after this many seconds (prints each replica's height).")
    var timeout: Double = 300

    func run() throws {
        try reportingErrors {
            let root = "/tmp/gridclear-bench-replication-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: root) }
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let t0 = monotonicNanos()
            let work = try ReplicationBenchWork.make(cycles: max(cycles, latencyCycles), parties: parties)
            let trades = work.trades.prefix(cycles).reduce(0, +)
            let bytes = work.ids.prefix(cycles).reduce(0) { $0 + work.entries[$1]!.reduce(0) { $0 + $1.encoded().count } }
            print("replication: \(cycles) cycles × ~\(trades / max(1, cycles)) trades (\(parties) offers and bids each, uniform, \(String(format: "%.0f", Double(bytes) / Double(max(1, cycles)) / 1024)) KiB per cycle entry), cleared once up front in \(String(format: "%.1f", Double(monotonicNanos() - t0) / 1e9)) s")
            var bft: [ReplicationBenchResult] = [], emb: [ReplicationBenchResult] = []
            for r in 0..<max(1, `repeat`) {
                let e = try ReplicationBenchRun.embedded(work, count: cycles, dir: "\(root)/emb\(r)")
                let b = try ReplicationBenchRun.committee(work, count: cycles, dir: "\(root)/bft\(r)", oneAtATime: false, timeout: timeout)
                emb.append(e); bft.append(b)
                print("  run \(r + 1): BFT 4 replicas \(String(format: "%.3f", b.seconds)) s (\(b.blocks) blocks, CPU \(String(format: "%.2f", b.cpuSeconds)) s) · embedded \(String(format: "%.3f", e.seconds)) s (CPU \(String(format: "%.2f", e.cpuSeconds)) s)")
            }
            print("throughput (all \(cycles) cycles released at once), rates at the min / median time:")
            line("BFT (4 replicas, f = 1)", bft, trades: trades)
            line("embedded (1 node)      ", emb, trades: trades)
            print("  ratio BFT / embedded (min): \(String(format: "%.2f", bft.map(\.seconds).min()! / emb.map(\.seconds).min()!))× the time")
            let lat = try ReplicationBenchRun.committee(work, count: latencyCycles, dir: "\(root)/lat", oneAtATime: true, timeout: timeout)
            let elat = try ReplicationBenchRun.embedded(work, count: latencyCycles, dir: "\(root)/elat")
            print("commit latency, one cycle at a time (\(latencyCycles) cycles):")
            print("  BFT, durable at the first replica: \(percentiles(lat.firstMillis))")
            print("  BFT, durable at all 4 replicas:    \(percentiles(lat.allMillis))")
            print("  embedded (sign + append + fsync):  \(percentiles(elat.allMillis))")
        }
    }

    /// Time min and median over the repeats, and cycles/s, trades/s, entries/s at each.
    func line(_ name: String, _ runs: [ReplicationBenchResult], trades: Int) {
        let s = runs.sorted { $0.seconds < $1.seconds }, mn = s[0], med = s[s.count / 2]
        func rate(_ x: Int, _ r: ReplicationBenchResult) -> String { String(Int(Double(x) / r.seconds)) }
        print("  \(name): min \(String(format: "%.3f", mn.seconds)) s, median \(String(format: "%.3f", med.seconds)) s → "
              + "cycles/s \(rate(cycles, mn)) / \(rate(cycles, med)), trades/s \(rate(trades, mn)) / \(rate(trades, med)), "
              + "entries/s \(rate(mn.entries, mn)) / \(rate(med.entries, med))")
    }

    func percentiles(_ xs: [Double]) -> String {
        let s = xs.sorted()
        func p(_ q: Double) -> String { String(format: "%.1f", s[min(s.count - 1, Int(q * Double(s.count - 1) + 0.5))]) }
        return "p50 \(p(0.5)) ms, p90 \(p(0.9)) ms, p99 \(p(0.99)) ms, max \(p(1)) ms"
    }
}

/// The cleared cycles every run commits.
struct ReplicationBenchWork: Sendable {
    var ids: [String]
    var entries: [String: [LedgerEntry]]
    var trades: [Int]

    static func make(cycles: Int, parties: Int) throws -> ReplicationBenchWork {
        let market = Array("""
        { "price_min": "0.3023", "price_max": "1.4167", "grid_buy_price": "1.4167", "grid_sell_price": "0.3023",
          "loss_pct_per_km": "1.0", "max_line_km": "30", "mechanism": "uniform", "gate_closure_minutes": 15 }
        """.utf8)
        var rng = SplitMix64(seed: 17)
        var w = ReplicationBenchWork(ids: [], entries: [:], trades: [])
        let options = ClearOptions(mechanism: "uniform")
        for k in 0..<cycles {
            let id = CycleID(startSeconds: UTCTime(rfc3339: "2026-11-20T00:00:00Z")!.millis / 1000 + Int64(k) * 900)!.description
            var offers = "offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation,preferences,submitted_at\n"
            var bids = "bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation,preferences,submitted_at,energy_type,green_index,max_loss_pct\n"
            for i in 0..<parties {
                let p = 4000 + Int(rng.next() % 1000), q = 10 + Int(rng.next() % 5)
                offers += "O\(i),S\(i),0.\(p),\(q),solar,39.9000,116.4000,80,price:0.5;demand:0.3;loss:0.2,2026-11-19T23:40:00Z\n"
                let b = 6000 + Int(rng.next() % 2000)
                bids += "B\(i),P\(i),0.\(b),\(q),39.9000,116.4000,80,price:0.5;loss:0.3;green:0.2,2026-11-19T23:41:00Z,solar,0.9,10\n"
            }
            // The BFT mode clears with the ledger's reputation.
            let (cleared, files) = try CycleService().clear(CycleFiles(cycleID: id, offersCSV: Array(offers.utf8), bidsCSV: Array(bids.utf8), marketJSON: market),
                                                            reputationJSON: ReputationSnapshot().canonicalJSON(), options: options)
            w.ids.append(id)
            w.entries[id] = [.clearedCycle(try CycleRecord.entry(cleared, files: files, options: options))]
            w.trades.append(cleared.result.trades.count)
        }
        return w
    }
}

struct ReplicationBenchResult {
    var seconds: Double
    var cpuSeconds: Double
    var blocks: UInt64
    /// Ledger entries committed (above genesis).
    var entries = 0
    var firstMillis: [Double] = []
    var allMillis: [Double] = []
}

enum ReplicationBenchRun {
    static func cpu() -> Double {
        var u = rusage(); getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    /// The embedded ledger: one commit (sign, append, fsync) per cycle.
    static func embedded(_ w: ReplicationBenchWork, count: Int, dir: String) throws -> ReplicationBenchResult {
        let ledger = try NodeLedger(directory: dir, keyFile: nil, now: UTCTime(millis: 0))
        let c0 = cpu(), t0 = monotonicNanos()
        var lat: [Double] = []
        for id in w.ids.prefix(count) {
            let s = monotonicNanos()
            _ = try ledger.commit(w.entries[id]!, now: UTCTime(millis: 1))
            lat.append(Double(monotonicNanos() - s) / 1e6)
        }
        return ReplicationBenchResult(seconds: Double(monotonicNanos() - t0) / 1e9, cpuSeconds: cpu() - c0,
                                      blocks: ledger.store.state.lastHeight ?? 0, entries: count, allMillis: lat)
    }

    /// Four replica drivers on loopback. Throws (after stopping them) when the cycles are not
    /// committed at all four within `timeout` seconds.
    static func committee(_ w: ReplicationBenchWork, count: Int, dir: String, oneAtATime: Bool, timeout: Double) throws -> ReplicationBenchResult {
        let base = try freeBasePort()
        let cluster = try ClusterSetup.initialize(replicas: 4, directory: dir, basePort: base, now: UTCTime(millis: 0))
        let released = Locked<[String]>([])
        let committedAt = Locked<[String: [UInt64]]>([:])
        let stop = Locked(false)
        var drivers: [ReplicaDriver] = []
        for i in 1...4 {
            let ledger = try ReplicatedLedger(directory: ClusterSetup.ledgerPath(directory: dir, id: i), cluster: cluster)
            let key = try NodeKeyFile.load(path: ClusterSetup.keyPath(directory: dir, id: i))
            let entries = w.entries
            let app = ReplicaApplication(
                due: { state, _ in released.withValue { $0 }.filter { state.cycles[$0] == nil } },
                clear: { id, _ in .entries(entries[id]!) },
                reexecute: { _ in "no inputs" },
                committed: { b in
                    let t = monotonicNanos()
                    committedAt.withValue { m in for e in b.entries { if let c = e.cycleID { m[c, default: []].append(t) } } }
                })
            var o = ReplicaDriver.Options(cluster: cluster, id: i, statePath: "\(dir)/node\(i)/state.pbft")
            o.tickMillis = 2
            o.scanMillis = 1
            let d = try ReplicaDriver(options: o, key: key, ledger: ledger, app: app)
            let verbose = ProcessInfo.processInfo.environment["BENCH_LOG"] != nil
            d.log = { line in if verbose { print("\(monotonicNanos() / 1_000_000) \(line)") } }
            drivers.append(d)
        }
        let group = DispatchGroup()
        for d in drivers {
            group.enter()
            Thread { try? d.run(once: false, shouldStop: { stop.withValue { $0 } }); group.leave() }.start()
        }
        Thread.sleep(forTimeInterval: 0.3)  // listeners up, connections made on first send
        let ids = Array(w.ids.prefix(count))
        let c0 = cpu(), t0 = monotonicNanos()
        var first: [Double] = [], all: [Double] = []
        let deadline = t0 + UInt64(timeout * 1e9)
        func waitFor(_ id: String, replicas n: Int) -> UInt64? {
            while monotonicNanos() < deadline {
                if let ts = committedAt.withValue({ $0[id] }), ts.count >= n { return ts.sorted()[n - 1] }
                usleep(200)
            }
            return nil
        }
        var missing: String?
        if oneAtATime {
            for id in ids {
                let s = monotonicNanos()
                released.withValue { $0.append(id) }
                guard let one = waitFor(id, replicas: 1), let four = waitFor(id, replicas: 4) else { missing = id; break }
                first.append(Double(one - s) / 1e6)
                all.append(Double(four - s) / 1e6)
            }
        } else {
            released.withValue { $0 = ids }
            for id in ids where waitFor(id, replicas: 4) == nil { missing = id; break }
        }
        let secs = Double(monotonicNanos() - t0) / 1e9, cpus = cpu() - c0
        stop.withValue { $0 = true }
        group.wait()
        if let missing {
            let heights = drivers.map { String($0.height) }.joined(separator: ", ")
            throw CLIFailure("BFT run in \(dir): cycle \(missing) not committed at all 4 replicas within \(Int(timeout)) s (replica heights \(heights)); rerun with BENCH_LOG=1 for the replicas' logs")
        }
        return ReplicationBenchResult(seconds: secs, cpuSeconds: cpus, blocks: drivers[0].height,
                                      entries: drivers.map(\.committedEntries).min() ?? 0, firstMillis: first, allMillis: all)
    }

    /// The base port of 4 replicas (replica i at base + i) whose ports are free now.
    static func freeBasePort() throws -> Int {
        guard let first = freePorts(4).first else { throw CLIFailure("no 4 free consecutive loopback ports") }
        return first - 1
    }
}
