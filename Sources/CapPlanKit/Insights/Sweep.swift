// `capplan sweep`: a grid over numeric scenario fields, each point planned, in parallel.
//
// Also home of the pieces the other insights share: `ScenarioEdit` (set a numeric field of a
// validated scenario by its path, with the same ranges the scenario format enforces) and
// `ParallelRunner` (a fixed pool of threads working through a list of jobs, results kept in
// list order). See docs/sweep.md.
import Dispatch
import Foundation

/// A sweep or an edit that cannot be done, with a message for the user.
public struct InsightsError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

// MARK: - Editing scenarios by path

/// Numeric fields of a validated scenario, addressed by paths with ids:
/// `offerings.h100-node.unitPrice`, `workloads.chat.demandScale`, `site.powerCapKW`, ...
public enum ScenarioEdit {
    /// What a path addresses.
    enum Target {
        case discountRate
        case site(String)
        case budget
        case policy(String)
        /// Workload index and field (`outputShare`, `demandScale`).
        case workload(Int, String)
        /// Offering index and field; `throughput` with the workload id.
        case offering(Int, String, workload: String?)
    }

    /// Every settable path of `scenario` with its target, in scenario order. Ids may contain
    /// dots, so paths are matched whole, never split.
    static func targets(in scenario: Scenario) -> [(path: String, target: Target)] {
        var list: [(path: String, target: Target)] = [("discountRate", .discountRate)]
        for (w, workload) in scenario.workloads.enumerated() {
            for field in ["outputShare", "demandScale"] { list.append(("workloads.\(workload.id).\(field)", .workload(w, field))) }
        }
        for (k, offering) in scenario.offerings.enumerated() {
            let prefix = "offerings.\(offering.id)."
            var fields: [String] = []
            var throughput: [String: Double] = [:]
            switch offering {
            case .purchase(let o):
                fields = ["unitPrice", "lifetimePeriods", "powerKW", "opexPerUnitPeriod", "leadTimePeriods",
                          "maxUnitsPerPeriod", "existingUnits", "existingRemainingPeriods"]
                throughput = o.throughput
            case .rental(let o):
                fields = ["pricePerUnitHour", "maxUnits"]
                throughput = o.throughput
            case .api:
                fields = ["inputPricePerMTok", "outputPricePerMTok", "priceScale", "maxTokensPerSecond"]
            }
            for field in fields { list.append((prefix + field, .offering(k, field, workload: nil))) }
            for workload in scenario.workloads where throughput[workload.id] != nil {
                list.append((prefix + "throughput." + workload.id, .offering(k, "throughput", workload: workload.id)))
            }
        }
        for field in ["electricityPricePerKWh", "pue", "powerCapKW"] { list.append(("site." + field, .site(field))) }
        list.append(("budget.capexPerPeriod", .budget))
        for field in ["utilizationCap", "unservedPenaltyPerMTok"] { list.append(("policy." + field, .policy(field))) }
        return list
    }

    /// Every path that can be set in `scenario`, in scenario order.
    public static func paths(in scenario: Scenario) -> [String] { targets(in: scenario).map(\.path) }

    /// Checks that `path` names a settable field of `scenario`; the error suggests the
    /// nearest valid path.
    public static func check(_ path: String, in scenario: Scenario) throws {
        let valid = paths(in: scenario)
        guard !valid.contains(path) else { return }
        var message = "unknown scenario path '\(path)'"
        if let suggestion = nearest(path, in: valid) { message += "; did you mean '\(suggestion)'?" }
        message += " (settable paths: discountRate, workloads.ID.{outputShare,demandScale}, offerings.ID.FIELD, "
            + "site.{electricityPricePerKWh,pue,powerCapKW}, budget.capexPerPeriod, policy.{utilizationCap,unservedPenaltyPerMTok})"
        throw InsightsError(message)
    }

    /// `scenario` with the field at `path` set to `value`. Relative fields (`demandScale`,
    /// `priceScale`) multiply the values of `scenario`; per-period fields (`site.powerCapKW`,
    /// `budget.capexPerPeriod`) get `value` in every period. Throws for unknown paths and for
    /// values outside the field's range.
    public static func setting(_ path: String, to value: Double, in scenario: Scenario) throws -> Scenario {
        try check(path, in: scenario)
        let target = targets(in: scenario).first { $0.path == path }!.target
        guard value.isFinite else { throw InsightsError("\(path): expected a finite number, got \(value)") }
        func need(_ ok: Bool, _ range: String) throws {
            if !ok { throw InsightsError("\(path) = \(format(value)): expected \(range)") }
        }
        func whole() throws -> Int {
            try need(value == value.rounded() && abs(value) < 1e9, "a whole number")
            return Int(value)
        }
        var copy = scenario
        switch target {
        case .discountRate:
            try need(value >= 0 && value < 1, "a rate in [0, 1)")
            copy.discountRate = value
        case .site(let field):
            let site = scenario.site
            switch field {
            case "electricityPricePerKWh":
                try need(value >= 0, "a price >= 0")
                copy.site = Site(electricityPricePerKWh: value, pue: site.pue, powerCapKW: site.powerCapKW)
            case "pue":
                try need(value >= 1, "a PUE >= 1")
                copy.site = Site(electricityPricePerKWh: site.electricityPricePerKWh, pue: value, powerCapKW: site.powerCapKW)
            default:  // powerCapKW
                try need(value >= 0, "a power >= 0 kW")
                copy.site = Site(electricityPricePerKWh: site.electricityPricePerKWh, pue: site.pue,
                                 powerCapKW: Array(repeating: value, count: scenario.horizon.periods))
            }
        case .budget:
            try need(value >= 0, "an amount >= 0 USD")
            copy.budget = Budget(capexPerPeriod: Array(repeating: value, count: scenario.horizon.periods))
        case .policy(let field):
            let policy = scenario.policy
            if field == "utilizationCap" {
                try need(value > 0 && value <= 1, "a share in (0, 1]")
                copy.policy = Policy(integerUnits: policy.integerUnits, utilizationCap: value, unservedPenaltyPerMTok: policy.unservedPenaltyPerMTok)
            } else {
                try need(value >= 0, "a penalty >= 0 USD per million tokens")
                copy.policy = Policy(integerUnits: policy.integerUnits, utilizationCap: policy.utilizationCap, unservedPenaltyPerMTok: value)
            }
        case .workload(let w, let field):
            let workload = scenario.workloads[w]
            if field == "outputShare" {
                try need(value >= 0 && value <= 1, "a share in [0, 1]")
                copy.workloads[w] = Workload(id: workload.id, outputShare: value, model: workload.model, demand: workload.demand)
            } else {
                try need(value >= 0, "a scale >= 0")
                copy.workloads[w] = Workload(id: workload.id, outputShare: workload.outputShare, model: workload.model,
                                             demand: workload.demand.map { $0 * value })
            }
        case .offering(let k, let field, let throughputWorkload):
            switch scenario.offerings[k] {
            case .purchase(let o):
                var f = PurchaseFields(o)
                switch field {
                case "unitPrice": try need(value >= 0, "a price >= 0"); f.unitPrice = value
                case "lifetimePeriods": f.lifetimePeriods = try whole(); try need(value >= 1, "at least 1 period")
                case "powerKW": try need(value >= 0, "a power >= 0 kW"); f.powerKW = value
                case "opexPerUnitPeriod": try need(value >= 0, "an amount >= 0"); f.opexPerUnitPeriod = value
                case "leadTimePeriods": f.leadTimePeriods = try whole(); try need(value >= 0, "a number of periods >= 0")
                case "maxUnitsPerPeriod": try need(value >= 0, "a number of units >= 0"); f.maxUnitsPerPeriod = value
                case "existingUnits": try need(value >= 0, "a number of units >= 0"); f.existingUnits = value
                case "existingRemainingPeriods": f.existingRemainingPeriods = try whole(); try need(value >= 0, "a number of periods >= 0")
                default:  // throughput.W
                    try need(value > 0, "a throughput > 0 tokens/s"); f.throughput[throughputWorkload!] = value
                }
                copy.offerings[k] = .purchase(f.make())
            case .rental(let o):
                var price = o.pricePerUnitHour, maxUnits = o.maxUnits, throughput = o.throughput
                switch field {
                case "pricePerUnitHour": try need(value >= 0, "a price >= 0"); price = value
                case "maxUnits": try need(value >= 0, "a number of units >= 0"); maxUnits = value
                default: try need(value > 0, "a throughput > 0 tokens/s"); throughput[throughputWorkload!] = value
                }
                copy.offerings[k] = .rental(RentalOffering(
                    id: o.id, pricePerUnitHour: price, accelerator: o.accelerator, acceleratorsPerUnit: o.acceleratorsPerUnit,
                    commitment: o.commitment, maxUnits: maxUnits, throughput: throughput))
            case .api(let o):
                var input = o.inputPricePerMTok, output = o.outputPricePerMTok, limit = o.maxTokensPerSecond
                switch field {
                case "inputPricePerMTok": try need(value >= 0, "a price >= 0"); input = value
                case "outputPricePerMTok": try need(value >= 0, "a price >= 0"); output = value
                case "priceScale": try need(value >= 0, "a scale >= 0"); input *= value; output *= value
                default: try need(value >= 0, "a rate >= 0 tokens/s"); limit = value
                }
                copy.offerings[k] = .api(APIOffering(id: o.id, inputPricePerMTok: input, outputPricePerMTok: output, serves: o.serves, maxTokensPerSecond: limit))
            }
        }
        return copy
    }

    /// The mutable twin of a purchase offering.
    struct PurchaseFields {
        var unitPrice, powerKW, opexPerUnitPeriod, existingUnits: Double
        var lifetimePeriods, leadTimePeriods, existingRemainingPeriods: Int
        var maxUnitsPerPeriod: Double?
        var throughput: [String: Double]
        let original: PurchaseOffering

        init(_ o: PurchaseOffering) {
            original = o
            unitPrice = o.unitPrice; powerKW = o.powerKW; opexPerUnitPeriod = o.opexPerUnitPeriod; existingUnits = o.existingUnits
            lifetimePeriods = o.lifetimePeriods; leadTimePeriods = o.leadTimePeriods; existingRemainingPeriods = o.existingRemainingPeriods
            maxUnitsPerPeriod = o.maxUnitsPerPeriod; throughput = o.throughput
        }

        func make() -> PurchaseOffering {
            let o = original
            return PurchaseOffering(
                id: o.id, unitPrice: unitPrice, accelerator: o.accelerator, acceleratorsPerUnit: o.acceleratorsPerUnit,
                lifetimePeriods: lifetimePeriods, powerKW: powerKW, opexPerUnitPeriod: opexPerUnitPeriod, throughput: throughput,
                availableFromIndex: o.availableFromIndex, leadTimePeriods: leadTimePeriods, maxUnitsPerPeriod: maxUnitsPerPeriod,
                existingUnits: existingUnits, existingRemainingPeriods: existingRemainingPeriods)
        }
    }

    /// The valid path closest to `path` (edit distance, at most about a third of its length).
    static func nearest(_ path: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(path.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(3, path.count / 3) ? best.0 : nil
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count), current = previous
        for i in 1...a.count {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

// MARK: - Parallel runner

/// Runs jobs on a fixed pool of threads; results come back in job order.
public enum ParallelRunner {
    /// The number of cores the process may use.
    public static var defaultJobs: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `body(i)` for i in 0..<count on `jobs` threads (each thread takes the next index when it
    /// is done); `progress(done, count)` after each job, serialized. Results in index order.
    public static func map<T: Sendable>(
        count: Int, jobs: Int = defaultJobs, progress: (@Sendable (Int, Int) -> Void)? = nil,
        _ body: @Sendable (Int) -> T
    ) -> [T] {
        let state = State<T>(count: count)
        let workers = max(1, min(jobs, count))
        @Sendable func work(_: Int) {
            while let i = state.next() {
                let result = body(i)
                state.store(result, at: i, progress: progress)
            }
        }
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        return state.results.map { $0! }
    }

    final class State<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0
        private var done = 0
        let count: Int
        var results: [T?]

        init(count: Int) {
            self.count = count
            results = Array(repeating: nil, count: count)
        }

        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard nextIndex < count else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }

        func store(_ value: T, at i: Int, progress: (@Sendable (Int, Int) -> Void)?) {
            lock.lock(); defer { lock.unlock() }
            results[i] = value
            done += 1
            progress?(done, count)
        }
    }
}

// MARK: - Sweep

/// One `--set PATH=FROM:TO:STEPS`.
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
        guard let equals = text.firstIndex(of: "=") else {
            throw InsightsError("--set \(text): expected PATH=FROM:TO:STEPS, e.g. offerings.h100-node.unitPrice=200000:400000:9")
        }
        let path = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let range = text[text.index(after: equals)...].split(separator: ":", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !path.isEmpty else { throw InsightsError("--set \(text): the path before '=' is empty") }
        if range.count == 1, let value = Double(range[0]), value.isFinite {
            self.init(path: path, from: value, to: value, steps: 1)
            return
        }
        guard range.count == 3 else {
            throw InsightsError("--set \(text): expected FROM:TO:STEPS after '=', got '\(range.joined(separator: ":"))'")
        }
        guard let from = Double(range[0]), from.isFinite else { throw InsightsError("--set \(text): FROM '\(range[0])' is not a number") }
        guard let to = Double(range[1]), to.isFinite else { throw InsightsError("--set \(text): TO '\(range[1])' is not a number") }
        guard let steps = Int(range[2]), steps >= 1 else {
            throw InsightsError("--set \(text): STEPS '\(range[2])' must be a whole number >= 1")
        }
        guard steps > 1 || from == to else { throw InsightsError("--set \(text): one step needs FROM = TO (or write PATH=VALUE)") }
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
    /// The parameter values, in `--set` order.
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
}

public struct SweepResult: Codable, Sendable {
    public var scenario: String
    public var parameters: [SweepParameter]
    /// Purchase offering ids, the columns of `unitsPurchased`.
    public var purchaseOfferings: [String]
    /// Grid order: the first parameter varies slowest, the last fastest.
    public var points: [SweepPoint]
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
        guard !parameters.isEmpty else { throw InsightsError("give at least one --set PATH=FROM:TO:STEPS") }
        var seen = Set<String>()
        for parameter in parameters {
            try ScenarioEdit.check(parameter.path, in: scenario)
            guard seen.insert(parameter.path).inserted else { throw InsightsError("--set \(parameter.path) is given twice") }
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
                point = summarize(plan, values: values, purchaseIds: purchaseIds, apiIds: Set(edited.apis.map(\.id)))
            } catch {
                point.message = "\(error)"
            }
            return point
        }
        return SweepResult(scenario: scenario.name, parameters: parameters, purchaseOfferings: purchaseIds, points: points)
    }

    static func summarize(_ plan: PlanDocument, values: [Double], purchaseIds: [String], apiIds: Set<String>) -> SweepPoint {
        var units = Dictionary(uniqueKeysWithValues: purchaseIds.map { ($0, 0.0) })
        for purchase in plan.purchases { units[purchase.offering, default: 0] += purchase.units }
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
            message: plan.diagnosis?.summary)
    }

    /// One CSV row per point: the parameters, status, discountedCost, cost,
    /// `units:<offering>` per purchase offering, apiShare, message.
    public static func csv(_ result: SweepResult) -> String {
        var header = result.parameters.map(\.path) + ["status", "discountedCost", "cost"]
        header += result.purchaseOfferings.map { "units:\($0)" } + ["apiShare", "message"]
        var lines = [header.map(csvField).joined(separator: ",")]
        for point in result.points {
            var fields = point.values.map(number) + [point.status, point.discountedCost.map(number) ?? "", point.cost.map(number) ?? ""]
            fields += result.purchaseOfferings.map { id in point.unitsPurchased[id].map(number) ?? "" }
            fields += [point.apiShare.map(number) ?? "", point.message ?? ""]
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
