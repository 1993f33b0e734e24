import Foundation

// `capplan report` (docs/report.md): a plan JSON, and optionally its break-even or sweep
// output, as one self-contained HTML page (inline SVG and CSS, one small inline script that
// only counts drawn marks; no network) or as Markdown. The same inputs give the same bytes.

/// What a report is drawn from.
public struct ReportInputs: Sendable {
    public var plan: PlanDocument
    public var breakeven: BreakevenResult?
    public var sweep: SweepResult?
    /// Finance terms to redo the plan's cash flow and depreciation with; nil: the plan's own.
    public var terms: FinanceTerms?

    public init(plan: PlanDocument, breakeven: BreakevenResult? = nil, sweep: SweepResult? = nil, terms: FinanceTerms? = nil) {
        self.plan = plan
        self.breakeven = breakeven
        self.sweep = sweep
        self.terms = terms
    }
}

/// A report that cannot be drawn: the plan has no solution to show, or bad terms.
public struct ReportError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

public enum PlanHTMLReport {
    static let costColors = (capex: "#4e79a7", energy: "#f28e2b", opex: "#e15759", rental: "#76b7b2", api: "#59a14f",
                             penalty: "#edc948", idle: "#bab0ac", platform: "#9c755f", commitments: "#a0cbe8")
    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    /// The chart ids in page order (those drawn for every solved plan, then the optional ones:
    /// `contracts` when the plan reserves).
    public static let planCharts = ["cost", "cash", "capacity", "slices", "fleet", "utilization", "workloads"]

    /// The plan with its finance redone under `inputs.terms`, or an error when there is nothing to show.
    static func prepared(_ inputs: ReportInputs) throws -> (PlanDocument, PlanFinance) {
        var plan = inputs.plan
        guard plan.totals != nil, !plan.periods.isEmpty else {
            throw ReportError(message: "the plan has status \(plan.status.rawValue) and no solution to report\(plan.diagnosis.map { ": \($0.summary)" } ?? "")")
        }
        guard var finance = plan.finance else {
            throw ReportError(message: "the plan has no finance section; plan the scenario again with this version of capplan")
        }
        if let terms = inputs.terms {
            do { finance = try FinanceComputation.redo(plan, terms: terms) ?? finance } catch let error as FinanceError {
                throw ReportError(message: error.message)
            }
        }
        // In the order they must be placed, whatever the file's order.
        plan.purchases.sort {
            let a = PeriodLabel($0.orderPeriod)?.ordinal ?? 0, b = PeriodLabel($1.orderPeriod)?.ordinal ?? 0
            return (a, $0.offering, PeriodLabel($0.period)?.ordinal ?? 0) < (b, $1.offering, PeriodLabel($1.period)?.ordinal ?? 0)
        }
        plan.finance = finance
        return (plan, finance)
    }

    // MARK: Figures shared by HTML and Markdown

    /// Compact money for axes: "$1.2M", "$350k", "$12".
    static func axisMoney(_ usd: Double) -> String {
        let m = abs(usd)
        if m >= 1e9 { return "$" + Formatting.number(usd / 1e9, fractionDigits: 1) + "B" }
        if m >= 1e6 { return "$" + Formatting.number(usd / 1e6, fractionDigits: 1) + "M" }
        if m >= 1e3 { return "$" + Formatting.number(usd / 1e3, fractionDigits: 0) + "k" }
        return Formatting.money(usd)
    }

    static func headline(_ plan: PlanDocument, _ finance: PlanFinance) -> [String] {
        let totals = plan.totals!
        // A two-stage plan: its expected cost first; the cost lines below are the body's case.
        let twoStage = plan.twoStage.map {
            ["Expected cost (RP) \($0.expectedCost.map { Formatting.money($0) } ?? "not computed") over \($0.cases.count) demand cases; purchases and contracts are the same in every case, the rest of this report is case \($0.bodyCase)"]
        } ?? []
        var lines = twoStage + [
            (plan.twoStage.map { "Case \($0.bodyCase): discounted cost" } ?? "Discounted cost") + " \(Formatting.money(totals.discountedCost))" + (plan.twoStage == nil ? " (the objective)" : "") + "; undiscounted \(Formatting.money(totals.cost))"
                + (totals.costPerMillionTokens.map { ", \(Formatting.money($0)) per million \(totals.jobsCost == nil ? "" : "inference ")tokens served" } ?? "")
                + (totals.jobsCost.map { "; training jobs \(Formatting.money($0)), left out of the token cost" } ?? ""),
            "Cash out \(Formatting.money(finance.cashFlow.total)) undiscounted: purchases \(Formatting.money(finance.cashFlow.capital)), running costs \(Formatting.money(finance.cashFlow.operating))"
                + (finance.cashFlow.commitments > 0 ? ", rent due after the horizon \(Formatting.money(finance.cashFlow.commitments))" : ""),
            "Salvage value at the horizon's end \(Formatting.money(finance.cashFlow.salvageValue)): value left in the units, not cash",
        ]
        if let commitments = PlanReport.commitmentsLine(plan) { lines.append(commitments) }
        for platform in plan.platforms ?? [] where platform.cost > 0 {
            let adopted = platform.adoptionPeriod.map { $0 == "before the horizon" ? "adopted before the horizon" : "adopted in \($0) for \(Formatting.money(platform.adoptionCost))" }
            lines.append("Platform \(platform.platform): " + [adopted, "\(Formatting.money(platform.yearlyCosts)) running costs over \(platform.periodsInUse.count) periods"].compactMap { $0 }.joined(separator: ", "))
        }
        if totals.tokensUnserved > 0 {
            lines.append("Unserved: \(Formatting.tokens(totals.tokensUnserved)) of \(Formatting.tokens(totals.tokensDemanded)) tokens")
        }
        lines += [PlanReport.cachingLine(plan), PlanReport.apiCommitmentLine(plan), plan.priceOutlook?.summary.map { "Prices that move: " + $0 }].compactMap { $0 }
        return lines
    }

    /// Offering id → "owned", "reserved", "on-demand" or "API", from the fleet and rental lines.
    static func sources(_ plan: PlanDocument) -> [String: String] {
        var result: [String: String] = [:]
        for period in plan.periods {
            for line in period.fleet { result[line.offering] = "owned" }
            for line in period.rentals { result[line.offering] = line.commitment == .period ? "reserved" : "on-demand" }
        }
        return result
    }

    /// Why a purchase line is in the plan: what it serves, how busy it is, the marginal cost of
    /// that demand and the limits that bind in its arrival period.
    static func reasons(_ purchase: PlanDocument.Purchase, plan: PlanDocument) -> String {
        guard let period = plan.periods.first(where: { $0.period == purchase.period }) else { return "" }
        var parts: [String] = []
        let served = period.workloads.filter { ($0.servedTokens[purchase.offering] ?? 0) > 0 }
        if !served.isEmpty {
            parts.append("the \(purchase.offering) fleet serves " + served.map { "\($0.workload) (\(Formatting.tokens($0.servedTokens[purchase.offering]!)) tokens)" }.joined(separator: ", "))
        }
        if let fleet = period.fleet.first(where: { $0.offering == purchase.offering }) {
            parts.append("fleet \(Formatting.percent(fleet.averageUtilization)) busy")
        }
        let margins = (plan.insights?.marginalCosts ?? []).filter { m in m.period == purchase.period && served.contains { $0.workload == m.workload } }
        if !margins.isEmpty {
            parts.append("marginal cost " + margins.map { "\($0.workload) \(Formatting.money($0.averagePerMTok))/MTok" }.joined(separator: ", "))
        }
        let limits = (plan.insights?.shadowPrices ?? []).filter { $0.period == purchase.period && ($0.offering == nil || $0.offering == purchase.offering) }
        if !limits.isEmpty {
            parts.append("binding " + limits.map { "\($0.limit) (\(Formatting.money($0.valueUndiscounted)) per \($0.unit))" }.joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }

    struct Table {
        var header: [String]
        var rows: [[String]]
    }

    static func purchaseTable(_ plan: PlanDocument) -> Table {
        Table(header: ["order by", "arrives", "offering", "units", "price", "why"], rows: plan.purchases.map {
            [$0.orderPeriod, $0.period, $0.offering + ($0.accelerator.map { " (\($0))" } ?? ""), Formatting.number($0.units),
             Formatting.money($0.capex), reasons($0, plan: plan)]
        })
    }

    static func cashTable(_ lines: [CashFlow.Line]) -> Table {
        // The contracts' rent after the horizon gets its column only when there is some.
        let owed = lines.contains { $0.commitments != 0 }
        return Table(header: ["", "purchases", "running costs"] + (owed ? ["rent after the horizon"] : []) + ["cash out"], rows: lines.map {
            [$0.label + ($0.inHorizon ? "" : " (outside the horizon)"), Formatting.money($0.capital), Formatting.money($0.operating)]
                + (owed ? [Formatting.money($0.commitments)] : []) + [Formatting.money($0.total)]
        })
    }

    static func depreciationTable(_ finance: PlanFinance) -> Table {
        Table(header: ["offering", "arrives", "units", "cost basis", "book life", "depreciation in horizon", "written off", "book value at end"],
              rows: finance.depreciation.cohorts.map {
                  [$0.offering, $0.arrival, Formatting.number($0.units), Formatting.money($0.costBasis), "\($0.bookLifePeriods) periods",
                   Formatting.money($0.expense.reduce(0, +)), Formatting.money($0.writeOff.reduce(0, +)), Formatting.money($0.bookValue.last ?? 0)]
              })
    }

    static func workloadTable(_ finance: PlanFinance) -> Table {
        let a = finance.attribution
        // A platform column only when a platform costs something, so other plans read as before.
        let platform = (a.workloads.map(\.cost) + [a.idle]).contains { $0.platform != 0 }
        func cells(_ name: String, _ l: Attribution.Lines, tokens: String, perMTok: String) -> [String] {
            [name, Formatting.money(l.owned), Formatting.money(l.reserved), Formatting.money(l.onDemand), Formatting.money(l.api)]
                + (platform ? [Formatting.money(l.platform)] : [])
                + [Formatting.money(l.unservedPenalty), Formatting.money(l.total), tokens, perMTok]
        }
        var rows = a.workloads.map {
            cells($0.workload, $0.cost, tokens: Formatting.tokens($0.tokensServed), perMTok: $0.costPerMillionTokens.map(Formatting.money) ?? "-")
        }
        // Training jobs (formulation.md section 10): their share of the capacity, no tokens.
        rows += (a.jobs ?? []).map { cells("job \($0.job)", $0.cost, tokens: "-", perMTok: "-") }
        rows.append(cells("idle capacity", a.idle, tokens: "-", perMTok: "-"))
        if a.beyondHorizon > 0 {
            rows.append(cells("contracts after the horizon", Attribution.Lines(reserved: a.beyondHorizon), tokens: "-", perMTok: "-"))
        }
        let blanks = [String](repeating: "", count: platform ? 6 : 5)
        rows.append(["total"] + blanks + [Formatting.money(a.total), "", ""])
        return Table(header: ["workload", "owned", "reserved", "on demand", "API"] + (platform ? ["platform"] : [])
                        + ["unserved penalty", "total", "tokens served", "per million tokens"], rows: rows)
    }

    static func table(_ rows: (header: [String], rows: [[String]])?) -> Table? {
        rows.map { Table(header: $0.header, rows: $0.rows) }
    }

    static func limitTable(_ plan: PlanDocument) -> Table {
        Table(header: ["limit", "period", "worth per unit (period money)", "unit"], rows: (plan.insights?.shadowPrices ?? []).map {
            [$0.limit, $0.period, Formatting.money($0.valueUndiscounted), $0.unit]
        })
    }

    // MARK: Chart data (also what the browser test counts)

    static func costSeries(_ plan: PlanDocument) -> [ChartSeries] {
        let c = plan.periods.map(\.cost)
        var series = [
            ChartSeries(name: "capex", color: costColors.capex, values: c.map(\.capex)),
            ChartSeries(name: "energy", color: costColors.energy, values: c.map(\.energy)),
            ChartSeries(name: "opex", color: costColors.opex, values: c.map(\.fixedOpex)),
            ChartSeries(name: "rental", color: costColors.rental, values: c.map(\.rental)),
            // With a committed-use contract, what the APIs cost: list spend plus the commitment line (never negative).
            ChartSeries(name: "API", color: costColors.api, values: c.map { line in line.apiCommitment.map { line.api + $0 } ?? line.api }),
        ]
        if c.contains(where: { $0.platform > 0 }) {
            series.append(ChartSeries(name: "platform", color: costColors.platform, values: c.map(\.platform)))
        }
        if c.contains(where: { $0.unservedPenalty > 0 }) {
            series.append(ChartSeries(name: "unserved penalty", color: costColors.penalty, values: c.map(\.unservedPenalty)))
        }
        return series
    }

    static func cashSeries(_ cash: CashFlow) -> [ChartSeries] {
        var series = [
            ChartSeries(name: "purchases", color: costColors.capex, values: cash.periods.map(\.capital)),
            ChartSeries(name: "running costs", color: costColors.energy, values: cash.periods.map(\.operating)),
        ]
        if cash.periods.contains(where: { $0.commitments > 0 }) {
            series.append(ChartSeries(name: "rent after the horizon", color: costColors.commitments, values: cash.periods.map(\.commitments)))
        }
        return series
    }

    /// Every contract on a timeline from the horizon's start to the last contract's end, one
    /// row per contract in start order; the part after the horizon paler.
    static func contractsChart(_ plan: PlanDocument) -> String {
        let start = PeriodLabel(plan.horizon.start)!
        let count = plan.periods.count
        var spans: [(order: (Int, String), span: SVGChart.Span)] = []
        var last = count
        let offerings = (plan.rentals ?? []).map(\.offering)
        for rental in plan.rentals ?? [] {
            let color = palette[(offerings.firstIndex(of: rental.offering) ?? 0) % palette.count]
            for contract in rental.contracts {
                guard let first = PeriodLabel(contract.start).map({ $0.ordinal - start.ordinal }) else { continue }
                let end = first + contract.termPeriods
                last = max(last, end)
                let title = "\(rental.offering): \(Formatting.number(contract.units)) units, \(contract.start) to \(contract.end) (\(contract.termMonths) months); "
                    + "rent \(Formatting.money(contract.rentInHorizon)) in the horizon, \(Formatting.money(contract.rentBeyondHorizon)) after it"
                    + (contract.upfront > 0 ? ", upfront \(Formatting.money(contract.upfront))" : "")
                spans.append(((first, rental.offering), SVGChart.Span(
                    label: "\(rental.offering) ×\(Formatting.number(contract.units))", start: first, end: end, color: color, title: title)))
            }
        }
        spans.sort { $0.order < $1.order }
        let categories = (0..<last).map { start.advanced(by: $0).description }
        return SVGChart.timeline(id: "contracts", title: "Reserved contracts over time", categories: categories, horizonEnd: count,
                                 spans: spans.map(\.span), inside: "in the horizon", beyond: "beyond the horizon")
    }

    static func capacitySeries(_ plan: PlanDocument) -> (series: [ChartSeries], demand: ChartSeries) {
        let kinds = sources(plan)
        let order = [("owned", "#4e79a7"), ("reserved", "#76b7b2"), ("on-demand", "#b07aa1"), ("API", "#59a14f")]
        var series = order.map { name, color in
            ChartSeries(name: name, color: color, values: plan.periods.map { period in
                period.workloads.reduce(0) { sum, w in
                    sum + w.servedTokens.keys.sorted().reduce(0) { $0 + ((kinds[$1] ?? "API") == name ? w.servedTokens[$1]! : 0) }
                }
            })
        }
        let unserved = plan.periods.map { $0.workloads.reduce(0) { $0 + $1.unservedTokens } }
        if unserved.contains(where: { $0 > 0 }) { series.append(ChartSeries(name: "unserved", color: costColors.penalty, values: unserved)) }
        series.removeAll { !$0.values.contains { $0 > 0 } }
        let demand = ChartSeries(name: "demand", color: "#222222", values: plan.periods.map { $0.workloads.reduce(0) { $0 + $1.demandTokens } })
        return (series, demand)
    }

    /// The period with the most tokens demanded (the first of equals).
    static func peakPeriod(_ plan: PlanDocument) -> Int {
        let demand = plan.periods.map { $0.workloads.reduce(0) { $0 + $1.demandTokens } }
        return demand.indices.max { (demand[$0], $1) < (demand[$1], $0) } ?? 0
    }

    /// Per slice of one period: busy and idle owned units by offering, reserved and on-demand units.
    static func sliceSeries(_ plan: PlanDocument, period p: Int) -> [ChartSeries] {
        let slices = plan.horizon.timeSlices.map(\.name)
        let period = plan.periods[p]
        var series: [ChartSeries] = []
        for (k, line) in period.fleet.enumerated() {
            let color = palette[k % palette.count]
            let busy = slices.map { (line.utilization[$0] ?? 0) * line.unitsInService }
            series.append(ChartSeries(name: "\(line.offering) busy", color: color, values: busy))
            series.append(ChartSeries(name: "\(line.offering) idle", color: color + "55", values: busy.map { max(0, line.unitsInService - $0) }))
        }
        for (k, line) in period.rentals.enumerated() {
            let color = palette[(period.fleet.count + k) % palette.count]
            let values = line.commitment == .period ? slices.map { _ in line.units ?? 0 } : slices.map { line.unitsBySlice?[$0] ?? 0 }
            let kind = switch line.commitment { case .period: "reserved"; case .spot: "spot"; case .none: "on demand" }
            series.append(ChartSeries(name: "\(line.offering) (\(kind))", color: color, values: values))
        }
        return series.filter { $0.values.contains { $0 > 0 } }
    }

    /// Owned offerings in order of first appearance.
    static func fleetOfferings(_ plan: PlanDocument) -> [String] {
        var seen: [String] = []
        for period in plan.periods { for line in period.fleet where !seen.contains(line.offering) { seen.append(line.offering) } }
        return seen
    }

    static func rentalOfferings(_ plan: PlanDocument) -> [String] {
        var seen: [String] = []
        for period in plan.periods { for line in period.rentals where !seen.contains(line.offering) { seen.append(line.offering) } }
        return seen
    }

    // MARK: HTML

    public static func html(_ inputs: ReportInputs) throws -> String {
        let (plan, finance) = try prepared(inputs)
        let labels = plan.periods.map(\.period)
        var body = "<h1>Capacity plan: \(esc(plan.scenario.name))</h1>\n"
        body += "<p class=\"meta\">\(esc(plan.status.rawValue)) (\(esc(plan.solver.method.rawValue))), \(plan.horizon.periods) \(esc(plan.horizon.kind.rawValue))s from \(esc(plan.horizon.start)); \(esc(plan.scenario.capexAccounting.rawValue)) capex, discount rate \(Formatting.percent(plan.scenario.discountRate)); finance terms: \(esc(termsText(finance.terms)))</p>\n"
        body += "<ul class=\"headline\">" + headline(plan, finance).map { "<li>\(esc($0))</li>" }.joined() + "</ul>\n"

        if let twoStage = plan.twoStage { body += twoStageSection(twoStage) }
        body += section("What to buy, by order date", table(purchaseTable(plan), empty: "Nothing to buy."))
        if let contracts = table(PlanReport.contractRows(plan)) {
            body += section("Reserved contracts", figure(contractsChart(plan),
                "Each contract from its start to the end of its term, paid for whether used or not; the paler part falls after the horizon and is a commitment, not credited.")
                + table(contracts))
        }
        if let platforms = table(PlanReport.platformRows(plan)) {
            body += section("Platforms", table(platforms)
                + "<p>\(esc("A platform is adopted in the first period any of its offerings serves (its adoption cost is paid then) and costs its yearly cost in every period it serves."))</p>\n")
        }
        if let jobs = table(PlanReport.jobRows(plan)) {
            body += section("Training jobs", table(jobs)
                + PlanReport.jobDeadlineLines(plan).map { "<p>\(esc($0))</p>\n" }.joined())
        }
        body += section("Cost by period", figure(
            SVGChart.stackedBars(id: "cost", title: "Cost by period", categories: labels, series: costSeries(plan), format: axisMoney),
            "Undiscounted cost per period by line (USD). Under cash accounting capex is the price paid on arrival; amortized, the price spread over the useful life."
                + ((plan.totals?.commitmentsBeyondHorizon ?? 0) > 0 ? " The rent of contracts after the horizon is not in any period: see the cash out." : "")))
        let cash = finance.cashFlow
        body += section("Cash out", figure(
            SVGChart.stackedBars(id: "cash", title: "Cash out by period", categories: cash.periods.map(\.label), series: cashSeries(cash), format: axisMoney),
            "Cash paid per period under the finance terms (deposits at order, balances after delivery), undiscounted."
                + (cash.commitments > 0 ? " Reserved contracts pay their upfront fee when they start, and owe their rent after the horizon too: a commitment, never credited." : "")
                + " Salvage value is not cash and is not shown.")
            + table(cashTable(cash.fiscalYears + [CashFlow.Line(label: "total", capital: cash.capital, operating: cash.operating, total: cash.total, inHorizon: true, commitments: cash.commitments)])))
        let capacity = capacitySeries(plan)
        body += section("Capacity against demand", figure(
            SVGChart.stackedBars(id: "capacity", title: "Tokens served by source against demand", categories: labels, series: capacity.series,
                                 line: capacity.demand, format: { Formatting.tokens($0) }),
            "Tokens served per period by owned units, reserved and on-demand rentals and APIs; the line is the demand."))
        let peak = peakPeriod(plan)
        body += section("Peak period \(plan.periods[peak].period) by time slice", figure(
            SVGChart.stackedBars(id: "slices", title: "Units by source in each time slice of the peak period", categories: plan.horizon.timeSlices.map(\.name),
                                 series: sliceSeries(plan, period: peak), format: { Formatting.number($0, fractionDigits: 1) }),
            "The period with the most demand: owned units busy and idle (utilization by slice), reserved units and on-demand units per slice. APIs, which have no units, are left out."))
        body += section("Fleet in service", figure(fleetChart(plan), "Owned units in service per period by offering; ▼ marks an order, ● an arrival (one per purchase line)."))
        body += section("Utilization", figure(utilizationChart(plan), "Busy share of owned and rented units, hours-weighted over the day; gaps where an offering has no units."))
        if let replicas = table(PlanReport.replicaRows(plan)) {
            body += section("Replicas", table(replicas)
                + "<p>\(esc("The most replicas run in any slice of each period, per offering and workload (acc.: accelerators per replica). Each replica is paid for whole."))</p>\n")
        }
        if let margins = table(PlanReport.marginRows(plan)) {
            body += section("Reliability margins", table(margins)
                + "<p>\(esc("Units held spare (N+k) while the pool serves, and the capacity lost to the failure derating: the capacity rows count only the usable units."))</p>\n")
        }
        if let derived = table(PlanReport.derivedRows(plan)) {
            let unfit = PlanReport.unfitLines(plan).map { "<p>\(esc($0.trimmingCharacters(in: .whitespaces)))</p>\n" }.joined()
            body += section("Derived throughput", table(derived, empty: "No precision fits.") + unfit
                + "<p>\(esc("Each allowed precision that fits is its own serving option, with the throughput and replica size the performance model derived (docs/performance-model.md); the plan chose the tokens each served."))</p>\n")
        }
        body += shapeSections(plan)
        body += section("Cost per workload", figure(workloadChart(finance), "Undiscounted cost attributed to each workload (docs/finance.md), and the idle capacity paid for and not used.")
            + table(workloadTable(finance)))
        body += section("Depreciation (book value)", table(depreciationTable(finance), empty: "No purchases: nothing to depreciate.")
            + "<p>Method \(esc(finance.depreciation.method.rawValue)); book value of all cohorts at the horizon's end \(esc(Formatting.money(finance.depreciation.bookValue.last ?? 0))).</p>\n")
        let limits = limitTable(plan)
        if !limits.rows.isEmpty { body += section("Binding limits", table(limits)) }
        if let breakeven = inputs.breakeven { body += breakevenSection(breakeven) }
        if let sweep = inputs.sweep { body += sweepSection(sweep) }
        return page(title: "Capacity plan: \(plan.scenario.name)", body: body)
    }

    /// Deferred demand (with a chart per deferrable workload: served against demanded by
    /// slice), committed-use contracts, the price outlook and the slices of an hourly profile.
    static func shapeSections(_ plan: PlanDocument) -> String {
        var body = ""
        if let deferred = table(PlanReport.deferralRows(plan)) {
            let slices = plan.horizon.timeSlices.map(\.name)
            let charts = (plan.deferral ?? []).enumerated().map { k, line in
                figure(SVGChart.stackedBars(
                    id: "deferral", title: "\(line.workload): tokens served against demanded by slice", categories: slices,
                    series: [ChartSeries(name: "served", color: palette[k % palette.count], values: slices.map { line.servedTokens[$0] ?? 0 })],
                    line: ChartSeries(name: "demanded", color: "#333333", values: slices.map { line.demandedTokens[$0] ?? 0 }),
                    format: { Formatting.tokens($0) }),
                       "\(line.workload) over the horizon: the bars are the tokens served in each slice, the line the tokens demanded there; the difference was moved within \(line.maxDelayHours >= 24 ? "the day" : Formatting.number(line.maxDelayHours) + " hours").")
            }.joined()
            body += section("Deferred demand", charts + table(deferred) + PlanReport.movedLines(plan).map { "<p>\(esc($0))</p>\n" }.joined())
        }
        if let contracts = table(PlanReport.apiCommitmentRows(plan)) { body += section("Committed-use API contracts", table(contracts)) }
        if let outlook = plan.priceOutlook {
            var content = table(PlanReport.priceFactorRows(plan)).map { table($0) } ?? ""
            content += table(PlanReport.priceOutlookPurchaseRows(plan)).map { table($0) } ?? ""
            if let cost = outlook.staticPricesDiscountedCost { content += "<p>\(esc("With static prices the optimum costs \(Formatting.money(cost)) (discounted)."))</p>\n" }
            if let note = outlook.staticPricesNote { content += "<p>\(esc("Static prices: " + note))</p>\n" }
            body += section("Price outlook", content)
        }
        if let profile = table(PlanReport.profileRows(plan)) { body += section("Time slices from the hourly profile", table(profile)) }
        return body
    }

    static func termsText(_ t: FinanceTerms) -> String {
        "deposit \(Formatting.percent(t.depositFraction, fractionDigits: 0)) at order, balance \(Formatting.number(t.balanceDelayDays)) days after delivery, fiscal year from month \(t.fiscalYearStartMonth), \(t.depreciation.rawValue) over "
            + (t.bookLifePeriods.map { "\($0) periods" } ?? "the useful life")
            + t.offerings.keys.sorted().map { id in
                let own = t.offerings[id]!
                return "; \(id): deposit \(Formatting.percent(own.depositFraction, fractionDigits: 0)), balance \(Formatting.number(own.balanceDelayDays)) days after delivery"
                    + (own.bookLifePeriods.map { ", book life \($0) periods" } ?? "")
            }.joined()
    }

    static func fleetChart(_ plan: PlanDocument) -> String {
        let start = PeriodLabel(plan.horizon.start)!
        let first = min(0, plan.purchases.compactMap { PeriodLabel($0.orderPeriod).map { $0.ordinal - start.ordinal } }.min() ?? 0)
        let count = plan.periods.count - first
        let categories = (0..<count).map { start.advanced(by: $0 + first).description }
        let offerings = fleetOfferings(plan)
        let series = offerings.enumerated().map { k, id in
            ChartSeries(name: id, color: palette[k % palette.count], values: (0..<count).map { c in
                let p = c + first
                return p >= 0 ? plan.periods[p].fleet.first { $0.offering == id }?.unitsInService ?? 0 : 0
            })
        }
        let purchases = plan.purchases
        return SVGChart.stackedBars(
            id: "fleet", title: "Owned units in service, orders and arrivals", categories: categories, series: series,
            format: { Formatting.number($0, fractionDigits: 1) },
            overlay: { frame, center in
                var out = ""
                // Several lines in one period are stacked so that each mark stays visible.
                var orders: [Int: Int] = [:], arrivals: [Int: Int] = [:]
                for purchase in purchases {
                    let color = palette[(offerings.firstIndex(of: purchase.offering) ?? 0) % palette.count]
                    let title = SVGChart.escape("\(purchase.offering): \(Formatting.number(purchase.units)) units ordered \(purchase.orderPeriod), arriving \(purchase.period)")
                    if let o = PeriodLabel(purchase.orderPeriod) {
                        let c = o.ordinal - start.ordinal - first, k = orders[c, default: 0]
                        orders[c] = k + 1
                        let x = center(c), y = ChartFrame.top + 2 + Double(k) * 11
                        out += "<path class=\"mark\" data-series=\"order\" d=\"M\(SVGChart.n(x - 5)) \(SVGChart.n(y))h10l-5 9z\" fill=\"\(color)\" stroke=\"#222\" stroke-width=\"0.6\"><title>\(title)</title></path>\n"
                    }
                    if let a = PeriodLabel(purchase.period) {
                        let c = a.ordinal - start.ordinal - first, k = arrivals[c, default: 0]
                        arrivals[c] = k + 1
                        let y = ChartFrame.top + frame.plotHeight - 6 - Double(k) * 11
                        out += "<circle class=\"mark\" data-series=\"arrival\" cx=\"\(SVGChart.n(center(c)))\" cy=\"\(SVGChart.n(y))\" r=\"4.5\" fill=\"\(color)\" stroke=\"#fff\" stroke-width=\"1\"><title>\(title)</title></circle>\n"
                    }
                }
                return out
            },
            extraLegend: [(name: "order", color: "#555555", shape: "order"), (name: "arrival", color: "#555555", shape: "arrival")])
    }

    static func utilizationChart(_ plan: PlanDocument) -> String {
        let owned = fleetOfferings(plan), rented = rentalOfferings(plan)
        var series: [ChartSeries] = [], present: [[Bool]] = []
        for (k, id) in (owned + rented).enumerated() {
            let isOwned = k < owned.count
            var values: [Double] = [], has: [Bool] = []
            for period in plan.periods {
                let value = isOwned ? period.fleet.first { $0.offering == id }?.averageUtilization
                    : period.rentals.first { $0.offering == id }?.averageUtilization
                values.append(value ?? 0)
                has.append(value != nil)
            }
            series.append(ChartSeries(name: id, color: palette[k % palette.count], values: values))
            present.append(has)
        }
        return SVGChart.lines(id: "utilization", title: "Utilization by offering", categories: plan.periods.map(\.period), series: series,
                              present: present, maximum: 1, format: { Formatting.percent($0, fractionDigits: 0) })
    }

    static func workloadChart(_ finance: PlanFinance) -> String {
        let a = finance.attribution
        var rows = a.workloads.map(\.workload) + (a.jobs ?? []).map { "job \($0.job)" } + ["idle capacity"]
        var all = a.workloads.map(\.cost) + (a.jobs ?? []).map(\.cost) + [a.idle]
        if a.beyondHorizon > 0 {
            rows.append("after the horizon")
            all.append(Attribution.Lines(reserved: a.beyondHorizon))
        }
        var series = [
            ChartSeries(name: "owned", color: costColors.capex, values: all.map(\.owned)),
            ChartSeries(name: "reserved", color: costColors.rental, values: all.map(\.reserved)),
            ChartSeries(name: "on demand", color: "#b07aa1", values: all.map(\.onDemand)),
            ChartSeries(name: "API", color: costColors.api, values: all.map(\.api)),
            ChartSeries(name: "unserved penalty", color: costColors.penalty, values: all.map(\.unservedPenalty)),
        ]
        if all.contains(where: { $0.platform > 0 }) {
            series.append(ChartSeries(name: "platform", color: costColors.platform, values: all.map(\.platform)))
        }
        return SVGChart.horizontalBars(id: "workloads", title: "Cost per workload", rows: rows, series: series, format: axisMoney)
    }

    /// The demand cases of a two-stage plan: the table, the figures with their meanings, and
    /// each case's cost as perfect foresight plus regret (a bar per case).
    static func twoStageSection(_ t: PlanDocument.TwoStagePlan) -> String {
        var content = ""
        if let rows = table(PlanReport.twoStageCaseRows(t)) {
            content += table(rows)
            let known = t.cases.allSatisfy { $0.perfectForesightCost != nil && $0.regret != nil }
            let series = known ? [
                ChartSeries(name: "perfect foresight", color: costColors.capex, values: t.cases.map { max(0, $0.perfectForesightCost!) }),
                ChartSeries(name: "regret", color: costColors.penalty, values: t.cases.map { max(0, $0.regret!) }),
            ] : [ChartSeries(name: "cost", color: costColors.capex, values: t.cases.map { max(0, $0.discountedCost) })]
            // A bar per case up to 40; beyond, the table says it all.
            if t.cases.count <= 40 {
                let chart = SVGChart.horizontalBars(id: "demand-cases", title: "Cost per demand case", rows: t.cases.map(\.name), series: series, format: axisMoney)
                content += figure(chart, known
                    ? "Discounted cost of this plan in each case: the case's perfect-foresight optimum plus the regret of buying before the demand is known."
                    : "Discounted cost of this plan in each case (perfect foresight not computed for every case).")
            }
        }
        content += "<ul>" + (PlanReport.twoStageFigureLines(t) + t.notes.map { "note: " + $0 }).map { "<li>\(esc($0))</li>" }.joined() + "</ul>\n"
        if let tree = table(PlanReport.treeRows(t)) { content += "<h3>\(esc(PlanReport.treeHeading))</h3>\n" + table(tree) }
        return section("Demand cases (two-stage plan)", content)
    }

    static func breakevenSection(_ b: BreakevenResult) -> String {
        let points = (b.points + b.refinement).sorted { $0.monthlyTokens < $1.monthlyTokens }
        let xs = points.map(\.monthlyTokens)
        let chart = SVGChart.scatter(
            id: "breakeven", title: "Break-even: cost per million tokens against monthly volume", xs: xs,
            series: [
                ChartSeries(name: "optimal plan", color: costColors.capex, values: points.map { $0.costPerMillionTokens ?? 0 }),
                ChartSeries(name: "all API", color: costColors.api, values: points.map { $0.allAPICostPerMillionTokens ?? 0 }),
            ],
            present: [points.map { $0.costPerMillionTokens != nil }, points.map { $0.allAPICostPerMillionTokens != nil }],
            logX: true, xFormat: { Formatting.tokens($0) }, format: { Formatting.money($0) },
            marker: b.breakevenMonthlyTokens.map { (x: $0, label: "break-even \(Formatting.tokens($0))/month") })
        let verdict = b.breakevenMonthlyTokens.map { "Owning starts to pay at \(Formatting.tokens($0)) tokens a month of \(b.workload)." }
            ?? "Owned capacity does not enter the optimal plan on this range."
        return section("Break-even (\(b.workload))", figure(chart, "Undiscounted cost per million tokens of the optimal plan and of the all-API plan, by monthly volume (log scale). \(b.note)")
            + "<p>\(esc(verdict))</p>\n")
    }

    static func sweepSection(_ s: SweepResult) -> String {
        let single = s.parameters.count == 1
        let xs = s.points.enumerated().map { single ? $1.values[0] : Double($0 + 1) }
        let chart = SVGChart.scatter(
            id: "sweep", title: "Sweep: discounted cost", xs: xs,
            series: [ChartSeries(name: "discounted cost", color: costColors.capex, values: s.points.map { $0.discountedCost ?? 0 })],
            present: [s.points.map { $0.discountedCost != nil }], logX: false,
            xFormat: { Formatting.significant($0, digits: 4) }, format: axisMoney)
        let header = s.parameters.map(\.path) + ["status", "discounted cost"] + s.purchaseOfferings.map { "\($0) units" }
        let rows = s.points.map { p in
            p.values.map { Formatting.significant($0, digits: 6) } + [p.status, p.discountedCost.map(Formatting.money) ?? "-"]
                + s.purchaseOfferings.map { Formatting.number(p.unitsPurchased[$0] ?? 0) }
        }
        let axis = single ? s.parameters[0].path : "point (in the table's order)"
        return section("Sweep", figure(chart, "Discounted cost of the optimal plan against \(axis).") + table(Table(header: header, rows: rows)))
    }

    // MARK: HTML pieces

    static func esc(_ text: String) -> String { SVGChart.escape(text) }

    static func section(_ title: String, _ content: String) -> String {
        "<section>\n<h2>\(esc(title))</h2>\n\(content)</section>\n"
    }

    static func figure(_ svg: String, _ caption: String) -> String {
        "<figure>\n\(svg)<figcaption>\(esc(caption))</figcaption>\n</figure>\n"
    }

    static func table(_ t: Table, empty: String = "None.") -> String {
        guard !t.rows.isEmpty else { return "<p>\(esc(empty))</p>\n" }
        var out = "<table>\n<thead><tr>" + t.header.map { "<th>\(esc($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in t.rows { out += "<tr>" + row.map { "<td>\(esc($0))</td>" }.joined() + "</tr>\n" }
        return out + "</tbody>\n</table>\n"
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#222;max-width:980px;margin:24px auto;padding:0 16px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:3px}
        .meta{color:#555;margin:0 0 8px}.headline{font-size:15px;padding-left:18px}
        figure{margin:8px 0}svg.chart{width:100%;height:auto;max-width:760px;display:block}
        figcaption{color:#555;font-size:12px}
        .grid{stroke:#e4e4e4;stroke-width:1}.tick,.legend{font-size:11px;fill:#444}
        table{border-collapse:collapse;margin:8px 0;font-size:12.5px}
        th,td{border:1px solid #ddd;padding:3px 7px;text-align:right;vertical-align:top}
        th:first-child,td:first-child,td:last-child{text-align:left}th{background:#f4f4f4}
        @media print{body{margin:0;max-width:none;font-size:11pt}section,figure,table{break-inside:avoid}svg.chart{max-width:100%}}
        """

    /// Counts, per chart, the marks the browser drew with a non-empty box (docs/report.md).
    static let markCounter = """
        for(const svg of document.querySelectorAll('svg.chart')){const counts={};let total=0;
        for(const m of svg.querySelectorAll('.mark')){const b=m.getBBox();if(b.width>0||b.height>0){total++;const s=m.getAttribute('data-series');counts[s]=(counts[s]||0)+1;}}
        svg.setAttribute('data-rendered-marks',String(total));svg.setAttribute('data-rendered-series',JSON.stringify(counts));}
        """

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="capplan \(CapPlanVersion.string)">
        <title>\(esc(title))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        \(body)<script>
        \(markCounter)
        </script>
        </body>
        </html>

        """
    }
}
