import Testing
import GridClearCore
@testable import EtcdReplication

/// Deterministic simulation of several `ReplicationMachine`s against a model of etcd's
/// semantics (leases that expire, the campaign and the fenced commit transactions), with
/// seeded faults: answers lost after the call was applied, calls that fail, nodes frozen for
/// longer than the TTL (SIGSTOP), nodes crashed and restarted from their ledger. After every
/// step: every ledger is a prefix of etcd's chain and no cycle is committed twice. At the
/// end (faults off): every cycle is committed once and every ledger holds the whole chain.
@Suite struct ReplicationSimulationTests {
    struct SimEtcd {
        var now: Int64 = 0
        var nextLease: Int64 = 100
        var revision: Int64 = 1
        var leases: [Int64: Int64] = [:]                     // id → expiry
        var election: (value: String, lease: Int64, createRev: Int64)?
        var chain: [[UInt8]] = []                            // block h = chain[h]
        var registered: Set<String> = []

        mutating func expire() {
            for (id, exp) in leases where exp <= now { leases[id] = nil }
            if let e = election, leases[e.lease] == nil { election = nil; revision += 1 }
        }
    }

    struct SimNode {
        var id: String
        var machine: ReplicationMachine
        var ledger: [[UInt8]] = []
        var frozenUntil: Int64 = 0
        var inbox: [ReplicationInput] = []
        var producing: (UInt64, String?, Int64)?  // height, cycle, ready at
    }

    @Test(arguments: 0..<16)
    func seededRunIsSafeAndLive(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &* 0x9E37_79B9 &+ 7)
        func chance(_ p: Double) -> Bool { Double(rng.next() % 10_000) / 10_000 < p }
        let ttl: Int64 = 3
        let cycles = (1...12).map { "C\($0)" }
        var etcd = SimEtcd()
        var nodes = (1...3).map { SimNode(id: "\($0)", machine: ReplicationMachine(config: ReplicationConfig(nodeID: "\($0)", leaseTTLSeconds: ttl), ledgerNextHeight: 0)) }
        func cycleOf(_ p: [UInt8]) -> String { String(decoding: p, as: UTF8.self).split(separator: ":").last.map(String.init) ?? "" }
        func due(_ n: SimNode) -> [String] {
            let have = Set(n.ledger.map(cycleOf))
            return cycles.filter { !have.contains($0) }
        }

        /// Executes one command against the model; returns the answer (nil: none or lost).
        func execute(_ c: ReplicationCommand, _ i: Int, faults: Bool) -> ReplicationInput? {
            let id = nodes[i].id
            let fail = faults && chance(0.05), lose = faults && chance(0.05)
            if fail {
                if case .commit(let h, _, _) = c { return .commitResult(height: h, .unknown("sim: failed")) }
                if case .append = c {} else if case .produce = c {} else { return .callFailed("sim", "failed") }
            }
            var answer: ReplicationInput?
            switch c {
            case .append(let h, let p):
                #expect(Int(h) == nodes[i].ledger.count)
                nodes[i].ledger.append(p)
            case .register: etcd.registered.insert(id); answer = .registered(true)
            case .grantLease(let t, let sent):
                let l = etcd.nextLease; etcd.nextLease += 1
                etcd.leases[l] = etcd.now + t * 1000
                answer = .leaseGranted(id: l, ttlSeconds: t, sentAtMillis: sent)
            case .keepAlive(let l, let sent):
                if etcd.leases[l] != nil { etcd.leases[l] = etcd.now + ttl * 1000; answer = .keepAlive(alive: true, sentAtMillis: sent) }
                else { answer = .keepAlive(alive: false, sentAtMillis: sent) }
            case .campaign(let l):
                if etcd.election == nil, etcd.leases[l] != nil {
                    etcd.revision += 1
                    etcd.election = (id, l, etcd.revision)
                    answer = .campaigned(won: true, leaderID: id, electionRevision: etcd.revision)
                } else if let e = etcd.election {
                    answer = .campaigned(won: e.value == id && e.lease == l, leaderID: e.value, electionRevision: e.createRev)
                } else { answer = .campaigned(won: false, leaderID: nil, electionRevision: 0) }
            case .fetch(let from):
                let blocks = etcd.chain.enumerated().filter { UInt64($0.offset) >= from }.prefix(4).map { FetchedBlock(UInt64($0.offset), $0.element) }
                answer = .fetched(blocks: Array(blocks), head: etcd.chain.isEmpty ? nil : UInt64(etcd.chain.count - 1), failed: [])
            case .produce(let h, let cycle):
                nodes[i].producing = (h, cycle, etcd.now + Int64(rng.next() % 400))
            case .commit(let h, let p, let rev):
                if let e = etcd.election, e.createRev == rev, e.value == id, Int(h) == etcd.chain.count {
                    etcd.chain.append(p); etcd.revision += 1
                    answer = .commitResult(height: h, .committed)
                } else if let e = etcd.election, e.createRev == rev, e.value == id {
                    answer = .commitResult(height: h, .heightTaken)
                } else { answer = .commitResult(height: h, .fenced) }
                if lose, case .commitResult(_, .committed)? = answer { answer = .commitResult(height: h, .unknown("sim: answer lost")) }
            case .recordApplied(let n): answer = .appliedRecorded(n)
            case .revokeLease(let l): etcd.leases[l] = nil; etcd.expire()
            case .markFailed, .prune, .checkStatus: break
            }
            if lose, case .commitResult = answer {} else if lose, answer != nil { return nil }
            return answer
        }

        func step(_ i: Int, _ input: ReplicationInput, faults: Bool) {
            var queue = [input]
            while !queue.isEmpty {
                let r = nodes[i].machine.step(queue.removeFirst())
                for c in r.commands { if let a = execute(c, i, faults: faults) { queue.append(a) } }
            }
        }

        func checkSafety() {
            let committed = etcd.chain.map(cycleOf)
            #expect(Set(committed).count == committed.count, "a cycle committed twice (seed \(seed)): \(committed)")
            for n in nodes { #expect(Array(etcd.chain.prefix(n.ledger.count)) == n.ledger, "node \(n.id) diverged (seed \(seed))") }
        }

        for round in 0..<3_000 {
            let faults = round < 2_000
            etcd.now += 10
            etcd.expire()
            for i in nodes.indices where nodes[i].frozenUntil <= etcd.now {
                if let (h, c, at) = nodes[i].producing, at <= etcd.now {
                    nodes[i].producing = nil
                    let payload = Array("\(h):\(c ?? "genesis")".utf8)
                    step(i, .produced(height: h, payload: payload, cycle: c), faults: faults)
                }
                step(i, .tick(nowMillis: etcd.now, due: due(nodes[i]), canLead: true), faults: faults)
                if etcd.chain.count > 1, chance(0.02) { step(i, .headChanged(UInt64(etcd.chain.count - 1)), faults: faults) }
            }
            if faults, chance(0.004) {  // SIGSTOP for longer than the TTL
                let i = Int(rng.next() % 3)
                nodes[i].frozenUntil = etcd.now + ttl * 1000 + Int64(rng.next() % 3_000)
            }
            if faults, chance(0.002) {  // kill -9 and restart from the ledger
                let i = Int(rng.next() % 3)
                nodes[i].machine = ReplicationMachine(config: nodes[i].machine.config, ledgerNextHeight: UInt64(nodes[i].ledger.count))
                nodes[i].producing = nil
            }
            checkSafety()
        }
        let committed = etcd.chain.dropFirst().map(cycleOf)
        #expect(committed.sorted() == cycles.sorted(), "not every cycle committed once (seed \(seed)): \(committed)")
        for n in nodes { #expect(n.ledger == etcd.chain, "node \(n.id) did not catch up (seed \(seed))") }
    }
}
