import Testing
import Foundation
import GridClearTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Key custody (issue 13 item 4, SPEC §6): the signing key lives outside the ledger directory,
/// which holds public keys only; an attacker who can write the ledger folder but does not hold
/// the key cannot produce a ledger that passes `audit --keys <published public key>`.
@Suite(.serialized) struct KeyCustodyTests {
    static let cycle = "20261120T1000Z"

    func workspace() throws -> TemporaryFolder {
        let folder = try TemporaryFolder("KeyCustodyTests"), dir = folder.url
        let inputs = dir.appendingPathComponent("Inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        let src = packageRoot.appendingPathComponent("Inputs")
        try FileManager.default.copyItem(at: src.appendingPathComponent("market.json"), to: inputs.appendingPathComponent("market.json"))
        try FileManager.default.copyItem(at: src.appendingPathComponent(Self.cycle), to: inputs.appendingPathComponent(Self.cycle))
        return folder
    }

    func clear(_ ws: URL, ledger: String, key: String? = nil) throws -> CLIResult {
        try runGridclear(["clear", "Inputs/\(Self.cycle)", "--solver", "simplex", "--out", "Out-\(ledger)", "--ledger", ledger, "--quiet"]
                         + (key.map { ["--key", $0] } ?? []), cwd: ws)
    }

    @Test func theKeyLivesOutsideTheLedgerWhichHoldsNoSecret() throws {
        let tmp = try workspace(), ws = tmp.url
        let r = try clear(ws, ledger: "Ledger")
        #expect(r.status == 0, "\(r.stderr)")
        let said = r.stdout + r.stderr
        #expect(said.contains("created node key Ledger.key (SHA256:") && said.contains("publish Ledger.key.pub"), "\(said)")
        var st = stat()
        #expect(stat(ws.appendingPathComponent("Ledger.key").path, &st) == 0 && st.st_mode & 0o077 == 0)
        #expect(FileManager.default.fileExists(atPath: ws.appendingPathComponent("Ledger.key.pub").path))
        for name in try FileManager.default.contentsOfDirectory(atPath: ws.appendingPathComponent("Ledger").path) {
            let text = String(decoding: try Data(contentsOf: ws.appendingPathComponent("Ledger/\(name)")), as: UTF8.self)
            #expect(!text.contains("ed25519-secret"), "the ledger folder holds a secret in \(name)")
        }
    }

    /// The attacker re-creates the whole ledger with a forged cycle under a key of their own and
    /// puts it in place of the real one: `audit` alone passes but says origin is unverified;
    /// `audit --keys` with the published public key refuses it.
    @Test func aReSignedLedgerFailsAuditAgainstThePublishedKey() throws {
        let tmp = try workspace(), ws = tmp.url
        #expect(try clear(ws, ledger: "Ledger").status == 0)
        // The forgery: cheaper power for P1, cleared and signed with the attacker's own key.
        let bids = ws.appendingPathComponent("Inputs/\(Self.cycle)/bids.csv")
        let forged = try String(contentsOf: bids, encoding: .utf8).replacingOccurrences(of: "B1,P1,0.8000", with: "B1,P1,0.5000")
        try forged.write(to: bids, atomically: true, encoding: .utf8)
        #expect(try runGridclear(["keygen", "--ed25519", "--out", "attacker"], cwd: ws).status == 0)
        #expect(try clear(ws, ledger: "Forged", key: "attacker.ed25519.key").status == 0)
        let real = ws.appendingPathComponent("Ledger/blocks.gcl")
        try FileManager.default.removeItem(at: real)
        try FileManager.default.copyItem(at: ws.appendingPathComponent("Forged/blocks.gcl"), to: real)

        let plain = try runGridclear(["audit", "Ledger"], cwd: ws)
        #expect(plain.status == 0 && plain.stdout.split(separator: "\n").first?.contains("origin unverified") == true, "\(plain.stdout)")
        let pinned = try runGridclear(["audit", "Ledger", "--keys", "Ledger.key.pub"], cwd: ws)
        #expect(pinned.status == 1, "a re-signed ledger passed audit --keys: \(pinned.stdout)")
        #expect(pinned.stderr.split(separator: "\n").count == 1)
        // And a proof from the forged ledger does not verify against the published key.
        #expect(try runGridclear(["proof", "Ledger", "--trade", "B1/O1", "--out", "p.json"], cwd: ws).status == 0)
        let v = try runGridclear(["verify-proof", "p.json", "--keys", "Ledger.key.pub"], cwd: ws)
        #expect(v.status == 1 && v.stderr.contains("not among the trusted keys"), "\(v.stdout) \(v.stderr)")
    }

    /// The old layout (a secret key inside the ledger folder) is refused with what to do.
    @Test func aSecretKeyInsideTheLedgerIsRefused() throws {
        let tmp = try workspace(), ws = tmp.url
        #expect(try clear(ws, ledger: "Ledger").status == 0)
        try FileManager.default.moveItem(at: ws.appendingPathComponent("Ledger.key"), to: ws.appendingPathComponent("Ledger/node.key"))
        let r = try clear(ws, ledger: "Ledger")
        #expect(r.status == 1 && r.stderr.contains("inside the ledger directory") && r.stderr.contains("mv "), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}
