#if canImport(Glibc)
import Glibc
#endif
import Clearing
import GridClearCore
import GridClearSystem
import LedgerLite
import EtcdClient
import EtcdReplication

/// `gridclear node run --mode etcd`: wires the etcd replication node to this node's ledger,
/// key and inputs folder, and to the clearing pipeline.
struct NodeEtcdRun {
    let command: NodeRunCommand

    func run() throws {
        let c = command, o = command.etcd
        let eps: [EtcdEndpoint]
        do { eps = try EtcdEndpoint.list(try o.endpointList()) } catch let e as EtcdError { throw CLIFailure("\(e)") }
        guard FileBytes.exists(c.key) else { throw CLIFailure("key file \(c.key) not found (make one with `gridclear keygen --ed25519`)") }
        let key = try NodeKey.parse(String(decoding: try FileBytes.read(c.key), as: UTF8.self), name: c.key)
        guard FileBytes.exists(c.inputs) else { throw CLIFailure("inputs folder \(c.inputs) not found") }
        var base = GridClearSystem.SystemClock().now().seconds
        if let now = c.now {
            guard let t = LedgerTime.parseSeconds(now) else { throw CLIFailure("--now '\(now)': expected YYYY-MM-DDTHH:MM[:SS]Z or a cycle id like 20261120T1000Z") }
            base = t
        }
        let startMono = GridClearSystem.SystemClock().monotonicNanos()
        func nowSeconds() -> Int64 { base + Int64((GridClearSystem.SystemClock().monotonicNanos() - startMono) / 1_000_000_000) }

        let store: LedgerStore
        do { store = try LedgerStore(directory: c.ledger, create: true) } catch { throw CLIFailure("ledger \(c.ledger): \(error)") }
        if let r = store.recovery {
            printError("warning: \(store.path): cut a torn tail of \(r.cutBytes) bytes at offset \(r.cutOffset) (kept in \(r.brokenFile))")
        }
        var opts = EtcdNode.Options(nodeID: c.id)
        opts.layout = EtcdLayout(prefix: o.prefix)
        opts.leaseTTLSeconds = o.leaseTTL
        opts.genesisNodes = max(1, o.genesisNodes)
        opts.quotaBytes = o.quotaBytes
        let inputs = c.inputs, seed = o.seed
        var clearOptions = ClearOptions(mechanism: o.mechanism, seed: o.seed)
        if let s = o.solver { clearOptions.solver = s }
        let options = clearOptions
        let node = EtcdNode(options: opts, client: EtcdClient(endpoints: eps, timeoutMillis: 2_000), store: store, key: key) { cycle in
            let files = try CycleFiles.load(cycleDirectory: inputs + "/" + cycle)
            let cleared = try CyclePipeline.clear(files, options: options,
                                                  context: ClearingContext(seed: seed, monotonicNanos: { GridClearSystem.SystemClock().monotonicNanos() }))
            return [.clearedCycle(LedgerGlue.cycleEntry(cleared, files: files, options: options))]
        }
        let out = c.out
        node.log = { line in print(line); fflush(stdout) }
        node.onAppended = { block in
            for e in block.entries {
                guard case .clearedCycle(let cc) = e else { continue }
                let rows = cc.tradeTable.rows.count
                print("node \(c.id): applied block \(block.header.height): cycle \(cc.cycleID), \(rows) trades"); fflush(stdout)
                if let out {
                    do {
                        let dir = FileSystem.join(out, cc.cycleID)
                        try FileSystem.makeDirectories(dir)
                        try GridClearSystem.AtomicFile.write(cc.tradesCSV, to: FileSystem.join(dir, "trades.csv"))
                        try GridClearSystem.AtomicFile.write(cc.summaryJSON, to: FileSystem.join(dir, "summary.json"))
                    } catch { printError("node \(c.id): outputs of \(cc.cycleID) not written: \(error)") }
                }
            }
        }
        // The inputs folder is scanned at most once a second.
        var scanned: [ScheduledCycle] = []
        var scannedAt: Int64 = Int64.min
        let due: (ChainState) -> [String] = { state in
            let t = nowSeconds()
            if t != scannedAt { scanned = ScheduleScan.cycles(in: inputs); scannedAt = t }
            return SchedulePlanner.plan(cycles: scanned, recorded: Set(state.cycles.keys), nowSeconds: t).due.map(\.id)
        }
        StopSignals.install()
        print("node \(c.id): etcd mode on \(eps.map(\.description).joined(separator: ",")), ledger \(c.ledger) at height \(store.state.lastHeight.map(String.init) ?? "-")")
        fflush(stdout)
        do {
            try node.run(once: c.once, due: due, shouldStop: { StopSignals.requested })
        } catch let e as ReplicationError {
            throw CLIFailure("node \(c.id): \(e)")
        }
        print("node \(c.id): stopped at ledger height \(store.state.lastHeight.map(String.init) ?? "-")")
    }
}
