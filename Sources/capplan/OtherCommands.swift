import ArgumentParser
import CapPlanKit
import Foundation
import LinearProgramming

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scenario without solving it: every error at once, exit 2 if any.")

    @Argument(help: "The scenario file (.yaml, .yml or .json; - for standard input).")
    var scenario: String

    @Option(name: .customLong("max-nonzeros"), help: "Refuse scenarios whose model would have more nonzeros than this.")
    var maxNonzeros: Int?

    func run() throws {
        let scenario = try loadScenario(self.scenario, maxNonzeros: maxNonzeros)
        let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false))
        print("\(self.scenario): valid. \(scenario.name): \(scenario.horizon.periods) \(scenario.horizon.kind.rawValue)s from \(scenario.horizon.start), "
            + "\(scenario.timeSlices.count) slices, \(scenario.workloads.count) workloads, \(scenario.offerings.count) offerings; "
            + "model \(model.lp.constraintCount) rows, \(model.lp.variableCount) columns, \(model.lp.entryCount) nonzeros")
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the scenario's model for glpsol: CPLEX LP, free MPS, or MathProg data for models/capacity.mod.",
        discussion: """
            MPS records no objective direction (CapPlan always minimizes, which is MPS's default). \
            GLPK's CPLEX LP writer keeps the objective's constant term only as a comment; CapPlan's \
            models have none.
            """)

    @Argument(help: "The scenario file.")
    var scenario: String

    @Option(help: "Write the model in CPLEX LP format.")
    var lp: String?

    @Option(help: "Write the model in free MPS format.")
    var mps: String?

    @Option(name: .customLong("mathprog-data"), help: "Write the data section for models/capacity.mod.")
    var mathprogData: String?

    @Flag(help: "Export the LP relaxation (continuous units).")
    var relax = false

    func validate() throws {
        if lp == nil, mps == nil, mathprogData == nil {
            throw ValidationError("give at least one of --lp FILE, --mps FILE, --mathprog-data FILE")
        }
    }

    func run() throws {
        let scenario = try loadScenario(self.scenario, maxNonzeros: nil)
        let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: true, integerUnits: relax ? false : nil))
        do {
            for (path, format) in [(lp, ModelFileFormat.cplexLP), (mps, .freeMPS)] {
                guard let path else { continue }
                // GLPK writes a temporary file that is renamed into place, so an interrupted
                // export never leaves a truncated model.
                if isSpecialFile(path) {
                    try model.lp.write(to: path, format: format)
                    continue
                }
                let temporary = path + ".tmp"
                try model.lp.write(to: temporary, format: format)
                guard rename(temporary, path) == 0 else {
                    printError("error: cannot write \(path): \(String(cString: strerror(errno)))")
                    throw ExitCode(ExitStatus.invalidInput)
                }
            }
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.solverFailure)
        }
        if let mathprogData {
            try writeAtomically(MathProgData.write(relax ? scenario.withIntegerUnits(false) : scenario), to: mathprogData)
        }
    }
}

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the built-in catalog: hardware, rentals, APIs and models, each figure with its source and date.")

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        print(json ? try CatalogReport.json(.builtIn) : CatalogReport.table(.builtIn), terminator: "")
    }
}

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented starter scenario built on the catalog.")

    @Argument(help: "Where to write it (default: standard output).")
    var file: String?

    @Option(help: "The scenario's name.")
    var name = "my-scenario"

    @Flag(help: "Overwrite an existing file.")
    var force = false

    func run() throws {
        let text = StarterScenario.yaml(name: name)
        guard let file else {
            print(text, terminator: "")
            return
        }
        if FileManager.default.fileExists(atPath: file), !force {
            printError("error: \(file) exists; pass --force to overwrite it")
            throw ExitCode(ExitStatus.invalidInput)
        }
        try writeAtomically(text, to: file)
    }
}
