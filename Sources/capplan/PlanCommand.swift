import ArgumentParser
import CapPlanKit
import Foundation
import LinearProgramming

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, markdown
}

extension PlanOptions.Decomposition: ExpressibleByArgument {}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Find the cheapest plan for a scenario and print or write it.")

    @Argument(help: "The scenario file (.yaml, .yml or .json; - for standard input).")
    var scenario: String

    @Option(name: .shortAndLong, help: "Write the JSON plan to this file (atomically).")
    var output: String?

    @Option(help: "What to print on standard output: table, json or markdown.")
    var format: OutputFormat = .table

    @Option(name: .customLong("mip-gap"), help: "Relative gap at which branch-and-cut stops.")
    var mipGap: Double = 1e-4

    @Option(name: .customLong("time-limit"), help: "Seconds for the solve; the best plan found by then is kept.")
    var timeLimit: Double?

    @Flag(help: "Solve the LP relaxation: continuous units.")
    var relax = false

    @Flag(help: "Show GLPK's own output on standard error.")
    var verbose = false

    @Flag(help: "Record the solve time in the JSON (solver.seconds); plans then differ run to run.")
    var timings = false

    @Flag(name: .customLong("no-baselines"), help: "Skip the all-API, no-API and rent-only plans (each is a solve of its own).")
    var noBaselines = false

    @Option(help: "How to solve LPs: automatic (Benders decomposition for large LPs when it applies), monolithic or benders.")
    var decomposition: PlanOptions.Decomposition = .automatic

    @Flag(inversion: .prefixedNo, help: "Search each offering's price threshold by re-solving (default: on when the model has at most 20,000 nonzeros).")
    var thresholds: Bool?

    @Option(name: .customLong("max-nonzeros"), help: "Refuse scenarios whose model would have more nonzeros than this.")
    var maxNonzeros: Int?

    func validate() throws {
        guard mipGap.isFinite, mipGap >= 0, mipGap < 1 else {
            throw ValidationError("--mip-gap must be a number in [0, 1), got \(mipGap)")
        }
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) {
            throw ValidationError("--time-limit must be a positive number of seconds, got \(timeLimit)")
        }
        if let maxNonzeros, maxNonzeros <= 0 {
            throw ValidationError("--max-nonzeros must be positive, got \(maxNonzeros)")
        }
    }

    func run() throws {
        let scenario = try loadScenario(self.scenario, maxNonzeros: maxNonzeros)
        var options = PlanOptions()
        options.relax = relax
        options.mipGap = mipGap
        options.timeLimit = timeLimit
        options.timings = timings
        options.baselines = !noBaselines
        options.decomposition = decomposition
        options.priceThresholds = thresholds  // nil: on for small models (Planner.thresholdNonzeros)
        if verbose { options.output = { printError($0) } }
        if isatty(STDERR_FILENO) != 0 {
            options.progress = { progress in
                let incumbent = progress.incumbent.map { PlanReport.money($0) } ?? "none yet"
                let bound = progress.bestBound.map { PlanReport.money($0) } ?? "-"
                let gap = progress.relativeGap.map { String(format: "%.3f%%", $0 * 100) } ?? "-"
                FileHandle.standardError.write(Data(String(format: "\r  %6.1fs  incumbent %@  bound %@  gap %@  nodes %d   ",
                    progress.seconds, incumbent, bound, gap, progress.totalNodes).utf8))
            }
        }
        let plan: PlanDocument
        do {
            plan = try Planner.plan(scenario, options: options)
        } catch let failure as PlanAuditFailure {
            printError("error: \(failure.description)")
            throw ExitCode(ExitStatus.solverFailure)
        } catch let error as LinearProgrammingError {
            printError("error: the solver failed: \(error.description)")
            throw ExitCode(ExitStatus.solverFailure)
        }
        if options.progress != nil, plan.solver.integerColumns > 0 { printError("") }
        let json = try PlanReport.json(plan)
        if let output { try writeAtomically(json, to: output) }
        switch format {
        case .table: print(PlanReport.text(plan), terminator: "")
        case .json: print(json, terminator: "")
        case .markdown: print(PlanReport.markdown(plan), terminator: "")
        }
        switch plan.status {
        case .optimal, .feasible: return
        case .infeasible, .unbounded: throw ExitCode(ExitStatus.noFeasiblePlan)
        case .error:
            printError("error: the solver stopped without a plan (\(plan.solver.termination), GLPK \(plan.solver.glpkReturnCode))")
            throw ExitCode(ExitStatus.solverFailure)
        }
    }
}
