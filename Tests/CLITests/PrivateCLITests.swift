import Testing
import Foundation

/// `gridclear private run` (issue 14): the sample cycle through the private market, once with
/// every role in its own process over authenticated unix sockets and once in process; both
/// write trades.csv byte-identical to `gridclear clear --mechanism kproto`, and a transcript
/// per role that holds no key material.
@Suite struct PrivateCLITests {
    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("gc-private-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test(arguments: [[], ["--in-process"]])
    func privateRunEqualsPlaintextKProto(extra: [String]) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = try runGridclear(["clear", "Inputs/20261120T1000Z", "--mechanism", "kproto", "--out", dir.path + "/plain", "--quiet"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let r = try runGridclear(["private", "run", "Inputs/20261120T1000Z", "--out", dir.path + "/private",
                                  "--paillier-bits", "1024", "--candidates", "3"] + extra)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("trades equal: yes"))
        let a = try Data(contentsOf: dir.appendingPathComponent("plain/20261120T1000Z/trades.csv"))
        let b = try Data(contentsOf: dir.appendingPathComponent("private/20261120T1000Z/trades.csv"))
        #expect(a == b)
        let tdir = dir.appendingPathComponent("private/20261120T1000Z/private")
        let names = try FileManager.default.contentsOfDirectory(atPath: tdir.path)
        #expect(names.contains("key-holder.transcript") && names.contains("matching-service.transcript") && names.contains("registration-authority.transcript"))
        for n in names {
            let text = try String(contentsOf: tdir.appendingPathComponent(n), encoding: .utf8)
            #expect(!text.contains("PRIVATE KEY"), "\(n) holds key material")
        }
    }

    @Test func privateRunRejectsBadOptions() throws {
        let r = try runGridclear(["private", "run", "Inputs/20261120T1000Z", "--candidates", "1"])
        #expect(r.status == 64)
    }
}
