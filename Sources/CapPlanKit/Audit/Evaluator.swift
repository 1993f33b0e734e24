// The independent plan evaluator (issue 5): checks a plan's decisions against every
// constraint of docs/formulation.md and recomputes every cost line from the scenario.
//
// It shares no code with the model builder: it reads only the validated Scenario and the
// PlanDecisions, and works in the formulation's own terms (rates in tokens/s, money in USD).
// It is laid out like `CapacityModelBuilder.buildModel`: one function per variable block and per
// constraint family, in the builder's order, each with its bound or row in the doc comment.
// A violation is reported when it exceeds tolerance · max(1, |rhs|).

import Foundation

/// Checks and costs a plan's decisions, independently of the model that produced them.
public struct PlanEvaluator: Sendable {
    public let scenario: Scenario
    public let tolerance: Double

    public init(scenario: Scenario, tolerance: Double = 1e-6) {
        self.scenario = scenario
        self.tolerance = tolerance
    }

    public func evaluate(_ decisions: PlanDecisions) -> PlanEvaluation {
        var run = EvaluationRun(scenario: scenario, tolerance: tolerance, decisions: decisions)
        return run.evaluate()
    }
}

/// One evaluation: reads the decisions into dense arrays (reporting what does not fit),
/// then checks the rows and adds up the costs.
private struct EvaluationRun {
    let scenario: Scenario
    let tolerance: Double
    let decisions: PlanDecisions

    let periods: Int
    let slices: [TimeSlice]
    let labels: [String]
    let hours: Double
    let days: Double

    var violations: [ConstraintViolation] = []

    // The decisions as dense arrays, filled by the functions below in `evaluate`'s order.
    /// b_op per purchase (scenario order): [o][p].
    var arrivals: [[Double]] = []
    /// n_op per purchase, existing units included: [o][p].
    var inService: [[Double]] = []
    /// n_op − e_op per purchase, summed directly from the arrivals: [o][p].
    var purchasedInService: [[Double]] = []
    /// m_op by reserved rental id.
    var reserved: [String: [Double]] = [:]
    /// m_ops by on-demand rental id: [p][s].
    var onDemand: [String: [[Double]]] = [:]
    /// x_owps: offering id -> workload id -> [p][s] (purchases and rentals, pairs in the model).
    var selfServed: [String: [String: [[Double]]]] = [:]
    /// y_awps: API id -> workload id -> [p][s] (pairs in the model).
    var apiServed: [String: [String: [[Double]]]] = [:]
    /// u_wps by workload id (only when a penalty is set).
    var unserved: [String: [[Double]]] = [:]
    /// Every x and y serving a workload, in offering order, looked up once rather than per row.
    var servingByWorkload: [String: [[[Double]]]] = [:]

    init(scenario: Scenario, tolerance: Double, decisions: PlanDecisions) {
        self.scenario = scenario
        self.tolerance = tolerance
        self.decisions = decisions
        periods = scenario.horizon.periods
        slices = scenario.timeSlices
        labels = scenario.horizon.labels
        hours = scenario.horizon.hoursPerPeriod
        days = scenario.horizon.hoursPerPeriod / 24
    }

    /// Reads and checks the decisions, then each constraint family in the builder's order, then
    /// adds up the costs.
    mutating func evaluate() -> PlanEvaluation {
        checkDecisionIDs()
        checkPurchaseVariables()
        checkRentalVariables()
        checkServingVariables()
        checkUnservedVariables()
        applyFleetConstraints()
        checkDemandConstraints()
        checkOwnedCapacityConstraints()
        checkRentedCapacityConstraints()
        checkAPIRateLimitConstraints()
        checkPowerCapConstraints()
        checkCapitalBudgetConstraints()
        return addUpCosts()
    }

    // MARK: Helpers

    /// Seconds in slice s of a period: d η_s 3600.
    func seconds(_ s: Int) -> Double { days * slices[s].hours * 3600 }

    /// δ for 0-based period index i (i = periods gives δ_{P+1}). The evaluator's own copy of
    /// the rule, on purpose: it must not share the builder's.
    func discount(_ i: Int) -> Double {
        pow(1 + scenario.discountRate, -Double(i) * hours / 8760)
    }

    func exceeds(_ amount: Double, rhs: Double) -> Bool {
        amount > tolerance * max(1, abs(rhs))
    }

    mutating func report(_ family: ConstraintFamily, offering: String? = nil, workload: String? = nil,
                         period: Int? = nil, slice: Int? = nil, amount: Double, _ message: String) {
        violations.append(ConstraintViolation(
            family: family, offering: offering, workload: workload,
            period: period.map { labels[$0] }, slice: slice.map { slices[$0].name },
            amount: amount, message: message))
    }

    /// A per-period vector: checked for length, padded with zeros / truncated to P.
    mutating func vector(_ values: [Double]?, what: String, offering: String) -> [Double] {
        guard let values else { return Array(repeating: 0, count: periods) }
        if values.count != periods {
            report(.domain, offering: offering, amount: Double(abs(values.count - periods)),
                   "\(what) of \(offering) has \(values.count) values, expected one per period (\(periods))")
        }
        return (0..<periods).map { $0 < values.count ? values[$0] : 0 }
    }

    /// A [period][slice] matrix: checked for shape, padded with zeros / truncated.
    mutating func matrix(_ values: [[Double]]?, what: String, offering: String?, workload: String?) -> [[Double]] {
        let zero = Array(repeating: Array(repeating: 0.0, count: slices.count), count: periods)
        guard let values else { return zero }
        let who = [offering, workload].compactMap { $0 }.joined(separator: " / ")
        if values.count != periods || values.contains(where: { $0.count != slices.count }) {
            report(.domain, offering: offering, workload: workload, amount: 0,
                   "\(what) of \(who) is not [period][slice] with \(periods) periods and \(slices.count) slices")
        }
        return (0..<periods).map { p in
            (0..<slices.count).map { s in p < values.count && s < values[p].count ? values[p][s] : 0 }
        }
    }

    // `what` is an autoclosure: the message is only built for a violation, not for each of the
    // plan's tens of thousands of values. Callers pass local copies (`labels`), so that the
    // closure does not capture `self` while it changes.
    mutating func checkNonNegative(_ value: Double, _ what: @autoclosure () -> String, offering: String? = nil, workload: String? = nil,
                                   period: Int, slice: Int? = nil) {
        if exceeds(-value, rhs: 0) {
            report(.nonNegativity, offering: offering, workload: workload, period: period, slice: slice,
                   amount: -value, "\(what()) is \(fmt(value)), must be >= 0")
        }
    }

    mutating func checkInteger(_ value: Double, _ what: @autoclosure () -> String, offering: String, period: Int) {
        guard scenario.policy.integerUnits else { return }
        let whole = value.rounded()
        let gap = abs(value - whole)
        if exceeds(gap, rhs: whole) {
            report(.integrality, offering: offering, period: period, amount: gap,
                   "\(what()) is \(fmt(value)), must be a whole number of units (integerUnits)")
        }
    }

    /// Σ_w x_owps / τ_ow: the x of offering `id` with their throughputs, for the capacity rows.
    func loadTerms(of id: String, throughput: [String: Double]) -> [([[Double]], Double)] {
        scenario.workloads.compactMap { w in selfServed[id]?[w.id].flatMap { x in throughput[w.id].map { (x, $0) } } }
    }

    // MARK: Domain

    /// `domain`: the decisions name only offerings of the right kind and existing workloads.
    mutating func checkDecisionIDs() {
        let purchaseIds = Set(scenario.purchases.map(\.id))
        let reservedIds = Set(scenario.rentals.filter { $0.commitment == .period }.map(\.id))
        let onDemandIds = Set(scenario.rentals.filter { $0.commitment == .none }.map(\.id))
        let offeringIds = Set(scenario.offerings.map(\.id))
        let workloadIds = Set(scenario.workloads.map(\.id))
        for id in decisions.arrivals.keys.sorted() where !purchaseIds.contains(id) {
            report(.domain, offering: id, amount: 0, "arrivals name \(id), which is not a purchase offering")
        }
        for id in decisions.reservedUnits.keys.sorted() where !reservedIds.contains(id) {
            report(.domain, offering: id, amount: 0, "reserved units name \(id), which is not a rental with commitment period")
        }
        for id in decisions.onDemandUnits.keys.sorted() where !onDemandIds.contains(id) {
            report(.domain, offering: id, amount: 0, "on-demand units name \(id), which is not a rental with commitment none")
        }
        for id in decisions.served.keys.sorted() {
            guard offeringIds.contains(id) else {
                report(.domain, offering: id, amount: 0, "served names \(id), which is not an offering")
                continue
            }
            for w in (decisions.served[id] ?? [:]).keys.sorted() where !workloadIds.contains(w) {
                report(.domain, offering: id, workload: w, amount: 0, "served names workload \(w), which does not exist")
            }
        }
        for w in decisions.unserved.keys.sorted() where !workloadIds.contains(w) {
            report(.domain, workload: w, amount: 0, "unserved names workload \(w), which does not exist")
        }
    }

    // MARK: Variables

    /// b_oq (arrivals):  b_oq ≥ 0,  b_oq ≤ b̄_o (`maxUnitsPerPeriod`),  b_oq = 0 for q < q0_o
    /// (`availability`),  b_oq integer when `integerUnits`.
    mutating func checkPurchaseVariables() {
        let labels = self.labels
        for o in scenario.purchases {
            let b = vector(decisions.arrivals[o.id], what: "arrivals", offering: o.id)
            for p in 0..<periods {
                let v = b[p]
                checkNonNegative(v, "arrivals of \(o.id) in \(labels[p])", offering: o.id, period: p)
                if p < o.firstArrivalIndex, exceeds(abs(v), rhs: 0) {
                    report(.availability, offering: o.id, period: p, amount: abs(v),
                           "\(fmt(v)) units of \(o.id) arrive in \(labels[p]), before the first possible arrival "
                           + "(period \(o.firstArrivalIndex + 1): availability and a lead time of \(o.leadTimePeriods))")
                }
                if let cap = o.maxUnitsPerPeriod, exceeds(v - cap, rhs: cap) {
                    report(.maxUnitsPerPeriod, offering: o.id, period: p, amount: v - cap,
                           "\(fmt(v)) units of \(o.id) arrive in \(labels[p]), more than maxUnitsPerPeriod \(fmt(cap))")
                }
                checkInteger(v, "arrivals of \(o.id) in \(labels[p])", offering: o.id, period: p)
            }
            arrivals.append(b)
        }
    }

    /// m_op (reserved) and m_ops (on demand):  m ≥ 0,  m ≤ m̄_o (`maxUnits`),  m_op integer when
    /// `integerUnits`.
    mutating func checkRentalVariables() {
        let labels = self.labels
        for o in scenario.rentals {
            switch o.commitment {
            case .period:
                let m = vector(decisions.reservedUnits[o.id], what: "reserved units", offering: o.id)
                for p in 0..<periods {
                    checkNonNegative(m[p], "reserved units of \(o.id) in \(labels[p])", offering: o.id, period: p)
                    if let cap = o.maxUnits, exceeds(m[p] - cap, rhs: cap) {
                        report(.maxUnits, offering: o.id, period: p, amount: m[p] - cap,
                               "\(fmt(m[p])) units of \(o.id) reserved in \(labels[p]), more than maxUnits \(fmt(cap))")
                    }
                    checkInteger(m[p], "reserved units of \(o.id) in \(labels[p])", offering: o.id, period: p)
                }
                reserved[o.id] = m
            case .none:
                let m = matrix(decisions.onDemandUnits[o.id], what: "on-demand units", offering: o.id, workload: nil)
                for p in 0..<periods {
                    for s in 0..<slices.count {
                        checkNonNegative(m[p][s], "on-demand units of \(o.id)", offering: o.id, period: p, slice: s)
                        if let cap = o.maxUnits, exceeds(m[p][s] - cap, rhs: cap) {
                            report(.maxUnits, offering: o.id, period: p, slice: s, amount: m[p][s] - cap,
                                   "\(fmt(m[p][s])) on-demand units of \(o.id), more than maxUnits \(fmt(cap))")
                        }
                    }
                }
                onDemand[o.id] = m
            }
        }
    }

    /// x_owps ≥ 0 for (o, w) ∈ Π (purchases and rentals with τ_ow > 0) and y_awps ≥ 0 for
    /// (a, w) ∈ Π^A (APIs that serve w). Pairs outside the model are reported under `domain` and
    /// otherwise ignored: they neither serve demand nor cost anything.
    mutating func checkServingVariables() {
        for offering in scenario.offerings {
            let id = offering.id
            guard let byWorkload = decisions.served[id] else { continue }
            for w in scenario.workloads {
                guard let values = byWorkload[w.id] else { continue }
                let allowed: Bool
                switch offering {
                case .purchase(let o):
                    allowed = (o.throughput[w.id] ?? 0) > 0
                case .rental(let o):
                    allowed = (o.throughput[w.id] ?? 0) > 0
                case .api(let a):
                    allowed = a.serves.contains(w.id)
                }
                let x = matrix(values, what: "served tokens/s", offering: id, workload: w.id)
                guard allowed else {
                    let largest = x.flatMap { $0 }.map(abs).max() ?? 0
                    if exceeds(largest, rhs: 0) {
                        report(.domain, offering: id, workload: w.id, amount: largest,
                               "\(id) cannot serve \(w.id) (no throughput / not in serves) but is given up to \(fmt(largest)) tokens/s")
                    }
                    continue
                }
                for p in 0..<periods {
                    for s in 0..<slices.count {
                        checkNonNegative(x[p][s], "tokens/s of \(w.id) served by \(id)", offering: id, workload: w.id,
                                         period: p, slice: s)
                    }
                }
                if case .api = offering {
                    apiServed[id, default: [:]][w.id] = x
                } else {
                    selfServed[id, default: [:]][w.id] = x
                }
            }
        }
        for w in scenario.workloads {
            var serving: [[[Double]]] = []
            for offering in scenario.offerings {
                if let x = selfServed[offering.id]?[w.id] { serving.append(x) }
                if let y = apiServed[offering.id]?[w.id] { serving.append(y) }
            }
            servingByWorkload[w.id] = serving
        }
    }

    /// u_wps ≥ 0, only when the penalty θ is set (otherwise any u is a `domain` violation).
    mutating func checkUnservedVariables() {
        for w in scenario.workloads {
            guard let values = decisions.unserved[w.id] else { continue }
            let u = matrix(values, what: "unserved tokens/s", offering: nil, workload: w.id)
            guard scenario.policy.unservedPenaltyPerMTok != nil else {
                let largest = u.flatMap { $0 }.map(abs).max() ?? 0
                if exceeds(largest, rhs: 0) {
                    report(.domain, workload: w.id, amount: largest,
                           "unserved demand of \(w.id) (up to \(fmt(largest)) tokens/s) but the scenario sets no unserved penalty")
                }
                continue
            }
            for p in 0..<periods {
                for s in 0..<slices.count {
                    checkNonNegative(u[p][s], "unserved tokens/s of \(w.id)", workload: w.id, period: p, slice: s)
                }
            }
            unserved[w.id] = u
        }
    }

    // MARK: Constraint families

    /// `fleet[o,p]`:  n_op = e_op + Σ_{q = max(1, p − L_o + 1)}^{p} b_oq.
    ///
    /// A plan does not state n_op: this row defines it, so it holds by construction and is applied
    /// rather than checked (arrivals before q0_o were reported under `availability` and count).
    mutating func applyFleetConstraints() {
        for (i, o) in scenario.purchases.enumerated() {
            let b = arrivals[i]
            var n = [Double](repeating: 0, count: periods)
            var bought = [Double](repeating: 0, count: periods)
            for p in 0..<periods {
                let existing = p < o.existingRemainingPeriods ? o.existingUnits : 0
                for q in max(0, p - o.lifetimePeriods + 1)...p { bought[p] += b[q] }
                n[p] = existing + bought[p]
            }
            inService.append(n)
            purchasedInService.append(bought)
        }
    }

    /// `demand[w,p,s]`:  Σ_o x_owps + Σ_a y_awps + u_wps ≥ r_wps,  r_wps = D_wp σ_s / (d η_s 3600).
    mutating func checkDemandConstraints() {
        for w in scenario.workloads {
            var serving = servingByWorkload[w.id] ?? []
            if let u = unserved[w.id] { serving.append(u) }
            for p in 0..<periods {
                let D = p < w.demand.count ? w.demand[p] : 0
                for s in 0..<slices.count {
                    let r = D * slices[s].share / seconds(s)
                    var lhs = 0.0
                    for x in serving { lhs += x[p][s] }
                    if exceeds(r - lhs, rhs: r) {
                        report(.demand, workload: w.id, period: p, slice: s, amount: r - lhs,
                               "\(w.id) needs \(fmt(r)) tokens/s, the plan covers \(fmt(lhs)) (short by \(fmt(r - lhs)))")
                    }
                }
            }
        }
    }

    /// `ownedCapacity[o,p,s]`:  Σ_w x_owps / τ_ow ≤ U n_op.
    mutating func checkOwnedCapacityConstraints() {
        let U = scenario.policy.utilizationCap
        for (i, o) in scenario.purchases.enumerated() {
            let served = loadTerms(of: o.id, throughput: o.throughput)
            for p in 0..<periods {
                for s in 0..<slices.count {
                    var load = 0.0
                    for (x, tau) in served { load += x[p][s] / tau }
                    let cap = U * inService[i][p]
                    if exceeds(load - cap, rhs: cap) {
                        report(.ownedCapacity, offering: o.id, period: p, slice: s, amount: load - cap,
                               "\(o.id) runs \(fmt(load)) units' worth of load, but U × n = \(fmt(U)) × \(fmt(inService[i][p])) = \(fmt(cap))")
                    }
                }
            }
        }
    }

    /// `rentedCapacity[o,p,s]`:  Σ_w x_owps / τ_ow ≤ U m_op (reserved) or U m_ops (on demand).
    mutating func checkRentedCapacityConstraints() {
        let U = scenario.policy.utilizationCap
        for o in scenario.rentals {
            let served = loadTerms(of: o.id, throughput: o.throughput)
            for p in 0..<periods {
                for s in 0..<slices.count {
                    var load = 0.0
                    for (x, tau) in served { load += x[p][s] / tau }
                    let units = o.commitment == .period ? (reserved[o.id]?[p] ?? 0) : (onDemand[o.id]?[p][s] ?? 0)
                    let cap = U * units
                    if exceeds(load - cap, rhs: cap) {
                        report(.rentedCapacity, offering: o.id, period: p, slice: s, amount: load - cap,
                               "\(o.id) runs \(fmt(load)) units' worth of load, but U × m = \(fmt(U)) × \(fmt(units)) = \(fmt(cap))")
                    }
                }
            }
        }
    }

    /// `apiRateLimit[a,p,s]`:  Σ_w y_awps ≤ λ_a, for APIs with a rate limit.
    mutating func checkAPIRateLimitConstraints() {
        for a in scenario.apis {
            guard let limit = a.maxTokensPerSecond else { continue }
            let served = scenario.workloads.compactMap { apiServed[a.id]?[$0.id] }
            for p in 0..<periods {
                for s in 0..<slices.count {
                    var rate = 0.0
                    for x in served { rate += x[p][s] }
                    if exceeds(rate - limit, rhs: limit) {
                        report(.apiRateLimit, offering: a.id, period: p, slice: s, amount: rate - limit,
                               "\(fmt(rate)) tokens/s sent to \(a.id), above its rate limit of \(fmt(limit))")
                    }
                }
            }
        }
    }

    /// `powerCap[p]`:  Σ_o k_o n_op ≤ K_p (IT power, before PUE; existing units count).
    mutating func checkPowerCapConstraints() {
        guard let caps = scenario.site.powerCapKW else { return }
        for p in 0..<periods where p < caps.count {
            var kw = 0.0
            for (i, o) in scenario.purchases.enumerated() { kw += o.powerKW * inService[i][p] }
            if exceeds(kw - caps[p], rhs: caps[p]) {
                report(.powerCap, period: p, amount: kw - caps[p],
                       "owned units draw \(fmt(kw)) kW of IT power in \(labels[p]), above the cap of \(fmt(caps[p])) kW")
            }
        }
    }

    /// `capitalBudget[p]`:  Σ_o c_o b_op ≤ C_p (cash for units arriving in p).
    mutating func checkCapitalBudgetConstraints() {
        guard let budget = scenario.budget.capexPerPeriod else { return }
        for p in 0..<periods where p < budget.count {
            var spent = 0.0
            for (i, o) in scenario.purchases.enumerated() { spent += o.unitPrice * arrivals[i][p] }
            if exceeds(spent - budget[p], rhs: budget[p]) {
                report(.capitalBudget, period: p, amount: spent - budget[p],
                       "arrivals in \(labels[p]) cost \(fmt(spent)) USD, above the budget of \(fmt(budget[p])) USD")
            }
        }
    }

    // MARK: Costs

    /// cost_p line by line (docs/formulation.md section 4), the salvage, and the objective
    /// Σ_p δ_p cost_p − δ_{P+1} salvage.
    func addUpCosts() -> PlanEvaluation {
        var periodResults: [PeriodEvaluation] = []
        var tokensDemanded = 0.0, tokensServed = 0.0, tokensUnserved = 0.0
        for p in 0..<periods {
            let period = periodEvaluation(p)
            tokensDemanded += period.tokensDemanded
            tokensServed += period.tokensServed
            tokensUnserved += period.tokensUnserved
            periodResults.append(period)
        }
        let salvage = salvageCredit()
        let endDiscount = discount(periods)

        var undiscounted = CostBreakdown()
        var discounted = CostBreakdown()
        for period in periodResults {
            undiscounted = undiscounted + period.cost
            discounted = discounted + period.discountedCost
        }
        var totalCost = -salvage
        var discountedCost = -endDiscount * salvage
        for period in periodResults {
            totalCost += period.cost.total
            discountedCost += period.discountedCost.total
        }

        var units: [String: [Double]] = [:]
        for (i, o) in scenario.purchases.enumerated() { units[o.id] = inService[i] }

        return PlanEvaluation(
            violations: violations, periods: periodResults, costByComponent: undiscounted,
            discountedCostByComponent: discounted, salvage: salvage, discountedSalvage: endDiscount * salvage,
            totalCost: totalCost, discountedCost: discountedCost, tokensDemanded: tokensDemanded,
            tokensServed: tokensServed, tokensUnserved: tokensUnserved, unitsInService: units, tolerance: tolerance)
    }

    /// The cost lines and tokens of period p:
    /// capex (amortized Σ_o c_o / L_o (n_op − e_op), or cash Σ_o c_o b_op), energy
    /// Σ_o n_op k_o PUE h ε, fixed opex Σ_o n_op g_o, rental, API and unserved penalty.
    func periodEvaluation(_ p: Int) -> PeriodEvaluation {
        let site = scenario.site
        let cash = scenario.capexAccounting == .cash
        var cost = CostBreakdown()
        for (i, o) in scenario.purchases.enumerated() {
            let n = inService[i][p]
            if cash {
                cost.capex += o.unitPrice * arrivals[i][p]
            } else {
                // c_o / L_o per purchased unit in service; existing units are sunk.
                cost.capex += o.unitPrice / Double(o.lifetimePeriods) * purchasedInService[i][p]
            }
            cost.energy += n * o.powerKW * site.pue * hours * site.electricityPricePerKWh
            cost.fixedOpex += n * o.opexPerUnitPeriod
        }
        for o in scenario.rentals {
            switch o.commitment {
            case .period:
                cost.rental += o.pricePerUnitHour * hours * (reserved[o.id]?[p] ?? 0)
            case .none:
                for s in 0..<slices.count {
                    cost.rental += o.pricePerUnitHour * days * slices[s].hours * (onDemand[o.id]?[p][s] ?? 0)
                }
            }
        }
        for a in scenario.apis {
            for w in scenario.workloads {
                guard let y = apiServed[a.id]?[w.id] else { continue }
                let pricePerMTok = (1 - w.outputShare) * a.inputPricePerMTok + w.outputShare * a.outputPricePerMTok
                for s in 0..<slices.count {
                    cost.api += seconds(s) / 1e6 * pricePerMTok * y[p][s]
                }
            }
        }
        var demanded = 0.0, served = 0.0, missed = 0.0
        for w in scenario.workloads {
            demanded += p < w.demand.count ? w.demand[p] : 0
            let serving = servingByWorkload[w.id] ?? []
            for s in 0..<slices.count {
                var rate = 0.0
                for x in serving { rate += x[p][s] }
                served += rate * seconds(s)
                if let u = unserved[w.id], let theta = scenario.policy.unservedPenaltyPerMTok {
                    missed += u[p][s] * seconds(s)
                    cost.unservedPenalty += seconds(s) / 1e6 * theta * u[p][s]
                }
            }
        }
        let delta = discount(p)
        return PeriodEvaluation(
            label: labels[p], discountFactor: delta, cost: cost, discountedCost: cost.scaled(by: delta),
            tokensDemanded: demanded, tokensServed: served, tokensUnserved: missed)
    }

    /// Salvage (cash accounting; 0 when amortized): Σ_o Σ_q c_o · max(0, q + L_o − 1 − P) / L_o · b_oq
    /// (1-based q).
    func salvageCredit() -> Double {
        guard scenario.capexAccounting == .cash else { return 0 }
        var salvage = 0.0
        for (i, o) in scenario.purchases.enumerated() {
            for q in 0..<periods {
                let remaining = max(0, (q + 1) + o.lifetimePeriods - 1 - periods)
                salvage += o.unitPrice * Double(remaining) / Double(o.lifetimePeriods) * arrivals[i][q]
            }
        }
        return salvage
    }
}

/// A figure in a message: six significant digits.
private func fmt(_ value: Double) -> String { Formatting.significant(value) }
