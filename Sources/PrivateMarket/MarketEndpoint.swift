/// Where a market process listens: a unix socket path (`unix:/path`, one per address in
/// `private run`'s 0700 run directory) or a TCP address (`tcp:127.0.0.1:7001`, or just
/// `127.0.0.1:7001`; numeric IPv4). Frames are authenticated the same way on both
/// (`MarketFrame`); TCP frames are not encrypted (docs/privacy.md).
public enum MarketEndpoint: Sendable, Hashable, CustomStringConvertible {
    case unix(String)
    case tcp(host: String, port: UInt16)

    /// Parses `unix:PATH`, `tcp:HOST:PORT` or `HOST:PORT`; throws a usage error naming the text.
    public init(parsing text: String) throws {
        if text.hasPrefix("unix:") { self = .unix(String(text.dropFirst(5))); return }
        let t = text.hasPrefix("tcp:") ? String(text.dropFirst(4)) : text
        guard let colon = t.lastIndex(of: ":"), let port = UInt16(t[t.index(after: colon)...]), !t[..<colon].isEmpty else {
            throw PrivateMarketError.usage("endpoint '\(text)': expected HOST:PORT (e.g. 127.0.0.1:7001), tcp:HOST:PORT or unix:PATH")
        }
        self = .tcp(host: String(t[..<colon]), port: port)
    }

    public var description: String {
        switch self {
        case .unix(let p): return "unix:" + p
        case .tcp(let h, let p): return "tcp:\(h):\(p)"
        }
    }
}
