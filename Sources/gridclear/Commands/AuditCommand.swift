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

    @OptionGroup var keys: TrustedKeysOption

    @Option(help: "A BFT cluster file (cluster.json): pin the committee of a replica's ledger to its replicas' keys.")
    var cluster: String?

    @OptionGroup var json: JSONOutputOption

    func run() throws {
        try reportingErrors {
            let trusted = try keys.load()
            let pinned = try cluster.map { try ClusterConfig.load(path: $0).publicKeys }
            let path = ledgerDir + "/" + LedgerStore.fileName
            switch try CertifiedAuditor.audit(directory: ledgerDir, trusted: trusted, pinned: pinned) {
            case .failure(let f):
                try json.finishCheck(document: {
                    var w = JSONWriter()
                    w.add("ledger", path); w.add("ok", false); w.add("offset", f.offset)
                    w.add("block", raw: f.height.map { String($0) } ?? "null"); w.add("error", f.message)
                    return w.render()
                }, text: { [] }, problems: ["audit of \(path) failed at byte offset \(f.offset)\(f.height.map { " (block \($0))" } ?? ""): \(f.message)"])
            case .success(let c):
                let report = AuditReport(path: path, audit: c, trusted: trusted, keysFile: keys.keys, clusterFile: cluster)
                try json.finishCheck(document: report.json, text: report.text, problems: [])
            }
        }
    }
}

/// A successful audit's report: `audit --json` and the text summary carry the same numbers.
struct AuditReport {
    let path: String, audit: CertifiedAuditReport, trusted: TrustedKeys?, keysFile: String?, clusterFile: String?

    func json() -> String {
        let (c, r) = (audit, audit.audit)
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
        return w.render()
    }

    func text() -> [String] {
        let (c, r) = (audit, audit.audit)
        var lines: [String] = []
        if c.replicated {
            lines.append(c.pinned ? "ledger \(path): OK (replicated; origin verified: certificates of the committee pinned by \(clusterFile!))"
                                  : "ledger \(path): OK (replicated; committee from the genesis block, not pinned: no --cluster given)")
        } else {
            lines.append(r.keysFromGenesis ? "ledger \(path): OK (integrity only; origin unverified: no --keys given)"
                                           : "ledger \(path): OK (origin verified: signed by trusted keys)")
        }
        let cycles = r.cycles.isEmpty ? "" : " (\(r.cycles.first!) … \(r.cycles.last!))"
        lines.append("  blocks \(r.blocks) (heights 0–\(r.blocks - 1)) · entries \(r.entries) · cycles \(r.cycles.count)\(cycles) · \(r.bytes) bytes")
        if let f = r.firstTimeMillis, let l = r.lastTimeMillis {
            lines.append("  first block \(UTCTime(millis: f).rfc3339) · last block \(UTCTime(millis: l).rfc3339)")
        }
        lines.append("  head \(Hex.encode(r.headHash)) · tree size \(r.treeSize) root \(Hex.encode(r.treeRoot))")
        if c.replicated {
            let epochs = c.epochs.map { "epoch \($0.epoch) from block \($0.fromHeight)" }.joined(separator: ", ")
            lines.append("  certificates \(c.certificates) (every block above genesis, each a quorum of the committee in force) · \(epochs)")
            if let k = c.committee {
                lines.append("  committee now: \(k.n) members, f = \(k.f), quorum \(k.quorum): \(k.keys.map { NodeKey.fingerprint(publicKey: $0) }.joined(separator: ", "))")
            }
            if c.extraCertificates > 0 { lines.append("  note: \(c.extraCertificates) certificate(s) beyond the head (an interrupted append; the replica drops them on start)") }
        } else if r.keysFromGenesis {
            lines.append("  signatures checked against the keys recorded in the genesis block (no --keys given: this proves integrity, not origin)")
        } else {
            lines.append("  signatures checked against \(trusted!.keys.count) trusted key(s) from \(keysFile!): \(trusted!.keys.map { NodeKey.fingerprint(publicKey: $0) }.sorted().joined(separator: ", "))")
        }
        return lines
    }
}
