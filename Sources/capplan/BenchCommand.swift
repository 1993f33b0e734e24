import ArgumentParser
import CapPlanKit
import LinearProgramming
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

    @Option(help: "Simplex method: primal, dual or dual-primal (default).")
    var method: String = "dual-primal"

    @Option(name: .customLong("ratio-test"), help: "Ratio test: textbook, harris (default) or long-step.")
    var ratioTest: String = "harris"

    @Option(help: "Pricing: textbook or steepest-edge (default).")
    var pricing: String = "steepest-edge"

    @Option(help: "Scaling: none, auto (default), gm-eq or eq.")
    var scaling: String = "auto"

    @Flag(help: "Use GLPK's LP presolver.")
    var presolve = false

    @Option(help: "MIP cuts, comma-separated: gomory, mir, cover, clique, all or none (default none).")
    var cuts: String = "none"

    @Flag(name: .customLong("mip-presolve"), help: "Use GLPK's MIP presolver.")
    var mipPresolve = false

    @Option(name: .customLong("time-limit"), help: "Seconds per solve.")
    var timeLimit: Double?

    @Flag(name: .customLong("build-only"), help: "Time parsing and the model build only, without solving.")
    var buildOnly = false

    @Option(help: "LP solution method: automatic, monolithic or benders.")
    var decomposition: String = "automatic"

    @Flag(name: .customLong("no-round-up-start"), help: "Do not offer branch-and-cut the rounded-up relaxation as a first incumbent.")
    var noRoundUpStart = false

    func solverOptions() throws -> (SimplexOptions, MIPOptions) {
        var simplex = SimplexOptions()
        switch method {
        case "primal": simplex.method = .primal
        case "dual": simplex.method = .dual
        case "dual-primal": simplex.method = .dualThenPrimal
        default: throw ValidationError("--method must be primal, dual or dual-primal, got \(method)")
        }
        switch ratioTest {
        case "textbook": simplex.ratioTest = .textbook
        case "harris": simplex.ratioTest = .harris
        case "long-step": simplex.ratioTest = .longStep
        default: throw ValidationError("--ratio-test must be textbook, harris or long-step, got \(ratioTest)")
        }
        switch pricing {
        case "textbook": simplex.pricing = .textbook
        case "steepest-edge": simplex.pricing = .projectedSteepestEdge
        default: throw ValidationError("--pricing must be textbook or steepest-edge, got \(pricing)")
        }
        switch scaling {
        case "none": simplex.scaling = .none
        case "auto": simplex.scaling = .automatic
        case "gm-eq": simplex.scaling = .geometricEquilibrium
        case "eq": simplex.scaling = .equilibrium
        default: throw ValidationError("--scaling must be none, auto, gm-eq or eq, got \(scaling)")
        }
        simplex.presolve = presolve
        var mip = MIPOptions()
        mip.presolve = mipPresolve
        var set = CutSet()
        for name in cuts.split(separator: ",") {
            switch name {
            case "gomory": set.insert(.gomory)
            case "mir": set.insert(.mixedIntegerRounding)
            case "cover": set.insert(.cover)
            case "clique": set.insert(.clique)
            case "all": set = .all
            case "none": set = []
            default: throw ValidationError("--cuts takes gomory, mir, cover, clique, all or none, got \(name)")
            }
        }
        mip.cuts = set
        return (simplex, mip)
    }

    func validate() throws {
        guard runs >= 1, warmup >= 0 else { throw ValidationError("--runs must be at least 1 and --warmup at least 0") }
        _ = try solverOptions()
        guard PlanOptions.Decomposition(rawValue: decomposition) != nil else {
            throw ValidationError("--decomposition must be automatic, monolithic or benders, got \(decomposition)")
        }
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
        if buildOnly {
            let r = try PlanBenchmark.buildOnly(text: text, fileName: name, runs: runs)
            print(String(format: "%@: %d rows, %d columns, %d nonzeros; median of %d: parse and validate %.1f ms, build %.1f ms (%.1f ns per nonzero)",
                         name, r.rows, r.columns, r.nonzeros, runs, r.parse * 1000, r.build * 1000, r.build * 1e9 / Double(max(1, r.nonzeros))))
            return
        }
        let result: PlanBenchmark.Result
        do {
            let (simplex, mip) = try solverOptions()
            result = try PlanBenchmark.run(
                text: text, fileName: name, relax: relax, runs: runs, warmup: warmup, mipGap: mipGap, simplex: simplex, mip: mip,
                timeLimit: timeLimit, roundUpStart: !noRoundUpStart,
                decomposition: PlanOptions.Decomposition(rawValue: decomposition) ?? .automatic)
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
        let gap = result.mipGap.map { String(format: ", gap %.4f%%", $0 * 100) } ?? ""
        print("\(result.scenario) (\(result.mode)): \(result.rows) rows, \(result.columns) columns, \(result.nonzeros) nonzeros, \(result.integerColumns) integer; \(result.status)\(gap), cost \(result.discountedCost.map { String(format: "%.2f", $0) } ?? "-")")
        print("median of \(result.runs) runs after \(warmup) warm-up:")
        for (name, value) in [("parse and validate", m.parseAndValidate), ("build model", m.build), ("GLPK setup (check, load)", m.glpkSetup),
                              ("GLPK solve", m.glpkSolve), ("extract and audit", m.extractAndAudit), ("JSON write", m.jsonWrite), ("total", m.total)] {
            print("  " + name.padding(toLength: 26, withPad: " ", startingAt: 0) + ms(value))
        }
        print(String(format: "  outside GLPK's solve: %.2f%% of the total; runs %.3f..%.3f s; peak memory %.1f MiB",
                     m.overheadShare * 100, result.fastest, result.slowest, result.peakMemoryMiB))
    }
}
