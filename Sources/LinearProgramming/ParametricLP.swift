import CGLPK
import GLPKGuard

/// A family of models along a line: objective coefficients c(t) = c + t·Δc and matrix entries
/// A(t) = A + t·ΔA, everything else (bounds, kinds, right-hand sides) fixed. `withSolver`
/// solves members one after another on **one** GLPK problem: only the moved coefficients are
/// changed between solves, and each simplex run starts from the previous optimal basis. After
/// an objective change that basis stays primal feasible, so the primal simplex from it takes a
/// few pivots where a solve from scratch takes the whole path again.
///
/// A member's optimal *value* is what a cold `GLPKSolver.solve(model(at: t))` gives (up to the
/// simplex tolerances); where the optimum is not unique the warm solve may stop at another
/// optimal point. The first solve on the problem is exactly the cold one.
public struct ParametricLP: Sendable {
    /// An entry ΔA_ij: `delta` is added, times t, to the entry (row, column) (to 0 if the base
    /// model has none there). Several deltas on one entry are summed.
    public struct EntryDelta: Sendable, Equatable {
        public let row: Int
        public let column: Int
        public let delta: Double
        public init(row: Int, column: Int, delta: Double) {
            self.row = row
            self.column = column
            self.delta = delta
        }
    }

    public let base: LinearModel
    public let objectiveDelta: [Double]
    public let entryDeltas: [EntryDelta]

    public init(base: LinearModel, objectiveDelta: [Double], entryDeltas: [EntryDelta]) throws {
        guard objectiveDelta.count == base.variableCount else {
            throw LinearProgrammingError.dimensionMismatch(what: "objective delta", expected: base.variableCount, got: objectiveDelta.count)
        }
        for (k, entry) in entryDeltas.enumerated() {
            guard entry.row >= 0, entry.row < base.constraintCount, entry.column >= 0, entry.column < base.variableCount else {
                throw LinearProgrammingError.indexOutOfRange(entry: k, row: entry.row, column: entry.column)
            }
        }
        self.base = base
        self.objectiveDelta = objectiveDelta
        self.entryDeltas = entryDeltas
    }

    /// The objective coefficient of column j at t.
    @inline(__always) func objective(_ j: Int, at t: Double) -> Double {
        base.objectiveCoefficients[j] + t * objectiveDelta[j]
    }

    /// The member at t as a model of its own (what a cold solve would be given): the deltas
    /// go in as added terms, which the solver sums with the base entries.
    public func model(at t: Double) -> LinearModel {
        var lp = base
        for variable in lp.variables { lp.setObjective(variable, objective(variable.index, at: t)) }
        for entry in entryDeltas {
            lp.addTerm(Constraint(index: entry.row), Variable(index: entry.column), t * entry.delta)
        }
        return lp
    }

    /// Runs `body` with a solver of this family on the calling thread. The solver and its
    /// GLPK problem live only as long as `body`: a GLPK session is open on the thread meanwhile,
    /// so `body` must not call `GLPKSolver` (it would throw `nestedGLPKCall`).
    ///
    /// `options` are those of every solve; a solve's own time limit replaces both limits.
    /// `options.mip.computeFixedDuals` is ignored: fixing the integer columns would change the
    /// shared problem.
    public func withSolver<T>(options: SolveOptions = SolveOptions(), _ body: (ParametricSolver) throws -> T) throws -> T {
        try base.validate()
        for (k, entry) in entryDeltas.enumerated() where !entry.delta.isFinite {
            throw LinearProgrammingError.nonFiniteNumber(location: "entry delta \(k)", field: "coefficient", value: entry.delta)
        }
        if let j = objectiveDelta.firstIndex(where: { !$0.isFinite }) {
            throw LinearProgrammingError.nonFiniteNumber(location: "objective delta \(j)", field: "coefficient", value: objectiveDelta[j])
        }
        var options = options
        options.mip.computeFixedDuals = false
        let solveOptions = options
        return try withGLPK(output: options.output) { session in
            let solver = ParametricSolver(family: self, options: solveOptions, session: session)
            defer { solver.close() }
            return try body(solver)
        }
    }
}

/// Solves the members of a `ParametricLP` on one GLPK problem (see `ParametricLP.withSolver`).
/// Not thread-safe, and only valid inside `withSolver`'s body.
public final class ParametricSolver {
    private let family: ParametricLP
    private let options: SolveOptions
    private let session: GLPKSession
    private var problem: OpaquePointer?
    private var closed = false
    /// The 1-based rows that the entry deltas touch, with the base row's entries (columns
    /// 1-based, duplicates summed as the cold load sums them) and the deltas in entry order.
    private let movedRows: [(row: Int32, columns: [Int32], values: [Double], deltas: [(slot: Int, delta: Double)])]
    private var currentT: Double?
    /// Points of the family known to be feasible (given by `offer`, and the optima of MIP
    /// members): each MIP solve starts with the cheapest one that is still feasible at its t.
    private var knownPoints: [[Double]] = []

    /// Solves done warm (from the previous basis) and cold (from scratch: the first, and any
    /// warm solve that did not end optimal, repeated from GLPK's standard basis).
    public private(set) var warmSolves = 0
    public private(set) var coldSolves = 0

    init(family: ParametricLP, options: SolveOptions, session: GLPKSession) {
        self.family = family
        self.options = options
        self.session = session
        // Row-wise copies of the moved rows, from the base's compiled (summed) matrix.
        let rows = Set(family.entryDeltas.map(\.row)).sorted()
        var rowPosition: [Int: Int] = [:]
        for (k, row) in rows.enumerated() { rowPosition[row] = k }
        var moved = rows.map { (row: Int32($0 + 1), columns: [Int32](), values: [Double](), deltas: [(slot: Int, delta: Double)]()) }
        if !rows.isEmpty {
            let matrix = family.base.compiledMatrix()
            for k in 1..<matrix.values.count {
                if let p = rowPosition[Int(matrix.rowIndices[k]) - 1] {
                    moved[p].columns.append(matrix.columnIndices[k])
                    moved[p].values.append(matrix.values[k])
                }
            }
            for entry in family.entryDeltas {
                let p = rowPosition[entry.row]!
                let column = Int32(entry.column + 1)
                let slot: Int
                if let existing = moved[p].columns.firstIndex(of: column) {
                    slot = existing
                } else {
                    moved[p].columns.append(column)
                    moved[p].values.append(0)
                    slot = moved[p].columns.count - 1
                }
                moved[p].deltas.append((slot, entry.delta))
            }
        }
        movedRows = moved
    }

    func close() { closed = true }

    /// Offers a point feasible for some member (e.g. the cold optimum at t = 0, found apart).
    /// A MIP member whose moved rows it still satisfies starts branch-and-cut with the cheapest
    /// such point as its incumbent, which prunes from the first node; the optimum found is the
    /// same (up to the gap). Integer columns are rounded to whole values.
    public func offer(_ point: [Double]) {
        precondition(point.count == family.base.variableCount, "one value per variable")
        var point = point
        for j in point.indices where family.base.variableKinds[j] != .continuous { point[j] = point[j].rounded() }
        if !knownPoints.contains(point) { knownPoints.append(point) }
        // The first (given) and the latest are the ones worth keeping.
        if knownPoints.count > 3 { knownPoints.remove(at: 1) }
    }

    /// The cheapest known point that satisfies the moved rows at t (the other rows and the
    /// bounds do not move), or nil.
    private func incumbent(at t: Double) -> [Double]? {
        let base = family.base
        var best: (cost: Double, point: [Double])?
        for point in knownPoints {
            var feasible = true
            for row in movedRows where feasible {
                var values = row.values
                for (slot, delta) in row.deltas { values[slot] += t * delta }
                var activity = 0.0
                for k in values.indices { activity += values[k] * point[Int(row.columns[k]) - 1] }
                let i = Int(row.row) - 1, slack = 1e-9 * max(1, abs(activity))
                if let upper = base.constraintUpper[i], activity > upper + slack { feasible = false }
                if let lower = base.constraintLower[i], activity < lower - slack { feasible = false }
            }
            guard feasible else { continue }
            var cost = 0.0
            for j in point.indices { cost += family.objective(j, at: t) * point[j] }
            if base.direction == .maximize { cost = -cost }
            if best == nil || cost < best!.cost { best = (cost, point) }
        }
        return best?.point
    }

    /// The optimal point of the member at `t`. The first call solves from scratch exactly as
    /// `GLPKSolver.solve(family.model(at: t))` does (a MIP with a point offered starts with it
    /// as incumbent); later calls change the moved coefficients
    /// and re-solve from the previous basis with the primal simplex (then branch-and-cut for a
    /// MIP, whose root relaxation starts from that basis, with the cheapest known point still
    /// feasible at t as its first incumbent: see `offer`). `timeLimit` (seconds) bounds this
    /// solve, and `objectiveTarget` (`MIPOptions.objectiveTarget`) lets branch-and-cut stop at
    /// the first point better than it; `cuts`, `branching` and `backtracking`, when given,
    /// replace the family's for this solve. A `MIPOptions.roundingHeuristic` runs at every warm
    /// MIP solve, on the relaxation at t (not only without a known point, as in
    /// `GLPKSolver.solve`): its proposal, completed by an LP, joins the known points. Infeasible,
    /// unbounded and stopped solves are stated in the result, as by `GLPKSolver.solve`.
    public func solve(
        at t: Double, timeLimit: Double? = nil, objectiveTarget: Double? = nil, cuts: CutSet? = nil,
        branching: MIPOptions.Branching? = nil, backtracking: MIPOptions.Backtracking? = nil
    ) throws -> Solution {
        var options = options
        options.mip.objectiveTarget = objectiveTarget
        if let cuts { options.mip.cuts = cuts }
        if let branching { options.mip.branching = branching }
        if let backtracking { options.mip.backtracking = backtracking }
        return try solve(at: t, timeLimit: timeLimit, options: options)
    }

    private func solve(at t: Double, timeLimit: Double?, options: SolveOptions) throws -> Solution {
        precondition(!closed, "a ParametricSolver is only valid inside ParametricLP.withSolver")
        let stopwatch = Stopwatch()
        var options = options
        if let timeLimit {
            options.simplex.timeLimit = timeLimit
            options.mip.timeLimit = timeLimit
        }
        let isMIP = family.base.hasIntegerVariables && !options.relaxIntegrality
        if isMIP, options.mip.startingSolution == nil { options.mip.startingSolution = incumbent(at: t) }
        guard let problem else {
            // First solve: the cold path, on the problem the later solves keep.
            let model = t == 0 ? family.base : family.model(at: t)
            try model.validate()
            let created = try session.createProblem()
            GLPKSolver.load(model, matrix: model.compiledMatrix(), into: created)
            try session.check()
            problem = created
            currentT = t
            coldSolves += 1
            let setup = stopwatch.seconds
            var solution = try GLPKSolver.run(created, model: model, options: options, session: session)
            solution.setupSeconds = setup
            if isMIP, solution.hasPrimalPoint { offer(solution.values) }
            return solution
        }
        let model = family.base
        if options.mip.cancellation?.isCancelled == true {
            return GLPKSolver.noPoint(.cancelled, isMIP: isMIP, raw: RawSolverStatus(routine: .simplex, code: 0, status: GLP_UNDEF), iterations: 0, seconds: 0)
        }
        if currentT != t { try move(problem, to: t) }
        let iterationsBefore = Int(guarded_glp_get_it_cnt(problem))
        let overallLimit = isMIP ? options.mip.timeLimit ?? options.simplex.timeLimit : options.simplex.timeLimit
        // One budget for the warm run and, if it is needed, the cold one (GLPKSolver.SimplexBudget).
        var budget = GLPKSolver.SimplexBudget(stopwatch: stopwatch, seconds: overallLimit, iterations: options.simplex.iterationLimit)
        var parm = GLPKSolver.simplexParameters(options.simplex, verbose: options.output != nil, timeLimit: overallLimit)
        parm.presolve = GLP_OFF
        parm.meth = GLP_PRIMAL
        var lpReturn = GLPKSolver.simplex(problem, parm: parm, budget: &budget)
        try session.check()
        warmSolves += 1
        if lpReturn != GLP_ETMLIM, lpReturn != 0 || guarded_glp_get_status(problem) != GLP_OPT {
            // The warm start ended elsewhere than an optimum (a basis gone singular after a
            // matrix change, numerical trouble, or an infeasible or unbounded member): solve
            // this member again from scratch, as the first time, so that its status is the
            // cold solve's.
            guarded_glp_std_basis(problem)
            var fresh = GLPKSolver.simplexParameters(options.simplex, verbose: options.output != nil, timeLimit: overallLimit)
            lpReturn = GLPKSolver.solveRelaxation(problem, parm: &fresh, presolve: options.simplex.presolve, budget: &budget)
            try session.check()
            coldSolves += 1
        }
        let lp = GLPKSolver.lpOutcome(problem, returnCode: lpReturn, model: model)
        let iterations = Int(guarded_glp_get_it_cnt(problem)) - iterationsBefore
        if !isMIP {
            return GLPKSolver.lpSolution(problem, model: model, lp: lp, iterations: iterations, seconds: stopwatch.seconds)
        }
        guard lp.termination == .optimal else {
            let termination: TerminationReason = lp.termination == .unbounded ? .infeasibleOrUnbounded : lp.termination
            return GLPKSolver.noPoint(termination, isMIP: true, raw: lp.raw, iterations: iterations, seconds: stopwatch.seconds)
        }
        if let heuristic = options.mip.roundingHeuristic, !options.mip.presolve {
            // Here rather than in branch-and-cut, which runs the heuristic only without a
            // starting point: its completed proposal joins the known points, and the cheapest of
            // them at t starts the search (a proposal below the objective target ends it there).
            options.mip.roundingHeuristic = nil
            switch try GLPKSolver.roundedStart(problem, model: model, heuristic: heuristic, options: options, session: session, stopwatch: stopwatch) {
            case .point(let point):
                offer(Array(point.dropFirst()))
                options.mip.startingSolution = incumbent(at: t)
            case .none: break
            case .failed(let result): return result.counting(iterations: result.simplexIterations - iterationsBefore)
            }
        }
        // glp_intopt starts from the optimal relaxation just found (without the MIP presolver,
        // which would solve its own from scratch) and restores it when it ends.
        let solution = try GLPKSolver.runBranchAndCut(
            problem, model: model, options: options, session: session, stopwatch: stopwatch, relaxationBound: guarded_glp_get_obj_val(problem))
        if solution.hasPrimalPoint { offer(solution.values) }
        // GLPK counts iterations over the problem's life; this solve's are those since its start.
        return solution.counting(iterations: solution.simplexIterations - iterationsBefore)
    }

    /// The optimal objective of the member's LP relaxation at t (a bound on the MIP member's
    /// optimum), solved warm like `solve`; nil when that relaxation did not end optimal. The
    /// basis stays, so a `solve(at: t)` after it starts branch-and-cut at once. Lets a caller
    /// that only needs to know whether the optimum is below some value skip branch-and-cut.
    public func relaxationOptimum(at t: Double, timeLimit: Double? = nil) throws -> Double? {
        precondition(!closed, "a ParametricSolver is only valid inside ParametricLP.withSolver")
        var relaxed = options
        relaxed.relaxIntegrality = true
        if let timeLimit { relaxed.simplex.timeLimit = timeLimit }
        guard let problem else {
            let solution = try solve(at: t, timeLimit: timeLimit, options: relaxed)
            return solution.termination == .optimal ? solution.objectiveValue : nil
        }
        if currentT != t { try move(problem, to: t) }
        var parm = GLPKSolver.simplexParameters(relaxed.simplex, verbose: relaxed.output != nil, timeLimit: relaxed.simplex.timeLimit)
        parm.presolve = GLP_OFF
        parm.meth = GLP_PRIMAL
        var budget = GLPKSolver.SimplexBudget(seconds: relaxed.simplex.timeLimit, iterations: relaxed.simplex.iterationLimit)
        let lpReturn = GLPKSolver.simplex(problem, parm: parm, budget: &budget)
        try session.check()
        warmSolves += 1
        guard lpReturn == 0, guarded_glp_get_status(problem) == GLP_OPT else { return nil }
        return guarded_glp_get_obj_val(problem)
    }

    /// Sets the moved objective coefficients and rows to their values at t.
    private func move(_ problem: OpaquePointer, to t: Double) throws {
        for j in family.objectiveDelta.indices where family.objectiveDelta[j] != 0 {
            guarded_glp_set_obj_coef(problem, Int32(j + 1), family.objective(j, at: t))
        }
        for row in movedRows {
            // Summed as the cold load sums them: the base entry, then each delta in order.
            var values = row.values
            for (slot, delta) in row.deltas { values[slot] += t * delta }
            var columns: [Int32] = [0], kept: [Double] = [0]
            for k in values.indices where values[k] != 0 {
                columns.append(row.columns[k])
                kept.append(values[k])
            }
            guarded_glp_set_mat_row(problem, row.row, Int32(columns.count - 1), columns, kept)
        }
        if !movedRows.isEmpty {
            // The cold solve scales the matrix it is given; so does this one, keeping the
            // basis (a new scaling only refactorizes it).
            GLPKSolver.scale(problem, options.simplex.scaling)
        }
        try session.check()
        currentT = t
    }
}

extension Solution {
    /// The same result with another iteration count.
    fileprivate func counting(iterations: Int) -> Solution {
        var copy = Solution(
            termination: termination, primalStatus: primalStatus, dualStatus: dualStatus, objectiveValue: objectiveValue,
            objectiveBound: objectiveBound, relativeGap: relativeGap, values: values, rowActivities: rowActivities,
            rowDuals: rowDuals, reducedCosts: reducedCosts, dualsFromFixedIntegers: dualsFromFixedIntegers, isMIP: isMIP,
            algorithm: algorithm, raw: raw, simplexIterations: iterations, nodes: nodes, bendersIterations: bendersIterations,
            seconds: seconds)
        copy.setupSeconds = setupSeconds
        return copy
    }
}
