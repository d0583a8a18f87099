/// Mechanisms other than CMAP, by command-line name (`kproto`, `cda`, `uniform`).
/// Returns nil for an unknown name. (Owned by the mechanisms work.)
func extraMechanism(named name: String) -> ClearingMechanism? {
    switch name {
    case "kproto": return KPrototypesMechanism()
    case "cda": return ContinuousDoubleAuction()
    case "uniform": return UniformPriceAuction()
    default: return nil
    }
}

/// Command-line names of the mechanisms registered here, in display order.
let extraMechanismNames: [String] = ["kproto", "cda", "uniform"]
