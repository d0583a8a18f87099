import GridClearCore

/// One bilateral agreement of the price matrix (seed 003 Table 2.1): `seller`
/// serves `buyer` with `priority` (1 = served first) at `price`.
public struct PriceAgreement: Sendable, Hashable {
    public var seller: String
    public var buyer: String
    public var priority: Int
    public var price: PriceTicks
    public init(seller: String, buyer: String, priority: Int, price: PriceTicks) {
        self.seller = seller; self.buyer = buyer; self.priority = priority; self.price = price
    }
}

/// The price/priority matrix PM of asynchronous settlement (SPEC §3.5):
/// PM[seller][buyer] = (priority, price), agreed bilaterally.
///
/// Guarantees: at most one agreement per (seller, buyer) and no self-agreements;
/// `buyers(of:)` lists a seller's buyers by priority, then buyer id.
///
/// CSV form (RFC 4180, header required, column order free), one agreement per row:
/// `seller_id,buyer_id,priority,price` — priority a positive integer, price in
/// CNY/kWh with at most 4 decimals. Table 2.1's "Grid" row/column is not part of
/// the file: grid prices are passed separately.
public struct PriceMatrix: Sendable, Hashable {
    private var bySeller: [String: [PriceAgreement]]

    public init(_ agreements: [PriceAgreement]) throws {
        var seen = Set<[String]>()
        var m: [String: [PriceAgreement]] = [:]
        for a in agreements {
            guard a.seller != a.buyer else { throw PriceMatrixError("agreement of '\(a.seller)' with itself") }
            guard a.priority >= 1 else { throw PriceMatrixError("priority \(a.priority) of \(a.seller)→\(a.buyer) must be ≥ 1") }
            guard a.price >= 0 else { throw PriceMatrixError("negative price for \(a.seller)→\(a.buyer)") }
            guard seen.insert([a.seller, a.buyer]).inserted else {
                throw PriceMatrixError("duplicate agreement \(a.seller)→\(a.buyer)")
            }
            m[a.seller, default: []].append(a)
        }
        for k in m.keys { m[k]!.sort { ($0.priority, $0.buyer) < ($1.priority, $1.buyer) } }
        bySeller = m
    }

    /// A seller's agreements, in serving order.
    public func buyers(of seller: String) -> [PriceAgreement] { bySeller[seller] ?? [] }

    /// The agreed price, if any.
    public func price(seller: String, buyer: String) -> PriceTicks? {
        bySeller[seller]?.first { $0.buyer == buyer }?.price
    }

    /// Every participant named in the matrix, sorted.
    public var participants: [String] {
        Set(bySeller.values.flatMap { $0.flatMap { [$0.seller, $0.buyer] } }).sorted()
    }

    /// Parses the CSV form; errors name file, line and column.
    public static func parseCSV(_ bytes: [UInt8], file: String = "price_matrix.csv") throws -> PriceMatrix {
        let records = try CSVReader.read(bytes, file: file)
        guard let header = records.first else { throw InputError(file: file, line: 1, column: 1, "empty file: a header 'seller_id,buyer_id,priority,price' is required") }
        var col: [String: Int] = [:]
        for (i, h) in header.fields.enumerated() {
            let k = h.trimmingSpaces
            guard ["seller_id", "buyer_id", "priority", "price"].contains(k) else {
                throw InputError(file: file, line: header.line, column: i + 1, "unknown column '\(k)'; expected seller_id, buyer_id, priority, price")
            }
            guard col[k] == nil else { throw InputError(file: file, line: header.line, column: i + 1, "duplicate column '\(k)'") }
            col[k] = i
        }
        for k in ["seller_id", "buyer_id", "priority", "price"] where col[k] == nil {
            throw InputError(file: file, line: header.line, column: 1, "missing column '\(k)'")
        }
        var out: [PriceAgreement] = []
        for r in records.dropFirst() {
            guard r.fields.count == header.fields.count else {
                throw InputError(file: file, line: r.line, column: 1, "expected \(header.fields.count) fields, found \(r.fields.count)")
            }
            func field(_ k: String) -> (String, Int) { (r.fields[col[k]!].trimmingSpaces, col[k]! + 1) }
            let (s, sc) = field("seller_id"), (b, bc) = field("buyer_id")
            guard !s.isEmpty else { throw InputError(file: file, line: r.line, column: sc, field: "seller_id", "empty id") }
            guard !b.isEmpty else { throw InputError(file: file, line: r.line, column: bc, field: "buyer_id", "empty id") }
            let (p, pc) = field("priority")
            guard let prio = Int(p), prio >= 1 else {
                throw InputError(file: file, line: r.line, column: pc, field: "priority", "expected a positive integer, found '\(p)'")
            }
            let (pr, prc) = field("price")
            guard case .success(let ticks) = ExactDecimal.parse(pr, decimals: 4), ticks >= 0 else {
                throw InputError(file: file, line: r.line, column: prc, field: "price", "expected a non-negative price with at most 4 decimals, found '\(pr)'")
            }
            out.append(PriceAgreement(seller: s, buyer: b, priority: prio, price: ticks))
        }
        do { return try PriceMatrix(out) } catch let e as PriceMatrixError {
            throw InputError(file: file, line: 1, column: 1, e.message)
        }
    }
}

/// An inconsistent price matrix (duplicate pair, self-agreement, bad priority).
public struct PriceMatrixError: Error, CustomStringConvertible, Sendable {
    public let message: String
    init(_ m: String) { message = m }
    public var description: String { "price matrix: \(message)" }
}
