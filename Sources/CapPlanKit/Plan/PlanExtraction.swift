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
        decisions(scenario: scenario, model: model, values: ColumnValues(solution.values), integer: integer)
    }

    /// Column values laid out like `model.lp`: a solve's, or one case's slice of a two-stage
    /// solve (docs/formulation.md section 12).
    struct ColumnValues {
        let values: [Double]
        init(_ values: [Double]) { self.values = values }
        subscript(variable: Variable) -> Double { values[variable.index] }
    }

    /// The decisions read from column values laid out like `model.lp`.
    static func decisions(scenario: Scenario, model: CapacityModel, values solution: ColumnValues, integer: Bool) -> PlanDecisions {
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
        // A deferrable workload (11.2) needs, per slice, what its flows bring there (window
        // form; the flows trimmed to the demand first), or over the day the day's tokens (day
        // form): the excess beyond that is trimmed the same way.
        let hours = scenario.timeSlices.map(\.hours)
        // An API whose committed-use contract is taken costs max(S, (1 − δ) list) a period: below
        // its minimum spend a token there is free too, and the solver may send it more than the
        // demand. Trimming that (after the self-run columns) leaves the cost at S and the rows met.
        let committed = Set(index.commitments.filter { solution[$0.taken] > 0.5 }.map(\.offering))
        for w in scenario.workloads.indices {
            let pairs = index.servingPairs.indices.filter { index.servingPairs[$0].workload == w }
            let free = pairs.filter { index.servingPairs[$0].throughput == nil && committed.contains(index.servingPairs[$0].offering) }
                + pairs.filter { index.servingPairs[$0].throughput != nil }
            /// Takes `excess` tokens/s off slice k's free columns, then its unserved; returns what is left.
            func trim(_ k: Int, _ excess: Double) -> Double {
                var excess = excess
                guard excess > 0 else { return excess }
                for pair in free.reversed() where excess > 0 {
                    let cut = min(excess, rates[pair][k])
                    rates[pair][k] = clean(rates[pair][k] - cut)
                    excess -= cut
                }
                if excess > 0, let unserved = unservedRates[w]?[k] {
                    let cut = min(excess, unserved)
                    unservedRates[w]![k] = clean(unserved - cut)
                    excess -= cut
                }
                return excess
            }
            func served(_ k: Int) -> Double { pairs.reduce(0.0) { $0 + rates[$1][k] } + (unservedRates[w]?[k] ?? 0) }
            guard let deferral = index.deferrals.first(where: { $0.workload == w }) else {
                for k in 0..<periods * slices { _ = trim(k, served(k) - model.demandRate[w][k]) }
                continue
            }
            if deferral.flowStart != nil {
                var flows = flowValues(deferral, solution: solution, periods: periods, slices: slices)
                for p in 0..<periods {
                    for s in 0..<slices {
                        var excess = flows[p][s].reduce(0, +) - model.demandRate[w][p * slices + s]
                        for t in deferral.reach[s].reversed() where excess > 0 {
                            let cut = min(excess, flows[p][s][t])
                            flows[p][s][t] = clean(flows[p][s][t] - cut)
                            excess -= cut
                        }
                    }
                    for t in 0..<slices {
                        var need = 0.0
                        for s in 0..<slices { need += hours[s] * flows[p][s][t] }
                        _ = trim(p * slices + t, served(p * slices + t) - need / hours[t])
                    }
                }
                decisions.deferred[scenario.workloads[w].id] = flows
            } else {
                for p in 0..<periods {
                    var excess = 0.0
                    for s in 0..<slices { excess += hours[s] * (served(p * slices + s) - model.demandRate[w][p * slices + s]) }
                    for s in (0..<slices).reversed() where excess > 1e-12 * hours[s] {
                        let left = trim(p * slices + s, excess / hours[s])
                        excess = left * hours[s]
                    }
                }
            }
        }
        // κ_a (11.5): the committed-use contracts taken.
        decisions.apiCommitments = index.commitments.filter { solution[$0.taken] > 0.5 }.map { scenario.offerings[$0.offering].id }
        func bySlice(_ values: [Double]) -> [[Double]] {
            (0..<periods).map { p in Array(values[p * slices..<(p + 1) * slices]) }
        }
        // Keyed by serving option: the workload id, `workload@precision` for a derived option.
        for (k, pair) in index.servingPairs.enumerated() {
            let offering = scenario.offerings[pair.offering].id
            let key = ServedKey.key(workload: scenario.workloads[pair.workload].id, precision: pair.precision)
            decisions.served[offering, default: [:]][key] = bySlice(rates[k])
        }
        for (w, values) in unservedRates.enumerated() {
            guard let values else { continue }
            decisions.unserved[scenario.workloads[w].id] = bySlice(values)
        }
        // Section 10: g_jops of the pool each job runs in (π_jo = 1), over the whole horizon
        // (zero outside its window), with the compute beyond the job's trimmed (below).
        for job in index.jobs {
            for pool in job.pools where solution[pool.choice] > 0.5 {
                var values = [[Double]](repeating: [Double](repeating: 0, count: slices), count: periods)
                for p in pool.periods {
                    for s in 0..<slices { values[p][s] = nonNegative(solution[pool.accelerators(p, s)]) }
                }
                let training = scenario.jobs[job.job]
                let gated = platformCosted(scenario, offering: pool.offering)
                decisions.training[training.id, default: [:]][scenario.offerings[pool.offering].id] = trimmedTraining(
                    values, required: pool.acceleratorHours, minimum: Double(training.minAccelerators), keepRunning: gated, scenario: scenario)
            }
        }
        return decisions
    }

    /// f_wpss' of a window-deferrable workload as `[period][s][s']`, zero out of reach.
    static func flowValues(_ deferral: DeferralBlock, solution: ColumnValues, periods: Int, slices: Int) -> [[[Double]]] {
        (0..<periods).map { p in
            (0..<slices).map { s in
                (0..<slices).map { t in deferral.flow(p, s, t).map { nonNegative(solution[$0]) } ?? 0 }
            }
        }
    }

    /// Accelerators beyond the job's compute trimmed, latest periods and slices first: idle
    /// owned capacity costs nothing, so the solver may leave a job "running" on more than it
    /// needs (Σ g d η_s > A_jo), which would overstate its accelerator-hours, its finish and its
    /// attributed cost. Lowering g, even to 0, keeps every row: the compute row stays at 1, the
    /// capacity and other jobs' room rows only loosen, and g is in no room row of its own (its
    /// cluster M_j is σ's term there), so a slice never has to keep M_j. On a pool of a costed
    /// platform a running slice is not dropped (that could leave u_kp paid for no use, and the
    /// evaluator would then cost the plan below the solver): it keeps at least one hour of its
    /// cluster, min(g, M_j / (d η_s)).
    static func trimmedTraining(_ values: [[Double]], required: Double, minimum: Double, keepRunning: Bool, scenario: Scenario) -> [[Double]] {
        let days = scenario.horizon.daysPerPeriod, slices = scenario.timeSlices
        var values = values
        var used = 0.0
        for bySlice in values { for (s, g) in bySlice.enumerated() { used += g * days * slices[s].hours } }
        var excess = used - required
        for p in values.indices.reversed() where excess > 0 {
            for s in slices.indices.reversed() where excess > 0 && values[p][s] > 0 {
                let hours = days * slices[s].hours
                let g = values[p][s]
                let floor = keepRunning ? min(g, minimum / hours) : 0
                let lowered = max(floor, g - excess / hours)
                guard lowered < g else { continue }
                values[p][s] = lowered
                excess -= (g - lowered) * hours
            }
        }
        return values
    }

    /// Whether an offering runs on a platform with a cost entry (8.3).
    static func platformCosted(_ scenario: Scenario, offering o: Int) -> Bool {
        let platform: String?
        switch scenario.offerings[o] {
        case .purchase(let purchase): platform = purchase.platform
        case .rental(let rental): platform = rental.platform
        case .api: platform = nil
        }
        guard let platform else { return false }
        return scenario.platforms.contains { $0.id == platform && ($0.adoptionCost > 0 || $0.yearlyCost > 0) }
    }

    static func costLines(_ cost: CostBreakdown) -> PlanDocument.CostLines {
        PlanDocument.CostLines(
            capex: cost.capex, energy: cost.energy, fixedOpex: cost.fixedOpex, rental: cost.rental, api: cost.api,
            unservedPenalty: cost.unservedPenalty, total: cost.total, platform: cost.platform)
    }

    /// The plan's totals: the evaluator's cost lines and tokens.
    static func totals(_ evaluation: PlanEvaluation) -> PlanDocument.Totals {
        let total = evaluation.costByComponent
        return PlanDocument.Totals(
            discountedCost: evaluation.discountedCost, cost: evaluation.totalCost, capex: total.capex, energy: total.energy,
            fixedOpex: total.fixedOpex, rental: total.rental, api: total.api, unservedPenalty: total.unservedPenalty,
            salvage: evaluation.salvage, discounted: costLines(evaluation.discountedCostByComponent), discountedSalvage: evaluation.discountedSalvage,
            tokensDemanded: evaluation.tokensDemanded, tokensServed: evaluation.tokensServed, tokensUnserved: evaluation.tokensUnserved,
            costPerMillionTokens: evaluation.tokensServed > 0 ? evaluation.totalCost / (evaluation.tokensServed / 1e6) : nil,
            platform: total.platform, commitmentsBeyondHorizon: evaluation.commitmentsBeyondHorizon,
            discountedCommitmentsBeyondHorizon: evaluation.discountedCommitmentsBeyondHorizon)
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

        document.totals = totals(evaluation)
        fillSections(&document, scenario: scenario, decisions: decisions, evaluation: evaluation)
        if !scenario.jobs.isEmpty {
            let attribution = CostAttribution.attribute(scenario: scenario, decisions: decisions, evaluation: evaluation)
            document.jobs = jobs(scenario: scenario, decisions: decisions, attribution: attribution)
            let jobsCost = attribution.jobs?.reduce(0) { $0 + $1.cost.total } ?? 0
            document.totals?.jobsCost = jobsCost
            // The cost per million inference tokens leaves the jobs out (section 10).
            document.totals?.costPerMillionTokens = evaluation.tokensServed > 0
                ? (evaluation.totalCost - jobsCost) / (evaluation.tokensServed / 1e6) : nil
        }

        // Rates as reported (trimmed and cleaned), per serving option: [period][slice].
        func served(_ pair: ServingPair) -> [[Double]] {
            decisions.served[scenario.offerings[pair.offering].id]?[ServedKey.key(workload: scenario.workloads[pair.workload].id, precision: pair.precision)] ?? []
        }
        // Load in units (Σ over serving options x / τ) per offering, period and slice.
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
        // Training jobs occupy whole accelerators: U g / G_o units, as in the capacity rows
        // (formulation section 10), so a job filling idle nights shows as busy.
        for (_, pools) in decisions.training.sorted(by: { $0.key < $1.key }) {
            for (offering, accelerators) in pools.sorted(by: { $0.key < $1.key }) {
                guard let o = offeringPosition[offering] else { continue }
                let perUnit: Int
                switch scenario.offerings[o] {
                case .purchase(let purchase): perUnit = purchase.acceleratorsPerUnit
                case .rental(let rental): perUnit = rental.acceleratorsPerUnit
                case .api: continue
                }
                var values = load[o] ?? [Double](repeating: 0, count: periods * slices.count)
                for p in 0..<periods {
                    for s in 0..<slices.count {
                        values[p * slices.count + s] += scenario.policy.utilizationCap * accelerators[p][s] / Double(perUnit)
                    }
                }
                load[o] = values
            }
        }

        // In the order they must be placed: by order period, then offering id (then arrival).
        var orders: [(order: Int, arrival: Int, line: PlanDocument.Purchase)] = []
        for purchase in scenario.purchases {
            let arrivals = decisions.arrivals[purchase.id] ?? []
            for (q, units) in arrivals.enumerated() where units > 0 {
                // Units ordered before the horizon (13.1) are a line of their own, ordered before it.
                let inFlight = min(units, purchase.unitsInFlight(arrivingIn: q))
                for (part, flying) in [(inFlight, true), (units - inFlight, false)] where part > 0 {
                    let order = flying ? min(q - purchase.leadTimePeriods, -1) : q - purchase.leadTimePeriods
                    var line = PlanDocument.Purchase(
                        offering: purchase.id, accelerator: purchase.accelerator, period: labels[q],
                        orderPeriod: scenario.horizon.start.advanced(by: order).description,
                        units: part, accelerators: part * Double(purchase.acceleratorsPerUnit),
                        capex: part * purchase.unitPrice * priceFactor(purchase.priceChange, period: q, horizon: scenario.horizon))
                    if flying { line.inFlight = true }
                    orders.append((order, q, line))
                }
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
                let existing = purchase.existingUnits(inPeriod: p)
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
                // Per offering, its options summed (in option order); derived ones also by precision.
                var servedTokens: [String: Double] = [:]
                var byPrecision: [String: [String: Double]] = [:]
                for pair in index.servingPairs where pair.workload == w {
                    var tokens = 0.0
                    let rates = served(pair)
                    for s in 0..<slices.count { tokens += rates[p][s] * seconds[s] }
                    guard tokens > 0 else { continue }
                    let offering = scenario.offerings[pair.offering].id
                    servedTokens[offering, default: 0] += tokens
                    if let precision = pair.precision { byPrecision[offering, default: [:]][precision.rawValue] = tokens }
                }
                var unserved = 0.0
                if let rates = decisions.unserved[workload.id] {
                    for s in 0..<slices.count { unserved += rates[p][s] * seconds[s] }
                }
                workloads.append(.init(
                    workload: workload.id, demandTokens: workload.demand[p], servedTokens: servedTokens,
                    servedTokensByPrecision: byPrecision.isEmpty ? nil : byPrecision, unservedTokens: unserved))
            }
            document.periods.append(.init(
                period: labels[p], discountFactor: period.discountFactor, cost: costLines(period.cost),
                discountedCost: costLines(period.discountedCost), fleet: fleet, rentals: rentals, workloads: workloads))
        }
        PlanShapes.fill(&document, scenario: scenario, decisions: decisions, evaluation: evaluation)
    }

    // MARK: Contracts, platforms, replicas and margins (schemaVersion 2)

    /// The `rentals`, `platforms`, `replicas` and `margins` sections, from the scenario, the
    /// decisions and the evaluator's recovered quantities (contract starts, replicas, platform
    /// use); nothing here re-derives what the evaluator decides.
    static func fillSections(_ document: inout PlanDocument, scenario: Scenario, decisions: PlanDecisions, evaluation: PlanEvaluation) {
        document.rentals = reservedRentals(scenario: scenario, decisions: decisions, evaluation: evaluation)
        document.platforms = platforms(scenario: scenario, evaluation: evaluation)
        document.replicas = replicas(scenario: scenario, evaluation: evaluation)
        document.margins = margins(scenario: scenario, decisions: decisions, evaluation: evaluation)
        document.derivedThroughput = derivedThroughput(scenario: scenario, decisions: decisions)
    }

    static func monthsPerPeriod(_ kind: PeriodKind) -> Int { 12 / kind.periodsPerYear }

    /// One line per job (scenario order) from its decisions: the pool it ran in, its
    /// accelerator-hours by period and slice, and its attributed cost. `laterDeadline` is
    /// filled by `JobDeadlines` (a re-solve), here only the note when there is no later period.
    static func jobs(scenario: Scenario, decisions: PlanDecisions, attribution: Attribution) -> [PlanDocument.JobLine] {
        let labels = scenario.horizon.labels, slices = scenario.timeSlices, days = scenario.horizon.daysPerPeriod
        let costs = Dictionary((attribution.jobs ?? []).map { ($0.job, $0) }, uniquingKeysWith: { a, _ in a })
        return scenario.jobs.compactMap { job in
            // The pool it ran in: the one in its decisions (a solved plan has exactly one).
            guard let pool = job.pools.first(where: { decisions.training[job.id]?[$0.offering] != nil }),
                  let accelerators = decisions.training[job.id]?[pool.offering] else { return nil }
            let accelerator = scenario.offerings.first { $0.id == pool.offering }.flatMap { offering -> String? in
                switch offering {
                case .purchase(let o): return o.accelerator
                case .rental(let o): return o.accelerator
                case .api: return nil
                }
            }
            var periods: [PlanDocument.JobPeriod] = []
            for (p, bySlice) in accelerators.enumerated() where bySlice.contains(where: { $0 > 0 }) {
                var hours = 0.0
                for (s, slice) in slices.enumerated() { hours += bySlice[s] * days * slice.hours }
                periods.append(.init(period: labels[p], acceleratorHours: hours,
                                     accelerators: Dictionary(uniqueKeysWithValues: zip(slices.map(\.name), bySlice))))
            }
            let last = job.deadlineIndex >= scenario.horizon.periods - 1
            return .init(
                job: job.id, offering: pool.offering, accelerator: accelerator, flops: job.flops, computeBasis: job.computeBasis,
                precision: job.precision, overhead: job.overhead, mfu: pool.mfu, mfuSource: pool.mfuSource,
                acceleratorHoursRequired: pool.acceleratorHours, acceleratorHours: periods.reduce(0) { $0 + $1.acceleratorHours },
                minAccelerators: job.minAccelerators, earliestStart: labels[max(0, job.earliestStartIndex)],
                deadline: labels[min(labels.count - 1, job.deadlineIndex)],
                start: periods.first?.period, finish: periods.last?.period, periods: periods, cost: costs[job.id]?.cost.total ?? 0,
                laterDeadline: nil, laterDeadlineNote: last ? "none: the deadline is the horizon's last period" : nil)
        }
    }

    /// Contracts by start period: v_oq from the evaluator; for one-period contracts, where
    /// starts and units under contract are the same, the reserved units themselves.
    static func contractStarts(_ rental: RentalOffering, decisions: PlanDecisions, evaluation: PlanEvaluation) -> [Double] {
        if let starts = evaluation.contractStarts[rental.id] { return starts }
        return rental.termPeriods == 1 ? decisions.reservedUnits[rental.id] ?? [] : []
    }

    static func reservedRentals(scenario: Scenario, decisions: PlanDecisions, evaluation: PlanEvaluation) -> [PlanDocument.ReservedRental] {
        let periods = scenario.horizon.periods
        let months = monthsPerPeriod(scenario.horizon.kind)
        var result: [PlanDocument.ReservedRental] = []
        for rental in scenario.rentals where rental.commitment == .period {
            let term = rental.termPeriods
            let rent = rental.pricePerUnitHour * scenario.horizon.hoursPerPeriod
            var contracts: [PlanDocument.Contract] = []
            for (q, units) in contractStarts(rental, decisions: decisions, evaluation: evaluation).enumerated() where units > 0 {
                let inside = min(term, periods - q), beyond = max(0, q + term - periods)
                // Priced at its start for the whole term (11.5); 1 without a price change.
                let factor = priceFactor(rental.priceChange, period: q, horizon: scenario.horizon)
                contracts.append(.init(
                    start: scenario.horizon.start.advanced(by: q).description,
                    end: scenario.horizon.start.advanced(by: q + term - 1).description,
                    units: units, termPeriods: term, termMonths: term * months, periodsBeyondHorizon: beyond,
                    upfront: units * rental.upfrontPerUnit * factor, rentInHorizon: units * rent * factor * Double(inside),
                    rentBeyondHorizon: units * rent * factor * Double(beyond), priceFactor: rental.priceChange == nil ? nil : factor))
            }
            guard !contracts.isEmpty else { continue }
            result.append(.init(
                offering: rental.id, accelerator: rental.accelerator, termPeriods: term, termMonths: term * months,
                rentPerUnitPeriod: rent, upfrontPerUnit: rental.upfrontPerUnit, contracts: contracts,
                upfront: contracts.reduce(0) { $0 + $1.upfront }, rentInHorizon: contracts.reduce(0) { $0 + $1.rentInHorizon },
                rentBeyondHorizon: contracts.reduce(0) { $0 + $1.rentBeyondHorizon }))
        }
        return result
    }

    static func platforms(scenario: Scenario, evaluation: PlanEvaluation) -> [PlanDocument.PlatformLine] {
        let labels = scenario.horizon.labels
        var offerings: [String: [String]] = [:]
        var existing = Set<String>()
        for offering in scenario.offerings {
            switch offering {
            case .purchase(let o):
                guard let k = o.platform else { continue }
                offerings[k, default: []].append(o.id)
                if scenario.adoptedBeforeHorizon(platform: k) { existing.insert(k) }
            case .rental(let o):
                guard let k = o.platform else { continue }
                offerings[k, default: []].append(o.id)
                if scenario.adoptedBeforeHorizon(platform: k) { existing.insert(k) }
            case .api:
                continue
            }
        }
        let yearly = Dictionary(scenario.platforms.map { ($0.id, $0.yearlyCost) }, uniquingKeysWith: { a, _ in a })
        return evaluation.platforms.map { platform in
            let adoption = platform.adoptedPeriod.map { labels[$0] } ?? (existing.contains(platform.id) ? "before the horizon" : nil)
            return .init(
                platform: platform.id, offerings: offerings[platform.id] ?? [],
                periodsInUse: platform.inUse.indices.filter { platform.inUse[$0] }.map { labels[$0] },
                adoptionPeriod: adoption, adoptionCost: platform.adoptionCost, yearlyCost: yearly[platform.id] ?? 0,
                yearlyCosts: platform.yearlyCosts, cost: platform.adoptionCost + platform.yearlyCosts)
        }
    }

    /// One line per serving option with a replica size that runs replicas (the evaluator's
    /// ρ, keyed like `decisions.served`), in scenario order, options in their order.
    static func replicas(scenario: Scenario, evaluation: PlanEvaluation) -> [PlanDocument.ReplicaLine] {
        let labels = scenario.horizon.labels, slices = scenario.timeSlices.map(\.name)
        var result: [PlanDocument.ReplicaLine] = []
        for offering in scenario.offerings {
            let acceleratorsPerUnit: Int
            switch offering {
            case .purchase(let o): acceleratorsPerUnit = o.acceleratorsPerUnit
            case .rental(let o): acceleratorsPerUnit = o.acceleratorsPerUnit
            case .api: continue
            }
            guard let byOption = evaluation.replicas[offering.id] else { continue }
            for workload in scenario.workloads {
                for option in CapacityModelBuilder.servingOptions(offering, workload: workload.id) {
                    guard let size = option.acceleratorsPerReplica,
                          let values = byOption[ServedKey.key(workload: workload.id, precision: option.precision)] else { continue }
                    let periods: [PlanDocument.ReplicaPeriod] = values.enumerated().compactMap { p, bySlice in
                        guard bySlice.contains(where: { $0 > 0 }) else { return nil }
                        return .init(period: labels[p], replicas: Dictionary(uniqueKeysWithValues: zip(slices, bySlice)),
                                     peak: bySlice.max() ?? 0)
                    }
                    guard !periods.isEmpty else { continue }
                    result.append(.init(
                        offering: offering.id, workload: workload.id, precision: option.precision, acceleratorsPerReplica: size,
                        unitsPerReplica: Double(size) / Double(acceleratorsPerUnit), minReplicas: workload.minReplicas, periods: periods))
                }
            }
        }
        return result
    }

    /// The `derivedThroughput` section: for every purchase or rental and workload whose serving
    /// options the performance model derived (or tried to: no given throughput, precisions
    /// listed), each option's figures and derivation with the tokens it served over the
    /// horizon, and the precisions that did not fit. Nil when there are none, so that plans of
    /// scenarios without `precisions` keep their bytes.
    static func derivedThroughput(scenario: Scenario, decisions: PlanDecisions) -> [PlanDocument.DerivedThroughput]? {
        let days = scenario.horizon.daysPerPeriod, slices = scenario.timeSlices
        var result: [PlanDocument.DerivedThroughput] = []
        func lines(_ offering: some SelfRunOffering, label: String?, unfitPrecisions: [String: [UnfitPrecision]]) {
            for workload in scenario.workloads {
                guard let serving = workload.serving, offering.throughput[workload.id] == nil else { continue }
                let derived = offering.derivedServing[workload.id] ?? []
                let unfit = unfitPrecisions[workload.id] ?? []
                guard !derived.isEmpty || !unfit.isEmpty else { continue }
                let options: [PlanDocument.DerivedOption] = derived.compactMap { option in
                    guard let precision = option.precision, let how = option.derivation else { return nil }
                    let rates = decisions.served[offering.id]?[ServedKey.key(workload: workload.id, precision: precision)] ?? []
                    var tokens = 0.0
                    for bySlice in rates {
                        for (s, rate) in bySlice.enumerated() where s < slices.count { tokens += rate * days * slices[s].hours * 3600 }
                    }
                    return .init(
                        precision: precision, tokensPerSecondPerUnit: option.tokensPerSecond,
                        tokensPerSecondPerReplica: how.tokensPerSecondPerReplica, acceleratorsPerReplica: how.tensorParallel,
                        replicaSizeInModel: option.acceleratorsPerReplica, batch: how.batch, decodeBound: how.decodeBound,
                        efficiencyFactor: how.efficiencyFactor, efficiencyCalibrated: how.efficiencyCalibrated, servedTokens: tokens)
                }
                let how = derived.lazy.compactMap(\.derivation).first
                result.append(.init(
                    offering: offering.id, workload: workload.id, model: how?.model ?? workload.model ?? "",
                    accelerator: how?.accelerator ?? label, latency: how?.latency ?? serving.latency,
                    inputTokensPerRequest: how?.inputTokens ?? serving.inputTokens, outputTokensPerRequest: how?.outputTokens ?? serving.outputTokens,
                    options: options, unfit: unfit.map { .init(precision: $0.precision, reason: $0.reason) }))
            }
        }
        for offering in scenario.offerings {
            switch offering {
            case .purchase(let o): lines(o, label: o.accelerator, unfitPrecisions: o.unfitPrecisions)
            case .rental(let o): lines(o, label: o.accelerator, unfitPrecisions: o.unfitPrecisions)
            case .api: continue
            }
        }
        return result.isEmpty ? nil : result
    }

    static func margins(scenario: Scenario, decisions: PlanDecisions, evaluation: PlanEvaluation) -> [PlanDocument.MarginLine] {
        let labels = scenario.horizon.labels, slices = scenario.timeSlices
        var result: [PlanDocument.MarginLine] = []
        for offering in scenario.offerings {
            let spare: Int, derating: Double, units: [Double]
            switch offering {
            case .purchase(let o):
                (spare, derating) = (o.spareUnits, o.failureDerating)
                units = evaluation.unitsInService[o.id] ?? []
            case .rental(let o):
                (spare, derating) = (o.spareUnits, o.failureDerating)
                if let reserved = decisions.reservedUnits[o.id] {
                    units = reserved
                } else {
                    units = (decisions.onDemandUnits[o.id] ?? []).map { bySlice in
                        zip(bySlice, slices).reduce(0) { $0 + $1.0 * $1.1.hours } / 24
                    }
                }
            case .api:
                continue
            }
            guard spare > 0 || derating > 0 else { continue }
            let served = decisions.served[offering.id] ?? [:]
            let periods: [PlanDocument.MarginPeriod] = units.enumerated().compactMap { p, n in
                guard n > 0 else { return nil }
                // y_op: the pool serves in p (docs/formulation.md 8.4).
                let serves = served.values.contains { $0[p].contains { $0 > 0 } }
                let held = serves ? Double(spare) : 0
                let counted = max(0, n - held)
                return .init(period: labels[p], units: n, spareUnitsHeld: held, deratedUnits: derating * counted,
                             usableUnits: (1 - derating) * counted)
            }
            guard !periods.isEmpty else { continue }
            result.append(.init(offering: offering.id, spareUnits: spare, failureDerating: derating, periods: periods))
        }
        return result
    }
}
