import ArgumentParser
import CapPlanKit
import Foundation

struct BreakevenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breakeven",
        abstract: "Scale one workload's demand over a log grid and find where owning hardware starts to pay.",
        discussion: """
            The workload's demand series is scaled (its shape over periods kept) so that its \
            monthly-equivalent volume (mean tokens per period / months per period) runs from --from \
            to --to on a log grid. Each volume is planned, with its all-API plan for comparison; the \
            step at which owned capacity first enters the optimal plan is narrowed to 1%. The table \
            goes to standard output; --csv or --json write the grid to a file. See docs/breakeven.md.
            """)

    @OptionGroup var input: ScenarioInput
    @OptionGroup var solver: SolverOptions<PlanningDefaults>
    @OptionGroup var relaxation: Relaxation
    @OptionGroup var parallelism: Parallelism

    @Option(help: "The workload whose demand is scaled.")
    var workload: String

    @Option(help: "Lowest monthly volume, tokens per month.")
    var from: Double = 1e6

    @Option(help: "Highest monthly volume, tokens per month.")
    var to: Double = 1e13

    @Option(help: "Volumes on the log grid.")
    var points: Int = 29

    @Option(help: "Write the grid as CSV to this file.")
    var csv: String?

    @Option(help: "Write the whole result (grid, refinement, break-even) as JSON to this file.")
    var json: String?

    func validate() throws {
        guard from.isFinite, to.isFinite, from > 0, to > from else {
            throw ValidationError("--from and --to must be positive numbers with --from < --to, got \(from) and \(to)")
        }
        guard points >= 2, points <= 10_000 else { throw ValidationError("--points must be in 2...10000, got \(points)") }
        if csv != nil, json != nil { throw ValidationError("give --csv or --json, not both") }
    }

    func run() throws {
        let scenario = try input.load()
        try Inputs.refuseInputs(among: [csv, json])
        guard scenario.workloads.contains(where: { $0.id == workload }) else {
            // Breakeven.scaled names the workloads there are (and a likely one).
            do { _ = try Breakeven.scaled(scenario, workload: workload, monthlyTokens: 1) } catch {
                throw CommandFailure.invalidInput("--workload: \(error)")
            }
            throw CommandFailure.invalidInput("--workload: no workload \(workload)")
        }
        var options = PlanOptions()
        solver.apply(to: &options)
        options.relax = relaxation.relax
        keepFreedMemoryForRepeatedSolves()
        let bar = ProgressBar.onTerminal("breakeven")
        let result = try withSolverFailures {
            defer { bar?.finish() }
            return try Breakeven.run(scenario, workload: workload, from: from, to: to, points: points, options: options,
                                     jobs: parallelism.threads, progress: bar?.callback)
        }
        try Interruption.checkpoint()
        if let json { try SafeOutput.write(try Breakeven.json(result), to: json) }
        if let csv { try SafeOutput.write(Breakeven.csv(result), to: csv) }
        try Console.out(Breakeven.text(result))
    }
}
