import Foundation
import LinearProgramming

// Two-stage plans over demand cases (docs/formulation.md section 12): the extensive form built
// by composition from the scenario's own model, solved once; each case's decisions read back
// with PlanExtraction and audited by the evaluator on the case's scenario; then the figures of
// 12.3 (RP, CVaR, WS, EV/EEV, VSS, EVPI, regret).

/// Why a two-stage plan could not be made.
public enum TwoStageError: Error, CustomStringConvertible, Sendable {
    /// The scenario has no `demandCases`: plan it with `Planner.plan`.
    case noDemandCases

    public var description: String {
        switch self {
        case .noDemandCases: return "the scenario has no demand cases: a two-stage plan needs `demandCases` (docs/formulation.md section 12)"
        }
    }
}

/// The result of a two-stage plan (docs/formulation.md 12.3). Money is discounted USD, as the
/// plan's `discountedCost`. Deterministic: the same scenario and options give the same value
/// (and the same JSON with sorted keys) on every run, timings aside (none are stored).
public struct TwoStageResult: Codable, Hashable, Sendable {
    /// The extensive form's status; the figures below are nil unless `optimal` or `feasible`.
    public var status: PlanStatus
    /// GLPK's termination of the extensive form (`TerminationReason` raw value).
    public var termination: String
    /// Size of the extensive form (matrix entries as added: a few coordinates repeat).
    public var rows: Int
    public var columns: Int
    public var nonzeros: Int
    public var integerColumns: Int
    /// Relative gap of the extensive form's branch-and-cut; nil for an LP.
    public var mipGap: Double?
    /// Whether units were continuous (`--relax` or `integerUnits: false`).
    public var relaxed: Bool
    /// λ and α of the objective (12.2).
    public var cvarWeight: Double
    public var cvarLevel: Double
    /// The solver's objective: Σ_c π_c cost_c + λ (η + 1/(1 − α) Σ_c π_c ξ_c).
    public var objective: Double?
    /// Per case, in the scenario's order.
    public var cases: [Case]
    /// RP: Σ_c π_c cost_c of the plan, from the evaluator's costs.
    public var expectedCost: Double?
    /// CVaR_α of the plan's cost, from the evaluator's costs (whatever λ).
    public var cvar: Double?
    /// WS: Σ_c π_c z*_c; nil when some case has no perfect-foresight optimum.
    public var waitAndSee: Double?
    /// The plan for the mean demand (EV) and its cost in the cases (EEV).
    public var expectedValuePlan: ExpectedValuePlan?
    /// VSS = EEV − RP and EVPI = RP − WS, for the risk-neutral objective (λ = 0): with λ > 0
    /// RP here is that of a second, risk-neutral solve (`riskNeutralExpectedCost`).
    public var valueOfStochasticSolution: Double?
    public var expectedValueOfPerfectInformation: Double?
    /// The RP VSS and EVPI are computed from: `expectedCost` when λ = 0, else the risk-neutral
    /// plan's (one more solve).
    public var riskNeutralExpectedCost: Double?
    /// What VSS and EVPI refer to: "risk-neutral plan (λ = 0)" when λ > 0, "this plan" otherwise.
    public var valuesFor: String
    /// Notes: a figure not computed and why, a solve stopped at a limit.
    public var notes: [String]

    public struct Case: Codable, Hashable, Sendable {
        public var name: String
        public var probability: Double
        public var apiPriceScale: Double
        /// The first stage (shared by every case; adaptive, by the cases of each node, 12.6) and
        /// this case's second stage.
        public var decisions: PlanDecisions
        /// The evaluator's audit of `decisions` on the case's scenario (`Scenario.withDemandCase`).
        public var evaluation: PlanEvaluation
        /// cost_c: the evaluator's discounted cost.
        public var discountedCost: Double
        /// z*_c: the optimum of the case alone (perfect foresight); nil if none was found.
        public var perfectForesightCost: Double?
        /// cost_c − z*_c.
        public var regret: Double?
        /// cost_c(EV): the EV plan's first stage fixed, this case's second stage re-optimized;
        /// nil when the EV fleet cannot serve the case (or the solve found no plan).
        public var expectedValuePlanCost: Double?
    }

    public struct ExpectedValuePlan: Codable, Hashable, Sendable {
        /// The EV plan's optimum on the mean demand (and mean API price scale).
        public var discountedCost: Double?
        /// Its first stage (arrivals, reserved units, contract starts, commitments).
        public var decisions: PlanDecisions?
        /// EEV = Σ_c π_c cost_c(EV); nil when some case is infeasible with the EV fleet (+∞).
        public var expectedCost: Double?
        /// Cases the EV fleet cannot serve.
        public var infeasibleCases: [String]
    }
}

/// The extensive form of 12.2 and where each case's copy sits in it.
public struct TwoStageModel: Sendable {
    public var lp: LinearModel
    /// Each case's model (sections 1–11 with the case's demand and API prices), its LP dropped
    /// once assembled: the index and demand rates say where its columns are.
    public var caseModels: [CapacityModel]
    /// `columnMap[c][j]`: the column of the extensive form holding column j of case c's model.
    public var columnMap: [[Int]]
    /// `rowMap[c][i]`: the row of the extensive form holding row i of case c's model (a row of
    /// first-stage columns only is one row for every case).
    public var rowMap: [[Int]]
    /// η and ξ_c when λ > 0.
    public var cvarThreshold: Variable?
    public var cvarExcess: [Variable]
    /// `cvarExcess[c]`, the row of ξ_c, per case when λ > 0.
    public var cvarExcessRows: [Constraint] = []
    /// Columns of the first stage in a case's model: b, n, m of reserved rentals, v, κ.
    public var firstStageColumns: Set<Int>
    /// The scenario's model every case's copy was made from (`shapeModel`).
    public var shape: CapacityModel
    /// The cases' tree (12.6): one node throughout for `here-and-now`.
    public var tree: CaseTree
    /// t_j (zero-based) of each column of `firstStageColumns` (12.6).
    public var decisionPeriods: [Int: Int]
}

/// Two-stage plans (docs/formulation.md section 12).
public enum TwoStagePlanner {
    /// Plans `scenario` over its demand cases: builds the extensive form once, solves it with
    /// whole units as the scenario says (`options.relax` for continuous units, within
    /// `options.timeLimit` and `options.mipGap`; whole, by Benders decomposition by case, or by
    /// the rounding heuristic with its bound: `CaseDecomposition`, `options.decomposition`;
    /// the heuristic's first candidate may outlast the limit so that the run answers), audits each case with the evaluator
    /// (throws `PlanAuditFailure` when the probability-weighted evaluated cost disagrees with
    /// the objective less the CVaR term, or a case's decisions violate a row), then solves each
    /// case alone (WS, regret), the mean-demand plan and its first stage in each case (EEV;
    /// the cases of WS and EEV on `ParallelRunner`, results in case order), and with λ > 0 the risk-neutral plan once more (VSS, EVPI). The extensive form has the
    /// main time limit; every other solve shares the extras' budget (`options.extrasTimeLimit`,
    /// counted before and after the main solve, not during it) and has the extras' node limit,
    /// so that a run takes about `timeLimit + extrasTimeLimit` whatever the number of cases: a
    /// figure cut short is nil with a note "not computed: time budget". Throws
    /// `TwoStageError.noDemandCases` without cases.
    public static func plan(_ scenario: Scenario, options: PlanOptions = PlanOptions()) throws -> TwoStageResult {
        try solveTwoStage(scenario, options: options).result
    }

    /// `plan`, with what the plan document needs besides the figures (TwoStagePlan.swift).
    static func solveTwoStage(_ scenario: Scenario, options: PlanOptions) throws -> TwoStageSolve {
        guard !scenario.demandCases.isEmpty else { throw TwoStageError.noDemandCases }
        let integer = scenario.policy.integerUnits && !options.relax
        let risk = scenario.risk
        let model = extensiveForm(scenario, integer: integer, names: options.output != nil, risk: risk)
        var quiet = options
        quiet.output = nil
        quiet.progress = nil
        quiet.phase = nil
        // The EV plan first: its first stage with each case's second stage re-optimized is a
        // point of the extensive form (EEV), offered to branch-and-cut as its first incumbent.
        options.phase?("mean-demand plan")
        let beforeMain = Deadline(seconds: options.extrasTimeLimit, cancellation: options.mip.cancellation)
        let evClock = Stopwatch()
        let ev = try expectedValuePlan(scenario, model: model, integer: integer, options: quiet, deadline: beforeMain)
        let spent = min(options.extrasTimeLimit, evClock.seconds)
        options.phase?("branch-and-cut")
        let outcome = try CaseDecomposition.solve(scenario, model: model, integer: integer, options: options, ev: ev)
        let solution = outcome.solution
        // What is left of the extras' budget, from the end of the main solve.
        let extras = Deadline(seconds: options.extrasTimeLimit - spent, cancellation: options.mip.cancellation)
        var result = TwoStageResult(
            status: Planner.status(of: solution), termination: solution.termination.rawValue, rows: model.lp.constraintCount,
            columns: model.lp.variableCount, nonzeros: model.lp.entryCount, integerColumns: model.lp.integerVariableCount,
            mipGap: solution.isMIP ? solution.relativeGap.map { max(0, $0) } : nil, relaxed: !integer,
            cvarWeight: risk.cvarWeight, cvarLevel: risk.cvarLevel, objective: nil, cases: [], expectedCost: nil, cvar: nil,
            waitAndSee: nil, expectedValuePlan: nil, valueOfStochasticSolution: nil, expectedValueOfPerfectInformation: nil,
            riskNeutralExpectedCost: nil, valuesFor: risk.cvarWeight > 0 ? "risk-neutral plan (λ = 0)" : "this plan", notes: [])
        if outcome.method != .whole { result.notes.append("solved by \(outcome.method.rawValue)") }
        result.notes += outcome.notes
        guard result.status == .optimal || result.status == .feasible, let objective = solution.objectiveValue else {
            result.notes.append("the extensive form has no plan (\(solution.termination.rawValue))")
            return TwoStageSolve(result: result, model: model, solution: solution, solverExpectedCost: nil, extras: extras)
        }
        if result.status == .feasible {
            if outcome.method == .rounding || outcome.method == .roundingThenBranchAndCut {
                result.notes.append("the plan is the decomposition heuristic's, gap \(Planner.gapText(solution.relativeGap)) to the relaxation's bound (\(solution.termination.rawValue))")
            } else {
                result.notes.append("the extensive form stopped at a limit (\(solution.termination.rawValue)), gap \(Planner.gapText(solution.relativeGap))")
            }
        }
        result.objective = objective
        let cases = scenario.demandCases
        // Each case read back and audited on its own scenario.
        var costs: [Double] = []
        for (c, demandCase) in cases.enumerated() {
            let caseModel = model.caseModels[c]
            let values = model.columnMap[c].map { solution.values[$0] }
            let decisions = PlanExtraction.decisions(
                scenario: caseModel.scenario, model: caseModel, values: .init(values), integer: integer)
            let caseScenario = scenario.withDemandCase(demandCase).withIntegerUnits(integer)
            let evaluation = PlanEvaluator(scenario: caseScenario, tolerance: options.auditTolerance).evaluate(decisions)
            let violations = Planner.auditedViolations(evaluation.violations, model: caseModel, tolerance: options.auditTolerance)
            if !violations.isEmpty {
                throw PlanAuditFailure(objective: objective, evaluatorCost: evaluation.discountedCost,
                                       violations: violations.map { "case \(demandCase.name): \($0.description)" })
            }
            costs.append(evaluation.discountedCost)
            result.cases.append(.init(
                name: demandCase.name, probability: demandCase.probability, apiPriceScale: demandCase.apiPriceScale,
                decisions: decisions, evaluation: evaluation, discountedCost: evaluation.discountedCost,
                perfectForesightCost: nil, regret: nil, expectedValuePlanCost: ev.caseCosts[c]))
        }
        let expected = zip(cases, costs).reduce(0.0) { $0 + $1.0.probability * $1.1 }
        // Audit: Σ π_c cost_c against the objective less the CVaR term (12.3).
        var cvarTerm = 0.0
        if let eta = model.cvarThreshold {
            cvarTerm = solution[eta]
            for (c, xi) in model.cvarExcess.enumerated() { cvarTerm += cases[c].probability * solution[xi] / (1 - risk.cvarLevel) }
        }
        let solverExpected = objective - risk.cvarWeight * cvarTerm
        if abs(expected - solverExpected) > options.auditTolerance * max(1, abs(objective)) {
            throw PlanAuditFailure(objective: solverExpected, evaluatorCost: expected, violations: [])
        }
        result.expectedCost = expected
        result.cvar = conditionalValueAtRisk(costs: costs, probabilities: cases.map(\.probability), level: risk.cvarLevel)

        // WS: each case alone.
        options.phase?("perfect foresight")
        var waitAndSee: Double? = 0
        var outOfTime: [String] = []
        // The cases on ParallelRunner (GLPK per thread), read back in case order.
        let quietOptions = quiet
        let alone: [Result<Solution?, Error>] = ParallelRunner.map(count: cases.count) { c in
            Result<Solution?, Error>(catching: {
                guard extras.remaining != nil else { return nil }
                let model = CapacityModelBuilder.buildModel(scenario.withDemandCase(cases[c]), options: CapacityModelOptions(names: false, integerUnits: integer))
                return try solveExtra(model.lp, options: quietOptions, deadline: extras)
            })
        }
        for c in cases.indices {
            guard let optimum = try alone[c].get() else {
                waitAndSee = nil
                outOfTime.append(cases[c].name)
                continue
            }
            if optimum.hasPrimalPoint, let z = optimum.objectiveValue {
                result.cases[c].perfectForesightCost = z
                result.cases[c].regret = costs[c] - z
                waitAndSee = waitAndSee.map { $0 + cases[c].probability * z }
                if optimum.termination != .optimal { result.notes.append("case \(cases[c].name) alone stopped at a limit (\(optimum.termination.rawValue)): z* is an upper bound") }
            } else {
                waitAndSee = nil
                result.notes.append("case \(cases[c].name) alone: no plan (\(optimum.termination.rawValue)); WS and EVPI not computed")
            }
        }
        if !outOfTime.isEmpty {
            result.notes.append("perfect foresight for case \(caseList(outOfTime)): \(Deadline.notComputed); WS and EVPI not computed")
        }
        result.waitAndSee = waitAndSee

        result.expectedValuePlan = ev.plan
        result.notes.append(contentsOf: ev.notes)

        // VSS and EVPI for the risk-neutral objective.
        var riskNeutral: Double? = expected
        if risk.cvarWeight > 0 {
            var neutralScenario = scenario
            neutralScenario.risk.cvarWeight = 0
            // Not even built when the budget is spent (with many cases the build takes a while).
            let neutral = extras.remaining == nil ? nil : extensiveForm(neutralScenario, integer: integer, names: false, risk: neutralScenario.risk)
            options.phase?("risk-neutral plan")
            if let neutral, let neutralSolution = try solveExtra(neutral.lp, options: quiet, deadline: extras, start: startingPoint(ev, model: neutral)) {
                riskNeutral = neutralSolution.hasPrimalPoint ? neutralSolution.objectiveValue : nil
                if riskNeutral == nil { result.notes.append("the risk-neutral plan: no plan (\(neutralSolution.termination.rawValue)); VSS and EVPI not computed") }
            } else {
                riskNeutral = nil
                result.notes.append("the risk-neutral plan: \(Deadline.notComputed); VSS and EVPI not computed")
            }
        }
        result.riskNeutralExpectedCost = riskNeutral
        if let riskNeutral {
            result.valueOfStochasticSolution = result.expectedValuePlan?.expectedCost.map { $0 - riskNeutral }
            result.expectedValueOfPerfectInformation = result.waitAndSee.map { riskNeutral - $0 }
        }
        return TwoStageSolve(result: result, model: model, solution: solution, solverExpectedCost: solverExpected, extras: extras)
    }

    /// CVaR_α of a discrete cost distribution (12.2): the mean of the worst (1 − α) share,
    /// the case on the boundary counted for the part of its probability inside the tail (the
    /// atom split). α = 0 gives the mean.
    public static func conditionalValueAtRisk(costs: [Double], probabilities: [Double], level alpha: Double) -> Double {
        let tail = 1 - alpha
        // Worst first; equal costs in case order (the value does not depend on it).
        let order = costs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : $0 < $1 }
        var left = tail, total = 0.0
        for k in order where left > 0 {
            let taken = min(probabilities[k], left)
            total += taken * costs[k]
            left -= taken
        }
        return total / tail
    }

    /// Columns of the first stage in a model of sections 1–11: arrivals b, units in service n,
    /// reserved units m and contract starts v (`fleetColumns`) and the commitments κ (12.2).
    public static func firstStageColumns(_ index: CapacityModelIndex) -> Set<Int> {
        index.fleetColumns.union(index.commitments.map(\.taken.index))
    }

    /// The period an arrival in q is ordered in (zero-based): q − ℓ_o, the root for arrivals
    /// within the lead time (12.6).
    public static func orderPeriod(arrival q: Int, purchase: PurchaseOffering) -> Int { max(0, q - purchase.leadTimePeriods) }

    /// t_j of 12.6 (zero-based) for each first-stage column of `model`: an arrival b_oq at its
    /// order period max(0, q − ℓ_o), n_op, m_op and v_op at p, κ_a at 0.
    public static func decisionPeriods(_ model: CapacityModel) -> [Int: Int] {
        let index = model.index, purchases = model.scenario.purchases
        var periods: [Int: Int] = [:]
        for (k, arrivals) in index.arrivals.enumerated() {
            for q in 0..<index.periods {
                if let b = arrivals.variable(q) { periods[b.index] = orderPeriod(arrival: q, purchase: purchases[k]) }
                periods[index.inService[k].start + q] = q
            }
        }
        for block in index.reservedUnits.compactMap({ $0 }) + index.contractStarts.compactMap({ $0 }) {
            for p in 0..<index.periods { periods[block.start + p] = p }
        }
        for commitment in index.commitments { periods[commitment.taken.index] = 0 }
        return periods
    }

    /// The columns that fix a first stage (the rest of it follows by equality rows): b, m of
    /// a reserved rental without contract starts, v, κ. n_op follows from the fleet rows and a
    /// contract's m_op from its contract rows.
    static func firstStageDecisions(_ index: CapacityModelIndex) -> [Int] {
        var columns: [Int] = []
        for arrivals in index.arrivals {
            for q in 0..<index.periods { if let b = arrivals.variable(q) { columns.append(b.index) } }
        }
        for (k, units) in index.reservedUnits.enumerated() {
            if let starts = index.contractStarts[k] {
                columns.append(contentsOf: (0..<index.periods).map { starts.start + $0 })
            } else if let units {
                columns.append(contentsOf: (0..<index.periods).map { units.start + $0 })
            }
        }
        columns.append(contentsOf: index.commitments.map(\.taken.index))
        return columns
    }

    /// The scenario's model for the shape of every case: the demand of each workload and
    /// period the largest over the cases, so that the one structural choice demand makes (n_op
    /// declared integer unless the fleet could reach `wholeFleetUnits`, exact either way) is
    /// that of the largest case. Reductions (options dearer per token left out) depend on
    /// prices: built only when no case scales the API prices.
    static func shapeModel(_ scenario: Scenario, integer: Bool, names: Bool) -> CapacityModel {
        var shape = scenario.withDemandCase(DemandCase(name: "shape", probability: 1, demand: [:]))
        for w in shape.workloads.indices {
            let id = shape.workloads[w].id
            for p in shape.workloads[w].demand.indices {
                let largest = scenario.demandCases.compactMap { $0.demand[id]?[p] }.max() ?? shape.workloads[w].demand[p]
                shape.workloads[w].demand[p] = largest
            }
        }
        let reductions = scenario.demandCases.allSatisfy { $0.apiPriceScale == 1 }
        return CapacityModelBuilder.buildModel(shape, options: CapacityModelOptions(names: names, integerUnits: integer, reductions: reductions))
    }

    /// Case `demandCase`'s model: the shape model with the case's demand, then its API prices.
    static func caseModel(_ shape: CapacityModel, scenario: Scenario, demandCase: DemandCase) -> CapacityModel {
        let caseScenario = scenario.withDemandCase(demandCase)
        let unscaled = DemandCase(name: demandCase.name, probability: 1, demand: demandCase.demand)
        return shape.withDemand(of: scenario.withDemandCase(unscaled))
            .withAPIPriceScale(demandCase.apiPriceScale, scenario: caseScenario)
    }

    /// The extensive form of 12.2, by composition: one copy of the scenario's model per case
    /// (its demand and API prices), the first-stage columns once with objective Σ_c π_c times
    /// the case's coefficient, the second-stage columns per case at π_c times theirs; a row
    /// touching only first-stage columns once (fleet, contract, powerCap, capitalBudget,
    /// fiscalCapex: no demand, no API price in them, so the same in every case), every other
    /// row once per case over the case's columns. With λ > 0: η free (objective λ), ξ_c ≥ 0
    /// (λ π_c / (1 − α)) and `cvarExcess[c]`: ξ_c + η − cost_c ≥ 0. Second-stage columns and
    /// per-case rows are named `name@case` when `names` is set. With `caseDecisions: adaptive`
    /// (12.6) "once" is once per node of the cases' tree at the column's decision period (the
    /// row's latest), a copy for a node short of every case named `name@case|case…`.
    public static func extensiveForm(_ scenario: Scenario, integer: Bool, names: Bool, risk: RiskPolicy) -> TwoStageModel {
        let cases = scenario.demandCases
        let shape = shapeModel(scenario, integer: integer, names: names)
        let first = firstStageColumns(shape.index)
        let base = shape.lp
        let columnCount = base.variableCount, rowCount = base.constraintCount
        // 12.6: a first-stage column has one copy per node at its decision period t_j; a row of
        // first-stage columns only, one per node at T_i = max t_j. One node throughout for
        // here-and-now: one copy of each, 12.2.
        let tree = CaseTree(scenario)
        let decided = decisionPeriods(shape)
        // Rows whose every entry is a first-stage column (an empty row is per case: it can only
        // be a demand row without options, whose right-hand side is the case's).
        var secondStageRow = [Bool](repeating: false, count: rowCount)
        var hasEntry = [Bool](repeating: false, count: rowCount)
        for k in 0..<base.entryCount {
            let row = Int(base.entryRows[k])
            hasEntry[row] = true
            if !first.contains(Int(base.entryColumns[k])) { secondStageRow[row] = true }
        }
        for row in 0..<rowCount where !hasEntry[row] { secondStageRow[row] = true }
        var rowPeriod = [Int](repeating: 0, count: rowCount)
        for k in 0..<base.entryCount where !secondStageRow[Int(base.entryRows[k])] {
            let row = Int(base.entryRows[k])
            rowPeriod[row] = max(rowPeriod[row], decided[Int(base.entryColumns[k])] ?? 0)
        }
        // The nodes' leads at t, ascending.
        let leads = tree.lead.map { Array(Set($0)).sorted() }

        var lp = LinearModel(name: base.name, direction: .minimize)
        let secondColumns = columnCount - first.count
        let secondRows = secondStageRow.filter { $0 }.count
        lp.reserveCapacity(
            variables: first.count + cases.count * (secondColumns + 1) + 1, constraints: (rowCount - secondRows) + cases.count * (secondRows + 1),
            entries: base.entryCount * cases.count + cases.count * (columnCount + 2))
        func suffix(_ name: String, _ c: Int) -> String { names ? "\(name)@\(cases[c].name)" : "" }
        func bound(_ lower: Double?, _ upper: Double?) -> ConstraintBound {
            switch (lower, upper) {
            case let (l?, u?): return l == u ? .equal(l) : .range(l, u)
            case let (l?, nil): return .greaterOrEqual(l)
            case let (nil, u?): return .lessOrEqual(u)
            case (nil, nil): return .greaterOrEqual(-Double.greatestFiniteMagnitude)
            }
        }
        // First-stage columns, in the model's order, each node's copy in the order of the nodes'
        // leads; their objective is summed over the node's cases.
        var nodeColumn = [Int: [Int: Int]]()
        for j in 0..<columnCount where first.contains(j) {
            let v = Variable(index: j), (lower, upper) = base.bounds(of: v), t = decided[j] ?? 0
            for node in leads[t] {
                let name = names ? base.name(of: v) + tree.suffix(at: t, lead: node) : base.name(of: v)
                nodeColumn[j, default: [:]][node] = lp.addVariable(name: name, lowerBound: lower, upperBound: upper, kind: base.kind(of: v), objective: 0).index
            }
        }
        var nodeRow = [Int: [Int: Int]]()
        for i in 0..<rowCount where !secondStageRow[i] {
            let (lower, upper) = base.bounds(of: Constraint(index: i)), t = rowPeriod[i]
            for node in leads[t] {
                let name = names ? base.name(of: Constraint(index: i)) + tree.suffix(at: t, lead: node) : base.name(of: Constraint(index: i))
                nodeRow[i, default: [:]][node] = lp.addConstraint(name: name, variables: [], coefficients: [], bound(lower, upper)).index
            }
        }
        var caseModels: [CapacityModel] = []
        var columnMap: [[Int]] = []
        var rowMaps: [[Int]] = []
        var costTerms: [[(Int, Double)]] = []
        var constants: [Double] = []
        for (c, demandCase) in cases.enumerated() {
            var caseModel = caseModel(shape, scenario: scenario, demandCase: demandCase)
            let copy = caseModel.lp
            var map = [Int](repeating: -1, count: columnCount)
            for (j, copies) in nodeColumn { map[j] = copies[tree.lead[decided[j] ?? 0][c]]! }
            var terms: [(Int, Double)] = []
            for j in 0..<columnCount {
                let v = Variable(index: j), coefficient = copy.objectiveCoefficient(of: v)
                if first.contains(j) {
                    lp.addToObjective(Variable(index: map[j]), demandCase.probability * coefficient)
                } else {
                    let (lower, upper) = copy.bounds(of: v)
                    map[j] = lp.addVariable(
                        name: suffix(copy.name(of: v), c), lowerBound: lower, upperBound: upper, kind: copy.kind(of: v),
                        objective: demandCase.probability * coefficient).index
                }
                if coefficient != 0 { terms.append((map[j], coefficient)) }
            }
            var rowMap = [Int](repeating: -1, count: rowCount)
            // The case writes the entries of the first-stage rows of the nodes it leads.
            var writes = secondStageRow
            for (i, copies) in nodeRow {
                let node = tree.lead[rowPeriod[i]][c]
                rowMap[i] = copies[node]!
                writes[i] = node == c
            }
            for i in 0..<rowCount where secondStageRow[i] {
                let (lower, upper) = copy.bounds(of: Constraint(index: i))
                rowMap[i] = lp.addConstraint(name: suffix(copy.name(of: Constraint(index: i)), c), variables: [], coefficients: [], bound(lower, upper)).index
            }
            for k in 0..<copy.entryCount {
                let row = Int(copy.entryRows[k])
                // A first-stage row comes from its node's lead (the same in each of its cases).
                guard writes[row] else { continue }
                lp.addTerm(Constraint(index: rowMap[row]), Variable(index: map[Int(copy.entryColumns[k])]), copy.entryValues[k])
            }
            lp.objectiveConstant += demandCase.probability * copy.objectiveConstant
            constants.append(copy.objectiveConstant)
            costTerms.append(terms)
            columnMap.append(map)
            rowMaps.append(rowMap)
            // The case's LP is in the extensive form now; its index and rates stay for reading back.
            caseModel.lp = LinearModel()
            caseModels.append(caseModel)
        }
        var threshold: Variable?
        var excess: [Variable] = []
        var excessRows: [Constraint] = []
        if risk.cvarWeight > 0 {
            let lambda = risk.cvarWeight, tail = 1 - risk.cvarLevel
            let eta = lp.addVariable(name: names ? "cvarThreshold" : "", lowerBound: nil, upperBound: nil, objective: lambda)
            threshold = eta
            for (c, demandCase) in cases.enumerated() {
                let xi = lp.addVariable(name: names ? "cvarExcess@\(demandCase.name)" : "", lowerBound: 0, objective: lambda * demandCase.probability / tail)
                excess.append(xi)
                // ξ_c + η − cost_c ≥ constant_c (cost_c = Σ_j coefficient_j x_j + constant_c).
                excessRows.append(lp.addConstraint(
                    name: names ? "cvarExcess[\(demandCase.name)]" : "",
                    terms: [(xi, 1), (eta, 1)] + costTerms[c].map { (Variable(index: $0.0), -$0.1) }, .greaterOrEqual(constants[c])))
            }
        }
        return TwoStageModel(lp: lp, caseModels: caseModels, columnMap: columnMap, rowMap: rowMaps, cvarThreshold: threshold, cvarExcess: excess, cvarExcessRows: excessRows, firstStageColumns: first, shape: shape,
                             tree: tree, decisionPeriods: decided)
    }

    /// The EV plan, EEV and a starting point of the extensive form.
    struct ExpectedValueOutcome {
        var plan: TwoStageResult.ExpectedValuePlan
        /// cost_c(EV) per case (nil: infeasible).
        var caseCosts: [Double?]
        /// Per case, the values of its copy's columns with the EV first stage; nil unless every
        /// case is feasible.
        var start: [[Double]]?
        var notes: [String]
        /// The EV plan's first stage as fixed in each case (shape column → value); nil without
        /// an EV plan. A candidate of the decomposition heuristic (`CaseDecomposition`).
        var firstStage: [Int: Double]? = nil
        /// Seconds of each case's solve with the EV first stage that ended within the budget:
        /// the decomposition heuristic reserves time for its own completions from them.
        var caseSeconds: [Double] = []
    }

    /// The EV plan and EEV (12.3): the scenario at the mean demand Σ_c π_c D^c_wp and mean API
    /// price scale solved alone (on the shape model's layout), then in each case's copy its
    /// first stage fixed (b, m without contract starts, v, κ; n and a contract's m follow from
    /// their equality rows) and the second stage re-solved.
    static func expectedValuePlan(
        _ scenario: Scenario, model: TwoStageModel, integer: Bool, options: PlanOptions, deadline: Deadline
    ) throws -> ExpectedValueOutcome {
        let cases = scenario.demandCases
        var mean: [String: [Double]] = [:]
        for workload in scenario.workloads {
            mean[workload.id] = workload.demand.indices.map { p in
                cases.reduce(0.0) { $0 + $1.probability * ($1.demand[workload.id]?[p] ?? workload.demand[p]) }
            }
        }
        let meanCase = DemandCase(name: "mean", probability: 1, demand: mean, apiPriceScale: cases.reduce(0.0) { $0 + $1.probability * $1.apiPriceScale })
        let evModel = caseModel(model.shape, scenario: scenario, demandCase: meanCase)
        guard let ev = try solveExtra(evModel.lp, options: options, deadline: deadline) else {
            return .init(plan: .init(discountedCost: nil, decisions: nil, expectedCost: nil, infeasibleCases: []),
                         caseCosts: cases.map { _ in nil }, start: nil,
                         notes: ["the plan for the mean demand: \(Deadline.notComputed); EEV and VSS not computed"])
        }
        guard ev.hasPrimalPoint, let evCost = ev.objectiveValue else {
            return .init(plan: .init(discountedCost: nil, decisions: nil, expectedCost: nil, infeasibleCases: []),
                         caseCosts: cases.map { _ in nil }, start: nil,
                         notes: ["the plan for the mean demand: no plan (\(ev.termination.rawValue)); EEV and VSS not computed"])
        }
        var firstStage = PlanExtraction.decisions(scenario: evModel.scenario, model: evModel, solution: ev, integer: integer)
        firstStage.onDemandUnits = [:]
        firstStage.served = [:]
        firstStage.unserved = [:]
        firstStage.training = [:]
        firstStage.deferred = [:]
        let fixed = firstStageDecisions(evModel.index)
        var eev: Double? = 0
        var infeasible: [String] = []
        var caseCosts: [Double?] = []
        var start: [[Double]]? = []
        var outOfTime: [String] = []
        var caseSeconds: [Double] = []
        // The cases on ParallelRunner (GLPK per thread), read back in case order.
        let solved: [Result<Solution?, Error>] = ParallelRunner.map(count: cases.count) { c in
            Result<Solution?, Error>(catching: {
                guard deadline.remaining != nil else { return nil }
                var copy = caseModel(model.shape, scenario: scenario, demandCase: cases[c])
                for j in fixed {
                    let column = Variable(index: j)
                    let value = copy.lp.kind(of: column) == .continuous ? ev.values[j] : ev.values[j].rounded()
                    copy.lp.setBounds(column, lower: value, upper: value)
                }
                return try solveExtra(copy.lp, options: options, deadline: deadline)
            })
        }
        for (c, demandCase) in cases.enumerated() {
            guard let solution = try solved[c].get() else {
                caseCosts.append(nil)
                eev = nil
                start = nil
                outOfTime.append(demandCase.name)
                continue
            }
            if solution.termination != .timeLimit { caseSeconds.append(solution.seconds) }
            if solution.hasPrimalPoint, let cost = solution.objectiveValue {
                caseCosts.append(cost)
                eev = eev.map { $0 + demandCase.probability * cost }
                start?.append(solution.values)
            } else {
                caseCosts.append(nil)
                eev = nil
                start = nil
                // Infeasible: EEV is +∞; stopped at a limit without a plan: not known.
                if solution.stoppedAtLimit { outOfTime.append(demandCase.name) } else { infeasible.append(demandCase.name) }
            }
        }
        var notes: [String] = []
        if !outOfTime.isEmpty {
            notes.append("the mean-demand plan's first stage in case \(caseList(outOfTime)): \(Deadline.notComputed) (or no plan within the node limit); EEV and VSS not computed")
        }
        if !infeasible.isEmpty {
            notes.append("the mean-demand plan's first stage cannot serve case \(infeasible.joined(separator: ", ")): EEV is +∞, VSS not computed")
        }
        let fixedValues = Dictionary(uniqueKeysWithValues: fixed.map { j in
            (j, evModel.lp.kind(of: Variable(index: j)) == .continuous ? ev.values[j] : ev.values[j].rounded())
        })
        return .init(plan: .init(discountedCost: evCost, decisions: firstStage, expectedCost: eev, infeasibleCases: infeasible),
                     caseCosts: caseCosts, start: start, notes: notes, firstStage: fixedValues, caseSeconds: caseSeconds)
    }

    /// A point of the extensive form from each case's column values and cost (the first stage
    /// the same in every case): with λ > 0, η = 0 and ξ_c = max(0, cost_c).
    static func startingPoint(_ outcome: ExpectedValueOutcome, model: TwoStageModel) -> [Double]? {
        guard let caseValues = outcome.start else { return nil }
        var point = [Double](repeating: 0, count: model.lp.variableCount)
        for (c, values) in caseValues.enumerated() {
            for (j, value) in values.enumerated() { point[model.columnMap[c][j]] = value }
        }
        if model.cvarThreshold != nil {
            for (c, xi) in model.cvarExcess.enumerated() { point[xi.index] = max(0, outcome.caseCosts[c] ?? 0) }
        }
        return point
    }

    /// Case names for a note: the first ten, then how many more (a note about 200 cases stays a line).
    static func caseList(_ names: [String]) -> String {
        names.count <= 10 ? names.joined(separator: ", ") : names.prefix(10).joined(separator: ", ") + " and \(names.count - 10) more"
    }

    /// An extra solve (the mean-demand plan, its first stage in a case, a case alone, the
    /// risk-neutral plan): within what is left of `deadline` and the extras' node limit (so
    /// deterministic unless the budget ends first), at the plan's gap; nil when the budget is
    /// spent.
    static func solveExtra(_ lp: LinearModel, options: PlanOptions, deadline: Deadline, start: [Double]? = nil) throws -> Solution? {
        guard let seconds = deadline.remaining else { return nil }
        var solveOptions = options.solveOptions(timeLimit: seconds, mipGap: options.mipGap)
        if lp.hasIntegerVariables { solveOptions.mip.startingSolution = start }
        solveOptions.mip.nodeLimit = PlanOptions.extrasNodeLimit
        return try GLPKSolver.solve(lp, options: solveOptions)
    }

    /// One solve of the extensive form whole: branch-and-cut (or the simplex with continuous
    /// units) within `timeLimit` (nil: `options.mainTimeLimit`) and `options.mipGap`, from
    /// `start`. The planner's single-scenario heuristics read a model of sections 1–11 through
    /// its index and do not apply here; the decomposition by case is `CaseDecomposition`
    /// (docs/formulation.md 12.4).
    static func solve(_ lp: LinearModel, options: PlanOptions, main: Bool, start: [Double]? = nil, timeLimit: Double? = nil) throws -> Solution {
        var solveOptions = options.solveOptions(timeLimit: timeLimit ?? options.mainTimeLimit, mipGap: options.mipGap)
        if lp.hasIntegerVariables { solveOptions.mip.startingSolution = start }
        if main {
            solveOptions.output = options.output
            solveOptions.mip.progress = options.progress
        }
        return try GLPKSolver.solve(lp, options: solveOptions)
    }
}
