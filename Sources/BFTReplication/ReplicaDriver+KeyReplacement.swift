import GridClearApp
import GridClearCore
import LedgerLite

/// The driver's side of an operator's key replacement (`node replace-key`): the request is
/// self-authenticating (signed by the operator key the genesis pins), so any client may hand
/// it in; the core decides whether and where it goes (`Replica+KeyReplacement`).
///
/// Which key a replica runs with (`keyProblem`): the ledger is the authority on every node's
/// current key (its roster, `Membership.keyReplacedAt`); cluster.json counts only for a
/// replacement the ledger has not reached yet. Peers' keys always come from the ledger: the
/// core verifies every message against the ledger's committee and roster, and the driver finds
/// a member's transport peer by node id, never by a key in cluster.json.
extension ReplicaDriver {
    /// Answers a key replacement: the signed reply and block once the ledger holds it,
    /// otherwise queues it in the core (`.notCommitted(known: true)`) or says why the
    /// membership refuses it. A request already queued is not checked again (clients repeat it).
    func submit(_ k: KeyReplacement) throws -> ClientAnswer {
        if let answer = appliedReplacement(k) { return answer }
        if !replica.pendingRequests.contains(where: { $0.id == k.requestID }) {
            try feed(.request(Request(replacing: k)))
            if let answer = appliedReplacement(k) { return answer }
            guard replica.pendingRequests.contains(where: { $0.id == k.requestID }) else {
                // The core refused it (and reported why); the same rule says why to the client.
                do { _ = try ledger.membership.keyReplacementEntries(k) } catch { return .refused("\(error)") }
                return .refused("key replacement \(k.requestID) was not queued")
            }
            log("replica \(options.id): operator key replacement for \(k.nodeID) queued (\(NodeKey.fingerprint(publicKey: k.newKey)))")
        }
        return .notCommitted(known: true)
    }

    /// The signed reply for `k` once the ledger holds it, else nil.
    func appliedReplacement(_ k: KeyReplacement) -> ClientAnswer? {
        guard let h = ledger.membership.keyReplacements[k.nonce] else { return nil }
        do {
            guard let cb = try ledger.certifiedBlocks(from: h, maxBlocks: 1, maxBytes: 1).first else { return .refused("block \(h) unreadable") }
            let reply = try ClientReply.sign(committee: committee.id, replica: me, requestID: k.requestID, block: cb, signer: key)
            return .committed(reply, cb.block)
        } catch { return .refused("block \(h): \(error)") }
    }

    /// Why `key` cannot run as cluster replica `m` on a ledger whose membership is `membership`
    /// at `height`, or nil. The node's current key is the ledger's (its roster), unless
    /// cluster.json records a replacement above `height` (the ledger has not caught up with it
    /// yet): then it is cluster.json's `current_key`. Checked at start (`init`) and after every
    /// block that changes the roster, so a replica whose key was replaced stops with this line
    /// instead of following the chain as an observer nobody answers. One line.
    static func keyProblem(_ key: [UInt8], replica m: ClusterConfig.Replica, membership: Membership, height: UInt64) -> String? {
        let fp = { (k: [UInt8]) in NodeKey.fingerprint(publicKey: k) }
        let restart = "start it with its new key (node run --key NEW.key)"
        if let at = m.keyReplacedAt, at > height {
            return key == m.currentKey ? nil
                : "replica \(m.id) (\(m.nodeID)): its key was replaced at height \(at) by \(fp(m.currentKey)) (cluster.json; this ledger is at height \(height)) and the key file holds \(fp(key)): \(restart)"
        }
        guard let current = membership.roster.first(where: { $0.nodeID == m.nodeID })?.publicKey else {
            return "replica \(m.id) (\(m.nodeID)) is not on this ledger's roster"
        }
        if key == current { return nil }
        if let at = membership.keyReplacedAt[m.nodeID] {
            return "replica \(m.id) (\(m.nodeID)): its key was replaced at height \(at) by \(fp(current)) (recorded in its ledger) and the key file holds \(fp(key)): \(restart)"
        }
        return "the key file is not replica \(m.id)'s key (its ledger at height \(height) names \(fp(current)), the file holds \(fp(key))); "
            + "if the operator replaced this key while the replica was down, copy the cluster.json that node replace-key updated to this machine"
    }

    /// After appending blocks that changed the roster: stops (throws) when this replica's key is
    /// no longer its node's current key.
    func checkOwnKey(after blocks: [CertifiedBlock]) throws {
        guard blocks.contains(where: { $0.block.entries.contains { $0.tag == .membership } }),
              let m = options.cluster.replica(id: options.id),
              let why = Self.keyProblem(key.publicKey, replica: m, membership: ledger.membership, height: ledger.height) else { return }
        throw BFTError.cluster(why)
    }
}
