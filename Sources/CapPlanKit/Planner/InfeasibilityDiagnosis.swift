import LinearProgramming

/// The least demand that must go unserved: the capacity model with an unserved-demand column on
/// every demand row and only the unserved tokens in the objective (1 USD per million tokens,
/// everything else free), optionally with some decisions fixed. The one solve behind the
/// infeasibility diagnosis and the completion of a fixed fleet.
struct LeastUnmetDemand {
    /// Demand left unserved in one workload, period and slice (positions in the scenario).
    struct Shortfall {
        let workload: Int
        let period: Int
        let slice: Int
        let tokensPerSecond: Double
        let tokens: Double
    }

    let model: CapacityModel
    let solution: Solution
    /// Every positive shortfall of the solution (empty without a primal point).
    let shortfalls: [Shortfall]

    /// Relative size (of the demand) under which unserved demand counts as zero.
    static let tolerance = 1e-6

    /// `fixing` edits the model before the solve (bounds of fixed decisions).
    init(_ scenario: Scenario, integer: Bool, options: SolveOptions, fixing: (inout CapacityModel) -> Void = { _ in }) throws {
        var relaxedDemand = scenario.withIntegerUnits(integer)
        relaxedDemand.policy.unservedPenaltyPerMTok = 1
        // No reductions: they compare prices, and this model prices only unserved tokens.
        var model = CapacityModelBuilder.buildModel(relaxedDemand, options: CapacityModelOptions(names: false, integerUnits: integer, reductions: false))
        fixing(&model)
        let periods = scenario.horizon.periods, slices = scenario.timeSlices
        var unservedColumns = Set<Int>()
        var allUnserved = 0.0
        for (w, block) in model.index.unserved.enumerated() {
            guard let block else { continue }
            for p in 0..<periods {
                for s in 0..<slices.count {
                    let column = block.variable(p, s)
                    unservedColumns.insert(column.index)
                    allUnserved += model.lp.objectiveCoefficient(of: column) * model.demandRate[w][p * slices.count + s]
                }
            }
        }
        for variable in model.lp.variables where !unservedColumns.contains(variable.index) {
            model.lp.setObjective(variable, 0)
        }
        var solveOptions = options
        // Bounded by its time limit only: a node limit meant for the plan would stop it at the root.
        solveOptions.mip.nodeLimit = nil
        solveOptions.mip.roundingHeuristic = nil
        solveOptions.mip.startingSolution = nil
        solveOptions.mip.progress = nil
        let solution = try GLPKSolver.solve(model.lp, options: solveOptions)
        var shortfalls: [Shortfall] = []
        if solution.hasPrimalPoint {
            let days = scenario.horizon.daysPerPeriod
            for (w, _) in scenario.workloads.enumerated() {
                guard let block = model.index.unserved[w] else { continue }
                for p in 0..<periods {
                    for (s, slice) in slices.enumerated() {
                        let rate = solution[block.variable(p, s)]
                        let demand = model.demandRate[w][p * slices.count + s]
                        guard rate > Self.tolerance * max(1, demand) else { continue }
                        shortfalls.append(Shortfall(workload: w, period: p, slice: s, tokensPerSecond: rate, tokens: rate * days * slice.hours * 3600))
                    }
                }
            }
        }
        self.model = model
        self.solution = solution
        self.shortfalls = shortfalls
        self.allUnserved = allUnserved
    }

    /// The objective with all demand unserved: the scale of "some demand unserved".
    let allUnserved: Double

    /// Whether the solve proved that some demand must go unserved: its bound is above what the
    /// tolerance allows on the whole demand.
    var provesShortfall: Bool {
        let bound = solution.objectiveBound ?? (solution.termination == .optimal ? solution.objectiveValue : nil)
        guard let bound else { return false }
        return bound > Self.tolerance * allUnserved
    }
}

/// Why a scenario has no feasible plan: which demand cannot be served, by how much, and
/// which limits bind there.
enum InfeasibilityDiagnosis {
    /// Relative slack under which a limit counts as binding.
    static let bindingTolerance = 1e-6

    /// Re-solves with an unserved-demand column on every demand row and only the unserved
    /// tokens in the objective, so the optimum is the least demand that must go unserved.
    /// For whole units, says too whether the LP relaxation (fractional units) is feasible.
    static func diagnose(_ scenario: Scenario, integer: Bool, options: PlanOptions, deadline: Deadline) throws -> PlanDocument.Diagnosis {
        if let existing = existingFleetOverCap(scenario) { return existing }
        let jobs = unfinishableJobs(scenario)
        if !jobs.isEmpty {
            return .init(summary: "training jobs cannot finish in their windows, whatever inference does: " + jobs.joined(separator: "; "), shortfalls: [])
        }
        guard let seconds = deadline.remaining else { return .init(summary: "no feasible plan; the diagnosis was \(Deadline.notComputed)", shortfalls: []) }
        let least = try LeastUnmetDemand(scenario, integer: integer, options: options.solveOptions(timeLimit: seconds, mipGap: options.mipGap))
        guard least.solution.hasPrimalPoint else {
            if least.solution.stoppedAtLimit {
                return .init(summary: "no feasible plan; the diagnosis was \(Deadline.notComputed) (\(least.solution.termination.rawValue))", shortfalls: [])
            }
            return .init(summary: "no plan exists even with unserved demand allowed (\(least.solution.termination.rawValue))", shortfalls: [])
        }
        let shortfalls = describe(least, scenario)
        let total = shortfalls.reduce(0) { $0 + $1.tokens }
        var summary = shortfalls.isEmpty
            ? "the solver reported no feasible plan, but serving all demand is possible in the diagnosis model: numerical trouble"
            : "demand cannot be met in \(shortfalls.count) workload-period-slice(s); at least \(total) tokens go unserved. Allow unmet demand with policy.unservedPenaltyPerMTok, or relax the limits named below."
        if integer, !shortfalls.isEmpty, let fractional = try relaxationServesAll(scenario, options: options, deadline: deadline), fractional {
            summary = "with fractional units every demand could be met (the LP relaxation is feasible), but not with whole units: " + summary
        }
        return .init(summary: summary, shortfalls: shortfalls)
    }

    /// Branch-and-cut stopped at a limit without a whole-unit plan: does one exist? The
    /// least-unmet-demand MIP answers within what is left of the budget: `provenInfeasible`
    /// when its bound shows that some demand must go unserved with whole units.
    static func diagnoseWholeUnits(_ scenario: Scenario, options: PlanOptions, deadline: Deadline) throws -> (diagnosis: PlanDocument.Diagnosis, provenInfeasible: Bool) {
        if let existing = existingFleetOverCap(scenario) { return (existing, true) }
        guard let seconds = deadline.remaining else {
            return (.init(summary: "branch-and-cut found no whole-unit plan within its time limit; whether one exists was \(Deadline.notComputed). Raise the time limit.", shortfalls: []), false)
        }
        let least = try LeastUnmetDemand(scenario, integer: true, options: options.solveOptions(timeLimit: seconds, mipGap: 0))
        let shortfalls = describe(least, scenario)
        if least.solution.termination == .infeasible || least.solution.termination == .infeasibleOrUnbounded {
            // With unmet demand allowed every model is feasible unless the existing fleet breaks
            // the cap (checked above): this is the solver's numerics, not a proof.
            return (.init(summary: "branch-and-cut found no whole-unit plan within its time limit, and the diagnosis model was reported infeasible (\(least.solution.termination.rawValue)): numerical trouble. Raise the time limit or plan the LP relaxation.", shortfalls: []), false)
        }
        if least.provesShortfall {
            let total = least.shortfalls.reduce(0) { $0 + $1.tokens }
            var summary = "no whole-unit plan exists: at least \(total) tokens go unserved in \(shortfalls.count) workload-period-slice(s). Allow unmet demand with policy.unservedPenaltyPerMTok, or relax the limits named below."
            if let fractional = try relaxationServesAll(scenario, options: options, deadline: deadline), fractional {
                summary = "with fractional units every demand could be met (the LP relaxation is feasible), but not with whole units: " + summary
            }
            return (.init(summary: summary, shortfalls: shortfalls), true)
        }
        if least.solution.hasPrimalPoint, least.shortfalls.isEmpty {
            return (.init(summary: "whole-unit plans exist (one serving all demand was found), but branch-and-cut found none within its time limit. Raise the time limit.", shortfalls: []), false)
        }
        return (.init(summary: "branch-and-cut found no whole-unit plan within its time limit, and whether one exists was not settled within the time budget. Raise the time limit.", shortfalls: shortfalls), false)
    }

    /// Whether the LP relaxation serves all demand; nil when the budget is spent.
    static func relaxationServesAll(_ scenario: Scenario, options: PlanOptions, deadline: Deadline) throws -> Bool? {
        guard let seconds = deadline.remaining else { return nil }
        let least = try LeastUnmetDemand(scenario, integer: false, options: options.solveOptions(timeLimit: seconds, mipGap: options.mipGap))
        guard least.solution.termination == .optimal else { return nil }
        return least.shortfalls.isEmpty
    }

    /// Existing units alone above the power cap: no decision can fix that.
    static func existingFleetOverCap(_ scenario: Scenario) -> PlanDocument.Diagnosis? {
        guard let caps = scenario.site.powerCapKW else { return nil }
        let labels = scenario.horizon.labels
        var over: [String] = []
        for p in 0..<scenario.horizon.periods {
            let existing = scenario.purchases.reduce(0.0) { sum, o in
                sum + o.existingUnits(inPeriod: p) * o.powerKW
            }
            if existing > caps[p] * (1 + bindingTolerance) {
                over.append("\(labels[p]) (existing units draw \(existing) kW, cap \(caps[p]) kW)")
            }
        }
        guard !over.isEmpty else { return nil }
        return .init(
            summary: "the existing fleet alone exceeds site.powerCapKW in \(over.count) period(s): \(over.joined(separator: "; "))",
            shortfalls: [])
    }

    /// The shortfalls in the plan's terms, each with the limits that bind there.
    static func describe(_ least: LeastUnmetDemand, _ scenario: Scenario) -> [PlanDocument.Shortfall] {
        let labels = scenario.horizon.labels
        return least.shortfalls.map { short in
            PlanDocument.Shortfall(
                workload: scenario.workloads[short.workload].id, period: labels[short.period], slice: scenario.timeSlices[short.slice].name,
                tokensPerSecond: short.tokensPerSecond, tokens: short.tokens,
                limits: bindingLimits(scenario, model: least.model, solution: least.solution, workload: short.workload, period: short.period, slice: short.slice))
        }
    }

    static func isBinding(_ activity: Double, _ limit: Double) -> Bool {
        activity >= limit - bindingTolerance * max(1, abs(limit))
    }

    /// Jobs (section 10) that no pool of theirs can finish in their window even with no
    /// inference at all: per pool, the most accelerators it can hold in a period (existing units
    /// and every arrival the supply cap allows still in service, or maxUnits; less spare units
    /// and derating), counted only in periods where that reaches minAccelerators (with no
    /// inference, jobClusterRoom's room for the cluster), times the window's hours, against
    /// A_jo. A pool without a cap can always finish the job.
    static func unfinishableJobs(_ scenario: Scenario) -> [String] {
        let labels = scenario.horizon.labels, hours = scenario.horizon.hoursPerPeriod
        var result: [String] = []
        for job in scenario.jobs {
            let first = max(0, job.earliestStartIndex), last = min(scenario.horizon.periods - 1, job.deadlineIndex)
            var reasons: [String] = []
            var finishes = false
            for pool in job.pools {
                guard let offering = scenario.offerings.first(where: { $0.id == pool.offering }) else { continue }
                var most = 0.0
                for p in stride(from: first, through: last, by: 1) {
                    let units: Double?, perUnit: Int, spare: Int, derating: Double
                    switch offering {
                    case .purchase(let o):
                        perUnit = o.acceleratorsPerUnit
                        spare = o.spareUnits
                        derating = o.failureDerating
                        // Arrival periods whose units are still in service in p.
                        let arrivals = max(0, p - max(o.firstArrivalIndex, p - o.lifetimePeriods + 1) + 1)
                        // Owned cohorts and units ordered before the horizon still in service (13.1).
                        let existing = o.existingUnits(inPeriod: p)
                            + (max(0, p - o.lifetimePeriods + 1)...p).reduce(0.0) { $0 + o.unitsInFlight(arrivingIn: $1) }
                        if arrivals == 0 {
                            units = existing
                        } else {
                            units = o.maxUnitsPerPeriod.map { existing + Double(arrivals) * $0 }
                        }
                    case .rental(let o):
                        perUnit = o.acceleratorsPerUnit
                        spare = o.spareUnits
                        derating = o.failureDerating
                        units = o.maxUnits
                    case .api:
                        continue
                    }
                    guard let units else {
                        finishes = true
                        break
                    }
                    let accelerators = max(0, units - Double(spare)) * (1 - derating) * Double(perUnit)
                    if accelerators >= Double(job.minAccelerators) { most += accelerators * hours }
                }
                if finishes { break }
                if most >= pool.acceleratorHours { finishes = true; break }
                reasons.append("\(pool.offering) holds at most \(Formatting.number(most)) of the \(Formatting.number(pool.acceleratorHours)) accelerator-hours it needs there")
            }
            if !finishes {
                let window = first == last ? labels[first] : "\(labels[first]) to \(labels[last])"
                result.append("job \(job.id) (window \(window), at least \(job.minAccelerators) accelerators): "
                    + (reasons.isEmpty ? "no pool can run it" : reasons.joined(separator: ", ")))
            }
        }
        return result
    }

    /// Section 11's reasons an offering cannot serve workload `w` in period `p`: availability
    /// windows (a purchase whose last arrival is too early or too late for p, a rental or API
    /// outside its window), spot rentals for a workload that is not interruptible, batch APIs
    /// for one not deferrable within the day. Read from the scenario and the index only.
    static func sectionElevenLimits(_ scenario: Scenario, model: CapacityModel, servers: Set<Int>, workload w: Int, period p: Int) -> [String] {
        let labels = scenario.horizon.labels, workload = scenario.workloads[w]
        var limits: [String] = []
        func label(_ q: Int) -> String { scenario.horizon.start.advanced(by: q).description }
        var purchase = 0
        for (o, offering) in scenario.offerings.enumerated() {
            switch offering {
            case .purchase(let bought):
                defer { purchase += 1 }
                guard servers.contains(o), let until = bought.availableUntilIndex else { continue }
                let arrivals = model.index.arrivals[purchase]
                let oldest = max(arrivals.firstPeriod, p - bought.lifetimePeriods + 1)
                if oldest > min(p, until) {
                    limits.append("\(bought.id): no unit bought by its availableUntil (\(label(until))) is in service in \(labels[p])")
                }
            case .rental(let rental):
                if rental.commitment == .spot, !workload.interruptible, !CapacityModelBuilder.servingOptions(offering, workload: workload.id).isEmpty {
                    limits.append("\(rental.id) is a spot rental: it serves only interruptible workloads, and \(workload.id) is not")
                }
                guard servers.contains(o) else { continue }
                let reachable = rental.commitment == .period && rental.termPeriods > 1
                    ? (max(0, p - rental.termPeriods + 1)...p).contains { CapacityModelBuilder.isAvailable(offering, period: $0) }
                    : CapacityModelBuilder.isAvailable(offering, period: p)
                if !reachable { limits.append("\(rental.id) is not available in \(labels[p]) (availableFrom/availableUntil)") }
            case .api(let api):
                guard api.serves.contains(workload.id) else { continue }
                if api.batch, workload.deferral?.withinDay != true {
                    limits.append("\(api.id) is a batch API: it serves only workloads deferrable within the day, and \(workload.id) is not")
                }
                if servers.contains(o), !CapacityModelBuilder.isAvailable(offering, period: p) {
                    limits.append("\(api.id) is not available in \(labels[p]) (availableFrom/availableUntil)")
                }
            }
        }
        return limits
    }

    /// The limits that stop more of workload `w` being served in period `p`, slice `s`.
    static func bindingLimits(_ scenario: Scenario, model: CapacityModel, solution: Solution, workload w: Int, period p: Int, slice s: Int) -> [String] {
        let labels = scenario.horizon.labels
        let workloadID = scenario.workloads[w].id
        var limits: [String] = []
        let servers = Set(model.index.servingPairs.filter { $0.workload == w }.map(\.offering))
        if servers.isEmpty { limits.append("no offering serves \(workloadID)" + unfitNote(scenario, workload: workloadID)) }
        if let rows = model.index.powerCapRows, let caps = scenario.site.powerCapKW, isBinding(solution.activity(rows.constraint(p)), caps[p]) {
            limits.append("powerCap[\(labels[p])] = \(caps[p]) kW")
        }
        if let rows = model.index.capitalBudgetRows, let budgets = scenario.budget.capexPerPeriod {
            for q in 0...p where isBinding(solution.activity(rows.constraint(q)), budgets[q]) {
                limits.append("capitalBudget[\(labels[q])] = \(budgets[q]) USD")
            }
        }
        // Fiscal budgets: a full capex year may hold back units paid in it (arrivals in any
        // period up to p, or their deposits); a full opex year holds back the running costs of p.
        for row in model.index.fiscalCapexRows where isBinding(solution.activity(row.row), row.budget) {
            limits.append("fiscalCapex[FY\(row.year)] = \(row.budget) USD")
        }
        let year = FinanceComputation.fiscalYear(of: scenario.horizon.start.advanced(by: p), startMonth: scenario.budget.fiscalYearStartMonth)
        for row in model.index.fiscalOpexRows where row.year == year && isBinding(solution.activity(row.row), row.budget) {
            limits.append("fiscalOpex[FY\(row.year)] = \(row.budget) USD")
        }
        if model.lp.hasIntegerVariables {
            limits += wholeUnitLimits(scenario, model: model, solution: solution, servers: servers, period: p).filter { !limits.contains($0) }
        }
        for (k, purchase) in scenario.purchases.enumerated() {
            let o = scenario.offerings.firstIndex { $0.id == purchase.id }!
            guard servers.contains(o) else { continue }
            let arrivals = model.index.arrivals[k]
            if arrivals.firstPeriod > p {
                let why = purchase.availableFromIndex > p ? "availableFrom" : "leadTimePeriods \(purchase.leadTimePeriods)"
                limits.append("\(purchase.id): no units can arrive by \(labels[p]) (\(why))")
            }
            if let cap = purchase.maxUnitsPerPeriod {
                let oldest = max(arrivals.firstPeriod, p - purchase.lifetimePeriods + 1)
                if oldest <= p, (oldest...p).allSatisfy({ q in arrivals.variable(q).map { isBinding(solution[$0], cap) } ?? true }) {
                    limits.append("\(purchase.id).maxUnitsPerPeriod = \(cap) in every period up to \(labels[p])")
                }
            }
        }
        limits += sectionElevenLimits(scenario, model: model, servers: servers, workload: w, period: p)
        for (k, rental) in scenario.rentals.enumerated() {
            let o = scenario.offerings.firstIndex { $0.id == rental.id }!
            guard servers.contains(o), let cap = rental.maxUnits else { continue }
            let units = model.index.reservedUnits[k]?.variable(p) ?? model.index.onDemandUnits[k]!.variable(p, s)
            if isBinding(solution[units], cap) {
                limits.append("\(rental.id).maxUnits = \(cap)" + marginNote(derating: rental.failureDerating, spare: rental.spareUnits))
            } else if let starts = model.index.contractStarts[k], rental.termPeriods > 1,
                      (max(0, p - rental.termPeriods + 1)..<p).contains(where: { solution[starts.variable($0)] > 1e-9 }),
                      isBinding(solution[units] + 1, cap) {
                // Units still under earlier contracts fill the cap: no new start fits.
                limits.append("\(rental.id).maxUnits = \(cap): units under contracts started earlier (term \(rental.termPeriods) periods) fill it")
            }
        }
        limits += replicaLimits(scenario, model: model, workload: w)
        // Section 10: jobs that must run in this slice on the workload's pools take capacity.
        for job in model.index.jobs {
            for pool in job.pools where servers.contains(pool.offering) && pool.periods.contains(p) {
                let accelerators = solution[pool.accelerators(p, s)]
                guard accelerators > bindingTolerance else { continue }
                limits.append("training job \(scenario.jobs[job.job].id) runs on \(scenario.offerings[pool.offering].id) here"
                    + " (\(Formatting.number(accelerators)) accelerators; its deadline is \(labels[min(labels.count - 1, scenario.jobs[job.job].deadlineIndex)]))")
            }
        }
        for (k, api) in scenario.apis.enumerated() {
            guard api.serves.contains(workloadID), let rows = model.index.apiRateLimitRows[k], let limit = api.maxTokensPerSecond else { continue }
            if isBinding(solution.activity(rows.constraint(p, s)), limit) { limits.append("\(api.id).maxTokensPerSecond = \(limit)") }
        }
        return limits
    }

    /// The precisions the performance model could not derive for `workload`, by offering, with
    /// the reason ("" when it derived all it tried, or tried none): why allowed precisions give
    /// no serving option (section 9).
    static func unfitNote(_ scenario: Scenario, workload: String) -> String {
        var parts: [String] = []
        for offering in scenario.offerings {
            let unfit: [UnfitPrecision]
            switch offering {
            case .purchase(let o): unfit = o.unfitPrecisions[workload] ?? []
            case .rental(let o): unfit = o.unfitPrecisions[workload] ?? []
            case .api: continue
            }
            parts += unfit.map { "\(offering.id) at \($0.precision.rawValue): \($0.reason)" }
        }
        return parts.isEmpty ? "" : " (precisions that do not fit: \(parts.joined(separator: "; ")))"
    }

    /// ", after failureDerating d and spareUnits k" when the pool has margins (8.4), which
    /// shrink what its units carry.
    static func marginNote(derating: Double, spare: Int) -> String {
        var parts: [String] = []
        if derating > 0 { parts.append("failureDerating \(derating)") }
        if spare > 0 { parts.append("spareUnits \(spare)") }
        return parts.isEmpty ? "" : " (capacity after \(parts.joined(separator: " and ")))"
    }

    /// Section 8's limits on workload `w`: a rental whose maxUnits, less its spare units and
    /// derating, holds fewer than minReplicas whole replicas of `w` cannot serve it at all (per
    /// serving option: a derived option is named with its precision, section 9).
    static func replicaLimits(_ scenario: Scenario, model: CapacityModel, workload w: Int) -> [String] {
        var limits: [String] = []
        let workload = scenario.workloads[w]
        for replica in model.index.replicaPairs where replica.workload == w {
            guard case .rental(let rental) = scenario.offerings[replica.offering], let cap = rental.maxUnits,
                  let accelerators = model.index.servingPairs[replica.servingPair].acceleratorsPerReplica else { continue }
            let usable = (1 - rental.failureDerating) * (cap - Double(rental.spareUnits))
            let needed = replica.unitsPerReplica * Double(replica.minimum)
            if usable < needed * (1 - bindingTolerance) {
                let served = workload.id + (replica.precision.map { " at \($0.rawValue)" } ?? "")
                limits.append("\(rental.id).maxUnits = \(cap) holds fewer than minReplicas \(replica.minimum) replica(s) of \(served) "
                    + "(\(accelerators) accelerators each, \(Formatting.number(needed)) units)"
                    + marginNote(derating: rental.failureDerating, spare: rental.spareUnits))
            }
        }
        return limits
    }

    /// With whole units a limit stops the next unit before the row is full: the power cap when
    /// one more whole unit of every purchase that could serve in period `p` would draw more than
    /// the cap, the capital budget when one more unit fits in no period that could deliver it.
    static func wholeUnitLimits(_ scenario: Scenario, model: CapacityModel, solution: Solution, servers: Set<Int>, period p: Int) -> [String] {
        let labels = scenario.horizon.labels
        var candidates: [(purchase: PurchaseOffering, arrivals: ClosedRange<Int>)] = []
        for (k, purchase) in scenario.purchases.enumerated() {
            let o = scenario.offerings.firstIndex { $0.id == purchase.id }!
            let first = max(model.index.arrivals[k].firstPeriod, p - purchase.lifetimePeriods + 1)
            guard servers.contains(o), first <= p, purchase.maxUnitsPerPeriod != 0 else { continue }
            candidates.append((purchase, first...p))
        }
        guard !candidates.isEmpty else { return [] }
        var limits: [String] = []
        if let rows = model.index.powerCapRows, let caps = scenario.site.powerCapKW {
            let drawn = solution.activity(rows.constraint(p))
            let smallest = candidates.map(\.purchase).min { $0.powerKW < $1.powerKW }!
            if drawn + smallest.powerKW > caps[p] * (1 + bindingTolerance) {
                limits.append("powerCap[\(labels[p])] = \(caps[p]) kW: the whole units in service draw \(Formatting.number(drawn)) kW, and one more \(smallest.id) (\(smallest.powerKW) kW) would draw \(Formatting.number(drawn + smallest.powerKW)) kW")
            }
        }
        if let rows = model.index.capitalBudgetRows, let budgets = scenario.budget.capexPerPeriod {
            let blocked = candidates.allSatisfy { candidate in
                candidate.arrivals.allSatisfy { q in solution.activity(rows.constraint(q)) + candidate.purchase.unitPrice > budgets[q] * (1 + bindingTolerance) }
            }
            if blocked {
                limits.append("capitalBudget: one more whole unit fits in no period's budget that could deliver it by \(labels[p])")
            }
        }
        return limits
    }
}
