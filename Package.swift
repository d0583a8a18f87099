// swift-tools-version:6.0
// GridClear — market clearing engine for local electricity markets.
//
// Developer note: set GRIDCLEAR_TESTS to a comma-separated list of test targets
// (e.g. `GRIDCLEAR_TESTS=PrivacyTests swift test --scratch-path .build-privacy`)
// to build and run only those; unset, every test target is part of the package.
import PackageDescription
import Foundation

let cSettings: [SwiftSetting] = []

var targets: [Target] = [
    // One system-library target per C library, each with a small shim header.
    .systemLibrary(name: "CGLPK", path: "Sources/CGLPK",
                   providers: [.apt(["libglpk-dev"])]),
    .systemLibrary(name: "CGMP", path: "Sources/CGMP",
                   providers: [.apt(["libgmp-dev"])]),
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                   providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium",
                   providers: [.apt(["libsodium-dev"])]),

    // Library modules (SPEC module map).
    .target(name: "Clearing",
            dependencies: ["CGLPK", "CBLAS",
                           .product(name: "HeapModule", package: "swift-collections")]),
    .target(name: "Privacy",
            dependencies: ["CGMP", "CSodium",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto")]),
    .target(name: "ConsensusFactor", dependencies: ["Privacy"]),
    .target(name: "LedgerLite",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
    .target(name: "MeterIngest", dependencies: []),

    // The thin command-line front end.
    .executableTarget(name: "gridclear",
                      dependencies: ["Clearing", "Privacy", "ConsensusFactor", "LedgerLite", "MeterIngest",
                                     .product(name: "ArgumentParser", package: "swift-argument-parser")]),
]

let testTargets: [Target] = [
    .testTarget(name: "ClearingTests", dependencies: ["Clearing"], resources: [.copy("Fixtures")]),
    .testTarget(name: "PrivacyTests", dependencies: ["Privacy"], resources: [.copy("Fixtures")]),
    .testTarget(name: "ConsensusFactorTests", dependencies: ["ConsensusFactor", "Privacy"], resources: [.copy("Fixtures")]),
    .testTarget(name: "LedgerLiteTests", dependencies: ["LedgerLite"], resources: [.copy("Fixtures")]),
    .testTarget(name: "MeterIngestTests", dependencies: ["MeterIngest"], resources: [.copy("Fixtures")]),
    .testTarget(name: "CLITests", dependencies: ["Clearing", "LedgerLite"]),
]

if let only = ProcessInfo.processInfo.environment["GRIDCLEAR_TESTS"], !only.isEmpty {
    let wanted = Set(only.split(separator: ",").map { String($0) })
    targets += testTargets.filter { wanted.contains($0.name) }
} else {
    targets += testTargets
}

let package = Package(
    name: "GridClear",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "gridclear", targets: ["gridclear"]),
        .library(name: "Clearing", targets: ["Clearing"]),
        .library(name: "Privacy", targets: ["Privacy"]),
        .library(name: "ConsensusFactor", targets: ["ConsensusFactor"]),
        .library(name: "LedgerLite", targets: ["LedgerLite"]),
        .library(name: "MeterIngest", targets: ["MeterIngest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: targets,
    swiftLanguageModes: [.v5]
)
