// Completing a purchases-only plan: its purchases (and the rentals it lists) are fixed in the
// capacity model and the solver chooses everything else, i.e. the cheapest way to run that fleet.
import LinearProgramming

/// Demand a fixed fleet cannot serve: the least unserved rate in one workload, period and slice.
public struct UnmetDemand: Hashable, Sendable, Codable {
    public var workload: String
    public var period: String
    public var slice: String
    public var tokensPerSecond: Double
    public var tokens: Double
}

/// What the completion produced.
public struct PlanCompletionResult: Sendable {
    public enum Outcome: String, Sendable, Codable {
        /// The plan was completed: `decisions` hold the cheapest way to run the fixed fleet.
        case completed
        /// The fixed decisions break a bound or a row that no dispatch can repair (`blocking`).
        case blocked
        /// No dispatch serves all demand with the fixed fleet (`unmetDemand`).
        case infeasible
        /// The solver stopped without a plan.
        case error
    }

    public var outcome: Outcome
    public var decisions: PlanDecisions?
    /// The solver's objective (discounted cost, constants included) when completed.
    public var objective: Double?
    /// The LP layer's termination reason, e.g. `optimal`, `infeasible`.
    public var termination: String
    public var mipGap: Double?
    /// Violations of the fixed decisions alone (bounds, domains, power cap, capital budget).
    public var blocking: [ConstraintViolation]
    /// When infeasible: the least demand that must go unserved with the fixed fleet.
    public var unmetDemand: [UnmetDemand]
}

/// Completes purchases-only plans.
public enum PlanCompletion {
    /// Families whose rows involve only purchases and rentals: a dispatch cannot repair them
    /// (`contractTerm`: reserved units that fall before their contract's term ends).
    static let fixedFamilies: Set<ConstraintFamily> = [
        .nonNegativity, .maxUnitsPerPeriod, .maxUnits, .availability, .integrality, .domain, .contractTerm, .powerCap,
        .capitalBudget, .fiscalCapex, .ordersInFlight, .contractsInTerm, .signedCommitment,
    ]

    /// Fixes `input`'s purchases and rentals, optimizes the rest.
    public static func complete(_ scenario: Scenario, input: PlanInput, mipGap: Double = 1e-7, timeLimit: Double? = nil) throws -> PlanCompletionResult {
        let fixed = PlanDecisions(arrivals: input.arrivals, reservedUnits: input.reservedUnits, onDemandUnits: input.onDemandUnits,
                                  apiCommitments: input.apiCommitments ?? [])
        let blocking = PlanEvaluator(scenario: scenario).evaluate(fixed).violations.filter { fixedFamilies.contains($0.family) }
        if !blocking.isEmpty {
            return PlanCompletionResult(outcome: .blocked, decisions: nil, objective: nil, termination: "not solved", mipGap: nil,
                                        blocking: blocking, unmetDemand: [])
        }
        let integer = scenario.policy.integerUnits
        let model = fixedModel(scenario, input: input, integer: integer)
        var options = SolveOptions()
        options.mip.relativeGap = mipGap
        options.mip.timeLimit = timeLimit
        options.simplex.timeLimit = timeLimit
        let solution = try GLPKSolver.solve(model.lp, options: options)
        let gap = solution.isMIP ? solution.relativeGap.map { max(0, $0) } : nil
        switch Planner.status(of: solution) {
        case .optimal, .feasible:
            let decisions = PlanExtraction.decisions(scenario: scenario, model: model, solution: solution, integer: integer)
            return PlanCompletionResult(outcome: .completed, decisions: decisions, objective: solution.objectiveValue,
                                        termination: solution.termination.rawValue, mipGap: gap, blocking: [], unmetDemand: [])
        case .infeasible, .unbounded:
            return PlanCompletionResult(outcome: .infeasible, decisions: nil, objective: nil, termination: solution.termination.rawValue,
                                        mipGap: nil, blocking: [], unmetDemand: try unmetDemand(scenario, input: input, integer: integer, options: options))
        case .error:
            return PlanCompletionResult(outcome: .error, decisions: nil, objective: nil, termination: solution.termination.rawValue,
                                        mipGap: nil, blocking: [], unmetDemand: [])
        }
    }

    /// The capacity model with the plan's purchases and rentals fixed by column bounds.
    static func fixedModel(_ scenario: Scenario, input: PlanInput, integer: Bool) -> CapacityModel {
        var model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, integerUnits: integer))
        fix(&model, input: input)
        return model
    }

    /// Fixes the plan's purchases, rentals and (when it lists them) committed-use contracts in
    /// `model` by column bounds.
    static func fix(_ model: inout CapacityModel, input: PlanInput) {
        let scenario = model.scenario
        let periods = scenario.horizon.periods, slices = scenario.timeSlices.count
        let index = model.index
        for (k, purchase) in scenario.purchases.enumerated() {
            let arrivals = input.arrivals[purchase.id] ?? []
            for q in 0..<periods {
                guard let column = index.arrivals[k].variable(q) else { continue }
                let units = q < arrivals.count ? arrivals[q] : 0
                model.lp.setBounds(column, lower: units, upper: units)
            }
        }
        // Committed-use contracts (11.5): a plan that lists them fixes every κ_a (listed ones
        // taken, the others not); otherwise the solve takes each where it is cheaper.
        if let taken = input.apiCommitments {
            for block in index.commitments {
                let value: Double = taken.contains(scenario.offerings[block.offering].id) ? 1 : 0
                // An integer column, not a binary one: GLPK resets a binary column's bounds to
                // [0, 1] (glp_set_col_kind with GLP_BV), which would undo the fix.
                model.lp.setKind(block.taken, .integer)
                model.lp.setBounds(block.taken, lower: value, upper: value)
            }
        }
        for (k, rental) in scenario.rentals.enumerated() {
            if let block = index.reservedUnits[k] {
                let given = input.reservedUnits[rental.id]
                guard given != nil || input.otherRentals == .none else { continue }
                for p in 0..<periods {
                    let units = given.map { p < $0.count ? $0[p] : 0 } ?? 0
                    model.lp.setBounds(block.variable(p), lower: units, upper: units)
                }
            } else if let block = index.onDemandUnits[k] {
                let given = input.onDemandUnits[rental.id]
                guard given != nil || input.otherRentals == .none else { continue }
                for p in 0..<periods {
                    for s in 0..<slices {
                        let units = given.map { p < $0.count && s < $0[p].count ? $0[p][s] : 0 } ?? 0
                        model.lp.setBounds(block.variable(p, s), lower: units, upper: units)
                    }
                }
            }
        }
    }

    /// With the fleet fixed and unserved demand allowed (priced at 1, everything else free),
    /// the optimum is the least demand the fleet leaves unserved, by workload, period and slice.
    static func unmetDemand(_ scenario: Scenario, input: PlanInput, integer: Bool, options: SolveOptions) throws -> [UnmetDemand] {
        let least = try LeastUnmetDemand(scenario, integer: integer, options: options) { fix(&$0, input: input) }
        let labels = scenario.horizon.labels
        return least.shortfalls.map { short in
            UnmetDemand(workload: scenario.workloads[short.workload].id, period: labels[short.period],
                        slice: scenario.timeSlices[short.slice].name, tokensPerSecond: short.tokensPerSecond, tokens: short.tokens)
        }
    }
}
