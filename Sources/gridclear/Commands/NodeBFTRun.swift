import BFTReplication
import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// `gridclear node run --mode bft`: wires a `ReplicaDriver` to this replica's key, ledger and
/// inputs folder, and to the application layer: the due cycles come from `CycleFolderScanner`
/// + `SchedulePlanner` (the scheduler's), clearing is `CycleService` + `CycleRecord.entry`
/// (invalid inputs become a `RejectedCycleEntry`, as in `schedule`), endorsement of a cycle
/// this replica has no inputs for is `ReplayService.replay`, and every committed cycle's
/// outputs are published from its ledger entry after the append is durable.
struct NodeBFTRun {
    let command: NodeRunCommand

    func run() throws {
        let c = command, o = command.etcd
        let (cluster, clusterPath) = try c.bft.loadCluster()
        guard let id = Int(c.id), cluster.replica(id: id) != nil else {
            throw CLIFailure("--id \(c.id): \(clusterPath) has replicas 1…\(cluster.replicas.count)", exitCode: 64)
        }
        let key: NodeKey
        do { key = try NodeKeyFile.load(path: c.key) } catch { throw CLIFailure("\(error)") }
        // Whether it is replica I's key is decided by the driver: its ledger's current key for the
        // node, or cluster.json's for a replacement the ledger has not reached (`ReplicaDriver.keyProblem`).
        guard FileSystem.isDirectory(c.inputs) else { throw CLIFailure("inputs folder \(c.inputs) not found") }
        var byz: ReplicaDriver.ByzantineMode?
        if let b = c.bft.byzantine {
            guard let m = ReplicaDriver.ByzantineMode(rawValue: b) else { throw CLIFailure("--byzantine: one of \(ReplicaDriver.ByzantineMode.allCases.map(\.rawValue))", exitCode: 64) }
            byz = m
        }
        let start = try commandNow(c.now)
        let clock = SystemClock()
        let startMono = clock.monotonicNanos()
        let nowMillis: @Sendable () -> Int64 = { start.millis + Int64((SystemClock().monotonicNanos() - startMono) / 1_000_000) }

        let ledger: ReplicatedLedger
        do {
            try FileSystem.makeDirectories(FileSystem.parent(of: c.ledger))
            ledger = try ReplicatedLedger(directory: c.ledger, cluster: cluster, events: report)
        } catch { throw CLIFailure("ledger \(c.ledger): \(error)") }

        // Every replica must clear alike: cluster.json pins the choice (flags must agree).
        let clearOptions: ClearOptions
        do { clearOptions = try ClusterClearing.resolve(pinned: cluster.clearing, mechanism: o.clearing.mechanism, solver: o.clearing.solver, seed: o.clearing.seed, file: clusterPath) } catch {
            throw CLIFailure("\(error)", exitCode: 64)
        }
        let app = Self.application(inputs: c.inputs, options: clearOptions, out: c.out, id: id)
        var opts = ReplicaDriver.Options(cluster: cluster, id: id, statePath: c.bft.state ?? Self.defaultStatePath(c.ledger))
        opts.byzantine = byz
        opts.viewChangeTimeoutMillis = max(100, c.bft.viewTimeoutMillis)
        let driver: ReplicaDriver
        do { driver = try ReplicaDriver(options: opts, key: key, ledger: ledger, app: app) } catch { throw CLIFailure("\(error)") }
        driver.clock = nowMillis
        driver.log = { say($0) }
        StopSignals.install()
        do { try driver.run(once: c.once, shouldStop: { StopSignals.requested }) } catch { throw CLIFailure("\(error)") }
    }

    /// `node<I>/state.pbft` for `node<I>/ledger`: beside the ledger, never inside it (a ledger
    /// copied from a peer must not bring the peer's signing guard).
    static func defaultStatePath(_ ledger: String) -> String {
        var d = ledger
        while d.count > 1 && d.hasSuffix("/") { d.removeLast() }
        return FileSystem.join(FileSystem.parent(of: d), "state.pbft")
    }

    /// The application side: the scheduler's planner, clearing, replay and publication.
    static func application(inputs: String, options: ClearOptions, out: String?, id: Int) -> ReplicaApplication {
        let scan = Locked<(at: Int64, cycles: [ScheduledCycle])>((.min, []))
        let service = CycleService(monotonicNanos: { SystemClock().monotonicNanos() })
        return ReplicaApplication(
            due: { state, now in
                let cycles: [ScheduledCycle] = scan.withValue { s in
                    if now / 1000 != s.at {
                        s.at = now / 1000
                        do { s.cycles = try CycleFolderScanner.scan(inputs: inputs) } catch { printError("replica \(id): \(error)") }
                    }
                    return s.cycles
                }
                let recorded = Set(state.cycles.keys).union(state.rejectedCycles.keys)
                return SchedulePlanner.plan(cycles: cycles, recorded: recorded, now: UTCTime(millis: now)).due.map(\.id)
            },
            clear: { cycle, reputation in
                let dir = FileSystem.join(inputs, cycle)
                guard FileSystem.isDirectory(dir) else { return .skipped("no folder \(dir)") }
                do {
                    // The committed ledger's reputation, never the CSV columns.
                    let (cleared, files) = try service.clear(try service.load(cycleDirectory: dir), reputationJSON: reputation, options: options)
                    return .entries([.clearedCycle(try CycleRecord.entry(cleared, files: files, options: options))])
                } catch let e as AppError {
                    switch e {
                    case .invalidInputs, .clearingFailed:
                        // The cycle's own fault: proposed as rejected (as `schedule` records it).
                        return .entries([.rejectedCycle(RejectedCycleEntry(cycleID: cycle, reason: e.description))])
                    default: return .skipped(e.description)
                    }
                } catch { return .skipped("\(error)") }
            },
            reexecute: { entry in
                do {
                    let r = try ReplayService.replay(entry)
                    return r.identical ? nil : "re-clearing gives a different \(r.comparisons.first { !$0.identical }?.name ?? "result")"
                } catch { return "re-clearing failed: \(error)" }
            },
            committed: { block in
                for e in block.entries {
                    switch e {
                    case .clearedCycle(let cc):
                        say("replica \(id): committed block \(block.header.height): cycle \(cc.cycleID), \(cc.trades.rows.count) trades")
                        if let out {
                            do { try OutputPublisher.publish(recorded: cc, root: out) } catch { printError("replica \(id): outputs of \(cc.cycleID) not written: \(error)") }
                        }
                    case .rejectedCycle(let r):
                        say("replica \(id): committed block \(block.header.height): cycle \(r.cycleID) REJECTED: \(r.reason)")
                    default: break
                    }
                }
            })
    }
}
