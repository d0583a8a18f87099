import GridClearCore

/// A party of a run: the platform or an agent (by id).
public enum RCIParty: Hashable, Sendable, CustomStringConvertible {
    case platform
    case agent(String)

    public var description: String {
        switch self {
        case .platform: return "platform"
        case .agent(let id): return id
        }
    }
}

/// One message a state machine wants delivered.
public struct RCIEnvelope: Sendable, Equatable {
    public var to: RCIParty
    public var message: RCIMessage
    /// The receiver's position in the sending agent's `partners` (−1: not given), so that an
    /// in-process driver can hand the message over without looking the id up.
    public var partner: Int
    public init(to: RCIParty, message: RCIMessage, partner: Int = -1) { self.to = to; self.message = message; self.partner = partner }
}

/// What the protocol machines are fed: the start signal, the transport's confirmation that
/// the requested partner connections exist, or one message from a party. Whoever moves the
/// bytes (in-process driver or socket node) guarantees per-sender FIFO order and that
/// `from` is the authenticated sender of the connection.
public enum RCIInput: Sendable {
    case start
    case partnersConnected
    case received(from: RCIParty, RCIMessage)
}

/// The generators of one run: every party's stream derives from the master seed and its id,
/// so an in-process run and a multi-process run with the same `--seed` draw the same numbers.
public enum RCISeeds {
    /// Masks, blinding factors and encryption randomness of agent `id`.
    public static func agent(_ master: UInt64, _ id: String) -> SplitMix64 { .derived(seed: master, label: "agent/" + id) }
    /// The private step perturbation of agent `id`.
    public static func perturbation(_ master: UInt64, _ id: String) -> SplitMix64 { .derived(seed: master, label: id) }
}
