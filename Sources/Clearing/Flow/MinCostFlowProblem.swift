/// A minimum-cost flow problem with integer data: minimise Σ cost·x subject to
/// flow conservation (out − in = supply at every node) and 0 ≤ x ≤ capacity.
///
/// Guarantees once `validate()` passes: every arc joins two existing nodes, capacities
/// are in 0…`maxMagnitude`, |cost| ≤ `maxCost`, supplies sum to 0 and their absolute
/// total is ≤ `maxMagnitude`. Those bounds keep every price, reduced cost and surplus
/// a solver forms inside `Int64` (`NetworkSimplex` adds its own node and cost bounds).
public struct MinCostFlowProblem: Sendable, Equatable {
    /// Largest |cost| accepted: 2^40 (≈ 1.1e12).
    public static let maxCost: Int64 = 1 << 40
    /// Largest capacity and Σ|supply| accepted: 2^52.
    public static let maxMagnitude: Int64 = 1 << 52
    /// Largest node count accepted (keeps nodes·maxCost < 2^62).
    public static let maxNodes = 1 << 21

    /// Number of nodes, numbered 0..<nodeCount.
    public let nodeCount: Int
    /// Supply (+) or demand (−) of each node.
    public var supply: [Int64]
    /// Tail and head node of each arc.
    public let tails: [Int32]
    public let heads: [Int32]
    /// Capacity of each arc (lower bounds are 0).
    public let capacity: [Int64]
    /// Cost per unit of flow of each arc; may be rewritten between solves.
    public var cost: [Int64]

    public init(nodeCount: Int, supply: [Int64], tails: [Int32], heads: [Int32], capacity: [Int64], cost: [Int64]) {
        self.nodeCount = nodeCount; self.supply = supply; self.tails = tails
        self.heads = heads; self.capacity = capacity; self.cost = cost
    }

    /// Number of arcs.
    public var arcCount: Int { tails.count }

    /// Checks sizes and the numeric bounds above.
    /// - Throws: `MinCostFlowError.invalidProblem` naming the first offending node or arc.
    public func validate() throws {
        guard nodeCount >= 0, nodeCount <= Self.maxNodes else {
            throw MinCostFlowError.invalidProblem("node count \(nodeCount) outside 0...\(Self.maxNodes)")
        }
        guard supply.count == nodeCount else {
            throw MinCostFlowError.invalidProblem("supply has \(supply.count) entries for \(nodeCount) nodes")
        }
        let m = tails.count
        for (name, count) in [("heads", heads.count), ("capacity", capacity.count), ("cost", cost.count)] where count != m {
            throw MinCostFlowError.invalidProblem("\(name) has \(count) entries for \(m) arcs")
        }
        guard m < Int(Int32.max) / 2 else { throw MinCostFlowError.invalidProblem("\(m) arcs exceed the Int32 arc index") }
        for a in 0..<m {
            let t = Int(tails[a]), h = Int(heads[a])
            guard t >= 0, t < nodeCount, h >= 0, h < nodeCount else {
                throw MinCostFlowError.invalidProblem("arc \(a) joins \(t) → \(h), outside 0..<\(nodeCount)")
            }
            guard t != h else { throw MinCostFlowError.invalidProblem("arc \(a) is a self-loop at node \(t)") }
            guard capacity[a] >= 0, capacity[a] <= Self.maxMagnitude else {
                throw MinCostFlowError.invalidProblem("arc \(a) capacity \(capacity[a]) outside 0...\(Self.maxMagnitude)")
            }
            guard cost[a] >= -Self.maxCost, cost[a] <= Self.maxCost else {
                throw MinCostFlowError.invalidProblem("arc \(a) cost \(cost[a]) outside ±\(Self.maxCost)")
            }
        }
        var total: Int64 = 0, absolute: Int64 = 0
        for (v, s) in supply.enumerated() {
            guard s >= -Self.maxMagnitude, s <= Self.maxMagnitude, absolute <= Self.maxMagnitude - abs(s) else {
                throw MinCostFlowError.invalidProblem("supplies exceed \(Self.maxMagnitude) in total (node \(v): \(s))")
            }
            absolute += abs(s)
            total += s
        }
        guard total == 0 else { throw MinCostFlowError.invalidProblem("supplies sum to \(total), not 0") }
    }
}

/// Why a min-cost flow solve did not return a flow.
public enum MinCostFlowError: Error, Equatable, CustomStringConvertible {
    /// The problem breaks a documented bound; nothing was solved. Fix the input.
    case invalidProblem(String)
    /// No flow meets every supply and demand (the dual is unbounded along a node set).
    case infeasible(String)
    /// The iteration limit was hit (a bug, not a property of the input).
    case iterationLimit(Int)
    /// An invariant of the method broke (a bug, not a property of the input). Report it.
    case internalInconsistency(String)

    public var description: String {
        switch self {
        case .invalidProblem(let s): return "invalid min-cost flow problem: \(s)"
        case .infeasible(let s): return "min-cost flow problem infeasible: \(s)"
        case .iterationLimit(let n): return "solver stopped after \(n) iterations without converging"
        case .internalInconsistency(let s): return "solver invariant broken: \(s)"
        }
    }
}
