import Foundation
@testable import Privacy

/// Loads a JSON fixture from the test bundle.
func fixture(_ name: String) throws -> Any {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
        throw PrivacyError.malformedEncoding("fixture \(name).json missing")
    }
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url))
}

func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = s.makeIterator()
    while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
    return out
}

func hexString(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

/// Keys shared by a test suite (key generation is the slow part of Paillier tests).
enum SharedKeys {
    /// The committed python-paillier test key (1024-bit).
    static let phe: PaillierPrivateKey = {
        let doc = try! fixture("phe_vectors") as! [String: Any]
        let k = doc["key"] as! [String: String]
        return try! PaillierPrivateKey(p: MPZ(decimal: k["p"]!)!, q: MPZ(decimal: k["q"]!)!)
    }()
    /// A freshly generated 1024-bit key.
    static let generated1024: PaillierPrivateKey = try! PaillierPrivateKey.generate(bits: 1024)
}
