import GridClearApp
import GridClearCore
import LedgerLite

/// The driver's side of committee epochs: the core decides every change (`Replica+Epoch`);
/// the driver only re-wires which transport peer (cluster replica) each committee member and
/// each roster node is. Transport connections are per cluster replica and never change.
extension ReplicaDriver {
    /// Recomputes `peerOfMember` for the committee in force (at start and on `epochStarted`,
    /// after the old epoch's last messages were sent): every other member, never this replica.
    func rewirePeers() {
        var map: [ReplicaID: ReplicaID] = [:]
        for r in committee.members where committee.key(of: r) != key.publicKey {
            if let k = committee.key(of: r), let c = options.cluster.replicas.first(where: { $0.publicKey == k }) { map[r] = c.replicaID }
        }
        peerOfMember = map
    }

    /// The transport peer of roster node `r` (index in the membership's roster).
    func rosterPeer(_ r: ReplicaID) -> ReplicaID? {
        guard let m = replica.membership, Int(r) < m.roster.count, m.roster[Int(r)].publicKey != key.publicKey else { return nil }
        let k = m.roster[Int(r)].publicKey
        return options.cluster.replicas.first { $0.publicKey == k }?.replicaID
    }

    /// The cluster id (1…N) of member `r` of the committee in force (nil: not in `cluster.json`).
    func clusterID(ofMember r: ReplicaID) -> Int? {
        guard let k = committee.key(of: r) else { return nil }
        return options.cluster.replicas.first { $0.publicKey == k }?.id
    }

    /// A member of the committee in force as an operator reads it: its cluster id.
    func clusterName(ofMember r: ReplicaID) -> String { clusterID(ofMember: r).map(String.init) ?? "?" }

    /// "node3, node1, …" in committee order.
    func memberNames(_ c: Committee) -> String {
        c.keys.map { k in options.cluster.replicas.first { $0.publicKey == k }?.nodeID ?? "?" }.joined(separator: ", ")
    }
}
