import GridClearCore
import GridClearSystem

/// Errors of the ledger store, each saying what to do about it.
public enum LedgerError: Error, CustomStringConvertible, Sendable {
    /// The directory holds no ledger (and creation was not asked for).
    case notALedger(String)
    /// Damage that is not a torn tail: the operator must restore from a replica or backup.
    case corrupt(path: String, LedgerFault)
    /// Another process holds the ledger's write lock.
    case inUse(String)
    /// A block offered for append breaks a chain rule (a bug in the caller or orderer).
    case rejected(LedgerFault)
    /// The signing key given is not one the genesis block names for this ledger.
    case notASigner(key: [UInt8], signers: [[UInt8]])
    /// The ledger is of an older format that this GridClear reads but does not extend.
    case readOnlyFormat(path: String, format: LedgerFormat)
    case system(SystemError)

    public var description: String {
        switch self {
        case .notALedger(let d): return "\(d) holds no ledger (no blocks.gcl); create one with 'gridclear clear … --ledger \(d)'"
        case .corrupt(let p, let f): return "\(p) is damaged at \(f); run 'gridclear audit' and restore the ledger from a backup or replica"
        case .inUse(let p): return "\(p) is locked by another gridclear process (a scheduler?); stop it or wait"
        case .rejected(let f): return "block rejected before writing: \(f)"
        case .notASigner(let k, let s):
            return "the node key \(NodeKey.fingerprint(publicKey: k)) is not a signer of this ledger (its genesis block names \(s.map { NodeKey.fingerprint(publicKey: $0) }.joined(separator: ", "))); give the ledger's own key with --key"
        case .readOnlyFormat(let p, let f):
            return "\(p) is \(f), which this GridClear reads (audit, replay, proof) but does not extend; record new cycles in a new ledger directory (it is created in \(LedgerFormat.current)) and keep this one for audit"
        case .system(let e): return e.description
        }
    }
}
