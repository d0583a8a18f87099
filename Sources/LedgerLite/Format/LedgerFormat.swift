/// The ledger format versions this GridClear reads: the version byte of every record of
/// `blocks.gcl` (`RecordFrame`), the same for every record of one file (the genesis block's
/// decides, `ChainVerifier` refuses a mix).
///
/// - `v3` (current, written by every new ledger): a cleared cycle stores its trade table as
///   length-prefixed row encodings, and its commitment is computed over the stored bytes in one
///   pass (no trade-table re-rendering); every hash label says `v3`.
/// - `v2`: read-only. Audit, replay, proofs and look-ups work; appending is refused
///   (`LedgerError.readOnlyFormat`), because blocks of two formats in one chain would need two
///   rule sets forever. There is no in-place migration: re-signing old blocks would need the old
///   key and would rewrite what auditors pinned.
/// - version 1 and anything unknown: refused with a message that says what to do.
public enum LedgerFormat: UInt8, Sendable, Hashable, CustomStringConvertible {
    case v2 = 2
    case v3 = 3

    /// What new ledgers are written in (and what the version-less APIs mean).
    public static let current: LedgerFormat = .v3

    public var description: String { "ledger format version \(rawValue)" }

    /// The domain-separation label of one purpose in this version, e.g.
    /// `GridClear/ledger/v3/block-header` (hashed with a NUL after it).
    public func label(_ purpose: String) -> String { "GridClear/ledger/v\(rawValue)/\(purpose)" }

    /// Why a record of version `v` is not read (one line, says what to do).
    public static func unsupportedMessage(_ v: UInt8) -> String {
        switch v {
        case 1:
            return "ledger format version 1 (trade tables split on newlines); this GridClear reads versions 2 (read-only) and 3: keep the old ledger for audit with the GridClear that wrote it and record new cycles in a new ledger directory"
        default:
            return "unsupported record version \(v) (this GridClear reads ledger format versions 2 and 3; a newer GridClear wrote this ledger: audit it with that one)"
        }
    }
}
