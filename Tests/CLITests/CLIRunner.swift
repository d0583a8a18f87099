import Foundation
import GridClearSystem

/// Result of running the built `gridclear` executable as a real process.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Path of the package root (two levels above this file's folder).
let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Locates an executable of the package (`gridclear`, `gridclear-bench`, the test-only
/// `gridclear-ledger-writer`) built beside the test bundle.
func gridclearBinary(_ name: String = "gridclear") throws -> URL {
    // The test bundle lives in the same build products directory as the executables.
    var dir = Bundle.main.bundleURL
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    if name == "gridclear", let env = ProcessInfo.processInfo.environment["GRIDCLEAR_BIN"] { return URL(fileURLWithPath: env) }
    throw NSError(domain: "CLITests", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(name) not found near \(Bundle.main.bundleURL.path); run `swift build --build-tests` first"])
}

/// Runs `gridclear-bench` (the benchmarks, outside the product binary).
func runBench(_ args: [String], cwd: URL? = nil) throws -> CLIResult {
    try runGridclear(args, cwd: cwd, binary: "gridclear-bench")
}

/// Runs `gridclear` (or another of the package's executables) with arguments in `cwd`
/// (default: package root) and captures output.
func runGridclear(_ args: [String], cwd: URL? = nil, environment: [String: String]? = nil, binary: String = "gridclear") throws -> CLIResult {
    let p = Process()
    p.executableURL = try gridclearBinary(binary)
    p.arguments = args
    p.currentDirectoryURL = cwd ?? packageRoot
    if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes concurrently to avoid deadlock on large outputs.
    let outData = Locked(Data())
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        let d = out.fileHandleForReading.readDataToEndOfFile()
        outData.withValue { $0 = d }
        group.leave()
    }
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return CLIResult(status: p.terminationStatus,
                     stdout: String(decoding: outData.withValue { $0 }, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}
