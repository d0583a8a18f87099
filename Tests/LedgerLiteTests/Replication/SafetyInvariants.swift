import GridClearCore
@testable import LedgerLite

/// The cluster-wide safety invariants, checked by the simulation after every step:
/// - agreement: no two honest replicas commit different blocks at one height;
/// - every committed block carries a valid commit certificate of the committee, for it;
/// - every committed block extends the replica's previous block (hash chain);
/// - exactly once: no request (cycle) is recorded twice in an honest ledger;
/// - no honest replica ever signs two different block hashes for one (view, seq) — the
///   double-sign guard holds across crashes and restarts.
final class SafetyInvariants {
    let committee: Committee
    let scheme: SignatureScheme
    let honest: Set<Int>
    var committedAt: [UInt64: [UInt8]] = [:]
    var votes: [String: [UInt8]] = [:]
    /// With epochs: each honest replica's membership folded over its ledger (certificates are
    /// checked against the committee in force at their height).
    var memberships: [Int: Membership] = [:]
    let genesisMembership: Membership?

    init(committee: Committee, scheme: SignatureScheme, honest: Set<Int>, membership: Membership? = nil) {
        self.committee = committee; self.scheme = scheme; self.honest = honest; self.genesisMembership = membership
    }

    /// Checks a block replica `i` is about to append after `ledger`; nil when all holds.
    func commit(replica i: Int, block cb: CertifiedBlock, ledger: [CertifiedBlock]) -> String? {
        guard honest.contains(i) else { return nil }
        var m = memberships[i] ?? genesisMembership
        do { try cb.verify(against: m?.committee ?? committee, scheme: scheme) } catch {
            return "r\(i) committed block \(cb.height) without a valid certificate: \(error)"
        }
        if m != nil {
            do { try m!.check(cb.block, certificate: cb.certificate, scheme: scheme); try m!.apply(cb.block, certificate: cb.certificate) } catch {
                return "r\(i) committed block \(cb.height) that breaks the membership rules: \(error)"
            }
            memberships[i] = m
        }
        guard cb.height == UInt64(ledger.count + 1) else { return "r\(i) committed height \(cb.height) after \(ledger.count)" }
        if let prev = ledger.last, cb.block.header.previousHash != prev.hash { return "r\(i) block \(cb.height) does not chain" }
        if let h = committedAt[cb.height], h != cb.hash {
            return "r\(i) committed \(Hex.encode(cb.hash).prefix(12)) at height \(cb.height), another honest replica committed \(Hex.encode(h).prefix(12))"
        }
        committedAt[cb.height] = cb.hash
        let before = Set(ledger.flatMap { $0.block.entries.compactMap { e -> String? in if case .clearedCycle(let c) = e { return c.cycleID }; return nil } })
        for e in cb.block.entries {
            if case .clearedCycle(let c) = e, before.contains(c.cycleID) { return "r\(i) recorded cycle \(c.cycleID) twice" }
        }
        return nil
    }

    /// Checks a message an honest replica sends, given the state it has persisted by then
    /// (`Ready.persist` is written before `Ready.messages` go out): every vote must already be
    /// covered by the persisted signing guard — persist before send.
    func sent(_ m: SignedMessage, persisted: DurableState?) -> String? {
        let v: (UInt64, UInt64, [UInt8])
        switch m.message {
        case .prePrepare(let p): v = (p.view, p.seq, p.proposal.digest)
        case .prepare(let x), .commit(let x): v = (x.view, x.seq, x.digest)
        default: return nil
        }
        guard let d = persisted else { return "replica \(m.sender) sent a vote before persisting any state" }
        let g = d.signingGuard
        if g.view < v.0 || (g.view == v.0 && v.1 > d.stableCheckpoint.seq && g.signed[v.1] != v.2) {
            return "replica \(m.sender) sent a vote for view \(v.0) seq \(v.1) its persisted guard does not cover"
        }
        let key = "\(m.committee.epoch)/\(m.sender)/\(v.0)/\(v.1)"
        if let d = votes[key], d != v.2 { return "honest replica \(m.sender) signed two blocks at view \(v.0) seq \(v.1)" }
        votes[key] = v.2
        return nil
    }
}
