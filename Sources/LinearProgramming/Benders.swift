import CGLPK

/// How to split an LP for Benders decomposition: the master's columns, and blocks of rows.
///
/// Every row that is in no block is a master row and may use master columns only. The columns
/// of a block are the non-master columns its rows use; each belongs to one block. A block's
/// subproblem (its rows and columns, with the master columns fixed) must be feasible for every
/// master point (complete recourse) and have a non-negative optimum: its columns have lower
/// bounds ≥ 0 and costs ≥ 0, which `solveByBenders` checks.
public struct BendersDecomposition: Sendable {
    public var masterColumns: [Variable]
    public var blocks: [[Constraint]]
    /// Stop when (upper − lower bound) ≤ tolerance · max(1, |upper|).
    public var relativeTolerance: Double
    public var maxIterations: Int

    public init(masterColumns: [Variable], blocks: [[Constraint]], relativeTolerance: Double = 1e-9, maxIterations: Int = 1000) {
        self.masterColumns = masterColumns
        self.blocks = blocks
        self.relativeTolerance = relativeTolerance
        self.maxIterations = maxIterations
    }
}

/// Why a decomposition could not be used; the caller solves the model whole instead.
public struct BendersNotApplicable: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public var description: String { "Benders decomposition not applicable: \(reason)" }
}

extension GLPKSolver {
    /// Solves an LP by Benders decomposition (multi-cut: one value-function estimate per block).
    ///
    /// The master holds the master columns, the master rows, and θ_k ≥ 0 per block; each
    /// iteration solves it, fixes its columns in every block's subproblem (warm-started from the
    /// previous basis), and adds the cut θ_k ≥ V_k(x̂) + g_k·(x − x̂) with g_k = −Σ_i π_i a_i
    /// from the subproblem's duals, until the upper bound (master costs + Σ V_k) and the lower
    /// bound (the master's optimum) meet. The result is the best point found, whole: master
    /// columns from the master, block columns from their subproblems. Row duals of block rows
    /// are the subproblems' at that point (prices with the master decisions fixed), those of
    /// master rows the last master's; reduced costs follow from them.
    public static func solveByBenders(_ model: LinearModel, decomposition: BendersDecomposition, options: SolveOptions = SolveOptions()) throws -> Solution {
        let stopwatch = Stopwatch()
        try model.validate()
        guard model.direction == .minimize else { throw BendersNotApplicable(reason: "only minimization") }
        let plan = try BendersLayout(model: model, decomposition: decomposition)
        return try withGLPK(output: options.output) {
            try plan.run(options: options, stopwatch: stopwatch, tolerance: decomposition.relativeTolerance, maxIterations: decomposition.maxIterations)
        }
    }
}

/// The model split into master and blocks, with the matrix by rows.
struct BendersLayout {
    let model: LinearModel
    /// Row-wise matrix: for each row, (column, coefficient), duplicates summed.
    let rowEntries: [[(Int, Double)]]
    let isMaster: [Bool]            // per column
    let masterColumns: [Int]
    let masterRows: [Int]
    let blockRows: [[Int]]
    let blockColumns: [[Int]]

    init(model: LinearModel, decomposition: BendersDecomposition) throws {
        self.model = model
        let n = model.variableCount, m = model.constraintCount
        var rows = [[(Int, Double)]](repeating: [], count: m)
        let matrix = model.compiledMatrix()
        for k in 1..<matrix.values.count {
            rows[Int(matrix.rowIndices[k]) - 1].append((Int(matrix.columnIndices[k]) - 1, matrix.values[k]))
        }
        rowEntries = rows
        var master = [Bool](repeating: false, count: n)
        for v in decomposition.masterColumns { master[v.index] = true }
        isMaster = master
        masterColumns = (0..<n).filter { master[$0] }
        var rowBlock = [Int](repeating: -1, count: m)
        for (k, block) in decomposition.blocks.enumerated() {
            for c in block {
                guard rowBlock[c.index] == -1 else { throw BendersNotApplicable(reason: "row \(c.index) is in two blocks") }
                rowBlock[c.index] = k
            }
        }
        masterRows = (0..<m).filter { rowBlock[$0] == -1 }
        blockRows = decomposition.blocks.map { $0.map(\.index) }
        var columnBlock = [Int](repeating: -1, count: n)
        var columns = [[Int]](repeating: [], count: decomposition.blocks.count)
        for (k, block) in blockRows.enumerated() {
            for i in block {
                for (j, _) in rows[i] where !master[j] {
                    if columnBlock[j] == -1 {
                        columnBlock[j] = k
                        columns[k].append(j)
                    } else if columnBlock[j] != k {
                        throw BendersNotApplicable(reason: "column \(j) is in two blocks")
                    }
                }
            }
        }
        for i in masterRows {
            for (j, _) in rows[i] where !master[j] {
                throw BendersNotApplicable(reason: "master row \(i) uses column \(j), which is not a master column")
            }
        }
        for j in 0..<n where !master[j] {
            if columnBlock[j] == -1 { throw BendersNotApplicable(reason: "column \(j) is in no block and not in the master") }
            if model.variableKinds[j] != .continuous {
                throw BendersNotApplicable(reason: "block column \(j) is integer; only master columns may be")
            }
            if (model.variableLower[j] ?? -1) < 0 || model.objectiveCoefficients[j] < 0 {
                throw BendersNotApplicable(reason: "block column \(j) may have a negative cost; θ ≥ 0 would not bound it")
            }
        }
        blockColumns = columns.map { $0.sorted() }
    }

    func run(options: SolveOptions, stopwatch: Stopwatch, tolerance: Double, maxIterations: Int) throws -> Solution {
        let n = model.variableCount, m = model.constraintCount
        let blockCount = blockRows.count
        // Master: master columns then θ_k.
        var masterPosition = [Int32](repeating: 0, count: n)
        for (p, j) in masterColumns.enumerated() { masterPosition[j] = Int32(p + 1) }
        let master = glp_create_prob()!
        glp_set_obj_dir(master, GLP_MIN)
        glp_add_cols(master, Int32(masterColumns.count + blockCount))
        for (p, j) in masterColumns.enumerated() {
            let (type, l, u) = GLPKSolver.boundType(model.variableLower[j], model.variableUpper[j])
            glp_set_col_bnds(master, Int32(p + 1), type, l, u)
            glp_set_obj_coef(master, Int32(p + 1), model.objectiveCoefficients[j])
        }
        let thetaBase = Int32(masterColumns.count)
        for k in 0..<blockCount {
            glp_set_col_bnds(master, thetaBase + Int32(k + 1), GLP_LO, 0, 0)
            glp_set_obj_coef(master, thetaBase + Int32(k + 1), 1)
        }
        if !masterRows.isEmpty { glp_add_rows(master, Int32(masterRows.count)) }
        for (r, i) in masterRows.enumerated() {
            let (type, l, u) = GLPKSolver.boundType(model.constraintLower[i], model.constraintUpper[i])
            glp_set_row_bnds(master, Int32(r + 1), type, l, u)
            let entries = rowEntries[i]
            var ind: [Int32] = [0] + entries.map { masterPosition[$0.0] }
            var val: [Double] = [0] + entries.map(\.1)
            glp_set_mat_row(master, Int32(r + 1), Int32(entries.count), &ind, &val)
        }

        // Subproblems, each with its rows' master terms kept aside.
        var subproblems: [OpaquePointer] = []
        var masterTerms: [[[(Int, Double)]]] = []   // [block][row in block] → (master column, a)
        for k in 0..<blockCount {
            let sp = glp_create_prob()!
            glp_set_obj_dir(sp, GLP_MIN)
            let columns = blockColumns[k]
            var local = [Int: Int32]()
            glp_add_cols(sp, Int32(columns.count))
            for (c, j) in columns.enumerated() {
                local[j] = Int32(c + 1)
                let (type, l, u) = GLPKSolver.boundType(model.variableLower[j], model.variableUpper[j])
                glp_set_col_bnds(sp, Int32(c + 1), type, l, u)
                glp_set_obj_coef(sp, Int32(c + 1), model.objectiveCoefficients[j])
            }
            glp_add_rows(sp, Int32(blockRows[k].count))
            var terms: [[(Int, Double)]] = []
            for (r, i) in blockRows[k].enumerated() {
                var ind: [Int32] = [0], val: [Double] = [0], fixed: [(Int, Double)] = []
                for (j, a) in rowEntries[i] {
                    if isMaster[j] { fixed.append((j, a)) } else { ind.append(local[j]!); val.append(a) }
                }
                glp_set_mat_row(sp, Int32(r + 1), Int32(ind.count - 1), &ind, &val)
                terms.append(fixed)
            }
            glp_scale_prob(sp, GLP_SF_AUTO)
            subproblems.append(sp)
            masterTerms.append(terms)
        }

        var parm = GLPKSolver.simplexParameters(options.simplex, verbose: false, timeLimit: nil)
        parm.presolve = GLP_OFF
        parm.meth = GLP_DUALP
        glp_scale_prob(master, GLP_SF_AUTO)

        var best = Double.infinity
        var bestMaster: [Double] = []
        var bestBlockValues: [[Double]] = []
        var bestBlockDuals: [[Double]] = []
        var lower = -Double.infinity
        var iterations = 0
        var masterDuals = [Double](repeating: 0, count: masterRows.count)
        var converged = false
        var stoppedByTime = false
        var cutRow = Int32(masterRows.count)
        var xhat = [Double](repeating: 0, count: n)

        // Whole units: first the LP relaxation's cuts, then the master as a MIP with them.
        let integerMaster = masterColumns.contains { model.variableKinds[$0] != .continuous }
        var integerPhase = false
        let mipGap = options.mip.relativeGap
        let limit = options.mip.timeLimit ?? options.simplex.timeLimit
        func thetaValue(_ k: Int) -> Double {
            integerPhase ? glp_mip_col_val(master, thetaBase + Int32(k + 1)) : glp_get_col_prim(master, thetaBase + Int32(k + 1))
        }

        while iterations < maxIterations {
            iterations += 1
            let masterReturn = glp_simplex(master, &parm)
            guard masterReturn == 0, glp_get_status(master) == GLP_OPT else {
                for sp in subproblems { glp_delete_prob(sp) }
                glp_delete_prob(master)
                throw BendersNotApplicable(reason: "the master problem is not optimal (\(GLPKSolver.statusName(glp_get_status(master))))")
            }
            if integerPhase {
                var iocp = glp_iocp()
                glp_init_iocp(&iocp)
                iocp.msg_lev = GLP_MSG_OFF
                iocp.presolve = GLP_OFF
                iocp.mip_gap = mipGap / 4
                if let limit { iocp.tm_lim = GLPKSolver.milliseconds(max(1, limit - stopwatch.seconds)) }
                let mipReturn = glp_intopt(master, &iocp)
                let status = glp_mip_status(master)
                guard status == GLP_OPT || status == GLP_FEAS else {
                    stoppedByTime = true
                    break
                }
                // GLPK stops when |incumbent − bound| ≤ gap·|incumbent|, so the bound is at least
                // incumbent·(1 − gap); stopped by its time limit, only the earlier bound holds.
                if mipReturn == 0 || mipReturn == GLP_EMIPGAP {
                    lower = max(lower, glp_mip_obj_val(master) * (1 - iocp.mip_gap))
                }
            } else {
                lower = glp_get_obj_val(master)
            }
            var masterCost = 0.0
            for (p, j) in masterColumns.enumerated() {
                // Clamped to the column's bounds: a master value of −1e-15 would make a block's
                // capacity row ask for negative load, an infeasibility of rounding only.
                var value = integerPhase ? glp_mip_col_val(master, Int32(p + 1)) : glp_get_col_prim(master, Int32(p + 1))
                // (Only whole-unit points are rounded: rounding a relaxation's arrivals would
                // break the fleet rows its units in service come from.)
                if integerPhase, model.variableKinds[j] != .continuous { value = value.rounded() }
                if let l = model.variableLower[j], value < l { value = l }
                if let u = model.variableUpper[j], value > u { value = u }
                xhat[j] = value
                masterCost += model.objectiveCoefficients[j] * value
            }
            var total = masterCost
            var blockValues: [[Double]] = []
            var blockDuals: [[Double]] = []
            var cuts: [(Int, [Int32], [Double], Double)] = []   // block, indices, values, rhs
            for k in 0..<blockCount {
                let sp = subproblems[k]
                for (r, i) in blockRows[k].enumerated() {
                    var shift = 0.0
                    for (j, a) in masterTerms[k][r] { shift += a * xhat[j] }
                    let lowerBound = model.constraintLower[i].map { $0 - shift }
                    let upperBound = model.constraintUpper[i].map { $0 - shift }
                    let (type, l, u) = GLPKSolver.boundType(lowerBound, upperBound)
                    glp_set_row_bnds(sp, Int32(r + 1), type, l, u)
                }
                var spReturn = glp_simplex(sp, &parm)
                if spReturn != 0 || glp_get_status(sp) != GLP_OPT {
                    // The warm start can mislead the dual simplex after large bound changes
                    // (seen: a feasible block reported GLP_NOFEAS); solve it afresh.
                    glp_std_basis(sp)
                    var fresh = parm
                    fresh.meth = GLP_PRIMAL
                    spReturn = glp_simplex(sp, &fresh)
                }
                guard spReturn == 0, glp_get_status(sp) == GLP_OPT else {
                    let status = GLPKSolver.statusName(glp_get_status(sp)), code = GLPKSolver.returnCodeName(spReturn)
                    for sp in subproblems { glp_delete_prob(sp) }
                    glp_delete_prob(master)
                    throw BendersNotApplicable(reason: "block \(k) has no optimal solution for a master point (\(code), \(status))")
                }
                let value = glp_get_obj_val(sp)
                total += value
                let rowCount = blockRows[k].count
                var duals = [Double](repeating: 0, count: rowCount)
                for r in 0..<rowCount { duals[r] = glp_get_row_dual(sp, Int32(r + 1)) }
                blockDuals.append(duals)
                blockValues.append(GLPKSolver.columnValues(sp, blockColumns[k].count, glp_get_col_prim))
                let theta = thetaValue(k)
                if value > theta + tolerance * max(1, abs(value)) {
                    // θ_k − Σ g_j x_j ≥ V − Σ g_j x̂_j, with g_j = −Σ_i π_i a_ij.
                    var gradient = [Int: Double]()
                    for r in 0..<rowCount where duals[r] != 0 {
                        for (j, a) in masterTerms[k][r] { gradient[j, default: 0] -= duals[r] * a }
                    }
                    var rhs = value
                    var ind: [Int32] = [0, thetaBase + Int32(k + 1)]
                    var val: [Double] = [0, 1]
                    for (j, g) in gradient.sorted(by: { $0.key < $1.key }) where g != 0 {
                        ind.append(masterPosition[j])
                        val.append(-g)
                        rhs -= g * xhat[j]
                    }
                    cuts.append((k, ind, val, rhs))
                }
            }
            if total < best {
                best = total
                bestMaster = masterColumns.map { xhat[$0] }
                bestBlockValues = blockValues
                bestBlockDuals = blockDuals
                for r in 0..<masterRows.count { masterDuals[r] = glp_get_row_dual(master, Int32(r + 1)) }
            }
            // The master's bound can never exceed a feasible point's cost; if it does, a cut or
            // the point is wrong, and the caller solves the whole model instead.
            if !integerPhase, total < lower - 1e-7 * max(1, abs(total)) {
                for sp in subproblems { glp_delete_prob(sp) }
                glp_delete_prob(master)
                throw BendersNotApplicable(reason: "inconsistent bounds (upper \(total) below lower \(lower))")
            }
            let target = integerPhase ? mipGap : tolerance
            if best - lower <= target * max(1, abs(best)) || cuts.isEmpty {
                if integerMaster, !integerPhase {
                    // The relaxation is solved; make the master whole-unit and go on.
                    integerPhase = true
                    best = .infinity
                    for (p, j) in masterColumns.enumerated() where model.variableKinds[j] != .continuous {
                        let (lowerBound, upperBound) = GLPKSolver.integerBounds(model.variableLower[j], model.variableUpper[j])
                        let (type, l, u) = GLPKSolver.boundType(lowerBound, upperBound)
                        glp_set_col_kind(master, Int32(p + 1), GLP_IV)
                        glp_set_col_bnds(master, Int32(p + 1), type, l, u)
                    }
                    // Cuts that are slack at the relaxation's optimum only slow the master's
                    // branch-and-cut: drop them (any that matter again come back as new cuts).
                    var slack: [Int32] = [0]
                    for row in Int32(masterRows.count + 1)...max(cutRow, Int32(masterRows.count + 1)) where row <= cutRow {
                        if glp_get_row_stat(master, row) == GLP_BS { slack.append(row) }
                    }
                    if slack.count > 1 {
                        glp_del_rows(master, Int32(slack.count - 1), &slack)
                        cutRow -= Int32(slack.count - 1)
                    }
                    continue
                }
                converged = true
                break
            }
            if let timeLimit = limit, stopwatch.seconds > timeLimit {
                stoppedByTime = true
                break
            }
            glp_add_rows(master, Int32(cuts.count))
            for cut in cuts {
                cutRow += 1
                var ind = cut.1, val = cut.2
                glp_set_row_bnds(master, cutRow, GLP_LO, cut.3, 0)
                glp_set_mat_row(master, cutRow, Int32(ind.count - 1), &ind, &val)
            }
        }
        for sp in subproblems { glp_delete_prob(sp) }
        glp_delete_prob(master)

        // The best point, whole.
        var values = [Double](repeating: 0, count: n)
        for (p, j) in masterColumns.enumerated() { values[j] = bestMaster[p] }
        for k in 0..<blockCount {
            for (c, j) in blockColumns[k].enumerated() { values[j] = bestBlockValues[k][c] }
        }
        var activities = [Double](repeating: 0, count: m)
        for i in 0..<m { activities[i] = rowEntries[i].reduce(0) { $0 + $1.1 * values[$1.0] } }
        var duals = [Double](repeating: 0, count: m)
        for (r, i) in masterRows.enumerated() { duals[i] = masterDuals[r] }
        for k in 0..<blockCount {
            for (r, i) in blockRows[k].enumerated() { duals[i] = bestBlockDuals[k][r] }
        }
        var reducedCosts = model.objectiveCoefficients
        for i in 0..<m where duals[i] != 0 {
            for (j, a) in rowEntries[i] { reducedCosts[j] -= a * duals[i] }
        }
        if integerPhase {
            // Duals of the LP with the whole-unit decisions fixed: the master's rows then hold
            // no decision, so only the blocks' prices remain.
            for i in masterRows { duals[i] = 0 }
            reducedCosts = model.objectiveCoefficients
            for i in 0..<m where duals[i] != 0 {
                for (j, a) in rowEntries[i] { reducedCosts[j] -= a * duals[i] }
            }
        }
        guard best.isFinite else {
            return Solution(
                termination: .timeLimit, primalStatus: .noSolution, dualStatus: .noSolution, objectiveValue: nil,
                objectiveBound: lower + model.objectiveConstant, relativeGap: nil, values: [], rowActivities: [], rowDuals: nil,
                reducedCosts: nil, dualsFromFixedIntegers: false, isMIP: true,
                raw: RawSolverStatus(routine: "benders", returnCode: 0, returnCodeName: "iterations \(iterations)", status: GLP_UNDEF, statusName: "GLP_UNDEF"),
                simplexIterations: iterations, nodes: 0, seconds: stopwatch.seconds)
        }
        let objective = best + model.objectiveConstant
        let termination: TerminationReason = converged ? .optimal : stoppedByTime ? .timeLimit : .iterationLimit
        return Solution(
            termination: termination, primalStatus: .feasiblePoint, dualStatus: .feasiblePoint, objectiveValue: objective,
            objectiveBound: lower + model.objectiveConstant, relativeGap: max(0, best - lower) / max(1, abs(best)),
            values: values, rowActivities: activities, rowDuals: duals, reducedCosts: reducedCosts,
            dualsFromFixedIntegers: integerPhase, isMIP: integerMaster,
            raw: RawSolverStatus(routine: "benders", returnCode: 0, returnCodeName: "iterations \(iterations)", status: converged ? GLP_OPT : GLP_FEAS, statusName: converged ? "GLP_OPT" : "GLP_FEAS"),
            simplexIterations: iterations, nodes: 0, seconds: stopwatch.seconds)
    }
}
