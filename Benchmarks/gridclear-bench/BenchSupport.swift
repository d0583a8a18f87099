import ArgumentParser
import Foundation
import ConsensusFactor
import GridClearSystem

/// A benchmark failure: one line on stderr and exit code 1.
struct CLIFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Runs `body`, turning any thrown error into one line on stderr and exit code 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch let e as ExitCode { throw e } catch let e as CleanExit { throw e } catch {
        StandardStreams.writeError("error: \(error)\n")
        throw ExitCode(1)
    }
}

/// Monotonic nanoseconds, for timing.
@Sendable func monotonicNanos() -> UInt64 { SystemClock().monotonicNanos() }

/// Reads an RCI case file (`Inputs/rci/*.csv`).
func readRCICase(_ path: String) throws -> RCICase {
    let bytes: [UInt8]
    do { bytes = try FileSystem.read(path) } catch { throw CLIFailure("case file \(path): \(error)") }
    do { return try RCICase.parseCSV(String(decoding: bytes, as: UTF8.self)) } catch { throw CLIFailure("case file \(path): \(error)") }
}

/// A repository file named relative to the repository root (e.g. a peer script), found from the
/// working directory or, failing that, from the executable's place in `<repo>/.build*/<config>/`,
/// so that benchmark examples run from any folder.
func repositoryFile(_ relative: String) -> String {
    if relative.hasPrefix("/") || FileManager.default.fileExists(atPath: relative) { return relative }
    guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return relative }
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    for _ in 0..<4 {
        dir = dir.deletingLastPathComponent()
        let candidate = dir.appendingPathComponent(relative).path
        if FileManager.default.fileExists(atPath: candidate) { return candidate }
    }
    return relative
}
