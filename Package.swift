// swift-tools-version:6.0
// GridClear — market clearing engine for local electricity markets.
//
// Developer note: set GRIDCLEAR_TESTS to a comma-separated list of test targets
// (e.g. `GRIDCLEAR_TESTS=PrivacyTests swift test --scratch-path .build-privacy`)
// to build and run only those; unset, every test target is part of the package.
import PackageDescription
import Foundation

/// Targets already moved to the Swift 6 language mode (strict concurrency).
let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

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

    // The pure core every module shares (no Foundation, no Glibc): ids, time, units, PRNG,
    // codecs. The system layer: the only target that talks to the OS for files, clocks,
    // locks and signals.
    .target(name: "GridClearCore", swiftSettings: swift6),
    .target(name: "GridClearSystem", dependencies: ["GridClearCore"], swiftSettings: swift6),

    // Library modules (SPEC module map).
    .target(name: "Clearing",
            dependencies: ["GridClearCore", "GridClearSystem", "CGLPK", "CBLAS",
                           .product(name: "HeapModule", package: "swift-collections")]),
    .target(name: "Privacy",
            dependencies: ["GridClearCore", "CGMP", "CSodium",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto")]),
    .target(name: "ConsensusFactor", dependencies: ["GridClearCore", "GridClearSystem", "Privacy",
                                                 .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swift6),
    .target(name: "LedgerLite",
            dependencies: ["GridClearCore", "GridClearSystem", .product(name: "Crypto", package: "swift-crypto")]),
    .target(name: "MeterIngest", dependencies: ["GridClearCore", "GridClearSystem"]),

    // The thin command-line front end.
    .executableTarget(name: "gridclear",
                      dependencies: ["GridClearCore", "GridClearSystem", "Clearing", "Privacy", "ConsensusFactor", "LedgerLite", "MeterIngest",
                                     .product(name: "ArgumentParser", package: "swift-argument-parser")]),
]

let testTargets: [Target] = [
    .testTarget(name: "GridClearCoreTests", dependencies: ["GridClearCore", "GridClearSystem"], swiftSettings: swift6),
    .testTarget(name: "ClearingTests", dependencies: ["GridClearCore", "Clearing"], resources: [.copy("Fixtures")]),
    .testTarget(name: "PrivacyTests", dependencies: ["GridClearCore", "Privacy"], resources: [.copy("Fixtures")]),
    .testTarget(name: "ConsensusFactorTests", dependencies: ["GridClearCore", "ConsensusFactor", "Privacy"], resources: [.copy("Fixtures")],
                swiftSettings: swift6),
    .testTarget(name: "LedgerLiteTests", dependencies: ["GridClearCore", "LedgerLite"], resources: [.copy("Fixtures")]),
    .testTarget(name: "MeterIngestTests", dependencies: ["GridClearCore", "MeterIngest"], resources: [.copy("Fixtures")]),
    .testTarget(name: "CLITests", dependencies: ["GridClearCore", "Clearing", "LedgerLite"]),
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
