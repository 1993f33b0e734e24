import LinearProgramming

/// What the moving prices did (docs/formulation.md 11.5, docs/plan-format.md `priceOutlook`):
/// each offering's price factor by period, and, bounded like the other extras (not computed
/// when out of time), the scenario re-solved with every factor 1, whose purchases stand next
/// to the plan's with a one-line summary ("with static prices the plan would buy 8 units of
/// h100 by 2027Q4; with the moving prices it buys 3 by then, 2 later").
enum PriceOutlook {
    /// The factors and the plan's purchases by period; nil when no price moves.
    static func section(scenario: Scenario, decisions: PlanDecisions) -> PlanDocument.PriceOutlook? {
        let horizon = scenario.horizon
        var factors: [PlanDocument.PriceFactorLine] = []
        for offering in scenario.offerings {
            let (change, kind): (PriceChange?, String)
            switch offering {
            case .purchase(let o): (change, kind) = (o.priceChange, "purchase")
            case .rental(let o): (change, kind) = (o.priceChange, "rental")
            case .api(let o): (change, kind) = (o.priceChange, "api")
            }
            guard let change else { continue }
            factors.append(.init(offering: offering.id, kind: kind,
                                 factors: (0..<horizon.periods).map { priceFactor(change, period: $0, horizon: horizon) }))
        }
        guard !factors.isEmpty else { return nil }
        let purchases = scenario.purchases.map { o in
            PlanDocument.PurchaseOutlook(offering: o.id, plan: arrivals(decisions, o.id, periods: horizon.periods), staticPrices: nil)
        }
        return .init(factors: factors, purchases: purchases, staticPricesDiscountedCost: nil, staticPricesNote: nil, summary: nil)
    }

    static func arrivals(_ decisions: PlanDecisions, _ id: String, periods: Int) -> [Double] {
        let values = decisions.arrivals[id] ?? []
        return (0..<periods).map { $0 < values.count ? values[$0] : 0 }
    }

    /// The scenario with every price factor 1.
    static func staticPrices(_ scenario: Scenario) -> Scenario {
        var result = scenario
        result.offerings = scenario.offerings.map { offering in
            switch offering {
            case .purchase(var o): o.priceChange = nil; return .purchase(o)
            case .rental(var o): o.priceChange = nil; return .rental(o)
            case .api(var o): o.priceChange = nil; return .api(o)
            }
        }
        return result
    }

    /// Re-solves with static prices and fills the comparison (called from `Planner.plan`).
    static func fill(_ document: inout PlanDocument, scenario: Scenario, integer: Bool, options: PlanOptions, deadline: Deadline) {
        guard var outlook = document.priceOutlook else { return }
        defer { document.priceOutlook = outlook }
        guard let seconds = deadline.remaining else {
            outlook.staticPricesNote = Deadline.notComputed
            return
        }
        let flat = staticPrices(scenario)
        let model = CapacityModelBuilder.buildModel(flat, options: CapacityModelOptions(names: false, integerUnits: integer))
        do {
            let solution = try Planner.solve(
                model, options: options, timeLimit: seconds, mipGap: max(options.mipGap, PlanOptions.extrasMIPGap), main: false)
            guard solution.termination == .optimal, let cost = solution.objectiveValue else {
                outlook.staticPricesNote = "not computed: the re-solve stopped without a proven optimum (\(solution.termination.rawValue))"
                return
            }
            let decisions = PlanExtraction.decisions(scenario: flat, model: model, solution: solution, integer: integer)
            outlook.staticPricesDiscountedCost = cost
            for k in outlook.purchases.indices {
                outlook.purchases[k].staticPrices = arrivals(decisions, outlook.purchases[k].offering, periods: scenario.horizon.periods)
            }
            outlook.summary = summary(outlook.purchases, labels: scenario.horizon.labels)
        } catch {
            outlook.staticPricesNote = "not computed: \(error)"
        }
    }

    /// One clause per purchase offering bought either way, joined by "; ".
    static func summary(_ purchases: [PlanDocument.PurchaseOutlook], labels: [String]) -> String {
        func units(_ value: Double) -> String { Formatting.number(value) }
        var clauses: [String] = []
        for line in purchases {
            guard let flat = line.staticPrices else { continue }
            let flatTotal = flat.reduce(0, +), planTotal = line.plan.reduce(0, +)
            guard flatTotal > 0 || planTotal > 0 else { continue }
            if flat == line.plan {
                clauses.append("\(line.offering): the same purchases with static prices")
                continue
            }
            guard let last = flat.lastIndex(where: { $0 > 0 }) else {
                let lastPlan = line.plan.lastIndex { $0 > 0 }!
                clauses.append("with static prices the plan would buy no \(line.offering); with the moving prices it buys \(units(planTotal)) by \(labels[lastPlan])")
                continue
            }
            let byThen = line.plan[...last].reduce(0, +), later = line.plan[(last + 1)...].reduce(0, +)
            var clause = "with static prices the plan would buy \(units(flatTotal)) unit\(flatTotal == 1 ? "" : "s") of \(line.offering) by \(labels[last]); "
                + "with the moving prices it buys " + (byThen > 0 ? "\(units(byThen)) by then" : later > 0 ? "none by then" : "none")
            if later > 0 { clause += ", \(units(later)) later" }
            clauses.append(clause)
        }
        return clauses.isEmpty ? "no purchases with static prices or with the moving prices" : clauses.joined(separator: "; ")
    }
}
