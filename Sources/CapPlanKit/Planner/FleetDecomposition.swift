import LinearProgramming

/// Benders decomposition of the capacity LP: the fleet decisions (arrivals b_oq, units in
/// service n_op, reserved rentals m_op and their contract starts v_oq) and the platforms
/// (in use u_kp, adopted α_kp) in the master, with the
/// `fleet`, `contract`, `platformAdoption`, `powerCap`, `capitalBudget` and `fiscalCapex` rows
/// (a fiscal capex row holds arrivals b_oq only); one dispatch
/// block per period and slice with that slice's `demand`, `ownedCapacity`, `rentedCapacity`,
/// `replicaCapacity`, `minimumReplicas`/`replicaInUse`, `platformInUse` and `apiRateLimit`
/// rows and its x, y, u, ρ, z and on-demand columns (x, ρ, z of every serving option,
/// formulation.md section 9: options only add columns and rows to the blocks).
///
/// Declined (the whole model is solved) where it would not be exact:
/// - with whole units ρ and z are integer, and blocks must be LPs (`BendersNotApplicable`);
///   relaxations (`--relax`, the heuristics' LPs) decompose;
/// - with spare units: y_op spans the period's slices, so it would sit in the master, and a
///   master point with y_op = 1 and fewer than k_o units makes the slice's capacity row
///   infeasible whatever the block does; the implementation has optimality cuts only;
/// - with a fiscal opex budget: a `fiscalOpex` row sums API and on-demand costs over every
///   period and slice of a fiscal year, so it couples the blocks, and it belongs to no block
///   and cannot be in the master;
/// - with training jobs (section 10): a job's `jobCompute` row sums its accelerators over
///   every period and slice of its window, so it couples the blocks, and π, σ are binaries
///   (blocks must be LPs);
///
/// Deferrable workloads (11.2) and committed-use contracts (11.5) change the blocks, not the
/// decision: a `dailyDemand` row sums a period's slices (a window's flows link them), and a
/// contract's rows tie its API's spend in every slice of a period, so with either the blocks
/// are **per period** (all its slices, with the `dailyDemand`, `deferredDemand`,
/// `deferredService` rows and the flows, and the `commitDiscount`, `commitOnly`,
/// `commitMinimum` rows with s_ap); κ_a and e_ap join the master (κ_a a binary: the master is
/// then a MIP, which `GLPKSolver` handles by solving its relaxation first; e_ap, of negative
/// cost, bounded there by `commitOnly`).
///
/// Availability windows (11.5) only fix columns at zero; an unlimited recourse must then be
/// available in every period to count. Spot rentals count as on-demand ones (they are built
/// only for interruptible workloads); price factors and caching change coefficients only.
enum FleetDecomposition {
    /// The decomposition, or nil when a block could be infeasible for some master point: every
    /// workload needs an option without a limit (an API without a rate limit, an on-demand
    /// rental without maxUnits, or an unserved penalty) whose use no master column can forbid
    /// (not on a costed platform, no spare units), so that any master point leaves its demand
    /// servable.
    static func decomposition(of model: CapacityModel) -> BendersDecomposition? {
        let scenario = model.scenario, index = model.index
        guard index.poolsInUse.isEmpty, index.fiscalOpexRows.isEmpty, index.jobs.isEmpty else { return nil }
        let periods = scenario.horizon.periods, slices = scenario.timeSlices.count
        let gated = Set(index.platforms.flatMap(\.offerings))
        for w in scenario.workloads.indices where index.unserved[w] == nil {
            let unlimited = index.servingPairs.contains { pair in
                guard pair.workload == w, !gated.contains(pair.offering) else { return false }
                let offering = scenario.offerings[pair.offering]
                guard (0..<periods).allSatisfy({ CapacityModelBuilder.isAvailable(offering, period: $0) }) else { return false }
                switch offering {
                case .api(let api): return api.maxTokensPerSecond == nil
                case .rental(let rental): return rental.commitment != .period && rental.maxUnits == nil
                case .purchase: return false
                }
            }
            if !unlimited { return nil }
        }
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
        // κ_a, and the discount earned e_ap: it has a negative cost, which a block's θ ≥ 0 could
        // not bound; in the master `commitOnly` bounds it, and `commitDiscount` (e against the
        // block's list spend) stays in the period's block.
        for commitment in index.commitments {
            master.append(commitment.taken)
            master += commitment.periods.map { commitment.discount($0) }
        }
        let perPeriod = !index.deferrals.isEmpty || !index.commitments.isEmpty
        var blocks: [[Constraint]] = []
        for p in 0..<periods {
            if perPeriod { blocks.append([]) }
            for s in 0..<slices {
                var rows: [Constraint] = []
                rows += index.demandRows.compactMap { $0?.constraint(p, s) }
                rows += index.ownedCapacityRows.map { $0.constraint(p, s) }
                rows += index.rentedCapacityRows.map { $0.constraint(p, s) }
                for replica in index.replicaPairs {
                    rows += [replica.capacityRows, replica.minimumRows, replica.inUseRows, replica.roundingRows].compactMap { $0?.constraint(p, s) }
                }
                for platform in index.platforms {
                    rows += platform.inUseRows.keys.sorted().map { platform.inUseRows[$0]!.constraint(p, s) }
                }
                rows += index.apiRateLimitRows.compactMap { $0?.constraint(p, s) }
                for deferral in index.deferrals {
                    rows += [deferral.demandRows, deferral.serviceRows].compactMap { $0?.constraint(p, s) }
                }
                if perPeriod { blocks[blocks.count - 1] += rows } else { blocks.append(rows) }
            }
            guard perPeriod else { continue }
            blocks[blocks.count - 1] += index.deferrals.compactMap { $0.dailyRows?.constraint(p) }
            for commitment in index.commitments where commitment.periods.contains(p) {
                // `commitOnly` (e ≤ δ B κ) holds master columns only: a master row.
                blocks[blocks.count - 1] += [commitment.discountRow(p), commitment.minimumRow(p)].compactMap { $0 }
            }
        }
        return BendersDecomposition(masterColumns: master, blocks: blocks, relativeTolerance: 1e-9)
    }
}
