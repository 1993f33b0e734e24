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

    @OptionGroup var solver: SolverOptions<PlanningDefaults>
    @OptionGroup var relaxation: Relaxation

    @Option(help: "Measured runs.")
    var runs = 5

    @Option(help: "Warm-up runs, not measured.")
    var warmup = 1

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Simplex method.")
    var method: SimplexMethod = .dualPrimal

    @Option(name: .customLong("ratio-test"), help: "Ratio test.")
    var ratioTest: SimplexRatioTest = .harris

    @Option(help: "Pricing.")
    var pricing: SimplexPricing = .steepestEdge

    @Option(help: "Scaling.")
    var scaling: MatrixScaling = .automatic

    @Flag(help: "Use GLPK's LP presolver.")
    var presolve = false

    @Option(help: "MIP cuts, comma-separated: gomory, mir, cover, clique, all or none (the plan's default: all).")
    var cuts: CutSelection = CutSelection(families: SolverTuning().cuts)

    @Flag(name: .customLong("mip-presolve"), help: "Use GLPK's MIP presolver in every branch-and-cut (then without the rounding start and the primal heuristics).")
    var mipPresolve = false

    @Flag(name: .customLong("no-first-phase-presolve"), help: "Run the first phase of branch-and-cut without GLPK's MIP presolver.")
    var noFirstPhasePresolve = false

    @Flag(name: .customLong("first-phase-stops"), help: "Stop the first phase at its share of the limit even with an incumbent (heuristics, then a restart without the presolver).")
    var firstPhaseStops = false

    @Flag(name: .customLong("no-replica-rounding"), help: "Build whole-unit models without the replicaRounding rows (the plain formulation's replicas).")
    var noReplicaRounding = false

    @Flag(name: .customLong("no-unit-rounding-cuts"), help: "Offer the main solve's root no unitRounding cuts.")
    var noUnitRoundingCuts = false

    @Option(help: "Branching rule of branch-and-cut.")
    var branching: BranchingRule = SolverTuning().branching

    @Option(help: "Backtracking rule of branch-and-cut (which open node next).")
    var backtracking: BacktrackingRule = SolverTuning().backtracking

    @Option(name: .customLong("restart-backtracking"), help: "Backtracking rule of the restart after the primal heuristics (default: as --backtracking).")
    var restartBacktracking: BacktrackingRule?

    @Flag(name: .customLong("feasibility-pump"), help: "Run GLPK's feasibility pump heuristic at the root.")
    var feasibilityPump = false

    @Flag(name: .customLong("proximity-search"), help: "Run GLPK's proximity search heuristic at the root.")
    var proximitySearch = false

    @Flag(name: .customLong("build-only"), help: "Time parsing and the model build only, without solving.")
    var buildOnly = false

    @Option(help: "LP solution method.")
    var decomposition: PlanOptions.Decomposition = .automatic

    @Flag(name: .customLong("no-round-up-start"), help: "Do not offer branch-and-cut the rounded-up relaxation as a first incumbent.")
    var noRoundUpStart = false

    @Flag(name: .customLong("no-primal-heuristics"), help: "Do not run relax-and-fix and RINS when branch-and-cut has not closed early.")
    var noPrimalHeuristics = false

    @Flag(help: "Switch on contracts, replicas, platforms and margins (docs/benchmarks.md) and report the model's size and main solve with them off, each alone, and all on.")
    var features = false

    var tuning: SolverTuning {
        var tuning = SolverTuning()
        tuning.method = method
        tuning.ratioTest = ratioTest
        tuning.pricing = pricing
        tuning.scaling = scaling
        tuning.presolve = presolve
        tuning.mipPresolve = mipPresolve
        tuning.firstPhasePresolve = !noFirstPhasePresolve
        tuning.replicaRounding = !noReplicaRounding
        tuning.unitRoundingCuts = !noUnitRoundingCuts
        tuning.firstPhaseToTheLimit = !firstPhaseStops
        tuning.cuts = cuts.families
        tuning.branching = branching
        tuning.backtracking = backtracking
        if let restartBacktracking { tuning.restartBacktracking = restartBacktracking }
        tuning.feasibilityPump = feasibilityPump
        tuning.proximitySearch = proximitySearch
        return tuning
    }

    func validate() throws {
        guard runs >= 1, warmup >= 0 else { throw ValidationError("--runs must be at least 1 and --warmup at least 0") }
    }

    func run() throws {
        let text: String, name: String
        if let scenario {
            Inputs.register(scenario)
            guard let contents = try? String(contentsOfFile: scenario, encoding: .utf8) else {
                throw CommandFailure.invalidInput("cannot read \(scenario): expected a readable UTF-8 scenario file")
            }
            text = contents
            name = scenario
        } else {
            // --features measures them against the same scenario without any.
            text = ScenarioWriter.yaml(ScenarioGenerator(size: size, seed: seed, procurementFeatures: !features).scenario())
            name = "generated-\(size.rawValue)-\(seed).yaml"
        }
        if features {
            let scenario = try ScenarioLoader.load(text: text, fileName: name, baseDirectory: ".", limits: ScenarioLimits(maxNonzeros: 50_000_000)).scenario
            let variants = [("off", scenario)]
                + ProcurementBenchmark.Feature.allCases.map { ($0.rawValue, ProcurementBenchmark.withFeatures(scenario, [$0])) }
                + [("on", ProcurementBenchmark.withFeatures(scenario))]
            for (label, variant) in variants {
                let m = try ProcurementBenchmark.measure(variant, relax: relaxation.relax, timeLimit: solver.timeLimit, tuning: tuning)
                try Console.out(String(format: "%@ features %@: %d rows, %d columns, %d nonzeros, %d integer (%d binary); %@, objective %.2f, gap %@; build %.1f ms, solve %.3f s",
                    name, label, m.rows, m.columns, m.nonzeros, m.integerColumns, m.binaryColumns, m.status, m.objective ?? .nan,
                    m.mipGap.map { String(format: "%.2e", $0) } ?? "-", m.buildSeconds * 1000, m.solveSeconds) + "\n")
            }
            return
        }
        if buildOnly {
            let r = try PlanBenchmark.buildOnly(text: text, fileName: name, runs: runs)
            try Console.out(String(format: "%@: %d rows, %d columns, %d nonzeros; median of %d: parse and validate %.1f ms, build %.1f ms (%.1f ns per nonzero)",
                         name, r.rows, r.columns, r.nonzeros, runs, r.parse * 1000, r.build * 1000, r.build * 1e9 / Double(max(1, r.nonzeros))) + "\n")
            return
        }
        let result: PlanBenchmark.Result
        do {
            result = try PlanBenchmark.run(
                text: text, fileName: name, relax: relaxation.relax, runs: runs, warmup: warmup, mipGap: solver.mipGap, tuning: tuning,
                timeLimit: solver.timeLimit, roundUpStart: !noRoundUpStart, decomposition: decomposition,
                primalHeuristics: !noPrimalHeuristics)
        } catch let error as ScenarioLoadError {
            Console.err(error.description)
            throw CommandFailure(ExitStatus.invalidInput)
        }
        try Interruption.checkpoint()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try Console.out(String(decoding: try encoder.encode(result), as: UTF8.self) + "\n")
            return
        }
        let m = result.median
        func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
        let gap = result.mipGap.map { String(format: ", gap %.4f%%", $0 * 100) } ?? ""
        var report = ""
        report += ("\(result.scenario) (\(result.mode)): \(result.rows) rows, \(result.columns) columns, \(result.nonzeros) nonzeros, \(result.integerColumns) integer; \(result.status)\(gap), cost \(result.discountedCost.map { String(format: "%.2f", $0) } ?? "-")\n")
        report += ("median of \(result.runs) runs after \(warmup) warm-up:\n")
        for (name, value) in [("parse and validate", m.parseAndValidate), ("build model", m.build), ("GLPK setup (check, load)", m.glpkSetup),
                              ("GLPK solve", m.glpkSolve), ("extract and audit", m.extractAndAudit), ("JSON write", m.jsonWrite), ("total", m.total)] {
            let label = name.padding(toLength: 26, withPad: " ", startingAt: 0)
            report += "  \(label)\(ms(value))\n"
        }
        report += String(format: "  outside GLPK's solve: %.2f%% of the total; runs %.3f..%.3f s; peak memory %.1f MiB",
                     m.overheadShare * 100, result.fastest, result.slowest, result.peakMemoryMiB) + "\n"
        try Console.out(report)
    }
}

/// `--cuts gomory,mir`: a comma-separated list of cut families, `all` or `none`.
struct CutSelection: ExpressibleByArgument {
    var families: Set<CutFamily>

    init(families: Set<CutFamily>) { self.families = families }

    init?(argument: String) {
        var families = Set<CutFamily>()
        for name in argument.split(separator: ",", omittingEmptySubsequences: false) {
            switch name {
            case "all": families = Set(CutFamily.allCases)
            case "none": families = []
            default:
                guard let family = CutFamily(rawValue: String(name)) else { return nil }
                families.insert(family)
            }
        }
        self.families = families
    }

    var defaultValueDescription: String {
        families.isEmpty ? "none" : families.count == CutFamily.allCases.count ? "all" : families.map(\.rawValue).sorted().joined(separator: ",")
    }

    static var allValueStrings: [String] { CutFamily.allCases.map(\.rawValue) + ["all", "none"] }
}

extension SimplexMethod: ExpressibleByArgument {}
extension BranchingRule: ExpressibleByArgument {}
extension BacktrackingRule: ExpressibleByArgument {}
extension SimplexRatioTest: ExpressibleByArgument {}
extension SimplexPricing: ExpressibleByArgument {}
extension MatrixScaling: ExpressibleByArgument {}
