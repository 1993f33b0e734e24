// The validated scenario: what the planner, the evaluator and the exporters read.
//
// These types are the contract between input checking (Scenario/ScenarioLoader and
// Scenario/ScenarioValidator) and everything downstream. Every value here has passed
// validation: ids are unique and well formed, every per-period list has exactly
// `horizon.periods` entries, every number is finite and in range, every throughput key and
// `serves` entry names a workload of the scenario, catalog entries (`use:`) are resolved.
// Fields are `var` so that an edit is one assignment; code that edits a validated scenario
// goes through `ScenarioEdit` (or checks `ScenarioRules`), so the result stays valid.

import Foundation

/// The length of one planning period.
public enum PeriodKind: String, Sendable, Codable, CaseIterable {
    case quarter
    case month
    case year

    /// Hours in one period: a quarter is a quarter of 8760 h, a month a twelfth.
    public var hours: Double {
        switch self {
        case .quarter: return 2190
        case .month: return 730
        case .year: return 8760
        }
    }

    /// Periods in a year.
    public var periodsPerYear: Int {
        switch self {
        case .quarter: return 4
        case .month: return 12
        case .year: return 1
        }
    }
}

/// A period label: `2027Q3` (quarter), `2027-03` (month) or `2027` (year).
public struct PeriodLabel: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let kind: PeriodKind
    public let year: Int
    /// Quarter 1...4, month 1...12, or 1 for years.
    public let subperiod: Int

    public init(kind: PeriodKind, year: Int, subperiod: Int) {
        self.kind = kind
        self.year = year
        self.subperiod = subperiod
    }

    /// Parses `YYYYQn`, `YYYY-MM` or `YYYY`; nil when the text is none of these.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for i in range {
                let b = bytes[i]
                guard b >= 48, b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            return value
        }
        guard bytes.count >= 4, let year = digits(0..<4), year >= 1900, year <= 2999 else { return nil }
        if bytes.count == 4 {
            self.init(kind: .year, year: year, subperiod: 1)
        } else if bytes.count == 6, bytes[4] == UInt8(ascii: "Q"), let q = digits(5..<6), (1...4).contains(q) {
            self.init(kind: .quarter, year: year, subperiod: q)
        } else if bytes.count == 7, bytes[4] == UInt8(ascii: "-"), let m = digits(5..<7), (1...12).contains(m) {
            self.init(kind: .month, year: year, subperiod: m)
        } else {
            return nil
        }
    }

    /// Position on a continuous axis of this kind's periods.
    public var ordinal: Int { year * kind.periodsPerYear + (subperiod - 1) }

    /// The label `count` periods later (earlier when negative).
    public func advanced(by count: Int) -> PeriodLabel {
        let n = ordinal + count
        let perYear = kind.periodsPerYear
        let year = n >= 0 ? n / perYear : (n - perYear + 1) / perYear
        return PeriodLabel(kind: kind, year: year, subperiod: n - year * perYear + 1)
    }

    public var description: String {
        switch kind {
        case .quarter: return "\(year)Q\(subperiod)"
        case .month: return subperiod < 10 ? "\(year)-0\(subperiod)" : "\(year)-\(subperiod)"
        case .year: return "\(year)"
        }
    }

    public static func < (lhs: PeriodLabel, rhs: PeriodLabel) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// The planning horizon: `periods` consecutive periods from `start`.
public struct Horizon: Hashable, Sendable {
    public let start: PeriodLabel
    public let periods: Int

    public init(start: PeriodLabel, periods: Int) {
        self.start = start
        self.periods = periods
    }

    public var kind: PeriodKind { start.kind }
    public var hoursPerPeriod: Double { kind.hours }
    public var daysPerPeriod: Double { kind.hours / 24 }
    /// Labels of periods 1...P, in order.
    public var labels: [String] { (0..<periods).map { start.advanced(by: $0).description } }
    /// Zero-based offset of `label` from the start (negative before, `>= periods` after).
    public func offset(of label: PeriodLabel) -> Int { label.ordinal - start.ordinal }
}

/// One slice of the representative day.
public struct TimeSlice: Hashable, Sendable {
    public var name: String
    /// Hours of the day in this slice (η_s); the slices' hours sum to 24.
    public var hours: Double
    /// Fraction of each day's tokens that falls in this slice (σ_s); shares sum to 1. The
    /// default profile of every workload without its own (docs/formulation.md 11.1).
    public var share: Double
    /// a_s: hour of the day (0 <= start < 24) the slice begins, when the scenario places its
    /// slices on the clock (all or none do; they tile the day). Needed by deferrable workloads
    /// with a window shorter than a day (11.2).
    public var start: Double? = nil

    public init(name: String, hours: Double, share: Double, start: Double? = nil) {
        self.name = name
        self.hours = hours
        self.share = share
        self.start = start
    }
}

/// Where the time slices came from when the scenario built them from an hourly load file
/// (`timeSlices: {hourlyProfile: FILE, slices: N}`, docs/formulation.md 11.6).
public struct HourlyProfileSource: Hashable, Sendable {
    /// The CSV path as the scenario wrote it.
    public var file: String
    /// Rows of the file: 24, 168 or 8760.
    public var hours: Int
    /// N: slices built (the scenario's `slices`, or `--slices`).
    public var slices: Int
    /// Per slice (in slice order), the hours of the file pooled into it, in file order.
    public var hoursInSlice: [[Int]]
    /// Per slice, the largest and the mean absolute deviation of the normalised load L_t from
    /// the slice's mean, relative to that mean: how much the slice's average hides.
    public var maxRelativeDeviation: [Double]
    public var meanRelativeDeviation: [Double]

    public init(file: String, hours: Int, slices: Int, hoursInSlice: [[Int]], maxRelativeDeviation: [Double], meanRelativeDeviation: [Double]) {
        self.file = file
        self.hours = hours
        self.slices = slices
        self.hoursInSlice = hoursInSlice
        self.maxRelativeDeviation = maxRelativeDeviation
        self.meanRelativeDeviation = meanRelativeDeviation
    }
}

/// How a deferrable workload may be moved within the day (docs/formulation.md 11.2).
public struct Deferral: Hashable, Sendable {
    /// H: hours a token may wait. 24 (`deferrable: true`) or more: anywhere in the day.
    public var maxDelayHours: Double

    public init(maxDelayHours: Double = 24) { self.maxDelayHours = maxDelayHours }

    /// Whether the window is the whole day (the `dailyDemand` form).
    public var withinDay: Bool { maxDelayHours >= 24 }
}

/// Prompt caching of a workload (docs/formulation.md 11.4).
public struct WorkloadCache: Hashable, Sendable {
    /// κ_w in [0, 1]: share of input tokens that hit a prompt cache.
    public var hitRate: Double
    /// β_w in [0, 1): share of self-hosted serving time spent on prefill of input tokens; 0 (the
    /// default): caching gives self-hosted serving no gain.
    public var prefillShare: Double

    public init(hitRate: Double, prefillShare: Double = 0) {
        self.hitRate = hitRate
        self.prefillShare = prefillShare
    }

    /// τ'/τ = 1 / (1 − κ β): how much cached prefixes raise a self-hosted throughput.
    public var selfHostedSpeedup: Double { 1 / (1 - hitRate * prefillShare) }
}

/// A stream of inference demand.
public struct Workload: Hashable, Sendable {
    public var id: String
    /// Fraction of tokens that are output tokens (φ_w).
    public var outputShare: Double
    /// The catalog model this workload runs, if named.
    public var model: String?
    /// Tokens (input + output) per period, one value per period of the horizon (D_wp).
    public var demand: [Double]
    /// μ_w: replicas that run, at least, wherever the workload is served from an offering that
    /// gives it a replica size (`acceleratorsPerReplica`), >= 1.
    public var minReplicas: Int
    /// How the performance model may serve this workload (`precisions` in the scenario); nil:
    /// throughputs come only from the scenario and the catalog.
    public var serving: WorkloadServing?
    /// σ_ws: the workload's own shares of the day, one per time slice in slice order (`profile`);
    /// nil: the scenario's slice shares. Read through `Scenario.share(ofWorkload:slice:)`.
    public var profile: [Double]? = nil
    /// Deferrable within the day or a window (`deferrable`); nil: served in the slice demanded.
    public var deferral: Deferral? = nil
    /// May run on spot capacity (`interruptible`).
    public var interruptible: Bool = false
    /// Prompt caching (`cache`); nil: no cache hits.
    public var cache: WorkloadCache? = nil

    public init(id: String, outputShare: Double, model: String?, demand: [Double], minReplicas: Int = 1, serving: WorkloadServing? = nil) {
        self.id = id
        self.outputShare = outputShare
        self.model = model
        self.demand = demand
        self.minReplicas = minReplicas
        self.serving = serving
    }
}

/// What the performance model needs to derive a workload's throughput (docs/performance-model.md,
/// "Planning with it"). Present when the workload lists `precisions`; its `model` then names a
/// model of the performance specs (`ModelSpec.all`).
public struct WorkloadServing: Hashable, Sendable {
    /// Precisions the workload may be served at, in scenario order (`bf16`, `fp8`, `int8`,
    /// `fp4`, `int4`); each one that fits is its own serving option, and the planner chooses.
    public var precisions: [Precision]
    /// `interactive` (MLPerf Server-like latency limit) or `batch` (Offline-like).
    public var latency: LatencyClass
    /// Mean prompt tokens per request (`inputTokensPerRequest`).
    public var inputTokens: Double
    /// Mean completion tokens per request (`outputTokensPerRequest`).
    public var outputTokens: Double

    public init(precisions: [Precision], latency: LatencyClass = .interactive, inputTokens: Double, outputTokens: Double) {
        self.precisions = precisions
        self.latency = latency
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }
}

/// One way a purchase or rental serves a workload: its throughput per unit (τ) and replica size
/// (a), at a precision when the performance model derived it. A pair (offering, workload) has
/// either one option from a given throughput (the scenario's or the catalog's; precision nil), or
/// one derived option per allowed precision that fits. Each option is its own serving pair in
/// the model (docs/formulation.md section 9).
public struct ServingOption: Hashable, Sendable {
    /// The precision of a derived option; nil for a throughput given in the scenario or catalog.
    public var precision: Precision?
    /// τ: tokens/s one unit sustains with this option.
    public var tokensPerSecond: Double
    /// a: accelerators one replica needs, when the option has a replica size.
    public var acceleratorsPerReplica: Int?
    /// How a derived option's figures were obtained; nil for given throughputs.
    public var derivation: ThroughputDerivation?

    public init(precision: Precision? = nil, tokensPerSecond: Double, acceleratorsPerReplica: Int? = nil, derivation: ThroughputDerivation? = nil) {
        self.precision = precision
        self.tokensPerSecond = tokensPerSecond
        self.acceleratorsPerReplica = acceleratorsPerReplica
        self.derivation = derivation
    }
}

/// The performance model's working for one derived serving option, recorded in the plan.
public struct ThroughputDerivation: Hashable, Sendable {
    /// `ModelSpec` id and `AcceleratorSpec` id.
    public var model: String
    public var accelerator: String
    public var latency: LatencyClass
    public var inputTokens: Double
    public var outputTokens: Double
    /// Accelerators of one replica's tensor-parallel group (the memory fit).
    public var tensorParallel: Int
    /// Sequences decoded together.
    public var batch: Int
    /// Total tokens/s of one replica, efficiency included.
    public var tokensPerSecondPerReplica: Double
    /// The calibrated efficiency factor applied to the roofline, and whether it was calibrated
    /// on MLPerf for this accelerator family (false: a default).
    public var efficiencyFactor: Double
    public var efficiencyCalibrated: Bool
    /// `memory` or `compute`: what bounds a decode step.
    public var decodeBound: String

    public init(
        model: String, accelerator: String, latency: LatencyClass, inputTokens: Double, outputTokens: Double,
        tensorParallel: Int, batch: Int, tokensPerSecondPerReplica: Double, efficiencyFactor: Double,
        efficiencyCalibrated: Bool, decodeBound: String
    ) {
        self.model = model
        self.accelerator = accelerator
        self.latency = latency
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.tensorParallel = tensorParallel
        self.batch = batch
        self.tokensPerSecondPerReplica = tokensPerSecondPerReplica
        self.efficiencyFactor = efficiencyFactor
        self.efficiencyCalibrated = efficiencyCalibrated
        self.decodeBound = decodeBound
    }
}

/// A precision the performance model could not use for a pair, and why (recorded in the plan).
public struct UnfitPrecision: Hashable, Sendable {
    public var precision: Precision
    public var reason: String

    public init(precision: Precision, reason: String) {
        self.precision = precision
        self.reason = reason
    }
}

/// Purchases and rentals: units that serve workloads at a throughput (given or derived).
public protocol SelfRunOffering {
    var id: String { get }
    var acceleratorsPerUnit: Int { get }
    /// Given τ_ow by workload id (the scenario's `throughput` and the catalog's).
    var throughput: [String: Double] { get }
    /// Given a_ow by workload id.
    var acceleratorsPerReplica: [String: Int] { get }
    /// Derived options by workload id, for workloads with `precisions` and no given throughput,
    /// in the workload's precision order (only precisions that fit).
    var derivedServing: [String: [ServingOption]] { get }
}

extension SelfRunOffering {
    /// The serving options of a workload on this offering: the given throughput if there is
    /// one (explicit throughputs win), else the derived options; empty when it cannot serve it.
    public func servingOptions(for workload: String) -> [ServingOption] {
        if let tau = throughput[workload] {
            return [ServingOption(tokensPerSecond: tau, acceleratorsPerReplica: acceleratorsPerReplica[workload])]
        }
        return derivedServing[workload] ?? []
    }

    /// Whether some option serves the workload.
    public func canServe(_ workload: String) -> Bool { !servingOptions(for: workload).isEmpty }
}

/// A training or fine-tuning job run on owned or rented capacity (docs/formulation.md section 10).
public struct TrainingJob: Hashable, Sendable {
    public var id: String
    /// F_j: floating-point operations of the run, before the overhead factor.
    public var flops: Double
    /// How `flops` was given, for the plan: `flops`, `6·N·D` (full training: parameters and
    /// tokens), `4·N·D` (LoRA: frozen weights get no gradient), or `accelerator-hours on ID`.
    public var computeBasis: String
    /// The arithmetic the job trains in (`bf16` default; `fp8` where the accelerator has it).
    public var precision: Precision
    /// φ_j >= 1: checkpoints, restarts and evaluation, as a factor on the compute.
    public var overhead: Double
    /// Zero-based index of the first period the job may run in (0 when absent or before the horizon).
    public var earliestStartIndex: Int
    /// Zero-based index of the last period the job may run in (its deadline, inclusive).
    public var deadlineIndex: Int
    /// M_j: accelerators the job needs at least, in one pool, in every slice it runs.
    public var minAccelerators: Int
    /// The pools it can run on, in scenario order, with the accelerator-hours it needs on each
    /// (filled after validation, like `derivedServing`; empty pools are refused by validation).
    public var pools: [TrainingPool]
    /// The job's own MFU (`mfu`), used on every pool; nil: each pool's family default.
    public var mfu: Double? = nil
    /// The compute as the scenario writes it, for `ScenarioWriter`; nil: `flops`.
    public var compute: TrainingComputeInput? = nil

    public init(
        id: String, flops: Double, computeBasis: String = "flops", precision: Precision = .bf16, overhead: Double = 1,
        earliestStartIndex: Int = 0, deadlineIndex: Int, minAccelerators: Int = 1, pools: [TrainingPool] = []
    ) {
        self.id = id
        self.flops = flops
        self.computeBasis = computeBasis
        self.precision = precision
        self.overhead = overhead
        self.earliestStartIndex = earliestStartIndex
        self.deadlineIndex = deadlineIndex
        self.minAccelerators = minAccelerators
        self.pools = pools
    }
}

/// A pool a job can run on: a purchase, or a rental with `clusterNetworking`, whose accelerator
/// the performance model knows and that has the job's arithmetic.
public struct TrainingPool: Hashable, Sendable {
    /// The offering id.
    public var offering: String
    /// Dense peak TFLOPS of one accelerator at the job's precision.
    public var peakTFLOPS: Double
    /// The model FLOPs utilization used on this pool (the job's `mfu`, else the default of the
    /// accelerator family and precision).
    public var mfu: Double
    /// Where `mfu` comes from (the job, or the default's source).
    public var mfuSource: String
    /// A_jo = F_j φ_j / (3600 · peakTFLOPS · 10^12 · mfu): accelerator-hours the job needs here.
    public var acceleratorHours: Double

    public init(offering: String, peakTFLOPS: Double, mfu: Double, mfuSource: String, acceleratorHours: Double) {
        self.offering = offering
        self.peakTFLOPS = peakTFLOPS
        self.mfu = mfu
        self.mfuSource = mfuSource
        self.acceleratorHours = acceleratorHours
    }
}

/// How purchases are costed.
public enum CapexAccounting: String, Sendable, Codable, CaseIterable {
    /// Straight-line: c_o / L_o per unit and period in service.
    case amortized
    /// The price when the unit arrives, less a salvage credit at the horizon's end.
    case cash
}

/// Bought hardware.
public struct PurchaseOffering: Hashable, Sendable, SelfRunOffering {
    public var id: String
    /// USD per unit (c_o).
    public var unitPrice: Double
    public var accelerator: String?
    public var acceleratorsPerUnit: Int
    /// Periods a unit stays in service (L_o), >= 1.
    public var lifetimePeriods: Int
    /// IT power per unit in kW (k_o).
    public var powerKW: Double
    /// Fixed cost per unit and period in service, USD (g_o).
    public var opexPerUnitPeriod: Double
    /// Tokens/s one unit sustains, by workload id (τ_ow). Only workloads it can serve.
    public var throughput: [String: Double]
    /// Zero-based index of the first period in which units can arrive because of
    /// `availableFrom` (0 when absent or before the horizon; may be >= periods).
    public var availableFromIndex: Int
    public var leadTimePeriods: Int
    /// Cap on units arriving in one period.
    public var maxUnitsPerPeriod: Double?
    /// Units already owned at the start of the horizon.
    public var existingUnits: Double
    /// Periods the existing units remain in service (defaults to lifetimePeriods).
    public var existingRemainingPeriods: Int
    /// Share of the price paid in the order period; the balance follows delivery (docs/finance.md).
    /// Payment terms shape the plan's cash flow only, never the objective.
    public var depositFraction: Double
    /// Days after the start of the arrival period at which the balance is paid.
    public var balanceDaysAfterDelivery: Double
    /// Book life for depreciation, in periods; nil: the useful life `lifetimePeriods`.
    public var bookLifePeriods: Int?
    /// The software platform the units run on (`nvidia`, `amd`, ... or user-named), if any.
    public var platform: String?
    /// a_ow: accelerators one replica of a workload needs, by workload id (only workloads it
    /// serves); a workload absent here has no replica constraint on this offering.
    public var acceleratorsPerReplica: [String: Int]
    /// k_o: units held spare (capacity holds with this many units out) while the pool serves.
    public var spareUnits: Int
    /// d_o in [0, 1): share of the pool's capacity lost to failures.
    public var failureDerating: Double
    /// Serving options the performance model derived, by workload id (see `SelfRunOffering`).
    public var derivedServing: [String: [ServingOption]] = [:]
    /// Precisions that could not be derived, by workload id, with the reason.
    public var unfitPrecisions: [String: [UnfitPrecision]] = [:]
    /// Prices that move (`priceDeclinePerYear` or `priceFactors`): units arriving in q cost
    /// c_o f_oq; nil: constant.
    public var priceChange: PriceChange? = nil
    /// Zero-based last period in which units can arrive (`availableUntil`); nil: no end.
    public var availableUntilIndex: Int? = nil
    /// Units owned at the start in further cohorts, each with its own remaining service
    /// (`existing: [{units, remainingPeriods}]`, docs/formulation.md 13.1); `existingUnits` and
    /// `existingRemainingPeriods` are one more cohort. A rolling re-plan writes the units its
    /// previous plan delivered here.
    public var existingCohorts: [UnitsInTerm] = []
    /// F_oq: units ordered before the horizon that arrive in zero-based period q
    /// (`ordersInFlight: [{arrives, units}]`, 13.1): arrivals b_oq >= F_oq, paid like any arrival.
    public var ordersInFlight: [Int: Double] = [:]

    public init(
        id: String, unitPrice: Double, accelerator: String? = nil, acceleratorsPerUnit: Int = 1,
        lifetimePeriods: Int, powerKW: Double = 0, opexPerUnitPeriod: Double = 0,
        throughput: [String: Double], availableFromIndex: Int = 0, leadTimePeriods: Int = 0,
        maxUnitsPerPeriod: Double? = nil, existingUnits: Double = 0, existingRemainingPeriods: Int? = nil,
        depositFraction: Double = 0, balanceDaysAfterDelivery: Double = 0, bookLifePeriods: Int? = nil,
        platform: String? = nil, acceleratorsPerReplica: [String: Int] = [:], spareUnits: Int = 0,
        failureDerating: Double = 0
    ) {
        self.id = id
        self.unitPrice = unitPrice
        self.accelerator = accelerator
        self.acceleratorsPerUnit = acceleratorsPerUnit
        self.lifetimePeriods = lifetimePeriods
        self.powerKW = powerKW
        self.opexPerUnitPeriod = opexPerUnitPeriod
        self.throughput = throughput
        self.availableFromIndex = availableFromIndex
        self.leadTimePeriods = leadTimePeriods
        self.maxUnitsPerPeriod = maxUnitsPerPeriod
        self.existingUnits = existingUnits
        self.existingRemainingPeriods = existingRemainingPeriods ?? lifetimePeriods
        self.depositFraction = depositFraction
        self.balanceDaysAfterDelivery = balanceDaysAfterDelivery
        self.bookLifePeriods = bookLifePeriods
        self.platform = platform
        self.acceleratorsPerReplica = acceleratorsPerReplica
        self.spareUnits = spareUnits
        self.failureDerating = failureDerating
    }

    /// Zero-based index of the first period in which new units can arrive: q0_o - 1.
    public var firstArrivalIndex: Int { max(availableFromIndex, leadTimePeriods) }
}

/// How rented capacity is paid for.
public enum RentalCommitment: String, Sendable, Codable, CaseIterable {
    /// On demand: paid per slice-hour used.
    case none
    /// Spot or preemptible: paid per slice-hour like on demand; only `availability` of the
    /// hours do work; serves interruptible workloads only (docs/formulation.md 11.3).
    case spot
    /// Reserved under a contract of `termPeriods` whole periods (one period unless `termMonths`
    /// says otherwise), paid for the whole term whether used or not.
    case period
}

/// Rented cloud capacity.
public struct RentalOffering: Hashable, Sendable, SelfRunOffering {
    public var id: String
    /// USD per unit-hour (π_o).
    public var pricePerUnitHour: Double
    public var accelerator: String?
    public var acceleratorsPerUnit: Int
    public var commitment: RentalCommitment
    /// Cap on units rented at once.
    public var maxUnits: Double?
    /// Tokens/s one unit sustains, by workload id (τ_ow).
    public var throughput: [String: Double]
    /// T_o: periods a reserved contract runs (`termMonths` in the scenario, a whole number of
    /// periods); 1 for `commitment: period` without a term, 0 for on-demand.
    public var termPeriods: Int
    /// f_o: USD per unit paid when its contract starts (reserved only).
    public var upfrontPerUnit: Double
    /// The software platform the units run on, if any.
    public var platform: String?
    /// a_ow: accelerators one replica of a workload needs, by workload id.
    public var acceleratorsPerReplica: [String: Int]
    /// k_o: units held spare while the pool serves (reserved only).
    public var spareUnits: Int
    /// d_o in [0, 1): share of the pool's capacity lost to failures.
    public var failureDerating: Double
    /// Serving options the performance model derived, by workload id (see `SelfRunOffering`).
    public var derivedServing: [String: [ServingOption]] = [:]
    /// Precisions that could not be derived, by workload id, with the reason.
    public var unfitPrecisions: [String: [UnfitPrecision]] = [:]
    /// Whether the units are networked for multi-node training (`clusterNetworking`): only then
    /// can a training job run on this rental (owned hardware is assumed networked).
    public var clusterNetworking: Bool = false
    /// α_o in (0, 1]: share of rented hours that do work (`availability`; spot rentals only, 1
    /// otherwise).
    public var availability: Double = 1
    /// Prices that move (`priceDeclinePerYear` or `priceFactors`); nil: constant.
    public var priceChange: PriceChange? = nil
    /// Zero-based first and last period (inclusive) units may be rented or contracts started
    /// (`availableFrom`, `availableUntil`); may fall outside 0..<periods. nil: unbounded.
    public var availableFromIndex: Int? = nil
    public var availableUntilIndex: Int? = nil
    /// Contracts signed before the horizon and still in their term: units under contract from
    /// the first period for `remainingPeriods` periods (`contractsInTerm`, reserved rentals
    /// only, 13.1); paid for those periods whatever the plan does.
    public var contractsInTerm: [UnitsInTerm] = []

    public init(
        id: String, pricePerUnitHour: Double, accelerator: String? = nil, acceleratorsPerUnit: Int = 1,
        commitment: RentalCommitment = .none, maxUnits: Double? = nil, throughput: [String: Double],
        termPeriods: Int? = nil, upfrontPerUnit: Double = 0, platform: String? = nil,
        acceleratorsPerReplica: [String: Int] = [:], spareUnits: Int = 0, failureDerating: Double = 0
    ) {
        self.id = id
        self.pricePerUnitHour = pricePerUnitHour
        self.accelerator = accelerator
        self.acceleratorsPerUnit = acceleratorsPerUnit
        self.commitment = commitment
        self.maxUnits = maxUnits
        self.throughput = throughput
        self.termPeriods = termPeriods ?? (commitment == .period ? 1 : 0)
        self.upfrontPerUnit = upfrontPerUnit
        self.platform = platform
        self.acceleratorsPerReplica = acceleratorsPerReplica
        self.spareUnits = spareUnits
        self.failureDerating = failureDerating
    }
}

/// A pay-per-token API.
public struct APIOffering: Hashable, Sendable {
    public var id: String
    public var inputPricePerMTok: Double
    public var outputPricePerMTok: Double
    /// Workload ids this API can serve, in scenario order.
    public var serves: [String]
    /// Rate limit over all workloads, tokens/s.
    public var maxTokensPerSecond: Double?
    /// c̃_a: USD per million cached input tokens (`cachedInputPricePerMTok`); nil: the input price.
    public var cachedInputPricePerMTok: Double? = nil
    /// A batch API (`batch`): serves only workloads deferrable within the day (11.3).
    public var batch: Bool = false
    /// A committed-use contract the plan may take (`committedUse`, 11.5).
    public var committedUse: CommittedUse? = nil
    /// Prices that move (`priceDeclinePerYear` or `priceFactors`); nil: constant.
    public var priceChange: PriceChange? = nil
    /// Zero-based first and last period (inclusive) the API can be used (`availableFrom`,
    /// `availableUntil`); may fall outside 0..<periods. nil: unbounded.
    public var availableFromIndex: Int? = nil
    public var availableUntilIndex: Int? = nil

    public init(id: String, inputPricePerMTok: Double, outputPricePerMTok: Double, serves: [String], maxTokensPerSecond: Double? = nil) {
        self.id = id
        self.inputPricePerMTok = inputPricePerMTok
        self.outputPricePerMTok = outputPricePerMTok
        self.serves = serves
        self.maxTokensPerSecond = maxTokensPerSecond
    }
}

/// A committed-use API contract: a discount on the API's spend for a minimum spend per period
/// (docs/formulation.md 11.5). Taken once for the horizon or not at all.
public struct CommittedUse: Hashable, Sendable {
    /// δ_a in (0, 1): discount on the list spend.
    public var discount: Double
    /// S_a >= 0: USD charged at least in every period the API is available.
    public var minSpendPerPeriod: Double
    /// The contract is signed already (`signed: true`, 13.1): κ_a = 1, not a decision.
    public var signed: Bool = false

    public init(discount: Double, minSpendPerPeriod: Double) {
        self.discount = discount
        self.minSpendPerPeriod = minSpendPerPeriod
    }
}

/// Units held for a number of periods from the first period of the horizon: a cohort of owned
/// units and its remaining service, or rental units under a contract and its remaining term
/// (docs/formulation.md 13.1).
public struct UnitsInTerm: Hashable, Sendable, Codable {
    /// Units (> 0; whole with `integerUnits`).
    public var units: Double
    /// Periods, from the first, they remain (>= 1).
    public var remainingPeriods: Int

    public init(units: Double, remainingPeriods: Int) {
        self.units = units
        self.remainingPeriods = remainingPeriods
    }
}

/// How an offering's prices move over the horizon (docs/formulation.md 11.5).
public enum PriceChange: Hashable, Sendable {
    /// r in [0, 1): f_p = (1 − r)^(p · h / 8760), p zero-based.
    case declinePerYear(Double)
    /// f_p per period, one positive number per period of the horizon.
    case factors([Double])

    /// f_p for zero-based period p (periods past the list keep its last factor, for contract
    /// terms and salvage beyond the horizon never need a factor: they use the start's).
    public func factor(period p: Int, hoursPerPeriod: Double) -> Double {
        switch self {
        case .declinePerYear(let r): return pow(1 - r, Double(p) * hoursPerPeriod / 8760)
        case .factors(let list): return list[min(max(p, 0), list.count - 1)]
        }
    }
}

/// The price factor f_op of an offering in zero-based period p: 1 without a price change.
public func priceFactor(_ change: PriceChange?, period p: Int, horizon: Horizon) -> Double {
    change?.factor(period: p, hoursPerPeriod: horizon.hoursPerPeriod) ?? 1
}

/// One demand case of a two-stage plan (docs/formulation.md 12.1), resolved: its probability
/// and every workload's demand per period.
public struct DemandCase: Hashable, Sendable {
    public var name: String
    /// π_c > 0; the cases' probabilities sum to 1.
    public var probability: Double
    /// D^c_wp by workload id, one value per period (every workload present).
    public var demand: [String: [Double]]
    /// Factor on every API price in this case (`apiPriceScale`), default 1.
    public var apiPriceScale: Double

    public init(name: String, probability: Double, demand: [String: [Double]], apiPriceScale: Double = 1) {
        self.name = name
        self.probability = probability
        self.demand = demand
        self.apiPriceScale = apiPriceScale
    }
}

/// How `demandCases` was written: listed cases (their scales, for the writer), or sampled.
public enum DemandCasesSource: Hashable, Sendable {
    /// Listed; each entry's `demandScale` and per-workload scales or lists as written.
    case listed([DemandCaseInput])
    /// `{sample: N, seed: S, growthSpread: σ}`.
    case sampled(count: Int, seed: UInt64, growthSpread: Double)
}

/// A listed case as written in the scenario.
public struct DemandCaseInput: Hashable, Sendable {
    public var name: String
    public var probability: Double
    public var demandScale: Double
    /// Per workload: a scale or a per-period list.
    public var workloads: [String: DemandCaseWorkload]
    public var apiPriceScale: Double

    public init(name: String, probability: Double, demandScale: Double = 1, workloads: [String: DemandCaseWorkload] = [:], apiPriceScale: Double = 1) {
        self.name = name
        self.probability = probability
        self.demandScale = demandScale
        self.workloads = workloads
        self.apiPriceScale = apiPriceScale
    }
}

public enum DemandCaseWorkload: Hashable, Sendable {
    case scale(Double)
    case tokensPerPeriod([Double])
}

/// λ and α of the CVaR term (12.2).
public struct RiskPolicy: Hashable, Sendable {
    /// λ >= 0: weight of CVaR_α in the objective; 0: risk neutral.
    public var cvarWeight: Double
    /// α in [0, 1): CVaR is the mean of the worst (1 − α) of the cost distribution.
    public var cvarLevel: Double

    public init(cvarWeight: Double = 0, cvarLevel: Double = 0.9) {
        self.cvarWeight = cvarWeight
        self.cvarLevel = cvarLevel
    }
}

/// The cost of running on a software platform (docs/formulation.md, "Platforms").
public struct PlatformCost: Hashable, Sendable {
    /// A platform name: `nvidia`, `amd`, `intel-gaudi`, `google-tpu`, `aws-neuron` or user-named.
    public var id: String
    /// A_k: USD, paid once in the first period the platform serves (not for a platform whose
    /// existing units are in service at the start: it is adopted already).
    public var adoptionCost: Double
    /// Y_k: USD per year in every period the platform serves (h/8760 of it per period).
    public var yearlyCost: Double

    public init(id: String, adoptionCost: Double = 0, yearlyCost: Double = 0) {
        self.id = id
        self.adoptionCost = adoptionCost
        self.yearlyCost = yearlyCost
    }
}

/// Any offering, in scenario order.
public enum Offering: Hashable, Sendable {
    case purchase(PurchaseOffering)
    case rental(RentalOffering)
    case api(APIOffering)

    public var id: String {
        switch self {
        case .purchase(let o): return o.id
        case .rental(let o): return o.id
        case .api(let o): return o.id
        }
    }
}

/// The data centre that hosts owned hardware.
public struct Site: Hashable, Sendable {
    public var electricityPricePerKWh: Double
    /// Power usage effectiveness, >= 1.
    public var pue: Double
    /// IT power cap in kW, one value per period, if any.
    public var powerCapKW: [Double]?

    public init(electricityPricePerKWh: Double = 0, pue: Double = 1, powerCapKW: [Double]? = nil) {
        self.electricityPricePerKWh = electricityPricePerKWh
        self.pue = pue
        self.powerCapKW = powerCapKW
    }
}

/// Spending limits.
public struct Budget: Hashable, Sendable {
    /// Cap on cash spent on units arriving in each period, USD, one value per period, if any.
    public var capexPerPeriod: [Double]?
    /// First month (1...12) of the fiscal year, for the plan's cash flow by fiscal year.
    public var fiscalYearStartMonth: Int
    /// Capital and operating budgets by fiscal year (`budget.fiscalYears`), in year order:
    /// constraints on cash paid in each fiscal year (docs/formulation.md, "Fiscal budgets").
    public var fiscalYears: [FiscalYearBudget]

    public init(capexPerPeriod: [Double]? = nil, fiscalYearStartMonth: Int = 1, fiscalYears: [FiscalYearBudget] = []) {
        self.capexPerPeriod = capexPerPeriod
        self.fiscalYearStartMonth = fiscalYearStartMonth
        self.fiscalYears = fiscalYears
    }
}

/// The budgets of one fiscal year. Fiscal year N ends in calendar year N; a period belongs to
/// the fiscal year of its first month (docs/finance.md).
public struct FiscalYearBudget: Hashable, Sendable {
    /// N in `FY<N>`.
    public var year: Int
    /// Cap on capital cash paid in the fiscal year (deposits and balances of purchases, per
    /// their payment terms), USD.
    public var capex: Double?
    /// Cap on operating cash paid in the fiscal year (energy, fixed opex, rentals with their
    /// upfront fees, APIs, platform costs), USD.
    public var opex: Double?

    public init(year: Int, capex: Double? = nil, opex: Double? = nil) {
        self.year = year
        self.capex = capex
        self.opex = opex
    }
}

/// Modelling choices.
public struct Policy: Hashable, Sendable {
    /// Whole units bought and reserved.
    public var integerUnits: Bool
    /// 0 < U <= 1: fraction of self-run capacity that may be used.
    public var utilizationCap: Double
    /// USD per million unserved tokens; nil means demand must be met.
    public var unservedPenaltyPerMTok: Double?

    public init(integerUnits: Bool = true, utilizationCap: Double = 1, unservedPenaltyPerMTok: Double? = nil) {
        self.integerUnits = integerUnits
        self.utilizationCap = utilizationCap
        self.unservedPenaltyPerMTok = unservedPenaltyPerMTok
    }
}

/// A complete, validated planning scenario.
public struct Scenario: Hashable, Sendable {
    public var name: String
    public var horizon: Horizon
    /// Annual discount rate, 0 <= ρ < 1.
    public var discountRate: Double
    public var capexAccounting: CapexAccounting
    public var timeSlices: [TimeSlice]
    public var workloads: [Workload]
    public var offerings: [Offering]
    public var site: Site
    public var budget: Budget
    public var policy: Policy
    /// Platform costs, in scenario order; a platform absent here costs nothing to run on.
    public var platforms: [PlatformCost]
    /// Training and fine-tuning jobs, in scenario order (docs/formulation.md section 10).
    public var jobs: [TrainingJob] = []
    /// Set when `timeSlices` was built from an hourly load file (11.6).
    public var hourlyProfile: HourlyProfileSource? = nil
    /// Demand cases for a two-stage plan (docs/formulation.md section 12); empty: one
    /// deterministic demand, sections 1-11.
    public var demandCases: [DemandCase] = []
    /// How the cases were given, for `ScenarioWriter` and the plan; nil with no cases.
    public var demandCasesSource: DemandCasesSource? = nil
    /// Risk aversion of a two-stage plan (λ, α; 12.2).
    public var risk: RiskPolicy = RiskPolicy()
    /// When the first stage is decided over the cases (12.6): once (`hereAndNow`) or along the tree.
    public var caseDecisions: CaseDecisions = .hereAndNow

    public init(
        name: String, horizon: Horizon, discountRate: Double = 0, capexAccounting: CapexAccounting = .amortized,
        timeSlices: [TimeSlice] = [TimeSlice(name: "all-day", hours: 24, share: 1)],
        workloads: [Workload], offerings: [Offering], site: Site = Site(), budget: Budget = Budget(), policy: Policy = Policy(),
        platforms: [PlatformCost] = []
    ) {
        self.name = name
        self.horizon = horizon
        self.discountRate = discountRate
        self.capexAccounting = capexAccounting
        self.timeSlices = timeSlices
        self.workloads = workloads
        self.offerings = offerings
        self.site = site
        self.budget = budget
        self.policy = policy
        self.platforms = platforms
    }

    public var purchases: [PurchaseOffering] {
        offerings.compactMap { if case .purchase(let o) = $0 { return o } else { return nil } }
    }
    public var rentals: [RentalOffering] {
        offerings.compactMap { if case .rental(let o) = $0 { return o } else { return nil } }
    }
    public var apis: [APIOffering] {
        offerings.compactMap { if case .api(let o) = $0 { return o } else { return nil } }
    }

    /// σ_ws: the share of workload w's daily tokens in slice s: its `profile`, else the
    /// scenario's slice share (docs/formulation.md 11.1). The one home of the rule.
    public func share(ofWorkload w: Int, slice s: Int) -> Double {
        workloads[w].profile?[s] ?? timeSlices[s].share
    }
}
