import GridClearCore

/// Canonical encoding of entries (stored form). See `LedgerEntry`. Only a cleared cycle's
/// trade table differs between the formats (`TradeTable.encode(into:format:)`).
extension LedgerEntry {
    public func encoded() -> [UInt8] { encoded(format: .current) }

    public func encoded(format: LedgerFormat) -> [UInt8] {
        var w = ByteWriter()
        w.u8(tag.rawValue)
        switch self {
        case .genesis(let g):
            w.text(g.ledgerID); w.i64(g.createdMillis)
            w.u32(UInt32(g.signerKeys.count)); for k in g.signerKeys { w.raw(k) }
            w.u32(g.maxEntriesPerBlock); w.u64(g.maxBatchMillis)
            if let c = g.committee { w.u8(1); c.encode(into: &w) }  // replicated ledgers only
        case .clearedCycle(let c):
            w.text(c.cycleID); w.text(c.mechanism); w.text(c.solver); w.u64(c.seed)
            ClearedCycleEntry.encodeInputs(c.inputs, into: &w)
            c.trades.encode(into: &w, format: format); w.blob(c.summaryJSON)
        case .settlement(let s):
            w.text(s.cycleID); w.text(s.participantID); w.i64(s.energyWh); w.i64(s.amount); w.text(s.reason)
        case .reputationChange(let r):
            w.text(r.cycleID); w.text(r.participantID); w.i64(r.before); w.i64(r.after); w.text(r.reason)
        case .meterDigest(let m):
            w.text(m.cycleID); w.text(m.meterID); w.text(m.participantID); w.u32(m.readings); w.raw(m.digest)
        case .rejectedCycle(let r):
            w.text(r.cycleID); w.text(r.reason)
        case .membership(let m): CommitteeCodec.encode(m, into: &w)
        case .committeeEpoch(let c): CommitteeCodec.encode(c, into: &w)
        case .disagreement(let d): CommitteeCodec.encode(d, into: &w)
        case .privatePlan(let p): p.encode(into: &w)
        case .privateMatch(let m): m.encode(into: &w)
        case .privateSettlement(let s): s.encode(into: &w)
        case .rejectedSubmission(let r):
            w.text(r.cycleID); w.text(r.participantID); w.text(r.file); w.text(r.reason)
        }
        return w.bytes
    }

    /// Decodes one entry; rejects unknown tags, trailing bytes and non-canonical orderings.
    public static func decode(_ bytes: [UInt8], format: LedgerFormat = .current) throws -> LedgerEntry {
        try decodeStored(bytes, format: format).entry
    }

    /// Decodes one stored entry and gives its Merkle leaf hash, computed from the stored bytes
    /// (a version-3 cleared cycle's commitment from its stored sections, in the same pass).
    static func decodeStored(_ bytes: [UInt8], format: LedgerFormat) throws -> (entry: LedgerEntry, leaf: Merkle.Hash) {
        var r = ByteReader(bytes)
        let tagAt = r.position
        let raw = try r.u8()
        guard let tag = Tag(rawValue: raw) else { throw DecodeError.badTag(at: tagAt, tag: raw, what: "entry") }
        let e: LedgerEntry
        switch tag {
        case .genesis:
            let id = try r.text(); let created = try r.i64()
            let n = Int(try r.u32())
            guard n <= 1024 else { throw DecodeError.lengthOverCap(at: r.position - 4, length: n, cap: 1024) }
            var keys: [[UInt8]] = []
            for _ in 0..<n { keys.append(try r.raw(32)) }
            let sorted = keys.sorted { $0.lexicographicallyPrecedes($1) }
            guard sorted == keys else { throw DecodeError.nonCanonical(at: tagAt, what: "signer key order") }
            let mmc = try r.u32(), mbt = try r.u64()
            var committee: GenesisCommittee?
            if r.remaining > 0 {
                let at = r.position
                guard try r.u8() == 1 else { throw DecodeError.nonCanonical(at: at, what: "genesis committee marker") }
                committee = try GenesisCommittee.read(&r)
            }
            e = .genesis(GenesisEntry(ledgerID: id, createdMillis: created, signerKeys: keys,
                                      maxEntriesPerBlock: mmc, maxBatchMillis: mbt, committee: committee))
        case .clearedCycle:
            switch format {
            case .v2:
                let id = try r.text(), mech = try r.text(), solver = try r.text(), seed = try r.u64()
                let files = try ClearedCycleEntry.walkInputs(&r).map { InputFile(name: $0.name, bytes: Array(bytes[$0.bytes])) }
                e = .clearedCycle(ClearedCycleEntry(cycleID: id, mechanism: mech, solver: solver, seed: seed, inputs: files,
                                                    trades: try TradeTable.decode(from: &r, format: .v2), summaryJSON: try r.blob()))
            case .v3:
                let stored = try StoredCycle.walk(&r)
                return (.clearedCycle(try stored.entry(bytes)), Merkle.leafHash(stored.commitment.encoded()))
            }
        case .settlement:
            e = .settlement(SettlementEntry(cycleID: try r.text(), participantID: try r.text(), energyWh: try r.i64(),
                                            amount: try r.i64(), reason: try r.text()))
        case .reputationChange:
            e = .reputationChange(ReputationChangeEntry(cycleID: try r.text(), participantID: try r.text(), before: try r.i64(),
                                                        after: try r.i64(), reason: try r.text()))
        case .meterDigest:
            e = .meterDigest(MeterDigestEntry(cycleID: try r.text(), meterID: try r.text(), participantID: try r.text(),
                                              readings: try r.u32(), digest: try r.raw(32)))
        case .rejectedCycle:
            let id = try r.text(), reasonAt = r.position, reason = try r.text()
            guard reason.utf8.count <= RejectedCycleEntry.maxReasonBytes else {
                throw DecodeError.lengthOverCap(at: reasonAt, length: reason.utf8.count, cap: RejectedCycleEntry.maxReasonBytes)
            }
            e = .rejectedCycle(RejectedCycleEntry(cycleID: id, reason: reason))
        case .membership: e = .membership(try CommitteeCodec.readMembership(&r))
        case .committeeEpoch: e = .committeeEpoch(try CommitteeCodec.readEpoch(&r))
        case .disagreement: e = .disagreement(try CommitteeCodec.readDisagreement(&r))
        case .privatePlan: e = .privatePlan(try PrivatePlanEntry.decode(from: &r))
        case .privateMatch: e = .privateMatch(try PrivateMatchEntry.decode(from: &r))
        case .privateSettlement: e = .privateSettlement(try PrivateSettlementEntry.decode(from: &r))
        case .rejectedSubmission:
            let id = try r.text(), participant = try r.text(), file = try r.text(), reasonAt = r.position, reason = try r.text()
            guard reason.utf8.count <= RejectedCycleEntry.maxReasonBytes else {
                throw DecodeError.lengthOverCap(at: reasonAt, length: reason.utf8.count, cap: RejectedCycleEntry.maxReasonBytes)
            }
            e = .rejectedSubmission(RejectedSubmissionEntry(cycleID: id, participantID: participant, file: file, reason: reason))
        }
        try r.finish()
        return (e, e.leafHash(stored: bytes, format: format))
    }
}

extension ClearedCycleEntry {
    /// The inputs section, the same in every format: `u32 count ‖ (text name ‖ blob bytes)*`,
    /// names strictly ascending. Version 3 hashes it as stored (`CycleCommitment.v3`).
    static func encodeInputs(_ inputs: [InputFile], into w: inout ByteWriter) {
        w.u32(UInt32(inputs.count)); for f in inputs { w.text(f.name); w.blob(f.bytes) }
    }

    /// The inputs section's files: names and the ranges of their bytes in `r.bytes`.
    static func walkInputs(_ r: inout ByteReader) throws -> [(name: String, bytes: Range<Int>)] {
        let nAt = r.position
        let n = Int(try r.u32())
        guard n <= 64 else { throw DecodeError.lengthOverCap(at: nAt, length: n, cap: 64) }
        var files: [(name: String, bytes: Range<Int>)] = []
        for _ in 0..<n { files.append((try r.text(), try StoredCycle.blobRange(&r))) }
        for i in files.indices.dropFirst() where !(files[i - 1].name < files[i].name) {
            throw DecodeError.nonCanonical(at: nAt, what: "input file order")
        }
        return files
    }
}
