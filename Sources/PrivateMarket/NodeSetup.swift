import Crypto
import GridClearCore
import Privacy

/// Everything one role process needs, handed to it on stdin by `gridclear private run`
/// (never written to disk): its kind and secrets, its channel keys, the directory of every
/// address's public channel key, the run directory of sockets, where to write its transcript.
public struct NodeSetup: Sendable {
    public enum Kind: UInt8, Sendable, CaseIterable {
        case keyHolder = 1, authority, trustee, matching, participant
        /// The `--role` name of `gridclear private node`.
        public var roleName: String {
            switch self {
            case .keyHolder: return "key-holder"
            case .authority: return "registration-authority"
            case .trustee: return "trustee"
            case .matching: return "matching-service"
            case .participant: return "participant"
            }
        }
    }
    public var kind: Kind
    public var runDir: String
    public var transcriptPath: String
    public var channelKeys: [(address: String, key: [UInt8])]
    public var directory: [(address: String, key: [UInt8])]
    /// Paillier public key (N, big-endian) — all roles but the key holder.
    public var paillierModulus: [UInt8]
    /// Kind-specific fields, canonical bytes (see `PrivateProcessRun`).
    public var body: [UInt8]
    /// TCP transport: every address's endpoint (`MarketEndpoint` text) and this process's
    /// listening endpoint; empty / nil = unix sockets under `runDir`.
    public var endpoints: [(address: String, endpoint: String)] = []
    public var listen: String? = nil

    public init(kind: Kind, runDir: String, transcriptPath: String, channelKeys: [(address: String, key: [UInt8])],
                directory: [(address: String, key: [UInt8])], paillierModulus: [UInt8], body: [UInt8],
                endpoints: [(address: String, endpoint: String)] = [], listen: String? = nil) {
        self.kind = kind; self.runDir = runDir; self.transcriptPath = transcriptPath; self.channelKeys = channelKeys
        self.directory = directory; self.paillierModulus = paillierModulus; self.body = body; self.endpoints = endpoints; self.listen = listen
    }

    /// The setup as a deployed role's setup file holds it: without channel keys, directory
    /// and routes (those come from its key files and the peers file).
    public var forDeployment: NodeSetup {
        var s = self
        s.channelKeys = []; s.directory = []; s.endpoints = []; s.listen = nil
        return s
    }

    public func encode() -> [UInt8] {
        var w = MarketWriter()
        w.text("GridClear/market/node-setup/v1"); w.u8(kind.rawValue); w.text(runDir); w.text(transcriptPath)
        w.array(channelKeys) { $0.text($1.address); $0.blob($1.key) }
        w.array(directory) { $0.text($1.address); $0.blob($1.key) }
        w.blob(paillierModulus); w.blob(body)
        w.array(endpoints) { $0.text($1.address); $0.text($1.endpoint) }
        w.bool(listen != nil); if let listen { w.text(listen) }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> NodeSetup {
        var r = MarketReader(bytes)
        guard try r.text() == "GridClear/market/node-setup/v1", let kind = Kind(rawValue: try r.u8()) else {
            throw PrivateMarketError.usage("stdin is not a market node setup (run roles through `gridclear private run`)")
        }
        let runDir = try r.text(), tp = try r.text()
        let ck = try r.array(max: 1 << 16) { (try $0.text(), try $0.blob(max: 64)) }
        let dir = try r.array(max: 1 << 20) { (try $0.text(), try $0.blob(max: 64)) }
        var s = NodeSetup(kind: kind, runDir: runDir, transcriptPath: tp, channelKeys: ck.map { ($0.0, $0.1) },
                          directory: dir.map { ($0.0, $0.1) }, paillierModulus: try r.blob(max: 1024), body: try r.blob(max: 64 << 20))
        s.endpoints = try r.array(max: 1 << 20) { (address: try $0.text(max: 200), endpoint: try $0.text(max: 300)) }
        s.listen = try r.bool() ? try r.text(max: 300) : nil
        try r.finish()
        return s
    }
}
