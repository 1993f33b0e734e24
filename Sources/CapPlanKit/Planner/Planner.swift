import Foundation
import LinearProgramming

/// How to plan.
public struct PlanOptions: Sendable {
    /// Solve the LP relaxation (continuous units).
    public var relax = false
    /// Relative MIP gap at which branch-and-cut stops.
    public var mipGap = 1e-4
    /// Seconds for the main solve; nil means `PlanOptions.defaultTimeLimit`, `.infinity` none.
    /// A solve stopped by it keeps its best plan (status `feasible`, with its gap).
    public var timeLimit: Double?
    /// Seconds for the extras, each cut short saying so in the plan: the baselines get them from
    /// the start (they run beside the main solve), the price thresholds, the heuristic plan and
    /// the diagnosis from the end of the main solve. A run takes at most about
    /// `timeLimit + extrasTimeLimit`.
    public var extrasTimeLimit = 10.0
    /// The main solve's budget when `timeLimit` is nil.
    public static let defaultTimeLimit = 60.0
    /// The relative gap of the extras' branch-and-cut: at least this, whatever `mipGap` says, so
    /// that no extra waits for a proof the plan itself did not ask for.
    public static let extrasMIPGap = 1e-4
    /// Branch-and-cut nodes an extra may explore (besides its time): a limit that does not
    /// depend on the machine's load, so an extra that cannot close stops at the same plan on
    /// every run and the output stays byte-identical. Section 8's replica and contract binaries
    /// made some baselines (rent-only on per-GPU rentals) run into the time budget, where two
    /// runs stopped at different incumbents.
    public static let extrasNodeLimit = 2_000

    /// The main solve's time limit in seconds; nil for none.
    var mainTimeLimit: Double? {
        let limit = timeLimit ?? Self.defaultTimeLimit
        return limit.isFinite ? limit : nil
    }
    /// Include `solver.seconds` in the JSON (it makes runs differ byte for byte).
    public var timings = false
    /// Solve the all-API baseline.
    public var baselines = true
    /// GLPK's terminal output, line by line (`--verbose`).
    public var output: GLPKOutputHandler?
    /// Branch-and-cut progress (incumbent, bound, gap).
    public var progress: (@Sendable (MIPProgress) -> Void)?
    /// The phase the plan is in, each time it changes ("branch-and-cut", "primal heuristics",
    /// "fallback plan", "bound by blocks", "audit", "price thresholds", "baselines", "diagnosis"): the progress line.
    public var phase: (@Sendable (String) -> Void)?
    /// Relative tolerance of the audit: evaluator total against solver objective.
    public var auditTolerance = 1e-6
    /// Where to record how long each phase took (benchmarks).
    public var phases: PlanPhases?
    /// Search each offering's price threshold by re-solves (docs/insights.md). They cost 10 to
    /// 40 re-solves per offering: nil means only when the model has at most
    /// `Planner.thresholdNonzeros` nonzeros.
    public var priceThresholds: Bool? = false
    /// How to solve LPs: whole, or by Benders decomposition over the fleet (docs/benchmarks.md).
    public var decomposition: Decomposition = .automatic

    public enum Decomposition: String, Sendable, CaseIterable {
        /// Benders for LPs of 20,000 columns or more with complete recourse, the whole model
        /// otherwise (MIPs included).
        case automatic
        case monolithic
        case benders
    }

    /// Offer branch-and-cut a first incumbent: the relaxation's units rounded up, the rest
    /// re-optimized (docs/benchmarks.md measures it).
    public var roundUpStart = true
    /// When branch-and-cut has not closed within `PrimalHeuristics.firstPhaseShare` of the
    /// main solve's limit, build incumbents by relax-and-fix and RINS and restart it from the
    /// best (docs/benchmarks.md measures it). Off for a node-limited solve.
    public var primalHeuristics = true
    /// Backtracking of branch-and-cut's restart from the heuristics' incumbent; nil keeps
    /// `mip.backtracking`.
    public var restartBacktracking: MIPOptions.Backtracking?
    /// Run the first phase of branch-and-cut (before the heuristics) with GLPK's MIP presolver:
    /// on the 204-scenario corpus the default run then proves 186 optimal instead of 178, and
    /// the worst gap of the rest falls from 2.84% to 2.50% (docs/benchmarks.md). That phase
    /// runs without the rounding start, which needs the original columns; the restart after
    /// the heuristics has the heuristics' incumbent, without the presolver.
    public var firstPhasePresolve = true
    /// A first phase with the presolver that has an incumbent when its share of the limit ends
    /// goes on to the limit instead of stopping for the heuristics and a restart without the
    /// presolver (`MIPOptions.incumbentTimeLimit`): the presolved tree's bound climbs faster.
    /// On the corpus the runs at the limit fell from 16 to 15 and the worst gap from 2.29% to
    /// 2.01% (docs/benchmarks.md, "The first phase goes on"); runs that close within the share
    /// search as before.
    public var firstPhaseToTheLimit = true
    /// With whole units, add the exact `replicaRounding` rows (docs/formulation.md 8.6;
    /// docs/benchmarks.md measures them).
    public var replicaRounding = true
    /// With whole units, offer the main solve's root the exact `unitRounding` cuts
    /// (`CapacityModel.unitRoundingCuts`), kept where they raise the relaxation's optimum by
    /// `MIPOptions.rootCutMinimumGain` (docs/benchmarks.md measures them). Not on large models.
    public var unitRoundingCuts = true
    /// Simplex options (method, ratio test, presolve, scaling); the defaults are measured choices.
    public var simplex = SimplexOptions()
    /// Branch-and-cut options other than gap, time limit and progress (which come from above).
    /// All four cut families, pseudocost branching and best-projection backtracking by default,
    /// each chosen by the worst case of the 204-scenario MIP corpus at 20 s (docs/benchmarks.md):
    /// all cuts gave the smallest worst gap; pseudocost branching then proved 14 more runs
    /// optimal than Driebeck and Tomlin's rule (worst gap 12.3% → 10.6%), and best projection
    /// brought the worst gap of the hard seeds to 5.7%.
    public var mip = MIPOptions(cuts: .all, branching: .pseudocost, backtracking: .bestProjection)

    public init() {}
}

extension Solution {
    /// Whether the solve stopped at one of its limits (time, nodes, iterations, cancellation).
    var stoppedAtLimit: Bool {
        switch termination {
        case .timeLimit, .iterationLimit, .nodeLimit, .interrupted, .cancelled: return true
        default: return false
        }
    }
}

extension PlanOptions {
    /// The solver options of every solve behind a plan: the plan's own, its extras' (with
    /// their gap and a time limit from their deadline) and the heuristic's. The cancellation
    /// token and the simplex and branch-and-cut settings always come from here.
    func solveOptions(timeLimit: Double?, mipGap: Double) -> SolveOptions {
        var solveOptions = SolveOptions(simplex: simplex, mip: mip)
        solveOptions.simplex.timeLimit = timeLimit
        solveOptions.mip.timeLimit = timeLimit
        solveOptions.mip.relativeGap = mipGap
        return solveOptions
    }
}

/// Raised when the independent evaluator disagrees with the solver: the plan is not written.
public struct PlanAuditFailure: Error, CustomStringConvertible, Sendable {
    public let objective: Double
    public let evaluatorCost: Double
    public let violations: [String]

    public var description: String {
        var text = "the plan failed its audit: solver objective \(objective), evaluator's discounted cost \(evaluatorCost)"
        if !violations.isEmpty {
            text += "; violated: " + violations.prefix(10).joined(separator: "; ")
            if violations.count > 10 { text += " (and \(violations.count - 10) more)" }
        }
        return text
    }
}

/// The planner: scenario in, plan out.
public enum Planner {
    /// Builds the model, solves it, audits the result with the independent evaluator, and
    /// assembles the plan. Infeasible scenarios get a plan with status `infeasible` and a
    /// diagnosis. Throws `PlanAuditFailure` when the evaluator disagrees with the solver, and
    /// `LinearProgrammingError` when GLPK fails.
    public static func plan(_ scenario: Scenario, options: PlanOptions = PlanOptions()) throws -> PlanDocument {
        let integer = scenario.policy.integerUnits && !options.relax
        // The baselines are independent models: solve them on another thread while this one
        // solves the plan (GLPK is single-threaded; the machine has more than one core), within
        // the extras' budget from now.
        let baselineDeadline = Deadline(seconds: options.extrasTimeLimit, cancellation: options.mip.cancellation)
        let pendingBaselines = options.baselines ? PendingBaselines(scenario, integer: integer, options: options, deadline: baselineDeadline) : nil
        let buildClock = Stopwatch()
        let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: options.output != nil, integerUnits: integer, replicaRounding: options.replicaRounding))
        options.phases?.build = buildClock.seconds
        let origin = SolveOrigin()
        options.phase?("branch-and-cut")
        var solution = try solve(model, options: options, timeLimit: options.mainTimeLimit, mipGap: options.mipGap, main: true, origin: origin)
        // Every other extra shares the extras' budget from the end of the main solve.
        let extras = Deadline(seconds: options.extrasTimeLimit, cancellation: options.mip.cancellation)
        var heuristicNote: String?
        if solution.isMIP, !solution.hasPrimalPoint, solution.stoppedAtLimit {
            // The budget ended before branch-and-cut had a whole-unit plan: a fixed fleet from
            // the relaxation, completed block by block, on the extras' budget (the evaluator
            // audits the result). Also with `--relax`: the binaries of replica minimums,
            // platforms and spare units keep the relaxed model a MIP, which can stop with no
            // point just the same (generated large seed 1 did, exit 4).
            options.phase?("fallback plan")
            if let fallback = try FallbackPlan.solve(
                model, options: options, stop: solution.termination, knownBound: solution.objectiveBound, deadline: extras) {
                heuristicNote = "branch-and-cut found no \(integer ? "whole-unit plan" : "plan (its on/off decisions whole)") before its limit (\(solution.termination.rawValue)); "
                    + "this plan is the rounding heuristic's (\(fallback.candidate)), gap \(gapText(fallback.solution.relativeGap)) to \(FallbackPlan.boundText)"
                solution = fallback.solution
            }
        }
        var blockBoundNote: String?
        if solution.isMIP, solution.hasPrimalPoint, solution.stoppedAtLimit,
           (solution.relativeGap ?? .infinity) > options.mipGap, !PrimalHeuristics.isLarge(model, options: options) {
            (solution, blockBoundNote) = withBlockBound(solution, model: model, options: options, deadline: extras)
        }
        var retryNote: String?
        // (Only when the relaxation itself was called infeasible: no branch-and-cut node ran.)
        if status(of: solution) == .infeasible, !solution.isMIP || solution.nodes == 0, options.simplex.method != .primal,
           let seconds = extras.remaining {
            // The dual simplex can call a model with rates of 1e14 tokens/s infeasible within
            // its tolerances; the primal simplex is the second opinion before a diagnosis.
            var primal = options
            primal.simplex.method = .primal
            let second = try solve(model, options: primal, timeLimit: min(seconds, options.mainTimeLimit ?? seconds), mipGap: options.mipGap, main: true)
            if second.hasPrimalPoint {
                retryNote = "the dual simplex reported the model infeasible (numerical trouble at these magnitudes); the primal simplex found this plan"
                solution = second
            }
        }
        options.phase?("audit")
        options.phases?.glpkSetup = solution.setupSeconds
        options.phases?.glpkSolve = solution.seconds
        let auditClock = Stopwatch()
        var (document, audited) = try auditedDocument(scenario, model: model, solution: solution, integer: integer, options: options)

        switch document.status {
        case .optimal, .feasible:
            let (decisions, evaluation) = audited!
            document.finance = try FinanceComputation.finance(document, scenario: scenario, decisions: decisions, evaluation: evaluation)
            document.insights = PlanInsights.compute(scenario: scenario, model: model, solution: solution)
            options.phases?.extractAndAudit = auditClock.seconds
            // One re-solve per job, before the thresholds' many (docs/plan-format.md `jobs`).
            JobDeadlines.fill(&document, scenario: scenario, integer: integer, options: options, deadline: extras)
            PriceOutlook.fill(&document, scenario: scenario, integer: integer, options: options, deadline: extras)
            if options.priceThresholds ?? (model.lp.entryCount <= thresholdNonzeros) {
                // A threshold search is advice on top of the plan: its failure is a warning.
                do {
                    options.phase?("price thresholds")
                    guard extras.remaining != nil else { throw PriceThresholds.OutOfTime() }
                        // Searched with the simplex that found the plan.
                    var searchOptions = options
                    if retryNote != nil { searchOptions.simplex.method = .primal }
                    searchOptions.phase = nil
                    document.priceThresholds = try PriceThresholds.compute(
                        scenario, plan: document, decisions: decisions, options: searchOptions, deadline: extras)
                } catch {
                    document.warnings.append("price thresholds not computed: \(error)")
                }
            }
            if let pendingBaselines {
                options.phase?("baselines")
                let waitClock = Stopwatch()
                document.baselines = try pendingBaselines.result(planCost: evaluation.discountedCost)
                options.phases?.baselinesWait = waitClock.seconds
            }
            if let retryNote { document.warnings.append(retryNote) }
            if let candidate = origin.fallback, heuristicNote == nil {
                heuristicNote = "branch-and-cut found no \(integer ? "whole-unit plan" : "plan (its on/off decisions whole)"), nor even its root relaxation, in its first phase (half its limit, a quarter on large models); "
                    + "this plan is the fallback's (\(candidate), replicas per period and slice), gap \(gapText(solution.relativeGap)) to \(FallbackPlan.boundText)"
            }
            if let heuristicNote {
                document.warnings.append(heuristicNote + (blockBoundNote.map { "; \($0)" } ?? ""))
            } else if document.status == .feasible {
                document.warnings.append("the solver stopped at a limit (\(solution.termination.rawValue)); the plan is feasible but may not be optimal (gap \(document.solver.mipGap.map { String($0) } ?? "unknown"))"
                    + (blockBoundNote.map { "; \($0)" } ?? ""))
            } else if let blockBoundNote {
                document.warnings.append("branch-and-cut stopped at its limit (\(solution.raw.returnCodeName)) without proving the plan; it is optimal within the gap requested: \(blockBoundNote)")
            }
        case .infeasible, .unbounded:
            options.phase?("diagnosis")
            document.diagnosis = try InfeasibilityDiagnosis.diagnose(scenario, integer: integer, options: options, deadline: extras)
        case .error:
            if integer, solution.stoppedAtLimit {
                // No whole-unit plan found in time: say whether one exists at all, and if not, why.
                let diagnosis = try InfeasibilityDiagnosis.diagnoseWholeUnits(scenario, options: options, deadline: extras)
                document.diagnosis = diagnosis.diagnosis
                if diagnosis.provenInfeasible { document.status = .infeasible }
            }
        }
        return document
    }

    /// The plan document of `solution`, without extras: status and solver figures, and for a
    /// plan its decisions, audited by the independent evaluator (throws `PlanAuditFailure` when
    /// it disagrees), with totals, purchases and periods. `model` may be a re-solved variant of
    /// `scenario`'s model (the breakeven's scaled demand), as long as `scenario` says what it is.
    static func auditedDocument(
        _ scenario: Scenario, model: CapacityModel, solution: Solution, integer: Bool, options: PlanOptions
    ) throws -> (PlanDocument, (PlanDecisions, PlanEvaluation)?) {
        var document = PlanDocument(
            scenario: .init(
                name: scenario.name, capexAccounting: scenario.capexAccounting, discountRate: scenario.discountRate,
                integerUnits: integer),
            status: status(of: solution),
            solver: solverInfo(model: model, solution: solution, options: options, integer: integer),
            horizon: horizonInfo(scenario),
            totals: nil, purchases: [], periods: [], baselines: nil, audit: nil, diagnosis: nil, warnings: [])
        guard document.status == .optimal || document.status == .feasible else { return (document, nil) }
        let evaluationScenario = integer == scenario.policy.integerUnits ? scenario : scenario.withIntegerUnits(integer)
        let decisions = PlanExtraction.decisions(scenario: scenario, model: model, solution: solution, integer: integer)
        let evaluation = PlanEvaluator(scenario: evaluationScenario, tolerance: options.auditTolerance).evaluate(decisions)
        var audit = evaluation.audit(objective: solution.objectiveValue!, tolerance: options.auditTolerance)
        audit.violations = auditedViolations(audit.violations, model: model, tolerance: options.auditTolerance)
        document.audit = PlanDocument.Audit(try audit.requirePassed())
        PlanExtraction.fill(&document, scenario: scenario, model: model, solution: solution, decisions: decisions, evaluation: evaluation)
        return (document, (decisions, evaluation))
    }

    /// The evaluator's violations that the solver's tolerance does not explain. GLPK works on
    /// the scaled model, so its feasibility tolerance is relative to the largest rows of a
    /// family: a demand row of 24 tokens a period next to rows of 3e11 can be short by about
    /// `tolerance` times the largest demand rate. A demand shortfall within that is the
    /// solver's tolerance, not a violation; every other violation stands.
    static func auditedViolations(_ violations: [ConstraintViolation], model: CapacityModel, tolerance: Double) -> [ConstraintViolation] {
        let largestDemand = model.demandRate.lazy.flatMap { $0 }.max() ?? 0
        return violations.filter { violation in
            !(violation.family == .demand && violation.amount <= tolerance * max(1, largestDemand))
        }
    }

    static func gapText(_ gap: Double?) -> String {
        gap.map { String(format: "%.3g%%", max(0, $0) * 100) } ?? "unknown"
    }

    /// Models up to this many nonzeros get price thresholds when `priceThresholds` is nil.
    public static let thresholdNonzeros = 20_000

    /// LPs with at least this many columns are decomposed under `.automatic`.
    static let bendersColumns = 20_000

    static func solve(_ model: CapacityModel, options: PlanOptions) throws -> Solution {
        try solve(model, options: options, timeLimit: options.mainTimeLimit, mipGap: options.mipGap, main: true)
    }

    /// `main` is the plan's own solve: it reports progress and GLPK's output, and it is offered
    /// the rounding heuristic's incumbent when `options.roundUpStart` is set.
    static func solve(
        _ model: CapacityModel, options: PlanOptions, timeLimit: Double?, mipGap: Double, main: Bool, origin: SolveOrigin? = nil
    ) throws -> Solution {
        // Automatic: LPs only. For whole units the master becomes a MIP, and on the large MIP
        // that was slower than branch-and-cut on the whole model (docs/benchmarks.md).
        if options.decomposition == .benders
            || (options.decomposition == .automatic && !model.lp.hasIntegerVariables && model.lp.variableCount >= bendersColumns),
           let decomposition = FleetDecomposition.decomposition(of: model) {
            do {
                return try GLPKSolver.solveByBenders(
                    model.lp, decomposition: decomposition, options: options.solveOptions(timeLimit: timeLimit, mipGap: mipGap))
            } catch let error as BendersNotApplicable {
                // Solve the whole model instead; say so under --verbose.
                if main { options.output?("\(error.description); solving the whole model") }
            }
        }
        var solveOptions = options.solveOptions(timeLimit: timeLimit, mipGap: mipGap)
        if main {
            solveOptions.output = options.output
            solveOptions.mip.progress = options.progress
            solveOptions.mip.computeFixedDuals = true
            if options.unitRoundingCuts, model.lp.hasIntegerVariables, !PrimalHeuristics.isLarge(model, options: options) {
                solveOptions.mip.rootCutCandidates = model.unitRoundingCuts()
            }
            if options.roundUpStart, solveOptions.mip.roundingHeuristic == nil {
                let scenario = model.scenario
                solveOptions.mip.roundingHeuristic = { relaxation in
                    RoundingHeuristic.proposal(scenario: scenario, model: model, relaxation: relaxation)
                }
            }
        } else {
            // An extra: bounded by its deadline and by a node limit of its own (deterministic).
            solveOptions.mip.progress = nil
            solveOptions.mip.roundingHeuristic = nil
            solveOptions.mip.startingSolution = nil
            solveOptions.mip.nodeLimit = PlanOptions.extrasNodeLimit
        }
        // With `--relax` too: its on/off binaries keep a large model a MIP whose root LP alone
        // can take the whole limit (generated large seed 1: 14,460 binaries), so it gets the
        // same stages and the fallback plan, without the whole-unit heuristics.
        if main, options.primalHeuristics, model.lp.hasIntegerVariables, solveOptions.mip.startingSolution == nil,
           !solveOptions.mip.presolve, solveOptions.mip.nodeLimit == nil {
            return try solveWithHeuristics(model, options: options, solveOptions: solveOptions, timeLimit: timeLimit, origin: origin)
        }
        return try GLPKSolver.solve(model.lp, options: solveOptions)
    }

    /// Branch-and-cut for a first share of the limit; if it has not closed by then, the primal
    /// heuristics on part of what is left, then branch-and-cut again from the best incumbent.
    /// With the presolver (`firstPhasePresolve`, `firstPhaseToTheLimit`) a first phase that has
    /// an incumbent by then goes on to the limit instead, and only one without stops there.
    /// Easy models never reach the heuristics, so their plans do not change. Large models
    /// (solved by decomposition) start with the heuristics: their root LP alone may take the
    /// first share. When the last branch-and-cut stops before its root (so before it can take
    /// the incumbent), the incumbent is the result, with the relaxation's bound.
    static func solveWithHeuristics(
        _ model: CapacityModel, options: PlanOptions, solveOptions: SolveOptions, timeLimit: Double?, origin: SolveOrigin? = nil
    ) throws -> Solution {
        let clock = Stopwatch()
        let total = timeLimit ?? PrimalHeuristics.unlimitedBudget
        var seed: PrimalHeuristics.Incumbent?
        var firstSolution: Solution?
        var fallbackBound: Double?
        // (`--relax`: always, so that the fallback gets what the first phase leaves.)
        if options.relax || !PrimalHeuristics.isLarge(model, options: options) {
            var first = solveOptions
            let large = model.lp.variableCount >= bendersColumns
            first.mip.timeLimit = total * (large ? PrimalHeuristics.largeFirstPhaseShare : PrimalHeuristics.firstPhaseShare)
            // Not on large models (`--relax` ones have a first phase): the presolver solves its
            // own root LP after the relaxation's, and theirs can take the whole phase.
            if options.firstPhasePresolve, !large {
                first.mip.presolve = true
                if options.firstPhaseToTheLimit, timeLimit != nil {
                    first.mip.incumbentTimeLimit = first.mip.timeLimit
                    first.mip.timeLimit = total
                }
            }
            first.simplex.timeLimit = first.mip.timeLimit
            let solution = try GLPKSolver.solve(model.lp, options: first)
            guard solution.termination == .timeLimit, total - clock.seconds > PrimalHeuristics.minimumSeconds else { return solution }
            firstSolution = solution
            if solution.hasPrimalPoint, solution.objectiveValue != nil { seed = .init(solution: solution, origin: "branch-and-cut") }
            if !solution.hasPrimalPoint {
                // No incumbent yet: the fallback plan first, on a share of its own, so that the
                // heuristics' whole-model relaxation cannot starve it (FallbackPlan); all that is
                // left when not even the root's relaxation was solved (see below).
                let share = Deadline(
                    seconds: (total - clock.seconds) * (solution.objectiveBound == nil ? 1 : PrimalHeuristics.heuristicShare),
                    cancellation: options.mip.cancellation)
                options.phase?("fallback plan")
                if let fallback = try FallbackPlan.solve(
                    model, options: options, stop: .timeLimit, knownBound: solution.objectiveBound, deadline: share,
                    tightenBound: solution.objectiveBound == nil) {
                    options.output?("fallback plan: incumbent \(fallback.solution.objectiveValue!) from \(fallback.candidate)")
                    // Without even the root's relaxation after the first phase, neither the
                    // heuristics' relaxation nor a restart would get further: stop here.
                    if solution.objectiveBound == nil {
                        origin?.fallback = fallback.candidate
                        return fallback.solution
                    }
                    seed = .init(solution: fallback.solution, origin: "fallback plan (\(fallback.candidate))")
                    fallbackBound = fallback.solution.objectiveBound
                }
            }
        }
        // Large models: the heuristics may use it all (they stop when RINS stops improving);
        // branch-and-cut's restart spends its time on the root LP and barely moves the bound.
        let share = firstSolution == nil ? 1.0 : PrimalHeuristics.heuristicShare
        let deadline = Deadline(seconds: (total - clock.seconds) * share, cancellation: options.mip.cancellation)
        // The heuristics fix whole units; with `--relax` the units are continuous and only the
        // fallback's completion (above) applies.
        var outcome = PrimalHeuristics.Outcome(best: seed)
        if !options.relax {
            options.phase?("primal heuristics")
            outcome = try PrimalHeuristics.run(model, seed: seed, options: options, deadline: deadline)
        }
        if let best = outcome.best { options.output?("primal heuristics: incumbent \(best.objective) from \(best.origin)") }
        var final = solveOptions
        final.mip.timeLimit = timeLimit.map { max(0, $0 - clock.seconds) }
        final.simplex.timeLimit = final.mip.timeLimit
        if let best = outcome.best { final.mip.startingSolution = best.values }
        if let backtracking = options.restartBacktracking { final.mip.backtracking = backtracking }
        guard final.mip.timeLimit.map({ $0 > PrimalHeuristics.minimumSeconds }) ?? true || outcome.best == nil else {
            let bound = [outcome.relaxationBound, fallbackBound].compactMap { $0 }.max()
            return outcome.best!.solution.asMIPIncumbent(termination: .timeLimit, bound: bound, seconds: clock.seconds)
        }
        options.phase?("branch-and-cut")
        let solution = try GLPKSolver.solve(model.lp, options: final)
        guard solution.stoppedAtLimit, let best = outcome.best else { return solution }
        if solution.hasPrimalPoint, let objective = solution.objectiveValue,
           objective <= best.objective + PrimalHeuristics.improvement * max(1, abs(best.objective)) {
            return solution
        }
        let bounds = [outcome.relaxationBound, solution.objectiveBound, firstSolution?.objectiveBound, fallbackBound].compactMap { $0 }
        return best.solution.asMIPIncumbent(termination: solution.termination, bound: bounds.max(), seconds: clock.seconds)
    }

    /// The share of the extras' budget the blocks' bound may take first
    /// (`FallbackPlan.blockBound`; it usually ends sooner, at its limit of rounds).
    static let blockBoundShare = 0.5

    /// A plan stopped at its limit short of the gap (medium models; large ones have the
    /// fallback's bound), stated against `FallbackPlan.blockBound` where that is higher, with
    /// the note that says so: branch-and-cut's bound creeps where whole replicas per period and
    /// slice make the gap, and the decomposed relaxation's strengthened cuts see them at once.
    /// First on the extras' budget (a share of it). Advice on top of a plan already there: a
    /// failure keeps branch-and-cut's bound.
    static func withBlockBound(
        _ solution: Solution, model: CapacityModel, options: PlanOptions, deadline: Deadline
    ) -> (solution: Solution, note: String?) {
        guard let seconds = deadline.remaining else { return (solution, nil) }
        options.phase?("bound by blocks")
        let share = Deadline(seconds: seconds * blockBoundShare, cancellation: options.mip.cancellation)
        let bound: Double
        do {
            guard let found = try FallbackPlan.blockBound(model, options: options, deadline: share) else { return (solution, nil) }
            bound = found
        } catch {
            options.output?("bound by blocks: \(error)")
            return (solution, nil)
        }
        options.output?("bound by blocks: \(bound) (branch-and-cut's: \(solution.objectiveBound.map { String($0) } ?? "none"))")
        let stated = raised(solution, bound: bound, mipGap: options.mipGap)
        guard stated.objectiveBound != solution.objectiveBound else { return (solution, nil) }
        // (%.0f, not Int: costs of valid scenarios can pass Int's range.)
        let before = solution.objectiveBound.map { String(format: "%.0f", $0) } ?? "none"
        return (stated, "bound raised from \(before) to \(String(format: "%.0f", bound)) by \(FallbackPlan.blockBoundText): gap \(gapText(stated.relativeGap))")
    }

    /// A branch-and-cut result stopped at a limit, stated against `bound` too (a valid lower
    /// bound from outside branch-and-cut): the higher of the two, and optimal when the plan is
    /// within `mipGap` of it. A bound above the plan's cost (`FallbackPlan.isBound`) is ignored.
    static func raised(_ solution: Solution, bound: Double, mipGap: Double) -> Solution {
        guard let objective = solution.objectiveValue, FallbackPlan.isBound(bound, of: objective),
              bound > solution.objectiveBound ?? -.infinity else { return solution }
        let proven = Solution.relativeGap(objective: objective, bound: bound) <= mipGap
        return solution.asMIPIncumbent(termination: proven ? .optimal : solution.termination, bound: bound, seconds: solution.seconds)
    }

    static func status(of solution: Solution) -> PlanStatus {
        switch solution.termination {
        case .optimal: return .optimal
        // (A plan's solve never sets an objective target; searches that ask whether a cheaper
        // point exists do, and their point is feasible, not proven optimal.)
        case .timeLimit, .iterationLimit, .nodeLimit, .interrupted, .cancelled, .objectiveTarget:
            return solution.hasPrimalPoint ? .feasible : .error
        // Every cost is non-negative and every variable bounded below, so the model cannot be
        // unbounded: "infeasible or unbounded" means infeasible here.
        case .infeasible, .infeasibleOrUnbounded: return .infeasible
        case .unbounded: return .unbounded
        case .numericalError, .invalidModel, .other: return .error
        }
    }

    static func solverInfo(model: CapacityModel, solution: Solution, options: PlanOptions, integer: Bool) -> PlanDocument.SolverInfo {
        PlanDocument.SolverInfo(
            version: glpkVersion,
            method: solution.algorithm == .benders ? .bendersDecomposition : solution.isMIP ? .branchAndCut : .simplex,
            termination: solution.termination.rawValue, glpkReturnCode: solution.raw.returnCodeName,
            glpkStatus: solution.raw.statusName, rows: model.lp.constraintCount, columns: model.lp.variableCount,
            nonzeros: model.lp.entryCount, integerColumns: model.lp.integerVariableCount,
            mipGap: solution.isMIP ? solution.relativeGap.map { max(0, $0) } : nil,
            mipGapRequested: solution.isMIP ? options.mipGap : nil, relaxed: options.relax, reductions: model.reductions,
            simplexIterations: solution.simplexIterations, nodes: solution.nodes,
            seconds: options.timings ? solution.seconds : nil)
    }

    static func horizonInfo(_ scenario: Scenario) -> PlanDocument.HorizonInfo {
        PlanDocument.HorizonInfo(
            start: scenario.horizon.start.description, kind: scenario.horizon.kind, periods: scenario.horizon.periods,
            periodLabels: scenario.horizon.labels, hoursPerPeriod: scenario.horizon.hoursPerPeriod,
            timeSlices: scenario.timeSlices.map { .init(name: $0.name, hours: $0.hours, share: $0.share) })
    }

    enum BaselineCost: Sendable {
        /// The cost, and a note when the solve stopped at a limit before proving optimality.
        case cost(Double, note: String?)
        case unavailable(String)

        func baseline(planCost: Double) -> PlanDocument.Baseline {
            switch self {
            case .unavailable(let why): return .init(unavailable: why)
            case .cost(let cost, let note):
                // Equal plans can differ in the last bits; report them as equal.
                var saving = cost - planCost
                if abs(saving) <= 1e-9 * max(1, abs(cost)) { saving = 0 }
                return .init(discountedCost: cost, saving: saving, savingPercent: cost > 0 ? 100 * saving / cost : nil, note: note)
            }
        }
    }

    /// Three reference plans with the plan's integrality: all-API, no-API (own and rent only)
    /// and rent-only, each within what is left of `deadline`.
    static func baselineCosts(_ scenario: Scenario, integer: Bool, options: PlanOptions, deadline: Deadline) throws -> [BaselineCost] {
        func keeping(_ keep: (Offering) -> Bool) -> Scenario {
            var copy = scenario.withIntegerUnits(integer)
            copy.offerings = scenario.offerings.filter(keep)
            // A job keeps only the pools still offered (none on APIs).
            let kept = Set(copy.offerings.map(\.id))
            for j in copy.jobs.indices { copy.jobs[j].pools = copy.jobs[j].pools.filter { kept.contains($0.offering) } }
            return copy
        }
        // The baselines without purchases still own the existing units, which stay in service
        // and are paid for (energy, fixed opex) whether used or not: that cost is added back so
        // that every plan is compared on the same footing.
        // Likewise what is carried in (13.1) on the offerings a baseline leaves out: units in
        // flight, contracts in term and signed committed-use contracts are paid whatever it does.
        let carried = scenario.carriesCommitmentsIn
        let sunk = existingFleetRunningCost(scenario)
        func added(removing removed: (Offering) -> Bool) -> Double {
            carried ? carriedInCost(scenario, offerings: removed) : scenario.offerings.contains { if case .purchase = $0 { return removed($0) } else { return false } } ? sunk : 0
        }
        let apiOnly: (Offering) -> Bool = { if case .api = $0 { return true } else { return false } }
        let noAPI: (Offering) -> Bool = { if case .api = $0 { return false } else { return true } }
        let rentOnly: (Offering) -> Bool = { if case .rental = $0 { return true } else { return false } }
        return [
            try baseline(keeping(apiOnly), what: "APIs", addedCost: added { !apiOnly($0) }, options: options, deadline: deadline),
            try baseline(keeping(noAPI), what: "owned and rented capacity", addedCost: added { !noAPI($0) }, options: options, deadline: deadline),
            try baseline(keeping(rentOnly), what: "rentals", addedCost: added { !rentOnly($0) }, options: options, deadline: deadline),
        ]
    }

    /// What the offerings `removed` picks carry in and pay whatever a plan does (13.1): owned
    /// units' running cost, units in flight (their price and running cost), contracts in term,
    /// signed committed-use minimums; the evaluator's cost of exactly those decisions on the
    /// scenario cut down to these offerings (nothing served).
    static func carriedInCost(_ scenario: Scenario, offerings removed: (Offering) -> Bool) -> Double {
        var cut = scenario
        cut.offerings = scenario.offerings.filter(removed)
        cut.jobs = []
        guard !cut.offerings.isEmpty else { return 0 }
        let periods = scenario.horizon.periods
        var decisions = PlanDecisions()
        for o in cut.purchases { decisions.arrivals[o.id] = (0..<periods).map { o.unitsInFlight(arrivingIn: $0) } }
        for r in cut.rentals where r.commitment == .period { decisions.reservedUnits[r.id] = (0..<periods).map { r.unitsInTerm(inPeriod: $0) } }
        decisions.apiCommitments = cut.apis.filter { $0.committedUse?.signed == true }.map(\.id)
        return PlanEvaluator(scenario: cut).evaluate(decisions).discountedCost
    }

    /// Σ_o Σ_p δ_p e_op (k_o · pue · h · ε + g_o): the existing units' discounted running cost (every
    /// cohort in service, 13.1).
    static func existingFleetRunningCost(_ scenario: Scenario) -> Double {
        let hours = scenario.horizon.hoursPerPeriod, site = scenario.site
        let discount = CapacityModelBuilder.discountFactors(scenario)
        var total = 0.0
        for purchase in scenario.purchases {
            let perUnit = purchase.powerKW * site.pue * hours * site.electricityPricePerKWh + purchase.opexPerUnitPeriod
            for p in 0..<scenario.horizon.periods where purchase.existingUnits(inPeriod: p) > 0 {
                total += purchase.existingUnits(inPeriod: p) * perUnit * discount[p]
            }
        }
        return total
    }

    /// The optimal cost of a restricted scenario, or why it has none.
    static func baseline(_ restricted: Scenario, what: String, addedCost: Double, options: PlanOptions, deadline: Deadline) throws -> BaselineCost {
        let unserved = restricted.workloads.filter { w in
            !restricted.offerings.contains { offering in
                switch offering {
                case .api(let a): return a.serves.contains(w.id)
                case .purchase(let o): return o.canServe(w.id)
                case .rental(let o): return o.canServe(w.id)
                }
            }
        }.map(\.id)
        if !unserved.isEmpty, restricted.policy.unservedPenaltyPerMTok == nil {
            return .unavailable("no offering among the \(what) serves \(unserved.joined(separator: ", "))")
        }
        let stranded = restricted.jobs.filter(\.pools.isEmpty).map(\.id)
        if !stranded.isEmpty {
            return .unavailable("no offering among the \(what) can run training job \(stranded.joined(separator: ", ")) (jobs run on purchases and on rentals with cluster networking)")
        }
        guard let seconds = deadline.remaining else { return .unavailable(Deadline.notComputed) }
        // Solved like the plan: by Benders decomposition when it is a large LP whose blocks are
        // always feasible, whole otherwise. (Allowing unmet demand at a huge price to make every
        // block feasible was tried for the no-API baseline: Benders then converged slower than
        // the whole model.)
        let model = CapacityModelBuilder.buildModel(restricted, options: CapacityModelOptions(names: false))
        let solution = try solve(model, options: options, timeLimit: seconds, mipGap: max(options.mipGap, PlanOptions.extrasMIPGap), main: false)
        // The budget as set, not the seconds left when this baseline began (measured, they
        // made two runs' notes differ: 9.52 s and 9.58 s).
        let limit = "the extras' time budget (\(String(format: "%.3g", options.extrasTimeLimit)) s)"
        guard let solved = solution.objectiveValue, solution.hasPrimalPoint else {
            if solution.termination == .infeasible || solution.termination == .infeasibleOrUnbounded {
                return .unavailable("the \(what) cannot carry the demand within the scenario's limits (\(solution.termination.rawValue))")
            }
            if solution.stoppedAtLimit {
                return .unavailable("\(Deadline.notComputed): no \(what)-only plan found within \(limit) (\(solution.termination.rawValue))")
            }
            return .unavailable("no \(what)-only plan found (\(solution.termination.rawValue))")
        }
        if solution.termination == .optimal { return .cost(solved + addedCost, note: nil) }
        if solution.termination == .nodeLimit {
            return .cost(solved + addedCost, note: "bounded by the node limit: best plan found in \(PlanOptions.extrasNodeLimit) branch-and-cut nodes, not proven optimal (gap \(gapText(solution.relativeGap))): an upper bound")
        }
        return .cost(solved + addedCost, note: "bounded by the time budget: best plan found within \(limit), not proven optimal (gap \(gapText(solution.relativeGap))): an upper bound")
    }
}

/// Where the main solve's plan came from, when not from branch-and-cut (its warning says so).
final class SolveOrigin: @unchecked Sendable {
    /// The fallback plan's candidate, when the main solve returned it (FallbackPlan).
    var fallback: String?
}

/// When the extras must stop: a point on the monotonic clock, and the plan's cancellation token
/// (a cancelled plan leaves no time for extras).
struct Deadline: Sendable {
    private let clock = Stopwatch()
    let seconds: Double
    let cancellation: SolveCancellation?

    /// What an extra that had no time left says.
    static let notComputed = "not computed: time budget"
    /// Below this many seconds left an extra is not started.
    static let minimumSeconds = 0.05

    init(seconds: Double, cancellation: SolveCancellation? = nil) {
        self.seconds = seconds
        self.cancellation = cancellation
    }

    /// Seconds left, or nil when the deadline has passed (or the plan was cancelled).
    var remaining: Double? {
        if cancellation?.isCancelled == true { return nil }
        let left = seconds - clock.seconds
        return left >= Self.minimumSeconds ? left : nil
    }
}

/// The baselines, solved on a thread of their own from the moment the plan starts.
final class PendingBaselines: @unchecked Sendable {
    private var outcome: Result<[Planner.BaselineCost], Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ scenario: Scenario, integer: Bool, options: PlanOptions, deadline: Deadline) {
        var options = options
        options.output = nil
        options.progress = nil
        options.phase = nil
        options.phases = nil
        let baselineOptions = options
        let thread = Thread { [self] in
            outcome = Result { try Planner.baselineCosts(scenario, integer: integer, options: baselineOptions, deadline: deadline) }
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
    }

    /// Waits for the baselines and states them against the plan's cost.
    func result(planCost: Double) throws -> PlanDocument.Baselines {
        done.wait()
        let costs = try outcome!.get()
        return PlanDocument.Baselines(
            allAPI: costs[0].baseline(planCost: planCost), noAPI: costs[1].baseline(planCost: planCost),
            rentOnly: costs[2].baseline(planCost: planCost))
    }
}

/// Seconds each phase of `Planner.plan` took (filled when `PlanOptions.phases` is set).
public final class PlanPhases: @unchecked Sendable {
    /// Building the LP from the scenario.
    public var build = 0.0
    /// Checking the model, compiling the matrix and loading it into GLPK.
    public var glpkSetup = 0.0
    /// GLPK's own solve.
    public var glpkSolve = 0.0
    /// Reading the solution back, the evaluator's audit, the plan document and its insights.
    public var extractAndAudit = 0.0
    /// Waiting for the baselines after the plan was ready (they run alongside the solve).
    public var baselinesWait = 0.0

    public init() {}
}

extension Scenario {
    /// The same scenario with `policy.integerUnits` set.
    public func withIntegerUnits(_ integer: Bool) -> Scenario {
        var copy = self
        copy.policy.integerUnits = integer
        return copy
    }
}

