// The deterministic scenario of one demand case (docs/formulation.md 12.1): what the
// evaluator, the perfect-foresight plans (WS) and the EV plan read.

extension Scenario {
    /// This scenario with case `demandCase`'s demand D^c_wp (a workload the case does not list
    /// keeps its own) and every API price (input, cached input, output) times the case's
    /// `apiPriceScale`; no demand cases of its own (sections 1–11). A committed-use contract's
    /// minimum spend and discount are contract terms, not prices: unchanged.
    public func withDemandCase(_ demandCase: DemandCase) -> Scenario {
        var copy = self
        copy.demandCases = []
        copy.demandCasesSource = nil
        copy.risk = RiskPolicy()
        for w in copy.workloads.indices {
            if let demand = demandCase.demand[copy.workloads[w].id] { copy.workloads[w].demand = demand }
        }
        let scale = demandCase.apiPriceScale
        if scale != 1 {
            copy.offerings = copy.offerings.map { offering in
                guard case .api(var api) = offering else { return offering }
                api.inputPricePerMTok *= scale
                api.outputPricePerMTok *= scale
                api.cachedInputPricePerMTok = api.cachedInputPricePerMTok.map { $0 * scale }
                return .api(api)
            }
        }
        return copy
    }
}
