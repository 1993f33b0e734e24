// The result of a solve, stated in parts as MathOptInterface does: why the solver stopped,
// what kind of primal and dual point it has, then the numbers. GLPK's raw codes are kept.

/// Why the solver stopped.
public enum TerminationReason: String, Sendable, Hashable, Codable {
    /// Proven optimal; for a MIP, optimal within the requested relative gap.
    case optimal
    /// No point satisfies the constraints.
    case infeasible
    /// A feasible point exists and the objective improves without limit.
    case unbounded
    /// Either infeasible or unbounded; the solver did not tell which.
    case infeasibleOrUnbounded
    /// The time limit was reached (see `primalStatus` for whether a point is available).
    case timeLimit
    /// The iteration limit was reached.
    case iterationLimit
    /// The solver failed numerically (singular or ill-conditioned basis, or a failure).
    case numericalError
    /// The model is invalid for the solver (e.g. a lower bound above an upper bound).
    case invalidModel
    /// Stopped by an objective limit.
    case interrupted
    /// Branch-and-cut reached `MIPOptions.nodeLimit`.
    case nodeLimit
    /// Stopped through `MIPOptions.cancellation`.
    case cancelled
    /// Branch-and-cut found a point better than `MIPOptions.objectiveTarget` and stopped there:
    /// the point is feasible, not proven optimal.
    case objectiveTarget
    /// Anything else; see `raw`.
    case other
}

/// What a result holds.
public enum ResultStatus: String, Sendable, Hashable, Codable {
    /// A point that satisfies the constraints (for the dual: a dual feasible point).
    case feasiblePoint
    /// A point that does not satisfy all constraints.
    case infeasiblePoint
    /// No point.
    case noSolution
}

/// The GLPK routine whose codes a `RawSolverStatus` holds.
public enum GLPKRoutine: String, Sendable, Hashable, Codable {
    /// `glp_simplex`, with `glp_get_status`.
    case simplex
    /// `glp_intopt`, with `glp_mip_status`.
    case intopt
}

/// GLPK's own codes, for diagnostics.
public struct RawSolverStatus: Sendable, Hashable, Codable {
    /// The routine whose codes these are (for Benders decomposition: the last master solve's).
    public let routine: GLPKRoutine
    /// The routine's return code (0, GLP_EBOUND, GLP_ETMLIM, ...).
    public let returnCode: Int32
    public let returnCodeName: String
    /// `glp_get_status` or `glp_mip_status`.
    public let status: Int32
    public let statusName: String
}

/// How a solution was computed.
public enum SolveAlgorithm: String, Sendable, Hashable, Codable {
    /// GLPK's simplex method (`glp_simplex`) on an LP or a relaxation.
    case simplex
    /// GLPK's branch-and-cut (`glp_intopt`) after the relaxation's simplex.
    case branchAndCut
    /// Benders decomposition (`GLPKSolver.solveByBenders`): simplex on the blocks; simplex,
    /// then branch-and-cut, on the master.
    case benders
}

/// A solve's outcome.
///
/// Sign conventions (GLPK's, documented in docs/lp-layer.md):
/// - `rowDuals[i]` is the change of the objective per unit increase of row i's right-hand
///   side (∂z/∂b_i). For a minimization, a binding ≥ row has a non-negative dual and a binding
///   ≤ row a non-positive one; for a maximization the signs flip.
/// - `reducedCosts[j]` = c_j − Σ_i a_ij · rowDuals[i]: the change of the objective per unit
///   increase of variable j from its bound.
public struct Solution: Sendable {
    public let termination: TerminationReason
    public let primalStatus: ResultStatus
    public let dualStatus: ResultStatus
    /// The objective (constant included) at the primal point; nil without one.
    public let objectiveValue: Double?
    /// A bound on the optimum: the MIP's best bound, or the LP's objective when optimal.
    public let objectiveBound: Double?
    /// The relative gap at the end (`Solution.relativeGap(objective:bound:)`); nil for an LP.
    public let relativeGap: Double?
    /// Primal values, one per variable; empty without a primal point.
    public let values: [Double]
    /// Row activities Σ a_ij x_j, one per constraint; empty without a primal point.
    public let rowActivities: [Double]
    /// Row duals; nil without a dual point (or for a MIP without `computeFixedDuals`).
    public let rowDuals: [Double]?
    /// Reduced costs; nil when `rowDuals` is nil.
    public let reducedCosts: [Double]?
    /// True when the duals come from the LP with integer variables fixed at their MIP values.
    public let dualsFromFixedIntegers: Bool
    /// True when the model was solved as a MIP.
    public let isMIP: Bool
    /// How the solution was computed.
    public let algorithm: SolveAlgorithm
    public let raw: RawSolverStatus
    /// Simplex iterations over every LP solved (for Benders: master and blocks together).
    public let simplexIterations: Int
    /// Branch-and-cut nodes (for Benders: of the last master solve).
    public let nodes: Int
    /// Master-and-blocks rounds of Benders decomposition; 0 for other algorithms.
    public let bendersIterations: Int
    /// Seconds GLPK spent solving (simplex, branch-and-cut, the fixed-integer re-solve).
    public let seconds: Double
    /// Seconds before that: checking the model, building the matrix, loading it into GLPK.
    public internal(set) var setupSeconds: Double = 0

    public var hasPrimalPoint: Bool { primalStatus == .feasiblePoint && !values.isEmpty }

    public subscript(variable: Variable) -> Double { values[variable.index] }
    public func activity(_ constraint: Constraint) -> Double { rowActivities[constraint.index] }
    public func dual(_ constraint: Constraint) -> Double? { rowDuals?[constraint.index] }
    public func reducedCost(_ variable: Variable) -> Double? { reducedCosts?[variable.index] }
}

extension Solution {
    /// The relative gap between an objective and a bound, GLPK's formula (`glp_ios_mip_gap`):
    /// |objective − bound| / (|objective| + DBL_EPSILON). The one definition used for every
    /// result and stopping test of this module.
    public static func relativeGap(objective: Double, bound: Double) -> Double {
        abs(objective - bound) / (abs(objective) + Double.ulpOfOne)
    }
}

extension Solution {
    /// A point put together outside one solve (a decomposition's parts solved apart, e.g. a
    /// two-stage plan's cases with the first stage fixed), stated as the whole MIP's result:
    /// `values`, `objective`, stopped by `termination`, with `bound` (a valid lower bound) and
    /// the gap to it. No row activities and no duals; counts and `raw` are this solution's.
    public func assembled(values: [Double], objective: Double, bound: Double?, termination: TerminationReason, seconds: Double) -> Solution {
        Solution(
            termination: termination, primalStatus: .feasiblePoint, dualStatus: .noSolution, objectiveValue: objective,
            objectiveBound: bound, relativeGap: bound.map { Solution.relativeGap(objective: objective, bound: $0) }, values: values,
            rowActivities: [], rowDuals: nil, reducedCosts: nil, dualsFromFixedIntegers: false, isMIP: true, algorithm: algorithm,
            raw: raw, simplexIterations: simplexIterations, nodes: nodes, bendersIterations: bendersIterations, seconds: seconds)
    }
}

extension Solution {
    /// This point, found outside branch-and-cut (an LP with the integer columns fixed at whole
    /// values, or a sub-MIP), stated as the whole MIP's result: stopped by `termination`, with
    /// `bound` (a valid lower bound of the MIP, e.g. its relaxation's optimum) and the gap to
    /// it. Duals, if any, are those of the LP with the integer columns fixed.
    public func asMIPIncumbent(termination: TerminationReason, bound: Double?, seconds: Double) -> Solution {
        let gap = objectiveValue.flatMap { objective in bound.map { Solution.relativeGap(objective: objective, bound: $0) } }
        var solution = Solution(
            termination: termination, primalStatus: primalStatus, dualStatus: dualStatus, objectiveValue: objectiveValue,
            objectiveBound: bound, relativeGap: gap, values: values, rowActivities: rowActivities, rowDuals: rowDuals,
            reducedCosts: reducedCosts, dualsFromFixedIntegers: rowDuals != nil, isMIP: true, algorithm: algorithm, raw: raw,
            simplexIterations: simplexIterations, nodes: nodes, bendersIterations: bendersIterations, seconds: seconds)
        solution.setupSeconds = setupSeconds
        return solution
    }
}
