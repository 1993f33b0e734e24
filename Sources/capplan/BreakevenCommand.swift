import ArgumentParser
import CapPlanKit
import Foundation
import LinearProgramming

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

    @Argument(help: "The scenario file.")
    var scenario: String

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

    @Option(help: "Threads solving volumes at once (default: all cores).")
    var jobs: Int?

    @Flag(help: "Solve LP relaxations: continuous units.")
    var relax = false

    @Option(name: .customLong("mip-gap"), help: "Relative gap at which branch-and-cut stops.")
    var mipGap: Double = 1e-4

    func validate() throws {
        guard from.isFinite, to.isFinite, from > 0, to > from else {
            throw ValidationError("--from and --to must be positive numbers with --from < --to, got \(from) and \(to)")
        }
        guard points >= 2, points <= 10_000 else { throw ValidationError("--points must be in 2...10000, got \(points)") }
        if csv != nil, json != nil { throw ValidationError("give --csv or --json, not both") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        guard mipGap.isFinite, mipGap >= 0, mipGap < 1 else { throw ValidationError("--mip-gap must be a number in [0, 1), got \(mipGap)") }
    }

    func run() throws {
        let scenario = try loadScenario(self.scenario, maxNonzeros: nil)
        guard scenario.workloads.contains(where: { $0.id == workload }) else {
            do { _ = try Breakeven.scaled(scenario, workload: workload, monthlyTokens: 1) } catch let error as InsightsError {
                printError("error: --workload: \(error.message)")
            }
            throw ExitCode(ExitStatus.invalidInput)
        }
        var options = PlanOptions()
        options.relax = relax
        options.mipGap = mipGap
        keepFreedMemoryForRepeatedSolves()
        let bar = ProgressBar.callback("breakeven")
        let result: BreakevenResult
        do {
            result = try Breakeven.run(scenario, workload: workload, from: from, to: to, points: points, options: options,
                                       jobs: jobs ?? ParallelRunner.defaultJobs, progress: bar?.1)
        } catch let error as InsightsError {
            bar?.0.finish()
            printError("error: \(error.message)")
            throw ExitCode(ExitStatus.invalidInput)
        }
        bar?.0.finish()
        if let json { try writeAtomically(try Breakeven.json(result), to: json) }
        if let csv { try writeAtomically(Breakeven.csv(result), to: csv) }
        print(Breakeven.text(result), terminator: "")
    }
}
