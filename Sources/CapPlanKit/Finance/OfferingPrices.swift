// Prices as they move (docs/formulation.md 11.4 and 11.5), for the plan's views after the solve:
// attribution, the `apiCommitments` section and the cash flow. The evaluator restates the same
// rules on its own (it shares no code with the views it checks).

enum OfferingPrices {
    /// ψ_awp × 10^6: USD per million tokens of workload `workload` on API `api` in zero-based
    /// period p, caching and the price factor applied. Without either it is section 4's
    /// (1 − φ_w) in_a + φ_w out_a, the same bits.
    static func apiPricePerMTok(_ api: APIOffering, workload: Workload, period p: Int, horizon: Horizon) -> Double {
        let share = workload.outputShare
        let input: Double
        if let hitRate = workload.cache?.hitRate, hitRate > 0 {
            input = (1 - hitRate) * api.inputPricePerMTok + hitRate * (api.cachedInputPricePerMTok ?? api.inputPricePerMTok)
        } else {
            input = api.inputPricePerMTok
        }
        let list = (1 - share) * input + share * api.outputPricePerMTok
        return api.priceChange == nil ? list : priceFactor(api.priceChange, period: p, horizon: horizon) * list
    }

    /// Whether API `api` can be used in zero-based period p (its availability window, 11.5).
    static func available(_ api: APIOffering, period p: Int) -> Bool {
        p >= (api.availableFromIndex ?? Int.min) && p <= (api.availableUntilIndex ?? Int.max)
    }

    /// listSpend_ap per period: Σ_w Σ_s d η_s 3600 ψ_awp y_awps, and each workload's part of
    /// it, `[period][workload]` (workloads in scenario order).
    static func apiListSpend(_ api: APIOffering, scenario: Scenario, decisions: PlanDecisions) -> [[Double]] {
        let periods = scenario.horizon.periods, slices = scenario.timeSlices, days = scenario.horizon.daysPerPeriod
        var spend = [[Double]](repeating: [Double](repeating: 0, count: scenario.workloads.count), count: periods)
        for (w, workload) in scenario.workloads.enumerated() {
            guard let rates = decisions.served[api.id]?[workload.id] else { continue }
            for p in 0..<min(periods, rates.count) {
                let price = apiPricePerMTok(api, workload: workload, period: p, horizon: scenario.horizon)
                for s in slices.indices { spend[p][w] += days * slices[s].hours * 3600 / 1e6 * price * rates[p][s] }
            }
        }
        return spend
    }

    /// One period of a committed-use contract taken (11.5), at the optimum's values: the
    /// discount earned e = δ listSpend and the shortfall s = max(0, S − (listSpend − e)); both 0
    /// outside the API's window.
    static func commitment(_ contract: CommittedUse, listSpend: Double, available: Bool) -> (discount: Double, shortfall: Double) {
        guard available else { return (0, 0) }
        let earned = contract.discount * listSpend
        return (earned, max(0, contract.minSpendPerPeriod - (listSpend - earned)))
    }
}
