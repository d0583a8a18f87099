import ArgumentParser
import GridClearApp
import GridClearCore
import GridClearSystem

/// A failure reported to the user as one clear line on stderr and a non-zero exit code
/// (SPEC §9: 1 failure, 64 usage). Commands convert errors into this at the edge.
struct CLIFailure: Error, CustomStringConvertible {
    let message: String
    let exitCode: Int32
    init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }
    var description: String { message }
}

/// Runs `body`, turning any thrown error into one line on stderr and an exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as CLIFailure {
        printError("error: \(e.message)")
        throw ExitCode(e.exitCode)
    } catch let e as AppError {
        printError("error: \(e)")
        if case .usage = e { throw ExitCode(64) }
        throw ExitCode(1)
    } catch let e as ExitCode {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch {
        printError("error: \(error)")
        throw ExitCode(1)
    }
}

/// One line on standard error (unbuffered): text that still holds a control character (an
/// error from a layer that does not escape its own values) is escaped here, so a hostile value
/// can never add a line or a terminal escape sequence.
func printError(_ s: String) {
    let hasControl = s.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }
    StandardStreams.writeError((hasControl ? CanonicalText.oneLine(s) : s) + "\n")
}

/// One line on standard output, unbuffered, so progress reaches a pipe at once.
func say(_ s: String) { StandardStreams.writeOutput(s + "\n") }

/// Prints a workflow's event: warnings to stderr, progress to stdout.
func report(_ e: AppEvent) { if e.isWarning { printError(e.message) } else { say(e.message) } }
