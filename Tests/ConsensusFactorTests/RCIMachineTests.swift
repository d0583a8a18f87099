import Foundation
import GridClearTestSupport
import GridClearCore
import Testing
@testable import ConsensusFactor

/// The protocol machines: any delivery order (per-sender FIFO, as sockets give) yields the
/// same result, and the socket nodes (which only move bytes) reproduce the in-process run
/// bit for bit.
@Suite struct RCIMachineTests {
    /// Delivers messages in a seeded random order that keeps each (sender, receiver) link FIFO.
    static func shuffledRun(_ c: RCICase, _ p: RCIParameters, seed: UInt64) throws -> [String: RCIAgentOutcome] {
        var rng = SplitMix64(seed: seed)
        var platform = try RCIPlatformMachine(agentCount: c.agents.count, parameters: p, cipher: nil, masking: false)
        var agents = try Dictionary(uniqueKeysWithValues: c.agents.map {
            ($0.id, try RCIAgentMachine(spec: $0, address: "x", perturbation: nil, rng: RCISeeds.agent(0, $0.id)))
        })
        var links: [String: [(RCIParty, RCIParty, RCIMessage)]] = [:]
        var order: [String] = []
        func post(_ from: RCIParty, _ es: [RCIEnvelope]) {
            for e in es {
                let key = "\(from)>\(e.to)"
                if links[key] == nil { order.append(key) }
                links[key, default: []].append((from, e.to, e.message))
            }
        }
        var results: [String: RCIAgentOutcome] = [:]
        func stepAgent(_ id: String, _ input: RCIInput) throws {
            var ready = try agents[id]!.step(input)
            post(.agent(id), ready.messages)
            if ready.connect != nil { ready = try agents[id]!.step(.partnersConnected); post(.agent(id), ready.messages) }
            if let r = ready.result { results[id] = r.outcome }
        }
        for a in c.agents { try stepAgent(a.id, .start) }
        while true {
            let live = order.filter { !(links[$0] ?? []).isEmpty }
            if live.isEmpty { break }
            let key = live[Int(rng.next() % UInt64(live.count))]
            let (from, to, m) = links[key]!.removeFirst()
            switch to {
            case .platform: post(.platform, try platform.step(.received(from: from, m)).messages)
            case .agent(let id): try stepAgent(id, .received(from: from, m))
            }
        }
        return results
    }

    @Test(arguments: [RCIAlgorithm.rci, .admm])
    func deliveryOrderDoesNotChangeTheResult(_ algorithm: RCIAlgorithm) throws {
        let c = try loadCase("case_2x3")
        var p = RCIParameters(algorithm: algorithm)
        p.maxIterations = 300
        var run = try RCIInProcessRun(case: c, parameters: p)
        let reference = try run.run()
        for seed in 1...3 as ClosedRange<UInt64> {
            let shuffled = try Self.shuffledRun(c, p, seed: seed)
            for a in reference.agents { #expect(shuffled[a.id] == a, "agent \(a.id), seed \(seed)") }
        }
    }

    @Test func outOfOrderMessagesAreProtocolViolations() throws {
        let c = try loadCase("case_2x3")
        var m = try RCIAgentMachine(spec: c.agents[0], address: "x", perturbation: nil, rng: SplitMix64(seed: 1))
        _ = try m.step(.start)
        #expect(throws: RCIError.self) { _ = try m.step(.received(from: .platform, .reply(iteration: 0, stop: true, values: [], verdict: nil))) }
        var p = try RCIPlatformMachine(agentCount: 2, parameters: RCIParameters(), cipher: nil, masking: false)
        #expect(throws: RCIError.self) { _ = try p.step(.received(from: .agent("G1"), .request(iteration: 0, converged: true, lambdas: [], tests: [], wantsTest: false))) }
        _ = try p.step(.received(from: .agent("G1"), .hello(id: "G1", role: .generator, address: "a")))
        #expect(throws: RCIError.self) { _ = try p.step(.received(from: .agent("G1"), .hello(id: "G1", role: .generator, address: "a"))) }
    }

    /// Socket nodes on threads of this process over unix sockets: the same outcome as the
    /// in-process queue, bit for bit.
    @Test(arguments: [RCIAlgorithm.rci, .admm])
    func socketNodesReproduceTheInProcessRun(_ algorithm: RCIAlgorithm) throws {
        let c = try loadCase("case_2x3")
        let p = RCIParameters(algorithm: algorithm)
        var run = try RCIInProcessRun(case: c, parameters: p)
        let reference = try run.run()

        let tmp = try TemporaryFolder("RCIMachineTests"), dir = tmp.path
        let box = ResultBox()
        let me = RCIIdentity.generate()  // the platform proves it to every agent, which pins its key
        let platform = try RCIPlatformNode(listen: .unix(dir + "/p.sock"), agentCount: c.agents.count, parameters: p,
                                           cipher: nil, masking: false, timeoutMilliseconds: 20_000, identity: me)
        var threads: [Thread] = []
        for spec in c.agents {
            let t = Thread {
                do {
                    let node = try RCIAgentNode(spec: spec, platform: .unix(dir + "/p.sock"), listen: .unix(dir + "/\(spec.id).sock"),
                                                timeoutMilliseconds: 20_000, perturbation: nil, rng: RCISeeds.agent(0, spec.id),
                                                platformKey: me.publicKey)
                    box.put(spec.id, .success(try node.run().outcome))
                } catch { box.put(spec.id, .failure(error)) }
            }
            t.start(); threads.append(t)
        }
        let summary = try platform.run()
        for _ in 0..<500 where box.count < c.agents.count { usleep(10_000) }
        #expect(summary.converged == reference.converged && summary.iterations == reference.iterations)
        for a in reference.agents { #expect(try box.get(a.id) == a, "agent \(a.id)") }
    }
}

extension RCIMachineTests {
    /// Issue 19: an agent refuses a platform that cannot prove it holds the pinned key, with a
    /// clear error, before it sends anything but its signed hello.
    @Test func anImpostorPlatformIsRefused() throws {
        let c = try loadCase("case_2x3")
        let tmp = try TemporaryFolder("RCIMachineTests"), dir = tmp.path
        let pinned = RCIIdentity.generate(), impostor = RCIIdentity.generate()
        let done = ResultBox(), agents = c.agents.count
        let t = Thread {
            let platform = try? RCIPlatformNode(listen: .unix(dir + "/p.sock"), agentCount: agents, parameters: RCIParameters(),
                                                cipher: nil, masking: false, timeoutMilliseconds: 1_500, identity: impostor)
            _ = try? platform?.run()
            done.put("platform", .failure(RCIError.io("ended")))
        }
        t.start()
        for _ in 0..<500 where !FileManager.default.fileExists(atPath: dir + "/p.sock") { usleep(5_000) }
        let node = try RCIAgentNode(spec: c.agents[0], platform: .unix(dir + "/p.sock"), listen: .unix(dir + "/a.sock"),
                                    timeoutMilliseconds: 5_000, perturbation: nil, rng: RCISeeds.agent(0, c.agents[0].id),
                                    identity: RCIIdentity.generate(), platformKey: pinned.publicKey)
        do {
            _ = try node.run()
            Issue.record("the impostor platform was accepted")
        } catch {
            let line = "\(error)"
            #expect(line.contains("did not prove it holds the pinned platform key") && line.contains("refusing an impostor platform"), "\(line)")
            #expect(!line.contains("\n"))
        }
        for _ in 0..<400 where done.count == 0 { usleep(10_000) }
    }
}

extension RCIMachineTests {
    /// Issue 19: a peer of the previous frame version (2) is refused at its first frame with one
    /// log line naming both versions, and the gathering goes on.
    @Test func anOldVersionPeerIsRefusedNamingBothVersions() throws {
        let tmp = try TemporaryFolder("RCIMachineTests"), dir = tmp.path
        let lines = LineBox()
        let t = Thread {
            let platform = try? RCIPlatformNode(listen: .unix(dir + "/p.sock"), agentCount: 2, parameters: RCIParameters(),
                                                cipher: nil, masking: false, timeoutMilliseconds: 1_000, log: { lines.add($0) })
            _ = try? platform?.run()
            lines.add("ended")
        }
        t.start()
        for _ in 0..<500 where !FileManager.default.fileExists(atPath: dir + "/p.sock") { usleep(5_000) }
        let s = try RCISocket.connect(.unix(dir + "/p.sock"), timeoutMilliseconds: 2_000)
        guard case .challenge = try s.receive() else { Issue.record("no challenge"); return }
        var frame = try RCIFrame.encode(.hello(id: "G1", role: .generator, address: "x"))
        frame[4] = 2  // the version byte of an old build; the checksum made right again
        let inner = Array(frame[4..<(frame.count - 4)]), crc = CRC32.checksum(inner)
        frame = Array(frame[0..<4]) + inner + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        try s.send(frame: frame)
        for _ in 0..<400 where !lines.all.contains("ended") { usleep(10_000) }
        let refusal = lines.all.first { $0.contains("refused") } ?? ""
        #expect(refusal.contains("RCI frame version 2") && refusal.contains("speaks version 3"), "\(lines.all)")
        #expect(!refusal.contains("\n"))
    }
}

final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ l: String) { lock.lock(); lines.append(l); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Result<RCIAgentOutcome, any Error>] = [:]
    func put(_ id: String, _ r: Result<RCIAgentOutcome, any Error>) { lock.lock(); values[id] = r; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return values.count }
    func get(_ id: String) throws -> RCIAgentOutcome? { lock.lock(); defer { lock.unlock() }; return try values[id]?.get() }
}
