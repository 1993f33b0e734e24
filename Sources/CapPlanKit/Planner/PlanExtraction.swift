import LinearProgramming

/// Reads a solution back through the model's index ranges.
enum PlanExtraction {
    /// Solver noise below this (in the variable's own unit) is reported as zero.
    static let zeroTolerance = 1e-9

    static func clean(_ value: Double, integer: Bool = false) -> Double {
        if integer { return value.rounded() + 0 }
        return abs(value) < zeroTolerance ? 0 : value
    }

    /// The plan's decisions, keyed by ids, as the evaluator reads them.
    static func decisions(scenario: Scenario, model: CapacityModel, solution: Solution, integer: Bool) -> PlanDecisions {
        let index = model.index
        let periods = scenario.horizon.periods, slices = scenario.timeSlices.count
        var decisions = PlanDecisions()
        for (k, purchase) in scenario.purchases.enumerated() {
            decisions.arrivals[purchase.id] = (0..<periods).map { q in
                index.arrivals[k].variable(q).map { clean(solution[$0], integer: integer) } ?? 0
            }
        }
        for (k, rental) in scenario.rentals.enumerated() {
            if let block = index.reservedUnits[k] {
                decisions.reservedUnits[rental.id] = (0..<periods).map { clean(solution[block.variable($0)], integer: integer) }
            } else if let block = index.onDemandUnits[k] {
                decisions.onDemandUnits[rental.id] = (0..<periods).map { p in (0..<slices).map { clean(solution[block.variable(p, $0)]) } }
            }
        }
        for pair in index.servingPairs {
            let offering = scenario.offerings[pair.offering].id, workload = scenario.workloads[pair.workload].id
            decisions.served[offering, default: [:]][workload] = (0..<periods).map { p in
                (0..<slices).map { clean(solution[pair.columns.variable(p, $0)]) }
            }
        }
        for (w, block) in index.unserved.enumerated() {
            guard let block else { continue }
            decisions.unserved[scenario.workloads[w].id] = (0..<periods).map { p in (0..<slices).map { clean(solution[block.variable(p, $0)]) } }
        }
        return decisions
    }

    static func costLines(_ cost: CostBreakdown) -> PlanDocument.CostLines {
        PlanDocument.CostLines(
            capex: cost.capex, energy: cost.energy, fixedOpex: cost.fixedOpex, rental: cost.rental, api: cost.api,
            unservedPenalty: cost.unservedPenalty, total: cost.total)
    }

    /// Fills totals, purchases and periods. Cost lines come from the independent evaluator,
    /// whose total has just been checked against the solver's objective.
    static func fill(
        _ document: inout PlanDocument, scenario: Scenario, model: CapacityModel, solution: Solution,
        decisions: PlanDecisions, evaluation: PlanEvaluation
    ) {
        let periods = scenario.horizon.periods, slices = scenario.timeSlices
        let labels = scenario.horizon.labels
        let days = scenario.horizon.daysPerPeriod
        let seconds = slices.map { days * $0.hours * 3600 }
        let index = model.index

        let total = evaluation.costByComponent, discounted = evaluation.discountedCostByComponent
        document.totals = PlanDocument.Totals(
            discountedCost: evaluation.discountedCost, cost: evaluation.totalCost, capex: total.capex, energy: total.energy,
            fixedOpex: total.fixedOpex, rental: total.rental, api: total.api, unservedPenalty: total.unservedPenalty,
            salvage: evaluation.salvage, discounted: costLines(discounted), discountedSalvage: evaluation.discountedSalvage,
            tokensDemanded: evaluation.tokensDemanded, tokensServed: evaluation.tokensServed, tokensUnserved: evaluation.tokensUnserved,
            costPerMillionTokens: evaluation.tokensServed > 0 ? evaluation.totalCost / (evaluation.tokensServed / 1e6) : nil)

        // Load in units (Σ_w x / τ) per offering, period and slice.
        var load = [Int: [Double]]()
        for pair in index.servingPairs {
            guard let tau = pair.throughput else { continue }
            var values = load[pair.offering] ?? [Double](repeating: 0, count: periods * slices.count)
            for p in 0..<periods {
                for s in 0..<slices.count { values[p * slices.count + s] += solution[pair.columns.variable(p, s)] / tau }
            }
            load[pair.offering] = values
        }
        let offeringPosition = Dictionary(uniqueKeysWithValues: scenario.offerings.enumerated().map { ($1.id, $0) })

        for purchase in scenario.purchases {
            let arrivals = decisions.arrivals[purchase.id] ?? []
            for (q, units) in arrivals.enumerated() where units > 0 {
                document.purchases.append(.init(
                    offering: purchase.id, accelerator: purchase.accelerator, period: labels[q],
                    orderPeriod: scenario.horizon.start.advanced(by: q - purchase.leadTimePeriods).description,
                    units: units, accelerators: units * Double(purchase.acceleratorsPerUnit), capex: units * purchase.unitPrice))
            }
        }

        func weightedAverage(_ values: [Double]) -> Double {
            var sum = 0.0
            for (s, slice) in slices.enumerated() { sum += values[s] * slice.hours }
            return sum / 24
        }

        for p in 0..<periods {
            let period = evaluation.periods[p]
            var fleet: [PlanDocument.FleetLine] = []
            for purchase in scenario.purchases {
                let units = evaluation.unitsInService[purchase.id]?[p] ?? 0
                let existing = p < purchase.existingRemainingPeriods ? purchase.existingUnits : 0
                guard units > 0 else { continue }
                let o = offeringPosition[purchase.id]!
                let busy = (0..<slices.count).map { s in load[o].map { clean($0[p * slices.count + s] / units) } ?? 0 }
                fleet.append(.init(
                    offering: purchase.id, accelerator: purchase.accelerator, unitsInService: units,
                    newUnits: decisions.arrivals[purchase.id]?[p] ?? 0, existingUnits: existing,
                    accelerators: units * Double(purchase.acceleratorsPerUnit), powerKW: units * purchase.powerKW,
                    utilization: Dictionary(uniqueKeysWithValues: zip(slices.map(\.name), busy)), averageUtilization: weightedAverage(busy)))
            }
            var rentals: [PlanDocument.RentalLine] = []
            for rental in scenario.rentals {
                let o = offeringPosition[rental.id]!
                let accelerators = Double(rental.acceleratorsPerUnit)
                if let units = decisions.reservedUnits[rental.id]?[p] {
                    guard units > 0 else { continue }
                    let busy = (0..<slices.count).map { s in load[o].map { clean($0[p * slices.count + s] / units) } ?? 0 }
                    rentals.append(.init(
                        offering: rental.id, accelerator: rental.accelerator, commitment: rental.commitment.rawValue, units: units,
                        unitsBySlice: nil, accelerators: units * accelerators, averageUtilization: weightedAverage(busy)))
                } else if let bySlice = decisions.onDemandUnits[rental.id]?[p] {
                    guard bySlice.contains(where: { $0 > 0 }) else { continue }
                    let busy = (0..<slices.count).map { s in
                        bySlice[s] > 0 ? load[o].map { clean($0[p * slices.count + s] / bySlice[s]) } ?? 0 : 0
                    }
                    let averageUnits = weightedAverage(bySlice)
                    rentals.append(.init(
                        offering: rental.id, accelerator: rental.accelerator, commitment: rental.commitment.rawValue, units: nil,
                        unitsBySlice: Dictionary(uniqueKeysWithValues: zip(slices.map(\.name), bySlice)),
                        accelerators: averageUnits * accelerators, averageUtilization: weightedAverage(busy)))
                }
            }
            var workloads: [PlanDocument.WorkloadLine] = []
            for (w, workload) in scenario.workloads.enumerated() {
                var served: [String: Double] = [:]
                for pair in index.servingPairs where pair.workload == w {
                    var tokens = 0.0
                    for s in 0..<slices.count { tokens += solution[pair.columns.variable(p, s)] * seconds[s] }
                    tokens = clean(tokens)
                    if tokens > 0 { served[scenario.offerings[pair.offering].id] = tokens }
                }
                var unserved = 0.0
                if let block = index.unserved[w] {
                    for s in 0..<slices.count { unserved += solution[block.variable(p, s)] * seconds[s] }
                }
                workloads.append(.init(workload: workload.id, demandTokens: workload.demand[p], servedTokens: served, unservedTokens: clean(unserved)))
            }
            document.periods.append(.init(
                period: labels[p], discountFactor: period.discountFactor, cost: costLines(period.cost),
                discountedCost: costLines(period.discountedCost), fleet: fleet, rentals: rentals, workloads: workloads))
        }
    }
}
