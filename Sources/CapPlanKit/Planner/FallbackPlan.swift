import Foundation
import LinearProgramming

/// A whole-unit plan when the main solve stopped at its limit without one (issue 10 item 5:
/// never exit without a plan when one exists), built without branch-and-cut on the whole model:
///
/// 1. **A relaxation and its bound.** The LP relaxation, by Benders decomposition over the
///    fleet (`blockStructure`) when the model is large. With spare units, y_op spans a
///    period's slices, so the model does not decompose as it is: each block gets its own copy
///    of y_op (`withBlockCopies`), a relaxation that still pays for the spare units in every
///    slice the pool serves (on generated large seed 1: 6,462,736 against the whole
///    relaxation's 6,467,183, which takes glpsol 54 s; this one 1.3 s). When Benders fails on
///    that, a weaker one: y_op fixed at 0 in the capacity rows (the spare units held for free)
///    and the `poolInUse` rows relaxed to Σ_w x ≤ Σ_w r (`sparesHeldFree`; 6,303,168). Every
///    whole-unit plan is a point of each, so their optima are lower bounds. When the Benders
///    master fails numerically, fewer rounds and the bound they reached. A decomposed
///    relaxation's bound is then raised by **strengthened Benders cuts** (`CutStrengthening`):
///    each block's cut gets its right-hand side from the block's own MIP, with whole replicas,
///    binaries and a free copy of the fleet it uses, so the bound sees the replicas' lumps
///    where the relaxation runs half a replica (large seed 1: 6,462,736 → 6,588,594, five
///    rounds, 5 s). The relaxation's point, which the candidates round, stays the LP's. When
///    the plan is the run's result (`tightenBound`), the candidates go first on the plain
///    relaxation and the rest of the deadline then **tightens the bound**: the strengthened
///    rounds, then rounds that also search each cut's slope (`slopeSteps`), 8 in all
///    (`tighteningRounds`; large seed 1: 6,701,663, 43 s into its 60 s).
/// 2. **Fixed fleets.** The relaxation's fleet rounded up and down, the rounding candidates of
///    `RoundingHeuristic` (raised to hold the replicas rounded up), then "no new units" (the
///    existing fleet, reserved rentals at zero), which is feasible whenever every workload has
///    an option without a limit; the cheapest completion kept, then each offering's fleet
///    rounded the other way where that is cheaper. Then **the dive**: the relaxation again
///    with every option closed (z = 0) that it ran below its minimum replicas
///    (`closedOptions`; spare units held free), and that relaxation's fleet rounded up and
///    down the same way.
/// 3. **Per-block completion.** With every integer column but the replicas ρ and their
///    binaries z fixed (arrivals, units in service, reserved units, contract starts, platforms,
///    pools in use), no row links two periods or two slices: the MIP left splits into one tiny
///    MIP per period and slice (the blocks of `FleetDecomposition`), each solved on its own
///    (`completeByBlocks`).
/// 4. **The plan.** The LP with every integer column fixed at that point (decomposed the same
///    way), stated as the MIP's result with the relaxation's bound and the gap to it; the
///    evaluator audits it like any plan.
enum FallbackPlan {
    /// Branch-and-cut nodes one block's MIP may explore: a limit that does not depend on the
    /// machine's load, so the plan is the same on every run. Most blocks close in far fewer;
    /// on generated large seed 1 with every section-8 feature some of the 480 blocks (96
    /// integers) did not close in 2,000 nodes (0.5 s each), so the limit is low and the block
    /// keeps its best whole point.
    static let blockNodeLimit = 200
    /// The relative gap at which the decomposed relaxation stops.
    static let relaxationTolerance = 1e-4
    /// The share of the fallback's time its relaxation may take; the candidates get the rest.
    static let relaxationShare = 0.6
    /// The fewest Benders rounds whose bound is still worth reporting.
    static let minimumRounds = 4

    struct Result {
        var solution: Solution
        /// Which fixed fleet it came from.
        var candidate: String
    }

    /// The plan, or nil when no candidate gave one before `deadline`. `stop` is why the main
    /// solve ended (the plan's termination), `knownBound` its bound if it had one.
    /// `fixedIntegerLP: false` skips the LP with the integers fixed (tests of the completion
    /// stated as it is, the path a deadline takes). `tightenBound`: the plan is the run's
    /// result and nothing else would use the rest of `deadline`, so a decomposed relaxation's
    /// bound is tightened with it (after the plan is secured) instead of strengthened up front.
    static func solve(
        _ model: CapacityModel, options: PlanOptions, stop: TerminationReason, knownBound: Double?, deadline: Deadline,
        fixedIntegerLP: Bool = true, tightenBound: Bool = false
    ) throws -> Result? {
        let clock = Stopwatch()
        // The relaxation gets a share, so that candidates are completed even when it stops at
        // its limit (large shaped seed 1: its Benders rounds took the whole 30 s, no plan).
        let relaxationDeadline = Deadline(seconds: (deadline.remaining ?? 0) * relaxationShare, cancellation: deadline.cancellation)
        guard let relaxation = try relaxation(model, options: options, deadline: relaxationDeadline, strengthen: !tightenBound) else { return nil }
        let relaxationSeconds = clock.seconds
        options.output?("fallback plan: relaxation bound \(relaxation.bound) (\(relaxation.decomposed ? "decomposed" : "whole model")) at \(clock.seconds) s")
        let bounds = [relaxation.bound, knownBound].compactMap { $0 }
        // Every candidate while time lasts (each costs a block pass), the cheapest kept; then
        // the LP with the best one's integers fixed. A completion is a whole point of the model
        // already (its blocks solved with the fleet fixed), so when that LP does not finish in
        // time (a large model that does not decompose), the completion itself is the plan.
        var best: (values: [Double], objective: Double, name: String)?
        func offer(_ completed: (values: [Double], objective: Double), name: String) {
            guard best.map({ completed.objective < $0.objective - 1e-9 * max(1, abs($0.objective)) }) ?? true else { return }
            best = (completed.values, completed.objective, name)
        }
        func search(_ values: [Double], candidates: [(name: String, values: [Double])], label: String) throws {
            var bestHere: String?
            var bestObjective = Double.infinity
            for candidate in candidates {
                guard let completed = try completeByBlocks(model, proposal: candidate.values, options: options, deadline: deadline) else {
                    options.output?("fallback plan: \(label)\(candidate.name): no completion")
                    continue
                }
                options.output?("fallback plan: \(label)\(candidate.name): \(completed.objective) at \(clock.seconds) s")
                offer(completed, name: label + candidate.name)
                if completed.objective < bestObjective { (bestHere, bestObjective) = (candidate.name, completed.objective) }
            }
            guard let start = bestHere, start == "fleet rounded up" || start == "fleet rounded down" else { return }
            // One offering at a time, its fleet rounded the other way, kept when cheaper.
            let rounded = roundedFleets(model, relaxation: values)
            var fleet = start == "fleet rounded up" ? rounded.up : rounded.down
            let other = start == "fleet rounded up" ? rounded.down : rounded.up
            for group in fleetGroups(model) where group.columns.contains(where: { fleet[$0] != other[$0] }) {
                guard deadline.remaining != nil else { break }
                var trial = fleet
                for j in group.columns { trial[j] = other[j] }
                let proposal = plain(trial, model: model, relaxation: values)
                guard let completed = try completeByBlocks(model, proposal: proposal, options: options, deadline: deadline),
                      completed.objective < bestObjective - 1e-9 * max(1, abs(bestObjective)) else { continue }
                fleet = trial
                bestObjective = completed.objective
                options.output?("fallback plan: \(label)\(group.offering) rounded the other way: \(completed.objective) at \(clock.seconds) s")
                offer(completed, name: label + start + ", offerings re-rounded")
            }
        }
        try search(relaxation.values, candidates: candidates(model, relaxation: relaxation.values), label: "")
        // The dive: the relaxation again with the options closed that it ran below their
        // minimum replicas, and its fleet rounded both ways (generated large seed 1: 7.33e6 →
        // 7.11e6; docs/benchmarks.md). Its spare units are held free: only the fleet is used,
        // and the copies' fleet completed dearer on seed 1 (7,183,235 against 7,111,994).
        let closed = closedOptions(model, relaxation: relaxation.values)
        if !closed.isEmpty, let left = deadline.remaining,
           let dive = try Self.relaxation(
               model, options: options,
               deadline: Deadline(seconds: min(left * relaxationShare, diveTimeFactor * relaxationSeconds + 1), cancellation: deadline.cancellation),
               fixed: closed, spareCopies: false, strengthen: false) {
            options.output?("fallback plan: relaxation with \(closed.count) options closed \(dive.bound) at \(clock.seconds) s")
            let rounded = roundedFleets(model, relaxation: dive.values)
            let fleets = [("fleet rounded up", rounded.up), ("fleet rounded down", rounded.down)]
            try search(dive.values, candidates: fleets.map { ($0.0, plain($0.1, model: model, relaxation: dive.values)) }, label: "options closed, ")
        }
        guard let best else { return nil }
        // A bound above a whole point's cost is no bound (a relaxation gone wrong numerically):
        // the plan is then stated without one rather than with a gap that means nothing.
        func checked(_ bounds: [Double]) -> Double? {
            let bound = bounds.max().flatMap { isBound($0, of: best.objective) ? $0 : nil }
            if bound == nil, !bounds.isEmpty {
                options.output?("fallback plan: bound \(bounds.max()!) above the plan's cost \(best.objective), dropped")
            }
            return bound
        }
        var bound = checked(bounds)
        let secured: (solution: Solution, name: String)
        if fixedIntegerLP, let fixed = try fixedLP(model, values: best.values, options: options, deadline: deadline),
           fixed.termination == .optimal, fixed.hasPrimalPoint, let objective = fixed.objectiveValue,
           objective <= best.objective + 1e-7 * max(1, abs(best.objective)) {
            options.output?("fallback plan: \(best.name): LP with the integers fixed \(objective) at \(clock.seconds) s")
            secured = (fixed, best.name)
        } else {
            options.output?("fallback plan: \(best.name): the completion as it is (no LP with the integers fixed in time)")
            let point = relaxation.solution.assembled(
                values: best.values, objective: best.objective, bound: bound, termination: stop, seconds: clock.seconds)
            return Result(solution: point, candidate: best.name)
        }
        if !relaxation.decomposed, let root = try rootNode(model, start: secured.solution.values, options: options, deadline: deadline) {
            // A small model: branch-and-cut's root from this start costs little and gives the
            // root's bound, possibly a better plan, and the duals with integers fixed.
            return Result(solution: root, candidate: secured.name)
        }
        if tightenBound, relaxation.decomposed, let left = deadline.remaining, left >= tighteningMinimumSeconds,
           let tightened = try Self.relaxation(
               model, options: options, deadline: Deadline(seconds: left, cancellation: deadline.cancellation), slopeSteps: slopeSteps) {
            options.output?("fallback plan: tightened bound \(tightened.bound) after \(tightened.solution.bendersIterations) rounds at \(clock.seconds) s")
            bound = checked(bounds + [tightened.bound]) ?? bound
        }
        return Result(solution: secured.solution.asMIPIncumbent(termination: stop, bound: bound, seconds: clock.seconds), candidate: secured.name)
    }

    /// Whether `bound` can be a lower bound of a plan costing `cost`: not above it beyond
    /// round-off. One that is above comes from a relaxation gone wrong numerically, and a plan
    /// is stated without it rather than with a gap that means nothing.
    static func isBound(_ bound: Double, of cost: Double) -> Bool {
        bound <= cost + 1e-7 * max(1, abs(cost))
    }

    /// What the fallback plan's gap is measured against, for the plan's note.
    static let boundText = "the relaxation's bound (on decomposed models raised by strengthened Benders cuts, which count whole replicas per period and slice)"

    /// Supergradient steps on each cut's slope per block and round when the bound is
    /// tightened (`CutStrengthening.slopeSteps`).
    static let slopeSteps = 10
    /// Strengthened rounds of a tightening at most, slope searches included: a limit of work,
    /// not time, so that a run that ends within it gives the same bound every time. Large seed
    /// 1's run ends at 43 s of its 60 s with 8 (bound 6,701,663); with 11, at 57 s (6,711,970).
    static let tighteningRounds = 8
    /// Strengthened rounds at most without the slope search (they stop sooner, when a round
    /// gains less than 1e-4: five on large seed 1).
    static let strengtheningRounds = 20
    /// The fewest seconds worth a tightening: its LP rounds come first (1.3 s on large seed 1).
    static let tighteningMinimumSeconds = 3.0

    // MARK: A bound for branch-and-cut that has not closed

    /// Supergradient steps per block and round of `blockBound`. On generated medium-16-base
    /// (whole replicas on two-node and eighth-of-a-node replicas): 10 steps give 3,072,438 in
    /// 1.4 s, 20 give 3,077,773 in 3.4 s, 80 give 3,082,161 in 11.3 s, where branch-and-cut's
    /// own bound is 3,050,533 after 60 s and the best plan known costs 3,108,652.
    static let blockBoundSlopeSteps = 20

    /// What the blocks' bound is, for the plan's note.
    static let blockBoundText = "the relaxation decomposed by period and slice with strengthened Benders cuts (which count whole replicas)"

    /// A lower bound of the MIP from its relaxation decomposed by period and slice, with
    /// strengthened cuts and their slopes searched (`relaxation`, at most `tighteningRounds`
    /// rounds: a limit of work), for a plan whose branch-and-cut stopped at its limit before it
    /// closed the gap. Its blocks' MIPs see whole replicas and on/off binaries per period and
    /// slice together with a free whole copy of the fleet they use, which branch-and-cut's
    /// bound reaches only by branching on hundreds of replica counts. Nil when the model does
    /// not split into such blocks (then the bound would be the whole relaxation's, which
    /// branch-and-cut's root already has), with `--decomposition monolithic`, or without time.
    static func blockBound(_ model: CapacityModel, options: PlanOptions, deadline: Deadline) throws -> Double? {
        guard options.decomposition != .monolithic else { return nil }
        var options = options
        options.decomposition = .benders
        guard let relaxation = try relaxation(model, options: options, deadline: deadline, slopeSteps: blockBoundSlopeSteps),
              relaxation.decomposed else { return nil }
        return relaxation.bound
    }

    // MARK: The relaxation

    struct Relaxation {
        /// A point of the relaxation, with y_op = 1 wherever its pool serves something.
        var values: [Double]
        /// Its optimum: a lower bound of the whole-unit plan.
        var bound: Double
        /// Whether it was solved by decomposition.
        var decomposed: Bool
        /// The solve that gave it (counts and status for a completion stated as a result).
        var solution: Solution
    }

    /// The relaxation, with the columns of `fixed` at their values (the dive's closed options).
    /// `spareCopies: false` skips the copies of y_op, and `strengthen: false` the strengthened
    /// cuts (the dive needs a fleet, not a bound).
    static func relaxation(
        _ model: CapacityModel, options: PlanOptions, deadline: Deadline, fixed: [Int: Double] = [:], spareCopies: Bool = true,
        strengthen: Bool = true, slopeSteps: Int = 0
    ) throws -> Relaxation? {
        guard let seconds = deadline.remaining else { return nil }
        let rows = RowMatrix(model.lp)
        // The discount earned e_ap (11.5) has a negative cost, which a block's θ ≥ 0 cannot
        // bound: in the relaxation's master, with κ_a and `commitOnly` (as in FleetDecomposition).
        let master = masterColumns(model).union(model.index.commitments.flatMap { c in c.periods.map { c.discount($0).index } })
        let large = decomposes(model, options: options)
        var lp = model.lp.relaxed()
        for (j, value) in fixed { lp.setBounds(Variable(index: j), lower: value, upper: value) }
        // y_op of each pool with spare units and period, with its `poolInUse` rows.
        var pools: [(y: Variable, rows: [Constraint])] = []
        for pool in model.index.poolsInUse {
            guard let block = pool.rows else { continue }
            for p in 0..<model.scenario.horizon.periods {
                pools.append((pool.inUse.variable(p), (0..<model.scenario.timeSlices.count).map { block.constraint(p, $0) }))
            }
        }
        var solution: Solution?
        var decomposed = false
        if large {
            // Spare units: y_op spans a period's slices. First each block gets its own copy
            // (`withBlockCopies`), which still charges the spare units where the pool serves;
            // when Benders fails on that, the weaker relaxation of the type's comment. (With
            // continuous units the copies' Benders once failed, a bound above a point's cost,
            // and ran slow: round-off cut coefficients, since raised in the LP layer. On large
            // seed 1 with `--relax` they now take 15 rounds, 1.4 s, for 6,450,763 against
            // the weaker relaxation's 6,303,204.)
            // Each with its matrix by rows (`sparesHeldFree` changes bounds only, so `rows`) and
            // the kinds of the problem it relaxes (a copy's, its column's), for the strengthened
            // cuts.
            var attempts: [(name: String, lp: LinearModel, rows: RowMatrix, kinds: [VariableKind])] = []
            let kinds = model.lp.variableKinds
            if spareCopies, !pools.isEmpty, let copied = withBlockCopies(of: pools.map(\.y), in: lp, rows: rows, master: master) {
                attempts.append(("y_op copied per block", copied.lp, RowMatrix(copied.lp), kinds + copied.originals.map { kinds[$0] }))
            }
            attempts.append(("spare units held free", sparesHeldFree(lp, pools: pools, rows: rows), rows, kinds))
            var solveOptions = subsolveOptions(options, seconds: seconds)
            solveOptions.relaxIntegrality = true
            for (k, attempt) in attempts.enumerated() where solution == nil {
                // Its bound is the master's optimum, valid at every round: a tolerance of
                // `relaxationTolerance` weakens it by at most that much.
                let structure = blockStructure(attempt.lp, rows: attempt.rows, master: master)
                // The master's simplex can fail on the cuts of later rounds (GLP_EFAIL on
                // large seed 1 with serving options): then fewer rounds, halving, keep what
                // they reached.
                var rounds = BendersDecomposition(masterColumns: [], blocks: []).maxIterations
                while solution == nil, rounds >= minimumRounds, let left = deadline.remaining {
                    solveOptions.simplex.timeLimit = left
                    solveOptions.mip.timeLimit = left
                    var decomposition = structure.decomposition(tolerance: relaxationTolerance)
                    decomposition.maxIterations = rounds
                    if strengthen {
                        decomposition.strengthening = CutStrengthening(
                            kinds: attempt.kinds, nodeLimit: blockNodeLimit,
                            maxRounds: slopeSteps > 0 ? tighteningRounds : strengtheningRounds, slopeSteps: slopeSteps)
                    }
                    do {
                        solution = try GLPKSolver.solveByBenders(attempt.lp, decomposition: decomposition, options: solveOptions)
                        decomposed = true
                    } catch let error as BendersNotApplicable {
                        options.output?("fallback plan: \(attempt.name): \(error.description) within \(rounds) rounds")
                        // A relaxation with another after it is dropped at once: the weaker
                        // one decomposed well where the copies failed.
                        rounds = k < attempts.count - 1 ? 0 : rounds >= 1_000 ? 64 : rounds / 2
                    }
                }
            }
        }
        if solution == nil {
            guard let left = deadline.remaining else { return nil }
            var solveOptions = subsolveOptions(options, seconds: left)
            solveOptions.relaxIntegrality = true
            solution = try GLPKSolver.solve(lp, options: solveOptions)
        }
        // A decomposed relaxation stopped early still has a point and the master's bound.
        let usable = solution?.termination == .optimal
            || (decomposed && solution?.objectiveBound != nil && [.iterationLimit, .timeLimit].contains(solution?.termination))
        guard let solution, usable, solution.hasPrimalPoint, let objective = solution.objectiveValue else {
            options.output?("fallback plan: no relaxation (\(solution?.termination.rawValue ?? "no time"))")
            return nil
        }
        if decomposed { options.output?("fallback plan: decomposed relaxation: \(solution.termination.rawValue) after \(solution.bendersIterations) rounds") }
        // (Without the columns `withBlockCopies` added.)
        var values = Array(solution.values.prefix(model.lp.variableCount))
        // y_op = 1 where the pool serves something, so that the candidates hold its spare units.
        for pool in pools where decomposed {
            let load = pool.rows.contains { row in
                rows.entries[row.index].contains { $0.column != pool.y.index && $0.value * values[$0.column] > 1e-9 }
            }
            values[pool.y.index] = load ? 1 : 0
        }
        return Relaxation(values: values, bound: solution.objectiveBound ?? objective, decomposed: decomposed, solution: solution)
    }

    /// The weaker relaxation of the type's comment: y_op fixed at 0 in the capacity rows (the
    /// spare units held for free) and the `poolInUse` rows relaxed to Σ_w x ≤ Σ_w r (what
    /// y_op = 1 allows).
    static func sparesHeldFree(_ lp: LinearModel, pools: [(y: Variable, rows: [Constraint])], rows: RowMatrix) -> LinearModel {
        var lp = lp
        for pool in pools {
            lp.setBounds(pool.y, lower: 0, upper: 0)
            for row in pool.rows {
                let rate = -rows.coefficient(row: row.index, column: pool.y.index)
                lp.setBound(row, .lessOrEqual(max(0, rate)))
            }
        }
        return lp
    }

    /// `lp` with each column of `shared` (master columns whose rows lie in several blocks)
    /// fixed at 0 and replaced, in the rows of each block, by a copy of its own with the same
    /// bounds: a relaxation (every point of `lp` gives one, with every copy at the column's
    /// value) that decomposes. For y_op, the copy of the block of period p and slice s is a
    /// y_ops: the slice's `poolInUse` row still forces it up with the pool's load there, and
    /// its capacity rows still pay for the spare units with it, so the bound loses only that
    /// y_op may differ between slices (it is set by the peak slice, where the capacity rows
    /// bind). Nil when one of the columns is in a master row. `originals` gives, for each
    /// column added, the column it copies.
    static func withBlockCopies(
        of shared: [Variable], in lp: LinearModel, rows: RowMatrix, master: Set<Int>
    ) -> (lp: LinearModel, originals: [Int])? {
        let structure = blockStructure(lp, rows: rows, master: master)
        var blockOfRow = [Int](repeating: -1, count: lp.constraintCount)
        for (b, blockRows) in structure.blocks.enumerated() { for r in blockRows { blockOfRow[r] = b } }
        var rowsOf: [Int: [(row: Int, value: Double)]] = [:]
        let sharedSet = Set(shared.map(\.index))
        for (r, entries) in rows.entries.enumerated() {
            for entry in entries where sharedSet.contains(entry.column) { rowsOf[entry.column, default: []].append((r, entry.value)) }
        }
        var copied = lp
        var originals: [Int] = []
        for column in shared {
            let bounds = lp.bounds(of: column)
            var copies: [Int: Variable] = [:]
            for (row, value) in rowsOf[column.index] ?? [] {
                let block = blockOfRow[row]
                guard block >= 0 else { return nil }
                let copy = copies[block] ?? copied.addVariable(lowerBound: bounds.lower, upperBound: bounds.upper, kind: .continuous, objective: 0)
                if copies[block] == nil { originals.append(column.index) }
                copies[block] = copy
                copied.addTerm(Constraint(index: row), copy, value)
                // The column leaves the row (entries summed to 0 are dropped).
                copied.addTerm(Constraint(index: row), column, -value)
            }
            copied.setBounds(column, lower: 0, upper: 0)
        }
        return (copied, originals)
    }

    /// The dive's relaxation may take this many times the first one's seconds (plus one), so
    /// that a slow one leaves the rest of the limit to the completions: with the copies of
    /// y_op, generated large seed 3's took 23 s for 14 Benders rounds against 1.7 s for 15.
    static let diveTimeFactor = 3.0

    /// The options the dive closes: z_owps fixed at 0 wherever the relaxation runs fewer than
    /// μ_w replicas of the option (unused ones included). The relaxation charges such a
    /// fraction of the minimum in proportion to its load; a whole plan pays all of it or
    /// serves the load elsewhere, which the dive's relaxation then does.
    static func closedOptions(_ model: CapacityModel, relaxation: [Double]) -> [Int: Double] {
        var closed: [Int: Double] = [:]
        let periods = model.scenario.horizon.periods, slices = model.scenario.timeSlices.count
        for pair in model.index.replicaPairs {
            guard let inUse = pair.inUse else { continue }
            for p in 0..<periods {
                for s in 0..<slices where relaxation[pair.replicas.variable(p, s).index] < Double(pair.minimum) - 1e-9 {
                    closed[inUse.variable(p, s).index] = 0
                }
            }
        }
        return closed
    }

    // MARK: Fixed fleets

    /// The relaxation's fleet rounded up and down (the blocks choose the replicas the fleet
    /// holds and send the rest elsewhere), the rounding candidates (the fleet raised to hold
    /// the relaxation's replicas rounded up), then the existing fleet alone. Pools in use
    /// follow the fleet (`withPoolsInUse`).
    static func candidates(_ model: CapacityModel, relaxation: [Double]) -> [(name: String, values: [Double])] {
        let scenario = model.scenario
        let rounded = roundedFleets(model, relaxation: relaxation)
        // Best first on generated large seed 1 (docs/benchmarks.md), in case time runs out.
        var candidates = [
            ("fleet rounded up", plain(rounded.up, model: model, relaxation: relaxation)),
            ("fleet rounded down", plain(rounded.down, model: model, relaxation: relaxation)),
        ]
        if model.index.fleetColumns.allSatisfy({ model.lp.kind(of: Variable(index: $0)) == .continuous }) {
            // Continuous units (`--relax`, `integerUnits: false`): the relaxation's own fleet
            // first, unrounded; only the on/off binaries are left to the blocks.
            var fleet = relaxation
            for j in model.index.fleetColumns { fleet[j] = max(0, relaxation[j]) }
            candidates.insert(("relaxation's fleet", plain(fleet, model: model, relaxation: relaxation)), at: 0)
        }
        // Without replicas or spare units these repeat the two above, but for the last.
        let raised = !model.index.replicaPairs.isEmpty || !model.index.poolsInUse.isEmpty
        candidates += RoundingHeuristic.candidates(scenario: scenario, model: model, relaxation: relaxation)
            .filter { raised || $0.name == "every arrival rounded down" }
            .map { (raised ? $0.name + ", raised to hold the replicas rounded up" : $0.name, $0.values) }
        var none = relaxation
        for j in model.index.fleetColumns { none[j] = 0 }
        // No pool in use: spare units need units, and there are none beyond the existing ones.
        for pool in model.index.poolsInUse {
            for p in 0..<model.scenario.horizon.periods { none[pool.inUse.variable(p).index] = 0 }
        }
        none = RoundingHeuristic.withCommitments(
            RoundingHeuristic.withUnitsInService(none, scenario: model.scenario, model: model), model: model, relaxation: relaxation)
        for platform in model.index.platforms {
            for p in 0..<model.scenario.horizon.periods { none[platform.inUse.variable(p).index] = relaxation[platform.inUse.variable(p).index] > 1e-6 ? 1 : 0 }
        }
        candidates.append(("no new units", none))
        return candidates.map { ($0.0, withPoolsInUse($0.1, model: model)) }
    }

    /// The relaxation's fleet rounded up (down where that breaks the power cap) and down: only
    /// the arrivals, reserved units and contract starts are set.
    static func roundedFleets(_ model: CapacityModel, relaxation: [Double]) -> (up: [Double], down: [Double]) {
        (RoundingHeuristic.preferred(scenario: model.scenario, model: model, relaxation: relaxation),
         RoundingHeuristic.fleet(scenario: model.scenario, model: model, relaxation: relaxation, up: false))
    }

    /// A rounded fleet as a proposal: units in service from its arrivals, platforms, pools in
    /// use and the replicas' starting values from the relaxation (the blocks re-choose ρ, z).
    static func plain(_ fleet: [Double], model: CapacityModel, relaxation: [Double]) -> [Double] {
        let proposal = RoundingHeuristic.withDispatchIntegers(
            RoundingHeuristic.withUnitsInService(fleet, scenario: model.scenario, model: model), model: model, relaxation: relaxation)
        return withPoolsInUse(proposal, model: model)
    }

    /// The fleet's columns by offering: each purchase's arrivals, each reserved rental's
    /// units and contract starts.
    static func fleetGroups(_ model: CapacityModel) -> [(offering: String, columns: [Int])] {
        let periods = model.scenario.horizon.periods
        var groups: [(String, [Int])] = []
        for (k, purchase) in model.scenario.purchases.enumerated() {
            groups.append((purchase.id, (0..<periods).compactMap { model.index.arrivals[k].variable($0)?.index }))
        }
        for (r, rental) in model.scenario.rentals.enumerated() {
            guard let units = model.index.reservedUnits[r] else { continue }
            var columns = (0..<periods).map { units.variable($0).index }
            if let starts = model.index.contractStarts[r] { columns += (0..<periods).map { starts.variable($0).index } }
            groups.append((rental.id, columns))
        }
        return groups
    }

    /// y_op with the fleet fixed: 1 when a purchase or reserved rental has more units than its
    /// spares (y costs nothing and only lets the pool serve), 0 when it has no more (y = 1
    /// would leave its capacity rows negative); on-demand pools keep the candidate's.
    static func withPoolsInUse(_ proposal: [Double], model: CapacityModel) -> [Double] {
        var proposal = proposal
        let scenario = model.scenario
        for pool in model.index.poolsInUse {
            let units: (Int) -> Double
            let spare: Int
            switch scenario.offerings[pool.offering] {
            case .purchase(let purchase):
                guard let k = scenario.purchases.firstIndex(where: { $0.id == purchase.id }) else { continue }
                units = { proposal[model.index.inService[k].variable($0).index] }
                spare = purchase.spareUnits
            case .rental(let rental):
                guard let r = scenario.rentals.firstIndex(where: { $0.id == rental.id }), let reserved = model.index.reservedUnits[r] else { continue }
                units = { proposal[reserved.variable($0).index] }
                spare = rental.spareUnits
            case .api:
                continue
            }
            for p in 0..<scenario.horizon.periods {
                proposal[pool.inUse.variable(p).index] = units(p) > Double(spare) + 1e-6 ? 1 : 0
            }
        }
        return proposal
    }

    /// The columns a fleet fixes: the fleet's (`CapacityModelIndex.fleetColumns`) and every other
    /// integer column but the replicas ρ and their binaries z (platforms, pools in use).
    static func masterColumns(_ model: CapacityModel) -> Set<Int> {
        var dispatch = Set<Int>()
        let periods = model.scenario.horizon.periods, slices = model.scenario.timeSlices.count
        for replica in model.index.replicaPairs {
            for p in 0..<periods {
                for s in 0..<slices {
                    dispatch.insert(replica.replicas.variable(p, s).index)
                    if let z = replica.inUse { dispatch.insert(z.variable(p, s).index) }
                }
            }
        }
        // Training jobs' π and σ (formulation.md section 10) are completed with their job: its
        // rows join its periods and slices into one block (rounded alone they break jobPool).
        for job in model.index.jobs { dispatch.formUnion(job.binaryColumns) }
        let integers = model.lp.variables.lazy.filter { model.lp.kind(of: $0) != .continuous && !dispatch.contains($0.index) }.map(\.index)
        // The fleet's continuous columns too (reserved units under contract, units in service
        // of the plain formulation): they link periods and slices.
        return model.index.fleetColumns.union(integers)
    }

    // MARK: Per-block completion

    /// `proposal` with the master columns (`masterColumns`) fixed at their rounded values and
    /// every other column from one MIP per block: the optimum of the whole MIP with that fleet
    /// fixed, up to each block's gap. Nil when the fleet breaks a row of its own (power cap,
    /// budget) or a block has no solution.
    static func completeByBlocks(_ model: CapacityModel, proposal: [Double], options: PlanOptions, deadline: Deadline) throws -> (values: [Double], objective: Double)? {
        let lp = model.lp
        let rows = RowMatrix(lp)
        let master = masterColumns(model)
        var values = proposal
        for j in master {
            let bounds = lp.bounds(of: Variable(index: j))
            // (Continuous fleet columns are sums of whole ones in every candidate.)
            var value = lp.kind(of: Variable(index: j)) == .continuous ? proposal[j] : proposal[j].rounded()
            if let lower = bounds.lower { value = max(value, lower) }
            if let upper = bounds.upper { value = min(value, upper) }
            values[j] = value
        }
        let structure = blockStructure(lp, rows: rows, master: master)
        for row in structure.masterRows where !holds(row, rows: rows, lp: lp, values: values) {
            options.output?("fallback plan: the fleet breaks \(lp.name(of: Constraint(index: row)))")
            return nil
        }
        for j in structure.looseColumns where !master.contains(j) {
            // In no row: at whichever bound its cost prefers.
            let bounds = lp.bounds(of: Variable(index: j))
            values[j] = lp.objectiveCoefficients[j] >= 0 ? (bounds.lower ?? 0) : (bounds.upper ?? bounds.lower ?? 0)
        }
        for (blockRows, blockColumns) in zip(structure.blocks, structure.blockColumns) {
            guard let seconds = deadline.remaining else {
                options.output?("fallback plan: out of time")
                return nil
            }
            var sub = LinearModel()
            var local: [Int: Variable] = [:]
            for j in blockColumns {
                let variable = Variable(index: j)
                let bounds = lp.bounds(of: variable)
                local[j] = sub.addVariable(lowerBound: bounds.lower, upperBound: bounds.upper, kind: lp.kind(of: variable), objective: lp.objectiveCoefficients[j])
            }
            for r in blockRows {
                var fixedPart = 0.0
                var terms: [(Variable, Double)] = []
                for entry in rows.entries[r] {
                    if let variable = local[entry.column] { terms.append((variable, entry.value)) } else { fixedPart += entry.value * values[entry.column] }
                }
                let bounds = lp.bounds(of: Constraint(index: r))
                guard let bound = constraintBound(lower: bounds.lower.map { $0 - fixedPart }, upper: bounds.upper.map { $0 - fixedPart }) else { continue }
                sub.addConstraint(terms: terms, bound)
            }
            let blockOptions = subsolveOptions(options, seconds: seconds)
            var solution = try GLPKSolver.solve(sub, options: blockOptions)
            if !solution.hasPrimalPoint, sub.hasIntegerVariables, solution.stoppedAtLimit, let start = try noReplicaStart(sub, options: blockOptions) {
                // No incumbent within the node limit (minimum replicas and their binaries can
                // hide every whole point from GLPK's search): again from the block without
                // replicas, which the unlimited options carry.
                var started = blockOptions
                started.mip.startingSolution = start
                solution = try GLPKSolver.solve(sub, options: started)
            }
            guard solution.hasPrimalPoint else {
                options.output?("fallback plan: block of \(blockRows.map { lp.name(of: Constraint(index: $0)) }.prefix(3)) has no solution (\(solution.termination))")
                return nil
            }
            for j in blockColumns { values[j] = solution.values[local[j]!.index] }
        }
        let objective = lp.objectiveConstant + zip(lp.objectiveCoefficients, values).reduce(0.0) { $0 + $1.0 * $1.1 }
        return (values, objective)
    }

    /// A whole point of a block: its integer columns at their lower bounds (no replicas, no
    /// binaries), the rest from the LP; nil when that LP has no solution.
    static func noReplicaStart(_ block: LinearModel, options: SolveOptions) throws -> [Double]? {
        var lp = block.relaxed()
        for variable in block.variables where block.kind(of: variable) != .continuous {
            let lower = block.bounds(of: variable).lower ?? 0
            lp.setBounds(variable, lower: lower, upper: lower)
        }
        var lpOptions = options
        lpOptions.relaxIntegrality = true
        let solution = try GLPKSolver.solve(lp, options: lpOptions)
        return solution.termination == .optimal && solution.hasPrimalPoint ? solution.values : nil
    }

    /// Whether a row of master columns only holds at `values` (GLPK's relative tolerance).
    static func holds(_ row: Int, rows: RowMatrix, lp: LinearModel, values: [Double]) -> Bool {
        let activity = rows.entries[row].reduce(0.0) { $0 + $1.value * values[$1.column] }
        let bounds = lp.bounds(of: Constraint(index: row))
        if let lower = bounds.lower, activity < lower - 1e-7 * max(1, abs(lower)) { return false }
        if let upper = bounds.upper, activity > upper + 1e-7 * max(1, abs(upper)) { return false }
        return true
    }

    static func constraintBound(lower: Double?, upper: Double?) -> ConstraintBound? {
        switch (lower, upper) {
        case let (lower?, upper?): return lower == upper ? .equal(lower) : .range(lower, upper)
        case let (lower?, nil): return .greaterOrEqual(lower)
        case let (nil, upper?): return .lessOrEqual(upper)
        case (nil, nil): return nil
        }
    }

    // MARK: The plan's LP

    /// The LP with every integer column fixed at `values`, decomposed like the relaxation when
    /// the model is large.
    static func fixedLP(_ model: CapacityModel, values: [Double], options: PlanOptions, deadline: Deadline) throws -> Solution? {
        guard let seconds = deadline.remaining else { return nil }
        var lp = model.lp.relaxed()
        var integers = Set<Int>()
        for variable in model.lp.variables where model.lp.kind(of: variable) != .continuous {
            // Within the column's bounds (a column outside an availability window stays at 0).
            let bounds = model.lp.bounds(of: variable)
            var value = values[variable.index].rounded()
            if let upper = bounds.upper { value = min(value, upper) }
            if let lower = bounds.lower { value = max(value, lower) }
            lp.setBounds(variable, lower: value, upper: value)
            integers.insert(variable.index)
        }
        var solveOptions = subsolveOptions(options, seconds: seconds)
        solveOptions.relaxIntegrality = true
        if decomposes(model, options: options) {
            let structure = blockStructure(lp, rows: RowMatrix(lp), master: integers.union(model.index.fleetColumns))
            do {
                return try GLPKSolver.solveByBenders(lp, decomposition: structure.decomposition(), options: solveOptions)
            } catch is BendersNotApplicable {}
        }
        return try GLPKSolver.solve(lp, options: solveOptions)
    }

    /// Whether the relaxation and the plan's LP are solved by decomposition: for large models
    /// (as `Planner.bendersColumns` decides for LPs), or always with `--decomposition benders`.
    static func decomposes(_ model: CapacityModel, options: PlanOptions) -> Bool {
        switch options.decomposition {
        case .benders: return true
        case .monolithic: return false
        case .automatic: return model.lp.variableCount >= Planner.bendersColumns
        }
    }

    /// Branch-and-cut's root node from `start` (the first node selection after the root's
    /// branching stops it), with the duals of the LP with the integers fixed.
    static func rootNode(_ model: CapacityModel, start: [Double], options: PlanOptions, deadline: Deadline) throws -> Solution? {
        guard let seconds = deadline.remaining else { return nil }
        var solveOptions = subsolveOptions(options, seconds: seconds)
        solveOptions.mip.startingSolution = start
        solveOptions.mip.nodeLimit = 2
        solveOptions.mip.computeFixedDuals = true
        let solution = try GLPKSolver.solve(model.lp, options: solveOptions)
        return solution.hasPrimalPoint ? solution : nil
    }

    /// The plan's solver settings within `seconds`, without the main solve's own limits (node
    /// and iteration limits, start, progress): the fallback must not stop where the plan did.
    static func subsolveOptions(_ options: PlanOptions, seconds: Double) -> SolveOptions {
        var solveOptions = options.solveOptions(timeLimit: seconds, mipGap: options.mipGap)
        solveOptions.simplex.iterationLimit = nil
        solveOptions.mip.nodeLimit = blockNodeLimit
        solveOptions.mip.startingSolution = nil
        solveOptions.mip.roundingHeuristic = nil
        solveOptions.mip.progress = nil
        solveOptions.mip.computeFixedDuals = false
        return solveOptions
    }

    // MARK: Block structure

    /// The matrix by rows, duplicate entries kept (they add up).
    struct RowMatrix {
        struct Entry {
            let column: Int
            let value: Double
        }
        let entries: [[Entry]]

        init(_ lp: LinearModel) {
            var entries = [[Entry]](repeating: [], count: lp.constraintCount)
            for k in lp.entryValues.indices {
                entries[Int(lp.entryRows[k])].append(Entry(column: Int(lp.entryColumns[k]), value: lp.entryValues[k]))
            }
            self.entries = entries
        }

        func coefficient(row: Int, column: Int) -> Double {
            entries[row].reduce(0.0) { $0 + ($1.column == column ? $1.value : 0) }
        }

        /// For each of `columnCount` columns, the rows that hold it, each once, in order.
        func rowsByColumn(columnCount: Int) -> [[Int]] {
            var rows = [[Int]](repeating: [], count: columnCount)
            for (row, entries) in entries.enumerated() {
                for entry in entries where rows[entry.column].last != row { rows[entry.column].append(row) }
            }
            return rows
        }
    }

    /// The rows and columns that fixing `master` leaves connected: two columns are in one block
    /// when a row holds both. Rows of master columns only are the master's; columns in no row
    /// are loose.
    struct BlockStructure {
        var master: [Int]
        var masterRows: [Int] = []
        var blocks: [[Int]] = []
        var blockColumns: [[Int]] = []
        var looseColumns: [Int] = []

        /// As a Benders decomposition stopping at `tolerance`: loose columns join the master.
        func decomposition(tolerance: Double = 1e-9) -> BendersDecomposition {
            BendersDecomposition(
                masterColumns: (master + looseColumns).sorted().map(Variable.init(index:)),
                blocks: blocks.map { $0.map(Constraint.init(index:)) }, relativeTolerance: tolerance)
        }
    }

    static func blockStructure(_ lp: LinearModel, rows: RowMatrix, master: Set<Int>) -> BlockStructure {
        var parent = Array(0..<lp.variableCount)
        func find(_ j: Int) -> Int {
            var root = j
            while parent[root] != root { root = parent[root] }
            var k = j
            while parent[k] != root { (parent[k], k) = (root, parent[k]) }
            return root
        }
        var inRow = [Bool](repeating: false, count: lp.variableCount)
        for row in rows.entries {
            var first: Int?
            for entry in row where !master.contains(entry.column) {
                inRow[entry.column] = true
                if let first {
                    let a = find(first), b = find(entry.column)
                    if a != b { parent[max(a, b)] = min(a, b) }
                } else {
                    first = entry.column
                }
            }
        }
        var structure = BlockStructure(master: master.sorted())
        var blockOf: [Int: Int] = [:]
        for (r, row) in rows.entries.enumerated() {
            guard let column = row.first(where: { !master.contains($0.column) })?.column else {
                structure.masterRows.append(r)
                continue
            }
            let root = find(column)
            if let block = blockOf[root] {
                structure.blocks[block].append(r)
            } else {
                blockOf[root] = structure.blocks.count
                structure.blocks.append([r])
                structure.blockColumns.append([])
            }
        }
        for j in 0..<lp.variableCount where !master.contains(j) {
            if inRow[j] { structure.blockColumns[blockOf[find(j)]!].append(j) } else { structure.looseColumns.append(j) }
        }
        return structure
    }
}
