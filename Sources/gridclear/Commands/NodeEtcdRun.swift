import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite
import EtcdClient
import EtcdReplication

/// `gridclear node run --mode etcd`: wires the etcd replication node to this node's ledger,
/// key and inputs folder, and to the application layer's clearing (`CycleService`), the same
/// workflow `clear` and `schedule` run. Every node publishes the outputs of every block it
/// appends (from the ledger entry: the canonical `trades.csv` and `summary.json`), after the
/// append is durable.
struct NodeEtcdRun {
    let command: NodeRunCommand

    func run() throws {
        let c = command, o = command.etcd
        let eps: [EtcdEndpoint]
        do { eps = try EtcdEndpoint.list(try o.endpointList()) } catch let e as EtcdError { throw CLIFailure("\(e)", exitCode: 64) }
        let key: NodeKey
        do { key = try NodeKeyFile.load(path: c.key) } catch { throw CLIFailure("\(error)") }
        guard FileSystem.isDirectory(c.inputs) else { throw CLIFailure("inputs folder \(c.inputs) not found") }
        let start = try commandNow(c.now)
        let clock = SystemClock()
        let startMono = clock.monotonicNanos()
        func now() -> UTCTime { start.adding(millis: Int64((clock.monotonicNanos() - startMono) / 1_000_000)) }

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
        let inputs = c.inputs
        var clearOptions = ClearOptions(mechanism: o.clearing.mechanism, seed: o.clearing.seed ?? 0)
        if let s = o.clearing.solver { clearOptions.solver = s }
        let options = clearOptions
        let service = CycleService(monotonicNanos: { SystemClock().monotonicNanos() })
        // Participants' reputation from the committed ledger (SPEC §7), never the CSV columns:
        // recorded as the cycle's reputation.json input, so `replay` rebuilds it from the prefix.
        let ledgerFile = store.path
        let reputation = Locked<LedgerReputation.Fold>((0, 0, ReputationSnapshot()))
        let node = EtcdNode(options: opts, client: EtcdClient(endpoints: eps, timeoutMillis: 2_000), store: store, key: key) { cycle, state in
            let loaded = try service.load(cycleDirectory: FileSystem.join(inputs, cycle))
            let fold = try reputation.withValue { r in
                if r.nextHeight > state.nextHeight { r = (0, 0, ReputationSnapshot()) }  // never ahead of the block's ledger
                r = try LedgerReputation.fold(ledgerFile: ledgerFile, through: state, from: r)
                return r
            }
            let (cleared, files) = try service.clear(loaded, reputationJSON: fold.snapshot.canonicalJSON(), options: options)
            return [.clearedCycle(try CycleRecord.entry(cleared, files: files, options: options))]
        }
        let out = c.out, id = c.id
        node.log = { line in say(line) }
        node.onAppended = { block in
            for e in block.entries {
                guard case .clearedCycle(let cc) = e else { continue }
                say("node \(id): applied block \(block.header.height): cycle \(cc.cycleID), \(cc.trades.rows.count) trades")
                guard let out else { continue }
                do {
                    let dir = FileSystem.join(out, cc.cycleID)
                    try FileSystem.makeDirectories(dir)
                    try GridClearSystem.AtomicFile.write(cc.tradesCSV, to: FileSystem.join(dir, "trades.csv"))
                    try GridClearSystem.AtomicFile.write(cc.summaryJSON, to: FileSystem.join(dir, "summary.json"))
                } catch { printError("node \(id): outputs of \(cc.cycleID) not written: \(error)") }
            }
        }
        // The inputs folder is scanned at most once a second (the planner is the scheduler's).
        var scanned: [ScheduledCycle] = []
        var scannedAt = Int64.min
        let due: (ChainState) -> [String] = { state in
            let t = now()
            if t.seconds != scannedAt {
                scannedAt = t.seconds
                do { scanned = try CycleFolderScanner.scan(inputs: inputs) } catch { printError("node \(id): \(error)") }
            }
            return SchedulePlanner.plan(cycles: scanned, recorded: Set(state.cycles.keys), now: t).due.map(\.id)
        }
        StopSignals.install()
        say("node \(id): etcd mode on \(eps.map(\.description).joined(separator: ",")), ledger \(c.ledger) at height \(store.state.lastHeight.map(String.init) ?? "-")")
        do {
            try node.run(once: c.once, due: due, shouldStop: { StopSignals.requested })
        } catch let e as EtcdReplicationError {
            throw CLIFailure("node \(id): \(e)")
        }
        say("node \(id): stopped at ledger height \(store.state.lastHeight.map(String.init) ?? "-")")
    }
}
