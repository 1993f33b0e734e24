import CGLPK

/// Solves `LinearModel`s with GLPK.
///
/// Each call creates a GLPK problem object on the calling thread, loads the model (the whole
/// matrix in one `glp_load_matrix`), solves, copies out everything the result needs, and
/// deletes the object before returning. Nothing GLPK outlives the call, so calls on different
/// threads are independent.
public enum GLPKSolver {
    /// Solves `model`: by simplex when it has no integer variables (or `relaxIntegrality`),
    /// otherwise by simplex on the relaxation followed by branch-and-cut (`glp_intopt`).
    ///
    /// Throws `LinearProgrammingError` when the model holds a non-finite number or an invalid
    /// name, or when GLPK raised an internal error. Infeasible, unbounded and stopped solves
    /// are not errors: they are stated in the returned `Solution`.
    public static func solve(_ model: LinearModel, options: SolveOptions = SolveOptions()) throws -> Solution {
        let stopwatch = Stopwatch()
        try model.validate()
        if let start = options.mip.startingSolution, start.count != model.variableCount {
            throw LinearProgrammingError.dimensionMismatch(what: "starting solution", expected: model.variableCount, got: start.count)
        }
        let matrix = model.compiledMatrix()
        return try withGLPK(output: options.output) {
            let problem = glp_create_prob()!
            load(model, matrix: matrix, into: problem)
            let setup = stopwatch.seconds
            var solution = run(problem, model: model, options: options)
            glp_delete_prob(problem)
            solution.setupSeconds = setup
            return solution
        }
    }

    // MARK: Loading

    /// GLPK's bound type for optional bounds: the corresponding C constants are GLP_FR, GLP_LO,
    /// GLP_UP, GLP_FX and GLP_DB.
    static func boundType(_ lower: Double?, _ upper: Double?) -> (Int32, Double, Double) {
        switch (lower, upper) {
        case (nil, nil): return (GLP_FR, 0, 0)
        case (let l?, nil): return (GLP_LO, l, 0)
        case (nil, let u?): return (GLP_UP, 0, u)
        case (let l?, let u?): return (l == u ? GLP_FX : GLP_DB, l, u)
        }
    }

    /// Integer bounds rounded inward, with a tolerance so that 2.9999999999 stays 3.
    static func integerBounds(_ lower: Double?, _ upper: Double?) -> (Double?, Double?) {
        (lower.map { ($0 - 1e-9).rounded(.up) }, upper.map { ($0 + 1e-9).rounded(.down) })
    }

    /// Copies the model into an empty GLPK problem. Must run inside `withGLPK`.
    static func load(_ model: LinearModel, matrix: CompiledMatrix, into problem: OpaquePointer) {
        if !model.name.isEmpty { glp_set_prob_name(problem, model.name) }
        glp_set_obj_dir(problem, model.direction == .minimize ? GLP_MIN : GLP_MAX)
        glp_set_obj_coef(problem, 0, model.objectiveConstant)
        let m = model.constraintCount, n = model.variableCount
        if m > 0 { glp_add_rows(problem, Int32(m)) }
        if n > 0 { glp_add_cols(problem, Int32(n)) }
        for i in 0..<m {
            let (type, lower, upper) = boundType(model.constraintLower[i], model.constraintUpper[i])
            glp_set_row_bnds(problem, Int32(i + 1), type, lower, upper)
            let name = model.constraintNames[i]
            if !name.isEmpty { glp_set_row_name(problem, Int32(i + 1), name) }
        }
        for j in 0..<n {
            let column = Int32(j + 1)
            let (type, lower, upper) = boundType(model.variableLower[j], model.variableUpper[j])
            glp_set_col_bnds(problem, column, type, lower, upper)
            let coefficient = model.objectiveCoefficients[j]
            if coefficient != 0 { glp_set_obj_coef(problem, column, coefficient) }
            switch model.variableKinds[j] {
            case .continuous: break
            case .integer:
                glp_set_col_kind(problem, column, GLP_IV)
                // glp_intopt refuses fractional bounds on integer columns (GLP_EBOUND); rounding
                // them inward keeps the same integer points.
                let (lower, upper) = integerBounds(model.variableLower[j], model.variableUpper[j])
                let (type, l, u) = boundType(lower, upper)
                glp_set_col_bnds(problem, column, type, l, u)
            case .binary: glp_set_col_kind(problem, column, GLP_BV)
            }
            let name = model.variableNames[j]
            if !name.isEmpty { glp_set_col_name(problem, column, name) }
        }
        if matrix.count > 0 {
            matrix.rowIndices.withUnsafeBufferPointer { ia in
                matrix.columnIndices.withUnsafeBufferPointer { ja in
                    matrix.values.withUnsafeBufferPointer { ar in
                        glp_load_matrix(problem, Int32(matrix.count), ia.baseAddress, ja.baseAddress, ar.baseAddress)
                    }
                }
            }
        }
    }

    // MARK: Solving

    static func simplexParameters(_ options: SimplexOptions, verbose: Bool, timeLimit: Double?) -> glp_smcp {
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.msg_lev = verbose ? GLP_MSG_ON : GLP_MSG_OFF
        switch options.method {
        case .primal: parm.meth = GLP_PRIMAL
        case .dual: parm.meth = GLP_DUAL
        case .dualThenPrimal: parm.meth = GLP_DUALP
        }
        switch options.ratioTest {
        case .textbook: parm.r_test = GLP_RT_STD
        case .harris: parm.r_test = GLP_RT_HAR
        case .longStep: parm.r_test = GLP_RT_FLIP
        }
        parm.pricing = options.pricing == .textbook ? GLP_PT_STD : GLP_PT_PSE
        parm.presolve = options.presolve ? GLP_ON : GLP_OFF
        if let limit = timeLimit { parm.tm_lim = milliseconds(limit) }
        if let limit = options.iterationLimit { parm.it_lim = Int32(clamping: limit) }
        return parm
    }

    static func milliseconds(_ seconds: Double) -> Int32 {
        Int32(clamping: Int64(max(0, min(seconds, 2_000_000)) * 1000))
    }

    static func scale(_ problem: OpaquePointer, _ scaling: SimplexOptions.Scaling) {
        switch scaling {
        case .none: glp_unscale_prob(problem)
        case .automatic: glp_scale_prob(problem, GLP_SF_AUTO)
        case .geometricEquilibrium: glp_scale_prob(problem, GLP_SF_GM | GLP_SF_EQ)
        case .equilibrium: glp_scale_prob(problem, GLP_SF_EQ)
        }
    }

    static func run(_ problem: OpaquePointer, model: LinearModel, options: SolveOptions) -> Solution {
        let stopwatch = Stopwatch()
        func elapsed() -> Double { stopwatch.seconds }
        let verbose = options.output != nil
        let isMIP = model.hasIntegerVariables && !options.relaxIntegrality
        let overallLimit = isMIP ? options.mip.timeLimit ?? options.simplex.timeLimit : options.simplex.timeLimit
        scale(problem, options.simplex.scaling)
        var parm = simplexParameters(options.simplex, verbose: verbose, timeLimit: overallLimit)
        var lpReturn = glp_simplex(problem, &parm)
        if options.simplex.presolve, lpReturn == GLP_ENOPFS || lpReturn == GLP_ENODFS {
            // The presolver proves infeasibility or unboundedness without a basis; solve again
            // without it so that the result says which, with GLPK's status.
            parm.presolve = GLP_OFF
            lpReturn = glp_simplex(problem, &parm)
        }
        if lpReturn == 0, parm.meth != GLP_PRIMAL {
            let status = glp_get_status(problem)
            if status != GLP_OPT, status != GLP_NOFEAS, status != GLP_UNBND {
                // The dual simplex stops at "dual infeasible" without saying whether the primal
                // is unbounded or infeasible; the primal simplex, from where it stopped, does.
                parm.meth = GLP_PRIMAL
                lpReturn = glp_simplex(problem, &parm)
            }
        }
        let lp = lpOutcome(problem, returnCode: lpReturn, model: model)
        if !isMIP {
            return Solution(
                termination: lp.termination, primalStatus: lp.primal, dualStatus: lp.dual,
                objectiveValue: lp.primal == .feasiblePoint ? glp_get_obj_val(problem) : nil,
                objectiveBound: lp.termination == .optimal ? glp_get_obj_val(problem) : nil, relativeGap: nil,
                values: lp.primal == .feasiblePoint ? columnValues(problem, model.variableCount, glp_get_col_prim) : [],
                rowActivities: lp.primal == .feasiblePoint ? rowValues(problem, model.constraintCount, glp_get_row_prim) : [],
                rowDuals: lp.dual == .feasiblePoint ? rowValues(problem, model.constraintCount, glp_get_row_dual) : nil,
                reducedCosts: lp.dual == .feasiblePoint ? columnValues(problem, model.variableCount, glp_get_col_dual) : nil,
                dualsFromFixedIntegers: false, isMIP: false, raw: lp.raw,
                simplexIterations: Int(glp_get_it_cnt(problem)), nodes: 0, seconds: elapsed())
        }
        guard lp.termination == .optimal else {
            // The relaxation decides: infeasible relaxation = infeasible MIP; an unbounded
            // relaxation leaves the MIP infeasible or unbounded.
            let termination: TerminationReason = lp.termination == .unbounded ? .infeasibleOrUnbounded : lp.termination
            return Solution(
                termination: termination, primalStatus: .noSolution, dualStatus: .noSolution, objectiveValue: nil,
                objectiveBound: nil, relativeGap: nil, values: [], rowActivities: [], rowDuals: nil, reducedCosts: nil,
                dualsFromFixedIntegers: false, isMIP: true, raw: lp.raw,
                simplexIterations: Int(glp_get_it_cnt(problem)), nodes: 0, seconds: elapsed())
        }
        return runBranchAndCut(problem, model: model, options: options, stopwatch: stopwatch)
    }

    static func runBranchAndCut(
        _ problem: OpaquePointer, model: LinearModel, options: SolveOptions, stopwatch: Stopwatch
    ) -> Solution {
        let started = stopwatch.seconds
        let mip = options.mip
        var iocp = glp_iocp()
        glp_init_iocp(&iocp)
        iocp.msg_lev = options.output != nil ? GLP_MSG_ON : GLP_MSG_OFF
        iocp.presolve = mip.presolve ? GLP_ON : GLP_OFF
        iocp.gmi_cuts = mip.cuts.contains(.gomory) ? GLP_ON : GLP_OFF
        iocp.mir_cuts = mip.cuts.contains(.mixedIntegerRounding) ? GLP_ON : GLP_OFF
        iocp.cov_cuts = mip.cuts.contains(.cover) ? GLP_ON : GLP_OFF
        iocp.clq_cuts = mip.cuts.contains(.clique) ? GLP_ON : GLP_OFF
        iocp.mip_gap = mip.relativeGap
        iocp.fp_heur = mip.feasibilityPump ? GLP_ON : GLP_OFF
        iocp.ps_heur = mip.proximitySearch ? GLP_ON : GLP_OFF
        switch mip.branching {
        case .firstFractional: iocp.br_tech = GLP_BR_FFV
        case .lastFractional: iocp.br_tech = GLP_BR_LFV
        case .mostFractional: iocp.br_tech = GLP_BR_MFV
        case .driebeckTomlin: iocp.br_tech = GLP_BR_DTH
        }
        switch mip.backtracking {
        case .depthFirst: iocp.bt_tech = GLP_BT_DFS
        case .breadthFirst: iocp.bt_tech = GLP_BT_BFS
        case .bestLocalBound: iocp.bt_tech = GLP_BT_BLB
        case .bestProjection: iocp.bt_tech = GLP_BT_BPH
        }
        if let limit = mip.timeLimit { iocp.tm_lim = milliseconds(max(0, limit - started)) }
        // The starting point goes in through the callback, which only exists for the original
        // problem: GLPK's MIP presolver would change the columns.
        var start: [Double]? = nil
        if let given = mip.startingSolution, !mip.presolve { start = [0] + given }
        if start == nil, !mip.presolve, let heuristic = mip.roundingHeuristic {
            let relaxation = columnValues(problem, model.variableCount, glp_get_col_prim)
            if let proposal = heuristic(relaxation), proposal.count == model.variableCount {
                start = completeProposal(problem, model: model, proposal: proposal, options: options)
            }
        }
        let context = BranchAndCutContext(progress: mip.progress, startingSolution: start, stopwatch: stopwatch)
        let unmanaged = Unmanaged.passRetained(context)
        iocp.cb_info = unmanaged.toOpaque()
        iocp.cb_func = { tree, info in
            let context = Unmanaged<BranchAndCutContext>.fromOpaque(info!).takeUnretainedValue()
            context.handle(tree!)
        }
        let returnCode = glp_intopt(problem, &iocp)
        unmanaged.release()
        let status = glp_mip_status(problem)
        let hasPoint = status == GLP_OPT || status == GLP_FEAS
        let termination: TerminationReason
        switch returnCode {
        case 0:
            termination = status == GLP_OPT ? .optimal : status == GLP_NOFEAS ? .infeasible : .other
        case GLP_EMIPGAP: termination = .optimal  // optimal within the requested gap
        case GLP_ETMLIM: termination = .timeLimit
        case GLP_ESTOP: termination = .interrupted
        case GLP_ENOPFS: termination = .infeasible
        case GLP_ENODFS: termination = .infeasibleOrUnbounded
        case GLP_EBOUND: termination = .invalidModel
        case GLP_EFAIL: termination = .numericalError
        default: termination = .other
        }
        let objective: Double? = hasPoint ? glp_mip_obj_val(problem) : nil
        var bound = context.bestBound
        if status == GLP_OPT, returnCode == 0 { bound = objective }
        var gap: Double? = nil
        if let objective, let bound {
            gap = abs(objective - bound) / (abs(objective) + Double.ulpOfOne)
        } else if status == GLP_OPT {
            gap = 0
        }
        var objectiveValue = objective
        var values = hasPoint ? columnValues(problem, model.variableCount, glp_mip_col_val) : []
        var activities = hasPoint ? rowValues(problem, model.constraintCount, glp_mip_row_val) : []
        var duals: [Double]? = nil
        var reducedCosts: [Double]? = nil
        var iterations = Int(glp_get_it_cnt(problem))
        if mip.computeFixedDuals, hasPoint {
            // Fix every integer column at its (rounded) value and re-solve the LP: its duals
            // price the remaining continuous decisions given the integer ones.
            for j in 0..<model.variableCount where model.variableKinds[j] != .continuous {
                let value = values[j].rounded()
                glp_set_col_kind(problem, Int32(j + 1), GLP_CV)
                glp_set_col_bnds(problem, Int32(j + 1), GLP_FX, value, value)
            }
            var parm = simplexParameters(options.simplex, verbose: options.output != nil, timeLimit: nil)
            parm.presolve = GLP_OFF
            let fixedReturn = glp_simplex(problem, &parm)
            if fixedReturn == 0, glp_get_status(problem) == GLP_OPT {
                duals = rowValues(problem, model.constraintCount, glp_get_row_dual)
                reducedCosts = columnValues(problem, model.variableCount, glp_get_col_dual)
                // The fixed LP's point is the MIP's point polished: integer columns exactly
                // integer, continuous ones optimal for them (GLPK's integrality tolerance
                // would otherwise leave values like 2.000003).
                values = columnValues(problem, model.variableCount, glp_get_col_prim)
                activities = rowValues(problem, model.constraintCount, glp_get_row_prim)
                objectiveValue = glp_get_obj_val(problem)
            }
            iterations = Int(glp_get_it_cnt(problem))
        }
        return Solution(
            termination: termination, primalStatus: hasPoint ? .feasiblePoint : .noSolution,
            dualStatus: duals != nil ? .feasiblePoint : .noSolution, objectiveValue: objectiveValue, objectiveBound: bound,
            relativeGap: gap, values: values, rowActivities: activities, rowDuals: duals, reducedCosts: reducedCosts,
            dualsFromFixedIntegers: duals != nil, isMIP: true,
            raw: RawSolverStatus(
                routine: "intopt", returnCode: returnCode, returnCodeName: returnCodeName(returnCode),
                status: status, statusName: statusName(status)),
            simplexIterations: iterations, nodes: context.totalNodes, seconds: stopwatch.seconds)
    }

    /// Fixes the integer columns at `proposal`, solves the LP for the rest from the current
    /// (relaxation's) basis, and restores the problem and an optimal relaxation basis, which
    /// `glp_intopt` needs. Returns the point, 1-based for `glp_ios_heur_sol`, when that LP is
    /// optimal.
    static func completeProposal(_ problem: OpaquePointer, model: LinearModel, proposal: [Double], options: SolveOptions) -> [Double]? {
        let integerColumns = (0..<model.variableCount).filter { model.variableKinds[$0] != .continuous }
        let saved = integerColumns.map { j -> (Int32, Int32, Double, Double) in
            let column = Int32(j + 1)
            return (glp_get_col_kind(problem, column), glp_get_col_type(problem, column), glp_get_col_lb(problem, column), glp_get_col_ub(problem, column))
        }
        for j in integerColumns {
            let value = proposal[j].rounded()
            glp_set_col_kind(problem, Int32(j + 1), GLP_CV)
            glp_set_col_bnds(problem, Int32(j + 1), GLP_FX, value, value)
        }
        var parm = simplexParameters(options.simplex, verbose: options.output != nil, timeLimit: nil)
        parm.presolve = GLP_OFF
        parm.meth = GLP_DUALP
        var point: [Double]? = nil
        if glp_simplex(problem, &parm) == 0, glp_get_status(problem) == GLP_OPT {
            point = [0] + columnValues(problem, model.variableCount, glp_get_col_prim)
        }
        for (k, j) in integerColumns.enumerated() {
            let (kind, type, lower, upper) = saved[k]
            glp_set_col_kind(problem, Int32(j + 1), kind)
            glp_set_col_bnds(problem, Int32(j + 1), type, lower, upper)
        }
        // Looser bounds keep the basis primal feasible: the primal simplex re-optimizes.
        parm.meth = GLP_PRIMAL
        _ = glp_simplex(problem, &parm)
        return point
    }

    struct LPOutcome {
        let termination: TerminationReason
        let primal: ResultStatus
        let dual: ResultStatus
        let raw: RawSolverStatus
    }

    /// Maps `glp_simplex`'s return code and the basic solution's statuses (the table in
    /// docs/lp-layer.md).
    static func lpOutcome(_ problem: OpaquePointer, returnCode: Int32, model: LinearModel) -> LPOutcome {
        let status = glp_get_status(problem)
        func point(_ s: Int32) -> ResultStatus {
            s == GLP_FEAS ? .feasiblePoint : s == GLP_INFEAS ? .infeasiblePoint : .noSolution
        }
        var primal = point(glp_get_prim_stat(problem))
        var dual = point(glp_get_dual_stat(problem))
        let termination: TerminationReason
        switch returnCode {
        case 0:
            switch status {
            case GLP_OPT: termination = .optimal
            case GLP_NOFEAS: termination = .infeasible
            case GLP_UNBND: termination = .unbounded
            default: termination = .other
            }
        case GLP_ETMLIM: termination = .timeLimit
        case GLP_EITLIM: termination = .iterationLimit
        case GLP_EBOUND: termination = .invalidModel
        case GLP_ESING, GLP_ECOND, GLP_EFAIL: termination = .numericalError
        case GLP_EOBJLL, GLP_EOBJUL: termination = .interrupted
        case GLP_ENOPFS: termination = .infeasible
        case GLP_ENODFS: termination = .infeasibleOrUnbounded
        default: termination = .other
        }
        if termination == .infeasible { primal = .noSolution }
        if termination == .unbounded { dual = .noSolution }
        if returnCode != 0, returnCode != GLP_ETMLIM, returnCode != GLP_EITLIM {
            primal = .noSolution
            dual = .noSolution
        }
        // An empty model (no rows and no columns) is optimal with the constant as objective.
        return LPOutcome(
            termination: termination, primal: primal, dual: dual,
            raw: RawSolverStatus(
                routine: "simplex", returnCode: returnCode, returnCodeName: returnCodeName(returnCode),
                status: status, statusName: statusName(status)))
    }

    static func columnValues(_ problem: OpaquePointer, _ count: Int, _ get: (OpaquePointer?, Int32) -> Double) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            for j in 0..<count { buffer[j] = get(problem, Int32(j + 1)) }
            initialized = count
        }
    }

    static func rowValues(_ problem: OpaquePointer, _ count: Int, _ get: (OpaquePointer?, Int32) -> Double) -> [Double] {
        columnValues(problem, count, get)
    }

    static func returnCodeName(_ code: Int32) -> String {
        switch code {
        case 0: return "0"
        case GLP_EBADB: return "GLP_EBADB"
        case GLP_ESING: return "GLP_ESING"
        case GLP_ECOND: return "GLP_ECOND"
        case GLP_EBOUND: return "GLP_EBOUND"
        case GLP_EFAIL: return "GLP_EFAIL"
        case GLP_EOBJLL: return "GLP_EOBJLL"
        case GLP_EOBJUL: return "GLP_EOBJUL"
        case GLP_EITLIM: return "GLP_EITLIM"
        case GLP_ETMLIM: return "GLP_ETMLIM"
        case GLP_ENOPFS: return "GLP_ENOPFS"
        case GLP_ENODFS: return "GLP_ENODFS"
        case GLP_EROOT: return "GLP_EROOT"
        case GLP_ESTOP: return "GLP_ESTOP"
        case GLP_EMIPGAP: return "GLP_EMIPGAP"
        default: return "\(code)"
        }
    }

    static func statusName(_ status: Int32) -> String {
        switch status {
        case GLP_UNDEF: return "GLP_UNDEF"
        case GLP_FEAS: return "GLP_FEAS"
        case GLP_INFEAS: return "GLP_INFEAS"
        case GLP_NOFEAS: return "GLP_NOFEAS"
        case GLP_OPT: return "GLP_OPT"
        case GLP_UNBND: return "GLP_UNBND"
        default: return "\(status)"
        }
    }
}

/// State shared with GLPK's branch-and-cut callback.
private final class BranchAndCutContext {
    let progress: (@Sendable (MIPProgress) -> Void)?
    let startingSolution: [Double]?
    let stopwatch: Stopwatch
    var offeredStart = false
    var lastReport = -1.0
    var bestBound: Double?
    var totalNodes = 0

    init(progress: (@Sendable (MIPProgress) -> Void)?, startingSolution: [Double]?, stopwatch: Stopwatch) {
        self.progress = progress
        self.startingSolution = startingSolution
        self.stopwatch = stopwatch
    }

    func handle(_ tree: OpaquePointer) {
        let reason = glp_ios_reason(tree)
        if reason == GLP_IHEUR, let start = startingSolution, !offeredStart {
            offeredStart = true
            _ = start.withUnsafeBufferPointer { glp_ios_heur_sol(tree, $0.baseAddress) }
            return
        }
        guard reason == GLP_IBINGO || reason == GLP_ISELECT else { return }
        var active: Int32 = 0, current: Int32 = 0, total: Int32 = 0
        glp_ios_tree_size(tree, &active, &current, &total)
        totalNodes = Int(total)
        let node = glp_ios_best_node(tree)
        if node != 0 { bestBound = glp_ios_node_bound(tree, node) }
        guard let progress else { return }
        let now = stopwatch.seconds
        guard reason == GLP_IBINGO || now - lastReport >= 0.5 else { return }
        lastReport = now
        let problem = glp_ios_get_prob(tree)
        let status = glp_mip_status(problem)
        let incumbent: Double? = status == GLP_FEAS || status == GLP_OPT ? glp_mip_obj_val(problem) : nil
        let gap: Double? = incumbent == nil ? nil : glp_ios_mip_gap(tree)
        progress(MIPProgress(
            incumbent: incumbent, bestBound: bestBound, relativeGap: gap,
            activeNodes: Int(active), totalNodes: Int(total), seconds: now))
    }
}

/// Seconds since creation, from the monotonic clock.
public struct Stopwatch: Sendable {
    private let start = ContinuousClock.now
    public init() {}
    public var seconds: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
