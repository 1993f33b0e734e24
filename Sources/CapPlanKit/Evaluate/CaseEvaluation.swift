// `capplan evaluate` on a scenario with demand cases (docs/formulation.md section 12): the plan
// file gives the first stage (purchases, reserved rentals, committed-use contracts); each case's
// second stage is the completion of that fleet on the case's scenario (`Scenario.withDemandCase`),
// costed by the evaluator; the probability-weighted cost is set next to the two-stage optimum (RP).
import Foundation

extension PlanEvaluationReport {
    /// A plan's first stage in every demand case (docs/evaluate-format.md, "Demand cases").
    public struct CasesEvaluation: Codable, Sendable {
        /// Per case, in the scenario's order.
        public var cases: [CaseEvaluation]
        /// Σ_c π_c cost_c of the plan; nil when some case cannot be completed.
        public var expectedCost: Double?
        /// α and CVaR_α of the plan's cost over the cases (12.2); nil when some case cannot be completed.
        public var cvarLevel: Double
        public var cvar: Double?
        /// λ of the scenario's objective (`risk.cvarWeight`): the two-stage optimum below minimizes
        /// the expected cost plus λ CVaR_α.
        public var cvarWeight: Double
        /// RP: the two-stage optimum's expected cost (`TwoStagePlanner.plan`); nil without it.
        public var optimalExpectedCost: Double?
        /// CVaR_α of the two-stage optimum's cost.
        public var optimalCVaR: Double?
        /// expectedCost − optimalExpectedCost.
        public var expectedCostDifference: Double?
        /// The difference over RP (nil when RP is 0).
        public var relativeDifference: Double?
    }

    /// One case: the plan's first stage completed on the case's demand and API prices.
    public struct CaseEvaluation: Codable, Sendable {
        public var name: String
        public var probability: Double
        public var apiPriceScale: Double
        /// `feasible` (completed), `infeasible` (the first stage cannot serve the case, or breaks a
        /// row no dispatch repairs) or `error`.
        public var status: Status
        /// The completion's solver termination and gap.
        public var termination: String
        public var mipGap: Double?
        /// Costs and usage of the completed case; absent when it could not be completed.
        public var plan: PlanSummary?
        /// Violations of the fixed first stage (bounds, power cap, budgets), as for one scenario.
        public var violations: [ConstraintViolation]
        /// Demand the first stage cannot serve in this case.
        public var unmetDemand: [UnmetDemand]
        /// cost_c of the two-stage optimum in this case; nil without it.
        public var optimalCost: Double?
        /// plan − optimal in this case (may be negative: the optimum is best on average).
        public var difference: Double?
    }
}

/// Why a plan file cannot be evaluated against a scenario with demand cases.
public struct CasePlanShapeError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

extension PlanEvaluationRun {
    /// Evaluates the first stage of `input` in each of the scenario's demand cases. A full plan
    /// (served tokens/s) fixes a second stage, which each case decides for itself: refused
    /// (`CasePlanShapeError`). A CapPlan plan JSON gives its purchases and reserved rentals
    /// (its on-demand rentals are one case's second stage: dropped, said in a note).
    /// Throws `PlanAuditFailure` when the evaluator and the completion disagree in a case.
    static func evaluateCases(_ scenario: Scenario, input: PlanInput, options: PlanEvaluationOptions) throws -> PlanEvaluationReport {
        if input.shape == .full {
            throw CasePlanShapeError(description: "the scenario has demand cases (docs/formulation.md section 12): a plan for it gives the first stage only "
                + "(purchases, reserved rentals, apiCommitments), and evaluate completes the second stage in each case; this plan is a full plan "
                + "(served tokens/s): remove `served`, `unserved`, `training` and `deferred`")
        }
        var report = PlanEvaluationReport(
            scenario: scenario.name, planName: input.name, shape: input.shape, status: .feasible, completion: nil, plan: nil, decisions: nil,
            derived: nil, violations: [], unmetDemand: [], optimal: nil, optimalUnavailable: nil, comparison: nil, notes: [])
        var firstStage = input
        if input.shape == .capplanPlan {
            // Its reserved rentals are the first stage (unlisted ones: none); its on-demand
            // rentals are one case's second stage, chosen again in each case.
            firstStage.onDemandUnits = [:]
            firstStage.otherRentals = .optimize
            for rental in scenario.rentals where rental.commitment == .period && firstStage.reservedUnits[rental.id] == nil {
                firstStage.reservedUnits[rental.id] = []
            }
            report.notes.append("read as a CapPlan plan: its purchases, reserved rentals and contracts are the first stage; on-demand and spot rentals (one case's second stage) are chosen again in each case")
        }
        // Contracts are first stage too: a plan that does not list them takes none in any case.
        if firstStage.apiCommitments == nil {
            firstStage.apiCommitments = []
            if offersCommitments(scenario) {
                report.notes.append("the plan lists no apiCommitments: no committed-use contract is taken in any case (contracts are first stage)")
            }
        }
        let cases = scenario.demandCases
        if scenario.caseDecisions == .adaptive {
            report.notes.append("caseDecisions: adaptive: the plan's purchases and contracts are fixed in every case (a static plan, one point of the tree); the optimum below may order differently on each branch (docs/formulation.md 12.6)")
        }
        var evaluations: [PlanEvaluationReport.CaseEvaluation] = []
        var costs: [Double] = []
        for demandCase in cases {
            let caseScenario = scenario.withDemandCase(demandCase)
            let result = try PlanCompletion.complete(caseScenario, input: firstStage, mipGap: options.mipGap, timeLimit: options.timeLimit)
            var entry = PlanEvaluationReport.CaseEvaluation(
                name: demandCase.name, probability: demandCase.probability, apiPriceScale: demandCase.apiPriceScale, status: .feasible,
                termination: result.termination, mipGap: result.mipGap, plan: nil, violations: result.blocking, unmetDemand: result.unmetDemand,
                optimalCost: nil, difference: nil)
            if report.completion == nil { report.completion = completionInfo(caseScenario, input: firstStage, result: result) }
            switch result.outcome {
            case .completed:
                guard let decisions = result.decisions, let objective = result.objective else { break }
                let evaluation = PlanEvaluator(scenario: caseScenario, tolerance: options.tolerance).evaluate(decisions)
                try evaluation.audit(objective: objective, tolerance: options.tolerance).requirePassed()
                entry.violations = evaluation.violations
                entry.status = evaluation.isFeasible ? .feasible : .violated
                entry.plan = summary(caseScenario, decisions: decisions, evaluation: evaluation)
                costs.append(evaluation.discountedCost)
                if result.termination != "optimal" {
                    report.notes.append("case \(demandCase.name): the completion stopped at a limit (\(result.termination)); its cost may not be the cheapest for this fleet")
                }
            case .blocked, .infeasible:
                entry.status = .infeasible
            case .error:
                entry.status = .error
            }
            evaluations.append(entry)
        }
        // The worst case decides: error, then infeasible, then violated.
        let statuses = evaluations.map(\.status)
        report.status = statuses.contains(.error) ? .error : statuses.contains(.infeasible) ? .infeasible : statuses.contains(.violated) ? .violated : .feasible
        let risk = scenario.risk
        var summary = PlanEvaluationReport.CasesEvaluation(
            cases: evaluations, expectedCost: nil, cvarLevel: risk.cvarLevel, cvar: nil, cvarWeight: risk.cvarWeight,
            optimalExpectedCost: nil, optimalCVaR: nil, expectedCostDifference: nil, relativeDifference: nil)
        if costs.count == cases.count {
            summary.expectedCost = zip(cases, costs).reduce(0.0) { $0 + $1.0.probability * $1.1 }
            summary.cvar = TwoStagePlanner.conditionalValueAtRisk(costs: costs, probabilities: cases.map(\.probability), level: risk.cvarLevel)
        }
        if options.compareWithOptimal {
            let planOptions = options.optimumOptions
            let optimal = try TwoStagePlanner.plan(scenario, options: planOptions)
            if let rp = optimal.expectedCost, optimal.cases.count == cases.count {
                summary.optimalExpectedCost = rp
                summary.optimalCVaR = optimal.cvar
                for c in summary.cases.indices {
                    let best = optimal.cases[c].discountedCost
                    summary.cases[c].optimalCost = best
                    summary.cases[c].difference = summary.cases[c].plan.map { $0.discountedCost - best }
                }
                if let expected = summary.expectedCost {
                    summary.expectedCostDifference = expected - rp
                    summary.relativeDifference = rp != 0 ? (expected - rp) / abs(rp) : nil
                }
                if optimal.status == .feasible {
                    report.notes.append("the two-stage optimum's solve stopped at a limit; it is the best plan found")
                }
                if risk.cvarWeight > 0 {
                    report.notes.append("the two-stage optimum minimizes the expected cost plus \(risk.cvarWeight) × CVaR at \(risk.cvarLevel) (risk): a plan may cost less on average and still score worse")
                }
            } else {
                report.optimalUnavailable = "the two-stage plan has no optimum (\(optimal.termination))"
            }
        }
        report.cases = summary
        return report
    }

    /// The text of a report with demand cases: per case the status, API spend and cost against
    /// the two-stage optimum's, then the expected cost and CVaR against RP.
    static func casesText(_ cases: PlanEvaluationReport.CasesEvaluation) -> String {
        let money = Formatting.money
        var out = "\nDemand cases: the plan's first stage (purchases, reserved rentals, contracts) in every case, the rest completed per case\n"
        let hasOptimal = cases.optimalExpectedCost != nil
        let header = ["case", "probability", "status", "API", "cost"] + (hasOptimal ? ["two-stage optimum", "difference"] : [])
        let rows = cases.cases.map { c -> [String] in
            let status = c.status == .feasible ? "completed" : c.status == .infeasible ? "cannot be completed" : c.status.rawValue
            var row = [c.name, Formatting.number(c.probability, fractionDigits: 4, grouped: false), status,
                       c.plan.map { money($0.discountedCostByComponent.api) } ?? "-", c.plan.map { money($0.discountedCost) } ?? "-"]
            // A difference below a cent is rounding: shown as 0.
            if hasOptimal { row += [c.optimalCost.map(money) ?? "-", c.difference.map { money(abs($0) < 0.005 ? 0 : $0) } ?? "-"] }
            return row
        }
        out += PlanReport.table(header, rows) + "\n"
        if let expected = cases.expectedCost {
            out += "  expected cost \(money(expected))"
            if let rp = cases.optimalExpectedCost, let difference = cases.expectedCostDifference {
                out += " vs the two-stage optimum's (RP) \(money(rp)): \(difference >= 0 ? "+" : "")\(money(difference))"
                if let relative = cases.relativeDifference { out += " (\(Formatting.number(100 * relative, fractionDigits: 2, grouped: false))%)" }
            }
            out += "\n"
        } else {
            out += "  expected cost: not computed, some case cannot be completed\n"
        }
        if let cvar = cases.cvar {
            out += "  CVaR at \(cases.cvarLevel): \(money(cvar))" + (cases.optimalCVaR.map { " (two-stage optimum \(money($0)))" } ?? "") + "\n"
        }
        for c in cases.cases where !c.unmetDemand.isEmpty {
            let total = c.unmetDemand.reduce(0) { $0 + $1.tokens }
            out += "  case \(c.name): the fleet cannot serve at least \(Formatting.tokens(total)) tokens (\(c.unmetDemand.count) workload-period-slices, in the JSON report)\n"
        }
        for c in cases.cases where !c.violations.isEmpty {
            out += "  case \(c.name): \(c.violations.count) violated constraint(s): "
                + c.violations.prefix(3).map { "\($0.rowName): \($0.message)" }.joined(separator: "; ") + (c.violations.count > 3 ? "; ..." : "") + "\n"
        }
        return out
    }
}

/// The evaluator's check of non-anticipativity (docs/formulation.md 12.6), written apart from
/// the builder's tree (`CaseTree`): from the cases' demand paths and price scales alone, which
/// cases cannot be told apart when each decision is taken, and whether their decisions agree.
public enum NonAnticipativityCheck {
    /// Violations of `nonanticipative`, one line each: `decisions[c]` is case c's (scenario
    /// order). With `here-and-now` every decision is taken before anything is known (every case
    /// alike); adaptive, an arrival in q is taken at its order period q − leadTimePeriods
    /// (at least the first), reserved units of period p at p, committed-use contracts at the
    /// first period, and two cases are alike at period t when t is the first or they have the
    /// same API price scale and equal demand of every workload in every period before t.
    public static func violations(_ scenario: Scenario, decisions: [PlanDecisions], tolerance: Double = 1e-6) -> [String] {
        let cases = scenario.demandCases
        guard cases.count == decisions.count, cases.count > 1 else { return [] }
        let labels = scenario.horizon.labels
        let adaptive = scenario.caseDecisions == .adaptive
        // How many leading periods cases k and c have the same demand in.
        func leadingEqual(_ k: Int, _ c: Int) -> Int {
            var p = 0
            while p < labels.count, scenario.workloads.allSatisfy({ w in
                (cases[k].demand[w.id]?[p] ?? w.demand[p]) == (cases[c].demand[w.id]?[p] ?? w.demand[p])
            }) { p += 1 }
            return p
        }
        let agree = adaptive ? cases.indices.map { c in (0..<c).map { leadingEqual($0, c) } } : []
        func alike(_ k: Int, _ c: Int, at t: Int) -> Bool {
            guard adaptive, t > 0 else { return true }
            return cases[k].apiPriceScale == cases[c].apiPriceScale && t <= agree[c][k]
        }
        var found: [String] = []
        func differs(_ a: Double, _ b: Double) -> Bool { abs(a - b) > tolerance * max(1, abs(a), abs(b)) }
        for c in cases.indices.dropFirst() {
            for purchase in scenario.purchases {
                let mine = decisions[c].arrivals[purchase.id] ?? []
                for q in labels.indices {
                    let ordered = max(0, q - purchase.leadTimePeriods)
                    guard let k = (0..<c).first(where: { alike($0, c, at: ordered) }) else { continue }
                    let theirs = decisions[k].arrivals[purchase.id] ?? []
                    let a = q < mine.count ? mine[q] : 0, b = q < theirs.count ? theirs[q] : 0
                    if differs(a, b) {
                        found.append("nonanticipative: case \(cases[c].name) has \(a) units of \(purchase.id) arriving in \(labels[q]), case \(cases[k].name) \(b),"
                                     + " though the two cannot be told apart when they are ordered (\(labels[ordered]))")
                    }
                }
            }
            for rental in scenario.rentals where rental.commitment == .period {
                let mine = decisions[c].reservedUnits[rental.id] ?? []
                for p in labels.indices {
                    guard let k = (0..<c).first(where: { alike($0, c, at: p) }) else { continue }
                    let theirs = decisions[k].reservedUnits[rental.id] ?? []
                    let a = p < mine.count ? mine[p] : 0, b = p < theirs.count ? theirs[p] : 0
                    if differs(a, b) {
                        found.append("nonanticipative: case \(cases[c].name) reserves \(a) units of \(rental.id) in \(labels[p]), case \(cases[k].name) \(b),"
                                     + " though the two cannot be told apart then")
                    }
                }
            }
            if decisions[c].apiCommitments != decisions[0].apiCommitments {
                found.append("nonanticipative: case \(cases[c].name) takes the committed-use contracts [\(decisions[c].apiCommitments.joined(separator: ", "))],"
                             + " case \(cases[0].name) [\(decisions[0].apiCommitments.joined(separator: ", "))]: they are signed before anything is known")
            }
        }
        return found
    }
}
