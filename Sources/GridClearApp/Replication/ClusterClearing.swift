import Clearing
import GridClearCore

/// The clearing choices every replica of a cluster must share (`--mechanism`, `--solver`,
/// `--seed`): different choices give different results, and replicas endorse only results
/// equal to their own. Recorded in `cluster.json` by `node init` and read by `node run`.
///
///     "clearing": {"mechanism": "cmap" | null, "solver": "network" | null, "seed": 0}
///
/// `null` means the default (market.json's mechanism; the clearing library's solver).
/// Guarantees: `resolve` returns the recorded choice, and throws a usage error naming both
/// values when a command-line flag disagrees with it; a cluster.json without the object
/// (written before it existed) pins nothing and the flags apply as given.
public struct ClusterClearing: Sendable, Equatable {
    public var mechanism: String?
    public var solver: String?
    public var seed: UInt64

    public init(mechanism: String? = nil, solver: String? = nil, seed: UInt64 = 0) {
        self.mechanism = mechanism; self.solver = solver; self.seed = seed
    }

    /// The clear options of this choice.
    public var options: ClearOptions {
        var o = ClearOptions(mechanism: mechanism, seed: seed)
        if let solver { o.solver = solver }
        return o
    }

    /// The options a replica runs with: the cluster's pinned choice (flags must agree with it),
    /// or, when the cluster pins nothing, the flags (defaults where absent).
    public static func resolve(pinned: ClusterClearing?, mechanism: String?, solver: String?, seed: UInt64?,
                               file: String) throws(AppError) -> ClearOptions {
        guard let p = pinned else { return ClusterClearing(mechanism: mechanism, solver: solver, seed: seed ?? 0).options }
        func show(_ s: String?, _ dflt: String) -> String { s.map { "'\(CanonicalText.echo($0))'" } ?? dflt }
        if let m = mechanism, m != p.mechanism {
            throw .usage("--mechanism \(show(m, "")) disagrees with \(file), which pins mechanism \(show(p.mechanism, "(market.json's)")); every replica must clear alike — drop the flag or change the cluster")
        }
        if let s = solver, s != p.solver {
            throw .usage("--solver \(show(s, "")) disagrees with \(file), which pins solver \(show(p.solver, "(the default)")); every replica must clear alike — drop the flag or change the cluster")
        }
        if let s = seed, s != p.seed {
            throw .usage("--seed \(s) disagrees with \(file), which pins seed \(p.seed); every replica must clear alike — drop the flag or change the cluster")
        }
        return p.options
    }

    func render() -> String {
        var w = JSONWriter()
        w.add("mechanism", raw: mechanism.map(CanonicalText.jsonString) ?? "null")
        w.add("solver", raw: solver.map(CanonicalText.jsonString) ?? "null")
        w.add("seed", raw: String(seed))
        return w.renderCompact()
    }

    static func parse(_ v: JSONReader.Value?, name: String) throws(AppError) -> ClusterClearing? {
        guard let v else { return nil }
        func text(_ k: String) throws(AppError) -> String? {
            switch v[k] {
            case nil, .null?: return nil
            case .string(let s)? where !s.isEmpty: return s
            default: throw .usage("\(name): clearing.\(k) must be a non-empty string or null")
            }
        }
        guard case .object = v else { throw .usage("\(name): 'clearing' must be an object") }
        let seed: UInt64
        switch v["seed"] {
        case nil: seed = 0
        case let s?:
            guard let n = s.uint64 else { throw .usage("\(name): clearing.seed must be an integer 0 … 2^64 − 1") }
            seed = n
        }
        return ClusterClearing(mechanism: try text("mechanism"), solver: try text("solver"), seed: seed)
    }
}
