import Foundation
import LinearProgramming

// The capacity-expansion model of docs/formulation.md, built from a validated scenario.
// One function per constraint family, called in a fixed order from `buildModel`; results are
// read back through the typed index ranges of `CapacityModel`, never by parsing names.

/// A block of variables or rows laid out period-major: index = start + p·slices + s.
public struct PeriodSliceBlock: Hashable, Sendable {
    public let start: Int
    public let slices: Int

    public func offset(_ p: Int, _ s: Int) -> Int { start + p * slices + s }
    public func variable(_ p: Int, _ s: Int) -> Variable { Variable(index: offset(p, s)) }
    public func constraint(_ p: Int, _ s: Int) -> Constraint { Constraint(index: offset(p, s)) }
}

/// A block with one entry per period: index = start + p.
public struct PeriodBlock: Hashable, Sendable {
    public let start: Int

    public func variable(_ p: Int) -> Variable { Variable(index: start + p) }
    public func constraint(_ p: Int) -> Constraint { Constraint(index: start + p) }
}

/// A serving option (o, w, k) of docs/formulation.md section 9: an offering that can serve a
/// workload, at a precision k when the performance model derived the option; a column block
/// x_owkps (or y_awps for an API).
public struct ServingPair: Hashable, Sendable {
    /// Position of the offering in `scenario.offerings`.
    public let offering: Int
    /// Position of the workload in `scenario.workloads`.
    public let workload: Int
    /// k: the precision of a derived option; nil for a given throughput and for APIs.
    public let precision: Precision?
    /// τ_owk for purchases and rentals; nil for APIs.
    public let throughput: Double?
    /// a_owk: accelerators one replica of this option takes, when it has a replica size (8.2).
    public let acceleratorsPerReplica: Int?
    public let columns: PeriodSliceBlock

    public init(offering: Int, workload: Int, precision: Precision? = nil, throughput: Double?, acceleratorsPerReplica: Int? = nil,
                columns: PeriodSliceBlock) {
        self.offering = offering
        self.workload = workload
        self.precision = precision
        self.throughput = throughput
        self.acceleratorsPerReplica = acceleratorsPerReplica
        self.columns = columns
    }
}

/// Arrival columns b_oq of one purchase: periods `firstPeriod..<periods` (none before q0).
public struct ArrivalBlock: Hashable, Sendable {
    public let firstPeriod: Int
    /// Column of period firstPeriod; nil when no arrival is possible within the horizon.
    public let start: Int?

    public func variable(_ q: Int) -> Variable? {
        guard let start, q >= firstPeriod else { return nil }
        return Variable(index: start + q - firstPeriod)
    }
}

/// Where everything is in the LP.
public struct CapacityModelIndex: Sendable {
    /// Per purchase (in `scenario.purchases` order).
    public var arrivals: [ArrivalBlock] = []
    public var inService: [PeriodBlock] = []
    public var fleetRows: [PeriodBlock] = []
    public var ownedCapacityRows: [PeriodSliceBlock] = []
    /// Per rental (in `scenario.rentals` order): reserved units by period, or on-demand by slice.
    public var reservedUnits: [PeriodBlock?] = []
    public var onDemandUnits: [PeriodSliceBlock?] = []
    public var rentedCapacityRows: [PeriodSliceBlock] = []
    /// Per API (in `scenario.apis` order), when it has a rate limit.
    public var apiRateLimitRows: [PeriodSliceBlock?] = []
    /// Every serving option (o, w, k), purchases and rentals first then APIs, in scenario order
    /// (options of a pair in `servingOptions(for:)` order).
    public var servingPairs: [ServingPair] = []
    /// Per workload, when a penalty is set.
    public var unserved: [PeriodSliceBlock?] = []
    public var demandRows: [PeriodSliceBlock] = []
    public var powerCapRows: PeriodBlock?
    public var capitalBudgetRows: PeriodBlock?
    /// `fiscalCapex[FYf]` and `fiscalOpex[FYf]` rows, in year order, for the fiscal years with
    /// that budget set.
    public var fiscalCapexRows: [FiscalYearRow] = []
    public var fiscalOpexRows: [FiscalYearRow] = []
    /// Per rental (in `scenario.rentals` order): contract starts v_oq and their `contract[o,p]`
    /// rows, for reserved rentals with a term longer than one period or an upfront fee (8.1).
    public var contractStarts: [PeriodBlock?] = []
    public var contractRows: [PeriodBlock?] = []
    /// Serving options with a replica size (Π^rep, 8.2), in `servingPairs` order.
    public var replicaPairs: [ReplicaPair] = []
    /// Costed platforms some built serving pair runs on (8.3), in `scenario.platforms` order.
    public var platforms: [PlatformBlock] = []
    /// Pools with spare units (8.4), in `scenario.offerings` order.
    public var poolsInUse: [PoolInUseBlock] = []
    /// Training jobs (section 10), in `scenario.jobs` order.
    public var jobs: [JobBlock] = []

    /// Columns of whole-unit decisions that fix the fleet: arrivals, units in service, reserved
    /// units and contract starts (the rest of the integer columns, replicas ρ and the binaries
    /// z, u, y, follow from serving once these are fixed).
    public var fleetColumns: Set<Int> {
        var columns = Set<Int>()
        for (k, arrivals) in self.arrivals.enumerated() {
            if let start = arrivals.start { for q in arrivals.firstPeriod..<periods { columns.insert(start + q - arrivals.firstPeriod) } }
            for p in 0..<periods { columns.insert(inService[k].start + p) }
        }
        for block in reservedUnits.compactMap({ $0 }) { for p in 0..<periods { columns.insert(block.start + p) } }
        for block in contractStarts.compactMap({ $0 }) { for p in 0..<periods { columns.insert(block.start + p) } }
        return columns
    }
    /// P, for `fleetColumns`.
    public var periods = 0
}

/// The row of one fiscal year's budget: fiscal year `year` (FY`year`) and its cap.
public struct FiscalYearRow: Hashable, Sendable {
    public let year: Int
    public let row: Constraint
    public let budget: Double
}

/// A serving option (o, w, k) ∈ Π^rep: its replicas ρ_owkps, and where the minimum is not
/// implied its binaries z_owkps, with their rows (μ_w applies to each option: section 9).
public struct ReplicaPair: Hashable, Sendable {
    public let offering: Int
    public let workload: Int
    /// k: the precision of a derived option; nil for a given throughput.
    public let precision: Precision?
    /// Position in `CapacityModelIndex.servingPairs`.
    public let servingPair: Int
    /// ν_owk = a_owk / G_o: units one replica takes.
    public let unitsPerReplica: Double
    /// μ_w.
    public let minimum: Int
    public let replicas: PeriodSliceBlock
    public let inUse: PeriodSliceBlock?
    public var capacityRows: PeriodSliceBlock? = nil
    public var minimumRows: PeriodSliceBlock? = nil
    public var inUseRows: PeriodSliceBlock? = nil
}

/// A costed platform: u_kp (in use), α_kp (adopted; none when adopted before the horizon or
/// free to adopt) and their rows.
public struct PlatformBlock: Hashable, Sendable {
    /// Position in `scenario.platforms`.
    public let platform: Int
    /// Positions in `scenario.offerings` of the offerings on this platform.
    public let offerings: [Int]
    public let inUse: PeriodBlock
    public let adoption: PeriodBlock?
    /// `platformInUse[k,w,p,s]` rows by workload position.
    public var inUseRows: [Int: PeriodSliceBlock] = [:]
    public var adoptionRows: PeriodBlock? = nil
}

/// A pool with spare units: y_op and its `poolInUse[o,p,s]` rows.
public struct PoolInUseBlock: Hashable, Sendable {
    /// Position in `scenario.offerings`.
    public let offering: Int
    public let inUse: PeriodBlock
    public var rows: PeriodSliceBlock? = nil
}

/// A training job (section 10): its pools' columns and its `jobPool[j]` and `jobCompute[j]` rows.
public struct JobBlock: Hashable, Sendable {
    /// Position in `scenario.jobs`.
    public let job: Int
    public var pools: [JobPoolBlock] = []
    public var poolRow: Constraint? = nil
    public var computeRow: Constraint? = nil

    /// Columns of π_jo and σ_jops: on/off decisions that follow from where and when the job
    /// runs once the fleet is fixed (the heuristics complete them with the job's rows).
    public var binaryColumns: Set<Int> {
        var columns = Set<Int>()
        for pool in pools {
            columns.insert(pool.choice.index)
            for p in pool.periods {
                for s in 0..<pool.runs.slices { columns.insert(pool.runs(p, s).index) }
            }
        }
        return columns
    }
}

/// One pool o ∈ O_j of a job: π_jo, and g_jops, σ_jops for the periods of the job's window
/// (`firstPeriod...lastPeriod`, laid out period-major from the window's first period).
public struct JobPoolBlock: Hashable, Sendable {
    /// Position in `scenario.offerings`.
    public let offering: Int
    /// A_jo, read from the job's `pools` (never recomputed).
    public let acceleratorHours: Double
    /// G_o: accelerators per unit of the pool.
    public let acceleratorsPerUnit: Int
    public let firstPeriod: Int
    public let lastPeriod: Int
    /// π_jo.
    public let choice: Variable
    /// g_jops at offset (p − firstPeriod)·S + s.
    public let accelerators: PeriodSliceBlock
    /// σ_jops, laid out like `accelerators`.
    public let runs: PeriodSliceBlock

    public var periods: Range<Int> { firstPeriod..<max(firstPeriod, lastPeriod + 1) }
    public func accelerators(_ p: Int, _ s: Int) -> Variable { accelerators.variable(p - firstPeriod, s) }
    public func runs(_ p: Int, _ s: Int) -> Variable { runs.variable(p - firstPeriod, s) }
}

/// The LP of a scenario together with the map of its columns and rows.
public struct CapacityModel: Sendable {
    public var lp: LinearModel
    public let index: CapacityModelIndex
    /// r_wps, tokens/s: `demandRate[w][p·S + s]`.
    public let demandRate: [[Double]]
    /// δ_p for p = 0..P (the last one discounts to the end of the horizon).
    public let discount: [Double]
    /// What the build left out, and why (exact reductions: the optimum is unchanged).
    public let reductions: [String]
    /// The scenario the model was built from (with the integrality it was built with).
    public let scenario: Scenario
}

/// Options of the model build.
public struct CapacityModelOptions: Sendable, Hashable {
    /// Name rows and columns (`demand[chat,2027Q3,peak]`); needed for exports, optional for solves.
    public var names: Bool = true
    /// Overrides `policy.integerUnits` (e.g. `--relax`).
    public var integerUnits: Bool?
    /// Leave out options that can never be part of an optimal plan (see `dominatedOptions`).
    public var reductions: Bool = true
    /// With whole units, declare the units in service n_op integer too (exact: see
    /// `addPurchaseVariables`); off gives the plain formulation of the MathProg twin.
    public var wholeFleet: Bool = true

    /// Build contract starts v_oq for every reserved rental, one-period terms without a fee
    /// included (the form of 8.1 where section 3's is exact: tests and benchmarks compare them).
    var contractStartsEverywhere = false

    public init(names: Bool = true, integerUnits: Bool? = nil, reductions: Bool = true, wholeFleet: Bool = true) {
        self.names = names
        self.integerUnits = integerUnits
        self.reductions = reductions
        self.wholeFleet = wholeFleet
    }
}

/// Builds the model of docs/formulation.md.
public struct CapacityModelBuilder {
    let scenario: Scenario
    let options: CapacityModelOptions
    let periods: Int
    let slices: Int
    let labels: [String]
    let hours: Double
    let days: Double
    let discount: [Double]
    let purchases: [PurchaseOffering]
    let rentals: [RentalOffering]
    let apis: [APIOffering]
    let integer: Bool
    var lp: LinearModel
    var index = CapacityModelIndex()
    var demandRate: [[Double]] = []
    /// Serving options [offering position, workload position, option position in
    /// `servingOptions(for:)`] (0 for APIs) and unserved columns left out.
    var dominatedPairs = Set<[Int]>()
    var dominatedUnserved = Set<Int>()
    var reductions: [String] = []
    /// Costed platforms (A_k > 0 or Y_k > 0), by id.
    let costedPlatforms: Set<String>
    /// Position in `index.poolsInUse` by offering position.
    var poolPosition: [Int: Int] = [:]
    /// Offering positions some job can run on (section 10): their platforms and spare units
    /// get u_kp and y_op even when no serving option runs there.
    let jobOfferings: Set<Int>

    public init(scenario: Scenario, options: CapacityModelOptions = CapacityModelOptions()) {
        self.scenario = scenario
        self.options = options
        periods = scenario.horizon.periods
        slices = scenario.timeSlices.count
        labels = scenario.horizon.labels
        hours = scenario.horizon.hoursPerPeriod
        days = scenario.horizon.daysPerPeriod
        discount = Self.discountFactors(scenario)
        purchases = scenario.purchases
        rentals = scenario.rentals
        apis = scenario.apis
        integer = options.integerUnits ?? scenario.policy.integerUnits
        lp = LinearModel(name: String(scenario.name.prefix(255)), direction: .minimize)
        costedPlatforms = Set(scenario.platforms.filter { $0.adoptionCost > 0 || $0.yearlyCost > 0 }.map(\.id))
        let offeringPosition = Dictionary(scenario.offerings.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        jobOfferings = Set(scenario.jobs.flatMap { $0.pools.compactMap { offeringPosition[$0.offering] } })
        index.periods = periods
    }

    /// δ_p for any p ≥ 0, beyond the horizon too (contracts running past P).
    func discountFactor(_ p: Int) -> Double {
        p < discount.count ? discount[p] : pow(1 + scenario.discountRate, -Double(p) * hours / 8760)
    }

    /// Whether a rental is a reserved contract with starts v_oq (8.1): a term longer than one
    /// period or an upfront fee. With T_o = 1 and f_o = 0, v_op = m_op: m carries the
    /// integrality and the cost, as in section 3.
    static func hasContract(_ rental: RentalOffering) -> Bool {
        rental.commitment == .period && (rental.termPeriods > 1 || rental.upfrontPerUnit > 0)
    }

    func buildsContract(_ rental: RentalOffering) -> Bool {
        Self.hasContract(rental) || (options.contractStartsEverywhere && rental.commitment == .period)
    }

    /// The platform of an offering position, if any.
    func platform(ofOffering o: Int) -> String? {
        switch scenario.offerings[o] {
        case .purchase(let purchase): return purchase.platform
        case .rental(let rental): return rental.platform
        case .api: return nil
        }
    }

    /// The serving options of a purchase or rental for a workload id (section 9: the given
    /// throughput, or one per derived precision), those with τ > 0; none for APIs.
    func servingOptions(offering o: Int, workload id: String) -> [ServingOption] {
        Self.servingOptions(scenario.offerings[o], workload: id)
    }

    static func servingOptions(_ offering: Offering, workload id: String) -> [ServingOption] {
        switch offering {
        case .purchase(let purchase): return purchase.servingOptions(for: id).filter { $0.tokensPerSecond > 0 }
        case .rental(let rental): return rental.servingOptions(for: id).filter { $0.tokensPerSecond > 0 }
        case .api: return []
        }
    }

    /// (G_o, whether the pool's units are whole) for a purchase or rental: what an option's
    /// replica size a_owk is measured against (ν_owk = a_owk / G_o).
    func replicaPool(offering o: Int) -> (perUnit: Int, whole: Bool) {
        switch scenario.offerings[o] {
        case .purchase(let purchase): return (purchase.acceleratorsPerUnit, integer)
        case .rental(let rental): return (rental.acceleratorsPerUnit, integer && rental.commitment == .period)
        case .api: return (1, false)
        }
    }

    /// The index of an option in names: `w`, or `w@fp8` for a derived option (`ServedKey`, the
    /// key of `PlanDecisions.served` too).
    func optionName(_ pair: ServingPair) -> String {
        ServedKey.key(workload: scenario.workloads[pair.workload].id, precision: pair.precision)
    }

    /// (d_o, k_o) of a purchase or rental.
    func margins(offering o: Int) -> (derating: Double, spare: Int) {
        switch scenario.offerings[o] {
        case .purchase(let purchase): return (purchase.failureDerating, purchase.spareUnits)
        case .rental(let rental): return (rental.failureDerating, rental.spareUnits)
        case .api: return (0, 0)
        }
    }

    /// δ_p = (1 + r)^(−p·h/8760) for p = 0..P: the start of each period discounted to the start
    /// of the horizon (the last one is the end of the horizon). The planner's one definition;
    /// the evaluator keeps its own on purpose.
    public static func discountFactors(_ scenario: Scenario) -> [Double] {
        let yearsPerPeriod = scenario.horizon.hoursPerPeriod / 8760
        return (0...scenario.horizon.periods).map { p in pow(1 + scenario.discountRate, -Double(p) * yearsPerPeriod) }
    }

    /// An upper bound on the matrix entries of a scenario's model, from its sizes alone (the
    /// validator checks it against the nonzero limit before anything is built). Family by
    /// family, as `buildModel` adds them (reductions only leave entries out), with P periods,
    /// S slices and L_o = min(lifetime, P):
    ///
    ///     fleet             Σ_purchases P (1 + L_o)
    ///     contract          Σ_{reserved with a term or a fee} P (1 + min(T_o, P))
    ///     demand            P S (serving options + workloads, the latter when unmet demand is priced)
    ///     owned, rented     P S (purchases + rentals + their serving options)
    ///     replicas          6 P S per option with a replica size (ρ in replicaCapacity and the
    ///                       capacity row, z and ρ in minimumReplicas, z in replicaInUse, x there
    ///                       and in replicaCapacity)
    ///     poolInUse         P S (serving options + 2) per pool with spare units (y in the row and
    ///                       in the capacity row)
    ///     platformInUse     2 P S per option of an offering with a platform (x and at most one u)
    ///     platformAdoption  P (P + 3) / 2 per platform name (α_k1..α_kp and u_kp)
    ///     API rate limits   P S (API serving pairs)
    ///     power, budget     2 P purchases
    ///     fiscal budgets    3 P purchases + P S (rentals + API serving pairs) + 2 P rentals
    ///                       + 2 P per platform name, when `fiscalBudgets`: b in at most two
    ///                       capex rows (deposit and balance years), and n, m, v, y, u_k, α_k
    ///                       each in at most one opex row (its period's fiscal year)
    ///     jobs              Σ_{o ∈ O_j} (1 + W_j S (12 + J + options_o)) per job with a
    ///                       window of W_j periods, J jobs: π in jobPool and in each jobOnePool;
    ///                       g in jobCompute, jobClusterMax and the capacity row; σ in
    ///                       jobClusterRoom, jobClusterMax, jobOnePool, jobPlatform and
    ///                       jobPoolInUse, with u_kp and y_op there (their other entries, in
    ///                       adoption and capacity rows, are counted above with the offering's
    ///                       platform and spare units); the room row's copy of the capacity row
    ///                       (o's serving options, the other J − 1 jobs' g, units, y). Before the
    ///                       pools are derived (validation), O_j counts every purchase and every
    ///                       rental with cluster networking.
    ///
    /// Serving options (section 9): a given throughput is one option (and one replica option
    /// when the pair has a replica size; every replica size counts, served or not), and each
    /// derived option of a workload without a given throughput is one more.
    public static func nonzeroUpperBound(periods: Int, slices: Int, workloads: Int, offerings: [Offering], unservedPriced: Bool,
                                         fiscalBudgets: Bool = false, jobs: [TrainingJob] = []) -> Double {
        let p = Double(periods), ps = Double(periods * slices)
        var total = unservedPriced ? ps * Double(workloads) : 0
        let clusterPools = offerings.filter {
            switch $0 {
            case .purchase: return true
            case .rental(let rental): return rental.clusterNetworking
            case .api: return false
            }
        }
        /// Serving options of a purchase or rental (each one entry in its capacity row).
        func servingOptions(_ offering: some SelfRunOffering) -> Double {
            let derived = offering.derivedServing.filter { offering.throughput[$0.key] == nil }.values.joined()
            return Double(offering.throughput.values.filter { $0 > 0 }.count + derived.filter { $0.tokensPerSecond > 0 }.count)
        }
        func servingOptions(_ offering: Offering?) -> Double {
            switch offering {
            case .purchase(let purchase): return servingOptions(purchase)
            case .rental(let rental): return servingOptions(rental)
            case .api, nil: return 0
            }
        }
        for job in jobs {
            let window = Double(max(0, min(periods - 1, job.deadlineIndex) - max(0, job.earliestStartIndex) + 1))
            let pools: [Offering?] = job.pools.isEmpty ? clusterPools : job.pools.map { pool in offerings.first { $0.id == pool.offering } }
            for pool in pools {
                total += 1 + window * Double(slices) * (12 + Double(jobs.count) + servingOptions(pool))
            }
        }
        var platforms = Set<String>()
        func features(pairs: Double, replicaPairs: Int, spare: Int, platform: String?) {
            total += 6 * ps * Double(replicaPairs)
            if spare > 0 { total += ps * (pairs + 2) }
            if let platform {
                platforms.insert(platform)
                total += 2 * ps * pairs
            }
        }
        /// (serving options, options with a replica size) of a purchase or rental.
        func options(_ offering: some SelfRunOffering) -> (all: Double, replicas: Int) {
            let derived = offering.derivedServing.filter { offering.throughput[$0.key] == nil }.values.joined()
            return (servingOptions(offering), offering.acceleratorsPerReplica.count + derived.filter { $0.acceleratorsPerReplica != nil }.count)
        }
        for offering in offerings {
            switch offering {
            case .purchase(let purchase):
                let (pairs, replicaPairs) = options(purchase)
                total += p * Double(1 + min(purchase.lifetimePeriods, periods)) + ps * (1 + 2 * pairs) + 2 * p
                if fiscalBudgets { total += 3 * p }
                features(pairs: pairs, replicaPairs: replicaPairs, spare: purchase.spareUnits, platform: purchase.platform)
            case .rental(let rental):
                let (pairs, replicaPairs) = options(rental)
                total += ps * (1 + 2 * pairs)
                if fiscalBudgets { total += ps + 2 * p }
                if hasContract(rental) { total += p * Double(1 + min(rental.termPeriods, periods)) }
                features(pairs: pairs, replicaPairs: replicaPairs, spare: rental.spareUnits, platform: rental.platform)
            case .api(let api):
                total += (fiscalBudgets ? 3 : 2) * ps * Double(api.serves.count)
            }
        }
        total += Double(platforms.count) * (p * (p + 3) / 2 + (fiscalBudgets ? 2 * p : 0))
        return total
    }

    /// Builds the whole model: variables, then each constraint family in a fixed order.
    public static func buildModel(_ scenario: Scenario, options: CapacityModelOptions = CapacityModelOptions()) -> CapacityModel {
        var builder = CapacityModelBuilder(scenario: scenario, options: options)
        if options.reductions { builder.findDominatedOptions() }
        builder.reserve()
        builder.computeDemandRates()
        builder.addPurchaseVariables()
        builder.addRentalVariables()
        builder.addContractStartVariables()
        builder.addServingVariables()
        builder.addUnservedVariables()
        builder.addReplicaVariables()
        builder.addPlatformVariables()
        builder.addPoolInUseVariables()
        builder.addJobVariables()
        builder.addFleetConstraints()
        builder.addContractConstraints()
        builder.addDemandConstraints()
        builder.addOwnedCapacityConstraints()
        builder.addRentedCapacityConstraints()
        builder.addReplicaCapacityConstraints()
        builder.addMinimumReplicasConstraints()
        builder.addPoolInUseConstraints()
        builder.addPlatformInUseConstraints()
        builder.addPlatformAdoptionConstraints()
        builder.addAPIRateLimitConstraints()
        builder.addPowerCapConstraints()
        builder.addCapitalBudgetConstraints()
        builder.addFiscalCapexConstraints()
        builder.addFiscalOpexConstraints()
        builder.addJobPoolConstraints()
        builder.addJobComputeConstraints()
        builder.addJobClusterConstraints()
        builder.addJobPlatformConstraints()
        builder.addJobPoolInUseConstraints()
        return CapacityModel(
            lp: builder.lp, index: builder.index, demandRate: builder.demandRate, discount: builder.discount,
            reductions: builder.reductions, scenario: scenario.withIntegerUnits(builder.integer))
    }

    // MARK: Names

    func name(_ family: String, _ parts: String...) -> String {
        options.names ? "\(family)[\(parts.joined(separator: ","))]" : ""
    }

    // MARK: Exact reductions

    /// Options whose price per token is fixed (APIs, on-demand rentals, unserved demand) are
    /// interchangeable per token. For each workload, the cheapest such option without a limit
    /// (no rate limit, no maxUnits) can take any amount; an option of the same kind that costs
    /// strictly more per token for that workload is never used in an optimal plan (moving its
    /// tokens to the cheapest one lowers the cost and breaks no constraint), so its columns
    /// are not built, and an API left with no workload needs no rate-limit rows.
    ///
    /// Per token: API ((1 − φ_w) in_a + φ_w out_a) / 10^6; on-demand rental
    /// π_o / (U (1 − d_o) τ_ow 3600); unserved θ / 10^6.
    ///
    /// An option with a fixed charge (an on-demand rental with a replica size for w, whose
    /// minimum replicas cost whatever the load; one on a costed platform; one with spare units)
    /// cannot be the unlimited anchor: a little load there costs more than its price per token.
    /// It can still be dominated: moving its tokens to the anchor never raises a fixed charge.
    /// With a fiscal opex budget unserved demand is never left out: it costs no cash, so moving
    /// its tokens to a paid option could break the budget (paid options moved to a cheaper one
    /// pay less cash, so they stay exact).
    mutating func findDominatedOptions() {
        let cap = scenario.policy.utilizationCap
        for (w, workload) in scenario.workloads.enumerated() {
            // [offering, workload, option] (section 9: per serving option; 0 for an API).
            var options: [(pair: [Int]?, price: Double, unlimited: Bool)] = []
            for (o, offering) in scenario.offerings.enumerated() {
                switch offering {
                case .api(let api) where api.serves.contains(workload.id):
                    let price = ((1 - workload.outputShare) * api.inputPricePerMTok + workload.outputShare * api.outputPricePerMTok) / 1e6
                    options.append(([o, w, 0], price, api.maxTokensPerSecond == nil))
                case .rental(let rental) where rental.commitment == .none:
                    for (k, option) in servingOptions(offering: o, workload: workload.id).enumerated() {
                        let fixedCharge = option.acceleratorsPerReplica != nil || rental.spareUnits > 0
                            || rental.platform.map(costedPlatforms.contains) == true
                        options.append(([o, w, k], rental.pricePerUnitHour / (cap * (1 - rental.failureDerating) * option.tokensPerSecond * 3600),
                                        rental.maxUnits == nil && !fixedCharge))
                    }
                default: continue
                }
            }
            // Unserved demand costs no cash: with an opex budget, moving its tokens to a paid
            // option can break the budget, so it is never dominated then (an anchor still).
            let opexBudget = scenario.budget.fiscalYears.contains { $0.opex != nil }
            if let penalty = scenario.policy.unservedPenaltyPerMTok { options.append((nil, penalty / 1e6, true)) }
            guard let cheapest = options.filter(\.unlimited).map(\.price).min() else { continue }
            for option in options where option.price > cheapest {
                if let pair = option.pair { dominatedPairs.insert(pair) } else if !opexBudget { dominatedUnserved.insert(w) }
            }
        }
        if !dominatedPairs.isEmpty {
            let names = dominatedPairs.sorted { ($0[0], $0[1], $0[2]) < ($1[0], $1[1], $1[2]) }.map { pair in
                let workload = scenario.workloads[pair[1]].id
                let precision = Self.servingOptions(scenario.offerings[pair[0]], workload: workload).dropFirst(pair[2]).first?.precision
                return "\(scenario.offerings[pair[0]].id)/\(ServedKey.key(workload: workload, precision: precision))"
            }
            reductions.append("not built, dearer per token than an unlimited option for the same workload: \(names.joined(separator: ", "))")
        }
        if !dominatedUnserved.isEmpty {
            let names = dominatedUnserved.sorted().map { scenario.workloads[$0].id }
            reductions.append("unserved demand not built (an unlimited option costs less than the penalty): \(names.joined(separator: ", "))")
        }
        findSlowerOptions()
    }

    /// Section 9: among a workload's serving options on one purchase or rental, those without
    /// a replica size share the pool's capacity by load alone, so moving tokens/s from a slower
    /// one to the fastest frees capacity and changes nothing else (same offering: same units,
    /// spare units, platform; same x in the demand and pool rows). So only the fastest option
    /// without a replica size is built (the first of them on a tie: equal τ, equal columns).
    mutating func findSlowerOptions() {
        var slower: [[Int]] = []
        for (o, offering) in scenario.offerings.enumerated() {
            if case .api = offering { continue }
            for (w, workload) in scenario.workloads.enumerated() {
                let options = servingOptions(offering: o, workload: workload.id)
                let loadOnly = options.indices.filter { options[$0].acceleratorsPerReplica == nil }
                guard var fastest = loadOnly.first else { continue }
                for k in loadOnly where options[k].tokensPerSecond > options[fastest].tokensPerSecond { fastest = k }
                for k in loadOnly where k != fastest && !dominatedPairs.contains([o, w, k]) {
                    slower.append([o, w, k])
                }
            }
        }
        guard !slower.isEmpty else { return }
        dominatedPairs.formUnion(slower)
        let names = slower.map { pair in
            let workload = scenario.workloads[pair[1]].id
            let precision = servingOptions(offering: pair[0], workload: workload)[pair[2]].precision
            return "\(scenario.offerings[pair[0]].id)/\(ServedKey.key(workload: workload, precision: precision))"
        }
        reductions.append("not built, no faster than another option of the same offering and workload, neither with a replica size: \(names.joined(separator: ", "))")
    }

    // MARK: Sizes

    mutating func reserve() {
        let ps = periods * slices
        var pairs = 0
        for o in scenario.offerings {
            switch o {
            case .purchase(let p): pairs += scenario.workloads.reduce(0) { $0 + p.servingOptions(for: $1.id).count }
            case .rental(let r): pairs += scenario.workloads.reduce(0) { $0 + r.servingOptions(for: $1.id).count }
            case .api(let a): pairs += a.serves.count
            }
        }
        let columns = purchases.count * 2 * periods + rentals.count * ps + pairs * ps + scenario.workloads.count * ps
        let rows = purchases.count * (periods + ps) + rentals.count * ps + apis.count * ps + scenario.workloads.count * ps + 2 * periods
        let entries = pairs * ps * 2 + purchases.reduce(0) { $0 + periods * (min($1.lifetimePeriods, periods) + 4) + ps }
            + rentals.count * ps + scenario.workloads.count * ps
        lp.reserveCapacity(variables: columns, constraints: rows, entries: entries)
    }

    /// r_wps = D_wp σ_s / (d η_s 3600), tokens/s.
    mutating func computeDemandRates() {
        demandRate = scenario.workloads.map { workload in
            var rates = [Double](repeating: 0, count: periods * slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    rates[p * slices + s] = workload.demand[p] * slice.share / (days * slice.hours * 3600)
                }
            }
            return rates
        }
    }

    // MARK: Variables

    /// b_oq (arrivals) and n_op (units in service) with their costs.
    ///
    /// - n_op carries energy and fixed opex: δ_p (k_o · pue · h · ε + g_o), existing units included.
    /// - amortized: b_oq carries Σ_{p=q}^{min(q+L_o−1, P)} δ_p c_o / L_o (its capex while in service);
    /// - cash: b_oq carries δ_q c_o − δ_{P+1} c_o · max(0, q + L_o − 1 − P) / L_o (price less salvage).
    mutating func addPurchaseVariables() {
        let site = scenario.site
        for purchase in purchases {
            let first = min(purchase.firstArrivalIndex, periods)
            let start: Int? = first < periods ? lp.variableCount : nil
            let price = purchase.unitPrice, life = purchase.lifetimePeriods
            for q in first..<periods {
                let cost: Double
                switch scenario.capexAccounting {
                case .amortized:
                    var sum = 0.0
                    for p in q..<min(q + life, periods) { sum += discount[p] }
                    cost = sum * price / Double(life)
                case .cash:
                    // 1-based: q1 + L − 1 − P periods of life remain after the horizon.
                    let remaining = max(0, (q + 1) + life - 1 - periods)
                    cost = discount[q] * price - discount[periods] * price * Double(remaining) / Double(life)
                }
                lp.addVariable(
                    name: name("b", purchase.id, labels[q]), lowerBound: 0, upperBound: purchase.maxUnitsPerPeriod,
                    kind: integer ? .integer : .continuous, objective: cost)
            }
            index.arrivals.append(ArrivalBlock(firstPeriod: first, start: start))
            let running = purchase.powerKW * site.pue * hours * site.electricityPricePerKWh + purchase.opexPerUnitPeriod
            index.inService.append(PeriodBlock(start: lp.variableCount))
            // Exact strengthening: n_op = E_op + Σ b_oq (the fleet row) is a whole number in
            // every whole-unit plan when the existing units are, so declaring it integer removes
            // no plan, and it lets branch-and-cut branch and cut on the fleet itself (the MIP
            // corpus of docs/benchmarks.md: up to 7x faster on the hard instances). Not for
            // fleets that could reach millions of units: integrality there is below GLPK's
            // tolerances and only slows the search (demand growing 100x a period stalled).
            let wholeFleet = integer && options.wholeFleet && purchase.existingUnits == purchase.existingUnits.rounded()
                && purchase.existingUnits + unitsToServeAll(purchase) <= Self.wholeFleetUnits
            for p in 0..<periods {
                lp.addVariable(
                    name: name("n", purchase.id, labels[p]), lowerBound: 0, kind: wholeFleet ? .integer : .continuous,
                    objective: discount[p] * running)
            }
        }
    }

    /// m_op (reserved: δ_p π_o h) or m_ops (on demand: δ_p π_o d η_s), both ≤ maxUnits.
    /// Fleets that may reach this many units keep n_op continuous.
    static let wholeFleetUnits = 1e6

    /// Σ_w max_{p,s} r_wps / (U min_k τ_owk): more units of `purchase` than this serve nothing
    /// more (serving all of w at its slowest option takes the most units).
    func unitsToServeAll(_ purchase: PurchaseOffering) -> Double {
        let cap = scenario.policy.utilizationCap
        var units = 0.0
        for (w, workload) in scenario.workloads.enumerated() {
            guard let tau = Self.servingOptions(.purchase(purchase), workload: workload.id).map(\.tokensPerSecond).min() else { continue }
            units += (demandRate[w].max() ?? 0) / (cap * tau)
        }
        return units
    }

    /// m_op of a reserved contract (8.1) is continuous and free: the `contract` rows define it
    /// from the starts v_oq, which carry the integrality and the whole contract's cost.
    mutating func addRentalVariables() {
        for rental in rentals {
            switch rental.commitment {
            case .period:
                index.reservedUnits.append(PeriodBlock(start: lp.variableCount))
                index.onDemandUnits.append(nil)
                let contract = buildsContract(rental)
                for p in 0..<periods {
                    lp.addVariable(
                        name: name("m", rental.id, labels[p]), lowerBound: 0, upperBound: rental.maxUnits,
                        kind: integer && !contract ? .integer : .continuous,
                        objective: contract ? 0 : discount[p] * rental.pricePerUnitHour * hours)
                }
            case .none, .spot:
                index.reservedUnits.append(nil)
                index.onDemandUnits.append(PeriodSliceBlock(start: lp.variableCount, slices: slices))
                for p in 0..<periods {
                    for slice in scenario.timeSlices {
                        lp.addVariable(
                            name: name("m", rental.id, labels[p], slice.name), lowerBound: 0, upperBound: rental.maxUnits,
                            objective: discount[p] * rental.pricePerUnitHour * days * slice.hours)
                    }
                }
            }
        }
    }

    /// v_oq: contract starts of the reserved rentals with a term T_o > 1 or an upfront fee f_o
    /// (8.1), integer with whole units, at most maxUnits. A start pays its whole contract,
    /// the periods beyond the horizon included (a liability, never credited):
    ///
    ///     cost(v_oq) = f_o δ_q + π_o h Σ_{p=q}^{q+T_o−1} δ_p
    mutating func addContractStartVariables() {
        for rental in rentals {
            guard buildsContract(rental) else {
                index.contractStarts.append(nil)
                continue
            }
            index.contractStarts.append(PeriodBlock(start: lp.variableCount))
            for q in 0..<periods {
                var term = 0.0
                for p in q..<(q + rental.termPeriods) { term += discountFactor(p) }
                lp.addVariable(
                    name: name("v", rental.id, labels[q]), lowerBound: 0, upperBound: rental.maxUnits,
                    kind: integer ? .integer : .continuous,
                    objective: rental.upfrontPerUnit * discount[q] + rental.pricePerUnitHour * hours * term)
            }
        }
    }

    /// x_owkps for the serving options of purchases and rentals (no cost of their own; section
    /// 9: one per given throughput, one per derived precision) and y_awps for APIs
    /// (δ_p d η_s 3600 / 10^6 · ((1 − φ_w) in_a + φ_w out_a)).
    mutating func addServingVariables() {
        let workloadPosition = Dictionary(uniqueKeysWithValues: scenario.workloads.enumerated().map { ($1.id, $0) })
        for (o, offering) in scenario.offerings.enumerated() {
            if case .api = offering { continue }
            for (w, workload) in scenario.workloads.enumerated() {
                for (k, option) in servingOptions(offering: o, workload: workload.id).enumerated() where !dominatedPairs.contains([o, w, k]) {
                    let block = PeriodSliceBlock(start: lp.variableCount, slices: slices)
                    let key = ServedKey.key(workload: workload.id, precision: option.precision)
                    for p in 0..<periods {
                        for slice in scenario.timeSlices {
                            lp.addVariable(name: name("x", offering.id, key, labels[p], slice.name), lowerBound: 0)
                        }
                    }
                    index.servingPairs.append(ServingPair(
                        offering: o, workload: w, precision: option.precision, throughput: option.tokensPerSecond,
                        acceleratorsPerReplica: option.acceleratorsPerReplica, columns: block))
                }
            }
        }
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .api(let api) = offering else { continue }
            for workloadID in api.serves {
                guard let w = workloadPosition[workloadID], !dominatedPairs.contains([o, w, 0]) else { continue }
                let workload = scenario.workloads[w]
                let pricePerMTok = (1 - workload.outputShare) * api.inputPricePerMTok + workload.outputShare * api.outputPricePerMTok
                let block = PeriodSliceBlock(start: lp.variableCount, slices: slices)
                for p in 0..<periods {
                    for slice in scenario.timeSlices {
                        let seconds = days * slice.hours * 3600
                        lp.addVariable(
                            name: name("y", api.id, workload.id, labels[p], slice.name), lowerBound: 0,
                            objective: discount[p] * seconds / 1e6 * pricePerMTok)
                    }
                }
                index.servingPairs.append(ServingPair(offering: o, workload: w, throughput: nil, columns: block))
            }
        }
    }

    /// u_wps with cost δ_p d η_s 3600 / 10^6 · θ, only when the penalty θ is set.
    mutating func addUnservedVariables() {
        guard let penalty = scenario.policy.unservedPenaltyPerMTok else {
            index.unserved = Array(repeating: nil, count: scenario.workloads.count)
            return
        }
        for (w, workload) in scenario.workloads.enumerated() {
            if dominatedUnserved.contains(w) {
                index.unserved.append(nil)
                continue
            }
            index.unserved.append(PeriodSliceBlock(start: lp.variableCount, slices: slices))
            for p in 0..<periods {
                for slice in scenario.timeSlices {
                    lp.addVariable(
                        name: name("u", workload.id, labels[p], slice.name), lowerBound: 0,
                        objective: discount[p] * days * slice.hours * 3600 / 1e6 * penalty)
                }
            }
        }
    }

    /// ρ_owkps for (o, w, k) ∈ Π^rep (8.2, per option by section 9): integer on whole-unit
    /// pools (purchases and reserved rentals with whole units), continuous on demand; and
    /// z_owkps ∈ {0, 1} where the minimum is not implied, i.e. unless ρ is integer and μ_w = 1.
    /// Neither has a cost of its own. z (like u and y) is an on/off decision, not a unit: binary
    /// with continuous units and `--relax` too, so the minimum replicas are charged in full and
    /// the evaluator can price the plan.
    mutating func addReplicaVariables() {
        for (k, pair) in index.servingPairs.enumerated() where pair.throughput != nil {
            guard let accelerators = pair.acceleratorsPerReplica else { continue }
            let offering = scenario.offerings[pair.offering], workload = scenario.workloads[pair.workload]
            let size = replicaPool(offering: pair.offering), key = optionName(pair)
            let replicas = PeriodSliceBlock(start: lp.variableCount, slices: slices)
            for p in 0..<periods {
                for slice in scenario.timeSlices {
                    lp.addVariable(
                        name: name("rho", offering.id, key, labels[p], slice.name), lowerBound: 0,
                        kind: size.whole ? .integer : .continuous)
                }
            }
            var inUse: PeriodSliceBlock?
            if !(size.whole && workload.minReplicas == 1) {
                inUse = PeriodSliceBlock(start: lp.variableCount, slices: slices)
                for p in 0..<periods {
                    for slice in scenario.timeSlices {
                        lp.addVariable(
                            name: name("z", offering.id, key, labels[p], slice.name), lowerBound: 0, upperBound: 1,
                            kind: .binary)
                    }
                }
            }
            index.replicaPairs.append(ReplicaPair(
                offering: pair.offering, workload: pair.workload, precision: pair.precision, servingPair: k,
                unitsPerReplica: Double(accelerators) / Double(size.perUnit), minimum: workload.minReplicas,
                replicas: replicas, inUse: inUse))
        }
    }

    /// u_kp (binary, also with continuous units) for every costed platform
    /// (A_k > 0 or Y_k > 0) that a built serving pair or a job's pool runs on (section 10:
    /// `jobPlatform` needs it), costing δ_p Y_k h / 8760; and
    /// α_kp ∈ [0, 1], costing δ_p A_k, when A_k > 0 and the platform is not adopted before the
    /// horizon (no purchase of k has existing units). α is integral at every optimum: the
    /// adoption row needs Σ_{q ≤ p} α_kq ≥ 1 by the first period in use, and δ never grows.
    mutating func addPlatformVariables() {
        for (k, platform) in scenario.platforms.enumerated() where costedPlatforms.contains(platform.id) {
            let serving = index.servingPairs.filter { $0.throughput != nil && self.platform(ofOffering: $0.offering) == platform.id }.map(\.offering)
            let offerings = Set(serving + jobOfferings.filter { self.platform(ofOffering: $0) == platform.id }).sorted()
            guard !offerings.isEmpty else { continue }
            let inUse = PeriodBlock(start: lp.variableCount)
            for p in 0..<periods {
                lp.addVariable(
                    name: name("platformUsed", platform.id, labels[p]), lowerBound: 0, upperBound: 1,
                    kind: .binary, objective: discount[p] * platform.yearlyCost * hours / 8760)
            }
            var adoption: PeriodBlock?
            let adoptedBefore = purchases.contains { $0.platform == platform.id && $0.existingUnits > 0 }
            if platform.adoptionCost > 0, !adoptedBefore {
                adoption = PeriodBlock(start: lp.variableCount)
                for p in 0..<periods {
                    lp.addVariable(
                        name: name("platformAdopted", platform.id, labels[p]), lowerBound: 0, upperBound: 1,
                        objective: discount[p] * platform.adoptionCost)
                }
            }
            index.platforms.append(PlatformBlock(platform: k, offerings: offerings, inUse: inUse, adoption: adoption))
        }
    }

    /// y_op (binary, also with continuous units) for every purchase or rental
    /// with spare units k_o > 0 that serves some workload (8.4) or that a job can run on
    /// (section 10: `jobPoolInUse`). No cost of its own.
    mutating func addPoolInUseVariables() {
        for (o, offering) in scenario.offerings.enumerated() where margins(offering: o).spare > 0 {
            guard index.servingPairs.contains(where: { $0.offering == o }) || jobOfferings.contains(o) else { continue }
            poolPosition[o] = index.poolsInUse.count
            index.poolsInUse.append(PoolInUseBlock(offering: o, inUse: PeriodBlock(start: lp.variableCount)))
            for p in 0..<periods {
                lp.addVariable(name: name("poolUsed", offering.id, labels[p]), lowerBound: 0, upperBound: 1, kind: .binary)
            }
        }
    }

    // MARK: Constraint families

    /// `fleet[o,p]`:  n_op − Σ_{q = max(q0_o, p − L_o + 1)}^{p} b_oq = e_op.
    mutating func addFleetConstraints() {
        for (k, purchase) in purchases.enumerated() {
            index.fleetRows.append(PeriodBlock(start: lp.constraintCount))
            let arrivals = index.arrivals[k], inService = index.inService[k]
            for p in 0..<periods {
                var variables = [inService.variable(p)]
                var coefficients = [1.0]
                let oldest = max(arrivals.firstPeriod, p - purchase.lifetimePeriods + 1)
                if oldest <= p {
                    for q in oldest...p {
                        variables.append(arrivals.variable(q)!)
                        coefficients.append(-1)
                    }
                }
                let existing = p < purchase.existingRemainingPeriods ? purchase.existingUnits : 0
                lp.addConstraint(name: name("fleet", purchase.id, labels[p]), variables: variables, coefficients: coefficients, .equal(existing))
            }
        }
    }

    /// `contract[o,p]`:  m_op − Σ_{q = max(1, p − T_o + 1)}^{p} v_oq = 0, for reserved rentals
    /// with contract starts (8.1).
    mutating func addContractConstraints() {
        for (k, rental) in rentals.enumerated() {
            guard let starts = index.contractStarts[k], let units = index.reservedUnits[k] else {
                index.contractRows.append(nil)
                continue
            }
            index.contractRows.append(PeriodBlock(start: lp.constraintCount))
            for p in 0..<periods {
                var variables = [units.variable(p)], coefficients = [1.0]
                for q in max(0, p - rental.termPeriods + 1)...p {
                    variables.append(starts.variable(q))
                    coefficients.append(-1)
                }
                lp.addConstraint(name: name("contract", rental.id, labels[p]), variables: variables, coefficients: coefficients, .equal(0))
            }
        }
    }

    /// `demand[w,p,s]`:  Σ_{(o,k)} x_owkps + Σ_a y_awps + u_wps ≥ r_wps (every serving option of w).
    mutating func addDemandConstraints() {
        for (w, workload) in scenario.workloads.enumerated() {
            index.demandRows.append(PeriodSliceBlock(start: lp.constraintCount, slices: slices))
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    lp.addConstraint(
                        name: name("demand", workload.id, labels[p], slice.name), variables: [], coefficients: [],
                        .greaterOrEqual(demandRate[w][p * slices + s]))
                }
            }
        }
        for pair in index.servingPairs {
            let rows = index.demandRows[pair.workload]
            for p in 0..<periods {
                for s in 0..<slices { lp.addTerm(rows.constraint(p, s), pair.columns.variable(p, s), 1) }
            }
        }
        for (w, block) in index.unserved.enumerated() {
            guard let block else { continue }
            let rows = index.demandRows[w]
            for p in 0..<periods {
                for s in 0..<slices { lp.addTerm(rows.constraint(p, s), block.variable(p, s), 1) }
            }
        }
    }

    /// Adds the pool's load to the rows of `block`: Σ x_owkps / τ_owk for the serving options of
    /// offering `o` without a replica size, U ν_owk ρ_owkps for those with one (8.2, section 9),
    /// the jobs' U Σ_j g_jops / G_o (section 10), and the spare units' U (1 − d_o) k_o y_op when
    /// the pool has them (8.4).
    private mutating func addLoadTerms(offering o: Int, rows block: PeriodSliceBlock) {
        addLoadTerms(offering: o, periods: 0..<periods, excludingJob: nil) { p, s in block.constraint(p, s) }
    }

    /// The load terms of `addLoadTerms` for the rows `row(p, s)` of `periods` only, leaving out
    /// job `excludingJob`'s g (the room row of section 10 puts its cluster there instead): the
    /// one place the capacity rows' load is written, so the room row is that row.
    private mutating func addLoadTerms(offering o: Int, periods window: Range<Int>, excludingJob: Int?, row: (Int, Int) -> Constraint) {
        let cap = scenario.policy.utilizationCap
        let replicated = Dictionary(uniqueKeysWithValues: index.replicaPairs.map { ($0.servingPair, $0) })
        for (k, pair) in index.servingPairs.enumerated() where pair.offering == o {
            if let replica = replicated[k] {
                for p in window {
                    for s in 0..<slices { lp.addTerm(row(p, s), replica.replicas.variable(p, s), cap * replica.unitsPerReplica) }
                }
            } else {
                let coefficient = 1 / pair.throughput!
                for p in window {
                    for s in 0..<slices { lp.addTerm(row(p, s), pair.columns.variable(p, s), coefficient) }
                }
            }
        }
        // Section 10: a job occupies whole accelerators, U g_jops / G_o units, in its window.
        for job in index.jobs where job.job != excludingJob {
            for pool in job.pools where pool.offering == o {
                for p in pool.periods where window.contains(p) {
                    for s in 0..<slices {
                        lp.addTerm(row(p, s), pool.accelerators(p, s), cap / Double(pool.acceleratorsPerUnit))
                    }
                }
            }
        }
        let margins = margins(offering: o)
        if let pool = poolPosition[o] {
            let inUse = index.poolsInUse[pool].inUse
            for p in window {
                for s in 0..<slices {
                    lp.addTerm(row(p, s), inUse.variable(p), cap * (1 - margins.derating) * Double(margins.spare))
                }
            }
        }
    }

    /// The units column of offering `o`'s capacity row in period `p`: n_op of a purchase, m_op
    /// of a reserved rental; nil for an on-demand rental (m_ops, per slice) and an API.
    func wholeUnits(offering o: Int, period p: Int) -> Variable? {
        switch scenario.offerings[o] {
        case .purchase(let purchase):
            return purchases.firstIndex(where: { $0.id == purchase.id }).map { index.inService[$0].variable(p) }
        case .rental(let rental):
            return rentals.firstIndex(where: { $0.id == rental.id }).flatMap { index.reservedUnits[$0]?.variable(p) }
        case .api:
            return nil
        }
    }

    /// `ownedCapacity[o,p,s]`:  load_ops − U (1 − d_o) n_op + U (1 − d_o) k_o y_op ≤ 0, with the
    /// load of `addLoadTerms` (Σ_w x_owps / τ_ow without replicas and margins: section 3).
    mutating func addOwnedCapacityConstraints() {
        let cap = scenario.policy.utilizationCap
        var k = 0
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .purchase(let purchase) = offering else { continue }
            let block = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            let inService = index.inService[k]
            for p in 0..<periods {
                for slice in scenario.timeSlices {
                    lp.addConstraint(
                        name: name("ownedCapacity", purchase.id, labels[p], slice.name),
                        variables: [inService.variable(p)], coefficients: [-cap * (1 - purchase.failureDerating)], .lessOrEqual(0))
                }
            }
            addLoadTerms(offering: o, rows: block)
            index.ownedCapacityRows.append(block)
            k += 1
        }
    }

    /// `rentedCapacity[o,p,s]`:  load_ops − U (1 − d_o) units + U (1 − d_o) k_o y_op ≤ 0, units
    /// m_op (reserved) or m_ops (on demand).
    mutating func addRentedCapacityConstraints() {
        let cap = scenario.policy.utilizationCap
        var k = 0
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .rental(let rental) = offering else { continue }
            let block = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    let units = index.reservedUnits[k]?.variable(p) ?? index.onDemandUnits[k]!.variable(p, s)
                    lp.addConstraint(
                        name: name("rentedCapacity", rental.id, labels[p], slice.name),
                        variables: [units], coefficients: [-cap * (1 - rental.failureDerating)], .lessOrEqual(0))
                }
            }
            addLoadTerms(offering: o, rows: block)
            index.rentedCapacityRows.append(block)
            k += 1
        }
    }

    /// `replicaCapacity[o,w,p,s]`:  x_owkps − U ν_owk τ_owk ρ_owkps ≤ 0, for (o, w, k) ∈ Π^rep
    /// (`replicaCapacity[o,w@k,p,s]` for a derived option).
    mutating func addReplicaCapacityConstraints() {
        let cap = scenario.policy.utilizationCap
        for r in index.replicaPairs.indices {
            let replica = index.replicaPairs[r], pair = index.servingPairs[replica.servingPair]
            let offering = scenario.offerings[replica.offering].id, workload = optionName(pair)
            index.replicaPairs[r].capacityRows = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    lp.addConstraint(
                        name: name("replicaCapacity", offering, workload, labels[p], slice.name),
                        variables: [pair.columns.variable(p, s), replica.replicas.variable(p, s)],
                        coefficients: [1, -cap * replica.unitsPerReplica * pair.throughput!], .lessOrEqual(0))
                }
            }
        }
    }

    /// `minimumReplicas[o,w,p,s]`:  ρ_owkps − μ_w z_owkps ≥ 0, and `replicaInUse[o,w,p,s]`:
    /// x_owkps − r_wps z_owkps ≤ 0, where z exists: μ_w per option that serves (section 9).
    /// (x ≤ r loses no optimum: serving beyond the demand rate is never needed.)
    mutating func addMinimumReplicasConstraints() {
        for r in index.replicaPairs.indices {
            let replica = index.replicaPairs[r]
            guard let inUse = replica.inUse else { continue }
            let pair = index.servingPairs[replica.servingPair]
            let offering = scenario.offerings[replica.offering].id, workload = optionName(pair)
            index.replicaPairs[r].minimumRows = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    lp.addConstraint(
                        name: name("minimumReplicas", offering, workload, labels[p], slice.name),
                        variables: [replica.replicas.variable(p, s), inUse.variable(p, s)],
                        coefficients: [1, -Double(replica.minimum)], .greaterOrEqual(0))
                }
            }
            index.replicaPairs[r].inUseRows = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    lp.addConstraint(
                        name: name("replicaInUse", offering, workload, labels[p], slice.name),
                        variables: [pair.columns.variable(p, s), inUse.variable(p, s)],
                        coefficients: [1, -demandRate[replica.workload][p * slices + s]], .lessOrEqual(0))
                }
            }
        }
    }

    /// `poolInUse[o,p,s]`:  Σ_{(w,k)} x_owkps − (Σ_w r_wps) y_op ≤ 0, for pools with spare units
    /// (x over the pool's serving options, r over the workloads they serve, each once); none
    /// for a pool only jobs run on (`jobPoolInUse` sets its y_op).
    mutating func addPoolInUseConstraints() {
        for k in index.poolsInUse.indices {
            let pool = index.poolsInUse[k]
            let pairs = index.servingPairs.filter { $0.offering == pool.offering }
            guard !pairs.isEmpty else { continue }
            var seen = Set<Int>()
            let workloads = pairs.map(\.workload).filter { seen.insert($0).inserted }
            index.poolsInUse[k].rows = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    let rate = workloads.reduce(0.0) { $0 + demandRate[$1][p * slices + s] }
                    lp.addConstraint(
                        name: name("poolInUse", scenario.offerings[pool.offering].id, labels[p], slice.name),
                        variables: pairs.map { $0.columns.variable(p, s) } + [pool.inUse.variable(p)],
                        coefficients: pairs.map { _ in 1.0 } + [-rate], .lessOrEqual(0))
                }
            }
        }
    }

    /// `platformInUse[k,w,p,s]`:  Σ_{(o,w,k') : k(o) = k} x_owk'ps − r_wps u_kp ≤ 0, for each
    /// workload some offering of a costed platform k serves (all its options).
    mutating func addPlatformInUseConstraints() {
        for k in index.platforms.indices {
            let platform = index.platforms[k], id = scenario.platforms[platform.platform].id
            for (w, workload) in scenario.workloads.enumerated() {
                let pairs = index.servingPairs.filter { $0.workload == w && platform.offerings.contains($0.offering) }
                guard !pairs.isEmpty else { continue }
                index.platforms[k].inUseRows[w] = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
                for p in 0..<periods {
                    for (s, slice) in scenario.timeSlices.enumerated() {
                        lp.addConstraint(
                            name: name("platformInUse", id, workload.id, labels[p], slice.name),
                            variables: pairs.map { $0.columns.variable(p, s) } + [platform.inUse.variable(p)],
                            coefficients: pairs.map { _ in 1.0 } + [-demandRate[w][p * slices + s]], .lessOrEqual(0))
                    }
                }
            }
        }
    }

    /// `platformAdoption[k,p]`:  Σ_{q=1}^{p} α_kq − u_kp ≥ 0, where α exists.
    mutating func addPlatformAdoptionConstraints() {
        for k in index.platforms.indices {
            let platform = index.platforms[k]
            guard let adoption = platform.adoption else { continue }
            index.platforms[k].adoptionRows = PeriodBlock(start: lp.constraintCount)
            for p in 0..<periods {
                lp.addConstraint(
                    name: name("platformAdoption", scenario.platforms[platform.platform].id, labels[p]),
                    variables: (0...p).map { adoption.variable($0) } + [platform.inUse.variable(p)],
                    coefficients: (0...p).map { _ in 1.0 } + [-1], .greaterOrEqual(0))
            }
        }
    }

    /// `apiRateLimit[a,p,s]`:  Σ_w y_awps ≤ λ_a, for APIs with a rate limit.
    mutating func addAPIRateLimitConstraints() {
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .api(let api) = offering else { continue }
            guard let limit = api.maxTokensPerSecond, index.servingPairs.contains(where: { $0.offering == o }) else {
                index.apiRateLimitRows.append(nil)
                continue
            }
            let block = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            for p in 0..<periods {
                for slice in scenario.timeSlices {
                    lp.addConstraint(name: name("apiRateLimit", api.id, labels[p], slice.name), variables: [], coefficients: [], .lessOrEqual(limit))
                }
            }
            for pair in index.servingPairs where pair.offering == o {
                for p in 0..<periods {
                    for s in 0..<slices { lp.addTerm(block.constraint(p, s), pair.columns.variable(p, s), 1) }
                }
            }
            index.apiRateLimitRows.append(block)
        }
    }

    /// `powerCap[p]`:  Σ_o k_o n_op ≤ K_p (IT power, before PUE).
    mutating func addPowerCapConstraints() {
        guard let caps = scenario.site.powerCapKW else { return }
        index.powerCapRows = PeriodBlock(start: lp.constraintCount)
        for p in 0..<periods {
            var variables: [Variable] = [], coefficients: [Double] = []
            for (k, purchase) in purchases.enumerated() where purchase.powerKW > 0 {
                variables.append(index.inService[k].variable(p))
                coefficients.append(purchase.powerKW)
            }
            lp.addConstraint(name: name("powerCap", labels[p]), variables: variables, coefficients: coefficients, .lessOrEqual(caps[p]))
        }
    }

    /// `capitalBudget[p]`:  Σ_o c_o b_op ≤ C_p (cash for units arriving in p).
    mutating func addCapitalBudgetConstraints() {
        guard let budgets = scenario.budget.capexPerPeriod else { return }
        index.capitalBudgetRows = PeriodBlock(start: lp.constraintCount)
        for p in 0..<periods {
            var variables: [Variable] = [], coefficients: [Double] = []
            for (k, purchase) in purchases.enumerated() {
                if let b = index.arrivals[k].variable(p), purchase.unitPrice > 0 {
                    variables.append(b)
                    coefficients.append(purchase.unitPrice)
                }
            }
            lp.addConstraint(name: name("capitalBudget", labels[p]), variables: variables, coefficients: coefficients, .lessOrEqual(budgets[p]))
        }
    }
}

extension CapacityModelBuilder {
    /// The fiscal year (FY N ends in calendar year N) of 0-based period `p`, also before or
    /// past the horizon (orders and balances).
    func fiscalYear(ofPeriod p: Int) -> Int {
        FinanceComputation.fiscalYear(of: scenario.horizon.start.advanced(by: p), startMonth: scenario.budget.fiscalYearStartMonth)
    }

    /// `fiscalCapex[FYf]`, for the fiscal years with a capex budget:
    ///
    ///     Σ_o Σ_q c_o b_oq (φ_o [FY(q − ℓ_o) = f] + (1 − φ_o) [FY(q + ⌊D_o / d⌋) = f]) ≤ Capex_f
    ///
    /// deposit φ_o paid in the order period q − ℓ_o, balance D_o days after the start of the
    /// arrival period q (`FinanceComputation.balanceDelayPeriods`, the cash flow's rule);
    /// undiscounted cash, whatever the capex accounting of the objective.
    mutating func addFiscalCapexConstraints() {
        let days = scenario.horizon.daysPerPeriod
        for budget in scenario.budget.fiscalYears {
            guard let cap = budget.capex else { continue }
            var coefficient: [Int: Double] = [:]
            for (k, purchase) in purchases.enumerated() where purchase.unitPrice > 0 {
                let delay = FinanceComputation.balanceDelayPeriods(days: purchase.balanceDaysAfterDelivery, daysPerPeriod: days)
                for q in index.arrivals[k].firstPeriod..<periods {
                    guard let b = index.arrivals[k].variable(q) else { continue }
                    var share = 0.0
                    if fiscalYear(ofPeriod: q - purchase.leadTimePeriods) == budget.year { share += purchase.depositFraction }
                    if fiscalYear(ofPeriod: q + delay) == budget.year { share += 1 - purchase.depositFraction }
                    if share > 0 { coefficient[b.index, default: 0] += purchase.unitPrice * share }
                }
            }
            let columns = coefficient.keys.sorted()
            let row = lp.addConstraint(
                name: name("fiscalCapex", "FY\(budget.year)"), variables: columns.map { Variable(index: $0) },
                coefficients: columns.map { coefficient[$0]! }, .lessOrEqual(cap))
            index.fiscalCapexRows.append(FiscalYearRow(year: budget.year, row: row, budget: cap))
        }
    }

    /// `fiscalOpex[FYf]`, for the fiscal years with an opex budget: the undiscounted running
    /// costs of the periods of the horizon in f (the objective's coefficients without δ_p):
    ///
    ///     Σ_{p ∈ f} ( Σ_o (k_o · pue · h · ε + g_o) n_op        energy and fixed opex (existing units too)
    ///               + Σ_reserved π_o h m_op + f_o v_op          rent, contract upfront fees
    ///               + Σ_on-demand Σ_s π_o d η_s m_ops
    ///               + Σ_a Σ_w Σ_s d η_s 3600 / 10^6 · price_aw · y_awps
    ///               + Σ_k (Y_k h / 8760 · u_kp + A_k α_kp) ) ≤ Opex_f
    ///
    /// Every cost is on a column (existing units are in n_op), so the right-hand side is the
    /// budget itself. Rent falling due past the horizon is not in any row: it is a commitment,
    /// like in the plan's cash flow by fiscal year, kept apart.
    mutating func addFiscalOpexConstraints() {
        let site = scenario.site
        for budget in scenario.budget.fiscalYears {
            guard let cap = budget.opex else { continue }
            let inYear = (0..<periods).filter { fiscalYear(ofPeriod: $0) == budget.year }
            var variables: [Variable] = [], coefficients: [Double] = []
            func add(_ variable: Variable, _ coefficient: Double) {
                guard coefficient != 0 else { return }
                variables.append(variable)
                coefficients.append(coefficient)
            }
            for (k, purchase) in purchases.enumerated() {
                let running = purchase.powerKW * site.pue * hours * site.electricityPricePerKWh + purchase.opexPerUnitPeriod
                for p in inYear { add(index.inService[k].variable(p), running) }
            }
            for (k, rental) in rentals.enumerated() {
                if let units = index.reservedUnits[k] {
                    for p in inYear { add(units.variable(p), rental.pricePerUnitHour * hours) }
                    if let starts = index.contractStarts[k] {
                        for p in inYear { add(starts.variable(p), rental.upfrontPerUnit) }
                    }
                } else if let units = index.onDemandUnits[k] {
                    for p in inYear {
                        for (s, slice) in scenario.timeSlices.enumerated() {
                            add(units.variable(p, s), rental.pricePerUnitHour * days * slice.hours)
                        }
                    }
                }
            }
            for pair in index.servingPairs where pair.throughput == nil {
                guard case .api(let api) = scenario.offerings[pair.offering] else { continue }
                let workload = scenario.workloads[pair.workload]
                let pricePerMTok = (1 - workload.outputShare) * api.inputPricePerMTok + workload.outputShare * api.outputPricePerMTok
                for p in inYear {
                    for (s, slice) in scenario.timeSlices.enumerated() {
                        add(pair.columns.variable(p, s), days * slice.hours * 3600 / 1e6 * pricePerMTok)
                    }
                }
            }
            for platform in index.platforms {
                let cost = scenario.platforms[platform.platform]
                for p in inYear {
                    add(platform.inUse.variable(p), cost.yearlyCost * hours / 8760)
                    if let adoption = platform.adoption { add(adoption.variable(p), cost.adoptionCost) }
                }
            }
            let row = lp.addConstraint(name: name("fiscalOpex", "FY\(budget.year)"), variables: variables, coefficients: coefficients, .lessOrEqual(cap))
            index.fiscalOpexRows.append(FiscalYearRow(year: budget.year, row: row, budget: cap))
        }
    }
}

extension CapacityModel {
    /// The same model with workload `w`'s demand rows r_wps at `factor` times their present
    /// right-hand sides, for `scenario`, whose demand of `w` must be this one's times `factor`.
    /// Demand enters the model only there (and in whether fleets are declared integer, which
    /// is exact either way), so re-solving this model is planning `scenario`: the breakeven
    /// searches on a model built once. The evaluator, reading `scenario`, audits each re-solve.
    func withDemand(ofWorkload w: Int, scaledBy factor: Double, scenario: Scenario) -> CapacityModel {
        var lp = self.lp
        var rates = demandRate
        rates[w] = rates[w].map { $0 * factor }
        let rows = index.demandRows[w]
        for k in 0..<rates[w].count {
            lp.setBound(Constraint(index: rows.start + k), .greaterOrEqual(rates[w][k]))
        }
        // r_wps is also the coefficient of the binaries in replicaInUse, poolInUse and
        // platformInUse: entries are summed, so adding the difference rescales them.
        let slices = index.demandRows[w].slices
        for k in 0..<rates[w].count {
            let p = k / slices, s = k % slices, change = rates[w][k] - demandRate[w][k]
            for replica in index.replicaPairs where replica.workload == w {
                if let rows = replica.inUseRows, let inUse = replica.inUse { lp.addTerm(rows.constraint(p, s), inUse.variable(p, s), -change) }
            }
            for pool in index.poolsInUse where index.servingPairs.contains(where: { $0.offering == pool.offering && $0.workload == w }) {
                lp.addTerm(pool.rows!.constraint(p, s), pool.inUse.variable(p), -change)
            }
            for platform in index.platforms {
                if let rows = platform.inUseRows[w] { lp.addTerm(rows.constraint(p, s), platform.inUse.variable(p), -change) }
            }
        }
        return CapacityModel(
            lp: lp, index: index, demandRate: rates, discount: discount, reductions: reductions,
            scenario: scenario.withIntegerUnits(self.scenario.policy.integerUnits))
    }
}

// MARK: Training jobs (docs/formulation.md section 10)

extension CapacityModelBuilder {
    /// π_jo ∈ {0, 1} per pool o ∈ O_j, and per period of the window e_j..l_j and slice g_jops ≥ 0
    /// (accelerators of o running j, averaged over the slice) and σ_jops ∈ {0, 1} (j runs there).
    /// None has a cost: a job is paid through the capacity it occupies. π and σ are on/off
    /// decisions, binary with `--relax` too (like z, u, y of section 8). A_jo comes from the
    /// job's `pools`; a pool naming no purchase or rental is skipped (validation refuses it).
    mutating func addJobVariables() {
        for (j, job) in scenario.jobs.enumerated() {
            var block = JobBlock(job: j)
            let first = max(0, job.earliestStartIndex), last = min(periods - 1, job.deadlineIndex)
            for pool in job.pools {
                guard let o = scenario.offerings.firstIndex(where: { $0.id == pool.offering }) else { continue }
                let perUnit: Int
                switch scenario.offerings[o] {
                case .purchase(let purchase): perUnit = purchase.acceleratorsPerUnit
                case .rental(let rental): perUnit = rental.acceleratorsPerUnit
                case .api: continue
                }
                let offering = scenario.offerings[o].id
                let choice = lp.addVariable(name: name("jobPool", job.id, offering), lowerBound: 0, upperBound: 1, kind: .binary)
                let accelerators = PeriodSliceBlock(start: lp.variableCount, slices: slices)
                for p in first..<max(first, last + 1) {
                    for slice in scenario.timeSlices {
                        lp.addVariable(name: name("train", job.id, offering, labels[p], slice.name), lowerBound: 0)
                    }
                }
                let runs = PeriodSliceBlock(start: lp.variableCount, slices: slices)
                for p in first..<max(first, last + 1) {
                    for slice in scenario.timeSlices {
                        lp.addVariable(name: name("trainOn", job.id, offering, labels[p], slice.name), lowerBound: 0, upperBound: 1, kind: .binary)
                    }
                }
                block.pools.append(JobPoolBlock(
                    offering: o, acceleratorHours: pool.acceleratorHours, acceleratorsPerUnit: perUnit,
                    firstPeriod: first, lastPeriod: last, choice: choice, accelerators: accelerators, runs: runs))
            }
            index.jobs.append(block)
        }
    }

    /// `jobPool[j]`:  Σ_{o ∈ O_j} π_jo = 1 (the whole job in one pool).
    mutating func addJobPoolConstraints() {
        for k in index.jobs.indices {
            let job = index.jobs[k]
            index.jobs[k].poolRow = lp.addConstraint(
                name: name("jobPool", scenario.jobs[job.job].id), variables: job.pools.map(\.choice),
                coefficients: job.pools.map { _ in 1.0 }, .equal(1))
        }
    }

    /// `jobCompute[j]`:  Σ_{o ∈ O_j} Σ_{p = e_j}^{l_j} Σ_s g_jops · d η_s / A_jo ≥ 1 (the run
    /// done by its deadline; A_jo accelerator-hours on o, overhead included).
    mutating func addJobComputeConstraints() {
        for k in index.jobs.indices {
            var variables: [Variable] = [], coefficients: [Double] = []
            for pool in index.jobs[k].pools where pool.firstPeriod <= pool.lastPeriod {
                for p in pool.periods {
                    for (s, slice) in scenario.timeSlices.enumerated() {
                        variables.append(pool.accelerators(p, s))
                        coefficients.append(days * slice.hours / pool.acceleratorHours)
                    }
                }
            }
            index.jobs[k].computeRow = lp.addConstraint(
                name: name("jobCompute", scenario.jobs[index.jobs[k].job].id), variables: variables, coefficients: coefficients,
                .greaterOrEqual(1))
        }
    }

    /// `jobClusterRoom[j,o,p,s]`, o a purchase or a reserved rental: the capacity row with this
    /// job's average replaced by its cluster,
    ///     load_ops − U g_jops / G_o + U M_j σ_jops / G_o − U (1 − d_o) units_op + U (1 − d_o) k_o y_op ≤ 0
    /// (room for M_j accelerators beside the slice's other load while the job runs; g stays an
    /// average, so a short job is charged its hours, not M_j for the whole slice). None on
    /// on-demand rentals, whose units are averages too.
    /// `jobClusterMax[j,o,p,s]`:  g_jops − Ḡ_jos σ_jops ≤ 0 with Ḡ_jos = A_jo / (d η_s) (a slice
    /// never needs more than the whole job); `jobOnePool[j,o,p,s]`:  σ_jops − π_jo ≤ 0.
    mutating func addJobClusterConstraints() {
        let cap = scenario.policy.utilizationCap
        for job in index.jobs {
            let training = scenario.jobs[job.job], minimum = Double(training.minAccelerators)
            for pool in job.pools where pool.firstPeriod <= pool.lastPeriod {
                let offering = scenario.offerings[pool.offering].id
                if wholeUnits(offering: pool.offering, period: pool.firstPeriod) != nil {
                    let derating = margins(offering: pool.offering).derating
                    let first = lp.constraintCount
                    for p in pool.periods {
                        for (s, slice) in scenario.timeSlices.enumerated() {
                            lp.addConstraint(
                                name: name("jobClusterRoom", training.id, offering, labels[p], slice.name),
                                variables: [pool.runs(p, s), wholeUnits(offering: pool.offering, period: p)!],
                                coefficients: [cap * minimum / Double(pool.acceleratorsPerUnit), -cap * (1 - derating)], .lessOrEqual(0))
                        }
                    }
                    let rows = PeriodSliceBlock(start: first, slices: slices)
                    addLoadTerms(offering: pool.offering, periods: pool.periods, excludingJob: job.job) { p, s in
                        rows.constraint(p - pool.firstPeriod, s)
                    }
                }
                for p in pool.periods {
                    for (s, slice) in scenario.timeSlices.enumerated() {
                        let most = pool.acceleratorHours / (days * slice.hours)
                        lp.addConstraint(
                            name: name("jobClusterMax", training.id, offering, labels[p], slice.name),
                            variables: [pool.accelerators(p, s), pool.runs(p, s)], coefficients: [1, -most], .lessOrEqual(0))
                    }
                }
                for p in pool.periods {
                    for (s, slice) in scenario.timeSlices.enumerated() {
                        lp.addConstraint(
                            name: name("jobOnePool", training.id, offering, labels[p], slice.name),
                            variables: [pool.runs(p, s), pool.choice], coefficients: [1, -1], .lessOrEqual(0))
                    }
                }
            }
        }
    }

    /// `jobPlatform[j,o,p,s]`:  σ_jops − u_{k(o)p} ≤ 0, for pools on a costed platform (8.3: a
    /// job running there keeps the platform in use and adopted).
    mutating func addJobPlatformConstraints() {
        for job in index.jobs {
            for pool in job.pools where pool.firstPeriod <= pool.lastPeriod {
                guard let platform = index.platforms.first(where: { $0.offerings.contains(pool.offering) }) else { continue }
                let offering = scenario.offerings[pool.offering].id
                for p in pool.periods {
                    for (s, slice) in scenario.timeSlices.enumerated() {
                        lp.addConstraint(
                            name: name("jobPlatform", scenario.jobs[job.job].id, offering, labels[p], slice.name),
                            variables: [pool.runs(p, s), platform.inUse.variable(p)], coefficients: [1, -1], .lessOrEqual(0))
                    }
                }
            }
        }
    }

    /// `jobPoolInUse[j,o,p,s]`:  σ_jops − y_op ≤ 0, for pools with spare units (8.4: the spare
    /// units are held while a job runs there too).
    mutating func addJobPoolInUseConstraints() {
        for job in index.jobs {
            for pool in job.pools where pool.firstPeriod <= pool.lastPeriod {
                guard let position = poolPosition[pool.offering] else { continue }
                let inUse = index.poolsInUse[position].inUse, offering = scenario.offerings[pool.offering].id
                for p in pool.periods {
                    for (s, slice) in scenario.timeSlices.enumerated() {
                        lp.addConstraint(
                            name: name("jobPoolInUse", scenario.jobs[job.job].id, offering, labels[p], slice.name),
                            variables: [pool.runs(p, s), inUse.variable(p)], coefficients: [1, -1], .lessOrEqual(0))
                    }
                }
            }
        }
    }
}
