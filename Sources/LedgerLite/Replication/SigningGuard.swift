import GridClearCore

/// The double-sign guard (CometBFT privval discipline, adapted to PBFT's (view, sequence)
/// slots): a replica never signs two different block hashes for one (view, seq) — neither as
/// primary (PRE-PREPARE, block signature) nor as voter (PREPARE, COMMIT) — and never signs a
/// vote for a view lower than one it has already signed in. The guard is part of
/// `DurableState`, and the `Ready` that carries a new vote carries the updated guard: the
/// driver persists it before sending, so a crash and restart cannot make a replica equivocate.
public struct SigningGuard: Sendable, Equatable {
    /// The highest view signed in.
    public private(set) var view: UInt64 = 0
    /// Block hash signed at each sequence number in `view`.
    public private(set) var signed: [UInt64: [UInt8]] = [:]

    public init() {}
    init(view: UInt64, signed: [UInt64: [UInt8]]) { self.view = view; self.signed = signed }

    /// Why a signature was refused, or nil when it is allowed (and recorded).
    public mutating func permit(view v: UInt64, seq: UInt64, digest: [UInt8]) -> String? {
        if v < view { return "already signed in view \(view), refusing view \(v)" }
        if v > view { view = v; signed = [:] }
        if let d = signed[seq] {
            return d == digest ? nil : "already signed another block at view \(v) sequence \(seq)"
        }
        signed[seq] = digest
        return nil
    }

    /// Forgets sequence numbers at or below a stable checkpoint (they can never be re-voted:
    /// messages at or below the low watermark are discarded).
    public mutating func truncate(through seq: UInt64) { signed = signed.filter { $0.key > seq } }

    func write(_ w: inout ByteWriter) {
        w.u64(view)
        w.list(signed.keys.sorted()) { w, s in w.u64(s); w.raw(signed[s] ?? []) }
    }
    static func read(_ r: inout ByteReader) throws -> SigningGuard {
        let v = try r.u64()
        var m: [UInt64: [UInt8]] = [:]
        for (s, d) in try r.list(minSize: 40, { (try $0.u64(), try $0.digest()) }) { m[s] = d }
        return SigningGuard(view: v, signed: m)
    }
}

/// What a replica must find again after a crash to stay safe: its view (and whether that view
/// was installed), the signing guard, its prepared certificates above the stable checkpoint
/// (the view-change safety argument counts on honest replicas remembering them) and the
/// stable checkpoint itself. Committed blocks are durable in the ledger, not here.
///
/// Encoding: u8 version | u64 view | u8 active | guard | checkpoint proof | prepared list.
public struct DurableState: Sendable, Equatable {
    public var view: UInt64 = 0
    /// True once the view's NEW-VIEW was accepted (view 0 starts active).
    public var active = true
    public var signingGuard = SigningGuard()
    public var stableCheckpoint: CheckpointProof
    /// Highest-view prepared certificate per sequence number above the stable checkpoint.
    public var prepared: [UInt64: PreparedCertificate] = [:]

    public init(genesisHash: [UInt8]) { stableCheckpoint = .genesis(genesisHash) }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u8(ReplicationWire.version); w.u64(view); w.u8(active ? 1 : 0)
        signingGuard.write(&w)
        Message.write(stableCheckpoint, &w)
        w.list(prepared.keys.sorted()) { w, s in
            guard let pc = prepared[s] else { return }
            pc.prePrepare.write(to: &w); w.list(pc.prepares) { w, m in m.write(to: &w) }
        }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> DurableState {
        do {
            var r = ByteReader(bytes, cap: ReplicationWire.maxMessageBytes)
            let v = try r.u8()
            guard v == ReplicationWire.version else { throw DecodeError.badTag(at: 0, tag: v, what: "state version") }
            var d = DurableState(genesisHash: [])
            d.view = try r.u64()
            d.active = try r.u8() == 1
            d.signingGuard = try SigningGuard.read(&r)
            d.stableCheckpoint = try Message.readCheckpointProof(&r, depth: 0)
            let pcs = try r.list(minSize: 80) { r in
                PreparedCertificate(prePrepare: try SignedMessage.read(from: &r, depth: 1),
                                    prepares: try r.list(minSize: 80) { try SignedMessage.read(from: &$0, depth: 1) })
            }
            for pc in pcs { if case .prePrepare(let pp) = pc.prePrepare.message { d.prepared[pp.seq] = pc } }
            try r.finish()
            return d
        } catch let e as DecodeError { throw ReplicationError.decode("replica state: \(e)") }
    }
}
