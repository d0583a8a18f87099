import Crypto
import GridClearCore
import GridClearSystem
import Privacy

/// Market roles in one process (one role, or several participant roles of a host):
/// listens on one socket per address (`<runDir>/<hash(address)>.sock`) or on one TCP
/// endpoint for all of them, seals every frame to its receiver's key (`ChannelSeal`), authenticates every
/// frame (`MarketFrame`), hands the decoded message to the addressed role's pure state
/// machine, and signs and sends what it returns. Stops on `.shutdown` from the operator.
///
/// Guarantees: a frame that fails authentication or decoding is dropped and noted in the
/// transcript (never handled); a role sees exactly the messages addressed to it.
public final class MarketNode {
    let roles: [MarketAddress: MarketRole]
    let keys: [MarketAddress: Curve25519.Signing.PrivateKey]
    let directory: [MarketAddress: Curve25519.Signing.PublicKey]
    let runDir: String
    let publicKey: PaillierPublicKey
    let operatorAddress: MarketAddress
    private var seq: UInt64 = 0
    private var lastSeq: [MarketAddress: UInt64] = [:]
    private var sockets: [MarketSocket] = []

    /// Where each address is reached (TCP); addresses not listed use unix sockets under `runDir`.
    let endpoints: [MarketAddress: MarketEndpoint]

    /// `listen`: one endpoint for every role of this process (TCP); nil = one unix socket per address.
    init(roles: [MarketRole], keys: [MarketAddress: Curve25519.Signing.PrivateKey], directory: [MarketAddress: Curve25519.Signing.PublicKey],
         runDir: String, publicKey: PaillierPublicKey, operatorAddress: MarketAddress = "operator",
         endpoints: [MarketAddress: MarketEndpoint] = [:], listen: MarketEndpoint? = nil) throws {
        var byAddress: [MarketAddress: MarketRole] = [:]
        for r in roles { for a in [r.address] + r.aliases { byAddress[a] = r } }
        self.roles = byAddress; self.keys = keys; self.directory = directory; self.runDir = runDir
        self.publicKey = publicKey; self.operatorAddress = operatorAddress; self.endpoints = endpoints
        if let listen { sockets.append(try MarketSocket.listen(listen)) }
        else { for a in byAddress.keys.sorted() { sockets.append(try MarketSocket.listen(Self.socketPath(runDir, a))) } }
    }

    static func socketPath(_ runDir: String, _ address: MarketAddress) -> String {
        // socket names stay short and free of path characters whatever the address
        let h = SHA256.hash(data: Array(address.utf8)).prefix(8).map { String($0, radix: 16) }.joined()
        return FileSystem.join(runDir, "\(h).sock")
    }

    /// Signs and sends envelopes of `role` (recording them in its transcript).
    func send(_ envelopes: [MarketEnvelope], from role: MarketRole) throws {
        for e in envelopes {
            let from = e.from ?? role.address
            guard let key = keys[from] else { throw PrivateMarketError.incomplete("no channel key for '\(from)'") }
            guard let receiver = directory[e.to] else { throw PrivateMarketError.incomplete("no public channel key for '\(e.to)'") }
            seq += 1
            let bytes = e.message.encode()
            role.transcript.record(received: false, peer: e.to, kind: e.message.kind, bytes: bytes)
            // Sealed to the receiver's key, then signed by the sender over the sealed bytes.
            let sealed = try ChannelSeal.seal(bytes, toEd25519: Array(receiver.rawRepresentation))
            try MarketSocket.sendFrame(try MarketFrame.signed(MarketFrame(from: from, to: e.to, seq: seq, message: sealed), key: key),
                                       to: endpoints[e.to] ?? .unix(Self.socketPath(runDir, e.to)))
        }
    }

    /// Receives one authenticated message (nil on timeout or a dropped frame).
    func receive(timeoutMilliseconds: Int32) throws -> (role: MarketRole, from: MarketAddress, message: MarketMessage)? {
        guard let raw = try MarketSocket.acceptFrame(on: sockets, timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        do {
            let f = try MarketFrame.open(raw, directory: directory, mine: Set(roles.keys), lastSeq: &lastSeq)
            let role = roles[f.to]!
            guard let key = keys[f.to] else { throw PrivateMarketError.incomplete("no channel key for '\(f.to)'") }
            let plain = try ChannelSeal.open(f.message, ed25519Seed: Array(key.rawRepresentation))
            let m = try MarketMessage.decode(plain, publicKey: publicKey)
            role.transcript.record(received: true, peer: f.from, kind: m.kind, bytes: plain)
            return (role, f.from, m)
        } catch {
            dropped.append("\(error)")
            debugTrace?("dropped: \(error)")
            return nil
        }
    }
    public private(set) var dropped: [String] = []
    var debugTrace: ((String) -> Void)?

    /// Serves until `.shutdown` from the operator or `idleSeconds` without a frame.
    public func serve(idleSeconds: Int32 = 600) throws {
        var idle: Int32 = 0
        while true {
            guard let (role, from, m) = try receive(timeoutMilliseconds: 1000) else {
                idle += 1
                if idle >= idleSeconds { throw PrivateMarketError.incomplete("no message for \(idleSeconds) s") }
                continue
            }
            idle = 0
            if case .shutdown = m, from == operatorAddress { return }
            do { try send(try role.handle(m, from: from), from: role) }
            catch {
                role.transcript.learn("fault handling \(m.kind) from \(from): \(error)")
                debugTrace?("fault: \(role.address) \(m.kind) from \(from): \(error)")
            }
            debugTrace?("\(role.address) handled \(m.kind) from \(from)")
        }
    }
}
