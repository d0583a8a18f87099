import ArgumentParser
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// `gridclear verify-proof <file> --keys FILE` — checks a trade inclusion proof without
/// the ledger: trade row → cycle trades root → block entries root → signed block header.
struct VerifyProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Verify an inclusion proof without the ledger.",
        discussion: """
        Needs only the proof file and the trusted signer keys (the node's published .pub file, or its node key file). A proof from a BFT replica's ledger (format 3) also carries the block's commit certificate: give --cluster cluster.json (or --keys with every committee member's key) and the certificate is checked against the committee, e.g. 'gridclear verify-proof trade-proof.json --cluster DIR/cluster.json'. Exit 0 and the proved trade on success; one line naming the broken link and exit 1 otherwise.

        Examples:
          gridclear verify-proof trade-proof.json --keys Ledger.key.pub
        """)

    @Argument(help: "The proof file written by 'gridclear proof'.")
    var file: String

    @Option(help: "Trusted Ed25519 public keys: a .pub or node key file from 'gridclear keygen --ed25519', or 'ed25519-public: <hex>' lines.")
    var keys: String?

    @Option(help: "A BFT cluster file (cluster.json): trust its committee (for proofs from a replica's ledger).")
    var cluster: String?

    func run() throws {
        try reportingErrors {
            guard (keys == nil) != (cluster == nil) else { throw CLIFailure("give the trusted keys with --keys FILE or --cluster cluster.json (one of them)", exitCode: 64) }
            let trusted = try keys.map { try TrustedKeyFile.load(path: $0) }
            let config = try cluster.map { try ClusterConfig.load(path: $0) }
            guard FileSystem.exists(file) else { throw CLIFailure("proof file \(file) not found") }
            let proof = try TradeProof.parse(try FileSystem.read(file, maxBytes: 64 << 20))
            do {
                let v = try config.map { try proof.verify(clusterKeys: $0.trustedKeys, chain: $0.chain, committeeSize: $0.reputation.committeeSize) }
                    ?? proof.verify(trusted: trusted!)
                say("proof OK: trade row \(v.row) of cycle \(v.cycle) is in block \(v.blockHeight) (\(UTCTime(millis: v.blockTimeMillis).rfc3339)), signed by \(NodeKey.fingerprint(publicKey: v.signer))\(proof.certificate == nil ? "" : ", certified by a quorum of its committee")")
                say("  " + v.fields.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
            } catch let e as ProofError {
                throw CLIFailure("proof \(file) does not verify: \(e.description)")
            }
        }
    }
}
