import PrivateMarket
import Testing

/// The deployment's peers file and endpoints: round trip, and hostile lines refused with
/// one message naming file:line (never a crash).
@Suite struct PeersFileTests {
    static let key = String(repeating: "ab", count: 32)

    @Test func roundTripAndEndpoints() throws {
        let text = "# c\n\nkey-holder tcp:127.0.0.1:7001 \(Self.key)\nanon-1 127.0.0.1:7002 \(Self.key)\nlocal unix:/tmp/x.sock \(Self.key)\n"
        let p = try PeersFile.parse(text, name: "peers")
        #expect(p.peers.map(\.address) == ["key-holder", "anon-1", "local"])
        #expect(p.peers.map(\.endpoint) == [.tcp(host: "127.0.0.1", port: 7001), .tcp(host: "127.0.0.1", port: 7002), .unix("/tmp/x.sock")])
        let again = try PeersFile.parse(p.render(), name: "again")
        #expect(again.render() == p.render())
    }

    @Test(arguments: [
        ("a tcp:127.0.0.1:1\n", "peers:1"),                                   // missing key
        ("a tcp:127.0.0.1:99999 \(key)\n", "expected HOST:PORT"),            // port out of range
        ("a 127.0.0.1 \(key)\n", "expected HOST:PORT"),
        ("a tcp:127.0.0.1:1 abcd\n", "64 hex digits"),
        ("a tcp:127.0.0.1:1 \(key)\na tcp:127.0.0.1:2 \(key)\n", "peers:2: address 'a' is repeated"),
        ("# nothing\n", "no peers"),
    ])
    func hostileLinesRefused(text: String, message: String) {
        do { _ = try PeersFile.parse(text, name: "peers"); Issue.record("accepted \(text)") }
        catch { #expect("\(error)".contains(message), "\(error)") }
    }
}
