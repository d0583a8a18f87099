import GridClearCore

/// The peers file of a private-market deployment: one line per market address,
/// `<address> <endpoint> <ed25519-public-hex>` (`#` comments and blank lines ignored), e.g.
/// `key-holder tcp:127.0.0.1:7001 3b6a…`. It is the directory every role process authenticates
/// frames against (`MarketFrame`) and routes by; the keys are the public halves of the
/// roles' NodeKeyFile-format channel keys (`gridclear keygen --ed25519`).
///
/// Guarantees: addresses are unique, endpoints parse, keys are 32 bytes; any other line is
/// an error naming the file and line.
public struct PeersFile: Sendable {
    public var peers: [(address: String, endpoint: MarketEndpoint, publicKey: [UInt8])]

    public init(peers: [(address: String, endpoint: MarketEndpoint, publicKey: [UInt8])]) { self.peers = peers }

    public func render() -> String {
        "# GridClear private-market peers: address endpoint ed25519-public\n"
            + peers.map { "\($0.address) \($0.endpoint) \(Hex.encode($0.publicKey))\n" }.joined()
    }

    public static func parse(_ text: String, name: String) throws -> PeersFile {
        var out: [(String, MarketEndpoint, [UInt8])] = []
        var seen = Set<String>()
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            let at = "\(name):\(i + 1)"
            guard f.count == 3 else { throw PrivateMarketError.usage("\(at): expected '<address> <endpoint> <ed25519-public-hex>'") }
            guard f[0].utf8.count <= 200, seen.insert(String(f[0])).inserted else { throw PrivateMarketError.usage("\(at): address '\(f[0].prefix(40))' is repeated or too long") }
            guard let key = Hex.decode(String(f[2])), key.count == 32 else { throw PrivateMarketError.usage("\(at): the public key must be 64 hex digits") }
            out.append((String(f[0]), try MarketEndpoint(parsing: String(f[1])), key))
        }
        guard !out.isEmpty else { throw PrivateMarketError.usage("\(name): no peers") }
        return PeersFile(peers: out.map { (address: $0.0, endpoint: $0.1, publicKey: $0.2) })
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return s
    }
}
