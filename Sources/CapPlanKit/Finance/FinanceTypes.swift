// The plan's finance views (docs/finance.md): cash flow under payment terms, depreciation by
// asset cohort, and cost attribution per workload. They are computed after the solve from the
// plan's decisions and never enter the optimization model: the objective stays as
// docs/formulation.md defines it.

/// How a depreciation schedule spreads an asset's cost over its book life.
public enum DepreciationMethod: String, Codable, Sendable, CaseIterable {
    /// Equal expense each period of the book life.
    case straightLine = "straight-line"
    /// A fixed rate (factor / book life) of the remaining book value, switching to straight-line
    /// on the remainder once that is larger, so the asset reaches zero at the end of its book life.
    case decliningBalance = "declining-balance"
}

/// Payment terms, fiscal calendar and book rules. The defaults reproduce the plan's own
/// assumptions: everything paid at delivery, fiscal year = calendar year, book life = useful life.
public struct FinanceTerms: Hashable, Codable, Sendable {
    /// Share of a purchase's price paid in its order period (0...1); the balance follows delivery.
    public var depositFraction: Double
    /// Days after the start of the arrival period at which the balance is paid (≥ 0).
    public var balanceDelayDays: Double
    /// First month (1...12) of the fiscal year; fiscal year N ends in calendar year N.
    public var fiscalYearStartMonth: Int
    /// Book life in periods for every purchase offering; absent: each offering's useful life.
    public var bookLifePeriods: Int?
    public var depreciation: DepreciationMethod
    /// Rate multiplier of declining-balance (2: double-declining).
    public var decliningBalanceFactor: Double
    /// Terms of single purchase offerings (from the scenario), by offering id; they replace the
    /// defaults above for that offering.
    public var offerings: [String: OfferingTerms]

    /// One purchase offering's payment terms and book life.
    public struct OfferingTerms: Hashable, Codable, Sendable {
        public var depositFraction: Double
        public var balanceDelayDays: Double
        /// Absent: the offering's useful life.
        public var bookLifePeriods: Int?

        public init(depositFraction: Double = 0, balanceDelayDays: Double = 0, bookLifePeriods: Int? = nil) {
            self.depositFraction = depositFraction
            self.balanceDelayDays = balanceDelayDays
            self.bookLifePeriods = bookLifePeriods
        }
    }

    public init(depositFraction: Double = 0, balanceDelayDays: Double = 0, fiscalYearStartMonth: Int = 1,
                bookLifePeriods: Int? = nil, depreciation: DepreciationMethod = .straightLine,
                decliningBalanceFactor: Double = 2, offerings: [String: OfferingTerms] = [:]) {
        self.depositFraction = depositFraction
        self.balanceDelayDays = balanceDelayDays
        self.fiscalYearStartMonth = fiscalYearStartMonth
        self.bookLifePeriods = bookLifePeriods
        self.depreciation = depreciation
        self.decliningBalanceFactor = decliningBalanceFactor
        self.offerings = offerings
    }

    /// The scenario's terms: its fiscal year, and each purchase offering's payment terms and
    /// book life where they differ from the defaults.
    public init(scenario: Scenario) {
        var offerings: [String: OfferingTerms] = [:]
        for p in scenario.purchases where p.depositFraction != 0 || p.balanceDaysAfterDelivery != 0 || p.bookLifePeriods != nil {
            offerings[p.id] = OfferingTerms(depositFraction: p.depositFraction, balanceDelayDays: p.balanceDaysAfterDelivery,
                                            bookLifePeriods: p.bookLifePeriods)
        }
        self.init(fiscalYearStartMonth: scenario.budget.fiscalYearStartMonth, offerings: offerings)
    }

    /// The terms that apply to one offering.
    public func terms(of offering: String) -> OfferingTerms {
        offerings[offering] ?? OfferingTerms(depositFraction: depositFraction, balanceDelayDays: balanceDelayDays, bookLifePeriods: bookLifePeriods)
    }

    /// A sentence naming the first term out of range, or nil when all are valid.
    public var problem: String? {
        if !depositFraction.isFinite || depositFraction < 0 || depositFraction > 1 {
            return "the deposit fraction must be in 0...1, got \(depositFraction)"
        }
        if !balanceDelayDays.isFinite || balanceDelayDays < 0 || balanceDelayDays > 3650 {
            return "the balance delay must be 0...3650 days, got \(balanceDelayDays)"
        }
        if !(1...12).contains(fiscalYearStartMonth) {
            return "the fiscal year start month must be in 1...12, got \(fiscalYearStartMonth)"
        }
        if let life = bookLifePeriods, !(1...1000).contains(life) {
            return "the book life must be 1...1000 periods, got \(life)"
        }
        if !decliningBalanceFactor.isFinite || decliningBalanceFactor <= 0 || decliningBalanceFactor > 10 {
            return "the declining-balance factor must be in (0, 10], got \(decliningBalanceFactor)"
        }
        for id in offerings.keys.sorted() {
            let terms = offerings[id]!
            let single = FinanceTerms(depositFraction: terms.depositFraction, balanceDelayDays: terms.balanceDelayDays,
                                      bookLifePeriods: terms.bookLifePeriods)
            if let problem = single.problem { return "offering \(id): \(problem)" }
        }
        return nil
    }
}

/// The `finance` section of the plan (docs/plan-format.md).
public struct PlanFinance: Codable, Sendable {
    public var terms: FinanceTerms
    public var cashFlow: CashFlow
    public var depreciation: Depreciation
    public var attribution: Attribution

    public init(terms: FinanceTerms, cashFlow: CashFlow, depreciation: Depreciation, attribution: Attribution) {
        self.terms = terms
        self.cashFlow = cashFlow
        self.depreciation = depreciation
        self.attribution = attribution
    }
}

/// Cash paid out, undiscounted, by the period it is paid in.
public struct CashFlow: Codable, Sendable {
    public struct Line: Codable, Sendable, Equatable {
        /// A period label, or a fiscal year `FY2027`.
        public var label: String
        /// Purchase payments: deposits and balances.
        public var capital: Double
        /// Energy, fixed opex, rentals (upfront fees in the contract's start period), APIs and
        /// platform costs, paid in the period they are used.
        public var operating: Double
        /// capital + operating + commitments.
        public var total: Double
        /// False for payments before the horizon's first period (deposits on early orders) or
        /// after its last (late balances, rent of contracts running past the horizon).
        public var inHorizon: Bool
        /// Rent of reserved contracts due after the horizon: an obligation, never credited
        /// (absent in plans of schemaVersion 1).
        @ZeroIfAbsent public var commitments: Double = 0
    }

    /// Every period with a payment, from the earliest to the latest, in order.
    public var periods: [Line]
    /// The same, summed by fiscal year.
    public var fiscalYears: [Line]
    public var capital: Double
    public var operating: Double
    /// All cash out: capital + operating + commitments. The unserved-demand penalty is not cash
    /// and is left out.
    public var total: Double
    /// What the purchased units are still worth at the horizon's end, straight-line over their
    /// useful life (the plan's salvage rule): not cash, stated apart from the cash out.
    public var salvageValue: Double
    /// Rent of reserved contracts for the periods after the horizon (`totals.commitmentsBeyondHorizon`).
    @ZeroIfAbsent public var commitments: Double = 0
}

/// Book depreciation of purchased units, by cohort (offering and arrival period). Units owned
/// before the horizon are sunk and carry no book value here.
public struct Depreciation: Codable, Sendable {
    public struct Cohort: Codable, Sendable, Equatable {
        public var offering: String
        /// Arrival period: the asset is in service and depreciates from here.
        public var arrival: String
        public var units: Double
        /// Price paid, USD.
        public var costBasis: Double
        public var usefulLifePeriods: Int
        public var bookLifePeriods: Int
        /// Depreciation expense in each horizon period (0 before arrival).
        public var expense: [Double]
        /// Book value written off when the units retire (end of useful life) before their book
        /// life ends, in each horizon period.
        public var writeOff: [Double]
        /// Book value at the end of each horizon period (0 before arrival and after retirement).
        public var bookValue: [Double]
    }

    public var method: DepreciationMethod
    /// Useful life in periods of each purchase offering that has a cohort.
    public var usefulLifePeriods: [String: Int]
    /// In the plan's purchase order (order period, offering, arrival).
    public var cohorts: [Cohort]
    /// Σ cohorts, per horizon period.
    public var expense: [Double]
    public var writeOff: [Double]
    public var bookValue: [Double]
}

/// The plan's undiscounted total cost shared among workloads (docs/finance.md, "Attribution").
public struct Attribution: Codable, Sendable {
    public struct Lines: Codable, Sendable, Equatable {
        /// Owned units: amortized price (c_o / L_o per purchased unit in service), energy, fixed opex.
        public var owned: Double
        /// Reserved rentals (commitment `period`): rent, and upfront fees spread over the term.
        public var reserved: Double
        /// On-demand and spot rentals.
        public var onDemand: Double
        /// APIs at ψ_awp (caching, price factors), with committed-use contracts' shortfall less
        /// discount shared by list spend (docs/finance.md, "Attribution").
        public var api: Double
        public var unservedPenalty: Double
        public var total: Double
        /// Platform adoption and yearly costs (absent in plans of schemaVersion 1).
        @ZeroIfAbsent public var platform: Double

        public init(owned: Double = 0, reserved: Double = 0, onDemand: Double = 0, api: Double = 0, unservedPenalty: Double = 0,
                    platform: Double = 0) {
            self.owned = owned
            self.reserved = reserved
            self.onDemand = onDemand
            self.api = api
            self.unservedPenalty = unservedPenalty
            self.platform = platform
            total = owned + reserved + onDemand + api + unservedPenalty + platform
        }

        static func + (lhs: Lines, rhs: Lines) -> Lines {
            Lines(owned: lhs.owned + rhs.owned, reserved: lhs.reserved + rhs.reserved, onDemand: lhs.onDemand + rhs.onDemand,
                  api: lhs.api + rhs.api, unservedPenalty: lhs.unservedPenalty + rhs.unservedPenalty, platform: lhs.platform + rhs.platform)
        }
    }

    public struct WorkloadCost: Codable, Sendable, Equatable {
        public var workload: String
        public var cost: Lines
        /// Total attributed cost in each period.
        public var byPeriod: [Double]
        public var tokensServed: Double
        /// cost.total / (tokensServed / 10^6); absent when nothing was served.
        public var costPerMillionTokens: Double?
    }

    /// One entry per workload, in scenario order.
    public var workloads: [WorkloadCost]
    /// Owned and rented capacity paid for and not used (utilization headroom included).
    public var idle: Lines
    public var idleByPeriod: [Double]
    /// Σ workloads + jobs + idle + beyondHorizon: equals `totals.cost`.
    public var total: Double
    /// Reserved contracts' rent and upfront share for the periods after the horizon: paid for
    /// no workload of the plan (absent in plans of schemaVersion 1).
    @ZeroIfAbsent public var beyondHorizon: Double = 0
    /// Training jobs' share of the capacity they ran on (docs/formulation.md section 10), in
    /// scenario order; absent when the scenario has no jobs.
    public var jobs: [JobCost]? = nil

    /// The cost attributed to one training job: its share of the units it occupied.
    public struct JobCost: Codable, Sendable, Equatable {
        public var job: String
        public var cost: Lines
        /// Total attributed cost in each period.
        public var byPeriod: [Double]
        /// Σ g_jops d η_s: accelerator-hours the job used.
        public var acceleratorHours: Double
    }
}
