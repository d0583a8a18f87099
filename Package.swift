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
    .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", pkgConfig: "libcrypto",
                   providers: [.apt(["libssl-dev"])]),

    // The pure core every module shares (no Foundation, no Glibc): ids, time, units, PRNG,
    // codecs. The system layer: the only target that talks to the OS for files, clocks,
    // locks and signals.
    .target(name: "GridClearCore", swiftSettings: swift6),
    .target(name: "GridClearSystem", dependencies: ["GridClearCore"], swiftSettings: swift6),

    // Library modules (SPEC module map).
    .target(name: "Clearing",
            dependencies: ["GridClearCore", "GridClearSystem", "CGLPK", "CBLAS",
                           .product(name: "HeapModule", package: "swift-collections"),
                           .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: swift6),
    .target(name: "Privacy",
            dependencies: ["GridClearCore", "GridClearSystem", "CGMP", "CSodium",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto")],
            swiftSettings: swift6),
    .target(name: "ConsensusFactor", dependencies: ["GridClearCore", "GridClearSystem", "Privacy",
                                                 .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swift6),
    .target(name: "LedgerLite",
            dependencies: ["GridClearCore", "GridClearSystem", "CLibCrypto", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swift6),
    .target(name: "MeterIngest", dependencies: ["GridClearCore", "GridClearSystem"], swiftSettings: swift6),
    // The privacy-preserving market as flows (issue 14): adapters from cycle inputs, the
    // in-process and networked drivers of the Privacy/Market roles.
    .target(name: "PrivateMarket", dependencies: ["GridClearCore", "GridClearSystem", "Clearing", "Privacy", "LedgerLite", "GridClearApp", "MeterIngest",
                                                  .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swift6),

    // The application layer: the workflows (clear-and-record, settle, replay, schedule, keys)
    // every front end and every replica calls.
    .target(name: "GridClearApp",
            dependencies: ["GridClearCore", "GridClearSystem", "Clearing", "LedgerLite", "MeterIngest"],
            swiftSettings: swift6),

    // etcd mode of the replicated ledger (SPEC §7 Decision): an etcd v3 client over the JSON
    // gateway (swift-nio HTTP/1.1), and the replication driver (a pure state machine plus
    // the edge that runs it against etcd and the local ledger).
    .target(name: "EtcdClient",
            dependencies: ["GridClearCore", "GridClearSystem",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")],
            swiftSettings: swift6),
    .target(name: "EtcdReplication",
            dependencies: ["GridClearCore", "GridClearSystem", "LedgerLite", "EtcdClient",
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swift6),

    // BFT mode of the replicated ledger (issue 17): the TCP transport between replicas
    // (swift-nio), the driver that runs LedgerLite's pure PBFT replica against it, the
    // replica's ledger and state file, and the client side (status, results).
    .target(name: "BFTReplication",
            dependencies: ["GridClearCore", "GridClearSystem", "LedgerLite", "GridClearApp",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swift6),

    // Service mode (issue 15): logs (swift-log handlers), Prometheus metrics, the HTTP server
    // (swift-nio directly: /metrics, /health, the results page) and the page's rendering.
    .target(name: "GridClearService",
            dependencies: ["GridClearCore", "GridClearSystem", "GridClearApp", "Clearing", "LedgerLite",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "Prometheus", package: "swift-prometheus"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")],
            swiftSettings: swift6),

    // The thin command-line front end: options → one call into GridClearApp → printing.
    .executableTarget(name: "gridclear",
                      dependencies: ["GridClearCore", "GridClearSystem", "GridClearApp", "Clearing", "Privacy", "PrivateMarket", "ConsensusFactor", "LedgerLite", "MeterIngest",
                                     "EtcdClient", "EtcdReplication", "BFTReplication", "GridClearService", .product(name: "Logging", package: "swift-log"),
                                     .product(name: "ArgumentParser", package: "swift-argument-parser")],
                      swiftSettings: swift6),

    // Helpers shared by test targets and the benchmarks, never in a product: free loopback
    // ports for replica set-ups, meter files of the sample cycle, self-removing temporary
    // folders. No test framework, so the bench links it too.
    .target(name: "GridClearTestSupport", dependencies: ["GridClearCore"], swiftSettings: swift6),

    // Benchmarks, outside the product binary (Benchmarks/*.sh and `make bench` run it).
    .executableTarget(name: "gridclear-bench",
                      dependencies: ["GridClearCore", "GridClearSystem", "GridClearApp", "Clearing", "Privacy", "ConsensusFactor", "LedgerLite", "MeterIngest",
                                     "BFTReplication", "GridClearTestSupport",
                                     .product(name: "ArgumentParser", package: "swift-argument-parser")],
                      path: "Benchmarks/gridclear-bench", swiftSettings: swift6),
]

let testTargets: [Target] = [
    .testTarget(name: "GridClearCoreTests", dependencies: ["GridClearTestSupport", "GridClearCore", "GridClearSystem"], swiftSettings: swift6),
    .testTarget(name: "ClearingTests", dependencies: ["GridClearTestSupport", "GridClearCore", "GridClearSystem", "Clearing"], resources: [.copy("Fixtures")],
                swiftSettings: swift6),
    .testTarget(name: "PrivacyTests", dependencies: ["GridClearCore", "Privacy"], resources: [.copy("Fixtures")],
                swiftSettings: swift6),
    .testTarget(name: "PrivateMarketTests", dependencies: ["GridClearTestSupport", "GridClearCore", "Clearing", "Privacy", "PrivateMarket", "LedgerLite", "GridClearApp", "MeterIngest",
                                                          .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swift6),
    .testTarget(name: "ConsensusFactorTests", dependencies: ["GridClearTestSupport", "GridClearCore", "ConsensusFactor", "Privacy"], resources: [.copy("Fixtures")],
                swiftSettings: swift6),
    .testTarget(name: "LedgerLiteTests", dependencies: ["GridClearTestSupport", "GridClearCore", "LedgerLite", .product(name: "Crypto", package: "swift-crypto")], resources: [.copy("Fixtures")],
                swiftSettings: swift6),
    .testTarget(name: "MeterIngestTests", dependencies: ["GridClearTestSupport", "GridClearCore", "GridClearSystem", "MeterIngest"], resources: [.copy("Fixtures")],
                swiftSettings: swift6),
    .testTarget(name: "EtcdReplicationTests", dependencies: ["GridClearTestSupport", "GridClearCore", "GridClearSystem", "LedgerLite", "EtcdClient", "EtcdReplication"],
                swiftSettings: swift6),
    .testTarget(name: "BFTReplicationTests", dependencies: ["GridClearTestSupport", "GridClearCore", "GridClearSystem", "LedgerLite", "GridClearApp", "BFTReplication"],
                swiftSettings: swift6),
    .testTarget(name: "CLITests", dependencies: ["GridClearTestSupport", "GridClearCore", "GridClearSystem", "Clearing", "LedgerLite", "GridClearApp"], swiftSettings: swift6),
    .testTarget(name: "GridClearServiceTests", dependencies: ["GridClearTestSupport", "GridClearCore", "GridClearSystem", "GridClearApp", "GridClearService", "Clearing", "LedgerLite",
                                                          .product(name: "Logging", package: "swift-log")],
                swiftSettings: swift6),
    .testTarget(name: "GridClearAppTests",
                dependencies: ["GridClearTestSupport", "GridClearCore", "GridClearSystem", "GridClearApp", "Clearing", "LedgerLite", "MeterIngest"],
                swiftSettings: swift6),
]

/// Test-only executables, built with the tests that spawn them (CLITests).
let testHelpers: [String: [Target]] = [
    "CLITests": [
        // The ledger writer the crash harness kills with SIGKILL (never part of the product).
        .executableTarget(name: "gridclear-ledger-writer", dependencies: ["GridClearCore", "GridClearApp", "LedgerLite"],
                          path: "Tests/LedgerWriterHelper", swiftSettings: swift6),
    ],
]

if let only = ProcessInfo.processInfo.environment["GRIDCLEAR_TESTS"], !only.isEmpty {
    let wanted = Set(only.split(separator: ",").map { String($0) })
    targets += testTargets.filter { wanted.contains($0.name) }
    targets += testHelpers.filter { wanted.contains($0.key) }.flatMap(\.value)
} else {
    targets += testTargets
    targets += testHelpers.values.flatMap { $0 }
}

let package = Package(
    name: "GridClear",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "gridclear", targets: ["gridclear"]),
        .executable(name: "gridclear-bench", targets: ["gridclear-bench"]),
        .library(name: "GridClearApp", targets: ["GridClearApp"]),
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
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: targets,
    swiftLanguageModes: [.v5]
)
