// Moving a scenario's horizon forward past the periods that elapsed (docs/formulation.md 13.2):
// the previous plan's commitments become what the next plan starts with (owned cohorts, orders
// in flight, contracts in term, signed committed-use contracts), and every period-indexed datum
// is re-indexed from the new first period. Pure: a scenario and the facts in, a scenario out.
import Foundation

/// What the previous plan committed to, as the roll needs it (read from its JSON by
/// `PreviousPlan`), indexed by the zero-based periods of its horizon.
public struct PlanCommitments: Hashable, Sendable {
    /// b_oq by purchase id: units arriving in each period of the previous horizon.
    public var arrivals: [String: [Double]]
    /// v_oq by reserved rental id: units whose contract starts in each period.
    public var contractStarts: [String: [Double]]
    /// API ids whose committed-use contract the plan took.
    public var apiCommitments: [String]
    /// Platform ids and the zero-based period the plan adopted them in (−1: before the horizon).
    public var platformsAdopted: [String: Int]
    /// Cash the plan paid in each period of its horizon, by zero-based period, for fiscal-year budgets.
    public var cashPaid: [Int: CashPaid]

    public init(arrivals: [String: [Double]] = [:], contractStarts: [String: [Double]] = [:], apiCommitments: [String] = [],
                platformsAdopted: [String: Int] = [:], cashPaid: [Int: CashPaid] = [:]) {
        self.arrivals = arrivals
        self.contractStarts = contractStarts
        self.apiCommitments = apiCommitments
        self.platformsAdopted = platformsAdopted
        self.cashPaid = cashPaid
    }

    /// Capital (deposits and balances) and operating cash paid in one period.
    public struct CashPaid: Hashable, Sendable {
        public var capital: Double
        public var operating: Double

        public init(capital: Double, operating: Double) {
            self.capital = capital
            self.operating = operating
        }
    }
}

/// What a roll carried into the new horizon, for the changes report (docs/replan.md).
public struct CarriedIn: Hashable, Sendable, Codable {
    /// Owned units: the scenario's own, aged, and the units delivered in the elapsed periods.
    public var cohorts: [Cohort] = []
    /// Units ordered and not yet arrived.
    public var ordersInFlight: [InFlight] = []
    /// Reserved units under a contract that runs on.
    public var contractsInTerm: [Contract] = []
    /// APIs whose committed-use contract is signed.
    public var signedCommitments: [String] = []
    /// Platforms adopted in the elapsed periods (no adoption cost again).
    public var platformsAdopted: [String] = []
    /// Training jobs with compute left, after the share done in the elapsed periods.
    public var jobsInProgress: [JobInProgress] = []
    /// Training jobs whose window lay in the elapsed periods (done, or shown done), dropped.
    public var jobsDropped: [String] = []

    public init() {}

    public struct Cohort: Hashable, Sendable, Codable {
        public var offering: String
        public var units: Double
        /// Periods of the new horizon, from its first, the units remain in service.
        public var remainingPeriods: Int
        /// `delivered 2027Q1` or `owned before 2027Q1` (the previous horizon's start).
        public var origin: String
        /// The elapsed period the units arrived in; absent for units owned before.
        public var arrived: String? = nil
    }

    public struct InFlight: Hashable, Sendable, Codable {
        public var offering: String
        /// Arrival period (a label of the new horizon).
        public var arrives: String
        public var units: Double
        /// `ordered by 2027Q1` (placed in an elapsed period or before), or `slipped from 2027Q1`.
        public var origin: String
    }

    public struct Contract: Hashable, Sendable, Codable {
        public var offering: String
        public var units: Double
        public var remainingPeriods: Int
        /// `started 2027Q1`, or `in term before 2027Q1`.
        public var origin: String
    }

    public struct JobInProgress: Hashable, Sendable, Codable {
        public var job: String
        public var completedFraction: Double
        /// F_j left (flops before the overhead factor).
        public var flopsLeft: Double
    }
}

/// The roll could not be made: a training job spans the elapsed periods without its progress.
public struct RollForwardError: Error, CustomStringConvertible, Sendable {
    public let problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

public enum RollForward {
    /// The scenario of the next cycle: `scenario` (the current forecast, starting where the
    /// previous plan started) moved `actuals.elapsedPeriods` periods forward, with the previous
    /// plan's commitments carried in (formulation.md 13.2).
    public static func roll(_ scenario: Scenario, commitments: PlanCommitments, actuals: ReplanActuals) throws -> (scenario: Scenario, carriedIn: CarriedIn) {
        let k = actuals.elapsedPeriods
        let periods = scenario.horizon.periods
        guard k >= 1, k < periods else {
            throw RollForwardError(problems: ["expected 1 to \(periods - 1) elapsed periods of the scenario's \(periods), got \(k)"])
        }
        var carried = CarriedIn()
        var rolled = try window(scenario, from: k, periods: periods - k, completedFractions: actuals.completedFractions, carried: &carried)
        let labels = scenario.horizon.labels
        for (i, offering) in scenario.offerings.enumerated() {
            switch offering {
            case .purchase(let o):
                var p = o
                carryPurchase(o, into: &p, k: k, planned: commitments.arrivals[o.id] ?? [], delivered: actuals.delivered[o.id] ?? [:],
                              labels: labels, carried: &carried)
                rolled.offerings[i] = .purchase(windowed(rolled.offerings[i], as: p))
            case .rental(let o):
                guard o.commitment == .period, case .rental(var r) = rolled.offerings[i] else { continue }
                r.contractsInTerm = []
                for c in o.contractsInTerm where c.remainingPeriods - k > 0 {
                    r.contractsInTerm.append(UnitsInTerm(units: c.units, remainingPeriods: c.remainingPeriods - k))
                    carried.contractsInTerm.append(.init(offering: o.id, units: c.units, remainingPeriods: c.remainingPeriods - k,
                                                         origin: "in term before \(labels[0])"))
                }
                let starts = commitments.contractStarts[o.id] ?? []
                for q in 0..<min(k, starts.count) where starts[q] > 0 {
                    // A contract started in q runs q .. q + T − 1: periods k .. q + T − 1 remain.
                    let remaining = q + o.termPeriods - k
                    guard remaining > 0 else { continue }
                    r.contractsInTerm.append(UnitsInTerm(units: starts[q], remainingPeriods: remaining))
                    carried.contractsInTerm.append(.init(offering: o.id, units: starts[q], remainingPeriods: remaining, origin: "started \(labels[q])"))
                }
                rolled.offerings[i] = .rental(r)
            case .api(let o):
                guard var use = o.committedUse, case .api(var a) = rolled.offerings[i] else { continue }
                if use.signed || commitments.apiCommitments.contains(o.id) {
                    use.signed = true
                    carried.signedCommitments.append(o.id)
                }
                a.committedUse = use
                rolled.offerings[i] = .api(a)
            }
        }
        // A platform adopted in an elapsed period, or before the horizon, was paid for: no
        // adoption cost again (even if what ran on it is gone by the new start).
        for (i, platform) in rolled.platforms.enumerated() where platform.adoptionCost != 0 {
            let q = commitments.platformsAdopted[platform.id]
            if let q, q >= 0, q < k {
                rolled.platforms[i].adoptionCost = 0
                carried.platformsAdopted.append(platform.id)
            } else if q == -1 || scenario.adoptedBeforeHorizon(platform: platform.id) {
                rolled.platforms[i].adoptionCost = 0
            }
        }
        // A fiscal year's caps less what the previous plan paid in its elapsed periods.
        let startMonth = scenario.budget.fiscalYearStartMonth
        rolled.budget.fiscalYears = rolled.budget.fiscalYears.map { year in
            var capital = 0.0, operating = 0.0
            for q in 0..<k where FinanceComputation.fiscalYear(of: scenario.horizon.start.advanced(by: q), startMonth: startMonth) == year.year {
                capital += commitments.cashPaid[q]?.capital ?? 0
                operating += commitments.cashPaid[q]?.operating ?? 0
            }
            return FiscalYearBudget(year: year.year, capex: year.capex.map { max(0, $0 - capital) }, opex: year.opex.map { max(0, $0 - operating) })
        }
        return (rolled, carried)
    }

    /// The purchase's owned units and orders in flight after k periods (13.2): the scenario's
    /// own cohorts aged; units arrived in an elapsed period q (the plan's b_oq, or what was
    /// delivered) a cohort with L − (k − q) periods left; arrivals ordered by the last elapsed
    /// period (q − lead time <= k − 1) and arriving later in flight, with the rest of a slipped
    /// delivery; later arrivals were not ordered yet, so they are free again.
    static func carryPurchase(
        _ o: PurchaseOffering, into p: inout PurchaseOffering, k: Int, planned: [Double], delivered: [Int: ReplanActuals.Delivery],
        labels: [String], carried: inout CarriedIn
    ) {
        func arrival(_ q: Int) -> Double { max(q < planned.count ? planned[q] : 0, o.ordersInFlight[q] ?? 0) }
        let before = "owned before \(labels[0])"
        if o.existingUnits > 0, o.existingRemainingPeriods - k > 0 {
            p.existingUnits = o.existingUnits
            p.existingRemainingPeriods = o.existingRemainingPeriods - k
            carried.cohorts.append(.init(offering: o.id, units: o.existingUnits, remainingPeriods: o.existingRemainingPeriods - k, origin: before))
        } else {
            p.existingUnits = 0
            p.existingRemainingPeriods = o.lifetimePeriods
        }
        p.existingCohorts = []
        for c in o.existingCohorts where c.remainingPeriods - k > 0 {
            p.existingCohorts.append(UnitsInTerm(units: c.units, remainingPeriods: c.remainingPeriods - k))
            carried.cohorts.append(.init(offering: o.id, units: c.units, remainingPeriods: c.remainingPeriods - k, origin: before))
        }
        var inFlight: [Int: Double] = [:]
        var inFlightOrigin: [Int: String] = [:]
        for q in 0..<k {
            let planned = arrival(q)
            let units = delivered[q].map(\.units) ?? planned
            let remaining = o.lifetimePeriods - (k - q)
            if units > 0, remaining > 0 {
                p.existingCohorts.append(UnitsInTerm(units: units, remainingPeriods: remaining))
                carried.cohorts.append(.init(offering: o.id, units: units, remainingPeriods: remaining, origin: "delivered \(labels[q])", arrived: labels[q]))
            }
            if let slip = delivered[q], planned - slip.units > 0 {
                inFlight[slip.restArrives - k, default: 0] += planned - slip.units
                inFlightOrigin[slip.restArrives - k] = "slipped from \(labels[q])"
            }
        }
        for q in k..<labels.count {
            let ordered = q - o.leadTimePeriods <= k - 1 ? arrival(q) : (o.ordersInFlight[q] ?? 0)
            if ordered > 0 {
                inFlight[q - k, default: 0] += ordered
                if inFlightOrigin[q - k] == nil { inFlightOrigin[q - k] = "ordered by \(labels[k - 1])" }
            }
        }
        p.ordersInFlight = inFlight
        for q in inFlight.keys.sorted() {
            carried.ordersInFlight.append(.init(offering: o.id, arrives: labels[q + k], units: inFlight[q]!, origin: inFlightOrigin[q]!))
        }
    }

    /// `p` with the re-indexed fields of `windowedOffering` (availability, prices) kept.
    static func windowed(_ windowedOffering: Offering, as p: PurchaseOffering) -> PurchaseOffering {
        guard case .purchase(let w) = windowedOffering else { return p }
        var result = p
        result.availableFromIndex = w.availableFromIndex
        result.availableUntilIndex = w.availableUntilIndex
        result.priceChange = w.priceChange
        return result
    }

    /// The scenario seen from period `a` for `n` periods: every period-indexed datum re-indexed
    /// (demand and per-period lists cut, availability indices shifted, price factors from a's
    /// on — a yearly decline becomes its factors, since the new first period must keep its
    /// price —, jobs' windows shifted, demand cases cut). Commitments carried in (owned units,
    /// orders in flight, contracts in term) are left as they are: `roll` sets them. A job whose
    /// window lies before `a` is dropped; one spanning `a` needs its completed fraction (its
    /// compute shrinks by it); one ending after a + n − 1 is dropped (only for a window that
    /// ends before the scenario: the elapsed periods' cost).
    public static func window(_ scenario: Scenario, from a: Int, periods n: Int, completedFractions: [String: Double], carried: inout CarriedIn) throws -> Scenario {
        var s = scenario
        let range = a..<(a + n)
        s.horizon = Horizon(start: scenario.horizon.start.advanced(by: a), periods: n)
        for w in s.workloads.indices { s.workloads[w].demand = Array(scenario.workloads[w].demand[range]) }
        s.site.powerCapKW = scenario.site.powerCapKW.map { Array($0[range]) }
        s.budget.capexPerPeriod = scenario.budget.capexPerPeriod.map { Array($0[range]) }
        // Fiscal years no period of the window falls in are dropped.
        let startMonth = scenario.budget.fiscalYearStartMonth
        let years = Set(range.map { FinanceComputation.fiscalYear(of: scenario.horizon.start.advanced(by: $0), startMonth: startMonth) })
        s.budget.fiscalYears = scenario.budget.fiscalYears.filter { years.contains($0.year) }
        func shift(_ index: Int?) -> Int? { index.map { $0 - a } }
        for i in s.offerings.indices {
            switch s.offerings[i] {
            case .purchase(var o):
                o.availableFromIndex = max(0, o.availableFromIndex - a)
                o.availableUntilIndex = shift(o.availableUntilIndex)
                o.priceChange = shifted(o.priceChange, from: a, periods: n, horizon: scenario.horizon)
                // Orders in flight arriving in the window (`roll` recomputes them from the plan).
                o.ordersInFlight = Dictionary(uniqueKeysWithValues: o.ordersInFlight.filter { range.contains($0.key) }.map { ($0.key - a, $0.value) })
                s.offerings[i] = .purchase(o)
            case .rental(var o):
                o.availableFromIndex = shift(o.availableFromIndex)
                o.availableUntilIndex = shift(o.availableUntilIndex)
                o.priceChange = shifted(o.priceChange, from: a, periods: n, horizon: scenario.horizon)
                s.offerings[i] = .rental(o)
            case .api(var o):
                o.availableFromIndex = shift(o.availableFromIndex)
                o.availableUntilIndex = shift(o.availableUntilIndex)
                o.priceChange = shifted(o.priceChange, from: a, periods: n, horizon: scenario.horizon)
                s.offerings[i] = .api(o)
            }
        }
        var problems: [String] = []
        let labels = scenario.horizon.labels
        s.jobs = []
        for job in scenario.jobs {
            if job.deadlineIndex < a || job.earliestStartIndex >= a + n || job.deadlineIndex >= a + n {
                carried.jobsDropped.append(job.id)
                continue
            }
            var j = job
            j.earliestStartIndex = max(0, job.earliestStartIndex - a)
            j.deadlineIndex = job.deadlineIndex - a
            if job.earliestStartIndex < a {
                guard let done = completedFractions[job.id] else {
                    problems.append("job \(job.id) may run \(labels[job.earliestStartIndex]) .. \(labels[job.deadlineIndex]), across the elapsed periods"
                        + " (to \(labels[a - 1])): give its progress in the actuals (jobs: {\(job.id): {completedFraction: 0.4}})")
                    continue
                }
                if done >= 1 {
                    carried.jobsDropped.append(job.id)
                    continue
                }
                shrink(&j, by: 1 - done)
                carried.jobsInProgress.append(.init(job: job.id, completedFraction: done, flopsLeft: j.flops))
            }
            s.jobs.append(j)
        }
        if !problems.isEmpty { throw RollForwardError(problems: problems) }
        // Demand cases: each case's lists cut to the window. Sampled cases are written as the
        // lists they drew (a new sample over a shorter horizon would draw other paths).
        s.demandCases = scenario.demandCases.map { c in
            var cut = c
            cut.demand = c.demand.mapValues { Array($0[range]) }
            return cut
        }
        switch scenario.demandCasesSource {
        case .listed(let inputs)?:
            s.demandCasesSource = .listed(inputs.map { input in
                var cut = input
                cut.workloads = input.workloads.mapValues { w in
                    if case .tokensPerPeriod(let values) = w { return .tokensPerPeriod(Array(values[range])) }
                    return w
                }
                return cut
            })
        case .sampled?: s.demandCasesSource = nil
        case nil: break
        }
        return s
    }

    /// A job with `share` of its compute left: the compute in the form the scenario gave it
    /// (flops, training tokens, accelerator-hours) and every pool's accelerator-hours scaled.
    static func shrink(_ job: inout TrainingJob, by share: Double) {
        job.flops *= share
        switch job.compute {
        case .flops?: job.compute = .flops(job.flops)
        case .parametersAndTokens(let n, let d, let method)?: job.compute = .parametersAndTokens(parameters: n, tokens: d * share, method: method)
        case .acceleratorHours(let hours, let reference)?: job.compute = .acceleratorHours(hours * share, reference: reference)
        case nil: break
        }
        for i in job.pools.indices { job.pools[i].acceleratorHours *= share }
    }

    /// The price factors of periods a ..< a + n. A yearly decline is written as factors when the
    /// window starts later: kept as a decline, the window's first period would be back at 1.
    static func shifted(_ change: PriceChange?, from a: Int, periods n: Int, horizon: Horizon) -> PriceChange? {
        switch change {
        case nil: return nil
        case .factors(let list)?: return .factors(Array(list[a..<(a + n)]))
        case .declinePerYear?:
            guard a > 0 else { return change }
            return .factors((a..<(a + n)).map { priceFactor(change, period: $0, horizon: horizon) })
        }
    }
}
