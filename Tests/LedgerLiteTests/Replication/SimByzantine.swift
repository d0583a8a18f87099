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
