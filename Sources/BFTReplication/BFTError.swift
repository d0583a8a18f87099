/// Errors of the BFT node's edge (ledger divergence, transport setup); each says what to do.
public enum BFTError: Error, Sendable, CustomStringConvertible {
    case cluster(String)
    case state(String)
    case ledger(String)
    case transport(String)

    public var description: String {
        switch self {
        case .cluster(let m): return "cluster: \(m)"
        case .state(let m): return "replica state: \(m)"
        case .ledger(let m): return "ledger: \(m)"
        case .transport(let m): return "transport: \(m)"
        }
    }
}
