// The issue-16 draws of the generator (docs/formulation.md section 12, docs/scale-suite.md):
// listed demand cases, a risk policy and adaptive decisions. They draw from a stream of their own, after everything
// else, so that every scenario without cases is byte-identical to what it was before.

extension ScenarioGenerator {
    /// The stream of the demand cases (its first draw decides whether the scenario gets any).
    func caseStream() -> ScenarioRNG {
        var rng = ScenarioRNG(seed: seed ^ size.salt ^ 0x6361_7365_73)
        _ = rng.next()
        return rng
    }

    /// 2-4 listed cases `case1`, `case2`, …: a demand scale of 0.5-1.6 each (two decimals),
    /// sometimes (30%) a workload's own scale in the same range and (20%) an API price scale of
    /// 0.7-1.3; probabilities drawn, normalised and rounded to two decimals, the last one 1 minus
    /// the others (> 0: each weight is at least a tenth of the largest, so the others sum to at
    /// most 0.97 + 0.015 of rounding). With fiscal opex caps (set for the base demand) scales
    /// stay at or below 1 and API prices unchanged, so the all-API plan still fits every case.
    /// Risk (30%): λ of 0.25, 0.5 or 1 at α of 0.5, 0.8 or 0.9. Adaptive decisions (30%,
    /// `makeAdaptive`).
    func addCases(to s: inout Scenario, rng: inout ScenarioRNG) {
        let capped = s.budget.fiscalYears.contains { $0.opex != nil }
        let top = capped ? 1.0 : 1.6
        func scale() -> Double { (rng.uniform(0.5, top) * 100).rounded() / 100 }
        let count = rng.int(2...4)
        let weights = (0..<count).map { _ in rng.uniform(0.1, 1) }
        let total = weights.reduce(0, +)
        var probabilities = weights.dropLast().map { max(0.01, ($0 / total * 100).rounded() / 100) }
        probabilities.append(1 - probabilities.reduce(0, +))
        var inputs: [DemandCaseInput] = []
        for k in 0..<count {
            var input = DemandCaseInput(name: "case\(k + 1)", probability: probabilities[k], demandScale: scale())
            for w in s.workloads where rng.chance(0.3) { input.workloads[w.id] = .scale(scale()) }
            if !capped, rng.chance(0.2) { input.apiPriceScale = (rng.uniform(0.7, 1.3) * 100).rounded() / 100 }
            inputs.append(input)
        }
        let source = DemandCasesSource.listed(inputs)
        s.demandCasesSource = source
        s.demandCases = source.cases(for: s)
        if rng.chance(0.3) {
            s.risk = RiskPolicy(cvarWeight: [0.25, 0.5, 1][rng.int(0...2)], cvarLevel: [0.5, 0.8, 0.9][rng.int(0...2)])
        }
        // Drawn last: the scenarios with cases drawn before keep their cases and risk.
        if rng.chance(0.3) { makeAdaptive(&s, rng: &rng) }
    }

    /// Adaptive decisions (12.6) on a tree that branches after `shared` periods (1 to P − 1,
    /// drawn): every case's demand becomes a list, the scenario's own demand before `shared`
    /// and the case's after, so the cases are one node until the start of period `shared` + 1
    /// (cases with an API price scale of their own part at the second period). Within fiscal
    /// caps the lists stay at or below the base demand, as the scales do.
    func makeAdaptive(_ s: inout Scenario, rng: inout ScenarioRNG) {
        guard case .listed(var inputs) = s.demandCasesSource else { return }
        let periods = s.horizon.periods
        let shared = periods > 1 ? rng.int(1...(periods - 1)) : 0
        let resolved = s.demandCases
        for k in inputs.indices {
            inputs[k].demandScale = 1
            for w in s.workloads {
                let own = resolved[k].demand[w.id] ?? w.demand
                inputs[k].workloads[w.id] = .tokensPerPeriod(w.demand.indices.map { p in p < shared ? w.demand[p] : own[p] })
            }
        }
        let source = DemandCasesSource.listed(inputs)
        s.demandCasesSource = source
        s.demandCases = source.cases(for: s)
        s.caseDecisions = .adaptive
    }
}
