// Cost per workload (docs/finance.md, "Attribution"). The rule, per period:
// - APIs and the unserved penalty: each workload pays for its own tokens.
// - On-demand rentals: a slice's rental cost goes to the workloads by their share of the load
//   (Σ x / τ) in that slice; rented units with no load there are idle.
// - Owned units and reserved rentals: an offering's period cost is spread over the slices by
//   their hours (capacity is paid for around the clock); in each slice a workload pays its load
//   divided by the units in service, and the rest (headroom under the utilization cap included)
//   is idle.
// Owned units cost their price spread over the useful life (c_o / L_o per purchased unit in
// service, as amortized accounting books it) plus energy and fixed opex. Under cash accounting
// the price paid on arrival less the salvage credit equals that same spread over the periods in
// the horizon, so in both accountings the attributed costs and the idle line sum to
// `totals.cost`.

public enum CostAttribution {
    public static func attribute(scenario: Scenario, decisions: PlanDecisions, evaluation: PlanEvaluation) -> Attribution {
        let periods = scenario.horizon.periods
        let slices = scenario.timeSlices
        let days = scenario.horizon.daysPerPeriod, hours = scenario.horizon.hoursPerPeriod
        let workloads = scenario.workloads
        let position = Dictionary(uniqueKeysWithValues: workloads.enumerated().map { ($1.id, $0) })
        var lines = [[Attribution.Lines]](repeating: [Attribution.Lines](repeating: .init(), count: periods), count: workloads.count)
        var idle = [Attribution.Lines](repeating: .init(), count: periods)

        /// Load in units (x / τ) of each workload on an offering, [workload][period][slice].
        /// In workload order, so that sums are the same bits run to run.
        func load(_ id: String, throughput: [String: Double]) -> [(Int, [[Double]])] {
            let served = decisions.served[id] ?? [:]
            return workloads.enumerated().compactMap { w, workload in
                guard let rates = served[workload.id], let tau = throughput[workload.id], tau > 0 else { return nil }
                return (w, rates.map { $0.map { $0 / tau } })
            }
        }
        /// Shares a slice's cost among the workloads by load over `capacity` units; the rest is idle.
        func share(_ cost: Double, capacity: Double, loads: [(Int, [[Double]])], p: Int, s: Int,
                   into line: WritableKeyPath<Attribution.Lines, Double>) {
            guard cost != 0 else { return }
            var used = 0.0
            if capacity > 0 {
                for (w, load) in loads {
                    let fraction = min(1, load[p][s] / capacity)
                    lines[w][p][keyPath: line] += cost * fraction
                    used += fraction
                }
            }
            idle[p][keyPath: line] += cost * max(0, 1 - used)
        }

        for o in scenario.purchases {
            let loads = load(o.id, throughput: o.throughput)
            for p in 0..<periods {
                let n = evaluation.unitsInService[o.id]?[p] ?? 0
                guard n > 0 else { continue }
                let existing = p < o.existingRemainingPeriods ? o.existingUnits : 0
                let cost = o.unitPrice / Double(o.lifetimePeriods) * max(0, n - existing)
                    + n * o.powerKW * scenario.site.pue * hours * scenario.site.electricityPricePerKWh
                    + n * o.opexPerUnitPeriod
                for s in slices.indices {
                    share(cost * slices[s].hours / 24, capacity: n, loads: loads, p: p, s: s, into: \.owned)
                }
            }
        }
        for o in scenario.rentals {
            let loads = load(o.id, throughput: o.throughput)
            for p in 0..<periods {
                switch o.commitment {
                case .period:
                    let m = decisions.reservedUnits[o.id]?[p] ?? 0
                    guard m > 0 else { continue }
                    for s in slices.indices {
                        share(o.pricePerUnitHour * hours * m * slices[s].hours / 24, capacity: m, loads: loads, p: p, s: s, into: \.reserved)
                    }
                case .none:
                    for s in slices.indices {
                        let m = decisions.onDemandUnits[o.id]?[p][s] ?? 0
                        guard m > 0 else { continue }
                        // Rented for the load: shared by load, whatever the utilization cap left over.
                        let total = loads.reduce(0) { $0 + $1.1[p][s] }
                        share(o.pricePerUnitHour * days * slices[s].hours * m, capacity: total, loads: loads, p: p, s: s, into: \.onDemand)
                    }
                }
            }
        }
        func seconds(_ s: Int) -> Double { days * slices[s].hours * 3600 }
        for a in scenario.apis {
            for (workload, rates) in decisions.served[a.id] ?? [:] {
                guard let w = position[workload] else { continue }
                let share = workloads[w].outputShare
                let pricePerMTok = (1 - share) * a.inputPricePerMTok + share * a.outputPricePerMTok
                for p in 0..<periods {
                    for s in slices.indices { lines[w][p].api += seconds(s) / 1e6 * pricePerMTok * rates[p][s] }
                }
            }
        }
        if let theta = scenario.policy.unservedPenaltyPerMTok {
            for (workload, rates) in decisions.unserved {
                guard let w = position[workload] else { continue }
                for p in 0..<periods {
                    for s in slices.indices { lines[w][p].unservedPenalty += seconds(s) / 1e6 * theta * rates[p][s] }
                }
            }
        }

        func finished(_ line: Attribution.Lines) -> Attribution.Lines {
            Attribution.Lines(owned: line.owned, reserved: line.reserved, onDemand: line.onDemand, api: line.api, unservedPenalty: line.unservedPenalty)
        }
        var results: [Attribution.WorkloadCost] = []
        for (w, workload) in workloads.enumerated() {
            let perPeriod = lines[w].map(finished)
            let cost = perPeriod.reduce(Attribution.Lines(), +)
            var served = 0.0
            for offering in scenario.offerings {
                guard let rates = decisions.served[offering.id]?[workload.id] else { continue }
                for p in 0..<periods { for s in slices.indices { served += rates[p][s] * seconds(s) } }
            }
            results.append(.init(workload: workload.id, cost: cost, byPeriod: perPeriod.map(\.total), tokensServed: served,
                                 costPerMillionTokens: served > 0 ? cost.total / (served / 1e6) : nil))
        }
        let idleLines = idle.map(finished)
        let idleTotal = idleLines.reduce(Attribution.Lines(), +)
        return Attribution(workloads: results, idle: idleTotal, idleByPeriod: idleLines.map(\.total),
                           total: results.reduce(0) { $0 + $1.cost.total } + idleTotal.total)
    }
}
