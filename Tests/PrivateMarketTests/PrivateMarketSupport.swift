import Clearing
import GridClearCore
import Privacy
import PrivateMarket

/// Small keys: these tests are about the protocol, not the key size.
func testOptions(candidates: Int = 2) -> PrivateCycleOptions {
    var o = PrivateCycleOptions()
    o.paillierBits = 512
    o.candidates = candidates
    o.threshold = 2; o.trustees = 3
    return o
}

let sellerPrefs = Preferences<SellerCriterion>([(.price, 0.5), (.demand, 0.3), (.loss, 0.2)])
let buyerPrefs = Preferences<BuyerCriterion>([(.price, 0.5), (.loss, 0.3), (.green, 0.2)])

/// A random cycle in the style of seed 003 §4.4.1. Prices and quantities are drawn from
/// disjoint, distinctive ranges so a transcript byte search for one cannot hit the other.
/// `overlapping`: asks and bids drawn from overlapping price ranges, so the ask ≤ bid
/// filter of SPEC §3.2 excludes some pairs.
func privateInstance(seed: UInt64, bids m: Int, offers n: Int, overlapping: Bool = false) -> CycleInputs {
    var g = SplitMix64(seed: seed)
    func lat() -> Double { Double.random(in: 39.80...40.03, using: &g) }
    func lon() -> Double { Double.random(in: 116.25...116.55, using: &g) }
    let offers = (0..<n).map { i in
        Offer(id: "o\(i)", sellerID: "seller-\(i)", price: PriceTicks.random(in: overlapping ? 8_000_000...9_599_999 : 8_000_000...8_999_999, using: &g),
              quantity: Wh.random(in: 100_000...999_999, using: &g), energyType: EnergyType.allCases.randomElement(using: &g)!,
              location: .coordinates(lat: lat(), lon: lon()), reputation: Double(Int.random(in: 60...100, using: &g)),
              preferences: sellerPrefs, submittedAtMillis: nil, arrival: i)
    }
    let bids = (0..<m).map { i in
        Bid(id: "b\(i)", buyerID: "buyer-\(i)", price: PriceTicks.random(in: overlapping ? 8_400_000...9_999_999 : 9_000_000...9_999_999, using: &g),
            quantity: Wh.random(in: 100_000...999_999, using: &g),
            energyType: Bool.random(using: &g) ? EnergyType.allCases.randomElement(using: &g)! : nil,
            greenIndex: Bool.random(using: &g) ? Double.random(in: 0...1, using: &g) : nil,
            maxLossPct: Bool.random(using: &g) ? Double.random(in: 2...40, using: &g) : nil,
            location: .coordinates(lat: lat(), lon: lon()), reputation: Double(Int.random(in: 60...100, using: &g)),
            preferences: buyerPrefs, submittedAtMillis: nil, arrival: i)
    }
    return CycleInputs(cycleID: "20261120T1000Z", market: MarketConfig(), offers: offers, bids: bids)
}

/// "bid>offer:Wh@ticks" per trade row, for exact comparison.
func tradeStrings(_ r: ClearingResult) -> [String] {
    r.trades.map { "\($0.bidID)>\($0.offerID):\($0.energy)@\($0.price):\($0.status.rawValue)" }
}

/// 8-byte big-endian form of a value, as it would appear in a canonical message.
func be64(_ v: Int64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) } }

extension Array where Element == UInt8 {
    func contains(subsequence s: [UInt8]) -> Bool {
        guard !s.isEmpty, s.count <= count else { return false }
        var i = 0
        while i + s.count <= count {
            if self[i] == s[0] && Array(self[i..<(i + s.count)]) == s { return true }
            i += 1
        }
        return false
    }
}
