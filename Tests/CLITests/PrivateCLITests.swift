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

    /// Every role as its own process over loopback TCP: once spawned by `private run
    /// --transport tcp` (setup on stdin), once deployed as `private node --role R --setup F
    /// --key K --peers P --listen E` processes with NodeKeyFile-format keys and a peers file
    /// (`--deploy-dir`). With `--ledger`, the cycle, its plans and match records are recorded
    /// before the outputs, `audit` passes and `replay` re-clears the cycle identically.
    @Test(arguments: ["tcp", "deploy"])
    func privateRunOverTCPWithLedger(mode: String) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = try runGridclear(["clear", "Inputs/20261120T1000Z", "--mechanism", "kproto", "--out", dir.path + "/plain", "--quiet"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let extra = mode == "tcp" ? ["--transport", "tcp"] : ["--deploy-dir", dir.path + "/deploy", "--participants-per-process", "1"]
        let r = try runGridclear(["private", "run", "Inputs/20261120T1000Z", "--out", dir.path + "/private", "--ledger", dir.path + "/ledger",
                                  "--paillier-bits", "1024", "--candidates", "2"] + extra)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("trades equal: yes") && r.stdout.contains("its plans and match records at height 1"))
        let a = try Data(contentsOf: dir.appendingPathComponent("plain/20261120T1000Z/trades.csv"))
        let b = try Data(contentsOf: dir.appendingPathComponent("private/20261120T1000Z/trades.csv"))
        #expect(a == b)
        let audit = try runGridclear(["audit", dir.path + "/ledger"])
        #expect(audit.status == 0 && audit.stdout.contains("OK"), "\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.contains("entries 11"))   // genesis, the cycle, 6 plans, 3 match records
        let replay = try runGridclear(["replay", dir.path + "/ledger", "20261120T1000Z"])
        #expect(replay.status == 0 && replay.stdout.contains("trades.csv: identical"), "\(replay.stdout)")
        if mode == "deploy" {
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/deploy")
            #expect(files.contains("peers") && files.contains("key-holder.setup") && files.contains("key-holder.key"))
            let keyText = try String(contentsOfFile: dir.path + "/deploy/matching-service.key", encoding: .utf8)
            #expect(keyText.contains("gridclear-node-key: 1"))
            // The transcripts show the roles talked over TCP (no frame dropped).
            let ms = try String(contentsOf: dir.appendingPathComponent("private/20261120T1000Z/private/matching-service.transcript"), encoding: .utf8)
            #expect(!ms.contains("dropped"))
            // A role started with a key the peers file does not list is refused.
            _ = try runGridclear(["keygen", "--ed25519", "--out", dir.path + "/stranger"])
            let bad = try runGridclear(["private", "node", "--role", "key-holder", "--setup", dir.path + "/deploy/key-holder.setup",
                                        "--key", dir.path + "/stranger.ed25519.key", "--peers", dir.path + "/deploy/peers", "--listen", "127.0.0.1:1"])
            #expect(bad.status == 1 && bad.stderr.contains("not in the peers file"), "\(bad.stderr)")
        }
    }

    @Test func privateRunRejectsBadOptions() throws {
        let r = try runGridclear(["private", "run", "Inputs/20261120T1000Z", "--candidates", "1"])
        #expect(r.status == 64)
    }
}
