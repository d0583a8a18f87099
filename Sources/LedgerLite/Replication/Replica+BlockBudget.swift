import GridClearCore

/// Blocks cut by bytes (`BlockBudget`): a request that can never fit is refused at submission,
/// the primary cuts each block within the budget of the committee in force, and a replica
/// refuses to prepare a block over it — so every prepared certificate, and with it every
/// VIEW-CHANGE and NEW-VIEW, fits in a frame whoever proposed it.
extension Replica {
    /// The byte budget of one block of the committee in force.
    public var blockBudget: BlockBudget { BlockBudget(frameBytes: config.frameBytes, window: config.window, committee: committee) }

    /// Request bytes kept free in a boundary block for the epoch entry the primary adds there
    /// (0 without epochs): the cost of the largest entry `boundaryEntry` can select — every
    /// roster node a member, scored and excluded, the longest reason — and its boundary.
    var epochReserve: Int {
        guard let m = membership, m.params.epochBlocks > 0 else { return 0 }
        let largest = CommitteeEpochEntry(epoch: .max, selection: .reputation, primaryOffset: .max, members: m.roster,
                                          scores: m.roster.map { NodeScore(nodeID: $0.nodeID, score: .max) },
                                          excluded: m.roster.map(\.nodeID), reason: "epoch \(UInt64.max) from block \(UInt64.max)")
        return BlockBudget.cost(id: "epoch:\(UInt64.max)", entries: [.committeeEpoch(largest)])
    }

    /// Checks at submission that `r` can be ordered by this committee: its cost must leave room
    /// for an epoch entry in a block of the budget. Returns the cost (`BlockBudget.cost(of:)`).
    @discardableResult
    public func admit(_ r: Request) throws(RequestTooLarge) -> Int {
        let limit = max(0, blockBudget.requestBytes - epochReserve)
        let cost = BlockBudget.cost(of: r)
        guard cost <= limit else { throw RequestTooLarge(id: r.id, bytes: cost, limit: limit, frameBytes: config.frameBytes) }
        return cost
    }

    /// Why a PRE-PREPARE carries more than a block of this committee may, or nil.
    func sizeProblem(_ prePrepare: SignedMessage) -> String? {
        let b = blockBudget, carried = b.requestBytes(of: prePrepare)
        return carried > b.requestBytes ? "block carries \(carried) request bytes, over the \(b.requestBytes)-byte block budget" : nil
    }

    /// The requests of the next block: whole requests from the queue in arrival order, up to
    /// `maxBlockEntries` entries and the byte budget (less the epoch reserve at a boundary and
    /// `reserve` bytes for a key replacement the primary adds); at least one. Key replacements
    /// are not cut here (the primary adds at most one per block, `nextKeyReplacement`). A
    /// queued request that no block of this committee can carry (it was admitted by an
    /// earlier, larger committee) is dropped and reported.
    mutating func cutBlock(seq: UInt64, reserving reserve: Int = 0) -> [Request] {
        var room = blockBudget.requestBytes - reserve
        if let m = membership, m.params.epochBlocks > 0, seq % m.params.epochBlocks == 0 { room -= epochReserve }
        var chosen: [Request] = []
        var count = 0, bytes = 0
        var refused: Set<String> = []
        for r in pending where !committedIDs.contains(r.id) && r.keyReplacement == nil {
            let cost = requestCost[r.id] ?? BlockBudget.cost(of: r)
            requestCost[r.id] = cost
            if cost > room {
                refused.insert(r.id)
                event(.dropped(from: nil, reason: "\(RequestTooLarge(id: r.id, bytes: cost, limit: max(0, room), frameBytes: config.frameBytes))"))
                continue
            }
            if !chosen.isEmpty && (count + r.entries.count > config.maxBlockEntries || bytes + cost > room) { break }
            chosen.append(r); count += r.entries.count; bytes += cost
        }
        if !refused.isEmpty {
            pending.removeAll { refused.contains($0.id) }
            for id in refused { requestCost[id] = nil }
        }
        return chosen
    }
}
