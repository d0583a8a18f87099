/// Errors of the RCI core and protocol, each saying what to change.
public enum RCIError: Error, Equatable, CustomStringConvertible, Sendable {
    case outOfRange(String, Double)
    case arithmeticOverflow(String)
    case protocolViolation(String)
    case peerFailed(String)
    case timeout(String)
    case io(String)
    /// A peer deviated from the protocol in a way the platform or a partner can prove
    /// (wrong update, uncertified bound): names the agent and the iteration.
    case cheating(agent: String, iteration: Int, what: String)
    /// A signed contribution arrived with a signature that is not its sender's: it was altered
    /// on the hop `from` → `to` (neither is blamed: either could be the victim of the hop).
    case tampered(from: String, to: String, iteration: Int, what: String)
    /// The peer speaks another RCI frame version (`RCIFrame.version`).
    case versionMismatch(peer: UInt8, ours: UInt8)

    public var description: String {
        switch self {
        case .outOfRange(let what, let v):
            return "\(what) = \(v) is outside the fixed-point range (|λ|, |P| ≤ \(RCIFixedPoint.maxMagnitude), steps in [0, 1])"
        case .arithmeticOverflow(let what): return "fixed-point overflow in \(what); reduce step sizes or magnitudes"
        case .protocolViolation(let s): return "protocol violation: \(s)"
        case .peerFailed(let s): return s
        case .timeout(let s): return "timed out: \(s)"
        case .io(let s): return s
        case .cheating(let agent, let k, let what): return "agent \(agent) cheated at iteration \(k): \(what)"
        case .tampered(let from, let to, let k, let what): return "tampering on the hop \(from) → \(to) at iteration \(k): \(what)"
        case .versionMismatch(let peer, let ours):
            return "the peer speaks RCI frame version \(peer), this gridclear speaks version \(ours): run the same gridclear release on the platform and every agent"
        }
    }
}

extension RCIError {
    /// A `DecodeError` of the core byte reader as a protocol violation naming what was decoded.
    static func decoding(_ what: String, _ error: any Error) -> RCIError {
        .protocolViolation("\(what): \(error)")
    }
}
