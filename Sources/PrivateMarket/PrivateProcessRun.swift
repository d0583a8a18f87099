import Clearing
import Crypto
import GridClearCore
import GridClearSystem
import LedgerLite
import Privacy

/// Starts one role process with its setup on stdin; returns a function that waits for it
/// and gives its exit status. Provided by the executable (it spawns itself).
public typealias NodeSpawner = (_ setup: NodeSetup) throws -> () throws -> Int32

/// A private cycle with every role in its own process (issue 14, item 5): key holder,
/// registration authority, trustees, matching service, and participant hosts (each
/// running `participantsPerProcess` participant roles), talking over unix sockets in a
/// private 0700 run directory, or over loopback TCP (`tcp`), with Ed25519-authenticated frames. The operator (this
/// process) only spawns, sequences plan publication in arrival order, closes the gate,
/// receives the published records and the participants' slot reports, and writes results.
///
/// Secrets go to each process on stdin only; transcripts (no secrets) are written by each
/// process to `<out>/<cycle>/private/`.
public enum PrivateProcessRun {
    public static func run(cycleDirectory: String, marketFile: String?, outputRoot: String, runDir: String,
                           options: PrivateCycleOptions, participantsPerProcess: Int = 25,
                           clock: @escaping @Sendable () -> UInt64, spawn: NodeSpawner,
                           ledger: PrivateLedgerTarget? = nil, tcp: Bool = false, meters: PrivateMeterInput? = nil) throws -> PrivateRunReport {
        // With a ledger: opened first, the participants' reputation taken from it (SPEC §3.7);
        // each participant process applies its own (`PrivateCycleInputs.reputationMilli`).
        let cycle = try PrivateCycleInputs.load(cycleDirectory: cycleDirectory, marketFile: marketFile, ledger: ledger)
        let files = cycle.files, inputs = cycle.inputs
        let p0 = clock()
        let plain = try KPrototypesMechanism().clear(inputs, context: ClearingContext())
        let plainSeconds = Double(clock() &- p0) / 1e9
        if let meters { _ = try PrivateMeterSettlement.plaintext(meters, inputs: inputs, result: plain) }   // bad meters fail before any process starts
        var steps: [(String, Double)] = []
        var t0 = clock()
        func step(_ name: String) { let t = clock(); steps.append((name, Double(t &- t0) / 1e9)); t0 = t }

        let outDir = FileSystem.join(outputRoot, inputs.cycleID), tdir = FileSystem.join(outDir, "private")
        try FileSystem.makeDirectories(tdir)
        let bids = inputs.bidsByArrival, offers = inputs.offersByArrival

        // Keys and secrets (handed out on stdin, never written).
        let sk = try PaillierPrivateKey.generate(bits: options.paillierBits)
        var rng = SystemCSPRNG()
        let (tracing, shares) = try ThresholdTracingKey.deal(threshold: options.threshold, trustees: options.trustees, using: &rng)
        struct Party {
            var identity: String; var anon: String; var quote: String; var side: PlanSide; var row: [UInt8]; var record: PedersenOpening
            var reputationMilli: Int64?
        }
        let pp = PedersenParameters.standard
        func row(_ csv: [UInt8], line: Int) -> [UInt8] {
            let lines = csv.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            return Array(lines[line - 1])
        }
        func anon() -> String { "anon-" + (0..<8).map { _ in String(rng.next() & 0xF, radix: 16) }.joined() }
        var parties: [Party] = offers.map { o in Party(identity: "\(o.sellerID)#\(o.id)", anon: anon(), quote: o.id, side: .sell,
                                                       row: row(files.offersCSV, line: o.line), record: pp.commit(o.quantity).opening,
                                                       reputationMilli: cycle.reputationMilli(of: o.sellerID)) }
        parties += bids.map { b in Party(identity: "\(b.buyerID)#\(b.id)", anon: anon(), quote: b.id, side: .buy,
                                         row: row(files.bidsCSV, line: b.line), record: pp.commit(b.quantity * b.price).opening,
                                         reputationMilli: cycle.reputationMilli(of: b.buyerID)) }
        let ca = try options.makeAuthority(tracingKey: tracing.publicKey, registered: Set(parties.map(\.identity)))
        let trusteeAddresses = shares.map { "trustee-\($0.index)" }
        var keys: [String: Curve25519.Signing.PrivateKey] = [:]
        for a in ["operator", "key-holder", "registration-authority", "matching-service"] + trusteeAddresses + parties.flatMap({ [$0.identity, $0.anon] }) {
            keys[a] = Curve25519.Signing.PrivateKey()
        }
        let directory = keys.keys.sorted().map { ($0, Array(keys[$0]!.publicKey.rawRepresentation)) }
        let market = PublicMarketData(files)
        func setup(_ kind: NodeSetup.Kind, _ name: String, _ addrs: [String], _ body: (inout MarketWriter) -> Void) -> NodeSetup {
            var w = MarketWriter(); body(&w)
            return NodeSetup(kind: kind, runDir: runDir, transcriptPath: FileSystem.join(tdir, name), channelKeys: addrs.map { ($0, Array(keys[$0]!.rawRepresentation)) },
                             directory: directory, paillierModulus: sk.publicKey.modulus, body: w.bytes)
        }
        func header(_ csv: [UInt8]) -> [UInt8] { Array(csv.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).first ?? []) }

        var setups: [NodeSetup] = []
        setups.append(setup(.keyHolder, "key-holder", ["key-holder"]) { $0.blob(sk.serialize()) })
        setups.append(setup(.authority, "registration-authority", ["registration-authority"]) { w in
            w.u64(options.round); w.text(ca.pemRepresentation); w.u16(options.candidates)
            w.array(parties.map(\.identity)) { $0.text($1) }
            w.array(tracing.commitments.coefficients) { $0.point($1) }
        })
        for (s, a) in zip(shares, trusteeAddresses) {
            setups.append(setup(.trustee, a, [a]) { w in w.u32(Int(s.index)); w.scalar(s.value); w.array(tracing.commitments.coefficients) { $0.point($1) } })
        }
        setups.append(setup(.matching, "matching-service", ["matching-service"]) { w in
            w.text(inputs.cycleID); w.blob(ca.publicKey.derRepresentation); w.u64(options.round)
            w.array(parties.map { pp.commit($0.record) }) { $0.commitment($1) }
            w.i64(Int64((inputs.market.settlement.tolerancePct * 100).rounded()))
            market.write(to: &w)
        })
        let group = max(1, participantsPerProcess)
        for start in stride(from: 0, to: parties.count, by: group) {
            let hosted = Array(parties[start..<min(start + group, parties.count)])
            setups.append(setup(.participant, "participants-\(start / group)", hosted.flatMap { [$0.anon, $0.identity] }) { w in
                w.text(inputs.cycleID); w.blob(ca.publicKey.derRepresentation); w.u64(options.round); w.point(tracing.publicKey)
                w.u16(options.candidates); market.write(to: &w); w.blob(header(files.offersCSV)); w.blob(header(files.bidsCSV))
                w.array(hosted) { w, p in
                    w.text(p.identity); w.text(p.anon); w.text(p.quote); w.u8(p.side.rawValue); w.blob(p.row)
                    w.i64(p.record.value); w.scalar(p.record.blinding)
                    w.bool(p.reputationMilli != nil); if let m = p.reputationMilli { w.i64(m) }
                }
            })
        }
        // TCP transport: one loopback port per process, every address routed to its process's port.
        var operatorEndpoint: MarketEndpoint? = nil
        var endpoints: [(address: String, endpoint: String)] = []
        if tcp {
            let ports = try MarketSocket.freeLoopbackPorts(setups.count + 1)
            operatorEndpoint = .tcp(host: "127.0.0.1", port: ports[setups.count])
            endpoints.append(("operator", operatorEndpoint!.description))
            for i in setups.indices {
                let e = MarketEndpoint.tcp(host: "127.0.0.1", port: ports[i])
                setups[i].listen = e.description
                endpoints += setups[i].channelKeys.map { ($0.address, e.description) }
            }
            for i in setups.indices { setups[i].endpoints = endpoints }
        }
        step("setup (keys)")

        // The operator's own node, then every role process.
        let op = OperatorRole()
        let node = try MarketNode(roles: [op], keys: ["operator": keys["operator"]!],
                                  directory: Dictionary(uniqueKeysWithValues: try directory.map { ($0.0, try Curve25519.Signing.PublicKey(rawRepresentation: $0.1)) }),
                                  runDir: runDir, publicKey: sk.publicKey,
                                  endpoints: Dictionary(try endpoints.map { ($0.address, try MarketEndpoint(parsing: $0.endpoint)) }, uniquingKeysWith: { a, _ in a }),
                                  listen: operatorEndpoint)
        let waits = try setups.map { try spawn($0) }
        func waitFor(_ done: () -> Bool, _ what: String) throws {
            var idle = 0
            while !done() {
                if let (role, from, m) = try node.receive(timeoutMilliseconds: 1000) { _ = try role.handle(m, from: from); idle = 0 }
                else { idle += 1; if idle > 300 { throw PrivateMarketError.incomplete("timed out waiting for \(what)") } }
            }
        }
        // Plans reach the matching service in arrival order: one at a time.
        for p in parties {
            try node.send([MarketEnvelope(to: p.anon, .submitPlan)], from: op)
            try waitFor({ op.reports[(p.side == .sell ? "offer:" : "bid:") + p.quote] != nil }, "the plan of \(p.quote)")
        }
        step("registration + plans (proofs)")
        try node.send([MarketEnvelope(to: "matching-service", .gateClosed)], from: op)
        try waitFor({ op.published != nil }, "the published match records")
        step("range, encryption, matching, confirmation")
        // Publish: slots back to quotes through the parties' own reports.
        var buyerSlot: [Int: Int] = [:], sellerSlot: [Int: Int] = [:]
        for (i, o) in offers.enumerated() { if let s = op.reports["offer:" + o.id], s >= 0 { sellerSlot[s] = i } }
        for (i, b) in bids.enumerated() { if let s = op.reports["bid:" + b.id], s >= 0 { buyerSlot[s] = i } }
        var matches: [KProtoReplay.Match] = []
        for m in op.published ?? [] {
            guard let b = buyerSlot[m.record.buyerSlot], let o = sellerSlot[m.record.sellerSlot], let price = m.price else {
                throw PrivateMarketError.incomplete("record \(m.record.id) is not confirmed by both parties")
            }
            matches.append(KProtoReplay.Match(bid: b, offer: o, energy: m.record.energy, price: price))
        }
        let result = try KProtoReplay.result(inputs, matches: matches)
        // Private settlement from the meters, while the roles still run.
        var settlement: PrivateSettlementReport? = nil
        var settlementEntries: [LedgerEntry] = []
        if let meters {
            switch try PrivateMeterSettlement.plaintext(meters, inputs: inputs, result: result) {
            case .pending(let missing, _):
                settlement = PrivateSettlementReport(pending: missing, outcomes: [:], equalsPlaintext: true)
            case .settled(let rows, _, _, _, _):
                let published = op.published ?? []
                let rs = PrivateMeterSettlement.readings(rows: rows, records: published, matches: matches, inputs: inputs)
                try node.send(try PrivateMeterSettlement.envelopes(rs, publicKey: sk.publicKey, to: "matching-service"), from: op)
                try waitFor({ rs.allSatisfy { op.settlements[$0.record] != nil } }, "the private settlement decisions")
                let debited = rs.filter { r in published.contains { $0.record.id == r.record && $0.price != nil } }.count
                try waitFor({ op.balances.count >= debited }, "the buyers' balance updates")
                settlement = PrivateSettlementReport(pending: [], outcomes: op.settlements, equalsPlaintext: PrivateMeterSettlement.equal(rs, op.settlements),
                                                     balances: op.balances)
                settlementEntries = PrivateLedgerRecord.settlementEntries(cycle: inputs.cycleID, matches: published, settlements: op.settlements)
            }
        }
        // Winners beyond σ: the operator orders the authority to trace each at-fault tag.
        var traced: [TraceOutcome] = []
        if let st = settlement, st.pending.isEmpty {
            try waitFor({ op.faultTags.count >= PrivateTracing.expectedFaultTags(st.outcomes) }, "the tracing tags of at-fault winners")
            let asked = Array(trusteeAddresses.prefix(options.tracingAnswering ?? trusteeAddresses.count))
            for f in PrivateTracing.orders(op) {
                try node.send([MarketEnvelope(to: "registration-authority", .traceOrder(tag: f.tag, trustees: asked))], from: op)
                try waitFor({ op.traceResults[f.tag] != nil }, "the trace of an at-fault winner")
                traced.append(PrivateTracing.outcome(f.tag, f.reason, op))
            }
        }
        for a in ["key-holder", "registration-authority", "matching-service"] + trusteeAddresses + stride(from: 0, to: parties.count, by: group).map({ parties[$0].anon }) {
            try node.send([MarketEnvelope(to: a, .shutdown)], from: op)
        }
        var failed: [String] = []
        for (s, w) in zip(setups, waits) { let rc = try w(); if rc != 0 { failed.append("\(s.transcriptPath) exited \(rc)") } }
        guard failed.isEmpty else { throw PrivateMarketError.incomplete(failed.joined(separator: "; ")) }

        let trades = result.tradesCSV()
        // The ledger first (durable), then the outputs.
        var height: UInt64? = nil
        if cycle.ledger != nil {
            guard let d = op.ledgerDigests else { throw PrivateMarketError.incomplete("the matching service sent no ledger digests") }
            let entries = try PrivateLedgerRecord.entries(cycle: inputs.cycleID, plans: d.plans, confirmations: d.confirmations, matches: op.published ?? [])
            height = try cycle.record(result: result, entries: entries + settlementEntries)
        }
        try GridClearSystem.AtomicFile.write(Array(trades.utf8), to: FileSystem.join(outDir, "trades.csv"))
        if traced.contains(where: { $0.identity != nil }) {
            try GridClearSystem.AtomicFile.write(Array(PrivateTracing.csv(traced).utf8), to: FileSystem.join(outDir, "traced.csv"))
        }
        try GridClearSystem.AtomicFile.write(Array(result.summaryJSON(inputs: inputs, includeTimings: true).utf8), to: FileSystem.join(outDir, "summary.json"))
        try GridClearSystem.AtomicFile.write(Array(op.transcript.render().utf8), to: FileSystem.join(tdir, "operator.transcript"))
        step("publish")
        let rejected = op.reports.filter { $0.value < 0 }.map { "\($0.key): plan or registration refused (see its transcript)" }.sorted()
        return PrivateRunReport(cycleID: inputs.cycleID, bids: bids.count, offers: offers.count, matches: matches.count,
                                equalsPlaintext: trades == plain.tradesCSV(), rejected: rejected, steps: steps,
                                plaintextSeconds: plainSeconds, outputDirectory: outDir, transcriptDirectory: tdir, ledgerHeight: height,
                                settlement: settlement, traced: traced, warnings: inputs.warnings)
    }
}
