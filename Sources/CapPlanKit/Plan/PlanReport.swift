import Foundation

/// Renders a plan for people: a plain-text summary or Markdown, and the JSON for machines.
public enum PlanReport {
    /// The plan as JSON: sorted keys, so the same plan is the same bytes.
    public static func json(_ document: PlanDocument) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    /// How many demand cases a two-stage plan was made over (its cases' lines are empty when
    /// there is no plan: then "the").
    static func scenarioCases(_ t: PlanDocument.TwoStagePlan) -> String { t.cases.isEmpty ? "the" : "\(t.cases.count)" }

    /// The demand cases of a two-stage plan (docs/formulation.md 12.3): the expected cost as the
    /// headline, the cases' table, and the figures each with its meaning.
    static func twoStageLines(_ t: PlanDocument.TwoStagePlan, into w: inout ReportWriter) {
        w.line("")
        // No plan (the extensive form stopped without one): only why.
        guard !t.cases.isEmpty else {
            for note in t.notes { w.line("note: " + note) }
            return
        }
        let figure = { (value: Double?) in value.map { Formatting.money($0) } ?? "not computed" }
        w.line("Expected cost (RP) \(figure(t.expectedCost)) over \(t.cases.count) demand cases (discounted)")
        if let rows = twoStageCaseRows(t) {
            w.heading(t.tree == nil ? "Demand cases (two-stage plan: purchases and contracts fixed, the rest per case)"
                : "Demand cases (adaptive plan: purchases and contracts along the tree below, the rest per case)")
            w.table(rows.header, rows.rows)
        }
        for line in twoStageFigureLines(t) { w.line("  " + line) }
        for note in t.notes { w.line("  note: " + note) }
        if let rows = treeRows(t) {
            w.heading(treeHeading)
            w.table(rows.header, rows.rows)
        }
    }

    static let treeHeading = "Decisions along the demand tree (adaptive): order now, then contingent orders per branch"

    /// The tree of an adaptive plan (12.6): a row per order of each branch ("none" for a branch
    /// without), the root's "order now", the others "if" their cases' demand path.
    static func treeRows(_ t: PlanDocument.TwoStagePlan) -> (header: [String], rows: [[String]])? {
        guard let tree = t.tree, !tree.isEmpty else { return nil }
        var rows: [[String]] = []
        for branch in tree {
            let when = branch.parent == nil ? "order now" : "if " + branch.cases.joined(separator: ", ")
            let periods = branch.from == branch.through ? branch.from : "\(branch.from)-\(branch.through)"
            let head = [when, periods, Formatting.number(branch.probability, fractionDigits: 4)]
            if branch.orders.isEmpty { rows.append(head + ["nothing"]) }
            for order in branch.orders {
                let units = Formatting.number(order.units, fractionDigits: 2)
                switch order.kind {
                case .purchase: rows.append(head + ["\(units) \(order.offering) arriving \(order.period), ordered by \(order.orderBy)"])
                case .reserved: rows.append(head + ["\(units) \(order.offering) reserved in \(order.period)"])
                case .commitment: rows.append(head + ["committed-use contract \(order.offering)"])
                }
            }
        }
        return (["decision", "periods", "probability", "what"], rows)
    }

    /// Case, probability, cost, perfect foresight, regret, cost with the mean-demand plan.
    static func twoStageCaseRows(_ t: PlanDocument.TwoStagePlan) -> (header: [String], rows: [[String]])? {
        guard !t.cases.isEmpty else { return nil }
        let missing = "-"
        return (["case", "probability", "cost", "perfect foresight", "regret", "with the mean-demand plan"],
                t.cases.map { c in
                    [c.name, Formatting.number(c.probability, fractionDigits: 4), Formatting.money(c.discountedCost),
                     c.perfectForesightCost.map { Formatting.money($0) } ?? missing, c.regret.map { Formatting.money($0) } ?? missing,
                     c.expectedValuePlanCost.map { Formatting.money($0) }
                        ?? (t.expectedValuePlan?.infeasibleCases.contains(c.name) == true ? "infeasible" : missing)]
                })
    }

    /// RP, CVaR, WS, EEV, VSS and EVPI, one sentence each.
    static func twoStageFigureLines(_ t: PlanDocument.TwoStagePlan) -> [String] {
        let figure = { (value: Double?) in value.map { Formatting.money($0) } ?? "not computed" }
        let level = Formatting.number(t.cvarLevel, fractionDigits: 2)
        var eev = figure(t.expectedValuePlan?.expectedCost)
        if let infeasible = t.expectedValuePlan?.infeasibleCases, !infeasible.isEmpty { eev = "+∞ (cannot serve \(infeasible.joined(separator: ", ")))" }
        let risk = t.cvarWeight > 0 ? "; this plan weighs it by λ = \(Formatting.number(t.cvarWeight, fractionDigits: 2))" : ""
        let of = t.valuesFor == "this plan" ? "" : " (for the \(t.valuesFor))"
        return [
            "RP \(figure(t.expectedCost)): the expected cost of this plan, its purchases \(t.tree == nil ? "fixed" : "following the tree") and each case served at its cheapest",
            "CVaR_\(level) \(figure(t.cvar)): the mean cost of the worst \(Formatting.percent(1 - t.cvarLevel)) of cases, by probability\(risk)",
            "WS \(figure(t.waitAndSee)): the expected cost if each case's demand were known before buying (perfect foresight)",
            "EEV \(eev): the expected cost of buying for the mean demand and serving each case with those purchases",
            "VSS \(figure(t.valueOfStochasticSolution))\(of): what planning over the cases saves against planning for the mean (EEV − RP)",
            "EVPI \(figure(t.expectedValueOfPerfectInformation))\(of): what knowing the demand in advance would be worth (RP − WS)",
        ] + (t.valueOfAdapting.map { value in
            ["value of adapting \(Formatting.money(value)): what ordering along the tree saves against deciding every order now (here-and-now RP \(figure(t.hereAndNowExpectedCost)) − RP)"]
        } ?? [])
    }

    /// Aligns columns: the first column left, the others right.
    static func table(_ header: [String], _ rows: [[String]], indent: String = "  ") -> String {
        let all = [header] + rows
        let widths = (0..<header.count).map { c in all.map { $0[c].count }.max() ?? 0 }
        return all.map { row in
            indent + row.enumerated().map { c, cell in
                c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// The readable summary `capplan plan` prints.
    public static func text(_ plan: PlanDocument) -> String { render(plan, style: .text) }

    /// The summary as Markdown: headings and tables a Markdown viewer renders.
    public static func markdown(_ plan: PlanDocument) -> String {
        "# Capacity plan: \(plan.scenario.name)\n\n" + render(plan, style: .markdown)
    }

    static func render(_ plan: PlanDocument, style: ReportWriter.Style) -> String {
        var w = ReportWriter(style: style)
        let h = plan.horizon
        var headline = "\(plan.scenario.name): \(plan.status.rawValue) (\(plan.solver.method)"
        if let gap = plan.solver.mipGap { headline += ", gap \(Formatting.percent(gap, fractionDigits: 4))" }
        headline += "), \(h.periods) \(h.kind)s from \(h.start)"
        if plan.solver.relaxed { headline += ", LP relaxation" }
        w.line(headline)
        w.line((plan.twoStage.map { "model (the extensive form over \(scenarioCases($0)) demand cases)" } ?? "model") + ": \(plan.solver.rows) rows, \(plan.solver.columns) columns, \(plan.solver.nonzeros) nonzeros, \(plan.solver.integerColumns) integer")

        if let diagnosis = plan.diagnosis {
            w.heading("No feasible plan: \(diagnosis.summary)")
            if !diagnosis.shortfalls.isEmpty {
                w.table(
                    ["workload", "period", "slice", "unserved tokens/s", "unserved tokens", "binding limits"],
                    diagnosis.shortfalls.prefix(30).map {
                        [$0.workload, $0.period, $0.slice, Formatting.number($0.tokensPerSecond, fractionDigits: 1), Formatting.tokens($0.tokens),
                         $0.limits.isEmpty ? "-" : $0.limits.joined(separator: "; ")]
                    })
                if diagnosis.shortfalls.count > 30 { w.line("  ... and \(diagnosis.shortfalls.count - 30) more (see the JSON plan)") }
            }
            return w.text
        }
        if let twoStage = plan.twoStage { twoStageLines(twoStage, into: &w) }
        guard let totals = plan.totals else { return w.text }

        w.line("")
        if let twoStage = plan.twoStage {
            w.line(twoStage.tree == nil
                ? "The plan below: purchases and reserved contracts for every case; periods, fleet and costs of case \(twoStage.bodyCase)"
                : "The plan below: case \(twoStage.bodyCase)'s path through the tree: its purchases, contracts, periods, fleet and costs")
        }
        var cost = (plan.twoStage.map { "Case \($0.bodyCase): discounted cost" } ?? "Discounted cost") + " \(Formatting.money(totals.discountedCost)) (undiscounted \(Formatting.money(totals.cost))"
        if let perMTok = totals.costPerMillionTokens {
            cost += ", \(Formatting.money(perMTok)) per million \(totals.jobsCost == nil ? "" : "inference ")tokens"
        }
        if let jobsCost = totals.jobsCost { cost += "; training jobs \(Formatting.money(jobsCost)), left out of the token cost" }
        w.line(cost + ")")
        if let cash = plan.finance?.cashFlow {
            // Cash and salvage apart: the salvage is value left in the units, not cash (docs/finance.md).
            let owed = cash.commitments > 0 ? ", rent due after the horizon \(Formatting.money(cash.commitments))" : ""
            w.line("Cash out \(Formatting.money(cash.total)) undiscounted (purchases \(Formatting.money(cash.capital)), running \(Formatting.money(cash.operating))\(owed)); salvage value at the end \(Formatting.money(cash.salvageValue)), not cash")
        }
        if let baselines = plan.baselines {
            for (name, baseline) in [("All-API", baselines.allAPI), ("No-API (own and rent)", baselines.noAPI), ("Rent-only", baselines.rentOnly)] {
                if let cost = baseline.discountedCost, let saving = baseline.saving {
                    let pct = baseline.savingPercent.map { " (\(Formatting.percent($0 / 100)))" } ?? ""
                    w.line("\(name) plan \(Formatting.money(cost)): this plan saves \(Formatting.money(saving))\(pct)")
                } else if let why = baseline.unavailable {
                    w.line("\(name) plan: unavailable, \(why)")
                }
            }
        }
        if totals.tokensUnserved > 0 {
            w.line("Unserved: \(Formatting.tokens(totals.tokensUnserved)) of \(Formatting.tokens(totals.tokensDemanded)) tokens")
        }
        if let line = commitmentsLine(plan) { w.line(line) }
        if let line = cachingLine(plan) { w.line(line) }
        if let line = apiCommitmentLine(plan) { w.line(line) }
        if let line = plan.priceOutlook?.summary { w.line("Prices that move: " + line) }

        // In the order the purchases must be placed (PlanExtraction sorts them).
        w.heading("What to buy")
        if plan.purchases.isEmpty {
            w.line("nothing")
        } else {
            w.table(
                ["order by", "arrives", "offering", "units", "accelerators", "capex"],
                plan.purchases.map {
                    // Units in flight were ordered before the horizon (formulation.md 13.1).
                    [$0.inFlight == true ? "in flight" : $0.orderPeriod, $0.period, $0.offering, Formatting.number($0.units),
                     Formatting.number($0.accelerators) + ($0.accelerator.map { " \($0)" } ?? ""), Formatting.money($0.capex)]
                })
        }

        if let contracts = contractRows(plan) {
            w.heading("Reserved contracts (paid for the whole term, used or not)")
            w.table(contracts.header, contracts.rows)
        }
        if let platforms = platformRows(plan) {
            w.heading("Platforms")
            w.table(platforms.header, platforms.rows)
        }
        if let jobs = jobRows(plan) {
            w.heading("Training jobs")
            w.table(jobs.header, jobs.rows)
            for line in jobDeadlineLines(plan) { w.line("  " + line) }
        }

        let fleetOfferings = orderedUnique(plan.periods.flatMap { $0.fleet.map(\.offering) })
        if !fleetOfferings.isEmpty {
            w.heading("Owned fleet: units in service (average utilization)")
            w.table(["period"] + fleetOfferings, plan.periods.map { period in
                [period.period] + fleetOfferings.map { id in
                    period.fleet.first { $0.offering == id }.map { "\(Formatting.number($0.unitsInService)) (\(Formatting.percent($0.averageUtilization)))" } ?? "-"
                }
            })
        }
        let rentalOfferings = orderedUnique(plan.periods.flatMap { $0.rentals.map(\.offering) })
        if !rentalOfferings.isEmpty {
            w.heading("Rentals: reserved units, or average on-demand units")
            w.table(["period"] + rentalOfferings, plan.periods.map { period in
                [period.period] + rentalOfferings.map { id in
                    guard let line = period.rentals.first(where: { $0.offering == id }) else { return "-" }
                    if let units = line.units { return Formatting.number(units) }
                    let slices = plan.horizon.timeSlices
                    let average = slices.reduce(0.0) { $0 + (line.unitsBySlice?[$1.name] ?? 0) * $1.hours } / 24
                    return Formatting.number(average) + " avg"
                }
            })
        }

        if let replicas = replicaRows(plan) {
            w.heading("Replicas: the most run in any slice, per offering and workload")
            w.table(replicas.header, replicas.rows)
        }
        if let margins = marginRows(plan) {
            w.heading("Reliability margins: units, spare units held, derated, usable")
            w.table(margins.header, margins.rows)
        }
        if let derived = derivedRows(plan) {
            w.heading("Derived throughput: serving options of the performance model, and what each served")
            if !derived.rows.isEmpty { w.table(derived.header, derived.rows) }
            for line in unfitLines(plan) { w.line(line) }
        }
        if let deferred = deferralRows(plan) {
            w.heading("Deferred demand: tokens demanded and served by slice, over the horizon")
            w.table(deferred.header, deferred.rows)
            for line in movedLines(plan) { w.line("  " + line) }
        }
        if let contracts = apiCommitmentRows(plan) {
            w.heading("Committed-use API contracts (over the horizon)")
            w.table(contracts.header, contracts.rows)
        }
        if let outlook = plan.priceOutlook {
            w.heading("Price outlook: price factors, and purchases with static prices")
            if let factors = priceFactorRows(plan) { w.table(factors.header, factors.rows) }
            if let purchases = priceOutlookPurchaseRows(plan) {
                w.line("")
                w.table(purchases.header, purchases.rows)
            }
            if let cost = outlook.staticPricesDiscountedCost {
                w.line("  with static prices the optimum costs \(Formatting.money(cost)) (discounted); this plan \(Formatting.money(totals.discountedCost))")
            }
            if let note = outlook.staticPricesNote { w.line("  static prices: \(note)") }
        }
        if let profile = profileRows(plan) {
            w.heading("Time slices from \(plan.timeSlicesFromProfile!.file) (\(plan.timeSlicesFromProfile!.hours) hours in \(plan.timeSlicesFromProfile!.slices) slices)")
            w.table(profile.header, profile.rows)
        }

        w.heading("Tokens served by offering (share of each period's demand)")
        let servers = orderedUnique(plan.periods.flatMap { $0.workloads.flatMap { $0.servedTokens.keys.sorted() } })
        w.table(["period"] + servers + ["unserved"], plan.periods.map { period in
            let demand = period.workloads.reduce(0) { $0 + $1.demandTokens }
            let unserved = period.workloads.reduce(0) { $0 + $1.unservedTokens }
            return [period.period] + servers.map { id in
                let served = period.workloads.reduce(0) { $0 + ($1.servedTokens[id] ?? 0) }
                return served > 0 && demand > 0 ? Formatting.percent(served / demand) : "-"
            } + [unserved > 0 && demand > 0 ? Formatting.percent(unserved / demand) : "-"]
        })

        w.heading("Cost by period (undiscounted, USD)")
        // The platform column only where a platform costs something, so plans without one read as before.
        let platform = totals.platform != 0 || plan.periods.contains { $0.cost.platform != 0 }
        // Likewise the committed-use column only where a contract is taken (11.5).
        let commitment = totals.apiCommitment != nil || plan.periods.contains { $0.cost.apiCommitment != nil }
        var rows = plan.periods.map { period in
            let c = period.cost
            return [period.period, Formatting.money(c.capex), Formatting.money(c.energy), Formatting.money(c.fixedOpex), Formatting.money(c.rental), Formatting.money(c.api)]
                + (commitment ? [Formatting.money(c.apiCommitment ?? 0)] : [])
                + (platform ? [Formatting.money(c.platform)] : [])
                + [Formatting.money(c.unservedPenalty), Formatting.money(c.total), Formatting.money(period.discountedCost.total)]
        }
        // The periods' sum: the total before salvage and the commitments beyond the horizon.
        rows.append(["total", Formatting.money(totals.capex), Formatting.money(totals.energy), Formatting.money(totals.fixedOpex), Formatting.money(totals.rental), Formatting.money(totals.api)]
                    + (commitment ? [Formatting.money(totals.apiCommitment ?? 0)] : [])
                    + (platform ? [Formatting.money(totals.platform)] : [])
                    + [Formatting.money(totals.unservedPenalty), Formatting.money(totals.cost + totals.salvage - totals.commitmentsBeyondHorizon),
                       Formatting.money(totals.discountedCost + totals.discountedSalvage - totals.discountedCommitmentsBeyondHorizon)])
        w.table(["period", "capex", "energy", "opex", "rental", "api"] + (commitment ? ["api commitment"] : []) + (platform ? ["platform"] : [])
                + ["unserved", "total", "discounted"], rows)
        if totals.commitmentsBeyondHorizon > 0 {
            w.line("  commitments beyond the horizon: \(Formatting.money(totals.commitmentsBeyondHorizon)) (discounted \(Formatting.money(totals.discountedCommitmentsBeyondHorizon))), added to the total")
        }
        if totals.salvage > 0 {
            w.line("  salvage credit at the horizon's end: \(Formatting.money(totals.salvage)) (discounted \(Formatting.money(totals.discountedSalvage)))")
        }
        if let insights = plan.insights {
            w.heading("Marginal cost of one more million tokens, USD (token-weighted average over slices; peak slice)")
            let workloads = orderedUnique(insights.marginalCosts.map(\.workload))
            w.table(["period"] + workloads, plan.periods.map { period in
                [period.period] + workloads.map { w in
                    guard let m = insights.marginalCosts.first(where: { $0.workload == w && $0.period == period.period }) else { return "-" }
                    return "\(Formatting.number(m.averagePerMTok, fractionDigits: 3)) (\(m.peakSlice) \(Formatting.number(m.peakPerMTok, fractionDigits: 3)))"
                }
            })
            if plan.solver.integerColumns > 0 { w.line("  from the LP with the purchases and reservations fixed at the plan's") }
            if !insights.shadowPrices.isEmpty {
                w.heading("Binding limits: what one more unit is worth (USD, in the period's money)")
                let top = insights.shadowPrices.sorted { $0.value > $1.value }.prefix(20)
                w.table(["limit", "value", "unit"], top.map { [$0.limit, Formatting.significant($0.valueUndiscounted, digits: 4), $0.unit] })
                if insights.shadowPrices.count > top.count {
                    w.line("  ... \(insights.shadowPrices.count - top.count) more in the JSON plan (insights.shadowPrices)")
                }
            }
        }
        if let thresholds = plan.priceThresholds, !thresholds.isEmpty {
            w.heading("Price thresholds (re-solved by bisection; \(thresholds[0].method))")
            w.table(["offering", "price", "now", "threshold"], thresholds.map { t in
                [t.offering, t.field, Formatting.money(t.currentPrice),
                 "\(t.direction.rawValue) " + (t.thresholdPrice.map { Formatting.money($0) } ?? "none in range")]
            })
        }
        for warning in plan.warnings { w.line("warning: \(warning)") }
        return w.text
    }

    // MARK: Contracts, platforms, replicas and margins (shared with `capplan report`)

    /// The headline sentence on the rent owed after the horizon; nil when there is none.
    static func commitmentsLine(_ plan: PlanDocument) -> String? {
        guard let totals = plan.totals, totals.commitmentsBeyondHorizon > 0 else { return nil }
        let last = plan.horizon.periodLabels.last ?? plan.horizon.start
        return "Commitments beyond the horizon \(Formatting.money(totals.commitmentsBeyondHorizon)) (discounted \(Formatting.money(totals.discountedCommitmentsBeyondHorizon))): "
            + "rent of reserved contracts running past \(last), included in the cost, a liability never netted with salvage"
    }

    /// Every contract, by start period then offering; nil when the plan reserves nothing.
    static func contractRows(_ plan: PlanDocument) -> (header: [String], rows: [[String]])? {
        guard let rentals = plan.rentals, !rentals.isEmpty else { return nil }
        var lines: [(start: Int, offering: String, row: [String])] = []
        for rental in rentals {
            for contract in rental.contracts {
                let term = "\(contract.termMonths) months (\(contract.termPeriods) periods)"
                let ends = contract.end + (contract.periodsBeyondHorizon > 0 ? " (after the horizon)" : "")
                lines.append((PeriodLabel(contract.start)?.ordinal ?? 0, rental.offering, [
                    contract.start, ends, rental.offering, Formatting.number(contract.units), term, Formatting.money(contract.upfront),
                    Formatting.money(contract.rentInHorizon), Formatting.money(contract.rentBeyondHorizon),
                ]))
            }
        }
        lines.sort { ($0.start, $0.offering) < ($1.start, $1.offering) }
        return (["starts", "ends", "offering", "units", "term", "upfront", "rent in horizon", "rent beyond horizon"], lines.map(\.row))
    }

    /// One row per training job (docs/formulation.md section 10); nil when the scenario has none.
    static func jobRows(_ plan: PlanDocument) -> (header: [String], rows: [[String]])? {
        guard let jobs = plan.jobs, !jobs.isEmpty else { return nil }
        return (["job", "pool", "start", "finish", "deadline", "accelerator-hours", "needed", "cost"], jobs.map { job in
            [job.job, job.offering + (job.accelerator.map { " (\($0))" } ?? ""), job.start ?? "-", job.finish ?? "-", job.deadline,
             Formatting.number(job.acceleratorHours), Formatting.number(job.acceleratorHoursRequired), Formatting.money(job.cost)]
        })
    }

    /// What each job's window cost: the saving of a deadline one period later, or why not.
    static func jobDeadlineLines(_ plan: PlanDocument) -> [String] {
        (plan.jobs ?? []).compactMap { job in
            if let later = job.laterDeadline {
                return later.saving == 0
                    ? "\(job.job): a deadline of \(later.deadline) would save nothing (the job runs in its window at no extra cost)"
                    : "\(job.job): a deadline of \(later.deadline) would save \(Formatting.money(later.saving)) (discounted)"
            }
            return job.laterDeadlineNote.map { "\(job.job): later deadline \($0)" }
        }
    }

    /// One row per costed platform; nil when the scenario costs none.
    static func platformRows(_ plan: PlanDocument) -> (header: [String], rows: [[String]])? {
        guard let platforms = plan.platforms, !platforms.isEmpty else { return nil }
        return (["platform", "adopted", "in use", "adoption cost", "yearly costs", "offerings"], platforms.map { line in
            let inUse: String
            if let first = line.periodsInUse.first, let last = line.periodsInUse.last {
                inUse = line.periodsInUse.count == 1 ? first : "\(line.periodsInUse.count) periods, \(first)-\(last)"
            } else {
                inUse = "never"
            }
            return [line.platform, line.adoptionPeriod ?? "not adopted", inUse, Formatting.money(line.adoptionCost),
                    Formatting.money(line.yearlyCosts) + " (\(Formatting.money(line.yearlyCost))/year)", line.offerings.joined(separator: ", ")]
        })
    }

    /// Periods down, offering/workload pairs across: the peak replicas; nil without replicas.
    static func replicaRows(_ plan: PlanDocument) -> (header: [String], rows: [[String]])? {
        guard let replicas = plan.replicas, !replicas.isEmpty else { return nil }
        let header = ["period"] + replicas.map {
            "\($0.offering)/\(ServedKey.key(workload: $0.workload, precision: $0.precision)) (\($0.acceleratorsPerReplica) acc.)"
        }
        return (header, plan.horizon.periodLabels.map { label in
            [label] + replicas.map { line in line.periods.first { $0.period == label }.map { Formatting.number($0.peak) } ?? "-" }
        })
    }

    /// One row per derived serving option (offering, workload, precision, tensor-parallel group,
    /// tokens/s per unit, tokens served over the horizon); nil when the scenario derived nothing
    /// (no rows when every precision it tried did not fit: `unfitLines` says why).
    static func derivedRows(_ plan: PlanDocument) -> (header: [String], rows: [[String]])? {
        guard let derived = plan.derivedThroughput, !derived.isEmpty else { return nil }
        let rows = derived.flatMap { line in
            line.options.map { option in
                [line.offering, line.workload, option.precision.rawValue, String(option.acceleratorsPerReplica),
                 Formatting.number(option.tokensPerSecondPerUnit, fractionDigits: 1), Formatting.tokens(option.servedTokens)]
            }
        }
        return (["offering", "workload", "precision", "accelerators per replica", "tokens/s per unit", "tokens served"], rows)
    }

    /// "offering/workload precision: reason" for each precision that did not fit.
    static func unfitLines(_ plan: PlanDocument) -> [String] {
        (plan.derivedThroughput ?? []).flatMap { line in
            line.unfit.map { "  \(line.offering)/\(line.workload) \($0.precision.rawValue) does not fit: \($0.reason)" }
        }
    }

    /// One row per pool and period with units; nil without margins.
    static func marginRows(_ plan: PlanDocument) -> (header: [String], rows: [[String]])? {
        guard let margins = plan.margins, !margins.isEmpty else { return nil }
        var rows: [[String]] = []
        for line in margins {
            let rule = (line.spareUnits > 0 ? ["N+\(line.spareUnits)"] : []) + (line.failureDerating > 0 ? ["derated \(Formatting.percent(line.failureDerating))"] : [])
            for period in line.periods {
                rows.append([line.offering, period.period, rule.joined(separator: ", "), Formatting.number(period.units),
                             Formatting.number(period.spareUnitsHeld), Formatting.number(period.deratedUnits), Formatting.number(period.usableUnits)])
            }
        }
        return (["offering", "period", "margin", "units", "spare held", "derated", "usable"], rows)
    }

    // MARK: Issue 12: deferral, caching, committed use, moving prices, hourly profiles

    /// "Caching saved $1,234 on APIs and 56 unit-hours of self-hosted load"; nil without caching.
    static func cachingLine(_ plan: PlanDocument) -> String? {
        guard let caching = plan.caching else { return nil }
        var text = "Caching saved \(Formatting.money(caching.apiUSD)) on APIs"
        if caching.selfHostedUnitHours > 0 { text += " and \(Formatting.number(caching.selfHostedUnitHours, grouped: true)) unit-hours of self-hosted load" }
        return text + " (undiscounted)"
    }

    /// What the committed-use contracts did, in one sentence; nil when none is offered.
    static func apiCommitmentLine(_ plan: PlanDocument) -> String? {
        guard let lines = plan.apiCommitments else { return nil }
        guard !lines.isEmpty else { return "Committed-use API contracts: none taken" }
        let net = lines.reduce(0) { $0 + $1.shortfall - $1.discountEarned }
        let what = net <= 0 ? "saved \(Formatting.money(-net))" : "cost \(Formatting.money(net)) more than list prices"
        return "Committed-use API contracts (\(lines.map(\.api).joined(separator: ", "))) \(what) (undiscounted; the api commitment cost line)"
    }

    /// Per deferrable workload and slice: tokens demanded, served, and served less demanded
    /// (what was moved in, or out when negative), summed over the horizon; nil without any.
    static func deferralRows(_ plan: PlanDocument) -> (header: [String], rows: [[String]])? {
        guard let lines = plan.deferral, !lines.isEmpty else { return nil }
        let slices = plan.horizon.timeSlices.map(\.name)
        let unserved = lines.contains { $0.unservedTokens != nil }
        var rows: [[String]] = []
        for line in lines {
            let window = line.maxDelayHours >= 24 ? "within the day" : "within \(Formatting.number(line.maxDelayHours)) h"
            for (k, slice) in slices.enumerated() {
                let demanded = line.demandedTokens[slice] ?? 0, served = line.servedTokens[slice] ?? 0
                let left = line.unservedTokens?[slice] ?? 0
                rows.append([k == 0 ? "\(line.workload) (\(window))" : "", slice, Formatting.tokens(demanded), Formatting.tokens(served)]
                            + (unserved ? [Formatting.tokens(left)] : []) + [Formatting.tokens(served + left - demanded)])
            }
        }
        return (["workload", "slice", "demanded", "served"] + (unserved ? ["unserved"] : []) + ["moved in (+) or out (-)"], rows)
    }

    /// "chat: evening -> night 1.20B tokens" per move of a window workload, over the horizon.
    static func movedLines(_ plan: PlanDocument) -> [String] {
        (plan.deferral ?? []).flatMap { line in
            (line.moved ?? []).map { "\(line.workload): \($0.from) -> \($0.to) \(Formatting.tokens($0.tokens)) tokens" }
        }
    }

    static func apiCommitmentRows(_ plan: PlanDocument) -> (header: [String], rows: [[String]])? {
        guard let lines = plan.apiCommitments, !lines.isEmpty else { return nil }
        return (["api", "discount", "min spend/period", "list spend", "discount earned", "shortfall", "paid"], lines.map {
            [$0.api, Formatting.percent($0.discount), Formatting.money($0.minSpendPerPeriod), Formatting.money($0.listSpend),
             Formatting.money($0.discountEarned), Formatting.money($0.shortfall), Formatting.money($0.cost)]
        })
    }

    /// Periods down, offerings with a moving price across: f_op.
    static func priceFactorRows(_ plan: PlanDocument) -> (header: [String], rows: [[String]])? {
        guard let factors = plan.priceOutlook?.factors, !factors.isEmpty else { return nil }
        return (["period"] + factors.map { "\($0.offering) (\($0.kind))" }, plan.horizon.periodLabels.enumerated().map { p, label in
            [label] + factors.map { p < $0.factors.count ? Formatting.number($0.factors[p], fractionDigits: 3) : "-" }
        })
    }

    /// Periods down, each purchase offering bought either way across: units in the plan and with static prices.
    static func priceOutlookPurchaseRows(_ plan: PlanDocument) -> (header: [String], rows: [[String]])? {
        guard let purchases = plan.priceOutlook?.purchases else { return nil }
        let bought = purchases.filter { $0.plan.contains { $0 > 0 } || ($0.staticPrices ?? []).contains { $0 > 0 } }
        guard !bought.isEmpty else { return nil }
        let header = ["period"] + bought.flatMap { ["\($0.offering) bought", "with static prices"] }
        return (header, plan.horizon.periodLabels.enumerated().map { p, label in
            [label] + bought.flatMap { line in
                [p < line.plan.count ? Formatting.number(line.plan[p]) : "-", line.staticPrices.map { p < $0.count ? Formatting.number($0[p]) : "-" } ?? "-"]
            }
        })
    }

    static func profileRows(_ plan: PlanDocument) -> (header: [String], rows: [[String]])? {
        guard let profile = plan.timeSlicesFromProfile else { return nil }
        return (["slice", "hours of the day", "file hours pooled", "largest deviation", "mean deviation"], profile.bySlice.map {
            [$0.slice, Formatting.number($0.hours), String($0.hoursPooled) + ($0.fileHours.map { " (" + $0.map(String.init).joined(separator: " ") + ")" } ?? ""),
             Formatting.percent($0.maxRelativeDeviation), Formatting.percent($0.meanRelativeDeviation)]
        })
    }

    static func orderedUnique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}

/// Collects a report's lines, as aligned plain text or as Markdown.
struct ReportWriter {
    enum Style { case text, markdown }

    let style: Style
    private var lines: [String] = []

    init(style: Style) { self.style = style }

    mutating func line(_ text: String) {
        switch style {
        case .text: lines.append(text)
        // A hard line break keeps consecutive lines apart in Markdown.
        case .markdown:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            lines.append(trimmed.isEmpty ? "" : trimmed + "  ")
        }
    }

    mutating func heading(_ title: String) {
        lines.append("")
        lines.append(style == .markdown ? "## \(title)" : title)
        if style == .markdown { lines.append("") }
    }

    mutating func table(_ header: [String], _ rows: [[String]]) {
        switch style {
        case .text:
            lines.append(PlanReport.table(header, rows))
        case .markdown:
            if let last = lines.last, !last.isEmpty { lines.append("") }
            func row(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
            lines.append(row(header))
            lines.append("|" + header.indices.map { $0 == 0 ? "---|" : "---:|" }.joined())
            for cells in rows { lines.append(row(cells)) }
            lines.append("")
        }
    }

    var text: String { lines.joined(separator: "\n") + "\n" }
}
