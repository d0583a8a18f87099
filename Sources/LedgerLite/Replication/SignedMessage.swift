import GridClearCore

/// A protocol message as it travels: committee id, sender, kind, the canonical body and the
/// sender's Ed25519 signature over `ReplicationWire.signingBytes`. Equality is byte equality.
///
/// Envelope encoding (version 1):
///
///     u8 version | text chain | u64 epoch | u16 sender | u8 kind | blob body | 64-byte signature
///
/// Guarantees: `decode(m.encoded()) == m`; `decode` never traps on hostile bytes (it throws
/// `ReplicationError.decode`); a message that `verify`s was signed by the named member of
/// the named committee, for this kind and body.
public struct SignedMessage: Sendable, Hashable {
    public let committee: CommitteeID
    public let sender: ReplicaID
    public let message: Message
    public let body: [UInt8]
    public let signature: [UInt8]

    public var kind: Message.Kind { message.kind }

    /// Signs `message` as `sender` of `committee`.
    public static func sign(_ message: Message, committee: CommitteeID, sender: ReplicaID, signer: MessageSigner) throws -> SignedMessage {
        let body = message.encodedBody()
        let bytes = ReplicationWire.signingBytes(committee: committee, sender: sender, kind: message.kind.rawValue, body: body)
        let sig: [UInt8]
        do { sig = try signer.sign(bytes) } catch { throw ReplicationError.signingFailed("\(error)") }
        return SignedMessage(committee: committee, sender: sender, message: message, body: body, signature: sig)
    }

    /// Builds a message with an arbitrary signature (tests and Byzantine simulations).
    public init(committee: CommitteeID, sender: ReplicaID, message: Message, body: [UInt8], signature: [UInt8]) {
        self.committee = committee; self.sender = sender; self.message = message; self.body = body; self.signature = signature
    }

    public var signingBytes: [UInt8] {
        ReplicationWire.signingBytes(committee: committee, sender: sender, kind: kind.rawValue, body: body)
    }

    /// Checks committee, membership and the signature (not the message's content).
    public func verify(in c: Committee, scheme: SignatureScheme) throws {
        guard committee == c.id else { throw ReplicationError.wrongCommittee(expected: c.id, got: committee) }
        guard let key = c.key(of: sender) else { throw ReplicationError.unknownSender(sender) }
        guard scheme.verify(signature: signature, message: signingBytes, publicKey: key) else {
            throw ReplicationError.badSignature(sender: sender, kind: "\(kind)")
        }
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        write(to: &w)
        return w.bytes
    }

    func write(to w: inout ByteWriter) {
        w.u8(ReplicationWire.version); w.text(committee.chain); w.u64(committee.epoch)
        w.u16(sender); w.u8(kind.rawValue); w.blob(body); w.raw(signature)
    }

    public static func decode(_ bytes: [UInt8]) throws -> SignedMessage {
        do {
            var r = ByteReader(bytes, cap: ReplicationWire.maxMessageBytes)
            let m = try read(from: &r, depth: 0)
            try r.finish()
            return m
        } catch let e as DecodeError { throw ReplicationError.decode("\(e)") }
    }

    /// Nested messages (certificates inside VIEW-CHANGE / NEW-VIEW) are read with `depth` + 1;
    /// depth is bounded so hostile nesting cannot recurse without limit.
    static func read(from r: inout ByteReader, depth: Int) throws -> SignedMessage {
        guard depth <= 3 else { throw DecodeError.nonCanonical(at: r.position, what: "message nesting") }
        let vAt = r.position
        let v = try r.u8()
        guard v == ReplicationWire.version else { throw DecodeError.badTag(at: vAt, tag: v, what: "message version") }
        let id = CommitteeID(chain: try r.text(), epoch: try r.u64())
        let sender = try r.u16()
        let kAt = r.position
        let k = try r.u8()
        guard let kind = Message.Kind(rawValue: k) else { throw DecodeError.badTag(at: kAt, tag: k, what: "message kind") }
        let body = try r.blob()
        let sig = try r.signature()
        let message = try Message.decodeBody(kind, body, depth: depth)
        return SignedMessage(committee: id, sender: sender, message: message, body: body, signature: sig)
    }

    public static func == (a: SignedMessage, b: SignedMessage) -> Bool {
        a.committee == b.committee && a.sender == b.sender && a.kind == b.kind && a.body == b.body && a.signature == b.signature
    }
    public func hash(into h: inout Hasher) { h.combine(sender); h.combine(body); h.combine(signature) }
}
