import GridClearCore

/// Canonical bodies of protocol messages (what `SignedMessage.body` holds and signatures
/// cover). Fixed field order, big-endian, u32-prefixed lists; nested messages as complete
/// envelopes. Guarantees: `decodeBody(kind, m.encodedBody()) == m`; trailing bytes,
/// unknown tags and over-cap lengths are rejected.
extension Message {
    public func encodedBody() -> [UInt8] {
        var w = ByteWriter()
        switch self {
        case .prePrepare(let p):
            w.u64(p.view); w.u64(p.seq)
            w.list(p.proposal.requests) { w, r in w.text(r.id); w.u32(r.entryCount) }
            w.blob(p.proposal.block.encoded())
        case .prepare(let v), .commit(let v):
            w.u64(v.view); w.u64(v.seq); w.raw(v.digest)
        case .checkpoint(let c):
            w.u64(c.seq); w.raw(c.digest)
        case .viewChange(let vc):
            w.u64(vc.newView); Self.write(vc.checkpoint, &w)
            w.list(vc.prepared) { w, pc in pc.prePrepare.write(to: &w); w.list(pc.prepares) { w, m in m.write(to: &w) } }
        case .newView(let nv):
            w.u64(nv.view)
            w.list(nv.viewChanges) { w, m in m.write(to: &w) }
            w.list(nv.prePrepares) { w, m in m.write(to: &w) }
        case .fetch(let h):
            w.u64(h)
        case .blocks(let bs):
            w.list(bs) { w, b in w.blob(b.encoded()) }
        }
        return w.bytes
    }

    static func write(_ c: CheckpointProof, _ w: inout ByteWriter) {
        w.u64(c.seq); w.raw(c.digest); w.list(c.votes) { w, m in m.write(to: &w) }
    }

    static func readCheckpointProof(_ r: inout ByteReader, depth: Int) throws -> CheckpointProof {
        CheckpointProof(seq: try r.u64(), digest: try r.digest(),
                        votes: try r.list(minSize: 80) { try SignedMessage.read(from: &$0, depth: depth + 1) })
    }

    public static func decodeBody(_ kind: Kind, _ body: [UInt8], depth: Int = 0) throws -> Message {
        var r = ByteReader(body, cap: ReplicationWire.maxMessageBytes)
        let m: Message
        switch kind {
        case .prePrepare:
            let view = try r.u64(), seq = try r.u64()
            let refs = try r.list(minSize: 8) { RequestRef(id: try $0.text(), entryCount: try $0.u32()) }
            let blockAt = r.position
            let block: Block
            do { block = try Block.decode(try r.blob()) } catch let e as DecodeError {
                throw DecodeError.nonCanonical(at: blockAt, what: "block (\(e))")
            }
            m = .prePrepare(PrePrepare(view: view, seq: seq, proposal: Proposal(block: block, requests: refs)))
        case .prepare, .commit:
            let v = Vote(view: try r.u64(), seq: try r.u64(), digest: try r.digest())
            m = kind == .prepare ? .prepare(v) : .commit(v)
        case .checkpoint:
            m = .checkpoint(Checkpoint(seq: try r.u64(), digest: try r.digest()))
        case .viewChange:
            let nv = try r.u64()
            let cp = try readCheckpointProof(&r, depth: depth)
            let pcs = try r.list(minSize: 80) { r in
                PreparedCertificate(prePrepare: try SignedMessage.read(from: &r, depth: depth + 1),
                                    prepares: try r.list(minSize: 80) { try SignedMessage.read(from: &$0, depth: depth + 1) })
            }
            m = .viewChange(ViewChange(newView: nv, checkpoint: cp, prepared: pcs))
        case .newView:
            let v = try r.u64()
            let vcs = try r.list(minSize: 80) { try SignedMessage.read(from: &$0, depth: depth + 1) }
            let pps = try r.list(minSize: 80) { try SignedMessage.read(from: &$0, depth: depth + 1) }
            m = .newView(NewView(view: v, viewChanges: vcs, prePrepares: pps))
        case .fetch:
            m = .fetch(fromHeight: try r.u64())
        case .blocks:
            let bs = try r.list(minSize: 4) { try CertifiedBlock.decode(try $0.blob()) }
            m = .blocks(bs)
        }
        try r.finish()
        return m
    }
}
