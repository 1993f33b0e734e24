// The changes of a re-plan as Markdown (`DIR/changes.md`, and what `capplan replan` prints
// before the plan): the same figures as changes.json, in tables.

extension ReplanChanges {
    public var markdown: String {
        var out = "# Re-plan of \(scenario)\n\n"
        let elapsedText = elapsed.count == 1 ? elapsed[0] : "\(elapsed[0]) .. \(elapsed[elapsed.count - 1])"
        out += "Elapsed: \(elapsedText). The new horizon: \(Self.periods(horizon.periods)) from \(horizon.start)"
            + " (the previous plan: \(previousHorizon.periods) from \(previousHorizon.start)).\n\n"

        out += "## Demand: forecast and actual\n\n"
        out += table(["workload", "period", "forecast", "actual", "change"], demand.flatMap { line in
            line.periods.map { p in
                [line.workload, p.period, Formatting.tokens(p.forecast), Formatting.tokens(p.actual),
                 p.forecast > 0 ? Formatting.percent(p.actual / p.forecast - 1) : "-"]
            }
        })

        out += "\n## The elapsed periods' cost\n\n"
        out += "The previous plan's purchases (as delivered), reserved units and contracts, run at the actual demand"
            + " (dispatch, on-demand rentals and APIs chosen again): \(elapsedCost.outcome).\n\n"
        out += table(["period", "planned", "at actual demand"], elapsedCost.periods.map { p in
            [p.period, Formatting.money(p.planned), p.actual.map(Formatting.money) ?? "-"]
        } + [["total", Formatting.money(elapsedCost.planned), elapsedCost.actual.map(Formatting.money) ?? "-"]])
        if !elapsedCost.unmetDemand.isEmpty {
            out += "\nThe fleet could not serve the actual demand; at least this went unserved:\n\n"
            out += table(["workload", "period", "slice", "tokens"], elapsedCost.unmetDemand.map {
                [$0.workload, $0.period, $0.slice, Formatting.tokens($0.tokens)]
            })
        }

        out += "\n## Carried in\n\n"
        var carried: [[String]] = []
        for c in carriedIn.cohorts {
            carried.append([c.offering, "owned", Formatting.number(c.units), "\(Self.periods(c.remainingPeriods)) in service", c.origin])
        }
        for f in carriedIn.ordersInFlight {
            carried.append([f.offering, "in flight", Formatting.number(f.units), "arrives \(f.arrives)", f.origin])
        }
        for c in carriedIn.contractsInTerm {
            carried.append([c.offering, "contract in term", Formatting.number(c.units), "\(Self.periods(c.remainingPeriods)) left", c.origin])
        }
        for a in carriedIn.signedCommitments { carried.append([a, "committed use", "-", "signed", "taken by the previous plan, or signed before"]) }
        for k in carriedIn.platformsAdopted { carried.append([k, "platform", "-", "adopted", "no adoption cost again"]) }
        for j in carriedIn.jobsInProgress {
            carried.append([j.job, "training job", "-", "\(Formatting.percent(j.completedFraction)) done", "\(Formatting.significant(j.flopsLeft, digits: 4)) FLOPs left"])
        }
        out += carried.isEmpty ? "Nothing.\n" : table(["offering", "what", "units", "term", "from"], carried)

        out += "\n## What changed\n\n"
        out += "Per offering and period of the new horizon: units arriving (purchases), reserved units (reserved rentals),"
            + " API tokens (APIs), in the previous plan and now.\n\n"
        var rows: [[String]] = []
        for o in offerings {
            for p in o.periods {
                let tokens = o.quantity == "apiTokens"
                func show(_ x: Double) -> String { tokens ? Formatting.tokens(x) : Formatting.number(x) }
                var change = "new"
                if let before = p.before {
                    // Differences of solver round-off (a billionth of the figure) are no change.
                    let diff = p.now - before
                    change = abs(diff) <= 1e-9 * max(abs(before), abs(p.now), 1) ? "=" : (diff > 0 ? "+" : "") + show(diff)
                }
                let beforeText = p.before.map { show($0) } ?? "-"
                rows.append([o.offering, Self.quantityName(o.quantity), p.period, beforeText, show(p.now), change])
            }
        }
        out += rows.isEmpty ? "Nothing is bought, reserved or sent to an API in either plan.\n"
            : table(["offering", "quantity", "period", "before", "now", "change"], rows)

        out += "\n## Cost of the remaining periods\n\n"
        out += table(["period", "before", "now"], remainingCost.periods.map { p in
            [p.period, p.before.map(Formatting.money) ?? "-", Formatting.money(p.now)]
        } + [["periods both cover", Formatting.money(remainingCost.before), Formatting.money(remainingCost.now)]])
        if remainingCost.sunkCapex != 0 {
            out += "\nOf the previous plan's figure, \(Formatting.money(remainingCost.sunkCapex)) is amortized capex of units delivered in the elapsed"
                + " periods: owned now, the new plan charges none for them (like for like: \(Formatting.money(remainingCost.before - remainingCost.sunkCapex)) before).\n"
        }
        if remainingCost.nowAfterPreviousHorizon != 0 {
            out += "\nThe new plan's periods after the previous horizon cost \(Formatting.money(remainingCost.nowAfterPreviousHorizon)).\n"
        }
        out += "\nThe new plan: \(plan.status.rawValue)" + (plan.discountedCost.map { ", discounted cost \(Formatting.money($0))" } ?? "") + ".\n"
        if !notes.isEmpty { out += "\n" + notes.map { "- \($0)\n" }.joined() }
        return out
    }

    static func periods(_ n: Int) -> String { n == 1 ? "1 period" : "\(n) periods" }

    static func quantityName(_ quantity: String) -> String {
        switch quantity {
        case "arrivals": return "units arriving"
        case "reservedUnits": return "reserved units"
        default: return "API tokens"
        }
    }

    func table(_ header: [String], _ rows: [[String]]) -> String {
        var out = "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in rows { out += "| " + row.joined(separator: " | ") + " |\n" }
        return out
    }
}
