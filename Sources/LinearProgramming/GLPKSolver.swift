import CGLPK
import GLPKGuard

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
        return try withGLPK(output: options.output) { session in
            let problem = try session.createProblem()
            load(model, matrix: matrix, into: problem)
            try session.check()
            let setup = stopwatch.seconds
            var solution = try run(problem, model: model, options: options, session: session)
            session.delete(problem)
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
        if !model.name.isEmpty { guarded_glp_set_prob_name(problem, model.name) }
        guarded_glp_set_obj_dir(problem, model.direction == .minimize ? GLP_MIN : GLP_MAX)
        guarded_glp_set_obj_coef(problem, 0, model.objectiveConstant)
        let m = model.constraintCount, n = model.variableCount
        if m > 0 { guarded_glp_add_rows(problem, Int32(m)) }
        if n > 0 { guarded_glp_add_cols(problem, Int32(n)) }
        for i in 0..<m {
            let (type, lower, upper) = boundType(model.constraintLower[i], model.constraintUpper[i])
            guarded_glp_set_row_bnds(problem, Int32(i + 1), type, lower, upper)
            let name = model.constraintNames[i]
            if !name.isEmpty { guarded_glp_set_row_name(problem, Int32(i + 1), name) }
        }
        for j in 0..<n {
            let column = Int32(j + 1)
            let (type, lower, upper) = boundType(model.variableLower[j], model.variableUpper[j])
            guarded_glp_set_col_bnds(problem, column, type, lower, upper)
            let coefficient = model.objectiveCoefficients[j]
            if coefficient != 0 { guarded_glp_set_obj_coef(problem, column, coefficient) }
            switch model.variableKinds[j] {
            case .continuous: break
            case .integer:
                guarded_glp_set_col_kind(problem, column, GLP_IV)
                // glp_intopt refuses fractional bounds on integer columns (GLP_EBOUND); rounding
                // them inward keeps the same integer points.
                let (lower, upper) = integerBounds(model.variableLower[j], model.variableUpper[j])
                let (type, l, u) = boundType(lower, upper)
                guarded_glp_set_col_bnds(problem, column, type, l, u)
            case .binary: guarded_glp_set_col_kind(problem, column, GLP_BV)
            }
            let name = model.variableNames[j]
            if !name.isEmpty { guarded_glp_set_col_name(problem, column, name) }
        }
        if matrix.count > 0 {
            matrix.rowIndices.withUnsafeBufferPointer { ia in
                matrix.columnIndices.withUnsafeBufferPointer { ja in
                    matrix.values.withUnsafeBufferPointer { ar in
                        guarded_glp_load_matrix(problem, Int32(matrix.count), ia.baseAddress, ja.baseAddress, ar.baseAddress)
                    }
                }
            }
        }
    }

    // MARK: Solving

    static func simplexParameters(_ options: SimplexOptions, verbose: Bool, timeLimit: Double?) -> glp_smcp {
        var parm = glp_smcp()
        guarded_glp_init_smcp(&parm)
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
        case .none: guarded_glp_unscale_prob(problem)
        case .automatic: guarded_glp_scale_prob(problem, GLP_SF_AUTO)
        case .geometricEquilibrium: guarded_glp_scale_prob(problem, GLP_SF_GM | GLP_SF_EQ)
        case .equilibrium: guarded_glp_scale_prob(problem, GLP_SF_EQ)
        }
    }

    /// A result without a point: the solve stopped before it had one.
    static func noPoint(
        _ termination: TerminationReason, isMIP: Bool, raw: RawSolverStatus, iterations: Int, seconds: Double
    ) -> Solution {
        Solution(
            termination: termination, primalStatus: .noSolution, dualStatus: .noSolution, objectiveValue: nil,
            objectiveBound: nil, relativeGap: nil, values: [], rowActivities: [], rowDuals: nil, reducedCosts: nil,
            dualsFromFixedIntegers: false, isMIP: isMIP, algorithm: isMIP ? .branchAndCut : .simplex, raw: raw,
            simplexIterations: iterations, nodes: 0, bendersIterations: 0, seconds: seconds)
    }

    /// What is left of one solve's limits across the several `glp_simplex` runs it makes. GLPK
    /// counts `tm_lim` and `it_lim` per call (and `GLP_DUALP`'s primal fallback, inside one
    /// call, starts both afresh): without this, a solve given T seconds could take 2T or more.
    struct SimplexBudget {
        let stopwatch: Stopwatch
        /// Seconds from the stopwatch's start; nil for none.
        let seconds: Double?
        let iterations: Int?
        /// Iterations GLPK reported so far (a dual simplex that fails with GLP_EFAIL reports none).
        var iterationsUsed = 0

        init(stopwatch: Stopwatch = Stopwatch(), seconds: Double?, iterations: Int?) {
            self.stopwatch = stopwatch
            self.seconds = seconds
            self.iterations = iterations
        }

        /// `parm` with what is left of the limits.
        func limit(_ parm: glp_smcp) -> glp_smcp {
            var parm = parm
            parm.tm_lim = seconds.map { GLPKSolver.milliseconds($0 - stopwatch.seconds) } ?? Int32.max
            parm.it_lim = iterations.map { Int32(clamping: max(0, $0 - iterationsUsed)) } ?? Int32.max
            return parm
        }
    }

    /// `glp_simplex` within `budget`. `GLP_DUALP` is run as GLPK runs it (the dual simplex, then
    /// on GLP_EFAIL with a valid factorization the primal simplex from there) but as two calls,
    /// so that the primal simplex gets what the dual left of the limits. Where the dual simplex
    /// succeeds the result is GLPK's own: `GLP_DUAL` and `GLP_DUALP` differ only after ten
    /// numerical instabilities, where `GLP_DUALP` gives up (GLP_EFAIL) and `GLP_DUAL` tries on.
    static func simplex(_ problem: OpaquePointer, parm: glp_smcp, budget: inout SimplexBudget) -> Int32 {
        var limited = budget.limit(parm)
        let dualThenPrimal = parm.meth == GLP_DUALP
        if dualThenPrimal { limited.meth = GLP_DUAL }
        var code = counted(problem, &limited, budget: &budget)
        // With the presolver, the failed dual's basis is of the presolved LP and gone; the
        // primal simplex then starts from the presolver's own basis, as in GLP_DUALP.
        if dualThenPrimal, code == GLP_EFAIL, parm.presolve == GLP_ON || guarded_glp_bf_exists(problem) != 0 {
            limited = budget.limit(parm)
            limited.meth = GLP_PRIMAL
            code = counted(problem, &limited, budget: &budget)
        }
        return code
    }

    private static func counted(_ problem: OpaquePointer, _ parm: inout glp_smcp, budget: inout SimplexBudget) -> Int32 {
        let before = guarded_glp_get_it_cnt(problem)
        let code = guarded_glp_simplex(problem, &parm)
        budget.iterationsUsed += Int(max(0, guarded_glp_get_it_cnt(problem) - before))
        return code
    }

    /// Solves the relaxation with `parm` within `budget`; the dual simplex's unclassified stops
    /// and the presolver's basis-less answers are re-solved (with what is left of the budget)
    /// so that the status has a basis and a name.
    static func solveRelaxation(_ problem: OpaquePointer, parm: inout glp_smcp, presolve: Bool, budget: inout SimplexBudget) -> Int32 {
        var lpReturn = simplex(problem, parm: parm, budget: &budget)
        if presolve, lpReturn == GLP_ENOPFS || lpReturn == GLP_ENODFS {
            // The presolver proves infeasibility or unboundedness without a basis; solve again
            // without it so that the result says which, with GLPK's status.
            parm.presolve = GLP_OFF
            lpReturn = simplex(problem, parm: parm, budget: &budget)
        }
        if lpReturn == 0, parm.meth != GLP_PRIMAL {
            let status = guarded_glp_get_status(problem)
            if status != GLP_OPT, status != GLP_NOFEAS, status != GLP_UNBND {
                // The dual simplex stops at "dual infeasible" without saying whether the primal
                // is unbounded or infeasible; the primal simplex, from where it stopped, does.
                parm.meth = GLP_PRIMAL
                lpReturn = simplex(problem, parm: parm, budget: &budget)
            }
        }
        return lpReturn
    }

    /// The result of an LP solve on `problem`, as `lpOutcome` classified it: the point, row
    /// activities, duals and reduced costs where GLPK has them.
    static func lpSolution(_ problem: OpaquePointer, model: LinearModel, lp: LPOutcome, iterations: Int, seconds: Double) -> Solution {
        let n = model.variableCount, m = model.constraintCount
        let primal = lp.primal == .feasiblePoint, dual = lp.dual == .feasiblePoint
        return Solution(
            termination: lp.termination, primalStatus: lp.primal, dualStatus: lp.dual,
            objectiveValue: primal ? guarded_glp_get_obj_val(problem) : nil,
            objectiveBound: lp.termination == .optimal ? guarded_glp_get_obj_val(problem) : nil, relativeGap: nil,
            values: primal ? columnValues(problem, n, guarded_glp_get_col_prim) : [],
            rowActivities: primal ? rowValues(problem, m, guarded_glp_get_row_prim) : [],
            rowDuals: dual ? rowValues(problem, m, guarded_glp_get_row_dual) : nil,
            reducedCosts: dual ? columnValues(problem, n, guarded_glp_get_col_dual) : nil,
            dualsFromFixedIntegers: false, isMIP: false, algorithm: .simplex, raw: lp.raw,
            simplexIterations: iterations, nodes: 0, bendersIterations: 0, seconds: seconds)
    }

    static func run(_ problem: OpaquePointer, model: LinearModel, options: SolveOptions, session: GLPKSession) throws -> Solution {
        let stopwatch = Stopwatch()
        func elapsed() -> Double { stopwatch.seconds }
        let verbose = options.output != nil
        let isMIP = model.hasIntegerVariables && !options.relaxIntegrality
        if options.mip.cancellation?.isCancelled == true {
            return noPoint(.cancelled, isMIP: isMIP, raw: RawSolverStatus(routine: .simplex, code: 0, status: GLP_UNDEF), iterations: 0, seconds: 0)
        }
        let overallLimit = isMIP ? options.mip.timeLimit ?? options.simplex.timeLimit : options.simplex.timeLimit
        scale(problem, options.simplex.scaling)
        var parm = simplexParameters(options.simplex, verbose: verbose, timeLimit: overallLimit)
        var budget = SimplexBudget(stopwatch: stopwatch, seconds: overallLimit, iterations: options.simplex.iterationLimit)
        let lpReturn = solveRelaxation(problem, parm: &parm, presolve: options.simplex.presolve, budget: &budget)
        try session.check()
        let lp = lpOutcome(problem, returnCode: lpReturn, model: model)
        if !isMIP {
            return lpSolution(problem, model: model, lp: lp, iterations: Int(guarded_glp_get_it_cnt(problem)), seconds: elapsed())
        }
        guard lp.termination == .optimal else {
            // The relaxation decides: infeasible relaxation = infeasible MIP; an unbounded
            // relaxation leaves the MIP infeasible or unbounded.
            let termination: TerminationReason = lp.termination == .unbounded ? .infeasibleOrUnbounded : lp.termination
            return noPoint(termination, isMIP: true, raw: lp.raw, iterations: Int(guarded_glp_get_it_cnt(problem)), seconds: elapsed())
        }
        // The relaxation's optimum (with the root's cuts, when they stay) bounds the MIP until
        // branch-and-cut has a bound of its own.
        let rootCuts = try separateRootCuts(problem, model: model, options: options, parm: parm, budget: &budget, session: session)
        let relaxationBound = guarded_glp_get_obj_val(problem)
        return try runBranchAndCut(
            problem, model: model, options: options, session: session, stopwatch: stopwatch, relaxationBound: relaxationBound,
            rootCuts: rootCuts)
    }

    /// The rows `separateRootCuts` added after the model's own, and the optimal basis of the
    /// relaxation without them, to go back to.
    struct RootCuts {
        let modelRows: Int32
        let rowStatus: [Int32]
        let columnStatus: [Int32]
        var rowCount: Int32 = 0

        /// Deletes the cut rows and restores the relaxation's basis without them: a valid basis
        /// again (a binding cut row is nonbasic, so deleting it alone would leave one basic
        /// variable too few).
        func remove(from problem: OpaquePointer) {
            let rows = [0] + (1...rowCount).map { modelRows + $0 }
            guarded_glp_del_rows(problem, rowCount, rows)
            for (i, status) in rowStatus.enumerated() { guarded_glp_set_row_stat(problem, Int32(i + 1), status) }
            for (j, status) in columnStatus.enumerated() { guarded_glp_set_col_stat(problem, Int32(j + 1), status) }
        }
    }

    /// `MIPOptions.rootCutCandidates` at the optimal relaxation: the candidates its point
    /// violates are added as rows and the relaxation solved again, warm, for at most
    /// `rootCutRounds` rounds. The rows stay (the result says which) when the optimum rose by
    /// at least `rootCutMinimumGain`; otherwise, or when a re-solve does not end optimal, they
    /// are removed and the relaxation is as it was. Minimizing and maximizing alike.
    static func separateRootCuts(
        _ problem: OpaquePointer, model: LinearModel, options: SolveOptions, parm: glp_smcp, budget: inout SimplexBudget,
        session: GLPKSession
    ) throws -> RootCuts? {
        let mip = options.mip
        guard !mip.rootCutCandidates.isEmpty, mip.rootCutRounds > 0, model.constraintCount > 0 else { return nil }
        let modelRows = Int32(model.constraintCount), columns = Int32(model.variableCount)
        let sense: Double = model.direction == .minimize ? 1 : -1
        let before = guarded_glp_get_obj_val(problem)
        var state = RootCuts(
            modelRows: modelRows, rowStatus: (1...modelRows).map { guarded_glp_get_row_stat(problem, $0) },
            columnStatus: columns > 0 ? (1...columns).map { guarded_glp_get_col_stat(problem, $0) } : [])
        var warm = parm
        warm.presolve = GLP_OFF
        var added = [Bool](repeating: false, count: mip.rootCutCandidates.count)
        func restore() -> RootCuts? {
            if state.rowCount > 0 {
                state.remove(from: problem)
                // The relaxation's own optimal basis again: no iteration, but GLPK's status must
                // be optimal for branch-and-cut, even when a re-solve used up the limits.
                var unlimited = SimplexBudget(stopwatch: budget.stopwatch, seconds: nil, iterations: nil)
                _ = simplex(problem, parm: warm, budget: &unlimited)
            }
            return nil
        }
        for _ in 0..<mip.rootCutRounds {
            let point = columnValues(problem, model.variableCount, guarded_glp_get_col_prim)
            let violated = mip.rootCutCandidates.indices.filter { !added[$0] && mip.rootCutCandidates[$0].isViolated(by: point) }
            guard !violated.isEmpty else { break }
            let first = guarded_glp_add_rows(problem, Int32(violated.count))
            for (k, candidate) in violated.enumerated() {
                let c = mip.rootCutCandidates[candidate]
                let indices = [0] + c.variables.map { Int32($0.index + 1) }
                let values = [0] + c.coefficients
                guarded_glp_set_mat_row(problem, first + Int32(k), Int32(c.variables.count), indices, values)
                guarded_glp_set_row_bnds(problem, first + Int32(k), GLP_UP, 0, c.upperBound)
                added[candidate] = true
            }
            state.rowCount += Int32(violated.count)
            let code = simplex(problem, parm: warm, budget: &budget)
            try session.check()
            guard code == 0, guarded_glp_get_status(problem) == GLP_OPT else { return restore() }
        }
        guard state.rowCount > 0 else { return nil }
        let gain = sense * (guarded_glp_get_obj_val(problem) - before)
        guard gain >= mip.rootCutMinimumGain * max(1, abs(before)) else { return restore() }
        return state
    }

    /// GLPK's branch-and-cut parameters for `mip`, with `seconds` left of the time limit.
    static func branchAndCutParameters(_ mip: MIPOptions, verbose: Bool, secondsLeft: Double?) -> glp_iocp {
        var iocp = glp_iocp()
        guarded_glp_init_iocp(&iocp)
        iocp.msg_lev = verbose ? GLP_MSG_ON : GLP_MSG_OFF
        iocp.presolve = mip.presolve ? GLP_ON : GLP_OFF
        iocp.gmi_cuts = mip.cuts.contains(.gomory) ? GLP_ON : GLP_OFF
        iocp.mir_cuts = mip.cuts.contains(.mixedIntegerRounding) ? GLP_ON : GLP_OFF
        iocp.cov_cuts = mip.cuts.contains(.cover) ? GLP_ON : GLP_OFF
        iocp.clq_cuts = mip.cuts.contains(.clique) ? GLP_ON : GLP_OFF
        iocp.mip_gap = mip.relativeGap
        iocp.fp_heur = mip.feasibilityPump ? GLP_ON : GLP_OFF
        iocp.ps_heur = mip.proximitySearch ? GLP_ON : GLP_OFF
        if let limit = mip.proximitySearchTimeLimit { iocp.ps_tm_lim = milliseconds(limit) }
        switch mip.branching {
        case .firstFractional: iocp.br_tech = GLP_BR_FFV
        case .lastFractional: iocp.br_tech = GLP_BR_LFV
        case .mostFractional: iocp.br_tech = GLP_BR_MFV
        case .driebeckTomlin: iocp.br_tech = GLP_BR_DTH
        case .pseudocost: iocp.br_tech = GLP_BR_PCH
        }
        switch mip.backtracking {
        case .depthFirst: iocp.bt_tech = GLP_BT_DFS
        case .breadthFirst: iocp.bt_tech = GLP_BT_BFS
        case .bestLocalBound: iocp.bt_tech = GLP_BT_BLB
        case .bestProjection: iocp.bt_tech = GLP_BT_BPH
        }
        if let secondsLeft { iocp.tm_lim = milliseconds(max(0, secondsLeft)) }
        return iocp
    }

    /// What `glp_intopt` and its callback said.
    struct BranchAndCutRun {
        let returnCode: Int32
        let termination: TerminationReason
        let bestBound: Double?
        let totalNodes: Int
    }

    /// Runs `glp_intopt` through the shim's C callback (starting point, node limit,
    /// cancellation, progress with plain numbers); the relaxation must be optimal.
    static func branchAndCut(
        _ problem: OpaquePointer, parameters: glp_iocp, mip: MIPOptions, start: [Double]?, stopwatch: Stopwatch
    ) -> BranchAndCutRun {
        var iocp = parameters
        var control = capplan_branch_and_cut()
        control.node_limit = Int32(clamping: max(0, mip.nodeLimit ?? 0))
        if let target = mip.objectiveTarget {
            control.has_target = 1
            control.target = target
        }
        if let seconds = mip.incumbentTimeLimit {
            control.has_incumbent_deadline = 1
            control.incumbent_deadline = capplan_monotonic_seconds() + max(0, seconds - stopwatch.seconds)
        }
        let reporter = mip.progress.map { ProgressReporter(progress: $0, stopwatch: stopwatch) }
        let returnCode: Int32 = withExtendedLifetime((reporter, mip.cancellation)) {
            control.cancellation = mip.cancellation?.flag
            if let reporter {
                control.progress_context = Unmanaged.passUnretained(reporter).toOpaque()
                control.progress = { context, progress in
                    Unmanaged<ProgressReporter>.fromOpaque(context!).takeUnretainedValue().report(progress!.pointee)
                }
            }
            guard let start else { return capplan_glpk_intopt(problem, &iocp, &control) }
            return start.withUnsafeBufferPointer { buffer in
                control.starting_solution = buffer.baseAddress
                return capplan_glpk_intopt(problem, &iocp, &control)
            }
        }
        let status = guarded_glp_mip_status(problem)
        let termination: TerminationReason
        switch returnCode {
        case 0:
            termination = status == GLP_OPT ? .optimal : status == GLP_NOFEAS ? .infeasible : .other
        case GLP_EMIPGAP: termination = .optimal  // optimal within the requested gap
        case GLP_ETMLIM: termination = .timeLimit
        case GLP_ESTOP:
            termination = control.stopped_by_cancellation != 0 ? .cancelled
                : control.stopped_by_incumbent_deadline != 0 ? .timeLimit
                : control.stopped_by_node_limit != 0 ? .nodeLimit
                : control.stopped_by_target != 0 ? .objectiveTarget : .interrupted
        case GLP_ENOPFS: termination = .infeasible
        case GLP_ENODFS: termination = .infeasibleOrUnbounded
        case GLP_EBOUND: termination = .invalidModel
        case GLP_EFAIL: termination = .numericalError
        default: termination = .other
        }
        return BranchAndCutRun(
            returnCode: returnCode, termination: termination,
            bestBound: control.has_bound != 0 ? control.best_bound : nil, totalNodes: Int(control.total_nodes))
    }

    /// The share of the time limit the LPs after branch-and-cut (the fixed LP of
    /// `computeFixedDuals`) get when branch-and-cut used all of it: a solve stopped at its limit
    /// still gets its duals when they come quickly, and ends within about its limit.
    static let afterLimitGrace = 0.05

    static func runBranchAndCut(
        _ problem: OpaquePointer, model: LinearModel, options: SolveOptions, session: GLPKSession, stopwatch: Stopwatch,
        relaxationBound: Double, rootCuts: RootCuts? = nil
    ) throws -> Solution {
        let overallLimit = options.mip.timeLimit ?? options.simplex.timeLimit
        let mip = options.mip
        // The starting point goes in through the callback, which only exists for the original
        // problem: GLPK's MIP presolver would change the columns.
        var start: [Double]? = nil
        // GLPK rejects a point whose integer columns are not exactly whole (glp_ios_heur_sol
        // compares x with floor(x)); one completed by a simplex can carry 2.0000000003.
        if let given = mip.startingSolution, !mip.presolve {
            start = [0] + given.indices.map { model.variableKinds[$0] == .continuous ? given[$0] : given[$0].rounded() }
        }
        if start == nil, !mip.presolve, let heuristic = mip.roundingHeuristic {
            switch try roundedStart(problem, model: model, heuristic: heuristic, options: options, session: session, stopwatch: stopwatch) {
            case .point(let point): start = point
            case .none: break
            case .failed(let result): return result
            }
        }
        // Set after the rounding start, whose LPs count against the same limit.
        let iocp = branchAndCutParameters(
            mip, verbose: options.output != nil, secondsLeft: mip.timeLimit.map { $0 - stopwatch.seconds })
        var search = branchAndCut(problem, parameters: iocp, mip: mip, start: start, stopwatch: stopwatch)
        try session.check()
        if mip.presolve, search.returnCode == GLP_ENOPFS || search.returnCode == GLP_ENODFS,
           guarded_glp_get_status(problem) == GLP_OPT {
            // GLPK's MIP presolver decides on its own transformed problem and tolerances: it
            // called a model whose relaxation is optimal here infeasible (demand growing 100x a
            // period, objective 8e26). Its verdict is checked by branch-and-cut without it.
            var plain = mip
            plain.presolve = false
            let again = branchAndCutParameters(
                plain, verbose: options.output != nil, secondsLeft: plain.timeLimit.map { $0 - stopwatch.seconds })
            search = branchAndCut(problem, parameters: again, mip: plain, start: nil, stopwatch: stopwatch)
            try session.check()
        }
        let returnCode = search.returnCode
        let status = guarded_glp_mip_status(problem)
        let hasPoint = status == GLP_OPT || status == GLP_FEAS
        let objective: Double? = hasPoint ? guarded_glp_mip_obj_val(problem) : nil
        var bound: Double? = search.bestBound ?? (search.termination == .infeasible ? nil : relaxationBound)
        if status == GLP_OPT, returnCode == 0 { bound = objective }
        if returnCode == GLP_EMIPGAP, let objective {
            // GLPK stopped because its gap fell under mip_gap, at a bound the callback may not
            // have seen (it reads the bound at new incumbents and node selections only), so the
            // bound it read can be stale: GLPK's test itself proves |objective − bound| <
            // mip_gap · (|objective| + ε) (ios_relative_gap), and so this bound.
            let proven = mip.relativeGap * (abs(objective) + Double.ulpOfOne)
            let atLeast = model.direction == .maximize ? objective + proven : objective - proven
            bound = bound.map { model.direction == .maximize ? min($0, atLeast) : max($0, atLeast) } ?? atLeast
        }
        var gap: Double? = nil
        if let objective, let bound {
            gap = Solution.relativeGap(objective: objective, bound: bound)
        } else if status == GLP_OPT {
            gap = 0
        }
        var objectiveValue = objective
        var values = hasPoint ? columnValues(problem, model.variableCount, guarded_glp_mip_col_val) : []
        var activities = hasPoint ? rowValues(problem, model.constraintCount, guarded_glp_mip_row_val) : []
        var duals: [Double]? = nil
        var reducedCosts: [Double]? = nil
        if mip.computeFixedDuals, hasPoint {
            // Fix every integer column at its (rounded) value and re-solve the LP: its duals
            // price the remaining continuous decisions given the integer ones. Without the
            // root's cuts: with the integers fixed they only repeat the model's own rows, and
            // would share their duals.
            rootCuts?.remove(from: problem)
            for j in 0..<model.variableCount where model.variableKinds[j] != .continuous {
                let value = values[j].rounded()
                guarded_glp_set_col_kind(problem, Int32(j + 1), GLP_CV)
                guarded_glp_set_col_bnds(problem, Int32(j + 1), GLP_FX, value, value)
            }
            var parm = simplexParameters(options.simplex, verbose: options.output != nil, timeLimit: nil)
            parm.presolve = GLP_OFF
            var budget = SimplexBudget(
                stopwatch: stopwatch, seconds: overallLimit.map { max($0, stopwatch.seconds + afterLimitGrace * $0) },
                iterations: options.simplex.iterationLimit)
            let fixedReturn = simplex(problem, parm: parm, budget: &budget)
            if fixedReturn == 0, guarded_glp_get_status(problem) == GLP_OPT {
                duals = rowValues(problem, model.constraintCount, guarded_glp_get_row_dual)
                reducedCosts = columnValues(problem, model.variableCount, guarded_glp_get_col_dual)
                // The fixed LP's point is the MIP's point polished: integer columns exactly
                // integer, continuous ones optimal for them (GLPK's integrality tolerance
                // would otherwise leave values like 2.000003).
                values = columnValues(problem, model.variableCount, guarded_glp_get_col_prim)
                activities = rowValues(problem, model.constraintCount, guarded_glp_get_row_prim)
                objectiveValue = guarded_glp_get_obj_val(problem)
            }
            // Otherwise the MIP's own point stands, without duals.
            try session.check()
        }
        return Solution(
            termination: search.termination, primalStatus: hasPoint ? .feasiblePoint : .noSolution,
            dualStatus: duals != nil ? .feasiblePoint : .noSolution, objectiveValue: objectiveValue, objectiveBound: bound,
            relativeGap: gap, values: values, rowActivities: activities, rowDuals: duals, reducedCosts: reducedCosts,
            dualsFromFixedIntegers: duals != nil, isMIP: true, algorithm: .branchAndCut,
            raw: RawSolverStatus(routine: .intopt, code: returnCode, status: status),
            simplexIterations: Int(guarded_glp_get_it_cnt(problem)), nodes: search.totalNodes, bendersIterations: 0,
            seconds: stopwatch.seconds)
    }

    /// What `roundedStart` found.
    enum RoundedStart {
        /// The proposal completed by the LP, 1-based for `glp_ios_heur_sol`.
        case point([Double])
        /// No proposal, or one the LP could not complete.
        case none
        /// The relaxation could not be made optimal again afterwards (`glp_intopt` would refuse
        /// it with GLP_EROOT): the solve's result, saying what its last simplex said.
        case failed(Solution)
    }

    /// The rounding heuristic's proposal from the problem's optimal relaxation, completed by an
    /// LP with the integer columns fixed (`completeProposal`), the relaxation restored after.
    /// Within what is left of the solve's time limit.
    static func roundedStart(
        _ problem: OpaquePointer, model: LinearModel, heuristic: ([Double]) -> [Double]?, options: SolveOptions, session: GLPKSession,
        stopwatch: Stopwatch
    ) throws -> RoundedStart {
        let relaxation = columnValues(problem, model.variableCount, guarded_glp_get_col_prim)
        guard let proposal = heuristic(relaxation), proposal.count == model.variableCount else { return .none }
        let completed = completeProposal(
            problem, model: model, proposal: proposal, options: options, stopwatch: stopwatch,
            seconds: options.mip.timeLimit ?? options.simplex.timeLimit)
        try session.check()
        guard completed.relaxationRestored else {
            let lp = lpOutcome(problem, returnCode: completed.restoringReturnCode, model: model)
            let termination: TerminationReason = lp.termination == .optimal ? .numericalError : lp.termination
            return .failed(noPoint(termination, isMIP: true, raw: lp.raw, iterations: Int(guarded_glp_get_it_cnt(problem)), seconds: stopwatch.seconds))
        }
        return completed.point.map { .point($0) } ?? .none
    }

    /// What `completeProposal` found.
    struct CompletedProposal {
        /// The proposal completed by the LP, 1-based for `glp_ios_heur_sol`; nil when that LP
        /// is not optimal.
        let point: [Double]?
        /// False when the relaxation could not be re-solved to optimality afterwards.
        let relaxationRestored: Bool
        let restoringReturnCode: Int32
    }

    /// Fixes the integer columns at `proposal`, solves the LP for the rest from the current
    /// (relaxation's) basis, and restores the problem and an optimal relaxation basis, which
    /// `glp_intopt` needs.
    static func completeProposal(
        _ problem: OpaquePointer, model: LinearModel, proposal: [Double], options: SolveOptions, stopwatch: Stopwatch, seconds: Double?
    ) -> CompletedProposal {
        // Within what is left of the solve's time limit; each LP has its own iteration limit.
        func budget() -> SimplexBudget { SimplexBudget(stopwatch: stopwatch, seconds: seconds, iterations: options.simplex.iterationLimit) }
        let integerColumns = (0..<model.variableCount).filter { model.variableKinds[$0] != .continuous }
        let saved = integerColumns.map { j -> (Int32, Int32, Double, Double) in
            let column = Int32(j + 1)
            return (guarded_glp_get_col_kind(problem, column), guarded_glp_get_col_type(problem, column),
                    guarded_glp_get_col_lb(problem, column), guarded_glp_get_col_ub(problem, column))
        }
        for j in integerColumns {
            let value = proposal[j].rounded()
            guarded_glp_set_col_kind(problem, Int32(j + 1), GLP_CV)
            guarded_glp_set_col_bnds(problem, Int32(j + 1), GLP_FX, value, value)
        }
        var parm = simplexParameters(options.simplex, verbose: options.output != nil, timeLimit: nil)
        parm.presolve = GLP_OFF
        parm.meth = GLP_DUALP
        var point: [Double]? = nil
        var completing = budget()
        if simplex(problem, parm: parm, budget: &completing) == 0, guarded_glp_get_status(problem) == GLP_OPT {
            point = [0] + columnValues(problem, model.variableCount, guarded_glp_get_col_prim)
        }
        for (k, j) in integerColumns.enumerated() {
            let (kind, type, lower, upper) = saved[k]
            guarded_glp_set_col_kind(problem, Int32(j + 1), kind)
            guarded_glp_set_col_bnds(problem, Int32(j + 1), type, lower, upper)
        }
        // Looser bounds keep the basis primal feasible: the primal simplex re-optimizes.
        parm.meth = GLP_PRIMAL
        var restoringBudget = budget()
        var restoring = simplex(problem, parm: parm, budget: &restoringBudget)
        if restoring != 0 || guarded_glp_get_status(problem) != GLP_OPT, restoring != GLP_ETMLIM {
            // Seen on a badly scaled model (objective 8e26): the warm primal simplex stops short
            // of optimal. Solve the relaxation afresh, as the first time.
            guarded_glp_std_basis(problem)
            var fresh = simplexParameters(options.simplex, verbose: options.output != nil, timeLimit: nil)
            fresh.presolve = GLP_OFF
            var freshBudget = budget()
            restoring = solveRelaxation(problem, parm: &fresh, presolve: false, budget: &freshBudget)
        }
        return CompletedProposal(
            point: point, relaxationRestored: restoring == 0 && guarded_glp_get_status(problem) == GLP_OPT,
            restoringReturnCode: restoring)
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
        let status = guarded_glp_get_status(problem)
        func point(_ s: Int32) -> ResultStatus {
            s == GLP_FEAS ? .feasiblePoint : s == GLP_INFEAS ? .infeasiblePoint : .noSolution
        }
        var primal = point(guarded_glp_get_prim_stat(problem))
        var dual = point(guarded_glp_get_dual_stat(problem))
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
            raw: RawSolverStatus(routine: .simplex, code: returnCode, status: status))
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

extension RawSolverStatus {
    init(routine: GLPKRoutine, code: Int32, status: Int32) {
        self.init(
            routine: routine, returnCode: code, returnCodeName: GLPKSolver.returnCodeName(code),
            status: status, statusName: GLPKSolver.statusName(status))
    }
}

/// Hands the branch-and-cut callback's numbers to the caller's progress closure, about twice
/// a second and on every new incumbent. Called from the shim's C callback with plain data; it
/// calls no GLPK routine.
private final class ProgressReporter {
    let progress: @Sendable (MIPProgress) -> Void
    let stopwatch: Stopwatch
    var lastReport = -1.0

    init(progress: @escaping @Sendable (MIPProgress) -> Void, stopwatch: Stopwatch) {
        self.progress = progress
        self.stopwatch = stopwatch
    }

    func report(_ data: capplan_mip_progress) {
        let now = stopwatch.seconds
        guard data.new_incumbent != 0 || now - lastReport >= 0.5 else { return }
        lastReport = now
        progress(MIPProgress(
            incumbent: data.has_incumbent != 0 ? data.incumbent : nil, bestBound: data.has_bound != 0 ? data.bound : nil,
            relativeGap: data.has_incumbent != 0 ? data.gap : nil,
            activeNodes: Int(data.active_nodes), totalNodes: Int(data.total_nodes), seconds: now))
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
