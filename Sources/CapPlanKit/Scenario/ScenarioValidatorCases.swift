// Pass 2 for the keys of issue 16 (docs/formulation.md section 12; docs/scenario-format.md
// "Demand cases and risk"): `demandCases`, listed or sampled, and `risk`. The cases are checked
// against the workloads as read, and resolved (`DemandCasesSource.cases(for:)`) once the
// scenario is built, so that each case's demand starts from the workloads' demand in every form
// (lists, growth, CSV files).

extension ScenarioValidator {
    /// `demandCases` checked: nil when absent or when anything in it is wrong (each wrong part
    /// reported).
    func validateDemandCases(_ raw: RawDemandCases?, horizon: Horizon?, workloads: WorkloadsResult) -> DemandCasesSource? {
        switch raw {
        case nil: return nil
        case .sampled(let s):
            let count = whole(s.sample, ScenarioRules.sampleCount)
            let seed = s.seed == nil ? 1 : whole(s.seed, ScenarioRules.sampleSeed)
            let spread = check(s.growthSpread, ScenarioRules.growthSpread)
            guard !s.unreadable, let count, let seed, let spread else { return nil }
            return .sampled(count: count, seed: UInt64(seed), growthSpread: spread)
        case .listed(let list):
            var ok = true
            if list.value.isEmpty {
                sink.error(list.path, at: list.node, "expected at least one case {name, probability}")
                return nil
            }
            if list.value.count > ScenarioRules.maxCases {
                sink.error(list.path, at: list.node, value: "\(list.value.count) cases", "expected at most \(ScenarioRules.maxCases) cases")
                return nil
            }
            var inputs: [DemandCaseInput] = []
            var names = Set<String>()
            var probabilities: [Double] = []
            for c in list.value {
                if let name = c.name {
                    if !checkID(name) {
                        ok = false
                    } else if !names.insert(name.value).inserted {
                        sink.error(name.path, at: name.node, value: name.node.written, "expected a unique case name (`\(name.value)` is used twice)")
                        ok = false
                    }
                }
                let probability = check(c.probability, ScenarioRules.caseProbability)
                if let probability { probabilities.append(probability) }
                let demandScale = c.demandScale == nil ? 1 : check(c.demandScale, ScenarioRules.caseDemandScale)
                let apiPriceScale = c.apiPriceScale == nil ? 1 : check(c.apiPriceScale, ScenarioRules.caseAPIPriceScale)
                var byWorkload: [String: DemandCaseWorkload] = [:]
                for (key, value) in c.workloads {
                    if !workloads.ids.contains(key.value) {
                        // With a workload whose id could not be read, the key may be that one.
                        if !workloads.incomplete {
                            sink.error(key.path, at: key.node,
                                       "expected a workload id (\(listing(workloads.order, noun: "workloads")))" + didYouMean(key.value, in: workloads.order))
                        }
                        ok = false
                        continue
                    }
                    switch value {
                    case .scale(let x):
                        if let scale = check(x, ScenarioRules.caseDemandScale) { byWorkload[key.value] = .scale(scale) } else { ok = false }
                    case .tokensPerPeriod(let values):
                        var valid = true
                        for v in values.value where check(v, ScenarioRules.tokens) == nil { valid = false }
                        if let horizon, values.value.count != horizon.periods {
                            sink.error(values.path, at: values.node, value: "\(values.value.count) values",
                                       "expected \(horizon.periods) values, one per period \(horizon.labels.first!)...\(horizon.labels.last!)")
                            valid = false
                        }
                        if valid { byWorkload[key.value] = .tokensPerPeriod(values.value.map(\.value)) } else { ok = false }
                    }
                }
                // A demandScale no workload takes is most likely a mistake about which wins.
                let everyWorkloadListed = !workloads.order.isEmpty && workloads.order.allSatisfy { id in
                    c.workloads.contains { entry in
                        guard entry.key.value == id, case .tokensPerPeriod = entry.value else { return false }
                        return true
                    }
                }
                if let written = c.demandScale, !workloads.incomplete, everyWorkloadListed {
                    sink.warning(written.path, at: written.node, value: written.node.written,
                                 "demandScale applies to no workload: every workload's demand in this case is a list of its own")
                }
                guard !c.unreadable, let name = c.name?.value, let probability, let demandScale, let apiPriceScale else { ok = false; continue }
                inputs.append(DemandCaseInput(name: name, probability: probability, demandScale: demandScale, workloads: byWorkload,
                                              apiPriceScale: apiPriceScale))
            }
            // The sum only when every probability could be read and is in range.
            if probabilities.count == list.value.count {
                let sum = probabilities.reduce(0, +)
                let tolerance = "\(ScenarioRules.probabilitySumTolerance)".replacingOccurrences(of: "e-0", with: "e-")
                if !(abs(sum - 1) <= ScenarioRules.probabilitySumTolerance) {
                    sink.error(list.path, at: list.node, value: "a sum of \(sum)",
                               "expected the cases' probabilities to sum to 1 (within \(tolerance))")
                    ok = false
                }
            }
            return ok ? .listed(inputs) : nil
        }
    }

    /// `risk`: only with `demandCases` (a risk policy without cases would be silently ignored).
    func validateRisk(_ raw: RawRisk?, hasCases: Bool) -> RiskPolicy {
        guard let raw else { return RiskPolicy() }
        if !hasCases {
            sink.error(raw.path, at: raw.node,
                       "risk needs demandCases: the CVaR of the cost is taken over the demand cases (add `demandCases`, or remove `risk`)")
        }
        let weight = check(raw.cvarWeight, ScenarioRules.cvarWeight) ?? 0
        let level = raw.cvarLevel == nil ? RiskPolicy().cvarLevel : check(raw.cvarLevel, ScenarioRules.cvarLevel) ?? RiskPolicy().cvarLevel
        return RiskPolicy(cvarWeight: weight, cvarLevel: level)
    }

    /// `caseDecisions` (12.6): `here-and-now` (default) or `adaptive`; only with `demandCases`.
    func validateCaseDecisions(_ raw: Loc<String>?, hasCases: Bool) -> CaseDecisions {
        guard let raw else { return .hereAndNow }
        guard let decisions = CaseDecisions(rawValue: raw.value) else {
            sink.error(raw.path, at: raw.node, value: raw.node.written,
                       "expected `here-and-now` (the first stage decided once, before the demand is known) or `adaptive` (decided along the cases' tree, docs/formulation.md 12.6)")
            return .hereAndNow
        }
        if !hasCases {
            sink.error(raw.path, at: raw.node,
                       "caseDecisions needs demandCases: decisions adapt along the tree of the demand cases (add `demandCases`, or remove `caseDecisions`)")
        }
        return decisions
    }

    /// The cases of `source` resolved on the built scenario, with an error where a case's
    /// demand would leave the range of `ScenarioRules.tokens` (a large scale on a large demand,
    /// or a sampled path that grows far).
    func resolveDemandCases(_ source: DemandCasesSource, raw: RawDemandCases, in scenario: inout Scenario) {
        let cases = source.cases(for: scenario)
        for (c, demandCase) in cases.enumerated() {
            for w in scenario.workloads {
                guard let p = demandCase.demand[w.id]?.firstIndex(where: { !ScenarioRules.tokens.allows($0) }) else { continue }
                let at: (path: String, node: DocNode)
                switch raw {
                case .sampled(let s): at = s.growthSpread.map { ($0.path, $0.node) } ?? (s.path, s.node)
                case .listed(let list):
                    let entry = list.value[c]
                    if let scale = entry.workloads.first(where: { $0.key.value == w.id }) {
                        at = (scale.key.path, scale.key.node)
                    } else {
                        at = entry.demandScale.map { ($0.path, $0.node) } ?? (entry.path, entry.node)
                    }
                }
                sink.error(at.path, at: at.node,
                           "expected case demand within \(ValueRule.format(1e36)) tokens a period: case `\(demandCase.name)` gives workload"
                            + " `\(w.id)` \(demandCase.demand[w.id]![p]) tokens in period \(scenario.horizon.labels[p])")
                return
            }
        }
        scenario.demandCases = cases
        scenario.demandCasesSource = source
    }
}

extension DemandCasesSource {
    /// The resolved cases on `scenario`'s workloads (docs/formulation.md 12.1), in order: a listed
    /// case's demand of workload w is its per-period list when it gives one, else the scenario's
    /// demand D_wp × `demandScale` × the workload's scale (1 when not given); sampled cases are
    /// `DemandCase.sampled(from:count:seed:growthSpread:)`. The one home of the rule: the
    /// validator, `ScenarioEdit` and the generator all resolve through it.
    public func cases(for scenario: Scenario) -> [DemandCase] {
        switch self {
        case .sampled(let count, let seed, let spread):
            return DemandCase.sampled(from: scenario, count: count, seed: seed, growthSpread: spread)
        case .listed(let inputs):
            return inputs.map { input in
                let demand = Dictionary(uniqueKeysWithValues: scenario.workloads.map { w -> (String, [Double]) in
                    switch input.workloads[w.id] {
                    case .tokensPerPeriod(let list)?: return (w.id, list)
                    case .scale(let scale)?: return (w.id, w.demand.map { $0 * input.demandScale * scale })
                    case nil: return (w.id, w.demand.map { $0 * input.demandScale })
                    }
                })
                return DemandCase(name: input.name, probability: input.probability, demand: demand, apiPriceScale: input.apiPriceScale)
            }
        }
    }
}
