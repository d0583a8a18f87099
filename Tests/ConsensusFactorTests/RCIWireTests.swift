import Foundation
import Testing
@testable import ConsensusFactor
import GridClearCore

@Suite struct RCIWireTests {
    static let samples: [RCIMessage] = [
        .hello(id: "G1", role: .generator, address: "tcp:127.0.0.1:4000"),
        .partnerHello(id: "C1"),
        .setup(RCISetup(parameters: RCIParameters(), encrypted: true, masking: false, publicKey: [1, 2, 3],
                        roster: [RCIRosterEntry(id: "G1", role: .generator)], addresses: ["unix:/tmp/x"])),
        .share(RCIShare(iteration: 7, lambda: -5, power: 1 << 40, converged: true)),
        .encryptedShare(RCIEncryptedShare(iteration: 1, lambda: [9, 9], power: [], converged: false)),
        .request(iteration: 3, converged: false, lambdas: [[1], [2, 3]], tests: [], wantsTest: true),
        .reply(iteration: 3, stop: false, values: [Int128(1) << 100, -5], verdict: nil),
        .reply(iteration: 4, stop: true, values: [], verdict: false),
        .resultProof(RCIResultProofMessage(from: "G1", payload: [0, 1])),
        .verification(id: "C1", verified: ["G1"], failed: ["G2"]),
        .abort("because"),
        .setup(RCISetup(parameters: RCIParameters(), encrypted: false, masking: false, publicKey: [],
                        roster: [RCIRosterEntry(id: "G1", role: .generator)], addresses: ["unix:/tmp/x"], keys: [Array(repeating: 7, count: 32)])),
        .challenge(runID: Array(repeating: 1, count: 32), nonce: Array(repeating: 2, count: 32)),
        .signature(Array(repeating: 3, count: 64)),
        .iterationProof(iteration: 9, payload: [4, 5, 6]),
        .encryptedShare(RCIEncryptedShare(iteration: 2, lambda: [], power: [8], converged: true, contribution: [1, 2])),
        .setup(RCISetup(parameters: RCIParameters(), encrypted: true, masking: true, publicKey: [1],
                        roster: [RCIRosterEntry(id: "G1", role: .generator)], addresses: ["unix:/tmp/x"], proveEvery: 5, runID: [7, 7])),
    ]

    /// A handshake signature binds the key, the run, the nonce, the hello and the acceptor.
    @Test func handshakeSignaturesBindRunNonceHelloAndAcceptor() throws {
        let me = RCIIdentity.generate(), other = RCIIdentity.generate()
        let run = Array(repeating: UInt8(1), count: 32), nonce = Array(repeating: UInt8(2), count: 32)
        let hello = RCIMessage.hello(id: "C1", role: .consumer, address: "unix:/tmp/a")
        let sig = try RCIHandshake.sign(me, runID: run, nonce: nonce, hello: hello, acceptor: "platform")
        #expect(RCIHandshake.verify(signature: sig, publicKey: me.publicKey, runID: run, nonce: nonce, hello: hello, acceptor: "platform"))
        #expect(!RCIHandshake.verify(signature: sig, publicKey: other.publicKey, runID: run, nonce: nonce, hello: hello, acceptor: "platform"))
        #expect(!RCIHandshake.verify(signature: sig, publicKey: me.publicKey, runID: nonce, nonce: nonce, hello: hello, acceptor: "platform"))
        #expect(!RCIHandshake.verify(signature: sig, publicKey: me.publicKey, runID: run, nonce: run, hello: hello, acceptor: "platform"))
        #expect(!RCIHandshake.verify(signature: sig, publicKey: me.publicKey, runID: run, nonce: nonce,
                                     hello: .hello(id: "C1", role: .consumer, address: "unix:/tmp/b"), acceptor: "platform"))
        #expect(!RCIHandshake.verify(signature: sig, publicKey: me.publicKey, runID: run, nonce: nonce, hello: hello, acceptor: "G1"))
    }

    /// The generator's answer to a consumer's challenge binds its key, the run, the consumer's
    /// nonce and both ids; it is no dialer's handshake signature.
    @Test func acceptanceSignaturesBindRunNonceAndBothIds() throws {
        let g = RCIIdentity.generate(), other = RCIIdentity.generate()
        let run = Array(repeating: UInt8(1), count: 32), nonce = Array(repeating: UInt8(2), count: 32)
        let sig = try RCIHandshake.signAcceptance(g, runID: run, nonce: nonce, acceptor: "G1", dialer: "C1")
        #expect(RCIHandshake.verifyAcceptance(signature: sig, publicKey: g.publicKey, runID: run, nonce: nonce, acceptor: "G1", dialer: "C1"))
        #expect(!RCIHandshake.verifyAcceptance(signature: sig, publicKey: other.publicKey, runID: run, nonce: nonce, acceptor: "G1", dialer: "C1"))
        #expect(!RCIHandshake.verifyAcceptance(signature: sig, publicKey: g.publicKey, runID: nonce, nonce: nonce, acceptor: "G1", dialer: "C1"))
        #expect(!RCIHandshake.verifyAcceptance(signature: sig, publicKey: g.publicKey, runID: run, nonce: run, acceptor: "G1", dialer: "C1"))
        #expect(!RCIHandshake.verifyAcceptance(signature: sig, publicKey: g.publicKey, runID: run, nonce: nonce, acceptor: "G2", dialer: "C1"))
        #expect(!RCIHandshake.verifyAcceptance(signature: sig, publicKey: g.publicKey, runID: run, nonce: nonce, acceptor: "G1", dialer: "C2"))
        #expect(!RCIHandshake.verify(signature: sig, publicKey: g.publicKey, runID: run, nonce: nonce, hello: .partnerHello(id: "G1"), acceptor: "C1"))
    }

    @Test func everyMessageRoundTrips() throws {
        for m in Self.samples {
            let frame = try RCIFrame.encode(m)
            #expect(try RCIFrame.decode(Array(frame.dropFirst(4))) == m)
        }
    }

    @Test func corruptedFramesAreRejected() throws {
        var rng = SplitMix64(seed: 1)
        for m in Self.samples {
            var body = Array(try RCIFrame.encode(m).dropFirst(4))
            let i = Int(rng.next() % UInt64(body.count))
            body[i] ^= UInt8(1 + rng.next() % 255)
            #expect(throws: (any Error).self) { try RCIFrame.decode(body) }
        }
    }

    @Test func socketsCarryFramesOverUnixAndTCP() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rci-wire-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for address in [RCIAddress.unix(dir.path + "/s.sock"), .tcp(host: "127.0.0.1", port: 0)] {
            let (listener, actual) = try RCISocket.listen(address, timeoutMilliseconds: 5_000)
            let client = try RCISocket.connect(actual, timeoutMilliseconds: 5_000)
            let server = try listener.accept()
            for m in Self.samples { try client.send(m); #expect(try server.receive() == m) }
            server.timeoutMilliseconds = 50
            #expect(throws: RCIError.self) { try server.receive() }  // silent peer → timeout
        }
    }
}
