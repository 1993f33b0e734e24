import Foundation
import LinearProgramming

// The capacity-expansion model of docs/formulation.md, built from a validated scenario.
// One function per constraint family, called in a fixed order from `buildModel`; results are
// read back through the typed index ranges of `CapacityModel`, never by parsing names.

/// A block of variables or rows laid out period-major: index = start + p·slices + s.
public struct PeriodSliceBlock: Hashable, Sendable {
    public let start: Int
    public let slices: Int

    public func offset(_ p: Int, _ s: Int) -> Int { start + p * slices + s }
    public func variable(_ p: Int, _ s: Int) -> Variable { Variable(index: offset(p, s)) }
    public func constraint(_ p: Int, _ s: Int) -> Constraint { Constraint(index: offset(p, s)) }
}

/// A block with one entry per period: index = start + p.
public struct PeriodBlock: Hashable, Sendable {
    public let start: Int

    public func variable(_ p: Int) -> Variable { Variable(index: start + p) }
    public func constraint(_ p: Int) -> Constraint { Constraint(index: start + p) }
}

/// An offering that can serve a workload: a column block x_owps (or y_awps).
public struct ServingPair: Hashable, Sendable {
    /// Position of the offering in `scenario.offerings`.
    public let offering: Int
    /// Position of the workload in `scenario.workloads`.
    public let workload: Int
    /// τ_ow for purchases and rentals; nil for APIs.
    public let throughput: Double?
    public let columns: PeriodSliceBlock
}

/// Arrival columns b_oq of one purchase: periods `firstPeriod..<periods` (none before q0).
public struct ArrivalBlock: Hashable, Sendable {
    public let firstPeriod: Int
    /// Column of period firstPeriod; nil when no arrival is possible within the horizon.
    public let start: Int?

    public func variable(_ q: Int) -> Variable? {
        guard let start, q >= firstPeriod else { return nil }
        return Variable(index: start + q - firstPeriod)
    }
}

/// Where everything is in the LP.
public struct CapacityModelIndex: Sendable {
    /// Per purchase (in `scenario.purchases` order).
    public var arrivals: [ArrivalBlock] = []
    public var inService: [PeriodBlock] = []
    public var fleetRows: [PeriodBlock] = []
    public var ownedCapacityRows: [PeriodSliceBlock] = []
    /// Per rental (in `scenario.rentals` order): reserved units by period, or on-demand by slice.
    public var reservedUnits: [PeriodBlock?] = []
    public var onDemandUnits: [PeriodSliceBlock?] = []
    public var rentedCapacityRows: [PeriodSliceBlock] = []
    /// Per API (in `scenario.apis` order), when it has a rate limit.
    public var apiRateLimitRows: [PeriodSliceBlock?] = []
    /// Every serving pair, purchases and rentals first then APIs, in scenario order.
    public var servingPairs: [ServingPair] = []
    /// Per workload, when a penalty is set.
    public var unserved: [PeriodSliceBlock?] = []
    public var demandRows: [PeriodSliceBlock] = []
    public var powerCapRows: PeriodBlock?
    public var capitalBudgetRows: PeriodBlock?
}

/// The LP of a scenario together with the map of its columns and rows.
public struct CapacityModel: Sendable {
    public var lp: LinearModel
    public let index: CapacityModelIndex
    /// r_wps, tokens/s: `demandRate[w][p·S + s]`.
    public let demandRate: [[Double]]
    /// δ_p for p = 0..P (the last one discounts to the end of the horizon).
    public let discount: [Double]
    /// What the build left out, and why (exact reductions: the optimum is unchanged).
    public let reductions: [String]
    /// The scenario the model was built from (with the integrality it was built with).
    public let scenario: Scenario
}

/// Options of the model build.
public struct CapacityModelOptions: Sendable, Hashable {
    /// Name rows and columns (`demand[chat,2027Q3,peak]`); needed for exports, optional for solves.
    public var names: Bool = true
    /// Overrides `policy.integerUnits` (e.g. `--relax`).
    public var integerUnits: Bool?
    /// Leave out options that can never be part of an optimal plan (see `dominatedOptions`).
    public var reductions: Bool = true
    /// With whole units, declare the units in service n_op integer too (exact: see
    /// `addPurchaseVariables`); off gives the plain formulation of the MathProg twin.
    public var wholeFleet: Bool = true

    public init(names: Bool = true, integerUnits: Bool? = nil, reductions: Bool = true, wholeFleet: Bool = true) {
        self.names = names
        self.integerUnits = integerUnits
        self.reductions = reductions
        self.wholeFleet = wholeFleet
    }
}

/// Builds the model of docs/formulation.md.
public struct CapacityModelBuilder {
    let scenario: Scenario
    let options: CapacityModelOptions
    let periods: Int
    let slices: Int
    let labels: [String]
    let hours: Double
    let days: Double
    let discount: [Double]
    let purchases: [PurchaseOffering]
    let rentals: [RentalOffering]
    let apis: [APIOffering]
    let integer: Bool
    var lp: LinearModel
    var index = CapacityModelIndex()
    var demandRate: [[Double]] = []
    /// Serving pairs (offering position, workload position) and unserved columns left out.
    var dominatedPairs = Set<[Int]>()
    var dominatedUnserved = Set<Int>()
    var reductions: [String] = []

    public init(scenario: Scenario, options: CapacityModelOptions = CapacityModelOptions()) {
        self.scenario = scenario
        self.options = options
        periods = scenario.horizon.periods
        slices = scenario.timeSlices.count
        labels = scenario.horizon.labels
        hours = scenario.horizon.hoursPerPeriod
        days = scenario.horizon.daysPerPeriod
        discount = Self.discountFactors(scenario)
        purchases = scenario.purchases
        rentals = scenario.rentals
        apis = scenario.apis
        integer = options.integerUnits ?? scenario.policy.integerUnits
        lp = LinearModel(name: String(scenario.name.prefix(255)), direction: .minimize)
    }

    /// δ_p = (1 + r)^(−p·h/8760) for p = 0..P: the start of each period discounted to the start
    /// of the horizon (the last one is the end of the horizon). The planner's one definition;
    /// the evaluator keeps its own on purpose.
    public static func discountFactors(_ scenario: Scenario) -> [Double] {
        let yearsPerPeriod = scenario.horizon.hoursPerPeriod / 8760
        return (0...scenario.horizon.periods).map { p in pow(1 + scenario.discountRate, -Double(p) * yearsPerPeriod) }
    }

    /// An upper bound on the matrix entries of a scenario's model, from its sizes alone (the
    /// validator checks it against the nonzero limit before anything is built). Family by
    /// family, as `buildModel` adds them (reductions only leave entries out), with P periods,
    /// S slices and L_o = min(lifetime, P):
    ///
    ///     fleet             Σ_purchases P (1 + L_o)
    ///     demand            P S (serving pairs + workloads, the latter when unmet demand is priced)
    ///     owned, rented     P S (purchases + rentals + their serving pairs)
    ///     API rate limits   P S (API serving pairs)
    ///     power, budget     2 P purchases
    public static func nonzeroUpperBound(periods: Int, slices: Int, workloads: Int, offerings: [Offering], unservedPriced: Bool) -> Double {
        let p = Double(periods), ps = Double(periods * slices)
        var total = unservedPriced ? ps * Double(workloads) : 0
        for offering in offerings {
            switch offering {
            case .purchase(let purchase):
                let pairs = Double(purchase.throughput.values.filter { $0 > 0 }.count)
                total += p * Double(1 + min(purchase.lifetimePeriods, periods)) + ps * (1 + 2 * pairs) + 2 * p
            case .rental(let rental):
                total += ps * (1 + 2 * Double(rental.throughput.values.filter { $0 > 0 }.count))
            case .api(let api):
                total += 2 * ps * Double(api.serves.count)
            }
        }
        return total
    }

    /// Builds the whole model: variables, then each constraint family in a fixed order.
    public static func buildModel(_ scenario: Scenario, options: CapacityModelOptions = CapacityModelOptions()) -> CapacityModel {
        var builder = CapacityModelBuilder(scenario: scenario, options: options)
        if options.reductions { builder.findDominatedOptions() }
        builder.reserve()
        builder.computeDemandRates()
        builder.addPurchaseVariables()
        builder.addRentalVariables()
        builder.addServingVariables()
        builder.addUnservedVariables()
        builder.addFleetConstraints()
        builder.addDemandConstraints()
        builder.addOwnedCapacityConstraints()
        builder.addRentedCapacityConstraints()
        builder.addAPIRateLimitConstraints()
        builder.addPowerCapConstraints()
        builder.addCapitalBudgetConstraints()
        return CapacityModel(
            lp: builder.lp, index: builder.index, demandRate: builder.demandRate, discount: builder.discount,
            reductions: builder.reductions, scenario: scenario.withIntegerUnits(builder.integer))
    }

    // MARK: Names

    func name(_ family: String, _ parts: String...) -> String {
        options.names ? "\(family)[\(parts.joined(separator: ","))]" : ""
    }

    // MARK: Exact reductions

    /// Options whose price per token is fixed (APIs, on-demand rentals, unserved demand) are
    /// interchangeable per token. For each workload, the cheapest such option without a limit
    /// (no rate limit, no maxUnits) can take any amount; an option of the same kind that costs
    /// strictly more per token for that workload is never used in an optimal plan (moving its
    /// tokens to the cheapest one lowers the cost and breaks no constraint), so its columns
    /// are not built, and an API left with no workload needs no rate-limit rows.
    ///
    /// Per token: API ((1 − φ_w) in_a + φ_w out_a) / 10^6; on-demand rental π_o / (U τ_ow 3600);
    /// unserved θ / 10^6.
    mutating func findDominatedOptions() {
        let cap = scenario.policy.utilizationCap
        for (w, workload) in scenario.workloads.enumerated() {
            var options: [(pair: Int?, price: Double, unlimited: Bool)] = []
            for (o, offering) in scenario.offerings.enumerated() {
                switch offering {
                case .api(let api) where api.serves.contains(workload.id):
                    let price = ((1 - workload.outputShare) * api.inputPricePerMTok + workload.outputShare * api.outputPricePerMTok) / 1e6
                    options.append((o, price, api.maxTokensPerSecond == nil))
                case .rental(let rental) where rental.commitment == .none:
                    guard let tau = rental.throughput[workload.id], tau > 0 else { continue }
                    options.append((o, rental.pricePerUnitHour / (cap * tau * 3600), rental.maxUnits == nil))
                default: continue
                }
            }
            if let penalty = scenario.policy.unservedPenaltyPerMTok { options.append((nil, penalty / 1e6, true)) }
            guard let cheapest = options.filter(\.unlimited).map(\.price).min() else { continue }
            for option in options where option.price > cheapest {
                if let o = option.pair { dominatedPairs.insert([o, w]) } else { dominatedUnserved.insert(w) }
            }
        }
        if !dominatedPairs.isEmpty {
            let names = dominatedPairs.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
                .map { "\(scenario.offerings[$0[0]].id)/\(scenario.workloads[$0[1]].id)" }
            reductions.append("not built, dearer per token than an unlimited option for the same workload: \(names.joined(separator: ", "))")
        }
        if !dominatedUnserved.isEmpty {
            let names = dominatedUnserved.sorted().map { scenario.workloads[$0].id }
            reductions.append("unserved demand not built (an unlimited option costs less than the penalty): \(names.joined(separator: ", "))")
        }
    }

    // MARK: Sizes

    mutating func reserve() {
        let ps = periods * slices
        var pairs = 0
        for o in scenario.offerings {
            switch o {
            case .purchase(let p): pairs += p.throughput.count
            case .rental(let r): pairs += r.throughput.count
            case .api(let a): pairs += a.serves.count
            }
        }
        let columns = purchases.count * 2 * periods + rentals.count * ps + pairs * ps + scenario.workloads.count * ps
        let rows = purchases.count * (periods + ps) + rentals.count * ps + apis.count * ps + scenario.workloads.count * ps + 2 * periods
        let entries = pairs * ps * 2 + purchases.reduce(0) { $0 + periods * (min($1.lifetimePeriods, periods) + 4) + ps }
            + rentals.count * ps + scenario.workloads.count * ps
        lp.reserveCapacity(variables: columns, constraints: rows, entries: entries)
    }

    /// r_wps = D_wp σ_s / (d η_s 3600), tokens/s.
    mutating func computeDemandRates() {
        demandRate = scenario.workloads.map { workload in
            var rates = [Double](repeating: 0, count: periods * slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    rates[p * slices + s] = workload.demand[p] * slice.share / (days * slice.hours * 3600)
                }
            }
            return rates
        }
    }

    // MARK: Variables

    /// b_oq (arrivals) and n_op (units in service) with their costs.
    ///
    /// - n_op carries energy and fixed opex: δ_p (k_o · pue · h · ε + g_o), existing units included.
    /// - amortized: b_oq carries Σ_{p=q}^{min(q+L_o−1, P)} δ_p c_o / L_o (its capex while in service);
    /// - cash: b_oq carries δ_q c_o − δ_{P+1} c_o · max(0, q + L_o − 1 − P) / L_o (price less salvage).
    mutating func addPurchaseVariables() {
        let site = scenario.site
        for purchase in purchases {
            let first = min(purchase.firstArrivalIndex, periods)
            let start: Int? = first < periods ? lp.variableCount : nil
            let price = purchase.unitPrice, life = purchase.lifetimePeriods
            for q in first..<periods {
                let cost: Double
                switch scenario.capexAccounting {
                case .amortized:
                    var sum = 0.0
                    for p in q..<min(q + life, periods) { sum += discount[p] }
                    cost = sum * price / Double(life)
                case .cash:
                    // 1-based: q1 + L − 1 − P periods of life remain after the horizon.
                    let remaining = max(0, (q + 1) + life - 1 - periods)
                    cost = discount[q] * price - discount[periods] * price * Double(remaining) / Double(life)
                }
                lp.addVariable(
                    name: name("b", purchase.id, labels[q]), lowerBound: 0, upperBound: purchase.maxUnitsPerPeriod,
                    kind: integer ? .integer : .continuous, objective: cost)
            }
            index.arrivals.append(ArrivalBlock(firstPeriod: first, start: start))
            let running = purchase.powerKW * site.pue * hours * site.electricityPricePerKWh + purchase.opexPerUnitPeriod
            index.inService.append(PeriodBlock(start: lp.variableCount))
            // Exact strengthening: n_op = E_op + Σ b_oq (the fleet row) is a whole number in
            // every whole-unit plan when the existing units are, so declaring it integer removes
            // no plan, and it lets branch-and-cut branch and cut on the fleet itself (the MIP
            // corpus of docs/benchmarks.md: up to 7x faster on the hard instances). Not for
            // fleets that could reach millions of units: integrality there is below GLPK's
            // tolerances and only slows the search (demand growing 100x a period stalled).
            let wholeFleet = integer && options.wholeFleet && purchase.existingUnits == purchase.existingUnits.rounded()
                && purchase.existingUnits + unitsToServeAll(purchase) <= Self.wholeFleetUnits
            for p in 0..<periods {
                lp.addVariable(
                    name: name("n", purchase.id, labels[p]), lowerBound: 0, kind: wholeFleet ? .integer : .continuous,
                    objective: discount[p] * running)
            }
        }
    }

    /// m_op (reserved: δ_p π_o h) or m_ops (on demand: δ_p π_o d η_s), both ≤ maxUnits.
    /// Fleets that may reach this many units keep n_op continuous.
    static let wholeFleetUnits = 1e6

    /// Σ_w max_{p,s} r_wps / (U τ_ow): more units of `purchase` than this serve nothing more.
    func unitsToServeAll(_ purchase: PurchaseOffering) -> Double {
        let cap = scenario.policy.utilizationCap
        var units = 0.0
        for (w, workload) in scenario.workloads.enumerated() {
            guard let tau = purchase.throughput[workload.id], tau > 0 else { continue }
            units += (demandRate[w].max() ?? 0) / (cap * tau)
        }
        return units
    }

    mutating func addRentalVariables() {
        for rental in rentals {
            switch rental.commitment {
            case .period:
                index.reservedUnits.append(PeriodBlock(start: lp.variableCount))
                index.onDemandUnits.append(nil)
                for p in 0..<periods {
                    lp.addVariable(
                        name: name("m", rental.id, labels[p]), lowerBound: 0, upperBound: rental.maxUnits,
                        kind: integer ? .integer : .continuous, objective: discount[p] * rental.pricePerUnitHour * hours)
                }
            case .none:
                index.reservedUnits.append(nil)
                index.onDemandUnits.append(PeriodSliceBlock(start: lp.variableCount, slices: slices))
                for p in 0..<periods {
                    for slice in scenario.timeSlices {
                        lp.addVariable(
                            name: name("m", rental.id, labels[p], slice.name), lowerBound: 0, upperBound: rental.maxUnits,
                            objective: discount[p] * rental.pricePerUnitHour * days * slice.hours)
                    }
                }
            }
        }
    }

    /// x_owps for purchases and rentals (no cost of their own) and y_awps for APIs
    /// (δ_p d η_s 3600 / 10^6 · ((1 − φ_w) in_a + φ_w out_a)).
    mutating func addServingVariables() {
        let workloadPosition = Dictionary(uniqueKeysWithValues: scenario.workloads.enumerated().map { ($1.id, $0) })
        for (o, offering) in scenario.offerings.enumerated() {
            let throughput: [String: Double]
            switch offering {
            case .purchase(let p): throughput = p.throughput
            case .rental(let r): throughput = r.throughput
            case .api: continue
            }
            for (w, workload) in scenario.workloads.enumerated() {
                guard let tau = throughput[workload.id], tau > 0, !dominatedPairs.contains([o, w]) else { continue }
                let block = PeriodSliceBlock(start: lp.variableCount, slices: slices)
                for p in 0..<periods {
                    for slice in scenario.timeSlices {
                        lp.addVariable(name: name("x", offering.id, workload.id, labels[p], slice.name), lowerBound: 0)
                    }
                }
                index.servingPairs.append(ServingPair(offering: o, workload: w, throughput: tau, columns: block))
            }
        }
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .api(let api) = offering else { continue }
            for workloadID in api.serves {
                guard let w = workloadPosition[workloadID], !dominatedPairs.contains([o, w]) else { continue }
                let workload = scenario.workloads[w]
                let pricePerMTok = (1 - workload.outputShare) * api.inputPricePerMTok + workload.outputShare * api.outputPricePerMTok
                let block = PeriodSliceBlock(start: lp.variableCount, slices: slices)
                for p in 0..<periods {
                    for slice in scenario.timeSlices {
                        let seconds = days * slice.hours * 3600
                        lp.addVariable(
                            name: name("y", api.id, workload.id, labels[p], slice.name), lowerBound: 0,
                            objective: discount[p] * seconds / 1e6 * pricePerMTok)
                    }
                }
                index.servingPairs.append(ServingPair(offering: o, workload: w, throughput: nil, columns: block))
            }
        }
    }

    /// u_wps with cost δ_p d η_s 3600 / 10^6 · θ, only when the penalty θ is set.
    mutating func addUnservedVariables() {
        guard let penalty = scenario.policy.unservedPenaltyPerMTok else {
            index.unserved = Array(repeating: nil, count: scenario.workloads.count)
            return
        }
        for (w, workload) in scenario.workloads.enumerated() {
            if dominatedUnserved.contains(w) {
                index.unserved.append(nil)
                continue
            }
            index.unserved.append(PeriodSliceBlock(start: lp.variableCount, slices: slices))
            for p in 0..<periods {
                for slice in scenario.timeSlices {
                    lp.addVariable(
                        name: name("u", workload.id, labels[p], slice.name), lowerBound: 0,
                        objective: discount[p] * days * slice.hours * 3600 / 1e6 * penalty)
                }
            }
        }
    }

    // MARK: Constraint families

    /// `fleet[o,p]`:  n_op − Σ_{q = max(q0_o, p − L_o + 1)}^{p} b_oq = e_op.
    mutating func addFleetConstraints() {
        for (k, purchase) in purchases.enumerated() {
            index.fleetRows.append(PeriodBlock(start: lp.constraintCount))
            let arrivals = index.arrivals[k], inService = index.inService[k]
            for p in 0..<periods {
                var variables = [inService.variable(p)]
                var coefficients = [1.0]
                let oldest = max(arrivals.firstPeriod, p - purchase.lifetimePeriods + 1)
                if oldest <= p {
                    for q in oldest...p {
                        variables.append(arrivals.variable(q)!)
                        coefficients.append(-1)
                    }
                }
                let existing = p < purchase.existingRemainingPeriods ? purchase.existingUnits : 0
                lp.addConstraint(name: name("fleet", purchase.id, labels[p]), variables: variables, coefficients: coefficients, .equal(existing))
            }
        }
    }

    /// `demand[w,p,s]`:  Σ_o x_owps + Σ_a y_awps + u_wps ≥ r_wps.
    mutating func addDemandConstraints() {
        for (w, workload) in scenario.workloads.enumerated() {
            index.demandRows.append(PeriodSliceBlock(start: lp.constraintCount, slices: slices))
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    lp.addConstraint(
                        name: name("demand", workload.id, labels[p], slice.name), variables: [], coefficients: [],
                        .greaterOrEqual(demandRate[w][p * slices + s]))
                }
            }
        }
        for pair in index.servingPairs {
            let rows = index.demandRows[pair.workload]
            for p in 0..<periods {
                for s in 0..<slices { lp.addTerm(rows.constraint(p, s), pair.columns.variable(p, s), 1) }
            }
        }
        for (w, block) in index.unserved.enumerated() {
            guard let block else { continue }
            let rows = index.demandRows[w]
            for p in 0..<periods {
                for s in 0..<slices { lp.addTerm(rows.constraint(p, s), block.variable(p, s), 1) }
            }
        }
    }

    /// Adds Σ_w x_owps / τ_ow to the rows of `block` for every pair served by offering `o`.
    private mutating func addLoadTerms(offering o: Int, rows block: PeriodSliceBlock) {
        for pair in index.servingPairs where pair.offering == o {
            let coefficient = 1 / pair.throughput!
            for p in 0..<periods {
                for s in 0..<slices { lp.addTerm(block.constraint(p, s), pair.columns.variable(p, s), coefficient) }
            }
        }
    }

    /// `ownedCapacity[o,p,s]`:  Σ_w x_owps / τ_ow − U n_op ≤ 0.
    mutating func addOwnedCapacityConstraints() {
        let cap = scenario.policy.utilizationCap
        var k = 0
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .purchase(let purchase) = offering else { continue }
            let block = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            let inService = index.inService[k]
            for p in 0..<periods {
                for slice in scenario.timeSlices {
                    lp.addConstraint(
                        name: name("ownedCapacity", purchase.id, labels[p], slice.name),
                        variables: [inService.variable(p)], coefficients: [-cap], .lessOrEqual(0))
                }
            }
            addLoadTerms(offering: o, rows: block)
            index.ownedCapacityRows.append(block)
            k += 1
        }
    }

    /// `rentedCapacity[o,p,s]`:  Σ_w x_owps / τ_ow − U m_op ≤ 0 (reserved) or − U m_ops (on demand).
    mutating func addRentedCapacityConstraints() {
        let cap = scenario.policy.utilizationCap
        var k = 0
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .rental(let rental) = offering else { continue }
            let block = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    let units = index.reservedUnits[k]?.variable(p) ?? index.onDemandUnits[k]!.variable(p, s)
                    lp.addConstraint(
                        name: name("rentedCapacity", rental.id, labels[p], slice.name),
                        variables: [units], coefficients: [-cap], .lessOrEqual(0))
                }
            }
            addLoadTerms(offering: o, rows: block)
            index.rentedCapacityRows.append(block)
            k += 1
        }
    }

    /// `apiRateLimit[a,p,s]`:  Σ_w y_awps ≤ λ_a, for APIs with a rate limit.
    mutating func addAPIRateLimitConstraints() {
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .api(let api) = offering else { continue }
            guard let limit = api.maxTokensPerSecond, index.servingPairs.contains(where: { $0.offering == o }) else {
                index.apiRateLimitRows.append(nil)
                continue
            }
            let block = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            for p in 0..<periods {
                for slice in scenario.timeSlices {
                    lp.addConstraint(name: name("apiRateLimit", api.id, labels[p], slice.name), variables: [], coefficients: [], .lessOrEqual(limit))
                }
            }
            for pair in index.servingPairs where pair.offering == o {
                for p in 0..<periods {
                    for s in 0..<slices { lp.addTerm(block.constraint(p, s), pair.columns.variable(p, s), 1) }
                }
            }
            index.apiRateLimitRows.append(block)
        }
    }

    /// `powerCap[p]`:  Σ_o k_o n_op ≤ K_p (IT power, before PUE).
    mutating func addPowerCapConstraints() {
        guard let caps = scenario.site.powerCapKW else { return }
        index.powerCapRows = PeriodBlock(start: lp.constraintCount)
        for p in 0..<periods {
            var variables: [Variable] = [], coefficients: [Double] = []
            for (k, purchase) in purchases.enumerated() where purchase.powerKW > 0 {
                variables.append(index.inService[k].variable(p))
                coefficients.append(purchase.powerKW)
            }
            lp.addConstraint(name: name("powerCap", labels[p]), variables: variables, coefficients: coefficients, .lessOrEqual(caps[p]))
        }
    }

    /// `capitalBudget[p]`:  Σ_o c_o b_op ≤ C_p (cash for units arriving in p).
    mutating func addCapitalBudgetConstraints() {
        guard let budgets = scenario.budget.capexPerPeriod else { return }
        index.capitalBudgetRows = PeriodBlock(start: lp.constraintCount)
        for p in 0..<periods {
            var variables: [Variable] = [], coefficients: [Double] = []
            for (k, purchase) in purchases.enumerated() {
                if let b = index.arrivals[k].variable(p), purchase.unitPrice > 0 {
                    variables.append(b)
                    coefficients.append(purchase.unitPrice)
                }
            }
            lp.addConstraint(name: name("capitalBudget", labels[p]), variables: variables, coefficients: coefficients, .lessOrEqual(budgets[p]))
        }
    }
}

extension CapacityModel {
    /// The same model with workload `w`'s demand rows r_wps at `factor` times their present
    /// right-hand sides, for `scenario`, whose demand of `w` must be this one's times `factor`.
    /// Demand enters the model only there (and in whether fleets are declared integer, which
    /// is exact either way), so re-solving this model is planning `scenario`: the breakeven
    /// searches on a model built once. The evaluator, reading `scenario`, audits each re-solve.
    func withDemand(ofWorkload w: Int, scaledBy factor: Double, scenario: Scenario) -> CapacityModel {
        var lp = self.lp
        var rates = demandRate
        rates[w] = rates[w].map { $0 * factor }
        let rows = index.demandRows[w]
        for k in 0..<rates[w].count {
            lp.setBound(Constraint(index: rows.start + k), .greaterOrEqual(rates[w][k]))
        }
        return CapacityModel(
            lp: lp, index: index, demandRate: rates, discount: discount, reductions: reductions,
            scenario: scenario.withIntegerUnits(self.scenario.policy.integerUnits))
    }
}
