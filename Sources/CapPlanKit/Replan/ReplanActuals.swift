// What happened in the periods that elapsed since the previous plan (docs/replan.md,
// "actuals.yaml"): which periods elapsed, the demand actually seen, deliveries that slipped and
// how far the training jobs running across the elapsed periods got. Read from YAML or JSON and
// checked strictly, like scenarios: every problem with its file, path, line and value.
import Foundation

/// The actuals of a rolling re-plan, resolved against the scenario and the previous plan.
public struct ReplanActuals: Hashable, Sendable {
    /// k >= 1: the leading periods of the previous horizon that elapsed.
    public var elapsedPeriods: Int
    /// Actual tokens by workload id, one value per elapsed period (every workload present).
    public var demand: [String: [Double]]
    /// Deliveries that differ from the plan, by purchase id then zero-based elapsed period.
    public var delivered: [String: [Int: Delivery]]
    /// Share of a training job's compute done in the elapsed periods, by job id (jobs whose
    /// window spans the end of the elapsed periods).
    public var completedFractions: [String: Double]

    public init(elapsedPeriods: Int, demand: [String: [Double]], delivered: [String: [Int: Delivery]] = [:], completedFractions: [String: Double] = [:]) {
        self.elapsedPeriods = elapsedPeriods
        self.demand = demand
        self.delivered = delivered
        self.completedFractions = completedFractions
    }

    /// Units that arrived in an elapsed period, fewer than the plan said: the rest is still in
    /// flight and arrives in `restArrives`.
    public struct Delivery: Hashable, Sendable {
        /// Units actually delivered (0 <= units <= the plan's arrivals that period).
        public var units: Double
        /// Zero-based period of the previous horizon (>= k) the rest arrives in.
        public var restArrives: Int

        public init(units: Double, restArrives: Int) {
            self.units = units
            self.restArrives = restArrives
        }
    }
}

/// The actuals file was refused: every error found, in file order.
public struct ReplanActualsError: Error, CustomStringConvertible, Sendable {
    public let diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

public enum ReplanActualsLoader {
    static let topKeys = ["elapsed", "demand", "delivered", "jobs"]

    /// Reads an actuals file (`.yaml`, `.yml`, `.json`). `arrivals` are the previous plan's b_oq
    /// by purchase id (a slipped delivery is checked against them); `planPeriods` its horizon's
    /// length. Throws `ReplanActualsError` only.
    public static func load(path: String, scenario: Scenario, arrivals: [String: [Double]], planPeriods: Int) throws -> ReplanActuals {
        let ext = (path as NSString).pathExtension.lowercased()
        guard ["yaml", "yml", "json"].contains(ext) else {
            throw single(path, "expected a .yaml, .yml or .json actuals file, got " + (ext.isEmpty ? "no extension" : "a .\(ext) file"))
        }
        let bytes: [UInt8]
        switch InputFile.read(path: path, maxBytes: ScenarioLimits.default.maxScenarioBytes) {
        case .success(let b): bytes = b
        case .failure(let e): throw single(path, "expected a readable actuals file (\(e.message))")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw single(path, "expected a UTF-8 text file") }
        return try load(text: text, fileName: path, scenario: scenario, arrivals: arrivals, planPeriods: planPeriods)
    }

    /// Reads actuals text; JSON when `fileName` ends in `.json` (checked strictly), YAML otherwise.
    public static func load(text: String, fileName: String, scenario: Scenario, arrivals: [String: [Double]], planPeriods: Int) throws -> ReplanActuals {
        let root: DocNode
        do {
            root = try DocumentReader.parse(text)
        } catch let e as DocumentError {
            throw ReplanActualsError(diagnostics: [Diagnostic(severity: .error, file: fileName, path: e.path, line: e.line, column: e.column,
                                                              message: e.message.replacingOccurrences(of: "in scenarios", with: "in actuals files"))])
        } catch {
            throw single(fileName, "cannot read the actuals: \(error)")
        }
        if fileName.lowercased().hasSuffix(".json"), let problem = ScenarioLoader.strictJSONProblem(text) {
            throw ReplanActualsError(diagnostics: [Diagnostic(severity: .error, file: fileName, path: "", line: problem.line, column: problem.column,
                                                              message: "invalid JSON: \(problem.message)")])
        }
        let sink = DiagnosticSink(file: fileName)
        let reader = ActualsReader(sink: sink, scenario: scenario, arrivals: arrivals, planPeriods: planPeriods)
        let actuals = reader.read(root)
        if sink.hasErrors || actuals == nil {
            var errors = sink.errors
            if errors.isEmpty { errors = [Diagnostic(severity: .error, file: fileName, path: "", message: "invalid actuals")] }
            throw ReplanActualsError(diagnostics: errors)
        }
        return actuals!
    }

    static func single(_ file: String, _ message: String) -> ReplanActualsError {
        ReplanActualsError(diagnostics: [Diagnostic(severity: .error, file: file, path: "", message: message)])
    }
}

/// The document tree of an actuals file -> `ReplanActuals`.
struct ActualsReader {
    let sink: DiagnosticSink
    let scenario: Scenario
    let arrivals: [String: [Double]]
    let planPeriods: Int
    var nodes: NodeReader { NodeReader(sink: sink) }
    var labels: [String] { scenario.horizon.labels }

    func read(_ root: DocNode) -> ReplanActuals? {
        guard let map = nodes.mapping(root, "", allowed: ReplanActualsLoader.topKeys, what: "actuals") else { return nil }
        // The elapsed periods first: every other entry is checked against them.
        let most = min(planPeriods, scenario.horizon.periods - 1)
        let elapsed = map["elapsed"].map { readElapsed($0.value) }
            ?? check(1, node: root, path: "elapsed", most: most, range: most >= 1 ? labels[0] : "none: the scenario has a single period")
        guard let k = elapsed else { return nil }
        var actuals = ReplanActuals(elapsedPeriods: k, demand: [:])
        if let entry = map["demand"] {
            actuals.demand = readDemand(entry.value, k: k)
        } else {
            sink.error("demand", at: root, "missing: expected the actual tokens of every workload in the elapsed periods (demand: {WORKLOAD: [tokens per elapsed period]})")
        }
        if let entry = map["delivered"] { actuals.delivered = readDelivered(entry.value, k: k) }
        if let entry = map["jobs"] { actuals.completedFractions = readJobs(entry.value) }
        return actuals
    }

    /// A label of the horizon's kind, as a zero-based offset from the start (any offset).
    func periodOffset(_ node: DocNode, _ path: String) -> Int? {
        guard case .scalar(let text, _) = node.content, !node.isNull, let label = PeriodLabel(text), label.kind == scenario.horizon.kind else {
            nodes.report(node, path, "expected a period label (\(scenario.horizon.kind.rawValue)s, e.g. \(labels[0]))")
            return nil
        }
        return scenario.horizon.offset(of: label)
    }

    /// `elapsed`: the last elapsed period, or the list of the leading periods that elapsed.
    /// At least one period elapses, at most the previous plan's horizon, and a period must remain.
    func readElapsed(_ node: DocNode) -> Int? {
        let most = min(planPeriods, scenario.horizon.periods - 1)
        let range = most >= 1 ? "\(labels[0]) .. \(labels[most - 1])" : "none: the scenario has a single period"
        if case .sequence(let items) = node.content {
            guard !items.isEmpty else {
                sink.error("elapsed", at: node, "expected at least one elapsed period (\(range))")
                return nil
            }
            var ok = true
            for (i, item) in items.enumerated() {
                guard let p = periodOffset(item, "elapsed[\(i)]") else { ok = false; continue }
                if p != i {
                    sink.error("elapsed[\(i)]", at: item, value: item.written,
                               "expected the leading periods of the horizon in order: \(i < labels.count ? labels[i] : "none") here")
                    ok = false
                }
            }
            guard ok else { return nil }
            return check(items.count, node: node, path: "elapsed", most: most, range: range)
        }
        guard let p = periodOffset(node, "elapsed") else { return nil }
        return check(p + 1, node: node, path: "elapsed", most: most, range: range)
    }

    func check(_ k: Int, node: DocNode, path: String, most: Int, range: String) -> Int? {
        guard k >= 1, k <= most else {
            let why = k > planPeriods ? "the previous plan covers \(planPeriods) period\(planPeriods == 1 ? "" : "s")"
                : k >= scenario.horizon.periods ? "at least one period of the scenario must remain to plan" : "the first period is \(labels[0])"
            sink.error(path, at: node, value: node.written ?? "\(k) period\(k == 1 ? "" : "s")", "expected elapsed periods within \(range) (\(why))")
            return nil
        }
        return k
    }

    /// `demand`: per workload, one number per elapsed period (a number alone when one elapsed).
    func readDemand(_ node: DocNode, k: Int) -> [String: [Double]] {
        let ids = scenario.workloads.map(\.id)
        guard let map = nodes.mapping(node, "demand", allowed: ids, what: "actual demand by workload",
                                      unknownHint: { key in "; expected a workload of the scenario (\(listing(ids, noun: "workloads")))" + didYouMean(key, in: ids) })
        else { return [:] }
        var demand: [String: [Double]] = [:]
        let elapsedText = k == 1 ? labels[0] : "\(labels[0]) .. \(labels[k - 1])"
        for id in ids {
            guard let entry = map[id] else {
                sink.error("demand.\(id)", at: node, "missing: expected the actual tokens of workload \(id) in \(elapsedText)")
                continue
            }
            let path = "demand.\(id)"
            switch nodes.perPeriod(entry.value, path) {
            case .scalar(let v)?:
                guard k == 1 else {
                    sink.error(path, at: v.node, value: v.node.written, "expected a list of \(k) numbers, one per elapsed period (\(elapsedText))")
                    continue
                }
                if tokens(v) { demand[id] = [v.value] }
            case .list(let values, let listNode, _)?:
                guard values.count == k else {
                    sink.error(path, at: listNode, "expected \(k) number\(k == 1 ? "" : "s"), one per elapsed period (\(elapsedText)), got \(values.count)")
                    continue
                }
                if values.allSatisfy(tokens) { demand[id] = values.map(\.value) }
            case nil:
                continue
            }
        }
        return demand
    }

    func tokens(_ v: Loc<Double>) -> Bool {
        guard v.value >= 0 else {
            sink.error(v.path, at: v.node, value: v.node.written, "expected tokens >= 0")
            return false
        }
        return true
    }

    /// `delivered`: `[{offering, period, units, restArrives}]`, deliveries that slipped.
    func readDelivered(_ node: DocNode, k: Int) -> [String: [Int: ReplanActuals.Delivery]] {
        guard let items = nodes.list(node, "delivered", of: "deliveries ({offering, period, units, restArrives})") else { return [:] }
        let ids = scenario.purchases.map(\.id)
        var result: [String: [Int: ReplanActuals.Delivery]] = [:]
        for (i, item) in items.enumerated() {
            let path = "delivered[\(i)]"
            guard let f = nodes.mapping(item, path, allowed: ["offering", "period", "units", "restArrives"], what: "a delivery") else { continue }
            var offering: String?
            if let entry = f["offering"], let id = nodes.string(entry.value, path + ".offering", expected: "expected a purchase offering id") {
                if ids.contains(id.value) {
                    offering = id.value
                } else {
                    sink.error(id.path, at: id.node, value: id.node.written,
                               "expected a purchase offering of the scenario (\(listing(ids, noun: "purchases")))" + didYouMean(id.value, in: ids))
                }
            } else if f["offering"] == nil {
                sink.error(path + ".offering", at: item, "missing: expected the purchase offering whose delivery slipped")
            }
            var period: Int?
            if let entry = f["period"], let p = periodOffset(entry.value, path + ".period") {
                if p >= 0, p < k {
                    period = p
                } else {
                    sink.error(path + ".period", at: entry.value, value: entry.value.written,
                               "expected an elapsed period (\(labels[0])\(k > 1 ? " .. \(labels[k - 1])" : ""))")
                }
            } else if f["period"] == nil {
                sink.error(path + ".period", at: item, "missing: expected the elapsed period the units were to arrive in")
            }
            var units: Double?
            if let entry = f["units"], let v = nodes.number(entry.value, path + ".units", expected: "expected a number of units") {
                if v.value < 0 {
                    sink.error(v.path, at: v.node, value: v.node.written, "expected units >= 0")
                } else if scenario.policy.integerUnits, v.value != v.value.rounded() {
                    sink.error(v.path, at: v.node, value: v.node.written, "expected a whole number of units (policy.integerUnits)")
                } else {
                    units = v.value
                }
            } else if f["units"] == nil {
                sink.error(path + ".units", at: item, "missing: expected the units actually delivered")
            }
            var rest = k  // the first period after the elapsed ones
            if let entry = f["restArrives"], let p = periodOffset(entry.value, path + ".restArrives") {
                if p >= k, p < scenario.horizon.periods {
                    rest = p
                } else {
                    sink.error(path + ".restArrives", at: entry.value, value: entry.value.written,
                               "expected a period after the elapsed ones (\(labels[k]) .. \(labels[scenario.horizon.periods - 1]))")
                }
            }
            guard let offering, let period, let units else { continue }
            if result[offering]?[period] != nil {
                sink.error(path, at: item, "duplicate: the delivery of \(offering) in \(labels[period]) is already given")
                continue
            }
            let planned = period < (arrivals[offering]?.count ?? 0) ? arrivals[offering]![period] : 0
            guard units <= planned else {
                sink.error(path + ".units", at: f["units"]!.value, value: f["units"]!.value.written,
                           "expected at most the \(YAMLText.number(planned)) unit\(planned == 1 ? "" : "s") the previous plan has arriving in \(labels[period]) (a delivery can slip, not grow)")
                continue
            }
            result[offering, default: [:]][period] = ReplanActuals.Delivery(units: units, restArrives: rest)
        }
        return result
    }

    /// `jobs: {JOB: {completedFraction: c}}`.
    func readJobs(_ node: DocNode) -> [String: Double] {
        let ids = scenario.jobs.map(\.id)
        guard let map = nodes.mapping(node, "jobs", allowed: ids, what: "training jobs' progress",
                                      unknownHint: { key in "; expected a job of the scenario (\(ids.isEmpty ? "it has none" : listing(ids, noun: "jobs")))" + didYouMean(key, in: ids) })
        else { return [:] }
        var result: [String: Double] = [:]
        for id in ids {
            guard let entry = map[id] else { continue }
            let path = "jobs.\(id)"
            guard let f = nodes.mapping(entry.value, path, allowed: ["completedFraction"], what: "a job's progress") else { continue }
            guard let c = f["completedFraction"] else {
                sink.error(path + ".completedFraction", at: entry.value, "missing: expected the share of the job's compute done, 0 to 1")
                continue
            }
            guard let v = nodes.number(c.value, path + ".completedFraction", expected: "expected a number from 0 to 1") else { continue }
            guard v.value >= 0, v.value <= 1 else {
                sink.error(v.path, at: v.node, value: v.node.written, "expected a number from 0 to 1")
                continue
            }
            result[id] = v.value
        }
        return result
    }
}
