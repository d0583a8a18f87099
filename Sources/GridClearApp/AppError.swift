import GridClearSystem
import LedgerLite

/// Why a workflow of the application layer failed. Every case says what to do about it.
public enum AppError: Error, CustomStringConvertible, Sendable {
    /// A wrong choice on the command line or in a call (unknown mechanism, bad time …).
    case usage(String)
    /// The cycle's input files are invalid (the message names file, line and column).
    case invalidInputs(cycle: String, message: String)
    /// Clearing failed for a reason other than the inputs (an internal invariant broke).
    case clearingFailed(cycle: String, message: String)
    /// The ledger already records this cycle, cleared from other inputs.
    case recordedWithDifferentInputs(cycle: String, height: UInt64, difference: String)
    /// The ledger refused or failed (locked, damaged, not a ledger, wrong key …).
    case ledger(LedgerError)
    /// The ledger does not pass its audit, so it is not used for this workflow.
    case ledgerFault(LedgerFault)
    /// The cycle (or trade) is not in the ledger.
    case notInLedger(String)
    /// The block holding the entry was written, but the entry is not in the chain state.
    case notCommitted(cycle: String)
    /// The ledger entry is durable, but publishing the outputs failed.
    case publishFailed(cycle: String, height: UInt64?, message: String)
    /// A key file is missing, malformed or too open.
    case key(KeyFileError)
    /// A file could not be read or written.
    case file(String)
    /// Settlement cannot run yet or its inputs are missing.
    case settlement(String)
    /// Anything else a lower layer reported (its own message says what failed).
    case failed(String)

    public var description: String {
        switch self {
        case .usage(let m): return m
        case .invalidInputs(_, let m): return m
        case .clearingFailed(let c, let m): return "cycle \(c): \(m) (a bug: report it with the cycle's input files)"
        case let .recordedWithDifferentInputs(c, h, d):
            return "cycle \(c) is already recorded at ledger height \(h) from other inputs (\(d)); nothing written — a recorded cycle is never re-cleared"
        case .ledger(let e): return "ledger: \(e)"
        case .ledgerFault(let f): return "the ledger does not audit (offset \(f.offset)\(f.height.map { ", block \($0)" } ?? ""): \(f.message)); run 'gridclear audit' and restore it from a backup or replica"
        case .notInLedger(let m): return m
        case .notCommitted(let c): return "ledger: cycle \(c) was not committed (internal error; run 'gridclear audit')"
        case let .publishFailed(c, h, m):
            return "cycle \(c) is recorded\(h.map { " at ledger height \($0)" } ?? ""), but its outputs could not be published: \(m); fix the output folder and clear it again to publish"
        case .key(let e): return e.description
        case .file(let m): return m
        case .settlement(let m): return m
        case .failed(let m): return m
        }
    }

    /// Wraps any error of a lower layer without losing its type where one matters.
    static func wrap(_ error: any Error, cycle: String) -> AppError {
        switch error {
        case let e as AppError: return e
        case let e as LedgerError: return .ledger(e)
        case let e as KeyFileError: return .key(e)
        case let e as SystemError: return .file(e.description)
        case let e as FileSystem.Error: return .file(e.description)
        default: return .failed("\(error)")
        }
    }
}

/// A key file that cannot be used: which file and what to do.
public struct KeyFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ d: String) { description = d }
}
