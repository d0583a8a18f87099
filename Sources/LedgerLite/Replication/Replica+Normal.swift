import GridClearCore

/// The normal case: PRE-PREPARE → endorsement → PREPARE → COMMIT → execute.
extension Replica {
    /// Checks what a proposal must satisfy independently of the chain: block height = seq,
    /// request boundaries cover the entries exactly, ids distinct and not yet committed, the
    /// entries' Merkle root, and the proposer's block signature by a committee member.
    func proposalProblem(_ p: Proposal, seq: UInt64) -> String? {
        let h = p.block.header
        guard h.height == seq else { return "block height \(h.height) at sequence \(seq)" }
        guard !p.requests.isEmpty, Int(h.entryCount) == p.block.entries.count else { return "empty block or wrong entry count" }
        var total: UInt64 = 0
        var ids = Set<String>()
        for r in p.requests {
            guard r.entryCount > 0, ids.insert(r.id).inserted else { return "empty or duplicate request \(r.id)" }
            total += UInt64(r.entryCount)
        }
        guard total == UInt64(p.block.entries.count) else { return "request boundaries do not cover the entries" }
        guard committee.index(ofKey: h.signer) != nil else { return "block signer is not a committee member" }
        let hash = LedgerHash.blockHash(h)
        guard config.scheme.verify(signature: p.block.signature, message: LedgerHash.signingMessage(blockHash: hash), publicKey: h.signer) else {
            return "block signature does not verify"
        }
        return nil
    }

    mutating func onPrePrepare(_ m: SignedMessage, _ pp: PrePrepare) {
        noteProgress(of: m.sender, height: pp.seq &- 1)
        guard pp.view == view, isActive else {
            if pp.view < view { help(m.sender) }
            return
        }
        guard m.sender == committee.primary(ofView: view) else {
            event(.dropped(from: m.sender, reason: "PRE-PREPARE from a replica that is not the primary of view \(view)")); return
        }
        accept(prePrepare: m, pp)
    }

    /// Stores a verified PRE-PREPARE of the current view (from the wire or from a NEW-VIEW).
    mutating func accept(prePrepare m: SignedMessage, _ pp: PrePrepare) {
        guard pp.seq > lowWatermark, pp.seq <= highWatermark else { return }
        if let why = sizeProblem(m) ?? proposalProblem(pp.proposal, seq: pp.seq) {
            event(.dropped(from: m.sender, reason: "PRE-PREPARE \(pp.view)/\(pp.seq): \(why)")); return
        }
        let digest = pp.proposal.digest
        var slot = slots[pp.seq] ?? Slot()
        if let d = slot.digest {
            if d != digest { event(.equivocation(replica: m.sender, view: pp.view, seq: pp.seq, kind: .prePrepare)) }
            return
        }
        slot.prePrepare = m; slot.proposal = pp.proposal; slot.digest = digest
        slots[pp.seq] = slot
        armTimerIfNeeded()
        advance(pp.seq)
    }

    mutating func onVote(_ m: SignedMessage, _ v: Vote, isCommit: Bool) {
        noteProgress(of: m.sender, height: isCommit ? v.seq : v.seq &- 1)
        guard v.view == view, isActive else {
            if v.view < view { help(m.sender) }
            return
        }
        guard v.seq > lowWatermark, v.seq <= highWatermark else { return }
        var slot = slots[v.seq] ?? Slot()
        let prior = isCommit ? slot.commits[m.sender] : slot.prepares[m.sender]
        if let prior {
            if prior != m, prior.body != m.body { event(.equivocation(replica: m.sender, view: v.view, seq: v.seq, kind: m.kind)) }
            return
        }
        if isCommit { slot.commits[m.sender] = m } else { slot.prepares[m.sender] = m }
        slots[v.seq] = slot
        advance(v.seq)
    }

    mutating func onEndorsed(_ hash: [UInt8], _ agrees: Bool, _ reason: String) {
        guard endorsements[hash] == nil else { return }
        endorsements[hash] = agrees
        for s in slots.keys.sorted() where slots[s]?.digest == hash {
            if !agrees, let p = slots[s]?.proposal {
                event(.disagreement(view: view, seq: s, blockHash: hash, proposer: committee.index(ofKey: p.block.header.signer) ?? 0, reason: reason))
            }
            advance(s)
        }
    }

    /// Matching votes for the slot's block hash.
    func count(_ votes: [ReplicaID: SignedMessage], _ digest: [UInt8]) -> [SignedMessage] {
        votes.keys.sorted().compactMap { r in
            guard let m = votes[r] else { return nil }
            switch m.message {
            case .prepare(let v), .commit(let v): return v.digest == digest ? m : nil
            default: return nil
            }
        }
    }

    /// Moves one slot as far as it can go: endorse, prepare, commit, execute.
    mutating func advance(_ seq: UInt64) {
        guard isActive, var slot = slots[seq], let proposal = slot.proposal, let digest = slot.digest else { return }
        // 1. Endorsement: only for the block on top of our tip; blocks we already executed
        //    (re-proposed after a view change) are voted for if they are the ones we executed.
        if slot.sentPrepare == nil {
            var endorsed = false
            if seq <= tip.height {
                endorsed = executedHashes[seq] == digest
            } else if seq == tip.height + 1 {
                var problem = tip.linkageProblem(proposal.block) ?? duplicateRequest(proposal)
                if problem == nil { problem = epochProblem(proposal) }
                if let why = problem {
                    if !slot.endorsementAsked {
                        slot.endorsementAsked = true
                        event(.disagreement(view: view, seq: seq, blockHash: digest,
                                            proposer: committee.index(ofKey: proposal.block.header.signer) ?? 0, reason: why))
                    }
                } else if let e = endorsements[digest] {
                    endorsed = e
                } else if !slot.endorsementAsked {
                    slot.endorsementAsked = true
                    out.requests.append(.endorse(view: view, seq: seq, proposal: proposal))
                }
            }
            if endorsed, guardPermits(view: view, seq: seq, digest: digest),
               let s = send(.prepare(Vote(view: view, seq: seq, digest: digest))) {
                slot.sentPrepare = s; slot.prepares[id] = s
            }
        }
        // 2. Prepared: the PRE-PREPARE and a quorum of matching PREPAREs, ours among them.
        if !slot.prepared, slot.sentPrepare != nil, let pp = slot.prePrepare {
            let prepares = count(slot.prepares, digest)
            if prepares.count >= committee.quorum {
                slot.prepared = true
                let cert = PreparedCertificate(prePrepare: pp, prepares: Array(prepares.prefix(committee.quorum)))
                durable.prepared[seq] = cert
                persist()
                if guardPermits(view: view, seq: seq, digest: digest),
                   let s = send(.commit(Vote(view: view, seq: seq, digest: digest))) {
                    slot.sentCommit = s; slot.commits[id] = s
                }
            }
        }
        slots[seq] = slot
        // 3. Committed: a quorum of matching COMMITs (a commit certificate) for the block on our tip.
        if seq == tip.height + 1 {
            let commits = count(slot.commits, digest)
            if commits.count >= committee.quorum, let qc = QuorumCertificate.assemble(from: commits, committee: committee) {
                execute(CertifiedBlock(block: proposal.block, certificate: qc), proposal: proposal)
            }
        }
    }

    func duplicateRequest(_ p: Proposal) -> String? {
        p.requests.first { committedIDs.contains($0.id) }.map { "request \($0.id) is already committed" }
    }

    /// Applies a certified block on top of the tip: output it, advance the tip, drop its
    /// requests from the queue, checkpoint, then continue with the next slot.
    mutating func execute(_ cb: CertifiedBlock, proposal: Proposal?) {
        tip = tip.extended(by: cb.block)
        executedHashes[tip.height] = tip.hash
        out.committed.append(cb)
        if let c = slots[tip.height]?.sentCommit { lastCommitVote = c }
        var ids = Set<String>()
        if let p = proposal { ids = Set(p.requests.map(\.id)) }
        // A key replacement's request id is known from the block itself (fetched or not).
        if let k = Membership.operatorAuthorization(in: cb.block) { ids.insert(k.requestID) }
        committedIDs.formUnion(ids)
        pending.removeAll { ids.contains($0.id) }
        for id in ids { requestCost[id] = nil }
        // Entries of a block fetched without its request boundaries: drop requests whose
        // entries all appear in it.
        if proposal == nil {
            let leaves = Set(cb.block.entries.map(\.leafHash))
            let done = pending.filter { r in !r.entries.isEmpty && r.entries.allSatisfy { leaves.contains($0.leafHash) } }.map(\.id)
            committedIDs.formUnion(done)
            pending.removeAll { done.contains($0.id) }
            for id in done { requestCost[id] = nil }
        }
        // The block that ends the epoch ends this step too (see `Replica+Epoch`).
        if applyMembership(cb) { return }
        backoff = 1
        timerDeadline = nil
        armTimerIfNeeded()
        if tip.height % config.checkpointInterval == 0 {
            ownCheckpoint = send(.checkpoint(Checkpoint(seq: tip.height, digest: tip.hash)))
            if let m = ownCheckpoint, case .checkpoint(let c) = m.message { recordCheckpoint(m, c) }
        }
        advance(tip.height + 1)
        proposeIfPrimary()
    }

    /// The primary cuts the next block from its queue when nothing is in flight (`cutBlock`:
    /// whole requests in arrival order, by entry count and by bytes).
    mutating func proposeIfPrimary() {
        let seq = tip.height + 1
        guard isActive, isPrimary, !pending.isEmpty, slots[seq]?.prePrepare == nil, seq <= highWatermark else { return }
        // A block that starts a reputation epoch holds no key replacement (a block holds one
        // epoch entry): a queued replacement goes into the next block, with room kept for it.
        // With an epoch every block (`epochBlocks` = 1) there is no such next block: a
        // replacement then fills a boundary block alone, in place of the reputation entry
        // (`epochProblem`), and the next block starts a reputation epoch again.
        let epochBlocks = membership?.params.epochBlocks ?? 0
        let boundary = epochBlocks > 0 && seq % epochBlocks == 0
        let replacement = boundary && epochBlocks != 1 ? nil : nextKeyReplacement()
        let alone = boundary && replacement != nil
        let reserve = replacement.map { BlockBudget.cost(id: $0.id, entries: $0.entries) } ?? 0
        let chosen = alone ? [] : cutBlock(seq: seq, reserving: reserve)
        guard !chosen.isEmpty || pending.contains(where: { $0.keyReplacement != nil }) else { return }
        var entries = chosen.flatMap(\.entries)
        var refs = chosen.map { RequestRef(id: $0.id, entryCount: UInt32($0.entries.count)) }
        if !alone, let e = boundaryEntry(seq: seq, entries: entries) {
            entries.append(.committeeEpoch(e)); refs.append(RequestRef(id: "epoch:\(e.epoch)", entryCount: 1))
        } else if let k = replacement {
            // At most one key replacement per block (it starts an epoch).
            entries += k.entries; refs.append(RequestRef(id: k.id, entryCount: UInt32(k.entries.count)))
        }
        guard !refs.isEmpty else { return }
        let leaves = entries.map(\.leafHash)
        var f = tip.frontier
        for l in leaves { f.append(leafHash: l) }
        let header = BlockHeader(height: seq, previousHash: tip.hash, timeMillis: max(now, tip.timeMillis),
                                 entryCount: UInt32(entries.count), entriesRoot: Merkle.root(leaves),
                                 treeSize: f.size, treeRoot: f.root, signer: config.signer.publicKey)
        let digest = LedgerHash.blockHash(header)
        guard guardPermits(view: view, seq: seq, digest: digest) else { return }
        let sig: [UInt8]
        do { sig = try config.signer.sign(LedgerHash.signingMessage(blockHash: digest)) } catch {
            event(.dropped(from: id, reason: "block signing failed: \(error)")); return
        }
        let proposal = Proposal(block: Block(header: header, entries: entries, signature: sig), requests: refs)
        let pp = PrePrepare(view: view, seq: seq, proposal: proposal)
        guard let m = send(.prePrepare(pp)) else { return }
        accept(prePrepare: m, pp)
    }

    /// Sends our NEW-VIEW to a member that is still in an older view (at most once per
    /// retransmission period per member).
    mutating func help(_ peer: ReplicaID) {
        guard isActive, let nv = installedNewView, (helped[peer] ?? Int64.min) + config.retransmitMillis <= now else { return }
        helped[peer] = now
        resend(nv, to: .replica(peer))
    }
}
