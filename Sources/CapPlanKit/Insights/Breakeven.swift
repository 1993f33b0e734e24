// `capplan breakeven`: scale one workload's demand over a log grid, plan each point, and
// find the volume at which owned hardware first enters the optimal plan (docs/breakeven.md).
import Foundation
import LinearProgramming

/// One volume of the grid (or of the refinement).
public struct BreakevenPoint: Codable, Sendable, Equatable {
    /// The workload's monthly-equivalent volume: mean tokens per period / months per period.
    public var monthlyTokens: Double
    /// The factor applied to the workload's demand series.
    public var scale: Double
    public var status: String
    /// Undiscounted cost over tokens served, USD per million tokens, all workloads.
    public var costPerMillionTokens: Double?
    /// The same for the all-API plan (purchases and rentals removed); absent when that plan
    /// is infeasible (rate limits, or a workload no API serves).
    public var allAPICostPerMillionTokens: Double?
    public var discountedCost: Double?
    public var allAPIDiscountedCost: Double?
    /// Share of the workload's demanded tokens served by owned (purchase) offerings.
    public var ownedShare: Double?
    /// Units bought over the horizon, all purchase offerings that serve the workload.
    public var unitsPurchased: Double?
    /// True when the plan buys units of an offering that serves the workload.
    public var ownedEnters: Bool
    public var message: String?
}

public struct BreakevenResult: Codable, Sendable {
    public var scenario: String
    public var workload: String
    public var monthsPerPeriod: Double
    /// The workload's monthly-equivalent volume in the scenario as written.
    public var baseMonthlyTokens: Double
    public var points: [BreakevenPoint]
    /// The smallest monthly volume found at which owned capacity is in the optimal plan
    /// (the upper end of `bracket`); absent when it never enters on the grid.
    public var breakevenMonthlyTokens: Double?
    /// Volumes without and with owned capacity, relative width <= precision.
    public var bracket: [Double]?
    /// The refinement's plans, in the order solved.
    public var refinement: [BreakevenPoint]
    public var method: String
    public var note: String
}

public enum Breakeven {
    /// `scenario` with workload `id`'s demand series scaled so that its monthly-equivalent
    /// volume is `monthlyTokens` (the shape over periods is kept; an all-zero series becomes flat).
    public static func scaled(_ scenario: Scenario, workload id: String, monthlyTokens: Double) throws -> (Scenario, Double) {
        guard let w = scenario.workloads.firstIndex(where: { $0.id == id }) else {
            var message = "no workload '\(id)'"
            if let near = ScenarioEdit.nearest(id, in: scenario.workloads.map(\.id)) { message += "; did you mean '\(near)'?" }
            throw InsightsError(message + " (workloads: \(scenario.workloads.map(\.id).joined(separator: ", ")))")
        }
        let workload = scenario.workloads[w]
        let months = monthsPerPeriod(scenario)
        let base = baseMonthly(scenario, workload: workload)
        var copy = scenario
        let demand: [Double]
        let scale: Double
        if base > 0 {
            scale = monthlyTokens / base
            demand = workload.demand.map { $0 * scale }
        } else {
            scale = .infinity
            demand = Array(repeating: monthlyTokens * months, count: scenario.horizon.periods)
        }
        copy.workloads[w].demand = demand
        return (copy, scale)
    }

    static func monthsPerPeriod(_ scenario: Scenario) -> Double { 12 / Double(scenario.horizon.kind.periodsPerYear) }

    static func baseMonthly(_ scenario: Scenario, workload: Workload) -> Double {
        guard !workload.demand.isEmpty else { return 0 }
        return workload.demand.reduce(0, +) / Double(workload.demand.count) / monthsPerPeriod(scenario)
    }

    /// `count` volumes from `from` to `to`, evenly spaced on a log scale.
    public static func grid(from: Double, to: Double, count: Int) -> [Double] {
        guard count > 1 else { return [from] }
        let a = log10(from), b = log10(to)
        return (0..<count).map { i in i == count - 1 ? to : pow(10, a + (b - a) * Double(i) / Double(count - 1)) }
    }

    /// Plans the grid in parallel (each point with its all-API plan), then narrows the step
    /// where owned capacity first enters to `precision` (relative), solving `jobs` volumes per
    /// round on a log scale. `options.baselines` is ignored (never solved).
    public static func run(
        _ scenario: Scenario, workload: String, from: Double = 1e6, to: Double = 1e13, points: Int = 29,
        precision: Double = 0.01, options: PlanOptions = PlanOptions(), jobs: Int = ParallelRunner.defaultJobs,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> BreakevenResult {
        try refuseDemandCases(scenario, what: "a break-even curve")
        guard from.isFinite, to.isFinite, from > 0, to > from else {
            throw InsightsError("the demand range must be positive and increasing (from < to), got \(from) to \(to) tokens a month")
        }
        guard points >= 2, points <= 10_000 else { throw InsightsError("the curve needs 2 to 10000 points, got \(points)") }
        guard precision > 0, precision < 1 else { throw InsightsError("precision must be in (0, 1), got \(precision)") }
        _ = try scaled(scenario, workload: workload, monthlyTokens: from)
        var options = options
        options.baselines = false
        options.output = nil
        options.progress = nil
        let volumes = grid(from: from, to: to, count: points)
        let planOptions = options
        // Built once, at the largest volume (so that whole fleets are declared integer only if
        // they are at every volume); each volume re-solves it with its demand rows scaled.
        let plans = try DemandScaledModel(scenario, workload: workload, monthlyTokens: to, integer: !options.relax && scenario.policy.integerUnits)
        var apiOnly = scenario
        apiOnly.offerings = scenario.offerings.filter { if case .api = $0 { return true } else { return false } }
        let allAPIPlans = try DemandScaledModel(apiOnly, workload: workload, monthlyTokens: to, integer: false)
        let rows = ParallelRunner.map(count: volumes.count, jobs: jobs, progress: progress) { i in
            evaluate(plans, allAPI: allAPIPlans, monthlyTokens: volumes[i], options: planOptions)
        }
        let target = scenario.workloads.first { $0.id == workload }!
        var result = BreakevenResult(
            scenario: scenario.name, workload: workload, monthsPerPeriod: monthsPerPeriod(scenario),
            baseMonthlyTokens: baseMonthly(scenario, workload: target), points: rows, breakevenMonthlyTokens: nil,
            bracket: nil, refinement: [],
            method: "\(points) volumes on a log grid, \(options.relax ? "LP relaxation" : scenario.policy.integerUnits ? "whole units" : "continuous units"); "
                + "the first step with owned capacity narrowed by bisection on the log scale to \(String(format: "%g", precision * 100))%",
            note: "")
        if let failed = rows.first(where: { $0.status != "optimal" && $0.status != "feasible" }) {
            result.note = "some volumes have no plan (first: \(format(failed.monthlyTokens)) tokens/month, \(failed.status)\(failed.message.map { ": " + $0 } ?? "")). "
        }
        guard let first = rows.firstIndex(where: \.ownedEnters) else {
            result.note += "owned capacity does not enter the optimal plan between \(format(from)) and \(format(to)) tokens a month"
            return result
        }
        if first == 0 {
            result.breakevenMonthlyTokens = volumes[0]
            result.note += "owned capacity is already in the plan at the lowest volume, \(format(from)) tokens a month: the break-even is at or below it"
            return result
        }
        var lo = volumes[first - 1], hi = volumes[first]
        while hi / lo > 1 + precision {
            // `jobs` interior volumes, evenly spaced on the log scale.
            let k = max(1, min(jobs, 8))
            let probes = (1...k).map { lo * pow(hi / lo, Double($0) / Double(k + 1)) }
            let solved = ParallelRunner.map(count: probes.count, jobs: jobs) { i in
                evaluate(plans, allAPI: nil, monthlyTokens: probes[i], options: planOptions)
            }
            result.refinement += solved
            if let j = solved.firstIndex(where: \.ownedEnters) {
                hi = probes[j]
                if j > 0 { lo = probes[j - 1] }
            } else {
                lo = probes[k - 1]
            }
        }
        result.breakevenMonthlyTokens = hi
        result.bracket = [lo, hi]
        result.note += "owned capacity first enters the optimal plan at about \(format(hi)) tokens a month (none at \(format(lo)))"
        if rows[first...].contains(where: { !$0.ownedEnters && ($0.status == "optimal" || $0.status == "feasible") }) {
            result.note += "; at some larger volumes on the grid it leaves the plan again"
        }
        return result
    }

    /// A scenario's model built once, re-solved at any volume of one workload: the demand
    /// rows' right-hand sides scale with the volume (`CapacityModel.withDemand`), so no volume
    /// rebuilds the model or goes through the whole planner. Each plan is still audited by the
    /// independent evaluator against the scenario at that volume.
    struct DemandScaledModel: Sendable {
        let scenario: Scenario
        let workload: String
        let workloadIndex: Int
        let model: CapacityModel
        let monthlyTokens: Double
        let integer: Bool

        init(_ scenario: Scenario, workload: String, monthlyTokens: Double, integer: Bool) throws {
            let (reference, _) = try Breakeven.scaled(scenario, workload: workload, monthlyTokens: monthlyTokens)
            self.scenario = scenario
            self.workload = workload
            self.workloadIndex = scenario.workloads.firstIndex { $0.id == workload }!
            self.model = CapacityModelBuilder.buildModel(reference, options: CapacityModelOptions(names: false, integerUnits: integer))
            self.monthlyTokens = monthlyTokens
            self.integer = integer
        }

        /// The scenario at `volume` tokens a month, with its factor, and its plan (audited).
        func plan(at volume: Double, options: PlanOptions) throws -> (scenario: Scenario, scale: Double, plan: PlanDocument) {
            let (edited, scale) = try Breakeven.scaled(scenario, workload: workload, monthlyTokens: volume)
            // The scaled demand is linear in the volume, whatever the series' shape.
            let model = self.model.withDemand(ofWorkload: workloadIndex, scaledBy: volume / monthlyTokens, scenario: edited)
            let solution = try Planner.solve(model, options: options)
            var (document, _) = try Planner.auditedDocument(edited, model: model, solution: solution, integer: integer, options: options)
            if document.status == .infeasible {
                // Why, as the planner would say it (the relaxation's diagnosis, within the extras' budget).
                let deadline = Deadline(seconds: options.extrasTimeLimit, cancellation: options.mip.cancellation)
                document.diagnosis = try InfeasibilityDiagnosis.diagnose(edited, integer: integer, options: options, deadline: deadline)
            } else if document.status != .optimal, document.status != .feasible {
                document.warnings.append("no plan at this volume (\(solution.termination.rawValue))")
            }
            return (edited, scale, document)
        }
    }

    /// Plans one volume (and, given its model, the all-API plan). Failures become a row with
    /// status `error` and the message.
    static func evaluate(_ plans: DemandScaledModel, allAPI: DemandScaledModel?, monthlyTokens: Double, options: PlanOptions) -> BreakevenPoint {
        var point = BreakevenPoint(monthlyTokens: monthlyTokens, scale: 0, status: "error", ownedEnters: false)
        let id = plans.workload
        do {
            let (edited, scale, plan) = try plans.plan(at: monthlyTokens, options: options)
            point.scale = scale.isFinite ? scale : 0
            point.status = plan.status.rawValue
            point.message = plan.diagnosis?.summary ?? plan.warnings.last
            if let totals = plan.totals {
                point.costPerMillionTokens = totals.costPerMillionTokens
                point.discountedCost = totals.discountedCost
                let owned = Set(edited.purchases.filter { $0.canServe(id) }.map(\.id))
                var ownedTokens = 0.0, demanded = 0.0
                var serving = Set<String>()
                for period in plan.periods {
                    for line in period.workloads where line.workload == id {
                        demanded += line.demandTokens
                        for (offering, tokens) in line.servedTokens where owned.contains(offering) && tokens > 0 {
                            ownedTokens += tokens
                            serving.insert(offering)
                        }
                    }
                }
                point.ownedShare = demanded > 0 ? ownedTokens / demanded : 0
                let bought = plan.purchases.filter { owned.contains($0.offering) }
                point.unitsPurchased = bought.reduce(0) { $0 + $1.units }
                point.ownedEnters = bought.contains { serving.contains($0.offering) && $0.units > 0 }
            }
            if let allAPI {
                let apiPlan = try allAPI.plan(at: monthlyTokens, options: options).plan
                point.allAPICostPerMillionTokens = apiPlan.totals?.costPerMillionTokens
                point.allAPIDiscountedCost = apiPlan.totals?.discountedCost
            }
        } catch {
            point.status = "error"
            point.message = "\(error)"
        }
        return point
    }

    public static func csv(_ result: BreakevenResult) -> String {
        var lines = ["monthlyTokens,scale,status,costPerMillionTokens,allAPICostPerMillionTokens,discountedCost,allAPIDiscountedCost,ownedShare,unitsPurchased,ownedEnters,message"]
        for p in result.points {
            let fields: [String] = [
                format(p.monthlyTokens), String(p.scale), p.status, p.costPerMillionTokens.map { String($0) } ?? "",
                p.allAPICostPerMillionTokens.map { String($0) } ?? "", p.discountedCost.map { String($0) } ?? "",
                p.allAPIDiscountedCost.map { String($0) } ?? "", p.ownedShare.map { String($0) } ?? "",
                p.unitsPurchased.map { Sweep.number($0) } ?? "", p.ownedEnters ? "true" : "false", p.message ?? "",
            ]
            lines.append(fields.map(Sweep.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ result: BreakevenResult) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(result), as: UTF8.self) + "\n"
    }

    /// A table for the terminal.
    public static func text(_ result: BreakevenResult) -> String {
        var out = "Break-even of owned capacity for workload \(result.workload) (\(result.scenario))\n"
        out += "volume now: \(format(result.baseMonthlyTokens)) tokens/month\n\n"
        out += pad("tokens/month", 14) + pad("USD/MTok plan", 15) + pad("USD/MTok all-API", 18) + pad("owned share", 13) + "units bought\n"
        for p in result.points {
            out += pad(format(p.monthlyTokens), 14)
            out += pad(p.costPerMillionTokens.map { String(format: "%.4f", $0) } ?? p.status, 15)
            out += pad(p.allAPICostPerMillionTokens.map { String(format: "%.4f", $0) } ?? "-", 18)
            out += pad(p.ownedShare.map { String(format: "%.1f%%", $0 * 100) } ?? "-", 13)
            out += (p.unitsPurchased.map { Sweep.number($0) } ?? "-") + "\n"
        }
        out += "\n"
        if let value = result.breakevenMonthlyTokens {
            out += "Break-even: owned capacity enters the optimal plan at about \(format(value)) tokens a month"
            if let bracket = result.bracket { out += " (bracket \(format(bracket[0]))-\(format(bracket[1])))" }
            out += ".\n"
        } else {
            out += "Break-even: none in the range.\n"
        }
        out += result.note + "\n"
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// 3 significant digits in scientific notation (1.78e+09).
    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
