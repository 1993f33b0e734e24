// Price thresholds: at what price an unused offering would enter the plan, and at what
// prices a used offering's usage would change. Found by bisection on the price factor with
// re-solves (docs/insights.md).
import Foundation
import LinearProgramming

/// One threshold of one offering.
public struct PriceThreshold: Codable, Sendable, Equatable {
    public var offering: String
    /// `unitPrice` (purchases), `pricePerUnitHour` (rentals), or
    /// `inputPricePerMTok+outputPricePerMTok` (APIs: both prices scaled together).
    public var field: String
    /// The scenario's price (for APIs: the input price; the output price moves in proportion).
    public var currentPrice: Double
    /// The threshold price; absent when there is none in the searched range (`note` says why).
    public var thresholdPrice: Double?
    /// Entering (unused offerings), or usage changing above or below (used offerings).
    public var direction: Direction
    /// How the threshold was found.
    public var method: String
    public var note: String
    /// The two prices the bisection ended between, lower first: for `enters at or below` the
    /// offering is used at the lower one and unused at the upper one; for `usage changes
    /// above` usage is unchanged at the lower one and changed at the upper one; for `usage
    /// changes below` changed at the lower one and unchanged at the upper one.
    public var bracket: [Double]?

    /// What the threshold is about; the JSON value is the phrase.
    public enum Direction: String, Codable, Sendable, CaseIterable {
        case entersAtOrBelow = "enters at or below"
        case usageChangesAbove = "usage changes above"
        case usageChangesBelow = "usage changes below"
    }
}

public enum PriceThresholds {
    /// Price factors searched: unused offerings down to this fraction of their price, used
    /// offerings from this fraction up to `maxFactor` times their price.
    public static let minFactor = 1e-3
    public static let maxFactor = 100.0
    /// Integer scenarios with at most this many whole-unit decisions (arrivals and reserved
    /// rentals; the integer units in service follow from them) and this many columns are
    /// bisected with whole units; larger ones on the LP relaxation.
    public static let smallIntegerColumns = 40
    public static let smallColumns = 1000

    /// Whole-unit searches stop branch-and-cut at this relative gap. Near a threshold two plans
    /// differ in cost by about the bracket's width times the offering's share of the cost, so a
    /// plan's gap must be far below that or the search would take the wrong side; the extras'
    /// deadline and each re-solve's share of it (`stepShare`), not the gap, bound the searches'
    /// time. A step that finds a plan cheaper than the current one stops there (its target).
    public static let searchMIPGap = 1e-9

    /// Thresholds of every offering with a price, in scenario order: one `enters at or below`
    /// for each offering the plan does not use, and `usage changes above` and `usage changes
    /// below` for each it uses. `precision` is the relative width of the final bracket.
    /// `options.relax` forces the LP relaxation; otherwise small integer scenarios are
    /// re-solved with whole units. The searches re-solve the scenario's model with one
    /// offering's cost coefficients scaled, never the planner; they run in parallel, and every
    /// re-solve is bounded by what is left of `deadline` (a search cut short says so).
    /// `decisions` are the plan's (nil: re-solved at the current prices); the searches have
    /// `options.extrasTimeLimit` seconds.
    public static func compute(
        _ scenario: Scenario, plan: PlanDocument, decisions: PlanDecisions? = nil, precision: Double = 0.005, options: PlanOptions,
        jobs: Int = ParallelRunner.defaultJobs
    ) throws -> [PriceThreshold] {
        try compute(scenario, plan: plan, decisions: decisions, precision: precision, options: options,
                    deadline: Deadline(seconds: options.extrasTimeLimit, cancellation: options.mip.cancellation), jobs: jobs)
    }

    /// `warmStart: false` solves every step from scratch (a fresh GLPK problem per step, as
    /// before the warm-started search): the tests compare the two.
    static func compute(
        _ scenario: Scenario, plan: PlanDocument, decisions: PlanDecisions?, precision: Double = 0.005, options: PlanOptions,
        deadline: Deadline, jobs: Int = ParallelRunner.defaultJobs, warmStart: Bool = true, stepSeconds: Double? = nil,
        cutsAfterNodes: Int = longProofNodes
    ) throws -> [PriceThreshold] {
        let stepSeconds = stepSeconds ?? stepShare * deadline.seconds
        // Without cuts at first: the searches' many short warm re-solves spent their budget in
        // the root's cut rounds (medium-4-base: 11 of 18 thresholds cut short with all cuts, 6
        // without; docs/benchmarks.md); a warm search turns them on after a long proof
        // (`longProofNodes`). Likewise GLPK's own branching and backtracking rules until then,
        // the plan's after: pseudocost branching starts each solve with trial LPs (strong
        // branching), which long proofs repay and short re-solves do not (small-8-base's
        // thresholds took 1.05 s with the plan's rules throughout, 0.24 s with GLPK's; small-12's
        // long proofs ran out of the budget with GLPK's). Every re-solve below takes its options
        // from here.
        let plansMIP = options.mip
        var options = options
        options.mip.cuts = []
        options.mip.branching = .driebeckTomlin
        options.mip.backtracking = .bestLocalBound
        guard precision > 0, precision < 1 else { throw InsightsError("precision must be in (0, 1), got \(precision)") }
        guard plan.status == .optimal || plan.status == .feasible else {
            throw InsightsError("price thresholds need a plan; this one is \(plan.status.rawValue)")
        }
        let small = plan.solver.columns <= smallColumns && (plan.solver.integerColumns == 0 || CapacityModelBuilder.buildModel(
            scenario, options: CapacityModelOptions(names: false, integerUnits: true, wholeFleet: false)).lp.integerVariableCount <= smallIntegerColumns)
        let integer = scenario.policy.integerUnits && !options.relax && small
        let percent = String(format: "%g", precision * 100)
        let method = "bisection on re-solves, relative precision \(percent)%, "
            + (integer ? "whole units (MIP, gap \(String(format: "%g", searchMIPGap)))" : scenario.policy.integerUnits ? "LP relaxation (continuous units)" : "LP")
            + ", of the scenario's model with the offering's costs scaled"
        // The plan's own model (with its exact reductions), and for the searches of APIs and
        // on-demand rentals one without: the reductions compare their prices per token.
        func searchModel(reductions: Bool) -> SearchModel {
            let model = CapacityModelBuilder.buildModel(
                scenario, options: CapacityModelOptions(names: false, integerUnits: integer, reductions: reductions))
            return SearchModel(
                model: model, options: options, integer: integer, deadline: deadline, stepSeconds: stepSeconds, reductions: reductions,
                cutsAfterNodes: cutsAfterNodes, longProofMIP: plansMIP)
        }
        let search = searchModel(reductions: true)
        let unreduced = searchModel(reductions: false)
        let model = search.model

        // The plan at the current prices as a point of each search model, solved once and
        // shared by the searches on it (side by side: two solves of the same size).
        let references = ParallelRunner.map(count: 2, jobs: jobs) { k -> Result<Solution, Error>? in
            if k == 1, !scenario.offerings.contains(where: Self.searchedUnreduced) { return nil }
            return Result { try (k == 0 ? search : unreduced).optimum((k == 0 ? search : unreduced).model.lp, what: "at the current prices") }
        }
        let searchReference = references[0]!, unreducedReference = references[1]

        // Usage at the current prices, in the mode of the searches.
        let referenceDecisions: PlanDecisions
        var modeNote = ""
        if let decisions, plan.scenario.integerUnits == integer, plan.status == .optimal, !(integer && plan.solver.mipGap ?? 0 > searchMIPGap) {
            referenceDecisions = decisions
        } else {
            let solution = try searchReference.get()
            referenceDecisions = PlanExtraction.decisions(scenario: model.scenario, model: model, solution: solution, integer: integer)
            if !integer, plan.scenario.integerUnits { modeNote = "; used/unused as in the LP relaxation" }
        }
        // 1e-6 of the tokens demanded over the horizon, as the plan document counts them.
        let slices = scenario.timeSlices, days = scenario.horizon.daysPerPeriod
        let tokensDemanded = model.demandRate.reduce(0.0) { sum, rates in
            sum + rates.enumerated().reduce(0.0) { $0 + $1.element * days * slices[$1.offset % slices.count].hours * 3600 }
        }
        let tolerance = 1e-6 * max(1, tokensDemanded)

        // One job per offering: both directions of a used offering share its model at twice
        // the price, the plan at the current prices and the warm-started GLPK problem.
        struct Job: Sendable {
            let offering: Offering
            let directions: [PriceThreshold.Direction]
        }
        let work = scenario.offerings.map { offering in
            let used = !usage(of: offering.id, in: referenceDecisions, scenario: scenario, tolerance: tolerance).isEmpty
            return Job(offering: offering, directions: used ? [.usageChangesAbove, .usageChangesBelow] : [.entersAtOrBelow])
        }
        let note = modeNote
        let results = ParallelRunner.map(count: work.count, jobs: jobs) { i -> Result<[PriceThreshold], Error> in
            Result {
                let unreducedSearch = Self.searchedUnreduced(work[i].offering)
                return try self.search(scenario, offering: work[i].offering, directions: work[i].directions,
                                       model: unreducedSearch ? unreduced : search,
                                       reference: unreducedSearch ? unreducedReference! : searchReference,
                                       precision: precision, method: method, modeNote: note, warmStart: warmStart)
            }
        }
        return try results.flatMap { try $0.get() }
    }

    /// Whether an offering is searched on the model without the exact reductions: those
    /// compare the prices per token of APIs and on-demand rentals.
    static func searchedUnreduced(_ offering: Offering) -> Bool {
        switch offering {
        case .api: return true
        case .rental(let rental): return rental.commitment != .period
        case .purchase: return false
        }
    }

    /// The threshold searches' model: the scenario's, solved with other cost coefficients.
    struct SearchModel: Sendable {
        let model: CapacityModel
        let options: PlanOptions
        let integer: Bool
        let deadline: Deadline
        /// At most this many seconds for one re-solve (a step of a search, or the plan at the
        /// current prices), so that one hard re-solve cannot hold the run for the whole budget.
        let stepSeconds: Double
        let reductions: Bool
        /// A warm search runs with the plan's cuts and rules (`longProofMIP`) once the plan at
        /// the current prices or one of its re-solves needed more nodes than this
        /// (`longProofNodes`; the tests lower it).
        var cutsAfterNodes = PriceThresholds.longProofNodes
        /// The plan's branch-and-cut options, whose cut families, branching and backtracking a
        /// warm search's solves take from then on.
        var longProofMIP = PlanOptions().mip

        /// The time limit of a solve in a re-solve that has run `spent` seconds: what is left of
        /// its share and of the deadline, and whether the share is the tighter of the two.
        func limit(spent: Double = 0) throws -> (seconds: Double, byShare: Bool) {
            guard let left = deadline.remaining else { throw OutOfTime() }
            let share = stepSeconds - spent
            guard share >= Deadline.minimumSeconds else { throw StepTooLong(seconds: stepSeconds) }
            return share < left ? (share, true) : (left, false)
        }

        /// The solve options of one re-solve, bounded by its share and by the deadline.
        func solveOptions(seconds: Double) -> SolveOptions {
            // Without whole units the model is built with continuous units, but the on/off
            // binaries of section 8 and of training jobs stay binary, as with `--relax`: the
            // searches re-solve the same problem the plan solved (relaxing those too would find
            // thresholds of a problem no plan is priced by).
            return options.solveOptions(timeLimit: seconds, mipGap: searchMIPGap)
        }

        /// `solution` when it is an optimum; otherwise why not, as an error. A solve stopped at
        /// the deadline decides nothing, even with a point: a point short of the optimum (such
        /// as the current plan, offered as branch-and-cut's first incumbent) would read as "the
        /// plan does not change".
        func checked(_ solution: Solution, what: String, byShare: Bool) throws -> Solution {
            if solution.stoppedAtLimit {
                if byShare, solution.termination == .timeLimit { throw StepTooLong(seconds: stepSeconds) }
                throw OutOfTime()
            }
            guard solution.hasPrimalPoint else {
                throw InsightsError("re-solving \(what) gave \(solution.termination.rawValue)")
            }
            return solution
        }

        /// The optimal point of `lp` (the search model with other prices), solved afresh.
        func optimum(_ lp: LinearModel, what: String) throws -> Solution {
            let limit = try limit()
            return try checked(try GLPKSolver.solve(lp, options: solveOptions(seconds: limit.seconds)), what: what, byShare: limit.byShare)
        }
    }

    /// A warm search runs with the plan's cut families (all four by default) and rules when the
    /// plan at the current prices, or one of its own re-solves, needed more branch-and-cut nodes
    /// than this: small-12's proofs took about 1,300 nodes each without cuts, medium-4's steps
    /// 25 to 180, for which the cut rounds and pseudocost branching's trial LPs cost more than
    /// they save (docs/benchmarks.md).
    static let longProofNodes = 500

    /// Relative cost difference under which two plans tie.
    static let referenceTolerance = 1e-7

    /// A search that ran out of the extras' time budget.
    struct OutOfTime: Error, CustomStringConvertible {
        var description: String { "time budget" }
    }

    /// A re-solve's share of the extras' budget (`SearchModel.stepSeconds`). On the 95 small
    /// corpus scenarios no step that ended took more than 2.5 s of a 10 s budget; one that
    /// never ended held its run for all 10 (docs/benchmarks.md).
    static let stepShare = 0.5

    /// A re-solve that ran out of its share of the budget while the budget itself lasted.
    struct StepTooLong: Error, CustomStringConvertible {
        let seconds: Double
        var description: String { "one re-solve needed more than \(String(format: "%g", seconds)) s (half the extras' time budget)" }
    }

    /// What a search stopped by `error` says, when it is one of the two time stops (the
    /// deadline, or a re-solve's share of it); nil for any other error.
    static func stopNote(_ error: Error) -> String? {
        if error is OutOfTime { return Deadline.notComputed }
        if let stop = error as? StepTooLong { return "not computed: \(stop)" }
        return nil
    }

    /// The field and price that a factor scales.
    static func priced(_ offering: Offering) -> (field: String, price: Double, editPath: String, relative: Bool) {
        switch offering {
        case .purchase(let o): return ("unitPrice", o.unitPrice, "offerings.\(o.id).unitPrice", false)
        case .rental(let o): return ("pricePerUnitHour", o.pricePerUnitHour, "offerings.\(o.id).pricePerUnitHour", false)
        case .api(let o):
            return ("inputPricePerMTok+outputPricePerMTok", o.inputPricePerMTok, "offerings.\(o.id).priceScale", true)
        }
    }

    /// `scenario` with the offering's price multiplied by `factor`.
    public static func scaling(_ scenario: Scenario, offering id: String, by factor: Double) throws -> Scenario {
        guard let offering = scenario.offerings.first(where: { $0.id == id }) else { throw InsightsError("no offering '\(id)'") }
        let p = priced(offering)
        return try ScenarioEdit.setting(p.editPath, to: p.relative ? factor : p.price * factor, in: scenario)
    }

    /// What an offering does in a plan, as (key, value) pairs with nonzero values: units
    /// arriving or rented per period (and slice), tokens served per period and workload.
    /// Empty when the plan does not use it.
    public static func usage(of id: String, in plan: PlanDocument, tolerance: Double) -> [String: Double] {
        var usage: [String: Double] = [:]
        for purchase in plan.purchases where purchase.offering == id && purchase.units > 1e-9 {
            usage["buy \(purchase.period)", default: 0] += purchase.units
        }
        for period in plan.periods {
            for rental in period.rentals where rental.offering == id {
                if let units = rental.units, units > 1e-9 { usage["rent \(period.period)"] = units }
                for (slice, units) in rental.unitsBySlice ?? [:] where units > 1e-9 { usage["rent \(period.period) \(slice)"] = units }
            }
            for line in period.workloads {
                if let tokens = line.servedTokens[id], tokens > tolerance { usage["serve \(period.period) \(line.workload)"] = tokens }
            }
        }
        return usage
    }

    /// The same usage read from a plan's decisions (keys as above; arrivals keyed by the
    /// period they arrive in, as the plan document's purchases are).
    static func usage(of id: String, in decisions: PlanDecisions, scenario: Scenario, tolerance: Double) -> [String: Double] {
        var usage: [String: Double] = [:]
        let labels = scenario.horizon.labels, slices = scenario.timeSlices, days = scenario.horizon.daysPerPeriod
        for (p, units) in (decisions.arrivals[id] ?? []).enumerated() where units > 1e-9 { usage["buy \(labels[p])", default: 0] += units }
        for (p, units) in (decisions.reservedUnits[id] ?? []).enumerated() where units > 1e-9 { usage["rent \(labels[p])"] = units }
        for (p, bySlice) in (decisions.onDemandUnits[id] ?? []).enumerated() {
            for (s, units) in bySlice.enumerated() where units > 1e-9 { usage["rent \(labels[p]) \(slices[s].name)"] = units }
        }
        // Per workload, its serving options summed (the document's servedTokens), in key order.
        var served: [String: [Double]] = [:]
        for key in (decisions.served[id] ?? [:]).keys.sorted() {
            let workload = ServedKey.parse(key).workload
            for (p, bySlice) in decisions.served[id]![key]!.enumerated() {
                let tokens = zip(bySlice, slices).reduce(0.0) { $0 + $1.0 * days * $1.1.hours * 3600 }
                served[workload, default: Array(repeating: 0, count: labels.count)][p] += tokens
            }
        }
        for (workload, tokens) in served {
            for (p, value) in tokens.enumerated() where value > tolerance { usage["serve \(labels[p]) \(workload)"] = value }
        }
        return usage
    }

    /// Whether two usages differ: a key on one side only, units by more than 1e-6, tokens by
    /// more than `tolerance`.
    public static func differ(_ a: [String: Double], _ b: [String: Double], tolerance: Double) -> Bool {
        for key in Set(a.keys).union(b.keys) {
            let x = a[key] ?? 0, y = b[key] ?? 0
            let allowed = key.hasPrefix("serve") ? tolerance : 1e-6 * max(1, abs(x), abs(y))
            if abs(x - y) > allowed { return true }
        }
        return false
    }

    /// The model with one offering's price scaled by a factor f. Every number of the model that
    /// involves a price is linear in it (objective coefficients, the capital budget's and fiscal
    /// rows' coefficients, and a committed-use API's list spend and bound B_ap: docs/formulation.md;
    /// the price factors f_op of 11.5 multiply the scaled price and stay), so a second build at twice the price gives each as
    /// a(f) = a(1) + (f − 1)·(a(2) − a(1)); the changed matrix entries go in as added terms
    /// (duplicate entries are summed).
    struct PricedModel {
        /// The model along the price: t = f − 1 (`ParametricLP` holds a(1) and a(2) − a(1)).
        let line: ParametricLP
        var base: LinearModel { line.base }

        init(_ scenario: Scenario, offering id: String, search: SearchModel) throws {
            let doubled = CapacityModelBuilder.buildModel(
                try scaling(scenario, offering: id, by: 2),
                options: CapacityModelOptions(names: false, integerUnits: search.integer, reductions: search.reductions)).lp
            let base = search.model.lp
            guard base.variableCount == doubled.variableCount, base.entryCount == doubled.entryCount,
                  base.entryRows == doubled.entryRows, base.entryColumns == doubled.entryColumns,
                  base.constraintLower == doubled.constraintLower, base.constraintUpper == doubled.constraintUpper
            else { throw InsightsError("the model with \(id) at twice its price has another structure") }
            let costDelta = zip(base.objectiveCoefficients, doubled.objectiveCoefficients).map { $1 - $0 }
            let entryDeltas = base.entryValues.indices.compactMap { k -> ParametricLP.EntryDelta? in
                let delta = doubled.entryValues[k] - base.entryValues[k]
                return delta == 0 ? nil : ParametricLP.EntryDelta(row: Int(base.entryRows[k]), column: Int(base.entryColumns[k]), delta: delta)
            }
            line = try ParametricLP(base: base, objectiveDelta: costDelta, entryDeltas: entryDeltas)
        }

        func model(at factor: Double) -> LinearModel { line.model(at: factor - 1) }

        /// Whether `reference` (a point of the model at factor 1, with its row activities)
        /// stops being an optimal plan at `factor`: a row it uses breaks, or `optimum` (the
        /// optimal point at `factor`) costs less by more than the tolerance. A tie is no change.
        func beaten(_ reference: Solution, at factor: Double, by optimum: Solution) -> Bool {
            breaks(reference, at: factor) || below(cost(of: optimum, at: factor), reference, at: factor)
        }

        /// Whether `point` (a point of the model at `solvedAt`, with its row activities there)
        /// fits every moved row at `factor` and costs less than `reference` by more than the
        /// tolerance.
        func beats(_ point: Solution, solvedAt: Double, _ reference: Solution, at factor: Double) -> Bool {
            !breaks(point, solvedAt: solvedAt, at: factor) && below(cost(of: point, at: factor), reference, at: factor)
        }

        /// Whether a row that the price moves breaks at `factor` with the values of `point`, a
        /// point of the model at `solvedAt` (its row activities are there).
        func breaks(_ point: Solution, solvedAt: Double = 1, at factor: Double) -> Bool {
            var activity = point.rowActivities
            for entry in line.entryDeltas { activity[entry.row] += (factor - solvedAt) * entry.delta * point.values[entry.column] }
            for row in Set(line.entryDeltas.map(\.row)) {
                let slack = referenceTolerance * max(1, abs(activity[row]))
                if let upper = base.constraintUpper[row], activity[row] > upper + slack { return true }
                if let lower = base.constraintLower[row], activity[row] < lower - slack { return true }
            }
            return false
        }

        /// How far a change found at `factor` reaches toward the current price (factor 1): the
        /// factor nearest 1 at which the same certificate still shows the plan changed, or
        /// `factor` itself. The certificate is `point` (a plan at `factor`
        /// that beats the reference) or, without one, the reference breaking a moved row. Every
        /// cost and moved row is linear in the factor, so the change holds on an interval that
        /// ends where one of those lines crosses; the end found is checked with the same tests
        /// as a re-solve's (`beats`, `breaks`), and without a pass the search learns nothing more.
        func reach(from factor: Double, point: Solution?, reference: Solution) -> Double {
            let limit = 1.0
            guard limit != factor else { return factor }
            // How far, as a fraction of the way to 1, a line that is `at0` at `factor` and
            // `at1` at 1 stays at or below 0: all the way when it does not rise above
            // where it starts or above 0 (a row at its bound within the tolerance that loosens),
            // none when it starts above 0 and rises.
            func crossing(_ at0: Double, _ at1: Double) -> Double {
                if at1 <= max(at0, 0) { return 1 }
                return at0 >= 0 ? 0 : -at0 / (at1 - at0)
            }
            var way: Double
            if let point {
                guard beats(point, solvedAt: factor, reference, at: factor) else { return factor }
                // The cost margin, then each moved row's slack with the point's values.
                way = crossing(cost(of: point, at: factor) - bar(reference, at: factor), cost(of: point, at: limit) - bar(reference, at: limit))
                for (row, slope) in movedRowSlopes(point) {
                    let at0 = point.rowActivities[row], at1 = at0 + (limit - factor) * slope
                    if let upper = base.constraintUpper[row] { way = min(way, crossing(at0 - upper, at1 - upper)) }
                    if let lower = base.constraintLower[row] { way = min(way, crossing(lower - at0, lower - at1)) }
                }
            } else {
                guard breaks(reference, at: factor) else { return factor }
                // The reference breaks a row until the last of its broken rows mends.
                way = 0
                for (row, slope) in movedRowSlopes(reference) {
                    let at0 = reference.rowActivities[row] + (factor - 1) * slope, at1 = at0 + (limit - factor) * slope
                    if let upper = base.constraintUpper[row], at0 > upper { way = max(way, crossing(upper - at0, upper - at1)) }
                    if let lower = base.constraintLower[row], at0 < lower { way = max(way, crossing(at0 - lower, at1 - lower)) }
                }
            }
            // A little short of the crossing, where the tests still pass.
            let end = factor + (limit - factor) * way * (1 - 1e-6)
            let holds = point.map { beats($0, solvedAt: factor, reference, at: end) } ?? breaks(reference, at: end)
            return holds ? end : factor
        }

        /// How far a change found at `factor` reaches toward the current price (factor 1): the
        /// furthest of what the reference breaking a moved row and `point` (the re-solve's plan,
        /// when it beats the reference) show.
        func changeReach(at factor: Double, point: Solution?, reference: Solution) -> Double {
            let byRow = reach(from: factor, point: nil, reference: reference)
            let byPoint = point.map { reach(from: factor, point: $0, reference: reference) } ?? factor
            return abs(byRow - 1) < abs(byPoint - 1) ? byRow : byPoint
        }

        /// Each moved row's activity per unit of factor with `point`'s values.
        private func movedRowSlopes(_ point: Solution) -> [(row: Int, slope: Double)] {
            var slopes: [Int: Double] = [:]
            for entry in line.entryDeltas { slopes[entry.row, default: 0] += entry.delta * point.values[entry.column] }
            return slopes.keys.sorted().map { ($0, slopes[$0]!) }
        }

        /// What `point` costs at `factor` (the objective's terms, without its constant).
        func cost(of point: Solution, at factor: Double) -> Double {
            var total = 0.0
            for j in 0..<base.variableCount { total += cost(j, at: factor) * point.values[j] }
            return total
        }

        /// Whether `cost` (of the objective's terms, without its constant) is below what
        /// `reference` costs at `factor` by more than the tolerance.
        func below(_ cost: Double, _ reference: Solution, at factor: Double) -> Bool {
            cost < bar(reference, at: factor)
        }

        /// What `reference` costs at `factor` less the tolerance (the objective's terms,
        /// without its constant): a point below it beats the reference.
        func bar(_ reference: Solution, at factor: Double) -> Double {
            let referenceCost = cost(of: reference, at: factor)
            return referenceCost - referenceTolerance * max(1, abs(referenceCost))
        }

        func cost(_ j: Int, at factor: Double) -> Double { base.objectiveCoefficients[j] + (factor - 1) * line.objectiveDelta[j] }
    }

    /// Runs `body` with a function that says whether the plan at the current prices
    /// (`reference`) stops being optimal at a price factor: nil when it does not, and when it
    /// does, how far toward the current price the change is certain (`PricedModel.changeReach`:
    /// the plan that beat the reference keeps beating it up to where their cost lines cross,
    /// so the bisection moves its bracket there). Warm: every re-solve of one
    /// offering's search is done on one GLPK problem, with only the offering's coefficients
    /// changed and the simplex starting from the previous optimal basis (`ParametricLP`); a
    /// factor at which the reference breaks a moved row needs no re-solve, and with binaries
    /// or whole units one whose relaxation already costs no less than the reference needs no
    /// branch-and-cut; branch-and-cut starts with the cheapest of the reference, the previous
    /// optimum and the plan's rounding of the relaxation at the factor (`RoundingHeuristic`,
    /// completed by an LP) that still fits as its incumbent, and stops at the first plan that
    /// beats the reference (`MIPOptions.objectiveTarget`). Cold: a fresh problem per re-solve,
    /// from scratch, every time, and changes that reach no further than their factor: the
    /// plain bisection as it was, which the tests compare with.
    static func withChanges<T>(
        _ priced: PricedModel, model: SearchModel, reference: Solution, warmStart: Bool,
        _ body: ((Double, String) throws -> Double?) throws -> T
    ) throws -> T {
        guard warmStart else {
            return try body { factor, what in
                // Plain bisection: a change reaches no further than its factor.
                priced.beaten(reference, at: factor, by: try model.optimum(factor == 1 ? priced.base : priced.model(at: factor), what: what)) ? factor : nil
            }
        }
        // Each re-solve gets what is left of its share and of the deadline as its own limit.
        var options = model.options.solveOptions(timeLimit: nil, mipGap: searchMIPGap)
        let integer = priced.base.hasIntegerVariables
        if integer {
            // The plan's rounding of the relaxation at each factor, completed by an LP: most
            // steps at which the plan changes end with it, before any branching, and it reaches
            // further than the first incumbent branch-and-cut would find (`changeReach`).
            let capacityModel = model.model
            options.mip.roundingHeuristic = { relaxation in
                RoundingHeuristic.proposal(scenario: capacityModel.scenario, model: capacityModel, relaxation: relaxation)
            }
        }
        // No cuts and GLPK's rules until a re-solve needs a long proof (the plan at the current
        // prices, or a step); from then on, the plan's cuts and rules.
        var longProof = reference.nodes > model.cutsAfterNodes
        return try priced.line.withSolver(options: options) { solver in
            if integer { solver.offer(reference.values) }
            return try body { factor, what in
                if priced.breaks(reference, at: factor) { return priced.changeReach(at: factor, point: nil, reference: reference) }
                let step = Stopwatch()
                if integer, let bound = try solver.relaxationOptimum(at: factor - 1, timeLimit: try model.limit().seconds),
                   !priced.below(bound - priced.base.objectiveConstant, reference, at: factor) {
                    return nil
                }
                let left = try model.limit(spent: step.seconds)
                // A step only asks whether some plan beats the reference: branch-and-cut stops
                // at the first incumbent that does, instead of proving the new optimum.
                let target = integer ? priced.bar(reference, at: factor) + priced.base.objectiveConstant : nil
                func solve(timeLimit: (seconds: Double, byShare: Bool), target: Double?) throws -> Solution {
                    let rules = longProof ? model.longProofMIP : options.mip
                    let solution = try model.checked(
                        try solver.solve(
                            at: factor - 1, timeLimit: timeLimit.seconds, objectiveTarget: target, cuts: rules.cuts,
                            branching: rules.branching, backtracking: rules.backtracking),
                        what: what, byShare: timeLimit.byShare)
                    if solution.nodes > model.cutsAfterNodes { longProof = true }
                    return solution
                }
                var solution = try solve(timeLimit: left, target: target)
                if !priced.beaten(reference, at: factor, by: solution) {
                    guard solution.termination == .objectiveTarget else { return nil }
                    // Stopped at the target, yet not below the bar once re-costed (a rounding
                    // difference at the bar's edge): the optimum decides.
                    solution = try solve(timeLimit: try model.limit(spent: step.seconds), target: nil)
                    guard priced.beaten(reference, at: factor, by: solution) else { return nil }
                }
                return priced.changeReach(at: factor, point: solution, reference: reference)
            }
        }
    }

    /// The thresholds of one offering, one per direction, in the order given. `reference` is
    /// the plan at the current prices as a point of `model` (the cold solve of its model).
    static func search(
        _ scenario: Scenario, offering: Offering, directions: [PriceThreshold.Direction], model: SearchModel,
        reference: Result<Solution, Error>, precision: Double, method: String, modeNote: String, warmStart: Bool
    ) throws -> [PriceThreshold] {
        let p = priced(offering)
        var results = directions.map {
            PriceThreshold(offering: offering.id, field: p.field, currentPrice: p.price, thresholdPrice: nil,
                           direction: $0, method: method, note: "", bracket: nil)
        }
        if p.price == 0 {
            for k in results.indices { results[k].note = "its price is 0: a price factor cannot move it" + modeNote }
            return results
        }
        if case .purchase(let o) = offering, o.maxUnitsPerPeriod == 0 {
            for k in results.indices { results[k].note = "it cannot be bought (maxUnitsPerPeriod 0): its price changes no decision" + modeNote }
            return results
        }
        let percentMin = String(format: "%g", minFactor * 100)
        let pricedModel = try PricedModel(scenario, offering: offering.id, search: model)
        let current: Solution
        do {
            current = try reference.get()
        } catch {
            guard let note = stopNote(error) else { throw error }
            for k in results.indices { results[k].note = note + modeNote }
            return results
        }
        try withChanges(pricedModel, model: model, reference: current, warmStart: warmStart) { changed in
            for k in results.indices {
                var bracket: (Double, Double)?
                /// Whether the plan changes with the price at `factor` times the current one,
                /// and if so how far toward the current price the change reaches: for an
                /// unused offering, it then enters (every plan without it costs what it did).
                func changes(_ factor: Double) throws -> Double? {
                    try changed(factor, "with \(offering.id) at \(factor)x its price")
                }
                /// Whether the plan changes at `start` (the end of the range searched), and if so the
                /// bracket between a factor at which it changes and one at which it does not
                /// (`unchangedAt`, the current price), narrowed until it is narrower than
                /// 1 + precision, lower end first; nil when it does not change at `start`. Bisection on the log of the factor, except that a
                /// change moves the bracket as far as its certificate reaches (`changeReach`), and
                /// the probe after such a move sits one bracket width past it: when the plan found
                /// is the first to beat the current one, that probe ends the search. At most as
                /// many of those edge probes as the bisection has steps, so a search takes at most
                /// about twice the bisection's re-solves (medium-4-base: about 80 re-solves for its 18
                /// thresholds instead of about 200; docs/insights.md).
                func narrow(from start: Double, unchangedAt: Double) throws -> (Double, Double)? {
                    guard let first = try changes(start) else { return nil }
                    var changedEnd = start, unchangedEnd = unchangedAt
                    let upward = unchangedAt > start
                    var edgesLeft = Int(log2(log(upward ? unchangedAt / start : start / unchangedAt) / log(1 + precision)).rounded(.up))
                    /// Moves the changed end to `reach`, or to `probe` when the reach does not lie
                    /// beyond it; whether it went beyond.
                    func advance(to reach: Double, from probe: Double) -> Bool {
                        let beyond = upward ? (reach > probe && reach < unchangedEnd) : (reach < probe && reach > unchangedEnd)
                        changedEnd = beyond ? reach : probe
                        return beyond
                    }
                    var edgeNext = advance(to: first, from: start)
                    while max(changedEnd, unchangedEnd) / min(changedEnd, unchangedEnd) > 1 + precision {
                        bracket = (min(changedEnd, unchangedEnd), max(changedEnd, unchangedEnd))
                        let edge = edgeNext
                        if edge { edgesLeft -= 1 }
                        // Just inside 1 + precision, so that an unchanged edge probe ends the loop.
                        let width = 1 + precision * (1 - 1e-6)
                        let probe = edge ? (upward ? changedEnd * width : changedEnd / width) : (changedEnd * unchangedEnd).squareRoot()
                        if let reach = try changes(probe) {
                            edgeNext = advance(to: reach, from: probe) && edgesLeft > 0
                        } else {
                            edgeNext = false
                            unchangedEnd = probe
                        }
                    }
                    return (min(changedEnd, unchangedEnd), max(changedEnd, unchangedEnd))
                }
                do {
                    switch results[k].direction {
                    case .entersAtOrBelow:
                        guard let (lo, hi) = try narrow(from: minFactor, unchangedAt: 1) else {
                            results[k].note = "not used even at \(percentMin)% of its price" + modeNote
                            continue
                        }
                        results[k].thresholdPrice = p.price * lo
                        results[k].bracket = [p.price * lo, p.price * hi]
                        results[k].note = "unused at the current price; used at \(money(p.price * lo)) and below, unused at \(money(p.price * hi))" + modeNote
                    case .usageChangesAbove:
                        guard let (lo, hi) = try narrow(from: maxFactor, unchangedAt: 1) else {
                            results[k].note = "usage unchanged up to \(String(format: "%g", maxFactor))x its price" + modeNote
                            continue
                        }
                        results[k].thresholdPrice = p.price * lo
                        results[k].bracket = [p.price * lo, p.price * hi]
                        results[k].note = "usage as planned up to \(money(p.price * lo)), changed at \(money(p.price * hi))" + modeNote
                    case .usageChangesBelow:
                        guard let (lo, hi) = try narrow(from: minFactor, unchangedAt: 1) else {
                            results[k].note = "usage unchanged down to \(percentMin)% of its price" + modeNote
                            continue
                        }
                        results[k].thresholdPrice = p.price * hi
                        results[k].bracket = [p.price * lo, p.price * hi]
                        results[k].note = "usage as planned down to \(money(p.price * hi)), changed at \(money(p.price * lo))" + modeNote
                    }
                } catch {
                    guard let note = stopNote(error) else { throw error }
                    results[k].note = note
                        + (bracket.map { "; the threshold lies between \(money(p.price * $0.0)) and \(money(p.price * $0.1))" } ?? "") + modeNote
                }
            }
        }
        return results
    }

    public static func money(_ value: Double) -> String {
        abs(value) >= 100 ? String(format: "%.0f", value) : String(format: "%.4g", value)
    }

    /// One line per threshold, for summaries.
    public static func text(_ thresholds: [PriceThreshold]) -> String {
        thresholds.map { t in
            let price = t.thresholdPrice.map { money($0) } ?? "none"
            return "\(t.offering) \(t.field) (now \(money(t.currentPrice))): \(t.direction.rawValue) \(price) — \(t.note)"
        }.joined(separator: "\n") + (thresholds.isEmpty ? "" : "\n")
    }
}
