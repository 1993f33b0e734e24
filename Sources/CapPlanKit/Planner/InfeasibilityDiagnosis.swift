import LinearProgramming

/// Why a scenario has no feasible plan: which demand cannot be served, by how much, and
/// which limits bind there.
enum InfeasibilityDiagnosis {
    /// Relative slack under which a limit counts as binding.
    static let bindingTolerance = 1e-6

    /// Re-solves with an unserved-demand column on every demand row and only the unserved
    /// tokens in the objective, so the optimum is the least demand that must go unserved.
    static func diagnose(_ scenario: Scenario, integer: Bool) throws -> PlanDocument.Diagnosis {
        let periods = scenario.horizon.periods, labels = scenario.horizon.labels
        // Existing units alone above the power cap: no decision can fix that.
        if let caps = scenario.site.powerCapKW {
            var over: [String] = []
            for p in 0..<periods {
                let existing = scenario.purchases.reduce(0.0) { sum, o in
                    sum + (p < o.existingRemainingPeriods ? o.existingUnits * o.powerKW : 0)
                }
                if existing > caps[p] * (1 + bindingTolerance) {
                    over.append("\(labels[p]) (existing units draw \(existing) kW, cap \(caps[p]) kW)")
                }
            }
            if !over.isEmpty {
                return .init(
                    summary: "the existing fleet alone exceeds site.powerCapKW in \(over.count) period(s): \(over.joined(separator: "; "))",
                    shortfalls: [])
            }
        }

        var relaxedDemand = scenario.withIntegerUnits(integer)
        relaxedDemand.policy = Policy(integerUnits: integer, utilizationCap: scenario.policy.utilizationCap, unservedPenaltyPerMTok: 1)
        // No reductions: they compare prices, and this model prices only unserved tokens.
        var model = CapacityModelBuilder.buildModel(relaxedDemand, options: CapacityModelOptions(names: false, integerUnits: integer, reductions: false))
        var unservedColumns = Set<Int>()
        for block in model.index.unserved.compactMap({ $0 }) {
            for p in 0..<periods {
                for s in 0..<scenario.timeSlices.count { unservedColumns.insert(block.variable(p, s).index) }
            }
        }
        for variable in model.lp.variables where !unservedColumns.contains(variable.index) {
            model.lp.setObjective(variable, 0)
        }
        let solution = try GLPKSolver.solve(model.lp)
        guard solution.hasPrimalPoint else {
            return .init(summary: "no plan exists even with unserved demand allowed (\(solution.termination.rawValue))", shortfalls: [])
        }

        let days = scenario.horizon.daysPerPeriod
        var shortfalls: [PlanDocument.Shortfall] = []
        for (w, workload) in scenario.workloads.enumerated() {
            guard let block = model.index.unserved[w] else { continue }
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    let rate = solution[block.variable(p, s)]
                    let demand = model.demandRate[w][p * scenario.timeSlices.count + s]
                    guard rate > bindingTolerance * max(1, demand) else { continue }
                    shortfalls.append(.init(
                        workload: workload.id, period: labels[p], slice: slice.name, tokensPerSecond: rate,
                        tokens: rate * days * slice.hours * 3600,
                        limits: bindingLimits(scenario, model: model, solution: solution, workload: w, period: p, slice: s)))
                }
            }
        }
        let total = shortfalls.reduce(0) { $0 + $1.tokens }
        let summary = shortfalls.isEmpty
            ? "the solver reported no feasible plan, but serving all demand is possible in the diagnosis model: numerical trouble"
            : "demand cannot be met in \(shortfalls.count) workload-period-slice(s); at least \(total) tokens go unserved. Allow unmet demand with policy.unservedPenaltyPerMTok, or relax the limits named below."
        return .init(summary: summary, shortfalls: shortfalls)
    }

    static func isBinding(_ activity: Double, _ limit: Double) -> Bool {
        activity >= limit - bindingTolerance * max(1, abs(limit))
    }

    /// The limits that stop more of workload `w` being served in period `p`, slice `s`.
    static func bindingLimits(_ scenario: Scenario, model: CapacityModel, solution: Solution, workload w: Int, period p: Int, slice s: Int) -> [String] {
        let labels = scenario.horizon.labels
        let workloadID = scenario.workloads[w].id
        var limits: [String] = []
        let servers = Set(model.index.servingPairs.filter { $0.workload == w }.map(\.offering))
        if servers.isEmpty { limits.append("no offering serves \(workloadID)") }
        if let rows = model.index.powerCapRows, let caps = scenario.site.powerCapKW, isBinding(solution.activity(rows.constraint(p)), caps[p]) {
            limits.append("powerCap[\(labels[p])] = \(caps[p]) kW")
        }
        if let rows = model.index.capitalBudgetRows, let budgets = scenario.budget.capexPerPeriod {
            for q in 0...p where isBinding(solution.activity(rows.constraint(q)), budgets[q]) {
                limits.append("capitalBudget[\(labels[q])] = \(budgets[q]) USD")
            }
        }
        for (k, purchase) in scenario.purchases.enumerated() {
            let o = scenario.offerings.firstIndex { $0.id == purchase.id }!
            guard servers.contains(o) else { continue }
            let arrivals = model.index.arrivals[k]
            if arrivals.firstPeriod > p {
                let why = purchase.availableFromIndex > p ? "availableFrom" : "leadTimePeriods \(purchase.leadTimePeriods)"
                limits.append("\(purchase.id): no units can arrive by \(labels[p]) (\(why))")
            }
            if let cap = purchase.maxUnitsPerPeriod {
                let oldest = max(arrivals.firstPeriod, p - purchase.lifetimePeriods + 1)
                if oldest <= p, (oldest...p).allSatisfy({ q in arrivals.variable(q).map { isBinding(solution[$0], cap) } ?? true }) {
                    limits.append("\(purchase.id).maxUnitsPerPeriod = \(cap) in every period up to \(labels[p])")
                }
            }
        }
        for (k, rental) in scenario.rentals.enumerated() {
            let o = scenario.offerings.firstIndex { $0.id == rental.id }!
            guard servers.contains(o), let cap = rental.maxUnits else { continue }
            let units = model.index.reservedUnits[k]?.variable(p) ?? model.index.onDemandUnits[k]!.variable(p, s)
            if isBinding(solution[units], cap) { limits.append("\(rental.id).maxUnits = \(cap)") }
        }
        for (k, api) in scenario.apis.enumerated() {
            guard api.serves.contains(workloadID), let rows = model.index.apiRateLimitRows[k], let limit = api.maxTokensPerSecond else { continue }
            if isBinding(solution.activity(rows.constraint(p, s)), limit) { limits.append("\(api.id).maxTokensPerSecond = \(limit)") }
        }
        return limits
    }
}
