import LinearProgramming

/// Benders decomposition of the capacity LP: the fleet decisions (arrivals b_oq, units in
/// service n_op, reserved rentals m_op) in the master, with the `fleet`, `powerCap` and
/// `capitalBudget` rows; one dispatch block per period and slice with that slice's `demand`,
/// `ownedCapacity`, `rentedCapacity` and `apiRateLimit` rows and its x, y, u and on-demand
/// columns.
enum FleetDecomposition {
    /// The decomposition, or nil when a block could be infeasible for some fleet: every workload
    /// needs an option without a limit (an API without a rate limit, an on-demand rental
    /// without maxUnits, or an unserved penalty), so that any fleet leaves its demand servable.
    static func decomposition(of model: CapacityModel) -> BendersDecomposition? {
        let scenario = model.scenario, index = model.index
        for w in scenario.workloads.indices where index.unserved[w] == nil {
            let unlimited = index.servingPairs.contains { pair in
                guard pair.workload == w else { return false }
                switch scenario.offerings[pair.offering] {
                case .api(let api): return api.maxTokensPerSecond == nil
                case .rental(let rental): return rental.commitment == .none && rental.maxUnits == nil
                case .purchase: return false
                }
            }
            if !unlimited { return nil }
        }
        let periods = scenario.horizon.periods, slices = scenario.timeSlices.count
        var master: [Variable] = []
        for (k, _) in scenario.purchases.enumerated() {
            for p in 0..<periods {
                if let b = index.arrivals[k].variable(p) { master.append(b) }
                master.append(index.inService[k].variable(p))
            }
        }
        for block in index.reservedUnits.compactMap({ $0 }) {
            for p in 0..<periods { master.append(block.variable(p)) }
        }
        var blocks: [[Constraint]] = []
        for p in 0..<periods {
            for s in 0..<slices {
                var rows: [Constraint] = []
                rows += index.demandRows.map { $0.constraint(p, s) }
                rows += index.ownedCapacityRows.map { $0.constraint(p, s) }
                rows += index.rentedCapacityRows.map { $0.constraint(p, s) }
                rows += index.apiRateLimitRows.compactMap { $0?.constraint(p, s) }
                blocks.append(rows)
            }
        }
        return BendersDecomposition(masterColumns: master, blocks: blocks, relativeTolerance: 1e-9)
    }
}
