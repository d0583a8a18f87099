import GridClearCore

/// The one rule for an operator's key replacement, in two steps: `verifyKeyReplacement` (the
/// operator's Ed25519 signature against the key the genesis pins — the costly part, and the same
/// answer for a request at every height) and `keyReplacementEntries` (the request against the
/// state before the block that would hold it — cheap, and re-checked at every height).
extension Membership {
    /// Checks that the genesis pins an operator key and that it signed `k` for this chain.
    /// The result stands for every later state of this ledger (chain and operator key never
    /// change), so a caller may keep it for as long as it keeps the request. Pure.
    public func verifyKeyReplacement(_ k: KeyReplacement) throws(MembershipError) -> VerifiedKeyReplacement {
        guard let op = operatorKey else {
            throw MembershipError("this ledger's genesis pins no operator key, so no key can be replaced (a cluster made by an older 'node init')")
        }
        #if DEBUG
        VerifiedKeyReplacement.verifications?.add()
        #endif
        guard k.verify(chain: chain, operatorKey: op) else {
            throw MembershipError("the key replacement for \(k.nodeID) is not signed by the operator key the genesis pins (for chain \(chain))")
        }
        return VerifiedKeyReplacement(request: k, chain: chain, operatorKey: op)
    }

    /// `keyReplacementEntries` of a request not verified yet (verifies it first).
    public func keyReplacementEntries(_ k: KeyReplacement) throws(MembershipError) -> [LedgerEntry] {
        try keyReplacementEntries(verifyKeyReplacement(k))
    }

    /// The one rule for an operator's key replacement. Checks `v` against this membership (the
    /// state before the block that would hold it) and returns the entries that block must hold:
    /// the roster with `k.nodeID`'s key replaced (tag 7), then the committee epoch `epoch + 1`
    /// (tag 8, `.operatorDecision`, the committee in force with that key replaced, same order
    /// and primary offset, the replayed scores, `k` as its authorization), in force from the next
    /// block. Used by the primary (to build the block), every replica (to vote), `advance`
    /// (append and audit) and the driver (to refuse a bad request at once). Pure. A `v`
    /// verified by a membership of another chain or operator key is verified again here.
    public func keyReplacementEntries(_ v: VerifiedKeyReplacement) throws(MembershipError) -> [LedgerEntry] {
        let k = v.request
        guard v.chain == chain, v.operatorKey == operatorKey else { return try keyReplacementEntries(k) }
        if let at = keyReplacements[k.nonce] {
            throw MembershipError("the key replacement \(Hex.encode(k.nonce)) was already applied at block \(at); a request is used once")
        }
        guard let i = roster.firstIndex(where: { $0.nodeID == k.nodeID }) else { throw MembershipError("node \(k.nodeID) is not on the roster") }
        guard roster[i].publicKey == k.oldKey else {
            throw MembershipError("\(k.nodeID)'s key is \(NodeKey.fingerprint(publicKey: roster[i].publicKey)), not the request's old key \(NodeKey.fingerprint(publicKey: k.oldKey))")
        }
        guard !roster.contains(where: { $0.publicKey == k.newKey }) else {
            throw MembershipError("the new key \(NodeKey.fingerprint(publicKey: k.newKey)) is already on the roster")
        }
        var newRoster = roster
        newRoster[i].publicKey = k.newKey
        let newMembers = members.map { $0.nodeID == k.nodeID ? CommitteeMember(nodeID: $0.nodeID, publicKey: k.newKey) : $0 }
        var b = book
        _ = b.closeEpoch()
        let epoch = committee.id.epoch + 1
        let what = "operator: \(k.nodeID) key \(NodeKey.fingerprint(publicKey: k.oldKey)) replaced by \(NodeKey.fingerprint(publicKey: k.newKey))"
        return [.membership(MembershipEntry(roster: newRoster, reason: what)),
                .committeeEpoch(CommitteeEpochEntry(epoch: epoch, selection: .operatorDecision, primaryOffset: committee.primaryOffset,
                                                    members: newMembers, scores: newRoster.map { NodeScore(nodeID: $0.nodeID, score: b.score($0.nodeID)) },
                                                    excluded: [], reason: what, authorization: k))]
    }

    /// The signed key replacement a block's operator committee epoch carries (the first
    /// `.operatorDecision` epoch entry's authorization), if any.
    public static func operatorAuthorization(in block: Block) -> KeyReplacement? {
        for e in block.entries {
            if case .committeeEpoch(let c) = e, c.selection == .operatorDecision { return c.authorization }
        }
        return nil
    }

    /// A block's roster changes and operator epoch entries must be exactly what
    /// `keyReplacementEntries` derives from the authorization it carries (`verified`: requests
    /// whose signature the caller already verified with this membership).
    func checkRosterChanges(_ block: Block, verified: [VerifiedKeyReplacement]) throws(MembershipError) {
        let h = block.header.height
        let committeeEntries = block.entries.filter { $0.tag == .membership || $0.tag == .committeeEpoch }
        let operatorEntry = committeeEntries.lazy.compactMap { e -> CommitteeEpochEntry? in
            if case .committeeEpoch(let c) = e, c.selection == .operatorDecision { return c }
            return nil
        }.first
        guard let c = operatorEntry else {
            if committeeEntries.contains(where: { $0.tag == .membership }) {
                throw MembershipError("block \(h): a roster change without an operator's key replacement")
            }
            return
        }
        guard let k = c.authorization else {
            throw MembershipError("block \(h): an operator committee epoch without the operator's signed key replacement")
        }
        let want: [LedgerEntry]
        do {
            if let v = verified.first(where: { $0.request == k }) { want = try keyReplacementEntries(v) } else { want = try keyReplacementEntries(k) }
        } catch { throw MembershipError("block \(h): \(error)") }
        guard committeeEntries == want else {
            throw MembershipError("block \(h): the key replacement's roster change and committee epoch are not the ones derived from the operator's request and the ledger")
        }
    }
}
