import Foundation
import GridClearTestSupport
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
        .accusation(iteration: 4, owner: "G2", contribution: [1, 2, 3]),
    ]

    /// A handshake signature binds the key, the run, the nonce, the hello and the acceptor.
    @Test func handshakeSignaturesBindRunNonceHelloAndAcceptor() throws {
        let me = RCIIdentity.generate(), other = RCIIdentity.generate()
        let run = Array(repeating: UInt8(1), count: 32), nonce = Array(repeating: UInt8(2), count: 32)
        let hello = RCIMessage.hello(id: "C1", role: .consumer, address: "unix:/tmp/a")
        let sig = try RCIHandshake.sign(me, runID: run, nonce: nonce, .hello(hello, acceptor: "platform"))
        #expect(RCIHandshake.verify(signature: sig, publicKey: me.publicKey, runID: run, nonce: nonce, .hello(hello, acceptor: "platform")))
        #expect(!RCIHandshake.verify(signature: sig, publicKey: other.publicKey, runID: run, nonce: nonce, .hello(hello, acceptor: "platform")))
        #expect(!RCIHandshake.verify(signature: sig, publicKey: me.publicKey, runID: nonce, nonce: nonce, .hello(hello, acceptor: "platform")))
        #expect(!RCIHandshake.verify(signature: sig, publicKey: me.publicKey, runID: run, nonce: run, .hello(hello, acceptor: "platform")))
        #expect(!RCIHandshake.verify(signature: sig, publicKey: me.publicKey, runID: run, nonce: nonce,
                                     .hello(.hello(id: "C1", role: .consumer, address: "unix:/tmp/b"), acceptor: "platform")))
        #expect(!RCIHandshake.verify(signature: sig, publicKey: me.publicKey, runID: run, nonce: nonce, .hello(hello, acceptor: "G1")))
    }

    /// An acceptance (a generator's or the platform's answer to the dialer's challenge) binds
    /// its key, the run, the dialer's nonce and both names; it is no dialer's hello signature.
    @Test func acceptanceSignaturesBindRunNonceAndBothIds() throws {
        let g = RCIIdentity.generate(), other = RCIIdentity.generate()
        let run = Array(repeating: UInt8(1), count: 32), nonce = Array(repeating: UInt8(2), count: 32)
        for acceptor in ["G1", "platform"] {
            let sig = try RCIHandshake.sign(g, runID: run, nonce: nonce, .acceptance(acceptor: acceptor, dialer: "C1"))
            #expect(RCIHandshake.verify(signature: sig, publicKey: g.publicKey, runID: run, nonce: nonce, .acceptance(acceptor: acceptor, dialer: "C1")))
            #expect(!RCIHandshake.verify(signature: sig, publicKey: other.publicKey, runID: run, nonce: nonce, .acceptance(acceptor: acceptor, dialer: "C1")))
            #expect(!RCIHandshake.verify(signature: sig, publicKey: g.publicKey, runID: nonce, nonce: nonce, .acceptance(acceptor: acceptor, dialer: "C1")))
            #expect(!RCIHandshake.verify(signature: sig, publicKey: g.publicKey, runID: run, nonce: run, .acceptance(acceptor: acceptor, dialer: "C1")))
            #expect(!RCIHandshake.verify(signature: sig, publicKey: g.publicKey, runID: run, nonce: nonce, .acceptance(acceptor: "G2", dialer: "C1")))
            #expect(!RCIHandshake.verify(signature: sig, publicKey: g.publicKey, runID: run, nonce: nonce, .acceptance(acceptor: acceptor, dialer: "C2")))
            #expect(!RCIHandshake.verify(signature: sig, publicKey: g.publicKey, runID: run, nonce: nonce, .hello(.partnerHello(id: acceptor), acceptor: "C1")))
        }
    }

    /// A frame of the previous version (2: no signed acceptance, unsigned contributions) is
    /// refused with one line naming both versions.
    @Test func anOldFrameVersionIsRefusedNamingBothVersions() throws {
        var body = Array(try RCIFrame.encode(.partnerHello(id: "C1")).dropFirst(4))
        #expect(body[0] == 3 && RCIFrame.version == 3)
        body[0] = 2
        let inner = Array(body.dropLast(4)), crc = CRC32.checksum(inner)
        body = inner + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        do {
            _ = try RCIFrame.decode(body)
            Issue.record("a version-2 frame was accepted")
        } catch let e as RCIError {
            #expect(e == .versionMismatch(peer: 2, ours: 3))
            let line = "\(e)"
            #expect(line.contains("version 2") && line.contains("version 3") && !line.contains("\n"), "\(line)")
        }
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
        let tmp = try TemporaryFolder("RCIWireTests"), dir = tmp.url
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
