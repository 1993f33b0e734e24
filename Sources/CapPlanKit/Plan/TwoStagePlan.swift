import LinearProgramming

// The plan document of a two-stage plan (docs/plan-format.md `twoStage`, docs/formulation.md
// section 12): the first stage (purchases, reserved contracts) is the same in every case; the
// body (periods, fleet, tokens, costs, totals, finance) is one case's, built by the same code
// as a deterministic plan from that case's decisions and evaluation.

extension TwoStagePlanner {
    /// What a two-stage plan leaves out, said in its warnings.
    static let notComputedWarning =
        "two-stage plan: baselines, price thresholds, job deadlines, the price outlook's static-price plan and marginal costs are not computed for plans over demand cases"

    /// Plans `scenario` over its demand cases and writes the plan document: `twoStage` with
    /// the figures of 12.3, the body of the most probable case. The extensive form is solved
    /// within the main time limit; every other solve shares `options.extrasTimeLimit`
    /// (docs/plan-format.md). An infeasible extensive form gets the diagnosis of the first
    /// case that is infeasible alone. Throws `TwoStageError.noDemandCases` without cases and
    /// `PlanAuditFailure` when the evaluator disagrees with the solver.
    public static func planDocument(_ scenario: Scenario, options: PlanOptions = PlanOptions()) throws -> PlanDocument {
        let integer = scenario.policy.integerUnits && !options.relax
        let solved = try solveTwoStage(scenario, options: options)
        return try document(scenario, solved: solved, integer: integer, options: options)
    }

    /// The case the body of the plan shows: the most probable, the first on ties.
    static func bodyCaseIndex(_ cases: [DemandCase]) -> Int {
        var best = 0
        for c in cases.indices where cases[c].probability > cases[best].probability { best = c }
        return best
    }

    static func document(_ scenario: Scenario, solved: TwoStageSolve, integer: Bool, options: PlanOptions) throws -> PlanDocument {
        let result = solved.result, solution = solved.solution
        let solver = PlanDocument.SolverInfo(
            version: glpkVersion, method: solution.isMIP ? .branchAndCut : .simplex,
            termination: solution.termination.rawValue, glpkReturnCode: solution.raw.returnCodeName,
            glpkStatus: solution.raw.statusName, rows: result.rows, columns: result.columns, nonzeros: result.nonzeros,
            integerColumns: result.integerColumns, mipGap: result.mipGap, mipGapRequested: solution.isMIP ? options.mipGap : nil,
            relaxed: options.relax, reductions: solved.model.shape.reductions, simplexIterations: solution.simplexIterations,
            nodes: solution.nodes, seconds: options.timings ? solution.seconds : nil)
        var document = PlanDocument(
            scenario: .init(name: scenario.name, capexAccounting: scenario.capexAccounting, discountRate: scenario.discountRate, integerUnits: integer),
            status: result.status, solver: solver, horizon: Planner.horizonInfo(scenario),
            totals: nil, purchases: [], periods: [], baselines: nil, audit: nil, diagnosis: nil, warnings: [notComputedWarning])
        let cases = scenario.demandCases
        let body = bodyCaseIndex(cases)
        document.twoStage = section(result, scenario: scenario, body: body)
        guard result.status == .optimal || result.status == .feasible, result.cases.count == cases.count,
              let expected = result.expectedCost, let solverExpected = solved.solverExpectedCost else {
            if result.status == .infeasible || result.status == .unbounded {
                document.diagnosis = try diagnosis(scenario, integer: integer, options: options, deadline: solved.extras)
            }
            return document
        }
        // Each case's rows were audited in the solve; what ties the cases together, checked by
        // the evaluator's own reading of the tree (12.6).
        let tied = NonAnticipativityCheck.violations(scenario, decisions: result.cases.map(\.decisions), tolerance: options.auditTolerance)
        if !tied.isEmpty { throw PlanAuditFailure(objective: solverExpected, evaluatorCost: expected, violations: tied) }
        if scenario.caseDecisions == .adaptive, var twoStage = document.twoStage {
            try valueOfAdapting(scenario, into: &twoStage, expected: expected, integer: integer, options: options, deadline: solved.extras)
            document.twoStage = twoStage
        }
        let line = result.cases[body]
        let caseScenario = scenario.withDemandCase(cases[body])
        PlanExtraction.fill(
            &document, scenario: caseScenario, model: solved.model.caseModels[body], solution: solution,
            decisions: line.decisions, evaluation: line.evaluation)
        document.finance = try FinanceComputation.finance(document, scenario: caseScenario, decisions: line.decisions, evaluation: line.evaluation)
        // The audit of the whole plan: the evaluator's Σ π_c cost_c against the objective less
        // the CVaR term (each case's rows were checked in the solve).
        document.audit = .init(evaluatorDiscountedCost: expected, solverObjective: solverExpected, tolerance: options.auditTolerance, violations: [])
        if result.status == .feasible {
            document.warnings.append("the solver stopped at a limit (\(solution.termination.rawValue)); the plan is feasible but may not be optimal (gap \(result.mipGap.map { String($0) } ?? "unknown"))")
        }
        return document
    }

    /// The `twoStage` section from the solve's figures.
    static func section(_ result: TwoStageResult, scenario: Scenario, body: Int) -> PlanDocument.TwoStagePlan {
        let labels = scenario.horizon.labels
        func lines(_ cost: CostBreakdown) -> PlanDocument.CostLines {
            var lines = PlanExtraction.costLines(cost)
            if cost.apiCommitment != 0 { lines.apiCommitment = cost.apiCommitment }
            return lines
        }
        let caseLines = result.cases.map { line in
            PlanDocument.CaseLine(
                name: line.name, probability: line.probability, apiPriceScale: line.apiPriceScale,
                discountedCost: line.discountedCost, cost: line.evaluation.totalCost,
                perfectForesightCost: line.perfectForesightCost,
                // Equal costs can differ in the last bits; a regret within them reads as 0.
                regret: line.regret.map { abs($0) <= 1e-9 * max(1, abs(line.discountedCost)) ? 0 : $0 },
                expectedValuePlanCost: line.expectedValuePlanCost,
                periods: line.evaluation.periods.enumerated().map { p, period in
                    .init(period: p < labels.count ? labels[p] : period.label, cost: lines(period.cost), discountedCost: lines(period.discountedCost))
                })
        }
        let ev = result.expectedValuePlan.map { plan in
            PlanDocument.ExpectedValuePlan(
                discountedCost: plan.discountedCost, expectedCost: plan.expectedCost,
                purchases: firstStageLines(scenario.purchases.map(\.id), plan.decisions?.arrivals ?? [:], labels: labels),
                reservedUnits: firstStageLines(scenario.rentals.map(\.id), plan.decisions?.reservedUnits ?? [:], labels: labels),
                infeasibleCases: plan.infeasibleCases)
        }
        var section = PlanDocument.TwoStagePlan(
            bodyCase: scenario.demandCases[body].name, cases: caseLines, expectedCost: result.expectedCost, cvar: result.cvar,
            cvarLevel: result.cvarLevel, cvarWeight: result.cvarWeight, waitAndSee: result.waitAndSee, expectedValuePlan: ev,
            valueOfStochasticSolution: result.valueOfStochasticSolution,
            expectedValueOfPerfectInformation: result.expectedValueOfPerfectInformation, valuesFor: result.valuesFor,
            notes: result.notes)
        if scenario.caseDecisions == .adaptive {
            section.decisions = CaseDecisions.adaptive.rawValue
            if result.cases.count == scenario.demandCases.count {
                section.tree = treeBranches(scenario, decisions: result.cases.map(\.decisions))
            }
            // Cases that part at once (scales, samples) share only the first period's decisions.
            let tree = CaseTree(scenario)
            if scenario.demandCases.count > 1, tree.lead.count > 1, Set(tree.lead[1]).count == scenario.demandCases.count {
                section.notes.append("adaptive: every case differs from the first period on, so the cases share only the decisions taken at the start (a fan, not a deeper tree); give cases per-period demand lists that agree on their first periods for a tree that branches later")
            }
        }
        return section
    }

    /// The value of adapting (12.6): the same cases planned here-and-now (their extensive form
    /// solved within what is left of the extras' budget, at the extras' node limit), its RP
    /// against this plan's. Risk neutral only (with λ > 0 the objectives weigh CVaR too): a note
    /// otherwise, and when the budget is spent or the solve stops without an optimum.
    static func valueOfAdapting(
        _ scenario: Scenario, into twoStage: inout PlanDocument.TwoStagePlan, expected: Double, integer: Bool, options: PlanOptions,
        deadline: Deadline
    ) throws {
        guard scenario.risk.cvarWeight == 0 else {
            twoStage.notes.append("the value of adapting is computed for risk-neutral plans only (plan the scenario with caseDecisions: here-and-now to compare)")
            return
        }
        var hereAndNow = scenario
        hereAndNow.caseDecisions = .hereAndNow
        var quiet = options
        quiet.output = nil
        quiet.progress = nil
        quiet.phase = nil
        options.phase?("here-and-now plan")
        let model = deadline.remaining == nil ? nil : extensiveForm(hereAndNow, integer: integer, names: false, risk: hereAndNow.risk)
        guard let model, let solution = try solveExtra(model.lp, options: quiet, deadline: deadline) else {
            twoStage.notes.append("the here-and-now plan: \(Deadline.notComputed); the value of adapting not computed")
            return
        }
        guard solution.termination == .optimal, let cost = solution.objectiveValue else {
            twoStage.notes.append("the here-and-now plan: no optimum (\(solution.termination.rawValue)); the value of adapting not computed")
            return
        }
        twoStage.hereAndNowExpectedCost = cost
        // Equal costs can differ in the last bits: within them the value reads as 0.
        let value = cost - expected
        twoStage.valueOfAdapting = abs(value) <= 1e-9 * max(1, abs(cost)) ? 0 : value
    }

    /// The tree's branches (12.6 "What the plan reports"), each with the orders decided in its
    /// periods, read from its first case's decisions (every case of a branch has the same ones
    /// there): purchases by order period, reserved units by period, commitments at the root.
    static func treeBranches(_ scenario: Scenario, decisions: [PlanDecisions]) -> [PlanDocument.TreeBranch] {
        let tree = CaseTree(scenario), labels = scenario.horizon.labels
        let cases = scenario.demandCases
        return tree.branches.map { branch in
            let lead = decisions[branch.cases[0]]
            let periods = branch.from...branch.through
            var orders: [PlanDocument.TreeOrder] = []
            for purchase in scenario.purchases {
                for (q, units) in (lead.arrivals[purchase.id] ?? []).enumerated() where units > 0 && q < labels.count {
                    let ordered = orderPeriod(arrival: q, purchase: purchase)
                    guard periods.contains(ordered) else { continue }
                    orders.append(.init(kind: .purchase, offering: purchase.id, period: labels[q], orderBy: labels[ordered], units: units))
                }
            }
            for rental in scenario.rentals where rental.commitment == .period {
                for (p, units) in (lead.reservedUnits[rental.id] ?? []).enumerated() where units > 0 && periods.contains(p) && p < labels.count {
                    orders.append(.init(kind: .reserved, offering: rental.id, period: labels[p], orderBy: labels[p], units: units))
                }
            }
            if branch.parent == nil {
                for id in lead.apiCommitments { orders.append(.init(kind: .commitment, offering: id, period: labels[0], orderBy: labels[0], units: 1)) }
            }
            return PlanDocument.TreeBranch(
                from: labels[branch.from], through: labels[branch.through], cases: branch.cases.map { cases[$0].name },
                probability: branch.cases.reduce(0.0) { $0 + cases[$1].probability }, parent: branch.parent, orders: orders)
        }
    }

    /// Units > 0 by offering (in the scenario's order) and period.
    static func firstStageLines(_ ids: [String], _ units: [String: [Double]], labels: [String]) -> [PlanDocument.FirstStageLine] {
        ids.flatMap { id in
            (units[id] ?? []).enumerated().compactMap { p, value in
                value > 0 && p < labels.count ? PlanDocument.FirstStageLine(offering: id, period: labels[p], units: value) : nil
            }
        }
    }

    /// Why the extensive form has no plan: each case solved alone within the extras' budget;
    /// the first infeasible one diagnosed (InfeasibilityDiagnosis, as a deterministic plan), the
    /// infeasible ones named. When every case is feasible alone, the cases conflict only
    /// through the first stage they share.
    static func diagnosis(_ scenario: Scenario, integer: Bool, options: PlanOptions, deadline: Deadline) throws -> PlanDocument.Diagnosis {
        var quiet = options
        quiet.output = nil
        quiet.progress = nil
        quiet.phase = nil
        var infeasible: [Int] = []
        var unchecked: [String] = []
        for (c, demandCase) in scenario.demandCases.enumerated() {
            guard let seconds = deadline.remaining else {
                unchecked.append(demandCase.name)
                continue
            }
            let caseScenario = scenario.withDemandCase(demandCase)
            let model = CapacityModelBuilder.buildModel(caseScenario, options: CapacityModelOptions(names: false, integerUnits: integer))
            let solution = try Planner.solve(model, options: quiet, timeLimit: seconds, mipGap: max(options.mipGap, PlanOptions.extrasMIPGap), main: false)
            let status = Planner.status(of: solution)
            if status == .infeasible || status == .unbounded { infeasible.append(c) }
        }
        let names = infeasible.map { scenario.demandCases[$0].name }
        let uncheckedNote = unchecked.isEmpty ? "" : "; cases \(caseList(unchecked)) \(Deadline.notComputed)"
        guard let first = infeasible.first else {
            return .init(
                summary: "no first stage serves every demand case, though no case checked is infeasible alone: the cases conflict through the purchases and contracts they share" + uncheckedNote,
                shortfalls: [])
        }
        var diagnosis = try InfeasibilityDiagnosis.diagnose(
            scenario.withDemandCase(scenario.demandCases[first]), integer: integer, options: quiet, deadline: deadline)
        diagnosis.summary = "demand case\(names.count == 1 ? "" : "s") \(caseList(names)) infeasible alone; case \(names[0]): " + diagnosis.summary + uncheckedNote
        return diagnosis
    }
}

/// A two-stage solve and what the plan document needs from it besides the figures.
struct TwoStageSolve {
    var result: TwoStageResult
    /// The extensive form's layout (each case's index, the shape model's reductions).
    var model: TwoStageModel
    /// The extensive form's solution.
    var solution: Solution
    /// The solver's objective less the CVaR term: what Σ π_c cost_c must equal (12.3).
    var solverExpectedCost: Double?
    /// The extras' budget, what is left of it for the diagnosis.
    var extras: Deadline
}

extension PlanDocument {
    /// A branch of the cases' tree (12.6): a run of periods over which its cases stay together.
    /// The root's orders are what to order now; the others are contingent on its demand path.
    public struct TreeBranch: Codable, Sendable, Equatable {
        /// First and last period of the run.
        public var from: String
        public var through: String
        public var cases: [String]
        /// Σ π_c over its cases.
        public var probability: Double
        /// Position in `tree` of the branch it split from; nil for the root.
        public var parent: Int?
        /// Decisions taken in its periods, units > 0.
        public var orders: [TreeOrder]
    }

    /// One decision of a branch: a purchase arriving in `period`, ordered by `orderBy`; reserved
    /// units in `period`; a committed-use contract (units 1) signed at the start.
    public struct TreeOrder: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case purchase, reserved, commitment }
        public var kind: Kind
        public var offering: String
        public var period: String
        public var orderBy: String
        public var units: Double
    }
}
