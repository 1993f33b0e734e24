// The allowed range of every numeric scenario value, and the length limits of its texts: the
// one table that the validator (reading a file), `ScenarioEdit` (sweeps, thresholds, edits by
// path) and the generator all check against, so they cannot disagree about what is valid.
//
// Upper bounds keep every derived quantity finite: demand of at most 1e36 tokens a period at
// prices of at most 1e12 USD per million tokens costs at most 1e42 USD a period, far below
// Double's 1.8e308, over at most 1000 periods (docs/input-limits.md).

/// The allowed range of one numeric value.
public struct ValueRule: Sendable, Equatable {
    public enum Bound: Sendable, Equatable {
        case inclusive(Double)
        case exclusive(Double)
    }

    public let lower: Bound
    public let upper: Bound
    /// Whole numbers only.
    public let whole: Bool
    /// What the value is, for messages: "a price in USD".
    public let what: String

    public init(_ what: String, _ lower: Bound, _ upper: Bound, whole: Bool = false) {
        self.what = what
        self.lower = lower
        self.upper = upper
        self.whole = whole
    }

    public func allows(_ x: Double) -> Bool {
        guard x.isFinite, !whole || x == x.rounded() else { return false }
        switch lower {
        case .inclusive(let a): guard x >= a else { return false }
        case .exclusive(let a): guard x > a else { return false }
        }
        switch upper {
        case .inclusive(let b): return x <= b
        case .exclusive(let b): return x < b
        }
    }

    /// "a price in USD in [0, 1e12]", "a whole number of periods in [1, 1000]".
    public var expected: String {
        let open: String, close: String, a: Double, b: Double
        switch lower {
        case .inclusive(let x): open = "["; a = x
        case .exclusive(let x): open = "("; a = x
        }
        switch upper {
        case .inclusive(let x): close = "]"; b = x
        case .exclusive(let x): close = ")"; b = x
        }
        return "\(what) in \(open)\(Self.format(a)), \(Self.format(b))\(close)"
    }

    /// 1e12 for powers of ten from a million up, whole numbers without a fraction, else Swift's shortest text.
    static func format(_ x: Double) -> String {
        let sign = x < 0 ? "-" : ""
        let text = abs(x).description
        if text.hasPrefix("1e+") { return sign + "1e" + text.dropFirst(3) }
        // Swift writes 1e15 as 1000000000000000.0: powers of ten up to it are caught below, and
        // whole numbers up to 2^53 (a seed's bound) are written without a fraction.
        if x == x.rounded(), abs(x) <= 9_007_199_254_740_992 {
            let digits = String(Int(abs(x)))
            if abs(x) >= 1e6, digits.dropFirst().allSatisfy({ $0 == "0" }), digits.first == "1" { return sign + "1e\(digits.count - 1)" }
            return sign + digits
        }
        return String(x)
    }
}

/// Every rule of the scenario format (docs/scenario-format.md, docs/input-limits.md).
public enum ScenarioRules {
    // Sizes.
    public static let maxPeriods = 1000
    /// The last period of a horizon lies in this year or before (period labels have four digits).
    public static let lastYear = 2999
    /// Names (scenario name, accelerator, CSV column): GLPK limits names to 255 bytes.
    public static let maxNameBytes = 255
    /// A data file path as written.
    public static let maxPathBytes = 4096

    // Calendar and shape.
    public static let periods = ValueRule("a whole number of periods", .inclusive(1), .inclusive(Double(maxPeriods)), whole: true)
    public static let discountRate = ValueRule("an annual rate", .inclusive(0), .exclusive(1))
    public static let sliceHours = ValueRule("hours of the day", .exclusive(0), .inclusive(24))
    public static let sliceShare = ValueRule("a share of the day's tokens", .inclusive(0), .inclusive(1))

    // Workloads.
    public static let outputShare = ValueRule("a fraction of output tokens", .inclusive(0), .inclusive(1))
    /// Tokens in one period (every form of demand, after growth is compounded).
    public static let tokens = ValueRule("tokens", .inclusive(0), .inclusive(1e36))
    public static let growth = ValueRule("a growth rate per period (0.05 = 5%)", .exclusive(-1), .inclusive(1000))
    public static let minReplicas = ValueRule("a whole number of replicas", .inclusive(1), .inclusive(1e6), whole: true)
    /// Mean prompt or completion tokens per request of a workload with `precisions`: the range
    /// `capplan estimate` takes for --input and --output, whole numbers like its options, so
    /// that a scenario's derived throughput is exactly what `estimate` prints.
    public static let requestTokens = ValueRule("a whole number of tokens per request", .inclusive(1), .inclusive(1e7), whole: true)
    /// How far a written `outputShare` may lie from outputTokensPerRequest / (input + output).
    public static let outputShareTolerance = 1e-6

    // Offerings.
    public static let throughput = ValueRule("tokens per second", .exclusive(0), .inclusive(1e12))
    public static let unitPrice = ValueRule("a price in USD", .inclusive(0), .inclusive(1e12))
    public static let pricePerUnitHour = ValueRule("a price in USD per unit-hour", .inclusive(0), .inclusive(1e12))
    public static let pricePerMTok = ValueRule("USD per million tokens", .inclusive(0), .inclusive(1e12))
    public static let opexPerUnitPeriod = ValueRule("USD per unit and period", .inclusive(0), .inclusive(1e12))
    public static let acceleratorsPerUnit = ValueRule("a whole number of accelerators", .inclusive(1), .inclusive(1e6), whole: true)
    public static let lifetimePeriods = ValueRule("a whole number of periods", .inclusive(1), .inclusive(1e9), whole: true)
    public static let leadTimePeriods = ValueRule("a whole number of periods", .inclusive(0), .inclusive(1e9), whole: true)
    public static let existingRemainingPeriods = ValueRule("a whole number of periods", .inclusive(1), .inclusive(1e9), whole: true)
    /// Commitments carried in (docs/formulation.md 13.1): an owned cohort's remaining service or
    /// a contract's remaining term, and their units (an entry of none means nothing).
    public static let remainingPeriods = ValueRule("a whole number of periods", .inclusive(1), .inclusive(1e9), whole: true)
    public static let carriedUnits = ValueRule("units", .exclusive(0), .inclusive(1e12))
    public static let depositFraction = ValueRule("a fraction of the price", .inclusive(0), .inclusive(1))
    public static let balanceDays = ValueRule("days", .inclusive(0), .inclusive(3650))
    public static let bookLifePeriods = ValueRule("a whole number of periods", .inclusive(1), .inclusive(1000), whole: true)
    public static let powerKW = ValueRule("kW", .inclusive(0), .inclusive(1e9))
    public static let units = ValueRule("units", .inclusive(0), .inclusive(1e12))
    public static let maxTokensPerSecond = ValueRule("tokens per second", .exclusive(0), .inclusive(1e15))

    // Contracts, replicas, platforms, reliability margins (docs/formulation.md section 8).
    /// A reserved rental's contract length: at most 100 years.
    public static let maxTermMonths = 1200
    public static let termMonths = ValueRule("a whole number of months", .inclusive(1), .inclusive(Double(maxTermMonths)), whole: true)
    public static let upfrontPerUnit = ValueRule("a price in USD per unit", .inclusive(0), .inclusive(1e12))
    public static let acceleratorsPerReplica = ValueRule("a whole number of accelerators", .inclusive(1), .inclusive(1e6), whole: true)
    public static let spareUnits = ValueRule("a whole number of units", .inclusive(0), .inclusive(1e6), whole: true)
    public static let failureDerating = ValueRule("a share of capacity lost to failures", .inclusive(0), .exclusive(1))
    public static let platformCost = ValueRule("USD", .inclusive(0), .inclusive(1e12))

    // Training jobs (docs/formulation.md section 10). Bounds keep F φ / (3600 · peak · mfu)
    // finite: at most 1e32 FLOPs x 10 overhead; A_jo itself is bounded by `jobAcceleratorHours`.
    public static let jobFlops = ValueRule("FLOPs", .exclusive(0), .inclusive(1e32))
    public static let jobParameters = ValueRule("parameters", .exclusive(0), .inclusive(1e14))
    public static let jobTokens = ValueRule("training tokens", .exclusive(0), .inclusive(1e16))
    public static let jobReferenceHours = ValueRule("accelerator-hours", .exclusive(0), .inclusive(1e12))
    public static let jobMFU = ValueRule("a model FLOPs utilization", .exclusive(0), .inclusive(1))
    public static let jobOverhead = ValueRule("an overhead factor", .inclusive(1), .inclusive(10))
    public static let jobMinAccelerators = ValueRule("a whole number of accelerators", .inclusive(1), .inclusive(1e6), whole: true)
    /// A_jo on a pool: an offering on which a job would need more is not a pool of it.
    public static let jobAcceleratorHours = ValueRule("accelerator-hours", .exclusive(0), .inclusive(1e15))

    // Site, budget, policy.
    public static let electricityPrice = ValueRule("a price in USD per kWh", .inclusive(0), .inclusive(1e12))
    public static let pue = ValueRule("a power usage effectiveness", .inclusive(1), .inclusive(100))
    public static let powerCapKW = ValueRule("kW", .inclusive(0), .inclusive(1e12))
    public static let capexPerPeriod = ValueRule("USD", .inclusive(0), .inclusive(1e15))
    /// A fiscal year's capex or opex budget: the same bound as a period's capital budget.
    public static let fiscalYearBudget = ValueRule("USD", .inclusive(0), .inclusive(1e15))
    public static let fiscalYearStartMonth = ValueRule("a month, 1 to 12", .inclusive(1), .inclusive(12), whole: true)
    public static let utilizationCap = ValueRule("a fraction of capacity", .exclusive(0), .inclusive(1))
    public static let unservedPenalty = ValueRule("USD per million tokens", .inclusive(0), .inclusive(1e12))

    // Workload shapes, interruptible capacity, caching, prices that move (docs/formulation.md section 11).
    /// σ_ws: a workload's share of its daily tokens in one slice (`profile`).
    public static let profileShare = ValueRule("a share of the workload's daily tokens", .inclusive(0), .inclusive(1))
    /// H: hours a deferrable workload's tokens may wait; 24 or more is anywhere in the day.
    public static let maxDelayHours = ValueRule("hours a token may wait", .exclusive(0), .inclusive(8760))
    /// κ_w: share of input tokens that hit a prompt cache.
    public static let cacheHitRate = ValueRule("a share of input tokens", .inclusive(0), .inclusive(1))
    /// β_w: share of self-hosted serving time spent on prefill; below 1 so τ' = τ/(1 − κβ) stays finite.
    public static let prefillShare = ValueRule("a share of serving time", .inclusive(0), .exclusive(1))
    /// α_o: share of a spot rental's hours that do work.
    public static let availability = ValueRule("a share of rented hours that do work", .exclusive(0), .inclusive(1))
    /// r_o: yearly price decline.
    public static let priceDeclinePerYear = ValueRule("a yearly price decline (0.2 = 20%)", .inclusive(0), .exclusive(1))
    /// f_op: a period's price factor; bounded so that 1e12 USD prices stay below 1e18.
    public static let priceFactor = ValueRule("a price factor", .exclusive(0), .inclusive(1e6))
    /// δ_a: a committed-use contract's discount on the API's list spend.
    public static let commitDiscount = ValueRule("a discount (0.2 = 20%)", .exclusive(0), .exclusive(1))
    /// S_a: a committed-use contract's minimum spend per period.
    public static let minSpendPerPeriod = ValueRule("USD", .inclusive(0), .inclusive(1e15))

    // Demand cases and risk (docs/formulation.md section 12).
    /// Most demand cases, listed or sampled; the model-size limit bounds them further (the
    /// extensive form is about |C| times the model).
    public static let maxCases = 1000
    /// π_c of a listed case; the cases' probabilities sum to 1 within `probabilitySumTolerance`.
    public static let caseProbability = ValueRule("a probability", .exclusive(0), .inclusive(1))
    public static let probabilitySumTolerance = 1e-9
    /// A case's `demandScale` and a workload's scale in it; case demand stays within `tokens`.
    public static let caseDemandScale = ValueRule("a factor on demand", .exclusive(0), .inclusive(1e6))
    /// A case's `apiPriceScale`, bounded like `priceFactor`.
    public static let caseAPIPriceScale = ValueRule("a factor on API prices", .exclusive(0), .inclusive(1e6))
    /// N of `{sample: N}`.
    public static let sampleCount = ValueRule("a whole number of cases", .inclusive(1), .inclusive(Double(maxCases)), whole: true)
    /// S of `{seed: S}`: whole numbers a YAML number holds exactly (up to 2^53).
    public static let sampleSeed = ValueRule("a whole number", .inclusive(0), .inclusive(9_007_199_254_740_992), whole: true)
    /// σ of `{growthSpread: σ}`: the standard deviation of each period's log growth shock.
    public static let growthSpread = ValueRule("a growth spread σ", .inclusive(0), .inclusive(1))
    /// λ of `risk.cvarWeight`.
    public static let cvarWeight = ValueRule("a CVaR weight", .inclusive(0), .inclusive(1e6))
    /// α of `risk.cvarLevel`.
    public static let cvarLevel = ValueRule("a CVaR level", .inclusive(0), .exclusive(1))

    // Edits only: factors applied to values that must then satisfy their own rule.
    public static let scale = ValueRule("a factor", .inclusive(0), .inclusive(1e12))

    /// Months in one period of `kind`: a term in months must be a whole number of these.
    public static func monthsPerPeriod(_ kind: PeriodKind) -> Int { 12 / kind.periodsPerYear }

    /// A replica of `accelerators` fits units of `perUnit` accelerators when it fills a whole
    /// number of units or a unit holds a whole number of replicas (docs/formulation.md 8.2).
    public static func replicaFits(accelerators: Int, perUnit: Int) -> Bool {
        accelerators > 0 && perUnit > 0 && (perUnit % accelerators == 0 || accelerators % perUnit == 0)
    }

    /// The output share request sizes imply: output / (input + output) (φ_w of a workload with
    /// `precisions`).
    public static func outputShare(inputTokens: Double, outputTokens: Double) -> Double {
        outputTokens / (inputTokens + outputTokens)
    }

    /// Whether an offering takes a replica size of `accelerators` as a constraint (docs/formulation.md
    /// 8.2 and section 9, docs/scenario-format.md "Catalog entries"): on on-demand rentals
    /// (`wholeUnits` false: billed by the hour, so at least one replica's accelerators while
    /// serving) and where a replica spans units. Whole units of a purchase or reservation that
    /// hold whole replicas already pay for them, and replica variables per slice there would only
    /// slow the solve. The catalog's sizes and the performance model's derived ones both follow
    /// this rule; whether the size fits the units at all is `replicaFits`.
    public static func replicaSizeApplies(accelerators: Int, perUnit: Int, wholeUnits: Bool) -> Bool {
        !(wholeUnits && accelerators <= perUnit && perUnit % accelerators == 0)
    }

    /// Whether a rental of `commitment` may serve a workload (docs/formulation.md 11.3): spot
    /// capacity serves interruptible workloads only. The one home of the rule: the validator
    /// (given and catalog throughputs) and `ServingDerivation` (derived options) both ask it.
    public static func rentalMayServe(_ commitment: RentalCommitment, interruptible: Bool) -> Bool {
        commitment != .spot || interruptible
    }

    /// Whether a batch API may serve a workload (11.3): only workloads deferrable within the day
    /// (H >= 24), as a batch API returns its results within 24 hours.
    public static func batchMayServe(_ deferral: Deferral?) -> Bool { deferral?.withinDay ?? false }

    /// Whether `text` fits a name (at most `maxNameBytes` UTF-8 bytes).
    public static func fitsName(_ text: String) -> Bool { text.utf8.count <= maxNameBytes }

    /// The horizon ends in `lastYear` or before.
    public static func fitsCalendar(_ horizon: Horizon) -> Bool {
        horizon.start.advanced(by: horizon.periods - 1).year <= lastYear
    }

    /// Every value of a built scenario that breaks a rule, as "path: expected ..." lines
    /// (empty when the scenario is valid). Paths use ids, like `ScenarioEdit`'s.
    public static func violations(in scenario: Scenario) -> [String] {
        var found: [String] = []
        func check(_ x: Double, _ rule: ValueRule, _ path: @autoclosure () -> String) {
            if !rule.allows(x) { found.append("\(path()): expected \(rule.expected), got \(x)") }
        }
        func check(_ xs: [Double], _ rule: ValueRule, _ path: String) {
            if let bad = xs.first(where: { !rule.allows($0) }) { found.append("\(path): expected \(rule.expected), got \(bad)") }
        }
        check(Double(scenario.horizon.periods), periods, "horizon.periods")
        if !fitsCalendar(scenario.horizon) { found.append("horizon: expected a horizon that ends by \(lastYear)") }
        if !fitsName(scenario.name) { found.append("name: expected at most \(maxNameBytes) UTF-8 bytes") }
        check(scenario.discountRate, discountRate, "discountRate")
        for s in scenario.timeSlices {
            check(s.hours, sliceHours, "timeSlices.\(s.name).hours")
            check(s.share, sliceShare, "timeSlices.\(s.name).share")
        }
        for w in scenario.workloads {
            check(w.outputShare, outputShare, "workloads.\(w.id).outputShare")
            check(w.demand, tokens, "workloads.\(w.id).demand")
            check(Double(w.minReplicas), minReplicas, "workloads.\(w.id).minReplicas")
            if let profile = w.profile {
                if profile.count != scenario.timeSlices.count {
                    found.append("workloads.\(w.id).profile: expected \(scenario.timeSlices.count) shares, one per time slice, got \(profile.count)")
                } else {
                    check(profile, profileShare, "workloads.\(w.id).profile")
                    let sum = profile.reduce(0, +)
                    if !(abs(sum - 1) <= 1e-6) { found.append("workloads.\(w.id).profile: expected shares that sum to 1, got \(sum)") }
                }
            }
            if let d = w.deferral {
                check(d.maxDelayHours, maxDelayHours, "workloads.\(w.id).deferrable.maxDelayHours")
                if !d.withinDay, scenario.timeSlices.contains(where: { $0.start == nil }) {
                    found.append("workloads.\(w.id).deferrable.maxDelayHours: expected slice starts for a window shorter than a day")
                }
            }
            if let c = w.cache {
                check(c.hitRate, cacheHitRate, "workloads.\(w.id).cache.hitRate")
                check(c.prefillShare, prefillShare, "workloads.\(w.id).cache.prefillShare")
            }
            if let serving = w.serving {
                let path = "workloads.\(w.id)."
                if serving.precisions.isEmpty { found.append(path + "precisions: expected at least one precision") }
                if Set(serving.precisions).count != serving.precisions.count { found.append(path + "precisions: expected each precision once") }
                check(serving.inputTokens, requestTokens, path + "inputTokensPerRequest")
                check(serving.outputTokens, requestTokens, path + "outputTokensPerRequest")
                let implied = outputShare(inputTokens: serving.inputTokens, outputTokens: serving.outputTokens)
                if !(abs(w.outputShare - implied) <= outputShareTolerance) {
                    found.append(path + "outputShare: expected \(implied), outputTokensPerRequest / (input + output), got \(w.outputShare)")
                }
                if w.model.flatMap(ModelSpec.named) == nil { found.append(path + "model: expected a performance-model model id with precisions, got \(w.model ?? "none")") }
            }
        }
        /// Derived options exist only for workloads with precisions and no given throughput, and
        /// stay in range.
        func derived(_ options: [String: [ServingOption]], throughput given: [String: Double], perUnit: Int, _ prefix: String) {
            for (w, list) in options.sorted(by: { $0.key < $1.key }) {
                if given[w] != nil { found.append("\(prefix)derived.\(w): expected no derived options where a throughput is given") }
                if scenario.workloads.first(where: { $0.id == w })?.serving == nil {
                    found.append("\(prefix)derived.\(w): expected a workload with precisions")
                }
                for option in list {
                    let tag = "\(prefix)derived.\(w)@\(option.precision?.rawValue ?? "?")"
                    check(option.tokensPerSecond, throughput, tag + ".tokensPerSecond")
                    if let a = option.acceleratorsPerReplica, !replicaFits(accelerators: a, perUnit: perUnit) {
                        found.append("\(tag).acceleratorsPerReplica: expected a divisor or multiple of acceleratorsPerUnit \(perUnit), got \(a)")
                    }
                }
            }
        }
        /// Replica sizes name workloads the offering serves and fit its units.
        func replicas(_ sizes: [String: Int], throughput: [String: Double], perUnit: Int, _ prefix: String) {
            for (w, a) in sizes.sorted(by: { $0.key < $1.key }) {
                check(Double(a), acceleratorsPerReplica, prefix + "acceleratorsPerReplica." + w)
                if throughput[w] == nil { found.append("\(prefix)acceleratorsPerReplica.\(w): expected a workload the offering has throughput for") }
                if !replicaFits(accelerators: a, perUnit: perUnit) {
                    found.append("\(prefix)acceleratorsPerReplica.\(w): expected a divisor or multiple of acceleratorsPerUnit \(perUnit), got \(a)")
                }
            }
        }
        /// Commitments carried in (13.1): units > 0, whole with integerUnits; remaining >= 1.
        func carriedIn(_ entries: [UnitsInTerm], _ path: String) {
            for (i, e) in entries.enumerated() {
                check(e.units, carriedUnits, "\(path)[\(i)].units")
                check(Double(e.remainingPeriods), remainingPeriods, "\(path)[\(i)].remainingPeriods")
            }
        }
        let interruptible = Set(scenario.workloads.filter(\.interruptible).map(\.id))
        let deferrals = Dictionary(uniqueKeysWithValues: scenario.workloads.map { ($0.id, $0.deferral) })
        /// Prices that move and windows (11.5): in range, one factor per period, until >= from.
        func moving(_ change: PriceChange?, from: Int?, until: Int?, _ prefix: String) {
            switch change {
            case .declinePerYear(let r)?: check(r, priceDeclinePerYear, prefix + "priceDeclinePerYear")
            case .factors(let f)?:
                if f.count != scenario.horizon.periods {
                    found.append("\(prefix)priceFactors: expected \(scenario.horizon.periods) factors, one per period, got \(f.count)")
                }
                check(f, priceFactor, prefix + "priceFactors")
            case nil: break
            }
            if let from, let until, until < from { found.append("\(prefix)availableUntil: expected a period at or after availableFrom") }
        }
        for o in scenario.offerings {
            let prefix = "offerings.\(o.id)."
            switch o {
            case .purchase(let p):
                check(p.unitPrice, unitPrice, prefix + "unitPrice")
                check(Double(p.acceleratorsPerUnit), acceleratorsPerUnit, prefix + "acceleratorsPerUnit")
                check(Double(p.lifetimePeriods), lifetimePeriods, prefix + "lifetimePeriods")
                check(p.powerKW, powerKW, prefix + "powerKW")
                check(p.opexPerUnitPeriod, opexPerUnitPeriod, prefix + "opexPerUnitPeriod")
                check(Double(p.leadTimePeriods), leadTimePeriods, prefix + "leadTimePeriods")
                if let m = p.maxUnitsPerPeriod { check(m, units, prefix + "maxUnitsPerPeriod") }
                check(p.existingUnits, units, prefix + "existingUnits")
                check(Double(p.existingRemainingPeriods), existingRemainingPeriods, prefix + "existingRemainingPeriods")
                check(p.depositFraction, depositFraction, prefix + "depositFraction")
                check(p.balanceDaysAfterDelivery, balanceDays, prefix + "balanceDaysAfterDelivery")
                if let b = p.bookLifePeriods { check(Double(b), bookLifePeriods, prefix + "bookLifePeriods") }
                for (w, t) in p.throughput.sorted(by: { $0.key < $1.key }) { check(t, throughput, prefix + "throughput." + w) }
                replicas(p.acceleratorsPerReplica, throughput: p.throughput, perUnit: p.acceleratorsPerUnit, prefix)
                derived(p.derivedServing, throughput: p.throughput, perUnit: p.acceleratorsPerUnit, prefix)
                check(Double(p.spareUnits), spareUnits, prefix + "spareUnits")
                check(p.failureDerating, failureDerating, prefix + "failureDerating")
                // availableFromIndex is 0 for a label before the horizon too: compare only a later one.
                moving(p.priceChange, from: p.availableFromIndex > 0 ? p.availableFromIndex : nil, until: p.availableUntilIndex, prefix)
                carriedIn(p.existingCohorts, prefix + "existing")
                for (q, units) in p.ordersInFlight.sorted(by: { $0.key < $1.key }) {
                    check(units, carriedUnits, "\(prefix)ordersInFlight[\(q)].units")
                    if !(0..<scenario.horizon.periods).contains(q) {
                        found.append("\(prefix)ordersInFlight[\(q)]: expected an arrival period in 0..<\(scenario.horizon.periods)")
                    }
                }
            case .rental(let r):
                check(r.pricePerUnitHour, pricePerUnitHour, prefix + "pricePerUnitHour")
                check(Double(r.acceleratorsPerUnit), acceleratorsPerUnit, prefix + "acceleratorsPerUnit")
                if let m = r.maxUnits { check(m, units, prefix + "maxUnits") }
                for (w, t) in r.throughput.sorted(by: { $0.key < $1.key }) { check(t, throughput, prefix + "throughput." + w) }
                replicas(r.acceleratorsPerReplica, throughput: r.throughput, perUnit: r.acceleratorsPerUnit, prefix)
                derived(r.derivedServing, throughput: r.throughput, perUnit: r.acceleratorsPerUnit, prefix)
                check(r.failureDerating, failureDerating, prefix + "failureDerating")
                check(r.upfrontPerUnit, upfrontPerUnit, prefix + "upfrontPerUnit")
                check(Double(r.spareUnits), spareUnits, prefix + "spareUnits")
                switch r.commitment {
                case .period:
                    let maxTerm = maxTermMonths / monthsPerPeriod(scenario.horizon.kind)
                    if r.termPeriods < 1 || r.termPeriods > maxTerm {
                        found.append("\(prefix)termPeriods: expected a whole number of periods in [1, \(maxTerm)], got \(r.termPeriods)")
                    }
                case .none, .spot:
                    let what = r.commitment == .spot ? "a spot rental" : "an on-demand rental"
                    if r.termPeriods != 0 { found.append("\(prefix)termPeriods: expected 0 for \(what), got \(r.termPeriods)") }
                    if r.upfrontPerUnit != 0 { found.append("\(prefix)upfrontPerUnit: expected 0 for \(what), got \(r.upfrontPerUnit)") }
                    if r.spareUnits != 0 { found.append("\(prefix)spareUnits: expected 0 for \(what), got \(r.spareUnits)") }
                }
                check(r.availability, availability, prefix + "availability")
                if r.commitment != .spot, r.availability != 1 { found.append("\(prefix)availability: expected 1 for a rental that is not spot, got \(r.availability)") }
                if r.commitment == .spot {
                    if r.clusterNetworking { found.append("\(prefix)clusterNetworking: expected false for a spot rental") }
                    let served = Set(r.throughput.keys).union(r.derivedServing.keys)
                    for w in served.sorted() where !rentalMayServe(.spot, interruptible: interruptible.contains(w)) {
                        found.append("\(prefix)throughput.\(w): expected an interruptible workload on spot capacity")
                    }
                }
                moving(r.priceChange, from: r.availableFromIndex, until: r.availableUntilIndex, prefix)
                carriedIn(r.contractsInTerm, prefix + "contractsInTerm")
                if !r.contractsInTerm.isEmpty, r.commitment != .period {
                    found.append("\(prefix)contractsInTerm: expected none on a rental that is not reserved (commitment: period)")
                }
                if let cap = r.maxUnits, r.unitsInTerm(inPeriod: 0) > cap {
                    found.append("\(prefix)contractsInTerm: expected at most maxUnits \(cap) units under contracts in term, got \(r.unitsInTerm(inPeriod: 0))")
                }
                for (i, c) in r.contractsInTerm.enumerated() where r.commitment == .period && c.remainingPeriods > r.termPeriods {
                    found.append("\(prefix)contractsInTerm[\(i)].remainingPeriods: expected at most the term, \(r.termPeriods) periods, got \(c.remainingPeriods)")
                }
            case .api(let a):
                check(a.inputPricePerMTok, pricePerMTok, prefix + "inputPricePerMTok")
                check(a.outputPricePerMTok, pricePerMTok, prefix + "outputPricePerMTok")
                if let r = a.maxTokensPerSecond { check(r, maxTokensPerSecond, prefix + "maxTokensPerSecond") }
                if let c = a.cachedInputPricePerMTok {
                    check(c, pricePerMTok, prefix + "cachedInputPricePerMTok")
                    if c > a.inputPricePerMTok { found.append("\(prefix)cachedInputPricePerMTok: expected at most inputPricePerMTok \(a.inputPricePerMTok), got \(c)") }
                }
                if a.batch {
                    for w in a.serves where !batchMayServe(deferrals[w] ?? nil) {
                        found.append("\(prefix)serves.\(w): expected a workload deferrable within the day on a batch API")
                    }
                }
                if let c = a.committedUse {
                    check(c.discount, commitDiscount, prefix + "committedUse.discount")
                    check(c.minSpendPerPeriod, minSpendPerPeriod, prefix + "committedUse.minSpendPerPeriod")
                }
                moving(a.priceChange, from: a.availableFromIndex, until: a.availableUntilIndex, prefix)
            }
        }
        let workloadIDs = Set(scenario.workloads.map(\.id))
        var seenJobs = Set<String>()
        for j in scenario.jobs {
            let path = "jobs.\(j.id)."
            if !seenJobs.insert(j.id).inserted { found.append("jobs.\(j.id): expected a unique job id") }
            if workloadIDs.contains(j.id) { found.append("jobs.\(j.id): expected a job id that is no workload's id") }
            check(j.flops, jobFlops, path + "flops")
            check(j.overhead, jobOverhead, path + "overhead")
            check(Double(j.minAccelerators), jobMinAccelerators, path + "minAccelerators")
            if let m = j.mfu { check(m, jobMFU, path + "mfu") }
            if !TrainingMFUDefault.trainingPrecisions.contains(j.precision) { found.append(path + "precision: expected bf16 or fp8, got \(j.precision.rawValue)") }
            if !(0 <= j.earliestStartIndex && j.earliestStartIndex <= j.deadlineIndex && j.deadlineIndex < scenario.horizon.periods) {
                found.append(path + "window: expected 0 <= earliestStart <= deadline < \(scenario.horizon.periods), got \(j.earliestStartIndex)...\(j.deadlineIndex)")
            }
            if j.pools.isEmpty { found.append(path + "pools: expected at least one pool") }
            for pool in j.pools {
                check(pool.acceleratorHours, jobAcceleratorHours, path + "pools.\(pool.offering).acceleratorHours")
                check(pool.mfu, jobMFU, path + "pools.\(pool.offering).mfu")
            }
        }
        check(scenario.site.electricityPricePerKWh, electricityPrice, "site.electricityPricePerKWh")
        check(scenario.site.pue, pue, "site.pue")
        if let cap = scenario.site.powerCapKW { check(cap, powerCapKW, "site.powerCapKW") }
        if let capex = scenario.budget.capexPerPeriod { check(capex, capexPerPeriod, "budget.capexPerPeriod") }
        check(Double(scenario.budget.fiscalYearStartMonth), fiscalYearStartMonth, "budget.fiscalYearStartMonth")
        for year in scenario.budget.fiscalYears {
            if let capex = year.capex { check(capex, fiscalYearBudget, "budget.fiscalYears.FY\(year.year).capex") }
            if let opex = year.opex { check(opex, fiscalYearBudget, "budget.fiscalYears.FY\(year.year).opex") }
        }
        check(scenario.policy.utilizationCap, utilizationCap, "policy.utilizationCap")
        if let penalty = scenario.policy.unservedPenaltyPerMTok { check(penalty, unservedPenalty, "policy.unservedPenaltyPerMTok") }
        if !scenario.demandCases.isEmpty {
            if scenario.demandCases.count > maxCases { found.append("demandCases: expected at most \(maxCases) cases, got \(scenario.demandCases.count)") }
            var seenCases = Set<String>()
            for c in scenario.demandCases {
                let path = "demandCases.\(c.name)."
                if !seenCases.insert(c.name).inserted { found.append("demandCases.\(c.name): expected a unique case name") }
                check(c.probability, caseProbability, path + "probability")
                check(c.apiPriceScale, caseAPIPriceScale, path + "apiPriceScale")
                for w in scenario.workloads {
                    guard let demand = c.demand[w.id] else { found.append(path + "demand.\(w.id): expected the workload's demand in the case"); continue }
                    if demand.count != scenario.horizon.periods {
                        found.append("\(path)demand.\(w.id): expected \(scenario.horizon.periods) values, one per period, got \(demand.count)")
                    }
                    check(demand, tokens, path + "demand." + w.id)
                }
            }
            let sum = scenario.demandCases.reduce(0) { $0 + $1.probability }
            if !(abs(sum - 1) <= probabilitySumTolerance) { found.append("demandCases: expected probabilities that sum to 1, got \(sum)") }
            check(scenario.risk.cvarWeight, cvarWeight, "risk.cvarWeight")
            check(scenario.risk.cvarLevel, cvarLevel, "risk.cvarLevel")
        } else if scenario.risk != RiskPolicy() {
            found.append("risk: expected no risk policy without demandCases")
        }
        let named = Set(scenario.purchases.compactMap(\.platform) + scenario.rentals.compactMap(\.platform))
        var seenPlatforms = Set<String>()
        for k in scenario.platforms {
            check(k.adoptionCost, platformCost, "platforms.\(k.id).adoptionCost")
            check(k.yearlyCost, platformCost, "platforms.\(k.id).yearlyCost")
            if !seenPlatforms.insert(k.id).inserted { found.append("platforms.\(k.id): expected a unique platform id") }
            if !named.contains(k.id) { found.append("platforms.\(k.id): expected a platform some offering names") }
        }
        return found
    }
}
