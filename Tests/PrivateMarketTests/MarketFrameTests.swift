import Crypto
import Privacy
@testable import PrivateMarket
import Testing

/// Frames between market processes over a real loopback TCP socket: an authenticated frame is
/// delivered; a frame signed by a key the directory does not hold for its sender, from an
/// unknown address, for an address the process does not serve, replayed, or not sealed to the
/// receiver's key is dropped (noted, never handled).
@Suite struct MarketFrameTests {
    static let sk = try! PaillierPrivateKey.generate(bits: 512)

    @Test func tcpFramesAuthenticatedAndReplaysDropped() throws {
        let op = OperatorRole()
        let opKey = Curve25519.Signing.PrivateKey(), msKey = Curve25519.Signing.PrivateKey(), stranger = Curve25519.Signing.PrivateKey()
        let port = try MarketSocket.freeLoopbackPort()
        let endpoint = MarketEndpoint.tcp(host: "127.0.0.1", port: port)
        let node = try MarketNode(roles: [op], keys: ["operator": opKey],
                                  directory: ["operator": opKey.publicKey, "matching-service": msKey.publicKey],
                                  runDir: "/nonexistent", publicKey: Self.sk.publicKey, endpoints: ["operator": endpoint], listen: endpoint)
        func send(from: String, to: String = "operator", seq: UInt64, key: Curve25519.Signing.PrivateKey, _ m: MarketMessage = .partyReport(quote: "q", slot: 1)) throws {
            let sealed = try ChannelSeal.seal(m.encode(), toEd25519: Array(opKey.publicKey.rawRepresentation))
            try MarketSocket.sendFrame(try MarketFrame.signed(MarketFrame(from: from, to: to, seq: seq, message: sealed), key: key), to: endpoint)
        }
        try send(from: "matching-service", seq: 1, key: msKey)
        let got = try #require(try node.receive(timeoutMilliseconds: 5000))
        #expect(got.from == "matching-service" && got.message.kind == "party-report")

        try send(from: "matching-service", seq: 2, key: stranger)                 // wrong key for the sender
        try send(from: "intruder", seq: 3, key: stranger)                         // unknown sender
        try send(from: "matching-service", to: "key-holder", seq: 4, key: msKey)  // not served here
        try send(from: "matching-service", seq: 1, key: msKey)                    // replay
        for _ in 0..<4 { #expect(try node.receive(timeoutMilliseconds: 5000) == nil) }
        #expect(node.dropped.count == 4)
        #expect(node.dropped[0].contains("fails authentication") && node.dropped[1].contains("unknown address"))
        #expect(node.dropped[2].contains("wrong process") && node.dropped[3].contains("replayed"))

        // Authentic but not sealed to this address's key (an eavesdropper's view is the sealed box): refused.
        try MarketSocket.sendFrame(try MarketFrame.signed(MarketFrame(from: "matching-service", to: "operator", seq: 5,
                                                                      message: MarketMessage.shutdown.encode()), key: msKey), to: endpoint)
        #expect(try node.receive(timeoutMilliseconds: 5000) == nil)
        #expect(node.dropped.last?.contains("sealed frame") == true, "\(node.dropped)")

        try send(from: "matching-service", seq: 6, key: msKey)                    // the channel still works
        #expect(try node.receive(timeoutMilliseconds: 5000)?.from == "matching-service")
    }
}
