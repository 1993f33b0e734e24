// The issue-12 draws of the generator (docs/formulation.md section 11, docs/scale-suite.md):
// workload profiles, deferrable and interruptible workloads, spot rentals, batch APIs, caching,
// moving prices, availability windows and committed-use APIs. Each feature draws from a stream
// of its own, so that adding or changing one leaves the others, and every scenario without
// them, as they were.

import Foundation

extension ScenarioGenerator {
    /// The stream of issue-12 feature `k` (0: whether the scenario gets any).
    func shapeStream(_ k: UInt64) -> ScenarioRNG {
        var rng = ScenarioRNG(seed: seed ^ size.salt ^ 0x7368_6170_6573 ^ (k &* 0x9E37_79B9_7F4A_7C15))
        _ = rng.next()
        return rng
    }

    /// Each feature with its own chance. Feasible by construction: the guaranteed API (the first,
    /// serving every workload) keeps serving every workload in every period, and prices only
    /// fall, so the fiscal budgets' all-API plan (`fiscalBudgets`) still fits; features that
    /// narrow an API (batch, windows) touch only APIs that plan does not count on (rate-limited
    /// ones, or any when there are no fiscal budgets). Spot rentals, windows and clusters stay
    /// off the rentals that jobs need (`clusterNetworking`).
    func addShapes(to s: inout Scenario) {
        let periods = s.horizon.periods
        let guaranteed = s.offerings.firstIndex { if case .api = $0 { return true } else { return false } }
        let fiscal = !s.budget.fiscalYears.isEmpty
        func narrowable(_ a: APIOffering, at i: Int) -> Bool { i != guaranteed && (!fiscal || a.maxTokensPerSecond != nil) }
        func twoDecimals(_ x: Double) -> Double { (x * 100).rounded() / 100 }

        // 1. Per-workload profiles (11.1): each slice's hours weighted by a factor in [0.3, 1.7).
        var rng = shapeStream(1)
        if s.timeSlices.count > 1 {
            for w in s.workloads.indices where rng.chance(0.4) {
                let weights = s.timeSlices.map { $0.hours * rng.uniform(0.3, 1.7) }
                let total = weights.reduce(0, +)
                s.workloads[w].profile = weights.map { $0 / total }
            }
        }

        // 2. Deferrable workloads (11.2): within the day, or within a window of a few hours, for
        // which the slices are placed on the clock (back to back from midnight).
        rng = shapeStream(2)
        for w in s.workloads.indices where rng.chance(0.35) {
            s.workloads[w].deferral = rng.chance(0.5) ? Deferral() : Deferral(maxDelayHours: [2, 4, 6, 8, 12][rng.int(0...4)])
        }
        if s.workloads.contains(where: { $0.deferral.map { !$0.withinDay } ?? false }) || rng.chance(0.2) {
            var clock = 0.0
            for i in s.timeSlices.indices {
                s.timeSlices[i].start = clock
                clock += s.timeSlices[i].hours
            }
        }

        // 3. Interruptible workloads and spot rentals (11.3): an on-demand rental becomes spot,
        // serving only the interruptible workloads of its throughput, with availability in [0.6, 1].
        rng = shapeStream(3)
        for w in s.workloads.indices where rng.chance(0.4) { s.workloads[w].interruptible = true }
        let interruptible = Set(s.workloads.filter(\.interruptible).map(\.id))
        for i in s.offerings.indices {
            guard case .rental(var r) = s.offerings[i], r.commitment == .none, !r.clusterNetworking, r.spareUnits == 0,
                  rng.chance(0.5) else { continue }
            let kept = r.throughput.filter { interruptible.contains($0.key) }
            guard !kept.isEmpty else { continue }
            r.throughput = kept
            r.acceleratorsPerReplica = r.acceleratorsPerReplica.filter { interruptible.contains($0.key) }
            r.commitment = .spot
            r.availability = twoDecimals(rng.uniform(0.6, 1))
            s.offerings[i] = .rental(r)
        }

        // 4. Batch APIs (11.3): an API serving day-deferrable workloads serves only those, at half price.
        rng = shapeStream(4)
        let dayDeferrable = Set(s.workloads.filter { $0.deferral?.withinDay ?? false }.map(\.id))
        for i in s.offerings.indices {
            guard case .api(var a) = s.offerings[i], narrowable(a, at: i), rng.chance(0.5) else { continue }
            let kept = a.serves.filter { dayDeferrable.contains($0) }
            guard !kept.isEmpty else { continue }
            a.serves = kept
            a.batch = true
            a.inputPricePerMTok = Self.significant(a.inputPricePerMTok / 2, 2)
            a.outputPricePerMTok = Self.significant(a.outputPricePerMTok / 2, 2)
            s.offerings[i] = .api(a)
        }

        // 5. Caching (11.4): hit rates, prefill shares, cached input prices of 10-50% of the list.
        rng = shapeStream(5)
        for w in s.workloads.indices where rng.chance(0.35) {
            let hitRate = twoDecimals(rng.uniform(0.1, 0.8))
            let prefill = rng.chance(0.5) ? twoDecimals(rng.uniform(0.05, 0.5)) : 0
            s.workloads[w].cache = WorkloadCache(hitRate: hitRate, prefillShare: prefill)
        }
        for i in s.offerings.indices {
            guard case .api(var a) = s.offerings[i], rng.chance(0.4) else { continue }
            a.cachedInputPricePerMTok = Self.significant(a.inputPricePerMTok * rng.uniform(0.1, 0.5), 2)
            s.offerings[i] = .api(a)
        }

        // 6. Prices that move (11.5): a yearly decline of 5-40%, or factors in [0.6, 1] per period.
        rng = shapeStream(6)
        func priceChange() -> PriceChange? {
            guard rng.chance(0.25) else { return nil }
            if rng.chance(0.6) { return .declinePerYear(twoDecimals(rng.uniform(0.05, 0.4))) }
            return .factors((0..<periods).map { _ in twoDecimals(rng.uniform(0.6, 1)) })
        }
        for i in s.offerings.indices {
            switch s.offerings[i] {
            case .purchase(var o): o.priceChange = priceChange(); s.offerings[i] = .purchase(o)
            case .rental(var o): o.priceChange = priceChange(); s.offerings[i] = .rental(o)
            case .api(var o): o.priceChange = priceChange(); s.offerings[i] = .api(o)
            }
        }

        // 7. Availability windows (11.5), sometimes reaching outside the horizon.
        rng = shapeStream(7)
        func window() -> (from: Int, until: Int)? {
            guard rng.chance(0.3) else { return nil }
            let from = rng.chance(0.3) ? -rng.int(1...2) : rng.int(0...(periods - 1))
            return (from, max(0, from) + rng.int(0...periods))
        }
        for i in s.offerings.indices {
            switch s.offerings[i] {
            case .purchase(var o):
                guard rng.chance(0.2) else { continue }
                o.availableUntilIndex = o.availableFromIndex + rng.int(0...periods)
                s.offerings[i] = .purchase(o)
            case .rental(var o):
                guard let w = window(), !o.clusterNetworking else { continue }
                o.availableFromIndex = w.from
                o.availableUntilIndex = w.until
                s.offerings[i] = .rental(o)
            case .api(var o):
                guard let w = window(), narrowable(o, at: i) else { continue }
                o.availableFromIndex = w.from
                o.availableUntilIndex = w.until
                s.offerings[i] = .api(o)
            }
        }

        // 8. Committed-use contracts (11.5): a 5-30% discount for a minimum spend of 20-150% of
        // what the API's workloads would spend there in the first period at list price.
        rng = shapeStream(8)
        for i in s.offerings.indices {
            guard case .api(var a) = s.offerings[i], rng.chance(0.25) else { continue }
            let spend = s.workloads.filter { a.serves.contains($0.id) }.reduce(0.0) { total, w in
                total + w.demand[0] * ((1 - w.outputShare) * a.inputPricePerMTok + w.outputShare * a.outputPricePerMTok) / 1e6
            }
            a.committedUse = CommittedUse(
                discount: twoDecimals(rng.uniform(0.05, 0.3)), minSpendPerPeriod: Self.significant(max(100, spend * rng.uniform(0.2, 1.5)), 2))
            s.offerings[i] = .api(a)
        }
    }
}
