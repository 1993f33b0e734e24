import ArgumentParser
import CapPlanKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the scenario's model for glpsol: CPLEX LP, free MPS, or MathProg data for models/capacity.mod.",
        discussion: """
            MPS records no objective direction (CapPlan always minimizes, which is MPS's default). \
            GLPK's CPLEX LP writer keeps the objective's constant term only as a comment; CapPlan's \
            models have none. A scenario with demand cases exports the two-stage extensive form \
            (second-stage names end in @case) and the twin's data with its cases.
            """)

    @OptionGroup var input: ScenarioInput
    @OptionGroup var relaxation: Relaxation

    @Option(help: "Write the model in CPLEX LP format.")
    var lp: String?

    @Option(help: "Write the model in free MPS format.")
    var mps: String?

    @Option(name: .customLong("mathprog-data"), help: "Write the data section for models/capacity.mod.")
    var mathprogData: String?

    func validate() throws {
        let outputs = [lp, mps, mathprogData].compactMap { $0 }
        if outputs.isEmpty { throw ValidationError("give at least one of --lp FILE, --mps FILE, --mathprog-data FILE") }
        if Set(outputs).count < outputs.count { throw ValidationError("--lp, --mps and --mathprog-data must name different files") }
    }

    func run() throws {
        let scenario = try input.load()
        try Inputs.refuseInputs(among: [lp, mps, mathprogData])
        let relax = relaxation.relax
        // With demand cases: the two-stage extensive form (docs/formulation.md 12.2).
        let model = ExportedModel(scenario, relax: relax)
        for (path, format) in [(lp, ModelFileKind.cplexLP), (mps, .freeMPS)] {
            guard let path else { continue }
            // GLPK opens the file by name: it writes into a private directory, and the safe
            // writer moves the bytes into place.
            let bytes = try SafeOutput.withScratchDirectory { directory in
                let scratch = directory + "/model"
                try model.write(to: scratch, format: format)
                return try SafeOutput.read(scratch)
            }
            try SafeOutput.write(bytes, to: path)
        }
        if let mathprogData {
            try SafeOutput.write(MathProgData.write(relax ? scenario.withIntegerUnits(false) : scenario), to: mathprogData)
        }
    }
}
