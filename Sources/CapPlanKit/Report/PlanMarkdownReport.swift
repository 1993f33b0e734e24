// The report as Markdown for reviews: the same headline and tables as the HTML page, without
// the charts (docs/report.md).

extension PlanHTMLReport {
    public static func markdown(_ inputs: ReportInputs) throws -> String {
        let (plan, finance) = try prepared(inputs)
        var out = "# Capacity plan: \(plan.scenario.name)\n\n"
        out += "\(plan.status.rawValue) (\(plan.solver.method.rawValue)), \(plan.horizon.periods) \(plan.horizon.kind.rawValue)s from \(plan.horizon.start); "
            + "\(plan.scenario.capexAccounting.rawValue) capex, discount rate \(Formatting.percent(plan.scenario.discountRate)); finance terms: \(termsText(finance.terms))\n\n"
        out += headline(plan, finance).map { "- \($0)\n" }.joined()
        func section(_ title: String, _ t: Table, empty: String = "None.") {
            out += "\n## \(title)\n\n"
            out += t.rows.isEmpty ? empty + "\n" : markdownTable(t)
        }
        if let twoStage = plan.twoStage, let cases = table(PlanReport.twoStageCaseRows(twoStage)) {
            section("Demand cases (two-stage plan)", cases)
            out += "\n" + (PlanReport.twoStageFigureLines(twoStage) + twoStage.notes.map { "note: " + $0 }).map { "- \($0)\n" }.joined()
            if let tree = table(PlanReport.treeRows(twoStage)) { section(PlanReport.treeHeading, tree) }
        }
        section("What to buy, by order date", purchaseTable(plan), empty: "Nothing to buy.")
        if let contracts = table(PlanReport.contractRows(plan)) { section("Reserved contracts", contracts) }
        if let platforms = table(PlanReport.platformRows(plan)) { section("Platforms", platforms) }
        if let jobs = table(PlanReport.jobRows(plan)) {
            section("Training jobs", jobs)
            out += PlanReport.jobDeadlineLines(plan).map { "\n- \($0)" }.joined() + (plan.jobs?.isEmpty == false ? "\n" : "")
        }
        let platform = plan.periods.contains { $0.cost.platform != 0 }
        let commitment = plan.periods.contains { $0.cost.apiCommitment != nil }
        let costs = Table(header: ["period", "capex", "energy", "opex", "rental", "API"] + (commitment ? ["API commitment"] : []) + (platform ? ["platform"] : [])
                          + ["unserved penalty", "total"],
                          rows: plan.periods.map {
            [$0.period, Formatting.money($0.cost.capex), Formatting.money($0.cost.energy), Formatting.money($0.cost.fixedOpex),
             Formatting.money($0.cost.rental), Formatting.money($0.cost.api)] + (commitment ? [Formatting.money($0.cost.apiCommitment ?? 0)] : [])
                + (platform ? [Formatting.money($0.cost.platform)] : [])
                + [Formatting.money($0.cost.unservedPenalty), Formatting.money($0.cost.total)]
        })
        section("Cost by period (undiscounted)", costs)
        let cash = finance.cashFlow
        section("Cash out by fiscal year", cashTable(cash.fiscalYears + [CashFlow.Line(label: "total", capital: cash.capital, operating: cash.operating, total: cash.total, inHorizon: true, commitments: cash.commitments)]))
        section("Cash out by period", cashTable(cash.periods))
        if let replicas = table(PlanReport.replicaRows(plan)) { section("Replicas (most in any slice)", replicas) }
        if let margins = table(PlanReport.marginRows(plan)) { section("Reliability margins", margins) }
        if let derived = table(PlanReport.derivedRows(plan)) {
            section("Derived throughput", derived, empty: "No precision fits.")
            let unfit = PlanReport.unfitLines(plan)
            if !unfit.isEmpty { out += "\n" + unfit.map { "- \($0.trimmingCharacters(in: .whitespaces))\n" }.joined() }
        }
        if let deferred = table(PlanReport.deferralRows(plan)) {
            section("Deferred demand (over the horizon)", deferred)
            let moved = PlanReport.movedLines(plan)
            if !moved.isEmpty { out += "\n" + moved.map { "- \($0)\n" }.joined() }
        }
        if let contracts = table(PlanReport.apiCommitmentRows(plan)) { section("Committed-use API contracts", contracts) }
        if let outlook = plan.priceOutlook {
            if let factors = table(PlanReport.priceFactorRows(plan)) { section("Price factors", factors) }
            if let purchases = table(PlanReport.priceOutlookPurchaseRows(plan)) { section("Purchases with static prices", purchases) }
            if let note = outlook.staticPricesNote { out += "\nStatic prices: \(note)\n" }
        }
        if let profile = table(PlanReport.profileRows(plan)) { section("Time slices from the hourly profile", profile) }
        section("Cost per workload", workloadTable(finance))
        section("Depreciation by cohort (\(finance.depreciation.method.rawValue))", depreciationTable(finance), empty: "No purchases: nothing to depreciate.")
        let limits = limitTable(plan)
        if !limits.rows.isEmpty { section("Binding limits", limits) }
        if let b = inputs.breakeven {
            out += "\n## Break-even (\(b.workload))\n\n"
            out += (b.breakevenMonthlyTokens.map { "Owning starts to pay at \(Formatting.tokens($0)) tokens a month of \(b.workload).\n" }
                ?? "Owned capacity does not enter the optimal plan on this range.\n")
        }
        if let s = inputs.sweep {
            let header = s.parameters.map(\.path) + ["status", "discounted cost"]
            section("Sweep", Table(header: header, rows: s.points.map { p in
                p.values.map { Formatting.significant($0, digits: 6) } + [p.status, p.discountedCost.map(Formatting.money) ?? "-"]
            }))
        }
        out += "\nCharts: `capplan report PLAN.json -o report.html` (docs/report.md).\n"
        return out
    }

    static func markdownTable(_ t: Table) -> String {
        func row(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
        return row(t.header) + row(t.header.map { _ in "---" }) + t.rows.map(row).joined()
    }
}
