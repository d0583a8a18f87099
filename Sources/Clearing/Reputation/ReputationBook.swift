/// The reputation rules of SPEC §3.7: start value, bounds, reward per trade
/// completed normally, penalty per offence. Integer points.
public struct ReputationRules: Sendable, Hashable {
    public var initial: Int
    public var minimum: Int
    public var maximum: Int
    public var reward: Int
    public var penalty: Int
    public init(initial: Int = 60, minimum: Int = 0, maximum: Int = 100, reward: Int = 1, penalty: Int = 10) {
        precondition(minimum <= initial && initial <= maximum, "initial reputation must lie within the bounds")
        self.initial = initial; self.minimum = minimum; self.maximum = maximum; self.reward = reward; self.penalty = penalty
    }
    /// CMAP's convention: base 60.
    public static let standard = ReputationRules()
    /// The K-prototypes chapter's convention: credit starts at 100.
    public static let kprototypes = ReputationRules(initial: 100)
}

/// Why a reputation changes.
public enum ReputationEvent: Sendable, Hashable {
    case tradeCompleted(participant: String)
    case penalty(participant: String, reason: String)
    public var participant: String {
        switch self { case .tradeCompleted(let p), .penalty(let p, _): return p }
    }
}

/// One applied change: what a ledger entry records so every replica computes the same values.
public struct ReputationChange: Sendable, Hashable {
    public var participant: String
    public var before: Int
    public var after: Int
    public var reason: String
}

/// Per-participant reputation across cycles: a pure value updated by events.
///
/// Guarantees: every score stays within [minimum, maximum]; an unknown participant
/// has the initial value; applying the same events in the same order gives the same
/// book on every replica (no clock, no randomness).
public struct ReputationBook: Sendable, Hashable {
    public var rules: ReputationRules
    public private(set) var scores: [String: Int]

    public init(rules: ReputationRules = .standard, scores: [String: Int] = [:]) {
        self.rules = rules
        self.scores = scores.mapValues { min(rules.maximum, max(rules.minimum, $0)) }
    }

    public func score(of p: String) -> Int { scores[p] ?? rules.initial }

    /// Applies events in order; returns the changes (including those clamped to no change).
    @discardableResult
    public mutating func apply(_ events: [ReputationEvent]) -> [ReputationChange] {
        events.map { e in
            let before = score(of: e.participant)
            let (delta, reason): (Int, String)
            switch e {
            case .tradeCompleted: (delta, reason) = (rules.reward, "trade completed")
            case .penalty(_, let r): (delta, reason) = (-rules.penalty, r)
            }
            let after = min(rules.maximum, max(rules.minimum, before + delta))
            scores[e.participant] = after
            return ReputationChange(participant: e.participant, before: before, after: after, reason: reason)
        }
    }

    /// +1 for the buyer and the seller of every accepted trade of a cycle, in trade order
    /// (grid rows and rejected proposals do not count).
    public static func events(for result: ClearingResult) -> [ReputationEvent] {
        result.trades.filter { $0.status == .accepted }.flatMap {
            [ReputationEvent.tradeCompleted(participant: $0.buyerID), .tradeCompleted(participant: $0.sellerID)]
        }
    }

    /// Penalties decided by late-data settlement (`LateDataRule.penalty`).
    public static func events(for decisions: [LateDataSettlement.Decision]) -> [ReputationEvent] {
        decisions.compactMap {
            if case let .penalty(p, _) = $0 { return LateDataRule.penalty(p) }
            return nil
        }
    }
}
