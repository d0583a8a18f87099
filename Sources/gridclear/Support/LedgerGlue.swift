#if canImport(Glibc)
import Glibc
#endif
import Clearing
import LedgerLite

/// Glue between clearing and the ledger for the CLI (owned by the LedgerLite work).
/// `clear --ledger DIR` calls `appendCycle`; the scheduler and replay use it too.
enum LedgerAppendOutcome {
    /// The cycle was appended at this block height.
    case appended(height: UInt64)
    /// The ledger already holds this cycle; nothing was written.
    case alreadyPresent(height: UInt64)
}

enum LedgerGlue {
    /// Name of the node key file kept in a ledger directory.
    static let keyFileName = "node.key"

    /// Appends a cleared cycle (with the raw input files it was cleared from) to the
    /// ledger in `ledgerDir`, creating the ledger (genesis block, node key) on first use.
    static func appendCycle(_ cleared: ClearedCycle, files: CycleFiles, options: ClearOptions,
                            ledgerDir: String, keyFile: String?) throws -> LedgerAppendOutcome {
        let orderer = try openOrderer(ledgerDir: ledgerDir, keyFile: keyFile)
        return try append(cleared, files: files, options: options, to: orderer)
    }

    /// Appends through an open orderer (the scheduler keeps one open): one block, durable
    /// on return.
    static func append(_ cleared: ClearedCycle, files: CycleFiles, options: ClearOptions,
                       to orderer: Orderer) throws -> LedgerAppendOutcome {
        if let h = orderer.recordedHeight(ofCycle: cleared.cycleID) { return .alreadyPresent(height: h) }
        let entry = LedgerEntry.clearedCycle(try cycleEntry(cleared, files: files, options: options))
        let now = SystemClock.wallMillis()
        _ = try orderer.submit([entry], nowMillis: now)
        _ = try orderer.flush(nowMillis: now)
        guard let h = orderer.recordedHeight(ofCycle: cleared.cycleID) else {
            throw CLIFailure("ledger: cycle \(cleared.cycleID) was not committed (internal error)")
        }
        return .appended(height: h)
    }

    /// Opens the ledger for writing with the node key: `keyFile` if given, else
    /// `<ledgerDir>/node.key`, generated (mode 0600) when the ledger is new.
    static func openOrderer(ledgerDir: String, keyFile: String?, cutting: CuttingConfig? = nil) throws -> EmbeddedOrderer {
        let store = try LedgerStore(directory: ledgerDir, create: true)
        if let r = store.recovery {
            printError("warning: \(store.path): cut a torn tail of \(r.cutBytes) bytes at offset \(r.cutOffset) (kept in \(r.brokenFile))")
        }
        let key: NodeKey
        let keyPath = keyFile ?? ledgerDir + "/" + keyFileName
        if FileBytes.exists(keyPath) {
            key = try NodeKey.parse(String(decoding: try FileBytes.read(keyPath), as: UTF8.self), name: keyPath)
        } else if keyFile == nil && store.state.genesis == nil {
            key = NodeKey.generate()
            try FileBytes.writeAtomically(Array(key.fileText.utf8), to: keyPath, mode: 0o600)
        } else {
            throw CLIFailure("node key \(keyPath) not found (give the ledger's signing key with --key FILE)")
        }
        return try EmbeddedOrderer(store: store, key: key, nowMillis: SystemClock.wallMillis(),
                                   ledgerID: "gridclear:" + ledgerDir, cutting: cutting)
    }

    /// The ledger entry for a cleared cycle: raw inputs, mechanism and parameters, canonical outputs.
    static func cycleEntry(_ cleared: ClearedCycle, files: CycleFiles, options: ClearOptions) throws -> ClearedCycleEntry {
        var inputs = [InputFile(name: "offers.csv", bytes: files.offersCSV), InputFile(name: "bids.csv", bytes: files.bidsCSV)]
        if let m = files.marketJSON { inputs.append(InputFile(name: "market.json", bytes: m)) }
        if let m = files.cycleMarketJSON { inputs.append(InputFile(name: "cycle-market.json", bytes: m)) }
        if let g = files.gridJSON { inputs.append(InputFile(name: "grid.json", bytes: g)) }
        return try ClearedCycleEntry(cycleID: cleared.cycleID, mechanism: cleared.result.mechanism, solver: cleared.result.rounds.first?.solver ?? options.solver,
                                 seed: options.seed, inputs: inputs, tradesCSV: cleared.tradesCSV,
                                 summaryJSON: cleared.canonicalSummaryJSON)
    }

    /// The files and options recorded in a cycle entry (for replay).
    static func recorded(_ e: ClearedCycleEntry) -> (CycleFiles, ClearOptions) {
        func file(_ n: String) -> [UInt8]? { e.inputs.first { $0.name == n }?.bytes }
        var f = CycleFiles(cycleID: e.cycleID, offersCSV: file("offers.csv") ?? [], bidsCSV: file("bids.csv") ?? [],
                           marketJSON: file("market.json"), cycleMarketJSON: file("cycle-market.json"), gridJSON: file("grid.json"))
        f.offersName = "ledger:\(e.cycleID)/offers.csv"; f.bidsName = "ledger:\(e.cycleID)/bids.csv"
        f.marketName = "ledger:\(e.cycleID)/market.json"; f.cycleMarketName = "ledger:\(e.cycleID)/cycle-market.json"
        f.gridName = "ledger:\(e.cycleID)/grid.json"
        return (f, ClearOptions(mechanism: e.mechanism, solver: e.solver, seed: e.seed))
    }

    /// Reads a trusted-key file for audit / verify-proof.
    static func trustedKeys(_ path: String) throws -> TrustedKeys {
        guard FileBytes.exists(path) else { throw CLIFailure("key file \(path) not found") }
        return try TrustedKeys.parse(String(decoding: try FileBytes.read(path), as: UTF8.self), name: path)
    }

    /// UTC ISO 8601 with milliseconds.
    static func isoTime(_ ms: Int64) -> String { LedgerTime.iso8601(millis: ms) }
}

/// Small file helpers for the ledger commands (EINTR-safe, atomic writes).
enum FileBytes {
    static func exists(_ p: String) -> Bool { access(p, F_OK) == 0 }
    static func read(_ p: String) throws -> [UInt8] {
        guard let f = fopen(p, "rb") else { throw CLIFailure("cannot read \(p): \(String(cString: strerror(errno)))") }
        defer { fclose(f) }
        var out: [UInt8] = [], buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n > 0 { out.append(contentsOf: buf[0..<n]) }
            if n < buf.count { break }
        }
        if ferror(f) != 0 { throw CLIFailure("cannot read \(p)") }
        return out
    }
    /// temp file → fsync → rename → fsync directory; nothing half-written on failure.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw CLIFailure("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 { if errno == EINTR { continue }; let e = errno; close(fd); unlink(tmp); throw CLIFailure("cannot write \(tmp): \(String(cString: strerror(e)))") }
            off += n
        }
        if fsync(fd) != 0 { fatalError("fsync \(tmp) failed: \(String(cString: strerror(errno)))") }
        close(fd)
        guard rename(tmp, path) == 0 else { let e = errno; unlink(tmp); throw CLIFailure("cannot rename \(tmp) to \(path): \(String(cString: strerror(e)))") }
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}
