import Testing
@testable import Clearing
import Foundation

/// Progress and fallback notices reach the caller through `ClearingContext.events`.
@Suite struct CMAPEventTests {
    final class Sink: @unchecked Sendable {
        let lock = NSLock()
        var events: [ClearingEvent] = []
        func add(_ e: ClearingEvent) { lock.lock(); events.append(e); lock.unlock() }
    }

    @Test func everyLPOfEveryRoundIsAnnounced() throws {
        let inputs = CMAPPropertyTests.randomInputs(seed: 3, m: 9, n: 7)
        let sink = Sink()
        let clock: @Sendable () -> UInt64 = { 0 }
        let r = try CMAPMechanism(solver: .network).clear(inputs, context: ClearingContext(monotonicNanos: clock, events: { sink.add($0) }))
        let starts = sink.events.compactMap { e -> [Int]? in
            if case let .cmapProgress(round, lp, count, _) = e { return [round, lp, count] } else { return nil }
        }
        var expected: [[Int]] = []
        for round in 1...r.rounds.count { for lp in 1...5 { expected.append([round, lp, 5]) } }
        #expect(starts == expected)
        #expect(!sink.events.contains { if case .solverFallback = $0 { return true } else { return false } })
    }

    @Test func aFailingPathFallsBackOnceWithOneNotice() throws {
        let p = CMAPRoundProblem.random(buyers: 6, sellers: 5, seed: 4)
        let sink = Sink()
        let s = try CMAPMechanism.solveRound(p, round: 2, path: .network, clock: { 0 }, events: { sink.add($0) }) { p, path, clock, progress in
            if path == .network { throw CMAPSolverError.solverFailed("injected") }
            return try CMAPRoundSolver.solve(p, path: path, clock: clock, progress: progress)
        }
        #expect(s.path == .simplex)
        let fallbacks = sink.events.filter { if case .solverFallback = $0 { return true } else { return false } }
        #expect(fallbacks == [.solverFallback(round: 2, from: "network", to: "simplex", reason: "solver failed: injected")])
        #expect(fallbacks[0].message == "CMAP round 2: solver network failed (solver failed: injected); solving again with simplex")
        // Invalid input is not retried.
        let bad = CMAPRoundProblem(demands: [0], supplies: [1], a: [0.5], b: [0.5])
        #expect(throws: CMAPSolverError.self) {
            try CMAPMechanism.solveRound(bad, round: 1, path: .network, clock: { 0 }, events: { sink.add($0) })
        }
        #expect(sink.events.filter { if case .solverFallback = $0 { return true } else { return false } }.count == 1)
    }

    @Test func progressMessage() {
        #expect(ClearingEvent.cmapProgress(round: 1, lp: 3, lpCount: 5, elapsedSeconds: 12.46).message == "CMAP round 1, LP 3/5, 12.4 s")
    }
}
