// Cost per workload (docs/finance.md, "Attribution"). The rule, per period:
// - APIs and the unserved penalty: each workload pays for its own tokens.
// - On-demand rentals: a slice's rental cost goes to the workloads by their share of the load
//   (Σ x / τ) in that slice; rented units with no load there are idle.
// - Owned units and reserved rentals: an offering's period cost is spread over the slices by
//   their hours (capacity is paid for around the clock); in each slice a workload pays its load
//   divided by the units in service, and the rest (headroom under the utilization cap included)
//   is idle.
// - Caching (formulation 11.4): a cached workload's load is x / τ' (its prefill partly skipped),
//   and it pays its API tokens at ψ_awp (cached input at the cached price, price factors).
// - A workload that runs in replicas on an offering (docs/formulation.md 8.2) occupies its
//   replicas' units, ν_ow ρ_owps, not its load x / τ: a replica is paid for whole.
// - Serving options (section 9): a workload's load on an offering is the sum over its options
//   (each precision with its own τ and replica size); the workload pays for all of them.
// - Reserved contracts: each period's rent; the upfront fee spread evenly over the term's
//   periods. The rent and upfront share of the periods after the horizon go to no workload:
//   their own line, `beyondHorizon`.
// - Platforms: a platform's adoption and yearly costs of a period go to the workloads by their
//   tokens served on its offerings in that period.
// - Training jobs (docs/formulation.md section 10) share owned and rented units like workloads:
//   a job's load in a slice is the units its accelerators occupy, g_jops / G_o (a job on an
//   on-demand rental pays its share of the units rented, so alone it pays them at their price).
//   A platform's cost of a period goes to the jobs by accelerator-hours only when no workload
//   served tokens on its offerings then (the job alone kept it in use).
// Owned units cost their price spread over the useful life (c_o / L_o per purchased unit in
// service, as amortized accounting books it) plus energy and fixed opex. Under cash accounting
// the price paid on arrival less the salvage credit equals that same spread over the periods in
// the horizon, so in both accountings the attributed costs, the idle line and the line beyond
// the horizon sum to `totals.cost`.

public enum CostAttribution {
    public static func attribute(scenario: Scenario, decisions: PlanDecisions, evaluation: PlanEvaluation) -> Attribution {
        let periods = scenario.horizon.periods
        let slices = scenario.timeSlices
        let days = scenario.horizon.daysPerPeriod, hours = scenario.horizon.hoursPerPeriod
        let workloads = scenario.workloads
        let position = Dictionary(uniqueKeysWithValues: workloads.enumerated().map { ($1.id, $0) })
        // Sharers: the workloads (0..<W), then the training jobs (W + j).
        let jobs = scenario.jobs
        var lines = [[Attribution.Lines]](repeating: [Attribution.Lines](repeating: .init(), count: periods), count: workloads.count + jobs.count)
        var idle = [Attribution.Lines](repeating: .init(), count: periods)
        /// f_oq of a rental: its price factor in period q, or 1 (the same bits without a price change).
        func rentalFactor(_ o: RentalOffering, _ q: Int) -> Double { priceFactor(o.priceChange, period: q, horizon: scenario.horizon) }
        /// Σ_q b_oq f_oq over the purchased cohorts in service in p (arrived at most L_o periods ago).
        func pricedCohorts(_ o: PurchaseOffering, period p: Int) -> Double {
            let arrivals = decisions.arrivals[o.id] ?? []
            var units = 0.0
            for q in max(0, p - o.lifetimePeriods + 1)...p where q < arrivals.count && arrivals[q] > 0 {
                units += arrivals[q] * priceFactor(o.priceChange, period: q, horizon: scenario.horizon)
            }
            return units
        }
        /// Reserved units of p weighted by the factor of their contract's start: a contract is
        /// priced at its start for the whole term (11.5). Without a price change, m_op itself.
        func pricedReserved(_ o: RentalOffering, units m: Double, period p: Int) -> Double {
            guard o.priceChange != nil else { return m }
            let starts = PlanExtraction.contractStarts(o, decisions: decisions, evaluation: evaluation)
            // Contracts carried in at the first period's price (13.1).
            var units = o.unitsInTerm(inPeriod: p) * rentalFactor(o, 0)
            for q in max(0, p - o.termPeriods + 1)...p where q < starts.count && starts[q] > 0 {
                units += starts[q] * rentalFactor(o, q)
            }
            return units
        }

        /// Load in units of each serving option on an offering, as (workload, [period][slice]):
        /// its replicas' units where it runs in replicas, else x / τ. In workload order, options
        /// in their order, so that sums are the same bits run to run.
        func load(_ offering: some SelfRunOffering) -> [(Int, [[Double]])] {
            let served = decisions.served[offering.id] ?? [:]
            let perUnit = Double(offering.acceleratorsPerUnit)
            let training = jobs.enumerated().compactMap { j, job -> (Int, [[Double]])? in
                guard let accelerators = decisions.training[job.id]?[offering.id] else { return nil }
                return (workloads.count + j, accelerators.map { $0.map { $0 / perUnit } })
            }
            return training + workloads.enumerated().flatMap { w, workload in
                offering.servingOptions(for: workload.id).compactMap { option -> (Int, [[Double]])? in
                    let key = ServedKey.key(workload: workload.id, precision: option.precision)
                    if let size = option.acceleratorsPerReplica, let replicas = evaluation.replicas[offering.id]?[key] {
                        let unitsPerReplica = Double(size) / Double(offering.acceleratorsPerUnit)
                        return (w, replicas.map { $0.map { $0 * unitsPerReplica } })
                    }
                    guard let rates = served[key], option.tokensPerSecond > 0 else { return nil }
                    // Cached prefixes skip their prefill: the load is x / τ', τ' = τ / (1 − κβ) (11.4).
                    let tau = workload.cache.map { option.tokensPerSecond * $0.selfHostedSpeedup } ?? option.tokensPerSecond
                    return (w, rates.map { $0.map { $0 / tau } })
                }
            }
        }
        /// The keys of `decisions.served[offering]` holding workload rates: the workload id, or
        /// `workload@precision` for each derived option.
        func servedKeys(_ offering: Offering, workload: String) -> [String] {
            let options = CapacityModelBuilder.servingOptions(offering, workload: workload)
            return options.isEmpty ? [workload] : options.map { ServedKey.key(workload: workload, precision: $0.precision) }
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
            let loads = load(o)
            for p in 0..<periods {
                let n = evaluation.unitsInService[o.id]?[p] ?? 0
                guard n > 0 else { continue }
                let existing = o.existingUnits(inPeriod: p)
                // With moving prices each cohort in service carries its own price f_oq c_o.
                let bought = o.priceChange == nil ? max(0, n - existing) : pricedCohorts(o, period: p)
                let cost = o.unitPrice / Double(o.lifetimePeriods) * bought
                    + n * o.powerKW * scenario.site.pue * hours * scenario.site.electricityPricePerKWh
                    + n * o.opexPerUnitPeriod
                for s in slices.indices {
                    share(cost * slices[s].hours / 24, capacity: n, loads: loads, p: p, s: s, into: \.owned)
                }
            }
        }
        var beyondHorizon = 0.0
        for o in scenario.rentals {
            let loads = load(o)
            // The upfront fee of each contract, spread over its term: per period in the horizon,
            // and the share of the periods after it.
            var upfront = [Double](repeating: 0, count: periods)
            if o.commitment == .period, o.upfrontPerUnit > 0 {
                let term = o.termPeriods
                for (q, units) in PlanExtraction.contractStarts(o, decisions: decisions, evaluation: evaluation).enumerated() where units > 0 {
                    let perPeriod = units * rentalFactor(o, q) * o.upfrontPerUnit / Double(term)
                    for p in q..<min(q + term, periods) { upfront[p] += perPeriod }
                    beyondHorizon += perPeriod * Double(max(0, q + term - periods))
                }
            }
            for p in 0..<periods {
                switch o.commitment {
                case .period:
                    let m = decisions.reservedUnits[o.id]?[p] ?? 0
                    guard m > 0 else {
                        // A fee share with no units cannot happen in a consistent plan; kept as idle so that sums hold.
                        idle[p].reserved += upfront[p]
                        continue
                    }
                    let cost = o.pricePerUnitHour * hours * pricedReserved(o, units: m, period: p) + upfront[p]
                    for s in slices.indices {
                        share(cost * slices[s].hours / 24, capacity: m, loads: loads, p: p, s: s, into: \.reserved)
                    }
                case .none, .spot:
                    for s in slices.indices {
                        let m = decisions.onDemandUnits[o.id]?[p][s] ?? 0
                        guard m > 0 else { continue }
                        // Rented for the load: shared by load, whatever the utilization cap left over.
                        let total = loads.reduce(0) { $0 + $1.1[p][s] }
                        share(o.pricePerUnitHour * rentalFactor(o, p) * days * slices[s].hours * m, capacity: total, loads: loads, p: p, s: s, into: \.onDemand)
                    }
                }
            }
        }
        func seconds(_ s: Int) -> Double { days * slices[s].hours * 3600 }
        for a in scenario.apis {
            for (workload, rates) in decisions.served[a.id] ?? [:] {
                guard let w = position[workload] else { continue }
                for p in 0..<periods {
                    // ψ_awp: caching and the period's price factor (11.4, 11.5).
                    let pricePerMTok = OfferingPrices.apiPricePerMTok(a, workload: workloads[w], period: p, horizon: scenario.horizon)
                    for s in slices.indices { lines[w][p].api += seconds(s) / 1e6 * pricePerMTok * rates[p][s] }
                }
            }
            // A committed-use contract's shortfall less its discount (11.5), by each workload's
            // list spend on the API in the period; a shortfall with no spend at all is idle.
            guard let contract = a.committedUse, decisions.apiCommitments.contains(a.id) else { continue }
            let spend = OfferingPrices.apiListSpend(a, scenario: scenario, decisions: decisions)
            for p in 0..<periods {
                let list = spend[p].reduce(0, +)
                let (earned, shortfall) = OfferingPrices.commitment(contract, listSpend: list, available: OfferingPrices.available(a, period: p))
                let net = shortfall - earned
                guard net != 0 else { continue }
                guard list > 0 else { idle[p].api += net; continue }
                for w in workloads.indices where spend[p][w] > 0 { lines[w][p].api += net * spend[p][w] / list }
            }
        }
        // Rent after the horizon (the evaluator's figure).
        beyondHorizon += evaluation.commitmentsBeyondHorizon

        // Platforms: each platform's cost of a period by tokens served on its offerings.
        var platformOfferings: [String: [Offering]] = [:]
        for offering in scenario.offerings {
            switch offering {
            case .purchase(let o): if let k = o.platform { platformOfferings[k, default: []].append(offering) }
            case .rental(let o): if let k = o.platform { platformOfferings[k, default: []].append(offering) }
            case .api: break
            }
        }
        let yearly = Dictionary(scenario.platforms.map { ($0.id, $0.yearlyCost) }, uniquingKeysWith: { a, _ in a })
        for p in 0..<periods {
            var assigned = 0.0
            for platform in evaluation.platforms where p < platform.inUse.count {
                var cost = platform.inUse[p] ? (yearly[platform.id] ?? 0) * hours / 8760 : 0
                if platform.adoptedPeriod == p { cost += platform.adoptionCost }
                guard cost != 0 else { continue }
                var tokens = [Double](repeating: 0, count: workloads.count)
                for offering in platformOfferings[platform.id] ?? [] {
                    for (w, workload) in workloads.enumerated() {
                        for key in servedKeys(offering, workload: workload.id) {
                            guard let rates = decisions.served[offering.id]?[key] else { continue }
                            for s in slices.indices { tokens[w] += rates[p][s] * seconds(s) }
                        }
                    }
                }
                let all = tokens.reduce(0, +)
                if all > 0 {
                    for w in workloads.indices where tokens[w] > 0 { lines[w][p].platform += cost * tokens[w] / all }
                    assigned += cost
                    continue
                }
                // No tokens: the jobs that ran on its offerings kept it in use.
                var hoursUsed = [Double](repeating: 0, count: jobs.count)
                for offering in platformOfferings[platform.id] ?? [] {
                    for (j, job) in jobs.enumerated() {
                        guard let accelerators = decisions.training[job.id]?[offering.id] else { continue }
                        for s in slices.indices { hoursUsed[j] += accelerators[p][s] * days * slices[s].hours }
                    }
                }
                let allHours = hoursUsed.reduce(0, +)
                guard allHours > 0 else { continue }
                for j in jobs.indices where hoursUsed[j] > 0 { lines[workloads.count + j][p].platform += cost * hoursUsed[j] / allHours }
                assigned += cost
            }
            // What no workload's tokens explain (none in a consistent plan) is idle.
            idle[p].platform += (evaluation.periods.indices.contains(p) ? evaluation.periods[p].cost.platform : 0) - assigned
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
            Attribution.Lines(owned: line.owned, reserved: line.reserved, onDemand: line.onDemand, api: line.api,
                              unservedPenalty: line.unservedPenalty, platform: line.platform)
        }
        var results: [Attribution.WorkloadCost] = []
        for (w, workload) in workloads.enumerated() {
            let perPeriod = lines[w].map(finished)
            let cost = perPeriod.reduce(Attribution.Lines(), +)
            var served = 0.0
            for offering in scenario.offerings {
                for key in servedKeys(offering, workload: workload.id) {
                    guard let rates = decisions.served[offering.id]?[key] else { continue }
                    for p in 0..<periods { for s in slices.indices { served += rates[p][s] * seconds(s) } }
                }
            }
            results.append(.init(workload: workload.id, cost: cost, byPeriod: perPeriod.map(\.total), tokensServed: served,
                                 costPerMillionTokens: served > 0 ? cost.total / (served / 1e6) : nil))
        }
        var jobResults: [Attribution.JobCost] = []
        for (j, job) in jobs.enumerated() {
            let perPeriod = lines[workloads.count + j].map(finished)
            var used = 0.0
            for accelerators in (decisions.training[job.id] ?? [:]).values {
                for p in 0..<min(periods, accelerators.count) { for s in slices.indices { used += accelerators[p][s] * days * slices[s].hours } }
            }
            jobResults.append(.init(job: job.id, cost: perPeriod.reduce(Attribution.Lines(), +), byPeriod: perPeriod.map(\.total),
                                    acceleratorHours: used))
        }
        let idleLines = idle.map(finished)
        let idleTotal = idleLines.reduce(Attribution.Lines(), +)
        return Attribution(workloads: results, idle: idleTotal, idleByPeriod: idleLines.map(\.total),
                           total: results.reduce(0) { $0 + $1.cost.total } + jobResults.reduce(0) { $0 + $1.cost.total }
                               + idleTotal.total + beyondHorizon,
                           beyondHorizon: beyondHorizon, jobs: jobs.isEmpty ? nil : jobResults)
    }
}
