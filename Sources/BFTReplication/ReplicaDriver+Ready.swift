import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

extension ReplicaDriver {
    /// Executes one `Ready` in the core's order: persist (fsync) → append committed blocks
    /// (fsync) → send → application requests → events. Returns inputs to feed back.
    func execute(_ ready: Ready) throws -> [Input] {
        if let d = ready.persist, d != lastSaved {
            do { try stateFile.save(d) } catch { throw BFTError.state("\(error)") }
            lastSaved = d
        }
        if !ready.committed.isEmpty {
            do { try ledger.appendCommitted(ready.committed) } catch {
                throw BFTError.ledger("replica \(options.id) cannot append certified block \(ready.committed[0].height): \(error) — the ledger has diverged from the committee; copy a peer's audited ledger (and .certs) and restart")
            }
            let now = clock()
            for cb in ready.committed {
                committedEntries += cb.block.entries.count
                for e in cb.block.entries {
                    guard let id = e.cycleID else { continue }
                    if let t = requestSeen.removeValue(forKey: id) { commitLatencies.append(Double(now - t)) }
                    local[id] = nil; submitted.remove(id); failed[id] = nil
                }
                app.committed(cb.block)
            }
            try checkOwnKey(after: ready.committed)
        }
        for o in ready.messages { send(o) }
        var back: [Input] = []
        for r in ready.requests {
            switch r {
            case .endorse(_, let seq, let proposal) where seq <= ledger.height:
                // Already committed here (caught up by state transfer while the proposal was on
                // its way): the ledger's membership has moved past this block, so re-executing
                // would judge it against the wrong committee. Agree exactly when it is the
                // block this ledger holds; never file a disagreement for it.
                let held = (try? ledger.certifiedBlocks(from: seq, maxBlocks: 1, maxBytes: Int.max))?.first?.block
                let same = held?.header == proposal.block.header
                back.append(.endorsed(blockHash: proposal.digest, agrees: same,
                                      reason: same ? "" : "block \(seq) differs from the block this replica committed at that height"))
            case .endorse(_, let seq, let proposal):
                let app = self.app, inbox = self.inbox, wake = self.wake, mine = local, membership = ledger.membership
                let reputation = ledger.expectedReputationInputs(of: proposal.block)
                let verified = replica.knownVerification(in: proposal.block)
                worker.async {
                    let why = BlockEndorsement.check(proposal, local: mine, membership: membership, reputation: reputation, app: app,
                                                     verified: verified)
                    inbox.withValue { $0.append(.endorsed(hash: proposal.digest, agrees: why == nil, reason: why?.reason ?? "")) }
                    if let why {
                        inbox.withValue { $0.append(.disagreed(height: seq, hash: proposal.digest, reason: why.reason, cycle: why.cycle)) }
                    }
                    wake.signal()
                }
            case .serveBlocks(let to, let from):
                let blocks = (try? ledger.certifiedBlocks(from: from, maxBlocks: 64, maxBytes: 16 << 20)) ?? []
                back.append(.serveBlocks(to: to, blocks: blocks))
            }
        }
        for e in ready.events { report(e) }
        return back
    }

    func send(_ o: Outbound) {
        let targets: [ReplicaID]
        switch o.to {
        // Through `peerOfMember`, the committee these messages were addressed in (it is
        // re-wired only after the last `Ready` of an epoch was sent).
        case .all: targets = peerOfMember.keys.sorted().compactMap { peerOfMember[$0] }
        case .replica(let r): targets = peerOfMember[r].map { [$0] } ?? []
        case .roster(let r): targets = rosterPeer(r).map { [$0] } ?? []
        }
        if options.byzantine == .equivocate, case .prePrepare(let pp) = o.message.message, case .all = o.to,
           let alt = conflicting(pp) {
            // Test-only: the first ⌊k/2⌋ peers get the real block, the others another one, so
            // that (with n = 4) neither block can gather a quorum of PREPAREs.
            let bytes = o.message.encoded(), altBytes = alt.encoded()
            for (i, t) in targets.enumerated() { transport.send(i < targets.count / 2 ? bytes : altBytes, to: t) }
            log("replica \(options.id): BYZANTINE equivocated at view \(pp.view) sequence \(pp.seq)")
            return
        }
        transport.send(o.message.encoded(), to: targets)
    }

    /// A second, validly signed PRE-PREPARE for the same (view, seq) with another block.
    func conflicting(_ pp: PrePrepare) -> SignedMessage? {
        var h = pp.proposal.block.header
        h.timeMillis += 1
        guard let sig = try? key.sign(LedgerHash.signingMessage(blockHash: LedgerHash.blockHash(h))) else { return nil }
        let alt = PrePrepare(view: pp.view, seq: pp.seq,
                             proposal: Proposal(block: Block(header: h, entries: pp.proposal.block.entries, signature: sig), requests: pp.proposal.requests))
        return try? SignedMessage.sign(.prePrepare(alt), committee: committee.id, sender: me, signer: key)
    }

    func report(_ e: ReplicaEvent) {
        let p = "replica \(options.id):"
        switch e {
        case .dropped(let from, let reason):
            // Rate-limited: stale retransmissions are routine during view changes.
            let now = clock()
            if now - droppedLogged >= 1_000 {
                let more = droppedSuppressed > 0 ? " (+\(droppedSuppressed) more dropped)" : ""
                log("\(p) dropped a message from \(from.map { String($0 + 1) } ?? "?"): \(reason)\(more)")
                droppedLogged = now; droppedSuppressed = 0
            } else { droppedSuppressed += 1 }
        case .disagreement(let v, let s, let hash, let proposer, let reason):
            log("\(p) DISAGREEMENT view \(v) sequence \(s) block \(Hex.encode(hash.prefix(8))) proposed by \(proposer + 1): \(reason) (not voting)")
        case .equivocation(let r, let v, let s, let k):
            log("\(p) EQUIVOCATION by replica \(r + 1): two different \(k) messages at view \(v) sequence \(s)")
        case .refusedToSign(let v, let s, let reason):
            log("\(p) refused to sign at view \(v) sequence \(s): \(reason)")
        case .viewChangeStarted(let v):
            log("\(p) view change to view \(v) (primary would be \(clusterName(ofMember: committee.primary(ofView: v))))")
        case .newViewInstalled(let v, let primary):
            log("\(p) view \(v) installed, primary \(clusterName(ofMember: primary))")
        case .checkpointStable(let s):
            log("\(p) checkpoint \(s) stable")
        case .stateTransferFailed(let from, let reason):
            log("\(p) state transfer from \(from + 1) failed: \(reason)")
        case .epochStarted(let c, let member, let from):
            rewirePeers()
            log("\(p) EPOCH \(c.id.epoch) from block \(from): committee \(memberNames(c)), \(member.map { "member \($0 + 1), primary offset \(c.primaryOffset)" } ?? "not chosen (observer)")")
        }
    }

    /// Answers one client query from the replica's state and ledger.
    func answer(_ q: ClientQuery) -> ClientAnswer {
        switch q {
        case .status:
            return .status(ReplicaStatus(epoch: committee.id.epoch, member: replica.isMember, view: replica.view,
                                         primary: UInt16(clamping: clusterID(ofMember: committee.primary(ofView: replica.view)) ?? 0),
                                         active: replica.isActive, height: replica.tip.height, head: replica.tip.hash,
                                         pendingRequests: UInt32(replica.pendingRequests.count)))
        case .forward:
            return .refused("forwarded requests are handled by the driver")
        case .result(let id), .submit(let id):
            guard CycleID(id) != nil else { return .refused("'\(id)' is not a cycle id") }
            guard let h = ledger.state.cycles[id] ?? ledger.state.rejectedCycles[id] else {
                if case .submit = q, !submitted.contains(id) {
                    submitted.insert(id)
                    log("replica \(options.id): cycle \(id) submitted by a client")
                }
                return .notCommitted(known: local[id] != nil || clearing.contains(id))
            }
            do {
                guard let cb = try ledger.certifiedBlocks(from: h, maxBlocks: 1, maxBytes: 1).first else { return .refused("block \(h) unreadable") }
                let reply = try ClientReply.sign(committee: committee.id, replica: me, requestID: id, block: cb, signer: key)
                return .committed(reply, cb.block)
            } catch { return .refused("block \(h): \(error)") }
        }
    }
}

