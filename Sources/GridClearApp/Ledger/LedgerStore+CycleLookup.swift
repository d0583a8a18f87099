import LedgerLite

/// The one lookup of a recorded cycle's entry, shared by every `CycleLedger` backed by a
/// `LedgerStore` (the embedded `NodeLedger` and a replica's `ReplicatedLedger`).
extension LedgerStore {
    /// The `ClearedCycleEntry` of `cycle`, or nil when the ledger has not recorded it.
    /// - Throws: `AppError.ledger` when the block that should hold it cannot be read.
    func clearedEntry(ofCycle cycle: String) throws(AppError) -> ClearedCycleEntry? {
        guard let h = state.cycles[cycle] else { return nil }
        let block: Block?
        do { block = try self.block(at: h) } catch let e as LedgerError { throw .ledger(e) } catch { throw AppError.wrap(error, cycle: cycle) }
        for e in block?.entries ?? [] { if case .clearedCycle(let c) = e, c.cycleID == cycle { return c } }
        return nil
    }
}
