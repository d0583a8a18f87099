import GridClearCore

/// An operator's key replacement inside the core (docs/replication.md, "Replacing a node's
/// key"). The request is ordered like any other, but its entries are never taken from anyone:
/// the primary derives the roster change and the `.operatorDecision` epoch entry from the signed
/// `KeyReplacement` and its ledger when it cuts the block, and every replica (and every auditor)
/// derives them again with the same function, `Membership.keyReplacementEntries`, before it
/// votes (`epochProblem` → `Membership.proposalProblem`). The new committee is in force from
/// the next block, like any epoch (`applyMembership`).
extension Replica {
    /// Whether request `r` may be queued: a key replacement must pass the membership rule now
    /// (reported when it does not); any other request must have entries.
    mutating func admissible(_ r: Request) -> Bool {
        guard let k = r.keyReplacement else { return !r.entries.isEmpty }
        guard r.id == k.requestID, r.entries.isEmpty else {
            event(.dropped(from: nil, reason: "key replacement request \(r.id): malformed")); return false
        }
        guard let m = membership else {
            event(.dropped(from: nil, reason: "key replacement \(r.id): this replica runs a fixed committee (no membership)")); return false
        }
        do { _ = try m.keyReplacementEntries(k) } catch {
            event(.dropped(from: nil, reason: "key replacement \(r.id): \(error)")); return false
        }
        return true
    }

    /// Drops queued key replacements the ledger no longer allows (applied, or the node's key
    /// changed meanwhile), so that no replica waits — or changes views — for them.
    mutating func pruneKeyReplacements() {
        guard let m = membership, pending.contains(where: { $0.keyReplacement != nil }) else { return }
        pending.removeAll { r in r.keyReplacement.map { (try? m.keyReplacementEntries($0)) == nil } ?? false }
    }

    /// The first queued key replacement the membership allows on top of the tip, with the
    /// entries it puts into the block.
    func nextKeyReplacement() -> (id: String, entries: [LedgerEntry])? {
        guard let m = membership else { return nil }
        for r in pending where !committedIDs.contains(r.id) {
            if let k = r.keyReplacement, let es = try? m.keyReplacementEntries(k) { return (r.id, es) }
        }
        return nil
    }

    /// This replica's index in the roster domain: by its key, or — restarted with a new key
    /// its ledger does not show yet — by its node id (peers that applied the replacement verify
    /// it with the new key; the others drop it until they have).
    func rosterIndex(in domain: Committee) -> ReplicaID? {
        if let i = domain.index(ofKey: config.signer.publicKey) { return i }
        guard let node = config.nodeID, let i = membership?.roster.firstIndex(where: { $0.nodeID == node }) else { return nil }
        return ReplicaID(i)
    }
}
