import ArgumentParser
import CapPlanKit
import Foundation

extension ScenarioSize: ExpressibleByArgument {}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic synthetic scenario (docs/scale-suite.md) for tests and benchmarks.")

    @Option(help: "tiny, small, medium, large or xlarge.")
    var size: ScenarioSize = .small

    @Option(help: "The random seed; the same seed gives the same scenario.")
    var seed: UInt64 = 1

    @Option(name: .shortAndLong, help: "Write to this file (default: standard output).")
    var output: String?

    func run() throws {
        let text = ScenarioWriter.yaml(ScenarioGenerator(size: size, seed: seed).scenario())
        if let output { try writeAtomically(text, to: output) } else { print(text, terminator: "") }
    }
}
