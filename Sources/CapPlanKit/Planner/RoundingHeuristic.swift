import Foundation
import LinearProgramming

/// A first incumbent for branch-and-cut, from the LP relaxation (docs/benchmarks.md).
///
/// Rounding each fractional arrival up would buy a unit in every period where the relaxation
/// buys a fraction, so a fleet growing by 0.3 units a period would be rounded to a unit a
/// period. Instead the units in service are rounded: going forward, each period gets the
/// fewest whole arrivals that bring the fleet to at least the relaxation's fleet rounded up
/// (or down, when rounding up would break the power cap), within the supply cap. Reserved
/// rentals are rounded up per period (contracts with a term: the fewest whole starts that
/// bring the units under contract to the rounded value). Replicas and the binaries of
/// section 8 follow the relaxation upwards (`withDispatchIntegers`). The LP for the rest of
/// the decisions then says whether the proposal is feasible (capital budget included); GLPK
/// is handed only a proposal that LP completes, so every incumbent is a whole-unit plan.
enum RoundingHeuristic {
    static func proposal(scenario: Scenario, model: CapacityModel, relaxation: [Double]) -> [Double]? {
        candidates(scenario: scenario, model: model, relaxation: relaxation).first?.values
    }

    /// Whole-unit proposals, best first: the fleet rounded up (down where that breaks the power
    /// cap), the fleet rounded down, and every arrival and reservation rounded down on its own.
    /// The last one never adds a unit, a kilowatt or a dollar of capex to any period of the
    /// relaxation, so every ≤ row of whole units (power cap, capital budget, supply caps) still
    /// holds: it is feasible whenever the continuous options can carry what the lost fractions
    /// carried (always, when a workload has an unlimited API or rental).
    static func candidates(scenario: Scenario, model: CapacityModel, relaxation: [Double]) -> [(name: String, values: [Double])] {
        var floored = relaxation
        for j in 0..<model.lp.variableCount where model.lp.variableKinds[j] != .continuous {
            floored[j] = (relaxation[j] + 1e-6).rounded(.down)
        }
        return [("fleet rounded up", preferred(scenario: scenario, model: model, relaxation: relaxation)),
                ("fleet rounded down", fleet(scenario: scenario, model: model, relaxation: relaxation, up: false)),
                ("every arrival rounded down", floored)].map {
            ($0.0, withWholeDispatch(withUnitsInService($0.1, scenario: scenario, model: model), model: model, relaxation: relaxation))
        }
    }

    /// A whole fleet's proposal completed with section 8's integers from `relaxation` (a
    /// point of the same model whose dispatch the LP would keep), the fleet raised to hold
    /// them; unchanged without section 8's integers.
    static func withWholeDispatch(_ proposal: [Double], model: CapacityModel, relaxation: [Double]) -> [Double] {
        let dispatch = withDispatchIntegers(proposal, model: model, relaxation: relaxation)
        return withUnitsInService(holdingReplicas(dispatch, scenario: model.scenario, model: model), scenario: model.scenario, model: model)
    }

    /// Whole replicas rounded up may need more units than the fleet rounded: per period, each
    /// pool with replicas or spare units gets at least max_s ((Σ_{w ∈ rep} ν_ow ρ_owps +
    /// Σ_{w ∉ rep} x_owps / (U τ_ow)) / (1 − d_o) + k_o y_op) units (the proposal's own load),
    /// added as arrivals in that period (within the supply cap), reserved units or contract
    /// starts.
    static func holdingReplicas(_ proposal: [Double], scenario: Scenario, model: CapacityModel) -> [Double] {
        let index = model.index
        guard !index.replicaPairs.isEmpty || !index.poolsInUse.isEmpty else { return proposal }
        var proposal = proposal
        let periods = scenario.horizon.periods, slices = scenario.timeSlices.count
        let tolerance = 1e-6
        let cap = scenario.policy.utilizationCap
        func required(offering o: Int, period p: Int, derating: Double, spare: Int) -> Double {
            var units = 0.0
            if let pool = index.poolsInUse.first(where: { $0.offering == o }) { units = Double(spare) * proposal[pool.inUse.variable(p).index] }
            var most = 0.0
            let replicated = Set(index.replicaPairs.map(\.servingPair))
            for s in 0..<slices {
                var load = 0.0
                for replica in index.replicaPairs where replica.offering == o {
                    load += replica.unitsPerReplica * proposal[replica.replicas.variable(p, s).index]
                }
                for (j, pair) in index.servingPairs.enumerated() where pair.offering == o && !replicated.contains(j) {
                    load += proposal[pair.columns.variable(p, s).index] / (cap * pair.throughput!)
                }
                most = max(most, load / (1 - derating))
            }
            return (units + most - tolerance).rounded(.up)
        }
        var k = 0
        for (o, offering) in scenario.offerings.enumerated() {
            switch offering {
            case .purchase(let purchase):
                defer { k += 1 }
                let arrivals = index.arrivals[k]
                for p in 0..<periods {
                    let needed = required(offering: o, period: p, derating: purchase.failureDerating, spare: purchase.spareUnits)
                    var fleet = purchase.existingUnits(inPeriod: p)
                    for q in max(0, p - purchase.lifetimePeriods + 1)...p {
                        if let b = arrivals.variable(q) { fleet += proposal[b.index] }
                    }
                    guard needed > fleet, let b = arrivals.variable(p) else { continue }
                    var units = proposal[b.index] + needed - fleet
                    // The column's bounds: the supply cap above orders in flight, 13.1.
                    if let cap = model.lp.bounds(of: b).upper { units = min(units, cap.rounded(.down)) }
                    proposal[b.index] = max(proposal[b.index], units)
                }
            case .rental(let rental):
                guard rental.commitment == .period, let r = scenario.rentals.firstIndex(where: { $0.id == rental.id }),
                      let units = index.reservedUnits[r] else { continue }
                for p in 0..<periods {
                    var needed = required(offering: o, period: p, derating: rental.failureDerating, spare: rental.spareUnits)
                    if let cap = rental.maxUnits { needed = min(needed, cap.rounded(.down)) }
                    let current = proposal[units.variable(p).index]
                    guard needed > current else { continue }
                    if let starts = index.contractStarts[r] {
                        proposal[starts.variable(p).index] += needed - current
                        // Later periods of the term hold the new units too.
                        for later in p..<min(periods, p + rental.termPeriods) { proposal[units.variable(later).index] += needed - current }
                    } else {
                        proposal[units.variable(p).index] = needed
                    }
                }
            case .api:
                continue
            }
        }
        return proposal
    }

    /// The proposal with the integers of section 8 set from the relaxation, upwards: z, u, y
    /// at 1 wherever the relaxation's is positive, ρ at the relaxation's rounded up, and at
    /// least μ_w where z is 1. (Fixed at their relaxed values they would rarely be whole.)
    static func withDispatchIntegers(_ proposal: [Double], model: CapacityModel, relaxation: [Double]) -> [Double] {
        var proposal = proposal
        let tolerance = 1e-6
        let periods = model.scenario.horizon.periods, slices = model.scenario.timeSlices.count
        func binary(_ j: Int) { proposal[j] = relaxation[j] > tolerance ? 1 : 0 }
        for replica in model.index.replicaPairs {
            for p in 0..<periods {
                for s in 0..<slices {
                    let rho = replica.replicas.variable(p, s).index
                    var replicas = max(0, (relaxation[rho] - tolerance).rounded(.up))
                    if let z = replica.inUse?.variable(p, s).index {
                        binary(z)
                        if proposal[z] == 1 { replicas = max(replicas, Double(replica.minimum)) }
                    }
                    if model.lp.variableKinds[rho] != .continuous { proposal[rho] = replicas }
                }
            }
        }
        for platform in model.index.platforms {
            for p in 0..<periods { binary(platform.inUse.variable(p).index) }
        }
        for pool in model.index.poolsInUse {
            for p in 0..<periods { binary(pool.inUse.variable(p).index) }
        }
        return withCommitments(proposal, model: model, relaxation: relaxation)
    }

    /// κ_a of every committed-use contract (11.5) chosen on the relaxation's API traffic: taken
    /// when Σ_p δ_p max(S_a, (1 − δ_a) L_ap) < Σ_p δ_p L_ap, L_ap the relaxation's list spend
    /// in p. κ links the periods (a fractional κ is no plan), and any whole κ completes: with
    /// κ = 1 the shortfall s pays up to S_a, with κ = 0 the discount e is 0.
    static func withCommitments(_ proposal: [Double], model: CapacityModel, relaxation: [Double]) -> [Double] {
        var proposal = proposal
        for commitment in model.index.commitments {
            guard case .api(let api) = model.scenario.offerings[commitment.offering], let contract = api.committedUse else { continue }
            var list = 0.0, taken = 0.0
            for p in commitment.periods {
                var spend = 0.0
                for pair in model.index.servingPairs where pair.offering == commitment.offering {
                    for s in 0..<pair.columns.slices {
                        let y = pair.columns.variable(p, s).index
                        spend += model.lp.objectiveCoefficients[y] * relaxation[y]
                    }
                }
                // spend is δ_p L_ap (the objective's coefficients are discounted).
                list += spend
                taken += max(model.discount[p] * contract.minSpendPerPeriod, (1 - contract.discount) * spend)
            }
            proposal[commitment.taken.index] = taken < list ? 1 : 0
        }
        return proposal
    }

    /// The proposal with the units in service n_op recomputed from its arrivals (the fleet
    /// row), so that they are consistent when n is an integer column fixed with the arrivals.
    static func withUnitsInService(_ proposal: [Double], scenario: Scenario, model: CapacityModel) -> [Double] {
        var proposal = proposal
        for (k, purchase) in scenario.purchases.enumerated() {
            let arrivals = model.index.arrivals[k], inService = model.index.inService[k]
            for p in 0..<scenario.horizon.periods {
                var fleet = purchase.existingUnits(inPeriod: p)
                for q in max(0, p - purchase.lifetimePeriods + 1)...p {
                    if let b = arrivals.variable(q) { fleet += proposal[b.index] }
                }
                proposal[inService.variable(p).index] = fleet
            }
        }
        return proposal
    }

    static func fleet(scenario: Scenario, model: CapacityModel, relaxation: [Double], up: Bool) -> [Double] {
        let periods = scenario.horizon.periods
        let tolerance = 1e-6
        var proposal = relaxation
        for (k, purchase) in scenario.purchases.enumerated() {
            let arrivals = model.index.arrivals[k], inService = model.index.inService[k]
            var chosen = [Double](repeating: 0, count: periods)
            for p in 0..<periods {
                guard let b = arrivals.variable(p) else { continue }
                let target = up ? (relaxation[inService.variable(p).index] - tolerance).rounded(.up)
                    : (relaxation[inService.variable(p).index] + tolerance).rounded(.down)
                let existing = purchase.existingUnits(inPeriod: p)
                var fleet = existing
                for q in max(0, p - purchase.lifetimePeriods + 1)..<p { fleet += chosen[q] }
                // Within the column's bounds: orders in flight below, the supply cap above (13.1).
                let bounds = model.lp.bounds(of: b)
                var units = max(bounds.lower ?? 0, target - fleet)
                if let cap = bounds.upper { units = min(units, cap.rounded(.down)) }
                chosen[p] = units
                proposal[b.index] = units
            }
        }
        for (k, rental) in scenario.rentals.enumerated() {
            guard let block = model.index.reservedUnits[k] else { continue }
            let starts = model.index.contractStarts[k]
            for p in 0..<periods {
                let j = block.variable(p).index
                let target = up ? (relaxation[j] - tolerance).rounded(.up) : (relaxation[j] + tolerance).rounded(.down)
                guard let starts else {
                    proposal[j] = max(target, model.lp.bounds(of: block.variable(p)).lower ?? 0)
                    continue
                }
                // Units still under contract from earlier starts and contracts carried in (13.1);
                // start what is missing.
                var running = rental.unitsInTerm(inPeriod: p)
                for q in max(0, p - rental.termPeriods + 1)..<p { running += proposal[starts.variable(q).index] }
                let start = max(0, target - running)
                proposal[starts.variable(p).index] = start
                proposal[j] = running + start
            }
        }
        return proposal
    }

    static func preferred(scenario: Scenario, model: CapacityModel, relaxation: [Double]) -> [Double] {
        let periods = scenario.horizon.periods
        let tolerance = 1e-6
        func rounded(up: Bool) -> [Double] { fleet(scenario: scenario, model: model, relaxation: relaxation, up: up) }
        let up = rounded(up: true)
        guard let caps = scenario.site.powerCapKW else { return up }
        // Rounding up adds units; if that breaks the power cap in some period, round down.
        for p in 0..<periods {
            var power = 0.0
            for (k, purchase) in scenario.purchases.enumerated() {
                let existing = purchase.existingUnits(inPeriod: p)
                var fleet = existing
                for q in max(0, p - purchase.lifetimePeriods + 1)...p {
                    if let b = model.index.arrivals[k].variable(q) { fleet += up[b.index] }
                }
                power += fleet * purchase.powerKW
            }
            if power > caps[p] * (1 + tolerance) { return rounded(up: false) }
        }
        return up
    }
}
