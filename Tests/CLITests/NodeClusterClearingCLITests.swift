import Foundation
import GridClearTestSupport
import Testing
import GridClearApp
import GridClearCore
import LedgerLite

/// `node init --mechanism/--solver/--seed` records the clearing choices in cluster.json;
/// `node run` clears with them, refuses a flag that disagrees (naming both values), and a
/// cluster.json without the choices (an older file) keeps the flags' behaviour.
@Suite struct NodeClusterClearingCLITests {
    static let cycle = "20261120T1000Z"

    func workspace() throws -> TemporaryFolder {
        let folder = try TemporaryFolder("NodeClusterClearingCLITests"), ws = folder.url
        let inputs = ws.appendingPathComponent("Inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("Inputs/market.json"), to: inputs.appendingPathComponent("market.json"))
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("Inputs/\(Self.cycle)"), to: inputs.appendingPathComponent(Self.cycle))
        return folder
    }

    /// Runs replica 1 of a one-replica committee with `--once`; returns the result.
    func runOnce(_ ws: URL, _ extra: [String]) throws -> CLIResult {
        try runGridclear(["node", "run", "--cluster", "C/cluster.json", "--id", "1", "--key", "C/keys/node1.key", "--ledger", "C/node1/ledger",
                          "--inputs", "Inputs", "--once", "--now", "2026-11-20T11:00Z", "--view-timeout-ms", "200"] + extra, cwd: ws)
    }

    /// The recorded (mechanism, solver, seed) of the cycle in replica 1's ledger.
    func recorded(_ ws: URL) throws -> (String, String, UInt64)? {
        let dir = ws.appendingPathComponent("C").path
        let cfg = try ClusterConfig.load(path: dir + "/cluster.json")
        let ledger = try ReplicatedLedger(directory: dir + "/node1/ledger", cluster: cfg)
        guard let h = ledger.state.cycles[Self.cycle], let cb = try ledger.certifiedBlocks(from: h, maxBlocks: 1, maxBytes: 1).first else { return nil }
        for case .clearedCycle(let c) in cb.block.entries where c.cycleID == Self.cycle { return (c.mechanism, c.solver, c.seed) }
        return nil
    }

    @Test func clusterPinsTheClearingChoices() throws {
        let tmp = try workspace(), ws = tmp.url
        let bad = try runGridclear(["node", "init", "--replicas", "1", "--dir", "X", "--base-port", "7400", "--mechanism", "nope"], cwd: ws)
        #expect(bad.status == 64 && bad.stderr.contains("unknown mechanism 'nope'"))
        let port = String(20_000 + Int.random(in: 0..<30_000))
        let initRun = try runGridclear(["node", "init", "--replicas", "1", "--dir", "C", "--base-port", port, "--now", "2026-11-20T09:00Z",
                                        "--mechanism", "cmap", "--solver", "simplex", "--seed", "7"], cwd: ws)
        #expect(initRun.status == 0, "\(initRun.stderr)")
        let text = try String(contentsOf: ws.appendingPathComponent("C/cluster.json"), encoding: .utf8)
        #expect(text.contains(#""clearing": {"mechanism":"cmap","solver":"simplex","seed":7}"#))

        let seed = try runOnce(ws, ["--seed", "3"])
        #expect(seed.status == 64 && seed.stderr.contains("--seed 3 disagrees") && seed.stderr.contains("pins seed 7"), "\(seed.stderr)")
        let solver = try runOnce(ws, ["--solver", "network"])
        #expect(solver.status == 64 && solver.stderr.contains("'network'") && solver.stderr.contains("'simplex'"), "\(solver.stderr)")
        #expect(try recorded(ws) == nil)

        let ok = try runOnce(ws, ["--seed", "7"])  // agreeing flags are fine
        #expect(ok.status == 0, "\(ok.stderr)")
        let r = try recorded(ws)
        #expect(r?.0 == "cmap" && r?.1 == "simplex" && r?.2 == 7)
        // The reputation it cleared with is the ledger prefix's, rebuilt by replay byte for byte.
        let replay = try runGridclear(["replay", "C/node1/ledger", Self.cycle], cwd: ws)
        #expect(replay.status == 0 && replay.stdout.contains("reputation.json: identical"), "\(replay.stdout)\(replay.stderr)")
    }

    @Test func olderClusterFileKeepsTheFlags() throws {
        let tmp = try workspace(), ws = tmp.url
        let port = String(20_000 + Int.random(in: 0..<30_000))
        let initRun = try runGridclear(["node", "init", "--replicas", "1", "--dir", "C", "--base-port", port, "--now", "2026-11-20T09:00Z"], cwd: ws)
        #expect(initRun.status == 0, "\(initRun.stderr)")
        // A cluster.json written before the choices were recorded: no "clearing" line.
        let path = ws.appendingPathComponent("C/cluster.json")
        let lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.contains { $0.contains("\"clearing\"") })
        try lines.filter { !$0.contains("\"clearing\"") }.joined(separator: "\n").write(to: path, atomically: true, encoding: .utf8)
        let ok = try runOnce(ws, ["--seed", "3", "--solver", "simplex"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let r = try recorded(ws)
        #expect(r?.1 == "simplex" && r?.2 == 3)
    }
}
