import ArgumentParser

/// `--market`: the market-wide market.json of a cycle folder (`clear`, `compare`, `private run`,
/// `validate`).
struct MarketFileOption: ParsableArguments {
    @Option(help: "Market-wide market.json (default: the cycle folder's parent's market.json).")
    var market: String?
}
