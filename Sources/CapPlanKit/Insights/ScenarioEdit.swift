// Setting one numeric field of a validated scenario by its path, for sweeps, price thresholds
// and edits by path. Every value is checked against `ScenarioRules`, the table the scenario
// reader checks, so an edited scenario is as valid as one read from a file.

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
        /// Platform cost index and field (`adoptionCost`, `yearlyCost`).
        case platform(Int, String)
        /// `risk.cvarWeight` or `risk.cvarLevel` of a scenario with demand cases.
        case risk(String)
    }

    static let purchaseFields = ["unitPrice", "lifetimePeriods", "powerKW", "opexPerUnitPeriod", "leadTimePeriods",
                                 "maxUnitsPerPeriod", "existingUnits", "existingRemainingPeriods", "failureDerating"]
    static let rentalFields = ["pricePerUnitHour", "maxUnits", "failureDerating"]
    /// Reserved rentals only: an on-demand rental has no contract to pay up front.
    static let reservedFields = ["upfrontPerUnit"]
    static let apiFields = ["inputPricePerMTok", "outputPricePerMTok", "priceScale", "maxTokensPerSecond"]
    /// Issue 12 (docs/formulation.md section 11): a yearly price decline on any offering whose
    /// price does not follow a `priceFactors` list; spot availability; an API's cached-input
    /// price and committed-use terms where it has them; a workload's cache.
    static let movingFields = ["priceDeclinePerYear"]
    static let spotFields = ["availability"]
    static let cachedFields = ["cachedInputPricePerMTok"]
    static let commitFields = ["committedUse.discount", "committedUse.minSpendPerPeriod"]
    static let cacheFields = ["cache.hitRate", "cache.prefillShare"]

    /// Every settable path of `scenario` with its target, in scenario order. Ids may contain
    /// dots, so paths are matched whole, never split.
    static func targets(in scenario: Scenario) -> [(path: String, target: Target)] {
        var list: [(path: String, target: Target)] = [("discountRate", .discountRate)]
        for (w, workload) in scenario.workloads.enumerated() {
            // A workload with precisions takes its output share from its request sizes (ScenarioRules.outputShare).
            for field in (workload.serving == nil ? ["outputShare", "demandScale"] : ["demandScale"]) + (workload.cache == nil ? [] : cacheFields) {
                list.append(("workloads.\(workload.id).\(field)", .workload(w, field)))
            }
        }
        for (k, offering) in scenario.offerings.enumerated() {
            let prefix = "offerings.\(offering.id)."
            var fields: [String] = []
            var throughput: [String: Double] = [:]
            /// A decline can be set unless the prices follow a list of factors.
            func moving(_ change: PriceChange?) -> [String] {
                if case .factors? = change { return [] }
                return movingFields
            }
            switch offering {
            case .purchase(let o): fields = purchaseFields + moving(o.priceChange); throughput = o.throughput
            case .rental(let o):
                fields = rentalFields + (o.commitment == .period ? reservedFields : []) + (o.commitment == .spot ? spotFields : []) + moving(o.priceChange)
                throughput = o.throughput
            case .api(let o):
                fields = apiFields + (o.cachedInputPricePerMTok == nil ? [] : cachedFields) + (o.committedUse == nil ? [] : commitFields)
                    + moving(o.priceChange)
            }
            for field in fields { list.append((prefix + field, .offering(k, field, workload: nil))) }
            for workload in scenario.workloads where throughput[workload.id] != nil {
                list.append((prefix + "throughput." + workload.id, .offering(k, "throughput", workload: workload.id)))
            }
        }
        for field in ["electricityPricePerKWh", "pue", "powerCapKW"] { list.append(("site." + field, .site(field))) }
        list.append(("budget.capexPerPeriod", .budget))
        for field in ["utilizationCap", "unservedPenaltyPerMTok"] { list.append(("policy." + field, .policy(field))) }
        for (k, platform) in scenario.platforms.enumerated() {
            for field in ["adoptionCost", "yearlyCost"] { list.append(("platforms.\(platform.id).\(field)", .platform(k, field))) }
        }
        // Issue 16 (docs/formulation.md 12.2): the risk policy of a two-stage plan. The cases'
        // probabilities are not settable one by one: they must sum to 1.
        if !scenario.demandCases.isEmpty {
            for field in ["cvarWeight", "cvarLevel"] { list.append(("risk." + field, .risk(field))) }
        }
        return list
    }

    /// Every path that can be set in `scenario`, in scenario order.
    public static func paths(in scenario: Scenario) -> [String] { targets(in: scenario).map(\.path) }

    /// Checks that `path` names a settable field of `scenario`; the error suggests the
    /// nearest valid path.
    public static func check(_ path: String, in scenario: Scenario) throws {
        _ = try target(path, in: scenario)
    }

    static func target(_ path: String, in scenario: Scenario) throws -> Target {
        let all = targets(in: scenario)
        if let found = all.first(where: { $0.path == path }) { return found.target }
        var message = "unknown scenario path '\(InputText.excerpt(path))'"
        if let suggestion = nearest(path, in: all.map(\.path)) { message += "; did you mean '\(suggestion)'?" }
        message += " (settable paths: discountRate, workloads.ID.{outputShare,demandScale,cache.hitRate,cache.prefillShare}, offerings.ID.FIELD, "
            + "site.{electricityPricePerKWh,pue,powerCapKW}, budget.capexPerPeriod, policy.{utilizationCap,unservedPenaltyPerMTok}, "
            + "platforms.ID.{adoptionCost,yearlyCost}, risk.{cvarWeight,cvarLevel} with demandCases)"
        throw InsightsError(message)
    }

    /// `scenario` with the field at `path` set to `value`. Relative fields (`demandScale`,
    /// `priceScale`) multiply the values of `scenario`; per-period fields (`site.powerCapKW`,
    /// `budget.capexPerPeriod`) get `value` in every period. Throws for unknown paths and for
    /// values outside the field's rule (`ScenarioRules`).
    public static func setting(_ path: String, to value: Double, in scenario: Scenario) throws -> Scenario {
        let target = try target(path, in: scenario)
        /// `value` when `rule` allows it.
        func checked(_ rule: ValueRule) throws -> Double {
            guard rule.allows(value) else { throw InsightsError("\(path) = \(format(value)): expected \(rule.expected)") }
            return value
        }
        /// Every value scaled by `value`, each still within `rule`.
        func scaled(_ values: [Double], _ rule: ValueRule) throws -> [Double] {
            let factor = try checked(ScenarioRules.scale)
            let result = values.map { $0 * factor }
            if let bad = result.first(where: { !rule.allows($0) }) {
                throw InsightsError("\(path) = \(format(value)): gives \(format(bad)), but expected \(rule.expected)")
            }
            return result
        }
        var copy = scenario
        let periods = scenario.horizon.periods
        switch target {
        case .discountRate:
            copy.discountRate = try checked(ScenarioRules.discountRate)
        case .site(let field):
            switch field {
            case "electricityPricePerKWh": copy.site.electricityPricePerKWh = try checked(ScenarioRules.electricityPrice)
            case "pue": copy.site.pue = try checked(ScenarioRules.pue)
            default: copy.site.powerCapKW = Array(repeating: try checked(ScenarioRules.powerCapKW), count: periods)
            }
        case .budget:
            copy.budget.capexPerPeriod = Array(repeating: try checked(ScenarioRules.capexPerPeriod), count: periods)
        case .policy(let field):
            if field == "utilizationCap" {
                copy.policy.utilizationCap = try checked(ScenarioRules.utilizationCap)
            } else {
                copy.policy.unservedPenaltyPerMTok = try checked(ScenarioRules.unservedPenalty)
            }
        case .workload(let w, let field):
            switch field {
            case "outputShare": copy.workloads[w].outputShare = try checked(ScenarioRules.outputShare)
            case "cache.hitRate": copy.workloads[w].cache!.hitRate = try checked(ScenarioRules.cacheHitRate)
            case "cache.prefillShare": copy.workloads[w].cache!.prefillShare = try checked(ScenarioRules.prefillShare)
            default:
                copy.workloads[w].demand = try scaled(scenario.workloads[w].demand, ScenarioRules.tokens)
                try scaleCases(&copy, workload: scenario.workloads[w].id, by: value, path: path)
            }
        case .offering(let k, let field, let throughputWorkload):
            switch scenario.offerings[k] {
            case .purchase(var o):
                switch field {
                case "unitPrice": o.unitPrice = try checked(ScenarioRules.unitPrice)
                case "lifetimePeriods": o.lifetimePeriods = Int(try checked(ScenarioRules.lifetimePeriods))
                case "powerKW": o.powerKW = try checked(ScenarioRules.powerKW)
                case "opexPerUnitPeriod": o.opexPerUnitPeriod = try checked(ScenarioRules.opexPerUnitPeriod)
                case "leadTimePeriods": o.leadTimePeriods = Int(try checked(ScenarioRules.leadTimePeriods))
                case "maxUnitsPerPeriod": o.maxUnitsPerPeriod = try checked(ScenarioRules.units)
                case "existingUnits": o.existingUnits = try checked(ScenarioRules.units)
                case "existingRemainingPeriods": o.existingRemainingPeriods = Int(try checked(ScenarioRules.existingRemainingPeriods))
                case "failureDerating": o.failureDerating = try checked(ScenarioRules.failureDerating)
                case "priceDeclinePerYear": o.priceChange = .declinePerYear(try checked(ScenarioRules.priceDeclinePerYear))
                default: o.throughput[throughputWorkload!] = try checked(ScenarioRules.throughput)
                }
                copy.offerings[k] = .purchase(o)
            case .rental(var o):
                switch field {
                case "pricePerUnitHour": o.pricePerUnitHour = try checked(ScenarioRules.pricePerUnitHour)
                case "maxUnits": o.maxUnits = try checked(ScenarioRules.units)
                case "failureDerating": o.failureDerating = try checked(ScenarioRules.failureDerating)
                case "upfrontPerUnit": o.upfrontPerUnit = try checked(ScenarioRules.upfrontPerUnit)
                case "availability": o.availability = try checked(ScenarioRules.availability)
                case "priceDeclinePerYear": o.priceChange = .declinePerYear(try checked(ScenarioRules.priceDeclinePerYear))
                default: o.throughput[throughputWorkload!] = try checked(ScenarioRules.throughput)
                }
                copy.offerings[k] = .rental(o)
            case .api(var o):
                switch field {
                case "inputPricePerMTok":
                    o.inputPricePerMTok = try checked(ScenarioRules.pricePerMTok)
                    if let c = o.cachedInputPricePerMTok, c > value {
                        throw InsightsError("\(path) = \(format(value)): expected at least cachedInputPricePerMTok (\(format(c))): a cache hit costs no more than plain input")
                    }
                case "outputPricePerMTok": o.outputPricePerMTok = try checked(ScenarioRules.pricePerMTok)
                case "priceScale":
                    // Every price of the API, the cached-input price too (it stays below the input price).
                    let prices = try scaled([o.inputPricePerMTok, o.outputPricePerMTok] + (o.cachedInputPricePerMTok.map { [$0] } ?? []), ScenarioRules.pricePerMTok)
                    o.inputPricePerMTok = prices[0]
                    o.outputPricePerMTok = prices[1]
                    if o.cachedInputPricePerMTok != nil { o.cachedInputPricePerMTok = min(prices[2], prices[0]) }
                case "cachedInputPricePerMTok":
                    let c = try checked(ScenarioRules.pricePerMTok)
                    guard c <= o.inputPricePerMTok else {
                        throw InsightsError("\(path) = \(format(value)): expected at most inputPricePerMTok (\(format(o.inputPricePerMTok)))")
                    }
                    o.cachedInputPricePerMTok = c
                case "committedUse.discount": o.committedUse!.discount = try checked(ScenarioRules.commitDiscount)
                case "committedUse.minSpendPerPeriod": o.committedUse!.minSpendPerPeriod = try checked(ScenarioRules.minSpendPerPeriod)
                case "priceDeclinePerYear": o.priceChange = .declinePerYear(try checked(ScenarioRules.priceDeclinePerYear))
                default: o.maxTokensPerSecond = try checked(ScenarioRules.maxTokensPerSecond)
                }
                copy.offerings[k] = .api(o)
            }
        case .risk(let field):
            if field == "cvarWeight" {
                copy.risk.cvarWeight = try checked(ScenarioRules.cvarWeight)
            } else {
                copy.risk.cvarLevel = try checked(ScenarioRules.cvarLevel)
            }
        case .platform(let k, let field):
            if field == "adoptionCost" {
                copy.platforms[k].adoptionCost = try checked(ScenarioRules.platformCost)
            } else {
                copy.platforms[k].yearlyCost = try checked(ScenarioRules.platformCost)
            }
        }
        // A job's pools depend on the offerings (a rental's maxUnits decides whether its cluster
        // fits): find them again so an edited scenario never keeps a stale pool.
        if !copy.jobs.isEmpty { TrainingDerivation.derive(&copy) }
        return copy
    }

    /// `workloads.ID.demandScale` scales the workload's demand in every demand case too, so that a
    /// sweep or `evaluate --set` of it moves the cases with the scenario (docs/sweep.md): a case's
    /// per-period list is scaled, a case's factor stays (it applies to the scaled demand), and
    /// the cases are resolved again (`DemandCasesSource.cases(for:)`). Cases without a source
    /// (built in code) are scaled directly.
    static func scaleCases(_ scenario: inout Scenario, workload id: String, by factor: Double, path: String) throws {
        guard !scenario.demandCases.isEmpty else { return }
        switch scenario.demandCasesSource {
        case .listed(var inputs)?:
            for c in inputs.indices {
                guard case .tokensPerPeriod(let values)? = inputs[c].workloads[id] else { continue }
                inputs[c].workloads[id] = .tokensPerPeriod(values.map { $0 * factor })
            }
            scenario.demandCasesSource = .listed(inputs)
            scenario.demandCases = scenario.demandCasesSource!.cases(for: scenario)
        case .sampled?:
            scenario.demandCases = scenario.demandCasesSource!.cases(for: scenario)
        case nil:
            for c in scenario.demandCases.indices {
                scenario.demandCases[c].demand[id] = scenario.demandCases[c].demand[id].map { $0.map { $0 * factor } }
            }
        }
        for c in scenario.demandCases {
            if let bad = c.demand[id]?.first(where: { !ScenarioRules.tokens.allows($0) }) {
                throw InsightsError("\(path) = \(format(factor)): gives \(format(bad)) in case \(InputText.excerpt(c.name)), but expected \(ScenarioRules.tokens.expected)")
            }
        }
    }

    /// The valid path closest to `path` (edit distance at most about a third of its length).
    /// The scenario with each `PATH=VALUE` edit applied in order (the sweep's paths, one value
    /// each: a stress test of a fixed plan, `capplan evaluate --set`); returns the edits as
    /// applied, `path=value`.
    public static func applying(_ edits: [String], to scenario: Scenario) throws -> (scenario: Scenario, applied: [String]) {
        var edited = scenario
        var applied: [String] = []
        var seen = Set<String>()
        for text in edits {
            let edit = try SweepParameter(parsing: text)
            guard edit.steps == 1, edit.from == edit.to else {
                throw InsightsError("edit '\(InputText.excerpt(text))': expected PATH=VALUE (one value; ranges are for `capplan sweep`)")
            }
            guard seen.insert(edit.path).inserted else {
                throw InsightsError("edit '\(InputText.excerpt(text))': \(InputText.excerpt(edit.path)) is set twice; give each path once")
            }
            edited = try setting(edit.path, to: edit.from, in: edited)
            applied.append("\(edit.path)=\(format(edit.from))")
        }
        return (edited, applied)
    }

    static func nearest(_ path: String, in candidates: [String]) -> String? {
        closestMatch(to: path, in: candidates, maxDistance: max(3, path.count / 3))
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
