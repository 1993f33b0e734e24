// Pass 2: the raw scenario -> a validated `Scenario` (consistency checks, in the spirit of
// PyPSA's consistency.py). Every check runs and reports; the scenario is built only when no
// error was found. Ranges, id rules, references, catalog `use:`, per-period list lengths,
// CSV demand, time-slice sums, serviceability, the model-size limit and warnings live here.
import Foundation

struct ScenarioValidator {
    let sink: DiagnosticSink
    let catalog: Catalog
    let limits: ScenarioLimits
    /// Directory that relative CSV paths are resolved against.
    let baseDirectory: String

    static let maxPeriods = 1000
    static let sumTolerance = 1e-6

    // MARK: Small checks

    @discardableResult
    func check(_ v: Loc<Double>?, _ ok: (Double) -> Bool, _ expected: String) -> Double? {
        guard let v else { return nil }
        guard ok(v.value) else {
            sink.error(v.path, at: v.node, value: v.node.written, expected)
            return nil
        }
        return v.value
    }

    func whole(_ v: Loc<Double>?, min lower: Int, _ expected: String) -> Int? {
        check(v, { $0 == $0.rounded() && $0 >= Double(lower) && $0 <= 1e9 }, expected).map { Int($0) }
    }

    static func isValidID(_ s: String) -> Bool {
        guard (1...64).contains(s.unicodeScalars.count) else { return false }
        return s.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_" || c == "."
        }
    }

    static let idRule = "expected an id of 1 to 64 letters, digits, `-`, `_` or `.`"

    func checkID(_ v: Loc<String>?) -> Bool {
        guard let v else { return false }
        if !Self.isValidID(v.value) {
            sink.error(v.path, at: v.node, value: v.node.written, Self.idRule)
            return false
        }
        return true
    }

    // MARK: The pass

    func validate(_ raw: RawScenario) -> Scenario? {
        // Horizon.
        var start: PeriodLabel?
        if let s = raw.horizonStart {
            if let label = PeriodLabel(s.value) { start = label } else {
                sink.error(s.path, at: s.node, value: s.node.written, "expected a period label: YYYYQn (quarters), YYYY-MM (months) or YYYY (years)")
            }
        }
        let periods = whole(raw.horizonPeriods, min: 1, "expected a whole number of periods from 1 to \(Self.maxPeriods)")
            .flatMap { p -> Int? in
                if p > Self.maxPeriods, let v = raw.horizonPeriods {
                    sink.error(v.path, at: v.node, value: v.node.written, "expected a whole number of periods from 1 to \(Self.maxPeriods)")
                    return nil
                }
                return p
            }
        let horizon: Horizon? = (start != nil && periods != nil) ? Horizon(start: start!, periods: periods!) : nil

        let discountRate = check(raw.discountRate, { $0 >= 0 && $0 < 1 }, "expected an annual rate with 0 <= r < 1") ?? 0
        var accounting = CapexAccounting.amortized
        if let c = raw.capexAccounting {
            if let a = CapexAccounting(rawValue: c.value) { accounting = a } else {
                sink.error(c.path, at: c.node, value: c.node.written, "expected `amortized` or `cash`" + didYouMean(c.value, in: CapexAccounting.allCases.map(\.rawValue)))
            }
        }

        let slices = validateSlices(raw.timeSlices)
        let workloadsResult = validateWorkloads(raw.workloads, horizon: horizon)
        let offerings = validateOfferings(raw.offerings, workloads: workloadsResult, horizon: horizon)

        // Site, budget, policy.
        let electricity = check(raw.electricityPrice, { $0 >= 0 }, "expected a price in USD per kWh >= 0") ?? 0
        let pue = check(raw.pue, { $0 >= 1 }, "expected a power usage effectiveness >= 1") ?? 1
        let powerCap = perPeriod(raw.powerCap, horizon: horizon, "expected kW >= 0")
        if let cap = powerCap, let raw = raw.powerCap, cap.contains(where: { $0 > 1e6 }) {
            warnUnit(raw, "a power cap above 1 GW looks like watts; powerCapKW is in kW")
        }
        let capex = perPeriod(raw.capexPerPeriod, horizon: horizon, "expected USD >= 0")
        if let capex, let raw = raw.capexPerPeriod, let m = capex.max(), m > 0, m < 1000 {
            warnUnit(raw, "a capital budget below 1000 USD per period looks like thousands or millions of USD; capexPerPeriod is in USD")
        }
        let utilization = check(raw.utilizationCap, { $0 > 0 && $0 <= 1 }, "expected a fraction with 0 < U <= 1") ?? 1
        let penalty = check(raw.unservedPenalty, { $0 >= 0 }, "expected USD per million tokens >= 0")

        // Serviceability: every workload needs at least one offering.
        // Skipped when an offering could not be read at all: it might have been the one.
        if let ws = raw.workloads, !offerings.incomplete {
            for w in ws.value {
                guard let idLoc = w.id, Self.isValidID(idLoc.value) else { continue }
                let id = idLoc.value
                if !offerings.servedWorkloads.contains(id) {
                    sink.error(w.path, at: w.node, "expected at least one offering that can serve workload `\(id)` (list it under an offering's `throughput` or `serves`)")
                }
            }
        }

        // Model size.
        if let horizon, !sink.hasErrors {
            // An upper bound, so that a scenario under the limit never builds a larger model.
            let estimate = CapacityModelBuilder.nonzeroUpperBound(
                periods: horizon.periods, slices: slices.count, workloads: workloadsResult.workloads.count,
                offerings: offerings.list, unservedPriced: penalty != nil)
            if estimate > Double(limits.maxNonzeros) {
                sink.error("", at: raw.root, "the model would have about \(formatCount(estimate)) nonzeros, more than the limit of \(formatCount(Double(limits.maxNonzeros))): \(horizon.periods) periods x \(slices.count) time slices, \(workloadsResult.workloads.count) workloads, \(offerings.list.count) offerings (\(offerings.pairs) offering-workload pairs); shorten the horizon, merge slices or offerings, or raise the limit with --max-nonzeros")
            }
        }

        guard !sink.hasErrors, let horizon, let name = raw.name?.value else { return nil }
        return Scenario(
            name: name, horizon: horizon, discountRate: discountRate, capexAccounting: accounting,
            timeSlices: slices, workloads: workloadsResult.workloads, offerings: offerings.list,
            site: Site(electricityPricePerKWh: electricity, pue: pue, powerCapKW: powerCap),
            budget: Budget(capexPerPeriod: capex),
            policy: Policy(integerUnits: raw.integerUnits?.value ?? true, utilizationCap: utilization, unservedPenaltyPerMTok: penalty)
        )
    }

    private func formatCount(_ x: Double) -> String {
        let n = Int(min(x, 9e18))
        var digits = Array(String(n))
        var i = digits.count - 3
        while i > 0 { digits.insert(",", at: i); i -= 3 }
        return String(digits)
    }

    private func warnUnit(_ raw: RawPerPeriod, _ message: String) {
        switch raw {
        case .scalar(let v): sink.warning(v.path, at: v.node, value: v.node.written, message)
        case .list(_, let node, let path): sink.warning(path, at: node, message)
        }
    }

    /// A number repeated for every period, or a list of exactly `periods` numbers.
    private func perPeriod(_ raw: RawPerPeriod?, horizon: Horizon?, _ expected: String) -> [Double]? {
        guard let raw else { return nil }
        switch raw {
        case .scalar(let v):
            guard let x = check(v, { $0 >= 0 }, expected) else { return nil }
            return horizon.map { Array(repeating: x, count: $0.periods) }
        case .list(let vs, let node, let path):
            var ok = true
            let values = vs.map { v -> Double in
                if check(v, { $0 >= 0 }, expected) == nil { ok = false }
                return v.value
            }
            if let horizon, vs.count != horizon.periods {
                sink.error(path, at: node, value: "\(vs.count) values", "expected \(horizon.periods) values, one per period \(horizon.labels.first!)...\(horizon.labels.last!)")
                ok = false
            }
            return ok ? values : nil
        }
    }

    // MARK: Time slices

    private func validateSlices(_ raw: Loc<[RawSlice]>?) -> [TimeSlice] {
        guard let raw else { return [TimeSlice(name: "all-day", hours: 24, share: 1)] }
        if raw.value.isEmpty {
            sink.error(raw.path, at: raw.node, "expected at least one time slice")
            return []
        }
        var result: [TimeSlice] = []
        var names: [String: DocNode] = [:]
        var complete = true
        for s in raw.value {
            if checkID(s.name), let n = s.name {
                if names[n.value] != nil {
                    sink.error(n.path, at: n.node, value: n.node.written, "expected a unique slice name (`\(n.value)` is used twice)")
                } else { names[n.value] = n.node }
            }
            let hours = check(s.hours, { $0 > 0 && $0 <= 24 }, "expected hours with 0 < h <= 24")
            let share = check(s.share, { $0 >= 0 && $0 <= 1 }, "expected a share with 0 <= share <= 1")
            if let hours, let share, let name = s.name?.value {
                result.append(TimeSlice(name: name, hours: hours, share: share))
            } else { complete = false }
        }
        if complete {
            let hours = result.reduce(0) { $0 + $1.hours }
            if abs(hours - 24) > Self.sumTolerance {
                sink.error(raw.path, at: raw.node, value: "\(hours) hours", "expected the slices' hours to sum to 24")
            }
            let share = result.reduce(0) { $0 + $1.share }
            if abs(share - 1) > Self.sumTolerance {
                sink.error(raw.path, at: raw.node, value: "\(share)", "expected the slices' shares to sum to 1")
            }
        }
        return result
    }

    // MARK: Workloads

    struct WorkloadsResult {
        var workloads: [Workload] = []
        /// Every workload id as written (valid or not), to resolve references without cascades.
        var ids: Set<String> = []
        var order: [String] = []
        var models: [String: String] = [:]
        /// Some workload has no id (or the list is unreadable): references cannot be checked.
        var incomplete = false
    }

    private func validateWorkloads(_ raw: Loc<[RawWorkload]>?, horizon: Horizon?) -> WorkloadsResult {
        var result = WorkloadsResult()
        guard let raw else { result.incomplete = true; return result }
        if raw.value.isEmpty { sink.error(raw.path, at: raw.node, "expected at least one workload") }
        result.incomplete = raw.value.contains { $0.id == nil }
        var seen: Set<String> = []
        for w in raw.value {
            if let id = w.id {
                _ = checkID(id)
                if !seen.insert(id.value).inserted {
                    sink.error(id.path, at: id.node, value: id.node.written, "expected a unique workload id (`\(id.value)` is used twice)")
                }
                result.ids.insert(id.value)
                result.order.append(id.value)
            }
            let share = check(w.outputShare, { $0 >= 0 && $0 <= 1 }, "expected a fraction with 0 <= outputShare <= 1") ?? 0.5
            if let m = w.model {
                if catalog.models.contains(where: { $0.id == m.value }) {
                    if let id = w.id?.value { result.models[id] = m.value }
                } else {
                    let known = catalog.models.map(\.id)
                    sink.error(m.path, at: m.node, value: m.node.written,
                               "expected a catalog model id" + (closestMatch(to: m.value, in: known).map { "; did you mean `\($0)`?" } ?? (known.isEmpty ? "" : " (\(known.joined(separator: ", ")))")))
                }
            }
            let demand = w.demand.flatMap { validateDemand($0, horizon: horizon) }
            if let demand, let d = w.demand {
                if demand.allSatisfy({ $0 == 0 }) {
                    sink.warning(d.path, at: d.node, "this workload has zero demand in every period")
                } else if let horizon, let m = demand.max(), m < horizon.hoursPerPeriod * 3600 {
                    sink.warning(d.path, at: d.node, value: "max \(m)", "demand averages below 1 token/s in every period; it looks like tokens per second or millions of tokens, but demand is tokens (input + output) per period")
                }
            }
            if let id = w.id?.value, let demand {
                result.workloads.append(Workload(id: id, outputShare: share, model: w.model?.value, demand: demand))
            }
        }
        return result
    }

    private func validateDemand(_ d: Loc<RawDemand>, horizon: Horizon?) -> [Double]? {
        switch d.value {
        case .list(let values):
            var ok = true
            for v in values where check(v, { $0 >= 0 }, "expected tokens >= 0") == nil { ok = false }
            if let horizon, values.count != horizon.periods {
                sink.error(d.path, at: d.node, value: "\(values.count) values", "expected \(horizon.periods) values, one per period \(horizon.labels.first!)...\(horizon.labels.last!)")
                ok = false
            }
            return ok && horizon != nil ? values.map(\.value) : nil
        case .growth(let start, let growth):
            let s = check(start, { $0 >= 0 }, "expected tokens in period 1 >= 0")
            let g = check(growth, { $0 > -1 }, "expected a growth rate > -1 (0.05 = 5% per period)")
            guard let s, let g, let horizon else { return nil }
            let values = (0..<horizon.periods).map { s * pow(1 + g, Double($0)) }
            if let bad = values.first(where: { !$0.isFinite }) {
                sink.error(growth!.path, at: growth!.node, value: growth!.node.written, "expected a growth rate that keeps demand finite (reaches \(bad))")
                return nil
            }
            return values
        case .csv(let file, let column):
            guard let file, let horizon else { return nil }
            return DemandCSV.read(file: file, column: column?.value ?? "tokens", columnLoc: column, baseDirectory: baseDirectory, horizon: horizon, sink: sink)
        }
    }

    // MARK: Offerings

    struct OfferingsResult {
        var list: [Offering] = []
        /// Workload ids named by some offering's throughput or serves (or by its catalog entry).
        var servedWorkloads: Set<String> = []
        /// An offering could not be read (no kind, unknown catalog id, not a mapping).
        var incomplete = false
        /// (offering, workload) pairs that can serve, APIs included.
        var pairs = 0
    }

    private func validateOfferings(_ raw: Loc<[RawOffering]>?, workloads: WorkloadsResult, horizon: Horizon?) -> OfferingsResult {
        var result = OfferingsResult()
        guard let raw else { return result }
        if raw.value.isEmpty { sink.error(raw.path, at: raw.node, "expected at least one offering") }
        var seen: [String: String] = [:]
        let ppy = horizon?.kind.periodsPerYear ?? 4
        let workloadList = workloads.order.isEmpty ? "" : " (\(workloads.order.joined(separator: ", ")))"

        for o in raw.value {
            // Names mentioned, valid values or not: a bad value is reported on its own.
            result.servedWorkloads.formUnion(o.throughput?.value.map(\.key.value) ?? [])
            result.servedWorkloads.formUnion(o.serves?.value.map(\.value) ?? [])
            guard let kind = o.kind else {
                result.incomplete = true
                if let use = o.use, o.kindField == nil {
                    sink.error(use.path, at: use.node, value: use.node.written, "expected a catalog offering id" + didYouMean(use.value, in: catalog.offeringIDs))
                }
                continue
            }
            var catalogPurchase: CatalogPurchase?, catalogRental: CatalogRental?, catalogAPI: CatalogAPI?
            if let use = o.use {
                catalogPurchase = catalog.purchases.first { $0.id == use.value }
                catalogRental = catalog.rentals.first { $0.id == use.value }
                catalogAPI = catalog.apis.first { $0.id == use.value }
                if catalogPurchase == nil && catalogRental == nil && catalogAPI == nil {
                    sink.error(use.path, at: use.node, value: use.node.written, "expected a catalog offering id" + didYouMean(use.value, in: catalog.offeringIDs))
                    result.incomplete = true
                    continue
                }
            }
            // Id.
            let idLoc = o.id ?? o.use
            guard let idLoc else { result.incomplete = true; continue }
            let id = idLoc.value
            if checkID(idLoc) {
                if let first = seen[id] {
                    sink.error(idLoc.path, at: idLoc.node, value: idLoc.node.written, "expected a unique offering id (`\(id)` is already used by \(first))")
                } else { seen[id] = o.path }
            }
            func num(_ key: String) -> Loc<Double>? { o.numbers[key] }
            let accelerator = o.strings["accelerator"]?.value

            // Throughput: catalog by model, then explicit keys.
            func throughput(catalogByModel: [String: CatalogThroughput]?) -> [String: Double] {
                var t: [String: Double] = [:]
                if let byModel = catalogByModel {
                    for wid in workloads.order {
                        if let model = workloads.models[wid], let entry = byModel[model] { t[wid] = entry.tokensPerSecond }
                    }
                }
                if let explicit = o.throughput {
                    for (key, value) in explicit.value {
                        guard workloads.ids.contains(key.value) || workloads.incomplete else {
                            sink.error(key.path, at: key.node, "expected a workload id of this scenario\(workloadList)" + didYouMean(key.value, in: workloads.order))
                            continue
                        }
                        if let x = check(value, { $0 > 0 }, "expected tokens per second > 0") { t[key.value] = x }
                    }
                }
                return t
            }

            let offering: Offering
            switch kind {
            case .purchase:
                let unitPrice = check(num("unitPrice"), { $0 >= 0 }, "expected a price in USD >= 0") ?? catalogPurchase?.unitPrice ?? 0
                if unitPrice < 100, o.numbers["unitPrice"] != nil || catalogPurchase != nil {
                    let at = o.numbers["unitPrice"]
                    sink.warning(at?.path ?? o.path, at: at?.node ?? o.node, value: at?.node.written, "a purchase cheaper than 100 USD a unit is unusual; unitPrice is USD per unit")
                }
                let accelerators = whole(num("acceleratorsPerUnit"), min: 1, "expected a whole number >= 1") ?? catalogPurchase?.acceleratorsPerUnit ?? 1
                let lifetime = whole(num("lifetimePeriods"), min: 1, "expected a whole number of periods >= 1")
                    ?? catalogPurchase.map { max(1, Int(($0.lifetimeYears * Double(ppy)).rounded())) } ?? 1
                let power = check(num("powerKW"), { $0 >= 0 }, "expected kW >= 0") ?? catalogPurchase?.powerKW ?? 0
                let opex = check(num("opexPerUnitPeriod"), { $0 >= 0 }, "expected USD >= 0") ?? 0
                let lead = whole(num("leadTimePeriods"), min: 0, "expected a whole number of periods >= 0") ?? 0
                let maxPer = check(num("maxUnitsPerPeriod"), { $0 >= 0 }, "expected units >= 0")
                let existing = check(num("existingUnits"), { $0 >= 0 }, "expected units >= 0") ?? 0
                let remaining = whole(num("existingRemainingPeriods"), min: 1, "expected a whole number of periods >= 1")
                var availableIndex = 0
                if let a = o.strings["availableFrom"] {
                    if let label = PeriodLabel(a.value) {
                        if let horizon {
                            if label.kind != horizon.kind {
                                sink.error(a.path, at: a.node, value: a.node.written, "expected a \(horizon.kind.rawValue) label like \(horizon.start), the horizon's kind")
                            } else { availableIndex = max(0, horizon.offset(of: label)) }
                        }
                    } else {
                        sink.error(a.path, at: a.node, value: a.node.written, "expected a period label: YYYYQn, YYYY-MM or YYYY")
                    }
                }
                let t = throughput(catalogByModel: catalogPurchase?.throughputByModel)
                offering = .purchase(PurchaseOffering(
                    id: id, unitPrice: unitPrice, accelerator: accelerator ?? catalogPurchase?.accelerator,
                    acceleratorsPerUnit: accelerators, lifetimePeriods: lifetime, powerKW: power, opexPerUnitPeriod: opex,
                    throughput: t, availableFromIndex: availableIndex, leadTimePeriods: lead, maxUnitsPerPeriod: maxPer,
                    existingUnits: existing, existingRemainingPeriods: remaining))
                result.pairs += t.count
                result.servedWorkloads.formUnion(t.keys)
                if t.isEmpty { sink.warning(o.path, at: o.node, "no workload can use offering `\(id)` (its throughput names none)") }
            case .rental:
                let price = check(num("pricePerUnitHour"), { $0 >= 0 }, "expected a price in USD per unit-hour >= 0") ?? catalogRental?.pricePerUnitHour ?? 0
                let accelerators = whole(num("acceleratorsPerUnit"), min: 1, "expected a whole number >= 1") ?? catalogRental?.acceleratorsPerUnit ?? 1
                var commitment = catalogRental?.commitment ?? .none
                if let c = o.strings["commitment"] {
                    if let value = RentalCommitment(rawValue: c.value) { commitment = value } else {
                        sink.error(c.path, at: c.node, value: c.node.written, "expected `none` (on demand) or `period` (reserved)" + didYouMean(c.value, in: ["none", "period"]))
                    }
                }
                let maxUnits = check(num("maxUnits"), { $0 >= 0 }, "expected units >= 0")
                let t = throughput(catalogByModel: catalogRental?.throughputByModel)
                offering = .rental(RentalOffering(
                    id: id, pricePerUnitHour: price, accelerator: accelerator ?? catalogRental?.accelerator,
                    acceleratorsPerUnit: accelerators, commitment: commitment, maxUnits: maxUnits, throughput: t))
                result.pairs += t.count
                result.servedWorkloads.formUnion(t.keys)
                if t.isEmpty { sink.warning(o.path, at: o.node, "no workload can use offering `\(id)` (its throughput names none)") }
            case .api:
                let input = check(num("inputPricePerMTok"), { $0 >= 0 }, "expected USD per million tokens >= 0") ?? catalogAPI?.inputPricePerMTok ?? 0
                let output = check(num("outputPricePerMTok"), { $0 >= 0 }, "expected USD per million tokens >= 0") ?? catalogAPI?.outputPricePerMTok ?? 0
                let rate = check(num("maxTokensPerSecond"), { $0 > 0 }, "expected tokens per second > 0")
                var serves: [String] = []
                if let explicit = o.serves {
                    var listed = Set<String>()
                    for s in explicit.value {
                        if !workloads.ids.contains(s.value) && !workloads.incomplete {
                            sink.error(s.path, at: s.node, value: s.node.written, "expected a workload id of this scenario\(workloadList)" + didYouMean(s.value, in: workloads.order))
                        } else if !listed.insert(s.value).inserted {
                            sink.error(s.path, at: s.node, value: s.node.written, "expected each workload once in serves")
                        }
                    }
                    serves = workloads.order.filter { listed.contains($0) }
                } else if let entry = catalogAPI {
                    serves = workloads.order.filter { workloads.models[$0].map(entry.substitutesFor.contains) ?? false }
                }
                offering = .api(APIOffering(id: id, inputPricePerMTok: input, outputPricePerMTok: output, serves: serves, maxTokensPerSecond: rate))
                result.pairs += serves.count
                result.servedWorkloads.formUnion(serves)
                if serves.isEmpty { sink.warning(o.path, at: o.node, "no workload can use offering `\(id)` (it serves none)") }
            }
            result.list.append(offering)
        }
        return result
    }
}
