import ArgumentParser
import CapPlanKit
import Foundation

struct ReplanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replan",
        abstract: "Carry a plan forward past the periods that elapsed, with the actual demand, and plan the rest.",
        discussion: """
            The scenario is the current forecast from the previous plan's start (it may be longer). \
            The actuals file (docs/replan.md) says which leading periods elapsed, the demand seen, \
            deliveries that slipped and training jobs' progress. Units delivered become owned cohorts, \
            orders placed become orders in flight, reserved contracts keep their remaining term, \
            committed-use contracts taken are signed; the rolled scenario is planned like `plan`. \
            With -o DIR: DIR/scenario.yaml (the next cycle's input), DIR/plan.json, DIR/changes.json \
            and DIR/changes.md. Exit codes as `plan`: 0, 2 invalid input or usage, 3 infeasible, \
            4 solver, audit or output failure (docs/cli.md).
            """)

    @OptionGroup var input: ScenarioInput
    @OptionGroup var solver: SolverOptions<PlanningDefaults>
    @OptionGroup var relaxation: Relaxation

    @Option(help: "The previous plan (a plan JSON from `capplan plan -o`).")
    var previous: String

    @Option(help: "What happened in the elapsed periods (.yaml, .yml or .json; docs/replan.md).")
    var actuals: String

    @Option(name: .shortAndLong, help: "Write scenario.yaml, plan.json, changes.json and changes.md into this directory (created if missing).")
    var output: String?

    @Option(help: "What to print on standard output: the changes and the plan as a table, the changes JSON, or Markdown.")
    var format: OutputFormat = .table

    @Flag(help: "Show GLPK's own output on standard error.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "No progress line on standard error.")
    var quiet = false

    @Flag(help: "Record the solve time in the new plan's JSON (solver.seconds); plans then differ run to run.")
    var timings = false

    @Option(help: "How to decompose: automatic (Benders decomposition for large LPs, by case for plans with demand cases, when it applies), monolithic (the whole model) or benders (always try it).")
    var decomposition: PlanOptions.Decomposition = .automatic

    @Flag(name: .customLong("no-baselines"), help: "Skip the all-API, no-API and rent-only plans.")
    var noBaselines = false

    @Flag(inversion: .prefixedNo, help: "Search each offering's price threshold by re-solving (default: on when the model has at most 20,000 nonzeros).")
    var thresholds: Bool?

    func run() throws {
        let scenario = try input.load()
        Inputs.register(previous)
        Inputs.register(actuals)
        let files = output.map { dir in ["scenario.yaml", "plan.json", "changes.json", "changes.md"].map { (dir as NSString).appendingPathComponent($0) } }
        try Inputs.refuseInputs(among: files ?? [])
        let previousPlan: PreviousPlan
        do {
            previousPlan = try PreviousPlanReader.read(path: previous, scenario: scenario)
        } catch let error as PreviousPlanError {
            Console.err(error.description)
            Console.err("\(previous): \(error.diagnostics.count) error\(error.diagnostics.count == 1 ? "" : "s"); nothing was planned")
            throw CommandFailure(ExitStatus.invalidInput)
        }
        let facts: ReplanActuals
        do {
            facts = try ReplanActualsLoader.load(path: actuals, scenario: scenario, arrivals: previousPlan.commitments.arrivals,
                                                 planPeriods: previousPlan.periods)
        } catch let error as ReplanActualsError {
            Console.err(error.description)
            Console.err("\(actuals): \(error.diagnostics.count) error\(error.diagnostics.count == 1 ? "" : "s"); nothing was planned")
            throw CommandFailure(ExitStatus.invalidInput)
        }
        var options = PlanOptions()
        solver.apply(to: &options)
        options.relax = relaxation.relax
        options.baselines = !noBaselines
        options.priceThresholds = thresholds
        options.timings = timings
        options.decomposition = decomposition
        if verbose { options.output = { Console.err($0) } }
        let progressLine = SolveProgressLine.onTerminal(quiet: quiet)
        options.progress = progressLine?.callback
        options.phase = progressLine?.phaseCallback
        let result: ReplanResult
        do {
            result = try withSolverFailures { try Replanner.replan(scenario, previous: previousPlan, actuals: facts, options: options) }
        } catch let error as RollForwardError {
            progressLine?.finish()
            Console.err("\(actuals): \(error.description)")
            throw CommandFailure(ExitStatus.invalidInput)
        }
        progressLine?.finish()
        try Interruption.checkpoint()
        let planJSON = try PlanReport.json(result.plan)
        let changesJSON = try Replanner.json(result.changes)
        let changesMarkdown = result.changes.markdown
        if let output, let files {
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure.failure("cannot create the output directory \(output): \(error.localizedDescription)")
            }
            try SafeOutput.write(result.scenarioYAML, to: files[0])
            try SafeOutput.write(planJSON, to: files[1])
            try SafeOutput.write(changesJSON, to: files[2])
            try SafeOutput.write(changesMarkdown, to: files[3])
        }
        switch format {
        case .table: try Console.out(changesMarkdown + "\n" + PlanReport.text(result.plan))
        case .json: try Console.out(changesJSON)
        case .markdown: try Console.out(changesMarkdown + "\n" + PlanReport.markdown(result.plan))
        }
        switch result.plan.status {
        case .optimal, .feasible: return
        case .infeasible, .unbounded: throw CommandFailure(ExitStatus.noFeasiblePlan)
        case .error:
            throw CommandFailure.failure("the solver stopped without a plan (\(result.plan.solver.termination), GLPK \(result.plan.solver.glpkReturnCode))")
        }
    }
}
