import Testing
import Foundation
import GridClearTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Hostile input through the real binary (issue 13, SPEC §2 bounds): every case must end
/// with exit code 1 (never a signal, never ≥ 128), exactly one line on stderr naming the
/// place (file, and line:column where there is one), nothing in `--out` and nothing in the
/// ledger. Classes: injection through ids, overflow, control characters, size, special
/// files, duplicate keys.
@Suite(.serialized) struct HostileInputTests {
    static let cycle = "20261120T1000Z"
    static let offerHeader = "offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation"
    static let bidHeader = "bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation"
    static let goodOffers = offerHeader + "\nO1,S1,0.5,100,solar,39.9,116.4,80\nO2,S2,0.6,150,wind,39.95,116.4,90\n"
    static let goodBids = bidHeader + "\nB1,P1,0.8,100,39.9,116.4,80\nB2,P2,0.7,150,39.95,116.4,75\n"
    static let market = (try? String(contentsOf: packageRoot.appendingPathComponent("Inputs/market.json"), encoding: .utf8)) ?? "{}"

    /// A scratch workspace: `Inputs/market.json` and `Inputs/<cycle>/{offers,bids}.csv`.
    struct Workspace {
        let folder: TemporaryFolder
        let root: URL
        var inputs: URL { root.appendingPathComponent("Inputs") }
        var cycleDir: URL { inputs.appendingPathComponent(HostileInputTests.cycle) }
        var offers: URL { cycleDir.appendingPathComponent("offers.csv") }
        var bids: URL { cycleDir.appendingPathComponent("bids.csv") }

        init(offers: String = HostileInputTests.goodOffers, bids: String = HostileInputTests.goodBids,
             market: String = HostileInputTests.market) throws {
            folder = try TemporaryFolder("HostileInputTests")
            root = folder.url
            try FileManager.default.createDirectory(at: root.appendingPathComponent("Inputs/\(HostileInputTests.cycle)"), withIntermediateDirectories: true)
            try Data(market.utf8).write(to: inputs.appendingPathComponent("market.json"))
            try Data(offers.utf8).write(to: self.offers)
            try Data(bids.utf8).write(to: self.bids)
        }

        func replace(_ url: URL, with bytes: [UInt8]) throws {
            try? FileManager.default.removeItem(at: url)
            try Data(bytes).write(to: url)
        }

        func clear(_ extra: [String] = []) throws -> CLIResult {
            try runGridclear(["clear", "Inputs/\(HostileInputTests.cycle)", "--out", "Outputs", "--ledger", "Ledger", "--quiet"] + extra, cwd: root)
        }

        /// True when neither an output nor a ledger entry was written.
        var nothingWritten: Bool {
            let fm = FileManager.default
            let outs = (try? fm.subpathsOfDirectory(atPath: root.appendingPathComponent("Outputs").path)) ?? []
            let ledger = (try? fm.contentsOfDirectory(atPath: root.appendingPathComponent("Ledger").path)) ?? []
            let ledgerData = ledger.filter { name in
                let attrs = try? fm.attributesOfItem(atPath: root.appendingPathComponent("Ledger/\(name)").path)
                return name.hasSuffix(".gcl") && ((attrs?[.size] as? Int) ?? 0) > 0
            }
            return outs.isEmpty && ledgerData.isEmpty
        }

        func remove() { folder.remove() }
    }

    /// Runs `clear` and checks the contract: exit 1, one stderr line containing `place` and
    /// `text`, no control character, nothing written.
    func expectRejected(_ ws: Workspace, place: String, _ text: String = "", mechanism: String? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try ws.clear(mechanism.map { ["--mechanism", $0] } ?? [])
        #expect(r.status == 1, "exit \(r.status), stderr: \(r.stderr.prefix(500))", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1 && r.stderr.hasSuffix("\n"), "stderr is not one line: \(r.stderr.prefix(500).debugDescription)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(place), "stderr does not name \(place): \(r.stderr.prefix(500))", sourceLocation: sourceLocation)
        #expect(text.isEmpty || r.stderr.contains(text), "stderr lacks '\(text)': \(r.stderr.prefix(500))", sourceLocation: sourceLocation)
        #expect(!r.stderr.dropLast().unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                "control character on stderr", sourceLocation: sourceLocation)
        #expect(r.stderr.utf8.count < 1_000, "error line of \(r.stderr.utf8.count) bytes", sourceLocation: sourceLocation)
        #expect(ws.nothingWritten, "something was written to Outputs or the ledger", sourceLocation: sourceLocation)
    }

    // MARK: injection through identifiers (issue 13 item 1)

    /// The forged-trade injection: a quoted newline in an id carrying a whole fake trade row.
    @Test func quotedNewlineInIdIsRejected() throws {
        let forged = "\"o1\nb2,o2,p2,s2,1000000.000,0.0001,0.1000000,0,0,,,accepted,\""
        let ws = try Workspace(offers: Self.offerHeader + "\n\(forged),S1,0.5,100,solar,39.9,116.4,80\n")
        defer { ws.remove() }
        try expectRejected(ws, place: "offers.csv:2:1: column 'offer_id'", "U+000A")
    }

    @Test(arguments: ["\"B\r\nX\"", "\"B,1\"", "\"B\"\"q\"", "B 1", "Bé", "B\u{7}", "\"\"", String(repeating: "b", count: 65)])
    func badBidIdIsRejected(_ id: String) throws {
        let ws = try Workspace(bids: Self.bidHeader + "\n\(id),P1,0.8,100,39.9,116.4,80\n")
        defer { ws.remove() }
        try expectRejected(ws, place: "bids.csv:2:1: column 'bid_id'")
    }

    @Test func badParticipantIdsAreRejected() throws {
        let ws = try Workspace(offers: Self.offerHeader + "\nO1,S/1,0.5,100,solar,39.9,116.4,80\n")
        defer { ws.remove() }
        try expectRejected(ws, place: "offers.csv:2:2: column 'seller_id'", "U+002F")
        let ws2 = try Workspace(bids: Self.bidHeader + "\nB1,\"P\u{1b}[2J\",0.8,100,39.9,116.4,80\n")
        defer { ws2.remove() }
        try expectRejected(ws2, place: "bids.csv:2:2: column 'buyer_id'", "\\u{1b}")
    }

    /// A 1 MiB id (the issue's was 34 MiB): rejected while parsing, echoed short.
    @Test func hugeIdIsRejectedWithAShortMessage() throws {
        let ws = try Workspace(offers: Self.offerHeader + "\n" + String(repeating: "o", count: 1 << 20) + ",S1,0.5,100,solar,39.9,116.4,80\n")
        defer { ws.remove() }
        try expectRejected(ws, place: "offers.csv:2:1: column 'offer_id'", "1048576 bytes")
    }

    // MARK: overflow (issue 13 item 2)

    @Test(arguments: ["cmap", "kproto", "cda", "uniform"])
    func absurdPricesAreRejected(_ mechanism: String) throws {
        for price in ["10000000000", "922337203685477.5807", "1000.0001"] {
            let ws = try Workspace(bids: Self.bidHeader + "\nB1,P1,\(price),100,39.9,116.4,80\n")
            defer { ws.remove() }
            try expectRejected(ws, place: "bids.csv:2:3: column 'price'", "at most 1000 CNY/kWh", mechanism: mechanism)
        }
        let ws = try Workspace(bids: Self.bidHeader + "\nB1,P1,9223372036854775808,100,39.9,116.4,80\n")
        defer { ws.remove() }
        try expectRejected(ws, place: "bids.csv:2:3: column 'price'", "out of range", mechanism: mechanism)
    }

    @Test(arguments: ["cmap", "kproto", "cda", "uniform"])
    func absurdQuantitiesAreRejected(_ mechanism: String) throws {
        for q in ["999999999999.999", "10000000.001"] {
            let ws = try Workspace(offers: Self.offerHeader + "\nO1,S1,0.5,\(q),solar,39.9,116.4,80\n")
            defer { ws.remove() }
            try expectRejected(ws, place: "offers.csv:2:4: column 'quantity_kwh'", "at most 10000000 kWh", mechanism: mechanism)
        }
    }

    /// Rows within bounds whose side total would let money sums overflow.
    @Test func sideTotalIsBounded() throws {
        let rows = (1...41).map { "O\($0),S\($0),1000,10000000,solar,39.9,116.4,80" }.joined(separator: "\n")
        let ws = try Workspace(offers: Self.offerHeader + "\n" + rows + "\n")
        defer { ws.remove() }
        try expectRejected(ws, place: "offers.csv:42:", "at most 400000000 kWh")
    }

    @Test func absurdMarketPriceIsRejected() throws {
        let ws = try Workspace(market: "{\"grid_buy_price\": \"1000000\"}")
        defer { ws.remove() }
        try expectRejected(ws, place: "Inputs/market.json:1:2", "at most 1000 CNY/kWh")
    }

    /// The largest valid values clear with every mechanism (arithmetic proven in range).
    @Test(arguments: ["cmap", "kproto", "cda", "uniform"])
    func largestValidValuesClear(_ mechanism: String) throws {
        func run(quantity: String) throws -> CLIResult {
            let offers = (1...20).map { "O\($0),S\($0),\($0 % 2 == 0 ? "1000" : "0.0001"),\(quantity),solar,39.9,116.4,80" }.joined(separator: "\n")
            let bids = (1...20).map { "B\($0),P\($0),\($0 % 3 == 0 ? "0.0001" : "1000"),\(quantity),39.9,116.4,100" }.joined(separator: "\n")
            let ws = try Workspace(offers: Self.offerHeader + "\n" + offers + "\n", bids: Self.bidHeader + "\n" + bids + "\n",
                                   market: "{\"grid_buy_price\": \"1000\", \"grid_sell_price\": \"1000\", \"price_max\": \"1000\"}")
            defer { ws.remove() }
            return try ws.clear(["--mechanism", mechanism])
        }
        // The largest valid quantities and prices clear in every mechanism (CMAP's network
        // simplex holds totals up to 2^52 Wh, so the old 2^29 model limit is gone).
        let r = try run(quantity: "10000000")
        #expect(r.status == 0, "\(mechanism): exit \(r.status): \(r.stderr)")
    }

    // MARK: control characters

    @Test func controlCharactersAreEscapedInTheMessage() throws {
        let ws = try Workspace(offers: Self.offerHeader + "\nO1,S1,0.5,100,\"so\u{1b}]0;pwned\u{7}\nlar\",39.9,116.4,80\n")
        defer { ws.remove() }
        try expectRejected(ws, place: "offers.csv:2:5: column 'energy_type'", "\\u{1b}]0;pwned\\u{7}\\nlar")
    }

    @Test func invalidUTF8IsRejected() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        try ws.replace(ws.bids, with: Array((Self.bidHeader + "\nB1,P1,0.8,100,39.9,116.4,8").utf8) + [0xFF, 0x0A])
        try expectRejected(ws, place: "bids.csv:2:7", "invalid UTF-8")
    }

    // MARK: size

    @Test func tooManyRowsAreRejected() throws {
        var rows = Self.bidHeader + "\n"
        rows.reserveCapacity(100_002 * 32)
        for k in 0...100_000 { rows += "B\(k),P,0.8,1,39.9,116.4,80\n" }
        let ws = try Workspace(bids: rows)
        defer { ws.remove() }
        try expectRejected(ws, place: "bids.csv:100002:1", "at most 100000 rows per side")
    }

    /// 5,000 × 5,000 rows: each side is within bounds, the pair matrices would not be.
    @Test func tooManyPairsAreRejected() throws {
        var offers = Self.offerHeader + "\n", bids = Self.bidHeader + "\n"
        for k in 0..<5_000 { offers += "O\(k),S,0.5,1,solar,39.9,116.4,80\n"; bids += "B\(k),P,0.8,1,39.9,116.4,80\n" }
        let ws = try Workspace(offers: offers, bids: bids)
        defer { ws.remove() }
        try expectRejected(ws, place: "bids.csv: ", "25000000 pairs; a cycle forms at most 20000000")
    }

    @Test func tooManyFieldsAreRejected() throws {
        let ws = try Workspace(bids: Self.bidHeader + "\n" + String(repeating: ",", count: 10_000) + "\n")
        defer { ws.remove() }
        try expectRejected(ws, place: "bids.csv:2:65", "more than 64 fields")
    }

    /// A 257 MiB (sparse) file is refused from its size, before it is read.
    @Test func oversizedFileIsRejected() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        #expect(truncate(ws.offers.path, 257 << 20) == 0)
        try expectRejected(ws, place: "offers.csv", "larger than 256 MiB")
    }

    // MARK: special files

    @Test func symlinkToDevZeroIsRejected() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        try FileManager.default.removeItem(at: ws.bids)
        try FileManager.default.createSymbolicLink(atPath: ws.bids.path, withDestinationPath: "/dev/zero")
        try expectRejected(ws, place: "bids.csv", "character device, not a regular file")
    }

    @Test func fifoIsRejectedWithoutBlocking() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        try FileManager.default.removeItem(at: ws.offers)
        #expect(mkfifo(ws.offers.path, 0o600) == 0)
        try expectRejected(ws, place: "offers.csv", "FIFO, not a regular file")
    }

    @Test func directoryIsRejected() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        try FileManager.default.removeItem(at: ws.bids)
        try FileManager.default.createDirectory(at: ws.bids, withIntermediateDirectories: false)
        try expectRejected(ws, place: "bids.csv", "directory, not a regular file")
    }

    @Test func marketJSONAsFIFOIsRejected() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let m = ws.inputs.appendingPathComponent("market.json")
        try FileManager.default.removeItem(at: m)
        #expect(mkfifo(m.path, 0o600) == 0)
        try expectRejected(ws, place: "market.json", "FIFO")
    }

    // MARK: duplicate keys

    @Test func duplicateJSONKeyIsRejected() throws {
        let ws = try Workspace(market: "{\"mechanism\": \"cmap\",\n \"mechanism\": \"cda\"}")
        defer { ws.remove() }
        try expectRejected(ws, place: "market.json:2:2", "duplicate key 'mechanism'")
    }

    @Test func duplicateColumnIsRejected() throws {
        let ws = try Workspace(bids: "bid_id,buyer_id,price,price,quantity_kwh,lat,lon,reputation\nB1,P1,0.8,0.9,100,39.9,116.4,80\n")
        defer { ws.remove() }
        try expectRejected(ws, place: "bids.csv:1:4", "column 'price' appears twice")
    }

    @Test func duplicateIdAcrossFilesIsRejected() throws {
        let ws = try Workspace(bids: Self.bidHeader + "\nO1,P1,0.8,100,39.9,116.4,80\n")
        defer { ws.remove() }
        try expectRejected(ws, place: "bids.csv:2:1: column 'bid_id'", "duplicate id 'O1' (first used at Inputs/\(Self.cycle)/offers.csv:2)")
    }

    @Test func deeplyNestedJSONIsRejected() throws {
        let ws = try Workspace(market: String(repeating: "[", count: 100_000))
        defer { ws.remove() }
        try expectRejected(ws, place: "market.json:1:", "nesting deeper than 64")
    }

    // MARK: the scheduler

    /// A poisoned cycle (the issue's absurd price) between two good ones: both good cycles are
    /// cleared, the poisoned one is recorded as rejected, `--once` exits 2; the next run has
    /// nothing due and exits 0.
    @Test func schedulerRecordsAPoisonedCycleAndClearsTheRest() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        for (c, bids) in [("20261120T1015Z", Self.bidHeader + "\nB1,P1,10000000000,100,39.9,116.4,80\n"), ("20261120T1030Z", Self.goodBids)] {
            let dir = ws.inputs.appendingPathComponent(c)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(Self.goodOffers.utf8).write(to: dir.appendingPathComponent("offers.csv"))
            try Data(bids.utf8).write(to: dir.appendingPathComponent("bids.csv"))
        }
        let args = ["schedule", "--inputs", "Inputs", "--ledger", "Ledger", "--out", "Outputs", "--once", "--now", "2026-11-21T00:00Z", "--solver", "simplex"]
        let r = try runGridclear(args, cwd: ws.root)
        #expect(r.status == 2, "exit \(r.status): \(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("cleared 20261120T1000Z") && r.stdout.contains("cleared 20261120T1030Z"), "\(r.stdout)")
        #expect(r.stderr.contains("20261120T1015Z skipped") && r.stderr.contains("bids.csv:2:3") && r.stderr.contains("recorded as rejected"), "\(r.stderr)")
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: ws.root.appendingPathComponent("Outputs/20261120T1030Z/trades.csv").path))
        #expect(!fm.fileExists(atPath: ws.root.appendingPathComponent("Outputs/20261120T1015Z").path))
        let audit = try runGridclear(["audit", "Ledger", "--keys", "Ledger.key.pub"], cwd: ws.root)
        #expect(audit.status == 0 && audit.stdout.contains("cycles 2"), "\(audit.stdout) \(audit.stderr)")
        let again = try runGridclear(args, cwd: ws.root)
        #expect(again.status == 0, "a recorded rejection is not due again: \(again.stdout) \(again.stderr)")
    }

    @Test func schedulerRefusesAMalformedMarketJSON() throws {
        let ws = try Workspace(market: "{\"gate_closure_minutes\": 15,}")
        defer { ws.remove() }
        let r = try runGridclear(["schedule", "--inputs", "Inputs", "--ledger", "Ledger", "--once", "--now", "2026-11-21T00:00Z"], cwd: ws.root)
        #expect(r.status == 1 && r.stderr.contains("market.json:1:") && r.stderr.split(separator: "\n").count == 1, "\(r.status) \(r.stderr)")
    }
}
