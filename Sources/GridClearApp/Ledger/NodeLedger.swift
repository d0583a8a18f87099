import Clearing
import GridClearCore
import GridClearSystem
import LedgerLite

/// A ledger directory opened for writing by this node: the store (exclusively locked), the
/// node key and the embedded orderer that signs and appends blocks.
///
/// Key custody (SPEC §6): the signing key never lives in the ledger directory, which holds
/// public keys only (in its genesis block). Key resolution: `keyFile` when given (a
/// `NodeKeyFile`); else the sibling file `<ledger>.key` (e.g. `Ledger.key` beside `Ledger/`)
/// when it exists; else, for a ledger that does not exist yet, a fresh key written there
/// (0600) with its public file `<ledger>.key.pub` and reported as `AppEvent.nodeKeyCreated`.
/// A ledger with blocks but no key is an error, and so is a secret key found inside the ledger
/// directory (the old `<ledger>/node.key` layout): whoever can read the ledger could re-sign it.
public final class NodeLedger {
    /// Name of the secret key an older GridClear kept inside the ledger directory (refused).
    public static let legacyKeyFileName = "node.key"

    /// The default node key of the ledger in `directory`: the sibling file `<directory>.key`,
    /// outside the ledger directory; nil when the directory has no name of its own ("." or "/").
    public static func defaultKeyPath(forLedger directory: String) -> String? {
        var d = directory
        while d.count > 1 && d.hasSuffix("/") { d.removeLast() }
        let name = d.split(separator: "/").last.map(String.init) ?? ""
        guard !name.isEmpty, name != ".", name != ".." else { return nil }
        return d + ".key"
    }

    public let directory: String
    public let store: LedgerStore
    public let orderer: EmbeddedOrderer
    public let key: NodeKey
    /// The reputation fold up to a height, so a long-running scheduler reads each block once.
    var reputationCache: (nextHeight: UInt64, snapshot: ReputationSnapshot)?

    /// Opens (creating on first use) the ledger in `directory`. `now` stamps the genesis block
    /// of a new ledger.
    public init(directory: String, keyFile: String?, now: UTCTime, cutting: CuttingConfig? = nil,
                events: AppEvents = { _ in }) throws(AppError) {
        self.directory = directory
        do {
            store = try LedgerStore(directory: directory, create: true)
        } catch let e as LedgerError { throw .ledger(e) } catch { throw AppError.wrap(error, cycle: "-") }
        if let r = store.recovery {
            events(.ledgerRepaired(path: store.path, cutOffset: r.cutOffset, cutBytes: r.cutBytes, keptIn: r.brokenFile))
        }
        if store.state.genesis?.committee != nil {
            throw .usage("\(directory) is a BFT replica's ledger (its genesis names a committee): only its replica appends to it, with certified blocks ('gridclear node run'); read it with audit, replay or proof")
        }
        let legacy = FileSystem.join(directory, Self.legacyKeyFileName)
        if FileSystem.exists(legacy) {
            let to = Self.defaultKeyPath(forLedger: directory) ?? "a file outside the ledger"
            throw .key(KeyFileError("\(legacy) is a secret signing key inside the ledger directory (anyone who can read the ledger could re-sign it); move it out, e.g. 'mv \(legacy) \(to)', or give the key with --key FILE"))
        }
        guard let keyPath = keyFile ?? Self.defaultKeyPath(forLedger: directory) else {
            throw .key(KeyFileError("ledger directory '\(directory)' has no name to place its key beside; give the node key with --key FILE"))
        }
        if keyFile != nil || FileSystem.exists(keyPath) {
            do { key = try NodeKeyFile.load(path: keyPath) } catch { throw .key(error) }
        } else if store.state.genesis == nil {
            key = NodeKey.generate()
            do { try NodeKeyFile.write(key, to: keyPath, publicPath: keyPath + ".pub") } catch { throw .key(error) }
            events(.nodeKeyCreated(path: keyPath, fingerprint: NodeKey.fingerprint(publicKey: key.publicKey)))
        } else {
            throw .key(KeyFileError("node key \(keyPath) not found (give the ledger's signing key with --key FILE)"))
        }
        do {
            orderer = try EmbeddedOrderer(store: store, key: key, nowMillis: now.millis,
                                          ledgerID: "gridclear:" + directory, cutting: cutting)
        } catch let e as LedgerError { throw .ledger(e) } catch { throw AppError.wrap(error, cycle: "-") }
    }

    /// Appends `entries` as one batch and commits it now (one block, durable on return).
    /// Returns the height of the last block written, or nil when `entries` is empty.
    @discardableResult
    public func commit(_ entries: [LedgerEntry], now: UTCTime) throws(AppError) -> UInt64? {
        guard !entries.isEmpty else { return nil }
        do {
            let headers = try orderer.submit(entries, nowMillis: now.millis) + orderer.flush(nowMillis: now.millis)
            return headers.last?.height
        } catch let e as LedgerError { throw .ledger(e) } catch { throw AppError.wrap(error, cycle: "-") }
    }
}

extension NodeLedger: CycleLedger {
    public func recordedHeight(ofCycle cycle: String) -> UInt64? { store.state.cycles[cycle] }
    public var recordedCycles: Set<String> { Set(store.state.cycles.keys) }
    public var rejectedCycles: Set<String> { Set(store.state.rejectedCycles.keys) }
    public func settlementHeight(ofCycle cycle: String) -> UInt64? { store.state.settledCycles[cycle] }
    public func recordedEntry(ofCycle cycle: String) throws(AppError) -> ClearedCycleEntry? { try store.clearedEntry(ofCycle: cycle) }
}
