// The plan's sections for issue 12 (docs/plan-format.md): deferral, caching, committed-use API
// contracts, price factors and slices built from an hourly profile, and the apiCommitment cost
// line. Each is absent when the scenario does not use the feature, so older plans keep their
// bytes. Read from the decisions, the scenario and the evaluator's figures; nothing re-decided.

enum PlanShapes {
    static func fill(_ document: inout PlanDocument, scenario: Scenario, decisions: PlanDecisions, evaluation: PlanEvaluation) {
        fillCommitmentCostLines(&document, decisions: decisions, evaluation: evaluation)
        document.deferral = deferral(scenario: scenario, decisions: decisions)
        document.caching = caching(scenario: scenario, evaluation: evaluation)
        document.apiCommitments = apiCommitments(scenario: scenario, decisions: decisions)
        document.priceOutlook = PriceOutlook.section(scenario: scenario, decisions: decisions)
        document.timeSlicesFromProfile = profileSlices(scenario)
    }

    /// The evaluator's apiCommitment line on the periods and totals, where a contract is taken
    /// or the line is non-zero (the totals' `cost` already includes it).
    static func fillCommitmentCostLines(_ document: inout PlanDocument, decisions: PlanDecisions, evaluation: PlanEvaluation) {
        let any = !decisions.apiCommitments.isEmpty || evaluation.periods.contains { $0.cost.apiCommitment != 0 }
        guard any else { return }
        for p in document.periods.indices where p < evaluation.periods.count {
            document.periods[p].cost.apiCommitment = evaluation.periods[p].cost.apiCommitment
            document.periods[p].discountedCost.apiCommitment = evaluation.periods[p].discountedCost.apiCommitment
        }
        document.totals?.apiCommitment = evaluation.costByComponent.apiCommitment
        document.totals?.discounted.apiCommitment = evaluation.discountedCostByComponent.apiCommitment
    }

    /// Per deferrable workload: tokens demanded (D σ_ws) and served by slice, per period and
    /// summed, and for window workloads the tokens moved between slices (f d η_s 3600).
    static func deferral(scenario: Scenario, decisions: PlanDecisions) -> [PlanDocument.DeferralLine]? {
        let slices = scenario.timeSlices, names = slices.map(\.name)
        let days = scenario.horizon.daysPerPeriod, labels = scenario.horizon.labels
        let seconds = slices.map { days * $0.hours * 3600 }
        var lines: [PlanDocument.DeferralLine] = []
        for (w, workload) in scenario.workloads.enumerated() {
            guard let deferral = workload.deferral else { continue }
            // Rates of every serving option of w (offerings in scenario order, keys sorted).
            var rates: [[[Double]]] = []
            for offering in scenario.offerings {
                for (key, values) in (decisions.served[offering.id] ?? [:]).sorted(by: { $0.key < $1.key })
                where ServedKey.parse(key).workload == workload.id {
                    rates.append(values)
                }
            }
            let unserved = decisions.unserved[workload.id]
            let flows = decisions.deferred[workload.id]
            func bySlice(_ values: [Double]) -> [String: Double] { Dictionary(uniqueKeysWithValues: zip(names, values)) }
            var periods: [PlanDocument.DeferralPeriod] = []
            var demandedTotal = [Double](repeating: 0, count: slices.count), servedTotal = demandedTotal, unservedTotal = demandedTotal
            var movedTotal = [[Double]](repeating: demandedTotal, count: slices.count)
            for p in labels.indices {
                let demanded = slices.indices.map { workload.demand[p] * scenario.share(ofWorkload: w, slice: $0) }
                let served = slices.indices.map { s in rates.reduce(0.0) { $0 + ($1.indices.contains(p) ? $1[p][s] : 0) } * seconds[s] }
                let unservedTokens = unserved.map { u in slices.indices.map { u[p][$0] * seconds[$0] } }
                var moved: [PlanDocument.DeferralMove]?
                if let flows, flows.indices.contains(p) {
                    moved = []
                    for s in slices.indices {
                        for t in slices.indices where t != s && flows[p][s][t] > 0 {
                            // f is averaged over the origin slice's hours.
                            let tokens = flows[p][s][t] * seconds[s]
                            moved!.append(.init(from: names[s], to: names[t], tokens: tokens))
                            movedTotal[s][t] += tokens
                        }
                    }
                }
                for s in slices.indices {
                    demandedTotal[s] += demanded[s]
                    servedTotal[s] += served[s]
                    unservedTotal[s] += unservedTokens?[s] ?? 0
                }
                periods.append(.init(period: labels[p], demandedTokens: bySlice(demanded), servedTokens: bySlice(served),
                                     unservedTokens: unservedTokens.map(bySlice), moved: moved))
            }
            var moved: [PlanDocument.DeferralMove]?
            if flows != nil {
                moved = []
                for s in slices.indices {
                    for t in slices.indices where movedTotal[s][t] > 0 { moved!.append(.init(from: names[s], to: names[t], tokens: movedTotal[s][t])) }
                }
            }
            lines.append(.init(workload: workload.id, maxDelayHours: deferral.maxDelayHours, demandedTokens: bySlice(demandedTotal),
                               servedTokens: bySlice(servedTotal), unservedTokens: unserved == nil ? nil : bySlice(unservedTotal),
                               moved: moved, periods: periods))
        }
        return lines.isEmpty ? nil : lines
    }

    /// The evaluator's caching savings per period and summed; nil without a cached workload.
    static func caching(scenario: Scenario, evaluation: PlanEvaluation) -> PlanDocument.CachingLine? {
        guard scenario.workloads.contains(where: { $0.cache != nil }) else { return nil }
        let periods = evaluation.periods.map { period in
            PlanDocument.CachingPeriod(period: period.label, apiUSD: period.caching?.apiUSD ?? 0,
                                       selfHostedUnitHours: period.caching?.selfHostedUnitHours ?? 0)
        }
        return .init(apiUSD: periods.reduce(0) { $0 + $1.apiUSD }, selfHostedUnitHours: periods.reduce(0) { $0 + $1.selfHostedUnitHours },
                     periods: periods)
    }

    /// The committed-use contracts taken, per period of the API's window in the horizon; nil
    /// when no API offers one, empty when none is taken.
    static func apiCommitments(scenario: Scenario, decisions: PlanDecisions) -> [PlanDocument.APICommitmentLine]? {
        guard scenario.apis.contains(where: { $0.committedUse != nil }) else { return nil }
        let labels = scenario.horizon.labels
        return scenario.apis.compactMap { api in
            guard let contract = api.committedUse, decisions.apiCommitments.contains(api.id) else { return nil }
            let spend = OfferingPrices.apiListSpend(api, scenario: scenario, decisions: decisions)
            let periods = labels.indices.filter { OfferingPrices.available(api, period: $0) }.map { p in
                let list = spend[p].reduce(0, +)
                let (earned, shortfall) = OfferingPrices.commitment(contract, listSpend: list, available: true)
                return PlanDocument.APICommitmentPeriod(period: labels[p], listSpend: list, discountEarned: earned, shortfall: shortfall,
                                                        cost: list - earned + shortfall)
            }
            return .init(api: api.id, discount: contract.discount, minSpendPerPeriod: contract.minSpendPerPeriod,
                         listSpend: periods.reduce(0) { $0 + $1.listSpend }, discountEarned: periods.reduce(0) { $0 + $1.discountEarned },
                         shortfall: periods.reduce(0) { $0 + $1.shortfall }, cost: periods.reduce(0) { $0 + $1.cost }, periods: periods)
        }
    }

    static func profileSlices(_ scenario: Scenario) -> PlanDocument.ProfileSlices? {
        guard let source = scenario.hourlyProfile else { return nil }
        let slices = scenario.timeSlices
        return .init(file: source.file, hours: source.hours, slices: source.slices, bySlice: slices.indices.map { s in
            let pooled = source.hoursInSlice.indices.contains(s) ? source.hoursInSlice[s] : []
            return .init(slice: slices[s].name, hours: slices[s].hours, hoursPooled: pooled.count,
                         fileHours: source.hours == 24 ? pooled : nil,
                         maxRelativeDeviation: source.maxRelativeDeviation.indices.contains(s) ? source.maxRelativeDeviation[s] : 0,
                         meanRelativeDeviation: source.meanRelativeDeviation.indices.contains(s) ? source.meanRelativeDeviation[s] : 0)
        })
    }
}
