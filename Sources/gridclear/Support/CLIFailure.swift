import ArgumentParser

/// A failure reported to the user as one clear line on stderr and a non-zero
/// exit code. Commands convert library errors into this at the edge.
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
    } catch let e as ExitCode {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch {
        printError("error: \(error)")
        throw ExitCode(1)
    }
}

func printError(_ s: String) {
    var stderr = StandardErrorStream()
    print(s, to: &stderr)
}

struct StandardErrorStream: TextOutputStream {
    mutating func write(_ string: String) {
        #if canImport(Glibc)
        fputs(string, stderr)
        #endif
    }
}
#if canImport(Glibc)
import Glibc
#endif
