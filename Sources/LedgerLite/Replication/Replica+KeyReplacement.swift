import GridClearCore

/// An operator's key replacement inside the core (docs/replication.md, "Replacing a node's
/// key"). The request is ordered like any other, but its entries are never taken from anyone:
/// the primary derives the roster change and the `.operatorDecision` epoch entry from the signed
/// `KeyReplacement` and its ledger when it cuts the block, and every replica (and every auditor)
/// derives them again with the same function, `Membership.keyReplacementEntries`, before it
/// votes (`epochProblem` → `Membership.proposalProblem`). The new committee is in force from
/// the next block, like any epoch (`applyMembership`).
///
/// The operator's signature is verified once per request (`verified`): on arrival, or at the
/// first proposal or block that carries it. The result is kept, by request id, while the
/// request is queued or proposed above the tip (`verifiedReplacements`), and used on arrival,
/// at each proposal, when queued replacements are pruned, at the vote and when the block is
/// applied; only the state checks (nonce unused, old key current) run again each time.
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
        do { _ = try m.keyReplacementEntries(try verified(k, by: m)) } catch {
            event(.dropped(from: nil, reason: "key replacement \(r.id): \(error)")); return false
        }
        return true
    }

    /// `k` with its operator signature verified by `m`: remembered under its request id, so a
    /// request is verified once however often it is looked at.
    mutating func verified(_ k: KeyReplacement, by m: Membership) throws(MembershipError) -> VerifiedKeyReplacement {
        if let v = verifiedReplacements[k.requestID], v.request == k { return v }
        let v = try m.verifyKeyReplacement(k)
        verifiedReplacements[k.requestID] = v
        return v
    }

    /// The remembered verification of the key replacement `block` carries, if any (for
    /// `Membership.proposalProblem(_:verified:)`: the driver's endorsement of a block the core
    /// asked it to endorse checks the membership again without verifying again).
    public func knownVerification(in block: Block) -> [VerifiedKeyReplacement] {
        guard let k = Membership.operatorAuthorization(in: block), let v = verifiedReplacements[k.requestID], v.request == k else { return [] }
        return [v]
    }

    /// Drops queued key replacements the ledger no longer allows (applied, or the node's key
    /// changed meanwhile), so that no replica waits — or changes views — for them; then forgets
    /// the verifications of requests neither queued nor proposed above the tip.
    mutating func pruneKeyReplacements() {
        guard let m = membership else { return }
        if pending.contains(where: { $0.keyReplacement != nil }) {
            var kept: [Request] = []
            for r in pending {
                if let k = r.keyReplacement, (try? m.keyReplacementEntries(verified(k, by: m))) == nil { requestCost[r.id] = nil; continue }
                kept.append(r)
            }
            pending = kept
        }
        guard !verifiedReplacements.isEmpty else { return }
        var live = Set(pending.compactMap { $0.keyReplacement?.requestID })
        for (seq, slot) in slots where seq > tip.height {
            if let b = slot.proposal?.block, let k = Membership.operatorAuthorization(in: b) { live.insert(k.requestID) }
        }
        verifiedReplacements = verifiedReplacements.filter { live.contains($0.key) }
    }

    /// The first queued key replacement the membership allows on top of the tip, with the
    /// entries it puts into the block.
    mutating func nextKeyReplacement() -> (id: String, entries: [LedgerEntry])? {
        guard let m = membership else { return nil }
        for r in pending where !committedIDs.contains(r.id) {
            if let k = r.keyReplacement, let es = try? m.keyReplacementEntries(verified(k, by: m)) { return (r.id, es) }
        }
        return nil
    }

    /// Verifies (once, `verified`) the key replacement a proposal carries. Returns why its
    /// signature is refused — the reason `Membership.proposalProblem` would give — or nil.
    mutating func verifyProposedReplacement(_ block: Block) -> String? {
        guard let m = membership, let k = Membership.operatorAuthorization(in: block) else { return nil }
        do { _ = try verified(k, by: m) } catch { return "block \(block.header.height): \(error)" }
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
