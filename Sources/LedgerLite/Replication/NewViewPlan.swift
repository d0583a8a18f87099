import GridClearCore

/// What a NEW-VIEW must re-propose, computed the same way by the new primary and by every
/// replica that checks it (PBFT's O set). Pure and deterministic.
///
/// From a quorum of valid VIEW-CHANGE messages: `checkpoint` is the stable checkpoint with the
/// highest sequence number among them (min-s); for each sequence number above it the block of
/// the prepared certificate with the highest view is re-proposed; the list stops at the first
/// sequence number without one. Safety: a block committed at n by an honest replica was
/// prepared by a quorum, so every quorum of VIEW-CHANGEs holds at least one honest certificate
/// for n (and, because replicas prepare n only on top of n − 1, for every committed height
/// below n) — no committed block is ever replaced, and stopping at a gap loses nothing committed.
public struct NewViewPlan: Sendable, Equatable {
    public var checkpoint: CheckpointProof
    /// (sequence number, proposal) in increasing sequence order, contiguous from min-s + 1.
    public var proposals: [(seq: UInt64, proposal: Proposal)]

    public init(viewChanges: [ViewChange]) {
        var best = CheckpointProof.genesis([UInt8](repeating: 0, count: 32))
        var first = true
        for vc in viewChanges where first || vc.checkpoint.seq > best.seq {
            best = vc.checkpoint; first = false
        }
        checkpoint = best
        var chosen: [UInt64: (view: UInt64, proposal: Proposal)] = [:]
        for vc in viewChanges {
            for pc in vc.prepared {
                guard case .prePrepare(let pp) = pc.prePrepare.message, pp.seq > best.seq else { continue }
                if let c = chosen[pp.seq] {
                    let better = pp.view > c.view ||
                        (pp.view == c.view && pp.proposal.digest.lexicographicallyPrecedes(c.proposal.digest))
                    if !better { continue }
                }
                chosen[pp.seq] = (pp.view, pp.proposal)
            }
        }
        var list: [(seq: UInt64, proposal: Proposal)] = []
        var s = best.seq + 1
        while let c = chosen[s] { list.append((s, c.proposal)); s += 1 }
        proposals = list
    }

    public static func == (a: NewViewPlan, b: NewViewPlan) -> Bool {
        a.checkpoint == b.checkpoint && a.proposals.map(\.seq) == b.proposals.map(\.seq)
            && a.proposals.map(\.proposal) == b.proposals.map(\.proposal)
    }
}

/// Validation of certificates carried inside view-change traffic.
extension Replica {
    /// A stable-checkpoint proof: sequence 0 is the genesis; otherwise a quorum of distinct,
    /// valid CHECKPOINT messages for exactly (seq, digest).
    func checkpointProblem(_ p: CheckpointProof) -> String? {
        if p.seq <= epochStart.height {
            guard p.seq == epochStart.height, p.votes.isEmpty else { return "checkpoint at or below the epoch's start carries votes" }
            return epochStart.height == 0 || p.digest == epochStart.hash ? nil : "checkpoint of the epoch's start with another hash"
        }
        var senders = Set<ReplicaID>()
        for m in p.votes {
            guard (try? m.verify(in: committee, scheme: config.scheme)) != nil else { return "checkpoint vote does not verify" }
            guard case .checkpoint(let c) = m.message, c.seq == p.seq, c.digest == p.digest else { return "checkpoint vote for another state" }
            guard senders.insert(m.sender).inserted else { return "checkpoint proof repeats a member's vote" }
        }
        return senders.count >= committee.quorum ? nil : "checkpoint proof without a quorum"
    }

    /// A prepared certificate: a PRE-PREPARE signed by the primary of its view (below
    /// `before`) and a quorum of distinct valid PREPAREs for the same view, seq and hash.
    func preparedProblem(_ pc: PreparedCertificate, before: UInt64) -> String? {
        guard (try? pc.prePrepare.verify(in: committee, scheme: config.scheme)) != nil,
              case .prePrepare(let pp) = pc.prePrepare.message else { return "prepared certificate: bad PRE-PREPARE" }
        guard pp.view < before, pc.prePrepare.sender == committee.primary(ofView: pp.view) else {
            return "prepared certificate: PRE-PREPARE not from the primary of an earlier view"
        }
        if let why = sizeProblem(pc.prePrepare) ?? proposalProblem(pp.proposal, seq: pp.seq) { return "prepared certificate: \(why)" }
        let digest = pp.proposal.digest
        var senders = Set<ReplicaID>()
        for m in pc.prepares {
            guard (try? m.verify(in: committee, scheme: config.scheme)) != nil,
                  case .prepare(let v) = m.message, v.view == pp.view, v.seq == pp.seq, v.digest == digest else {
                return "prepared certificate: PREPARE does not match"
            }
            guard senders.insert(m.sender).inserted else { return "prepared certificate repeats a member's PREPARE" }
        }
        return senders.count >= committee.quorum ? nil : "prepared certificate without a quorum"
    }

    /// A VIEW-CHANGE's content: its checkpoint proof and its certificates, at most one per
    /// sequence number, all within the window above its checkpoint.
    func viewChangeProblem(_ vc: ViewChange) -> String? {
        if let why = checkpointProblem(vc.checkpoint) { return why }
        var seqs = Set<UInt64>()
        for pc in vc.prepared {
            guard case .prePrepare(let pp) = pc.prePrepare.message else { return "prepared certificate without PRE-PREPARE" }
            guard pp.seq > vc.checkpoint.seq, pp.seq <= vc.checkpoint.seq + config.window, seqs.insert(pp.seq).inserted else {
                return "prepared certificate out of window or repeated"
            }
            if let why = preparedProblem(pc, before: vc.newView) { return why }
        }
        return nil
    }
}
