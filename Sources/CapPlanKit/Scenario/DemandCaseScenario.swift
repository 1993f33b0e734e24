// The deterministic scenario of one demand case (docs/formulation.md 12.1): what the
// evaluator, the perfect-foresight plans (WS) and the EV plan read; and the sampled cases.

import Foundation

/// When a two-stage plan's first stage is decided (docs/formulation.md 12.6).
public enum CaseDecisions: String, Hashable, Sendable, Codable {
    /// Once, before any demand is known: the same in every case (12.2).
    case hereAndNow = "here-and-now"
    /// Along the tree of the cases' demand paths: a decision taken at the start of period t is
    /// common to the cases that agree on everything known then.
    case adaptive
}

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
        copy.caseDecisions = .hereAndNow
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

extension DemandCase {
    /// The sampled form of `demandCases` (docs/formulation.md 12.1): `count` equally likely
    /// cases `sample1`, `sample2`, …; case k's demand is the scenario's times a growth path
    /// G_kp = Π_{q=0}^{p} exp(σ ε_kq − σ²/2) (E[G_kp] = 1: the scenario's demand is the mean
    /// path), the same path for every workload, ε_kq standard normal by Box–Muller on
    /// `ScenarioRNG(seed:)` (SplitMix64), drawn case by case and period by period, one normal
    /// per pair of uniforms (the cosine). Deterministic for a seed.
    public static func sampled(from scenario: Scenario, count: Int, seed: UInt64, growthSpread sigma: Double) -> [DemandCase] {
        var rng = ScenarioRNG(seed: seed)
        let periods = scenario.horizon.periods
        return (0..<max(0, count)).map { k in
            var growth = 1.0
            var path: [Double] = []
            for _ in 0..<periods {
                let u1 = 1 - rng.unit(), u2 = rng.unit()
                let epsilon = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
                growth *= exp(sigma * epsilon - sigma * sigma / 2)
                path.append(growth)
            }
            let demand = Dictionary(uniqueKeysWithValues: scenario.workloads.map { workload in
                (workload.id, workload.demand.indices.map { workload.demand[$0] * path[$0] })
            })
            return DemandCase(name: "sample\(k + 1)", probability: 1 / Double(count), demand: demand)
        }
    }
}
