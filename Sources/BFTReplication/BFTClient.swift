import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite
import NIOCore
import NIOPosix

/// A client of one committee (`node status`, `node result`, `node submit`): asks replicas over
/// TCP and, for results, accepts only what f + 1 members signed alike (seed 001, `ReplyQuorum`).
/// Owns one event-loop thread; call `shutdown` when done.
public final class BFTClient: @unchecked Sendable {
    public let cluster: ClusterConfig
    public let committee: Committee
    public var timeoutMillis: Int64 = 2_000
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    public init(cluster: ClusterConfig) throws {
        self.cluster = cluster
        committee = try cluster.committee()
    }

    public func shutdown() { try? group.syncShutdownGracefully() }

    /// Asks every replica at once; one result per replica in id order (a failure is the
    /// connection or decoding error).
    public func askAll(_ q: ClientQuery) -> [(ClusterConfig.Replica, Result<ClientAnswer, Error>)] {
        let futures = cluster.replicas.map { m in (m, ask(m, q)) }
        return futures.map { m, f in
            do { return (m, .success(try f.wait())) } catch { return (m, .failure(error)) }
        }
    }

    func ask(_ m: ClusterConfig.Replica, _ q: ClientQuery) -> EventLoopFuture<ClientAnswer> {
        let loop = group.next()
        let promise = loop.makePromise(of: ClientAnswer.self)
        let frame = Frame(kind: .query, payload: q.encoded()).encoded()
        let timeout = timeoutMillis
        ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(timeout))
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(AnswerHandler(promise: promise)) }
            }
            .connect(host: m.host, port: m.port)
            .whenComplete { r in
                switch r {
                case .failure(let e): promise.fail(e)
                case .success(let ch):
                    let t = loop.scheduleTask(in: .milliseconds(timeout)) { promise.fail(BFTError.transport("no answer within \(timeout) ms")) }
                    promise.futureResult.whenComplete { _ in t.cancel(); ch.close(promise: nil) }
                    ch.writeAndFlush(ch.allocator.buffer(bytes: frame), promise: nil)
                }
            }
        return promise.futureResult
    }

    /// What `result`/`submit` accepted: the block holding the cycle, with the replicas whose
    /// signed replies matched.
    public struct Accepted: Sendable {
        public var height: UInt64
        public var block: Block
        public var signers: [ReplicaID]
    }

    /// Asks every replica about `cycle` (with `submit`, asks them to clear it now) until f + 1
    /// matching signed replies name one block, or `waitMillis` passes (nil).
    public func result(cycle: String, submit: Bool, waitMillis: Int64) -> (Accepted?, [String]) {
        collect(submit ? .submit(cycle: cycle) : .result(cycle: cycle), requestID: cycle, keys: cluster.currentKeys,
                waitMillis: waitMillis) { b in b.entries.contains { $0.cycleID == cycle } }
    }

    /// Hands an operator's signed key replacement to every replica (again every 200 ms) until
    /// f + 1 matching signed replies name the block that applied it, or `waitMillis` passes.
    /// The replaced node's reply counts when signed by its new key.
    public func replaceKey(_ k: KeyReplacement, waitMillis: Int64) -> (Accepted?, [String]) {
        let keys = cluster.replicas.map { $0.nodeID == k.nodeID ? k.newKey : $0.currentKey }
        return collect(.forward(.keyReplacement(k)), requestID: k.requestID, keys: keys, waitMillis: waitMillis) { b in
            b.entries.contains { if case .committeeEpoch(let c) = $0 { return c.authorization == k }; return false }
        }
    }

    /// Sends `query` to every replica until f + 1 distinct replicas (replica I verified with
    /// `keys[I − 1]`) signed matching replies for `requestID` whose block `holds` it.
    func collect(_ query: ClientQuery, requestID: String, keys: [[UInt8]], waitMillis: Int64,
                 holds: (Block) -> Bool) -> (Accepted?, [String]) {
        let clock = SystemClock()
        let deadline = clock.monotonicNanos() + UInt64(max(0, waitMillis)) * 1_000_000
        var notes: [String] = []
        guard let signing = try? Committee(id: committee.id, keys: keys) else { return (nil, ["the cluster's current keys are not distinct"]) }
        while true {
            var quorum = ReplyQuorum(committee: signing, requestID: requestID)
            var blocks: [[UInt8]: Block] = [:]
            var signers: [[UInt8]: [ReplicaID]] = [:]
            notes = []
            for (m, r) in askAll(query) {
                switch r {
                case .failure(let e): notes.append("replica \(m.id) (\(m.address)): unreachable (\(e))")
                case .success(.committed(let reply, let block)):
                    // The block must be the one the reply signs, and hold the request.
                    guard LedgerHash.blockHash(block.header) == reply.blockHash,
                          block.header.height == reply.height, holds(block) else {
                        notes.append("replica \(m.id): reply does not match its block (ignored)"); continue
                    }
                    // Verified with replica m's own key, whatever epoch's committee it sits on now.
                    guard reply.committee.chain == committee.id.chain, reply.verify(key: keys[Int(m.replicaID)]) else {
                        notes.append("replica \(m.id): reply signature does not verify (ignored)"); continue
                    }
                    blocks[reply.blockHash] = block
                    signers[reply.blockHash, default: []].append(m.replicaID)
                    if let (h, hash) = quorum.add(reply, member: m.replicaID), let b = blocks[hash] {
                        return (Accepted(height: h, block: b, signers: signers[hash] ?? []), notes)
                    }
                case .success(.notCommitted(let known)): notes.append("replica \(m.id): not committed\(known ? " (pending)" : "")")
                case .success(.refused(let why)): notes.append("replica \(m.id): refused: \(why)")
                case .success(.status): notes.append("replica \(m.id): unexpected answer")
                }
            }
            if clock.monotonicNanos() >= deadline { return (nil, notes) }
            _ = clock.sleep(nanos: 200_000_000)
        }
    }
}

final class AnswerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let promise: EventLoopPromise<ClientAnswer>
    var reader = FrameReader(maxFrameBytes: 256 << 20, allowed: [.answer])
    init(promise: EventLoopPromise<ClientAnswer>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buf = unwrapInboundIn(data)
        do {
            if let f = try reader.push(buf.readBytes(length: buf.readableBytes) ?? []).first {
                promise.succeed(try ClientAnswer.decode(f.payload))
            }
        } catch { promise.fail(error) }
    }
    func channelInactive(context: ChannelHandlerContext) { promise.fail(BFTError.transport("connection closed before an answer")) }
}
