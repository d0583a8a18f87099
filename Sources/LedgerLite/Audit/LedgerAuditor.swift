import GridClearCore
import GridClearSystem

/// What a successful audit found.
public struct AuditReport: Sendable {
    public var blocks: Int
    public var entries: Int
    /// Cleared cycles in ledger order.
    public var cycles: [String]
    public var firstTimeMillis: Int64?
    public var lastTimeMillis: Int64?
    /// Bytes of records: where the last record ends (the zero padding after it not counted).
    public var bytes: Int
    /// True when signatures were checked against the genesis block's own keys (no
    /// independent trust anchor was given).
    public var keysFromGenesis: Bool
    public var headHash: [UInt8]
    public var treeSize: UInt64
    public var treeRoot: [UInt8]
}

/// Offline verification of a whole ledger file (SPEC §6): framing, checksums, block
/// decoding, chain, Merkle roots, signatures, heights and times. Read-only and pure over
/// the bytes. Guarantees: either a report, or the *first* fault with its byte offset.
/// Without a `visit`, blocks are checked from their stored bytes without being made into
/// values (`BlockFacts.decode`: the same checks, no strings of a cleared cycle's fields).
public enum LedgerAuditor {
    /// Audits `bytes` (the content of `blocks.gcl`). `visit` sees every verified block.
    public static func audit(_ bytes: [UInt8], trusted: TrustedKeys?,
                             visit: ((Block, Int) -> Void)? = nil) -> Result<AuditReport, LedgerFault> {
        audit(bytes, trusted: trusted, wantsBlock: { visit != nil }) { _, b, off in if let b { visit?(b, off) } }
    }

    /// Reads and audits the ledger in `directory` (no lock taken: safe beside a writer,
    /// which only ever appends). The file is streamed through a bounded buffer
    /// (`RecordReader`), so memory does not grow with the ledger.
    public static func audit(directory: String, trusted: TrustedKeys?,
                             visit: ((Block, Int) -> Void)? = nil) throws -> Result<AuditReport, LedgerFault> {
        try audit(directory: directory, trusted: trusted, wantsBlock: { visit != nil }) { _, b, off in if let b { visit?(b, off) } }
    }

    /// The audit with an observer: `wantsBlock` says before each block whether `see` needs it
    /// as a `Block` (else it gets the facts only, and nil).
    static func audit(_ bytes: [UInt8], trusted: TrustedKeys?, wantsBlock: () -> Bool,
                      see: (BlockFacts, Block?, Int) -> Void) -> Result<AuditReport, LedgerFault> {
        let (records, end) = RecordScanner.scan(bytes)
        var run = Run(trusted: trusted)
        for rec in records {
            if let f = run.add(rec, wantsBlock: wantsBlock(), see: see) { return .failure(f) }
        }
        return run.finish(end, fileBytes: bytes.count)
    }

    static func audit(directory: String, trusted: TrustedKeys?, wantsBlock: () -> Bool,
                      see: (BlockFacts, Block?, Int) -> Void) throws -> Result<AuditReport, LedgerFault> {
        let path = FileSystem.join(directory, LedgerStore.fileName)
        guard FileSystem.exists(path) else { throw LedgerError.notALedger(directory) }
        do {
            let reader = try RecordReader(path: path)
            var run = Run(trusted: trusted)
            while let rec = try reader.next() {
                if let f = run.add(rec, wantsBlock: wantsBlock(), see: see) { return .failure(f) }
            }
            return run.finish(reader.end ?? .clean, fileBytes: reader.bytesRead)
        } catch let e as SystemError { throw LedgerError.system(e) }
    }

    /// One audit in progress: records in file order, the first fault ends it.
    struct Run {
        var v: ChainVerifier
        var cycles: [String] = []
        let trusted: TrustedKeys?
        init(trusted: TrustedKeys?) { self.trusted = trusted; v = ChainVerifier(trusted: trusted) }

        mutating func add(_ rec: ScannedRecord, wantsBlock: Bool, see: (BlockFacts, Block?, Int) -> Void) -> LedgerFault? {
            let facts: BlockFacts, block: Block?
            do {
                if wantsBlock {
                    let b = try Block.decode(rec.payload, format: rec.format)
                    block = b; facts = b.facts
                } else {
                    block = nil; facts = try BlockFacts.decode(rec.payload, format: rec.format)
                }
            } catch let e as DecodeError {
                return LedgerFault(offset: rec.offset + RecordFrame.headerSize + e.offset, height: v.state.nextHeight, "undecodable block: \(e)")
            } catch { return LedgerFault(offset: rec.offset, height: nil, "\(error)") }
            do { try v.apply(facts, recordOffset: rec.offset, recordEnd: rec.end) } catch let f as LedgerFault {
                return f
            } catch { return LedgerFault(offset: rec.offset, height: nil, "\(error)") }
            for case .clearedCycle(let id) in facts.entries { cycles.append(id) }
            see(facts, block, rec.offset)
            return nil
        }

        func finish(_ end: ScanEnd, fileBytes: Int) -> Result<AuditReport, LedgerFault> {
            switch end {
            case .clean: break
            case .tornTail(let off):
                return .failure(LedgerFault(offset: off, height: v.state.nextHeight,
                                            "a torn append: the record at offset \(off) is incomplete (\(fileBytes - off) bytes from there to the end of the file, zero padding included; the next writer cuts it back to offset \(off))"))
            case .corrupt(let off, let reason):
                return .failure(LedgerFault(offset: off, height: v.state.nextHeight, reason))
            }
            guard v.state.genesis != nil else {
                return .failure(LedgerFault(offset: 0, height: nil, "the ledger is empty (no genesis block)"))
            }
            let s = v.state
            return .success(AuditReport(blocks: s.blockCount, entries: s.entryCount, cycles: cycles,
                                        firstTimeMillis: s.firstTimeMillis, lastTimeMillis: s.blockCount > 0 ? s.lastTimeMillis : nil,
                                        bytes: s.endOffset, keysFromGenesis: trusted == nil, headHash: s.lastHash,
                                        treeSize: s.frontier.size, treeRoot: s.frontier.root))
        }
    }
}
