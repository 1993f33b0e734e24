import ArgumentParser
import CapPlanKit

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic synthetic scenario (docs/scale-suite.md) for tests and benchmarks.")

    @Option(help: "The scenario's size.")
    var size: ScenarioSize = .small

    @Option(help: "The random seed; the same seed gives the same scenario.")
    var seed: UInt64 = 1

    @Option(name: .shortAndLong, help: "Write to this file (default: standard output).")
    var output: String?

    @Flag(inversion: .prefixedNo,
          help: "Let the seed give some scenarios contract terms, replica sizes, platform costs and reliability margins (docs/scale-suite.md).")
    var procurement = true

    @Flag(inversion: .prefixedNo,
          help: "Let the seed give some workloads a model and allowed precisions, whose throughput the performance model derives on some purchases and rentals (docs/scale-suite.md).")
    var precisions = true

    @Flag(inversion: .prefixedNo,
          help: "Let the seed give some tiny and small scenarios one or two training or fine-tuning jobs (docs/scale-suite.md).")
    var jobs = true

    @Flag(inversion: .prefixedNo,
          help: "Let the seed give some tiny scenarios workload profiles, deferrable and interruptible workloads, spot rentals, batch APIs, caching, moving prices, availability windows and committed-use APIs (docs/scale-suite.md).")
    var shapes = true

    @Flag(inversion: .prefixedNo,
          help: "Let the seed give some tiny scenarios two to four demand cases and sometimes a risk policy (docs/scale-suite.md).")
    var cases = true

    @Flag(name: .customLong("carry-in"), inversion: .prefixedNo,
          help: "Let the seed give some tiny scenarios commitments carried into the horizon: owned cohorts, orders in flight, contracts in term and signed committed-use contracts (docs/scale-suite.md).")
    var carryIn = true

    func run() throws {
        let generator = ScenarioGenerator(
            size: size, seed: seed, procurementFeatures: procurement, servingFeatures: precisions, trainingFeatures: jobs,
            shapeFeatures: shapes, caseFeatures: cases, carryInFeatures: carryIn)
        let text = ScenarioWriter.yaml(generator.scenario())
        if let output { try SafeOutput.write(text, to: output) } else { try Console.out(text) }
    }
}
