import LinearProgramming

/// Benders decomposition of the capacity LP: the fleet decisions (arrivals b_oq, units in
/// service n_op, reserved rentals m_op and their contract starts v_oq) and the per-period
/// binaries (platforms in use u_kp, adopted α_kp, pools in use y_op) in the master, with the
/// `fleet`, `contract`, `platformAdoption`, `powerCap` and `capitalBudget` rows; one dispatch
/// block per period and slice with that slice's `demand`, `ownedCapacity`, `rentedCapacity`,
/// `replicaCapacity`, `minimumReplicas`/`replicaInUse`, `poolInUse`, `platformInUse` and
/// `apiRateLimit` rows and its x, y, u, ρ, z and on-demand columns.
///
/// The blocks must be LPs: with whole units ρ and z are integer and Benders declines
/// (`BendersNotApplicable`), and the whole model is solved instead. Relaxations (`--relax`,
/// the heuristics' LPs) decompose.
enum FleetDecomposition {
    /// The decomposition, or nil when a block could be infeasible for some master point: every
    /// workload needs an option without a limit (an API without a rate limit, an on-demand
    /// rental without maxUnits, or an unserved penalty) whose use no master column can forbid
    /// (not on a costed platform, no spare units), so that any master point leaves its demand
    /// servable.
    static func decomposition(of model: CapacityModel) -> BendersDecomposition? {
        let scenario = model.scenario, index = model.index
        let gated = Set(index.platforms.flatMap(\.offerings) + index.poolsInUse.map(\.offering))
        for w in scenario.workloads.indices where index.unserved[w] == nil {
            let unlimited = index.servingPairs.contains { pair in
                guard pair.workload == w, !gated.contains(pair.offering) else { return false }
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
        for block in index.contractStarts.compactMap({ $0 }) {
            for p in 0..<periods { master.append(block.variable(p)) }
        }
        for platform in index.platforms {
            for p in 0..<periods {
                master.append(platform.inUse.variable(p))
                if let adoption = platform.adoption { master.append(adoption.variable(p)) }
            }
        }
        for pool in index.poolsInUse {
            for p in 0..<periods { master.append(pool.inUse.variable(p)) }
        }
        var blocks: [[Constraint]] = []
        for p in 0..<periods {
            for s in 0..<slices {
                var rows: [Constraint] = []
                rows += index.demandRows.map { $0.constraint(p, s) }
                rows += index.ownedCapacityRows.map { $0.constraint(p, s) }
                rows += index.rentedCapacityRows.map { $0.constraint(p, s) }
                for replica in index.replicaPairs {
                    rows += [replica.capacityRows, replica.minimumRows, replica.inUseRows].compactMap { $0?.constraint(p, s) }
                }
                rows += index.poolsInUse.compactMap { $0.rows?.constraint(p, s) }
                for platform in index.platforms {
                    rows += platform.inUseRows.keys.sorted().map { platform.inUseRows[$0]!.constraint(p, s) }
                }
                rows += index.apiRateLimitRows.compactMap { $0?.constraint(p, s) }
                blocks.append(rows)
            }
        }
        return BendersDecomposition(masterColumns: master, blocks: blocks, relativeTolerance: 1e-9)
    }
}
