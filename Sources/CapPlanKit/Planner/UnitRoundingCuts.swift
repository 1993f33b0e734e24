import LinearProgramming

extension CapacityModel {
    /// `unitRounding[o,w,p,s]`, offered to branch-and-cut's root (`MIPOptions.rootCutCandidates`;
    /// not rows of the model, its twin or its exports): for the demand row of a workload w that
    /// is not deferrable, in period p and slice s (rate M = r_wps), and a whole-unit pool o (a
    /// purchase, or a reserved rental with `integerUnits`) whose capacity row holds options of w
    /// without a replica size,
    ///
    ///     Σ_k x_owkps − ϱ N_op ≤ q (C − ϱ),
    ///
    /// with N_op the pool's units (n_op, or m_op), a_k = U (1 − d_o) τ_owk what one unit serves
    /// by option k (read off the capacity row: x_owkps ≤ a_k N_op), C = max_k a_k, q = ⌊M / C⌋
    /// and ϱ = M − q C (`replicaRounding(servable:perReplica:)`, the same rounding one level up).
    ///
    /// Exact. The capacity row gives Σ_k x ≤ C N (its other terms are nonnegative, which is
    /// checked), so every point with N whole and Σ_k x ≤ M satisfies the cut (N ≤ q:
    /// Σ x ≤ C N ≤ q C + ϱ (N − q); N ≥ q + 1: Σ x ≤ M ≤ the same). A point that serves more
    /// than M there serves less at no more cost and within every other row, which is checked
    /// column by column: each x has a nonnegative cost, a lower bound of 0, and outside the
    /// demand row only rows that a smaller x keeps (≤ rows with a positive coefficient, ≥ rows
    /// with a negative one). So the optimum is unchanged, and its cost.
    ///
    /// The relaxation then pays for the last, partly used unit where one pool serves a
    /// period's peak (medium-6, medium-9: docs/benchmarks.md). Empty without whole units.
    public func unitRoundingCuts() -> [CutCandidate] {
        guard lp.hasIntegerVariables else { return [] }
        let slices = scenario.timeSlices.count
        let rows = FallbackPlan.RowMatrix(lp)
        let rowsOfColumn = rows.rowsByColumn(columnCount: lp.variableCount)
        /// Whether a smaller x keeps every row but `demandRow`, at no more cost.
        func reducible(_ x: Variable, demandRow: Int) -> Bool {
            guard lp.objectiveCoefficients[x.index] >= 0, lp.variableLower[x.index] == 0 else { return false }
            return rowsOfColumn[x.index].allSatisfy { row in
                let value = rows.coefficient(row: row, column: x.index)
                return row == demandRow || value == 0 || (value > 0 ? lp.constraintLower[row] == nil : lp.constraintUpper[row] == nil)
            }
        }
        /// The cut of one demand row and one pool's capacity row, for the options `served` of
        /// the workload on the pool; nil where the checks of exactness fail or nothing rounds.
        func cut(served: [Variable], units: Variable, demandRow: Int, capacityRow: Int) -> CutCandidate? {
            let unitsCoefficient = rows.coefficient(row: capacityRow, column: units.index)
            guard lp.variableKinds[units.index] != .continuous, let servable = lp.constraintLower[demandRow], servable > 0,
                  unitsCoefficient < 0, lp.constraintUpper[capacityRow] == 0,
                  rows.entries[capacityRow].allSatisfy({ $0.column == units.index || ($0.value >= 0 && (lp.variableLower[$0.column] ?? -1) >= 0) })
            else { return nil }
            var perUnit = 0.0
            for x in served {
                let load = rows.coefficient(row: capacityRow, column: x.index)
                guard load > 0, rows.coefficient(row: demandRow, column: x.index) == 1, reducible(x, demandRow: demandRow) else { return nil }
                perUnit = max(perUnit, -unitsCoefficient / load)
            }
            let rounding = CapacityModelBuilder.replicaRounding(servable: servable, perReplica: perUnit)
            guard rounding.remainder > 1e-9 * servable, rounding.remainder < perUnit else { return nil }
            return CutCandidate(
                variables: served + [units], coefficients: served.map { _ in 1.0 } + [-rounding.remainder], upperBound: rounding.bound)
        }
        // The whole-unit pools: units and capacity rows of purchases and reserved rentals.
        var pools: [(offering: Int, units: PeriodBlock, capacity: PeriodSliceBlock)] = []
        var purchase = 0, rental = 0
        for (o, offering) in scenario.offerings.enumerated() {
            switch offering {
            case .purchase:
                pools.append((o, index.inService[purchase], index.ownedCapacityRows[purchase]))
                purchase += 1
            case .rental:
                if let units = index.reservedUnits[rental] { pools.append((o, units, index.rentedCapacityRows[rental])) }
                rental += 1
            case .api:
                break
            }
        }
        let replicated = Set(index.replicaPairs.map(\.servingPair))
        var cuts: [CutCandidate] = []
        for (w, demandRows) in index.demandRows.enumerated() {
            guard let demandRows else { continue }
            for pool in pools {
                let options = index.servingPairs.indices.filter {
                    index.servingPairs[$0].offering == pool.offering && index.servingPairs[$0].workload == w && !replicated.contains($0)
                }
                guard !options.isEmpty else { continue }
                for p in 0..<index.periods {
                    for s in 0..<slices {
                        if let cut = cut(
                            served: options.map { index.servingPairs[$0].columns.variable(p, s) }, units: pool.units.variable(p),
                            demandRow: demandRows.constraint(p, s).index, capacityRow: pool.capacity.constraint(p, s).index) {
                            cuts.append(cut)
                        }
                    }
                }
            }
        }
        return cuts
    }
}
