import GridClearCore
import HeapModule

/// One side of a price-time priority book on a binary heap (swift-collections):
/// the best order is the one with the best price, then the earliest sequence number.
/// Insert and remove-best are O(log n); nothing is ever re-sorted.
///
/// The book stores only indices; remaining quantities live with the caller, so a
/// partial fill is "peek best, reduce its remainder, pop when it reaches zero".
struct BookSide {
    /// Heap key: smaller is better. Bids store −price so the highest bid is the minimum.
    struct Entry: Comparable {
        var key: Int64
        var seq: Int
        var index: Int
        static func < (a: Entry, b: Entry) -> Bool { (a.key, a.seq) < (b.key, b.seq) }
    }
    enum Side { case bids, asks }

    let side: Side
    private var heap = Heap<Entry>()

    init(_ side: Side) { self.side = side }

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    mutating func insert(index: Int, price: PriceTicks, seq: Int) {
        heap.insert(Entry(key: side == .bids ? -price : price, seq: seq, index: index))
    }

    /// Best resting order: (index, price).
    var best: (index: Int, price: PriceTicks)? {
        heap.min.map { ($0.index, side == .bids ? -$0.key : $0.key) }
    }

    @discardableResult
    mutating func popBest() -> Int? { heap.popMin()?.index }

    /// Whether a resting order at `resting` crosses an incoming order at `incoming`.
    func crosses(resting: PriceTicks, incoming: PriceTicks) -> Bool {
        side == .asks ? resting <= incoming : resting >= incoming
    }

    /// Remaining resting indices, best first (drains a copy).
    var indicesBestFirst: [Int] {
        var h = heap, out = [Int]()
        while let e = h.popMin() { out.append(e.index) }
        return out
    }
}
