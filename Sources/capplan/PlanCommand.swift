import ArgumentParser
import CapPlanKit
import Foundation

/// What `plan` prints on standard output.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, markdown
}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Find the cheapest plan for a scenario and print or write it (a two-stage plan when it gives demand cases).")

    @OptionGroup var input: ScenarioInput
    @OptionGroup var solver: SolverOptions<PlanningDefaults>
    @OptionGroup var relaxation: Relaxation

    @Option(name: .shortAndLong, help: "Write the JSON plan to this file (atomically).")
    var output: String?

    @Option(help: "What to print on standard output.")
    var format: OutputFormat = .table

    @Flag(help: "Show GLPK's own output on standard error.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "No progress line on standard error (it is only drawn on a terminal, for solves over a second).")
    var quiet = false

    @Flag(help: "Record the solve time in the JSON (solver.seconds); plans then differ run to run.")
    var timings = false

    @Flag(name: .customLong("no-baselines"), help: "Skip the all-API, no-API and rent-only plans (each is a solve of its own).")
    var noBaselines = false

    @Option(help: "How to decompose: automatic (Benders decomposition for large LPs, by case for plans with demand cases, when it applies), monolithic (the whole model) or benders (always try it).")
    var decomposition: PlanOptions.Decomposition = .automatic

    @Flag(inversion: .prefixedNo, help: "Search each offering's price threshold by re-solving (default: on when the model has at most 20,000 nonzeros).")
    var thresholds: Bool?

    func run() throws {
        let scenario = try input.load()
        try Inputs.refuseInputs(among: [output])
        var options = PlanOptions()
        solver.apply(to: &options)
        options.relax = relaxation.relax
        options.timings = timings
        options.baselines = !noBaselines
        options.decomposition = decomposition
        options.priceThresholds = thresholds  // nil: on for small models (Planner.thresholdNonzeros)
        if verbose { options.output = { Console.err($0) } }
        let progressLine = SolveProgressLine.onTerminal(quiet: quiet)
        options.progress = progressLine?.callback
        options.phase = progressLine?.phaseCallback
        // With demand cases: a two-stage plan (docs/formulation.md section 12).
        let plan = try withSolverFailures {
            scenario.demandCases.isEmpty ? try Planner.plan(scenario, options: options) : try TwoStagePlanner.planDocument(scenario, options: options)
        }
        progressLine?.finish()
        try Interruption.checkpoint()
        let json = try PlanReport.json(plan)
        if let output { try SafeOutput.write(json, to: output) }
        switch format {
        case .table: try Console.out(PlanReport.text(plan))
        case .json: try Console.out(json)
        case .markdown: try Console.out(PlanReport.markdown(plan))
        }
        switch plan.status {
        case .optimal, .feasible: return
        case .infeasible, .unbounded: throw CommandFailure(ExitStatus.noFeasiblePlan)
        case .error:
            throw CommandFailure.failure("the solver stopped without a plan (\(plan.solver.termination), GLPK \(plan.solver.glpkReturnCode))")
        }
    }
}
