import Testing
import Foundation
import GridClearCore
import GridClearTestSupport

/// `gridclear private run` (issue 14): the sample cycle through the private market, once with
/// every role in its own process over authenticated unix sockets and once in process; both
/// write trades.csv byte-identical to `gridclear clear --mechanism kproto`, and a transcript
/// per role that holds no key material.
@Suite struct PrivateCLITests {
    func tempDir() throws -> TemporaryFolder { try TemporaryFolder("PrivateCLITests") }

    @Test(arguments: [[], ["--in-process"]])
    func privateRunEqualsPlaintextKProto(extra: [String]) throws {
        let tmp = try tempDir(), dir = tmp.url
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
        let tmp = try tempDir(), dir = tmp.url
        let plain = try runGridclear(["clear", "Inputs/20261120T1000Z", "--mechanism", "kproto", "--out", dir.path + "/plain", "--quiet"])
        #expect(plain.status == 0, "\(plain.stderr)")
        // Deployed mode also settles privately from meters (S2 short beyond σ, P1 within it).
        let meters = dir.path + "/meters.log"
        try SampleCycleMeters.file(["S1": 100_000, "S2": 140_000, "S3": 200_000, "P1": 96_000, "P2": 150_000, "P3": 250_000], sellers: ["S1", "S2", "S3"])
            .write(toFile: meters, atomically: true, encoding: .utf8)
        let extra = mode == "tcp" ? ["--transport", "tcp"]
            : ["--deploy-dir", dir.path + "/deploy", "--participants-per-process", "1", "--meters", meters, "--now", "20261120T1200Z"]
        let r = try runGridclear(["private", "run", "Inputs/20261120T1000Z", "--out", dir.path + "/private", "--ledger", dir.path + "/ledger",
                                  "--paillier-bits", "1024", "--candidates", "2"] + extra)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("trades equal: yes") && r.stdout.contains("its plans and match records") && r.stdout.contains("at height 1"))
        if mode == "deploy" { #expect(r.stdout.contains("3 records decided by the key holder on encrypted deviations; equal to plaintext settle: yes")) }
        let a = try Data(contentsOf: dir.appendingPathComponent("plain/20261120T1000Z/trades.csv"))
        let b = try Data(contentsOf: dir.appendingPathComponent("private/20261120T1000Z/trades.csv"))
        #expect(a == b)
        let audit = try runGridclear(["audit", dir.path + "/ledger"])
        #expect(audit.status == 0 && audit.stdout.contains("OK"), "\(audit.stdout)\(audit.stderr)")
        // genesis, the cycle, 6 plans, 3 match records (+ 3 private settlements when metered)
        #expect(audit.stdout.contains(mode == "tcp" ? "entries 11" : "entries 14"), "\(audit.stdout)")
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

    /// A long-lived registration key from `keygen --blind-rsa` signs the round's certificates
    /// (a 3072-bit key gives 384-byte blind signatures, visible in the issued message's size);
    /// a key others may read, or a file that is not such a key, is refused before anything runs.
    @Test func registrationKeyFromKeygenSignsTheCertificates() throws {
        let tmp = try tempDir(), dir = tmp.url
        let kg = try runGridclear(["keygen", "--blind-rsa", "--bits", "3072", "--out", dir.path + "/ra"])
        #expect(kg.status == 0, "\(kg.stderr)")
        let key = dir.path + "/ra.blindrsa.key"
        func issuedSizes(_ out: String, _ transcript: String) throws -> Set<Int> {
            let t = try String(contentsOfFile: out + "/20261120T1000Z/private/" + transcript, encoding: .utf8)
            return Set(t.split(separator: "\n").filter { $0.contains(" registration-issued ") }.compactMap { l in
                let w = l.split(separator: " "); return w.firstIndex(of: "registration-issued").flatMap { Int(w[$0 + 1]) }
            })
        }
        let fresh = try runGridclear(["private", "run", "Inputs/20261120T1000Z", "--out", dir.path + "/fresh", "--paillier-bits", "1024", "--candidates", "2", "--in-process"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        let r = try runGridclear(["private", "run", "Inputs/20261120T1000Z", "--out", dir.path + "/keyed", "--paillier-bits", "1024", "--candidates", "2",
                                  "--registration-key", key])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("trades equal: yes"))
        let (a, b) = (try issuedSizes(dir.path + "/fresh", "anon-0.transcript"), try issuedSizes(dir.path + "/keyed", "participants-0.transcript"))
        #expect(a.count == 1 && b.count == 1 && b.first! == a.first! + 128, "issued sizes \(a) (2048-bit fresh) vs \(b) (3072-bit keygen key)")
        chmod(key, 0o644)
        let open = try runGridclear(["private", "run", "Inputs/20261120T1000Z", "--out", dir.path + "/open", "--in-process", "--registration-key", key])
        #expect(open.status == 1 && open.stderr.contains("readable by others") && !FileManager.default.fileExists(atPath: dir.path + "/open"), "\(open.stderr)")
        let junk = dir.path + "/junk.key"
        #expect(FileManager.default.createFile(atPath: junk, contents: Data("not a key\n".utf8), attributes: [.posixPermissions: 0o600]))
        let bad = try runGridclear(["private", "run", "Inputs/20261120T1000Z", "--out", dir.path + "/bad", "--in-process", "--paillier-bits", "1024", "--registration-key", junk])
        #expect(bad.status == 1 && bad.stderr.contains("not a blind-RSA private key") && !FileManager.default.fileExists(atPath: dir.path + "/bad"), "\(bad.stderr)")
    }
}
