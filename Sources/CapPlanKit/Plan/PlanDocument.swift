// The plan as JSON (docs/plan-format.md, docs/plan.schema.json). Key names are a contract:
// scripts read `status`, `totals.discountedCost`, `totals.cost`, `solver.mipGap`, `purchases`
// and `periods`. Money in USD, tokens in tokens, power in kW.
//
// Version 2 added the platform cost line, the commitments beyond the horizon, and the
// `rentals`, `platforms`, `replicas` and `margins` sections. Plans of version 1 still decode
// (for `capplan report`): their new cost lines read as 0 (`ZeroIfAbsent`), their new sections
// as absent. Serving options (docs/formulation.md section 9) added optional keys only
// (`derivedThroughput`, `servedTokensByPrecision`, a replica line's `precision`): plans
// without derived throughputs are the same bytes, so the version stays 2.

/// The outcome in one word.
public enum PlanStatus: String, Codable, Sendable {
    case optimal
    /// Stopped by a limit with a feasible plan.
    case feasible
    case infeasible
    case unbounded
    case error
}

public struct PlanDocument: Codable, Sendable {
    /// 2 since reserved contracts are charged for their whole term (docs/plan-format.md).
    public var schemaVersion = 2
    public var scenario: ScenarioInfo
    public var status: PlanStatus
    public var solver: SolverInfo
    public var horizon: HorizonInfo
    public var totals: Totals?
    public var purchases: [Purchase]
    public var periods: [PeriodPlan]
    public var baselines: Baselines?
    public var audit: Audit?
    public var insights: Insights?
    /// Price thresholds per offering (`capplan plan` on small models, or `--thresholds`).
    public var priceThresholds: [PriceThreshold]?
    /// Cash flow, depreciation and cost per workload (docs/finance.md); present with `totals`.
    public var finance: PlanFinance?
    /// Reserved rentals and their contracts (docs/formulation.md 8.1); present with `totals`.
    public var rentals: [ReservedRental]?
    /// Platforms with a cost entry: use, adoption and costs (8.3); present with `totals`.
    public var platforms: [PlatformLine]?
    /// Replicas run per offering and workload (8.2); present with `totals`.
    public var replicas: [ReplicaLine]?
    /// Spare units and failure derating held per pool (8.4); present with `totals`.
    public var margins: [MarginLine]?
    /// Throughputs and replica sizes the performance model derived, per offering and workload,
    /// with what each option served (section 9); present with `totals` when the scenario
    /// derived any (or tried: precisions that did not fit are listed with the reason).
    public var derivedThroughput: [DerivedThroughput]?
    /// Training and fine-tuning jobs: where and when each ran, its attributed cost and what a
    /// later deadline would save (docs/formulation.md section 10); present with `totals` when
    /// the scenario has jobs.
    public var jobs: [JobLine]?
    /// Deferrable workloads: where their tokens were demanded and where served, by slice
    /// (docs/formulation.md 11.2); present with `totals` when the scenario has any.
    public var deferral: [DeferralLine]? = nil
    /// What prompt caching saved (11.4); present with `totals` when a workload gives `cache`.
    public var caching: CachingLine? = nil
    /// Committed-use API contracts taken (11.5); present with `totals` when an API offers one
    /// (empty when none is taken).
    public var apiCommitments: [APICommitmentLine]? = nil
    /// Price factors and the plan with static prices (11.5); present with `totals` when an
    /// offering's price moves.
    public var priceOutlook: PriceOutlook? = nil
    /// The slices built from an hourly load file and what each pools (11.6); present when the
    /// scenario's `timeSlices` is `{hourlyProfile, slices}`.
    public var timeSlicesFromProfile: ProfileSlices? = nil
    /// A two-stage plan over demand cases (docs/formulation.md section 12): each case's cost,
    /// regret and cost with the mean-demand plan, and RP, CVaR, WS, EEV, VSS, EVPI; present
    /// when the scenario gives `demandCases`. `purchases` and the reserved contracts are then
    /// the first stage (the same in every case) and the rest of the body is `bodyCase`'s.
    public var twoStage: TwoStagePlan? = nil
    public var diagnosis: Diagnosis?
    public var warnings: [String]

    /// How the plan was solved: the JSON values of `solver.method`.
    public enum SolveMethod: String, Codable, Sendable, CaseIterable {
        case simplex
        case branchAndCut = "branch-and-cut"
        case bendersDecomposition = "benders decomposition"
    }

    /// Which LP the marginal costs and shadow prices come from; the JSON value is the sentence.
    public enum DualSource: String, Codable, Sendable, CaseIterable {
        case lpOptimum = "LP optimum"
        case fixedIntegers = "LP with the integer decisions fixed at the MIP optimum: prices of the continuous decisions given those units"
        case benders = "Benders decomposition: dispatch LPs with the optimal fleet fixed (demand and rate-limit prices given those units); power and budget prices from the master"
    }

    public struct ScenarioInfo: Codable, Sendable {
        public var name: String
        public var capexAccounting: CapexAccounting
        public var discountRate: Double
        public var integerUnits: Bool
    }

    public struct SolverInfo: Codable, Sendable {
        public var name = "GLPK"
        public var version: String
        public var method: SolveMethod
        /// Why the solver stopped (the LP layer's termination reason).
        public var termination: String
        public var glpkReturnCode: String
        public var glpkStatus: String
        public var rows: Int
        public var columns: Int
        public var nonzeros: Int
        public var integerColumns: Int
        /// Relative gap reached (MIP only).
        public var mipGap: Double?
        /// The gap asked for (MIP only).
        public var mipGapRequested: Double?
        /// True when `--relax` solved the LP relaxation.
        public var relaxed: Bool
        /// Options left out of the model because no optimal plan uses them (exact reductions).
        public var reductions: [String]
        public var simplexIterations: Int
        public var nodes: Int
        /// Wall-clock seconds of the solve; only with `--timings`, so that plans are byte-identical by default.
        public var seconds: Double?
    }

    public struct HorizonInfo: Codable, Sendable {
        public var start: String
        public var kind: PeriodKind
        public var periods: Int
        public var periodLabels: [String]
        public var hoursPerPeriod: Double
        public var timeSlices: [TimeSliceInfo]
    }

    public struct TimeSliceInfo: Codable, Sendable {
        public var name: String
        public var hours: Double
        public var share: Double
    }

    /// Cost lines of a period or of the whole plan.
    public struct CostLines: Codable, Sendable {
        public var capex: Double
        public var energy: Double
        public var fixedOpex: Double
        public var rental: Double
        public var api: Double
        public var unservedPenalty: Double
        /// The sum of the lines, platform included.
        public var total: Double
        /// Platform adoption and yearly costs (schemaVersion 2).
        @ZeroIfAbsent public var platform: Double = 0
        /// Committed-use API contracts: shortfall paid less discount earned (11.5; negative
        /// when they save); absent when no contract is taken, so older plans keep their bytes.
        public var apiCommitment: Double? = nil
    }

    public struct Totals: Codable, Sendable {
        /// The objective: Σ_p δ_p cost_p − δ_{P+1} salvage, constants included.
        public var discountedCost: Double
        /// Undiscounted: Σ_p cost_p − salvage.
        public var cost: Double
        public var capex: Double
        public var energy: Double
        public var fixedOpex: Double
        public var rental: Double
        public var api: Double
        public var unservedPenalty: Double
        /// Salvage credit (cash accounting), undiscounted; already subtracted from `cost`.
        public var salvage: Double
        public var discounted: CostLines
        public var discountedSalvage: Double
        public var tokensDemanded: Double
        public var tokensServed: Double
        public var tokensUnserved: Double
        /// (cost − jobsCost) / (tokensServed / 10^6), USD per million inference tokens served.
        public var costPerMillionTokens: Double?
        /// Platform adoption and yearly costs, undiscounted (schemaVersion 2).
        @ZeroIfAbsent public var platform: Double = 0
        /// Rent of reserved contracts for the periods after the horizon, undiscounted: a
        /// liability, included in `cost`, never netted with salvage (schemaVersion 2).
        @ZeroIfAbsent public var commitmentsBeyondHorizon: Double = 0
        /// The same, each period discounted; included in `discountedCost`.
        @ZeroIfAbsent public var discountedCommitmentsBeyondHorizon: Double = 0
        /// The cost attributed to training jobs, undiscounted (included in `cost`, left out of
        /// `costPerMillionTokens`); absent when the scenario has no jobs.
        public var jobsCost: Double? = nil
        /// Committed-use API contracts, undiscounted (shortfall paid less discount earned,
        /// 11.5); included in `cost` and in `discounted.apiCommitment`; absent without a contract taken.
        public var apiCommitment: Double? = nil
    }

    public struct Purchase: Codable, Sendable {
        public var offering: String
        public var accelerator: String?
        /// Arrival period.
        public var period: String
        /// When to order (period − leadTimePeriods; may be before the horizon starts).
        public var orderPeriod: String
        public var units: Double
        public var accelerators: Double
        /// Cash price of these units, USD.
        public var capex: Double
        /// True for units ordered before the horizon (`ordersInFlight`, docs/formulation.md 13.1):
        /// `orderPeriod` is then the last period before the horizon (or earlier, by the lead
        /// time), their deposit was paid before it and stays out of the cash flow. Absent otherwise.
        public var inFlight: Bool? = nil
    }

    public struct FleetLine: Codable, Sendable {
        public var offering: String
        public var accelerator: String?
        public var unitsInService: Double
        public var newUnits: Double
        public var existingUnits: Double
        public var accelerators: Double
        /// IT power of the units in service, kW.
        public var powerKW: Double
        /// Busy share of the units' capacity in each slice: Σ_w x / τ / units.
        public var utilization: [String: Double]
        /// Hours-weighted average of `utilization`.
        public var averageUtilization: Double
    }

    public struct RentalLine: Codable, Sendable {
        public var offering: String
        public var accelerator: String?
        public var commitment: RentalCommitment
        /// Reserved units (commitment `period`).
        public var units: Double?
        /// Average on-demand units by slice (commitment `none`).
        public var unitsBySlice: [String: Double]?
        public var accelerators: Double
        public var averageUtilization: Double
    }

    public struct WorkloadLine: Codable, Sendable {
        public var workload: String
        public var demandTokens: Double
        /// Tokens served in the period, by offering id (all its serving options summed).
        public var servedTokens: [String: Double]
        /// Tokens served through derived options, by offering id then precision (only offerings
        /// that serve the workload through derived options, only precisions that served); absent
        /// when none did.
        public var servedTokensByPrecision: [String: [String: Double]]?
        public var unservedTokens: Double

        public init(workload: String, demandTokens: Double, servedTokens: [String: Double],
                    servedTokensByPrecision: [String: [String: Double]]? = nil, unservedTokens: Double) {
            self.workload = workload
            self.demandTokens = demandTokens
            self.servedTokens = servedTokens
            self.servedTokensByPrecision = servedTokensByPrecision
            self.unservedTokens = unservedTokens
        }
    }

    public struct PeriodPlan: Codable, Sendable {
        public var period: String
        public var discountFactor: Double
        public var cost: CostLines
        public var discountedCost: CostLines
        public var fleet: [FleetLine]
        public var rentals: [RentalLine]
        public var workloads: [WorkloadLine]
    }

    public struct Baseline: Codable, Sendable {
        /// Discounted cost of the baseline plan; absent when it is infeasible.
        public var discountedCost: Double?
        /// Baseline cost minus this plan's cost.
        public var saving: Double?
        public var savingPercent: Double?
        /// Why the baseline has no cost.
        public var unavailable: String?
        /// Set when the baseline's solve stopped at its time limit: its cost is then an upper bound.
        public var note: String?
    }

    public struct Baselines: Codable, Sendable {
        /// Every workload sent to APIs only (no purchases, no rentals).
        public var allAPI: Baseline
        /// Owned and rented capacity only (no APIs).
        public var noAPI: Baseline
        /// Rented capacity only (no purchases, no APIs; existing owned units are not used).
        public var rentOnly: Baseline
    }

    /// What one more million tokens of a workload would cost in a period, from the demand rows' duals.
    public struct MarginalCost: Codable, Sendable {
        public var workload: String
        public var period: String
        /// USD per million tokens (the period's own money), averaged over slices by their token share.
        public var averagePerMTok: Double
        public var peakSlice: String
        public var peakPerMTok: Double
        public var bySlice: [String: Double]
    }

    /// What one more unit of a binding limit is worth.
    public struct ShadowPrice: Codable, Sendable {
        /// The limit, named as its row or column (`powerCap[2027Q3]`).
        public var limit: String
        /// The family of the limit: powerCap, capitalBudget, apiRateLimit, maxUnitsPerPeriod or maxUnits.
        public var kind: ConstraintFamily
        public var period: String
        public var slice: String?
        public var offering: String?
        public var unit: String
        /// Decrease of the discounted total cost per unit of the limit (USD, discounted to the start).
        public var value: Double
        /// The same in the period's own money (value / δ_p).
        public var valueUndiscounted: Double
    }

    public struct Insights: Codable, Sendable {
        /// Which LP the duals come from.
        public var dualSource: DualSource
        public var marginalCosts: [MarginalCost]
        public var shadowPrices: [ShadowPrice]
    }

    /// The independent evaluator's re-costing of this plan.
    public struct Audit: Codable, Sendable {
        public var evaluatorDiscountedCost: Double
        public var solverObjective: Double
        public var relativeDifference: Double
        public var tolerance: Double
        public var violations: [String]

        public init(evaluatorDiscountedCost: Double, solverObjective: Double, tolerance: Double, violations: [String]) {
            self.evaluatorDiscountedCost = evaluatorDiscountedCost
            self.solverObjective = solverObjective
            relativeDifference = abs(evaluatorDiscountedCost - solverObjective) / max(1, abs(solverObjective))
            self.tolerance = tolerance
            self.violations = violations
        }

        public init(_ audit: PlanAudit) {
            evaluatorDiscountedCost = audit.evaluatorCost
            solverObjective = audit.objective
            relativeDifference = audit.relativeDifference
            tolerance = audit.tolerance
            violations = audit.violations.map(\.description)
        }
    }

    /// The two-stage figures of docs/formulation.md 12.3, discounted USD unless said.
    public struct TwoStagePlan: Codable, Sendable {
        /// The case the body of the plan shows (periods, fleet, tokens, costs, totals,
        /// finance): the most probable, the first on ties.
        public var bodyCase: String
        public var cases: [CaseLine]
        /// RP: Σ_c π_c cost_c, the plan's expected cost (the headline).
        public var expectedCost: Double?
        /// CVaR at `cvarLevel` of the cases' costs (whatever `cvarWeight`).
        public var cvar: Double?
        public var cvarLevel: Double
        /// λ: 0 for the risk-neutral plan.
        public var cvarWeight: Double
        /// WS: Σ_c π_c z*_c, each case planned alone (perfect foresight).
        public var waitAndSee: Double?
        public var expectedValuePlan: ExpectedValuePlan?
        /// VSS = EEV − RP.
        public var valueOfStochasticSolution: Double?
        /// EVPI = RP − WS.
        public var expectedValueOfPerfectInformation: Double?
        /// What VSS and EVPI refer to: "this plan", or "risk-neutral plan (λ = 0)" when λ > 0.
        public var valuesFor: String
        /// Figures not computed and why ("not computed: time budget"), solves stopped at a limit.
        public var notes: [String]
        /// `adaptive` when the first stage follows the cases' tree (12.6); absent for here-and-now.
        public var decisions: String? = nil
        /// The tree's branches with the orders decided in each (12.6); absent for here-and-now.
        public var tree: [TreeBranch]? = nil
        /// Adaptive, risk neutral: RP of the same cases decided here-and-now (one more extensive
        /// form, within the extras' budget), and that less this plan's RP (12.6).
        public var hereAndNowExpectedCost: Double? = nil
        public var valueOfAdapting: Double? = nil
    }

    /// One demand case: its cost with the plan's first stage and its own second stage.
    public struct CaseLine: Codable, Sendable {
        public var name: String
        public var probability: Double
        public var apiPriceScale: Double
        /// cost_c, the evaluator's discounted cost of the case.
        public var discountedCost: Double
        /// The same, undiscounted (after salvage).
        public var cost: Double
        /// z*_c: the case planned alone; nil when not computed.
        public var perfectForesightCost: Double?
        /// cost_c − z*_c.
        public var regret: Double?
        /// cost_c(EV): the mean-demand plan's first stage, this case's second stage re-optimized;
        /// nil when that first stage cannot serve the case or it was not computed.
        public var expectedValuePlanCost: Double?
        /// The case's cost lines per period, from the evaluator.
        public var periods: [CasePeriodCost]
    }

    public struct CasePeriodCost: Codable, Sendable {
        public var period: String
        public var cost: CostLines
        public var discountedCost: CostLines
    }

    /// The plan for the mean demand (EV) and what its first stage costs in the cases (EEV).
    public struct ExpectedValuePlan: Codable, Sendable {
        /// Its optimum on the mean demand.
        public var discountedCost: Double?
        /// EEV: Σ_c π_c cost_c(EV); nil when a case cannot be served by its first stage (+∞).
        public var expectedCost: Double?
        /// Its arrivals by offering and period (units > 0).
        public var purchases: [FirstStageLine]
        /// Its reserved units by offering and period (units > 0).
        public var reservedUnits: [FirstStageLine]
        /// Cases its first stage cannot serve.
        public var infeasibleCases: [String]
    }

    public struct FirstStageLine: Codable, Sendable, Equatable {
        public var offering: String
        public var period: String
        public var units: Double
    }

    public struct Shortfall: Codable, Sendable {
        public var workload: String
        public var period: String
        public var slice: String
        /// Demand that cannot be served, tokens/s and tokens.
        public var tokensPerSecond: Double
        public var tokens: Double
        /// The limits that bind there.
        public var limits: [String]
    }

    public struct Diagnosis: Codable, Sendable {
        public var summary: String
        public var shortfalls: [Shortfall]
    }

    /// A reserved rental offering and the contracts the plan starts on it.
    public struct ReservedRental: Codable, Sendable, Equatable {
        public var offering: String
        public var accelerator: String?
        /// T_o: periods a contract runs.
        public var termPeriods: Int
        /// T_o in months.
        public var termMonths: Int
        /// π_o h: rent of one unit for one period, USD.
        public var rentPerUnitPeriod: Double
        /// f_o: USD per unit when its contract starts.
        public var upfrontPerUnit: Double
        /// In start order.
        public var contracts: [Contract]
        /// Sums over the contracts.
        public var upfront: Double
        public var rentInHorizon: Double
        public var rentBeyondHorizon: Double
    }

    /// Units whose contract starts in one period (v_oq > 0).
    public struct Contract: Codable, Sendable, Equatable {
        /// First period of the term.
        public var start: String
        /// Last period of the term; after the horizon's last period when `periodsBeyondHorizon` > 0.
        public var end: String
        public var units: Double
        public var termPeriods: Int
        public var termMonths: Int
        /// Periods of the term after the horizon.
        public var periodsBeyondHorizon: Int
        /// units × upfrontPerUnit, paid in `start`.
        public var upfront: Double
        /// Rent for the periods of the term inside the horizon, undiscounted.
        public var rentInHorizon: Double
        /// Rent for the periods after the horizon, undiscounted: a commitment, never credited.
        public var rentBeyondHorizon: Double
        /// f_oq of the start when the rental's price moves (11.5): rent and upfront are priced
        /// at it for the whole term; absent without a price change.
        public var priceFactor: Double? = nil
    }

    /// One training job of the plan (docs/formulation.md section 10).
    public struct JobLine: Codable, Sendable, Equatable {
        public var job: String
        /// The pool it ran in (one purchase or rental).
        public var offering: String
        /// The pool's accelerator label.
        public var accelerator: String?
        /// F_j, before the overhead.
        public var flops: Double
        /// How the compute was given: `flops`, `6·N·D`, `4·N·D`, `accelerator-hours on ID`.
        public var computeBasis: String
        public var precision: Precision
        /// φ_j.
        public var overhead: Double
        /// m_jo on the pool it ran in, and where it comes from.
        public var mfu: Double
        public var mfuSource: String
        /// A_jo of the pool it ran in, overhead included.
        public var acceleratorHoursRequired: Double
        /// Σ g_jops d η_s: accelerator-hours it used (at least the required ones).
        public var acceleratorHours: Double
        /// M_j.
        public var minAccelerators: Int
        /// The window: the first period it may run in and its deadline.
        public var earliestStart: String
        public var deadline: String
        /// The first and last periods it ran in.
        public var start: String?
        public var finish: String?
        /// Periods it ran in, in order.
        public var periods: [JobPeriod]
        /// Its share of the capacity it ran on, undiscounted (docs/finance.md, "Attribution").
        public var cost: Double
        /// The plan re-solved with the deadline one period later; absent with a note when not
        /// computed or when the deadline is the horizon's last period.
        public var laterDeadline: LaterDeadline?
        public var laterDeadlineNote: String?
    }

    public struct JobPeriod: Codable, Sendable, Equatable {
        public var period: String
        /// Σ_s g_jops d η_s.
        public var acceleratorHours: Double
        /// g_jops by slice: accelerators running the job, averaged over the slice's hours.
        public var accelerators: [String: Double]
    }

    /// What the window cost: the optimum with the deadline one period later.
    public struct LaterDeadline: Codable, Sendable, Equatable {
        /// The later deadline's period.
        public var deadline: String
        /// The re-solved plan's discounted cost (every other job and decision re-planned).
        public var discountedCost: Double
        /// This plan's discounted cost less `discountedCost` (≥ 0 up to the solver's gap).
        public var saving: Double
    }

    /// A platform with a cost entry in the scenario.
    public struct PlatformLine: Codable, Sendable, Equatable {
        public var platform: String
        /// Purchase and rental offerings that run on it, in scenario order.
        public var offerings: [String]
        /// Periods in which its offerings serve tokens.
        public var periodsInUse: [String]
        /// The period it is adopted in, or `before the horizon` (existing units run on it);
        /// absent when it is never adopted.
        public var adoptionPeriod: String?
        /// A_k when adopted in the horizon, else 0.
        public var adoptionCost: Double
        /// Y_k: USD per year while in use.
        public var yearlyCost: Double
        /// Σ over the periods in use of Y_k h / 8760.
        public var yearlyCosts: Double
        /// adoptionCost + yearlyCosts, undiscounted.
        public var cost: Double
    }

    /// Replicas of one serving option: a workload on an offering, at a precision when the
    /// option was derived (section 9).
    public struct ReplicaLine: Codable, Sendable, Equatable {
        public var offering: String
        public var workload: String
        /// k: the derived option's precision; absent for a given throughput.
        public var precision: Precision?
        /// a_owk.
        public var acceleratorsPerReplica: Int
        /// ν_owk = a_owk / acceleratorsPerUnit.
        public var unitsPerReplica: Double
        /// μ_w.
        public var minReplicas: Int
        /// Periods with replicas, in order.
        public var periods: [ReplicaPeriod]
    }

    public struct ReplicaPeriod: Codable, Sendable, Equatable {
        public var period: String
        /// Replicas run in each slice (on demand: the average over the slice's hours).
        public var replicas: [String: Double]
        /// The most in any slice.
        public var peak: Double
    }

    /// The performance model's serving options of one workload on one purchase or rental
    /// (docs/formulation.md section 9, docs/performance-model.md).
    public struct DerivedThroughput: Codable, Sendable, Equatable {
        public var offering: String
        public var workload: String
        /// `ModelSpec` id.
        public var model: String
        /// `AcceleratorSpec` id the offering's `accelerator` reads as (the label when none was derived).
        public var accelerator: String?
        public var latency: LatencyClass
        public var inputTokensPerRequest: Double
        public var outputTokensPerRequest: Double
        /// One per precision that fits, in the workload's precision order.
        public var options: [DerivedOption]
        /// Precisions that do not fit, with the reason.
        public var unfit: [UnfitPrecisionLine]
    }

    /// One derived serving option and what the plan served with it.
    public struct DerivedOption: Codable, Sendable, Equatable {
        public var precision: Precision
        /// τ_owk: tokens/s one unit (node or GPU as the offering is sold) sustains.
        public var tokensPerSecondPerUnit: Double
        /// Total tokens/s of one replica, efficiency included.
        public var tokensPerSecondPerReplica: Double
        /// The tensor-parallel group of the memory fit.
        public var acceleratorsPerReplica: Int
        /// a_owk as the model uses it (8.2); absent where whole units hold whole replicas and
        /// pay for them already.
        public var replicaSizeInModel: Int?
        /// Sequences decoded together.
        public var batch: Int
        /// `memory` or `compute`.
        public var decodeBound: String
        public var efficiencyFactor: Double
        /// False: a default factor, not calibrated on MLPerf for this accelerator family.
        public var efficiencyCalibrated: Bool
        /// Tokens served with this option over the horizon.
        public var servedTokens: Double
    }

    public struct UnfitPrecisionLine: Codable, Sendable, Equatable {
        public var precision: Precision
        public var reason: String
    }

    /// A pool with spare units or a failure derating.
    public struct MarginLine: Codable, Sendable, Equatable {
        public var offering: String
        /// k_o.
        public var spareUnits: Int
        /// d_o.
        public var failureDerating: Double
        /// Periods with units, in order.
        public var periods: [MarginPeriod]
    }

    public struct MarginPeriod: Codable, Sendable, Equatable {
        public var period: String
        /// Units in service or under contract (on demand: the hours-weighted average).
        public var units: Double
        /// k_o while the pool serves in the period, else 0.
        public var spareUnitsHeld: Double
        /// d_o (units − spareUnitsHeld).
        public var deratedUnits: Double
        /// (1 − d_o)(units − spareUnitsHeld): what the capacity rows count.
        public var usableUnits: Double
    }
}

extension PlanDocument {
    /// One deferrable workload (docs/formulation.md 11.2): tokens demanded and served by slice.
    public struct DeferralLine: Codable, Sendable, Equatable {
        public var workload: String
        /// H: hours a token may wait (24: anywhere in the day).
        public var maxDelayHours: Double
        /// Summed over the horizon, by slice name.
        public var demandedTokens: [String: Double]
        public var servedTokens: [String: Double]
        /// Present when the scenario has an unserved penalty.
        public var unservedTokens: [String: Double]?
        /// Moved tokens summed over the horizon (window workloads, H < 24).
        public var moved: [DeferralMove]?
        public var periods: [DeferralPeriod]
    }

    public struct DeferralPeriod: Codable, Sendable, Equatable {
        public var period: String
        /// D_wp σ_ws by slice.
        public var demandedTokens: [String: Double]
        /// Σ over offerings, APIs and serving options of the rate times the slice's seconds.
        public var servedTokens: [String: Double]
        public var unservedTokens: [String: Double]?
        /// f_wpss' d η_s 3600 for s ≠ s', non-zero ones, in slice order (window workloads only).
        public var moved: [DeferralMove]?
    }

    /// Tokens demanded in one slice and served in another.
    public struct DeferralMove: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
        public var tokens: Double
    }

    /// What caching saved, undiscounted (the evaluator's figures, docs/formulation.md 11.4).
    public struct CachingLine: Codable, Sendable, Equatable {
        /// USD the cached input tokens sent to APIs would have cost more at the full input price.
        public var apiUSD: Double
        /// Unit-hours of self-hosted load the prefill saving removed.
        public var selfHostedUnitHours: Double
        public var periods: [CachingPeriod]
    }

    public struct CachingPeriod: Codable, Sendable, Equatable {
        public var period: String
        public var apiUSD: Double
        public var selfHostedUnitHours: Double
    }

    /// A committed-use API contract the plan takes (11.5).
    public struct APICommitmentLine: Codable, Sendable, Equatable {
        public var api: String
        /// δ_a.
        public var discount: Double
        /// S_a.
        public var minSpendPerPeriod: Double
        /// Sums over the periods, undiscounted.
        public var listSpend: Double
        public var discountEarned: Double
        public var shortfall: Double
        /// listSpend − discountEarned + shortfall: what the API cost with the contract.
        public var cost: Double
        /// Periods of the API's availability window inside the horizon.
        public var periods: [APICommitmentPeriod]
    }

    public struct APICommitmentPeriod: Codable, Sendable, Equatable {
        public var period: String
        /// Σ_w Σ_s d η_s 3600 ψ_awp y_awps: the spend at list price (caching and price factors applied).
        public var listSpend: Double
        /// e_ap = δ_a listSpend.
        public var discountEarned: Double
        /// s_ap = max(0, S_a − (listSpend − e_ap)).
        public var shortfall: Double
        public var cost: Double
    }

    /// What the moving prices did (11.5).
    public struct PriceOutlook: Codable, Sendable, Equatable {
        /// One line per offering whose price moves, in scenario order.
        public var factors: [PriceFactorLine]
        /// Units bought per purchase offering and period, in the plan and with every factor 1.
        public var purchases: [PurchaseOutlook]
        /// The scenario re-solved with every factor 1; absent with `staticPricesNote` when not computed.
        public var staticPricesDiscountedCost: Double?
        public var staticPricesNote: String?
        /// One sentence: how the purchases differ.
        public var summary: String?
    }

    public struct PriceFactorLine: Codable, Sendable, Equatable {
        public var offering: String
        /// `purchase`, `rental` or `api`.
        public var kind: String
        /// f_op, one per period.
        public var factors: [Double]
    }

    public struct PurchaseOutlook: Codable, Sendable, Equatable {
        public var offering: String
        /// b_oq of the plan, one per period.
        public var plan: [Double]
        /// b_oq with static prices; absent when not computed.
        public var staticPrices: [Double]?
    }

    /// Slices built from an hourly load file (11.6).
    public struct ProfileSlices: Codable, Sendable, Equatable {
        public var file: String
        /// Rows of the file.
        public var hours: Int
        public var slices: Int
        public var bySlice: [ProfileSlice]
    }

    public struct ProfileSlice: Codable, Sendable, Equatable {
        public var slice: String
        /// η_s.
        public var hours: Double
        /// Hours of the file pooled into the slice.
        public var hoursPooled: Int
        /// The file's hours (0-based, file order) pooled into it; only for a 24-row file.
        public var fileHours: [Int]?
        /// Largest and mean absolute deviation of the normalised load from the slice's mean,
        /// relative to that mean.
        public var maxRelativeDeviation: Double
        public var meanRelativeDeviation: Double
    }
}

/// A number that reads as 0 when its key is absent: cost lines added in a later schema
/// version, so that older plans still decode. Encoded as the plain number.
@propertyWrapper
public struct ZeroIfAbsent: Codable, Sendable, Hashable {
    public var wrappedValue: Double

    public init(wrappedValue: Double) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension KeyedDecodingContainer {
    func decode(_ type: ZeroIfAbsent.Type, forKey key: Key) throws -> ZeroIfAbsent {
        try decodeIfPresent(type, forKey: key) ?? ZeroIfAbsent(wrappedValue: 0)
    }
}
