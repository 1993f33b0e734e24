import LinearProgramming

/// Reads a solution back through the model's index ranges.
enum PlanExtraction {
    /// Solver noise below this (in the variable's own unit) is reported as zero.
    static let zeroTolerance = 1e-9

    static func clean(_ value: Double, integer: Bool = false) -> Double {
        if integer { return value.rounded() + 0 }
        return abs(value) < zeroTolerance ? 0 : value
    }

    /// For columns with lower bound 0: GLPK may return values a little below 0 (within its
    /// feasibility tolerance, e.g. −1e-6); they are reported as 0.
    static func nonNegative(_ value: Double) -> Double {
        value < zeroTolerance ? 0 : value
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
                decisions.onDemandUnits[rental.id] = (0..<periods).map { p in (0..<slices).map { nonNegative(solution[block.variable(p, $0)]) } }
            }
        }
        // Rates per serving pair, [p·S + s], then over-service trimmed: demand rows are ≥ and
        // owned or rented capacity costs nothing per token, so the solver may leave idle
        // capacity "serving" more than the demand. Taking the excess off those free columns
        // changes neither the cost nor feasibility (capacity rows only get looser).
        var rates = index.servingPairs.map { pair in
            (0..<periods * slices).map { nonNegative(solution[Variable(index: pair.columns.start + $0)]) }
        }
        var unservedRates = index.unserved.map { block in
            block.map { block in (0..<periods * slices).map { nonNegative(solution[Variable(index: block.start + $0)]) } }
        }
        for w in scenario.workloads.indices {
            let pairs = index.servingPairs.indices.filter { index.servingPairs[$0].workload == w }
            let free = pairs.filter { index.servingPairs[$0].throughput != nil }
            for k in 0..<periods * slices {
                var excess = pairs.reduce(0.0) { $0 + rates[$1][k] } + (unservedRates[w]?[k] ?? 0) - model.demandRate[w][k]
                guard excess > 0 else { continue }
                for pair in free.reversed() where excess > 0 {
                    let cut = min(excess, rates[pair][k])
                    rates[pair][k] = clean(rates[pair][k] - cut)
                    excess -= cut
                }
                if excess > 0, let unserved = unservedRates[w]?[k] {
                    unservedRates[w]![k] = clean(max(0, unserved - excess))
                }
            }
        }
        func bySlice(_ values: [Double]) -> [[Double]] {
            (0..<periods).map { p in Array(values[p * slices..<(p + 1) * slices]) }
        }
        for (k, pair) in index.servingPairs.enumerated() {
            let offering = scenario.offerings[pair.offering].id, workload = scenario.workloads[pair.workload].id
            decisions.served[offering, default: [:]][workload] = bySlice(rates[k])
        }
        for (w, values) in unservedRates.enumerated() {
            guard let values else { continue }
            decisions.unserved[scenario.workloads[w].id] = bySlice(values)
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

        // Rates as reported (trimmed and cleaned), per serving pair: [period][slice].
        func served(_ pair: ServingPair) -> [[Double]] {
            decisions.served[scenario.offerings[pair.offering].id]?[scenario.workloads[pair.workload].id] ?? []
        }
        // Load in units (Σ_w x / τ) per offering, period and slice.
        var load = [Int: [Double]]()
        for pair in index.servingPairs {
            guard let tau = pair.throughput else { continue }
            var values = load[pair.offering] ?? [Double](repeating: 0, count: periods * slices.count)
            let rates = served(pair)
            for p in 0..<periods {
                for s in 0..<slices.count { values[p * slices.count + s] += rates[p][s] / tau }
            }
            load[pair.offering] = values
        }
        let offeringPosition = Dictionary(uniqueKeysWithValues: scenario.offerings.enumerated().map { ($1.id, $0) })

        // In the order they must be placed: by order period, then offering id (then arrival).
        var orders: [(order: Int, arrival: Int, line: PlanDocument.Purchase)] = []
        for purchase in scenario.purchases {
            let arrivals = decisions.arrivals[purchase.id] ?? []
            for (q, units) in arrivals.enumerated() where units > 0 {
                let order = q - purchase.leadTimePeriods
                orders.append((order, q, .init(
                    offering: purchase.id, accelerator: purchase.accelerator, period: labels[q],
                    orderPeriod: scenario.horizon.start.advanced(by: order).description,
                    units: units, accelerators: units * Double(purchase.acceleratorsPerUnit), capex: units * purchase.unitPrice)))
            }
        }
        orders.sort { ($0.order, $0.line.offering, $0.arrival) < ($1.order, $1.line.offering, $1.arrival) }
        document.purchases = orders.map(\.line)

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
                        offering: rental.id, accelerator: rental.accelerator, commitment: rental.commitment, units: units,
                        unitsBySlice: nil, accelerators: units * accelerators, averageUtilization: weightedAverage(busy)))
                } else if let bySlice = decisions.onDemandUnits[rental.id]?[p] {
                    guard bySlice.contains(where: { $0 > 0 }) else { continue }
                    let busy = (0..<slices.count).map { s in
                        bySlice[s] > 0 ? load[o].map { clean($0[p * slices.count + s] / bySlice[s]) } ?? 0 : 0
                    }
                    let averageUnits = weightedAverage(bySlice)
                    rentals.append(.init(
                        offering: rental.id, accelerator: rental.accelerator, commitment: rental.commitment, units: nil,
                        unitsBySlice: Dictionary(uniqueKeysWithValues: zip(slices.map(\.name), bySlice)),
                        accelerators: averageUnits * accelerators, averageUtilization: weightedAverage(busy)))
                }
            }
            var workloads: [PlanDocument.WorkloadLine] = []
            for (w, workload) in scenario.workloads.enumerated() {
                var servedTokens: [String: Double] = [:]
                for pair in index.servingPairs where pair.workload == w {
                    var tokens = 0.0
                    let rates = served(pair)
                    for s in 0..<slices.count { tokens += rates[p][s] * seconds[s] }
                    if tokens > 0 { servedTokens[scenario.offerings[pair.offering].id] = tokens }
                }
                var unserved = 0.0
                if let rates = decisions.unserved[workload.id] {
                    for s in 0..<slices.count { unserved += rates[p][s] * seconds[s] }
                }
                workloads.append(.init(workload: workload.id, demandTokens: workload.demand[p], servedTokens: servedTokens, unservedTokens: unserved))
            }
            document.periods.append(.init(
                period: labels[p], discountFactor: period.discountFactor, cost: costLines(period.cost),
                discountedCost: costLines(period.discountedCost), fleet: fleet, rentals: rentals, workloads: workloads))
        }
    }
}
