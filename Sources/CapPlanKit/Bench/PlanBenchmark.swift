import Foundation
import LinearProgramming

/// Times every phase of planning one scenario: warm-up runs, then repeated runs, medians.
/// `capplan bench` prints it; docs/benchmarks.md records it.
public enum PlanBenchmark {
    public struct Phases: Codable, Sendable {
        /// Parsing and validating the scenario text.
        public var parseAndValidate: Double
        /// Building the LP.
        public var build: Double
        /// Checking the model, compiling the matrix and loading it into GLPK.
        public var glpkSetup: Double
        /// GLPK's solve.
        public var glpkSolve: Double
        /// Reading the solution, auditing it with the evaluator, the plan document and insights.
        public var extractAndAudit: Double
        /// Encoding the JSON plan.
        public var jsonWrite: Double
        public var total: Double

        /// Everything CapPlan adds around GLPK's solve, as a share of the whole run.
        public var overheadShare: Double { total > 0 ? (total - glpkSolve) / total : 0 }
    }

    public struct Result: Codable, Sendable {
        public var scenario: String
        public var mode: String
        public var rows: Int
        public var columns: Int
        public var nonzeros: Int
        public var integerColumns: Int
        public var discountedCost: Double?
        public var status: String
        /// The MIP gap reached (MIP only).
        public var mipGap: Double?
        public var runs: Int
        /// Medians over the runs.
        public var median: Phases
        /// Smallest and largest total.
        public var fastest: Double
        public var slowest: Double
        /// Peak resident memory of the process, MiB (getrusage).
        public var peakMemoryMiB: Double
    }

    /// The directory a scenario's data files are confined to: the file's own, as for `plan`.
    static func scenarioDirectory(_ fileName: String) -> String {
        URL(fileURLWithPath: fileName).deletingLastPathComponent().path
    }

    /// Parse, validate and build only (no solve): medians of (parse, build) seconds and the
    /// model's size, to show how the build scales with the model.
    public static func buildOnly(text: String, fileName: String, runs: Int) throws -> (parse: Double, build: Double, rows: Int, columns: Int, nonzeros: Int) {
        var parses: [Double] = [], builds: [Double] = []
        var size = (0, 0, 0)
        for _ in 0..<runs {
            let parse = Stopwatch()
            let scenario = try ScenarioLoader.load(text: text, fileName: fileName, baseDirectory: scenarioDirectory(fileName), limits: ScenarioLimits(maxNonzeros: 50_000_000)).scenario
            parses.append(parse.seconds)
            let build = Stopwatch()
            let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false))
            builds.append(build.seconds)
            size = (model.lp.constraintCount, model.lp.variableCount, model.lp.entryCount)
        }
        return (parses.sorted()[runs / 2], builds.sorted()[runs / 2], size.0, size.1, size.2)
    }

    /// Plans `text` (a scenario file's contents) `warmup + runs` times and reports medians of
    /// the measured runs. Baselines are off: they are separate solves, measured on their own.
    /// `base` holds the solver settings (simplex, branch-and-cut, its phases and the model's
    /// strengthening); the other arguments override it.
    public static func run(
        text: String, fileName: String, relax: Bool, runs: Int, warmup: Int, mipGap: Double = 1e-4,
        base: PlanOptions = PlanOptions(), timeLimit: Double? = nil,
        roundUpStart: Bool = true, decomposition: PlanOptions.Decomposition = .automatic,
        primalHeuristics: Bool = true
    ) throws -> Result {
        var samples: [Phases] = []
        var last: PlanDocument?
        for iteration in 0..<(warmup + runs) {
            let total = Stopwatch()
            let parse = Stopwatch()
            let scenario = try ScenarioLoader.load(text: text, fileName: fileName, baseDirectory: scenarioDirectory(fileName), limits: ScenarioLimits(maxNonzeros: 50_000_000)).scenario
            let parsed = parse.seconds
            let phases = PlanPhases()
            var options = base
            options.relax = relax
            options.baselines = false
            options.mipGap = mipGap
            options.phases = phases
            options.timeLimit = timeLimit
            options.roundUpStart = roundUpStart
            options.primalHeuristics = primalHeuristics
            options.decomposition = decomposition
            let plan = try Planner.plan(scenario, options: options)
            let write = Stopwatch()
            let json = try PlanReport.json(plan)
            precondition(!json.isEmpty)
            let written = write.seconds
            let sample = Phases(
                parseAndValidate: parsed, build: phases.build, glpkSetup: phases.glpkSetup, glpkSolve: phases.glpkSolve,
                extractAndAudit: phases.extractAndAudit, jsonWrite: written, total: total.seconds)
            if iteration >= warmup { samples.append(sample) }
            last = plan
        }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let medians = Phases(
            parseAndValidate: median(samples.map(\.parseAndValidate)), build: median(samples.map(\.build)),
            glpkSetup: median(samples.map(\.glpkSetup)), glpkSolve: median(samples.map(\.glpkSolve)),
            extractAndAudit: median(samples.map(\.extractAndAudit)), jsonWrite: median(samples.map(\.jsonWrite)),
            total: median(samples.map(\.total)))
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let plan = last!
        return Result(
            scenario: plan.scenario.name, mode: relax || !plan.scenario.integerUnits ? "LP" : "MIP",
            rows: plan.solver.rows, columns: plan.solver.columns, nonzeros: plan.solver.nonzeros,
            integerColumns: plan.solver.integerColumns, discountedCost: plan.totals?.discountedCost, status: plan.status.rawValue,
            mipGap: plan.solver.mipGap,
            runs: runs, median: medians, fastest: samples.map(\.total).min() ?? 0, slowest: samples.map(\.total).max() ?? 0,
            peakMemoryMiB: Double(usage.ru_maxrss) / 1024)
    }
}
