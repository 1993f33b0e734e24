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

/// Arrival columns b_oq of one purchase: periods `firstPeriod...lastPeriod` (none before q0,
/// none after the purchase's `availableUntil`, 11.5, except periods an order in flight arrives
/// in and those between them and q0 or q1, their columns fixed at F_oq, 13.1).
public struct ArrivalBlock: Hashable, Sendable {
    public let firstPeriod: Int
    /// Column of period firstPeriod; nil when no arrival is possible within the horizon.
    public let start: Int?
    /// The last period with an arrival column (P − 1 without `availableUntil`).
    public var lastPeriod: Int = .max

    public func variable(_ q: Int) -> Variable? {
        guard let start, q >= firstPeriod, q <= lastPeriod else { return nil }
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
    /// Per workload: its `demand[w,p,s]` rows; nil for a deferrable workload, whose demand is in
    /// `deferrals` (11.2).
    public var demandRows: [PeriodSliceBlock?] = []
    /// Deferrable workloads (11.2), in `scenario.workloads` order.
    public var deferrals: [DeferralBlock] = []
    /// APIs with a committed-use contract available in some period (11.5), in `scenario.apis` order.
    public var commitments: [CommitmentBlock] = []
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
            for q in 0..<periods { if let b = arrivals.variable(q) { columns.insert(b.index) } }
            for p in 0..<periods { columns.insert(inService[k].start + p) }
        }
        for block in reservedUnits.compactMap({ $0 }) { for p in 0..<periods { columns.insert(block.start + p) } }
        for block in contractStarts.compactMap({ $0 }) { for p in 0..<periods { columns.insert(block.start + p) } }
        return columns
    }
    /// P, for `fleetColumns`.
    public var periods = 0
}

/// A deferrable workload (11.2): `dailyDemand[w,p]` rows (H ≥ 24), or the flows f_wpss' with
/// their `deferredDemand[w,p,s]` and `deferredService[w,p,s']` rows (H < 24).
public struct DeferralBlock: Hashable, Sendable {
    /// Position in `scenario.workloads`.
    public let workload: Int
    /// R_w(s) per slice s, ascending (every slice in the day form).
    public let reach: [[Int]]
    /// `dailyDemand[w,p]` (day form).
    public var dailyRows: PeriodBlock? = nil
    /// First column of the flows (window form), laid out period-major, then s, then s' ∈ R_w(s).
    public let flowStart: Int?
    public var demandRows: PeriodSliceBlock? = nil
    public var serviceRows: PeriodSliceBlock? = nil

    var flowsPerPeriod: Int { reach.reduce(0) { $0 + $1.count } }

    /// f_wpss', nil when s' is out of reach of s or in the day form.
    public func flow(_ p: Int, _ s: Int, _ target: Int) -> Variable? {
        guard let flowStart, let k = reach[s].firstIndex(of: target) else { return nil }
        return Variable(index: flowStart + p * flowsPerPeriod + reach[..<s].reduce(0) { $0 + $1.count } + k)
    }
}

/// An API's committed-use contract (11.5): κ_a, and per period of the API's window e_ap, s_ap
/// with the rows `commitDiscount`, `commitOnly`, `commitMinimum`.
public struct CommitmentBlock: Hashable, Sendable {
    /// Position in `scenario.offerings`.
    public let offering: Int
    /// κ_a.
    public let taken: Variable
    /// Periods of the API's availability window within the horizon.
    public let periods: Range<Int>
    let discountStart: Int
    let shortfallStart: Int
    public var discountRows: Int? = nil
    public var onlyRows: Int? = nil
    public var minimumRows: Int? = nil

    /// e_ap, for p in `periods`.
    public func discount(_ p: Int) -> Variable { Variable(index: discountStart + p - periods.lowerBound) }
    /// s_ap, for p in `periods`.
    public func shortfall(_ p: Int) -> Variable { Variable(index: shortfallStart + p - periods.lowerBound) }
    public func discountRow(_ p: Int) -> Constraint? { discountRows.map { Constraint(index: $0 + p - periods.lowerBound) } }
    public func onlyRow(_ p: Int) -> Constraint? { onlyRows.map { Constraint(index: $0 + p - periods.lowerBound) } }
    public func minimumRow(_ p: Int) -> Constraint? { minimumRows.map { Constraint(index: $0 + p - periods.lowerBound) } }
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
    /// C = U ν_owk τ_owk: tokens/s one replica serves (`replicaCapacity`, `replicaRounding`).
    public let servedPerReplica: Double
    /// μ_w.
    public let minimum: Int
    public let replicas: PeriodSliceBlock
    public let inUse: PeriodSliceBlock?
    public var capacityRows: PeriodSliceBlock? = nil
    public var minimumRows: PeriodSliceBlock? = nil
    public var inUseRows: PeriodSliceBlock? = nil
    /// `replicaRounding` rows, on whole-unit pools (`CapacityModelOptions.replicaRounding`).
    public var roundingRows: PeriodSliceBlock? = nil
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
    /// With whole units, add the `replicaRounding` rows (exact: see
    /// `addReplicaRoundingConstraints`); off gives the plain formulation of the MathProg twin.
    public var replicaRounding: Bool = true

    /// Build contract starts v_oq for every reserved rental, one-period terms without a fee
    /// included (the form of 8.1 where section 3's is exact: tests and benchmarks compare them).
    var contractStartsEverywhere = false

    public init(
        names: Bool = true, integerUnits: Bool? = nil, reductions: Bool = true, wholeFleet: Bool = true,
        replicaRounding: Bool = true
    ) {
        self.names = names
        self.integerUnits = integerUnits
        self.reductions = reductions
        self.wholeFleet = wholeFleet
        self.replicaRounding = replicaRounding
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
    /// Position of each workload by id.
    let workloadPosition: [String: Int]
    /// R_w(s) per workload (`reach`).
    let reaches: [[[Int]]]

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
        workloadPosition = Dictionary(scenario.workloads.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        reaches = scenario.workloads.indices.map { Self.reach(scenario, workload: $0) }
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
    ///
    /// The builder reads options only here, so that two rules of section 11 hold everywhere:
    /// a spot rental serves interruptible workloads only (11.3; validation refuses the rest,
    /// this is the defensive copy), and a cached workload's throughput is τ' = τ / (1 − κ β)
    /// (11.4) in every capacity, replica and price-per-token use.
    func servingOptions(offering o: Int, workload id: String) -> [ServingOption] {
        let options = Self.servingOptions(scenario.offerings[o], workload: id)
        guard let w = workloadPosition[id] else { return options }
        let workload = scenario.workloads[w]
        if case .rental(let rental) = scenario.offerings[o], rental.commitment == .spot, !workload.interruptible { return [] }
        guard let cache = workload.cache else { return options }
        return options.map { option in
            var option = option
            option.tokensPerSecond *= cache.selfHostedSpeedup
            return option
        }
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

    /// f_op: the price factor of offering `o` in period `p` (11.5; 1 without a price change).
    func priceFactor(offering o: Int, period p: Int) -> Double {
        let change: PriceChange?
        switch scenario.offerings[o] {
        case .purchase(let purchase): change = purchase.priceChange
        case .rental(let rental): change = rental.priceChange
        case .api(let api): change = api.priceChange
        }
        return CapPlanKit.priceFactor(change, period: p, horizon: scenario.horizon)
    }

    /// Whether rental or API `o` may be used in period `p` (its `availableFrom`..`availableUntil`,
    /// 11.5); purchases' windows are their arrival columns. Outside the window the builder fixes
    /// the period's columns at zero (m_op, m_ops, v_oq, y_awps): the blocks stay period-major.
    func isAvailable(offering o: Int, period p: Int) -> Bool {
        Self.isAvailable(scenario.offerings[o], period: p)
    }

    static func isAvailable(_ offering: Offering, period p: Int) -> Bool {
        let from: Int?, until: Int?
        switch offering {
        case .purchase: return true
        case .rental(let rental): (from, until) = (rental.availableFromIndex, rental.availableUntilIndex)
        case .api(let api): (from, until) = (api.availableFromIndex, api.availableUntilIndex)
        }
        return p >= (from ?? .min) && p <= (until ?? .max)
    }

    /// 10^6 ψ_awp / f_ap: USD per million tokens of workload `w` on `api` before the price factor,
    /// (1 − φ_w)((1 − κ_w) in_a + κ_w c̃_a) + φ_w out_a (11.4; section 4's price without a cache).
    static func apiPricePerMTok(_ api: APIOffering, workload: Workload) -> Double {
        guard let cache = workload.cache else {
            return (1 - workload.outputShare) * api.inputPricePerMTok + workload.outputShare * api.outputPricePerMTok
        }
        let input = (1 - cache.hitRate) * api.inputPricePerMTok + cache.hitRate * (api.cachedInputPricePerMTok ?? api.inputPricePerMTok)
        return (1 - workload.outputShare) * input + workload.outputShare * api.outputPricePerMTok
    }

    /// 10^6 ψ_awp: the API's price per million tokens of w in period p, price factor included.
    func apiPricePerMTok(offering o: Int, workload w: Int, period p: Int) -> Double {
        guard case .api(let api) = scenario.offerings[o] else { return 0 }
        return Self.apiPricePerMTok(api, workload: scenario.workloads[w]) * priceFactor(offering: o, period: p)
    }

    /// R_w(s) for every slice s (11.2): the slices s' whose service may hold slice s's demand,
    /// max(gap(a_s, a_s'), gap(a_s + η_s, a_s' + η_s')) ≤ H with gap(t, t') = (t' − t) mod 24.
    /// Every slice for a workload deferrable within the day; only s itself for one that is not
    /// deferrable, and (defensively: validation requires starts) for a window without starts.
    static func reach(_ scenario: Scenario, workload w: Int) -> [[Int]] {
        let slices = scenario.timeSlices
        guard let deferral = scenario.workloads[w].deferral else { return slices.indices.map { [$0] } }
        if deferral.withinDay { return slices.indices.map { _ in Array(slices.indices) } }
        func gap(_ from: Double, _ to: Double) -> Double {
            let d = (to - from).truncatingRemainder(dividingBy: 24)
            return d < 0 ? d + 24 : d
        }
        return slices.indices.map { s in
            guard let a = slices[s].start else { return [s] }
            return slices.indices.filter { t in
                guard t != s else { return true }
                guard let b = slices[t].start else { return false }
                return max(gap(a, b), gap(a + slices[s].hours, b + slices[t].hours)) <= deferral.maxDelayHours
            }
        }
    }

    /// M_wps' = Σ_{s : s' ∈ R_w(s)} η_s r_wps / η_s' (11.2): the largest rate w is usefully served
    /// at in slice s' of p, r_wps' for a workload that is not deferrable. Every row that bounds
    /// what w is served by a binary (`replicaInUse`, `platformInUse`, `poolInUse`, `commitOnly`)
    /// uses it. `rates` are r_w·, `reach` R_w.
    static func servableRate(_ scenario: Scenario, rates: [Double], reach: [[Int]], period p: Int, slice target: Int) -> Double {
        let slices = scenario.timeSlices, count = slices.count
        // Served only where demanded (not deferrable, or nothing reaches s'): r itself, bit for bit.
        guard reach.count == count, reach.indices.contains(where: { $0 != target && reach[$0].contains(target) }) else {
            return rates[p * count + target]
        }
        var sum = 0.0
        for s in 0..<count where reach[s].contains(target) { sum += slices[s].hours * rates[p * count + s] }
        return sum / slices[target].hours
    }

    func servableRate(workload w: Int, period p: Int, slice s: Int) -> Double {
        Self.servableRate(scenario, rates: demandRate[w], reach: reaches[w], period: p, slice: s)
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
    ///     replicas          8 P S per option with a replica size (ρ in replicaCapacity and the
    ///                       capacity row, z and ρ in minimumReplicas, z in replicaInUse, x there
    ///                       and in replicaCapacity; x and ρ in replicaRounding on whole units)
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
    /// Section 11: a workload deferrable within the day moves its x, y, u from demand rows to
    /// its `dailyDemand` rows (no more entries); one with a window shorter than a day adds
    /// 2 P S² at most (each flow f in its deferredDemand and deferredService rows), its x, y,
    /// u in the service rows instead of demand rows. An API with a committed-use contract adds
    /// P (6 + 2 S serves_a) (e in commitDiscount, commitOnly, commitMinimum; κ in the latter
    /// two; s in commitMinimum; y in commitDiscount and commitMinimum), and 2 P with fiscal
    /// budgets (e, s in the opex rows). A reserved contract whose price moves puts its starts
    /// in the opex rows instead of m (P min(T_o, P) more with fiscal budgets). Spot rentals count
    /// like on-demand ones; windows and other price factors only change coefficients or fix
    /// columns.
    ///
    /// Serving options (section 9): a given throughput is one option (and one replica option
    /// when the pair has a replica size; every replica size counts, served or not), and each
    /// derived option of a workload without a given throughput is one more.
    public static func nonzeroUpperBound(periods: Int, slices: Int, workloads: Int, offerings: [Offering], unservedPriced: Bool,
                                         fiscalBudgets: Bool = false, jobs: [TrainingJob] = [], deferrals: [Deferral?] = []) -> Double {
        let p = Double(periods), ps = Double(periods * slices)
        var total = unservedPriced ? ps * Double(workloads) : 0
        total += Double(deferrals.filter { $0.map { !$0.withinDay } ?? false }.count) * 2 * ps * Double(slices)
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
            total += 8 * ps * Double(replicaPairs)
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
                // A contract whose price moves pays its rent on its starts (11.5): each start in
                // the opex rows of the years its term meets.
                if fiscalBudgets, hasContract(rental), rental.priceChange != nil { total += p * Double(min(rental.termPeriods, periods)) }
                features(pairs: pairs, replicaPairs: replicaPairs, spare: rental.spareUnits, platform: rental.platform)
            case .api(let api):
                total += (fiscalBudgets ? 3 : 2) * ps * Double(api.serves.count)
                if api.committedUse != nil { total += p * (6 + 2 * Double(slices * api.serves.count) + (fiscalBudgets ? 2 : 0)) }
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
        builder.addDeferralVariables()
        builder.addReplicaVariables()
        builder.addPlatformVariables()
        builder.addPoolInUseVariables()
        builder.addJobVariables()
        builder.addCommitmentVariables()
        builder.addFleetConstraints()
        builder.addContractConstraints()
        builder.addDemandConstraints()
        builder.addOwnedCapacityConstraints()
        builder.addRentedCapacityConstraints()
        builder.addReplicaCapacityConstraints()
        builder.addMinimumReplicasConstraints()
        builder.addReplicaRoundingConstraints()
        builder.addPoolInUseConstraints()
        builder.addPlatformInUseConstraints()
        builder.addPlatformAdoptionConstraints()
        builder.addAPIRateLimitConstraints()
        builder.addCommitmentConstraints()
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
            // [offering, workload, option] (section 9: per serving option; 0 for an API), the
            // price per token in each period (nil where the option is unavailable, 11.5), whether
            // it is an unlimited anchor, and whether it may be left out at all.
            var options: [(pair: [Int]?, price: [Double?], unlimited: Bool, reducible: Bool)] = []
            for (o, offering) in scenario.offerings.enumerated() {
                switch offering {
                case .api(let api) where api.serves.contains(workload.id):
                    if api.batch && workload.deferral?.withinDay != true { continue }
                    let price = (0..<periods).map { p in isAvailable(offering: o, period: p) ? apiPricePerMTok(offering: o, workload: w, period: p) / 1e6 : nil }
                    // A committed-use API may serve tokens below its minimum spend for nothing
                    // more: never left out. It costs at most its list price per token, so it
                    // may anchor.
                    options.append(([o, w, 0], price, api.maxTokensPerSecond == nil, api.committedUse == nil))
                case .rental(let rental) where rental.commitment == .none || rental.commitment == .spot:
                    let availability = rental.commitment == .spot ? rental.availability : 1
                    for (k, option) in servingOptions(offering: o, workload: workload.id).enumerated() {
                        let fixedCharge = option.acceleratorsPerReplica != nil || rental.spareUnits > 0
                            || rental.platform.map(costedPlatforms.contains) == true
                        let price = (0..<periods).map { p -> Double? in
                            guard isAvailable(offering: o, period: p) else { return nil }
                            let perHour = rental.pricePerUnitHour * priceFactor(offering: o, period: p)
                            return perHour / (cap * (1 - rental.failureDerating) * availability * option.tokensPerSecond * 3600)
                        }
                        options.append(([o, w, k], price, rental.maxUnits == nil && !fixedCharge, true))
                    }
                default: continue
                }
            }
            // Unserved demand costs no cash: with an opex budget, moving its tokens to a paid
            // option can break the budget, so it is never dominated then (an anchor still).
            let opexBudget = scenario.budget.fiscalYears.contains { $0.opex != nil }
            if let penalty = scenario.policy.unservedPenaltyPerMTok {
                options.append((nil, [Double?](repeating: penalty / 1e6, count: periods), true, true))
            }
            // Per period the cheapest unlimited option available then (prices and windows move,
            // 11.5); an option is left out when it costs strictly more than that in every
            // period it is available: its tokens can move to each period's anchor.
            let cheapest = (0..<periods).map { p in options.filter(\.unlimited).compactMap { $0.price[p] }.min() }
            for option in options where option.reducible {
                let dominated = (0..<periods).allSatisfy { p in
                    guard let price = option.price[p] else { return true }
                    guard let anchor = cheapest[p] else { return false }
                    return price > anchor
                }
                guard dominated, option.price.contains(where: { $0 != nil }) else { continue }
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

    /// r_wps = D_wp σ_ws / (d η_s 3600), tokens/s, σ_ws the workload's share of slice s (11.1:
    /// its `profile`, else the slice's share).
    mutating func computeDemandRates() {
        demandRate = Self.demandRates(scenario)
    }

    /// r_wps of every workload of `scenario`, `[w][p·S + s]`.
    static func demandRates(_ scenario: Scenario) -> [[Double]] {
        let periods = scenario.horizon.periods, slices = scenario.timeSlices.count, days = scenario.horizon.daysPerPeriod
        return scenario.workloads.enumerated().map { w, workload in
            var rates = [Double](repeating: 0, count: periods * slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    rates[p * slices + s] = workload.demand[p] * scenario.share(ofWorkload: w, slice: s) / (days * slice.hours * 3600)
                }
            }
            return rates
        }
    }

    // MARK: Variables

    /// b_oq (arrivals) and n_op (units in service) with their costs.
    ///
    /// - n_op carries energy and fixed opex: δ_p (k_o · pue · h · ε + g_o), existing units included.
    /// - amortized: b_oq carries Σ_{p=q}^{min(q+L_o−1, P)} δ_p f_oq c_o / L_o (its capex while in service);
    /// - cash: b_oq carries δ_q f_oq c_o − δ_{P+1} f_oq c_o · max(0, q + L_o − 1 − P) / L_o (price less salvage);
    ///
    /// f_oq the price factor of the arrival period (11.5). Arrivals only for q0_o ≤ q ≤ q1_o
    /// (`availableUntil`), F_oq ≤ b_oq ≤ F_oq + U_o with orders in flight F_oq (13.1); a period
    /// outside that window where an order in flight arrives (or one between it and the window)
    /// has its column too, fixed at F_oq (no new order can arrive then), priced alike.
    mutating func addPurchaseVariables() {
        let site = scenario.site
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .purchase(let purchase) = offering else { continue }
            // New units may arrive in openFirst...openLast (empty when openFirst > openLast).
            let openFirst = min(purchase.firstArrivalIndex, periods)
            let openLast = min(periods - 1, purchase.availableUntilIndex ?? periods - 1)
            let inFlight = purchase.ordersInFlight.keys.filter { (0..<periods).contains($0) }
            let first = inFlight.isEmpty ? openFirst : min(openFirst, inFlight.min()!)
            let last = inFlight.isEmpty ? openLast : max(openLast, inFlight.max()!)
            let start: Int? = first <= last ? lp.variableCount : nil
            let life = purchase.lifetimePeriods
            for q in first..<max(first, last + 1) {
                let price = purchase.unitPrice * priceFactor(offering: o, period: q)
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
                let ordered = purchase.unitsInFlight(arrivingIn: q)
                lp.addVariable(
                    name: name("b", purchase.id, labels[q]), lowerBound: ordered,
                    upperBound: q >= openFirst && q <= openLast ? purchase.maxUnitsPerPeriod.map { $0 + ordered } : ordered,
                    kind: integer ? .integer : .continuous, objective: cost)
            }
            index.arrivals.append(ArrivalBlock(firstPeriod: first, start: start, lastPeriod: last))
            let running = purchase.powerKW * site.pue * hours * site.electricityPricePerKWh + purchase.opexPerUnitPeriod
            index.inService.append(PeriodBlock(start: lp.variableCount))
            // Exact strengthening: n_op = E_op + Σ b_oq (the fleet row) is a whole number in
            // every whole-unit plan when the existing units are, so declaring it integer removes
            // no plan, and it lets branch-and-cut branch and cut on the fleet itself (the MIP
            // corpus of docs/benchmarks.md: up to 7x faster on the hard instances). Not for
            // fleets that could reach millions of units: integrality there is below GLPK's
            // tolerances and only slows the search (demand growing 100x a period stalled).
            // e_op never grows (cohorts only leave), so the first period's is the largest.
            let wholeFleet = integer && options.wholeFleet
                && (0..<periods).allSatisfy { purchase.existingUnits(inPeriod: $0) == purchase.existingUnits(inPeriod: $0).rounded() }
                && purchase.existingUnitsAtStart + unitsToServeAll(purchase) <= Self.wholeFleetUnits
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

    /// Σ_w max_{p,s} M_wps / (U min_k τ_owk): more units of `purchase` than this serve nothing
    /// more (serving all of w at its slowest option takes the most units).
    func unitsToServeAll(_ purchase: PurchaseOffering) -> Double {
        let cap = scenario.policy.utilizationCap
        var units = 0.0
        for (w, workload) in scenario.workloads.enumerated() {
            guard let tau = Self.servingOptions(.purchase(purchase), workload: workload.id).map(\.tokensPerSecond).min() else { continue }
            var largest = 0.0
            for p in 0..<periods {
                for s in 0..<slices { largest = max(largest, servableRate(workload: w, period: p, slice: s)) }
            }
            units += largest / (cap * tau)
        }
        return units
    }

    /// m_op of a reserved contract (8.1) is continuous and free: the `contract` rows define it
    /// from the starts v_oq, which carry the integrality and the whole contract's cost.
    /// Prices are π_o f_op (11.5). Outside the rental's availability window a one-period m_op
    /// and the on-demand and spot m_ops are fixed at 0 (a contract's m_op is not: a contract
    /// started inside the window runs its term; its starts are fixed instead).
    mutating func addRentalVariables() {
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .rental(let rental) = offering else { continue }
            switch rental.commitment {
            case .period:
                index.reservedUnits.append(PeriodBlock(start: lp.variableCount))
                index.onDemandUnits.append(nil)
                let contract = buildsContract(rental)
                for p in 0..<periods {
                    let open = contract || isAvailable(offering: o, period: p)
                    // One-period form: m_op ≥ C_op, contracts in term held also outside the window
                    // (13.1); the contract form puts C_op in its `contract` row instead.
                    let held = contract ? 0 : rental.unitsInTerm(inPeriod: p)
                    lp.addVariable(
                        name: name("m", rental.id, labels[p]), lowerBound: held, upperBound: open ? rental.maxUnits : held,
                        kind: integer && !contract ? .integer : .continuous,
                        objective: contract ? 0 : discount[p] * (rental.pricePerUnitHour * priceFactor(offering: o, period: p)) * hours)
                }
            case .none, .spot:
                index.reservedUnits.append(nil)
                index.onDemandUnits.append(PeriodSliceBlock(start: lp.variableCount, slices: slices))
                for p in 0..<periods {
                    let open = isAvailable(offering: o, period: p), price = rental.pricePerUnitHour * priceFactor(offering: o, period: p)
                    for slice in scenario.timeSlices {
                        lp.addVariable(
                            name: name("m", rental.id, labels[p], slice.name), lowerBound: 0, upperBound: open ? rental.maxUnits : 0,
                            objective: discount[p] * price * days * slice.hours)
                    }
                }
            }
        }
    }

    /// v_oq: contract starts of the reserved rentals with a term T_o > 1 or an upfront fee f_o
    /// (8.1), integer with whole units, at most maxUnits. A start pays its whole contract,
    /// the periods beyond the horizon included (a liability, never credited):
    ///
    ///     cost(v_oq) = f_oq (f_o δ_q + π_o h Σ_{p=q}^{q+T_o−1} δ_p)
    ///
    /// priced at the start's factor f_oq for the whole term, the fee too (11.5); starts outside
    /// the rental's availability window are fixed at 0.
    mutating func addContractStartVariables() {
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .rental(let rental) = offering else { continue }
            guard buildsContract(rental) else {
                index.contractStarts.append(nil)
                continue
            }
            index.contractStarts.append(PeriodBlock(start: lp.variableCount))
            for q in 0..<periods {
                var term = 0.0
                for p in q..<(q + rental.termPeriods) { term += discountFactor(p) }
                var cost = rental.upfrontPerUnit * discount[q] + rental.pricePerUnitHour * hours * term
                if rental.priceChange != nil { cost *= priceFactor(offering: o, period: q) }
                lp.addVariable(
                    name: name("v", rental.id, labels[q]), lowerBound: 0,
                    upperBound: isAvailable(offering: o, period: q) ? rental.maxUnits : 0,
                    kind: integer ? .integer : .continuous, objective: cost)
            }
        }
    }

    /// x_owkps for the serving options of purchases and rentals (no cost of their own; section
    /// 9: one per given throughput, one per derived precision) and y_awps for APIs
    /// (δ_p d η_s 3600 ψ_awp, ψ_awp = f_ap ((1 − φ_w)((1 − κ_w) in_a + κ_w c̃_a) + φ_w out_a) / 10^6,
    /// 11.4 and 11.5), fixed at 0 in periods outside the API's window. A batch API serves only
    /// workloads deferrable within the day (11.3; validation refuses the rest, this is defensive).
    mutating func addServingVariables() {
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
                if api.batch && workload.deferral?.withinDay != true { continue }
                let block = PeriodSliceBlock(start: lp.variableCount, slices: slices)
                for p in 0..<periods {
                    let pricePerMTok = apiPricePerMTok(offering: o, workload: w, period: p)
                    let open = isAvailable(offering: o, period: p)
                    for slice in scenario.timeSlices {
                        let seconds = days * slice.hours * 3600
                        lp.addVariable(
                            name: name("y", api.id, workload.id, labels[p], slice.name), lowerBound: 0, upperBound: open ? nil : 0,
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

    /// f_wpss' ≥ 0 (no cost of its own) for every deferrable workload with a window shorter
    /// than a day, s' ∈ R_w(s) (11.2); a workload deferrable within the day gets its block
    /// (its `dailyDemand` rows) and no column: the day form eliminates f.
    mutating func addDeferralVariables() {
        for (w, workload) in scenario.workloads.enumerated() {
            guard let deferral = workload.deferral else { continue }
            let reach = reaches[w]
            guard !deferral.withinDay else {
                index.deferrals.append(DeferralBlock(workload: w, reach: reach, flowStart: nil))
                continue
            }
            index.deferrals.append(DeferralBlock(workload: w, reach: reach, flowStart: lp.variableCount))
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    for t in reach[s] {
                        lp.addVariable(name: name("defer", workload.id, labels[p], slice.name, scenario.timeSlices[t].name), lowerBound: 0)
                    }
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
            let unitsPerReplica = Double(accelerators) / Double(size.perUnit)
            index.replicaPairs.append(ReplicaPair(
                offering: pair.offering, workload: pair.workload, precision: pair.precision, servingPair: k,
                unitsPerReplica: unitsPerReplica,
                servedPerReplica: scenario.policy.utilizationCap * unitsPerReplica * pair.throughput!,
                minimum: workload.minReplicas, replicas: replicas, inUse: inUse))
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
            let adoptedBefore = scenario.adoptedBeforeHorizon(platform: platform.id)
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

    /// κ_a ∈ {0, 1} (binary with `--relax` too: an on/off decision, like z of 8.2), and per
    /// period p of the API's window e_ap ≥ 0 (discount earned, objective −δ_p e_ap) and
    /// s_ap ≥ 0 (shortfall below the minimum spend, +δ_p s_ap), for every API with a
    /// committed-use contract and a window meeting the horizon (11.5). κ_a costs nothing itself.
    mutating func addCommitmentVariables() {
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .api(let api) = offering, api.committedUse != nil else { continue }
            let open = (0..<periods).filter { isAvailable(offering: o, period: $0) }
            guard let first = open.first, let last = open.last else { continue }
            // A contract signed before the horizon is taken: κ_a = 1 (13.1), an integer column
            // fixed at 1 (a binary one would have its bounds reset to [0, 1]).
            let signed = api.committedUse?.signed == true
            let taken = lp.addVariable(name: name("commit", api.id), lowerBound: signed ? 1 : 0, upperBound: 1, kind: signed ? .integer : .binary)
            let discountStart = lp.variableCount
            for p in first...last { lp.addVariable(name: name("commitDiscount", api.id, labels[p]), lowerBound: 0, objective: -discount[p]) }
            let shortfallStart = lp.variableCount
            for p in first...last { lp.addVariable(name: name("commitShortfall", api.id, labels[p]), lowerBound: 0, objective: discount[p]) }
            index.commitments.append(CommitmentBlock(
                offering: o, taken: taken, periods: first..<(last + 1), discountStart: discountStart, shortfallStart: shortfallStart))
        }
    }

    // MARK: Constraint families

    /// `fleet[o,p]`:  n_op − Σ_{q = max(q0_o, p − L_o + 1)}^{p} b_oq = e_op, e_op the owned
    /// cohorts still in service (13.1); q0_o is the first arrival column (an order in flight may
    /// come before the lead time).
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
                        guard let b = arrivals.variable(q) else { continue }
                        variables.append(b)
                        coefficients.append(-1)
                    }
                }
                lp.addConstraint(name: name("fleet", purchase.id, labels[p]), variables: variables, coefficients: coefficients,
                                 .equal(purchase.existingUnits(inPeriod: p)))
            }
        }
    }

    /// `contract[o,p]`:  m_op − Σ_{q = max(1, p − T_o + 1)}^{p} v_oq = C_op, for reserved rentals
    /// with contract starts (8.1), C_op the units of contracts carried in still in their term
    /// (13.1). Their rent, Σ_p δ_p π_o f_o1 h C_op, is paid whatever the plan does: a constant
    /// of the objective.
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
                let held = rental.unitsInTerm(inPeriod: p)
                lp.addConstraint(name: name("contract", rental.id, labels[p]), variables: variables, coefficients: coefficients, .equal(held))
                lp.objectiveConstant += discount[p] * rental.pricePerUnitHour * CapPlanKit.priceFactor(rental.priceChange, period: 0, horizon: scenario.horizon) * hours * held
            }
        }
    }

    /// With X_wps = Σ_{(o,k)} x_owkps + Σ_a y_awps + u_wps (every serving option of w):
    ///
    ///     demand[w,p,s]:            X_wps ≥ r_wps                                      (not deferrable)
    ///     dailyDemand[w,p]:         Σ_s η_s X_wps ≥ Σ_s η_s r_wps                      (deferrable, H ≥ 24)
    ///     deferredDemand[w,p,s]:    Σ_{s' ∈ R_w(s)} f_wpss' ≥ r_wps                    (deferrable, H < 24)
    ///     deferredService[w,p,s']:  Σ_{s : s' ∈ R_w(s)} η_s f_wpss' − η_s' X_wps' ≤ 0  (deferrable, H < 24)
    ///
    /// (11.2; the rows of a workload together, in that order.)
    mutating func addDemandConstraints() {
        let deferral = Dictionary(uniqueKeysWithValues: index.deferrals.indices.map { (index.deferrals[$0].workload, $0) })
        // (row, coefficient) holding X_wps of workload w in period p, slice s.
        var served: [[(Constraint, Double)]] = []
        for (w, workload) in scenario.workloads.enumerated() {
            guard let d = deferral[w] else {
                let rows = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
                index.demandRows.append(rows)
                for p in 0..<periods {
                    for (s, slice) in scenario.timeSlices.enumerated() {
                        lp.addConstraint(
                            name: name("demand", workload.id, labels[p], slice.name), variables: [], coefficients: [],
                            .greaterOrEqual(demandRate[w][p * slices + s]))
                    }
                }
                served.append((0..<periods * slices).map { (rows.constraint($0 / slices, $0 % slices), 1) })
                continue
            }
            index.demandRows.append(nil)
            let block = index.deferrals[d]
            if block.flowStart == nil {
                let rows = PeriodBlock(start: lp.constraintCount)
                index.deferrals[d].dailyRows = rows
                for p in 0..<periods {
                    var total = 0.0
                    for (s, slice) in scenario.timeSlices.enumerated() { total += slice.hours * demandRate[w][p * slices + s] }
                    lp.addConstraint(name: name("dailyDemand", workload.id, labels[p]), variables: [], coefficients: [], .greaterOrEqual(total))
                }
                served.append((0..<periods * slices).map { (rows.constraint($0 / slices), scenario.timeSlices[$0 % slices].hours) })
                continue
            }
            let demandRows = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            index.deferrals[d].demandRows = demandRows
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    let targets = block.reach[s]
                    lp.addConstraint(
                        name: name("deferredDemand", workload.id, labels[p], slice.name), variables: targets.map { block.flow(p, s, $0)! },
                        coefficients: targets.map { _ in 1.0 }, .greaterOrEqual(demandRate[w][p * slices + s]))
                }
            }
            let serviceRows = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            index.deferrals[d].serviceRows = serviceRows
            for p in 0..<periods {
                for (t, slice) in scenario.timeSlices.enumerated() {
                    let sources = (0..<slices).filter { block.reach[$0].contains(t) }
                    lp.addConstraint(
                        name: name("deferredService", workload.id, labels[p], slice.name), variables: sources.map { block.flow(p, $0, t)! },
                        coefficients: sources.map { scenario.timeSlices[$0].hours }, .lessOrEqual(0))
                }
            }
            served.append((0..<periods * slices).map { (serviceRows.constraint($0 / slices, $0 % slices), -scenario.timeSlices[$0 % slices].hours) })
        }
        for pair in index.servingPairs {
            let rows = served[pair.workload]
            for k in 0..<periods * slices { lp.addTerm(rows[k].0, pair.columns.variable(k / slices, k % slices), rows[k].1) }
        }
        for (w, block) in index.unserved.enumerated() {
            guard let block else { continue }
            let rows = served[w]
            for k in 0..<periods * slices { lp.addTerm(rows[k].0, block.variable(k / slices, k % slices), rows[k].1) }
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

    /// `rentedCapacity[o,p,s]`:  load_ops − U (1 − d_o) α_o units + U (1 − d_o) k_o y_op ≤ 0, units
    /// m_op (reserved) or m_ops (on demand and spot); α_o the availability of a spot rental
    /// (11.3: only that share of the hours rented does work), 1 otherwise.
    mutating func addRentedCapacityConstraints() {
        let cap = scenario.policy.utilizationCap
        var k = 0
        for (o, offering) in scenario.offerings.enumerated() {
            guard case .rental(let rental) = offering else { continue }
            let availability = rental.commitment == .spot ? rental.availability : 1
            let block = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    let units = index.reservedUnits[k]?.variable(p) ?? index.onDemandUnits[k]!.variable(p, s)
                    lp.addConstraint(
                        name: name("rentedCapacity", rental.id, labels[p], slice.name),
                        variables: [units], coefficients: [-cap * (1 - rental.failureDerating) * availability], .lessOrEqual(0))
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
        for r in index.replicaPairs.indices {
            let replica = index.replicaPairs[r], pair = index.servingPairs[replica.servingPair]
            let offering = scenario.offerings[replica.offering].id, workload = optionName(pair)
            index.replicaPairs[r].capacityRows = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    lp.addConstraint(
                        name: name("replicaCapacity", offering, workload, labels[p], slice.name),
                        variables: [pair.columns.variable(p, s), replica.replicas.variable(p, s)],
                        coefficients: [1, -replica.servedPerReplica], .lessOrEqual(0))
                }
            }
        }
    }

    /// `minimumReplicas[o,w,p,s]`:  ρ_owkps − μ_w z_owkps ≥ 0, and `replicaInUse[o,w,p,s]`:
    /// x_owkps − M_wps z_owkps ≤ 0, where z exists: μ_w per option that serves (section 9).
    /// (x ≤ M loses no optimum: serving beyond the servable rate is never needed; M = r for a
    /// workload that is not deferrable, 11.2.)
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
                        coefficients: [1, -servableRate(workload: replica.workload, period: p, slice: s)], .lessOrEqual(0))
                }
            }
        }
    }

    /// `replicaRounding[o,w,p,s]`:  x_owkps − ϱ ρ_owkps ≤ q (C − ϱ), where ρ is integer (whole-unit
    /// pools), with C = U ν_owk τ_owk (what one replica serves), q = ⌊M_wps / C⌋ and
    /// ϱ = M_wps − q C (`replicaRounding(servable:perReplica:)`). Exact: every integer point with
    /// x ≤ min(C ρ, M) satisfies it (ρ ≤ q: x ≤ C ρ ≤ q C + ϱ (ρ − q); ρ ≥ q + 1: x ≤ M ≤ the
    /// same), and x ≤ M loses no optimum (`addMinimumReplicasConstraints`). The relaxation then
    /// pays the last, partly used replica in full where one offering serves the whole rate.
    mutating func addReplicaRoundingConstraints() {
        guard integer, options.replicaRounding else { return }
        for r in index.replicaPairs.indices {
            let replica = index.replicaPairs[r], pair = index.servingPairs[replica.servingPair]
            guard replicaPool(offering: replica.offering).whole else { continue }
            let offering = scenario.offerings[replica.offering].id, workload = optionName(pair)
            index.replicaPairs[r].roundingRows = PeriodSliceBlock(start: lp.constraintCount, slices: slices)
            for p in 0..<periods {
                for (s, slice) in scenario.timeSlices.enumerated() {
                    let row = Self.replicaRounding(
                        servable: servableRate(workload: replica.workload, period: p, slice: s), perReplica: replica.servedPerReplica)
                    lp.addConstraint(
                        name: name("replicaRounding", offering, workload, labels[p], slice.name),
                        variables: [pair.columns.variable(p, s), replica.replicas.variable(p, s)],
                        coefficients: [1, -row.remainder], .lessOrEqual(row.bound))
                }
            }
        }
    }

    /// The most whole replicas q a `replicaRounding` row is built for: beyond, the last replica
    /// is at most 1/q of the rate (below the default gap) and only the row's magnitudes grow.
    /// There the row is `replicaCapacity` again (ϱ = C).
    static let replicaRoundingMostReplicas = 10_000.0

    /// ϱ and q (C − ϱ) of `replicaRounding` for a servable rate M and a replica's rate C:
    /// ϱ ∈ [0, C] whatever the round-off in ⌊M / C⌋ (the row is valid for any such ϱ with q C ≤ M
    /// ≤ q C + ϱ, up to the round-off of M).
    static func replicaRounding(servable: Double, perReplica: Double) -> (remainder: Double, bound: Double) {
        guard perReplica > 0, servable > 0 else { return (0, 0) }
        let whole = (servable / perReplica).rounded(.down)
        guard whole <= replicaRoundingMostReplicas else { return (perReplica, 0) }
        let remainder = min(perReplica, max(0, servable - whole * perReplica))
        return (remainder, whole * (perReplica - remainder))
    }

    /// `poolInUse[o,p,s]`:  Σ_{(w,k)} x_owkps − (Σ_w M_wps) y_op ≤ 0, for pools with spare units
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
                    let rate = workloads.reduce(0.0) { $0 + servableRate(workload: $1, period: p, slice: s) }
                    lp.addConstraint(
                        name: name("poolInUse", scenario.offerings[pool.offering].id, labels[p], slice.name),
                        variables: pairs.map { $0.columns.variable(p, s) } + [pool.inUse.variable(p)],
                        coefficients: pairs.map { _ in 1.0 } + [-rate], .lessOrEqual(0))
                }
            }
        }
    }

    /// `platformInUse[k,w,p,s]`:  Σ_{(o,w,k') : k(o) = k} x_owk'ps − M_wps u_kp ≤ 0, for each
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
                            coefficients: pairs.map { _ in 1.0 } + [-servableRate(workload: w, period: p, slice: s)], .lessOrEqual(0))
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

    /// For every API with a committed-use contract (11.5), per period p of its window, with
    /// listSpend_ap = Σ_w Σ_s d η_s 3600 ψ_awp y_awps:
    ///
    ///     commitDiscount[a,p]:  e_ap − δ_a listSpend_ap ≤ 0
    ///     commitOnly[a,p]:      e_ap − δ_a B_ap κ_a ≤ 0,   B_ap = Σ_w Σ_s d η_s 3600 ψ_awp min(M_wps, λ_a)
    ///     commitMinimum[a,p]:   S_a κ_a − listSpend_ap + e_ap − s_ap ≤ 0
    ///
    /// (δ_a the contract's discount, S_a its minimum spend, λ_a the rate limit or ∞). At an
    /// optimum the API costs max(S_a, (1 − δ_a) listSpend_ap) in p with κ_a = 1, listSpend_ap
    /// without: B_ap bounds the list spend, so commitOnly binds only when κ_a = 0.
    mutating func addCommitmentConstraints() {
        for k in index.commitments.indices {
            let block = index.commitments[k]
            guard case .api(let api) = scenario.offerings[block.offering], let contract = api.committedUse else { continue }
            let pairs = index.servingPairs.filter { $0.offering == block.offering }
            /// (y_awps, d η_s 3600 ψ_awp) of period p: the list spend's terms.
            func spend(_ p: Int) -> [(Variable, Double)] {
                pairs.flatMap { pair in
                    let price = apiPricePerMTok(offering: block.offering, workload: pair.workload, period: p)
                    return scenario.timeSlices.enumerated().map { s, slice in (pair.columns.variable(p, s), days * slice.hours * 3600 / 1e6 * price) }
                }
            }
            index.commitments[k].discountRows = lp.constraintCount
            for p in block.periods {
                let terms = spend(p)
                lp.addConstraint(
                    name: name("commitDiscount", api.id, labels[p]), variables: [block.discount(p)] + terms.map(\.0),
                    coefficients: [1] + terms.map { -contract.discount * $0.1 }, .lessOrEqual(0))
            }
            index.commitments[k].onlyRows = lp.constraintCount
            for p in block.periods {
                var bound = 0.0
                for pair in pairs {
                    let price = apiPricePerMTok(offering: block.offering, workload: pair.workload, period: p)
                    for (s, slice) in scenario.timeSlices.enumerated() {
                        let rate = min(servableRate(workload: pair.workload, period: p, slice: s), api.maxTokensPerSecond ?? .infinity)
                        bound += days * slice.hours * 3600 / 1e6 * price * rate
                    }
                }
                lp.addConstraint(
                    name: name("commitOnly", api.id, labels[p]), variables: [block.discount(p), block.taken],
                    coefficients: [1, -contract.discount * bound], .lessOrEqual(0))
            }
            index.commitments[k].minimumRows = lp.constraintCount
            for p in block.periods {
                let terms = spend(p)
                lp.addConstraint(
                    name: name("commitMinimum", api.id, labels[p]),
                    variables: [block.taken] + terms.map(\.0) + [block.discount(p), block.shortfall(p)],
                    coefficients: [contract.minSpendPerPeriod] + terms.map { -$0.1 } + [1, -1], .lessOrEqual(0))
            }
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

    /// `capitalBudget[p]`:  Σ_o f_op c_o b_op ≤ C_p (cash for units arriving in p, at p's price, 11.5).
    mutating func addCapitalBudgetConstraints() {
        guard let budgets = scenario.budget.capexPerPeriod else { return }
        index.capitalBudgetRows = PeriodBlock(start: lp.constraintCount)
        for p in 0..<periods {
            var variables: [Variable] = [], coefficients: [Double] = []
            for (k, purchase) in purchases.enumerated() {
                if let b = index.arrivals[k].variable(p), purchase.unitPrice > 0 {
                    variables.append(b)
                    coefficients.append(purchase.unitPrice * CapPlanKit.priceFactor(purchase.priceChange, period: p, horizon: scenario.horizon))
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
    ///     Σ_o Σ_q f_oq c_o b_oq (φ_o [FY(q − ℓ_o) = f] + (1 − φ_o) [FY(q + ⌊D_o / d⌋) = f]) ≤ Capex_f
    ///
    /// (f_oq the arrival period's price factor, deposit and balance alike, 11.5);
    /// deposit φ_o paid in the order period q − ℓ_o, balance D_o days after the start of the
    /// arrival period q (`FinanceComputation.balanceDelayPeriods`, the cash flow's rule);
    /// undiscounted cash, whatever the capex accounting of the objective. Units in flight F_oq
    /// paid their deposit before the horizon (13.1): φ_o f_oq c_o F_oq [FY(q − ℓ_o) = f] moves to
    /// the right-hand side.
    mutating func addFiscalCapexConstraints() {
        let days = scenario.horizon.daysPerPeriod
        for budget in scenario.budget.fiscalYears {
            guard var cap = budget.capex else { continue }
            var coefficient: [Int: Double] = [:]
            for (k, purchase) in purchases.enumerated() where purchase.unitPrice > 0 {
                let delay = FinanceComputation.balanceDelayPeriods(days: purchase.balanceDaysAfterDelivery, daysPerPeriod: days)
                for q in index.arrivals[k].firstPeriod..<periods {
                    guard let b = index.arrivals[k].variable(q) else { continue }
                    let price = purchase.unitPrice * CapPlanKit.priceFactor(purchase.priceChange, period: q, horizon: scenario.horizon)
                    var share = 0.0
                    if fiscalYear(ofPeriod: q - purchase.leadTimePeriods) == budget.year {
                        share += purchase.depositFraction
                        let ordered = purchase.unitsInFlight(arrivingIn: q)
                        if ordered > 0 { cap += price * purchase.depositFraction * ordered }
                    }
                    if fiscalYear(ofPeriod: q + delay) == budget.year { share += 1 - purchase.depositFraction }
                    if share > 0 { coefficient[b.index, default: 0] += price * share }
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
    ///               + Σ_a (Σ_w Σ_s d η_s 3600 ψ_awp y_awps − e_ap + s_ap)
    ///               + Σ_k (Y_k h / 8760 · u_kp + A_k α_kp) ) ≤ Opex_f
    ///
    /// with every price at its period's factor f_op (a contract's rent at its start's, on the
    /// starts v_oq, when its price moves), ψ_awp with caching (11.4), and the committed-use
    /// discounts and shortfalls (11.5).
    ///
    /// Every cost is on a column (existing units are in n_op), so the right-hand side is the
    /// budget itself, less the rent of contracts carried in where it is a constant (13.1: the
    /// contract form with moving prices, whose rent sits on the starts). Rent falling due past the horizon is not in any row: it is a commitment,
    /// like in the plan's cash flow by fiscal year, kept apart.
    mutating func addFiscalOpexConstraints() {
        let site = scenario.site
        for budget in scenario.budget.fiscalYears {
            guard var cap = budget.opex else { continue }
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
                let horizon = scenario.horizon
                let factor = { (p: Int) in CapPlanKit.priceFactor(rental.priceChange, period: p, horizon: horizon) }
                if let units = index.reservedUnits[k] {
                    if let starts = index.contractStarts[k], rental.priceChange != nil {
                        // A contract is priced at its start's factor for its whole term (11.5),
                        // so the rent of p sits on the starts still in their term, not on m_op.
                        var rent: [Int: Double] = [:]
                        for p in inYear {
                            for q in max(0, p - rental.termPeriods + 1)...p { rent[q, default: 0] += rental.pricePerUnitHour * factor(q) * hours }
                            rent[p, default: 0] += rental.upfrontPerUnit * factor(p)
                        }
                        for q in rent.keys.sorted() { add(starts.variable(q), rent[q]!) }
                        for p in inYear where rental.unitsInTerm(inPeriod: p) > 0 {
                            cap -= rental.pricePerUnitHour * factor(0) * hours * rental.unitsInTerm(inPeriod: p)
                        }
                    } else {
                        for p in inYear { add(units.variable(p), rental.pricePerUnitHour * factor(p) * hours) }
                        if let starts = index.contractStarts[k] {
                            for p in inYear { add(starts.variable(p), rental.upfrontPerUnit) }
                        }
                    }
                } else if let units = index.onDemandUnits[k] {
                    for p in inYear {
                        for (s, slice) in scenario.timeSlices.enumerated() {
                            add(units.variable(p, s), rental.pricePerUnitHour * factor(p) * days * slice.hours)
                        }
                    }
                }
            }
            for pair in index.servingPairs where pair.throughput == nil {
                for p in inYear {
                    let pricePerMTok = apiPricePerMTok(offering: pair.offering, workload: pair.workload, period: p)
                    for (s, slice) in scenario.timeSlices.enumerated() {
                        add(pair.columns.variable(p, s), days * slice.hours * 3600 / 1e6 * pricePerMTok)
                    }
                }
            }
            // Committed use (11.5): the API's spend is listSpend − e + s.
            for commitment in index.commitments {
                for p in inYear where commitment.periods.contains(p) {
                    add(commitment.discount(p), -1)
                    add(commitment.shortfall(p), 1)
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
        var rates = demandRate
        rates[w] = rates[w].map { $0 * factor }
        return withDemandRates(rates, scenario: scenario)
    }

    /// The same model for `scenario`, which must be this model's scenario with other demand
    /// D_wp (any workload, any period: a demand case of docs/formulation.md 12.1), with its API
    /// prices still this model's: every place demand enters a coefficient is rewritten
    /// (`withDemandRates`). Scale the API prices afterwards with `withAPIPriceScale`.
    func withDemand(of scenario: Scenario) -> CapacityModel {
        withDemandRates(CapacityModelBuilder.demandRates(scenario), scenario: scenario)
    }

    /// The same model with demand rates `rates` (`demandRate`'s layout) for `scenario`. Demand
    /// enters the built model in the right-hand sides of the demand rows (`demand`,
    /// `dailyDemand`, `deferredDemand`) and, as the serving bound M_wps, in the coefficients of
    /// the binaries of `replicaInUse`, `poolInUse`, `platformInUse` and of κ_a in `commitOnly`
    /// (B_ap), and in ρ's coefficient and the bound of `replicaRounding`; nowhere else but in
    /// whether the fleets n_op are declared integer (exact either way). The rows and columns are those of this model whatever the demand (a zero M keeps
    /// its entry), so the copy has this model's layout and index.
    func withDemandRates(_ rates: [[Double]], scenario: Scenario) -> CapacityModel {
        var lp = self.lp
        let slices = scenario.timeSlices.count
        // API prices are this model's (the scenario passed may scale them: `withAPIPriceScale`).
        let priced = self.scenario
        for w in rates.indices where rates[w] != demandRate[w] {
            let periods = rates[w].count / max(1, slices)
            if let rows = index.demandRows[w] {
                for k in 0..<rates[w].count {
                    lp.setBound(Constraint(index: rows.start + k), .greaterOrEqual(rates[w][k]))
                }
            }
            // A deferrable workload's demand is in its dailyDemand or deferredDemand rows (11.2).
            let deferral = index.deferrals.first { $0.workload == w }
            if let deferral {
                for p in 0..<periods {
                    if let daily = deferral.dailyRows {
                        var total = 0.0
                        for (s, slice) in scenario.timeSlices.enumerated() { total += slice.hours * rates[w][p * slices + s] }
                        lp.setBound(daily.constraint(p), .greaterOrEqual(total))
                    }
                    if let demandRows = deferral.demandRows {
                        for s in 0..<slices { lp.setBound(demandRows.constraint(p, s), .greaterOrEqual(rates[w][p * slices + s])) }
                    }
                }
            }
            // M_wps (r_wps unless w is deferrable) is also the coefficient of the binaries in
            // replicaInUse, poolInUse and platformInUse: entries are summed, so adding the
            // difference rescales them. commitOnly's B_ap holds min(M_wps, λ_a): its difference too.
            let reach = deferral?.reach ?? (0..<slices).map { [$0] }
            func servable(_ r: [Double], _ p: Int, _ s: Int) -> Double {
                CapacityModelBuilder.servableRate(scenario, rates: r, reach: reach, period: p, slice: s)
            }
            let replicas = index.replicaPairs.filter { $0.workload == w }
            let pools = index.poolsInUse.filter { pool in index.servingPairs.contains { $0.offering == pool.offering && $0.workload == w } }
            let commitments = index.commitments.filter { commitment in
                index.servingPairs.contains { $0.offering == commitment.offering && $0.workload == w }
            }
            for k in 0..<rates[w].count {
                let p = k / slices, s = k % slices
                let old = servable(demandRate[w], p, s), new = servable(rates[w], p, s), change = new - old
                guard change != 0 else { continue }
                for replica in replicas {
                    if let rows = replica.inUseRows, let inUse = replica.inUse { lp.addTerm(rows.constraint(p, s), inUse.variable(p, s), -change) }
                    // replicaRounding's ϱ and bound are not linear in M: set anew.
                    if let rows = replica.roundingRows {
                        let before = CapacityModelBuilder.replicaRounding(servable: old, perReplica: replica.servedPerReplica)
                        let after = CapacityModelBuilder.replicaRounding(servable: new, perReplica: replica.servedPerReplica)
                        lp.addTerm(rows.constraint(p, s), replica.replicas.variable(p, s), before.remainder - after.remainder)
                        lp.setBound(rows.constraint(p, s), .lessOrEqual(after.bound))
                    }
                }
                for pool in pools {
                    lp.addTerm(pool.rows!.constraint(p, s), pool.inUse.variable(p), -change)
                }
                for platform in index.platforms {
                    if let rows = platform.inUseRows[w] { lp.addTerm(rows.constraint(p, s), platform.inUse.variable(p), -change) }
                }
                for commitment in commitments where commitment.periods.contains(p) {
                    guard case .api(let api) = priced.offerings[commitment.offering], let contract = api.committedUse,
                          let row = commitment.onlyRow(p) else { continue }
                    let limit = api.maxTokensPerSecond ?? .infinity
                    let price = CapacityModelBuilder.apiPricePerMTok(api, workload: priced.workloads[w])
                        * CapPlanKit.priceFactor(api.priceChange, period: p, horizon: priced.horizon)
                    let seconds = priced.horizon.daysPerPeriod * priced.timeSlices[s].hours * 3600
                    let bound = seconds / 1e6 * price * (min(new, limit) - min(old, limit))
                    lp.addTerm(row, commitment.taken, -contract.discount * bound)
                }
            }
        }
        return CapacityModel(
            lp: lp, index: index, demandRate: rates, discount: discount, reductions: reductions,
            scenario: scenario.withIntegerUnits(self.scenario.policy.integerUnits))
    }

    /// The same model with every API price at `scale` times this model's (a demand case's
    /// `apiPriceScale`, 12.1), for `scenario`, whose API prices must be this model's times
    /// `scale`. An API price ψ_awp enters the model in the objective of y_awps and in the
    /// coefficients of y_awps in `fiscalOpex`, `commitDiscount` and `commitMinimum` (the list
    /// spend), and in B_ap, the coefficient of κ_a in `commitOnly`; all of them are multiplied
    /// (entries are summed, so adding (scale − 1) times each entry scales the coefficient).
    /// Which options the build left out as dearer per token depends on the prices: a model
    /// whose copies scale API prices must be built without reductions (`TwoStagePlanner`).
    func withAPIPriceScale(_ scale: Double, scenario: Scenario) -> CapacityModel {
        var lp = self.lp
        if scale != 1 {
            var apiColumns = Set<Int>()
            for pair in index.servingPairs where pair.throughput == nil {
                for k in 0..<(scenario.horizon.periods * scenario.timeSlices.count) {
                    let column = pair.columns.start + k
                    apiColumns.insert(column)
                    lp.setObjective(Variable(index: column), lp.objectiveCoefficient(of: Variable(index: column)) * scale)
                }
            }
            var spendRows = Set(index.fiscalOpexRows.map(\.row.index))
            var onlyRows = Set<Int>()
            let taken = Set(index.commitments.map(\.taken.index))
            for commitment in index.commitments {
                for p in commitment.periods {
                    if let row = commitment.discountRow(p) { spendRows.insert(row.index) }
                    if let row = commitment.minimumRow(p) { spendRows.insert(row.index) }
                    if let row = commitment.onlyRow(p) { onlyRows.insert(row.index) }
                }
            }
            let rows = lp.entryRows, columns = lp.entryColumns, values = lp.entryValues
            for k in values.indices {
                let row = Int(rows[k]), column = Int(columns[k])
                if (apiColumns.contains(column) && spendRows.contains(row)) || (taken.contains(column) && onlyRows.contains(row)) {
                    lp.addTerm(Constraint(index: row), Variable(index: column), (scale - 1) * values[k])
                }
            }
        }
        return CapacityModel(
            lp: lp, index: index, demandRate: demandRate, discount: discount, reductions: reductions,
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
