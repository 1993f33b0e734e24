import ArgumentParser
import CapPlanKit
import Foundation

/// The scenario a command reads: a path or `-`, and the limits it is read under.
struct ScenarioInput: ParsableArguments {
    @Argument(help: "The scenario file (.yaml, .yml or .json; - for standard input).")
    var scenario: String

    @Flag(name: .customLong("allow-outside-paths"), help: "Let the scenario name data files outside its own directory (absolute paths, ..).")
    var allowOutsidePaths = false

    @Option(name: .customLong("max-nonzeros"), help: "Refuse scenarios whose model would have more nonzeros than this.")
    var maxNonzeros: Int?

    @Option(help: "Build this many time slices from the scenario's hourly profile (timeSlices: {hourlyProfile, slices}), instead of its `slices`.")
    var slices: Int?

    func validate() throws {
        if let maxNonzeros, maxNonzeros <= 0 { throw ValidationError("--max-nonzeros must be positive, got \(maxNonzeros)") }
        if let slices, slices < 1 { throw ValidationError("--slices must be at least 1, got \(slices)") }
    }

    /// Loads and validates the scenario; on invalid input prints every diagnostic and fails with 2.
    func load() throws -> Scenario {
        var limits = ScenarioLimits.default
        if let maxNonzeros { limits.maxNonzeros = maxNonzeros }
        Inputs.register(scenario)
        do {
            let loaded = try ScenarioLoader.load(path: scenario, limits: limits, allowOutsidePaths: allowOutsidePaths, slices: slices)
            for warning in loaded.warnings { Console.err(warning.description) }
            if let slices, loaded.scenario.hourlyProfile == nil {
                throw CommandFailure.invalidInput(
                    "--slices \(slices) needs time slices built from an hourly profile (timeSlices: {hourlyProfile: FILE.csv, slices: N});"
                        + " \(scenario == "-" ? "<stdin>" : scenario) lists its slices")
            }
            return loaded.scenario
        } catch let error as ScenarioLoadError {
            Console.err(error.description)
            let count = error.diagnostics.filter { $0.severity == .error }.count
            Console.err("\(scenario == "-" ? "<stdin>" : scenario): \(count) error\(count == 1 ? "" : "s"); nothing was written")
            throw CommandFailure(ExitStatus.invalidInput)
        }
    }
}

/// Defaults of the solver options that differ between commands.
protocol SolverDefaults {
    static var mipGap: Double { get }
}

/// Branch-and-cut stops at a relative gap of 1e-4: plans, sweeps, break-even, benchmarks.
enum PlanningDefaults: SolverDefaults {
    static let mipGap = 1e-4
}

/// `evaluate` compares a plan with the optimum, so it solves to a tighter gap.
enum EvaluationDefaults: SolverDefaults {
    static let mipGap = 1e-7
}

/// How far each solve goes: `--mip-gap` and `--time-limit`, checked once here for every command.
struct SolverOptions<Defaults: SolverDefaults>: ParsableArguments {
    @Option(name: .customLong("mip-gap"), help: "Relative gap at which branch-and-cut stops, in [0, 1).")
    var mipGap: Double = Defaults.mipGap

    @Option(name: .customLong("time-limit"), help: "Seconds for the main solve (default 60); the best plan found by then is kept. Extras (a stopped plan's bound, baselines, thresholds, diagnosis) get 10 s more.")
    var timeLimit: Double?

    func validate() throws {
        guard mipGap.isFinite, mipGap >= 0, mipGap < 1 else {
            throw ValidationError("--mip-gap must be a number in [0, 1), got \(mipGap)")
        }
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) {
            throw ValidationError("--time-limit must be a positive number of seconds, got \(timeLimit)")
        }
    }

    /// Sets the gap, the time limit and the signal handler's cancellation token.
    func apply(to options: inout PlanOptions) {
        options.mipGap = mipGap
        options.timeLimit = timeLimit
        options.cancellation = Interruption.token
    }
}

/// `--relax`: continuous units instead of whole ones.
struct Relaxation: ParsableArguments {
    @Flag(help: "Solve (or export) the LP relaxation: continuous units.")
    var relax = false
}

/// `--jobs` for the commands that solve many plans at once.
struct Parallelism: ParsableArguments {
    @Option(help: "Threads solving plans at once (default: all cores).")
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    var threads: Int { jobs ?? ParallelRunner.defaultJobs }
}

extension PlanOptions.Decomposition: ExpressibleByArgument {}
extension ScenarioSize: ExpressibleByArgument {}
