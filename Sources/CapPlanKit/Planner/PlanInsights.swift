import LinearProgramming

/// Marginal costs and shadow prices from the duals of the LP (for a MIP: of the LP with the
/// integer decisions fixed at their optimum). docs/insights.md states the conventions.
enum PlanInsights {
    /// Under this (discounted USD per unit) a limit's value counts as zero: it does not bind.
    static let valueTolerance = 1e-9

    static func compute(scenario: Scenario, model: CapacityModel, solution: Solution) -> PlanDocument.Insights? {
        guard let duals = solution.rowDuals, let reducedCosts = solution.reducedCosts else { return nil }
        let index = model.index
        let periods = scenario.horizon.periods, slices = scenario.timeSlices
        let labels = scenario.horizon.labels, days = scenario.horizon.daysPerPeriod
        let discount = model.discount

        // Marginal cost of demand: the demand row's dual is ∂(discounted cost)/∂r_wps, per
        // token/s held over the slice, i.e. per d·η_s·3600 tokens. Divided by δ_p it is in the
        // period's own (undiscounted) money. A deferrable workload (11.2): within the day, the
        // dailyDemand row's dual is per token/s·hour of the day (r_wps enters it times η_s), so
        // a token costs dual / (d 3600) in whichever slice it arrives; with a window the
        // deferredDemand row holds r_wps like a demand row. The average weighs slices by the
        // workload's own shares σ_ws (11.1).
        var marginalCosts: [PlanDocument.MarginalCost] = []
        for (w, workload) in scenario.workloads.enumerated() {
            let deferral = index.deferrals.first { $0.workload == w }
            for p in 0..<periods {
                var bySlice: [String: Double] = [:]
                var weighted = 0.0, peak = -Double.infinity, peakSlice = slices[0].name
                for (s, slice) in slices.enumerated() {
                    let tokens = days * slice.hours * 3600
                    let dual: Double
                    if let rows = index.demandRows[w] {
                        dual = duals[rows.constraint(p, s).index]
                    } else if let rows = deferral?.dailyRows {
                        dual = duals[rows.constraint(p).index] * slice.hours
                    } else if let rows = deferral?.demandRows {
                        dual = duals[rows.constraint(p, s).index]
                    } else {
                        dual = 0
                    }
                    let value = PlanExtraction.clean(dual * 1e6 / tokens / discount[p])
                    bySlice[slice.name] = value
                    weighted += value * scenario.share(ofWorkload: w, slice: s)
                    if value > peak {
                        peak = value
                        peakSlice = slice.name
                    }
                }
                marginalCosts.append(.init(
                    workload: workload.id, period: labels[p], averagePerMTok: weighted, peakSlice: peakSlice,
                    peakPerMTok: peak, bySlice: bySlice))
            }
        }

        var prices: [PlanDocument.ShadowPrice] = []
        func add(_ limit: String, kind: ConstraintFamily, unit: String, period p: Int, slice: String? = nil, offering: String? = nil, value: Double) {
            guard value > valueTolerance else { return }
            prices.append(.init(
                limit: limit, kind: kind, period: labels[p], slice: slice, offering: offering, unit: unit,
                value: value, valueUndiscounted: value / discount[p]))
        }
        // Rows of ≤ limits: a binding row has dual ≤ 0 in a minimization; one more unit of the
        // limit saves −dual.
        if let rows = index.powerCapRows {
            for p in 0..<periods {
                add("powerCap[\(labels[p])]", kind: .powerCap, unit: "USD per kW", period: p, value: -duals[rows.constraint(p).index])
            }
        }
        if let rows = index.capitalBudgetRows {
            for p in 0..<periods {
                add("capitalBudget[\(labels[p])]", kind: .capitalBudget, unit: "USD per USD of budget", period: p,
                    value: -duals[rows.constraint(p).index])
            }
        }
        // Fiscal budgets: USD of cash in fiscal year f; `period` is `FY<f>`, and the value in
        // the year's own money is divided by δ of the year's first period in the horizon.
        let fiscalStart = scenario.budget.fiscalYearStartMonth
        for (family, rows) in [(ConstraintFamily.fiscalCapex, index.fiscalCapexRows), (.fiscalOpex, index.fiscalOpexRows)] {
            for row in rows {
                let value = -duals[row.row.index]
                guard value > valueTolerance else { continue }
                let first = (0..<periods).first {
                    FinanceComputation.fiscalYear(of: scenario.horizon.start.advanced(by: $0), startMonth: fiscalStart) == row.year
                } ?? 0
                prices.append(.init(
                    limit: "\(family.rawValue)[FY\(row.year)]", kind: family, period: "FY\(row.year)", slice: nil, offering: nil,
                    unit: "USD per USD of budget", value: value, valueUndiscounted: value / discount[first]))
            }
        }
        for (k, api) in scenario.apis.enumerated() {
            guard let rows = index.apiRateLimitRows[k] else { continue }
            for p in 0..<periods {
                for (s, slice) in slices.enumerated() {
                    add("apiRateLimit[\(api.id),\(labels[p]),\(slice.name)]", kind: .apiRateLimit, unit: "USD per token/s",
                        period: p, slice: slice.name, offering: api.id, value: -duals[rows.constraint(p, s).index])
                }
            }
        }
        // Column caps: a column at its upper bound with reduced cost d < 0 would lower the cost
        // by −d per unit of a higher cap.
        func atUpper(_ variable: Variable, _ cap: Double?) -> Double? {
            guard let cap, abs(solution[variable] - cap) <= 1e-7 * max(1, cap) else { return nil }
            return -reducedCosts[variable.index]
        }
        for (k, purchase) in scenario.purchases.enumerated() {
            for p in 0..<periods {
                guard let b = index.arrivals[k].variable(p), let value = atUpper(b, purchase.maxUnitsPerPeriod) else { continue }
                add("maxUnitsPerPeriod[\(purchase.id),\(labels[p])]", kind: .maxUnitsPerPeriod, unit: "USD per unit",
                    period: p, offering: purchase.id, value: value)
            }
        }
        for (k, rental) in scenario.rentals.enumerated() {
            for p in 0..<periods {
                if let block = index.reservedUnits[k] {
                    if let value = atUpper(block.variable(p), rental.maxUnits) {
                        add("maxUnits[\(rental.id),\(labels[p])]", kind: .maxUnits, unit: "USD per unit", period: p, offering: rental.id, value: value)
                    }
                } else if let block = index.onDemandUnits[k] {
                    for (s, slice) in slices.enumerated() {
                        if let value = atUpper(block.variable(p, s), rental.maxUnits) {
                            add("maxUnits[\(rental.id),\(labels[p]),\(slice.name)]", kind: .maxUnits, unit: "USD per unit",
                                period: p, slice: slice.name, offering: rental.id, value: value)
                        }
                    }
                }
            }
        }
        return PlanDocument.Insights(
            dualSource: solution.dualsFromFixedIntegers ? .fixedIntegers : solution.algorithm == .benders ? .benders : .lpOptimum,
            marginalCosts: marginalCosts, shadowPrices: prices)
    }
}
