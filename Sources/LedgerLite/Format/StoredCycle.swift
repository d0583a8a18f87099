import GridClearCore

/// A cleared-cycle entry of ledger format version 3 as it is stored: one validating walk over
/// its bytes finds every section and field (ranges into the bytes, no value made) and computes
/// the cycle's commitment from those stored bytes in the same pass (`CycleCommitment.v3`).
/// `entry(_:)` makes the decoded value from the same ranges. The one reader of the layout:
/// the full decoder (`LedgerEntry.decodeStored`) and the audit's skim (`BlockFacts.decode`,
/// which needs only the cycle id and the leaf) both walk with it, so they accept exactly the
/// same bytes.
struct StoredCycle {
    var cycleID: String
    var mechanism: String
    var solver: String
    var seed: UInt64
    var files: [(name: String, bytes: Range<Int>)]
    var table: TradeTable.Stored
    var summary: Range<Int>
    var commitment: CycleCommitment

    /// Walks the entry in `r` (positioned just after its tag byte) to its last byte.
    static func walk(_ r: inout ByteReader) throws -> StoredCycle {
        let id = try r.text(), mech = try r.text(), solver = try r.text(), seed = try r.u64()
        let inputsAt = r.position
        let files = try ClearedCycleEntry.walkInputs(&r)
        let inputsEnd = r.position
        let table = try TradeTable.walkStored(&r)
        let summary = try blobRange(&r)
        try r.finish()
        let c = CycleCommitment.v3(cycleID: id, mechanism: mech, solver: solver, seed: seed, inputsSection: r.bytes[inputsAt..<inputsEnd],
                                   header: r.bytes[table.header], rowLeaves: table.leaves, summary: r.bytes[summary])
        return StoredCycle(cycleID: id, mechanism: mech, solver: solver, seed: seed, files: files, table: table, summary: summary, commitment: c)
    }

    /// The decoded entry (`bytes`: what was walked).
    func entry(_ bytes: [UInt8]) throws -> ClearedCycleEntry {
        ClearedCycleEntry(cycleID: cycleID, mechanism: mechanism, solver: solver, seed: seed,
                          inputs: files.map { InputFile(name: $0.name, bytes: Array(bytes[$0.bytes])) },
                          trades: try table.table(bytes), summaryJSON: Array(bytes[summary]))
    }

    /// A `u32`-length-prefixed blob's body range (bounded by the reader's cap, like `blob()`).
    static func blobRange(_ r: inout ByteReader) throws -> Range<Int> {
        let at = r.position
        let n = Int(try r.u32())
        guard n <= r.cap else { throw DecodeError.lengthOverCap(at: at, length: n, cap: r.cap) }
        let start = r.position
        try r.skip(n)
        return start..<start + n
    }
}
