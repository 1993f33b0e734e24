import ArgumentParser
import CapPlanKit
import Foundation

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Plan a grid over numeric scenario fields, in parallel; one CSV row (or JSON object) per point.",
        discussion: """
            PATH addresses a field by ids: offerings.ID.unitPrice, offerings.ID.pricePerUnitHour, \
            offerings.ID.inputPricePerMTok, offerings.ID.priceScale (APIs: both prices), \
            offerings.ID.throughput.WORKLOAD, workloads.ID.outputShare, workloads.ID.demandScale \
            (scales the demand series), site.electricityPricePerKWh, site.pue, site.powerCapKW and \
            budget.capexPerPeriod (every period), policy.utilizationCap, policy.unservedPenaltyPerMTok, \
            discountRate. Several --set make a Cartesian product; the first varies slowest. \
            See docs/sweep.md.
            """)

    @OptionGroup var input: ScenarioInput
    @OptionGroup var solver: SolverOptions<PlanningDefaults>
    @OptionGroup var relaxation: Relaxation
    @OptionGroup var parallelism: Parallelism

    @Option(name: .customLong("set"), help: ArgumentHelp("A field and its range: PATH=FROM:TO:STEPS (or PATH=VALUE).", valueName: "PATH=FROM:TO:STEPS"))
    var sets: [String] = []

    @Option(help: "Write the results as CSV to this file (standard output when neither --csv nor --json is given).")
    var csv: String?

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    func validate() throws {
        if sets.isEmpty { throw ValidationError("give at least one --set PATH=FROM:TO:STEPS") }
        if csv != nil, json != nil { throw ValidationError("give --csv or --json, not both") }
    }

    func run() throws {
        let scenario = try input.load()
        try Inputs.refuseInputs(among: [csv, json])
        let parameters = try sets.map { try SweepParameter(parsing: $0) }
        try Sweep.validate(parameters, scenario: scenario)
        var options = PlanOptions()
        solver.apply(to: &options)
        options.relax = relaxation.relax
        options.baselines = false
        keepFreedMemoryForRepeatedSolves()
        let bar = ProgressBar.onTerminal("sweep")
        let result = try withSolverFailures {
            defer { bar?.finish() }
            return try Sweep.run(scenario, parameters: parameters, options: options, jobs: parallelism.threads, progress: bar?.callback)
        }
        try Interruption.checkpoint()
        if let json {
            try SafeOutput.write(try Sweep.json(result), to: json)
        } else if let csv {
            try SafeOutput.write(Sweep.csv(result), to: csv)
        } else {
            try Console.out(Sweep.csv(result))
        }
        let failed = result.points.filter { $0.status == "error" }
        if !failed.isEmpty {
            Console.err("warning: \(failed.count) of \(result.points.count) points failed to solve; first: \(failed[0].message ?? "unknown")")
        }
    }
}
