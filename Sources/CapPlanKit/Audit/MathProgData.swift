// The data section for models/capacity.mod, the MathProg twin of docs/formulation.md.
//
// Written from the scenario alone (no code shared with the model builder), so that
// `glpsol -m models/capacity.mod -d DATA` is an independent solve of the same formulation.
// The text is deterministic: scenario order throughout, numbers printed with Swift's
// shortest round-trip representation (exact for every Double), ids single-quoted.

import Foundation

/// Writes the GNU MathProg data section of a scenario for `models/capacity.mod`.
public enum MathProgData {
    /// The data section (`data; ... end;`) for `models/capacity.mod`.
    public static func write(_ scenario: Scenario) -> String {
        var out = DataWriter()
        let periods = scenario.horizon.periods
        let periodRange = 1...max(periods, 1)
        let purchases = scenario.purchases
        let rentals = scenario.rentals
        let apis = scenario.apis

        out.line("# CapPlan scenario: \(oneLine(scenario.name))")
        out.line("# data section for models/capacity.mod (docs/formulation.md)")
        out.line("data;")
        out.blank()

        // Calendar and policy.
        out.line("param P := \(periods);")
        out.line("param label := " + scenario.horizon.labels.enumerated()
            .map { "\($0.offset + 1) \(quote($0.element))" }.joined(separator: " ") + ";")
        out.line("param h := \(number(scenario.horizon.hoursPerPeriod));")
        out.line("param rho := \(number(scenario.discountRate));")
        out.line("param cash := \(scenario.capexAccounting == .cash ? 1 : 0);")
        out.line("param integerUnits := \(scenario.policy.integerUnits ? 1 : 0);")
        out.line("param U := \(number(scenario.policy.utilizationCap));")
        if let penalty = scenario.policy.unservedPenaltyPerMTok {
            out.line("param hasPenalty := 1;")
            out.line("param penalty := \(number(penalty));")
        } else {
            out.line("param hasPenalty := 0;")
            out.line("param penalty := 0;")
        }
        out.blank()

        // Demand.
        out.set("SLICES", scenario.timeSlices.map { quote($0.name) })
        out.param("eta", scenario.timeSlices.map { (quote($0.name), number($0.hours)) })
        out.param("sigma", scenario.timeSlices.map { (quote($0.name), number($0.share)) })
        out.set("WORKLOADS", scenario.workloads.map { quote($0.id) })
        out.param("phi", scenario.workloads.map { (quote($0.id), number($0.outputShare)) })
        var demand: [(String, String)] = []
        for w in scenario.workloads {
            for p in periodRange where p <= w.demand.count {
                demand.append(("\(quote(w.id)) \(p)", number(w.demand[p - 1])))
            }
        }
        out.param("D", demand)
        out.blank()

        // Site and budget.
        out.line("param electricity := \(number(scenario.site.electricityPricePerKWh));")
        out.line("param pue := \(number(scenario.site.pue));")
        out.param("powerCapKW", perPeriod(scenario.site.powerCapKW, periods))
        out.param("capexBudget", perPeriod(scenario.budget.capexPerPeriod, periods))
        out.blank()

        // Purchases.
        out.set("BUY", purchases.map { quote($0.id) })
        out.param("c", purchases.map { (quote($0.id), number($0.unitPrice)) })
        out.param("L", purchases.map { (quote($0.id), "\($0.lifetimePeriods)") })
        out.param("k", purchases.map { (quote($0.id), number($0.powerKW)) })
        out.param("g", purchases.map { (quote($0.id), number($0.opexPerUnitPeriod)) })
        // q0 = max(availableFromIndex + 1, 1 + leadTimePeriods), 1-based.
        out.param("q0", purchases.map { (quote($0.id), "\(max($0.availableFromIndex + 1, 1 + $0.leadTimePeriods))") })
        out.param("bmax", purchases.compactMap { o in o.maxUnitsPerPeriod.map { (quote(o.id), number($0)) } })
        out.param("existing", purchases.map { (quote($0.id), number($0.existingUnits)) })
        out.param("existingPeriods", purchases.map { (quote($0.id), "\(max(0, $0.existingRemainingPeriods))") })
        out.blank()

        // Fiscal budgets: written only when set, so other scenarios' data stays as it was.
        if !scenario.budget.fiscalYears.isEmpty {
            let years = scenario.budget.fiscalYears
            out.set("FYCAPEX", years.filter { $0.capex != nil }.map { "\($0.year)" })
            out.set("FYOPEX", years.filter { $0.opex != nil }.map { "\($0.year)" })
            out.param("capexFY", years.compactMap { y in y.capex.map { ("\(y.year)", number($0)) } })
            out.param("opexFY", years.compactMap { y in y.opex.map { ("\(y.year)", number($0)) } })
            out.param("deposit", purchases.map { (quote($0.id), number($0.depositFraction)) })
            var depositYears: [(String, String)] = [], balanceYears: [(String, String)] = []
            for o in purchases {
                // Whole periods from the start of arrival to the day the balance is due.
                let lag = Int((o.balanceDaysAfterDelivery / (scenario.horizon.hoursPerPeriod / 24)).rounded(.down))
                for q in periodRange where q <= periods {
                    depositYears.append(("\(quote(o.id)) \(q)", "\(fiscalYear(scenario, q - 1 - o.leadTimePeriods))"))
                    balanceYears.append(("\(quote(o.id)) \(q)", "\(fiscalYear(scenario, q - 1 + lag))"))
                }
            }
            out.param("depositFY", depositYears)
            out.param("balanceFY", balanceYears)
            out.param("periodFY", (0..<periods).map { ("\($0 + 1)", "\(fiscalYear(scenario, $0))") })
            out.blank()
        }

        // Rentals.
        out.set("RESERVED", rentals.filter { $0.commitment == .period }.map { quote($0.id) })
        // Spot rentals are on-demand units with an availability (11.3).
        out.set("ONDEMAND", rentals.filter { $0.commitment != .period }.map { quote($0.id) })
        out.param("pi", rentals.map { (quote($0.id), number($0.pricePerUnitHour)) })
        out.param("mmax", rentals.compactMap { o in o.maxUnits.map { (quote(o.id), number($0)) } })
        let reserved = rentals.filter { $0.commitment == .period }
        out.param("T", reserved.map { (quote($0.id), "\(max(1, $0.termPeriods))") })
        out.param("upfront", reserved.filter { $0.upfrontPerUnit != 0 }.map { (quote($0.id), number($0.upfrontPerUnit)) })
        out.blank()

        // APIs.
        out.set("API", apis.map { quote($0.id) })
        out.param("pin", apis.map { (quote($0.id), number($0.inputPricePerMTok)) })
        out.param("pout", apis.map { (quote($0.id), number($0.outputPricePerMTok)) })
        out.param("maxTPS", apis.compactMap { a in a.maxTokensPerSecond.map { (quote(a.id), number($0)) } })
        var apiPairs: [String] = []
        for a in apis {
            // A batch API serves day-deferrable workloads only (11.3).
            for w in scenario.workloads where a.serves.contains(w.id) && (!a.batch || (w.deferral?.maxDelayHours ?? 0) >= 24) {
                apiPairs.append("(\(quote(a.id)), \(quote(w.id)))")
            }
        }
        out.set("APISERVE", apiPairs)
        out.blank()

        // Serving options of purchases and rentals (docs/formulation.md section 9), in scenario
        // order (workloads in scenario order, then the options in theirs): (o, w, pr), pr the
        // precision of a derived option or 'given' for a given throughput.
        let units: [(id: String, perUnit: Int, options: [(workload: String, option: ServingOption)], spare: Int,
                     derating: Double, platform: String?)] = scenario.offerings.compactMap { offering in
            switch offering {
            case .purchase(let o):
                return (o.id, o.acceleratorsPerUnit, servingOptions(o, scenario), o.spareUnits, o.failureDerating, o.platform)
            case .rental(let o):
                return (o.id, o.acceleratorsPerUnit, servingOptions(o, scenario),
                        o.commitment == .period ? o.spareUnits : 0, o.failureDerating, o.platform)
            case .api:
                return nil
            }
        }
        var options: [String] = []
        var tau: [(String, String)] = []
        var replicaOptions: [String] = []
        var replicaSizes: [(String, String)] = []
        for o in units {
            for (w, option) in o.options {
                let index = [quote(o.id), quote(w), quote(option.precision?.rawValue ?? "given")]
                options.append("(\(index.joined(separator: ", ")))")
                tau.append((index.joined(separator: " "), number(option.tokensPerSecond)))
                if let size = option.acceleratorsPerReplica {
                    replicaOptions.append("(\(index.joined(separator: ", ")))")
                    replicaSizes.append((index.joined(separator: " "), "\(size)"))
                }
            }
        }
        out.set("CANSERVE", options)
        out.param("tau", tau)
        out.blank()

        // Replicas and margins (docs/formulation.md 8.2, 8.4), purchases and rentals in scenario order.
        out.param("minReplicas", scenario.workloads.map { (quote($0.id), "\($0.minReplicas)") })
        out.param("accelPerUnit", units.map { (quote($0.id), "\(max(1, $0.perUnit))") })
        out.set("REPLICA", replicaOptions)
        out.param("accelPerReplica", replicaSizes)
        out.param("spare", units.filter { $0.spare > 0 }.map { (quote($0.id), "\($0.spare)") })
        out.param("derating", units.filter { $0.derating != 0 }.map { (quote($0.id), number($0.derating)) })
        out.blank()

        // Platforms with a cost entry and the offerings that run on them.
        out.set("PLATFORMS", scenario.platforms.map { quote($0.id) })
        out.param("adoption", scenario.platforms.map { (quote($0.id), number($0.adoptionCost)) })
        out.param("yearly", scenario.platforms.map { (quote($0.id), number($0.yearlyCost)) })
        var onPlatform: [String] = []
        for k in scenario.platforms {
            for o in units where o.platform == k.id { onPlatform.append("(\(quote(k.id)), \(quote(o.id)))") }
        }
        out.set("ONPLATFORM", onPlatform)
        out.blank()

        // Training jobs (docs/formulation.md section 10): written only when there are any, so
        // other scenarios' data stays as it was. Pools and A_jo from `TrainingJob.pools`.
        if !scenario.jobs.isEmpty {
            let jobs = scenario.jobs
            out.set("JOBS", jobs.map { quote($0.id) })
            out.param("earliest", jobs.map { (quote($0.id), "\($0.earliestStartIndex + 1)") })
            out.param("deadline", jobs.map { (quote($0.id), "\($0.deadlineIndex + 1)") })
            out.param("M", jobs.map { (quote($0.id), "\($0.minAccelerators)") })
            out.set("JOBPOOLS", jobs.flatMap { j in j.pools.map { "(\(quote(j.id)), \(quote($0.offering)))" } })
            out.param("A", jobs.flatMap { j in j.pools.map { ("\(quote(j.id)) \(quote($0.offering))", number($0.acceleratorHours)) } })
            out.blank()
        }
        writeSection11(scenario, &out)
        writeSection13(scenario, &out)
        writeDemandCases(scenario, &out)
        out.line("end;")
        return out.text
    }

    /// Section 11's data, each part written only when the scenario uses it (so the data of
    /// other scenarios stays as it was): per-workload shares, deferrable workloads with H and
    /// the slices' starts (the model computes the reach sets), spot availability, caching,
    /// price factors, availability windows (1-based, may fall outside 1..P), committed use.
    private static func writeSection11(_ scenario: Scenario, _ out: inout DataWriter) {
        let periods = scenario.horizon.periods
        let slices = scenario.timeSlices
        let workloads = scenario.workloads
        var written = false
        func part(_ body: () -> Void) {
            body()
            written = true
        }
        let profiled = workloads.filter { $0.profile != nil }
        if !profiled.isEmpty {
            part {
                out.param("sigma_w", profiled.flatMap { w in
                    slices.indices.map { ("\(quote(w.id)) \(quote(slices[$0].name))", number(w.profile?[$0] ?? slices[$0].share)) }
                })
            }
        }
        let deferrable = workloads.filter { $0.deferral != nil }
        if !deferrable.isEmpty {
            part {
                out.set("DEFER", deferrable.map { quote($0.id) })
                out.param("H", deferrable.map { (quote($0.id), number($0.deferral?.maxDelayHours ?? 24)) })
                out.param("start", slices.compactMap { s in s.start.map { (quote(s.name), number($0)) } })
            }
        }
        let spot = scenario.rentals.filter { $0.commitment == .spot }
        if !spot.isEmpty { part { out.param("avail", spot.map { (quote($0.id), number($0.availability)) }) } }
        let cached = workloads.filter { $0.cache != nil }
        if !cached.isEmpty {
            part {
                out.param("kappa", cached.map { (quote($0.id), number($0.cache?.hitRate ?? 0)) })
                out.param("beta", cached.map { (quote($0.id), number($0.cache?.prefillShare ?? 0)) })
            }
        }
        let cachedPrices = scenario.apis.compactMap { a in a.cachedInputPricePerMTok.map { (quote(a.id), number($0)) } }
        if !cachedPrices.isEmpty { part { out.param("cin", cachedPrices) } }
        // f_op: (1 − r)^((p−1) h / 8760) or the list, restated here from 11.5.
        var factors: [(String, String)] = []
        for offering in scenario.offerings {
            let change: PriceChange?
            switch offering {
            case .purchase(let o): change = o.priceChange
            case .rental(let o): change = o.priceChange
            case .api(let a): change = a.priceChange
            }
            guard let change else { continue }
            for p in 0..<periods {
                let factor: Double
                switch change {
                case .declinePerYear(let r): factor = pow(1 - r, Double(p) * scenario.horizon.hoursPerPeriod / 8760)
                case .factors(let list): factor = list.isEmpty ? 1 : list[min(p, list.count - 1)]
                }
                factors.append(("\(quote(offering.id)) \(p + 1)", number(factor)))
            }
        }
        if !factors.isEmpty { part { out.param("pf", factors) } }
        let lastArrivals = scenario.purchases.compactMap { o in o.availableUntilIndex.map { (quote(o.id), "\($0 + 1)") } }
        if !lastArrivals.isEmpty { part { out.param("q1", lastArrivals) } }
        var from: [(String, String)] = [], until: [(String, String)] = []
        for offering in scenario.offerings {
            let window: (Int?, Int?)
            switch offering {
            case .purchase: continue
            case .rental(let o): window = (o.availableFromIndex, o.availableUntilIndex)
            case .api(let a): window = (a.availableFromIndex, a.availableUntilIndex)
            }
            if let f = window.0 { from.append((quote(offering.id), "\(f + 1)")) }
            if let u = window.1 { until.append((quote(offering.id), "\(u + 1)")) }
        }
        if !from.isEmpty { part { out.param("avail_from", from) } }
        if !until.isEmpty { part { out.param("avail_until", until) } }
        let committable = scenario.apis.filter { $0.committedUse != nil }
        if !committable.isEmpty {
            part {
                out.set("COMMIT", committable.map { quote($0.id) })
                out.param("cdisc", committable.map { (quote($0.id), number($0.committedUse?.discount ?? 0)) })
                out.param("cmin", committable.map { (quote($0.id), number($0.committedUse?.minSpendPerPeriod ?? 0)) })
            }
        }
        if written { out.blank() }
    }

    /// Section 13.1's data, each part written only when the scenario carries it in (so the data
    /// of other scenarios stays as it was): the further owned cohorts as they are written
    /// (units, remaining periods; the model sums those in service), the orders in flight F[o,q]
    /// (1-based arrival period), the contracts in term as they are written, and the signed
    /// committed-use contracts.
    private static func writeSection13(_ scenario: Scenario, _ out: inout DataWriter) {
        var written = writeUnitsInTerm(
            scenario.purchases.map { ($0.id, $0.existingCohorts) }, set: "COHORTS", units: "cohortUnits", periods: "cohortPeriods", &out)
        let inFlight = scenario.purchases.flatMap { o in
            o.ordersInFlight.sorted { $0.key < $1.key }.map { ("\(quote(o.id)) \($0.key + 1)", number($0.value)) }
        }
        if !inFlight.isEmpty {
            out.param("F", inFlight)
            written = true
        }
        let reserved = scenario.rentals.filter { $0.commitment == .period }
        if writeUnitsInTerm(reserved.map { ($0.id, $0.contractsInTerm) }, set: "INTERM", units: "inTermUnits", periods: "inTermPeriods", &out) {
            written = true
        }
        let signed = scenario.apis.filter { $0.committedUse?.signed == true }
        if !signed.isEmpty {
            out.set("SIGNED", signed.map { quote($0.id) })
            written = true
        }
        if written { out.blank() }
    }

    /// A set of (offering, k) pairs with their units and remaining periods, k the 1-based
    /// position in the offering's list; false (nothing written) when every list is empty.
    private static func writeUnitsInTerm(
        _ lists: [(String, [UnitsInTerm])], set: String, units: String, periods: String, _ out: inout DataWriter
    ) -> Bool {
        var members: [String] = [], unitValues: [(String, String)] = [], periodValues: [(String, String)] = []
        for (id, list) in lists {
            for (i, entry) in list.enumerated() {
                members.append("(\(quote(id)), \(i + 1))")
                unitValues.append(("\(quote(id)) \(i + 1)", number(entry.units)))
                periodValues.append(("\(quote(id)) \(i + 1)", "\(entry.remainingPeriods)"))
            }
        }
        guard !members.isEmpty else { return false }
        out.set(set, members)
        out.param(units, unitValues)
        out.param(periods, periodValues)
        return true
    }

    /// Section 12's data, written only when the scenario has demand cases (so the data of other
    /// scenarios stays as it was, and the model's default is its one case 'base'): the cases in
    /// the scenario's order with π_c, D^c_wp of every workload and period, the API price scale
    /// where it is not 1, and λ and α when λ > 0.
    private static func writeDemandCases(_ scenario: Scenario, _ out: inout DataWriter) {
        let cases = scenario.demandCases
        guard !cases.isEmpty else { return }
        out.set("CASES", cases.map { quote($0.name) })
        out.param("prob", cases.map { (quote($0.name), number($0.probability)) })
        var demand: [(String, String)] = []
        for c in cases {
            for w in scenario.workloads {
                let values = c.demand[w.id] ?? w.demand
                for p in 0..<min(values.count, scenario.horizon.periods) {
                    demand.append(("\(quote(c.name)) \(quote(w.id)) \(p + 1)", number(values[p])))
                }
            }
        }
        out.param("Dc", demand)
        out.param("apiScale", cases.filter { $0.apiPriceScale != 1 }.map { (quote($0.name), number($0.apiPriceScale)) })
        out.line("param firstCase := \(quote(cases[0].name));")
        if scenario.caseDecisions == .adaptive { writeTree(scenario, &out) }
        if scenario.risk.cvarWeight > 0 {
            out.line("param lambda := \(number(scenario.risk.cvarWeight));")
            out.line("param alpha := \(number(scenario.risk.cvarLevel));")
        }
        out.blank()
    }

    /// The tree of 12.6 for the twin, from the cases' demand paths (its own reading, not the
    /// builder's `CaseTree`): nodeLead[c, t] the first case that agrees with c on every
    /// workload's demand of the periods before t (and, from t = 2, on the API price scale),
    /// written where it is not the first case (the model's default); the purchases' lead times.
    private static func writeTree(_ scenario: Scenario, _ out: inout DataWriter) {
        let cases = scenario.demandCases, periods = scenario.horizon.periods
        func agree(_ a: DemandCase, _ b: DemandCase, before t: Int) -> Bool {
            if t > 1 && a.apiPriceScale != b.apiPriceScale { return false }
            return scenario.workloads.allSatisfy { w in
                (0..<(t - 1)).allSatisfy { p in (a.demand[w.id]?[p] ?? w.demand[p]) == (b.demand[w.id]?[p] ?? w.demand[p]) }
            }
        }
        var leads: [(String, String)] = []
        for c in cases {
            for t in 1...periods {
                let lead = cases.first { agree($0, c, before: t) }!
                if lead.name != cases[0].name { leads.append(("\(quote(c.name)) \(t)", quote(lead.name))) }
            }
        }
        out.param("nodeLead", leads)
        out.param("leadTime", scenario.purchases.filter { $0.leadTimePeriods > 0 }.map { (quote($0.id), "\($0.leadTimePeriods)") })
    }

    /// The serving options of an offering with τ > 0, workloads in scenario order: the given
    /// throughput or the derived options (`servingOptions(for:)`).
    private static func servingOptions(_ offering: some SelfRunOffering, _ scenario: Scenario) -> [(workload: String, option: ServingOption)] {
        // A spot rental serves interruptible workloads only (11.3).
        let spot = (offering as? RentalOffering)?.commitment == .spot
        return scenario.workloads.filter { !spot || $0.interruptible }.flatMap { w in
            offering.servingOptions(for: w.id).filter { $0.tokensPerSecond > 0 }.map { (w.id, $0) }
        }
    }

    /// A MathProg string literal: single quotes, an inner quote doubled.
    static func quote(_ id: String) -> String {
        var quoted = "'"
        for ch in id {
            if ch == "'" { quoted += "''" } else { quoted.append(ch) }
        }
        return quoted + "'"
    }

    /// Shortest round-trip decimal form; MathProg reads `1e-05`, `3.1536e+10`, `60000.0`.
    static func number(_ value: Double) -> String {
        if value == 0 { return "0" }  // also turns -0.0 into 0
        return String(describing: value)
    }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// FY N of the 0-based period offset `i` from the horizon's start: the fiscal year holding
    /// the period's first month, FY N ending in calendar year N.
    private static func fiscalYear(_ scenario: Scenario, _ i: Int) -> Int {
        let label = scenario.horizon.start.advanced(by: i)
        let month: Int
        switch label.kind {
        case .year: month = 1
        case .quarter: month = 3 * label.subperiod - 2
        case .month: month = label.subperiod
        }
        let start = scenario.budget.fiscalYearStartMonth
        return start > 1 && month >= start ? label.year + 1 : label.year
    }

    private static func perPeriod(_ values: [Double]?, _ periods: Int) -> [(String, String)] {
        guard let values else { return [] }
        return values.prefix(periods).enumerated().map { ("\($0.offset + 1)", number($0.element)) }
    }
}

/// Accumulates lines of the data section.
private struct DataWriter {
    var text = ""

    mutating func line(_ s: String) { text += s + "\n" }
    mutating func blank() { text += "\n" }

    /// `set NAME := a b c;` (an empty set is `set NAME := ;`).
    mutating func set(_ name: String, _ members: [String]) {
        line("set \(name) :=" + members.map { " " + $0 }.joined() + (members.isEmpty ? " ;" : ";"))
    }

    /// `param NAME := key value, ...;` one entry a line (an empty list is `param NAME := ;`).
    mutating func param(_ name: String, _ entries: [(String, String)]) {
        if entries.isEmpty {
            line("param \(name) := ;")
            return
        }
        line("param \(name) :=")
        for e in entries { line("  \(e.0) \(e.1)") }
        line(";")
    }
}
