import Foundation
import LinearProgramming

/// How to plan.
public struct PlanOptions: Sendable {
    /// Solve the LP relaxation (continuous units).
    public var relax = false
    /// Relative MIP gap at which branch-and-cut stops.
    public var mipGap = 1e-4
    /// Seconds for the main solve; nil for none.
    public var timeLimit: Double?
    /// Include `solver.seconds` in the JSON (it makes runs differ byte for byte).
    public var timings = false
    /// Solve the all-API baseline.
    public var baselines = true
    /// GLPK's terminal output, line by line (`--verbose`).
    public var output: GLPKOutputHandler?
    /// Branch-and-cut progress (incumbent, bound, gap).
    public var progress: (@Sendable (MIPProgress) -> Void)?
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
    /// Simplex options (method, ratio test, presolve, scaling); the defaults are measured choices.
    public var simplex = SimplexOptions()
    /// Branch-and-cut options other than gap, time limit and progress (which come from above).
    public var mip = MIPOptions()

    public init() {}
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
        // solves the plan (GLPK is single-threaded; the machine has more than one core).
        let pendingBaselines = options.baselines
            ? PendingBaselines(scenario, integer: integer, timeLimit: options.timeLimit ?? Self.baselineTimeLimit, mipGap: options.mipGap) : nil
        let buildClock = Stopwatch()
        let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: options.output != nil, integerUnits: integer))
        options.phases?.build = buildClock.seconds
        let solution = try solve(model, options: options)
        options.phases?.glpkSetup = solution.setupSeconds
        options.phases?.glpkSolve = solution.seconds
        let auditClock = Stopwatch()
        var document = PlanDocument(
            scenario: .init(
                name: scenario.name, capexAccounting: scenario.capexAccounting.rawValue, discountRate: scenario.discountRate,
                integerUnits: integer),
            status: status(of: solution),
            solver: solverInfo(model: model, solution: solution, options: options, integer: integer),
            horizon: horizonInfo(scenario),
            totals: nil, purchases: [], periods: [], baselines: nil, audit: nil, diagnosis: nil, warnings: [])

        switch document.status {
        case .optimal, .feasible:
            let evaluationScenario = integer == scenario.policy.integerUnits ? scenario : scenario.withIntegerUnits(integer)
            let decisions = PlanExtraction.decisions(scenario: scenario, model: model, solution: solution, integer: integer)
            let evaluation = PlanEvaluator(scenario: evaluationScenario, tolerance: options.auditTolerance).evaluate(decisions)
            let audit = try evaluation.audit(objective: solution.objectiveValue!, tolerance: options.auditTolerance).requirePassed()
            document.audit = PlanDocument.Audit(audit)
            PlanExtraction.fill(&document, scenario: scenario, model: model, solution: solution, decisions: decisions, evaluation: evaluation)
            document.insights = PlanInsights.compute(scenario: scenario, model: model, solution: solution)
            options.phases?.extractAndAudit = auditClock.seconds
            if options.priceThresholds ?? (model.lp.entryCount <= thresholdNonzeros) {
                var searchOptions = options
                searchOptions.priceThresholds = false
                searchOptions.phases = nil
                // A threshold search is advice on top of the plan: its failure is a warning.
                do {
                    document.priceThresholds = try PriceThresholds.compute(scenario, plan: document, options: searchOptions)
                } catch {
                    document.warnings.append("price thresholds not computed: \(error)")
                }
            }
            if let pendingBaselines {
                let waitClock = Stopwatch()
                document.baselines = try pendingBaselines.result(planCost: evaluation.discountedCost)
                options.phases?.baselinesWait = waitClock.seconds
            }
            if document.status == .feasible {
                document.warnings.append("the solver stopped at a limit (\(solution.termination.rawValue)); the plan is feasible but may not be optimal (gap \(document.solver.mipGap.map { String($0) } ?? "unknown"))")
            }
        case .infeasible, .unbounded:
            document.diagnosis = try InfeasibilityDiagnosis.diagnose(scenario, integer: integer)
        case .error:
            break
        }
        return document
    }

    /// Models up to this many nonzeros get price thresholds when `priceThresholds` is nil.
    public static let thresholdNonzeros = 20_000

    /// LPs with at least this many columns are decomposed under `.automatic`.
    static let bendersColumns = 20_000

    static func solve(_ model: CapacityModel, options: PlanOptions) throws -> Solution {
        // Automatic: LPs only. For whole units the master becomes a MIP, and on the large MIP
        // that was slower than branch-and-cut on the whole model (docs/benchmarks.md).
        if options.decomposition == .benders
            || (options.decomposition == .automatic && !model.lp.hasIntegerVariables && model.lp.variableCount >= bendersColumns),
           let decomposition = FleetDecomposition.decomposition(of: model) {
            var solveOptions = SolveOptions(simplex: options.simplex, mip: options.mip)
            solveOptions.simplex.timeLimit = options.timeLimit
            solveOptions.mip.timeLimit = options.timeLimit
            solveOptions.mip.relativeGap = options.mipGap
            do {
                return try GLPKSolver.solveByBenders(model.lp, decomposition: decomposition, options: solveOptions)
            } catch let error as BendersNotApplicable {
                // Solve the whole model instead; say so under --verbose.
                options.output?("\(error.description); solving the whole model")
            }
        }
        var solveOptions = SolveOptions(simplex: options.simplex, mip: options.mip)
        solveOptions.output = options.output
        solveOptions.simplex.timeLimit = options.timeLimit
        solveOptions.mip.timeLimit = options.timeLimit
        solveOptions.mip.relativeGap = options.mipGap
        solveOptions.mip.progress = options.progress
        solveOptions.mip.computeFixedDuals = true
        if options.roundUpStart, solveOptions.mip.roundingHeuristic == nil {
            let scenario = model.scenario
            solveOptions.mip.roundingHeuristic = { relaxation in
                RoundingHeuristic.proposal(scenario: scenario, model: model, relaxation: relaxation)
            }
        }
        return try GLPKSolver.solve(model.lp, options: solveOptions)
    }

    static func status(of solution: Solution) -> PlanStatus {
        switch solution.termination {
        case .optimal: return .optimal
        case .timeLimit, .iterationLimit, .nodeLimit, .interrupted, .cancelled:
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
            method: solution.algorithm == .benders ? "benders decomposition" : solution.isMIP ? "branch-and-cut" : "simplex",
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
            start: scenario.horizon.start.description, kind: scenario.horizon.kind.rawValue, periods: scenario.horizon.periods,
            periodLabels: scenario.horizon.labels, hoursPerPeriod: scenario.horizon.hoursPerPeriod,
            timeSlices: scenario.timeSlices.map { .init(name: $0.name, hours: $0.hours, share: $0.share) })
    }

    /// A baseline's optimal cost, or why it has none.
    /// Seconds each baseline may take when the plan has no time limit of its own.
    static let baselineTimeLimit = 60.0

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
    /// and rent-only.
    static func baselineCosts(_ scenario: Scenario, integer: Bool, timeLimit: Double, mipGap: Double) throws -> [BaselineCost] {
        func keeping(_ keep: (Offering) -> Bool) -> Scenario {
            var copy = scenario.withIntegerUnits(integer)
            copy.offerings = scenario.offerings.filter(keep)
            return copy
        }
        // The baselines without purchases still own the existing units, which stay in service
        // and are paid for (energy, fixed opex) whether used or not: that cost is added back so
        // that every plan is compared on the same footing.
        let sunk = existingFleetRunningCost(scenario)
        return [
            try baseline(keeping { if case .api = $0 { return true } else { return false } }, what: "APIs", addedCost: sunk, timeLimit: timeLimit, mipGap: mipGap),
            try baseline(keeping { if case .api = $0 { return false } else { return true } }, what: "owned and rented capacity", addedCost: 0, timeLimit: timeLimit, mipGap: mipGap),
            try baseline(keeping { if case .rental = $0 { return true } else { return false } }, what: "rentals", addedCost: sunk, timeLimit: timeLimit, mipGap: mipGap),
        ]
    }

    /// Σ_o Σ_{p ≤ R_o} δ_p E_o (k_o · pue · h · ε + g_o): the existing units' discounted running cost.
    static func existingFleetRunningCost(_ scenario: Scenario) -> Double {
        let hours = scenario.horizon.hoursPerPeriod, site = scenario.site
        var total = 0.0
        for purchase in scenario.purchases where purchase.existingUnits > 0 {
            let perPeriod = purchase.existingUnits * (purchase.powerKW * site.pue * hours * site.electricityPricePerKWh + purchase.opexPerUnitPeriod)
            for p in 0..<min(purchase.existingRemainingPeriods, scenario.horizon.periods) {
                total += perPeriod * pow(1 + scenario.discountRate, -Double(p) * hours / 8760)
            }
        }
        return total
    }

    /// The optimal cost of a restricted scenario, or why it has none.
    static func baseline(_ restricted: Scenario, what: String, addedCost: Double, timeLimit: Double, mipGap: Double) throws -> BaselineCost {
        let unserved = restricted.workloads.filter { w in
            !restricted.offerings.contains { offering in
                switch offering {
                case .api(let a): return a.serves.contains(w.id)
                case .purchase(let o): return (o.throughput[w.id] ?? 0) > 0
                case .rental(let o): return (o.throughput[w.id] ?? 0) > 0
                }
            }
        }.map(\.id)
        if !unserved.isEmpty, restricted.policy.unservedPenaltyPerMTok == nil {
            return .unavailable("no offering among the \(what) serves \(unserved.joined(separator: ", "))")
        }
        // Solved like the plan: by Benders decomposition when it is a large LP whose blocks are
        // always feasible, whole otherwise. (Allowing unmet demand at a huge price to make every
        // block feasible was tried for the no-API baseline: Benders then converged slower than
        // the whole model.)
        let model = CapacityModelBuilder.buildModel(restricted, options: CapacityModelOptions(names: false))
        var options = PlanOptions()
        options.mipGap = mipGap
        options.timeLimit = timeLimit
        options.roundUpStart = false
        let solution = try solve(model, options: options)
        guard let solved = solution.objectiveValue, solution.hasPrimalPoint else {
            if solution.termination == .infeasible || solution.termination == .infeasibleOrUnbounded {
                return .unavailable("the \(what) cannot carry the demand within the scenario's limits (\(solution.termination.rawValue))")
            }
            return .unavailable("no \(what)-only plan found within \(timeLimit) s (\(solution.termination.rawValue))")
        }
        if solution.termination == .optimal { return .cost(solved + addedCost, note: nil) }
        let gap = solution.relativeGap.map { String(format: "%.3g%%", $0 * 100) } ?? "unknown"
        return .cost(solved + addedCost, note: "best plan found within \(timeLimit) s, not proven optimal (gap \(gap)): an upper bound")
    }
}

/// The baselines, solved on a thread of their own from the moment the plan starts.
final class PendingBaselines: @unchecked Sendable {
    private var outcome: Result<[Planner.BaselineCost], Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ scenario: Scenario, integer: Bool, timeLimit: Double, mipGap: Double) {
        let thread = Thread { [self] in
            outcome = Result { try Planner.baselineCosts(scenario, integer: integer, timeLimit: timeLimit, mipGap: mipGap) }
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
        copy.policy = Policy(integerUnits: integer, utilizationCap: policy.utilizationCap, unservedPenaltyPerMTok: policy.unservedPenaltyPerMTok)
        return copy
    }
}

