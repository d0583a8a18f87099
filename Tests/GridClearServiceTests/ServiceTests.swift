import Foundation
import GridClearTestSupport
#if canImport(Glibc)
import Glibc
#endif
import GridClearApp
import GridClearCore
import GridClearService
import GridClearSystem
import Logging
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The service pieces on their own: log lines, metrics, the page (escaping, plots), the
/// results history reader and the HTTP server over a real loopback socket.
@Suite struct ServiceTests {
    @Test func jsonLogLinesAreOneObjectEach() throws {
        let line = ServiceLogHandler.render(format: .json, time: UTCTime(millis: 1_795_600_800_123), level: .warning,
                                            message: "bad \"file\"\nnext", metadata: ["z": "1", "cycle": "20261120T1000Z", "list": ["a", "b"]])
        #expect(line.hasSuffix("\n") && line.dropLast().split(separator: "\n").count == 1)
        #expect(line.hasPrefix("{\"ts\":\"2026-11-25T10:00:00.123Z\",\"level\":\"warning\",\"message\":\"bad \\\"file\\\"\\nnext\",\"metadata\":{\"cycle\""), "\(line)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect((o["metadata"] as? [String: Any])?["list"] as? [String] == ["a", "b"])
        let text = ServiceLogHandler.render(format: .text, time: UTCTime(millis: 0), level: .info, message: "a\u{1B}[2Jb\nc", metadata: ["k": "two words"])
        #expect(text.dropLast().split(separator: "\n").count == 1 && !text.contains("\u{1B}") && text.contains("k=\"two words\""), "\(text)")
    }

    @Test func metricsCountEvents() throws {
        let m = ServiceMetrics(ledgerHeight: 3)
        let r = CycleRunReport(cycle: "20261120T1000Z", mechanism: "cmap", bids: 3, offers: 3, trades: 2, matchedWh: 250_000,
                               durationMillis: 40, height: 4, rejectedSubmissions: 1)
        m.record(.cycleReport(r), wallClock: UTCTime(seconds: 1_800_000_000))
        m.record(.submissionRejected(cycle: r.cycle, file: "bids/x.csv", error: "e"), wallClock: UTCTime(seconds: 0))
        m.record(.cycleSkipped(cycle: "20261120T1015Z", reason: "e"), wallClock: UTCTime(seconds: 0))
        let text = String(decoding: m.exposition(), as: UTF8.self)
        for l in ["gridclear_cycles_cleared_total 1", "gridclear_cycles_rejected_total 1", "gridclear_submissions_rejected_total 1",
                  "gridclear_cycle_seconds_count 1", "gridclear_cycle_seconds_bucket{le=\"0.05\"} 1", "gridclear_cycle_seconds_bucket{le=\"0.025\"} 0",
                  "gridclear_ledger_height 4.0", "gridclear_last_success_timestamp_seconds 1800000000.0",
                  "gridclear_replication{mode=\"embedded\"} 1.0"] {
            #expect(text.contains(l + "\n"), "missing \(l) in\n\(text)")
        }
    }

    static func row(_ c: String, mechanism: String = "cmap") -> CycleResultRow {
        CycleResultRow(cycle: CycleID(c)!, mechanism: mechanism, bids: 3, offers: 3, trades: 2, matchedKWh: 250, gridImportKWh: 250,
                       gridExportKWh: 200, rejectedKWh: 200, cleanShare: 0.5, priceCNYPerKWh: 0.65, paidCNY: 162.5,
                       meanBuyerSatisfaction: 1, meanSellerSatisfaction: nil, rejectedFiles: 1)
    }

    @Test func pageEscapesEverythingAndPlotsTheDay() {
        let rows = [Self.row("20261119T2345Z"), Self.row("20261120T0900Z"), Self.row("20261120T0915Z", mechanism: "<script>alert('x')</script>&")]
        let page = ResultsPage.render(rows: rows, status: ServiceStatus(ledgerHeight: 7, generatedAt: UTCTime(seconds: 0)))
        #expect(!page.contains("<script") && page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"))
        #expect(page.components(separatedBy: "<svg").count - 1 == 4)
        #expect(page.contains("Day 2026-11-20 (UTC)") && page.contains("ledger height 7"))
        // The previous day's cycle is in the table but not in the day plots: 2 dots per single-series plot.
        let price = page.components(separatedBy: "<svg")[1]
        #expect(price.components(separatedBy: "<circle").count - 1 == 2)
        #expect(page.contains("20261119T2345Z"))
    }

    @Test func historySkipsWhatIsNotAPublishedCycle() throws {
        let tmp = try TemporaryFolder("ServiceTests"), root = tmp.path("history")
        let fm = FileManager.default
        for d in ["20261120T1000Z", "20261120T1015Z", "20261120T1030Z", "notes"] { try fm.createDirectory(atPath: root + "/" + d, withIntermediateDirectories: true) }
        try "{\"mechanism\": \"uniform\", \"bids\": 2, \"offers\": 1, \"matches\": 1, \"matched_kwh\": 1.500, \"grid_kwh\": 0.000, \"clean_share\": 1.0, \"apet\": 0.5}"
            .write(toFile: root + "/20261120T1000Z/summary.json", atomically: true, encoding: .utf8)
        try "{\"rejected\": [{}, {}]}".write(toFile: root + "/20261120T1000Z/rejected.json", atomically: true, encoding: .utf8)
        try "{broken".write(toFile: root + "/20261120T1015Z/summary.json", atomically: true, encoding: .utf8)
        let rows = ResultsHistory.load(outputRoot: root)
        #expect(rows.count == 1 && rows[0].mechanism == "uniform" && rows[0].matchedKWh == 1.5 && rows[0].rejectedFiles == 2)
        #expect(ResultsHistory.load(outputRoot: root + "/missing").isEmpty)
    }

    @Test func httpServerServesRoutesOnLoopback() throws {
        let server = try ServiceHTTPServer(host: "127.0.0.1", port: 0) { method, path in
            path == "/health" ? .text("ok \(method)\n") : .text("nope\n", status: 404)
        }
        defer { server.shutdown() }
        #expect(server.boundPort > 0 && server.boundAddress == "127.0.0.1:\(server.boundPort)")
        func get(_ path: String, method: String = "GET") throws -> (Int, String) {
            var req = URLRequest(url: URL(string: "http://127.0.0.1:\(server.boundPort)\(path)")!)
            req.httpMethod = method
            let done = DispatchSemaphore(value: 0)
            let box = Locked<(Int, String)?>(nil)
            URLSession.shared.dataTask(with: req) { data, resp, _ in
                box.withValue { $0 = ((resp as? HTTPURLResponse)?.statusCode ?? -1, String(decoding: data ?? Data(), as: UTF8.self)) }
                done.signal()
            }.resume()
            #expect(done.wait(timeout: .now() + 10) == .success)
            return try #require(box.withValue { $0 })
        }
        #expect(try get("/health") == (200, "ok GET\n"))
        #expect(try get("/health?x=1") == (200, "ok GET\n"))
        #expect(try get("/other").0 == 404)
        #expect(try get("/health", method: "POST").0 == 405)
    }
}

/// `sd_notify` against a real unix datagram socket.
@Suite(.serialized) struct ServiceNotifyTests {
    @Test func readinessReachesTheNotifySocket() throws {
        let tmp = try TemporaryFolder("ServiceNotifyTests"), path = tmp.path("notify.sock")
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd); unlink(path) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in path.utf8.enumerated() { p[i] = b } }
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        #expect(bound == 0)
        setenv("NOTIFY_SOCKET", path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        #expect(ServiceNotify.send("READY=1"))
        var buf = [UInt8](repeating: 0, count: 64)
        let n = recv(fd, &buf, buf.count, Int32(MSG_DONTWAIT))
        #expect(n == 7 && String(decoding: buf[..<max(0, n)], as: UTF8.self) == "READY=1")
        unsetenv("NOTIFY_SOCKET")
        #expect(!ServiceNotify.send("READY=1"))
    }
}
