import Foundation
import GridClearTestSupport
import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// A 4-replica cluster in a scratch folder, with helpers that build and certify blocks the way
/// the committee would (commit messages signed by the members' keys).
final class BFTTestCluster {
    let folder: TemporaryFolder  // removed with the cluster
    let dir: String
    let config: ClusterConfig
    let keys: [NodeKey]
    static let start = UTCTime(seconds: 1_795_000_000)
    var now: UTCTime { Self.start }

    init(replicas: Int = 4, params: ReputationParams? = nil) throws {
        folder = try TemporaryFolder("BFTTestCluster")
        let d = folder.path
        dir = d
        config = try ClusterSetup.initialize(replicas: replicas, directory: d, basePort: 7100, now: Self.start, params: params)
        keys = try (1...replicas).map { try NodeKeyFile.load(path: ClusterSetup.keyPath(directory: d, id: $0)) }
    }

    func ledger(_ id: Int) throws -> ReplicatedLedger {
        try ReplicatedLedger(directory: ClusterSetup.ledgerPath(directory: dir, id: id), cluster: config)
    }
    func ledgerPath(_ id: Int) -> String { ClusterSetup.ledgerPath(directory: dir, id: id) }

    /// The next block on `ledger`, proposed (signed) by member `proposer` of the committee in force.
    func block(_ entries: [LedgerEntry], on ledger: ReplicatedLedger, proposer: Int = 0, keys k: [NodeKey]? = nil) throws -> Block {
        let key = signingKey(for: ledger.committee, member: proposer, keys: k)
        return try BlockBuilder.build(entries: entries, on: ledger.state, nowMillis: now.millis + Int64(ledger.height + 1) * 1000, key: key)
    }

    func signingKey(for c: Committee, member: Int, keys k: [NodeKey]? = nil) -> NodeKey {
        let all = (k ?? []) + keys
        return all.first { $0.publicKey == c.keys[member] }!
    }

    /// A certificate of `committee` for `block` with the commit signatures of `signers`.
    func certify(_ block: Block, committee c: Committee, signers: [Int] = [0, 1, 2], view: UInt64 = 0, keys k: [NodeKey]? = nil) throws -> QuorumCertificate {
        let vote = Vote(view: view, seq: block.header.height, digest: LedgerHash.blockHash(block.header))
        let votes = try signers.map { i -> CertificateVote in
            let m = try SignedMessage.sign(.commit(vote), committee: c.id, sender: ReplicaID(i), signer: signingKey(for: c, member: i, keys: k))
            return CertificateVote(replica: ReplicaID(i), signature: m.signature)
        }
        return QuorumCertificate(committee: c.id, height: block.header.height, view: view, blockHash: vote.digest, votes: votes)
    }

    /// Builds, certifies and appends the next block.
    @discardableResult
    func commit(_ entries: [LedgerEntry], on ledger: ReplicatedLedger, signers: [Int] = [0, 1, 2], keys k: [NodeKey]? = nil) throws -> CertifiedBlock {
        let b = try block(entries, on: ledger, proposer: signers[0], keys: k)
        let cb = CertifiedBlock(block: b, certificate: try certify(b, committee: ledger.committee, signers: signers, keys: k))
        try ledger.appendCommitted(cb)
        return cb
    }

    /// A cleared cycle entry from the sample inputs under the cycle id `cycle`.
    /// `participants` renames participant ids of the sample (e.g. `["P1": "node3"]`: node3 trades).
    static func cycleEntry(_ cycle: String, participants: [String: String] = [:]) throws -> LedgerEntry {
        var files = try CycleService().load(cycleDirectory: packageRoot + "/Inputs/" + sampleCycle)
        files.cycleID = cycle
        for (from, to) in participants {
            func rename(_ b: [UInt8]) -> [UInt8] { Array(String(decoding: b, as: UTF8.self).replacingOccurrences(of: ",\(from),", with: ",\(to),").utf8) }
            files.bidsCSV = rename(files.bidsCSV); files.offersCSV = rename(files.offersCSV)
        }
        let r = try EndorsementService.request(files: files, options: ClearOptions(solver: "simplex"))
        return r.entries[0]
    }
}
