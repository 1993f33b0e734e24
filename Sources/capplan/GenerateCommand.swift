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

    func run() throws {
        let text = ScenarioWriter.yaml(ScenarioGenerator(size: size, seed: seed, procurementFeatures: procurement).scenario())
        if let output { try SafeOutput.write(text, to: output) } else { try Console.out(text) }
    }
}
