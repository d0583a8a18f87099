import ArgumentParser

/// The clearing choices of the `node` commands, each optional: `node init` records what is
/// given in cluster.json, and `node run` takes cluster.json's choices (BFT mode) or the
/// defaults (etcd mode) for what is not given. One home for their help text.
struct OptionalClearingChoiceOptions: ParsableArguments {
    @Option(help: "Mechanism (default: market.json's mechanism; in BFT mode the one recorded in cluster.json by node init).")
    var mechanism: String?

    @Option(help: "CMAP solver path (default: the clearing library's; in BFT mode the one recorded in cluster.json by node init).")
    var solver: String?

    @Option(help: "Seed for any randomised step (default 0; in BFT mode the one recorded in cluster.json by node init).")
    var seed: UInt64?
}
