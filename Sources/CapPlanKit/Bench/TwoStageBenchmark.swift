import Foundation
import LinearProgramming

/// Time of a two-stage plan's extensive form against the number of cases (docs/benchmarks.md,
/// "Two-stage plans"): build (the scenario's model, one copy per case, assembly) and one solve,
/// the mean-demand plan and its first stage in each case (the starting incumbent), and the
/// solve, without the audit and the other solves (WS, the risk-neutral plan) that `TwoStagePlanner.plan` adds.
public enum TwoStageBenchmark {
    public struct Row: Codable, Sendable {
        public var cases: Int
        public var mode: String
        public var rows: Int
        public var columns: Int
        public var nonzeros: Int
        public var integerColumns: Int
        public var buildSeconds: Double
        /// The mean-demand plan and its first stage in each case (EEV): the starting incumbent.
        public var startSeconds: Double
        public var solveSeconds: Double
        public var termination: String
        public var objective: Double?
        public var mipGap: Double?
    }

    /// `scenario` with `cases` sampled cases (`DemandCase.sampled`), its extensive form built
    /// and solved within `timeLimit` seconds (from the EV plan's incumbent, as `TwoStagePlanner.plan`), LP relaxation or whole units.
    public static func run(_ scenario: Scenario, cases: Int, seed: UInt64, growthSpread: Double, relax: Bool, timeLimit: Double) throws -> Row {
        var scenario = scenario
        scenario.demandCases = DemandCase.sampled(from: scenario, count: cases, seed: seed, growthSpread: growthSpread)
        let integer = scenario.policy.integerUnits && !relax
        let buildClock = Stopwatch()
        let model = TwoStagePlanner.extensiveForm(scenario, integer: integer, names: false, risk: scenario.risk)
        let build = buildClock.seconds
        var options = PlanOptions()
        options.relax = relax
        options.timeLimit = timeLimit
        let startClock = Stopwatch()
        let ev = try TwoStagePlanner.expectedValuePlan(scenario, model: model, integer: integer, options: options, deadline: Deadline(seconds: timeLimit))
        let start = startClock.seconds
        let solveClock = Stopwatch()
        let solution = try TwoStagePlanner.solve(model.lp, options: options, main: false, start: TwoStagePlanner.startingPoint(ev, model: model))
        return Row(
            cases: cases, mode: relax ? "relax" : "whole units", rows: model.lp.constraintCount, columns: model.lp.variableCount,
            nonzeros: model.lp.entryCount, integerColumns: model.lp.integerVariableCount, buildSeconds: build, startSeconds: start,
            solveSeconds: solveClock.seconds, termination: solution.termination.rawValue, objective: solution.objectiveValue,
            mipGap: solution.isMIP ? solution.relativeGap : nil)
    }
}
