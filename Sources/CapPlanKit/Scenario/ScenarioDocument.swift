// Pass 1: the document tree -> a raw scenario. Checks structure only: mappings, lists, scalar
// types, required and unknown keys. Ranges, references and cross-field rules are checked by
// ScenarioValidator (pass 2). Both passes report every problem they find.
import Foundation

/// A value read from the document, with the node it came from and its path.
struct Loc<T> {
    var value: T
    var node: DocNode
    var path: String
}

/// A number, or one number per period.
enum RawPerPeriod {
    case scalar(Loc<Double>)
    case list([Loc<Double>], node: DocNode, path: String)
}

struct RawSlice {
    var node: DocNode
    var path: String
    var name: Loc<String>?
    var hours: Loc<Double>?
    var share: Loc<Double>?
    var start: Loc<Double>?
    /// `start` is written (even when it could not be read).
    var startWritten = false
}

enum RawDemand {
    case list([Loc<Double>])
    case growth(start: Loc<Double>?, growth: Loc<Double>?)
    case csv(file: Loc<String>?, column: Loc<String>?)
}

struct RawWorkload {
    var node: DocNode
    var path: String
    var id: Loc<String>?
    var outputShare: Loc<Double>?
    var model: Loc<String>?
    var demand: Loc<RawDemand>?
    var minReplicas: Loc<Double>?
    /// `precisions` as written (each checked in pass 2), and the keys that go with it.
    var precisions: Loc<[Loc<String>]>?
    /// `precisions` is written (even when it could not be read).
    var precisionsWritten = false
    var latency: Loc<String>?
    var inputTokens: Loc<Double>?
    var outputTokens: Loc<Double>?
    /// `profile`: slice name -> share, in document order (checked against the slices in pass 2).
    var profile: Loc<[(key: Loc<String>, value: Loc<Double>)]>?
    /// `deferrable`: `true`/`false` or `{maxDelayHours: H}`.
    var deferrable: Loc<RawDeferral>?
    var interruptible: Loc<Bool>?
    /// `cache: {hitRate, prefillShare}`.
    var cache: RawCache?
}

/// `deferrable` as written: a flag, or a window of `maxDelayHours` (nil when it could not be read).
enum RawDeferral {
    case flag(Bool)
    case window(Loc<Double>?)
}

/// `cache` of a workload (docs/formulation.md 11.4).
struct RawCache {
    var node: DocNode
    var path: String
    var hitRate: Loc<Double>?
    var prefillShare: Loc<Double>?
}

/// `committedUse` of an API (docs/formulation.md 11.5).
struct RawCommittedUse {
    var node: DocNode
    var path: String
    var discount: Loc<Double>?
    var minSpendPerPeriod: Loc<Double>?
    /// `signed: true`: the contract is signed already (docs/formulation.md 13.1).
    var signed: Loc<Bool>?
}

/// One entry of a purchase's `existing` or a reserved rental's `contractsInTerm` (13.1).
struct RawUnitsInTerm {
    var node: DocNode
    var path: String
    var units: Loc<Double>?
    var remainingPeriods: Loc<Double>?
}

/// One entry of a purchase's `ordersInFlight` (13.1): the arrival period as written.
struct RawOrderInFlight {
    var node: DocNode
    var path: String
    var arrives: Loc<String>?
    var units: Loc<Double>?
}

enum OfferingKindName: String, CaseIterable {
    case purchase, rental, api
}

struct RawOffering {
    var node: DocNode
    var path: String
    /// The kind the offering is read as (written `kind`, else the catalog entry's), if known.
    var kind: OfferingKindName?
    var kindField: Loc<String>?
    var use: Loc<String>?
    var id: Loc<String>?
    var numbers: [String: Loc<Double>] = [:]
    var strings: [String: Loc<String>] = [:]
    /// Throughput entries in document order: key (with its key node) and value.
    var throughput: Loc<[(key: Loc<String>, value: Loc<Double>)]>?
    /// Replica sizes in document order: workload id (with its key node) and accelerators.
    var acceleratorsPerReplica: Loc<[(key: Loc<String>, value: Loc<Double>)]>?
    var serves: Loc<[Loc<String>]>?
    /// `clusterNetworking` of a rental.
    var clusterNetworking: Loc<Bool>?
    /// `priceFactors`: one number per period (length checked in pass 2).
    var priceFactors: Loc<[Loc<Double>]>?
    /// `batch` of an API.
    var batch: Loc<Bool>?
    var committedUse: RawCommittedUse?
    /// Commitments carried in (docs/formulation.md 13.1): a purchase's `existing` cohorts and
    /// `ordersInFlight`, a reserved rental's `contractsInTerm`; entries that could be read.
    var existing: Loc<[RawUnitsInTerm]>?
    var ordersInFlight: Loc<[RawOrderInFlight]>?
    var contractsInTerm: Loc<[RawUnitsInTerm]>?
}

/// One entry of the top-level `jobs` list (docs/scenario-format.md, "Training and fine-tuning
/// jobs"). The compute form is checked here: exactly one of `flops`, `parameters` + `tokens`
/// (+ `method`), `acceleratorHours` + `referenceAccelerator`.
struct RawJob {
    var node: DocNode
    var path: String
    var id: Loc<String>?
    var flops: Loc<Double>?
    var parameters: Loc<Double>?
    var tokens: Loc<Double>?
    var method: Loc<String>?
    var acceleratorHours: Loc<Double>?
    var referenceAccelerator: Loc<String>?
    var precision: Loc<String>?
    var mfu: Loc<Double>?
    var overhead: Loc<Double>?
    var earliestStart: Loc<String>?
    var deadline: Loc<String>?
    var minAccelerators: Loc<Double>?
    /// The compute form could be read (exactly one form, with its keys).
    var computeComplete = false
}

/// One entry of the top-level `platforms` list.
struct RawPlatform {
    var node: DocNode
    var path: String
    var id: Loc<String>?
    var adoptionCost: Loc<Double>?
    var yearlyCost: Loc<Double>?
}

struct RawScenario {
    var root: DocNode
    var name: Loc<String>?
    var horizon: DocNode?
    var horizonStart: Loc<String>?
    var horizonPeriods: Loc<Double>?
    var discountRate: Loc<Double>?
    var capexAccounting: Loc<String>?
    var timeSlices: Loc<[RawSlice]>?
    /// `timeSlices: {hourlyProfile: FILE, slices: N}` (docs/formulation.md 11.6).
    var hourlyProfile: RawHourlyProfile?
    var workloads: Loc<[RawWorkload]>?
    var offerings: Loc<[RawOffering]>?
    var electricityPrice: Loc<Double>?
    var pue: Loc<Double>?
    var powerCap: RawPerPeriod?
    var capexPerPeriod: RawPerPeriod?
    var fiscalYearStartMonth: Loc<Double>?
    var fiscalYears: [RawFiscalYear]?
    var integerUnits: Loc<Bool>?
    var utilizationCap: Loc<Double>?
    var unservedPenalty: Loc<Double>?
    var platforms: Loc<[RawPlatform]>?
    var jobs: Loc<[RawJob]>?
    /// `demandCases` (docs/formulation.md section 12), read when it has one of its two forms.
    var demandCases: RawDemandCases?
    /// `demandCases` is written (even when it could not be read).
    var demandCasesWritten = false
    /// `risk: {cvarWeight, cvarLevel}` (12.2).
    var risk: RawRisk?
    /// `caseDecisions: here-and-now | adaptive` (12.6).
    var caseDecisions: Loc<String>?
}

/// `demandCases` as written: a list of cases, or `{sample, seed, growthSpread}`.
enum RawDemandCases {
    case listed(Loc<[RawDemandCase]>)
    case sampled(RawSampledCases)

    var node: DocNode {
        switch self {
        case .listed(let l): return l.node
        case .sampled(let s): return s.node
        }
    }
}

/// One listed case; its `workloads` entries in document order.
struct RawDemandCase {
    var node: DocNode
    var path: String
    var name: Loc<String>?
    var probability: Loc<Double>?
    var demandScale: Loc<Double>?
    var workloads: [(key: Loc<String>, value: RawCaseWorkload)] = []
    var apiPriceScale: Loc<Double>?
    /// Some part could not be read (reported): the case is not resolved.
    var unreadable = false
}

/// A workload's demand in a case: a factor, or one value per period.
enum RawCaseWorkload {
    case scale(Loc<Double>)
    case tokensPerPeriod(Loc<[Loc<Double>]>)
}

/// `demandCases: {sample: N, seed: S, growthSpread: σ}`.
struct RawSampledCases {
    var node: DocNode
    var path: String
    var sample: Loc<Double>?
    var seed: Loc<Double>?
    var growthSpread: Loc<Double>?
    var unreadable = false
}

struct RawRisk {
    var node: DocNode
    var path: String
    var cvarWeight: Loc<Double>?
    var cvarLevel: Loc<Double>?
}

/// One entry of `budget.fiscalYears`: its key as written (`FY2028`) and its caps.
struct RawFiscalYear {
    let key: Loc<String>
    var capex: Loc<Double>?
    var opex: Loc<Double>?
}

/// Keys of every mapping in the format (the contract other tools write against).
enum ScenarioKeys {
    static let root = ["name", "horizon", "discountRate", "capexAccounting", "timeSlices", "workloads", "offerings", "site", "budget", "policy", "platforms", "jobs", "demandCases", "risk", "caseDecisions"]
    static let job = ["id", "flops", "parameters", "tokens", "method", "acceleratorHours", "referenceAccelerator", "precision", "mfu",
                      "overhead", "earliestStart", "deadline", "minAccelerators"]
    static let horizon = ["start", "periods"]
    static let slice = ["name", "hours", "share", "start"]
    static let workload = ["id", "outputShare", "model", "demand", "minReplicas", "precisions", "latency", "inputTokensPerRequest", "outputTokensPerRequest",
                           "profile", "deferrable", "interruptible", "cache"]
    static let deferrable = ["maxDelayHours"]
    static let cache = ["hitRate", "prefillShare"]
    static let committedUse = ["discount", "minSpendPerPeriod", "signed"]
    static let unitsInTerm = ["units", "remainingPeriods"]
    static let orderInFlight = ["arrives", "units"]
    static let platform = ["id", "adoptionCost", "yearlyCost"]
    static let demandCase = ["name", "probability", "demandScale", "workloads", "apiPriceScale"]
    static let sampledCases = ["sample", "seed", "growthSpread"]
    static let risk = ["cvarWeight", "cvarLevel"]
    static let demand = ["tokensPerPeriod", "start", "growthPerPeriod", "csv", "column"]
    static let site = ["electricityPricePerKWh", "pue", "powerCapKW"]
    static let budget = ["capexPerPeriod", "fiscalYearStartMonth", "fiscalYears"]
    static let fiscalYear = ["capex", "opex"]
    static let policy = ["integerUnits", "utilizationCap", "unservedPenaltyPerMTok"]
    static let purchaseNumbers = ["unitPrice", "acceleratorsPerUnit", "lifetimePeriods", "powerKW", "opexPerUnitPeriod",
                                  "leadTimePeriods", "maxUnitsPerPeriod", "existingUnits", "existingRemainingPeriods",
                                  "depositFraction", "balanceDaysAfterDelivery", "bookLifePeriods", "spareUnits", "failureDerating"]
    /// Commitments carried into the horizon (docs/formulation.md 13.1).
    static let purchaseCarriedIn = ["existing", "ordersInFlight"]
    static let rentalNumbers = ["pricePerUnitHour", "acceleratorsPerUnit", "maxUnits", "termMonths", "upfrontPerUnit",
                                "spareUnits", "failureDerating", "availability"]
    static let apiNumbers = ["inputPricePerMTok", "outputPricePerMTok", "maxTokensPerSecond", "cachedInputPricePerMTok"]
    /// Keys of every kind: prices that move and availability windows (docs/formulation.md 11.5).
    static let moving = ["priceDeclinePerYear", "priceFactors", "availableFrom", "availableUntil"]
    static let purchase = ["id", "kind", "use"] + purchaseNumbers + ["accelerator", "platform", "throughput", "acceleratorsPerReplica"] + moving
        + purchaseCarriedIn
    static let rental = ["id", "kind", "use"] + rentalNumbers + ["accelerator", "platform", "commitment", "throughput", "acceleratorsPerReplica", "clusterNetworking"]
        + moving + ["contractsInTerm"]
    static let api = ["id", "kind", "use"] + apiNumbers + ["serves", "batch", "committedUse"] + moving
    static let anyOffering: [String] = {
        var seen = Set<String>()
        return (purchase + rental + api).filter { seen.insert($0).inserted }
    }()

    static func offering(_ kind: OfferingKindName?) -> [String] {
        switch kind {
        case .purchase: return purchase
        case .rental: return rental
        case .api: return api
        case nil: return anyOffering
        }
    }
}

/// Joins a path and a key.
func joinPath(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }

/// Reads typed values out of document nodes, reporting type errors.
struct NodeReader {
    let sink: DiagnosticSink

    /// The mapping's entries after checking for unknown keys; nil (and an error) when not a mapping.
    func mapping(
        _ node: DocNode, _ path: String, allowed: [String], what: String, unknownHint: ((String) -> String?)? = nil
    ) -> [String: (keyNode: DocNode, value: DocNode)]? {
        guard case .mapping(let pairs) = node.content else {
            sink.error(path, at: node, value: node.written, "expected \(what) (a mapping)" + (node.written == nil ? ", got \(node.kindDescription)" : ""))
            return nil
        }
        var result: [String: (keyNode: DocNode, value: DocNode)] = [:]
        for pair in pairs {
            if allowed.contains(pair.key) {
                result[pair.key] = (pair.keyNode, pair.value)
            } else {
                let hint = unknownHint?(pair.key) ?? didYouMean(pair.key, in: allowed)
                sink.error(joinPath(path, pair.key), at: pair.keyNode, "unknown key in \(what)\(hint)")
            }
        }
        return result
    }

    func list(_ node: DocNode, _ path: String, of what: String) -> [DocNode]? {
        guard case .sequence(let items) = node.content else {
            report(node, path, "expected a list of \(what)")
            return nil
        }
        return items
    }

    /// A type error: the value as written for scalars, its kind in the message otherwise.
    func report(_ node: DocNode, _ path: String, _ expected: String) {
        if let written = node.written, !node.isNull {
            sink.error(path, at: node, value: written, expected)
        } else {
            sink.error(path, at: node, "\(expected), got \(node.kindDescription)")
        }
    }

    /// A finite number written as a plain scalar.
    func number(_ node: DocNode, _ path: String, expected: String = "expected a number") -> Loc<Double>? {
        guard case .scalar(let text, let plain) = node.content, plain, !node.isNull else {
            report(node, path, expected)
            return nil
        }
        guard let value = parseNumber(text) else {
            report(node, path, expected)
            return nil
        }
        guard value.isFinite else {
            sink.error(path, at: node, value: text, "expected a finite number")
            return nil
        }
        return Loc(value: value, node: node, path: path)
    }

    /// Any non-empty scalar's text.
    func string(_ node: DocNode, _ path: String, expected: String = "expected a text value") -> Loc<String>? {
        guard case .scalar(let text, _) = node.content, !node.isNull, !text.isEmpty else {
            report(node, path, expected)
            return nil
        }
        return Loc(value: text, node: node, path: path)
    }

    func bool(_ node: DocNode, _ path: String) -> Loc<Bool>? {
        if case .scalar(let text, true) = node.content {
            switch text {
            case "true", "True", "TRUE": return Loc(value: true, node: node, path: path)
            case "false", "False", "FALSE": return Loc(value: false, node: node, path: path)
            default: break
            }
        }
        report(node, path, "expected true or false")
        return nil
    }

    /// A number, or a list of numbers (one per period).
    func perPeriod(_ node: DocNode, _ path: String) -> RawPerPeriod? {
        if case .sequence(let items) = node.content {
            var values: [Loc<Double>] = []
            var ok = true
            for (i, item) in items.enumerated() {
                if let v = number(item, "\(path)[\(i)]") { values.append(v) } else { ok = false }
            }
            return ok ? .list(values, node: node, path: path) : nil
        }
        guard let v = number(node, path, expected: "expected a number or a list of one number per period") else { return nil }
        return .scalar(v)
    }
}

/// YAML/JSON numbers: decimal, optional fraction and exponent, `_` between digits, `.inf`, `.nan`.
func parseNumber(_ text: String) -> Double? {
    switch text {
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
    case "-.inf", "-.Inf", "-.INF": return -.infinity
    case ".nan", ".NaN", ".NAN": return .nan
    default: break
    }
    var sawDigit = false, sawDot = false, sawExp = false, expDigits = false
    var previous: Character = " "
    var cleaned = ""
    for (i, c) in text.enumerated() {
        switch c {
        case "0"..."9":
            if sawExp { expDigits = true } else { sawDigit = true }
        case "_":
            guard previous.isNumber, !sawExp else { return nil }
            previous = c
            continue
        case "+", "-":
            guard i == 0 || previous == "e" || previous == "E" else { return nil }
        case ".":
            guard !sawDot, !sawExp else { return nil }
            sawDot = true
        case "e", "E":
            guard sawDigit, !sawExp else { return nil }
            sawExp = true
        default:
            return nil
        }
        previous = c
        cleaned.append(c)
    }
    guard sawDigit, !sawExp || expDigits, previous != "_" else { return nil }
    return Double(cleaned)
}

/// Pass 1.
struct ScenarioDocumentDecoder {
    let sink: DiagnosticSink
    let catalog: Catalog
    var reader: NodeReader { NodeReader(sink: sink) }

    func decode(_ root: DocNode) -> RawScenario? {
        var raw = RawScenario(root: root)
        guard let top = reader.mapping(root, "", allowed: ScenarioKeys.root, what: "a scenario") else { return nil }

        if let n = top["name"] { raw.name = reader.string(n.value, "name", expected: "expected a scenario name") }
        else { sink.error("name", at: root, "required key missing: the scenario's name") }

        if let h = top["horizon"] {
            raw.horizon = h.value
            if let m = reader.mapping(h.value, "horizon", allowed: ScenarioKeys.horizon, what: "a horizon") {
                if let s = m["start"] {
                    raw.horizonStart = reader.string(s.value, "horizon.start", expected: "expected a period label: YYYYQn, YYYY-MM or YYYY")
                } else { sink.error("horizon.start", at: h.value, "required key missing: the first period (YYYYQn, YYYY-MM or YYYY)") }
                if let p = m["periods"] {
                    raw.horizonPeriods = reader.number(p.value, "horizon.periods", expected: "expected a whole number of periods >= 1")
                } else { sink.error("horizon.periods", at: h.value, "required key missing: the number of periods") }
            }
        } else { sink.error("horizon", at: root, "required key missing: {start: YYYYQn, periods: N}") }

        if let n = top["discountRate"] { raw.discountRate = reader.number(n.value, "discountRate") }
        if let n = top["capexAccounting"] { raw.capexAccounting = reader.string(n.value, "capexAccounting", expected: "expected `amortized` or `cash`") }
        if let n = top["timeSlices"] {
            if case .mapping = n.value.content { raw.hourlyProfile = hourlyProfile(n.value) } else { raw.timeSlices = slices(n.value) }
        }

        if let n = top["workloads"] { raw.workloads = workloads(n.value) }
        else { sink.error("workloads", at: root, "required key missing: a list of workloads") }

        // An offering may leave `throughput` out when the performance model can derive it: it
        // names an `accelerator` and some workload lists `precisions` (pass 2 checks the rest).
        // Likewise when the scenario has jobs: an offering may exist only to train on.
        let derivable = raw.workloads?.value.contains { $0.precisionsWritten } ?? false
        if let n = top["offerings"] { raw.offerings = offerings(n.value, derivable: derivable || top["jobs"] != nil) }
        else { sink.error("offerings", at: root, "required key missing: a list of offerings") }

        if let n = top["site"], let m = reader.mapping(n.value, "site", allowed: ScenarioKeys.site, what: "a site") {
            if let v = m["electricityPricePerKWh"] { raw.electricityPrice = reader.number(v.value, "site.electricityPricePerKWh") }
            if let v = m["pue"] { raw.pue = reader.number(v.value, "site.pue") }
            if let v = m["powerCapKW"] { raw.powerCap = reader.perPeriod(v.value, "site.powerCapKW") }
        }
        if let n = top["budget"], let m = reader.mapping(n.value, "budget", allowed: ScenarioKeys.budget, what: "a budget") {
            if let v = m["capexPerPeriod"] { raw.capexPerPeriod = reader.perPeriod(v.value, "budget.capexPerPeriod") }
            if let v = m["fiscalYearStartMonth"] { raw.fiscalYearStartMonth = reader.number(v.value, "budget.fiscalYearStartMonth") }
            if let v = m["fiscalYears"] { raw.fiscalYears = fiscalYears(v.value) }
        }
        if let n = top["platforms"] { raw.platforms = platforms(n.value) }
        if let n = top["jobs"] { raw.jobs = jobs(n.value) }
        if let n = top["demandCases"] { raw.demandCasesWritten = true; raw.demandCases = demandCases(n.value) }
        if let n = top["risk"] { raw.risk = risk(n.value) }
        if let n = top["caseDecisions"] { raw.caseDecisions = reader.string(n.value, "caseDecisions", expected: "expected `here-and-now` or `adaptive`") }
        if let n = top["policy"], let m = reader.mapping(n.value, "policy", allowed: ScenarioKeys.policy, what: "a policy") {
            if let v = m["integerUnits"] { raw.integerUnits = reader.bool(v.value, "policy.integerUnits") }
            if let v = m["utilizationCap"] { raw.utilizationCap = reader.number(v.value, "policy.utilizationCap") }
            if let v = m["unservedPenaltyPerMTok"], !v.value.isNull {
                raw.unservedPenalty = reader.number(v.value, "policy.unservedPenaltyPerMTok")
            }
        }
        return raw
    }

    /// `budget.fiscalYears`: a mapping `FY2028: {capex: 5000000, opex: 1200000}`.
    private func fiscalYears(_ node: DocNode) -> [RawFiscalYear]? {
        guard case .mapping(let pairs) = node.content else {
            reader.report(node, "budget.fiscalYears", "expected fiscal-year budgets (a mapping like `FY2028: {capex: 5000000, opex: 1200000}`)")
            return nil
        }
        var years: [RawFiscalYear] = []
        for pair in pairs {
            let path = "budget.fiscalYears.\(pair.key)"
            var year = RawFiscalYear(key: Loc(value: pair.key, node: pair.keyNode, path: path))
            if let m = reader.mapping(pair.value, path, allowed: ScenarioKeys.fiscalYear, what: "a fiscal year's budgets {capex, opex}") {
                if let v = m["capex"] { year.capex = reader.number(v.value, path + ".capex") }
                if let v = m["opex"] { year.opex = reader.number(v.value, path + ".opex") }
            }
            years.append(year)
        }
        return years
    }

    private func slices(_ node: DocNode) -> Loc<[RawSlice]>? {
        guard let items = reader.list(node, "timeSlices", of: "time slices {name, hours, share, start} (or a mapping {hourlyProfile: FILE.csv, slices: N})") else { return nil }
        var result: [RawSlice] = []
        for (i, item) in items.enumerated() {
            let path = "timeSlices[\(i)]"
            var slice = RawSlice(node: item, path: path)
            if let m = reader.mapping(item, path, allowed: ScenarioKeys.slice, what: "a time slice") {
                if let v = m["name"] { slice.name = reader.string(v.value, path + ".name") } else { sink.error(path + ".name", at: item, "required key missing: the slice's name") }
                if let v = m["hours"] { slice.hours = reader.number(v.value, path + ".hours") } else { sink.error(path + ".hours", at: item, "required key missing: hours of the day in this slice") }
                if let v = m["share"] { slice.share = reader.number(v.value, path + ".share") } else { sink.error(path + ".share", at: item, "required key missing: share of the day's tokens") }
                if let v = m["start"] { slice.startWritten = true; slice.start = reader.number(v.value, path + ".start", expected: "expected the hour of the day the slice begins (0 <= start < 24)") }
            }
            result.append(slice)
        }
        return Loc(value: result, node: node, path: "timeSlices")
    }

    private func jobs(_ node: DocNode) -> Loc<[RawJob]>? {
        guard let items = reader.list(node, "jobs", of: "training jobs {id, flops | parameters + tokens | acceleratorHours + referenceAccelerator, ...}") else { return nil }
        var result: [RawJob] = []
        for (i, item) in items.enumerated() {
            let path = "jobs[\(i)]"
            var j = RawJob(node: item, path: path)
            guard let m = reader.mapping(item, path, allowed: ScenarioKeys.job, what: "a training job") else { result.append(j); continue }
            func number(_ key: String, _ expected: String = "expected a number") -> Loc<Double>? {
                m[key].flatMap { reader.number($0.value, path + "." + key, expected: expected) }
            }
            func text(_ key: String, _ expected: String) -> Loc<String>? {
                m[key].flatMap { reader.string($0.value, path + "." + key, expected: expected) }
            }
            if let v = m["id"] { j.id = reader.string(v.value, path + ".id", expected: "expected an id") }
            else { sink.error(path + ".id", at: item, "required key missing: the job's id") }
            j.flops = number("flops")
            j.parameters = number("parameters", "expected a number of parameters")
            j.tokens = number("tokens", "expected a number of training tokens")
            j.method = text("method", "expected `full` or `lora`")
            j.acceleratorHours = number("acceleratorHours", "expected a number of accelerator-hours")
            j.referenceAccelerator = text("referenceAccelerator", "expected a performance-model accelerator id")
            j.precision = text("precision", "expected `bf16` or `fp8`")
            j.mfu = number("mfu")
            j.overhead = number("overhead")
            j.earliestStart = text("earliestStart", "expected a period label: YYYYQn, YYYY-MM or YYYY")
            j.deadline = text("deadline", "expected a period label: YYYYQn, YYYY-MM or YYYY")
            j.minAccelerators = number("minAccelerators", "expected a whole number of accelerators >= 1")
            j.computeComplete = computeForm(m, item: item, path: path)
            result.append(j)
        }
        return Loc(value: result, node: node, path: "jobs")
    }

    /// Exactly one compute form, with the keys that go with it; false (and errors) otherwise.
    private func computeForm(_ m: [String: (keyNode: DocNode, value: DocNode)], item: DocNode, path: String) -> Bool {
        let forms = [
            m["flops"] != nil, m["parameters"] != nil || m["tokens"] != nil || m["method"] != nil,
            m["acceleratorHours"] != nil || m["referenceAccelerator"] != nil,
        ]
        let written = forms.filter { $0 }.count
        let expected = "flops, {parameters, tokens} (with method: full or lora) or {acceleratorHours, referenceAccelerator}"
        if written == 0 {
            sink.error(path, at: item, "expected the job's compute: one of \(expected)")
            return false
        }
        if written > 1 {
            sink.error(path, at: item, "expected only one of \(expected)")
            return false
        }
        var ok = true
        func require(_ key: String, _ what: String) {
            if m[key] == nil { sink.error(path + "." + key, at: item, "required key missing: \(what)"); ok = false }
        }
        if forms[1] {
            require("parameters", "the model's parameters N (compute = 6·N·D, or 4·N·D with method: lora)")
            require("tokens", "the training tokens D (compute = 6·N·D, or 4·N·D with method: lora)")
        } else if forms[2] {
            require("acceleratorHours", "the accelerator-hours the job takes on referenceAccelerator")
            require("referenceAccelerator", "the accelerator the hours are measured on (a performance-model accelerator id such as h100)")
        }
        return ok
    }

    /// `demandCases`: a list of cases `{name, probability, demandScale, workloads, apiPriceScale}`
    /// or `{sample: N, seed: S, growthSpread: σ}` (docs/formulation.md 12.1).
    private func demandCases(_ node: DocNode) -> RawDemandCases? {
        let path = "demandCases"
        let forms = "a list of cases {name, probability, demandScale, workloads, apiPriceScale} or {sample: N, seed: S, growthSpread: σ}"
        switch node.content {
        case .sequence(let items):
            var cases: [RawDemandCase] = []
            for (i, item) in items.enumerated() {
                let cpath = "\(path)[\(i)]"
                var c = RawDemandCase(node: item, path: cpath)
                guard let m = reader.mapping(item, cpath, allowed: ScenarioKeys.demandCase, what: "a demand case {name, probability, demandScale, workloads, apiPriceScale}") else {
                    c.unreadable = true
                    cases.append(c)
                    continue
                }
                if case .mapping(let pairs) = item.content, pairs.count > m.count { c.unreadable = true }
                if let v = m["name"] { c.name = reader.string(v.value, cpath + ".name", expected: "expected the case's name") }
                else if !misspelled("name", in: item, allowed: ScenarioKeys.demandCase) { sink.error(cpath + ".name", at: item, "required key missing: the case's name") }
                if let v = m["probability"] { c.probability = reader.number(v.value, cpath + ".probability", expected: "expected a probability") }
                else if !misspelled("probability", in: item, allowed: ScenarioKeys.demandCase) { sink.error(cpath + ".probability", at: item, "required key missing: the case's probability (the cases' probabilities sum to 1)") }
                if let v = m["demandScale"] { c.demandScale = reader.number(v.value, cpath + ".demandScale", expected: "expected a factor on every workload's demand") }
                if let v = m["apiPriceScale"] { c.apiPriceScale = reader.number(v.value, cpath + ".apiPriceScale", expected: "expected a factor on every API price") }
                if let v = m["workloads"] {
                    let wpath = cpath + ".workloads"
                    if case .mapping(let pairs) = v.value.content {
                        for pair in pairs {
                            let epath = wpath + "." + pair.key
                            let key = Loc(value: pair.key, node: pair.keyNode, path: epath)
                            if case .sequence(let values) = pair.value.content {
                                let numbers = values.enumerated().compactMap { reader.number($1, "\(epath)[\($0)]", expected: "expected tokens") }
                                if numbers.count == values.count {
                                    c.workloads.append((key, .tokensPerPeriod(Loc(value: numbers, node: pair.value, path: epath))))
                                } else { c.unreadable = true }
                            } else if let x = reader.number(pair.value, epath, expected: "expected a factor on the workload's demand or a list of tokens, one per period") {
                                c.workloads.append((key, .scale(x)))
                            } else { c.unreadable = true }
                        }
                    } else {
                        reader.report(v.value, wpath, "expected a mapping of workload id to a factor on its demand or a list of tokens, one per period")
                        c.unreadable = true
                    }
                }
                if c.name == nil || c.probability == nil || (m["demandScale"] != nil && c.demandScale == nil)
                    || (m["apiPriceScale"] != nil && c.apiPriceScale == nil) { c.unreadable = true }
                cases.append(c)
            }
            return .listed(Loc(value: cases, node: node, path: path))
        case .mapping:
            var sampled = RawSampledCases(node: node, path: path)
            guard let m = reader.mapping(node, path, allowed: ScenarioKeys.sampledCases, what: "sampled cases {sample: N, seed: S, growthSpread: σ}") else { return nil }
            if case .mapping(let pairs) = node.content, pairs.count > m.count { sampled.unreadable = true }
            if let v = m["sample"] { sampled.sample = reader.number(v.value, path + ".sample", expected: "expected a whole number of cases") }
            else if !misspelled("sample", in: node, allowed: ScenarioKeys.sampledCases) { sink.error(path + ".sample", at: node, "required key missing: the number of cases to draw") }
            if let v = m["seed"] { sampled.seed = reader.number(v.value, path + ".seed", expected: "expected a whole number >= 0") }
            if let v = m["growthSpread"] { sampled.growthSpread = reader.number(v.value, path + ".growthSpread", expected: "expected a growth spread σ") }
            else if !misspelled("growthSpread", in: node, allowed: ScenarioKeys.sampledCases) { sink.error(path + ".growthSpread", at: node, "required key missing: σ, the spread of each period's demand growth (0.1 = 10%)") }
            if sampled.sample == nil || sampled.growthSpread == nil || (m["seed"] != nil && sampled.seed == nil) { sampled.unreadable = true }
            return .sampled(sampled)
        default:
            reader.report(node, path, "expected " + forms)
            return nil
        }
    }

    /// Whether an unknown key of the mapping is a near miss of the missing `key` (reported as
    /// unknown with its suggestion: the likelier mistake, so "missing" is not said too).
    private func misspelled(_ key: String, in node: DocNode, allowed: [String]) -> Bool {
        guard case .mapping(let pairs) = node.content else { return false }
        return pairs.contains { !allowed.contains($0.key) && closestMatch(to: $0.key, in: allowed) == key }
    }

    /// `risk: {cvarWeight: λ, cvarLevel: α}` (12.2).
    private func risk(_ node: DocNode) -> RawRisk? {
        guard let m = reader.mapping(node, "risk", allowed: ScenarioKeys.risk, what: "a risk policy {cvarWeight, cvarLevel}") else { return nil }
        var risk = RawRisk(node: node, path: "risk")
        if let v = m["cvarWeight"] { risk.cvarWeight = reader.number(v.value, "risk.cvarWeight", expected: "expected a CVaR weight") }
        else if !misspelled("cvarWeight", in: node, allowed: ScenarioKeys.risk) { sink.error("risk.cvarWeight", at: node, "required key missing: λ, the weight of the cost's CVaR in the objective (0: risk neutral)") }
        if let v = m["cvarLevel"] { risk.cvarLevel = reader.number(v.value, "risk.cvarLevel", expected: "expected a CVaR level") }
        return risk
    }

    private func platforms(_ node: DocNode) -> Loc<[RawPlatform]>? {
        guard let items = reader.list(node, "platforms", of: "platforms {id, adoptionCost, yearlyCost}") else { return nil }
        var result: [RawPlatform] = []
        for (i, item) in items.enumerated() {
            let path = "platforms[\(i)]"
            var p = RawPlatform(node: item, path: path)
            if let m = reader.mapping(item, path, allowed: ScenarioKeys.platform, what: "a platform cost") {
                if let v = m["id"] { p.id = reader.string(v.value, path + ".id", expected: "expected a platform id") }
                else { sink.error(path + ".id", at: item, "required key missing: the platform's id (nvidia, amd, intel-gaudi, google-tpu, aws-neuron or your own)") }
                if let v = m["adoptionCost"] { p.adoptionCost = reader.number(v.value, path + ".adoptionCost") }
                if let v = m["yearlyCost"] { p.yearlyCost = reader.number(v.value, path + ".yearlyCost") }
            }
            result.append(p)
        }
        return Loc(value: result, node: node, path: "platforms")
    }

    private func workloads(_ node: DocNode) -> Loc<[RawWorkload]>? {
        guard let items = reader.list(node, "workloads", of: "workloads") else { return nil }
        var result: [RawWorkload] = []
        for (i, item) in items.enumerated() {
            let path = "workloads[\(i)]"
            var w = RawWorkload(node: item, path: path)
            if let m = reader.mapping(item, path, allowed: ScenarioKeys.workload, what: "a workload") {
                if let v = m["id"] { w.id = reader.string(v.value, path + ".id", expected: "expected an id") } else { sink.error(path + ".id", at: item, "required key missing: the workload's id") }
                if let v = m["outputShare"] { w.outputShare = reader.number(v.value, path + ".outputShare") }
                if let v = m["model"], !v.value.isNull { w.model = reader.string(v.value, path + ".model", expected: "expected a model id") }
                if let v = m["demand"] { w.demand = demand(v.value, path + ".demand") } else { sink.error(path + ".demand", at: item, "required key missing: tokensPerPeriod, {start, growthPerPeriod} or {csv, column}") }
                if let v = m["minReplicas"] { w.minReplicas = reader.number(v.value, path + ".minReplicas", expected: "expected a whole number of replicas >= 1") }
                if let v = m["precisions"] {
                    let ppath = path + ".precisions"
                    w.precisionsWritten = true
                    if let items = reader.list(v.value, ppath, of: "precisions (bf16, fp8, int8, fp4, int4)") {
                        let names = items.enumerated().compactMap { reader.string($1, "\(ppath)[\($0)]", expected: "expected a precision: bf16, fp8, int8, fp4 or int4") }
                        if names.count == items.count { w.precisions = Loc(value: names, node: v.value, path: ppath) }
                    }
                }
                if let v = m["latency"] { w.latency = reader.string(v.value, path + ".latency", expected: "expected `interactive` or `batch`") }
                if let v = m["inputTokensPerRequest"] {
                    w.inputTokens = reader.number(v.value, path + ".inputTokensPerRequest", expected: "expected a whole number of prompt tokens per request")
                }
                if let v = m["outputTokensPerRequest"] {
                    w.outputTokens = reader.number(v.value, path + ".outputTokensPerRequest", expected: "expected a whole number of completion tokens per request")
                }
                readShape(m, into: &w, path: path)
            }
            result.append(w)
        }
        return Loc(value: result, node: node, path: "workloads")
    }

    /// The workload's shape keys (docs/formulation.md 11.1-11.4): `profile`, `deferrable`,
    /// `interruptible`, `cache`.
    private func readShape(_ m: [String: (keyNode: DocNode, value: DocNode)], into w: inout RawWorkload, path: String) {
        if let v = m["profile"] {
            w.profile = byWorkload(v.value, path + ".profile", each: "expected a share of the workload's daily tokens",
                                   whole: "expected a mapping of slice name to the workload's share of the day's tokens")
        }
        if let v = m["deferrable"] {
            let dpath = path + ".deferrable"
            if case .mapping = v.value.content {
                if let d = reader.mapping(v.value, dpath, allowed: ScenarioKeys.deferrable, what: "a deferral window {maxDelayHours: H}") {
                    if let h = d["maxDelayHours"] {
                        w.deferrable = Loc(value: .window(reader.number(h.value, dpath + ".maxDelayHours", expected: "expected a number of hours")),
                                           node: v.value, path: dpath)
                    } else if case .mapping(let pairs) = v.value.content, pairs.count > d.count {
                        // An unknown key (reported, with its suggestion) is the likelier mistake.
                    } else {
                        sink.error(dpath + ".maxDelayHours", at: v.value, "required key missing: the hours a token may wait (24 or more: anywhere in the day)")
                    }
                }
            } else if case .scalar(let text, true) = v.value.content, ["true", "True", "TRUE", "false", "False", "FALSE"].contains(text) {
                w.deferrable = reader.bool(v.value, dpath).map { Loc(value: .flag($0.value), node: v.value, path: dpath) }
            } else {
                reader.report(v.value, dpath, "expected true, false or {maxDelayHours: H}")
            }
        }
        if let v = m["interruptible"] { w.interruptible = reader.bool(v.value, path + ".interruptible") }
        if let v = m["cache"] {
            let cpath = path + ".cache"
            var cache = RawCache(node: v.value, path: cpath)
            if let c = reader.mapping(v.value, cpath, allowed: ScenarioKeys.cache, what: "a prompt cache {hitRate, prefillShare}") {
                if let x = c["hitRate"] { cache.hitRate = reader.number(x.value, cpath + ".hitRate") }
                else { sink.error(cpath + ".hitRate", at: v.value, "required key missing: the share of input tokens that hit the cache") }
                if let x = c["prefillShare"] { cache.prefillShare = reader.number(x.value, cpath + ".prefillShare") }
                w.cache = cache
            }
        }
    }

    private func demand(_ node: DocNode, _ path: String) -> Loc<RawDemand>? {
        guard let m = reader.mapping(node, path, allowed: ScenarioKeys.demand, what: "a demand ({tokensPerPeriod}, {start, growthPerPeriod} or {csv, column})") else { return nil }
        let forms = [m["tokensPerPeriod"] != nil, m["start"] != nil || m["growthPerPeriod"] != nil, m["csv"] != nil || m["column"] != nil]
        let count = forms.filter { $0 }.count
        if count == 0 {
            // An unknown key (already reported, with its suggestion) is the likelier mistake.
            if case .mapping(let pairs) = node.content, pairs.count > m.count { return nil }
            sink.error(path, at: node, "expected one of tokensPerPeriod, {start, growthPerPeriod} or {csv, column}")
            return nil
        }
        if count > 1 {
            sink.error(path, at: node, "expected only one of tokensPerPeriod, {start, growthPerPeriod} or {csv, column}")
            return nil
        }
        if let v = m["tokensPerPeriod"] {
            guard let items = reader.list(v.value, path + ".tokensPerPeriod", of: "tokens, one number per period") else { return nil }
            var values: [Loc<Double>] = []
            var ok = true
            for (i, item) in items.enumerated() {
                if let x = reader.number(item, "\(path).tokensPerPeriod[\(i)]") { values.append(x) } else { ok = false }
            }
            return ok ? Loc(value: .list(values), node: v.value, path: path + ".tokensPerPeriod") : nil
        }
        if forms[1] {
            var start: Loc<Double>?, growth: Loc<Double>?
            if let v = m["start"] { start = reader.number(v.value, path + ".start") } else { sink.error(path + ".start", at: node, "required key missing: tokens in period 1") }
            if let v = m["growthPerPeriod"] { growth = reader.number(v.value, path + ".growthPerPeriod") } else { sink.error(path + ".growthPerPeriod", at: node, "required key missing: growth per period (0.05 = 5%)") }
            return Loc(value: .growth(start: start, growth: growth), node: node, path: path)
        }
        var file: Loc<String>?, column: Loc<String>?
        if let v = m["csv"] { file = reader.string(v.value, path + ".csv", expected: "expected a CSV file path") } else { sink.error(path + ".csv", at: node, "required key missing: the CSV file's path") }
        if let v = m["column"] { column = reader.string(v.value, path + ".column", expected: "expected a CSV column name") }
        return Loc(value: .csv(file: file, column: column), node: node, path: path)
    }

    /// A mapping of workload id to a number (`throughput`, `acceleratorsPerReplica`), in document order.
    private func byWorkload(_ node: DocNode, _ path: String, each: String, whole: String) -> Loc<[(key: Loc<String>, value: Loc<Double>)]>? {
        guard case .mapping(let entries) = node.content else {
            reader.report(node, path, whole)
            return nil
        }
        var list: [(key: Loc<String>, value: Loc<Double>)] = []
        for e in entries {
            if let x = reader.number(e.value, path + "." + e.key, expected: each) {
                list.append((Loc(value: e.key, node: e.keyNode, path: path + "." + e.key), x))
            }
        }
        return Loc(value: list, node: node, path: path)
    }

    private func kindInCatalog(_ id: String) -> OfferingKindName? {
        if catalog.purchases.contains(where: { $0.id == id }) { return .purchase }
        if catalog.rentals.contains(where: { $0.id == id }) { return .rental }
        if catalog.apis.contains(where: { $0.id == id }) { return .api }
        return nil
    }

    private func offerings(_ node: DocNode, derivable: Bool) -> Loc<[RawOffering]>? {
        guard let items = reader.list(node, "offerings", of: "offerings") else { return nil }
        var result: [RawOffering] = []
        for (i, item) in items.enumerated() {
            let path = "offerings[\(i)]"
            var o = RawOffering(node: item, path: path)
            guard case .mapping(let pairs) = item.content else {
                reader.report(item, path, "expected an offering (a mapping with kind: purchase, rental or api, or use: CATALOG-ID)")
                result.append(o)
                continue
            }
            // Decide the kind first: it decides which keys are allowed.
            let kindPair = pairs.first { $0.key == "kind" }
            let usePair = pairs.first { $0.key == "use" }
            if let u = usePair { o.use = reader.string(u.value, path + ".use", expected: "expected a catalog offering id") }
            if let k = kindPair, let text = reader.string(k.value, path + ".kind", expected: "expected purchase, rental or api") {
                o.kindField = text
                if let kind = OfferingKindName(rawValue: text.value) {
                    o.kind = kind
                } else {
                    sink.error(path + ".kind", at: k.value, value: k.value.written,
                               "expected purchase, rental or api" + didYouMean(text.value, in: OfferingKindName.allCases.map(\.rawValue)))
                }
            }
            let entryKind = o.use.flatMap { kindInCatalog($0.value) }
            if let use = o.use, let ck = entryKind, let k = o.kind, k != ck, let kf = o.kindField {
                sink.error(kf.path, at: kf.node, value: kf.node.written, "expected `\(ck.rawValue)`: catalog entry `\(use.value)` is a \(ck.rawValue)")
            }
            if o.kind == nil { o.kind = entryKind }
            if kindPair == nil && usePair == nil {
                sink.error(path + ".kind", at: item, "required key missing: kind (purchase, rental or api) or use (a catalog id)")
            }
            let allowed = ScenarioKeys.offering(o.kind)
            let kindWord = o.kind.map { "a \($0.rawValue) offering" } ?? "an offering"
            guard let m = reader.mapping(item, path, allowed: allowed, what: kindWord, unknownHint: { key in
                if let near = closestMatch(to: key, in: allowed) { return "; did you mean `\(near)`?" }
                if let kind = o.kind, ScenarioKeys.anyOffering.contains(key) {
                    let owners = OfferingKindName.allCases.filter { ScenarioKeys.offering($0).contains(key) }.map(\.rawValue)
                    return " (`\(key)` belongs to \(owners.joined(separator: " and ")) offerings, this one is a \(kind.rawValue))"
                }
                return nil
            }) else { result.append(o); continue }

            if let v = m["id"] { o.id = reader.string(v.value, path + ".id", expected: "expected an id") }
            let isCatalog = o.use != nil
            if !isCatalog && m["id"] == nil && o.kind != nil { sink.error(path + ".id", at: item, "required key missing: the offering's id") }
            for key in ScenarioKeys.purchaseNumbers + ScenarioKeys.rentalNumbers + ScenarioKeys.apiNumbers + ["priceDeclinePerYear"] where o.numbers[key] == nil {
                if let v = m[key], !(v.value.isNull && ["maxUnitsPerPeriod", "maxUnits", "maxTokensPerSecond"].contains(key)) {
                    if let x = reader.number(v.value, path + "." + key) { o.numbers[key] = x }
                }
            }
            for key in ["accelerator", "platform", "commitment", "availableFrom", "availableUntil"] {
                if let v = m[key], !v.value.isNull, let s = reader.string(v.value, path + "." + key) { o.strings[key] = s }
            }
            if let v = m["throughput"] {
                o.throughput = byWorkload(v.value, path + ".throughput", each: "expected a number of tokens per second",
                                          whole: "expected a mapping of workload id to tokens per second")
            }
            if let v = m["acceleratorsPerReplica"] {
                o.acceleratorsPerReplica = byWorkload(
                    v.value, path + ".acceleratorsPerReplica", each: "expected a whole number of accelerators >= 1",
                    whole: "expected a mapping of workload id to the accelerators one replica needs")
            }
            if let v = m["clusterNetworking"] { o.clusterNetworking = reader.bool(v.value, path + ".clusterNetworking") }
            if let v = m["batch"] { o.batch = reader.bool(v.value, path + ".batch") }
            if let v = m["priceFactors"] {
                let fpath = path + ".priceFactors"
                if let items = reader.list(v.value, fpath, of: "price factors, one number per period") {
                    let values = items.enumerated().compactMap { reader.number($1, "\(fpath)[\($0)]") }
                    if values.count == items.count { o.priceFactors = Loc(value: values, node: v.value, path: fpath) }
                }
            }
            if let v = m["committedUse"] {
                let cpath = path + ".committedUse"
                var commit = RawCommittedUse(node: v.value, path: cpath)
                if let c = reader.mapping(v.value, cpath, allowed: ScenarioKeys.committedUse, what: "a committed-use contract {discount, minSpendPerPeriod}") {
                    if let x = c["discount"] { commit.discount = reader.number(x.value, cpath + ".discount") }
                    else { sink.error(cpath + ".discount", at: v.value, "required key missing: the discount on the API's spend (0.2 = 20%)") }
                    if let x = c["minSpendPerPeriod"] { commit.minSpendPerPeriod = reader.number(x.value, cpath + ".minSpendPerPeriod") }
                    else { sink.error(cpath + ".minSpendPerPeriod", at: v.value, "required key missing: USD charged at least in every period") }
                    if let x = c["signed"] { commit.signed = reader.bool(x.value, cpath + ".signed") }
                    o.committedUse = commit
                }
            }
            if let v = m["existing"] { o.existing = unitsInTerm(v.value, path + ".existing", what: "owned units") }
            if let v = m["contractsInTerm"] { o.contractsInTerm = unitsInTerm(v.value, path + ".contractsInTerm", what: "units under contract") }
            if let v = m["ordersInFlight"] { o.ordersInFlight = ordersInFlight(v.value, path + ".ordersInFlight") }
            if let v = m["serves"] {
                let spath = path + ".serves"
                if let items = reader.list(v.value, spath, of: "workload ids") {
                    let ids = items.enumerated().compactMap { reader.string($1, "\(spath)[\($0)]", expected: "expected a workload id") }
                    o.serves = Loc(value: ids, node: v.value, path: spath)
                }
            }
            if !isCatalog, let kind = o.kind {
                let required: [(String, String)]
                switch kind {
                case .purchase: required = [("unitPrice", "USD per unit"), ("lifetimePeriods", "periods a unit stays in service"), ("throughput", "tokens/s per unit for each workload it serves")]
                case .rental: required = [("pricePerUnitHour", "USD per unit-hour"), ("throughput", "tokens/s per unit for each workload it serves")]
                case .api: required = [("inputPricePerMTok", "USD per million input tokens"), ("outputPricePerMTok", "USD per million output tokens"), ("serves", "the workload ids it can serve")]
                }
                // With an accelerator and workloads with `precisions`, throughput may be derived.
                let derived = derivable && m["accelerator"] != nil
                for (key, what) in required where m[key] == nil && !(key == "throughput" && derived) {
                    sink.error(path + "." + key, at: item, "required key missing: \(what)")
                }
            }
            result.append(o)
        }
        return Loc(value: result, node: node, path: "offerings")
    }

    /// `existing` or `contractsInTerm`: a list of `{units, remainingPeriods}` (13.1).
    private func unitsInTerm(_ node: DocNode, _ path: String, what: String) -> Loc<[RawUnitsInTerm]>? {
        guard let items = reader.list(node, path, of: "{units, remainingPeriods} entries (\(what) and the periods they remain)") else { return nil }
        var result: [RawUnitsInTerm] = []
        for (i, item) in items.enumerated() {
            let ipath = "\(path)[\(i)]"
            guard let m = reader.mapping(item, ipath, allowed: ScenarioKeys.unitsInTerm, what: "an entry {units, remainingPeriods}") else { continue }
            var entry = RawUnitsInTerm(node: item, path: ipath)
            if let x = m["units"] { entry.units = reader.number(x.value, ipath + ".units") }
            else { sink.error(ipath + ".units", at: item, "required key missing: the number of \(what)") }
            if let x = m["remainingPeriods"] { entry.remainingPeriods = reader.number(x.value, ipath + ".remainingPeriods") }
            else { sink.error(ipath + ".remainingPeriods", at: item, "required key missing: the periods, from the first, they remain") }
            result.append(entry)
        }
        return Loc(value: result, node: node, path: path)
    }

    /// `ordersInFlight`: a list of `{arrives: PERIOD, units}` (13.1).
    private func ordersInFlight(_ node: DocNode, _ path: String) -> Loc<[RawOrderInFlight]>? {
        guard let items = reader.list(node, path, of: "{arrives, units} entries (units ordered before the horizon and the period they arrive in)") else { return nil }
        var result: [RawOrderInFlight] = []
        for (i, item) in items.enumerated() {
            let ipath = "\(path)[\(i)]"
            guard let m = reader.mapping(item, ipath, allowed: ScenarioKeys.orderInFlight, what: "an order in flight {arrives, units}") else { continue }
            var entry = RawOrderInFlight(node: item, path: ipath)
            if let x = m["arrives"] { entry.arrives = reader.string(x.value, ipath + ".arrives", expected: "expected a period label: YYYYQn, YYYY-MM or YYYY") }
            else { sink.error(ipath + ".arrives", at: item, "required key missing: the period the units arrive in") }
            if let x = m["units"] { entry.units = reader.number(x.value, ipath + ".units") }
            else { sink.error(ipath + ".units", at: item, "required key missing: the number of units ordered") }
            result.append(entry)
        }
        return Loc(value: result, node: node, path: path)
    }
}
