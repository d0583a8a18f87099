extension CMAPMechanism {
    /// One round through the solver core.
    static func solveRound(_ p: CMAPRoundProblem, path: CMAPSolverPath, clock: @escaping @Sendable () -> UInt64) throws -> CMAPRoundSolution {
        try CMAPRoundSolver.solve(p, path: path, clock: clock)
    }
}
