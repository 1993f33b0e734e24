import LinearProgramming

// What the command-line tool needs from the LP layer, in the domain's words. The `capplan`
// target depends on CapPlanKit only (the build's explicit import check holds it to that), so
// the solver's choices, errors and model files reach it through these types.

/// A solver failure in domain words: GLPK refused the model or failed while solving or writing it.
public struct SolverFailure: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ error: LinearProgrammingError) {
        switch error {
        case .nonFiniteNumber:
            description = "the model holds a number the solver cannot take (\(error)); the scenario's figures are too large or too small"
        case .invalidName:
            description = "a model name the solver cannot store (\(error)); shorten the id (GLPK keeps at most 255 bytes)"
        case .glpkInternalError, .fileError:
            description = "the solver failed: \(error)"
        case .indexOutOfRange, .dimensionMismatch, .nestedGLPKCall:
            description = "internal error in the solver layer: \(error)"
        }
    }

    /// The domain failure for an LP-layer error, or nil when `error` is not one.
    public init?(converting error: any Error) {
        guard let error = error as? LinearProgrammingError else { return nil }
        self.init(error)
    }
}

/// Runs `body`, turning LP-layer errors into `SolverFailure`; other errors pass unchanged.
/// The planner's entry points and their callers use it so that `LinearProgrammingError`
/// never reaches code that does not import the LP layer.
public func withSolverFailures<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as LinearProgrammingError {
        throw SolverFailure(error)
    }
}

/// Branch-and-cut progress as the planner reports it.
public typealias PlanProgress = MIPProgress

/// A token that stops a running solve cleanly: the solve returns its best point so far.
/// `cancel()` is safe from any thread, e.g. a signal source's handler.
public typealias SolveCancellationToken = SolveCancellation

extension PlanOptions {
    /// The token every solve of this plan (the plan, its price thresholds) watches.
    public var cancellation: SolveCancellationToken? {
        get { mip.cancellation }
        set { mip.cancellation = newValue }
    }
}

// MARK: - Solver tuning (capplan bench)

/// How the simplex method runs (GLPK's `meth`).
public enum SimplexMethod: String, CaseIterable, Sendable {
    case primal, dual
    /// Dual simplex, then primal if the dual fails (GLPK's GLP_DUALP; the default).
    case dualPrimal = "dual-primal"
}

/// The simplex ratio test (GLPK's `r_test`).
public enum SimplexRatioTest: String, CaseIterable, Sendable {
    case textbook, harris
    case longStep = "long-step"
}

/// Simplex pricing (GLPK's `pricing`).
public enum SimplexPricing: String, CaseIterable, Sendable {
    case textbook
    case steepestEdge = "steepest-edge"
}

/// How the constraint matrix is scaled before solving (`glp_scale_prob`).
public enum MatrixScaling: String, CaseIterable, Sendable {
    case none
    case automatic = "auto"
    case geometricEquilibrium = "gm-eq"
    case equilibrium = "eq"
}

/// Cut families branch-and-cut may generate.
public enum CutFamily: String, CaseIterable, Sendable {
    case gomory
    case mixedIntegerRounding = "mir"
    case cover, clique

    /// The LP layer's flag for this family.
    var cutSet: CutSet {
        switch self {
        case .gomory: return .gomory
        case .mixedIntegerRounding: return .mixedIntegerRounding
        case .cover: return .cover
        case .clique: return .clique
        }
    }

    /// The families `set` turns on.
    public static func families(in set: CutSet) -> Set<CutFamily> {
        Set(allCases.filter { set.contains($0.cutSet) })
    }
}

/// How branch-and-cut chooses the variable to branch on (GLPK's `br_tech`).
public enum BranchingRule: String, CaseIterable, Sendable {
    case firstFractional = "first"
    case lastFractional = "last"
    case mostFractional = "most"
    /// Driebeck and Tomlin's heuristic.
    case driebeckTomlin = "driebeck-tomlin"
    /// Hybrid pseudocost heuristic.
    case pseudocost

    var branching: MIPOptions.Branching {
        switch self {
        case .firstFractional: return .firstFractional
        case .lastFractional: return .lastFractional
        case .mostFractional: return .mostFractional
        case .driebeckTomlin: return .driebeckTomlin
        case .pseudocost: return .pseudocost
        }
    }

    init(_ branching: MIPOptions.Branching) {
        self = Self.allCases.first { $0.branching == branching }!
    }
}

/// Which open node branch-and-cut takes next (GLPK's `bt_tech`).
public enum BacktrackingRule: String, CaseIterable, Sendable {
    case depthFirst = "depth-first"
    case breadthFirst = "breadth-first"
    case bestLocalBound = "best-bound"
    case bestProjection = "best-projection"

    var backtracking: MIPOptions.Backtracking {
        switch self {
        case .depthFirst: return .depthFirst
        case .breadthFirst: return .breadthFirst
        case .bestLocalBound: return .bestLocalBound
        case .bestProjection: return .bestProjection
        }
    }

    init(_ backtracking: MIPOptions.Backtracking) {
        self = Self.allCases.first { $0.backtracking == backtracking }!
    }
}

/// Solver settings a benchmark varies; the defaults are the planner's (`PlanOptions`).
public struct SolverTuning: Sendable {
    public var method: SimplexMethod = .dualPrimal
    public var ratioTest: SimplexRatioTest = .harris
    public var pricing: SimplexPricing = .steepestEdge
    public var scaling: MatrixScaling = .automatic
    /// GLPK's LP presolver.
    public var presolve = false
    /// GLPK's MIP presolver, in every branch-and-cut (the primal heuristics and the rounding
    /// start then never run).
    public var mipPresolve = false
    /// GLPK's MIP presolver in the first phase only (`PlanOptions.firstPhasePresolve`).
    public var firstPhasePresolve = PlanOptions().firstPhasePresolve
    /// `PlanOptions.firstPhaseToTheLimit`.
    public var firstPhaseToTheLimit = PlanOptions().firstPhaseToTheLimit
    /// The exact `replicaRounding` rows (`PlanOptions.replicaRounding`).
    public var replicaRounding = PlanOptions().replicaRounding
    /// The exact `unitRounding` cuts at the main solve's root (`PlanOptions.unitRoundingCuts`).
    public var unitRoundingCuts = PlanOptions().unitRoundingCuts
    public var cuts: Set<CutFamily> = CutFamily.families(in: PlanOptions().mip.cuts)
    public var branching = BranchingRule(PlanOptions().mip.branching)
    public var backtracking = BacktrackingRule(PlanOptions().mip.backtracking)
    /// Backtracking of the restart after the primal heuristics; nil: as `backtracking`.
    public var restartBacktracking = PlanOptions().restartBacktracking.map(BacktrackingRule.init)
    /// GLPK's feasibility pump and proximity search heuristics.
    public var feasibilityPump = PlanOptions().mip.feasibilityPump
    public var proximitySearch = PlanOptions().mip.proximitySearch

    public init() {}

    /// Sets these choices on `options`, leaving its other settings.
    public func apply(to options: inout PlanOptions) {
        switch method {
        case .primal: options.simplex.method = .primal
        case .dual: options.simplex.method = .dual
        case .dualPrimal: options.simplex.method = .dualThenPrimal
        }
        switch ratioTest {
        case .textbook: options.simplex.ratioTest = .textbook
        case .harris: options.simplex.ratioTest = .harris
        case .longStep: options.simplex.ratioTest = .longStep
        }
        switch pricing {
        case .textbook: options.simplex.pricing = .textbook
        case .steepestEdge: options.simplex.pricing = .projectedSteepestEdge
        }
        switch scaling {
        case .none: options.simplex.scaling = .none
        case .automatic: options.simplex.scaling = .automatic
        case .geometricEquilibrium: options.simplex.scaling = .geometricEquilibrium
        case .equilibrium: options.simplex.scaling = .equilibrium
        }
        options.simplex.presolve = presolve
        options.mip.presolve = mipPresolve
        options.firstPhasePresolve = firstPhasePresolve
        options.firstPhaseToTheLimit = firstPhaseToTheLimit
        options.replicaRounding = replicaRounding
        options.unitRoundingCuts = unitRoundingCuts
        options.mip.cuts = CutSet(cuts.map(\.cutSet))
        options.mip.branching = branching.branching
        options.mip.backtracking = backtracking.backtracking
        options.restartBacktracking = restartBacktracking?.backtracking
        options.mip.feasibilityPump = feasibilityPump
        options.mip.proximitySearch = proximitySearch
    }
}

extension PlanBenchmark {
    /// `run` with the solver settings given as a `SolverTuning`.
    public static func run(
        text: String, fileName: String, relax: Bool, runs: Int, warmup: Int, mipGap: Double, tuning: SolverTuning,
        timeLimit: Double?, roundUpStart: Bool, decomposition: PlanOptions.Decomposition, primalHeuristics: Bool = true
    ) throws -> Result {
        var options = PlanOptions()
        tuning.apply(to: &options)
        return try withSolverFailures {
            try run(
                text: text, fileName: fileName, relax: relax, runs: runs, warmup: warmup, mipGap: mipGap,
                base: options, timeLimit: timeLimit, roundUpStart: roundUpStart,
                decomposition: decomposition, primalHeuristics: primalHeuristics)
        }
    }
}

// MARK: - The model's size and files

/// The size of a built model.
public struct ModelSize: Sendable, Hashable {
    public let rows: Int
    public let columns: Int
    public let nonzeros: Int
    public let integerColumns: Int
}

/// Model file formats `glpsol` reads.
public enum ModelFileKind: String, CaseIterable, Sendable {
    /// CPLEX LP format; GLPK's writer turns `[ ] -` in names into `( ) ~`.
    case cplexLP
    /// Free MPS; it records no objective direction (CapPlan always minimizes, MPS's default).
    case freeMPS
}

extension CapacityModel {
    public var size: ModelSize {
        ModelSize(rows: lp.constraintCount, columns: lp.variableCount, nonzeros: lp.entryCount, integerColumns: lp.integerVariableCount)
    }

    /// Writes the model with GLPK's writer to `path`, which GLPK opens by name: give it a path
    /// in a private directory and move the file into place with a safe writer.
    public func write(to path: String, format: ModelFileKind) throws {
        try withSolverFailures {
            switch format {
            case .cplexLP: try lp.write(to: path, format: .cplexLP)
            case .freeMPS: try lp.write(to: path, format: .freeMPS)
            }
        }
    }
}
