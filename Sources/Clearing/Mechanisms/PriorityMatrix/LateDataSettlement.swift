import GridClearCore

/// The n-cycle tolerance for late meter data around `AsyncSettlement` (SPEC §3.5):
/// a pure state machine fed readings and cycle ticks, returning decisions (the
/// caller does the I/O: ledger entries, reputation updates). The window is the one
/// `LateDataRule` that `DeviationSettlement` applies too.
///
/// - A cycle settles normally as soon as every expected participant has reported.
/// - At the tick of the cycle where `LateDataRule` closes the window of a cycle `k` still
///   incomplete (cycle `k + n + 1`: `n` whole cycles after `k` ended), it is settled with
///   what arrived (missing participants count as 0 — the grid takes the remainder), and
///   every missing participant gets one `.penalty` (reputation −10, §3.7).
/// - A reading for a cycle already settled, or a second reading of a participant
///   for the same cycle, is reported and ignored (first reading wins).
/// Readings are net energy: positive = supply (SL), negative = consumption (CL).
public struct LateDataSettlement: Sendable {
    public enum Input: Sendable, Hashable {
        case reading(cycle: Int, participant: String, netWh: Wh)
        /// The current cycle index has started.
        case tick(currentCycle: Int)
    }
    public enum Decision: Sendable, Hashable {
        case settled(cycle: Int, records: [SettlementRecord], complete: Bool, missing: [String])
        case penalty(participant: String, cycle: Int)
        case readingIgnored(cycle: Int, participant: String, reason: String)
    }

    public let expected: Set<String>
    public let matrix: PriceMatrix
    public let gridBuyPrice: PriceTicks
    public let gridSellPrice: PriceTicks
    public let lateCycles: Int
    private let rule: LateDataRule
    private var pending: [Int: [String: Wh]] = [:]
    private var settledCycles = Set<Int>()

    public init(expected: Set<String>, matrix: PriceMatrix, gridBuyPrice: PriceTicks, gridSellPrice: PriceTicks, lateCycles: Int) {
        self.expected = expected; self.matrix = matrix
        self.gridBuyPrice = gridBuyPrice; self.gridSellPrice = gridSellPrice; self.lateCycles = lateCycles
        self.rule = LateDataRule(lateCycles: lateCycles)
    }

    /// Cycles waiting for data, ascending.
    public var unsettledCycles: [Int] { pending.keys.sorted() }

    /// Opens cycle `k` (so it is tracked even if nobody reports).
    public mutating func open(cycle k: Int) {
        if !settledCycles.contains(k), pending[k] == nil { pending[k] = [:] }
    }

    public mutating func step(_ input: Input) -> [Decision] {
        switch input {
        case let .reading(k, who, wh):
            if settledCycles.contains(k) { return [.readingIgnored(cycle: k, participant: who, reason: "cycle already settled")] }
            var r = pending[k] ?? [:]
            if r[who] != nil { return [.readingIgnored(cycle: k, participant: who, reason: "duplicate reading")] }
            r[who] = wh
            pending[k] = r
            if expected.isSubset(of: r.keys) { return [settle(k, complete: true)] }
            return []
        case let .tick(now):
            var out: [Decision] = []
            // A cycle still pending at a tick is incomplete (a complete one settled on its last reading).
            for k in pending.keys.sorted() {
                let elapsed = LateDataRule.cyclesElapsed(cycle: k, currentCycle: now)
                guard rule.verdict(missingData: true, cyclesElapsed: elapsed) == .settle else { continue }
                let missing = expected.subtracting(pending[k]!.keys).sorted()
                out.append(settle(k, complete: false))
                out += missing.map { .penalty(participant: $0, cycle: k) }
            }
            return out
        }
    }

    private mutating func settle(_ k: Int, complete: Bool) -> Decision {
        let r = pending.removeValue(forKey: k) ?? [:]
        settledCycles.insert(k)
        let ids = r.keys.sorted()
        let metered = ids.map { p -> MeteredParty in
            let net = r[p]!
            return MeteredParty(participant: p, role: net > 0 ? .seller : .buyer, wh: net > 0 ? net : -net)
        }
        let records = AsyncSettlement.settle(metered, matrix: matrix, gridBuyPrice: gridBuyPrice, gridSellPrice: gridSellPrice)
        return .settled(cycle: k, records: records, complete: complete, missing: expected.subtracting(r.keys).sorted())
    }
}
