import Foundation
import Testing
import GridClearCore
import GridClearSystem
import GridClearTestSupport
import LedgerLite
@testable import BFTReplication

/// Raw bytes to a port (a hostile client); returns once written.
func sendRaw(_ bytes: [UInt8], port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET); a.sin_port = in_port_t(UInt16(port).bigEndian); a.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    usleep(100_000)
    close(fd)
}

func waitUntil(seconds: Double, _ cond: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end { if cond() { return true }; usleep(5_000) }
    return cond()
}

@Suite(.serialized) struct TransportTests {
    @Test func peersExchangeFramesReconnectAndHostileConnectionsAreClosed() throws {
        let ports = freePorts(2)
        try #require(ports.count == 2)
        let got = Locked<[[UInt8]]>([]), rejected = Locked<[String]>([])
        let a = PeerTransport(peers: [1: ("127.0.0.1", ports[1])]) { item in
            switch item {
            case .peer(let b): got.withValue { $0.append(b) }
            case .rejected(let why): rejected.withValue { $0.append(why) }
            case .query(_, let ch): ch.answer(.notCommitted(known: false))
            }
        }
        try a.listen(host: "127.0.0.1", port: ports[0])
        defer { a.shutdown() }
        // B sends before A's peer is even listening on B's side: B only needs A.
        let b = PeerTransport(peers: [0: ("127.0.0.1", ports[0])]) { _ in }
        defer { b.shutdown() }
        let msgs = (0..<200).map { i in (0..<(i * 13 % 5000)).map { UInt8(truncatingIfNeeded: $0 ^ i) } }
        for m in msgs { b.send(m, to: 0) }
        #expect(waitUntil(seconds: 10) { got.withValue { $0.count } == msgs.count })
        #expect(got.withValue { $0 } == msgs)
        // Garbage, a bad checksum and an oversized header each close their connection.
        sendRaw(Array("GET / HTTP/1.1\r\n\r\n".utf8), port: ports[0])
        var bad = Frame(kind: .peer, payload: [1, 2, 3]).encoded(); bad[10] ^= 0xFF
        sendRaw(bad, port: ports[0])
        sendRaw([1, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0], port: ports[0])
        #expect(waitUntil(seconds: 5) { rejected.withValue { $0.count } >= 3 })
        let reasons = rejected.withValue { $0 }.joined(separator: " | ")
        #expect(reasons.contains("unknown frame kind") && reasons.contains("checksum") && reasons.contains("over the"), "\(reasons)")
        // The honest peer is unaffected.
        b.send([42], to: 0)
        #expect(waitUntil(seconds: 5) { got.withValue { $0.last } == [42] })
    }

    @Test func sendingToADownPeerNeverBlocksAndReconnectsWhenItComesUp() throws {
        let ports = freePorts(1)
        try #require(ports.count == 1)
        var limits = TransportLimits()
        limits.maxQueuedPerPeer = 8
        let b = PeerTransport(peers: [0: ("127.0.0.1", ports[0])], limits: limits) { _ in }
        defer { b.shutdown() }
        let t0 = Date()
        for i in 0..<100 { b.send([UInt8(i)], to: 0) }
        #expect(Date().timeIntervalSince(t0) < 1)
        usleep(300_000)
        let got = Locked<[[UInt8]]>([])
        let a = PeerTransport(peers: [:]) { if case .peer(let x) = $0 { got.withValue { $0.append(x) } } }
        try a.listen(host: "127.0.0.1", port: ports[0])
        defer { a.shutdown() }
        // Retransmissions (here: more sends) reach it after the backoff.
        #expect(waitUntil(seconds: 10) { b.send([200], to: 0); return got.withValue { $0.contains([200]) } })
    }
}
