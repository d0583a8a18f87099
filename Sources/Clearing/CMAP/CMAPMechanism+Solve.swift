extension CMAPMechanism {
    /// `CMAPRoundSolver.solve`'s shape (injectable so tests can make a path fail).
    typealias RoundSolver = (CMAPRoundProblem, CMAPSolverPath, @Sendable () -> UInt64,
                             ((Int, UInt64) -> Void)?) throws -> CMAPRoundSolution

    /// One round through the solver core on `path`; if that path fails with a solver error
    /// (not invalid input), the round is solved again on the path's exact fallback (network →
    /// GLPK simplex) and `events` gets one `.solverFallback` notice.
    static func solveRound(_ p: CMAPRoundProblem, round: Int, path: CMAPSolverPath,
                           clock: @escaping @Sendable () -> UInt64,
                           events: @escaping @Sendable (ClearingEvent) -> Void,
                           solver: RoundSolver = CMAPRoundSolver.solve) throws -> CMAPRoundSolution {
        func progress(_ lp: Int, _ nanos: UInt64) {
            events(.cmapProgress(round: round, lp: lp, lpCount: 5, elapsedSeconds: Double(nanos) / 1e9))
        }
        do {
            return try solver(p, path, clock, progress)
        } catch let error as CMAPSolverError {
            guard let next = path.fallback, !error.isInputError else { throw error }
            events(.solverFallback(round: round, from: path.rawValue, to: next.rawValue, reason: "\(error)"))
            return try solver(p, next, clock, progress)
        }
    }
}

extension CMAPSolverError {
    /// Whether the error is about the input (no other path can do better).
    var isInputError: Bool { if case .invalidModel = self { return true } else { return false } }
}
