import GridClearCore
@testable import LedgerLite

/// A deterministic discrete-event simulation of one PBFT committee: injected clock and
/// network (loss, delay, duplication, reordering, partitions), crash-restart from the
/// persisted `DurableState` and the ledger, Byzantine members, and the application side
/// (endorsement by re-execution, serving blocks). Every event is a pure function of the
/// scenario seed, so a failing seed replays exactly.
final class Simulation {
    enum Event {
        /// Raw bytes (exercises the decoder) or an already decoded message (cheaper).
        case deliver(to: Int, from: Int, bytes: [UInt8])
        case deliverMessage(to: Int, from: Int, message: SignedMessage)
        case tick(Int)
        case request(replica: Int, k: Int)
        case endorse(replica: Int, incarnation: Int, hash: [UInt8], agrees: Bool, reason: String)
        case crash(Int)
        case restart(Int)
        /// The operator's key replacement reaches replica `replica` (`SimScenario.rekey`).
        case operatorRequest(replica: Int)
    }

    let sc: SimScenario
    var rng: SimRNG
    let committee: Committee
    let genesis: Block
    let genesisTip: ChainTip
    /// With epochs: the genesis membership (each replica folds its own ledger into it).
    var genesisMembership: Membership?
    /// Node index by public key (destinations of committees and the roster).
    var nodeOfKey: [[UInt8]: Int] = [:]
    var epochsStarted = 0
    var signers: [MessageSigner] = []
    var replicas: [Replica?]
    var incarnation: [Int]
    var durableBytes: [[UInt8]?]
    /// The last state each replica persisted (decoded form of `durableBytes`).
    var persisted: [DurableState?]
    var ledgers: [[CertifiedBlock]]
    var queue = EventQueue<Event>()
    var now: Int64 = 0
    var injected: [Int: Set<Int>] = [:]
    var record: Bool
    var transcript: [String] = []
    var failures: [String] = []
    let invariants: SafetyInvariants
    /// Messages a replaying Byzantine member has seen.
    var replayBuffer: [SignedMessage] = []
    /// When each replaying member may next replay: at most one burst per `replayGapMillis`, so
    /// two replayers re-flooding each other's replays (each delivery is a step, each step a
    /// burst to everyone) cannot grow traffic exponentially within one simulated instant.
    var replayNext: [Int: Int64] = [:]
    let replayGapMillis: Int64 = 10
    var stats = (delivered: 0, dropped: 0, viewChanges: 0, disagreements: 0, steps: 0, rejected: 0, equivocations: 0, transfers: 0)
    /// With `sc.rekey`: the operator's key, the replacement key and the signed request.
    var operatorKey: NodeKey?
    var replacementSigner: MessageSigner?
    var keyReplacement: KeyReplacement?
    var operatorInjected: Set<Int> = []
    /// PREPAREs and COMMITs the replaced node sent with its new key as a member.
    var votesWithNewKey = 0
    /// Proposals a `rekeyForger` primary forged.
    var forgedProposals = 0
    /// Operator-signature verifications inside `Replica.step`, per replica and incarnation
    /// (DEBUG builds, with `sc.rekey`): a replica verifies each request once.
    var replacementVerifications: [Int: [Int: Int]] = [:]

    var scheme: SignatureScheme { sc.realCrypto ? Ed25519Scheme() : SimScheme() }
    /// The replicas' frame limit (`SimScenario.blockBytes`; nil: the default, not checked).
    var frameBytes: Int? {
        sc.blockBytes > 0 ? BlockBudget(frameBytes: 0, window: sc.checkpointInterval * 4, committee: committee).newViewBytes(requestBytes: sc.blockBytes) : nil
    }

    init(_ sc: SimScenario, record: Bool = false) {
        self.sc = sc
        self.rng = SimRNG(sc.seed)
        self.record = record
        for i in 0..<sc.n {
            if sc.realCrypto {
                var secret = [UInt8](repeating: 0, count: 32)
                secret[0] = UInt8(i + 1); secret[31] = UInt8(truncatingIfNeeded: sc.seed)
                signers.append(try! NodeKey(secret: secret))
            } else {
                signers.append(SimSigner(i, salt: sc.seed))
            }
        }
        let chain = "sim-\(sc.seed)"
        var gc: GenesisCommittee?
        if let rk = sc.rekey {
            var secret = [UInt8](repeating: 0x0B, count: 32)
            secret[31] = UInt8(truncatingIfNeeded: sc.seed)
            operatorKey = try! NodeKey(secret: secret)
            if sc.realCrypto {
                var s2 = [UInt8](repeating: 0x0C, count: 32)
                s2[0] = UInt8(rk.node + 1); s2[31] = UInt8(truncatingIfNeeded: sc.seed)
                replacementSigner = try! NodeKey(secret: s2)
            } else {
                replacementSigner = SimSigner(1_000 + rk.node, salt: sc.seed)
            }
        }
        if sc.epochBlocks > 0 {
            var p = ReputationParams()
            p.committeeSize = sc.committeeSize == 0 ? sc.n : sc.committeeSize
            p.epochBlocks = sc.epochBlocks
            p.lotteryRange = 4_000
            gc = GenesisCommittee(members: signers.enumerated().map { CommitteeMember(nodeID: "n\($0.offset)", publicKey: $0.element.publicKey) }, params: p,
                                  operatorKey: operatorKey?.publicKey)
        }
        (genesis, genesisTip) = simGenesis(chain: chain, keys: signers.map(\.publicKey), committee: gc)
        if case .genesis(let g) = genesis.entries[0], gc != nil { genesisMembership = try! Membership(genesis: g) }
        committee = genesisMembership?.committee
            ?? (try! Committee(id: CommitteeID(chain: chain, epoch: 1), keys: signers.map(\.publicKey), primaryOffset: 0))
        for (i, s) in signers.enumerated() { nodeOfKey[s.publicKey] = i }
        if let rk = sc.rekey, let op = operatorKey, let new = replacementSigner {
            nodeOfKey[new.publicKey] = rk.node
            keyReplacement = try! KeyReplacement(nodeID: "n\(rk.node)", oldKey: signers[rk.node].publicKey, newKey: new.publicKey,
                                                 nonce: Array(repeating: UInt8(truncatingIfNeeded: sc.seed), count: 16)).signed(chain: chain, operatorKey: op)
        }
        replicas = Array(repeating: nil, count: sc.n)
        incarnation = Array(repeating: 0, count: sc.n)
        durableBytes = Array(repeating: nil, count: sc.n)
        persisted = Array(repeating: nil, count: sc.n)
        ledgers = Array(repeating: [], count: sc.n)
        invariants = SafetyInvariants(committee: committee, scheme: sc.realCrypto ? Ed25519Scheme() : SimScheme(), honest: Set(sc.honest),
                                      membership: genesisMembership)
        for i in 0..<sc.n {
            replicas[i] = makeReplica(i)
            queue.push(Int64(i) * 7 % sc.tickMillis, .tick(i))
        }
        for k in 0..<sc.requests {
            let at = Int64(rng.below(UInt64(max(1, sc.healAt))))
            for i in 0..<sc.n { queue.push(at + rng.range(0, 200), .request(replica: i, k: k)) }
        }
        for c in sc.crashes { queue.push(c.at, .crash(c.replica)); queue.push(c.restart, .restart(c.replica)) }
        if let rk = sc.rekey {
            queue.push(rk.at, .crash(rk.node))
            for i in 0..<sc.n { queue.push(rk.at + rng.range(0, 200), .operatorRequest(replica: i)) }
            queue.push(rk.restart, .restart(rk.node))
        }
    }

    func makeReplica(_ i: Int) -> Replica {
        var cfg = ReplicaConfig(committee: committee, id: ReplicaID(i), signer: signers[i], scheme: scheme)
        cfg.checkpointInterval = sc.checkpointInterval
        cfg.window = sc.checkpointInterval * 4
        cfg.maxBlockEntries = 4
        cfg.viewChangeTimeoutMillis = 1_000
        cfg.retransmitMillis = 300
        cfg.nodeID = "n\(i)"
        if let f = frameBytes { cfg.frameBytes = f }
        let tip = ledgers[i].last.map { _ in ledgers[i].reduce(genesisTip) { $0.extended(by: $1.block) } } ?? genesisTip
        let durable = durableBytes[i].map { try! DurableState.decode($0) }
        let ids = Set(ledgers[i].flatMap { $0.block.entries.compactMap(\.cycleID) })
        var membership = genesisMembership
        for cb in ledgers[i] { _ = try! membership?.apply(cb.block, certificate: cb.certificate) }
        return Replica(config: cfg, tip: tip, durable: durable, committedRequestIDs: ids, membership: membership)
    }

    func log(_ s: @autoclosure () -> String) { if record { transcript.append("t=\(now) \(s())") } }

    /// Runs to the deadline or until every honest replica has committed every request at the
    /// same height after the heal time. Returns the failures (empty: the run passed).
    func run() -> [String] {
        while let (t, e) = queue.pop() {
            now = t
            if now > sc.deadline { break }
            handle(e)
            if !failures.isEmpty { return failures }
            if case .tick = e, now > sc.healAt, allDone() { return [] }
        }
        let heights = (0..<sc.n).map { "r\($0):\(ledgers[$0].count)\(replicas[$0].map { " v\($0.view)\($0.isActive ? "" : "*")" } ?? " down")" }
        failures.append("liveness: not every honest replica committed all \(sc.requests) requests by t=\(sc.deadline) (\(heights.joined(separator: ", ")))")
        return failures
    }

    func allDone() -> Bool {
        let h = sc.honest
        guard h.allSatisfy({ replicas[$0] != nil }) else { return false }
        let heights = Set(h.map { ledgers[$0].count })
        guard heights.count == 1 else { return false }
        guard h.allSatisfy({ i in Set(ledgers[i].flatMap { $0.block.entries.compactMap(\.cycleID) }).count == sc.requests }) else { return false }
        // The key replacement is in every honest ledger and the replaced node is back in.
        if let k = keyReplacement {
            return h.allSatisfy { i in ledgers[i].contains { $0.block.entries.contains { e in
                if case .committeeEpoch(let c) = e { return c.authorization == k }; return false } } }
        }
        return true
    }

    func handle(_ e: Event) {
        switch e {
        case .tick(let i):
            queue.push(now + sc.tickMillis, .tick(i))
            step(i, .tick(nowMillis: now))
        case .deliver(let to, let from, let bytes):
            guard replicas[to] != nil else { return }
            stats.delivered += 1
            if sc.byzantine[to] == .replayer, let m = try? SignedMessage.decode(bytes), replayBuffer.count < 512 { replayBuffer.append(m) }
            log("deliver r\(to)<-r\(from) \(bytes.count)B")
            step(to, .received(bytes))
        case .deliverMessage(let to, let from, let m):
            guard replicas[to] != nil else { return }
            stats.delivered += 1
            if sc.byzantine[to] == .replayer, replayBuffer.count < 512 { replayBuffer.append(m) }
            log("deliver r\(to)<-r\(from) \(m.kind)")
            step(to, .message(m))
        case .request(let i, let k):
            injected[k, default: []].insert(i)
            guard replicas[i] != nil else { return }
            step(i, .request(sc.byzantine[i] == .wrongVoter ? simWrongRequest(k) : request(k)))
        case .endorse(let i, let inc, let hash, let agrees, let reason):
            guard replicas[i] != nil, incarnation[i] == inc else { return }
            step(i, .endorsed(blockHash: hash, agrees: agrees, reason: reason))
        case .crash(let i):
            log("CRASH r\(i)")
            replicas[i] = nil
            incarnation[i] += 1
        case .operatorRequest(let i):
            operatorInjected.insert(i)
            guard replicas[i] != nil, let k = keyReplacement else { return }
            log("OPERATOR key replacement of \(k.nodeID) reaches r\(i)")
            step(i, .request(Request(replacing: k)))
        case .restart(let i):
            log("RESTART r\(i) at height \(ledgers[i].count)")
            if let rk = sc.rekey, rk.node == i, now >= rk.restart, let new = replacementSigner { signers[i] = new }
            replicas[i] = makeReplica(i)
            step(i, .tick(nowMillis: now))
            for k in injected.keys.sorted() where injected[k]?.contains(i) == true {
                step(i, .request(request(k)))
            }
            if operatorInjected.contains(i), let k = keyReplacement { step(i, .request(Request(replacing: k))) }
        }
    }

    func step(_ i: Int, _ input: Input) {
        guard var r = replicas[i] else { return }
        var ready: Ready
        #if DEBUG
        if sc.rekey != nil {
            let counter = VerifiedKeyReplacement.Counter()
            ready = VerifiedKeyReplacement.$verifications.withValue(counter) { r.step(input) }
            if counter.count > 0 { replacementVerifications[i, default: [:]][incarnation[i], default: 0] += counter.count }
        } else { ready = r.step(input) }
        #else
        ready = r.step(input)
        #endif
        replicas[i] = r
        stats.steps += 1
        apply(i, ready)
    }

    /// The driver contract: persist, append, send, serve the application requests, record.
    func apply(_ i: Int, _ ready: Ready) {
        if let d = ready.persist { durableBytes[i] = d.encoded(); persisted[i] = d }
        for cb in ready.committed {
            if let why = invariants.commit(replica: i, block: cb, ledger: ledgers[i]) { failures.append("safety: \(why)") }
            ledgers[i].append(cb)
            log("COMMIT r\(i) h=\(cb.height) view=\(cb.certificate.view) \(Hex.encode(cb.hash).prefix(8))")
        }
        var out = ready.messages
        if sc.byzantine[i] == nil, let frame = frameBytes {
            for o in out where o.message.encoded().count > frame {
                failures.append("frame: r\(i) sent a \(o.message.kind) of \(o.message.encoded().count) bytes, over the \(frame)-byte frame")
            }
        }
        if let b = sc.byzantine[i] { out = corrupt(i, b, out) }
        for o in out {
            if sc.byzantine[i] == nil, let why = invariants.sent(o.message, persisted: persisted[i]) { failures.append("safety: \(why)") }
            if let rk = sc.rekey, rk.node == i, o.message.kind == .prepare || o.message.kind == .commit,
               replicas[i]?.committee.key(of: o.message.sender) == replacementSigner?.publicKey { votesWithNewKey += 1 }
            let targets = destinations(from: i, o.to)
            // One delivery in eight goes through the wire encoding and the decoder.
            let bytes = rng.below(8) == 0 ? o.message.encoded() : nil
            for t in targets { transmit(from: i, to: t, o.message, bytes) }
        }
        for q in ready.requests {
            switch q {
            case .endorse(_, _, let p):
                let (ok, why) = sc.byzantine[i] == .wrongVoter ? (true, "") : simEndorse(p)
                queue.push(now + rng.range(0, 30), .endorse(replica: i, incarnation: incarnation[i], hash: p.digest, agrees: ok, reason: why))
            case .serveBlocks(let to, let from):
                stats.transfers += 1
                let lo = Int(from) - 1
                guard lo >= 0, lo < ledgers[i].count else { continue }
                step(i, .serveBlocks(to: to, blocks: Array(ledgers[i][lo..<min(ledgers[i].count, lo + 16)])))
            }
        }
        for e in ready.events {
            switch e {
            case .viewChangeStarted: stats.viewChanges += 1
            case .epochStarted: epochsStarted += 1
            case .disagreement: stats.disagreements += 1
            case .dropped: stats.rejected += 1
            case .equivocation: stats.equivocations += 1
            default: break
            }
            log("r\(i) \(e)")
        }
    }

    /// The request `k` as every honest application computes it.
    func request(_ k: Int) -> Request {
        simRequest(k, tradingNode: sc.tradingNodes && k % 3 == 1 ? "n\(k % sc.n)" : nil)
    }

    /// Node indices a message from node `i` goes to: committee members by the sender's
    /// committee in force, roster nodes by the sender's roster.
    func destinations(from i: Int, _ to: Destination) -> [Int] {
        guard genesisMembership != nil, let r = replicas[i] else {
            switch to {
            case .all: return (0..<sc.n).filter { $0 != i }
            case .replica(let r): return Int(r) < sc.n ? [Int(r)] : []
            case .roster: return []
            }
        }
        switch to {
        case .all: return r.committee.keys.compactMap { nodeOfKey[$0] }.filter { $0 != i }
        case .replica(let x): return r.committee.key(of: x).flatMap { nodeOfKey[$0] }.map { [$0] } ?? []
        case .roster(let x):
            guard let m = r.membership, Int(x) < m.roster.count else { return [] }
            return nodeOfKey[m.roster[Int(x)].publicKey].map { [$0] } ?? []
        }
    }

    /// The network: partitions and loss (before the heal time), duplication, random delay.
    func transmit(from: Int, to: Int, _ m: SignedMessage, _ bytes: [UInt8]?) {
        if now < sc.healAt {
            for p in sc.partitions where now >= p.from && now < p.until && p.group.contains(from) != p.group.contains(to) {
                stats.dropped += 1; return
            }
            if rng.chance(sc.loss) { stats.dropped += 1; return }
        }
        let copies = now < sc.healAt && rng.chance(sc.duplicate) ? 2 : 1
        for _ in 0..<copies {
            let at = now + rng.range(sc.minDelay, sc.maxDelay)
            if let bytes { queue.push(at, .deliver(to: to, from: from, bytes: bytes)) } else { queue.push(at, .deliverMessage(to: to, from: from, message: m)) }
        }
    }

    /// Endorsement by re-execution: every request slice of the block must equal what this
    /// application computes for that request id.
    func simEndorse(_ p: Proposal) -> (Bool, String) {
        var at = 0
        for r in p.requests {
            if r.id.hasPrefix("epoch:") || r.id.hasPrefix("replace-key:") { at += Int(r.entryCount); continue }  // the core checks these
            guard r.id.hasPrefix("C"), let k = Int(r.id.dropFirst()), k >= 0, k < sc.requests else { return (false, "unknown request \(r.id)") }
            let mine = request(k).entries
            let end = at + Int(r.entryCount)
            guard end <= p.block.entries.count, Array(p.block.entries[at..<end]) == mine else {
                return (false, "re-executed \(r.id): result differs from the proposal")
            }
            at = end
        }
        return (true, "")
    }
}

/// A wrong clearing result for request `k` (a Byzantine application's).
func simWrongRequest(_ k: Int) -> Request {
    var r = simRequest(k)
    if case .clearedCycle(var c) = r.entries[0] { c.trades.rows.append(["B\(k)", "O\(k)", "999999"]); r.entries[0] = .clearedCycle(c) }
    return r
}
