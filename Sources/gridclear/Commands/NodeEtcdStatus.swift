import EtcdClient
import EtcdReplication

/// `gridclear node status --mode etcd`: leader, head, each node's applied height, etcd
/// revision and size per member.
enum NodeEtcdStatus {
    static func run(_ o: NodeEtcdOptions, json: Bool) throws {
        let eps: [EtcdEndpoint]
        do { eps = try EtcdEndpoint.list(try o.endpointList()) } catch let e as EtcdError { throw CLIFailure("\(e)") }
        let client = EtcdClient(endpoints: eps, timeoutMillis: 2_000)
        do {
            let s = try EtcdClusterStatus.read(client: client, layout: EtcdLayout(prefix: o.prefix))
            print(json ? s.json() : s.text(), terminator: json ? "\n" : "")
        } catch { throw CLIFailure("\(error)") }
    }
}
