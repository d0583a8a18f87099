import Testing
import Foundation
import GridClearTestSupport

/// CLI tests for `gridclear keygen` and `gridclear-bench privacy`: every `--help` example runs here.
@Suite struct PrivacyCLITests {
    func tempDir() throws -> TemporaryFolder { try TemporaryFolder("PrivacyCLITests") }
    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    @Test func keygenHelpExamplesWriteKeysWithSafePermissions() throws {
        let tmp = try tempDir(), dir = tmp.url
        let examples: [([String], String, String)] = [
            (["keygen", "--paillier", "--bits", "2048", "--out", "keys/platform"], "paillier", "PAILLIER PRIVATE KEY"),
            (["keygen", "--ed25519", "--out", "keys/node1"], "ed25519", "ed25519-secret: "),
            (["keygen", "--blind-rsa", "--out", "keys/registration"], "blindrsa", "PRIVATE KEY"),
        ]
        let help = try runGridclear(["keygen", "--help"])
        for (args, kind, marker) in examples {
            #expect(help.stdout.contains("gridclear " + args.joined(separator: " ")))
            let r = try runGridclear(args, cwd: dir)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            let base = dir.appendingPathComponent(args.last!).path
            let key = "\(base).\(kind).key", pub = "\(base).\(kind).pub"
            #expect(try mode(key) == 0o600)
            #expect(try mode(pub) == 0o644)
            #expect(try String(contentsOfFile: key, encoding: .utf8).contains(marker))
            // never overwrites without --force, and says so in one line
            let again = try runGridclear(args, cwd: dir)
            #expect(again.status != 0)
            #expect(again.stderr.contains("already exists"))
            #expect(again.stderr.split(separator: "\n").count == 1)
        }
        #expect(try runGridclear(["keygen", "--paillier", "--bits", "2048", "--out", "keys/platform", "--force"], cwd: dir).status == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("keys").path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func keygenRejectsBadArguments() throws {
        let tmp = try tempDir(), dir = tmp.url
        let none = try runGridclear(["keygen", "--out", "k"], cwd: dir)
        #expect(none.status != 0 && none.stderr.contains("exactly one"))
        let bits = try runGridclear(["keygen", "--paillier", "--bits", "1000", "--out", "k"], cwd: dir)
        #expect(bits.status != 0 && bits.stderr.contains("--bits"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func benchPrivacyHelpExamplesRun() throws {
        let help = try runBench(["privacy", "--help"])
        #expect(help.stdout.contains("gridclear-bench privacy --bits 1024 --ops 5 --no-python"))
        #expect(help.stdout.contains("gridclear-bench privacy --bits 2048 --ops 20"))
        let r = try runBench(["privacy", "--bits", "1024", "--ops", "5", "--no-python"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("encrypt (pooled, online)"))
        #expect(r.stdout.contains("64-bit: prove"))
        // the second example spawns the phe peer when python-paillier is installed; either way it must succeed
        let r2 = try runBench(["privacy", "--bits", "2048", "--ops", "20"])
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(r2.stdout.contains("decrypt (CRT)"))
    }
}
