import GridClearCore
import LedgerLite

/// A request one replica hands to the others (PBFT clients multicast their requests; here a
/// replica is the client of its own disagreement record): every replica must hold a request
/// for the primary to propose it and for the view-change timers to agree. Signed by the
/// forwarding replica's key over
///
///     "GridClear/pbft/v1/forward" 0x00 | text chain | u64 epoch | u16 sender | text id | list blob entry
///
/// so only a member can forward, and only for its committee and epoch. Receivers accept only
/// disagreement entries naming the sender's own node (a replica files its own disagreements).
public struct ForwardedRequest: Sendable, Equatable {
    public static let label = "GridClear/pbft/v1/forward"
    public var committee: CommitteeID
    public var sender: ReplicaID
    public var request: Request
    public var signature: [UInt8]

    static func signingBytes(_ c: CommitteeID, _ sender: ReplicaID, _ r: Request) -> [UInt8] {
        var w = ByteWriter()
        w.raw(Array(label.utf8)); w.u8(0); w.text(c.chain); w.u64(c.epoch); w.u16(sender); w.text(r.id)
        w.u32(UInt32(r.entries.count)); for e in r.entries { w.blob(e.encoded()) }
        return w.bytes
    }

    public static func sign(_ r: Request, committee: CommitteeID, sender: ReplicaID, signer: MessageSigner) throws -> ForwardedRequest {
        ForwardedRequest(committee: committee, sender: sender, request: r, signature: try signer.sign(signingBytes(committee, sender, r)))
    }

    public func verify(in c: Committee, scheme: SignatureScheme = Ed25519Scheme()) -> Bool {
        guard committee == c.id, let key = c.key(of: sender) else { return false }
        return scheme.verify(signature: signature, message: Self.signingBytes(committee, sender, request), publicKey: key)
    }

    func write(_ w: inout ByteWriter) {
        w.text(committee.chain); w.u64(committee.epoch); w.u16(sender); w.text(request.id)
        w.u32(UInt32(request.entries.count)); for e in request.entries { w.blob(e.encoded()) }
        w.raw(signature)
    }

    static func read(_ r: inout ByteReader) throws -> ForwardedRequest {
        let c = CommitteeID(chain: try r.text(max: 256), epoch: try r.u64())
        let sender = try r.u16(), id = try r.text(max: 256)
        let n = Int(try r.u32())
        guard n <= 64 else { throw DecodeError.lengthOverCap(at: r.position, length: n, cap: 64) }
        var entries: [LedgerEntry] = []
        for _ in 0..<n { entries.append(try LedgerEntry.decode(try r.blob())) }
        return ForwardedRequest(committee: c, sender: sender, request: Request(id: id, entries: entries), signature: try r.raw(64))
    }
}
