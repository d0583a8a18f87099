import Clearing
import GridClearCore
import GridClearSystem
import LedgerLite
import Privacy

/// What `gridclear private run` reports.
public struct PrivateRunReport: Sendable {
    public var cycleID: String
    public var bids: Int, offers: Int
    public var matches: Int
    /// True when trades.csv is byte-identical to plaintext `clear --mechanism kproto`.
    public var equalsPlaintext: Bool
    public var rejected: [String]
    public var steps: [(name: String, seconds: Double)]
    public var plaintextSeconds: Double
    public var outputDirectory: String
    public var transcriptDirectory: String
    /// Height of the block that recorded the cycle (`--ledger`), nil when not recorded.
    public var ledgerHeight: UInt64? = nil
    /// The private settlement (`--meters`), nil when not asked for.
    public var settlement: PrivateSettlementReport? = nil
    /// Winners at fault after private settlement and what tracing gave (empty: none at fault).
    public var traced: [TraceOutcome] = []
    /// Warnings about the inputs, e.g. CSV reputations the ledger's replaced (`--ledger`).
    public var warnings: [String] = []
}

/// The whole private cycle from files to files (issue 14): reads the cycle folder like
/// `gridclear clear`, runs `PrivateCycle`, and writes `<out>/<cycle>/trades.csv` and
/// `summary.json` in the format of `clear --mechanism kproto`, one transcript per role in
/// `<out>/<cycle>/private/<role>.transcript` (no secret key material is ever written),
/// and `private/timings.json`. The plaintext K-prototypes result is computed in the same
/// run and compared. With a ledger the cycle clears with the ledger's reputation and is
/// recorded (with that `reputation.json`) before any output (`PrivateCycleInputs`).
public enum PrivateCycleRunner {
    public static func run(cycleDirectory: String, marketFile: String?, outputRoot: String,
                           options: PrivateCycleOptions, clock: @escaping @Sendable () -> UInt64,
                           ledger: PrivateLedgerTarget? = nil, meters: PrivateMeterInput? = nil) throws -> PrivateRunReport {
        // With a ledger: opened first, the participants' reputation taken from it (SPEC §3.7).
        let cycle = try PrivateCycleInputs.load(cycleDirectory: cycleDirectory, marketFile: marketFile, ledger: ledger)
        let inputs = cycle.inputs
        let p0 = clock()
        let plain = try KPrototypesMechanism().clear(inputs, context: ClearingContext())
        let plainSeconds = Double(clock() &- p0) / 1e9
        let outcome = try PrivateCycle.run(inputs, options: options, clock: clock)

        // Private settlement from the meters (the key holder decides on encrypted deviations).
        var settlement: PrivateSettlementReport? = nil
        var settlementEntries: [LedgerEntry] = []
        if let meters {
            switch try PrivateMeterSettlement.plaintext(meters, inputs: inputs, result: outcome.result) {
            case .pending(let missing, _):
                settlement = PrivateSettlementReport(pending: missing, outcomes: [:], equalsPlaintext: true)
            case .settled(let rows, _, _, _, _):
                let rs = PrivateMeterSettlement.readings(rows: rows, records: outcome.matching.matches, matches: outcome.matches, inputs: inputs)
                let meter = MeterRole()
                outcome.bus.add(meter)
                outcome.bus.post(try PrivateMeterSettlement.envelopes(rs, publicKey: outcome.keyHolder.publicKey, to: outcome.matching.address), from: meter)
                outcome.bus.run()
                let outs = outcome.matching.settlements
                settlement = PrivateSettlementReport(pending: [], outcomes: outs, equalsPlaintext: PrivateMeterSettlement.equal(rs, outs),
                                                     balances: outcome.operatorRole.balances)
                settlementEntries = PrivateLedgerRecord.settlementEntries(cycle: inputs.cycleID, matches: outcome.matching.matches, settlements: outs)
            }
        }
        // Winners beyond σ are traced by the authority with the trustees' shares.
        let traced = settlement == nil ? [] : PrivateTracing.inProcess(outcome, answering: options.tracingAnswering)
        // The ledger first (durable), then the outputs.
        var height: UInt64? = nil
        if cycle.ledger != nil {
            let d = outcome.matching.ledgerDigests
            let entries = try PrivateLedgerRecord.entries(cycle: inputs.cycleID, plans: d.plans, confirmations: d.confirmations, matches: outcome.matching.matches)
            height = try cycle.record(result: outcome.result, entries: entries + settlementEntries)
        }
        let dir = FileSystem.join(outputRoot, inputs.cycleID)
        let tdir = FileSystem.join(dir, "private")
        try FileSystem.makeDirectories(tdir)
        let trades = outcome.result.tradesCSV()
        try GridClearSystem.AtomicFile.write(Array(trades.utf8), to: FileSystem.join(dir, "trades.csv"))
        try GridClearSystem.AtomicFile.write(Array(outcome.result.summaryJSON(inputs: inputs, includeTimings: true).utf8), to: FileSystem.join(dir, "summary.json"))
        if traced.contains(where: { $0.identity != nil }) {
            try GridClearSystem.AtomicFile.write(Array(PrivateTracing.csv(traced).utf8), to: FileSystem.join(dir, "traced.csv"))
        }
        // The live roles' transcripts (settlement and tracing happened after the cycle returned).
        let transcripts = [outcome.matching.transcript, outcome.keyHolder.transcript, outcome.authority.transcript]
            + outcome.trusteeRoles.map(\.transcript) + outcome.participants.map(\.transcript)
        for t in transcripts {
            try GridClearSystem.AtomicFile.write(Array(t.render().utf8), to: FileSystem.join(tdir, "\(t.role).transcript"))
        }
        var steps = JSONWriter(), handlers = JSONWriter(), counts = JSONWriter(), sizes = JSONWriter()
        for st in outcome.timings.steps { steps.add(st.name, Double(st.nanos) / 1e9, decimals: 6) }
        let ph = outcome.timings.perHandler
        for k in ph.nanos.keys.sorted() { handlers.add(k, Double(ph.nanos[k]!) / 1e9, decimals: 6) }
        for k in ph.messages.keys.sorted() { counts.add(k, ph.messages[k]!); sizes.add(k, ph.bytes[k] ?? 0) }
        var j = JSONWriter()
        j.add("cycle", inputs.cycleID)
        j.add("paillier_bits", options.paillierBits)
        j.add("plaintext_kproto_seconds", plainSeconds, decimals: 6)
        j.add("steps_seconds", object: steps, indent: 1)
        j.add("handler_seconds", object: handlers, indent: 1)
        j.add("message_counts", object: counts, indent: 1)
        j.add("message_bytes", object: sizes, indent: 1)
        try GridClearSystem.AtomicFile.write(Array((j.render() + "\n").utf8), to: FileSystem.join(tdir, "timings.json"))

        return PrivateRunReport(cycleID: inputs.cycleID, bids: inputs.bids.count, offers: inputs.offers.count, matches: outcome.matches.count,
                                equalsPlaintext: trades == plain.tradesCSV(), rejected: outcome.rejected.map { "\($0.identity): \($0.reason)" },
                                steps: outcome.timings.steps.map { ($0.name, Double($0.nanos) / 1e9) }, plaintextSeconds: plainSeconds,
                                outputDirectory: dir, transcriptDirectory: tdir, ledgerHeight: height, settlement: settlement, traced: traced,
                                warnings: inputs.warnings)
    }
}
