import GridClearApp
import GridClearCore
import LedgerLite

/// The driver's side of committee epochs: the core decides every change (`Replica+Epoch`);
/// the driver only re-wires which transport peer (cluster replica) each committee member and
/// each roster node is. Transport connections are per cluster replica and never change; a
/// member is found by its node id (`node<I>` is cluster replica I), which an operator's key
/// replacement does not change, and by its key without a membership.
extension ReplicaDriver {
    /// Recomputes `peerOfMember` for the committee in force (at start and on `epochStarted`).
    func rewirePeers() {
        var map: [ReplicaID: ReplicaID] = [:]
        for r in committee.members {
            if let c = clusterReplica(member: r) { map[r] = c.replicaID }
        }
        peerOfMember = map
    }

    /// The cluster replica that is member `r` of the committee in force.
    func clusterReplica(member r: ReplicaID) -> ClusterConfig.Replica? {
        if let node = replica.membership?.nodeID(of: r) { return options.cluster.replica(node: node) }
        guard let k = committee.key(of: r) else { return nil }
        return options.cluster.replicas.first { $0.currentKey == k || $0.publicKey == k }
    }

    /// The transport peer of roster node `r` (index in the membership's roster).
    func rosterPeer(_ r: ReplicaID) -> ReplicaID? {
        guard let m = replica.membership, Int(r) < m.roster.count, let c = options.cluster.replica(node: m.roster[Int(r)].nodeID),
              c.id != options.id else { return nil }
        return c.replicaID
    }

    /// "node3, node1, …" in committee order.
    func memberNames(_ c: Committee) -> String {
        c.members.map { clusterReplica(member: $0)?.nodeID ?? "?" }.joined(separator: ", ")
    }
}
