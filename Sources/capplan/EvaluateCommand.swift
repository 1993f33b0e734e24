import ArgumentParser
import CapPlanKit
import Foundation
import LinearProgramming

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Check and cost a plan a person wrote, or complete a purchases-only plan, and compare it with the optimal plan.",
        discussion: """
            The plan file (docs/evaluate-format.md) is a full plan (purchases, rentals and served \
            tokens/s: checked and costed as written), a purchases-only plan (what to buy when, \
            optionally rentals: the rest is optimized), or a plan JSON from `capplan plan -o`. \
            Exit codes: 0 the plan is feasible (as written, or once completed), 2 invalid scenario, \
            plan file or usage, 3 the plan violates constraints or cannot be completed, 4 solver \
            or audit failure.
            """)

    @Argument(help: "The scenario file (.yaml, .yml or .json).")
    var scenario: String

    @Option(help: "The plan file (.yaml, .yml or .json).")
    var plan: String

    @Option(help: "Write the JSON report to this file (atomically).")
    var json: String?

    @Option(name: .customLong("write-plan"), help: "Write the checked or completed plan as a full plan file (YAML) to edit and evaluate again.")
    var writePlan: String?

    @Option(name: .customLong("mip-gap"), help: "Relative gap of the completion and of the optimal plan's solve.")
    var mipGap: Double = 1e-7

    @Option(name: .customLong("time-limit"), help: "Seconds for each solve.")
    var timeLimit: Double?

    @Flag(name: .customLong("no-optimal"), help: "Do not solve the optimal plan for comparison.")
    var noOptimal = false

    @Option(name: .customLong("max-nonzeros"), help: "Refuse scenarios whose model would have more nonzeros than this.")
    var maxNonzeros: Int?

    func validate() throws {
        guard mipGap.isFinite, mipGap >= 0, mipGap < 1 else {
            throw ValidationError("--mip-gap must be a number in [0, 1), got \(mipGap)")
        }
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) {
            throw ValidationError("--time-limit must be a positive number of seconds, got \(timeLimit)")
        }
    }

    func run() throws {
        let scenario = try loadScenario(self.scenario, maxNonzeros: maxNonzeros)
        let input: PlanInput
        do {
            let loaded = try PlanInputLoader.load(path: plan, scenario: scenario)
            for warning in loaded.warnings { printError(warning.description) }
            input = loaded.input
        } catch let error as PlanInputError {
            printError(error.description)
            let count = error.diagnostics.filter { $0.severity == .error }.count
            printError("\(plan): \(count) error\(count == 1 ? "" : "s"); nothing was evaluated")
            throw ExitCode(ExitStatus.invalidInput)
        }
        var options = PlanEvaluationOptions()
        options.mipGap = mipGap
        options.timeLimit = timeLimit
        options.compareWithOptimal = !noOptimal
        let report: PlanEvaluationReport
        do {
            report = try PlanEvaluationRun.evaluate(scenario, input: input, options: options)
        } catch let failure as PlanAuditFailure {
            printError("error: \(failure.description)")
            throw ExitCode(ExitStatus.solverFailure)
        } catch let error as LinearProgrammingError {
            printError("error: the solver failed: \(error.description)")
            throw ExitCode(ExitStatus.solverFailure)
        }
        if let json { try writeAtomically(try PlanEvaluationRun.json(report), to: json) }
        if let writePlan, let decisions = report.decisions {
            try writeAtomically(PlanInputWriter.fullPlanYAML(scenario: scenario, decisions: decisions, name: input.name), to: writePlan)
        }
        print(PlanEvaluationRun.text(report), terminator: "")
        switch report.status {
        case .feasible: return
        case .violated, .infeasible: throw ExitCode(ExitStatus.noFeasiblePlan)
        case .error: throw ExitCode(ExitStatus.solverFailure)
        }
    }
}
