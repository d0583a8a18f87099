import Foundation
import GridClearTestSupport
import Testing
import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// Issue 17 through the real binary: `audit --cluster`, `replay`, `proof` and
/// `verify-proof --cluster` on a replica's ledger (written here with certificates signed by the
/// cluster's keys, as a committee would).
@Suite struct BFTLedgerCLITests {
    static let cycles = ["20261120T1000Z", "20261120T1015Z"]

    /// A 4-replica cluster in `ws/c` with replica 1's ledger holding the two cycles.
    func cluster(in ws: URL, name: String = "c", cycles: Bool = true) throws -> ClusterConfig {
        let dir = ws.appendingPathComponent(name).path
        let cfg = try ClusterSetup.initialize(replicas: 4, directory: dir, basePort: 7200, now: UTCTime(seconds: 1_795_000_000))
        guard cycles else { return cfg }
        let keys = try (1...4).map { try NodeKeyFile.load(path: ClusterSetup.keyPath(directory: dir, id: $0)) }
        let ledger = try ReplicatedLedger(directory: ClusterSetup.ledgerPath(directory: dir, id: 1), cluster: cfg)
        for (i, id) in Self.cycles.enumerated() {
            var files = try CycleService().load(cycleDirectory: packageRoot.path + "/Inputs/20261120T1000Z")
            files.cycleID = id
            let request = try EndorsementService.request(files: files, options: ClearOptions(solver: "simplex"))
            let block = try BlockBuilder.build(entries: request.entries, on: ledger.state, nowMillis: 1_795_000_000_000 + Int64(i + 1) * 1000, key: keys[i])
            let vote = Vote(view: 0, seq: block.header.height, digest: LedgerHash.blockHash(block.header))
            let votes = try [0, 1, 2, 3].filter { $0 != i }.map {
                CertificateVote(replica: ReplicaID($0), signature: try SignedMessage.sign(.commit(vote), committee: ledger.committee.id, sender: ReplicaID($0), signer: keys[$0]).signature)
            }
            try ledger.appendCommitted(CertifiedBlock(block: block, certificate: QuorumCertificate(committee: ledger.committee.id, height: vote.seq, view: 0, blockHash: vote.digest, votes: votes)))
        }
        return cfg
    }

    @Test func auditProofAndReplayOnAReplicaLedger() throws {
        let tmp = try TemporaryFolder("BFTLedgerCLITests"), ws = tmp.url
        _ = try cluster(in: ws)
        _ = try cluster(in: ws, name: "other", cycles: false)
        let ledger = "c/node1/ledger"

        let pinned = try runGridclear(["audit", ledger, "--cluster", "c/cluster.json"], cwd: ws)
        #expect(pinned.status == 0 && pinned.stdout.contains("replicated; origin verified") && pinned.stdout.contains("certificates 2"), "\(pinned.stdout) \(pinned.stderr)")
        let json = try runGridclear(["audit", ledger, "--cluster", "c/cluster.json", "--json"], cwd: ws)
        #expect(json.status == 0 && json.stdout.contains("\"replicated\": true") && json.stdout.contains("\"certificates\": 2")
                && json.stdout.contains("\"origin_verified\": true"), "\(json.stdout) \(json.stderr)")
        let plain = try runGridclear(["audit", ledger], cwd: ws)
        #expect(plain.status == 0 && plain.stdout.contains("not pinned"), "\(plain.stdout) \(plain.stderr)")
        let other = try runGridclear(["audit", ledger, "--cluster", "other/cluster.json"], cwd: ws)
        #expect(other.status == 1 && other.stderr.contains("(block 0)") && other.stderr.contains("not the pinned committee"), "\(other.stderr)")

        let replay = try runGridclear(["replay", ledger, Self.cycles[1]], cwd: ws)
        #expect(replay.status == 0, "\(replay.stdout) \(replay.stderr)")

        let proof = try runGridclear(["proof", ledger, "--trade", "#1", "--cycle", Self.cycles[1], "--out", "p.json"], cwd: ws)
        #expect(proof.status == 0, "\(proof.stderr)")
        #expect(try String(contentsOf: ws.appendingPathComponent("p.json"), encoding: .utf8).contains("gridclear-trade-proof/3"))
        let ok = try runGridclear(["verify-proof", "p.json", "--cluster", "c/cluster.json"], cwd: ws)
        #expect(ok.status == 0 && ok.stdout.contains("certified by a quorum"), "\(ok.stdout) \(ok.stderr)")
        let wrong = try runGridclear(["verify-proof", "p.json", "--cluster", "other/cluster.json"], cwd: ws)
        #expect(wrong.status == 1 && wrong.stderr.contains("not the trusted committee"), "\(wrong.stderr)")
        let neither = try runGridclear(["verify-proof", "p.json"], cwd: ws)
        #expect(neither.status == 64)

        // The embedded writer refuses a replica's ledger (it would append uncertified blocks).
        let before = try Data(contentsOf: ws.appendingPathComponent(ledger + "/blocks.gcl"))
        let clear = try runGridclear(["clear", packageRoot.path + "/Inputs/20261120T1000Z", "--solver", "simplex", "--ledger", ledger,
                                      "--key", "c/keys/node1.key", "--quiet"], cwd: ws)
        #expect(clear.status != 0 && clear.stderr.contains("BFT replica's ledger"), "\(clear.stderr)")
        #expect(try Data(contentsOf: ws.appendingPathComponent(ledger + "/blocks.gcl")) == before)

        // The last block's certificate goes missing: audit names block 2.
        let certs = ws.appendingPathComponent(ledger + "/certificates.gcl")
        let bytes = try Array(Data(contentsOf: certs))
        let first = CertificateFrame.scan(bytes).certificates[0].end
        try Data(bytes[0..<first]).write(to: certs)
        let missing = try runGridclear(["audit", ledger, "--cluster", "c/cluster.json"], cwd: ws)
        #expect(missing.status == 1 && missing.stderr.contains("(block 2)") && missing.stderr.contains("no commit certificate"), "\(missing.stderr)")
        // replay and proof audit the certificates before they act.
        for args in [["replay", ledger, Self.cycles[0]], ["proof", ledger, "--trade", "#1", "--cycle", Self.cycles[0], "--out", "q.json"]] {
            let r = try runGridclear(args, cwd: ws)
            #expect(r.status == 1 && r.stderr.contains("block 2") && r.stderr.contains("no commit certificate"), "\(args[0]): \(r.stderr)")
        }
    }
}
