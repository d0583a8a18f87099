import BFTReplication
import GridClearCore
import LedgerLite

/// `gridclear node status --cluster …`: each replica's epoch, view, primary (a cluster id),
/// height and head.
enum NodeBFTStatus {
    static func run(clusterPath: String?, json: Bool) throws {
        guard let clusterPath else { throw CLIFailure("--mode bft needs --cluster DIR/cluster.json", exitCode: 64) }
        let cluster = try NodeBFTSupport.loadCluster(clusterPath)
        let client: BFTClient
        do { client = try BFTClient(cluster: cluster) } catch { throw CLIFailure("\(error)") }
        client.timeoutMillis = 1_500
        defer { client.shutdown() }
        var lines: [String] = []
        for (m, r) in client.askAll(.status) {
            var o = JSONWriter()
            o.add("id", m.id); o.add("address", m.address)
            switch r {
            case .success(.status(let s)):
                o.add("reachable", true); o.add("epoch", Int64(clamping: s.epoch)); o.add("member", s.member)
                o.add("view", Int64(clamping: s.view)); o.add("primary", Int(s.primary))
                o.add("active", s.active); o.add("height", Int64(clamping: s.height)); o.add("head", Hex.encode(s.head))
                o.add("pending", Int(s.pendingRequests))
                lines.append(json ? o.renderCompact()
                             : "replica \(m.id)  \(m.address)  epoch \(s.epoch)\(s.member ? "" : " (observer)")  view \(s.view)\(s.active ? "" : " (changing)")  primary \(s.primary)  height \(s.height)  head \(Hex.encode(s.head.prefix(8)))…  pending \(s.pendingRequests)")
            case .success(let other):
                o.add("reachable", false); o.add("error", "unexpected answer \(other)")
                lines.append(json ? o.renderCompact() : "replica \(m.id)  \(m.address)  unexpected answer")
            case .failure(let e):
                o.add("reachable", false); o.add("error", "\(e)")
                lines.append(json ? o.renderCompact() : "replica \(m.id)  \(m.address)  unreachable (\(e))")
            }
        }
        if json { say("[\n" + lines.joined(separator: ",\n") + "\n]") } else { for l in lines { say(l) } }
    }
}
