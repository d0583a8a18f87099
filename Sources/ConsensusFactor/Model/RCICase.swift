/// Which side of the market an agent is on. Generators sell (P ≥ 0), consumers buy (P ≤ 0).
public enum RCIRole: String, Sendable, Codable, Equatable {
    case generator
    case consumer
}

/// One agent's private data: cost f(P) = ½·a·P² + b·P (€, P in MW), bounds P_min ≤ P ≤ P_max,
/// and optional product-differentiation prices γ per partner (€/MWh).
///
/// Guarantees (checked by `validated()`): a > 0, finite numbers, P_min ≤ P_max, generators
/// within [0, ∞), consumers within (−∞, 0], and |values| ≤ `RCIFixedPoint.maxMagnitude`.
public struct RCIAgentSpec: Sendable, Equatable {
    public var id: String
    public var role: RCIRole
    public var a: Double
    public var b: Double
    public var pMin: Double
    public var pMax: Double
    public var gamma: [String: Double]
    /// The agent's registered Ed25519 public key (32 bytes; empty when the case names none).
    public var publicKey: [UInt8]

    public init(id: String, role: RCIRole, a: Double, b: Double, pMin: Double, pMax: Double,
                gamma: [String: Double] = [:], publicKey: [UInt8] = []) {
        self.id = id; self.role = role; self.a = a; self.b = b
        self.pMin = pMin; self.pMax = pMax; self.gamma = gamma; self.publicKey = publicKey
    }

    /// The agent's cost at net power `p` (MW): ½·a·p² + b·p.
    public func cost(at p: Double) -> Double { 0.5 * a * p * p + b * p }

    /// Throws `RCICaseError.invalidAgent` naming the first violated rule.
    public func validated() throws -> RCIAgentSpec {
        func fail(_ why: String) -> RCICaseError { .invalidAgent(id: id, reason: why) }
        guard !id.isEmpty, id.utf8.count <= 64, !id.contains(","), !id.contains(where: { $0.isWhitespace }) else {
            throw fail("id must be 1–64 characters without commas or spaces")
        }
        for (name, v) in [("a", a), ("b", b), ("p_min", pMin), ("p_max", pMax)] {
            guard v.isFinite, abs(v) <= RCIFixedPoint.maxMagnitude else {
                throw fail("\(name) = \(v) must be finite with magnitude ≤ \(RCIFixedPoint.maxMagnitude)")
            }
        }
        guard a > 0 else { throw fail("a = \(a) must be > 0 (strictly convex cost)") }
        guard pMin <= pMax else { throw fail("p_min \(pMin) > p_max \(pMax)") }
        switch role {
        case .generator: guard pMin >= 0 else { throw fail("a generator needs p_min ≥ 0") }
        case .consumer: guard pMax <= 0 else { throw fail("a consumer needs p_max ≤ 0") }
        }
        for (partner, g) in gamma where !g.isFinite || abs(g) > RCIFixedPoint.maxMagnitude {
            throw fail("gamma for \(partner) must be finite with magnitude ≤ \(RCIFixedPoint.maxMagnitude)")
        }
        return self
    }
}

/// A market case: the agents, in file order. Every generator–consumer pair may trade.
///
/// Guarantees: ids unique, at least one generator and one consumer, every agent valid,
/// γ keys name partners of the opposite role.
public struct RCICase: Sendable, Equatable {
    public var agents: [RCIAgentSpec]

    public init(agents: [RCIAgentSpec]) throws {
        self.agents = try agents.map { try $0.validated() }
        var seen = Set<String>()
        for a in agents where !seen.insert(a.id).inserted { throw RCICaseError.duplicateAgent(a.id) }
        guard agents.contains(where: { $0.role == .generator }), agents.contains(where: { $0.role == .consumer }) else {
            throw RCICaseError.noCounterparty
        }
        let roles = Dictionary(uniqueKeysWithValues: agents.map { ($0.id, $0.role) })
        for a in agents {
            for p in a.gamma.keys where roles[p] == nil || roles[p] == a.role {
                throw RCICaseError.invalidAgent(id: a.id, reason: "gamma names \(p), which is not a partner of the opposite role")
            }
        }
    }

    /// The agent with `id`, or throws `RCICaseError.unknownAgent`.
    public func agent(_ id: String) throws -> RCIAgentSpec {
        guard let a = agents.first(where: { $0.id == id }) else { throw RCICaseError.unknownAgent(id) }
        return a
    }

    /// Partner ids of `id`: all agents of the opposite role, in the canonical order (ids
    /// sorted bytewise) that every party derives from the public roster alone.
    public func partners(of id: String) throws -> [String] {
        let me = try agent(id)
        return RCIRosterEntry.partners(of: me.role, in: roster)
    }

    /// The registered identities (id → role, Ed25519 public key); nil unless every agent has a key.
    public var registered: [String: RCIRegisteredAgent]? {
        guard agents.allSatisfy({ $0.publicKey.count == 32 }) else { return nil }
        return Dictionary(uniqueKeysWithValues: agents.map { ($0.id, RCIRegisteredAgent(role: $0.role, publicKey: $0.publicKey)) })
    }

    /// Public roster (id → role): what the platform and the other agents may know.
    public var roster: [RCIRosterEntry] { agents.map { RCIRosterEntry(id: $0.id, role: $0.role) } }
}

/// Public membership information: an agent id and its role (never its costs or bounds).
public struct RCIRosterEntry: Sendable, Equatable, Codable {
    public var id: String
    public var role: RCIRole
    public init(id: String, role: RCIRole) { self.id = id; self.role = role }

    /// The canonical partner order for an agent of `role`: opposite-role ids sorted bytewise.
    public static func partners(of role: RCIRole, in roster: [RCIRosterEntry]) -> [String] {
        roster.filter { $0.role != role }.map(\.id).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}

/// Errors reading or validating a case; each names the agent or line to fix.
public enum RCICaseError: Error, Equatable, CustomStringConvertible {
    case invalidAgent(id: String, reason: String)
    case duplicateAgent(String)
    case unknownAgent(String)
    case noCounterparty
    case malformed(line: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidAgent(let id, let r): return "agent \(id): \(r)"
        case .duplicateAgent(let id): return "agent id \(id) appears twice"
        case .unknownAgent(let id): return "no agent with id \(id) in the case"
        case .noCounterparty: return "the case needs at least one generator and one consumer"
        case .malformed(let line, let r): return "line \(line): \(r)"
        }
    }
}
