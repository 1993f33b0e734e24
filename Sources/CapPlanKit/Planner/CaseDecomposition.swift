import Foundation
import LinearProgramming

// The extensive form of 12.2 solved case by case (docs/formulation.md 12.4): exact Benders
// decomposition where its blocks are LPs with complete recourse; otherwise, when the extensive
// form holds integer columns in its cases, a heuristic with a proven bound (the relaxation's
// optimum by decomposition, its first stage rounded, each case completed with the first stage
// fixed, in parallel), then branch-and-cut from that point while time is left.

/// How a two-stage plan's extensive form is solved (docs/formulation.md 12.4).
enum CaseDecomposition {
    /// How the plan's point was found.
    enum Method: String, Sendable {
        /// GLPK on the whole extensive form (simplex, or branch-and-cut from the best start).
        case whole = "the extensive form solved whole"
        /// Exact Benders decomposition: blocks per case (and per period where the scenario's own
        /// decomposition splits periods).
        case benders = "Benders decomposition by case"
        /// The relaxation's first stage rounded, each case completed: feasible, with the
        /// relaxation's optimum as its bound.
        case rounding = "the relaxation's first stage rounded, each case completed"
        /// Branch-and-cut on the extensive form from the rounded point, which it improved or
        /// proved.
        case roundingThenBranchAndCut = "branch-and-cut from the rounded first stage"
    }

    /// The solve's result: the extensive form's point (or none), how it was found, notes for the
    /// plan (a decomposition declined, a branch-and-cut skipped).
    struct Outcome {
        var solution: Solution
        var method: Method
        var notes: [String]
        /// The rounding heuristic's point's objective, bound and seconds, when it ran.
        var heuristic: (objective: Double?, bound: Double?, seconds: Double)? = nil
    }

    /// Extensive forms with at least this many integer columns get the rounding heuristic before
    /// branch-and-cut (`.automatic`): medium with 1 case (900 binaries) closes whole in 0.6 s,
    /// with 2 (1,800) it took 36 s (docs/benchmarks.md, "Two-stage plans").
    static let roundingIntegerColumns = 1_000
    /// Branch-and-cut on the extensive form is not started above this many rows: its root LP
    /// alone does not end within a minute (docs/benchmarks.md, "Two-stage plans").
    static let branchAndCutRows = 250_000
    /// Share of the main time limit the relaxation may take before the cases are completed;
    /// less when the first candidate's completions are expected to need more than the rest
    /// (`relaxationSeconds`), but never under `minimumRelaxationShare`.
    static let relaxationShare = 0.5
    static let minimumRelaxationShare = 0.1
    /// The completions of a candidate are expected to take this many times the EV first
    /// stage's: another first stage can leave harder second stages.
    static let completionReserve = 1.5

    /// Seconds for the relaxation out of `remaining`: `relaxationShare` of it, less the time the
    /// first candidate's completions are expected to take, ⌈cases ÷ jobs⌉ rounds of the mean
    /// of `caseSeconds` (the EV first stage's solves in each case) times `completionReserve`,
    /// and at least `minimumRelaxationShare` of it. That candidate is completed whatever the
    /// time (the run must answer; past the deadline by `quickCompletion`), so the relaxation
    /// must leave it room (docs/benchmarks.md, "Two-stage plans").
    static func relaxationSeconds(remaining: Double, cases: Int, caseSeconds: [Double], jobs: Int) -> Double {
        var seconds = remaining * relaxationShare
        if !caseSeconds.isEmpty {
            let mean = caseSeconds.reduce(0, +) / Double(caseSeconds.count)
            let rounds = (cases + max(1, jobs) - 1) / max(1, jobs)
            seconds = min(seconds, remaining - completionReserve * mean * Double(rounds))
        }
        return max(seconds, remaining * minimumRelaxationShare)
    }
    /// A case's completion (its second stage with a first stage fixed) stops at this gap or
    /// node limit (deterministic, whatever the load): the heuristic's own gap is that of the
    /// relaxation's bound, larger by an order of magnitude on medium (docs/benchmarks.md).
    static let completionGap = 1e-3
    static let completionNodeLimit = 500

    /// Benders decomposition of the extensive form: the master holds every case's copy of the
    /// columns the scenario's own decomposition (`FleetDecomposition`) puts in its master (the
    /// first stage among them) and η; blocks are each case's copy of that decomposition's
    /// blocks (`rowMap`), or, when the scenario has none, each case's rows whole. With λ > 0 a
    /// case's blocks are one, with its `cvarExcess` row (ξ_c links its periods). Nil when the
    /// layout cannot be split so (a row of the case not in a block using a block column is
    /// caught by the LP layer: `BendersNotApplicable`).
    static func decomposition(of model: TwoStageModel) -> BendersDecomposition? {
        let lp = model.lp
        let cases = model.columnMap.count
        guard cases > 0 else { return nil }
        let excessRow = Dictionary(uniqueKeysWithValues: model.cvarExcessRows.enumerated().map { ($0, $1.index) })
        var isMaster = [Bool](repeating: false, count: lp.variableCount)
        var master: [Variable] = []
        func addMaster(_ j: Int) {
            guard !isMaster[j] else { return }
            isMaster[j] = true
            master.append(Variable(index: j))
        }
        var blocks: [[Constraint]] = []
        if let shape = FleetDecomposition.decomposition(of: model.shape) {
            for c in 0..<cases {
                for v in shape.masterColumns { addMaster(model.columnMap[c][v.index]) }
                let caseBlocks = shape.blocks.map { $0.map { Constraint(index: model.rowMap[c][$0.index]) } }
                if let row = excessRow[c] {
                    blocks.append(caseBlocks.flatMap { $0 } + [Constraint(index: row)])
                } else {
                    blocks += caseBlocks
                }
            }
        } else {
            // One block per case: its rows that use a column of its own. The master: the first
            // stage, and any column a block could not bound (cost or lower bound below 0: e_ap).
            for c in 0..<cases {
                for j in model.firstStageColumns { addMaster(model.columnMap[c][j]) }
            }
            for j in 0..<lp.variableCount where !isMaster[j] {
                if (lp.bounds(of: Variable(index: j)).lower ?? -1) < 0 || lp.objectiveCoefficient(of: Variable(index: j)) < 0 { addMaster(j) }
            }
            var usesBlockColumn = [Bool](repeating: false, count: lp.constraintCount)
            for k in 0..<lp.entryCount where !isMaster[Int(lp.entryColumns[k])] { usesBlockColumn[Int(lp.entryRows[k])] = true }
            var taken = Set<Int>()
            for c in 0..<cases {
                var rows: [Constraint] = []
                for i in model.rowMap[c] where usesBlockColumn[i] && taken.insert(i).inserted { rows.append(Constraint(index: i)) }
                if let row = excessRow[c], taken.insert(row).inserted { rows.append(Constraint(index: row)) }
                blocks.append(rows)
            }
        }
        if let eta = model.cvarThreshold { addMaster(eta.index) }
        return BendersDecomposition(masterColumns: master.sorted { $0.index < $1.index }, blocks: blocks, relativeTolerance: 1e-9)
    }

    /// `lp` with η ≥ 0 for Benders: η free would leave the first master unbounded (its cost λ
    /// is positive and no cut bounds it yet). Exact: every case's cost is non-negative (costs
    /// are, and the committed-use discount e never exceeds the spend s), so the optimal η,
    /// VaR_α of the costs, is too.
    static func boundedThreshold(_ lp: LinearModel, model: TwoStageModel) -> LinearModel {
        guard let eta = model.cvarThreshold else { return lp }
        var copy = lp
        copy.setBounds(eta, lower: 0, upper: nil)
        return copy
    }

    /// Solves the extensive form (docs/formulation.md 12.4), within `options.mainTimeLimit`:
    /// - `.monolithic`, or small: whole, branch-and-cut from `start` (the EV plan's point).
    /// - exact Benders (`decomposition(of:)`) when the blocks are LPs (every column in them
    ///   continuous) and the model is large (`.automatic`: `Planner.bendersColumns`) or
    ///   `.benders` is asked; the LP layer declines otherwise (`BendersNotApplicable`).
    /// - with integer columns in the cases, from `roundingIntegerColumns` (`.automatic`) or
    ///   with `.benders`: the rounding heuristic (`rounding`), then branch-and-cut from its point
    ///   unless the extensive form is above `branchAndCutRows` or the gap is already closed.
    static func solve(
        _ scenario: Scenario, model: TwoStageModel, integer: Bool, options: PlanOptions, ev: TwoStagePlanner.ExpectedValueOutcome
    ) throws -> Outcome {
        let lp = model.lp
        let clock = Stopwatch()
        let deadline = Deadline(seconds: options.mainTimeLimit ?? .infinity, cancellation: options.mip.cancellation)
        var notes: [String] = []
        let evStart = TwoStagePlanner.startingPoint(ev, model: model)
        guard options.decomposition != .monolithic else {
            return Outcome(solution: try TwoStagePlanner.solve(lp, options: options, main: true, start: evStart), method: .whole, notes: [])
        }
        let asked = options.decomposition == .benders
        let decomposition = (asked || lp.variableCount >= Planner.bendersColumns || lp.integerVariableCount >= roundingIntegerColumns)
            ? decomposition(of: model) : nil
        if let decomposition, asked || lp.variableCount >= Planner.bendersColumns {
            do {
                var solveOptions = options.solveOptions(timeLimit: options.mainTimeLimit, mipGap: options.mipGap)
                solveOptions.output = options.output
                let solution = try GLPKSolver.solveByBenders(boundedThreshold(lp, model: model), decomposition: decomposition, options: solveOptions)
                if solution.hasPrimalPoint { return Outcome(solution: solution, method: .benders, notes: []) }
                notes.append("Benders decomposition by case stopped without a plan (\(solution.termination.rawValue))")
            } catch let error as BendersNotApplicable {
                options.output?("\(error.description); not exact here")
            }
        }
        guard lp.hasIntegerVariables, asked || lp.integerVariableCount >= roundingIntegerColumns else {
            return Outcome(solution: try TwoStagePlanner.solve(lp, options: options, main: true, start: evStart), method: .whole, notes: notes)
        }
        options.phase?("relaxation by case")
        let heuristic = try rounding(scenario, model: model, decomposition: decomposition, integer: integer, options: options, deadline: deadline, ev: ev)
        notes += heuristic.notes
        let figures = (objective: heuristic.point?.objective, bound: heuristic.bound, seconds: clock.seconds)
        guard let point = heuristic.point else {
            // No rounded point (the relaxation did not end): the extensive form whole, as before.
            let solution = try TwoStagePlanner.solve(lp, options: options, main: true, start: evStart, timeLimit: deadline.remaining.flatMap { $0.isFinite ? $0 : nil })
            return Outcome(solution: solution, method: .whole, notes: notes, heuristic: figures)
        }
        let gap = heuristic.bound.map { Solution.relativeGap(objective: point.objective, bound: $0) }
        let closed = gap.map { $0 <= options.mipGap } ?? false
        var termination: TerminationReason = closed ? .optimal : .timeLimit
        if !closed, let seconds = deadline.remaining {
            if lp.constraintCount > branchAndCutRows {
                notes.append("branch-and-cut not started: the extensive form has \(lp.constraintCount) rows, above \(branchAndCutRows) (its root LP alone outlasts the limit)")
            } else {
                options.phase?("branch-and-cut")
                let solution = try TwoStagePlanner.solve(lp, options: options, main: true, start: point.values, timeLimit: seconds.isFinite ? seconds : nil)
                if solution.hasPrimalPoint, let objective = solution.objectiveValue, objective <= point.objective + 1e-9 * max(1, abs(objective)) {
                    // GLPK's bound may be below the relaxation's by its tolerance: keep the better.
                    let bound = [solution.objectiveBound, heuristic.bound].compactMap { $0 }.max()
                    let kept = solution.termination == .optimal ? solution
                        : solution.asMIPIncumbent(termination: solution.termination, bound: bound, seconds: clock.seconds)
                    return Outcome(solution: kept, method: .roundingThenBranchAndCut, notes: notes, heuristic: figures)
                }
                termination = solution.termination == .optimal ? .timeLimit : solution.termination
            }
        }
        let solution = heuristic.template.assembled(
            values: point.values, objective: point.objective, bound: heuristic.bound, termination: termination, seconds: clock.seconds)
        return Outcome(solution: solution, method: .rounding, notes: notes, heuristic: figures)
    }

    /// A point of the extensive form and its objective.
    struct Point {
        var values: [Double]
        var objective: Double
    }

    /// What the rounding heuristic found.
    struct Rounding {
        /// The best complete point (nil: no candidate completed).
        var point: Point?
        /// The relaxation's optimum (or its decomposition's lower bound): a bound of the MIP.
        var bound: Double?
        /// The relaxation's solution, whose counts and status the assembled point carries.
        var template: Solution
        var notes: [String]
    }

    /// The heuristic with a bound: the extensive form's relaxation (every column continuous)
    /// by `decomposition` when there is one (else whole), within `relaxationSeconds` of the time;
    /// candidates for the first stage: the relaxation's values with integer columns rounded up,
    /// then to the nearest, and the EV plan's (completed by `ev`, or here when `ev` ran out of
    /// time); each case's
    /// model with a candidate's first stage fixed and its second stage solved (MIP, node-limited,
    /// cases in parallel); the candidate of least objective Σ_c π_c cost_c + λ CVaR_α kept. The
    /// first candidate is completed whatever the time (each case has a node limit), so
    /// that a run with a relaxation always answers; the others only within the time limit.
    static func rounding(
        _ scenario: Scenario, model: TwoStageModel, decomposition: BendersDecomposition?, integer: Bool,
        options: PlanOptions, deadline: Deadline, ev: TwoStagePlanner.ExpectedValueOutcome
    ) throws -> Rounding {
        let relaxed = model.lp.relaxed()
        var notes: [String] = []
        let share = deadline.remaining.map {
            $0.isFinite ? relaxationSeconds(remaining: $0, cases: model.columnMap.count, caseSeconds: ev.caseSeconds, jobs: ParallelRunner.defaultJobs) : $0
        }
        var solveOptions = options.solveOptions(timeLimit: share.flatMap { $0.isFinite ? $0 : nil }, mipGap: options.mipGap)
        solveOptions.output = options.output
        var relaxation: Solution?
        if let decomposition {
            do {
                relaxation = try GLPKSolver.solveByBenders(boundedThreshold(relaxed, model: model), decomposition: decomposition, options: solveOptions)
            } catch let error as BendersNotApplicable {
                notes.append("the relaxation solved whole (\(error.description))")
            }
        }
        if relaxation == nil { relaxation = try GLPKSolver.solve(relaxed, options: solveOptions) }
        let solved = relaxation!
        let bound = solved.termination == .optimal ? solved.objectiveValue : solved.objectiveBound
        var candidates: [[[Int: Double]]] = []
        if solved.hasPrimalPoint {
            let fixed = TwoStagePlanner.firstStageDecisions(model.shape.index)
            for up in [true, false] {
                candidates.append(model.columnMap.indices.map { c in
                    var values: [Int: Double] = [:]
                    for j in fixed {
                        let column = Variable(index: j), value = solved.values[model.columnMap[c][j]]
                        var rounded = model.shape.lp.kind(of: column) == .continuous ? value : (up ? (value - 1e-6).rounded(.up) : value.rounded())
                        let (lower, upper) = model.shape.lp.bounds(of: column)
                        if let lower, rounded < lower { rounded = lower }
                        if let upper, rounded > upper { rounded = upper }
                        values[j] = rounded
                    }
                    return values
                })
            }
        } else {
            notes.append("the relaxation stopped without a point (\(solved.termination.rawValue)): no rounded first stage")
        }
        // The EV plan's first stage when its cases were not all completed (else it is a
        // candidate as it is, below): a start that does not need the relaxation.
        if ev.start == nil, let evFirstStage = ev.firstStage {
            candidates.append(model.columnMap.indices.map { _ in evFirstStage })
        }
        var quiet = options
        quiet.output = nil
        quiet.progress = nil
        quiet.phase = nil
        var best: (values: [[Double]], costs: [Double])?
        var seen = Set<[[Int: Double]]>()
        for candidate in candidates where seen.insert(candidate).inserted {
            // Until one candidate is complete, whatever the time: the run answers.
            let guaranteed = best == nil
            guard guaranteed || deadline.remaining != nil else { break }
            guard let completed = try complete(scenario, model: model, firstStage: candidate, options: quiet, deadline: deadline, guaranteed: guaranteed) else { continue }
            if best == nil || objective(completed.costs, scenario: scenario) < objective(best!.costs, scenario: scenario) { best = completed }
        }
        if let start = ev.start, ev.caseCosts.allSatisfy({ $0 != nil }) {
            let costs = ev.caseCosts.map { $0! }
            if best == nil || objective(costs, scenario: scenario) < objective(best!.costs, scenario: scenario) {
                best = (start, costs)
                notes.append("the mean-demand plan's first stage was the best start")
            }
        }
        guard let best else { return Rounding(point: nil, bound: bound, template: solved, notes: notes) }
        return Rounding(point: assemble(best.values, costs: best.costs, model: model, scenario: scenario), bound: bound, template: solved, notes: notes)
    }

    /// Σ_c π_c cost_c + λ CVaR_α(cost): the extensive form's objective at the best η.
    static func objective(_ costs: [Double], scenario: Scenario) -> Double {
        let probabilities = scenario.demandCases.map(\.probability)
        let expected = zip(probabilities, costs).reduce(0.0) { $0 + $1.0 * $1.1 }
        guard scenario.risk.cvarWeight > 0 else { return expected }
        return expected + scenario.risk.cvarWeight * TwoStagePlanner.conditionalValueAtRisk(costs: costs, probabilities: probabilities, level: scenario.risk.cvarLevel)
    }

    /// Each case's model with its first stage fixed at `firstStage[c]` (shape columns), its
    /// second stage solved (`completionGap`, `completionNodeLimit`, within `deadline`), the
    /// cases on `ParallelRunner` (results in case order). Nil when a case has no plan
    /// (infeasible with that first stage, or out of time). `guaranteed`: the first candidate,
    /// which must give the run its plan: a case that the deadline leaves without a point
    /// (never started, or stopped without one) is completed by `quickCompletion` instead,
    /// which has no time limit but is bounded by its LP and node-limited blocks.
    static func complete(
        _ scenario: Scenario, model: TwoStageModel, firstStage: [[Int: Double]], options: PlanOptions, deadline: Deadline,
        guaranteed: Bool
    ) throws -> (values: [[Double]], costs: [Double])? {
        let cases = scenario.demandCases
        let results: [Result<(values: [Double], cost: Double)?, Error>] = ParallelRunner.map(count: cases.count) { c in
            Result<(values: [Double], cost: Double)?, Error>(catching: {
                var copy = TwoStagePlanner.caseModel(model.shape, scenario: scenario, demandCase: cases[c])
                for (j, value) in firstStage[c] { copy.lp.setBounds(Variable(index: j), lower: value, upper: value) }
                if let left = deadline.remaining {
                    var solveOptions = options.solveOptions(timeLimit: left.isFinite ? left : nil, mipGap: max(options.mipGap, completionGap))
                    solveOptions.mip.nodeLimit = completionNodeLimit
                    let solution = try GLPKSolver.solve(copy.lp, options: solveOptions)
                    if solution.hasPrimalPoint, let cost = solution.objectiveValue { return (solution.values, cost) }
                    // Infeasible with this first stage: no plan, whatever else is tried.
                    guard solution.stoppedAtLimit else { return nil }
                }
                return guaranteed ? try quickCompletion(copy, options: options) : nil
            })
        }
        var values: [[Double]] = [], costs: [Double] = []
        for result in results {
            guard let completed = try result.get() else { return nil }
            values.append(completed.values)
            costs.append(completed.cost)
        }
        return (values, costs)
    }

    /// A whole second stage of one case whose first stage is fixed (`caseModel`'s bounds),
    /// without branch-and-cut on the whole case: its LP relaxation as the fallback plan's
    /// proposal (`FallbackPlan.plain`: its fleet is the fixed one, platforms and pools in use
    /// from the relaxation), then one small MIP per period and slice over the replicas and their
    /// binaries (`FallbackPlan.completeByBlocks`, node-limited blocks). Nil when it finds no plan
    /// (the proposal breaks a row of the fleet's, or a block has none).
    static func quickCompletion(_ caseModel: CapacityModel, options: PlanOptions) throws -> (values: [Double], cost: Double)? {
        var lpOptions = options.solveOptions(timeLimit: nil, mipGap: options.mipGap)
        lpOptions.relaxIntegrality = true
        let relaxation = try GLPKSolver.solve(caseModel.lp, options: lpOptions)
        guard relaxation.termination == .optimal, relaxation.hasPrimalPoint else { return nil }
        let proposal = FallbackPlan.plain(relaxation.values, model: caseModel, relaxation: relaxation.values)
        guard let completed = try FallbackPlan.completeByBlocks(
            caseModel, proposal: proposal, options: options, deadline: Deadline(seconds: .infinity, cancellation: options.mip.cancellation))
        else { return nil }
        return (completed.values, completed.objective)
    }

    /// The extensive form's point from each case's column values: shared columns get the same
    /// value from every case (the first stage was fixed alike); η = VaR_α of the costs (the
    /// smallest cost whose cumulative probability reaches α) and ξ_c = max(0, cost_c − η), the
    /// minimizing η of 12.2; the objective evaluated on the model.
    static func assemble(_ caseValues: [[Double]], costs: [Double], model: TwoStageModel, scenario: Scenario) -> Point {
        let lp = model.lp
        var point = [Double](repeating: 0, count: lp.variableCount)
        for (c, values) in caseValues.enumerated() {
            for (j, value) in values.enumerated() { point[model.columnMap[c][j]] = value }
        }
        if let eta = model.cvarThreshold {
            let probabilities = scenario.demandCases.map(\.probability)
            let order = costs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] < costs[$1] : $0 < $1 }
            var cumulative = 0.0, threshold = costs[order.last!]
            for k in order {
                cumulative += probabilities[k]
                if cumulative >= scenario.risk.cvarLevel - 1e-12 { threshold = costs[k]; break }
            }
            point[eta.index] = threshold
            for (c, xi) in model.cvarExcess.enumerated() { point[xi.index] = max(0, costs[c] - threshold) }
        }
        var objective = lp.objectiveConstant
        for j in 0..<lp.variableCount where point[j] != 0 { objective += lp.objectiveCoefficient(of: Variable(index: j)) * point[j] }
        return Point(values: point, objective: objective)
    }
}
