import ArgumentParser

/// `gridclear rci` — run or join the RCI distributed clearing (SPEC §5).
struct RCICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rci",
        abstract: "Run or join the RCI consensus-factor clearing between agent processes.",
        discussion: """
        `run` starts a platform process and one process per agent of a case file and prints the result; `platform` and `agent` start single roles so the parties can run on different machines. Case file: CSV `agent,role,a,b,p_min_mw,p_max_mw[,gamma]` (see Inputs/rci/).
        """,
        subcommands: [RCIRunCommand.self, RCIPlatformCommand.self, RCIAgentCommand.self, RCISolveCommand.self, RCICheckEvidenceCommand.self])
}
