import Foundation
import GridClearTestSupport
import Testing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// The one key-file format: round trip, refusals that say what to do, trusted-key reading.
@Suite struct NodeKeyFileTests {
    let key = try! NodeKey(secret: Array(repeating: 7, count: 32))

    @Test func roundTripAndFingerprint() throws {
        let text = NodeKeyFile.render(key)
        #expect(text.contains("gridclear-node-key: 1\n") && text.contains("fingerprint: SHA256:"))
        let back = try NodeKeyFile.parse(text, name: "k")
        #expect(back.publicKey == key.publicKey)
        let fp = NodeKey.fingerprint(publicKey: key.publicKey)
        #expect(fp.hasPrefix("SHA256:") && fp.count == 7 + 32)
        let pub = NodeKeyFile.renderPublic(key.publicKey)
        #expect(!pub.contains("secret"))
        #expect(try TrustedKeyFile.parse(pub, name: "p") == TrustedKeys([key.publicKey]))
        #expect(try TrustedKeyFile.parse(text, name: "k") == TrustedKeys([key.publicKey]))
        // The legacy ledger-folder key (no version line) still reads.
        let legacy = "# GridClear Ed25519 node key\ned25519-public: \(Hex.encode(key.publicKey))\ned25519-secret: \(Hex.encode(key.secret))\n"
        #expect(try NodeKeyFile.parse(legacy, name: "old").publicKey == key.publicKey)
    }

    @Test func refusals() {
        let text = NodeKeyFile.render(key)
        let other = try! NodeKey(secret: Array(repeating: 9, count: 32))
        let cases: [(String, String)] = [
            (text.replacingOccurrences(of: "gridclear-node-key: 1", with: "gridclear-node-key: 2"), "format 2 is not supported"),
            (text.replacingOccurrences(of: Hex.encode(key.publicKey), with: Hex.encode(other.publicKey)), "does not match the secret"),
            (NodeKeyFile.renderPublic(key.publicKey), "holds no secret key"),
            ("-----BEGIN ED25519 PRIVATE KEY-----\nAAAA\n", "armored key"),
            ("colour: blue\n", "unknown field 'colour'"),
            ("ed25519-secret: 12\n", "64 hex digits"),
        ]
        for (t, says) in cases {
            #expect { _ = try NodeKeyFile.parse(t, name: "k") } throws: { e in
                (e as? KeyFileError)?.description.contains(says) == true
            }
        }
    }

    @Test func writeIsPrivateAndLoadRefusesAnOpenFile() throws {
        let tmp = try TemporaryFolder("NodeKeyFileTests"), dir = tmp.path("keys")
        let path = dir + "/node.ed25519.key", pub = dir + "/node.ed25519.pub"
        try NodeKeyFile.write(key, to: path, publicPath: pub)
        #expect(try FileSystem.permissions(of: path) == 0o600 && FileSystem.permissions(of: pub) == 0o644)
        #expect(try NodeKeyFile.load(path: path).publicKey == key.publicKey)
        #expect(throws: KeyFileError.self) { try NodeKeyFile.write(key, to: path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect { _ = try NodeKeyFile.load(path: path) } throws: { e in
            (e as? KeyFileError)?.description.contains("chmod 600") == true
        }
        #expect(try TrustedKeyFile.load(path: pub) == TrustedKeys([key.publicKey]))
    }
}
