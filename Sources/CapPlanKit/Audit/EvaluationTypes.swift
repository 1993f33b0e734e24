// What the independent plan evaluator reports (see Evaluator.swift and docs/formulation.md).

/// A constraint family of docs/formulation.md, or a bound / domain check on the decisions.
public enum ConstraintFamily: String, Hashable, Sendable, Codable, CaseIterable {
    // The constraint families of docs/formulation.md, section 3.
    case fleet
    case demand
    case ownedCapacity
    case rentedCapacity
    case apiRateLimit
    case powerCap
    case capitalBudget
    /// Fiscal budgets (docs/formulation.md, "Fiscal budgets"): capital and operating cash paid
    /// in a fiscal year; the violation's period is `FY<year>`.
    case fiscalCapex
    case fiscalOpex
    // Section 8: contracts, replicas, platforms, margins.
    case contract
    /// Units under contract fall before a contract's term ends (a start would be negative).
    case contractTerm
    case replicaCapacity
    case minimumReplicas
    case platformInUse
    case platformAdoption
    case poolInUse
    // Section 10: training and fine-tuning jobs.
    /// One pool per job: all of a job's accelerators on one offering.
    case jobPool
    /// The job's compute done within its window: Σ g_jops d η_s / A_jo ≥ 1.
    case jobCompute
    /// At least M_j accelerators in every slice the job runs in.
    case jobCluster
    // Section 11: deferrable workloads.
    /// A window-deferrable workload's flows: each slice's demand moved within reach
    /// (`deferredDemand`) and no more moved into a slice than it serves (`deferredService`).
    /// Day-deferrable workloads are checked by `demand` (the `dailyDemand` row).
    case deferral
    // Section 13: commitments carried in.
    /// Arrivals below the units ordered before the horizon (b_oq ≥ F_oq).
    case ordersInFlight
    /// Reserved units below the contracts signed before the horizon still in term (m_op ≥ C_op).
    case contractsInTerm
    /// A committed-use contract signed before the horizon left out of the plan (κ_a = 1).
    case signedCommitment
    // Bounds and domains, docs/formulation.md section 2.
    case nonNegativity
    case maxUnitsPerPeriod
    case maxUnits
    case availability
    case integrality
    case domain
}

/// How `PlanDecisions.served` (and the evaluator's replicas) name a serving option of an
/// offering (docs/formulation.md section 9): the workload id for a given throughput or an API,
/// `workload@precision` (`chat@fp8`) for an option the performance model derived, like the
/// column names `x[o,w@k,p,s]`. Ids never contain `@`.
public enum ServedKey {
    public static func key(workload: String, precision: Precision?) -> String {
        precision.map { "\(workload)@\($0.rawValue)" } ?? workload
    }

    /// The workload id and the precision text after `@` (nil without one); the text need not
    /// name a precision: callers report that.
    public static func parse(_ key: String) -> (workload: String, precision: String?) {
        guard let at = key.firstIndex(of: "@") else { return (key, nil) }
        return (String(key[..<at]), String(key[key.index(after: at)...]))
    }
}

/// One violated constraint or bound, with where and by how much.
public struct ConstraintViolation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var family: ConstraintFamily
    /// Training job id, when the row is a job's (docs/formulation.md section 10).
    public var job: String?
    /// Offering id (purchase, rental or API), when the row has one.
    public var offering: String?
    /// Workload id, when the row has one.
    public var workload: String?
    /// The precision of a derived serving option, when the row is one option's
    /// (docs/formulation.md section 9); nil for given throughputs and rows of a workload.
    public var precision: Precision?
    /// Period label (e.g. `2027Q3`), when the row has one.
    public var period: String?
    /// Time slice name, when the row has one.
    public var slice: String?
    /// How far the constraint is violated, in the row's unit (tokens/s, units, kW, USD).
    public var amount: Double
    /// A sentence for people.
    public var message: String
    /// The row's own name when it is not the family's: `dailyDemand` (family `demand`),
    /// `deferredDemand` and `deferredService` (family `deferral`), docs/formulation.md 11.2.
    public var row: String? = nil

    public init(family: ConstraintFamily, job: String? = nil, offering: String? = nil, workload: String? = nil, precision: Precision? = nil,
                period: String? = nil, slice: String? = nil, amount: Double, message: String, row: String? = nil) {
        self.row = row
        self.family = family
        self.job = job
        self.offering = offering
        self.workload = workload
        self.precision = precision
        self.period = period
        self.slice = slice
        self.amount = amount
        self.message = message
    }

    /// Row name in the style of the exported model, e.g. `demand[chat,2027Q3,peak]`,
    /// `replicaCapacity[h100,chat@fp8,2027Q3,peak]` for a derived option, `jobCluster[pretrain,a100,2027Q1,night]`.
    public var rowName: String {
        let index = [job, offering, workload.map { ServedKey.key(workload: $0, precision: precision) }, period, slice].compactMap { $0 }
        let name = row ?? family.rawValue
        return index.isEmpty ? name : "\(name)[\(index.joined(separator: ","))]"
    }

    public var description: String { "\(rowName): \(message)" }
}

/// Cost lines of one period (or summed over periods), USD.
public struct CostBreakdown: Hashable, Sendable, Codable {
    public var capex: Double
    public var energy: Double
    public var fixedOpex: Double
    public var rental: Double
    public var api: Double
    public var unservedPenalty: Double
    /// Platform adoption and yearly costs (docs/formulation.md 8.3).
    public var platform: Double
    /// Committed-use API contracts (11.5): Σ_a (s_ap − e_ap), the minimum-spend shortfall paid
    /// less the discount earned; negative when the contracts save. `api` is the list spend.
    public var apiCommitment: Double = 0

    public init(capex: Double = 0, energy: Double = 0, fixedOpex: Double = 0, rental: Double = 0,
                api: Double = 0, unservedPenalty: Double = 0, platform: Double = 0, apiCommitment: Double = 0) {
        self.apiCommitment = apiCommitment
        self.capex = capex
        self.energy = energy
        self.fixedOpex = fixedOpex
        self.rental = rental
        self.api = api
        self.unservedPenalty = unservedPenalty
        self.platform = platform
    }

    enum CodingKeys: String, CodingKey {
        case capex, energy, fixedOpex, rental, api, unservedPenalty, platform, apiCommitment
    }

    /// Reads every line; `platform` may be absent (reports written before it existed) and is then 0.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        capex = try c.decode(Double.self, forKey: .capex)
        energy = try c.decode(Double.self, forKey: .energy)
        fixedOpex = try c.decode(Double.self, forKey: .fixedOpex)
        rental = try c.decode(Double.self, forKey: .rental)
        api = try c.decode(Double.self, forKey: .api)
        unservedPenalty = try c.decode(Double.self, forKey: .unservedPenalty)
        platform = try c.decodeIfPresent(Double.self, forKey: .platform) ?? 0
        apiCommitment = try c.decodeIfPresent(Double.self, forKey: .apiCommitment) ?? 0
    }

    /// Writes every line, `platform` included (also when 0), in declaration order.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(capex, forKey: .capex)
        try c.encode(energy, forKey: .energy)
        try c.encode(fixedOpex, forKey: .fixedOpex)
        try c.encode(rental, forKey: .rental)
        try c.encode(api, forKey: .api)
        try c.encode(unservedPenalty, forKey: .unservedPenalty)
        try c.encode(platform, forKey: .platform)
        // Written only when a contract is taken, so plans without one keep their bytes.
        if apiCommitment != 0 { try c.encode(apiCommitment, forKey: .apiCommitment) }
    }

    /// cost_p: the sum of the lines.
    public var total: Double { capex + energy + fixedOpex + rental + api + unservedPenalty + platform + apiCommitment }

    /// Every line multiplied by `factor`.
    public func scaled(by factor: Double) -> CostBreakdown {
        CostBreakdown(capex: capex * factor, energy: energy * factor, fixedOpex: fixedOpex * factor,
                      rental: rental * factor, api: api * factor, unservedPenalty: unservedPenalty * factor,
                      platform: platform * factor, apiCommitment: apiCommitment * factor)
    }

    public static func + (lhs: CostBreakdown, rhs: CostBreakdown) -> CostBreakdown {
        CostBreakdown(capex: lhs.capex + rhs.capex, energy: lhs.energy + rhs.energy,
                      fixedOpex: lhs.fixedOpex + rhs.fixedOpex, rental: lhs.rental + rhs.rental,
                      api: lhs.api + rhs.api, unservedPenalty: lhs.unservedPenalty + rhs.unservedPenalty,
                      platform: lhs.platform + rhs.platform, apiCommitment: lhs.apiCommitment + rhs.apiCommitment)
    }
}

/// What prompt caching saved in one period (docs/formulation.md 11.4), undiscounted.
public struct CachingSavings: Hashable, Sendable, Codable {
    /// USD the APIs' cached input tokens would have cost more at the full input price (price
    /// factors applied): Σ_{a,w,s} d η_s 3600 f_ap (1 − φ_w) κ_w (in_a − c̃_a) y_awps / 10^6.
    public var apiUSD: Double
    /// Unit-hours of self-hosted load the prefill saving removed: Σ_{o,w,k,s} d η_s (x/τ − x/τ').
    public var selfHostedUnitHours: Double

    public init(apiUSD: Double = 0, selfHostedUnitHours: Double = 0) {
        self.apiUSD = apiUSD
        self.selfHostedUnitHours = selfHostedUnitHours
    }
}

/// One period of an evaluated plan.
public struct PeriodEvaluation: Hashable, Sendable, Codable {
    public var label: String
    /// δ_p.
    public var discountFactor: Double
    /// Undiscounted cost lines.
    public var cost: CostBreakdown
    /// The same lines times δ_p.
    public var discountedCost: CostBreakdown
    /// Tokens demanded in the period (all workloads).
    public var tokensDemanded: Double
    /// Tokens served by purchases, rentals and APIs.
    public var tokensServed: Double
    /// Tokens declared unserved (u).
    public var tokensUnserved: Double
    /// What prompt caching saved in the period (11.4); nil when no workload has cache hits.
    public var caching: CachingSavings? = nil

    public init(label: String, discountFactor: Double, cost: CostBreakdown, discountedCost: CostBreakdown,
                tokensDemanded: Double, tokensServed: Double, tokensUnserved: Double) {
        self.label = label
        self.discountFactor = discountFactor
        self.cost = cost
        self.discountedCost = discountedCost
        self.tokensDemanded = tokensDemanded
        self.tokensServed = tokensServed
        self.tokensUnserved = tokensUnserved
    }
}

/// The evaluator's verdict on a plan: violated constraints and every cost recomputed.
public struct PlanEvaluation: Hashable, Sendable, Codable {
    /// Violations beyond tolerance, in a deterministic order (bounds and domains first, then rows).
    public var violations: [ConstraintViolation]
    /// Per period, in horizon order.
    public var periods: [PeriodEvaluation]
    /// Cost lines summed over periods, undiscounted.
    public var costByComponent: CostBreakdown
    /// Cost lines summed over periods, discounted.
    public var discountedCostByComponent: CostBreakdown
    /// Salvage credit at the horizon's end (cash accounting; 0 when amortized), undiscounted.
    public var salvage: Double
    /// δ_{P+1} · salvage.
    public var discountedSalvage: Double
    /// Σ_p cost_p − salvage.
    public var totalCost: Double
    /// Σ_p δ_p cost_p − δ_{P+1} salvage: the objective, constants included.
    public var discountedCost: Double
    public var tokensDemanded: Double
    public var tokensServed: Double
    public var tokensUnserved: Double
    /// n_op recomputed from arrivals, lifetimes and existing units: purchase id -> one value per period.
    public var unitsInService: [String: [Double]]
    /// The tolerance the checks used.
    public var tolerance: Double
    /// Rent of reserved contracts for the periods after the horizon, undiscounted (8.1): a
    /// liability, included in `totalCost`.
    public var commitmentsBeyondHorizon: Double = 0
    /// The same, each period discounted by its δ_p; included in `discountedCost`.
    public var discountedCommitmentsBeyondHorizon: Double = 0
    /// v_op recovered from the reserved units: rental id -> contract starts, one value per period.
    public var contractStarts: [String: [Double]] = [:]
    /// Fewest replicas the plan needs (8.2): offering id -> serving key (the workload id, or
    /// `workload@precision` for a derived option, `ServedKey`) -> `[period][slice]`.
    public var replicas: [String: [String: [[Double]]]] = [:]
    /// Platforms with a cost entry: when each was in use and adopted, and what it cost.
    public var platforms: [PlatformEvaluation] = []
    /// Training jobs (docs/formulation.md section 10), in scenario order: where each ran and how
    /// much of its compute the plan does.
    public var jobs: [JobEvaluation] = []

    public init(violations: [ConstraintViolation], periods: [PeriodEvaluation], costByComponent: CostBreakdown,
                discountedCostByComponent: CostBreakdown, salvage: Double, discountedSalvage: Double,
                totalCost: Double, discountedCost: Double, tokensDemanded: Double, tokensServed: Double,
                tokensUnserved: Double, unitsInService: [String: [Double]], tolerance: Double) {
        self.violations = violations
        self.periods = periods
        self.costByComponent = costByComponent
        self.discountedCostByComponent = discountedCostByComponent
        self.salvage = salvage
        self.discountedSalvage = discountedSalvage
        self.totalCost = totalCost
        self.discountedCost = discountedCost
        self.tokensDemanded = tokensDemanded
        self.tokensServed = tokensServed
        self.tokensUnserved = tokensUnserved
        self.unitsInService = unitsInService
        self.tolerance = tolerance
    }

    /// True when no constraint or bound is violated beyond tolerance.
    public var isFeasible: Bool { violations.isEmpty }

    /// The violations of one family.
    public func violations(of family: ConstraintFamily) -> [ConstraintViolation] {
        violations.filter { $0.family == family }
    }
}

/// One costed platform in an evaluated plan (docs/formulation.md 8.3).
public struct PlatformEvaluation: Hashable, Sendable, Codable {
    public var id: String
    /// In use (serves tokens) in each period.
    public var inUse: [Bool]
    /// Zero-based period of adoption; nil when never adopted in the horizon (unused, or
    /// adopted before it because existing units run on it).
    public var adoptedPeriod: Int?
    /// A_k when adopted in the horizon, else 0, undiscounted.
    public var adoptionCost: Double
    /// Σ_p Y_k (h/8760) u_kp, undiscounted.
    public var yearlyCosts: Double

    public init(id: String, inUse: [Bool], adoptedPeriod: Int?, adoptionCost: Double, yearlyCosts: Double) {
        self.id = id
        self.inUse = inUse
        self.adoptedPeriod = adoptedPeriod
        self.adoptionCost = adoptionCost
        self.yearlyCosts = yearlyCosts
    }
}

/// One training job in an evaluated plan (docs/formulation.md section 10).
public struct JobEvaluation: Hashable, Sendable, Codable {
    public var job: String
    /// The pool it runs on: the pool of the job with the most accelerator-hours (nil when it
    /// never runs); a plan using two pools has a `jobPool` violation.
    public var pool: String?
    /// Σ g_jops d η_s over its pools, periods of its window and slices: accelerator-hours used.
    public var acceleratorHours: Double
    /// A_jo of `pool` (of its first pool when it never runs): accelerator-hours it needs there.
    public var acceleratorHoursRequired: Double
    /// Σ_o Σ g_jops d η_s / A_jo: the share of its compute done (at least 1 when complete).
    public var computeDone: Double
    /// Labels of the first and last periods it runs in (nil when it never runs).
    public var firstPeriod: String?
    public var lastPeriod: String?

    public init(job: String, pool: String?, acceleratorHours: Double, acceleratorHoursRequired: Double, computeDone: Double,
                firstPeriod: String?, lastPeriod: String?) {
        self.job = job
        self.pool = pool
        self.acceleratorHours = acceleratorHours
        self.acceleratorHoursRequired = acceleratorHoursRequired
        self.computeDone = computeDone
        self.firstPeriod = firstPeriod
        self.lastPeriod = lastPeriod
    }
}

/// The audit of a solved plan: the evaluator's discounted cost against the solver's objective.
/// A plan passes when the two agree within the tolerance (relative, with a floor of 1 USD) and
/// no constraint is violated.
public struct PlanAudit: Hashable, Sendable {
    /// The solver's objective value.
    public var objective: Double
    /// The evaluator's discounted cost (the objective, constants included).
    public var evaluatorCost: Double
    /// |evaluatorCost − objective| / max(1, |objective|).
    public var relativeDifference: Double
    public var tolerance: Double
    public var violations: [ConstraintViolation]

    public var passed: Bool { relativeDifference <= tolerance && violations.isEmpty }

    /// Returns the audit when it passed; throws `PlanAuditFailure` otherwise.
    @discardableResult
    public func requirePassed() throws -> PlanAudit {
        guard passed else {
            throw PlanAuditFailure(objective: objective, evaluatorCost: evaluatorCost, violations: violations.map(\.description))
        }
        return self
    }
}

extension PlanEvaluation {
    /// Sets this evaluation against the solver's objective.
    public func audit(objective: Double, tolerance: Double) -> PlanAudit {
        PlanAudit(
            objective: objective, evaluatorCost: discountedCost,
            relativeDifference: abs(discountedCost - objective) / max(1, abs(objective)),
            tolerance: tolerance, violations: violations)
    }
}
