/// Errors of the etcd replication layer, each saying what the operator does about it.
public enum ReplicationError: Error, Sendable, Equatable, CustomStringConvertible {
    case badRecord(String)
    /// etcd no longer holds a block this node needs (it was pruned after every node that
    /// was registered then had applied it).
    case pruned(needed: UInt64, oldestHeld: UInt64?)
    /// A block from etcd does not extend this node's ledger (different ledger, or etcd
    /// prefix shared by two ledgers).
    case diverged(height: UInt64, reason: String)
    /// The node id is registered in etcd with another public key.
    case keyMismatch(id: String)
    /// The ledger's genesis does not list this node's key: it can follow, never lead.
    case notASigner(id: String)

    public var description: String {
        switch self {
        case .badRecord(let s):
            return "bad block record in etcd: \(s)"
        case .pruned(let h, let oldest):
            return "etcd no longer holds block \(h) (oldest held: \(oldest.map(String.init) ?? "none")): every node registered at the time had applied it and it was pruned; copy blocks.gcl from a peer's ledger directory into this node's ledger directory and restart it"
        case .diverged(let h, let reason):
            return "block \(h) from etcd does not extend this node's ledger: \(reason); this ledger directory belongs to another ledger or the etcd prefix is shared — use an empty ledger directory or another --prefix"
        case .keyMismatch(let id):
            return "node id \(id) is registered in etcd with another public key; use that node's key file, or another --id"
        case .notASigner(let id):
            return "node \(id)'s key is not a signer in the ledger's genesis: it follows and keeps its ledger but never leads"
        }
    }
}
