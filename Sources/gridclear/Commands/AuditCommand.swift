import ArgumentParser
import GridClearApp
import GridClearCore
import LedgerLite

/// `gridclear audit <ledger-dir> [--keys FILE] [--cluster cluster.json]` — verifies a ledger offline (SPEC §6) and
/// prints a summary, or the first bad record with its byte offset and exit code 1.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit a ledger directory offline.",
        discussion: """
        Verifies framing and CRC-32C checksums, block decoding, heights, the previous-block hash chain, block times, the Merkle root of each block's entries and the cumulative tree, and every Ed25519 block signature. Without --keys the signatures are checked against the keys the genesis block records, and the summary line says "origin unverified": anyone who can write the ledger folder can re-sign it with a key of their own. With --keys, against that independent trust anchor — the node's published public key (the .pub file, e.g. Ledger.key.pub beside the ledger, whose SHA256 fingerprint the operator publishes and the auditor pins). Prints a summary or the first bad record's byte offset. Format: docs/ledger-format.md.

        A BFT replica's ledger (its genesis names a committee) is audited with its certificates: every block above genesis needs a commit certificate (certificates.gcl) of a quorum of the committee in force at its height, which the genesis block and the membership entries define. --cluster pins the committee: the genesis committee must be exactly the replicas' keys of that cluster.json, e.g. 'gridclear audit DIR/node1/ledger --cluster DIR/cluster.json' (docs/replication.md).

        Examples:
          gridclear audit Ledger
          gridclear audit Ledger --keys Ledger.key.pub
          gridclear audit Ledger --json
        """)

    @Argument(help: "The ledger directory (holds blocks.gcl).")
    var ledgerDir: String

    @Option(help: "Trusted Ed25519 public keys: a .pub or node key file from 'gridclear keygen --ed25519', or 'ed25519-public: <hex>' lines.")
    var keys: String?

    @Option(help: "A BFT cluster file (cluster.json): pin the committee of a replica's ledger to its replicas' keys.")
    var cluster: String?

    @OptionGroup var json: JSONOutputOption

    func run() throws {
        try reportingErrors {
            let trusted = try keys.map { try TrustedKeyFile.load(path: $0) }
            let pinned = try cluster.map { try ClusterConfig.load(path: $0).publicKeys }
            let path = ledgerDir + "/" + LedgerStore.fileName
            switch try CertifiedAuditor.audit(directory: ledgerDir, trusted: trusted, pinned: pinned) {
            case .failure(let f):
                if json.enabled {
                    var w = JSONWriter()
                    w.add("ledger", path); w.add("ok", false); w.add("offset", f.offset)
                    w.add("block", raw: f.height.map { String($0) } ?? "null"); w.add("error", f.message)
                    say(w.render())
                }
                throw CLIFailure("audit of \(path) failed at byte offset \(f.offset)\(f.height.map { " (block \($0))" } ?? ""): \(f.message)")
            case .success(let c):
                let r = c.audit
                if json.enabled {
                    var w = JSONWriter()
                    w.add("ledger", path); w.add("ok", true); w.add("origin_verified", c.replicated ? c.pinned : !r.keysFromGenesis)
                    w.add("blocks", r.blocks); w.add("entries", r.entries); w.add("cycles", r.cycles.count)
                    w.add("first_cycle", raw: r.cycles.first.map(CanonicalText.jsonString) ?? "null")
                    w.add("last_cycle", raw: r.cycles.last.map(CanonicalText.jsonString) ?? "null")
                    w.add("bytes", r.bytes)
                    w.add("first_block_time", raw: r.firstTimeMillis.map { CanonicalText.jsonString(UTCTime(millis: $0).rfc3339) } ?? "null")
                    w.add("last_block_time", raw: r.lastTimeMillis.map { CanonicalText.jsonString(UTCTime(millis: $0).rfc3339) } ?? "null")
                    w.add("head", Hex.encode(r.headHash)); w.add("tree_size", raw: String(r.treeSize)); w.add("tree_root", Hex.encode(r.treeRoot))
                    w.add("trusted_keys", raw: "[" + (trusted?.keys.map { CanonicalText.jsonString(NodeKey.fingerprint(publicKey: $0)) }.sorted() ?? []).joined(separator: ", ") + "]")
                    w.add("replicated", c.replicated)
                    if c.replicated {
                        w.add("certificates", c.certificates); w.add("pinned", c.pinned)
                        w.add("epochs", raw: "[" + c.epochs.map { "{\"epoch\": \($0.epoch), \"from_block\": \($0.fromHeight)}" }.joined(separator: ", ") + "]")
                    }
                    say(w.render())
                    return
                }
                if c.replicated {
                    say(c.pinned ? "ledger \(path): OK (replicated; origin verified: certificates of the committee pinned by \(cluster!))"
                                 : "ledger \(path): OK (replicated; committee from the genesis block, not pinned: no --cluster given)")
                } else {
                    say(r.keysFromGenesis ? "ledger \(path): OK (integrity only; origin unverified: no --keys given)"
                                          : "ledger \(path): OK (origin verified: signed by trusted keys)")
                }
                let cycles = r.cycles.isEmpty ? "" : " (\(r.cycles.first!) … \(r.cycles.last!))"
                say("  blocks \(r.blocks) (heights 0–\(r.blocks - 1)) · entries \(r.entries) · cycles \(r.cycles.count)\(cycles) · \(r.bytes) bytes")
                if let f = r.firstTimeMillis, let l = r.lastTimeMillis {
                    say("  first block \(UTCTime(millis: f).rfc3339) · last block \(UTCTime(millis: l).rfc3339)")
                }
                say("  head \(Hex.encode(r.headHash)) · tree size \(r.treeSize) root \(Hex.encode(r.treeRoot))")
                if c.replicated {
                    let epochs = c.epochs.map { "epoch \($0.epoch) from block \($0.fromHeight)" }.joined(separator: ", ")
                    say("  certificates \(c.certificates) (every block above genesis, each a quorum of the committee in force) · \(epochs)")
                    if let k = c.committee {
                        say("  committee now: \(k.n) members, f = \(k.f), quorum \(k.quorum): \(k.keys.map { NodeKey.fingerprint(publicKey: $0) }.joined(separator: ", "))")
                    }
                    if c.extraCertificates > 0 { say("  note: \(c.extraCertificates) certificate(s) beyond the head (an interrupted append; the replica drops them on start)") }
                } else if r.keysFromGenesis {
                    say("  signatures checked against the keys recorded in the genesis block (no --keys given: this proves integrity, not origin)")
                } else {
                    say("  signatures checked against \(trusted!.keys.count) trusted key(s) from \(keys!): \(trusted!.keys.map { NodeKey.fingerprint(publicKey: $0) }.sorted().joined(separator: ", "))")
                }
            }
        }
    }
}
