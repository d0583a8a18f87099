import Foundation
import Testing
@testable import ConsensusFactor

/// Package root (three levels above this file).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func loadCase(_ name: String) throws -> RCICase {
    let url = packageRoot.appendingPathComponent("Inputs/rci/\(name).csv")
    return try RCICase.parseCSV(String(decoding: try Data(contentsOf: url), as: UTF8.self))
}

/// The committed reference solution (scripts/rci_reference.py).
struct Reference: Decodable {
    var price: Double
    var total_cost: Double
    var net_power: [String: Double]
}

func loadReference(_ name: String) throws -> Reference {
    let url = try #require(Bundle.module.url(forResource: "rci_reference_\(name)", withExtension: "json", subdirectory: "Fixtures"))
    return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
}
