import CGLPK
import GLPKGuard

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
    /// Stop when `Solution.relativeGap(objective: upper, bound: lower)` is at most this (for an
    /// integer master: `MIPOptions.relativeGap`), or when no block needs a cut.
    public var relativeTolerance: Double
    /// Master-and-blocks rounds before stopping with termination `iterationLimit`.
    public var maxIterations: Int

    /// When set, the LP's converged decomposition goes on with cuts strengthened by the
    /// integrality of a problem the LP relaxes (`CutStrengthening`); the bound is then that
    /// problem's.
    public var strengthening: CutStrengthening?

    public init(masterColumns: [Variable], blocks: [[Constraint]], relativeTolerance: Double = 1e-9, maxIterations: Int = 1000) {
        self.masterColumns = masterColumns
        self.blocks = blocks
        self.relativeTolerance = relativeTolerance
        self.maxIterations = maxIterations
    }
}

/// Strengthened Benders cuts (Zou, Ahmed and Sun, "Stochastic dual dynamic integer
/// programming", Mathematical Programming 175, 2019): a lower bound of a mixed-integer problem
/// whose LP relaxation is the decomposed model, tighter than the relaxation's optimum.
///
/// Once the LP's decomposition has converged, each round takes the master's point x̂, each
/// block's LP cut θ_k + Σ_j c_j x_j ≥ ·, and replaces its right-hand side by
/// L_k = min { c_k·y + Σ_j c_j x_j : (x, y) meets the block's rows, with the kinds of `kinds` },
/// a block MIP in which the master columns the block uses are free within their bounds. Every
/// whole point of the block satisfies θ_k ≥ c_k·y ≥ L_k − Σ_j c_j x_j, so the cut is valid for
/// the mixed-integer problem (not for the LP), and L_k is at least the LP cut's right-hand side.
/// The master's optimum is then a lower bound of the mixed-integer problem.
public struct CutStrengthening: Sendable {
    /// Per column of the model: its kind in the mixed-integer problem (the model's own kinds
    /// are continuous).
    public var kinds: [VariableKind]
    /// Branch-and-cut nodes per block MIP; one stopped there gives its best bound.
    public var nodeLimit: Int
    /// Rounds of strengthened cuts at most.
    public var maxRounds: Int
    /// Stop once a round raises the bound by less than this, relative: the rounds with the LP's
    /// slopes, then those that search the slopes.
    public var minimumGain: Double
    /// Supergradient steps on a cut's slope per block and round once the LP's slopes gain
    /// too little (0: none), on the blocks whose MIP raised a cut: the Lagrangian cut's
    /// direction, L(c) − Σ c_j x̂_j maximized over c from the LP's c.
    public var slopeSteps: Int

    public init(kinds: [VariableKind], nodeLimit: Int = 200, maxRounds: Int = 20, minimumGain: Double = 1e-4, slopeSteps: Int = 0) {
        self.kinds = kinds
        self.nodeLimit = nodeLimit
        self.maxRounds = maxRounds
        self.minimumGain = minimumGain
        self.slopeSteps = slopeSteps
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
    /// The master holds the master columns, the master rows, and θ_k ≥ 0 per block; each round
    /// solves it, fixes its columns in every block's subproblem (warm-started from the previous
    /// basis), and adds the cut θ_k ≥ V_k(x̂) + g_k·(x − x̂) with g_k = −Σ_i π_i a_i from the
    /// subproblem's duals, until the upper bound (master costs + Σ V_k) and the lower bound (the
    /// master's optimum) meet. With integer master columns, the relaxation is solved first, then
    /// the master becomes a MIP and the rounds go on.
    ///
    /// The result is the best point found, whole: master columns from the master, block columns
    /// from their subproblems. Duals: after convergence on an LP, block rows carry the
    /// subproblems' duals at that point and master rows the last master's; with integer master
    /// columns, the duals are those of the LP with the master fixed (`dualsFromFixedIntegers`).
    /// An LP stopped early (time, rounds, cancellation) has no duals; an integer master stopped
    /// before its first integral point has no point, only the relaxation's bound.
    public static func solveByBenders(_ model: LinearModel, decomposition: BendersDecomposition, options: SolveOptions = SolveOptions()) throws -> Solution {
        let stopwatch = Stopwatch()
        try model.validate()
        guard model.direction == .minimize else { throw BendersNotApplicable(reason: "only minimization") }
        let layout = try BendersLayout(model: model, decomposition: decomposition)
        if let kinds = decomposition.strengthening?.kinds, kinds.count != model.variableCount {
            throw BendersNotApplicable(reason: "the strengthening gives \(kinds.count) kinds for \(model.variableCount) columns")
        }
        return try withGLPK(output: options.output) { session in
            var run = try BendersRun(layout: layout, options: options, session: session, stopwatch: stopwatch)
            return try run.solve(
                tolerance: decomposition.relativeTolerance, maxIterations: decomposition.maxIterations,
                strengthening: decomposition.strengthening)
        }
    }
}

/// One coefficient of a row.
struct RowEntry {
    let column: Int
    let value: Double
}

/// The model split into master and blocks, with the matrix by rows.
struct BendersLayout {
    let model: LinearModel
    /// For each row, its entries, duplicates summed.
    let rowEntries: [[RowEntry]]
    let isMaster: [Bool]  // per column
    let masterColumns: [Int]
    let masterRows: [Int]
    let blockRows: [[Int]]
    let blockColumns: [[Int]]
    /// Per column, the least of its upper bound and those its master rows imply (nil when
    /// none is finite): what lets a cut drop a negligible positive coefficient exactly.
    let upperBounds: [Double?]

    init(model: LinearModel, decomposition: BendersDecomposition) throws {
        self.model = model
        let n = model.variableCount, m = model.constraintCount
        var rows = [[RowEntry]](repeating: [], count: m)
        let matrix = model.compiledMatrix()
        for k in 1..<matrix.values.count {
            rows[Int(matrix.rowIndices[k]) - 1].append(RowEntry(column: Int(matrix.columnIndices[k]) - 1, value: matrix.values[k]))
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
                for entry in rows[i] where !master[entry.column] {
                    if columnBlock[entry.column] == -1 {
                        columnBlock[entry.column] = k
                        columns[k].append(entry.column)
                    } else if columnBlock[entry.column] != k {
                        throw BendersNotApplicable(reason: "column \(entry.column) is in two blocks")
                    }
                }
            }
        }
        for i in masterRows {
            for entry in rows[i] where !master[entry.column] {
                throw BendersNotApplicable(reason: "master row \(i) uses column \(entry.column), which is not a master column")
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
        upperBounds = Self.impliedUpperBounds(model: model, rows: rows, masterRows: masterRows)
    }

    /// Each column's upper bound, tightened by one pass over the master rows: from
    /// Σ a_i x_i ≤ u, x_j ≤ (u − Σ_{i≠j} min a_i x_i) / a_j for a_j > 0 (and likewise from a
    /// lower bound with a_j < 0), where the minimum is over the columns' bounds and finite.
    /// Widened by a relative 1e-9 against round-off: only ever used to weaken a cut.
    static func impliedUpperBounds(model: LinearModel, rows: [[RowEntry]], masterRows: [Int]) -> [Double?] {
        var upper = model.variableUpper
        for i in masterRows {
            for (sign, bound) in [(1.0, model.constraintUpper[i]), (-1.0, model.constraintLower[i].map { -$0 })] {
                // sign · Σ a x ≤ bound.
                guard let bound else { continue }
                var least = 0.0, unbounded = 0
                func lowest(_ entry: RowEntry) -> Double? {
                    let a = sign * entry.value
                    return a > 0 ? model.variableLower[entry.column].map { a * $0 } : model.variableUpper[entry.column].map { a * $0 }
                }
                for entry in rows[i] {
                    if let low = lowest(entry) { least += low } else { unbounded += 1 }
                }
                for entry in rows[i] where sign * entry.value > 0 {
                    let own = lowest(entry)
                    guard unbounded - (own == nil ? 1 : 0) == 0 else { continue }
                    let implied = (bound - (least - (own ?? 0))) / (sign * entry.value)
                    guard implied.isFinite else { continue }
                    let widened = implied + 1e-9 * max(1, abs(implied))
                    if upper[entry.column].map({ widened < $0 }) ?? true { upper[entry.column] = widened }
                }
            }
        }
        return upper
    }

    /// The column's value clamped to its bounds: a master value of −1e-15 would make a block
    /// row ask for a negative amount, an infeasibility of rounding only. Integer columns' values
    /// are rounded (only those: rounding a relaxation's value would break the rows it comes from).
    func clamped(_ value: Double, column j: Int, roundIntegers: Bool) -> Double {
        var value = roundIntegers && model.variableKinds[j] != .continuous ? value.rounded() : value
        if let l = model.variableLower[j], value < l { value = l }
        if let u = model.variableUpper[j], value > u { value = u }
        return value
    }
}

/// θ_k + Σ coefficients·x ≥ lowerBound, in the master's column positions (1-based).
struct Cut {
    let block: Int
    let positions: [Int32]
    let coefficients: [Double]
    let lowerBound: Double
}

/// The master problem: the master columns, then θ_k per block; the master rows, then cuts.
struct BendersMaster {
    let problem: OpaquePointer
    let layout: BendersLayout
    /// Per model column, its 1-based position in the master (0 for block columns).
    let position: [Int32]
    let thetaBase: Int32
    var rowCount: Int32
    var isInteger = false

    init(layout: BendersLayout, session: GLPKSession) throws {
        self.layout = layout
        let model = layout.model
        problem = try session.createProblem()
        var position = [Int32](repeating: 0, count: model.variableCount)
        for (p, j) in layout.masterColumns.enumerated() { position[j] = Int32(p + 1) }
        self.position = position
        thetaBase = Int32(layout.masterColumns.count)
        rowCount = Int32(layout.masterRows.count)
        guarded_glp_set_obj_dir(problem, GLP_MIN)
        guarded_glp_add_cols(problem, thetaBase + Int32(layout.blockRows.count))
        for (p, j) in layout.masterColumns.enumerated() {
            let (type, l, u) = GLPKSolver.boundType(model.variableLower[j], model.variableUpper[j])
            guarded_glp_set_col_bnds(problem, Int32(p + 1), type, l, u)
            guarded_glp_set_obj_coef(problem, Int32(p + 1), model.objectiveCoefficients[j])
        }
        for k in layout.blockRows.indices {
            guarded_glp_set_col_bnds(problem, thetaBase + Int32(k + 1), GLP_LO, 0, 0)
            guarded_glp_set_obj_coef(problem, thetaBase + Int32(k + 1), 1)
        }
        if rowCount > 0 { guarded_glp_add_rows(problem, rowCount) }
        for (r, i) in layout.masterRows.enumerated() {
            let (type, l, u) = GLPKSolver.boundType(model.constraintLower[i], model.constraintUpper[i])
            guarded_glp_set_row_bnds(problem, Int32(r + 1), type, l, u)
            let entries = layout.rowEntries[i]
            let indices: [Int32] = [0] + entries.map { position[$0.column] }
            let values: [Double] = [0] + entries.map(\.value)
            guarded_glp_set_mat_row(problem, Int32(r + 1), Int32(entries.count), indices, values)
        }
        guarded_glp_scale_prob(problem, GLP_SF_AUTO)
        try session.check()
    }

    /// A solved master: its bound and point.
    struct Point {
        /// The master's optimum (relaxation) or a bound on it (MIP), without the model's constant.
        let lowerBound: Double?
        /// Per model column (block columns 0): the master's values, clamped to their bounds.
        let values: [Double]
        let theta: [Double]
        let raw: RawSolverStatus
        let nodes: Int
    }

    /// Why the master gave no point.
    enum Stop: Error {
        case stopped(TerminationReason, RawSolverStatus, nodes: Int)
    }

    /// Solves the master: by simplex, then (once integer) by branch-and-cut; the simplex within
    /// `budget` (what is left of the decomposition's time limit).
    func solve(
        parm: glp_smcp, budget: GLPKSolver.SimplexBudget, options: MIPOptions, stopwatch: Stopwatch, timeLimit: Double?,
        session: GLPKSession
    ) throws -> Point {
        var budget = budget
        var simplexReturn = GLPKSolver.simplex(problem, parm: parm, budget: &budget)
        if !optimal(simplexReturn), simplexReturn != GLP_ETMLIM, simplexReturn != GLP_EITLIM {
            simplexReturn = recover(parm: parm, budget: &budget)
        }
        try session.check()
        let lpStatus = guarded_glp_get_status(problem)
        if simplexReturn == GLP_ETMLIM || simplexReturn == GLP_EITLIM {
            throw Stop.stopped(
                simplexReturn == GLP_ETMLIM ? .timeLimit : .iterationLimit,
                RawSolverStatus(routine: .simplex, code: simplexReturn, status: lpStatus), nodes: 0)
        }
        guard optimal(simplexReturn) else {
            throw BendersNotApplicable(reason: "the master problem is not optimal (\(GLPKSolver.returnCodeName(simplexReturn)), \(GLPKSolver.statusName(lpStatus)))")
        }
        let n = layout.model.variableCount
        func read(_ get: (OpaquePointer?, Int32) -> Double) -> (values: [Double], theta: [Double]) {
            var values = [Double](repeating: 0, count: n)
            for (p, j) in layout.masterColumns.enumerated() {
                values[j] = layout.clamped(get(problem, Int32(p + 1)), column: j, roundIntegers: isInteger)
            }
            let theta = layout.blockRows.indices.map { get(problem, thetaBase + Int32($0 + 1)) }
            return (values, theta)
        }
        guard isInteger else {
            let (values, theta) = read(guarded_glp_get_col_prim)
            return Point(
                lowerBound: guarded_glp_get_obj_val(problem), values: values, theta: theta,
                raw: RawSolverStatus(routine: .simplex, code: simplexReturn, status: guarded_glp_get_status(problem)), nodes: 0)
        }
        var mip = options
        mip.presolve = false
        mip.relativeGap = options.relativeGap / 4
        mip.progress = nil
        // The master's optimum is the decomposition's lower bound: it is never cut short.
        mip.objectiveTarget = nil
        var iocp = GLPKSolver.branchAndCutParameters(mip, verbose: false, secondsLeft: timeLimit.map { max(0.001, $0 - stopwatch.seconds) })
        iocp.msg_lev = GLP_MSG_OFF
        let search = GLPKSolver.branchAndCut(problem, parameters: iocp, mip: mip, start: nil, stopwatch: stopwatch)
        try session.check()
        let status = guarded_glp_mip_status(problem)
        let raw = RawSolverStatus(routine: .intopt, code: search.returnCode, status: status)
        guard status == GLP_OPT || status == GLP_FEAS else {
            switch search.termination {
            case .timeLimit, .nodeLimit, .cancelled, .interrupted:
                throw Stop.stopped(search.termination, raw, nodes: search.totalNodes)
            default:
                throw BendersNotApplicable(reason: "the integer master has no solution (\(raw.returnCodeName), \(raw.statusName))")
            }
        }
        let lowerBound = Self.provenBound(problem, returnCode: search.returnCode, gap: iocp.mip_gap)
        let (values, theta) = read(guarded_glp_mip_col_val)
        return Point(lowerBound: lowerBound, values: values, theta: theta, raw: raw, nodes: search.totalNodes)
    }

    /// The lower bound a minimizing branch-and-cut proved: its optimum, or (stopped at
    /// `gap`, GLP_EMIPGAP) the incumbent less what relativeGap(objective, bound) ≤ gap allows.
    /// Nil for any other stop.
    static func provenBound(_ problem: OpaquePointer, returnCode: Int32, gap: Double) -> Double? {
        let status = guarded_glp_mip_status(problem)
        switch returnCode {
        case 0 where status == GLP_OPT: return guarded_glp_mip_obj_val(problem)
        case GLP_EMIPGAP where status == GLP_OPT || status == GLP_FEAS:
            let objective = guarded_glp_mip_obj_val(problem)
            return objective - gap * (abs(objective) + Double.ulpOfOne)
        default: return nil
        }
    }

    func optimal(_ code: Int32) -> Bool { code == 0 && guarded_glp_get_status(problem) == GLP_OPT }

    /// After a failed master simplex (GLP_EFAIL on large seed 1 after a few rounds: the cuts,
    /// added unscaled, made the warm basis ill-conditioned): scale the master again, cuts
    /// included, and solve it from an advanced basis by the primal simplex; failing that, from
    /// the standard basis by the dual simplex. Only the failed case changes path.
    func recover(parm: glp_smcp, budget: inout GLPKSolver.SimplexBudget) -> Int32 {
        guarded_glp_scale_prob(problem, GLP_SF_AUTO)
        guarded_glp_adv_basis(problem, 0)
        var primal = parm
        primal.meth = GLP_PRIMAL
        let code = GLPKSolver.simplex(problem, parm: primal, budget: &budget)
        guard !optimal(code), code != GLP_ETMLIM, code != GLP_EITLIM else { return code }
        guarded_glp_std_basis(problem)
        var dual = parm
        dual.meth = GLP_DUALP
        return GLPKSolver.simplex(problem, parm: dual, budget: &budget)
    }

    /// Adds cuts as rows.
    mutating func add(_ cuts: [Cut]) {
        guard !cuts.isEmpty else { return }
        guarded_glp_add_rows(problem, Int32(cuts.count))
        for cut in cuts {
            rowCount += 1
            let indices: [Int32] = [0, thetaBase + Int32(cut.block + 1)] + cut.positions
            let values: [Double] = [0, 1] + cut.coefficients
            guarded_glp_set_row_bnds(problem, rowCount, GLP_LO, cut.lowerBound, 0)
            guarded_glp_set_mat_row(problem, rowCount, Int32(indices.count - 1), indices, values)
        }
    }

    /// Makes the integer master columns integer again, and drops the cuts that are slack at the
    /// relaxation's optimum: they only slow branch-and-cut (any that matter come back).
    mutating func makeInteger() {
        isInteger = true
        let model = layout.model
        for (p, j) in layout.masterColumns.enumerated() where model.variableKinds[j] != .continuous {
            let (lowerBound, upperBound) = GLPKSolver.integerBounds(model.variableLower[j], model.variableUpper[j])
            let (type, l, u) = GLPKSolver.boundType(lowerBound, upperBound)
            guarded_glp_set_col_kind(problem, Int32(p + 1), GLP_IV)
            guarded_glp_set_col_bnds(problem, Int32(p + 1), type, l, u)
        }
        let firstCut = Int32(layout.masterRows.count + 1)
        var slack: [Int32] = [0]
        if rowCount >= firstCut {
            for row in firstCut...rowCount where guarded_glp_get_row_stat(problem, row) == GLP_BS { slack.append(row) }
        }
        if slack.count > 1 {
            guarded_glp_del_rows(problem, Int32(slack.count - 1), slack)
            rowCount -= Int32(slack.count - 1)
        }
    }

    /// Row duals of the master rows (of the last simplex).
    func masterRowDuals() -> [Double] {
        (0..<layout.masterRows.count).map { guarded_glp_get_row_dual(problem, Int32($0 + 1)) }
    }
}

/// One block's subproblem: its rows and columns, with the master columns' terms kept aside.
struct BendersBlock {
    let index: Int
    let problem: OpaquePointer
    let layout: BendersLayout
    /// Per row of the block, its master entries.
    let masterEntries: [[RowEntry]]

    init(index: Int, layout: BendersLayout, session: GLPKSession) throws {
        self.index = index
        self.layout = layout
        let model = layout.model
        problem = try session.createProblem()
        guarded_glp_set_obj_dir(problem, GLP_MIN)
        let columns = layout.blockColumns[index]
        var local = [Int: Int32]()
        guarded_glp_add_cols(problem, Int32(columns.count))
        for (c, j) in columns.enumerated() {
            local[j] = Int32(c + 1)
            let (type, l, u) = GLPKSolver.boundType(model.variableLower[j], model.variableUpper[j])
            guarded_glp_set_col_bnds(problem, Int32(c + 1), type, l, u)
            guarded_glp_set_obj_coef(problem, Int32(c + 1), model.objectiveCoefficients[j])
        }
        guarded_glp_add_rows(problem, Int32(layout.blockRows[index].count))
        var masterEntries: [[RowEntry]] = []
        for (r, i) in layout.blockRows[index].enumerated() {
            var indices: [Int32] = [0], values: [Double] = [0], fixed: [RowEntry] = []
            for entry in layout.rowEntries[i] {
                if layout.isMaster[entry.column] {
                    fixed.append(entry)
                } else {
                    indices.append(local[entry.column]!)
                    values.append(entry.value)
                }
            }
            guarded_glp_set_mat_row(problem, Int32(r + 1), Int32(indices.count - 1), indices, values)
            masterEntries.append(fixed)
        }
        self.masterEntries = masterEntries
        guarded_glp_scale_prob(problem, GLP_SF_AUTO)
        try session.check()
    }

    /// The block's optimum at a master point.
    struct Result {
        let value: Double
        let rowDuals: [Double]
        let columnValues: [Double]
    }

    /// Solves the block with the master columns fixed at `master` (per model column), within
    /// `budget`.
    func solve(at master: [Double], parm: glp_smcp, budget: GLPKSolver.SimplexBudget, session: GLPKSession) throws -> Result {
        let model = layout.model
        for (r, i) in layout.blockRows[index].enumerated() {
            var shift = 0.0
            for entry in masterEntries[r] { shift += entry.value * master[entry.column] }
            let (type, l, u) = GLPKSolver.boundType(model.constraintLower[i].map { $0 - shift }, model.constraintUpper[i].map { $0 - shift })
            guarded_glp_set_row_bnds(problem, Int32(r + 1), type, l, u)
        }
        var parm = parm
        var budget = budget
        var code = GLPKSolver.simplex(problem, parm: parm, budget: &budget)
        if code != 0 || guarded_glp_get_status(problem) != GLP_OPT, code != GLP_ETMLIM, code != GLP_EITLIM {
            // The warm start can mislead the dual simplex after large bound changes (seen: a
            // feasible block reported GLP_NOFEAS); solve it afresh.
            guarded_glp_std_basis(problem)
            parm.meth = GLP_PRIMAL
            code = GLPKSolver.simplex(problem, parm: parm, budget: &budget)
        }
        try session.check()
        if code == GLP_ETMLIM || code == GLP_EITLIM {
            throw BendersMaster.Stop.stopped(
                code == GLP_ETMLIM ? .timeLimit : .iterationLimit,
                RawSolverStatus(routine: .simplex, code: code, status: guarded_glp_get_status(problem)), nodes: 0)
        }
        guard code == 0, guarded_glp_get_status(problem) == GLP_OPT else {
            let status = GLPKSolver.statusName(guarded_glp_get_status(problem))
            throw BendersNotApplicable(reason: "block \(index) has no optimal solution for a master point (\(GLPKSolver.returnCodeName(code)), \(status))")
        }
        let rows = layout.blockRows[index].count
        return Result(
            value: guarded_glp_get_obj_val(problem),
            rowDuals: GLPKSolver.rowValues(problem, rows, guarded_glp_get_row_dual),
            columnValues: GLPKSolver.columnValues(problem, layout.blockColumns[index].count, guarded_glp_get_col_prim))
    }

    /// A cut coefficient at most this times the cut's largest (θ_k's 1 included) is dropped
    /// where a bound allows, and a positive one raised to it where none does.
    /// Such coefficients are the round-off of the block's duals (1e-13 and 1e-29 beside 2e3 on
    /// large seed 1's relaxation): kept, they made the master's basis singular to working
    /// precision (GLP_EFAIL) within a few rounds.
    static let negligibleCoefficient = 1e-9

    /// The cut θ_k ≥ V + g·(x − x̂), g_j = −Σ_i π_i a_ij, when the master's estimate θ_k is
    /// short of the block's value V by more than the tolerance; nil otherwise. A negligible
    /// term c_j·x_j is dropped only where the column's bounds allow it to be dropped exactly:
    /// the right-hand side then loses the term's largest value over them, so the cut stays
    /// valid (weaker by at most that).
    func cut(from result: Result, at master: [Double], theta: Double, tolerance: Double, position: [Int32]) -> Cut? {
        guard result.value > theta + tolerance * max(1, abs(result.value)) else { return nil }
        var gradient = [Int: Double]()
        for (r, dual) in result.rowDuals.enumerated() where dual != 0 {
            for entry in masterEntries[r] { gradient[entry.column, default: 0] -= dual * entry.value }
        }
        let model = layout.model
        let negligible = Self.negligibleCoefficient * max(1, gradient.values.reduce(0) { max($0, abs($1)) })
        // θ_k − Σ g_j x_j ≥ V − Σ g_j x̂_j.
        var lowerBound = result.value
        var positions: [Int32] = [], coefficients: [Double] = []
        for (j, g) in gradient.sorted(by: { $0.key < $1.key }) where g != 0 {
            let coefficient = -g
            if abs(coefficient) <= negligible,
               let extreme = coefficient > 0 ? layout.upperBounds[j] : model.variableLower[j] {
                // θ_k + Σ_{i≠j} c_i x_i ≥ V + Σ c_i x̂_i − c_j x_j ≥ V + Σ c_i x̂_i − c_j·extreme.
                lowerBound += coefficient * (master[j] - extreme)
                continue
            }
            positions.append(position[j])
            // A negligible positive term of a column with no upper bound (so not dropped) is
            // raised to the threshold: with x_j ≥ 0 the left side only grows, so the cut stays
            // valid (weaker by (threshold − c_j) x_j), and its coefficients keep within a ratio
            // of 1/negligibleCoefficient. Kept as they were (6e-27 beside 2e5 on large seed 1's
            // relaxation with per-block copies of y_op), the master's simplex returned "optimal"
            // points dearer than a feasible one (four solves of one master: 2.6e7 warm, then
            // 3.1e7, 6.4e7 and 3.1e7 afresh, with a point of 1.19e7 feasible).
            let raised = coefficient > 0 && coefficient < negligible && (model.variableLower[j] ?? -1) >= 0
            coefficients.append(raised ? negligible : coefficient)
            lowerBound -= g * master[j]
        }
        return Cut(block: index, positions: positions, coefficients: coefficients, lowerBound: lowerBound)
    }
}

/// A block's mixed-integer problem for `CutStrengthening`: its rows and columns with their
/// kinds, and a copy of each master column its rows use, free within the column's bounds (the
/// upper bound its master rows imply included) and of the column's kind.
struct StrengthenedBlock {
    let problem: OpaquePointer
    let layout: BendersLayout
    /// Per model column of a master copy, its column here (1-based).
    let copies: [Int: Int32]

    init(block: BendersBlock, kinds: [VariableKind], session: GLPKSession) throws {
        let layout = block.layout
        self.layout = layout
        let model = layout.model
        problem = try session.createProblem()
        guarded_glp_set_obj_dir(problem, GLP_MIN)
        let own = layout.blockColumns[block.index]
        let shared = Array(Set(block.masterEntries.flatMap { $0.map(\.column) })).sorted()
        var local = [Int: Int32]()
        guarded_glp_add_cols(problem, Int32(own.count + shared.count))
        for (c, j) in (own + shared).enumerated() {
            let column = Int32(c + 1)
            local[j] = column
            let upper = layout.isMaster[j] ? layout.upperBounds[j] : model.variableUpper[j]
            switch kinds[j] {
            case .continuous:
                let (type, l, u) = GLPKSolver.boundType(model.variableLower[j], upper)
                guarded_glp_set_col_bnds(problem, column, type, l, u)
            case .integer, .binary:
                guarded_glp_set_col_kind(problem, column, GLP_IV)
                let (lowerBound, upperBound) = GLPKSolver.integerBounds(model.variableLower[j], kinds[j] == .binary ? min(upper ?? 1, 1) : upper)
                let (type, l, u) = GLPKSolver.boundType(kinds[j] == .binary ? max(lowerBound ?? 0, 0) : lowerBound, upperBound)
                guarded_glp_set_col_bnds(problem, column, type, l, u)
            }
            if !layout.isMaster[j] { guarded_glp_set_obj_coef(problem, column, model.objectiveCoefficients[j]) }
        }
        copies = local.filter { layout.isMaster[$0.key] }
        let rows = layout.blockRows[block.index]
        guarded_glp_add_rows(problem, Int32(rows.count))
        for (r, i) in rows.enumerated() {
            let (type, l, u) = GLPKSolver.boundType(model.constraintLower[i], model.constraintUpper[i])
            guarded_glp_set_row_bnds(problem, Int32(r + 1), type, l, u)
            let entries = layout.rowEntries[i]
            let indices: [Int32] = [0] + entries.map { local[$0.column]! }
            let values: [Double] = [0] + entries.map(\.value)
            guarded_glp_set_mat_row(problem, Int32(r + 1), Int32(entries.count), indices, values)
        }
        guarded_glp_scale_prob(problem, GLP_SF_AUTO)
        try session.check()
    }

    /// A lower bound of min c·y + Σ objective·x over the block's whole points: the optimum, or
    /// the best bound of a search stopped at `nodeLimit` or the time limit. Nil when it has
    /// none: the LP is unbounded (a negative term on a copy without an upper bound), infeasible
    /// or not solved.
    func minimum(
        objective: [(column: Int, value: Double)], nodeLimit: Int, timeLimit: Double?, stopwatch: Stopwatch, parm: glp_smcp
    ) throws -> Double? {
        var terms = [Int32: Double]()
        for term in objective { terms[copies[term.column]!, default: 0] += term.value }
        for (_, column) in copies { guarded_glp_set_obj_coef(problem, column, terms[column] ?? 0) }
        var parm = parm
        parm.meth = GLP_PRIMAL
        var budget = GLPKSolver.SimplexBudget(stopwatch: stopwatch, seconds: timeLimit, iterations: nil)
        var code = GLPKSolver.simplex(problem, parm: parm, budget: &budget)
        if code != 0 || guarded_glp_get_status(problem) != GLP_OPT, code != GLP_ETMLIM {
            guarded_glp_std_basis(problem)
            code = GLPKSolver.simplex(problem, parm: parm, budget: &budget)
        }
        guard code == 0, guarded_glp_get_status(problem) == GLP_OPT else { return nil }
        let relaxation = guarded_glp_get_obj_val(problem)
        var mip = MIPOptions(relativeGap: 1e-6, nodeLimit: nodeLimit)
        mip.cuts = []
        var iocp = GLPKSolver.branchAndCutParameters(mip, verbose: false, secondsLeft: timeLimit.map { $0 - stopwatch.seconds })
        iocp.msg_lev = GLP_MSG_OFF
        let search = GLPKSolver.branchAndCut(problem, parameters: iocp, mip: mip, start: nil, stopwatch: stopwatch)
        // Stopped at the node or time limit: its best bound, at least the relaxation's.
        let stopped = [GLP_ESTOP, GLP_ETMLIM].contains(search.returnCode) ? search.bestBound ?? relaxation : nil
        guard let bound = BendersMaster.provenBound(problem, returnCode: search.returnCode, gap: iocp.mip_gap) ?? stopped else { return nil }
        // GLPK's own tolerances (1e-7 on rows) can put its optimum a little above the exact
        // one: give that back.
        return max(relaxation, bound) - Self.safety * max(1, abs(bound))
    }

    /// The relative margin taken off each block MIP's bound.
    static let safety = 1e-7

    /// A cut θ_k + Σ c_j x_j ≥ L(c) whose value L(c) − Σ c_j x̂_j at `point` beats that of
    /// `start` (whose right-hand side is `bound`), found by `steps` supergradient steps: L is
    /// concave in c with supergradient x*(c), the copies' values at the block MIP's point, so
    /// c moves by t_i (x* − x̂) with t_i = 0.3 max|c| / ((i + 1) ‖x* − x̂‖). Any c gives a valid
    /// cut (its L is the block MIP's bound for that c). Nil when no step beats the start.
    func searchSlope(
        from start: [(column: Int, value: Double)], bound: Double, at point: [Double], steps: Int,
        nodeLimit: Int, timeLimit: Double?, stopwatch: Stopwatch, parm: glp_smcp
    ) throws -> (terms: [(column: Int, value: Double)], bound: Double)? {
        let columns = copies.keys.sorted()
        var slope = [Int: Double]()
        for term in start { slope[term.column, default: 0] += term.value }
        func value(_ terms: [(column: Int, value: Double)], _ bound: Double) -> Double {
            bound - terms.reduce(0) { $0 + $1.value * point[$1.column] }
        }
        var best: (terms: [(column: Int, value: Double)], bound: Double)? = nil
        var bestValue = value(start, bound)
        let scale = max(1, slope.values.reduce(0) { max($0, abs($1)) })
        // The start's MIP point (the caller just solved it).
        guard [GLP_OPT, GLP_FEAS].contains(guarded_glp_mip_status(problem)) else { return nil }
        var minimizer = columns.map { guarded_glp_mip_col_val(problem, copies[$0]!) }
        for step in 0..<steps {
            if let timeLimit, stopwatch.seconds > timeLimit { break }
            let direction = zip(columns, minimizer).map { $0.1 - point[$0.0] }
            let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 1e-9 else { break }
            let t = 0.3 * scale / (Double(step + 1) * norm)
            for (j, d) in zip(columns, direction) { slope[j, default: 0] += t * d }
            // Round-off terms dropped (the bound is computed for the slope as it is).
            let largest = slope.values.reduce(0) { max($0, abs($1)) }
            let terms = columns.compactMap { j in slope[j].flatMap { abs($0) > 1e-9 * largest ? (column: j, value: $0) : nil } }
            guard let stepBound = try minimum(objective: terms, nodeLimit: nodeLimit, timeLimit: timeLimit, stopwatch: stopwatch, parm: parm),
                  [GLP_OPT, GLP_FEAS].contains(guarded_glp_mip_status(problem)) else { break }
            minimizer = columns.map { guarded_glp_mip_col_val(problem, copies[$0]!) }
            let stepValue = value(terms, stepBound)
            if stepValue > bestValue + 1e-9 * max(1, abs(stepValue)) { (best, bestValue) = ((terms, stepBound), stepValue) }
        }
        return best
    }
}

/// One run of the decomposition, inside a GLPK session that owns its problems (they are
/// deleted when the session ends, on every exit path).
struct BendersRun {
    let layout: BendersLayout
    let options: SolveOptions
    let session: GLPKSession
    let stopwatch: Stopwatch
    var master: BendersMaster
    let blocks: [BendersBlock]

    init(layout: BendersLayout, options: SolveOptions, session: GLPKSession, stopwatch: Stopwatch) throws {
        self.layout = layout
        self.options = options
        self.session = session
        self.stopwatch = stopwatch
        master = try BendersMaster(layout: layout, session: session)
        blocks = try layout.blockRows.indices.map { try BendersBlock(index: $0, layout: layout, session: session) }
    }

    /// The best point so far.
    struct Incumbent {
        var cost = Double.infinity  // without the model's constant
        var values: [Double] = []
        /// The master's estimates θ_k at the point.
        var theta: [Double] = []
        var blockResults: [BendersBlock.Result] = []
        var masterRowDuals: [Double] = []
    }

    mutating func solve(tolerance: Double, maxIterations: Int, strengthening: CutStrengthening? = nil) throws -> Solution {
        let model = layout.model
        var parm = GLPKSolver.simplexParameters(options.simplex, verbose: false, timeLimit: nil)
        parm.presolve = GLP_OFF
        parm.meth = GLP_DUALP
        let integerMaster = layout.masterColumns.contains { model.variableKinds[$0] != .continuous }
        let timeLimit = options.mip.timeLimit ?? options.simplex.timeLimit
        let constant = model.objectiveConstant
        var best = Incumbent()
        var lower = -Double.infinity
        var rounds = 0
        var stop: TerminationReason? = nil
        var raw = RawSolverStatus(routine: .simplex, code: 0, status: GLP_UNDEF)
        var nodes = 0

        while stop == nil {
            if options.mip.cancellation?.isCancelled == true { stop = .cancelled; break }
            if rounds >= maxIterations { stop = .iterationLimit; break }
            rounds += 1
            // Every simplex run within what is left of the time limit; a run stopped by it
            // (master or block) ends the decomposition with the best point so far.
            let budget = GLPKSolver.SimplexBudget(stopwatch: stopwatch, seconds: timeLimit, iterations: options.simplex.iterationLimit)
            let point: BendersMaster.Point
            var cost = 0.0
            var results: [BendersBlock.Result] = []
            var cuts: [Cut] = []
            do {
                point = try master.solve(
                    parm: parm, budget: budget, options: options.mip, stopwatch: stopwatch, timeLimit: timeLimit, session: session)
                raw = point.raw
                nodes = point.nodes
                if let bound = point.lowerBound { lower = master.isInteger ? max(lower, bound) : bound }
                cost = layout.masterColumns.reduce(0.0) { $0 + model.objectiveCoefficients[$1] * point.values[$1] }
                for block in blocks {
                    let result = try block.solve(at: point.values, parm: parm, budget: budget, session: session)
                    cost += result.value
                    results.append(result)
                    if let cut = block.cut(from: result, at: point.values, theta: point.theta[block.index], tolerance: tolerance, position: master.position) {
                        cuts.append(cut)
                    }
                }
            } catch BendersMaster.Stop.stopped(let reason, let stoppedRaw, let stoppedNodes) {
                raw = stoppedRaw
                nodes = stoppedNodes
                stop = reason
                break
            }
            if cost < best.cost {
                best = Incumbent(
                    cost: cost, values: point.values, theta: point.theta, blockResults: results,
                    masterRowDuals: master.isInteger ? [] : master.masterRowDuals())
            }
            // The master's bound can never exceed a feasible point's cost, this round's or an
            // earlier one's; if it does, a cut or a point is wrong, or the master's simplex
            // failed on an ill-conditioned master, and the caller solves the whole model instead. (Large seed 1 with `--relax` and per-slice copies of y_op in
            // the fallback: the bound rose from 5.7e6 to 2.9e7 in one round, above a point of
            // 1.19e7 two rounds old; this round's point was dearer still.)
            if !master.isInteger, best.cost < lower - 1e-7 * max(1, abs(best.cost)) {
                throw BendersNotApplicable(reason: "inconsistent bounds (upper \(best.cost) below lower \(lower))")
            }
            let target = master.isInteger ? options.mip.relativeGap : tolerance
            if cuts.isEmpty || Solution.relativeGap(objective: best.cost + constant, bound: lower + constant) <= target {
                if integerMaster, !master.isInteger {
                    // The relaxation is solved; make the master integer and go on. Its best
                    // point is not integral: start afresh.
                    master.makeInteger()
                    try session.check()
                    best = Incumbent()
                    continue
                }
                stop = .optimal
                break
            }
            if let timeLimit, stopwatch.seconds > timeLimit { stop = .timeLimit; break }
            master.add(cuts)
            try session.check()
        }
        var strengthened = false
        if let strengthening, stop == .optimal, !integerMaster, best.cost.isFinite {
            let result = try strengthen(strengthening, parm: parm, from: best, lower: lower, tolerance: tolerance, timeLimit: timeLimit)
            (lower, strengthened) = (result.lower, true)
            rounds += result.rounds
        }
        let iterations = Int(guarded_glp_get_it_cnt(master.problem)) + blocks.reduce(0) { $0 + Int(guarded_glp_get_it_cnt($1.problem)) }
        try session.check()
        return solution(best: best, lower: lower, termination: stop ?? .other, integerMaster: integerMaster,
                        raw: raw, nodes: nodes, rounds: rounds, simplexIterations: iterations, strengthened: strengthened)
    }

    /// The rounds of strengthened cuts (`CutStrengthening`) after the LP has converged at
    /// `point` with bound `lower`: the bound they reach (the mixed-integer problem's). A round
    /// stopped by the time limit, or a block that cannot be strengthened (an unbounded block
    /// MIP), only weakens the bound, never invalidates it. The LP's optimum stays the run's
    /// point: the later masters' points are dearer points of the LP.
    mutating func strengthen(
        _ strengthening: CutStrengthening, parm: glp_smcp, from point: Incumbent, lower: Double, tolerance: Double, timeLimit: Double?
    ) throws -> (lower: Double, rounds: Int) {
        let model = layout.model
        let integerBlocks = try blocks.map { try StrengthenedBlock(block: $0, kinds: strengthening.kinds, session: session) }
        // The master's last point and its estimates θ_k.
        var lower = lower, last = (values: point.values, theta: point.theta), rounds = 0
        // The master's position of each model column, read back for the strengthened MIPs.
        let columnAt = [0] + layout.masterColumns
        // Whether the rounds search the slopes, and the blocks whose MIP ever raised a cut.
        var searching = false
        var bites = [Bool](repeating: false, count: blocks.count)
        while rounds < strengthening.maxRounds {
            if options.mip.cancellation?.isCancelled == true { break }
            if let timeLimit, stopwatch.seconds > timeLimit { break }
            let budget = GLPKSolver.SimplexBudget(stopwatch: stopwatch, seconds: timeLimit, iterations: options.simplex.iterationLimit)
            var cuts: [Cut] = []
            do {
                for block in blocks {
                    // A round cut short by the time limit adds nothing (its master would not be
                    // solved in time): the bound so far stands.
                    if let timeLimit, stopwatch.seconds > timeLimit {
                        throw BendersMaster.Stop.stopped(
                            .timeLimit, RawSolverStatus(routine: .simplex, code: GLP_ETMLIM, status: GLP_UNDEF), nodes: 0)
                    }
                    let result = try block.solve(at: last.values, parm: parm, budget: budget, session: session)
                    // The LP cut at x̂, whatever θ_k is (its coefficients are the strengthened
                    // cut's), then its right-hand side from the block's MIP.
                    guard let cut = block.cut(from: result, at: last.values, theta: -.infinity, tolerance: 0, position: master.position) else { continue }
                    let terms = zip(cut.positions, cut.coefficients).map { (column: columnAt[Int($0.0)], value: $0.1) }
                    guard let bound = try integerBlocks[block.index].minimum(
                        objective: terms, nodeLimit: strengthening.nodeLimit, timeLimit: timeLimit, stopwatch: stopwatch, parm: parm)
                    else { continue }
                    if bound > cut.lowerBound + tolerance * max(1, abs(bound)) { bites[block.index] = true }
                    // θ̂_k + Σ c_j x̂_j: a cut's left-hand side at the master's point.
                    func atPoint(_ terms: [(column: Int, value: Double)]) -> Double {
                        last.theta[block.index] + terms.reduce(0) { $0 + $1.value * last.values[$1.column] }
                    }
                    var strengthened = Cut(block: cut.block, positions: cut.positions, coefficients: cut.coefficients, lowerBound: max(cut.lowerBound, bound))
                    var leftSide = atPoint(terms)
                    if searching, bites[block.index], let searched = try integerBlocks[block.index].searchSlope(
                        from: terms, bound: strengthened.lowerBound, at: last.values, steps: strengthening.slopeSteps,
                        nodeLimit: strengthening.nodeLimit, timeLimit: timeLimit, stopwatch: stopwatch, parm: parm) {
                        strengthened = Cut(
                            block: block.index, positions: searched.terms.map { master.position[$0.column] },
                            coefficients: searched.terms.map(\.value), lowerBound: searched.bound)
                        leftSide = atPoint(searched.terms)
                    }
                    // Added where it cuts off the master's point (θ̂_k + Σ c_j x̂_j below it).
                    if strengthened.lowerBound > leftSide + tolerance * max(1, abs(strengthened.lowerBound)) { cuts.append(strengthened) }
                }
            } catch BendersMaster.Stop.stopped { break }
            rounds += 1
            guard !cuts.isEmpty else {
                if !searching, strengthening.slopeSteps > 0 { searching = true; continue }
                break
            }
            master.add(cuts)
            try session.check()
            let solved: BendersMaster.Point
            do {
                solved = try master.solve(parm: parm, budget: budget, options: options.mip, stopwatch: stopwatch, timeLimit: timeLimit, session: session)
            } catch BendersMaster.Stop.stopped { break }
            guard let bound = solved.lowerBound else { break }
            let gain = bound - lower
            lower = max(lower, bound)
            last = (solved.values, solved.theta)
            if gain < strengthening.minimumGain * max(1, abs(lower + model.objectiveConstant)) {
                if searching || strengthening.slopeSteps == 0 { break }
                searching = true
            }
        }
        return (lower, rounds)
    }

    /// The best point, whole, with the statuses its stop allows.
    func solution(
        best: Incumbent, lower: Double, termination: TerminationReason, integerMaster: Bool,
        raw: RawSolverStatus, nodes: Int, rounds: Int, simplexIterations: Int, strengthened: Bool = false
    ) -> Solution {
        let model = layout.model
        let m = model.constraintCount
        let bound: Double? = lower.isFinite ? lower + model.objectiveConstant : nil
        // With integer master columns, a point before the integer phase is not integral.
        let hasPoint = best.cost.isFinite && (!integerMaster || master.isInteger)
        guard hasPoint else {
            return Solution(
                termination: termination, primalStatus: .noSolution, dualStatus: .noSolution, objectiveValue: nil,
                objectiveBound: bound, relativeGap: nil, values: [], rowActivities: [], rowDuals: nil,
                reducedCosts: nil, dualsFromFixedIntegers: false, isMIP: integerMaster, algorithm: .benders, raw: raw,
                simplexIterations: simplexIterations, nodes: nodes, bendersIterations: rounds, seconds: stopwatch.seconds)
        }
        var values = best.values
        for block in blocks {
            for (c, j) in layout.blockColumns[block.index].enumerated() { values[j] = best.blockResults[block.index].columnValues[c] }
        }
        let activities = (0..<m).map { i in layout.rowEntries[i].reduce(0) { $0 + $1.value * values[$1.column] } }
        // Duals: an LP's only after convergence (master and blocks then agree); with integer
        // master columns, those of the LP with the master fixed at the point, as
        // `MIPOptions.computeFixedDuals` gives them: the blocks' duals, master rows 0.
        let hasDuals = integerMaster || termination == .optimal
        var rowDuals: [Double]? = nil
        var reducedCosts: [Double]? = nil
        if hasDuals {
            var duals = [Double](repeating: 0, count: m)
            if !integerMaster {
                for (r, i) in layout.masterRows.enumerated() { duals[i] = best.masterRowDuals[r] }
            }
            for block in blocks {
                for (r, i) in layout.blockRows[block.index].enumerated() { duals[i] = best.blockResults[block.index].rowDuals[r] }
            }
            var costs = model.objectiveCoefficients
            for i in 0..<m where duals[i] != 0 {
                for entry in layout.rowEntries[i] { costs[entry.column] -= entry.value * duals[i] }
            }
            rowDuals = duals
            reducedCosts = costs
        }
        let objective = best.cost + model.objectiveConstant
        return Solution(
            termination: termination, primalStatus: .feasiblePoint, dualStatus: hasDuals ? .feasiblePoint : .noSolution,
            objectiveValue: objective, objectiveBound: bound,
            // A strengthened bound is the mixed-integer problem's, above the LP's optimum.
            relativeGap: strengthened ? nil : bound.map { Solution.relativeGap(objective: objective, bound: $0) },
            values: values, rowActivities: activities, rowDuals: rowDuals, reducedCosts: reducedCosts,
            dualsFromFixedIntegers: integerMaster, isMIP: integerMaster, algorithm: .benders, raw: raw,
            simplexIterations: simplexIterations, nodes: nodes, bendersIterations: rounds, seconds: stopwatch.seconds)
    }
}
