// `capplan sweep`: a grid over numeric scenario fields, each point planned, in parallel
// (ParallelRunner). Values are set with `ScenarioEdit`, so a grid point obeys the same rules as
// a scenario file. See docs/sweep.md.
import Foundation

/// One parameter of the grid: PATH=FROM:TO:STEPS.
public struct SweepParameter: Codable, Sendable, Equatable {
    public var path: String
    public var from: Double
    public var to: Double
    public var steps: Int

    public init(path: String, from: Double, to: Double, steps: Int) {
        self.path = path
        self.from = from
        self.to = to
        self.steps = steps
    }

    /// Parses `PATH=FROM:TO:STEPS` (STEPS >= 1; one step means FROM alone) or `PATH=VALUE`.
    public init(parsing text: String) throws {
        let shown = InputText.excerpt(text)
        guard let equals = text.firstIndex(of: "=") else {
            throw InsightsError("sweep parameter '\(shown)': expected PATH=FROM:TO:STEPS, e.g. offerings.h100-node.unitPrice=200000:400000:9")
        }
        let path = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let range = text[text.index(after: equals)...].split(separator: ":", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !path.isEmpty else { throw InsightsError("sweep parameter '\(shown)': the edit path before '=' is empty") }
        if range.count == 1, let value = Double(range[0]), value.isFinite {
            self.init(path: path, from: value, to: value, steps: 1)
            return
        }
        guard range.count == 3 else {
            throw InsightsError("sweep parameter '\(shown)': expected FROM:TO:STEPS after '=', got '\(InputText.excerpt(range.joined(separator: ":")))'")
        }
        guard let from = Double(range[0]), from.isFinite else { throw InsightsError("sweep parameter '\(shown)': FROM '\(InputText.excerpt(range[0]))' is not a number") }
        guard let to = Double(range[1]), to.isFinite else { throw InsightsError("sweep parameter '\(shown)': TO '\(InputText.excerpt(range[1]))' is not a number") }
        guard let steps = Int(range[2]), steps >= 1 else {
            throw InsightsError("sweep parameter '\(shown)': STEPS '\(InputText.excerpt(range[2]))' must be a whole number >= 1")
        }
        guard steps > 1 || from == to else { throw InsightsError("sweep parameter '\(shown)': one step needs FROM = TO (or write PATH=VALUE)") }
        self.init(path: path, from: from, to: to, steps: steps)
    }

    /// FROM, ..., TO evenly spaced (the last value is exactly TO).
    public var values: [Double] {
        guard steps > 1 else { return [from] }
        return (0..<steps).map { $0 == steps - 1 ? to : from + (to - from) * Double($0) / Double(steps - 1) }
    }
}

/// The result of one grid point.
public struct SweepPoint: Codable, Sendable, Equatable {
    /// The parameter values, in parameter order.
    public var values: [Double]
    /// The plan's status, or `error` when planning failed (`message` says why).
    public var status: String
    public var discountedCost: Double?
    public var cost: Double?
    /// Units bought over the horizon, by purchase offering id (every purchase offering listed).
    public var unitsPurchased: [String: Double]
    /// Tokens served by APIs over all tokens demanded.
    public var apiShare: Double?
    public var message: String?
    /// Units arriving per period, by purchase offering id, in horizon order (every purchase
    /// offering listed when the point has a plan): when to buy, not only how much.
    public var arrivals: [String: [Double]] = [:]
}

public struct SweepResult: Codable, Sendable {
    public var scenario: String
    public var parameters: [SweepParameter]
    /// Purchase offering ids, the columns of `unitsPurchased`.
    public var purchaseOfferings: [String]
    /// Grid order: the first parameter varies slowest, the last fastest.
    public var points: [SweepPoint]
    /// Period labels of the horizon, the order of each point's `arrivals`.
    public var periods: [String] = []
}

public enum Sweep {
    /// Grid points above this are refused.
    public static let maxPoints = 100_000

    /// The Cartesian product of the parameters' values; the first parameter varies slowest.
    public static func grid(_ parameters: [SweepParameter]) -> [[Double]] {
        var rows: [[Double]] = [[]]
        for parameter in parameters {
            rows = rows.flatMap { row in parameter.values.map { row + [$0] } }
        }
        return rows
    }

    /// Checks the parameters against the scenario (paths, duplicates, grid size, and that
    /// every value can be set) before anything is solved.
    public static func validate(_ parameters: [SweepParameter], scenario: Scenario) throws {
        try refuseDemandCases(scenario, what: "a sweep")
        guard !parameters.isEmpty else { throw InsightsError("the grid needs at least one parameter PATH=FROM:TO:STEPS") }
        var seen = Set<String>()
        for parameter in parameters {
            try ScenarioEdit.check(parameter.path, in: scenario)
            guard seen.insert(parameter.path).inserted else { throw InsightsError("the grid varies \(InputText.excerpt(parameter.path)) twice; give each edit path once") }
            for value in parameter.values { _ = try ScenarioEdit.setting(parameter.path, to: value, in: scenario) }
        }
        let count = parameters.reduce(1.0) { $0 * Double($1.steps) }
        guard count <= Double(maxPoints) else { throw InsightsError("the grid has \(Int(count)) points; at most \(maxPoints) are allowed") }
    }

    /// Plans every grid point on `jobs` threads. `options.baselines` is honoured as given
    /// (pass false unless the baselines are needed). Points whose planning throws are kept,
    /// with status `error` and the message.
    public static func run(
        _ scenario: Scenario, parameters: [SweepParameter], options: PlanOptions, jobs: Int = ParallelRunner.defaultJobs,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> SweepResult {
        try validate(parameters, scenario: scenario)
        let grid = grid(parameters)
        let purchaseIds = scenario.purchases.map(\.id)
        let points = ParallelRunner.map(count: grid.count, jobs: jobs, progress: progress) { i -> SweepPoint in
            let values = grid[i]
            var point = SweepPoint(values: values, status: "error", unitsPurchased: [:])
            do {
                var edited = scenario
                for (parameter, value) in zip(parameters, values) {
                    edited = try ScenarioEdit.setting(parameter.path, to: value, in: edited)
                }
                let plan = try Planner.plan(edited, options: options)
                point = summarize(plan, values: values, purchaseIds: purchaseIds, apiIds: Set(edited.apis.map(\.id)), periods: edited.horizon.labels)
            } catch {
                point.message = "\(error)"
            }
            return point
        }
        return SweepResult(scenario: scenario.name, parameters: parameters, purchaseOfferings: purchaseIds, points: points, periods: scenario.horizon.labels)
    }

    static func summarize(_ plan: PlanDocument, values: [Double], purchaseIds: [String], apiIds: Set<String>, periods: [String]) -> SweepPoint {
        var units = Dictionary(uniqueKeysWithValues: purchaseIds.map { ($0, 0.0) })
        var arrivals = Dictionary(uniqueKeysWithValues: purchaseIds.map { ($0, [Double](repeating: 0, count: periods.count)) })
        let periodIndex = Dictionary(uniqueKeysWithValues: periods.enumerated().map { ($1, $0) })
        for purchase in plan.purchases {
            units[purchase.offering, default: 0] += purchase.units
            if let p = periodIndex[purchase.period] { arrivals[purchase.offering]?[p] += purchase.units }
        }
        var apiShare: Double?
        if let totals = plan.totals {
            var api = 0.0
            for period in plan.periods {
                for line in period.workloads {
                    for (offering, tokens) in line.servedTokens where apiIds.contains(offering) { api += tokens }
                }
            }
            apiShare = totals.tokensDemanded > 0 ? api / totals.tokensDemanded : 0
        }
        return SweepPoint(
            values: values, status: plan.status.rawValue, discountedCost: plan.totals?.discountedCost, cost: plan.totals?.cost,
            unitsPurchased: plan.totals == nil ? [:] : units, apiShare: apiShare,
            message: plan.diagnosis?.summary, arrivals: plan.totals == nil ? [:] : arrivals)
    }

    /// One CSV row per point: the parameters, status, discountedCost, cost,
    /// `units:<offering>` per purchase offering, apiShare, message, then
    /// `units:<offering>@<period>` per purchase offering and period (appended last, so the
    /// columns scripts already read keep their places).
    public static func csv(_ result: SweepResult) -> String {
        var header = result.parameters.map(\.path) + ["status", "discountedCost", "cost"]
        header += result.purchaseOfferings.map { "units:\($0)" } + ["apiShare", "message"]
        header += result.purchaseOfferings.flatMap { id in result.periods.map { "units:\(id)@\($0)" } }
        var lines = [header.map(csvField).joined(separator: ",")]
        for point in result.points {
            var fields = point.values.map(number) + [point.status, point.discountedCost.map(number) ?? "", point.cost.map(number) ?? ""]
            fields += result.purchaseOfferings.map { id in point.unitsPurchased[id].map(number) ?? "" }
            fields += [point.apiShare.map(number) ?? "", point.message ?? ""]
            fields += result.purchaseOfferings.flatMap { id in
                result.periods.indices.map { p in point.arrivals[id].map { number($0[p]) } ?? "" }
            }
            lines.append(fields.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ result: SweepResult) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(result), as: UTF8.self) + "\n"
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A sweep or a break-even curve plans one demand per point: a scenario with demand cases
/// (docs/formulation.md section 12) is refused rather than planned for one case silently.
func refuseDemandCases(_ scenario: Scenario, what: String) throws {
    guard !scenario.demandCases.isEmpty else { return }
    throw InsightsError(
        "the scenario gives \(scenario.demandCases.count) demand cases (`demandCases`): \(what) plans a single demand; "
            + "remove `demandCases` from the scenario, or plan the cases as a two-stage plan with `capplan plan`")
}
