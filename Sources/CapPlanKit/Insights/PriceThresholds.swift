// Price thresholds: at what price an unused offering would enter the plan, and at what
// prices a used offering's usage would change. Found by bisection on the price factor with
// re-solves (docs/insights.md).
import Foundation

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
    /// `enters at or below` (unused offerings), `usage changes above` or `usage changes below`
    /// (used offerings).
    public var direction: String
    /// How the threshold was found.
    public var method: String
    public var note: String
    /// The two prices the bisection ended between, lower first: for `enters at or below` the
    /// offering is used at the lower one and unused at the upper one; for `usage changes
    /// above` usage is unchanged at the lower one and changed at the upper one; for `usage
    /// changes below` changed at the lower one and unchanged at the upper one.
    public var bracket: [Double]?
}

public enum PriceThresholds {
    /// Price factors searched: unused offerings down to this fraction of their price, used
    /// offerings from this fraction up to `maxFactor` times their price.
    public static let minFactor = 1e-3
    public static let maxFactor = 100.0
    /// Integer scenarios whose model has at most this many integer columns and columns are
    /// bisected with whole units (mipGap 0); larger ones on the LP relaxation.
    public static let smallIntegerColumns = 40
    public static let smallColumns = 1000

    public static let entersDirection = "enters at or below"
    public static let aboveDirection = "usage changes above"
    public static let belowDirection = "usage changes below"

    /// Thresholds of every offering with a price, in scenario order: one `enters at or below`
    /// for each offering the plan does not use, and `usage changes above` and `usage changes
    /// below` for each it uses. `precision` is the relative width of the final bracket.
    /// `options.relax` forces the LP relaxation; otherwise small integer scenarios are
    /// re-solved with whole units. Baselines are never solved. The searches run in parallel.
    public static func compute(
        _ scenario: Scenario, plan: PlanDocument, precision: Double = 0.005, options: PlanOptions, jobs: Int = ParallelRunner.defaultJobs
    ) throws -> [PriceThreshold] {
        guard precision > 0, precision < 1 else { throw InsightsError("precision must be in (0, 1), got \(precision)") }
        guard plan.status == .optimal || plan.status == .feasible else {
            throw InsightsError("price thresholds need a plan; this one is \(plan.status.rawValue)")
        }
        var solveOptions = options
        solveOptions.baselines = false
        solveOptions.output = nil
        solveOptions.progress = nil
        let small = plan.solver.integerColumns <= smallIntegerColumns && plan.solver.columns <= smallColumns
        let integer = scenario.policy.integerUnits && !options.relax && small
        solveOptions.relax = !integer
        if integer { solveOptions.mipGap = 0 }
        let percent = String(format: "%g", precision * 100)
        let method = "bisection on re-solves, relative precision \(percent)%, "
            + (integer ? "whole units (MIP, gap 0)" : scenario.policy.integerUnits ? "LP relaxation (continuous units)" : "LP")

        // Usage at the current prices, in the mode of the searches.
        let reference: PlanDocument
        var modeNote = ""
        if plan.scenario.integerUnits == integer, plan.status == .optimal, !(integer && plan.solver.mipGap ?? 0 > 0) {
            reference = plan
        } else {
            reference = try Planner.plan(scenario, options: solveOptions)
            guard reference.status == .optimal else { throw InsightsError("re-solving at the current prices gave \(reference.status.rawValue)") }
            if !integer, plan.scenario.integerUnits { modeNote = "; used/unused as in the LP relaxation" }
        }
        let tolerance = 1e-6 * max(1, reference.totals?.tokensDemanded ?? 0)

        struct Job: Sendable {
            let offering: Offering
            let direction: String
        }
        var jobsList: [Job] = []
        for offering in scenario.offerings {
            let used = !usage(of: offering.id, in: reference, tolerance: tolerance).isEmpty
            if used {
                jobsList.append(Job(offering: offering, direction: aboveDirection))
                jobsList.append(Job(offering: offering, direction: belowDirection))
            } else {
                jobsList.append(Job(offering: offering, direction: entersDirection))
            }
        }
        let options = solveOptions, work = jobsList, note = modeNote
        let results = ParallelRunner.map(count: work.count, jobs: jobs) { i -> Result<PriceThreshold, Error> in
            Result {
                try search(scenario, job: work[i].offering, direction: work[i].direction, reference: reference,
                           precision: precision, options: options, tolerance: tolerance, method: method, modeNote: note)
            }
        }
        return try results.map { try $0.get() }
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

    static func search(
        _ scenario: Scenario, job offering: Offering, direction: String, reference: PlanDocument, precision: Double,
        options: PlanOptions, tolerance: Double, method: String, modeNote: String
    ) throws -> PriceThreshold {
        let p = priced(offering)
        var result = PriceThreshold(offering: offering.id, field: p.field, currentPrice: p.price, thresholdPrice: nil,
                                    direction: direction, method: method, note: "", bracket: nil)
        let current = usage(of: offering.id, in: reference, tolerance: tolerance)
        if p.price == 0 {
            result.note = "its price is 0: a price factor cannot move it" + modeNote
            return result
        }
        func usageAt(_ factor: Double) throws -> [String: Double] {
            let plan = try Planner.plan(try scaling(scenario, offering: offering.id, by: factor), options: options)
            guard plan.status == .optimal || plan.status == .feasible else {
                throw InsightsError("re-solving with \(offering.id) at \(factor)x its price gave \(plan.status.rawValue)")
            }
            return usage(of: offering.id, in: plan, tolerance: tolerance)
        }
        /// Bisection on the log of the factor: `good(lo)` holds and `good(hi)` does not, or the
        /// reverse when `goodBelow` is false; the bracket ends narrower than 1 + precision.
        func bisect(_ lo: Double, _ hi: Double, goodAtLow: (Double) throws -> Bool) throws -> (Double, Double) {
            var lo = lo, hi = hi
            while hi / lo > 1 + precision {
                let mid = (lo * hi).squareRoot()
                if try goodAtLow(mid) { lo = mid } else { hi = mid }
            }
            return (lo, hi)
        }
        let percentMin = String(format: "%g", minFactor * 100)
        switch direction {
        case entersDirection:
            guard try !usageAt(minFactor).isEmpty else {
                result.note = "not used even at \(percentMin)% of its price" + modeNote
                return result
            }
            let (lo, hi) = try bisect(minFactor, 1) { try !usageAt($0).isEmpty }
            result.thresholdPrice = p.price * lo
            result.bracket = [p.price * lo, p.price * hi]
            result.note = "unused at the current price; used at \(money(p.price * lo)) and below, unused at \(money(p.price * hi))" + modeNote
        case aboveDirection:
            guard try differ(usageAt(maxFactor), current, tolerance: tolerance) else {
                result.note = "usage unchanged up to \(String(format: "%g", maxFactor))x its price" + modeNote
                return result
            }
            let (lo, hi) = try bisect(1, maxFactor) { try !differ(usageAt($0), current, tolerance: tolerance) }
            result.thresholdPrice = p.price * lo
            result.bracket = [p.price * lo, p.price * hi]
            result.note = "usage as planned up to \(money(p.price * lo)), changed at \(money(p.price * hi))" + modeNote
        default:
            guard try differ(usageAt(minFactor), current, tolerance: tolerance) else {
                result.note = "usage unchanged down to \(percentMin)% of its price" + modeNote
                return result
            }
            let (lo, hi) = try bisect(minFactor, 1) { try differ(usageAt($0), current, tolerance: tolerance) }
            result.thresholdPrice = p.price * hi
            result.bracket = [p.price * lo, p.price * hi]
            result.note = "usage as planned down to \(money(p.price * hi)), changed at \(money(p.price * lo))" + modeNote
        }
        return result
    }

    public static func money(_ value: Double) -> String {
        abs(value) >= 100 ? String(format: "%.0f", value) : String(format: "%.4g", value)
    }

    /// One line per threshold, for summaries.
    public static func text(_ thresholds: [PriceThreshold]) -> String {
        thresholds.map { t in
            let price = t.thresholdPrice.map { money($0) } ?? "none"
            return "\(t.offering) \(t.field) (now \(money(t.currentPrice))): \(t.direction) \(price) — \(t.note)"
        }.joined(separator: "\n") + (thresholds.isEmpty ? "" : "\n")
    }
}
