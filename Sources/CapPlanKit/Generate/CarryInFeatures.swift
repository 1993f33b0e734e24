// The generator's commitments carried in (docs/formulation.md 13.1, docs/scale-suite.md): owned
// cohorts, orders in flight, contracts in term and signed committed-use contracts, on tiny
// scenarios, from a stream of their own so that every other draw, and every scenario without
// them, stays as it was.

import Foundation

extension ScenarioGenerator {
    /// The stream of the carried-in draws.
    func carryInStream() -> ScenarioRNG {
        var rng = ScenarioRNG(seed: seed ^ size.salt ^ 0x6361_7272_7969_6e)
        _ = rng.next()
        return rng
    }

    /// Each purchase (40%) a further cohort of 1-3 units with 1 to P + 2 periods left, and (40%)
    /// 1-2 units in flight arriving in a period of the horizon; each reserved rental (50%) 1-2
    /// units in term for 1 to T_o periods (within maxUnits); each committed-use contract (50%)
    /// signed. Whole units, so they hold with `integerUnits`. Units carried in are paid and
    /// powered whatever the plan does: a power cap rises by their power in each period and a
    /// capital budget by the price of the units in flight, so that every scenario stays
    /// feasible (the guaranteed API still serves everything; carried-in units only add capacity
    /// and cost). Not on scenarios with fiscal budgets, sized for an all-API plan.
    func addCarriedIn(to s: inout Scenario, rng: inout ScenarioRNG) {
        guard s.budget.fiscalYears.isEmpty else { return }
        let periods = s.horizon.periods
        for i in s.offerings.indices {
            switch s.offerings[i] {
            case .purchase(var o):
                if rng.chance(0.4) {
                    o.existingCohorts = [UnitsInTerm(units: Double(rng.int(1...3)), remainingPeriods: rng.int(1...(periods + 2)))]
                }
                if rng.chance(0.4) { o.ordersInFlight = [rng.int(0...(periods - 1)): Double(rng.int(1...2))] }
                s.offerings[i] = .purchase(o)
            case .rental(var r):
                guard r.commitment == .period, rng.chance(0.5) else { continue }
                let units = Double(rng.int(1...2))
                guard units <= (r.maxUnits ?? .infinity) else { continue }
                r.contractsInTerm = [UnitsInTerm(units: units, remainingPeriods: rng.int(1...max(1, r.termPeriods)))]
                s.offerings[i] = .rental(r)
            case .api(var a):
                guard a.committedUse != nil, rng.chance(0.5) else { continue }
                a.committedUse?.signed = true
                s.offerings[i] = .api(a)
            }
        }
        for o in s.purchases {
            for p in 0..<periods {
                let cohort = o.existingCohorts.reduce(0.0) { $0 + (p < $1.remainingPeriods ? $1.units : 0) }
                let inFlight = o.ordersInFlight.reduce(0.0) { $0 + ($1.key <= p && p < $1.key + o.lifetimePeriods ? $1.value : 0) }
                if var cap = s.site.powerCapKW, cohort + inFlight > 0 {
                    cap[p] = ((cap[p] + (cohort + inFlight) * o.powerKW) * 100).rounded(.up) / 100
                    s.site.powerCapKW = cap
                }
                if var budget = s.budget.capexPerPeriod, let units = o.ordersInFlight[p] {
                    budget[p] = (budget[p] + units * o.unitPrice * priceFactor(o.priceChange, period: p, horizon: s.horizon)).rounded(.up)
                    s.budget.capexPerPeriod = budget
                }
            }
        }
    }
}
