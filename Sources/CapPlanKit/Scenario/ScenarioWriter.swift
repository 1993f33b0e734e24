// Writes a `Scenario` as a YAML scenario file (docs/scenario-format.md) that
// `ScenarioLoader` reads back equal to the original: `capplan generate`, the benchmarks and the
// round-trip tests use it. Text and numbers are written by `YAMLText`.

/// Writes scenarios in the YAML format (docs/scenario-format.md, issue 3).
public enum ScenarioWriter {
    /// The scenario as YAML. Numbers are printed with full precision (shortest text that
    /// reads back to the same Double), strings quoted, per-period values as lists, so that
    /// `ScenarioLoader.load(text:fileName:baseDirectory:)` reads back an equal `Scenario`.
    /// Catalog `use:` entries are already resolved in a `Scenario`; they are written in full.
    /// Derived serving options are not written: the loader derives them again from the
    /// workloads' `precisions` and the offerings' accelerators (`throughput: {}` where none is given).
    public static func yaml(_ scenario: Scenario) -> String {
        var out = ""
        func line(_ s: String) { out += s + "\n" }
        let labels = scenario.horizon
        /// Prices that move and availability windows (11.5), written only when given.
        func moving(_ change: PriceChange?, from: Int?, until: Int?) {
            switch change {
            case .declinePerYear(let r)?: line("    priceDeclinePerYear: \(number(r))")
            case .factors(let f)?: line("    priceFactors: \(list(f))")
            case nil: break
            }
            if let from { line("    availableFrom: \(quote(labels.start.advanced(by: from).description))") }
            if let until { line("    availableUntil: \(quote(labels.start.advanced(by: until).description))") }
        }

        line("name: \(quote(scenario.name))")
        line("horizon: {start: \(quote(scenario.horizon.start.description)), periods: \(scenario.horizon.periods)}")
        line("discountRate: \(number(scenario.discountRate))")
        line("capexAccounting: \(scenario.capexAccounting.rawValue)")
        // Slices built from an hourly profile are written as the list they became (the workloads'
        // columns as their profiles), so the file stands alone; where they came from is not kept.
        line("timeSlices:")
        for s in scenario.timeSlices {
            line("  - {name: \(quote(s.name)), hours: \(number(s.hours)), share: \(number(s.share))\(s.start.map { ", start: \(number($0))" } ?? "")}")
        }
        line("workloads:")
        for w in scenario.workloads {
            line("  - id: \(quote(w.id))")
            line("    outputShare: \(number(w.outputShare))")
            if let m = w.model { line("    model: \(quote(m))") }
            line("    demand: {tokensPerPeriod: \(list(w.demand))}")
            if w.minReplicas != 1 { line("    minReplicas: \(w.minReplicas)") }
            if let serving = w.serving {
                line("    precisions: [\(serving.precisions.map(\.rawValue).joined(separator: ", "))]")
                line("    latency: \(serving.latency.rawValue)")
                line("    inputTokensPerRequest: \(number(serving.inputTokens))")
                line("    outputTokensPerRequest: \(number(serving.outputTokens))")
            }
            // Issue 12's keys, each only when it differs from its default (docs/formulation.md 11.1-11.4).
            if let profile = w.profile {
                let entries = zip(scenario.timeSlices, profile).map { "\(quote($0.name)): \(number($1))" }
                line("    profile: {\(entries.joined(separator: ", "))}")
            }
            if let d = w.deferral {
                line(d.maxDelayHours == 24 ? "    deferrable: true" : "    deferrable: {maxDelayHours: \(number(d.maxDelayHours))}")
            }
            if w.interruptible { line("    interruptible: true") }
            if let c = w.cache {
                line("    cache: {hitRate: \(number(c.hitRate))" + (c.prefillShare != 0 ? ", prefillShare: \(number(c.prefillShare))}" : "}"))
            }
        }
        line("offerings:")
        for o in scenario.offerings {
            switch o {
            case .purchase(let p):
                line("  - id: \(quote(p.id))")
                line("    kind: purchase")
                line("    unitPrice: \(number(p.unitPrice))")
                if let a = p.accelerator { line("    accelerator: \(quote(a))") }
                line("    acceleratorsPerUnit: \(p.acceleratorsPerUnit)")
                line("    lifetimePeriods: \(p.lifetimePeriods)")
                line("    powerKW: \(number(p.powerKW))")
                line("    opexPerUnitPeriod: \(number(p.opexPerUnitPeriod))")
                line("    throughput: \(throughput(p.throughput, order: scenario.workloads))")
                if p.availableFromIndex > 0 {
                    line("    availableFrom: \(quote(labels.start.advanced(by: p.availableFromIndex).description))")
                }
                if p.leadTimePeriods != 0 { line("    leadTimePeriods: \(p.leadTimePeriods)") }
                if let m = p.maxUnitsPerPeriod { line("    maxUnitsPerPeriod: \(number(m))") }
                if p.existingUnits != 0 { line("    existingUnits: \(number(p.existingUnits))") }
                if p.existingRemainingPeriods != p.lifetimePeriods {
                    line("    existingRemainingPeriods: \(p.existingRemainingPeriods)")
                }
                // Commitments carried in (13.1), in the order given; orders by arrival.
                if !p.existingCohorts.isEmpty { line("    existing: [\(unitsInTerm(p.existingCohorts))]") }
                if !p.ordersInFlight.isEmpty {
                    let orders = p.ordersInFlight.sorted { $0.key < $1.key }.map {
                        "{arrives: \(quote(labels.start.advanced(by: $0.key).description)), units: \(number($0.value))}"
                    }
                    line("    ordersInFlight: [\(orders.joined(separator: ", "))]")
                }
                if p.depositFraction != 0 { line("    depositFraction: \(number(p.depositFraction))") }
                if p.balanceDaysAfterDelivery != 0 { line("    balanceDaysAfterDelivery: \(number(p.balanceDaysAfterDelivery))") }
                if let b = p.bookLifePeriods { line("    bookLifePeriods: \(b)") }
                if let k = p.platform { line("    platform: \(quote(k))") }
                if !p.acceleratorsPerReplica.isEmpty { line("    acceleratorsPerReplica: \(replicas(p.acceleratorsPerReplica, order: scenario.workloads))") }
                if p.spareUnits != 0 { line("    spareUnits: \(p.spareUnits)") }
                if p.failureDerating != 0 { line("    failureDerating: \(number(p.failureDerating))") }
                moving(p.priceChange, from: nil, until: p.availableUntilIndex)
            case .rental(let r):
                line("  - id: \(quote(r.id))")
                line("    kind: rental")
                line("    pricePerUnitHour: \(number(r.pricePerUnitHour))")
                if let a = r.accelerator { line("    accelerator: \(quote(a))") }
                line("    acceleratorsPerUnit: \(r.acceleratorsPerUnit)")
                line("    commitment: \(r.commitment.rawValue)")
                if let m = r.maxUnits { line("    maxUnits: \(number(m))") }
                line("    throughput: \(throughput(r.throughput, order: scenario.workloads))")
                // Left out, a reservation's term is one period.
                if r.commitment == .period, r.termPeriods != 1 { line("    termMonths: \(r.termPeriods * ScenarioRules.monthsPerPeriod(scenario.horizon.kind))") }
                if r.upfrontPerUnit != 0 { line("    upfrontPerUnit: \(number(r.upfrontPerUnit))") }
                if let k = r.platform { line("    platform: \(quote(k))") }
                if !r.acceleratorsPerReplica.isEmpty { line("    acceleratorsPerReplica: \(replicas(r.acceleratorsPerReplica, order: scenario.workloads))") }
                if r.spareUnits != 0 { line("    spareUnits: \(r.spareUnits)") }
                if r.failureDerating != 0 { line("    failureDerating: \(number(r.failureDerating))") }
                if r.clusterNetworking { line("    clusterNetworking: true") }
                if r.availability != 1 { line("    availability: \(number(r.availability))") }
                if !r.contractsInTerm.isEmpty { line("    contractsInTerm: [\(unitsInTerm(r.contractsInTerm))]") }
                moving(r.priceChange, from: r.availableFromIndex, until: r.availableUntilIndex)
            case .api(let a):
                line("  - id: \(quote(a.id))")
                line("    kind: api")
                line("    inputPricePerMTok: \(number(a.inputPricePerMTok))")
                line("    outputPricePerMTok: \(number(a.outputPricePerMTok))")
                line("    serves: [\(a.serves.map(quote).joined(separator: ", "))]")
                if let r = a.maxTokensPerSecond { line("    maxTokensPerSecond: \(number(r))") }
                if let c = a.cachedInputPricePerMTok { line("    cachedInputPricePerMTok: \(number(c))") }
                if a.batch { line("    batch: true") }
                if let c = a.committedUse {
                    line("    committedUse: {discount: \(number(c.discount)), minSpendPerPeriod: \(number(c.minSpendPerPeriod))"
                         + (c.signed ? ", signed: true}" : "}"))
                }
                moving(a.priceChange, from: a.availableFromIndex, until: a.availableUntilIndex)
            }
        }
        line("site:")
        line("  electricityPricePerKWh: \(number(scenario.site.electricityPricePerKWh))")
        line("  pue: \(number(scenario.site.pue))")
        if let cap = scenario.site.powerCapKW { line("  powerCapKW: \(list(cap))") }
        if scenario.budget.capexPerPeriod != nil || scenario.budget.fiscalYearStartMonth != 1 || !scenario.budget.fiscalYears.isEmpty {
            line("budget:")
            if let capex = scenario.budget.capexPerPeriod { line("  capexPerPeriod: \(list(capex))") }
            if scenario.budget.fiscalYearStartMonth != 1 { line("  fiscalYearStartMonth: \(scenario.budget.fiscalYearStartMonth)") }
            if !scenario.budget.fiscalYears.isEmpty {
                line("  fiscalYears:")
                for year in scenario.budget.fiscalYears {
                    let caps = [year.capex.map { "capex: \(number($0))" }, year.opex.map { "opex: \(number($0))" }].compactMap { $0 }
                    line("    FY\(year.year): {\(caps.joined(separator: ", "))}")
                }
            }
        }
        if !scenario.platforms.isEmpty {
            line("platforms:")
            for k in scenario.platforms {
                line("  - {id: \(quote(k.id)), adoptionCost: \(number(k.adoptionCost)), yearlyCost: \(number(k.yearlyCost))}")
            }
        }
        if !scenario.jobs.isEmpty {
            // The compute in the form it was given; pools are derived again by the loader.
            line("jobs:")
            for j in scenario.jobs {
                line("  - id: \(quote(j.id))")
                switch j.compute ?? .flops(j.flops) {
                case .flops(let f):
                    line("    flops: \(number(f))")
                case .parametersAndTokens(let n, let d, let method):
                    line("    parameters: \(number(n))")
                    line("    tokens: \(number(d))")
                    if method != .full { line("    method: \(method.rawValue)") }
                case .acceleratorHours(let hours, let reference):
                    line("    acceleratorHours: \(number(hours))")
                    line("    referenceAccelerator: \(quote(reference))")
                }
                if j.precision != .bf16 { line("    precision: \(j.precision.rawValue)") }
                if let m = j.mfu { line("    mfu: \(number(m))") }
                if j.overhead != 1 { line("    overhead: \(number(j.overhead))") }
                line("    earliestStart: \(quote(labels.start.advanced(by: j.earliestStartIndex).description))")
                line("    deadline: \(quote(labels.start.advanced(by: j.deadlineIndex).description))")
                if j.minAccelerators != 1 { line("    minAccelerators: \(j.minAccelerators)") }
            }
        }
        line("policy:")
        line("  integerUnits: \(scenario.policy.integerUnits)")
        line("  utilizationCap: \(number(scenario.policy.utilizationCap))")
        if let penalty = scenario.policy.unservedPenaltyPerMTok { line("  unservedPenaltyPerMTok: \(number(penalty))") }
        demandCases(scenario, line)
        return out
    }

    /// `demandCases` as given (listed cases with their scales, or the sample form), and `risk`
    /// when it is not the default (docs/formulation.md section 12). Cases built in code without a
    /// source are written listed, each workload's demand as its per-period list.
    static func demandCases(_ scenario: Scenario, _ line: (String) -> Void) {
        guard !scenario.demandCases.isEmpty else { return }
        switch scenario.demandCasesSource {
        case .sampled(let count, let seed, let spread)?:
            line("demandCases: {sample: \(count), seed: \(seed), growthSpread: \(number(spread))}")
        case .listed(let inputs)?:
            line("demandCases:")
            for c in inputs {
                var fields = ["name: \(quote(c.name))", "probability: \(number(c.probability))"]
                if c.demandScale != 1 { fields.append("demandScale: \(number(c.demandScale))") }
                let known = scenario.workloads.map(\.id).filter { c.workloads[$0] != nil }
                let others = c.workloads.keys.filter { k in !scenario.workloads.contains { $0.id == k } }.sorted()
                let entries = (known + others).map { id -> String in
                    switch c.workloads[id]! {
                    case .scale(let x): return "\(quote(id)): \(number(x))"
                    case .tokensPerPeriod(let values): return "\(quote(id)): \(list(values))"
                    }
                }
                if !entries.isEmpty { fields.append("workloads: {\(entries.joined(separator: ", "))}") }
                if c.apiPriceScale != 1 { fields.append("apiPriceScale: \(number(c.apiPriceScale))") }
                line("  - {\(fields.joined(separator: ", "))}")
            }
        case nil:
            line("demandCases:")
            for c in scenario.demandCases {
                let entries = scenario.workloads.compactMap { w in c.demand[w.id].map { "\(quote(w.id)): \(list($0))" } }
                line("  - {name: \(quote(c.name)), probability: \(number(c.probability)), workloads: {\(entries.joined(separator: ", "))}"
                     + (c.apiPriceScale != 1 ? ", apiPriceScale: \(number(c.apiPriceScale))}" : "}"))
            }
        }
        if scenario.risk != RiskPolicy() {
            line("risk: {cvarWeight: \(number(scenario.risk.cvarWeight)), cvarLevel: \(number(scenario.risk.cvarLevel))}")
        }
        if scenario.caseDecisions != .hereAndNow { line("caseDecisions: \(scenario.caseDecisions.rawValue)") }
    }

    static func number(_ x: Double) -> String { YAMLText.number(x) }

    /// `existing` or `contractsInTerm` entries in flow style.
    static func unitsInTerm(_ entries: [UnitsInTerm]) -> String {
        entries.map { "{units: \(number($0.units)), remainingPeriods: \($0.remainingPeriods)}" }.joined(separator: ", ")
    }

    static func list(_ values: [Double]) -> String { YAMLText.list(values) }

    /// Throughput keys in workload order (then any others, sorted), for a stable file.
    static func throughput(_ t: [String: Double], order: [Workload]) -> String {
        let known = order.map(\.id).filter { t[$0] != nil }
        let others = t.keys.filter { k in !order.contains { $0.id == k } }.sorted()
        return "{" + (known + others).map { "\(quote($0)): \(number(t[$0]!))" }.joined(separator: ", ") + "}"
    }

    /// Replica sizes keyed like `throughput`.
    static func replicas(_ sizes: [String: Int], order: [Workload]) -> String {
        let known = order.map(\.id).filter { sizes[$0] != nil }
        let others = sizes.keys.filter { k in !order.contains { $0.id == k } }.sorted()
        return "{" + (known + others).map { "\(quote($0)): \(sizes[$0]!)" }.joined(separator: ", ") + "}"
    }

    static func quote(_ s: String) -> String { YAMLText.quoted(s) }
}
