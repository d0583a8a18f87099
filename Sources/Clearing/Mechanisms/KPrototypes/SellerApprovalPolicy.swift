import GridClearCore

/// A match the K-prototypes step proposes to a seller for signature (seed 003 stage 6).
public struct MatchProposal: Sendable {
    public var bid: Bid
    public var offer: Offer
    public var energy: Wh
    public var price: PriceTicks
    public var lossPct: Double
}

/// A seller's policy for signing proposed matches: a pure, deterministic rule.
/// A refused proposal excludes that seller for that buyer; the buyer moves to its
/// next-least-dissimilar seller.
public struct SellerApprovalPolicy: Sendable {
    public let name: String
    private let rule: @Sendable (MatchProposal) -> Bool
    public init(name: String, _ rule: @escaping @Sendable (MatchProposal) -> Bool) {
        self.name = name; self.rule = rule
    }
    public func approves(_ p: MatchProposal) -> Bool { rule(p) }

    /// Every seller signs every match (the default).
    public static let approveAll = SellerApprovalPolicy(name: "approve-all") { _ in true }
    /// A seller refuses buyers whose own bid price is below its ask.
    public static let refuseBidsBelowAsk = SellerApprovalPolicy(name: "refuse-bids-below-ask") { $0.bid.price >= $0.offer.price }
}
