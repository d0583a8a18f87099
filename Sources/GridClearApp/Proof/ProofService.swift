import LedgerLite

/// Which trade of a ledger to prove.
public enum TradeSelector: Sendable, Equatable {
    /// The first `trades.csv` row with this bid and offer.
    case pair(bid: String, offer: String)
    /// The row number (1-based, header excluded).
    case row(Int)

    /// Parses `<bid_id>/<offer_id>` or `#<row>`.
    public init(parsing s: String) throws(AppError) {
        if s.hasPrefix("#") {
            guard let r = Int(s.dropFirst()), r >= 1 else { throw .usage("--trade '\(s)': expected '#<row>' with row ≥ 1") }
            self = .row(r)
            return
        }
        let pair = s.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard pair.count == 2 else { throw .usage("--trade '\(s)': expected '<bid_id>/<offer_id>' or '#<row>'") }
        self = .pair(bid: pair[0], offer: pair[1])
    }
}

/// An exported proof and where its trade is.
public struct ExportedProof: Sendable {
    public var proof: TradeProof
    public var cycle: String
    public var row: Int
    public var height: UInt64
}

/// Finding one trade in a ledger and building its self-contained inclusion proof.
/// The ledger is audited first (against `trusted`, or the genesis keys); a ledger that
/// does not audit yields no proof.
public enum ProofService {
    public static func export(ledgerDirectory dir: String, trade: TradeSelector, cycle: String?,
                              trusted: TrustedKeys?) throws(AppError) -> ExportedProof {
        var matches: [(block: Block, entry: Int, row: Int, cycle: String, qc: QuorumCertificate?, committee: Committee?)] = []
        let result: Result<CertifiedAuditReport, LedgerFault>
        do {
            // A replica's ledger: the proof carries the block's certificate and committee (format 3).
            result = try CertifiedAuditor.audit(directory: dir, trusted: trusted) { v in
                for (i, e) in v.block.entries.enumerated() {
                    guard case .clearedCycle(let c) = e, cycle == nil || cycle == c.cycleID else { continue }
                    if let r = find(trade, in: c) { matches.append((v.block, i, r, c.cycleID, v.certificate, v.committee)) }
                }
            }
        } catch { throw AppError.wrap(error, cycle: cycle ?? "-") }
        if case .failure(let f) = result { throw .ledgerFault(f) }
        let name: String
        switch trade { case .row(let r): name = "#\(r)"; case .pair(let b, let o): name = "\(b)/\(o)" }
        guard let m = matches.first else { throw .notInLedger("no trade '\(name)'\(cycle.map { " in cycle \($0)" } ?? "") in \(dir)") }
        guard matches.count == 1 else {
            throw .usage("trade '\(name)' occurs in cycles \(matches.map(\.cycle).joined(separator: ", ")); pick one with --cycle")
        }
        let proof: TradeProof
        do {
            proof = try TradeProof.make(block: m.block, entryIndex: m.entry, row: m.row,
                                        certified: m.qc.flatMap { q in m.committee.map { (q, $0) } })
        } catch { throw .failed("\(error)") }
        return ExportedProof(proof: proof, cycle: m.cycle, row: m.row, height: m.block.header.height)
    }

    /// The 1-based row of `trade` in the cycle's trade table, or nil.
    static func find(_ trade: TradeSelector, in c: ClearedCycleEntry) -> Int? {
        let table = c.trades
        switch trade {
        case .row(let r): return r <= table.rows.count ? r : nil
        case .pair(let bid, let offer):
            guard let bi = table.columns.firstIndex(of: "bid_id"), let oi = table.columns.firstIndex(of: "offer_id") else { return nil }
            return table.rows.firstIndex { $0[bi] == bid && $0[oi] == offer }.map { $0 + 1 }
        }
    }
}
