import GLPKGuard

// Solver options. Defaults are CapPlan's measured choices, not GLPK's own defaults
// (docs/lp-layer.md records the measurements).

/// Options of GLPK's simplex method (`glp_simplex`, `glp_smcp`).
public struct SimplexOptions: Sendable, Hashable {
    public enum Method: Sendable, Hashable {
        /// Primal simplex (GLP_PRIMAL).
        case primal
        /// Dual simplex, falling back to primal if it fails (GLP_DUALP).
        case dualThenPrimal
        /// Dual simplex only (GLP_DUAL).
        case dual
    }

    public enum RatioTest: Sendable, Hashable {
        /// Textbook ratio test (GLP_RT_STD).
        case textbook
        /// Harris' two-pass ratio test (GLP_RT_HAR, GLPK's default).
        case harris
        /// Long-step (flip-flop) ratio test of the dual simplex (GLP_RT_FLIP).
        case longStep
    }

    public enum Pricing: Sendable, Hashable {
        /// Textbook pricing (GLP_PT_STD).
        case textbook
        /// Projected steepest edge (GLP_PT_PSE, GLPK's default).
        case projectedSteepestEdge
    }

    public enum Scaling: Sendable, Hashable {
        /// No scaling.
        case none
        /// GLPK chooses (GLP_SF_AUTO).
        case automatic
        /// Geometric mean scaling then equilibration (GLP_SF_GM | GLP_SF_EQ).
        case geometricEquilibrium
        /// Equilibration only (GLP_SF_EQ).
        case equilibrium
    }

    public var method: Method
    public var ratioTest: RatioTest
    public var pricing: Pricing
    /// GLPK's LP presolver. With it, an infeasible or unbounded LP gives no basis (and so no
    /// duals): the solver then re-solves without it to classify the model.
    public var presolve: Bool
    public var scaling: Scaling
    /// Seconds; nil for none.
    public var timeLimit: Double?
    public var iterationLimit: Int?

    public init(
        method: Method = .dualThenPrimal, ratioTest: RatioTest = .harris, pricing: Pricing = .projectedSteepestEdge,
        presolve: Bool = false, scaling: Scaling = .automatic, timeLimit: Double? = nil, iterationLimit: Int? = nil
    ) {
        self.method = method
        self.ratioTest = ratioTest
        self.pricing = pricing
        self.presolve = presolve
        self.scaling = scaling
        self.timeLimit = timeLimit
        self.iterationLimit = iterationLimit
    }
}

/// Cutting planes of GLPK's branch-and-cut (`glp_iocp`).
public struct CutSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Gomory's mixed-integer cuts (gmi_cuts).
    public static let gomory = CutSet(rawValue: 1)
    /// Mixed-integer rounding cuts (mir_cuts).
    public static let mixedIntegerRounding = CutSet(rawValue: 2)
    /// Mixed cover cuts (cov_cuts).
    public static let cover = CutSet(rawValue: 4)
    /// Clique cuts (clq_cuts).
    public static let clique = CutSet(rawValue: 8)
    public static let all: CutSet = [.gomory, .mixedIntegerRounding, .cover, .clique]
}

/// What the branch-and-cut callback reports while it runs.
public struct MIPProgress: Sendable, Hashable {
    /// Objective of the best integer solution so far.
    public let incumbent: Double?
    /// Best bound over the active nodes.
    public let bestBound: Double?
    /// Relative gap |incumbent − bound| / (|incumbent| + DBL_EPSILON), as GLPK computes it.
    public let relativeGap: Double?
    /// Active (open) nodes.
    public let activeNodes: Int
    /// Nodes created so far.
    public let totalNodes: Int
    /// Seconds since the solve started.
    public let seconds: Double
}

/// Options of GLPK's branch-and-cut (`glp_intopt`, `glp_iocp`).
public struct MIPOptions: Sendable {
    public enum Branching: Sendable, Hashable {
        case firstFractional, lastFractional, mostFractional
        /// Driebeck and Tomlin's heuristic (GLPK's default).
        case driebeckTomlin
        /// GLPK's hybrid pseudocost heuristic (`GLP_BR_PCH`): strong branching on a few
        /// candidates until a variable has pseudocosts of its own, then its pseudocosts.
        case pseudocost
    }

    public enum Backtracking: Sendable, Hashable {
        case depthFirst, breadthFirst
        /// Best local bound (GLPK's default).
        case bestLocalBound
        case bestProjection
    }

    /// The MIP presolver (`presolve`).
    public var presolve: Bool
    public var cuts: CutSet
    /// Stop when the relative gap is at most this (`mip_gap`).
    public var relativeGap: Double
    /// Seconds for the whole solve (relaxation and branch-and-cut); nil for none.
    public var timeLimit: Double?
    public var branching: Branching
    public var backtracking: Backtracking
    /// Feasibility pump heuristic (`fp_heur`).
    public var feasibilityPump: Bool
    /// Proximity search heuristic (`ps_heur`).
    public var proximitySearch: Bool
    /// Seconds proximity search may run (`ps_tm_lim`); nil keeps GLPK's 60 s.
    public var proximitySearchTimeLimit: Double?
    /// Stop branch-and-cut at the first node selection once this many nodes exist (GLPK has no
    /// node limit; the callback ends the search with `glp_ios_terminate`). The termination is
    /// `nodeLimit`, with the incumbent if there is one. A limit that does not depend on the
    /// machine's speed, for tests and reproducible runs; nil for none.
    public var nodeLimit: Int?
    /// Stop branch-and-cut as soon as its incumbent is better than this objective value (below
    /// it when minimizing, above when maximizing; the objective's constant included), with
    /// termination `objectiveTarget`. For callers that only ask whether a point better than
    /// some value exists: the answer is then yes, and proving the incumbent optimal would add
    /// nothing. A search that ends otherwise ends as without a target (optimal: the optimum is
    /// no better than the target, within the gap). nil for none.
    public var objectiveTarget: Double?
    /// Seconds from the start of the solve (as `timeLimit`) by which branch-and-cut must have
    /// an incumbent: at the first node selection after them (and after the root's, so that the
    /// root's LP, cuts and starting point come first) without one it stops, with
    /// termination `timeLimit` and no point. With an incumbent by then it goes on to
    /// `timeLimit`. For callers that do something else when the search finds no point early
    /// (the planner's heuristics) but would rather let a search that has one go on. nil for none.
    public var incumbentTimeLimit: Double?
    /// Set from another thread or a signal handler to stop the solve: branch-and-cut checks it
    /// in its callback, Benders decomposition between rounds (and in its master's
    /// branch-and-cut). The termination is then `cancelled`, with the best point found so far.
    /// A simplex run cannot be interrupted: it is checked before and after.
    public var cancellation: SolveCancellation?
    /// After branch-and-cut, fix the integer variables at their rounded values and re-solve the
    /// LP, so that the result carries row duals and reduced costs (of that fixed LP). The
    /// values, row activities and objective then come from that LP too: integer columns are
    /// exact integers and continuous ones optimal for them.
    public var computeFixedDuals: Bool
    /// An integer-feasible point (one value per variable) offered to GLPK as its first incumbent.
    public var startingSolution: [Double]?
    /// Given the LP relaxation's values (one per variable), proposes values for the integer
    /// variables (the rest of the array is ignored). The solver fixes the integer variables at
    /// the proposal, solves the LP for the others, and when that LP is feasible offers the
    /// point to branch-and-cut as its first incumbent. Ignored with `presolve` or a
    /// `startingSolution` (a `ParametricSolver` runs it at every warm solve and starts from the
    /// cheaper of its point and those it knows).
    public var roundingHeuristic: (@Sendable ([Double]) -> [Double]?)?
    /// Called on every new incumbent and about twice a second while nodes are processed.
    public var progress: (@Sendable (MIPProgress) -> Void)?
    /// Inequalities Σ a_j x_j ≤ b the caller knows to keep the optimum, offered for the root:
    /// after the relaxation, those its point violates are added as rows and the relaxation
    /// solved again, for at most `rootCutRounds` rounds; they stay for branch-and-cut only when
    /// they raised the relaxation's optimum by at least `rootCutMinimumGain` (relative), and
    /// are left out of the fixed-integer LP of `computeFixedDuals` either way (so that they
    /// take no dual from the model's own rows). Empty for none; ignored for an LP.
    public var rootCutCandidates: [CutCandidate] = []
    /// At most this many separation rounds at the root (`rootCutCandidates`).
    public var rootCutRounds = 5
    /// The relative rise of the relaxation's optimum the root's cuts must give to be kept.
    public var rootCutMinimumGain = 5e-4

    public init(
        presolve: Bool = false, cuts: CutSet = [], relativeGap: Double = 1e-4,
        timeLimit: Double? = nil, branching: Branching = .driebeckTomlin, backtracking: Backtracking = .bestLocalBound,
        feasibilityPump: Bool = false, proximitySearch: Bool = false, proximitySearchTimeLimit: Double? = nil,
        nodeLimit: Int? = nil, cancellation: SolveCancellation? = nil, computeFixedDuals: Bool = false,
        startingSolution: [Double]? = nil, roundingHeuristic: (@Sendable ([Double]) -> [Double]?)? = nil,
        progress: (@Sendable (MIPProgress) -> Void)? = nil
    ) {
        self.proximitySearchTimeLimit = proximitySearchTimeLimit
        self.nodeLimit = nodeLimit
        self.cancellation = cancellation
        self.roundingHeuristic = roundingHeuristic
        self.presolve = presolve
        self.cuts = cuts
        self.relativeGap = relativeGap
        self.timeLimit = timeLimit
        self.branching = branching
        self.backtracking = backtracking
        self.feasibilityPump = feasibilityPump
        self.proximitySearch = proximitySearch
        self.computeFixedDuals = computeFixedDuals
        self.startingSolution = startingSolution
        self.progress = progress
    }
}

/// An inequality Σ coefficients[k] · variables[k] ≤ upperBound offered to branch-and-cut's root
/// (`MIPOptions.rootCutCandidates`).
public struct CutCandidate: Sendable, Hashable {
    public var variables: [Variable]
    public var coefficients: [Double]
    public var upperBound: Double

    public init(variables: [Variable], coefficients: [Double], upperBound: Double) {
        self.variables = variables
        self.coefficients = coefficients
        self.upperBound = upperBound
    }

    /// Whether `values` (one per variable of the model) exceed the bound by more than a
    /// relative `tolerance` of its magnitude.
    public func isViolated(by values: [Double], tolerance: Double = 1e-6) -> Bool {
        var left = 0.0
        for (k, v) in variables.enumerated() { left += coefficients[k] * values[v.index] }
        return left > upperBound + tolerance * max(1, abs(upperBound))
    }
}

/// A flag that stops a solve cleanly. `cancel()` may be called from any thread (for a signal,
/// from a `DispatchSourceSignal` handler); it only stores into a lock-free C11 atomic, which
/// the solve reads from C, so no lock and no GLPK call is involved. A solve that sees it
/// returns its best point so far with termination `cancelled`. One token may serve many
/// solves; once cancelled it stays cancelled.
public final class SolveCancellation: @unchecked Sendable {
    let flag: OpaquePointer

    public init() {
        guard let flag = capplan_cancellation_create() else { fatalError("out of memory") }
        self.flag = flag
    }

    deinit { capplan_cancellation_destroy(flag) }

    /// Asks every solve that holds this token to stop.
    public func cancel() { capplan_cancellation_request(flag) }

    public var isCancelled: Bool { capplan_cancellation_requested(flag) != 0 }
}

/// Everything one solve call needs.
public struct SolveOptions: Sendable {
    public var simplex: SimplexOptions
    public var mip: MIPOptions
    /// Solve the LP relaxation even when the model has integer variables.
    public var relaxIntegrality: Bool
    /// GLPK's terminal output, line by line; nil keeps it silent.
    public var output: GLPKOutputHandler?

    public init(simplex: SimplexOptions = SimplexOptions(), mip: MIPOptions = MIPOptions(), relaxIntegrality: Bool = false, output: GLPKOutputHandler? = nil) {
        self.simplex = simplex
        self.mip = mip
        self.relaxIntegrality = relaxIntegrality
        self.output = output
    }
}
