// Pass 2 for commitments carried into the horizon (docs/formulation.md 13.1; docs/scenario-format.md
// "Commitments carried in"): a purchase's `existing` cohorts and `ordersInFlight`, a reserved
// rental's `contractsInTerm`. A committed-use contract's `signed` needs no check beyond its type.

extension ScenarioValidator {
    /// Units of a carried-in entry: > 0, and whole unless `policy.integerUnits` is false (a
    /// fractional unit carried in would make the whole-unit model infeasible or silently round).
    private func carriedUnits(_ v: Loc<Double>?, integerUnits: Bool) -> Double? {
        guard let units = check(v, ScenarioRules.carriedUnits) else { return nil }
        if integerUnits, units != units.rounded(), let v {
            sink.error(v.path, at: v.node, value: v.node.written,
                       "expected a whole number of units (policy.integerUnits is true; set it to false to plan fractional units)")
            return nil
        }
        return units
    }

    /// `existing` or `contractsInTerm` entries, each checked; nil entries are left out (reported).
    /// `maxRemaining`: a contract's term, which no contract in term can outlast.
    func validateUnitsInTerm(_ raw: Loc<[RawUnitsInTerm]>?, integerUnits: Bool, maxRemaining: (periods: Int, why: String)? = nil) -> [UnitsInTerm] {
        guard let raw else { return [] }
        var result: [UnitsInTerm] = []
        for entry in raw.value {
            let units = carriedUnits(entry.units, integerUnits: integerUnits)
            var remaining = whole(entry.remainingPeriods, ScenarioRules.remainingPeriods)
            if let r = remaining, let limit = maxRemaining, r > limit.periods, let at = entry.remainingPeriods {
                sink.error(at.path, at: at.node, value: at.node.written, "expected at most \(limit.periods) periods: \(limit.why)")
                remaining = nil
            }
            if let units, let remaining { result.append(UnitsInTerm(units: units, remainingPeriods: remaining)) }
        }
        return result
    }

    /// `ordersInFlight`: zero-based arrival period -> units (entries for one period add up). An
    /// arrival must fall in the horizon: one before it is owned already (`existing`), one after
    /// it plays no part in the plan.
    func validateOrdersInFlight(_ raw: Loc<[RawOrderInFlight]>?, horizon: Horizon?, integerUnits: Bool) -> [Int: Double] {
        guard let raw else { return [:] }
        var result: [Int: Double] = [:]
        for entry in raw.value {
            let units = carriedUnits(entry.units, integerUnits: integerUnits)
            guard let a = entry.arrives else { continue }
            guard let label = PeriodLabel(a.value) else {
                sink.error(a.path, at: a.node, value: a.node.written, "expected a period label: YYYYQn, YYYY-MM or YYYY")
                continue
            }
            guard let horizon else { continue }
            guard label.kind == horizon.kind else {
                sink.error(a.path, at: a.node, value: a.node.written, "expected a \(horizon.kind.rawValue) label like \(horizon.start), the horizon's kind")
                continue
            }
            let q = horizon.offset(of: label)
            guard (0..<horizon.periods).contains(q) else {
                sink.error(a.path, at: a.node, value: a.node.written,
                           "expected a period of the horizon (\(horizon.labels.first!)...\(horizon.labels.last!)): "
                            + (q < 0 ? "units that arrived before it are owned already (list them under `existing`)"
                               : "an order arriving after it plays no part in the plan"))
                continue
            }
            if let units { result[q, default: 0] += units }
        }
        return result
    }

    /// A reserved rental's `contractsInTerm`; an error on an on-demand or spot rental (no contract).
    func validateContractsInTerm(_ o: RawOffering, commitment: RentalCommitment, commitmentKnown: Bool, termPeriods: Int,
                                 maxUnits: Double?, horizon: Horizon?, integerUnits: Bool) -> [UnitsInTerm] {
        guard let raw = o.contractsInTerm else { return [] }
        guard commitment == .period || !commitmentKnown else {
            sink.error(raw.path, at: raw.node,
                       "contractsInTerm applies to reserved rentals (commitment: period): "
                        + (commitment == .spot ? "a spot rental" : "an on-demand rental") + " is paid by the hour it is used, with no contract to carry in")
            return []
        }
        let months = horizon.map { ScenarioRules.monthsPerPeriod($0.kind) } ?? 0
        let why = "a contract in term has at most its term left (termMonths\(months > 0 ? ": \(termPeriods * months) months" : ""))"
        let contracts = validateUnitsInTerm(raw, integerUnits: integerUnits, maxRemaining: commitment == .period ? (termPeriods, why) : nil)
        // maxUnits caps the units rented at once, those under contracts carried in included.
        let held = contracts.reduce(0) { $0 + $1.units }
        if let maxUnits, held > maxUnits {
            sink.error(raw.path, at: raw.node, value: ValueRule.format(held) + " units",
                       "expected at most maxUnits (\(ValueRule.format(maxUnits))) units under contracts in term: maxUnits caps the units rented at once, these included")
        }
        return contracts
    }
}

extension PurchaseOffering {
    /// e_op: units owned at the start and still in service in zero-based period p: every cohort
    /// (`existingUnits` for `existingRemainingPeriods`, and each of `existing`) with p before
    /// its end (docs/formulation.md 13.1). The one place this sum is made.
    public func existingUnits(inPeriod p: Int) -> Double {
        guard p >= 0 else { return 0 }
        var units = p < existingRemainingPeriods ? existingUnits : 0
        for cohort in existingCohorts where p < cohort.remainingPeriods { units += cohort.units }
        return units
    }

    /// Units owned at the start in any cohort (the most in service in any period).
    public var existingUnitsAtStart: Double { existingUnits(inPeriod: 0) }

    /// F_oq: units ordered before the horizon arriving in zero-based period q (0 when none).
    public func unitsInFlight(arrivingIn q: Int) -> Double { ordersInFlight[q] ?? 0 }
}

extension RentalOffering {
    /// C_op: units under contracts carried in, still in their term in zero-based period p
    /// (docs/formulation.md 13.1). The one place this sum is made.
    public func unitsInTerm(inPeriod p: Int) -> Double {
        guard p >= 0 else { return 0 }
        return contractsInTerm.reduce(0) { $0 + (p < $1.remainingPeriods ? $1.units : 0) }
    }
}

extension Scenario {
    /// Whether platform `id` was adopted before the horizon, so that its adoption cost A_k is
    /// sunk (8.3): some commitment carried in runs on it, owned units, units in flight or a
    /// reserved contract in term (13.1). The one place this rule is made.
    public func adoptedBeforeHorizon(platform id: String) -> Bool {
        purchases.contains { $0.platform == id && ($0.existingUnitsAtStart > 0 || $0.ordersInFlight.values.contains { $0 > 0 }) }
            || rentals.contains { $0.platform == id && $0.unitsInTerm(inPeriod: 0) > 0 }
    }
}
