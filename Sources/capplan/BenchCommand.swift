import ArgumentParser
import CapPlanKit
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time each phase of planning (parse, build, GLPK, audit, JSON): warm-up, repeated runs, medians.",
        discussion: "Use a release build. Peak memory is the whole process's; run one size per process to compare sizes.")

    @Argument(help: "A scenario file; omit it to benchmark a generated one (--size, --seed).")
    var scenario: String?

    @Option(help: "Generated scenario size when no file is given.")
    var size: ScenarioSize = .medium

    @Option(help: "Generated scenario seed.")
    var seed: UInt64 = 1

    @Flag(help: "Solve the LP relaxation.")
    var relax = false

    @Option(help: "Measured runs.")
    var runs = 5

    @Option(help: "Warm-up runs, not measured.")
    var warmup = 1

    @Option(name: .customLong("mip-gap"), help: "Relative MIP gap.")
    var mipGap = 1e-4

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard runs >= 1, warmup >= 0 else { throw ValidationError("--runs must be at least 1 and --warmup at least 0") }
    }

    func run() throws {
        let text: String, name: String
        if let scenario {
            guard let contents = try? String(contentsOfFile: scenario, encoding: .utf8) else {
                printError("cannot read \(scenario)")
                throw ExitCode(ExitStatus.invalidInput)
            }
            text = contents
            name = scenario
        } else {
            text = ScenarioWriter.yaml(ScenarioGenerator(size: size, seed: seed).scenario())
            name = "generated-\(size.rawValue)-\(seed).yaml"
        }
        let result: PlanBenchmark.Result
        do {
            result = try PlanBenchmark.run(text: text, fileName: name, relax: relax, runs: runs, warmup: warmup, mipGap: mipGap)
        } catch let error as ScenarioLoadError {
            printError(error.description)
            throw ExitCode(ExitStatus.invalidInput)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        let m = result.median
        func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
        print("\(result.scenario) (\(result.mode)): \(result.rows) rows, \(result.columns) columns, \(result.nonzeros) nonzeros, \(result.integerColumns) integer; \(result.status)")
        print("median of \(result.runs) runs after \(warmup) warm-up:")
        for (name, value) in [("parse and validate", m.parseAndValidate), ("build model", m.build), ("GLPK setup (check, load)", m.glpkSetup),
                              ("GLPK solve", m.glpkSolve), ("extract and audit", m.extractAndAudit), ("JSON write", m.jsonWrite), ("total", m.total)] {
            print("  " + name.padding(toLength: 26, withPad: " ", startingAt: 0) + ms(value))
        }
        print(String(format: "  outside GLPK's solve: %.2f%% of the total; runs %.3f..%.3f s; peak memory %.1f MiB",
                     m.overheadShare * 100, result.fastest, result.slowest, result.peakMemoryMiB))
    }
}
