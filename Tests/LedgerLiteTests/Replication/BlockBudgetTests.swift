import GridClearCore
import Testing
@testable import LedgerLite

/// Blocks cut by bytes (`BlockBudget`): the bound is checked against the real encoding of the
/// worst-case NEW-VIEW; the primary's cut, the refusal at submission and the refusal of an
/// oversized proposal are checked on single replicas; `PBFTSimulationTests` runs whole
/// committees under a small frame and checks every message against it.
@Suite struct BlockBudgetTests {
    static let zero32 = [UInt8](repeating: 0, count: 32), zero64 = [UInt8](repeating: 0, count: 64)

    /// A request whose cost is exactly `cost` bytes (one settlement entry padded by its reason).
    static func request(_ id: String, cost: Int) -> Request {
        func make(_ pad: Int) -> Request {
            Request(id: id, entries: [.settlement(SettlementEntry(cycleID: id, participantID: "P", energyWh: 1, amount: 1,
                                                                  reason: String(repeating: "x", count: pad)))])
        }
        let base = BlockBudget.cost(of: make(0))
        precondition(cost >= base)
        return make(cost - base)
    }

    func envelope(_ m: Message, _ c: Committee, sender: Int = 0) -> SignedMessage {
        SignedMessage(committee: c.id, sender: ReplicaID(sender), message: m, body: m.encodedBody(), signature: Self.zero64)
    }

    /// The largest NEW-VIEW an honest primary can send — quorum VIEW-CHANGEs, each with n
    /// checkpoint votes and `window` certificates of n PREPAREs, and `window` PRE-PREPAREs,
    /// every block carrying exactly the budget — encodes to `newViewBytes` and fits the frame;
    /// one request byte more per block would not.
    @Test(arguments: [(4, 4, 256 << 10), (7, 8, 1 << 20), (4, 32, 4 << 20)])
    func worstCaseNewViewFitsTheFrame(n: Int, window: Int, frame: Int) throws {
        let keys = (0..<n).map { [UInt8](repeating: UInt8($0 + 1), count: 32) }
        let c = try Committee(id: CommitteeID(chain: "budget-chain", epoch: 2), keys: keys)
        let b = BlockBudget(frameBytes: frame, window: UInt64(window), committee: c)
        #expect(b.requestBytes > 0)
        let r = Self.request("C-2026-11-30T10:00Z", cost: b.requestBytes)
        #expect(BlockBudget.cost(of: r) == b.requestBytes)
        let header = BlockHeader(height: 1, previousHash: Self.zero32, timeMillis: 0, entryCount: 1, entriesRoot: Self.zero32,
                                 treeSize: 1, treeRoot: Self.zero32, signer: keys[0])
        let proposal = Proposal(block: Block(header: header, entries: r.entries, signature: Self.zero64),
                                requests: [RequestRef(id: r.id, entryCount: 1)])
        let pps = (1...window).map { s in envelope(.prePrepare(PrePrepare(view: 1, seq: UInt64(s), proposal: proposal)), c) }
        #expect(b.requestBytes(of: pps[0]) == b.requestBytes)
        let votes = (0..<n).map { envelope(.prepare(Vote(view: 0, seq: 1, digest: Self.zero32)), c, sender: $0) }
        let checkpoint = CheckpointProof(seq: 8, digest: Self.zero32,
                                         votes: (0..<n).map { envelope(.checkpoint(Checkpoint(seq: 8, digest: Self.zero32)), c, sender: $0) })
        let vc = envelope(.viewChange(ViewChange(newView: 1, checkpoint: checkpoint,
                                                 prepared: pps.map { PreparedCertificate(prePrepare: $0, prepares: votes) })), c)
        let nv = envelope(.newView(NewView(view: 1, viewChanges: Array(repeating: vc, count: c.quorum), prePrepares: pps)), c, sender: 1)
        let size = nv.encoded().count
        #expect(size == b.newViewBytes(requestBytes: b.requestBytes))
        #expect(size <= frame)
        #expect(b.newViewBytes(requestBytes: b.requestBytes + 1) > frame)
    }

    @Test func theDefaultFrameLeavesRoomForLargeCycles() throws {
        let c = try Committee(id: CommitteeID(chain: "gridclear", epoch: 0), keys: (0..<4).map { [UInt8](repeating: UInt8($0 + 1), count: 32) })
        let b = BlockBudget(frameBytes: ReplicationWire.maxFrameBytes, window: 32, committee: c)
        #expect(b.requestBytes > 500_000 && b.newViewBytes(requestBytes: b.requestBytes) <= ReplicationWire.maxFrameBytes)
        #expect(BlockBudget(frameBytes: 1_000, window: 32, committee: c).requestBytes == 0)  // no room: everything refused
        // Absurd parameters saturate instead of trapping.
        let wide = try Committee(id: CommitteeID(chain: String(repeating: "c", count: 100_000), epoch: 0),
                                 keys: (0..<1_000).map { i in (0..<32).map { UInt8(truncatingIfNeeded: i >> ($0 % 2 * 8)) } })
        #expect(BlockBudget(frameBytes: .max, window: .max, committee: wide).requestBytes >= 0)
        #expect(BlockBudget(frameBytes: 64 << 20, window: .max, committee: wide).requestBytes == 0)
    }

    /// A replica of a 4-member committee (id `id`, primary of view 0 when 0) whose blocks may
    /// carry `budget` request bytes.
    func replica(_ id: Int, budget: Int, window: UInt64 = 8) -> Replica {
        let signers = (0..<4).map { SimSigner($0, salt: 77) }
        let (_, tip) = simGenesis(chain: "budget", keys: signers.map(\.publicKey))
        let c = try! Committee(id: CommitteeID(chain: "budget", epoch: 1), keys: signers.map(\.publicKey), primaryOffset: 0)
        var cfg = ReplicaConfig(committee: c, id: ReplicaID(id), signer: signers[id], scheme: SimScheme())
        cfg.window = window
        cfg.frameBytes = BlockBudget(frameBytes: 0, window: window, committee: c).newViewBytes(requestBytes: budget)
        let r = Replica(config: cfg, tip: tip, durable: nil)
        #expect(r.blockBudget.requestBytes == budget)
        return r
    }

    static func prePrepares(_ ready: Ready) -> [(SignedMessage, PrePrepare)] {
        ready.messages.compactMap { if case .prePrepare(let pp) = $0.message.message { return ($0.message, pp) }; return nil }
    }

    /// The primary cuts whole requests in arrival order while their cost fits the budget;
    /// the cost it counted is exactly what the PRE-PREPARE body carries.
    @Test func primaryCutsBlocksByBytes() throws {
        let cost = 3_000
        var p = replica(0, budget: 2 * cost + cost / 2)  // two requests fit, not three
        p.pending = (0..<5).map { Self.request("R\($0)", cost: cost) }
        let out = p.step(.tick(nowMillis: 1))
        let pps = Self.prePrepares(out)
        try #require(pps.count == 1)
        #expect(pps[0].1.proposal.requests.map(\.id) == ["R0", "R1"])
        #expect(p.blockBudget.requestBytes(of: pps[0].0) == 2 * cost)
        // Entry count still cuts too: a budget for all five, at most 3 entries.
        var q = replica(0, budget: 10 * cost)
        q.config.maxBlockEntries = 3
        q.pending = (0..<5).map { Self.request("R\($0)", cost: cost) }
        #expect(Self.prePrepares(q.step(.tick(nowMillis: 1))).first?.1.proposal.requests.map(\.id) == ["R0", "R1", "R2"])
    }

    /// A request larger than a block may carry is refused at submission with a typed error
    /// (`admit`), and the core drops it if it is fed anyway: it is never queued or proposed.
    @Test func oversizedRequestIsRefusedAtSubmission() throws {
        var p = replica(0, budget: 4_000)
        let big = Self.request("BIG", cost: 4_001), fits = Self.request("OK", cost: 4_000)
        #expect(throws: RequestTooLarge(id: "BIG", bytes: 4_001, limit: 4_000, frameBytes: p.config.frameBytes)) { try p.admit(big) }
        #expect(try p.admit(fits) == 4_000)
        let out = p.step(.request(big))
        #expect(out.messages.isEmpty && p.pendingRequests.isEmpty)
        #expect(out.events.contains { if case .dropped(_, let why) = $0 { return why.contains("BIG") && why.contains("4001") }; return false })
        #expect(Self.prePrepares(p.step(.request(fits))).count == 1)
    }

    /// A backup refuses to endorse or prepare a proposal over its budget (a primary that cut
    /// a larger block): such a block never gets a prepared certificate from honest replicas.
    @Test func oversizedProposalIsNotPrepared() throws {
        var big = replica(0, budget: 20_000)
        let out = big.step(.request(Self.request("R0", cost: 10_000)))
        let pp = try #require(Self.prePrepares(out).first).0
        var backup = replica(1, budget: 5_000)
        let seen = backup.step(.message(pp))
        #expect(seen.requests.isEmpty && seen.messages.isEmpty)
        #expect(seen.events.contains { if case .dropped(_, let why) = $0 { return why.contains("block budget") }; return false })
        var fine = replica(1, budget: 10_000)
        #expect(fine.step(.message(pp)).requests.count == 1)  // within its budget: asked to endorse
    }
}
