import ArgumentParser
import CapPlanKit

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scenario without solving it: every error at once, exit 2 if any.")

    @OptionGroup var input: ScenarioInput

    func run() throws {
        let scenario = try input.load()
        let size = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false)).size
        try Console.out("\(input.scenario): valid. \(scenario.name): \(scenario.horizon.periods) \(scenario.horizon.kind.rawValue)s from \(scenario.horizon.start), "
            + "\(scenario.timeSlices.count) slices, \(scenario.workloads.count) workloads, \(scenario.offerings.count) offerings; "
            + "model \(size.rows) rows, \(size.columns) columns, \(size.nonzeros) nonzeros\n")
    }
}
