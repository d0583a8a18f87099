import ArgumentParser
import GridClearCore

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

/// Prints `s` as one line on stderr: text that still holds a control character (an error
/// from a layer that does not escape its own values) is escaped here, so a hostile value
/// can never add a line or a terminal escape sequence.
func printError(_ s: String) {
    var stderr = StandardErrorStream()
    let hasControl = s.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }
    print(hasControl ? CanonicalText.oneLine(s) : s, to: &stderr)
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
