import Crypto

/// A role's address on the market network. Participants talk to the registration authority
/// under their identity and to everyone else under an anonymous channel address.
public typealias MarketAddress = String

/// A message to send.
public struct MarketEnvelope: Sendable {
    public var to: MarketAddress
    public var message: MarketMessage
    /// The sender's address when a role has several (a participant's identity towards the
    /// registration authority, its anonymous address otherwise); nil = the role's `address`.
    public var from: MarketAddress?
    public init(to: MarketAddress, _ message: MarketMessage, from: MarketAddress? = nil) { self.to = to; self.message = message; self.from = from }
}

/// Everything one role saw and learned, in order: each message received or sent (kind,
/// peer, size, SHA-256 of the canonical bytes, and the bytes themselves for audits/tests)
/// and each plaintext fact the role learned (what it decrypted or was told in clear).
///
/// Guarantee: `received` holds exactly the bytes the role was given — the transcript tests
/// search them for other parties' plaintext values.
public struct MarketTranscript: Sendable {
    public struct Entry: Sendable {
        public var sequence: Int
        public var received: Bool
        public var peer: MarketAddress
        public var kind: String
        public var bytes: [UInt8]
    }
    public let role: MarketAddress
    public private(set) var entries: [Entry] = []
    public private(set) var learned: [String] = []

    public init(role: MarketAddress) { self.role = role }

    public mutating func record(received: Bool, peer: MarketAddress, kind: String, bytes: [UInt8]) {
        entries.append(Entry(sequence: entries.count, received: received, peer: peer, kind: kind, bytes: bytes))
    }
    public mutating func learn(_ fact: String) { learned.append(fact) }

    /// All bytes received, concatenated (for searching).
    public var receivedBytes: [UInt8] { entries.filter(\.received).flatMap(\.bytes) }

    /// One line per entry and fact: `recv|sent <seq> <peer> <kind> <bytes> sha256=<hex>` and `learned <fact>`.
    public func render() -> String {
        var out = "# transcript of \(role)\n"
        for e in entries {
            let h = SHA256.hash(data: e.bytes).map { String($0, radix: 16).leftPad(2) }.joined()
            out += "\(e.received ? "recv" : "sent") \(e.sequence) \(e.peer) \(e.kind) \(e.bytes.count) sha256=\(h)\n"
        }
        for f in learned { out += "learned \(f)\n" }
        return out
    }
}

extension String {
    fileprivate func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

/// A protocol role as a pure state machine: given one incoming message, it updates its
/// state and returns the messages to send. No I/O, no clock; randomness only from the
/// system CSPRNG inside the cryptographic primitives.
public protocol MarketRole: AnyObject {
    var address: MarketAddress { get }
    /// Further addresses this role receives on (default none).
    var aliases: [MarketAddress] { get }
    var transcript: MarketTranscript { get set }
    /// Handles one decoded message from `peer`.
    func handle(_ message: MarketMessage, from peer: MarketAddress) throws -> [MarketEnvelope]
}

extension MarketRole {
    public var aliases: [MarketAddress] { [] }
}
