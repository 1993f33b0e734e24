import Foundation
import LinearProgramming

/// Time of a two-stage plan against the number of cases (docs/benchmarks.md, "Two-stage
/// plans"): build (the scenario's model, one copy per case, assembly), the mean-demand plan and
/// its first stage in each case (the EV start), and the solve of the extensive form as
/// `TwoStagePlanner.plan` does it (`CaseDecomposition.solve`: `.monolithic` is the whole
/// extensive form from the EV start, as before decomposition; `.automatic` decomposes), without
/// the audit and the other extras (WS, the risk-neutral plan).
public enum TwoStageBenchmark {
    public struct Row: Codable, Sendable {
        public var cases: Int
        public var mode: String
        public var solver: String
        public var rows: Int
        public var columns: Int
        public var nonzeros: Int
        public var integerColumns: Int
        public var buildSeconds: Double
        /// The mean-demand plan and its first stage in each case (EEV): the starting incumbent.
        public var startSeconds: Double
        public var solveSeconds: Double
        public var termination: String
        /// How the point was found (`CaseDecomposition.Method`).
        public var method: String
        /// The solver's objective: RP (Σ_c π_c cost_c) without a CVaR term.
        public var objective: Double?
        public var bound: Double?
        public var mipGap: Double?
        /// The rounding heuristic's own point (before branch-and-cut from it), when it ran:
        /// its objective, the relaxation's bound, and seconds from the solve's start.
        public var heuristicObjective: Double?
        public var heuristicBound: Double?
        public var heuristicSeconds: Double?
    }

    /// `scenario` with `cases` sampled cases (`DemandCase.sampled`), its extensive form built
    /// and solved within `timeLimit` seconds (the EV start with the extras' `timeLimit` too),
    /// LP relaxation or whole units, by `decomposition`.
    public static func run(
        _ scenario: Scenario, cases: Int, seed: UInt64, growthSpread: Double, relax: Bool, timeLimit: Double,
        decomposition: PlanOptions.Decomposition = .automatic
    ) throws -> Row {
        var scenario = scenario
        scenario.demandCases = DemandCase.sampled(from: scenario, count: cases, seed: seed, growthSpread: growthSpread)
        let integer = scenario.policy.integerUnits && !relax
        let buildClock = Stopwatch()
        let model = TwoStagePlanner.extensiveForm(scenario, integer: integer, names: false, risk: scenario.risk)
        let build = buildClock.seconds
        var options = PlanOptions()
        options.relax = relax
        options.timeLimit = timeLimit
        options.decomposition = decomposition
        let startClock = Stopwatch()
        let ev = try TwoStagePlanner.expectedValuePlan(scenario, model: model, integer: integer, options: options, deadline: Deadline(seconds: timeLimit))
        let start = startClock.seconds
        let solveClock = Stopwatch()
        let outcome = try CaseDecomposition.solve(scenario, model: model, integer: integer, options: options, ev: ev)
        let solution = outcome.solution
        return Row(
            cases: cases, mode: relax ? "relax" : "whole units", solver: decomposition.rawValue, rows: model.lp.constraintCount,
            columns: model.lp.variableCount, nonzeros: model.lp.entryCount, integerColumns: model.lp.integerVariableCount,
            buildSeconds: build, startSeconds: start, solveSeconds: solveClock.seconds, termination: solution.termination.rawValue,
            method: outcome.method.rawValue, objective: solution.hasPrimalPoint ? solution.objectiveValue : nil,
            bound: solution.objectiveBound, mipGap: solution.isMIP && solution.hasPrimalPoint ? solution.relativeGap : nil,
            heuristicObjective: outcome.heuristic?.objective, heuristicBound: outcome.heuristic?.bound, heuristicSeconds: outcome.heuristic?.seconds)
    }
}
