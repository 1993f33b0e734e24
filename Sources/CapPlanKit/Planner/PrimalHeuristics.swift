import Foundation
import LinearProgramming

/// Whole-unit incumbents built from the relaxation, handed to branch-and-cut as its first
/// incumbent (docs/benchmarks.md, "Primal heuristics", describes and measures them).
///
/// - **Rounding** (`RoundingHeuristic`): the relaxation's fleet rounded, the rest re-solved.
/// - **Relax-and-fix over periods**: going forward, fix period p's whole units (arrivals,
///   units in service, reserved rentals) from the current relaxation, rounded (the fleet down
///   and up, whichever relaxation is cheaper), and re-solve the relaxation with them fixed, so later
///   periods adapt to what earlier ones bought. The LP after the last period is the plan.
/// - **RINS**: fix every whole-unit column on which the relaxation and the incumbent agree,
///   solve the small MIP that remains with a short limit from the incumbent, and repeat while
///   the incumbent improves.
/// - **One offering at a time**: each purchase's (or reserved rental's) whole units over the
///   horizon re-planned with every other whole unit fixed at the incumbent; passes repeat
///   (with RINS after each) while one improves it.
///
/// Every LP here is solved by Benders decomposition when the plan's own LP would be
/// (`Planner.bendersColumns`): a large relaxation costs ten times more whole.
enum PrimalHeuristics {
    /// A whole-unit point with the LP (or sub-MIP) solution that gave it.
    struct Incumbent {
        var solution: Solution
        /// Which heuristic produced it (`--verbose`).
        var origin: String
        var values: [Double] { solution.values }
        var objective: Double { solution.objectiveValue! }
    }

    /// What the heuristics found: the best incumbent, and the relaxation's optimum (a valid
    /// lower bound of the MIP).
    struct Outcome {
        var best: Incumbent?
        var relaxationBound: Double?
    }

    /// The share of the main solve's limit that branch-and-cut gets before the heuristics run
    /// (not for large models, whose root LP alone may take that long). Half: on the corpus at
    /// a 10 s limit, a first phase of 10% left 32 of 204 unproven against 22 without the
    /// heuristics, the restart costing instances that would have closed a little later.
    static let firstPhaseShare = 0.5
    /// The first phase of a large model that does not decompose (spare units, deferral with
    /// replicas): its whole root LP rarely finishes within the first half (generated large
    /// seed 1, with and without section 11's features), and the fallback plan needs the time.
    static let largeFirstPhaseShare = 0.25
    /// The share of what is left that the heuristics get after a first phase (the rest is
    /// branch-and-cut's); large models, without a first phase, give them all of it.
    static let heuristicShare = 0.5
    /// The budget the shares apply to when the main solve has no limit.
    static let unlimitedBudget = 60.0
    /// Below this many seconds left after the first phase, the heuristics are not started.
    static let minimumSeconds = 1.0
    /// Seconds for one RINS sub-MIP.
    static let rinsTimeLimit = 8.0
    /// The relative improvement below which RINS stops.
    static let improvement = 1e-7

    /// Whether the model's LPs are solved by decomposition, so that the heuristics run first.
    static func isLarge(_ model: CapacityModel, options: PlanOptions) -> Bool {
        options.decomposition != .monolithic && model.lp.variableCount >= Planner.bendersColumns
            && FleetDecomposition.decomposition(of: model) != nil
    }

    /// The best incumbent found before `deadline` (`seed` when nothing beats it).
    static func run(_ model: CapacityModel, seed: Incumbent? = nil, options: PlanOptions, deadline: Deadline) throws -> Outcome {
        guard model.lp.hasIntegerVariables, let seconds = deadline.remaining else { return Outcome(best: seed) }
        let clock = Stopwatch()
        let relaxation = try solveLP(model.lp.relaxed(), model: model, options: options, seconds: seconds)
        guard relaxation.termination == .optimal, relaxation.hasPrimalPoint else { return Outcome(best: seed) }
        var outcome = Outcome(best: seed, relaxationBound: relaxation.objectiveBound ?? relaxation.objectiveValue)
        options.output?("primal heuristics: relaxation: obj = \(relaxation.objectiveValue!) at \(clock.seconds) s")
        func offer(_ candidate: Incumbent?) {
            guard let candidate else { return }
            options.output?("\(candidate.origin): incumbent \(candidate.objective) at \(clock.seconds) s")
            if outcome.best.map({ candidate.objective < $0.objective }) ?? true { outcome.best = candidate }
        }
        if let proposal = RoundingHeuristic.proposal(scenario: model.scenario, model: model, relaxation: relaxation.values) {
            offer(try completion(of: proposal, model: model, options: options, deadline: deadline, origin: "fleet rounding"))
        }
        offer(try relaxAndFix(model, relaxation: relaxation.values, options: options, deadline: deadline))
        while let best = outcome.best,
              let improved = try rins(model, relaxation: relaxation.values, incumbent: best, options: options, deadline: deadline) {
            offer(improved)
        }
        // Then, while time lasts, one offering at a time (and RINS again after each pass).
        while let best = outcome.best, let improved = try offeringPass(model, incumbent: best, options: options, deadline: deadline) {
            offer(improved)
            if let again = try rins(model, relaxation: relaxation.values, incumbent: improved, options: options, deadline: deadline) { offer(again) }
        }
        return outcome
    }

    /// The LP `lp` (no integer columns) within `seconds`, by Benders when the plan's LP would be.
    static func solveLP(_ lp: LinearModel, model: CapacityModel, options: PlanOptions, seconds: Double) throws -> Solution {
        var solveOptions = options.solveOptions(timeLimit: seconds, mipGap: options.mipGap)
        solveOptions.relaxIntegrality = true
        if options.decomposition != .monolithic, lp.variableCount >= Planner.bendersColumns,
           let decomposition = FleetDecomposition.decomposition(of: model) {
            do {
                return try GLPKSolver.solveByBenders(lp, decomposition: decomposition, options: solveOptions)
            } catch is BendersNotApplicable {}
        }
        return try GLPKSolver.solve(lp, options: solveOptions)
    }

    /// The rest of the decisions with the whole units fixed at `proposal`. With section 8's
    /// replicas and binaries: the fleet fixed (pools in use following it) and one small MIP
    /// per period and slice over ρ and z (`FallbackPlan.completeByBlocks`; the MIP over all of
    /// them at once took the whole RINS limit on large models), then the LP with every integer
    /// fixed. Otherwise, or when a block has no solution: the LP of the continuous decisions
    /// with every integer fixed at the proposal.
    static func completion(of proposal: [Double], model: CapacityModel, options: PlanOptions, deadline: Deadline, origin: String) throws -> Incumbent? {
        if hasDispatchIntegers(model),
           let completed = try FallbackPlan.completeByBlocks(
               model, proposal: FallbackPlan.withPoolsInUse(proposal, model: model), options: options, deadline: deadline),
           let fixed = try FallbackPlan.fixedLP(model, values: completed.values, options: options, deadline: deadline),
           fixed.termination == .optimal, fixed.hasPrimalPoint, fixed.objectiveValue != nil {
            return Incumbent(solution: fixed, origin: origin)
        }
        guard let seconds = deadline.remaining else { return nil }
        var fixedLP = model.lp.relaxed()
        for variable in model.lp.variables where model.lp.kind(of: variable) != .continuous {
            // Within the column's bounds: a start or a unit outside an availability window
            // (11.5) is fixed at 0 there, whatever the proposal raised.
            let bounds = model.lp.bounds(of: variable)
            var value = proposal[variable.index].rounded()
            if let upper = bounds.upper { value = min(value, upper) }
            if let lower = bounds.lower { value = max(value, lower) }
            fixedLP.setBounds(variable, lower: value, upper: value)
        }
        let fixed = try solveLP(fixedLP, model: model, options: options, seconds: seconds)
        guard fixed.termination == .optimal, fixed.hasPrimalPoint, fixed.objectiveValue != nil else { return nil }
        return Incumbent(solution: fixed, origin: origin)
    }

    /// Whether the model has integer columns outside the fleet (section 8's ρ, z, u, y).
    static func hasDispatchIntegers(_ model: CapacityModel) -> Bool {
        let fleet = model.index.fleetColumns
        return model.lp.variables.contains { model.lp.kind(of: $0) != .continuous && !fleet.contains($0.index) }
    }

    /// Relax-and-fix over periods; nil when a period can be rounded neither up nor down.
    static func relaxAndFix(_ model: CapacityModel, relaxation: [Double], options: PlanOptions, deadline: Deadline) throws -> Incumbent? {
        var lp = model.lp.relaxed()
        var current = relaxation
        var last: Solution?
        for p in 0..<model.scenario.horizon.periods {
            // Both roundings, the cheaper relaxation kept: rounding up every period compounds
            // (each period's fleet carries the last one's extra unit), and down may leave a
            // fraction that a rate-limited API cannot carry.
            var chosen: (lp: LinearModel, solution: Solution)?
            for up in [false, true] {
                guard let seconds = deadline.remaining else { return nil }
                var trial = lp
                for (variable, value) in wholeUnits(of: p, model: model, current: current, up: up) {
                    trial.setBounds(variable, lower: value, upper: value)
                }
                let solved = try solveLP(trial, model: model, options: options, seconds: seconds)
                guard solved.termination == .optimal, solved.hasPrimalPoint, let objective = solved.objectiveValue else { continue }
                if chosen.map({ objective < $0.solution.objectiveValue! }) ?? true { chosen = (trial, solved) }
            }
            guard let chosen else { return nil }
            lp = chosen.lp
            current = chosen.solution.values
            last = chosen.solution
        }
        // The fleet is whole now; section 8's replicas and binaries are not yet.
        if let last, hasDispatchIntegers(model) {
            let proposal = RoundingHeuristic.withWholeDispatch(last.values, model: model, relaxation: last.values)
            return try completion(of: proposal, model: model, options: options, deadline: deadline, origin: "relax-and-fix")
        }
        return last.map { Incumbent(solution: $0, origin: "relax-and-fix") }
    }

    /// Period p's whole-unit columns and their rounded values, given `current` (whose earlier
    /// periods are already whole): each purchase gets the fewest whole arrivals that bring its
    /// fleet to the relaxation's fleet rounded up (or down), within its supply cap; the units
    /// in service follow from the fleet row; reserved rentals are rounded the same way.
    static func wholeUnits(of p: Int, model: CapacityModel, current: [Double], up: Bool) -> [(Variable, Double)] {
        let tolerance = 1e-6
        func rounded(_ value: Double) -> Double {
            max(0, up ? (value - tolerance).rounded(.up) : (value + tolerance).rounded(.down))
        }
        var fixed: [(Variable, Double)] = []
        for (k, purchase) in model.scenario.purchases.enumerated() {
            let arrivals = model.index.arrivals[k], inService = model.index.inService[k]
            var fleet = purchase.existingUnits(inPeriod: p)
            for q in max(0, p - purchase.lifetimePeriods + 1)..<p {
                if let b = arrivals.variable(q) { fleet += current[b.index].rounded() }
            }
            var units = 0.0
            if let b = arrivals.variable(p) {
                // Within the column's bounds: orders in flight below, the supply cap above (13.1).
                let bounds = model.lp.bounds(of: b)
                units = max(bounds.lower ?? 0, rounded(current[inService.variable(p).index]) - fleet)
                if let cap = bounds.upper { units = min(units, cap.rounded(.down)) }
                fixed.append((b, units))
            }
            if model.lp.kind(of: inService.variable(p)) != .continuous { fixed.append((inService.variable(p), fleet + units)) }
        }
        for (k, rental) in model.scenario.rentals.enumerated() {
            guard let block = model.index.reservedUnits[k] else { continue }
            let target = rounded(current[block.variable(p).index])
            guard let starts = model.index.contractStarts[k] else {
                fixed.append((block.variable(p), max(target, model.lp.bounds(of: block.variable(p)).lower ?? 0)))
                continue
            }
            // Contracts: the fewest whole starts that bring the units under contract to the target
            // (contracts carried in count, 13.1).
            var running = rental.unitsInTerm(inPeriod: p)
            for q in max(0, p - rental.termPeriods + 1)..<p { running += current[starts.variable(q).index].rounded() }
            // No start outside the rental's availability window (11.5: its column is fixed at 0).
            let start = min(max(0, target - running), model.lp.bounds(of: starts.variable(p)).upper ?? .infinity)
            fixed.append((starts.variable(p), start))
            fixed.append((block.variable(p), running + start))
        }
        return fixed
    }

    /// One RINS step: nil when the sub-MIP found nothing better (or no time is left).
    static func rins(_ model: CapacityModel, relaxation: [Double], incumbent: Incumbent, options: PlanOptions, deadline: Deadline) throws -> Incumbent? {
        try subMIP(model, incumbent: incumbent, options: options, deadline: deadline, origin: "RINS") { variable in
            abs(relaxation[variable.index] - incumbent.values[variable.index].rounded()) <= 1e-6
        }
    }

    /// One pass over the offerings: each one's whole units (every period) re-planned with every
    /// other whole unit fixed at the incumbent, keeping each improvement. Nil when no offering
    /// improved it.
    static func offeringPass(_ model: CapacityModel, incumbent: Incumbent, options: PlanOptions, deadline: Deadline) throws -> Incumbent? {
        var groups: [Set<Int>] = []
        let periods = model.scenario.horizon.periods
        for k in model.scenario.purchases.indices {
            var group = Set((0..<periods).map { model.index.inService[k].variable($0).index })
            for p in 0..<periods { if let b = model.index.arrivals[k].variable(p) { group.insert(b.index) } }
            groups.append(group)
        }
        for (k, block) in model.index.reservedUnits.enumerated() {
            guard let block else { continue }
            var group = Set((0..<periods).map { block.variable($0).index })
            if let starts = model.index.contractStarts[k] { group.formUnion((0..<periods).map { starts.variable($0).index }) }
            groups.append(group)
        }
        var best = incumbent
        var improved = false
        for group in groups {
            guard deadline.remaining != nil else { break }
            if let better = try subMIP(model, incumbent: best, options: options, deadline: deadline, origin: "one offering re-planned", fix: { !group.contains($0.index) }) {
                best = better
                improved = true
            }
        }
        return improved ? best : nil
    }

    /// The MIP with the whole units for which `fix` holds fixed at the incumbent, solved from it
    /// with a short limit; nil when it found nothing better.
    static func subMIP(
        _ model: CapacityModel, incumbent: Incumbent, options: PlanOptions, deadline: Deadline, origin: String, fix: (Variable) -> Bool
    ) throws -> Incumbent? {
        guard let seconds = deadline.remaining else { return nil }
        var lp = model.lp
        var free = 0
        for variable in lp.variables where lp.kind(of: variable) != .continuous {
            if fix(variable) {
                let value = incumbent.values[variable.index].rounded()
                lp.setBounds(variable, lower: value, upper: value)
            } else {
                free += 1
            }
        }
        // Nothing left to search.
        guard free > 0 else { return nil }
        var solveOptions = options.solveOptions(timeLimit: min(seconds, rinsTimeLimit), mipGap: options.mipGap)
        solveOptions.mip.startingSolution = incumbent.values
        solveOptions.mip.roundingHeuristic = nil
        solveOptions.mip.computeFixedDuals = true
        var solved: Solution
        if isLarge(model, options: options), let decomposition = FleetDecomposition.decomposition(of: model) {
            // The whole model's root LP alone would take most of the limit; with most whole
            // units fixed, a master MIP over the few free ones and LP blocks is small.
            do {
                solved = try GLPKSolver.solveByBenders(lp, decomposition: decomposition, options: solveOptions)
            } catch is BendersNotApplicable {
                solved = try GLPKSolver.solve(lp, options: solveOptions)
            }
        } else {
            solved = try GLPKSolver.solve(lp, options: solveOptions)
        }
        guard solved.hasPrimalPoint, let objective = solved.objectiveValue,
              objective < incumbent.objective - improvement * max(1, abs(incumbent.objective)) else { return nil }
        return Incumbent(solution: solved, origin: origin)
    }
}
