import Foundation

/// Result of running the built `gridclear` executable as a real process.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Path of the package root (two levels above this file's folder).
let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Locates the `gridclear` binary built beside the test bundle.
func gridclearBinary() throws -> URL {
    // The test bundle lives in the same build products directory as the executable.
    var dir = Bundle.main.bundleURL
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("gridclear")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    if let env = ProcessInfo.processInfo.environment["GRIDCLEAR_BIN"] { return URL(fileURLWithPath: env) }
    throw NSError(domain: "CLITests", code: 1, userInfo: [NSLocalizedDescriptionKey: "gridclear binary not found near \(Bundle.main.bundleURL.path); run `swift build` first"])
}

/// Runs `gridclear` with arguments in `cwd` (default: package root) and captures output.
func runGridclear(_ args: [String], cwd: URL? = nil, environment: [String: String]? = nil) throws -> CLIResult {
    let p = Process()
    p.executableURL = try gridclearBinary()
    p.arguments = args
    p.currentDirectoryURL = cwd ?? packageRoot
    if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes concurrently to avoid deadlock on large outputs.
    var outData = Data(), errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return CLIResult(status: p.terminationStatus,
                     stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}
