// What a rolling re-plan changed (docs/replan.md, docs/replan.schema.json): the demand seen
// against the forecast, the elapsed periods' cost at that demand, what was carried in, and per
// offering and period the arrivals, reserved units and API tokens of the previous plan against
// the new one, with the cost of the periods both cover.
import Foundation

/// `changes.json` (schemaVersion 1).
public struct ReplanChanges: Codable, Sendable {
    public var schemaVersion = 1
    public var scenario: String
    /// The previous plan's horizon.
    public var previousHorizon: HorizonSpan
    /// The periods that elapsed (the leading periods of the previous horizon).
    public var elapsed: [String]
    /// The new plan's horizon.
    public var horizon: HorizonSpan
    public var demand: [DemandLine]
    public var elapsedCost: ElapsedCost
    public var carriedIn: CarriedIn
    /// Per offering with a figure in either plan, in scenario order.
    public var offerings: [OfferingChange]
    public var remainingCost: RemainingCost
    /// The new plan's status and cost.
    public var plan: PlanOutcome
    public var notes: [String]

    public struct HorizonSpan: Codable, Sendable, Equatable {
        public var start: String
        public var periods: Int
    }

    /// One workload's forecast and actual tokens in the elapsed periods.
    public struct DemandLine: Codable, Sendable, Equatable {
        public var workload: String
        public var periods: [DemandPeriod]
        public var forecast: Double
        public var actual: Double
        /// actual / forecast − 1 over the elapsed periods; absent when the forecast was 0.
        public var change: Double?
    }

    public struct DemandPeriod: Codable, Sendable, Equatable {
        public var period: String
        public var forecast: Double
        public var actual: Double
    }

    /// The elapsed periods run again at the actual demand: the previous plan's purchases (with
    /// the deliveries as they happened), reserved units and committed-use contracts fixed, the
    /// dispatch, on-demand rentals and API use optimized.
    public struct ElapsedCost: Codable, Sendable {
        /// `completed`, `infeasible` (the fleet could not serve the actual demand: `unmetDemand`),
        /// `blocked` or `error` (PlanCompletion's outcomes).
        public var outcome: String
        public var periods: [ElapsedPeriod]
        /// The previous plan's cost of the elapsed periods (its `periods[].cost.total`).
        public var planned: Double
        /// The same periods at the actual demand; absent unless completed.
        public var actual: Double?
        public var unmetDemand: [UnmetDemand]
    }

    public struct ElapsedPeriod: Codable, Sendable, Equatable {
        public var period: String
        public var planned: Double
        public var actual: Double?
    }

    /// One offering's figure per period: arrivals (purchases), reserved units (reserved rentals)
    /// or API tokens (APIs).
    public struct OfferingChange: Codable, Sendable, Equatable {
        public var offering: String
        /// `arrivals`, `reservedUnits` or `apiTokens`.
        public var quantity: String
        /// Periods of the new horizon where either plan has a figure.
        public var periods: [OfferingPeriod]
        /// Sums over the periods both horizons cover.
        public var before: Double
        public var now: Double
    }

    public struct OfferingPeriod: Codable, Sendable, Equatable {
        public var period: String
        /// Absent for a period after the previous horizon.
        public var before: Double?
        public var now: Double
    }

    /// Cost of the periods left: the previous plan's `periods[].cost.total` against the new plan's.
    public struct RemainingCost: Codable, Sendable {
        public var periods: [RemainingPeriod]
        /// Sums over the periods both horizons cover.
        public var before: Double
        public var now: Double
        /// Amortized capex the previous plan charged in those periods for the units delivered in
        /// the elapsed periods: owned now, the new plan charges none (0 with cash accounting).
        public var sunkCapex: Double
        /// The new plan's periods after the previous horizon, summed.
        public var nowAfterPreviousHorizon: Double
    }

    public struct RemainingPeriod: Codable, Sendable, Equatable {
        public var period: String
        public var before: Double?
        public var now: Double
    }

    public struct PlanOutcome: Codable, Sendable {
        public var status: PlanStatus
        public var discountedCost: Double?
        public var cost: Double?
    }
}

extension ReplanChanges {
    /// The changes between `previous` and `plan` (the plan of the rolled scenario).
    static func build(
        scenario: Scenario, previous: PreviousPlan, actuals: ReplanActuals, carriedIn: CarriedIn, elapsed: ElapsedCost,
        plan: PlanDocument, rolled: Scenario, notes: [String]
    ) -> ReplanChanges {
        let k = actuals.elapsedPeriods
        let labels = scenario.horizon.labels
        let demand = scenario.workloads.map { w -> DemandLine in
            let actual = actuals.demand[w.id] ?? []
            // The forecast the previous plan was made with (its periods' demand), else the scenario's.
            let periods = (0..<k).map { p in
                let planned = previous.document.periods[p].workloads.first { $0.workload == w.id }?.demandTokens
                return DemandPeriod(period: labels[p], forecast: planned ?? w.demand[p], actual: p < actual.count ? actual[p] : 0)
            }
            let forecast = periods.reduce(0) { $0 + $1.forecast }, seen = periods.reduce(0) { $0 + $1.actual }
            return DemandLine(workload: w.id, periods: periods, forecast: forecast, actual: seen, change: forecast > 0 ? seen / forecast - 1 : nil)
        }
        // Previous figures by new-horizon period n: the previous plan's period k + n, if it has one.
        let newPeriods = rolled.horizon.periods
        func before(_ list: [Double]?, _ n: Int) -> Double? {
            let p = n + k
            guard p < previous.periods else { return nil }
            return list.map { p < $0.count ? $0[p] : 0 } ?? 0
        }
        let now = NewPlanFigures(plan: plan, scenario: rolled)
        var offerings: [OfferingChange] = []
        for offering in scenario.offerings {
            let id = offering.id
            let quantity: String, old: [Double]?, new: [Double]
            switch offering {
            case .purchase:
                (quantity, old, new) = ("arrivals", previous.commitments.arrivals[id], now.arrivals(id))
            case .rental(let r):
                guard r.commitment == .period else { continue }
                (quantity, old, new) = ("reservedUnits", previous.reservedUnits[id], now.reservedUnits(id))
            case .api:
                (quantity, old, new) = ("apiTokens", previous.apiTokens[id], now.apiTokens(id))
            }
            var periods: [OfferingPeriod] = []
            var sumBefore = 0.0, sumNow = 0.0
            for n in 0..<newPeriods {
                let b = before(old, n), value = n < new.count ? new[n] : 0
                if let b { sumBefore += b; sumNow += value }
                if (b ?? 0) != 0 || value != 0 { periods.append(OfferingPeriod(period: rolled.horizon.labels[n], before: b, now: value)) }
            }
            if !periods.isEmpty {
                offerings.append(OfferingChange(offering: id, quantity: quantity, periods: periods, before: sumBefore, now: sumNow))
            }
        }
        var remaining: [RemainingPeriod] = []
        var costBefore = 0.0, costNow = 0.0, costAfter = 0.0
        for (n, period) in plan.periods.enumerated() {
            let b = k + n < previous.periods ? previous.document.periods[k + n].cost.total : nil
            remaining.append(RemainingPeriod(period: period.period, before: b, now: period.cost.total))
            if let b { costBefore += b; costNow += period.cost.total } else { costAfter += period.cost.total }
        }
        let covered = max(0, min(previous.periods, scenario.horizon.periods) - k)
        return ReplanChanges(
            scenario: scenario.name,
            previousHorizon: HorizonSpan(start: previous.document.horizon.start, periods: previous.periods),
            elapsed: Array(labels[0..<k]),
            horizon: HorizonSpan(start: rolled.horizon.start.description, periods: rolled.horizon.periods),
            demand: demand, elapsedCost: elapsed, carriedIn: carriedIn, offerings: offerings,
            remainingCost: RemainingCost(periods: remaining, before: costBefore, now: costNow,
                                         sunkCapex: sunkCapex(scenario, carriedIn: carriedIn, k: k, covered: covered),
                                         nowAfterPreviousHorizon: costAfter),
            plan: PlanOutcome(status: plan.status, discountedCost: plan.totals?.discountedCost, cost: plan.totals?.cost),
            notes: notes)
    }

    /// Amortized capex c_o f_oq / L_o per unit and period in service that the previous plan
    /// charged, in the `covered` periods after the elapsed ones, for units delivered in an
    /// elapsed period q (they are owned now: the new plan charges no capex for them).
    static func sunkCapex(_ scenario: Scenario, carriedIn: CarriedIn, k: Int, covered: Int) -> Double {
        guard scenario.capexAccounting == .amortized else { return 0 }
        var total = 0.0
        for cohort in carriedIn.cohorts {
            guard let arrived = cohort.arrived, let label = PeriodLabel(arrived),
                  let o = scenario.purchases.first(where: { $0.id == cohort.offering }) else { continue }
            let q = scenario.horizon.offset(of: label)
            let perPeriod = o.unitPrice * priceFactor(o.priceChange, period: q, horizon: scenario.horizon) / Double(o.lifetimePeriods)
            total += cohort.units * perPeriod * Double(min(cohort.remainingPeriods, covered))
        }
        return total
    }
}

/// The new plan's figures per period of its horizon, from its document (the same fields the
/// previous plan's are read from).
struct NewPlanFigures {
    let plan: PlanDocument
    let scenario: Scenario

    func arrivals(_ id: String) -> [Double] {
        var values = Array(repeating: 0.0, count: scenario.horizon.periods)
        for purchase in plan.purchases where purchase.offering == id {
            if let l = PeriodLabel(purchase.period) { values[scenario.horizon.offset(of: l)] += purchase.units }
        }
        return values
    }

    func reservedUnits(_ id: String) -> [Double] {
        plan.periods.map { p in p.rentals.first { $0.offering == id && $0.commitment == .period }?.units ?? 0 }
    }

    func apiTokens(_ id: String) -> [Double] {
        plan.periods.map { p in p.workloads.reduce(0) { $0 + ($1.servedTokens[id] ?? 0) } }
    }
}
