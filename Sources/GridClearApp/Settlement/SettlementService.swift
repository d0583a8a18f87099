import Clearing
import GridClearCore
import GridClearSystem
import LedgerLite
import MeterIngest

/// What to settle and where the files are.
public struct SettlementRequest: Sendable {
    public var cycle: CycleID
    /// Meter-data file written by `meter poll`.
    public var metersFile: String
    /// The cycle's `trades.csv`.
    public var tradesFile: String
    /// `market.json` (tolerance, late cycles, grid prices); nil = defaults.
    public var marketFile: String?
    /// Reputation state file, read and updated (created when absent); nil = none kept.
    public var reputationFile: String?
    /// Output root: results go to `<outputRoot>/<cycle>/`.
    public var outputRoot: String
    /// Price matrix (`seller_id,buyer_id,priority,price` CSV) to settle by priority matrix
    /// (SPEC §3.5) instead of by deviation from the cleared trades; nil = deviation settlement.
    public var matrixFile: String?

    public init(cycle: CycleID, metersFile: String, tradesFile: String, marketFile: String?, reputationFile: String?, outputRoot: String) {
        self.cycle = cycle; self.metersFile = metersFile; self.tradesFile = tradesFile
        self.marketFile = marketFile; self.reputationFile = reputationFile; self.outputRoot = outputRoot
    }

    /// `<outputRoot>/<cycle>`.
    public var directory: String { FileSystem.join(outputRoot, cycle.description) }
}

/// What settling found.
public enum SettlementResult: Sendable {
    /// `settlement.csv` already exists: nothing was done.
    case alreadySettled(directory: String)
    /// Meter data is incomplete and the late-data window is still open: nothing written.
    case pending(missing: [String], cyclesLeft: Int)
    case settled(SettledCycle)
}

/// A settled cycle.
public struct SettledCycle: Sendable {
    public var rows: [SettledTrade]
    public var complete: Bool
    public var missing: [String]
    /// Ledger entries appended, and the height of the last block (nil without a ledger).
    public var ledgerEntries: Int
    public var ledgerHeight: UInt64?
    /// Files written, in order (`settlement.csv` is the last output: its presence marks the
    /// cycle settled).
    public var written: [String]
}

/// Settling a cycle: meters → deviation settlement, or priority-matrix settlement with
/// `matrixFile` (SPEC §3.5; both under the one `LateDataRule`) → reputation → ledger →
/// outputs. Order: everything is computed first; then the ledger entries are made durable;
/// then `grid.csv`, `reputation.json` and last `settlement.csv` are published atomically;
/// then the reputation state file is replaced. A cycle whose settlement the ledger already
/// holds (a run stopped before its files) is published without a second append.
public enum SettlementService {
    /// Settles `r`. `openLedger` (when given) is called only once there is something to
    /// record, so a pending cycle never creates or touches a ledger.
    public static func settle(_ r: SettlementRequest, openLedger: LedgerOpener?,
                              now: UTCTime) throws(AppError) -> SettlementResult {
        let dir = r.directory
        let settledMarker = FileSystem.join(dir, "settlement.csv")
        if FileSystem.exists(settledMarker) { return .alreadySettled(directory: dir) }
        let market = try loadMarket(r.marketFile)
        var matrix: PriceMatrix?
        if let m = r.matrixFile {
            do { matrix = try PriceMatrix.parseCSV(try FileSystem.read(m), file: m) } catch { throw CycleService.clearingError(error, cycle: r.cycle.description) }
        }
        guard matrix != nil || FileSystem.exists(r.tradesFile) else {
            throw .settlement("\(r.tradesFile): no trades for cycle \(r.cycle) (clear it first or pass --trades)")
        }
        var trades: [Trade] = []
        if matrix == nil { do { trades = try SettlementFiles.parseTrades(try FileSystem.read(r.tradesFile), file: r.tradesFile) } catch {
            throw CycleService.clearingError(error, cycle: r.cycle.description)
        } }
        let data: MeterDataFile.Contents
        do { data = try MeterDataFile.load(r.metersFile) } catch { throw .settlement("\(error)") }
        guard now >= r.cycle.end else { throw .settlement("cycle \(r.cycle) has not ended yet (ends \(r.cycle.end.rfc3339))") }
        let elapsed = Int((now.millis - r.cycle.end.millis) / CycleID.lengthMillis)

        let parties = MeteredEnergyAggregator.perParticipant(data.records, cycleStart: r.cycle.startMillis).map {
            MeteredParty(participant: $0.participantID, role: $0.channel == .exportEnergy ? .seller : .buyer, wh: $0.isComplete ? $0.wh : nil)
        }
        let outcome = matrix.map {
            PriorityMatrixSettlement(matrix: $0, config: market.settlement, gridBuyPrice: market.gridBuyPrice, gridSellPrice: market.gridSellPrice)
                .settle(metered: parties, cyclesElapsed: elapsed)
        } ?? DeviationSettlement(config: market.settlement, gridBuyPrice: market.gridBuyPrice, gridSellPrice: market.gridSellPrice)
            .settle(trades: trades, metered: parties, cyclesElapsed: elapsed)
        switch outcome {
        case let .pending(missing, left):
            return .pending(missing: missing, cyclesLeft: left)
        case let .settled(rows, grid, events, complete, missing):
            var book = ReputationBook()
            // With a ledger, reputation is the ledger's (SPEC §3.7); the state file is a copy.
            let ledger = try openLedger.map { o throws(AppError) in try CycleService.open(o) }
            if let s = try ledger?.reputationSnapshot(excludingCycle: r.cycle.description) {
                book = LedgerReputation.book(s)
            } else if let p = r.reputationFile, FileSystem.exists(p) {
                do { book = try ReputationBook(canonicalJSON: try FileSystem.read(p), file: p) } catch {
                    throw CycleService.clearingError(error, cycle: r.cycle.description)
                }
            }
            let changes = book.apply(events)
            var height: UInt64?
            var entries: [LedgerEntry] = []
            if let ledger {
                if let h = ledger.settlementHeight(ofCycle: r.cycle.description) {
                    // Recorded by a run that stopped before its files: publish, never append twice.
                    height = h
                } else {
                    entries = SettlementEntries.entries(cycle: r.cycle, rows: rows, grid: grid, changes: changes, meterRecords: data.records)
                    height = try ledger.commit(entries, now: now)
                }
            }
            var written: [String] = []
            do {
                try FileSystem.makeDirectories(dir)
                for (name, bytes) in [("grid.csv", SettlementFiles.gridCSV(grid)),
                                      ("reputation.json", SettlementFiles.reputationJSON(cycle: r.cycle.description, changes: changes, complete: complete, missing: missing)),
                                      ("settlement.csv", SettlementFiles.settlementCSV(rows))] {
                    let p = FileSystem.join(dir, name)
                    try GridClearSystem.AtomicFile.write(bytes, to: p)
                    written.append(p)
                }
                if let p = r.reputationFile { try GridClearSystem.AtomicFile.write(book.canonicalJSON(), to: p); written.append(p) }
            } catch { throw .publishFailed(cycle: r.cycle.description, height: height, message: "\(error)") }
            return .settled(SettledCycle(rows: rows, complete: complete, missing: missing, ledgerEntries: entries.count,
                                         ledgerHeight: height, written: written))
        }
    }

    static func loadMarket(_ path: String?) throws(AppError) -> MarketConfig {
        guard let path else { return MarketConfig() }
        do { return try MarketConfig().applying(json: try FileSystem.read(path), file: path) } catch {
            throw CycleService.clearingError(error, cycle: "-")
        }
    }
}
