import ArgumentParser

extension JSONOutputOption {
    /// How a checking command (`validate`, `audit`, `replay`) ends, one rule for all: its
    /// report on standard output — the JSON `document` with `--json`, else the `text` lines —
    /// then each problem as one `error:` line on standard error; exit code 0 without
    /// problems, 1 with any. The report is built only in the form asked for.
    func finishCheck(document: () -> String, text: () -> [String], problems: [String]) throws {
        if enabled { say(document()) } else { for l in text() { say(l) } }
        for p in problems { printError("error: \(p)") }
        if !problems.isEmpty { throw ExitCode(1) }
    }
}
