import GridClearApp
import GridClearCore
import LedgerLite

/// The driver's side of an operator's key replacement (`node replace-key`): the request is
/// self-authenticating (signed by the operator key the genesis pins), so any client may hand
/// it in; the core decides whether and where it goes (`Replica+KeyReplacement`).
extension ReplicaDriver {
    /// Answers a key replacement: the signed reply and block once the ledger holds it,
    /// otherwise queues it in the core (`.notCommitted(known: true)`) or says why the
    /// membership refuses it.
    func submit(_ k: KeyReplacement) throws -> ClientAnswer {
        try flush()
        if let h = ledger.membership.keyReplacements[k.nonce] {
            do {
                guard let cb = try ledger.certifiedBlocks(from: h, maxBlocks: 1, maxBytes: 1).first else { return .refused("block \(h) unreadable") }
                let reply = try ClientReply.sign(committee: committee.id, replica: me, requestID: k.requestID, block: cb, signer: key)
                return .committed(reply, cb.block)
            } catch { return .refused("block \(h): \(error)") }
        }
        do { _ = try ledger.membership.keyReplacementEntries(k) } catch { return .refused("\(error)") }
        if !replica.pendingRequests.contains(where: { $0.id == k.requestID }) {
            log("replica \(options.id): operator key replacement for \(k.nodeID) queued (\(NodeKey.fingerprint(publicKey: k.newKey)))")
            try feed(.request(Request(replacing: k)))
        }
        return .notCommitted(known: true)
    }
}
