import ArgumentParser
import GridClearApp
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

/// One line on standard error (unbuffered).
func printError(_ s: String) { StandardStreams.writeError(s + "\n") }

/// One line on standard output, unbuffered, so progress reaches a pipe at once.
func say(_ s: String) { StandardStreams.writeOutput(s + "\n") }

/// Prints a workflow's event: warnings to stderr, progress to stdout.
func report(_ e: AppEvent) { if e.isWarning { printError(e.message) } else { say(e.message) } }
