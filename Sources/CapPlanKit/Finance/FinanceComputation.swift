// Cash flow and depreciation from the plan document alone (purchases, period cost lines,
// horizon), so that `capplan report` can redo them under other terms; attribution, which needs
// the scenario and the decisions by slice, is in CostAttribution.swift.

public enum FinanceComputation {
    /// The finance section of a solved plan: cash flow and depreciation under `terms`, and the
    /// attribution computed at plan time.
    public static func finance(
        _ plan: PlanDocument, usefulLifePeriods: [String: Int], attribution: Attribution, terms: FinanceTerms
    ) throws -> PlanFinance {
        if let problem = terms.problem { throw FinanceError(message: problem) }
        let depreciation = try depreciation(plan, usefulLifePeriods: usefulLifePeriods, terms: terms)
        return PlanFinance(terms: terms, cashFlow: try cashFlow(plan, usefulLifePeriods: usefulLifePeriods, terms: terms),
                           depreciation: depreciation, attribution: attribution)
    }

    /// The same plan's finance redone under other terms (attribution does not depend on them).
    public static func redo(_ plan: PlanDocument, terms: FinanceTerms) throws -> PlanFinance? {
        guard let finance = plan.finance else { return nil }
        return try Self.finance(plan, usefulLifePeriods: finance.depreciation.usefulLifePeriods,
                                attribution: finance.attribution, terms: terms)
    }

    static func start(_ plan: PlanDocument) throws -> PeriodLabel {
        guard let start = PeriodLabel(plan.horizon.start) else {
            throw FinanceError(message: "horizon.start: \(plan.horizon.start) is not a period label")
        }
        return start
    }

    static func offset(_ label: String, from start: PeriodLabel, field: String) throws -> Int {
        guard let period = PeriodLabel(label), period.kind == start.kind else {
            throw FinanceError(message: "\(field): \(label) is not a \(start.kind.rawValue) label")
        }
        return period.ordinal - start.ordinal
    }

    /// The fiscal year a period belongs to: the one holding its first month. Fiscal year N
    /// ends in calendar year N (with a January start it is the calendar year).
    public static func fiscalYear(of period: PeriodLabel, startMonth: Int) -> Int {
        let firstMonth: Int
        switch period.kind {
        case .quarter: firstMonth = (period.subperiod - 1) * 3 + 1
        case .month: firstMonth = period.subperiod
        case .year: firstMonth = 1
        }
        return startMonth > 1 && firstMonth >= startMonth ? period.year + 1 : period.year
    }

    /// The payment-timing rule for a purchase's balance: paid `days` after the start of the
    /// arrival period, so in the period that day falls in, this many periods after arrival. The
    /// one definition, shared by the cash flow and the fiscal budgets of the model
    /// (docs/formulation.md, "Fiscal budgets"); the deposit is paid in the order period.
    public static func balanceDelayPeriods(days: Double, daysPerPeriod: Double) -> Int {
        Int((days / daysPerPeriod).rounded(.down))
    }

    /// Deposits in the order period, balances `balanceDelayDays` after the start of the arrival
    /// period (in the period that day falls in), running costs in the period they are used,
    /// and the rent of reserved contracts running past the horizon in the periods it falls due.
    public static func cashFlow(_ plan: PlanDocument, usefulLifePeriods: [String: Int], terms: FinanceTerms) throws -> CashFlow {
        let start = try start(plan)
        let count = plan.periods.count
        let daysPerPeriod = plan.horizon.hoursPerPeriod / 24
        var capital: [Int: Double] = [:]
        for (k, purchase) in plan.purchases.enumerated() {
            let order = try offset(purchase.orderPeriod, from: start, field: "purchases[\(k)].orderPeriod")
            let arrival = try offset(purchase.period, from: start, field: "purchases[\(k)].period")
            let own = terms.terms(of: purchase.offering)
            let delay = balanceDelayPeriods(days: own.balanceDelayDays, daysPerPeriod: daysPerPeriod)
            let deposit = purchase.capex * own.depositFraction
            // Units in flight (13.1): their deposit was paid before the horizon, outside this plan.
            if deposit > 0, purchase.inFlight != true { capital[order, default: 0] += deposit }
            capital[arrival + delay, default: 0] += purchase.capex - deposit
        }
        // Rent due after the horizon, period by period: a contract's term runs on past it.
        var commitments: [Int: Double] = [:]
        for (r, rental) in (plan.rentals ?? []).enumerated() {
            for (c, contract) in rental.contracts.enumerated() where contract.periodsBeyondHorizon > 0 {
                let first = try offset(contract.start, from: start, field: "rentals[\(r)].contracts[\(c)].start")
                for i in max(count, first)..<(first + contract.termPeriods) {
                    commitments[i, default: 0] += contract.units * rental.rentPerUnitPeriod * (contract.priceFactor ?? 1)
                }
            }
        }
        let keys = Array(capital.keys) + Array(commitments.keys)
        let first = min(0, keys.min() ?? 0), last = max(count - 1, keys.max() ?? 0)
        var lines: [CashFlow.Line] = []
        var years: [Int: CashFlow.Line] = [:]
        for i in first...max(first, last) {
            let inHorizon = i >= 0 && i < count
            let operating: Double
            if inHorizon {
                let cost = plan.periods[i].cost
                operating = cost.energy + cost.fixedOpex + cost.rental + cost.api + cost.platform + (cost.apiCommitment ?? 0)
            } else {
                operating = 0
            }
            let paid = capital[i] ?? 0, owed = commitments[i] ?? 0
            if !inHorizon && paid == 0 && owed == 0 { continue }
            let label = start.advanced(by: i)
            lines.append(.init(label: label.description, capital: paid, operating: operating, total: paid + operating + owed,
                               inHorizon: inHorizon, commitments: owed))
            let year = fiscalYear(of: label, startMonth: terms.fiscalYearStartMonth)
            var line = years[year] ?? .init(label: "FY\(year)", capital: 0, operating: 0, total: 0, inHorizon: true)
            line.capital += paid
            line.operating += operating
            line.commitments += owed
            line.total += paid + operating + owed
            line.inHorizon = line.inHorizon && inHorizon
            years[year] = line
        }
        let capitalTotal = lines.reduce(0) { $0 + $1.capital }, operatingTotal = lines.reduce(0) { $0 + $1.operating }
        let commitmentsTotal = lines.reduce(0) { $0 + $1.commitments }
        var salvage = 0.0
        for (k, purchase) in plan.purchases.enumerated() {
            guard let life = usefulLifePeriods[purchase.offering] else {
                throw FinanceError(message: "purchases[\(k)].offering: no useful life for \(purchase.offering)")
            }
            let arrival = try offset(purchase.period, from: start, field: "purchases[\(k)].period")
            salvage += purchase.capex * Double(max(0, arrival + life - count)) / Double(life)
        }
        return CashFlow(periods: lines, fiscalYears: years.keys.sorted().map { years[$0]! }, capital: capitalTotal,
                        operating: operatingTotal, total: capitalTotal + operatingTotal + commitmentsTotal, salvageValue: salvage,
                        commitments: commitmentsTotal)
    }

    /// One cohort per purchase line; expense, write-offs and book value per horizon period.
    public static func depreciation(_ plan: PlanDocument, usefulLifePeriods: [String: Int], terms: FinanceTerms) throws -> Depreciation {
        let start = try start(plan)
        let count = plan.periods.count
        var cohorts: [Depreciation.Cohort] = []
        for (k, purchase) in plan.purchases.enumerated() {
            guard let life = usefulLifePeriods[purchase.offering] else {
                throw FinanceError(message: "purchases[\(k)].offering: no useful life for \(purchase.offering)")
            }
            let arrival = try offset(purchase.period, from: start, field: "purchases[\(k)].period")
            let bookLife = terms.terms(of: purchase.offering).bookLifePeriods ?? life
            let schedule = Self.schedule(cost: purchase.capex, bookLife: bookLife, method: terms.depreciation,
                                         factor: terms.decliningBalanceFactor)
            var expense = [Double](repeating: 0, count: count), writeOff = expense, bookValue = expense
            var value = purchase.capex
            for age in 0..<min(life, bookLife) where arrival + age < count {
                value -= schedule[age]
                expense[arrival + age] = schedule[age]
                bookValue[arrival + age] = max(0, value)
            }
            // Retired at the end of its useful life with book value left: written off then.
            if bookLife > life, arrival + life - 1 < count {
                writeOff[arrival + life - 1] = max(0, value)
                bookValue[arrival + life - 1] = 0
            }
            cohorts.append(.init(offering: purchase.offering, arrival: purchase.period, units: purchase.units,
                                 costBasis: purchase.capex, usefulLifePeriods: life, bookLifePeriods: bookLife,
                                 expense: expense, writeOff: writeOff, bookValue: bookValue))
        }
        func sum(_ path: KeyPath<Depreciation.Cohort, [Double]>) -> [Double] {
            (0..<count).map { p in cohorts.reduce(0) { $0 + $1[keyPath: path][p] } }
        }
        let used = Set(plan.purchases.map(\.offering))
        return Depreciation(method: terms.depreciation, usefulLifePeriods: usefulLifePeriods.filter { used.contains($0.key) },
                            cohorts: cohorts, expense: sum(\.expense), writeOff: sum(\.writeOff), bookValue: sum(\.bookValue))
    }

    /// Expense per period of age for one asset of price `cost` over `bookLife` periods.
    public static func schedule(cost: Double, bookLife: Int, method: DepreciationMethod, factor: Double) -> [Double] {
        switch method {
        case .straightLine:
            return [Double](repeating: cost / Double(bookLife), count: bookLife)
        case .decliningBalance:
            let rate = min(1, factor / Double(bookLife))
            var value = cost
            var expense: [Double] = []
            for age in 0..<bookLife {
                let remaining = Double(bookLife - age)
                // The last period takes what is left; before it, switch to straight-line on the
                // remainder once that is the larger expense.
                let amount = age == bookLife - 1 ? value : min(value, max(value * rate, value / remaining))
                expense.append(amount)
                value -= amount
            }
            return expense
        }
    }
}

/// Finance terms or a plan that the finance views cannot use.
public struct FinanceError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

extension FinanceComputation {
    /// The finance section written into a solved plan (after `PlanExtraction.fill`).
    public static func finance(
        _ plan: PlanDocument, scenario: Scenario, decisions: PlanDecisions, evaluation: PlanEvaluation
    ) throws -> PlanFinance {
        let terms = FinanceTerms(scenario: scenario)
        let lives = Dictionary(uniqueKeysWithValues: scenario.purchases.map { ($0.id, $0.lifetimePeriods) })
        return try finance(plan, usefulLifePeriods: lives,
                           attribution: CostAttribution.attribute(scenario: scenario, decisions: decisions, evaluation: evaluation),
                           terms: terms)
    }
}
