import ArgumentParser

/// Options of `gridclear node run|status --mode etcd`.
struct NodeEtcdOptions: ParsableArguments {
    @Option(help: "etcd client URLs, comma-separated (http://HOST:PORT[,…]).")
    var endpoints: String?

    @Option(help: "Key prefix of this ledger in etcd (several ledgers can share one etcd).")
    var prefix: String = "gridclear/"

    @Option(name: .customLong("lease-ttl"), help: "Leader lease TTL in seconds: a dead leader is replaced after at most this long.")
    var leaseTTL: Int64 = 10

    @Option(name: .customLong("genesis-nodes"), help: "The first leader writes the genesis block once this many node keys are registered (they become the ledger's signers).")
    var genesisNodes: Int = 1

    @Option(name: .customLong("quota-bytes"), help: "etcd's --quota-backend-bytes (alarm at 80 %).")
    var quotaBytes: Int64 = 2 << 30

    @OptionGroup var clearing: OptionalClearingChoiceOptions

    func endpointList() throws -> String {
        guard let endpoints, !endpoints.isEmpty else { throw CLIFailure("--mode etcd needs --endpoints http://HOST:PORT[,…]") }
        return endpoints
    }
}
