import Clearing
import GridClearApp
import GridClearCore
import LedgerLite
import Privacy

/// Where a private cycle is recorded (`private run --ledger`): the ledger opener (called once,
/// after the cycle's files parse and before the cycle runs: the ledger supplies the
/// participants' reputation, `PrivateCycleInputs`) and the time of the append.
public struct PrivateLedgerTarget {
    public var open: LedgerOpener
    public var now: UTCTime
    public init(open: @escaping LedgerOpener, now: UTCTime) { self.open = open; self.now = now }
}

/// The ledger entries of a private cycle (SPEC §4.4, §6; tags 10–12) and their recording.
///
/// Guarantees: one commit holds the cleared cycle (as `clear --mechanism kproto` records it,
/// so `replay` and `audit` treat it like any cycle), every admitted plan and every match
/// record confirmed by both parties; it is durable before `record` returns, so callers write
/// outputs only afterwards. A cycle the ledger already holds is refused, nothing appended.
public enum PrivateLedgerRecord {
    /// Plans (tag 10) in slot order, sellers first, then confirmed match records (tag 11) by id.
    public static func entries(cycle: String, plans: [PlanDigest], confirmations: [ConfirmationDigests],
                               matches: [ConfirmedMatch]) throws -> [LedgerEntry] {
        var out: [LedgerEntry] = plans.map { p in
            .privatePlan(PrivatePlanEntry(cycleID: cycle, side: p.side.rawValue, slot: UInt32(p.slot), pseudonym: p.pseudonym,
                                          energyCommitment: p.energy.bytes, priceCommitment: p.price.bytes, recordCommitment: p.record.bytes,
                                          proofsDigest: p.proofsDigest, planDigest: p.planDigest))
        }
        let byRecord = Dictionary(uniqueKeysWithValues: confirmations.map { ($0.record, $0) })
        for m in matches {
            guard let c = byRecord[m.record.id], let price = m.price, m.buyerConfirmed, m.sellerConfirmed else {
                throw PrivateMarketError.incomplete("record \(m.record.id) is not confirmed by both parties; nothing recorded")
            }
            let r = m.record
            out.append(.privateMatch(PrivateMatchEntry(cycleID: cycle, recordID: UInt32(r.id), buyerSlot: UInt32(r.buyerSlot), sellerSlot: UInt32(r.sellerSlot),
                                                       buyerPseudonym: r.buyerPseudonym, sellerPseudonym: r.sellerPseudonym, energyWh: r.energy,
                                                       priceTicks: price, energyCommitment: r.energyCommitment.bytes,
                                                       buyerConfirmationDigest: c.buyer, sellerConfirmationDigest: c.seller)))
        }
        for e in out {
            if case .privatePlan(let p) = e, !p.isWellFormed { throw PrivateMarketError.incomplete("plan entry of slot \(p.slot) is malformed") }
            if case .privateMatch(let m) = e, !m.isWellFormed { throw PrivateMarketError.incomplete("match entry \(m.recordID) is malformed") }
        }
        return out
    }

    /// Private settlements (tag 12) of the records the key holder decided, by record id.
    public static func settlementEntries(cycle: String, matches: [ConfirmedMatch], settlements: [Int: PrivateSettlementOutcome]) -> [LedgerEntry] {
        matches.compactMap { m in
            settlements[m.record.id].map { o in
                .privateSettlement(PrivateSettlementEntry(cycleID: cycle, recordID: UInt32(m.record.id), matchedWh: m.record.energy, settledWh: o.settled,
                                                          deviationBP: o.deviationBP, withinTolerance: o.withinTolerance,
                                                          sellerAtFault: o.sellerAtFault, buyerAtFault: o.buyerAtFault))
            }
        }
    }

    /// The cleared-cycle entry exactly as `clear --mechanism kproto` records these inputs (with
    /// `--ledger`: `files.reputationJSON` is the ledger's reputation, recorded as `reputation.json`).
    public static func clearedCycle(files: CycleFiles, inputs: CycleInputs, result: ClearingResult) throws -> ClearedCycleEntry {
        try ClearedCycleEntry(cycleID: inputs.cycleID, mechanism: result.mechanism, solver: result.rounds.first?.solver ?? ClearOptions().solver,
                              seed: ClearOptions().seed, inputs: CycleRecord.inputs(files), tradesCSV: Array(result.tradesCSV().utf8),
                              summaryJSON: Array(result.summaryJSON(inputs: inputs, includeTimings: false).utf8))
    }

    /// Commits the cleared cycle and `entries` as one batch; returns the height of the last block.
    public static func record(files: CycleFiles, inputs: CycleInputs, result: ClearingResult, entries: [LedgerEntry],
                              to target: PrivateLedgerTarget) throws -> UInt64 {
        try record(files: files, inputs: inputs, result: result, entries: entries, in: try target.open(), now: target.now)
    }

    /// As above, in an open ledger (`PrivateCycleInputs` opens it before the cycle runs).
    public static func record(files: CycleFiles, inputs: CycleInputs, result: ClearingResult, entries: [LedgerEntry],
                              in ledger: CycleLedger, now: UTCTime) throws -> UInt64 {
        if let h = ledger.recordedHeight(ofCycle: inputs.cycleID) {
            throw PrivateMarketError.usage("cycle \(inputs.cycleID) is already recorded in the ledger at block \(h); a cycle is recorded once — nothing appended, no outputs written")
        }
        let cycle = try clearedCycle(files: files, inputs: inputs, result: result)
        guard let h = try ledger.commit([.clearedCycle(cycle)] + entries, now: now) else {
            throw PrivateMarketError.incomplete("the ledger did not commit cycle \(inputs.cycleID)")
        }
        return h
    }

    /// Appends private settlement entries (tag 12) to the ledger; durable on return.
    public static func recordSettlements(_ entries: [LedgerEntry], to target: PrivateLedgerTarget) throws -> UInt64? {
        guard !entries.isEmpty else { return nil }
        return try target.open().commit(entries, now: target.now)
    }
}
