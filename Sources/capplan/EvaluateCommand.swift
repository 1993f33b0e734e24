import ArgumentParser
import CapPlanKit
import Foundation

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Check and cost a plan a person wrote, or complete a purchases-only plan, and compare it with the optimal plan.",
        discussion: """
            The plan file (docs/evaluate-format.md) is a full plan (purchases, rentals and served \
            tokens/s, with their precision where the performance model derives the throughput, \
            and the accelerators of training jobs: checked and costed as written), a purchases-only \
            plan (what to buy when, optionally rentals: the rest, training jobs included, is optimized), or a plan JSON from `capplan plan -o`. \
            On a scenario with demand cases the plan gives the first stage (purchases, reserved rentals, \
            API commitments), completed and costed in each case against the two-stage optimum. \
            Exit codes: 0 the plan is feasible (as written, or once completed), 2 invalid scenario, \
            plan file or usage, 3 the plan violates constraints or cannot be completed, 4 solver, \
            audit or output failure (docs/cli.md).
            """)

    @OptionGroup var input: ScenarioInput
    @OptionGroup var solver: SolverOptions<EvaluationDefaults>

    @Option(help: "The plan file (.yaml, .yml or .json).")
    var plan: String

    @Option(help: "Write the JSON report to this file (atomically).")
    var json: String?

    @Option(name: .customLong("write-plan"), help: "Write the checked or completed plan as a full plan file (YAML) to edit and evaluate again.")
    var writePlan: String?

    @Flag(name: .customLong("no-optimal"), help: "Do not solve the optimal plan for comparison.")
    var noOptimal = false

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Cost the plan against an edited scenario: PATH=VALUE with a sweep path (docs/sweep.md), e.g. workloads.chat.demandScale=1.5; repeatable, applied in order.",
        valueName: "PATH=VALUE"))
    var sets: [String] = []

    func validate() throws {
        if let json, json == writePlan { throw ValidationError("--json and --write-plan must name different files") }
    }

    func run() throws {
        let (scenario, edits) = try ScenarioEdit.applying(sets, to: try input.load())
        if !scenario.demandCases.isEmpty, writePlan != nil {
            // A full plan fixes the second stage, which each demand case decides for itself.
            Console.err("--write-plan writes a full plan, which a scenario with demand cases does not take (docs/evaluate-format.md, \"Demand cases\"): drop --write-plan; the JSON report (--json) has each case's completion")
            throw CommandFailure(ExitStatus.invalidInput)
        }
        Inputs.register(plan)
        try Inputs.refuseInputs(among: [json, writePlan])
        let planInput: PlanInput
        do {
            let loaded = try PlanInputLoader.load(path: plan, scenario: scenario)
            for warning in loaded.warnings { Console.err(warning.description) }
            planInput = loaded.input
        } catch let error as PlanInputError {
            Console.err(error.description)
            let count = error.diagnostics.filter { $0.severity == .error }.count
            Console.err("\(plan): \(count) error\(count == 1 ? "" : "s"); nothing was evaluated")
            throw CommandFailure(ExitStatus.invalidInput)
        }
        var options = PlanEvaluationOptions()
        options.mipGap = solver.mipGap
        options.timeLimit = solver.timeLimit
        options.compareWithOptimal = !noOptimal
        var report: PlanEvaluationReport
        do {
            report = try withSolverFailures { try PlanEvaluationRun.evaluate(scenario, input: planInput, options: options) }
        } catch let error as CasePlanShapeError {
            Console.err("\(plan): \(error.description)")
            throw CommandFailure(ExitStatus.invalidInput)
        }
        if !edits.isEmpty { report.scenarioEdits = edits }
        try Interruption.checkpoint()
        if let json { try SafeOutput.write(try PlanEvaluationRun.json(report), to: json) }
        if let writePlan, let decisions = report.decisions {
            try SafeOutput.write(PlanInputWriter.fullPlanYAML(scenario: scenario, decisions: decisions, name: planInput.name), to: writePlan)
        }
        try Console.out(PlanEvaluationRun.text(report))
        switch report.status {
        case .feasible: return
        case .violated, .infeasible: throw CommandFailure(ExitStatus.noFeasiblePlan)
        case .error: throw CommandFailure(ExitStatus.failure)
        }
    }
}
