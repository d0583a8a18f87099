import Clearing
import Crypto
import GridClearCore
import GridClearSystem
import Privacy

/// The body of `gridclear private node`: builds the role(s) a `NodeSetup` describes and
/// serves them until the operator's shutdown, then writes each role's transcript.
public enum PrivateNodeMain {
    /// A deployed role (`gridclear private node --role R --setup F --key K… --peers P --listen E`):
    /// the channel keys come from NodeKeyFile-format key files (each key's address is the one
    /// the peers file lists for its public key), the directory and routes from the peers file.
    public static func runDeployed(role: String, setupBytes: [UInt8], channelSecrets: [[UInt8]], peers: PeersFile, listen: MarketEndpoint) throws {
        var s = try NodeSetup.decode(setupBytes)
        guard "\(s.kind)" == role || s.kind.roleName == role else {
            throw PrivateMarketError.usage("--role \(role) does not match the setup file, which is for \(s.kind.roleName)")
        }
        var keys: [(address: String, key: [UInt8])] = []
        for secret in channelSecrets {
            let pub = Array(try Curve25519.Signing.PrivateKey(rawRepresentation: secret).publicKey.rawRepresentation)
            let mine = peers.peers.filter { $0.publicKey == pub }.map(\.address)
            guard !mine.isEmpty else { throw PrivateMarketError.usage("a --key file's public key is not in the peers file") }
            keys += mine.map { ($0, secret) }
        }
        s.channelKeys = keys
        s.directory = peers.peers.map { ($0.address, $0.publicKey) }
        s.endpoints = peers.peers.map { ($0.address, $0.endpoint.description) }
        s.listen = listen.description
        try run(setup: s)
    }

    public static func run(setupBytes: [UInt8]) throws { try run(setup: try NodeSetup.decode(setupBytes)) }

    static func run(setup s: NodeSetup) throws {
        let keys = Dictionary(uniqueKeysWithValues: try s.channelKeys.map { ($0.address, try Curve25519.Signing.PrivateKey(rawRepresentation: $0.key)) })
        let directory = Dictionary(uniqueKeysWithValues: try s.directory.map { ($0.address, try Curve25519.Signing.PublicKey(rawRepresentation: $0.key)) })
        var r = MarketReader(s.body)
        var roles: [MarketRole] = []
        var pk = try PaillierPublicKey(modulus: s.paillierModulus)
        var starts: [ParticipantRole] = []
        func commitments(_ r: inout MarketReader) throws -> FeldmanCommitments { FeldmanCommitments(publicCoefficients: try r.array(max: 64) { try $0.point() }) }
        switch s.kind {
        case .keyHolder:
            let sk = try PaillierPrivateKey(serialized: try r.blob(max: 1 << 16))
            pk = sk.publicKey
            roles = [KeyHolderRole(secretKey: sk)]
        case .authority:
            let round = try r.u64(), pem = try r.text(max: 1 << 16), k = try r.u16()
            let registry = try r.array { try $0.text(max: 200) }
            let comms = try commitments(&r)
            let ca = try CutAndChooseAuthority(round: round, tracingKey: comms.publicKey, registered: Set(registry), candidates: k, pemRepresentation: pem)
            roles = [RegistrationAuthorityRole(authority: ca, tracing: ThresholdTracingKey(commitments: comms))]
        case .trustee:
            let index = UInt32(try r.u32()), value = try r.scalar()
            roles = [try TrusteeRole(address: s.channelKeys[0].address, share: SecretShare(index: index, value: value), commitments: try commitments(&r))]
        case .matching:
            let cycle = try r.text(max: 64), der = try r.blob(max: 4096), round = try r.u64()
            let records = try r.array { try $0.commitment() }
            let tol = try r.i64()
            let data = try PublicMarketData.read(from: &r)
            let adapter = KProtoPrivateInputs(market: try data.market(), grid: try data.grid())
            let config = MatchingServiceConfig(cycle: cycle, publicKey: pk, authority: try PseudonymAuthorityKey(round: round, derRepresentation: der),
                                               accountRecords: Set(records), pairTerms: { try adapter.pairTerms(buyers: $0, sellers: $1) },
                                               quantityColumn: KProtoPrivateInputs.quantityColumn, sqrtQuantityWeight: adapter.sqrtQuantityWeight,
                                               toleranceBP: tol)
            var packedConfig = config
            packedConfig.distanceBits = adapter.distanceBits
            roles = [MatchingServiceRole(config: packedConfig)]
        case .participant:
            let cycle = try r.text(max: 64), der = try r.blob(max: 4096), round = try r.u64(), tracingKey = try r.point()
            let k = try r.u16()
            let data = try PublicMarketData.read(from: &r)
            let offersHeader = try r.blob(max: 1 << 16), bidsHeader = try r.blob(max: 1 << 16)
            let authority = try PseudonymAuthorityKey(round: round, derRepresentation: der)
            let market = try data.market()
            let adapter = KProtoPrivateInputs(market: market, grid: try data.grid())
            let pp = PedersenParameters.standard
            let hosted = try r.array { r in
                (identity: try r.text(max: 200), anon: try r.text(max: 64), quote: try r.text(max: 64), side: try r.u8(), row: try r.blob(max: 1 << 16),
                 record: PedersenOpening(value: try r.i64(), blinding: try r.scalar()), reputationMilli: try r.bool() ? try r.i64() : nil)
            }
            for h in hosted {
                let isSeller = h.side == PlanSide.sell.rawValue
                // Only this participant's own row (and the public market data) is parsed.
                var f = CycleFiles(cycleID: cycle, offersCSV: offersHeader + (isSeller ? [10] + h.row : []),
                                   bidsCSV: bidsHeader + (isSeller ? [] : [10] + h.row), marketJSON: data.marketJSON,
                                   cycleMarketJSON: data.cycleMarketJSON, gridJSON: data.gridJSON)
                f.offersName = "offers.csv"; f.bidsName = "bids.csv"
                // The ledger's reputation, when the operator cleared against one (the row's column is then optional).
                if let m = h.reputationMilli {
                    guard (0...100_000).contains(m) else { throw PrivateMarketError.usage("participant \(h.identity): reputation \(m) out of range") }
                    f.reputationJSON = ReputationSnapshot(base: m).canonicalJSON()
                }
                let own = try CyclePipeline.parse(f)
                let secrets: ParticipantSecrets
                if isSeller, let o = own.offers.first {
                    secrets = ParticipantSecrets(side: .sell, energy: pp.commit(o.quantity).opening, price: pp.commit(o.price).opening, record: h.record,
                                                 rangeAttributes: KProtoPrivateInputs.rangeAttributes(o),
                                                 features: { lo, hi in try adapter.sellerFeatures(o, lo: lo, hi: hi) },
                                                 routing: KProtoPrivateInputs.routing(o.location, maxLossPct: nil))
                } else if let b = own.bids.first {
                    secrets = ParticipantSecrets(side: .buy, energy: pp.commit(b.quantity).opening, price: pp.commit(b.price).opening, record: h.record,
                                                 rangeAttributes: KProtoPrivateInputs.rangeAttributes(b),
                                                 features: { lo, hi in try adapter.buyerFeatures(b, lo: lo, hi: hi) },
                                                 routing: KProtoPrivateInputs.routing(b.location, maxLossPct: b.maxLossPct))
                } else { throw PrivateMarketError.usage("participant \(h.identity): its row did not parse") }
                let p = ParticipantRole(identity: h.identity, anonymousAddress: h.anon, cycle: cycle, secrets: secrets, publicKey: pk,
                                        tracingKey: tracingKey, authority: authority, candidates: k)
                p.waitForSubmit = true; p.reportTo = "operator"; p.quoteID = (isSeller ? "offer:" : "bid:") + h.quote
                roles.append(p); starts.append(p)
            }
        }
        let endpoints = Dictionary(try s.endpoints.map { ($0.address, try MarketEndpoint(parsing: $0.endpoint)) }, uniquingKeysWith: { a, _ in a })
        let node = try MarketNode(roles: roles, keys: keys, directory: directory, runDir: s.runDir, publicKey: pk,
                                  endpoints: endpoints, listen: try s.listen.map(MarketEndpoint.init(parsing:)))
        for p in starts { try node.send(try p.start(), from: p) }
        defer {
            var text = roles.map { $0.transcript.render() }.joined(separator: "\n")
            if !node.dropped.isEmpty { text += node.dropped.map { "dropped \($0)\n" }.joined() }
            try? GridClearSystem.AtomicFile.write(Array(text.utf8), to: s.transcriptPath + ".transcript")
        }
        try node.serve()
    }
}
