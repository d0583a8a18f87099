import GridClearCore
import GridClearSystem

/// `--now` on the command line: a cycle id, `YYYY-MM-DDTHH:MM[:SS]Z` or RFC 3339; the system
/// clock when absent.
func commandNow(_ text: String?) throws -> UTCTime {
    guard let text else { return SystemClock().now() }
    guard let t = UTCTime(commandLine: text) else {
        throw CLIFailure("--now '\(text)': expected a cycle id like 20261120T1000Z, YYYY-MM-DDTHH:MM[:SS]Z or RFC 3339", exitCode: 64)
    }
    return t
}

/// A cycle id argument (UTC start on a 15-minute boundary).
func commandCycle(_ text: String, option: String = "cycle") throws -> CycleID {
    guard let c = CycleID(text) else {
        throw CLIFailure("\(option) '\(text)' is not a cycle id like 20261120T1000Z (UTC start, minutes a multiple of 15)", exitCode: 64)
    }
    return c
}
