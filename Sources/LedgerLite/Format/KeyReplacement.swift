import GridClearCore

/// An operator's signed request to replace one node's Ed25519 key in a replicated ledger (a
/// replica whose key was lost or compromised). Only a ledger whose genesis pins an operator
/// key (`GenesisCommittee.operatorKey`) accepts one. It is recorded inside the committee epoch
/// entry it causes (`CommitteeEpochEntry.authorization`), so every auditor re-checks it with the
/// same rule the replicas used (`Membership.keyReplacementEntries`).
///
/// Signed bytes (domain-separated and bound to one chain; `nonce` makes it single-use: a
/// ledger applies each nonce at most once, and the old key must still be the node's key):
///
///     "GridClear/pbft/v1/replace-key" 0x00 | text chain | text node id | 32-byte old key | 32-byte new key | 16-byte nonce
///
/// Encoding: text node id | 32-byte old key | 32-byte new key | 16-byte nonce | 64-byte signature.
public struct KeyReplacement: Sendable, Hashable {
    public static let signatureLabel = "GridClear/pbft/v1/replace-key"
    public static let nonceBytes = 16
    public var nodeID: String
    public var oldKey: [UInt8]
    public var newKey: [UInt8]
    public var nonce: [UInt8]
    /// The operator's Ed25519 signature over `signingBytes(chain:)`.
    public var signature: [UInt8]

    public init(nodeID: String, oldKey: [UInt8], newKey: [UInt8], nonce: [UInt8], signature: [UInt8] = []) {
        self.nodeID = nodeID; self.oldKey = oldKey; self.newKey = newKey; self.nonce = nonce; self.signature = signature
    }

    /// The id under which the committee orders it (one request per nonce).
    public var requestID: String { "replace-key:\(nodeID):\(Hex.encode(nonce))" }

    public func signingBytes(chain: String) -> [UInt8] {
        var w = ByteWriter()
        w.raw(Array(Self.signatureLabel.utf8)); w.u8(0); w.text(chain)
        w.text(nodeID); w.raw(oldKey); w.raw(newKey); w.raw(nonce)
        return w.bytes
    }

    /// This request signed by the operator key for the ledger `chain`.
    public func signed(chain: String, operatorKey: MessageSigner) throws -> KeyReplacement {
        var k = self
        k.signature = try operatorKey.sign(signingBytes(chain: chain))
        return k
    }

    /// Whether the operator key `operatorKey` signed it for `chain` (Ed25519, always).
    public func verify(chain: String, operatorKey: [UInt8]) -> Bool {
        oldKey.count == 32 && newKey.count == 32 && nonce.count == Self.nonceBytes
            && NodeKey.verify(signature: signature, message: signingBytes(chain: chain), publicKey: operatorKey)
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        encode(into: &w)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> KeyReplacement {
        var r = ByteReader(bytes)
        let k = try read(&r)
        try r.finish()
        return k
    }

    func encode(into w: inout ByteWriter) {
        w.text(nodeID); w.raw(oldKey); w.raw(newKey); w.raw(nonce); w.raw(signature)
    }

    static func read(_ r: inout ByteReader) throws -> KeyReplacement {
        KeyReplacement(nodeID: try r.text(max: 256), oldKey: try r.raw(32), newKey: try r.raw(32), nonce: try r.raw(nonceBytes),
                       signature: try r.raw(64))
    }
}
