@testable import LedgerLite

extension Simulation {
    /// What a Byzantine member actually sends instead of `out` (its honest core's messages).
    func corrupt(_ i: Int, _ b: Byzantine, _ out: [Outbound]) -> [Outbound] {
        // With epochs, the committee (and this member's index in it) in force at replica i.
        let me = replicas[i]?.id ?? ReplicaID(i)
        let committee = replicas[i]?.committee ?? self.committee
        func signed(_ m: Message, committee id: CommitteeID? = nil) -> SignedMessage? {
            try? SignedMessage.sign(m, committee: id ?? committee.id, sender: me, signer: signers[i])
        }
        switch b {
        case .silent:
            return []
        case .equivocator:
            var res: [Outbound] = []
            for o in out {
                guard case .prePrepare(let pp) = o.message.message, o.to == .all else { res.append(o); continue }
                // A second, equally valid block: same requests, another time.
                var h = pp.proposal.block.header
                h.timeMillis += 1 + Int64(rng.below(1000))
                let hash = LedgerHash.blockHash(h)
                guard let sig = try? signers[i].sign(LedgerHash.signingMessage(blockHash: hash)),
                      let other = signed(.prePrepare(PrePrepare(view: pp.view, seq: pp.seq, proposal:
                        Proposal(block: Block(header: h, entries: pp.proposal.block.entries, signature: sig), requests: pp.proposal.requests)))) else { continue }
                for t in 0..<sc.n where t != i {
                    res.append(Outbound(to: .replica(ReplicaID(t)), message: t % 2 == 0 ? o.message : other))
                }
            }
            return res
        case .forger:
            var res = out
            for o in out {
                let victim = ReplicaID((i + 1 + Int(rng.below(UInt64(sc.n - 1)))) % sc.n)
                let forged = SignedMessage(committee: committee.id, sender: victim, message: o.message.message,
                                           body: o.message.body, signature: (0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
                res.append(Outbound(to: o.to, message: forged))
                // A body altered after signing.
                var body = o.message.body
                if !body.isEmpty { body[Int(rng.below(UInt64(body.count)))] ^= 0x01 }
                if let m = try? Message.decodeBody(o.message.kind, body) {
                    res.append(Outbound(to: o.to, message: SignedMessage(committee: committee.id, sender: me, message: m, body: body, signature: o.message.signature)))
                }
            }
            // Raw garbage and truncated envelopes go through the byte path.
            if let o = out.first {
                var bytes = o.message.encoded()
                let cut = Int(rng.below(UInt64(bytes.count)))
                bytes = Array(bytes.prefix(cut))
                if !bytes.isEmpty { bytes[Int(rng.below(UInt64(bytes.count)))] ^= 0xFF }
                for t in 0..<sc.n where t != i { queue.push(now + 1, .deliver(to: t, from: i, bytes: bytes)) }
            }
            return res
        case .replayer:
            var res = out
            // Rate-limited: unbounded zero-latency replay bursts between two replayers (n = 7)
            // stall simulated time in an exponential message storm (seed 1106).
            if now >= replayNext[i, default: 0] {
                replayNext[i] = now + replayGapMillis
                for _ in 0..<min(3, replayBuffer.count) {
                    let m = replayBuffer[Int(rng.below(UInt64(replayBuffer.count)))]
                    res.append(Outbound(to: .all, message: m))
                }
            }
            for o in out {
                let other = CommitteeID(chain: committee.id.chain, epoch: committee.id.epoch + 1)
                if let m = signed(o.message.message, committee: other) { res.append(Outbound(to: o.to, message: m)) }
            }
            return res
        case .rekeyForger:
            return out.map { o in
                guard case .prePrepare(let pp) = o.message.message, o.to == .all, let forged = forgedRekey(i, pp),
                      let m = signed(.prePrepare(forged)) else { return o }
                forgedProposals += 1
                return Outbound(to: o.to, message: m)
            }
        case .wrongVoter:
            return out.compactMap { o in
                switch o.message.message {
                case .prepare(var v):
                    v.digest[0] ^= 0xFF
                    return signed(.prepare(v)).map { Outbound(to: o.to, message: $0) }
                case .commit(var v):
                    v.digest[0] ^= 0xFF
                    return signed(.commit(v)).map { Outbound(to: o.to, message: $0) }
                default:
                    return o
                }
            }
        }
    }
}

extension Simulation {
    /// The primary's proposal with a key replacement of the forger's making appended: before the
    /// operator's replacement is applied, one signed by a key that is not the operator's
    /// (replacing another node's key by the forger's own); after it, the operator's replacement
    /// replayed with the entries it derived. A validly signed block: only the membership rule
    /// (`Membership.keyReplacementEntries`) refuses it.
    func forgedRekey(_ i: Int, _ pp: PrePrepare) -> PrePrepare? {
        guard let r = replicas[i], let m = r.membership,
              !pp.proposal.block.entries.contains(where: { $0.tag == .committeeEpoch || $0.tag == .membership }) else { return nil }
        let victim = (i + 1) % sc.n
        var extra: [LedgerEntry]
        var id: String
        if let real = keyReplacement, m.keyReplacements[real.nonce] != nil {
            // A replay of the spent request, with the entries it derived when it was fresh.
            let applied = ledgers[i].flatMap(\.block.entries).filter { e in
                if case .membership = e { return true }
                if case .committeeEpoch(let c) = e { return c.authorization == real }
                return false
            }
            guard applied.count >= 2 else { return nil }
            extra = Array(applied.suffix(2)); id = real.requestID
        } else {
            // Not signed by the operator: the entries are exactly what the rule derives for a
            // validly signed twin, only the signature is made up.
            guard let op = operatorKey else { return nil }
            var k = KeyReplacement(nodeID: "n\(victim)", oldKey: m.roster.first { $0.nodeID == "n\(victim)" }?.publicKey ?? [],
                                   newKey: SimSigner(2_000 + i, salt: sc.seed).publicKey, nonce: (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            guard let twin = try? k.signed(chain: m.chain, operatorKey: op), let derived = try? m.keyReplacementEntries(twin),
                  case .committeeEpoch(var c) = derived[1] else { return nil }
            k.signature = (0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            c.authorization = k
            extra = [derived[0], .committeeEpoch(c)]; id = k.requestID
        }
        let entries = pp.proposal.block.entries + extra
        let leaves = entries.map(\.leafHash)
        var f = r.tip.frontier
        for l in leaves { f.append(leafHash: l) }
        let old = pp.proposal.block.header
        let h = BlockHeader(height: old.height, previousHash: old.previousHash, timeMillis: old.timeMillis, entryCount: UInt32(entries.count),
                            entriesRoot: Merkle.root(leaves), treeSize: f.size, treeRoot: f.root, signer: old.signer)
        guard h.previousHash == r.tip.hash, let sig = try? signers[i].sign(LedgerHash.signingMessage(blockHash: LedgerHash.blockHash(h))) else { return nil }
        let refs = pp.proposal.requests + [RequestRef(id: id, entryCount: 2)]
        return PrePrepare(view: pp.view, seq: pp.seq, proposal: Proposal(block: Block(header: h, entries: entries, signature: sig), requests: refs))
    }
}
