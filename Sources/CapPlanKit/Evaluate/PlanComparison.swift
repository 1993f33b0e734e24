// `capplan evaluate`: a person's plan checked (full plan) or completed (purchases-only plan),
// costed by the independent evaluator, and set next to the optimal plan (docs/evaluate-format.md).
import Foundation

/// The JSON report of `capplan evaluate --json` (docs/evaluate-format.md).
public struct PlanEvaluationReport: Codable, Sendable {
    public enum Status: String, Codable, Sendable {
        /// The plan (as written, or completed) satisfies every constraint.
        case feasible
        /// A full plan breaks constraints (see `violations`).
        case violated
        /// A purchases-only plan cannot be completed: see `violations` (fixed decisions that break
        /// a bound, the power cap or the capital budget) or `unmetDemand`.
        case infeasible
        /// The solver stopped without an answer.
        case error
    }

    /// 2: reserved rentals are contracts with terms (docs/formulation.md 8.1); cost lines gain
    /// `platform` and the commitments beyond the horizon; `derived` is new.
    public var schemaVersion = 2
    public var scenario: String
    public var planName: String?
    /// The edits applied to the scenario before the plan was costed (`evaluate --set`), in
    /// order, as `path=value`; absent without edits.
    public var scenarioEdits: [String]?
    public var shape: PlanInput.Shape
    public var status: Status
    public var completion: Completion?
    /// The plan's costs and usage; absent when it could not be completed.
    public var plan: PlanSummary?
    /// Every decision of the plan as checked (full plan) or completed (purchases-only plan), in the
    /// evaluator's terms: 0-based [period][slice] arrays keyed by offering and workload ids.
    public var decisions: PlanDecisions?
    /// What the evaluator derived from the plan's decisions (docs/formulation.md 8): absent when
    /// the plan could not be completed.
    public var derived: Derived?
    /// Every violated constraint or bound, bounds and domains first, then rows.
    public var violations: [ConstraintViolation]
    /// When a purchases-only plan cannot be completed: demand its fleet cannot serve.
    public var unmetDemand: [UnmetDemand]
    public var optimal: PlanSummary?
    /// Why there is no optimal plan to compare with.
    public var optimalUnavailable: String?
    public var comparison: Comparison?
    public var notes: [String]
    /// A scenario with demand cases (docs/formulation.md section 12): the plan's first stage
    /// completed and costed in each case, against the two-stage optimum; absent otherwise (the
    /// plan, decisions and comparison above are then absent).
    public var cases: CasesEvaluation?

    /// How a purchases-only plan was completed.
    public struct Completion: Codable, Sendable {
        /// What the plan fixed.
        public var fixed: [String]
        /// What the solver chose.
        public var optimized: [String]
        /// The solver's termination (`optimal`, `infeasible`, ...), or `not solved` when blocked.
        public var termination: String
        public var mipGap: Double?
    }

    /// What a plan implies beyond its decisions, recovered by the evaluator (8.1–8.3).
    public struct Derived: Codable, Sendable {
        /// v_op: units whose contract starts in each period, by reserved rental id.
        public var contractStarts: [String: [Double]]
        /// ρ_owkps: the fewest replicas the plan needs, offering id -> serving option (the workload id,
        /// `workload@precision` for a derived option) -> `[period][slice]`.
        public var replicas: [String: [String: [[Double]]]]
        /// Costed platforms: in use per period, adoption period (0-based) and costs.
        public var platforms: [PlatformEvaluation]
        /// Training jobs (docs/formulation.md section 10): pool, accelerator-hours, share of the
        /// compute done, first and last period; absent when the scenario has no jobs.
        public var jobs: [JobEvaluation]?
        /// The horizon's period labels, for the 0-based periods above.
        public var periodLabels: [String]
    }

    /// Costs (USD) and usage of one plan.
    public struct PlanSummary: Codable, Sendable {
        /// Σ_p δ_p cost_p − δ_{P+1} salvage + discounted commitments beyond the horizon.
        public var discountedCost: Double
        /// Undiscounted Σ_p cost_p − salvage + commitments beyond the horizon.
        public var cost: Double
        /// Rent of reserved contracts for the periods after the horizon, undiscounted (a liability).
        public var commitmentsBeyondHorizon: Double
        /// The same, discounted.
        public var discountedCommitmentsBeyondHorizon: Double
        public var costByComponent: CostBreakdown
        public var discountedCostByComponent: CostBreakdown
        public var salvage: Double
        public var discountedSalvage: Double
        public var tokensDemanded: Double
        public var tokensServed: Double
        /// Tokens declared unserved (u, with a penalty).
        public var tokensUnserved: Double
        /// Tokens neither served nor declared unserved: the shortfall of violated demand rows (full plans).
        public var tokensShort: Double
        /// Tokens sent to APIs.
        public var apiTokens: Double
        /// Σ_p Σ_o n_op: owned units in service, summed over periods (existing units included).
        public var ownedUnitPeriods: Double
        /// Busy share of the owned units' capacity, hours-weighted over slices and periods:
        /// Σ load · η_s / Σ 24 n_op; nil when nothing is owned.
        public var ownedUtilization: Double?
        /// Units bought, by offering id (arrivals summed over the horizon).
        public var unitsBought: [String: Double]
    }

    /// A discounted cost line; salvage enters as a negative line.
    public enum CostComponent: String, Codable, Sendable {
        case capex, energy, fixedOpex, rental, api, unservedPenalty, platform, commitmentsBeyondHorizon, salvage
        /// Committed-use API contracts (docs/formulation.md 11.5): shortfall paid less discount
        /// earned; listed only when the scenario offers a contract.
        case apiCommitment
    }

    /// One cost line, discounted, in both plans.
    public struct ComponentDifference: Codable, Sendable {
        public var component: CostComponent
        public var plan: Double
        public var optimal: Double
        /// plan − optimal.
        public var difference: Double
    }

    public struct Comparison: Codable, Sendable {
        /// plan − optimal, discounted.
        public var discountedCostDifference: Double
        /// difference / optimal (nil when the optimal cost is 0).
        public var relativeDifference: Double?
        /// Discounted cost lines; salvage enters as a negative line, so the differences add up
        /// to `discountedCostDifference`.
        public var byComponent: [ComponentDifference]
        /// Sentences: where the difference comes from (idle capacity, API spend, missed demand).
        public var explanation: [String]
    }
}

/// Options of `capplan evaluate`.
public struct PlanEvaluationOptions: Sendable {
    /// Relative MIP gap of the completion and of the optimal plan.
    public var mipGap = 1e-7
    public var timeLimit: Double?
    /// Solve the optimal plan for comparison.
    public var compareWithOptimal = true
    public var tolerance = 1e-6

    public init() {}
}

public enum PlanEvaluationRun {
    /// Checks or completes the plan, costs it, and compares it with the optimal plan.
    /// Throws `PlanAuditFailure` when the evaluator and the solver disagree on a completed plan.
    public static func evaluate(_ scenario: Scenario, input: PlanInput, options: PlanEvaluationOptions = PlanEvaluationOptions()) throws -> PlanEvaluationReport {
        if !scenario.demandCases.isEmpty { return try evaluateCases(scenario, input: input, options: options) }
        var report = PlanEvaluationReport(
            scenario: scenario.name, planName: input.name, shape: input.shape, status: .feasible, completion: nil, plan: nil, decisions: nil,
            derived: nil, violations: [], unmetDemand: [], optimal: nil, optimalUnavailable: nil, comparison: nil, notes: [])
        let evaluator = PlanEvaluator(scenario: scenario, tolerance: options.tolerance)

        var decisions: PlanDecisions?
        var evaluation: PlanEvaluation?
        switch input.shape {
        case .full:
            decisions = input.fixedDecisions
        case .purchasesOnly, .capplanPlan:
            let result = try PlanCompletion.complete(scenario, input: input, mipGap: options.mipGap, timeLimit: options.timeLimit)
            report.completion = completionInfo(scenario, input: input, result: result)
            if input.shape == .capplanPlan {
                report.notes.append("read as a CapPlan plan: its purchases and rentals are fixed and the dispatch (tokens/s served by each offering per slice) is re-derived by the solver, because the plan JSON records served tokens per period, not per slice")
            }
            switch result.outcome {
            case .completed:
                decisions = result.decisions
                if result.termination != "optimal" {
                    report.notes.append("the completion stopped at a limit (\(result.termination)); its cost may not be the cheapest for this fleet")
                }
            case .blocked:
                report.status = .infeasible
                report.violations = result.blocking
            case .infeasible:
                report.status = .infeasible
                report.unmetDemand = result.unmetDemand
                if result.unmetDemand.isEmpty, !scenario.jobs.isEmpty {
                    // Leaving demand unserved did not help: the jobs' rows are what cannot hold.
                    report.notes.append(jobsCannotRunNote)
                }
            case .error:
                report.status = .error
            }
            // A completed plan is the solver's: audited like `capplan plan`'s.
            if let decisions, let objective = result.objective {
                let audited = evaluator.evaluate(decisions)
                try audited.audit(objective: objective, tolerance: options.tolerance).requirePassed()
                evaluation = audited
            }
        }

        if let decisions {
            let evaluation = evaluation ?? evaluator.evaluate(decisions)
            report.violations = evaluation.violations
            report.status = evaluation.isFeasible ? .feasible : .violated
            report.plan = summary(scenario, decisions: decisions, evaluation: evaluation)
            report.decisions = decisions
            report.derived = .init(contractStarts: evaluation.contractStarts, replicas: evaluation.replicas, platforms: evaluation.platforms,
                                   jobs: scenario.jobs.isEmpty ? nil : evaluation.jobs, periodLabels: scenario.horizon.labels)
        }

        if options.compareWithOptimal {
            let planOptions = options.optimumOptions
            let optimal = try Planner.plan(scenario, options: planOptions)
            switch optimal.status {
            case .optimal, .feasible:
                report.optimal = summary(optimal, scenario: scenario)
                if optimal.status == .feasible {
                    report.notes.append("the optimal plan's solve stopped at a limit; it is the best plan found, within a gap of \(optimal.solver.mipGap.map { String($0) } ?? "unknown")")
                }
            case .infeasible, .unbounded:
                report.optimalUnavailable = "the scenario has no feasible plan: " + (optimal.diagnosis?.summary ?? optimal.status.rawValue)
            case .error:
                report.optimalUnavailable = "the solver stopped without a plan (\(optimal.solver.termination))"
            }
        }
        if let plan = report.plan, let optimal = report.optimal {
            report.comparison = compare(scenario, plan: plan, optimal: optimal, status: report.status)
        }
        return report
    }

    /// Why a fixed fleet that could leave demand unserved still has no completion.
    static let jobsCannotRunNote = "the fixed fleet and rentals cannot complete the training jobs, even serving no inference: "
        + "a job needs its accelerator-hours within its window, on one pool, at least minAccelerators in every slice it runs "
        + "(docs/formulation.md section 10); buy or rent more, or widen the window"

    // MARK: Parts

    static func completionInfo(_ scenario: Scenario, input: PlanInput, result: PlanCompletionResult) -> PlanEvaluationReport.Completion {
        var fixed = ["purchases (every purchase offering; unlisted periods buy nothing)"]
        var optimized = ["tokens/s served by each offering, per workload, period and slice"]
        for rental in scenario.rentals {
            let given = rental.commitment == .period ? input.reservedUnits[rental.id] != nil : input.onDemandUnits[rental.id] != nil
            if given {
                fixed.append("rental \(rental.id) (as listed; unlisted periods rent nothing)")
            } else if input.otherRentals == .none {
                fixed.append("rental \(rental.id) at 0 (otherRentals: none)")
            } else {
                optimized.append("rental \(rental.id)")
            }
        }
        if scenario.policy.unservedPenaltyPerMTok != nil { optimized.append("unserved tokens (priced by policy.unservedPenaltyPerMTok)") }
        if !scenario.jobs.isEmpty { optimized.append("training jobs: the pool and accelerators of each job, per period and slice") }
        // Section 11: what the completion decides for deferrable workloads and contracts.
        let deferrable = scenario.workloads.filter { $0.deferral != nil }
        if deferrable.contains(where: { $0.deferral?.withinDay == true }) {
            optimized.append("slices served for workloads deferrable within the day (each day's tokens in any slice: dailyDemand)")
        }
        if deferrable.contains(where: { $0.deferral?.withinDay == false }) {
            optimized.append("deferral flows of workloads deferrable within a window (tokens moved to slices within reach)")
        }
        if offersCommitments(scenario) {
            if let taken = input.apiCommitments {
                fixed.append("committed-use contracts: " + (taken.isEmpty ? "none taken" : taken.joined(separator: ", ") + " taken, the others not"))
            } else {
                optimized.append("committed-use contracts (each taken where it makes the plan cheaper)")
            }
        }
        return .init(fixed: fixed, optimized: optimized, termination: result.termination, mipGap: result.mipGap)
    }

    /// Summary of a plan from its decisions and their evaluation.
    static func summary(_ scenario: Scenario, decisions: PlanDecisions, evaluation: PlanEvaluation) -> PlanEvaluationReport.PlanSummary {
        let periods = scenario.horizon.periods, slices = scenario.timeSlices
        let days = scenario.horizon.daysPerPeriod
        let seconds = slices.map { days * $0.hours * 3600 }
        var apiTokens = 0.0
        // Sums in scenario order (never in dictionary order), so the same plan gives the same bits.
        for api in scenario.apis {
            for workload in scenario.workloads {
                guard let rates = decisions.served[api.id]?[workload.id] else { continue }
                for p in 0..<min(periods, rates.count) {
                    for s in 0..<min(slices.count, rates[p].count) { apiTokens += max(0, rates[p][s]) * seconds[s] }
                }
            }
        }
        var unitPeriods = 0.0, busy = 0.0
        for purchase in scenario.purchases {
            let inService = evaluation.unitsInService[purchase.id] ?? []
            for p in 0..<min(periods, inService.count) {
                unitPeriods += inService[p]
                for (s, slice) in slices.enumerated() {
                    var load = 0.0
                    for workload in scenario.workloads {
                        // x / τ' with cache hits (docs/formulation.md 11.4): τ' = τ / (1 − κ β).
                        let prefillSaved = (workload.cache?.hitRate ?? 0) * (workload.cache?.prefillShare ?? 0)
                        for option in purchase.servingOptions(for: workload.id) where option.tokensPerSecond > 0 {
                            let key = ServedKey.key(workload: workload.id, precision: option.precision)
                            guard let rates = decisions.served[purchase.id]?[key], p < rates.count, s < rates[p].count else { continue }
                            load += max(0, rates[p][s]) * (1 - prefillSaved) / option.tokensPerSecond
                        }
                    }
                    // Training jobs' accelerators, as in the capacity row: U g / G units (section 10).
                    for job in scenario.jobs {
                        guard let g = decisions.training[job.id]?[purchase.id], p < g.count, s < g[p].count else { continue }
                        load += scenario.policy.utilizationCap * max(0, g[p][s]) / Double(max(1, purchase.acceleratorsPerUnit))
                    }
                    busy += load * slice.hours / 24
                }
            }
        }
        var short = 0.0
        for violation in evaluation.violations {
            switch (violation.family, violation.row) {
            case (.demand, nil), (.deferral, "deferredDemand"?):
                if let name = violation.slice, let s = slices.firstIndex(where: { $0.name == name }) { short += violation.amount * seconds[s] }
            case (.demand, "dailyDemand"?):
                // tokens/s averaged over the day (11.2)
                short += violation.amount * days * 24 * 3600
            default: break
            }
        }
        var bought: [String: Double] = [:]
        for purchase in scenario.purchases {
            let units = (decisions.arrivals[purchase.id] ?? []).reduce(0, +)
            if units != 0 { bought[purchase.id] = units }
        }
        return .init(
            discountedCost: evaluation.discountedCost, cost: evaluation.totalCost,
            commitmentsBeyondHorizon: evaluation.commitmentsBeyondHorizon,
            discountedCommitmentsBeyondHorizon: evaluation.discountedCommitmentsBeyondHorizon, costByComponent: evaluation.costByComponent,
            discountedCostByComponent: evaluation.discountedCostByComponent, salvage: evaluation.salvage,
            discountedSalvage: evaluation.discountedSalvage, tokensDemanded: evaluation.tokensDemanded,
            tokensServed: evaluation.tokensServed, tokensUnserved: evaluation.tokensUnserved, tokensShort: short,
            apiTokens: apiTokens, ownedUnitPeriods: unitPeriods, ownedUtilization: unitPeriods > 0 ? busy / unitPeriods : nil,
            unitsBought: bought)
    }

    /// Summary of the optimal plan from its plan document (the same quantities, read from the
    /// fleet lines' utilization and the workloads' served tokens).
    static func summary(_ plan: PlanDocument, scenario: Scenario) -> PlanEvaluationReport.PlanSummary {
        let totals = plan.totals!
        let apiIDs = Set(scenario.apis.map(\.id))
        var apiTokens = 0.0, unitPeriods = 0.0, busy = 0.0
        for period in plan.periods {
            for line in period.workloads {
                for offering in line.servedTokens.keys.sorted() where apiIDs.contains(offering) { apiTokens += line.servedTokens[offering]! }
            }
            for line in period.fleet {
                unitPeriods += line.unitsInService
                busy += line.unitsInService * line.averageUtilization
            }
        }
        var bought: [String: Double] = [:]
        for purchase in plan.purchases { bought[purchase.offering, default: 0] += purchase.units }
        let d = totals.discounted
        return .init(
            discountedCost: totals.discountedCost, cost: totals.cost,
            commitmentsBeyondHorizon: totals.commitmentsBeyondHorizon,
            discountedCommitmentsBeyondHorizon: totals.discountedCommitmentsBeyondHorizon,
            costByComponent: CostBreakdown(capex: totals.capex, energy: totals.energy, fixedOpex: totals.fixedOpex,
                                           rental: totals.rental, api: totals.api, unservedPenalty: totals.unservedPenalty,
                                           platform: totals.platform, apiCommitment: totals.apiCommitment ?? 0),
            discountedCostByComponent: CostBreakdown(capex: d.capex, energy: d.energy, fixedOpex: d.fixedOpex,
                                                     rental: d.rental, api: d.api, unservedPenalty: d.unservedPenalty,
                                                     platform: d.platform, apiCommitment: d.apiCommitment ?? 0),
            salvage: totals.salvage, discountedSalvage: totals.discountedSalvage, tokensDemanded: totals.tokensDemanded,
            tokensServed: totals.tokensServed, tokensUnserved: totals.tokensUnserved, tokensShort: 0, apiTokens: apiTokens,
            ownedUnitPeriods: unitPeriods, ownedUtilization: unitPeriods > 0 ? busy / unitPeriods : nil, unitsBought: bought)
    }

    /// Whether some API offers a committed-use contract: only then is `apiCommitment` a line of
    /// the comparison and the text (other scenarios keep their output).
    static func offersCommitments(_ scenario: Scenario) -> Bool {
        scenario.apis.contains { $0.committedUse != nil }
    }

    static func compare(_ scenario: Scenario, plan: PlanEvaluationReport.PlanSummary, optimal: PlanEvaluationReport.PlanSummary,
                        status: PlanEvaluationReport.Status) -> PlanEvaluationReport.Comparison {
        let a = plan.discountedCostByComponent, b = optimal.discountedCostByComponent
        let lines: [(PlanEvaluationReport.CostComponent, Double, Double)] = [
            (.capex, a.capex, b.capex), (.energy, a.energy, b.energy), (.fixedOpex, a.fixedOpex, b.fixedOpex),
            (.rental, a.rental, b.rental), (.api, a.api, b.api), (.unservedPenalty, a.unservedPenalty, b.unservedPenalty),
            (.platform, a.platform, b.platform),
        ] + (offersCommitments(scenario) ? [(.apiCommitment, a.apiCommitment, b.apiCommitment)] : []) + [
            (.commitmentsBeyondHorizon, plan.discountedCommitmentsBeyondHorizon, optimal.discountedCommitmentsBeyondHorizon),
            // 0 − x rather than −x: no salvage gives 0, not −0, in the JSON.
            (.salvage, 0 - plan.discountedSalvage, 0 - optimal.discountedSalvage),
        ]
        let components = lines.map { PlanEvaluationReport.ComponentDifference(component: $0.0, plan: $0.1, optimal: $0.2, difference: $0.1 - $0.2) }
        let difference = plan.discountedCost - optimal.discountedCost
        let relative = optimal.discountedCost != 0 ? difference / abs(optimal.discountedCost) : nil
        var explanation: [String] = []
        let money = Formatting.money
        if status == .violated {
            explanation.append("the plan breaks constraints, so its cost is not comparable as is: it does not do everything the optimal plan does")
        }
        if abs(difference) <= 1e-6 * max(1, abs(optimal.discountedCost)) {
            explanation.append("the plan costs the same as the optimal plan (\(money(plan.discountedCost)) discounted): it is optimal")
        } else {
            let percent = relative.map { " (\($0 < 0 ? "" : "+")\(Formatting.percent($0, fractionDigits: 2)))" } ?? ""
            explanation.append("the plan costs \(money(plan.discountedCost)) discounted, \(money(abs(difference))) \(difference > 0 ? "more" : "less")\(percent) than the optimal plan's \(money(optimal.discountedCost))"
                + (difference < 0 && status != .violated ? " (within the optimal plan's MIP gap)" : ""))
            let threshold = max(1, 0.005 * abs(difference))
            for line in components.sorted(by: { abs($0.difference) > abs($1.difference) }) where abs(line.difference) >= threshold {
                explanation.append("\(line.component.rawValue): \(line.difference > 0 ? "+" : "-")\(money(abs(line.difference))) (\(money(line.plan)) vs \(money(line.optimal)))")
            }
        }
        // Idle capacity.
        let units = { (s: PlanEvaluationReport.PlanSummary) in
            s.unitsBought.keys.sorted().map { "\(Formatting.number(s.unitsBought[$0]!)) \($0)" }.joined(separator: ", ")
        }
        let boughtPlan = units(plan), boughtOptimal = units(optimal)
        if boughtPlan != boughtOptimal {
            explanation.append("buys \(boughtPlan.isEmpty ? "nothing" : boughtPlan); the optimal plan buys \(boughtOptimal.isEmpty ? "nothing" : boughtOptimal)")
        }
        if plan.ownedUnitPeriods > 0 || optimal.ownedUnitPeriods > 0 {
            let use = { (u: Double?) in u.map { Formatting.percent($0) } ?? "-" }
            var sentence = "idle capacity: owned units are busy \(use(plan.ownedUtilization)) of the time on average over \(Formatting.number(plan.ownedUnitPeriods)) unit-periods (optimal plan: \(use(optimal.ownedUtilization)) over \(Formatting.number(optimal.ownedUnitPeriods)))"
            sentence += "; the utilization cap allows \(Formatting.percent(scenario.policy.utilizationCap))"
            // Owned-hardware cost (capex, energy, fixed opex) times the share of the capacity the
            // utilization cap allows that stays idle: a rough price of the idle capacity.
            let idleCost = { (s: PlanEvaluationReport.PlanSummary) -> Double? in
                s.ownedUtilization.map { u in
                    let c = s.discountedCostByComponent
                    return (c.capex + c.energy + c.fixedOpex) * max(0, 1 - u / scenario.policy.utilizationCap)
                }
            }
            if let mine = idleCost(plan) {
                sentence += "; idle capacity below the cap accounts for about \(money(mine)) of owned-hardware cost"
                    + (idleCost(optimal).map { " (optimal plan: \(money($0)))" } ?? "")
            }
            explanation.append(sentence)
        }
        if plan.apiTokens > 0 || optimal.apiTokens > 0 {
            explanation.append("API spend: \(money(plan.discountedCostByComponent.api)) for \(Formatting.tokens(plan.apiTokens)) tokens (optimal plan: \(money(optimal.discountedCostByComponent.api)) for \(Formatting.tokens(optimal.apiTokens)))")
        }
        if plan.tokensUnserved > 0 || optimal.tokensUnserved > 0 || plan.tokensShort > 0 {
            var sentence = "missed demand: \(Formatting.tokens(plan.tokensUnserved)) tokens unserved (optimal plan: \(Formatting.tokens(optimal.tokensUnserved)))"
            if plan.tokensShort > 0 { sentence += "; a further \(Formatting.tokens(plan.tokensShort)) tokens are neither served nor declared unserved (violated demand rows)" }
            explanation.append(sentence)
        }
        return .init(discountedCostDifference: difference, relativeDifference: relative, byComponent: components, explanation: explanation)
    }

    // MARK: Output

    /// The report as JSON: sorted keys, the same report is the same bytes.
    public static func json(_ report: PlanEvaluationReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// The readable summary printed on standard output.
    public static func text(_ report: PlanEvaluationReport, maxViolations: Int = 20) -> String {
        var out = ""
        let money = Formatting.money
        let shape: String
        switch report.shape {
        case .full: shape = "full plan: checked and costed as written"
        case .purchasesOnly: shape = "purchases-only plan: purchases fixed, the rest optimized"
        case .capplanPlan: shape = "CapPlan plan: purchases and rentals fixed, dispatch re-derived"
        }
        out += "Plan \(report.planName.map { "\"\($0)\" " } ?? "")for \(report.scenario) (\(shape))\n"
        if let edits = report.scenarioEdits, !edits.isEmpty {
            out += "Scenario edited before costing: \(edits.joined(separator: ", "))\n"
        }
        let verdict: String
        switch report.status {
        case .feasible where report.cases != nil: verdict = "completed in every demand case"
        case .feasible: verdict = report.shape == .full ? "feasible: every constraint holds" : "completed: the fleet can serve the demand"
        case .violated where report.cases != nil: verdict = "VIOLATED in some demand case"
        case .violated: verdict = "VIOLATED: \(report.violations.count) constraint(s) broken"
        case .infeasible:
            let why: String
            if report.cases != nil {
                why = "the fixed first stage cannot serve every demand case"
            } else if !report.violations.isEmpty {
                why = "the fixed decisions break \(report.violations.count) constraint(s)"
            } else if report.unmetDemand.isEmpty, report.notes.contains(jobsCannotRunNote) {
                why = "the fixed fleet cannot complete the training jobs"
            } else {
                why = "the fixed fleet cannot serve all demand"
            }
            verdict = "CANNOT BE COMPLETED: " + why
        case .error: verdict = "ERROR: the solver stopped without a plan (\(report.completion?.termination ?? "unknown"))"
        }
        out += "Status: \(verdict)\n"
        if let completion = report.completion {
            out += "\nFixed: \(completion.fixed.joined(separator: "; "))\nOptimized: \(completion.optimized.joined(separator: "; "))\n"
        }
        if let plan = report.plan {
            out += "\nCost (discounted USD)\n"
            let a = plan.discountedCostByComponent, o = report.optimal?.discountedCostByComponent
            let rows: [(String, Double, Double?)] = [
                ("capex", a.capex, o?.capex), ("energy", a.energy, o?.energy), ("fixed opex", a.fixedOpex, o?.fixedOpex),
                ("rental", a.rental, o?.rental), ("API", a.api, o?.api), ("unserved penalty", a.unservedPenalty, o?.unservedPenalty),
                ("platform", a.platform, o?.platform),
            ] + (a.apiCommitment != 0 || (o?.apiCommitment ?? 0) != 0 ? [("API commitment", a.apiCommitment, o?.apiCommitment)] : []) + [
                ("contracts after horizon", plan.discountedCommitmentsBeyondHorizon, report.optimal?.discountedCommitmentsBeyondHorizon),
                ("salvage", 0 - plan.discountedSalvage, report.optimal.map { 0 - $0.discountedSalvage }),
                ("total", plan.discountedCost, report.optimal?.discountedCost),
            ]
            if report.optimal != nil {
                out += PlanReport.table(["", "this plan", "optimal", "difference"], rows.map { name, mine, best in
                    [name, money(mine), money(best!), money(mine - best!)]
                }) + "\n"
            } else {
                out += PlanReport.table(["", "this plan"], rows.map { [$0.0, money($0.1)] }) + "\n"
            }
            out += "  undiscounted total \(money(plan.cost)); tokens served \(Formatting.tokens(plan.tokensServed)) of \(Formatting.tokens(plan.tokensDemanded)) demanded"
            if plan.tokensUnserved > 0 { out += ", \(Formatting.tokens(plan.tokensUnserved)) unserved" }
            if plan.tokensShort > 0 { out += ", \(Formatting.tokens(plan.tokensShort)) short" }
            out += "\n"
            if plan.commitmentsBeyondHorizon > 0 {
                out += "  reserved contracts run past the horizon: \(money(plan.commitmentsBeyondHorizon)) of rent after it "
                    + "(\(money(plan.discountedCommitmentsBeyondHorizon)) discounted), included in the totals as a liability\n"
            }
            if let derived = report.derived {
                for platform in derived.platforms {
                    guard let first = platform.inUse.firstIndex(of: true) else { continue }
                    let used = platform.inUse.filter { $0 }.count
                    let label = { (p: Int) in p < derived.periodLabels.count ? derived.periodLabels[p] : "period \(p + 1)" }
                    out += "  platform \(platform.id): in use in \(used) period\(used == 1 ? "" : "s") from \(label(first))"
                        + (platform.adoptedPeriod.map { ", adopted in \(label($0)) for \(money(platform.adoptionCost))" } ?? " (adopted before the horizon)")
                        + ", \(money(platform.yearlyCosts)) of yearly costs\n"
                }
                for job in derived.jobs ?? [] {
                    let done = Formatting.number(100 * job.computeDone, fractionDigits: 1, grouped: true)
                    guard let pool = job.pool, let first = job.firstPeriod, let last = job.lastPeriod else {
                        out += "  job \(job.job): does not run (\(done)% of its compute)\n"
                        continue
                    }
                    let hours = { Formatting.number($0, fractionDigits: 0, grouped: true) }
                    out += "  job \(job.job): on \(pool), \(hours(job.acceleratorHours)) accelerator-hours of "
                        + "\(hours(job.acceleratorHoursRequired)) needed (\(done)% of its compute), "
                        + (first == last ? "in \(first)" : "\(first) .. \(last)") + "\n"
                }
            }
        }
        if let cases = report.cases { out += casesText(cases) }
        if let comparison = report.comparison {
            out += "\nCompared with the optimal plan\n"
            for line in comparison.explanation { out += "  - \(line)\n" }
        } else if let why = report.optimalUnavailable {
            out += "\nNo optimal plan to compare with: \(why)\n"
        }
        if !report.violations.isEmpty {
            out += "\nViolated constraints (\(report.violations.count))\n"
            for violation in report.violations.prefix(maxViolations) {
                out += "  \(violation.rowName): \(violation.message) [amount \(Formatting.significant(violation.amount, digits: 4))]\n"
            }
            if report.violations.count > maxViolations { out += "  ... and \(report.violations.count - maxViolations) more (all in the JSON report)\n" }
        }
        if !report.unmetDemand.isEmpty {
            let total = report.unmetDemand.reduce(0) { $0 + $1.tokens }
            out += "\nDemand the fixed fleet cannot serve (at least \(Formatting.tokens(total)) tokens, \(report.unmetDemand.count) workload-period-slices)\n"
            out += PlanReport.table(["workload", "period", "slice", "tokens/s", "tokens"], report.unmetDemand.prefix(maxViolations).map {
                [$0.workload, $0.period, $0.slice, Formatting.number($0.tokensPerSecond), Formatting.tokens($0.tokens)]
            }) + "\n"
            if report.unmetDemand.count > maxViolations { out += "  ... and \(report.unmetDemand.count - maxViolations) more (all in the JSON report)\n" }
        }
        if !report.notes.isEmpty {
            out += "\nNotes\n"
            for note in report.notes { out += "  - \(note)\n" }
        }
        return out
    }
}

extension PlanEvaluationOptions {
    /// How the optimum a plan is compared with is solved: the evaluation's gap, time limit and
    /// tolerance, no baselines (one setting for the one-scenario and the per-case comparison).
    var optimumOptions: PlanOptions {
        var planOptions = PlanOptions()
        planOptions.mipGap = mipGap
        planOptions.timeLimit = timeLimit
        planOptions.baselines = false
        planOptions.auditTolerance = tolerance
        return planOptions
    }
}
