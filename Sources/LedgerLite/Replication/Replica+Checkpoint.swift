import GridClearCore

/// Checkpoints, watermarks, log truncation and state transfer.
extension Replica {
    mutating func onCheckpoint(_ m: SignedMessage, _ c: Checkpoint) {
        noteProgress(of: m.sender, height: c.seq)
        guard c.seq > lowWatermark, c.seq <= highWatermark + config.window else { return }
        if let prior = checkpointVotes[c.seq]?[m.sender] {
            if prior.body != m.body { event(.equivocation(replica: m.sender, view: 0, seq: c.seq, kind: .checkpoint)) }
            return
        }
        recordCheckpoint(m, c)
    }

    /// Counts a CHECKPOINT (ours or a peer's); a quorum for one (seq, digest) makes it stable
    /// once this replica has executed that block with the same hash.
    mutating func recordCheckpoint(_ m: SignedMessage, _ c: Checkpoint) {
        checkpointVotes[c.seq, default: [:]][m.sender] = m
        guard let votes = checkpointVotes[c.seq] else { return }
        let matching = votes.keys.sorted().compactMap { r -> SignedMessage? in
            guard let v = votes[r], case .checkpoint(let x) = v.message, x.digest == c.digest else { return nil }
            return v
        }
        guard matching.count >= committee.quorum, c.seq <= tip.height else { return }
        guard executedHashes[c.seq] == c.digest else {
            event(.dropped(from: m.sender, reason: "a quorum checkpointed block \(c.seq) with a hash this replica did not execute"))
            return
        }
        adoptStable(CheckpointProof(seq: c.seq, digest: c.digest, votes: Array(matching.prefix(committee.quorum))))
    }

    /// Makes `p` the stable checkpoint: moves the low watermark and truncates the log.
    mutating func adoptStable(_ p: CheckpointProof) {
        guard p.seq > lowWatermark else { return }
        durable.stableCheckpoint = p
        durable.prepared = durable.prepared.filter { $0.key > p.seq }
        durable.signingGuard.truncate(through: p.seq)
        persist()
        slots = slots.filter { $0.key > p.seq }
        checkpointVotes = checkpointVotes.filter { $0.key > p.seq }
        executedHashes = executedHashes.filter { $0.key >= min(p.seq, tip.height) }
        let live = Set(slots.values.compactMap(\.digest))
        endorsements = endorsements.filter { live.contains($0.key) }
        event(.checkpointStable(seq: p.seq))
        proposeIfPrimary()
    }

    /// State transfer: applies consecutive certified blocks on top of the tip. Each must carry
    /// a valid certificate of this committee and extend the chain; the first that does not
    /// stops the batch (reported).
    mutating func onBlocks(from peer: ReplicaID, _ blocks: [CertifiedBlock]) {
        for cb in blocks where cb.height > tip.height {
            if let why = tip.linkageProblem(cb.block) {
                event(.stateTransferFailed(from: peer, reason: "block \(cb.height): \(why)")); return
            }
            do { try cb.verify(against: committee, scheme: config.scheme) } catch {
                event(.stateTransferFailed(from: peer, reason: "block \(cb.height): \(error)")); return
            }
            let proposal = slots[cb.height].flatMap { $0.digest == cb.hash ? $0.proposal : nil }
            let epoch = committee.id.epoch
            execute(cb, proposal: proposal)
            // A new epoch: the rest of the batch is fetched again in a later step.
            if committee.id.epoch != epoch { behindEpoch = cb.height < blocks.last?.height ?? 0; return }
            if let votes = checkpointVotes[cb.height], let r = votes.keys.sorted().first, let cp = votes[r], case .checkpoint(let c) = cp.message { recordCheckpoint(cp, c) }
        }
        if let lag = lagHint, lag.height <= tip.height { lagHint = nil; fetchAttempts = 0 }
    }
}
