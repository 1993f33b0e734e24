// Pass 2: the raw scenario -> a validated `Scenario` (consistency checks, in the spirit of
// PyPSA's consistency.py). Every check runs and reports; the scenario is built only when no
// error was found. Ranges, id rules, references, catalog `use:`, per-period list lengths,
// CSV demand, time-slice sums, serviceability, the model-size limit and warnings live here.
import Foundation

struct ScenarioValidator {
    let sink: DiagnosticSink
    let catalog: Catalog
    let limits: ScenarioLimits
    /// Directory that relative CSV paths are resolved against, and that they must stay in.
    let baseDirectory: String
    /// Data files may lie outside `baseDirectory` (absolute paths, `..`).
    let allowOutsidePaths: Bool
    /// `--slices N`: replaces `slices` of `timeSlices: {hourlyProfile, slices}` (11.6).
    var slicesOverride: Int? = nil

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

    /// The value when `rule` allows it; otherwise an error stating the rule.
    @discardableResult
    func check(_ v: Loc<Double>?, _ rule: ValueRule) -> Double? {
        check(v, rule.allows, "expected \(rule.expected)")
    }

    /// A whole-number rule's value as an Int.
    func whole(_ v: Loc<Double>?, _ rule: ValueRule) -> Int? {
        check(v, rule).map { Int($0) }
    }

    /// A name of at most `ScenarioRules.maxNameBytes` UTF-8 bytes (GLPK's limit is bytes).
    func checkName(_ v: Loc<String>?) -> String? {
        guard let v else { return nil }
        guard ScenarioRules.fitsName(v.value) else {
            sink.error(v.path, at: v.node, value: v.node.written,
                       "expected a name of at most \(ScenarioRules.maxNameBytes) UTF-8 bytes (this one has \(v.value.utf8.count))")
            return nil
        }
        return v.value
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
        let periods = whole(raw.horizonPeriods, ScenarioRules.periods)
        var horizon: Horizon? = (start != nil && periods != nil) ? Horizon(start: start!, periods: periods!) : nil
        if let h = horizon, !ScenarioRules.fitsCalendar(h), let v = raw.horizonPeriods {
            sink.error(v.path, at: v.node, value: v.node.written,
                       "expected a horizon that ends by \(ScenarioRules.lastYear) (from \(h.start), \(h.periods) periods end in \(h.start.advanced(by: h.periods - 1).year))")
            horizon = nil
        }
        let name = checkName(raw.name)

        let discountRate = check(raw.discountRate, ScenarioRules.discountRate) ?? 0
        var accounting = CapexAccounting.amortized
        if let c = raw.capexAccounting {
            if let a = CapexAccounting(rawValue: c.value) { accounting = a } else {
                sink.error(c.path, at: c.node, value: c.node.written, "expected `amortized` or `cash`" + didYouMean(c.value, in: CapexAccounting.allCases.map(\.rawValue)))
            }
        }

        let fromProfile = raw.hourlyProfile.flatMap { validateHourlyProfile($0, workloads: raw.workloads) }
        let slices = raw.hourlyProfile != nil ? fromProfile?.slices ?? [] : validateSlices(raw.timeSlices)
        let workloadsResult = validateWorkloads(raw.workloads, horizon: horizon)
        let offerings = validateOfferings(raw.offerings, workloads: workloadsResult, horizon: horizon, hasJobs: raw.jobs != nil,
                                          integerUnits: raw.integerUnits?.value ?? true)
        let jobs = validateJobs(raw.jobs, horizon: horizon, workloads: workloadsResult)
        var workloadsShaped = workloadsResult
        // Slices all read (a failed hourly profile builds none), and a start either on every
        // slice or on none (mixed or unreadable starts are reported with the slices).
        let startsWritten = raw.timeSlices?.value.contains { $0.startWritten } ?? false
        let slicesComplete = raw.hourlyProfile != nil ? fromProfile != nil
            : (raw.timeSlices?.value.count ?? slices.count) == slices.count && !(startsWritten && slices.contains { $0.start == nil })
        applyProfiles(&workloadsShaped, slices: slices, slicesComplete: slicesComplete, fromHourlyProfile: raw.hourlyProfile != nil)

        // Site, budget, policy.
        let electricity = check(raw.electricityPrice, ScenarioRules.electricityPrice) ?? 0
        let pue = check(raw.pue, ScenarioRules.pue) ?? 1
        let powerCap = perPeriod(raw.powerCap, horizon: horizon, ScenarioRules.powerCapKW)
        if let cap = powerCap, let raw = raw.powerCap, cap.contains(where: { $0 > 1e6 }) {
            warnUnit(raw, "a power cap above 1 GW looks like watts; powerCapKW is in kW")
        }
        let capex = perPeriod(raw.capexPerPeriod, horizon: horizon, ScenarioRules.capexPerPeriod)
        if let capex, let raw = raw.capexPerPeriod, let m = capex.max(), m > 0, m < 1000 {
            warnUnit(raw, "a capital budget below 1000 USD per period looks like thousands or millions of USD; capexPerPeriod is in USD")
        }
        let fiscalYearStart = whole(raw.fiscalYearStartMonth, ScenarioRules.fiscalYearStartMonth) ?? 1
        let fiscalYears = validateFiscalYears(raw.fiscalYears, horizon: horizon, startMonth: fiscalYearStart)
        let utilization = check(raw.utilizationCap, ScenarioRules.utilizationCap) ?? 1
        let penalty = check(raw.unservedPenalty, ScenarioRules.unservedPenalty)
        let platforms = validatePlatforms(raw.platforms, offerings: offerings)
        let casesSource = validateDemandCases(raw.demandCases, horizon: horizon, workloads: workloadsResult)
        let risk = validateRisk(raw.risk, hasCases: raw.demandCasesWritten)
        let caseDecisions = validateCaseDecisions(raw.caseDecisions, hasCases: raw.demandCasesWritten)

        // Serviceability: every workload needs at least one offering.
        // Skipped when an offering could not be read at all: it might have been the one.
        if let ws = raw.workloads, !offerings.incomplete {
            for w in ws.value {
                guard let idLoc = w.id, Self.isValidID(idLoc.value) else { continue }
                let id = idLoc.value
                // Workloads with precisions may be served by derived options: checked after the derivation.
                if !offerings.servedWorkloads.contains(id), workloadsResult.withPrecisions[id] == nil {
                    sink.error(w.path, at: w.node, "expected at least one offering that can serve workload `\(id)` (list it under an offering's `throughput` or `serves`)")
                }
            }
        }

        // Training pools (docs/formulation.md section 10), also when other errors were found, so
        // that a job without a pool is reported with them. Bounded first like the serving
        // options: each pool adds at least one nonzero (its column in jobPool).
        let candidates = TrainingDerivation.candidatePools(jobs: jobs.jobs.count, offerings: offerings.list)
        guard candidates <= limits.maxNonzeros else {
            sink.error("jobs", at: raw.jobs?.node ?? raw.root,
                       "the model could have more than \(formatCount(Double(limits.maxNonzeros))) nonzeros, the limit: \(jobs.jobs.count) jobs"
                        + " could each run on up to \(candidates / max(1, jobs.jobs.count)) pools; list fewer jobs or offerings, or raise"
                        + " the model-size limit")
            return nil
        }
        checkJobPools(jobs, offerings: offerings.list, incomplete: offerings.incomplete)

        guard !sink.hasErrors, let horizon, let name else { return nil }
        var scenario = Scenario(
            name: name, horizon: horizon, discountRate: discountRate, capexAccounting: accounting,
            timeSlices: slices, workloads: workloadsShaped.workloads, offerings: offerings.list,
            site: Site(electricityPricePerKWh: electricity, pue: pue, powerCapKW: powerCap),
            budget: Budget(capexPerPeriod: capex, fiscalYearStartMonth: fiscalYearStart, fiscalYears: fiscalYears),
            policy: Policy(integerUnits: raw.integerUnits?.value ?? true, utilizationCap: utilization, unservedPenaltyPerMTok: penalty),
            platforms: platforms
        )
        scenario.jobs = jobs.jobs
        if let fromProfile { applyHourlyProfile(fromProfile, to: &scenario, workloads: raw.workloads) }
        // Demand cases once every workload's demand is known (CSV files included).
        if let casesSource, let rawCases = raw.demandCases {
            resolveDemandCases(casesSource, raw: rawCases, in: &scenario)
            scenario.risk = risk
            scenario.caseDecisions = caseDecisions
        }

        // Derived throughput (docs/formulation.md section 9), before the model size: each
        // precision that fits is a serving option with columns of its own.
        // Bounded first, before anything is estimated: each option adds at least two nonzeros
        // per period and slice (its column in the demand and the capacity rows), as the bound
        // below counts, so a scenario that could derive more options than the limit leaves room
        // for is refused like one whose bound is over the limit.
        let periodSlices = horizon.periods * max(1, slices.count)
        let optionLimit = max(0, limits.maxNonzeros / (2 * periodSlices) - offerings.pairs)
        guard ServingDerivation.derive(&scenario, optionLimit: optionLimit) != nil else {
            sink.error("", at: raw.root, "the model could have more than \(formatCount(Double(limits.maxNonzeros))) nonzeros, the limit:"
                + " \(horizon.periods) periods x \(slices.count) time slices, and precisions could derive more than \(formatCount(Double(optionLimit)))"
                + " serving options (every allowed precision of every workload on every purchase and rental with a known accelerator and"
                + " no throughput for it; each adds at least 2 nonzeros per period and slice); allow fewer precisions, list them on fewer"
                + " workloads, give fewer offerings an accelerator the performance model knows, or raise the model-size limit")
            return nil
        }
        // Training pools (docs/formulation.md section 10), checked above.
        TrainingDerivation.derive(&scenario)
        checkDerivedServing(scenario, workloads: workloadsResult, offerings: offerings, incomplete: offerings.incomplete)

        // Model size.
        if !sink.hasErrors {
            // An upper bound, so that a scenario under the limit never builds a larger model.
            let estimate = CapacityModelBuilder.nonzeroUpperBound(
                periods: horizon.periods, slices: slices.count, workloads: scenario.workloads.count,
                offerings: scenario.offerings, unservedPriced: penalty != nil, fiscalBudgets: !fiscalYears.isEmpty,
                jobs: scenario.jobs, deferrals: scenario.workloads.map(\.deferral))
            // The extensive form (docs/formulation.md 12.2): at most one copy per case, and with
            // λ > 0 a CVaR row per case over at most the case's columns (no more than its nonzeros).
            let cases = Double(scenario.demandCases.count)
            let caseFactor = cases == 0 ? 1 : cases * (scenario.risk.cvarWeight > 0 ? 2 : 1)
            let casesEstimate = estimate * caseFactor + (scenario.risk.cvarWeight > 0 ? 2 * cases : 0)
            if !scenario.demandCases.isEmpty, casesEstimate > Double(limits.maxNonzeros), estimate <= Double(limits.maxNonzeros) {
                let at = raw.demandCases?.node ?? raw.root
                sink.error("demandCases", at: at,
                           "the two-stage model would have up to \(formatCount(casesEstimate)) nonzeros, more than the limit of"
                            + " \(formatCount(Double(limits.maxNonzeros))): \(scenario.demandCases.count) cases x up to \(formatCount(estimate)) nonzeros"
                            + " per case\(scenario.risk.cvarWeight > 0 ? ", doubled by the CVaR rows" : ""); use fewer cases, a smaller model, or raise the model-size limit")
            }
            if estimate > Double(limits.maxNonzeros) {
                let options = scenario.purchases.map { o in scenario.workloads.reduce(0) { $0 + o.servingOptions(for: $1.id).count } }.reduce(0, +)
                    + scenario.rentals.map { o in scenario.workloads.reduce(0) { $0 + o.servingOptions(for: $1.id).count } }.reduce(0, +)
                    + scenario.apis.reduce(0) { $0 + $1.serves.count }
                sink.error("", at: raw.root, "the model would have up to \(formatCount(estimate)) nonzeros, more than the limit of \(formatCount(Double(limits.maxNonzeros))): \(horizon.periods) periods x \(slices.count) time slices, \(scenario.workloads.count) workloads, \(scenario.offerings.count) offerings (\(options) serving options)\(options > offerings.pairs ? ", precisions included" : "")\(scenario.jobs.isEmpty ? "" : ", \(scenario.jobs.count) jobs on \(scenario.jobs.reduce(0) { $0 + $1.pools.count }) pools"); shorten the horizon, merge slices or offerings, allow fewer precisions, or raise the model-size limit")
            }
        }
        return sink.hasErrors ? nil : scenario
    }

    /// After the derivation: a workload with precisions that nothing can serve is an error that
    /// says why each precision failed on each offering (with an unserved penalty it is only a
    /// warning: the penalty serves it); a purchase or rental left without throughput and with
    /// no derived option is a warning, as for one whose throughput names no workload.
    private func checkDerivedServing(_ scenario: Scenario, workloads: WorkloadsResult, offerings: OfferingsResult, incomplete: Bool) {
        for w in scenario.workloads where w.serving != nil {
            let served = scenario.purchases.contains { $0.canServe(w.id) } || scenario.rentals.contains { $0.canServe(w.id) }
                || scenario.apis.contains { $0.serves.contains(w.id) }
            guard !served, let raw = workloads.withPrecisions[w.id] else { continue }
            var reasons: [String] = []
            var unknown: [String] = []
            func note(_ id: String, _ label: String?, _ unfit: [UnfitPrecision]?) {
                guard let label, AcceleratorSpec.forOfferingLabel(label) != nil else { unknown.append(id); return }
                if let unfit { reasons.append("`\(id)` (\(label)): " + unfit.map { "\($0.precision.rawValue): \($0.reason)" }.joined(separator: "; ")) }
            }
            for o in scenario.offerings {
                switch o {
                case .purchase(let p): note(p.id, p.accelerator, p.unfitPrecisions[w.id])
                case .rental(let r):
                    if !ScenarioRules.rentalMayServe(r.commitment, interruptible: w.interruptible), let label = r.accelerator {
                        reasons.append("`\(r.id)` (\(label)): spot capacity serves interruptible workloads only (mark `\(w.id)` `interruptible: true`)")
                    } else {
                        note(r.id, r.accelerator, r.unfitPrecisions[w.id])
                    }
                case .api: break
                }
            }
            var why = reasons.isEmpty
                ? "no purchase or rental names an accelerator the performance model knows (\(listing(AcceleratorSpec.all.map(\.catalogName), noun: "accelerators", shown: 20)))"
                : "the performance model fits none of its precisions: " + reasons.prefix(5).joined(separator: " | ")
                    + (reasons.count > 5 ? " | and \(reasons.count - 5) more offerings" : "")
            if !reasons.isEmpty, !unknown.isEmpty {
                why += " (without a known accelerator: \(listing(unknown, noun: "offerings")))"
            }
            if scenario.policy.unservedPenaltyPerMTok != nil {
                sink.warning(raw.path, at: raw.node, "no offering can serve workload `\(w.id)`, so all its demand goes unserved at the penalty: \(why)")
            } else if !incomplete {
                sink.error(raw.path, at: raw.node,
                           "expected at least one offering that can serve workload `\(w.id)` (a throughput for it, an API that serves it, or a purchase or rental"
                            + " the performance model derives one on): \(why)")
            }
        }
        for (id, at) in offerings.derivable.sorted(by: { $0.key < $1.key }) {
            if scenario.jobs.contains(where: { $0.pools.contains { $0.offering == id } }) { continue }
            let unused: Bool
            switch scenario.offerings.first(where: { $0.id == id }) {
            case .purchase(let p)?: unused = p.throughput.isEmpty && p.derivedServing.isEmpty
            case .rental(let r)?: unused = r.throughput.isEmpty && r.derivedServing.isEmpty
            default: unused = false
            }
            if unused {
                sink.warning(at.path, at: at.node, "no workload can use offering `\(id)` (its throughput names none, and the performance model fits none of the workloads with precisions on it)")
            }
        }
    }

    private func formatCount(_ x: Double) -> String { groupedCount(Int(min(x, 9e18))) }

    private func warnUnit(_ raw: RawPerPeriod, _ message: String) {
        switch raw {
        case .scalar(let v): sink.warning(v.path, at: v.node, value: v.node.written, message)
        case .list(_, let node, let path): sink.warning(path, at: node, message)
        }
    }

    /// A number repeated for every period, or a list of exactly `periods` numbers.
    /// `budget.fiscalYears`: keys `FY<year>` of fiscal years some period of the horizon falls in
    /// (a budget for another year would constrain nothing, so it is most likely a typo), caps in
    /// USD by `ScenarioRules.fiscalYearBudget`; sorted by year.
    private func validateFiscalYears(_ raw: [RawFiscalYear]?, horizon: Horizon?, startMonth: Int) -> [FiscalYearBudget] {
        guard let raw else { return [] }
        let inHorizon = horizon.map { h in
            (0..<h.periods).map { FinanceComputation.fiscalYear(of: h.start.advanced(by: $0), startMonth: startMonth) }
        }
        var years: [FiscalYearBudget] = []
        for entry in raw {
            let key = entry.key
            let digits = key.value.dropFirst(2)
            guard key.value.hasPrefix("FY"), digits.count == 4, digits.allSatisfy(\.isASCII), let year = Int(digits) else {
                sink.error(key.path, at: key.node, value: key.value, "expected a fiscal year `FY<year>`, e.g. `FY2028`")
                continue
            }
            if let inHorizon, !inHorizon.contains(year), let first = inHorizon.first, let last = inHorizon.last {
                sink.error(key.path, at: key.node, value: key.value,
                           "expected a fiscal year some period of the horizon falls in: FY\(first) to FY\(last) (fiscal year N ends in calendar year N)")
                continue
            }
            let capex = check(entry.capex, ScenarioRules.fiscalYearBudget)
            let opex = check(entry.opex, ScenarioRules.fiscalYearBudget)
            years.append(FiscalYearBudget(year: year, capex: capex, opex: opex))
        }
        return years.sorted { $0.year < $1.year }
    }

    private func perPeriod(_ raw: RawPerPeriod?, horizon: Horizon?, _ rule: ValueRule) -> [Double]? {
        guard let raw else { return nil }
        switch raw {
        case .scalar(let v):
            guard let x = check(v, rule) else { return nil }
            return horizon.map { Array(repeating: x, count: $0.periods) }
        case .list(let vs, let node, let path):
            var ok = true
            let values = vs.map { v -> Double in
                if check(v, rule) == nil { ok = false }
                return v.value
            }
            if let horizon, vs.count != horizon.periods {
                sink.error(path, at: node, value: "\(vs.count) values", "expected \(horizon.periods) values, one per period \(horizon.labels.first!)...\(horizon.labels.last!)")
                ok = false
            }
            return ok ? values : nil
        }
    }

    // MARK: Platforms

    /// `platforms:` entries: unique ids, costs in range, and each the platform of some offering
    /// (a cost nobody can incur is a typo more often than not).
    private func validatePlatforms(_ raw: Loc<[RawPlatform]>?, offerings: OfferingsResult) -> [PlatformCost] {
        guard let raw else { return [] }
        var result: [PlatformCost] = []
        var seen: [String: String] = [:]
        let named = offerings.platformOrder
        for p in raw.value {
            let adoption = check(p.adoptionCost, ScenarioRules.platformCost) ?? 0
            let yearly = check(p.yearlyCost, ScenarioRules.platformCost) ?? 0
            guard let idLoc = p.id, checkID(idLoc) else { continue }
            let id = idLoc.value
            if let first = seen[id] {
                sink.error(idLoc.path, at: idLoc.node, value: idLoc.node.written, "expected a unique platform id (`\(id)` is already used by \(first))")
                continue
            }
            seen[id] = p.path
            if !offerings.incomplete, !named.contains(id) {
                let known = named.isEmpty ? " (no offering names a platform: set `platform:` on the offerings that run on it)"
                    : (closestMatch(to: id, in: named).map { "; did you mean `\(InputText.excerpt($0))`?" }
                        ?? " (offerings name \(listing(named, noun: "platforms")))")
                sink.error(idLoc.path, at: idLoc.node, value: idLoc.node.written,
                           "expected the platform of some offering: no offering names `\(id)`, so its cost could never apply" + known)
                continue
            }
            result.append(PlatformCost(id: id, adoptionCost: adoption, yearlyCost: yearly))
        }
        return result
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
            let hours = check(s.hours, ScenarioRules.sliceHours)
            let share = check(s.share, ScenarioRules.sliceShare)
            let start = check(s.start, Self.sliceStart)
            if s.startWritten && start == nil { complete = false }
            if let hours, let share, let name = s.name?.value {
                result.append(TimeSlice(name: name, hours: hours, share: share, start: start))
            } else { complete = false }
        }
        // Starts: all slices or none (11.2).
        let withStart = raw.value.filter { $0.startWritten }
        if let first = withStart.first, withStart.count < raw.value.count {
            complete = false
            for s in raw.value where !s.startWritten {
                sink.error(s.path + ".start", at: s.node, "required key missing: the hour the slice begins (\(first.path) gives `start`, so every slice must)")
            }
        }
        if complete {
            let hours = result.reduce(0) { $0 + $1.hours }
            if abs(hours - 24) > Self.sumTolerance {
                sink.error(raw.path, at: raw.node, value: "\(hours) hours", "expected the slices' hours to sum to 24")
            } else if !withStart.isEmpty {
                checkTiling(result, raw)
            }
            let share = result.reduce(0) { $0 + $1.share }
            if abs(share - 1) > Self.sumTolerance {
                sink.error(raw.path, at: raw.node, value: "\(share)", "expected the slices' shares to sum to 1")
            }
        }
        return result
    }

    /// a_s: an hour of the day.
    static let sliceStart = ValueRule("the hour of the day the slice begins", .inclusive(0), .exclusive(24))

    /// Slices with starts tile the day: sorted by start, each ends (mod 24) where the next
    /// begins, within 1e-9 hours. With hours summing to 24, no gap also means no overlap.
    private func checkTiling(_ slices: [TimeSlice], _ raw: Loc<[RawSlice]>) {
        let order = slices.indices.sorted { (slices[$0].start!, $0) < (slices[$1].start!, $1) }
        for (k, i) in order.enumerated() {
            let j = order[(k + 1) % order.count]
            let end = (slices[i].start! + slices[i].hours).truncatingRemainder(dividingBy: 24)
            let gap = (slices[j].start! - end).truncatingRemainder(dividingBy: 24)
            let off = min(abs(gap), 24 - abs(gap))
            guard off > 1e-9 else { continue }
            let s = raw.value[i]
            sink.error(s.path + ".start", at: s.start?.node ?? s.node, value: s.start?.node.written,
                       "expected the slices to tile the day without overlap: `\(slices[i].name)` covers \(hourText(slices[i].start!))"
                        + " to \(hourText(end)) (start + hours), but the next slice by start, `\(slices[j].name)`, begins at \(hourText(slices[j].start!))")
        }
    }

    private func hourText(_ h: Double) -> String {
        h == h.rounded() ? String(Int(h)) : String(h)
    }

    // MARK: Workloads

    struct WorkloadsResult {
        var workloads: [Workload] = []
        /// Every workload id as written (valid or not), to resolve references without cascades.
        var ids: Set<String> = []
        var order: [String] = []
        var models: [String: String] = [:]
        /// Workloads that list `precisions`, as read (for messages that point at them).
        var withPrecisions: [String: RawWorkload] = [:]
        /// Some workload has no id (or the list is unreadable): references cannot be checked.
        var incomplete = false
        /// Each workload as read, by id (for the profile and messages that point at its keys).
        var raw: [String: RawWorkload] = [:]
        /// Workloads marked `interruptible`, and each workload's deferral (nil: not deferrable), by id.
        var interruptible: Set<String> = []
        var deferrals: [String: Deferral?] = [:]
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
            var share = check(w.outputShare, ScenarioRules.outputShare) ?? 0.5
            let serving = validateServing(w)
            if let serving {
                let implied = ScenarioRules.outputShare(inputTokens: serving.inputTokens, outputTokens: serving.outputTokens)
                share = implied
                if let given = w.outputShare, ScenarioRules.outputShare.allows(given.value) {
                    if abs(given.value - implied) > ScenarioRules.outputShareTolerance {
                        sink.error(given.path, at: given.node, value: given.node.written,
                                   "expected the share the request sizes give, outputTokensPerRequest / (inputTokensPerRequest + outputTokensPerRequest)"
                                    + " = \(Int(serving.outputTokens)) / \(Int(serving.inputTokens + serving.outputTokens)) = \(implied), within"
                                    + " \(ScenarioRules.outputShareTolerance); outputShare is \(given.value) (leave it out to take \(implied))")
                    } else { share = given.value }
                }
            }
            if let m = w.model {
                if w.precisionsWritten {
                    // With precisions the model must be one the performance model knows (a
                    // superset of the catalog's models).
                    if ModelSpec.named(m.value) != nil {
                        if let id = w.id?.value { result.models[id] = m.value }
                    } else {
                        let known = ModelSpec.all.map(\.id)
                        sink.error(m.path, at: m.node, value: m.node.written,
                                   "expected a model the performance model knows, with precisions"
                                    + (closestMatch(to: m.value, in: known).map { "; did you mean `\($0)`?" } ?? " (\(listing(known, noun: "models")))"))
                    }
                } else if catalog.models.contains(where: { $0.id == m.value }) {
                    if let id = w.id?.value { result.models[id] = m.value }
                } else {
                    let known = catalog.models.map(\.id)
                    let performanceOnly = ModelSpec.named(m.value) != nil
                        ? " (`\(m.value)` is a model of the performance model: it is accepted with `precisions`)" : ""
                    sink.error(m.path, at: m.node, value: m.node.written,
                               "expected a catalog model id" + (performanceOnly.isEmpty
                                ? (closestMatch(to: m.value, in: known).map { "; did you mean `\($0)`?" } ?? (known.isEmpty ? "" : " (\(listing(known, noun: "catalog models")))"))
                                : performanceOnly))
                }
            } else if w.precisionsWritten {
                sink.error(w.path + ".model", at: w.node,
                           "required key missing with precisions: the model the performance model derives throughput for (\(listing(ModelSpec.all.map(\.id), noun: "models", shown: 8)))")
            }
            let demand = w.demand.flatMap { validateDemand($0, horizon: horizon) }
            if let demand, let d = w.demand {
                if demand.allSatisfy({ $0 == 0 }) {
                    sink.warning(d.path, at: d.node, "this workload has zero demand in every period")
                } else if let horizon, let m = demand.max(), m < horizon.hoursPerPeriod * 3600 {
                    sink.warning(d.path, at: d.node, value: "max \(m)", "demand averages below 1 token/s in every period; it looks like tokens per second or millions of tokens, but demand is tokens (input + output) per period")
                }
            }
            let minReplicas = whole(w.minReplicas, ScenarioRules.minReplicas) ?? 1
            let shape = validateShape(w)
            if let id = w.id?.value {
                result.raw[id] = w
                if shape.interruptible { result.interruptible.insert(id) }
                result.deferrals[id] = shape.deferral
            }
            if let id = w.id?.value, let demand {
                var workload = Workload(id: id, outputShare: share, model: w.model?.value, demand: demand, minReplicas: minReplicas, serving: serving)
                workload.deferral = shape.deferral
                workload.interruptible = shape.interruptible
                workload.cache = shape.cache
                result.workloads.append(workload)
            }
            if let id = w.id?.value, w.precisionsWritten { result.withPrecisions[id] = w }
        }
        return result
    }

    /// `precisions` with `latency` and the request sizes: what the performance model needs to
    /// derive throughput (docs/scenario-format.md, "Precisions and derived throughput"). The
    /// request sizes are required with `precisions` and refused without it; nil when the
    /// workload has no `precisions` or any of these is wrong (each wrong one is reported).
    private func validateServing(_ w: RawWorkload) -> WorkloadServing? {
        guard w.precisionsWritten else {
            let refused: [(String, DocNode, String?)] = [
                w.latency.map { ("latency", $0.node, $0.path) }, w.inputTokens.map { ("inputTokensPerRequest", $0.node, $0.path) },
                w.outputTokens.map { ("outputTokensPerRequest", $0.node, $0.path) },
            ].compactMap { $0 }
            for (key, node, path) in refused {
                sink.error(path ?? w.path + "." + key, at: node, value: node.written,
                           "\(key) applies to workloads with `precisions` (the performance model derives their throughput); without it"
                            + " throughputs come from the offerings: add `precisions: [...]` or remove \(key)")
            }
            return nil
        }
        var ok = true
        var precisions: [Precision] = []
        if let list = w.precisions {
            if list.value.isEmpty {
                sink.error(list.path, at: list.node, "expected at least one precision (bf16, fp8, int8, fp4, int4)")
                ok = false
            }
            for p in list.value {
                guard let precision = Precision(rawValue: p.value) else {
                    sink.error(p.path, at: p.node, value: p.node.written,
                               "expected a precision: bf16, fp8, int8, fp4 or int4" + didYouMean(p.value, in: Precision.allCases.map(\.rawValue)))
                    ok = false
                    continue
                }
                if precisions.contains(precision) {
                    sink.error(p.path, at: p.node, value: p.node.written, "expected each precision once (`\(p.value)` is listed twice)")
                    ok = false
                } else { precisions.append(precision) }
            }
        } else { ok = false }
        var latency = LatencyClass.interactive
        if let l = w.latency {
            if let value = LatencyClass(rawValue: l.value) { latency = value } else {
                sink.error(l.path, at: l.node, value: l.node.written,
                           "expected `interactive` (a per-token latency limit, MLPerf Server-like) or `batch` (none, Offline-like)"
                            + didYouMean(l.value, in: LatencyClass.allCases.map(\.rawValue)))
                ok = false
            }
        }
        func tokens(_ v: Loc<Double>?, _ key: String, _ what: String) -> Double? {
            guard let v else {
                sink.error(w.path + "." + key, at: w.node, "required key missing with precisions: \(what)")
                return nil
            }
            return check(v, ScenarioRules.requestTokens)
        }
        let input = tokens(w.inputTokens, "inputTokensPerRequest", "mean prompt tokens per request")
        let output = tokens(w.outputTokens, "outputTokensPerRequest", "mean completion tokens per request")
        guard ok, let input, let output else { return nil }
        return WorkloadServing(precisions: precisions, latency: latency, inputTokens: input, outputTokens: output)
    }

    private func validateDemand(_ d: Loc<RawDemand>, horizon: Horizon?) -> [Double]? {
        switch d.value {
        case .list(let values):
            var ok = true
            for v in values where check(v, ScenarioRules.tokens) == nil { ok = false }
            if let horizon, values.count != horizon.periods {
                sink.error(d.path, at: d.node, value: "\(values.count) values", "expected \(horizon.periods) values, one per period \(horizon.labels.first!)...\(horizon.labels.last!)")
                ok = false
            }
            return ok && horizon != nil ? values.map(\.value) : nil
        case .growth(let start, let growth):
            let s = check(start, ScenarioRules.tokens)
            let g = check(growth, ScenarioRules.growth)
            guard let s, let g, let horizon else { return nil }
            let values = (0..<horizon.periods).map { s * pow(1 + g, Double($0)) }
            if let p = values.firstIndex(where: { !ScenarioRules.tokens.allows($0) }) {
                sink.error(growth!.path, at: growth!.node, value: growth!.node.written,
                           "expected a growth rate that keeps demand within \(ValueRule.format(1e36)) tokens a period (period \(p + 1) would have \(values[p]))")
                return nil
            }
            return values
        case .csv(let file, let column):
            if let file, file.value.utf8.count > ScenarioRules.maxPathBytes {
                sink.error(file.path, at: file.node, value: file.node.written, "expected a path of at most \(ScenarioRules.maxPathBytes) bytes")
                return nil
            }
            if column != nil, checkName(column) == nil { return nil }
            guard let file, let horizon else { return nil }
            return DemandCSV.read(file: file, column: column?.value ?? "tokens", baseDirectory: baseDirectory,
                                  allowOutsidePaths: allowOutsidePaths, maxBytes: limits.maxDataFileBytes, horizon: horizon, sink: sink)
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
        /// Platforms the offerings name, in first-mention order.
        var platformOrder: [String] = []
        /// Purchases and rentals whose throughput the performance model may derive, by id, with
        /// where they are written (for messages after the derivation).
        var derivable: [String: (node: DocNode, path: String)] = [:]
    }

    /// T_o in periods: `termMonths` as written (reserved rentals only, a whole number of
    /// periods), else the catalog entry's term when it stays reserved, else one period.
    private func rentalTerm(
        _ o: RawOffering, commitment: RentalCommitment, commitmentKnown: Bool, catalog entry: CatalogRental?, horizon: Horizon?
    ) -> Int {
        let months: Int
        let at: Loc<Double>?
        if let written = o.numbers["termMonths"] {
            guard commitment == .period || !commitmentKnown else {
                sink.error(written.path, at: written.node, value: written.node.written,
                           "termMonths applies to reserved rentals (commitment: period): "
                            + (commitment == .spot ? "a spot rental is paid by the hour and has no term" : "an on-demand rental (commitment: none) has no term"))
                return 0
            }
            guard let m = whole(written, ScenarioRules.termMonths) else { return 1 }
            months = m
            at = written
        } else if commitment == .period, entry?.commitment == .period, let m = entry?.termMonths {
            months = m
            at = nil
        } else {
            return 1
        }
        guard let horizon else { return 1 }
        let perPeriod = ScenarioRules.monthsPerPeriod(horizon.kind)
        guard months % perPeriod == 0 else {
            let kind = horizon.kind.rawValue
            let lower = months / perPeriod * perPeriod
            let near = lower == 0 ? "\(perPeriod)" : "\(lower) or \(lower + perPeriod)"
            let message = "expected a whole number of \(kind)s, the horizon's periods: a \(kind) is \(perPeriod) months,"
                + " so a multiple of \(perPeriod) months (nearest: \(near))"
            if let at {
                sink.error(at.path, at: at.node, value: at.node.written, message)
            } else if let use = o.use {
                sink.error(use.path, at: use.node, value: use.node.written, "the catalog entry's \(months)-month term: " + message + "; set termMonths")
            }
            return 1
        }
        return months / perPeriod
    }

    private func validateOfferings(_ raw: Loc<[RawOffering]>?, workloads: WorkloadsResult, horizon: Horizon?, hasJobs: Bool,
                                   integerUnits: Bool) -> OfferingsResult {
        var result = OfferingsResult()
        guard let raw else { return result }
        if raw.value.isEmpty { sink.error(raw.path, at: raw.node, "expected at least one offering") }
        var seen: [String: String] = [:]
        let ppy = horizon?.kind.periodsPerYear ?? 4
        let workloadList = workloads.order.isEmpty ? "" : " (\(listing(workloads.order, noun: "workload ids")))"

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
            let accelerator = checkName(o.strings["accelerator"])
            // Throughput the performance model may derive: the accelerator is one it knows and
            // some workload lists precisions (ServingDerivation, after validation).
            let label = accelerator ?? catalogPurchase?.accelerator ?? catalogRental?.accelerator
            let derivable = kind != .api && !workloads.withPrecisions.isEmpty && label.flatMap(AcceleratorSpec.forOfferingLabel) != nil
            // Jobs may train on it (a pool needs a known accelerator; rentals also clusterNetworking).
            let networked = o.clusterNetworking?.value ?? catalogRental?.clusterNetworking ?? false
            let trainable = hasJobs && (kind == .purchase || (kind == .rental && networked))
                && label.flatMap(AcceleratorSpec.forOfferingLabel) != nil
            if derivable { result.derivable[id] = (o.node, o.path) }
            if kind != .api, o.use == nil, o.throughput == nil, !workloads.withPrecisions.isEmpty, !derivable, let written = o.strings["accelerator"] {
                sink.error(o.path + ".throughput", at: o.node,
                           "required key missing: tokens/s per unit for each workload it serves (accelerator `\(InputText.excerpt(written.value))` is not one"
                            + " the performance model knows, so none is derived; it knows \(listing(AcceleratorSpec.all.map(\.catalogName), noun: "accelerators", shown: 20)))")
            }

            // Throughput: catalog by model, then explicit keys. A workload that lists
            // `precisions` asks for the performance model's options at its own request sizes and
            // latency, so the catalog's measured figure (one precision, MLPerf's request sizes)
            // does not stand in for them; a `throughput` key typed in the scenario still wins.
            func throughput(catalogByModel: [String: CatalogThroughput]?, commitment: RentalCommitment = .none) -> [String: Double] {
                var t: [String: Double] = [:]
                if let byModel = catalogByModel {
                    for wid in workloads.order where workloads.withPrecisions[wid] == nil
                        && ScenarioRules.rentalMayServe(commitment, interruptible: workloads.interruptible.contains(wid)) {
                        if let model = workloads.models[wid], let entry = byModel[model] { t[wid] = entry.tokensPerSecond }
                    }
                }
                if let explicit = o.throughput {
                    for (key, value) in explicit.value {
                        guard workloads.ids.contains(key.value) || workloads.incomplete else {
                            sink.error(key.path, at: key.node, "expected a workload id of this scenario\(workloadList)" + didYouMean(key.value, in: workloads.order))
                            continue
                        }
                        if workloads.ids.contains(key.value), !ScenarioRules.rentalMayServe(commitment, interruptible: workloads.interruptible.contains(key.value)) {
                            sink.error(key.path, at: key.node,
                                       "spot capacity serves interruptible workloads only: mark \(InputText.excerpt(key.value)) `interruptible: true` or remove the key")
                            continue
                        }
                        if let x = check(value, ScenarioRules.throughput) { t[key.value] = x }
                    }
                }
                return t
            }

            /// The platform as written (an id), else the catalog entry's.
            func platform(catalog entry: String?) -> String? {
                guard let written = o.strings["platform"] else { return entry }
                return checkID(written) ? written.value : nil
            }

            /// Replica sizes: the catalog's by model for the workloads it serves, then explicit keys.
            /// A catalog size is taken where it changes what is paid for: on demand (billed by the
            /// hour, so at least one replica's accelerators while serving) and where a replica
            /// spans units. Whole units of a purchase or reservation that hold one replica or more
            /// already pay for whole replicas, and a replica variable per slice there only slows
            /// the solve (docs/scenario-format.md).
            func replicaSizes(
                throughput t: [String: Double], perUnit: Int, catalogByModel: [String: Int]?, wholeUnits: Bool
            ) -> [String: Int] {
                var sizes: [String: Int] = [:]
                let explicitKeys = Set(o.acceleratorsPerReplica?.value.map(\.key.value) ?? [])
                // `acceleratorsPerReplica: {}` turns the catalog's sizes off.
                if let explicit = o.acceleratorsPerReplica, explicit.value.isEmpty, case .mapping(let pairs) = explicit.node.content, pairs.isEmpty {
                    return [:]
                }
                if let byModel = catalogByModel {
                    for wid in workloads.order where t[wid] != nil && !explicitKeys.contains(wid) {
                        guard let model = workloads.models[wid], let a = byModel[model] else { continue }
                        if !ScenarioRules.replicaSizeApplies(accelerators: a, perUnit: perUnit, wholeUnits: wholeUnits) { continue }
                        if ScenarioRules.replicaFits(accelerators: a, perUnit: perUnit) {
                            sizes[wid] = a
                        } else if let at = num("acceleratorsPerUnit") {
                            sink.error(at.path, at: at.node, value: at.node.written,
                                       "expected units that fit the catalog's replica size for workload `\(wid)` (\(a) accelerators run one replica of \(model)):"
                                        + " a multiple or a divisor of \(a); or set acceleratorsPerReplica: {\(wid): N} for these units")
                        }
                    }
                }
                guard let explicit = o.acceleratorsPerReplica else { return sizes }
                let throughputKeys = Set(o.throughput?.value.map(\.key.value) ?? []).union(t.keys)
                for (key, value) in explicit.value {
                    guard workloads.ids.contains(key.value) || workloads.incomplete else {
                        sink.error(key.path, at: key.node, "expected a workload id of this scenario\(workloadList)" + didYouMean(key.value, in: workloads.order))
                        continue
                    }
                    guard throughputKeys.contains(key.value) || workloads.incomplete else {
                        if workloads.withPrecisions[key.value] != nil {
                            sink.error(key.path, at: key.node,
                                       "expected a workload this offering has a given throughput for: `\(InputText.excerpt(key.value))` has precisions and no"
                                        + " throughput here, so its replica size on this offering is derived from the memory fit (docs/performance-model.md);"
                                        + " give throughput: {\(InputText.excerpt(key.value)): N} too to set both yourself")
                            continue
                        }
                        let served = workloads.order.filter { t[$0] != nil }
                        sink.error(key.path, at: key.node,
                                   "expected a workload this offering has throughput for (`\(InputText.excerpt(key.value))` has none here, so it never runs on it;"
                                    + (served.isEmpty ? " this offering serves no workload)" : " it serves \(listing(served, noun: "workloads")))"))
                        continue
                    }
                    guard let a = whole(value, ScenarioRules.acceleratorsPerReplica) else { continue }
                    guard ScenarioRules.replicaFits(accelerators: a, perUnit: perUnit) else {
                        let divisors = (1...perUnit).filter { perUnit % $0 == 0 && $0 <= 1024 }.prefix(8).map(String.init).joined(separator: ", ")
                        sink.error(value.path, at: value.node, value: value.node.written,
                                   "expected a replica size that fits units of \(perUnit) accelerators (acceleratorsPerUnit): a divisor of \(perUnit),"
                                    + " so that a unit holds whole replicas (\(divisors)), or a multiple of \(perUnit), so that a replica fills whole units"
                                    + " (\(perUnit * 2), \(perUnit * 3), ...)")
                        continue
                    }
                    sizes[key.value] = a
                }
                return sizes
            }

            let priceChange = validatePriceChange(o, horizon: horizon)
            let window = validateWindow(o, horizon: horizon)
            let spareUnits = whole(num("spareUnits"), ScenarioRules.spareUnits) ?? 0
            let failureDerating = check(num("failureDerating"), ScenarioRules.failureDerating) ?? 0

            var offering: Offering
            switch kind {
            case .purchase:
                let unitPrice = check(num("unitPrice"), ScenarioRules.unitPrice) ?? catalogPurchase?.unitPrice ?? 0
                if unitPrice < 100, o.numbers["unitPrice"] != nil || catalogPurchase != nil {
                    let at = o.numbers["unitPrice"]
                    sink.warning(at?.path ?? o.path, at: at?.node ?? o.node, value: at?.node.written, "a purchase cheaper than 100 USD a unit is unusual; unitPrice is USD per unit")
                }
                let accelerators = whole(num("acceleratorsPerUnit"), ScenarioRules.acceleratorsPerUnit) ?? catalogPurchase?.acceleratorsPerUnit ?? 1
                let lifetime = whole(num("lifetimePeriods"), ScenarioRules.lifetimePeriods)
                    ?? catalogPurchase.map { max(1, Int(($0.lifetimeYears * Double(ppy)).rounded())) } ?? 1
                let power = check(num("powerKW"), ScenarioRules.powerKW) ?? catalogPurchase?.powerKW ?? 0
                let opex = check(num("opexPerUnitPeriod"), ScenarioRules.opexPerUnitPeriod) ?? 0
                let lead = whole(num("leadTimePeriods"), ScenarioRules.leadTimePeriods) ?? 0
                let maxPer = check(num("maxUnitsPerPeriod"), ScenarioRules.units)
                let existing = check(num("existingUnits"), ScenarioRules.units) ?? 0
                let remaining = whole(num("existingRemainingPeriods"), ScenarioRules.existingRemainingPeriods)
                let deposit = check(num("depositFraction"), ScenarioRules.depositFraction) ?? 0
                let balanceDays = check(num("balanceDaysAfterDelivery"), ScenarioRules.balanceDays) ?? 0
                let bookLife = whole(num("bookLifePeriods"), ScenarioRules.bookLifePeriods)
                // availableFrom before the horizon is the horizon's start (units arrive from period 1).
                let availableIndex = max(0, window.from ?? 0)
                let t = throughput(catalogByModel: catalogPurchase?.throughputByModel)
                let platformName = platform(catalog: catalogPurchase?.platform)
                if let name = platformName, !result.platformOrder.contains(name) { result.platformOrder.append(name) }
                offering = .purchase(PurchaseOffering(
                    id: id, unitPrice: unitPrice, accelerator: accelerator ?? catalogPurchase?.accelerator,
                    acceleratorsPerUnit: accelerators, lifetimePeriods: lifetime, powerKW: power, opexPerUnitPeriod: opex,
                    throughput: t, availableFromIndex: availableIndex, leadTimePeriods: lead, maxUnitsPerPeriod: maxPer,
                    existingUnits: existing, existingRemainingPeriods: remaining,
                    depositFraction: deposit, balanceDaysAfterDelivery: balanceDays, bookLifePeriods: bookLife,
                    platform: platformName,
                    acceleratorsPerReplica: replicaSizes(
                        throughput: t, perUnit: accelerators, catalogByModel: catalogPurchase?.acceleratorsPerReplicaByModel, wholeUnits: true),
                    spareUnits: spareUnits, failureDerating: failureDerating))
                if case .purchase(var p) = offering {
                    p.priceChange = priceChange
                    p.availableUntilIndex = window.until
                    p.existingCohorts = validateUnitsInTerm(o.existing, integerUnits: integerUnits)
                    p.ordersInFlight = validateOrdersInFlight(o.ordersInFlight, horizon: horizon, integerUnits: integerUnits)
                    offering = .purchase(p)
                }
                result.pairs += t.count
                result.servedWorkloads.formUnion(t.keys)
                if t.isEmpty && !derivable && !trainable { sink.warning(o.path, at: o.node, "no workload can use offering `\(id)` (its throughput names none)") }
            case .rental:
                let price = check(num("pricePerUnitHour"), ScenarioRules.pricePerUnitHour) ?? catalogRental?.pricePerUnitHour ?? 0
                let accelerators = whole(num("acceleratorsPerUnit"), ScenarioRules.acceleratorsPerUnit) ?? catalogRental?.acceleratorsPerUnit ?? 1
                var commitment = catalogRental?.commitment ?? .none
                var commitmentKnown = true
                if let c = o.strings["commitment"] {
                    if let value = RentalCommitment(rawValue: c.value) { commitment = value } else {
                        commitmentKnown = false
                        sink.error(c.path, at: c.node, value: c.node.written,
                                   "expected `none` (on demand), `period` (reserved) or `spot` (preemptible)" + didYouMean(c.value, in: ["none", "period", "spot"]))
                    }
                }
                let maxUnits = check(num("maxUnits"), ScenarioRules.units)
                let t = throughput(catalogByModel: catalogRental?.throughputByModel, commitment: commitment)
                let term = rentalTerm(o, commitment: commitment, commitmentKnown: commitmentKnown, catalog: catalogRental, horizon: horizon)
                var upfront = 0.0
                if let at = num("upfrontPerUnit"), let x = check(at, ScenarioRules.upfrontPerUnit) {
                    if commitment == .period || !commitmentKnown { upfront = x } else {
                        sink.error(at.path, at: at.node, value: at.node.written,
                                   "upfrontPerUnit applies to reserved rentals (commitment: period): "
                                    + (commitment == .spot ? "a spot rental" : "an on-demand rental") + " has no contract to pay for up front")
                    }
                }
                var spare = spareUnits
                if let at = num("spareUnits"), commitment != .period, commitmentKnown, spareUnits > 0 {
                    spare = 0
                    let what = commitment == .spot ? "spot" : "on-demand"
                    sink.error(at.path, at: at.node, value: at.node.written,
                               "spareUnits applies to purchases and reserved rentals (commitment: period): \(what) capacity is rented by the hour"
                                + " as it is used, so there is no pool to hold spare units in; use failureDerating for a margin on \(what) capacity")
                }
                let availability = validateAvailability(o, commitment: commitment, commitmentKnown: commitmentKnown, catalog: catalogRental)
                // Spot capacity is preemptible: no training jobs, so no cluster networking (11.3).
                var clusterNetworking = networked
                if commitment == .spot {
                    clusterNetworking = false
                    if let c = o.clusterNetworking, c.value {
                        sink.error(c.path, at: c.node, value: c.node.written,
                                   "clusterNetworking applies to on-demand and reserved rentals: a spot rental can be preempted, so no training job runs on it")
                    }
                }
                let platformName = platform(catalog: catalogRental?.platform)
                if let name = platformName, !result.platformOrder.contains(name) { result.platformOrder.append(name) }
                var rental = RentalOffering(
                    id: id, pricePerUnitHour: price, accelerator: accelerator ?? catalogRental?.accelerator,
                    acceleratorsPerUnit: accelerators, commitment: commitment, maxUnits: maxUnits, throughput: t,
                    termPeriods: commitment == .period ? term : 0, upfrontPerUnit: upfront, platform: platformName,
                    acceleratorsPerReplica: replicaSizes(
                        throughput: t, perUnit: accelerators, catalogByModel: catalogRental?.acceleratorsPerReplicaByModel,
                        wholeUnits: commitment == .period),
                    spareUnits: spare, failureDerating: failureDerating)
                rental.clusterNetworking = clusterNetworking
                rental.availability = availability
                rental.priceChange = priceChange
                rental.availableFromIndex = window.from
                rental.availableUntilIndex = window.until
                rental.contractsInTerm = validateContractsInTerm(o, commitment: commitment, commitmentKnown: commitmentKnown, termPeriods: term,
                                                                 maxUnits: maxUnits, horizon: horizon, integerUnits: integerUnits)
                offering = .rental(rental)
                result.pairs += t.count
                result.servedWorkloads.formUnion(t.keys)
                if t.isEmpty && !derivable && !trainable { sink.warning(o.path, at: o.node, "no workload can use offering `\(id)` (its throughput names none)") }
            case .api:
                let input = check(num("inputPricePerMTok"), ScenarioRules.pricePerMTok) ?? catalogAPI?.inputPricePerMTok ?? 0
                let output = check(num("outputPricePerMTok"), ScenarioRules.pricePerMTok) ?? catalogAPI?.outputPricePerMTok ?? 0
                let rate = check(num("maxTokensPerSecond"), ScenarioRules.maxTokensPerSecond)
                let batch = o.batch?.value ?? catalogAPI?.batch ?? false
                var serves: [String] = []
                if let explicit = o.serves {
                    var listed = Set<String>()
                    for s in explicit.value {
                        if !workloads.ids.contains(s.value) && !workloads.incomplete {
                            sink.error(s.path, at: s.node, value: s.node.written, "expected a workload id of this scenario\(workloadList)" + didYouMean(s.value, in: workloads.order))
                        } else if !listed.insert(s.value).inserted {
                            sink.error(s.path, at: s.node, value: s.node.written, "expected each workload once in serves")
                        } else if batch, workloads.ids.contains(s.value), !ScenarioRules.batchMayServe(workloads.deferrals[s.value] ?? nil) {
                            refuseBatchServes(s, workloads: workloads)
                        }
                    }
                    serves = workloads.order.filter { listed.contains($0) }
                } else if let entry = catalogAPI {
                    serves = workloads.order.filter { workloads.models[$0].map(entry.substitutesFor.contains) ?? false }
                        .filter { !batch || ScenarioRules.batchMayServe(workloads.deferrals[$0] ?? nil) }
                }
                var api = APIOffering(id: id, inputPricePerMTok: input, outputPricePerMTok: output, serves: serves, maxTokensPerSecond: rate)
                api.cachedInputPricePerMTok = validateCachedInput(o, input: input, catalog: catalogAPI)
                api.batch = batch
                api.committedUse = validateCommittedUse(o)
                api.priceChange = priceChange
                api.availableFromIndex = window.from
                api.availableUntilIndex = window.until
                offering = .api(api)
                result.pairs += serves.count
                result.servedWorkloads.formUnion(serves)
                if serves.isEmpty {
                    sink.warning(o.path, at: o.node, "no workload can use offering `\(id)` (it serves none"
                                 + (batch && o.serves == nil ? "; a batch API serves only workloads deferrable within the day)" : ")"))
                }
            }
            result.list.append(offering)
        }
        return result
    }
}
