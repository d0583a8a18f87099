import GridClearCore

/// One entry of the ledger: a typed, canonically encoded record of something the market
/// decided. Guarantees: `LedgerEntry.decode(e.encoded()) == e`, and equal entries have equal
/// bytes on every machine (fields in fixed order, big-endian, no maps, inputs sorted by name).
public enum LedgerEntry: Sendable, Hashable {
    case genesis(GenesisEntry)
    case clearedCycle(ClearedCycleEntry)
    case settlement(SettlementEntry)
    case reputationChange(ReputationChangeEntry)
    case meterDigest(MeterDigestEntry)
    case rejectedCycle(RejectedCycleEntry)
    /// BFT mode (issue 17): roster change, committee epoch, recorded endorsement disagreement.
    case membership(MembershipEntry)
    case committeeEpoch(CommitteeEpochEntry)
    case disagreement(DisagreementEntry)
    // privacy-preserving market (SPEC §4.4; PrivateMarketEntries.swift)
    case privatePlan(PrivatePlanEntry)
    case privateMatch(PrivateMatchEntry)
    case privateSettlement(PrivateSettlementEntry)
    // service intake (RejectedSubmissionEntry.swift)
    case rejectedSubmission(RejectedSubmissionEntry)

    /// Tag byte of each kind in the canonical encoding.
    public enum Tag: UInt8, Sendable { case genesis = 1, clearedCycle = 2, settlement = 3, reputationChange = 4, meterDigest = 5, rejectedCycle = 6,
                                      membership = 7, committeeEpoch = 8, disagreement = 9,
                                      privatePlan = 10, privateMatch = 11, privateSettlement = 12, rejectedSubmission = 13 }

    public var tag: Tag {
        switch self {
        case .genesis: return .genesis
        case .clearedCycle: return .clearedCycle
        case .settlement: return .settlement
        case .reputationChange: return .reputationChange
        case .meterDigest: return .meterDigest
        case .rejectedCycle: return .rejectedCycle
        case .membership: return .membership
        case .committeeEpoch: return .committeeEpoch
        case .disagreement: return .disagreement
        case .privatePlan: return .privatePlan
        case .privateMatch: return .privateMatch
        case .privateSettlement: return .privateSettlement
        case .rejectedSubmission: return .rejectedSubmission
        }
    }

    /// The cycle this entry belongs to, if any.
    public var cycleID: String? {
        switch self {
        case .genesis, .membership, .committeeEpoch: return nil
        case .disagreement(let d): return d.cycleID
        case .clearedCycle(let c): return c.cycleID
        case .settlement(let s): return s.cycleID
        case .reputationChange(let r): return r.cycleID
        case .meterDigest(let m): return m.cycleID
        case .rejectedCycle(let r): return r.cycleID
        case .privatePlan(let p): return p.cycleID
        case .privateMatch(let m): return m.cycleID
        case .privateSettlement(let s): return s.cycleID
        case .rejectedSubmission(let r): return r.cycleID
        }
    }
}

/// The first entry of every ledger: who may sign blocks and how blocks are cut.
public struct GenesisEntry: Sendable, Hashable {
    public var ledgerID: String
    public var createdMillis: Int64
    /// Ed25519 public keys (32 bytes each) trusted to sign blocks, sorted.
    public var signerKeys: [[UInt8]]
    /// Block cutting: maximum entries per block (MMC) and maximum batch time in ms (MBT).
    public var maxEntriesPerBlock: UInt32
    public var maxBatchMillis: UInt64
    /// The BFT committee of a replicated ledger (nil for an embedded ledger; see `GenesisCommittee`).
    public var committee: GenesisCommittee?
    public init(ledgerID: String, createdMillis: Int64, signerKeys: [[UInt8]], maxEntriesPerBlock: UInt32, maxBatchMillis: UInt64,
                committee: GenesisCommittee? = nil) {
        self.ledgerID = ledgerID; self.createdMillis = createdMillis; self.committee = committee
        self.signerKeys = signerKeys.sorted { $0.lexicographicallyPrecedes($1) }
        self.maxEntriesPerBlock = maxEntriesPerBlock; self.maxBatchMillis = maxBatchMillis
    }
}

/// A named raw input file of a cycle (e.g. `offers.csv`, `cycle/market.json`).
public struct InputFile: Sendable, Hashable {
    public var name: String
    public var bytes: [UInt8]
    public init(name: String, bytes: [UInt8]) { self.name = name; self.bytes = bytes }
}

/// A cleared cycle with everything needed to re-clear it: the raw inputs, the mechanism and
/// its parameters, the canonical trades and summary. In the Merkle tree it is represented by
/// its commitment (`CycleCommitment`), which binds the large parts by digests so that a
/// proof for one trade stays small.
public struct ClearedCycleEntry: Sendable, Hashable {
    public var cycleID: String
    public var mechanism: String
    public var solver: String
    public var seed: UInt64
    /// Raw input files, sorted by name.
    public var inputs: [InputFile]
    /// The trades as the length-prefixed table the ledger stores (never a delimited text).
    /// Row numbers in proofs are 1-based indices into `trades.rows`.
    public var trades: TradeTable
    /// Canonical `summary.json` bytes (no timings).
    public var summaryJSON: [UInt8]

    public init(cycleID: String, mechanism: String, solver: String, seed: UInt64, inputs: [InputFile], trades: TradeTable, summaryJSON: [UInt8]) {
        self.cycleID = cycleID; self.mechanism = mechanism; self.solver = solver; self.seed = seed
        self.inputs = inputs.sorted { $0.name < $1.name }
        self.trades = trades; self.summaryJSON = summaryJSON
    }

    /// From canonical `trades.csv` bytes (what `ClearingResult.tradesCSV()` renders).
    /// - Throws: `TradeTable.Failure` when the bytes are not exactly a table's rendering.
    public init(cycleID: String, mechanism: String, solver: String, seed: UInt64, inputs: [InputFile], tradesCSV: [UInt8], summaryJSON: [UInt8]) throws {
        self.init(cycleID: cycleID, mechanism: mechanism, solver: solver, seed: seed, inputs: inputs,
                  trades: try TradeTable(csv: tradesCSV), summaryJSON: summaryJSON)
    }

    /// Canonical `trades.csv` bytes: the rendering of `trades`, byte for byte what is published.
    public var tradesCSV: [UInt8] { trades.csv() }
}

/// Money moved in settlement of one participant for one cycle.
public struct SettlementEntry: Sendable, Hashable {
    public var cycleID: String
    public var participantID: String
    /// Signed energy deviation settled, Wh.
    public var energyWh: Int64
    /// Signed amount in units of 1e-7 CNY.
    public var amount: Int64
    public var reason: String
    public init(cycleID: String, participantID: String, energyWh: Int64, amount: Int64, reason: String) {
        self.cycleID = cycleID; self.participantID = participantID; self.energyWh = energyWh; self.amount = amount; self.reason = reason
    }
}

/// A participant's reputation moved from `before` to `after` (units of 0.001 points).
public struct ReputationChangeEntry: Sendable, Hashable {
    public var cycleID: String
    public var participantID: String
    public var before: Int64
    public var after: Int64
    public var reason: String
    public init(cycleID: String, participantID: String, before: Int64, after: Int64, reason: String) {
        self.cycleID = cycleID; self.participantID = participantID; self.before = before; self.after = after; self.reason = reason
    }
}

/// The digest of one meter's readings for one cycle (the readings themselves stay off-ledger).
public struct MeterDigestEntry: Sendable, Hashable {
    public var cycleID: String
    public var meterID: String
    public var participantID: String
    public var readings: UInt32
    /// SHA-256 of the canonical readings file (32 bytes).
    public var digest: [UInt8]
    public init(cycleID: String, meterID: String, participantID: String, readings: UInt32, digest: [UInt8]) {
        self.cycleID = cycleID; self.meterID = meterID; self.participantID = participantID; self.readings = readings; self.digest = digest
    }
}

/// A cycle that was due but not cleared: its inputs were invalid (or its clearing failed), so
/// nothing of it was decided. The reason is the one-line error, at most `maxReasonBytes`.
/// Recorded by the scheduler so that every due cycle leaves a trace and is not retried.
public struct RejectedCycleEntry: Sendable, Hashable {
    public static let maxReasonBytes = 1024
    public var cycleID: String
    public var reason: String
    public init(cycleID: String, reason: String) {
        self.cycleID = cycleID
        var r = reason
        while r.utf8.count > Self.maxReasonBytes { r.removeLast() }
        self.reason = r
    }
}
