// Deterministic synthetic scenarios (issue 5: property tests; issue 7: scale suite).
//
// `ScenarioGenerator(size:seed:)` builds a valid, feasible `Scenario` from a seed with its own
// PRNG (SplitMix64), never the system RNG: the same size and seed give the same scenario on
// every machine and every run. Dimensions and magnitudes are documented in docs/scale-suite.md;
// every value lies within `ScenarioRules` (checked at the end of `scenario()`).
// `ScenarioWriter.yaml` (Scenario/ScenarioWriter.swift) writes the result as a scenario file.

import Foundation

/// The sizes of generated scenarios (docs/scale-suite.md).
public enum ScenarioSize: String, CaseIterable, Sendable {
    /// Property tests: 2-4 quarters, 1-3 slices, 1-2 workloads, 2-4 offerings, random options.
    case tiny
    /// 8 quarters, 4 slices, 2 workloads, 6 offerings (3 purchase, 1 rental, 2 API).
    case small
    /// 12 quarters, 8 slices, 4 workloads, 12 offerings (6 purchase, 3 rental, 3 API).
    case medium
    /// 20 quarters, 24 hourly slices, 8 workloads, 21 offerings (12 purchase, 4 rental, 5 API).
    case large
    /// 40 quarters, 24 hourly slices, 20 workloads, 30 offerings (16 purchase, 6 rental, 8 API).
    case xlarge

    /// Fixed dimensions of the non-tiny sizes: periods, slices, workloads, purchases, rentals, APIs.
    var fixed: (periods: Int, slices: Int, workloads: Int, purchases: Int, rentals: Int, apis: Int)? {
        switch self {
        case .tiny: return nil
        case .small: return (8, 4, 2, 3, 1, 2)
        case .medium: return (12, 8, 4, 6, 3, 3)
        case .large: return (20, 24, 8, 12, 4, 5)
        case .xlarge: return (40, 24, 20, 16, 6, 8)
        }
    }

    var salt: UInt64 {
        switch self {
        case .tiny: return 0x7469_6e79
        case .small: return 0x736d_616c_6c
        case .medium: return 0x6d65_6469_756d
        case .large: return 0x6c61_7267_65
        case .xlarge: return 0x786c_6172_6765
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast, well-mixed 64-bit PRNG with a
/// 64-bit state. Deterministic on every platform.
public struct ScenarioRNG: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Log-uniform in [lo, hi), lo > 0.
    public mutating func logUniform(_ lo: Double, _ hi: Double) -> Double { exp(uniform(log(lo), log(hi))) }

    /// Uniform integer in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let n = UInt64(range.upperBound - range.lowerBound + 1)
        return range.lowerBound + Int(next() % n)
    }

    /// True with probability p.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A Fisher-Yates shuffle driven by this generator.
    public mutating func shuffled<T>(_ items: [T]) -> [T] {
        var a = items
        if a.count < 2 { return a }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = int(0...i)
            if i != j { a.swapAt(i, j) }
        }
        return a
    }
}

/// Builds a deterministic, valid and feasible synthetic scenario of a given size.
public struct ScenarioGenerator: Sendable {
    public let size: ScenarioSize
    public let seed: UInt64
    /// Whether a scenario may use contracts with terms, replica sizes, platforms and
    /// reliability margins (issue 11), and tiny ones fiscal budgets (issue 15). Which scenarios
    /// do, and how, the seed decides (`procurementShare`, `fiscalBudgetShare` of them); off,
    /// every scenario is exactly what it was before.
    public let procurementFeatures: Bool
    /// Whether some workloads name a model and allowed precisions, with purchases and rentals
    /// whose throughput the performance model derives (issue 13, docs/formulation.md section 9).
    /// Which scenarios do, the seed decides (`servingShare` of them); off, every scenario is
    /// exactly what it was before. Defaults to `procurementFeatures`, so that tests that turn
    /// those off for proven optima get neither.
    public let servingFeatures: Bool
    /// Whether tiny and small scenarios may get training or fine-tuning jobs (issue 14,
    /// docs/formulation.md section 10). Which do, the seed decides (`trainingShare` of them);
    /// off, every scenario is exactly what it was before. Defaults to `procurementFeatures`,
    /// like `servingFeatures`.
    public let trainingFeatures: Bool
    /// Whether tiny scenarios may get the issue-12 features (docs/formulation.md
    /// section 11): workload profiles, deferrable and interruptible workloads, spot rentals,
    /// batch APIs, caching, moving prices, availability windows and committed-use APIs. Which
    /// do, the seed decides (`shapeShare` of them, each feature with its own chance and its own
    /// stream); off, every scenario is exactly what it was before. Defaults to
    /// `procurementFeatures`, like `servingFeatures`.
    public let shapeFeatures: Bool
    /// Whether tiny scenarios may get listed demand cases and a risk policy (issue 16,
    /// docs/formulation.md section 12). Which do, the seed decides (`caseShare` of them, on a
    /// stream of their own); off, every scenario is exactly what it was before. Defaults to
    /// `procurementFeatures`, like `servingFeatures`.
    public let caseFeatures: Bool
    /// Whether tiny scenarios may carry commitments into the horizon (docs/formulation.md
    /// 13.1): owned cohorts, orders in flight, contracts in term, signed committed-use
    /// contracts. Which do, the seed decides (`carryInShare` of them, on a stream of their own);
    /// off, every scenario is exactly what it was before. Defaults to `procurementFeatures`.
    public let carryInFeatures: Bool

    public init(
        size: ScenarioSize, seed: UInt64, procurementFeatures: Bool = true, servingFeatures: Bool? = nil, trainingFeatures: Bool? = nil,
        shapeFeatures: Bool? = nil, caseFeatures: Bool? = nil, carryInFeatures: Bool? = nil
    ) {
        self.size = size
        self.seed = seed
        self.procurementFeatures = procurementFeatures
        self.servingFeatures = servingFeatures ?? procurementFeatures
        self.trainingFeatures = trainingFeatures ?? procurementFeatures
        self.shapeFeatures = shapeFeatures ?? procurementFeatures
        self.caseFeatures = caseFeatures ?? procurementFeatures
        self.carryInFeatures = carryInFeatures ?? procurementFeatures
    }

    /// Share of generated scenarios that use the issue-11 features: modest, since each adds
    /// binaries (docs/scale-suite.md).
    public static let procurementShare = 0.35
    /// Share of generated scenarios with fiscal budgets (with `procurementFeatures`).
    public static let fiscalBudgetShare = 0.15
    /// Share of generated scenarios with precisions and derived throughput (with `servingFeatures`).
    public static let servingShare = 0.3
    /// Models generated workloads with precisions run: small and medium dense models and a
    /// mixture of experts, which fit one 8-accelerator unit at some precision on most of the
    /// generated accelerators (docs/scale-suite.md).
    static let servingModels = ["llama-3.1-8b", "llama-3.1-70b", "mixtral-8x7b"]
    /// Share of tiny and small scenarios with jobs (with `trainingFeatures`). Larger sizes get
    /// none, so that the scale suite's timings stay comparable with earlier runs.
    public static let trainingShare = 0.3
    /// Share of tiny scenarios with issue-12 features (with `shapeFeatures`). Larger sizes get
    /// none, so that the scale suite's dimensions and timings stay comparable with earlier runs.
    public static let shapeShare = 0.4
    /// Share of tiny scenarios with demand cases (with `caseFeatures`). Larger sizes get none:
    /// a two-stage plan solves a copy of the model per case.
    public static let caseShare = 0.25
    /// Share of tiny scenarios with commitments carried in (with `carryInFeatures`; 13.1).
    public static let carryInShare = 0.3

    static let workloadNames = ["chat", "code", "search", "agents", "summarize", "translate", "rag", "vision"]
    static let purchaseNames: [(id: String, accelerator: String)] = [
        ("h100-node", "H100"), ("h200-node", "H200"), ("b200-node", "B200"), ("mi300x-node", "MI300X"),
        ("a100-node", "A100"), ("mi325x-node", "MI325X"), ("gaudi3-node", "Gaudi3"), ("l40s-node", "L40S"),
        ("b300-node", "B300"), ("mi355x-node", "MI355X"), ("gb200-tray", "GB200"), ("h20-node", "H20"),
    ]
    static let rentalNames: [(id: String, accelerator: String)] = [
        ("h100-cloud", "H100"), ("h200-cloud", "H200"), ("a100-cloud", "A100"), ("b200-cloud", "B200"),
        ("mi300x-cloud", "MI300X"), ("tpu-v6e-cloud", "TPUv6e"),
    ]
    static let apiNames = ["frontier-api", "mid-api", "small-api", "open-70b-api", "open-8b-api", "batch-api", "fast-api", "long-api"]

    /// The scenario for this size and seed.
    public func scenario() -> Scenario {
        var rng = ScenarioRNG(seed: seed ^ size.salt)
        _ = rng.next()
        let tiny = size == .tiny

        // Dimensions.
        let periods: Int, sliceCount: Int, workloadCount: Int
        var kinds: [Character]  // "p" purchase, "r" rental, "a" API; the first API serves every workload
        if let f = size.fixed {
            periods = f.periods; sliceCount = f.slices; workloadCount = f.workloads
            kinds = Array(repeating: "a", count: 1) + Array(repeating: "p", count: f.purchases)
                + Array(repeating: "r", count: f.rentals) + Array(repeating: "a", count: f.apis - 1)
        } else {
            periods = rng.int(2...4); sliceCount = rng.int(1...3); workloadCount = rng.int(1...2)
            let others = rng.int(1...3)
            kinds = ["a"]
            for _ in 0..<others {
                let u = rng.unit()
                kinds.append(u < 0.5 ? "p" : u < 0.8 ? "r" : "a")
            }
            kinds = rng.shuffled(kinds)
        }

        // Calendar.
        let start = PeriodLabel(kind: .quarter, year: rng.int(2026...2028), subperiod: rng.int(1...4))
        let horizon = Horizon(start: start, periods: periods)
        let slices = makeSlices(count: sliceCount, tiny: tiny, rng: &rng)

        // Workloads.
        var workloads: [Workload] = []
        for i in 0..<workloadCount {
            let id = i < Self.workloadNames.count ? Self.workloadNames[i] : "workload-\(i + 1)"
            let outputShare = (rng.uniform(0.15, 0.6) * 20).rounded() / 20
            let base = rng.logUniform(1e10, tiny ? 3e11 : 1e12)
            let growth = rng.uniform(-0.02, 0.12)
            var demand: [Double] = []
            var level = base
            for _ in 0..<periods {
                let noisy = level * rng.uniform(0.95, 1.05)
                demand.append(Self.significant(min(max(noisy, 1e10), 1e13), 4))
                level *= 1 + growth
            }
            workloads.append(Workload(id: id, outputShare: outputShare, model: nil, demand: demand))
        }
        let workloadIDs = workloads.map(\.id)

        func servedSubset() -> [String] {
            var chosen = workloadIDs.filter { _ in rng.chance(0.7) }
            if chosen.isEmpty { chosen = [workloadIDs[rng.int(0...(workloadIDs.count - 1))]] }
            return chosen
        }
        /// Throughputs per workload: faster nodes cost more; smaller models run faster.
        func throughputs(priceFactor: Double) -> [String: Double] {
            let base = 2000 + 30000 * priceFactor
            var t: [String: Double] = [:]
            for w in servedSubset() {
                let x = base * rng.uniform(0.5, 1.3)
                t[w] = (min(max(x, 2000), 40000) / 100).rounded() * 100
            }
            return t
        }

        // Policy (drawn first: the guaranteed API's rate limit depends on the penalty).
        let penalty: Double? = tiny && rng.chance(0.4) ? Self.significant(rng.logUniform(5, 500), 2) : nil
        let integerUnits = tiny ? rng.chance(0.5) : true
        let utilizationCap = tiny ? (rng.uniform(0.5, 1.0) * 20).rounded() / 20 : 0.85

        // Offerings.
        var offerings: [Offering] = []
        var purchaseIndex = 0, rentalIndex = 0, apiIndex = 0
        var guaranteedAPIWritten = false
        for kind in kinds {
            switch kind {
            case "p":
                let name = Self.purchaseNames[purchaseIndex % Self.purchaseNames.count]
                let id = purchaseIndex < Self.purchaseNames.count ? name.id : "\(name.id)-\(purchaseIndex / Self.purchaseNames.count + 1)"
                purchaseIndex += 1
                let price = (rng.uniform(100_000, 450_000) / 1000).rounded() * 1000
                let lifetime = tiny ? rng.int(1...8) : rng.int(12...20)
                let power = (rng.uniform(5, 15) * 10).rounded() / 10
                let opex = (rng.uniform(500, 5000) / 10).rounded() * 10
                let t = throughputs(priceFactor: (price - 100_000) / 350_000)
                var availableFrom = 0
                if rng.chance(tiny ? 0.3 : 0.25), periods > 1 {
                    availableFrom = rng.int(1...(tiny ? periods - 1 : max(1, periods / 2)))
                }
                let lead = rng.chance(0.4) ? rng.int(0...2) : 0
                let maxPer: Double? = rng.chance(0.3) ? Double(tiny ? rng.int(1...6) : rng.int(2...20)) : nil
                var existing = 0.0
                var remaining: Int?
                if rng.chance(0.3) {
                    existing = Double(tiny ? rng.int(1...4) : rng.int(1...10))
                    remaining = rng.int(1...lifetime)
                }
                offerings.append(.purchase(PurchaseOffering(
                    id: id, unitPrice: price, accelerator: name.accelerator, acceleratorsPerUnit: 8,
                    lifetimePeriods: lifetime, powerKW: power, opexPerUnitPeriod: opex, throughput: t,
                    availableFromIndex: availableFrom, leadTimePeriods: lead, maxUnitsPerPeriod: maxPer,
                    existingUnits: existing, existingRemainingPeriods: remaining)))
            case "r":
                let name = Self.rentalNames[rentalIndex % Self.rentalNames.count]
                let id = rentalIndex < Self.rentalNames.count ? name.id : "\(name.id)-\(rentalIndex / Self.rentalNames.count + 1)"
                rentalIndex += 1
                let pricePerGPU = rng.uniform(2, 5)
                let price = (8 * pricePerGPU * 100).rounded() / 100
                let commitment: RentalCommitment = rng.chance(0.5) ? .none : .period
                let maxUnits: Double? = rng.chance(0.4) ? Double(tiny ? rng.int(1...8) : rng.int(2...40)) : nil
                let t = throughputs(priceFactor: (pricePerGPU - 2) / 3)
                offerings.append(.rental(RentalOffering(
                    id: id, pricePerUnitHour: price, accelerator: name.accelerator, acceleratorsPerUnit: 8,
                    commitment: commitment, maxUnits: maxUnits, throughput: t)))
            default:
                let id = apiIndex < Self.apiNames.count ? Self.apiNames[apiIndex] : "api-\(apiIndex + 1)"
                apiIndex += 1
                let serves: [String]
                let input: Double, output: Double
                var rate: Double?
                if !guaranteedAPIWritten {
                    // Serves every workload; without a penalty it has no rate limit, so every
                    // scenario is feasible on this API alone.
                    guaranteedAPIWritten = true
                    serves = workloadIDs
                    input = Self.significant(rng.logUniform(1, 10), 2)
                    output = Self.significant(min(30, input * rng.uniform(2, 4)), 2)
                    if penalty != nil, rng.chance(0.5) { rate = Self.significant(rng.logUniform(1e4, 5e5), 2) }
                } else {
                    serves = servedSubset()
                    input = Self.significant(rng.logUniform(0.1, 10), 2)
                    output = Self.significant(min(30, input * rng.uniform(1.5, 4)), 2)
                    if rng.chance(0.5) { rate = Self.significant(rng.logUniform(1e4, 1e6), 2) }
                }
                offerings.append(.api(APIOffering(
                    id: id, inputPricePerMTok: input, outputPricePerMTok: output, serves: serves, maxTokensPerSecond: rate)))
            }
        }

        // Site: the power cap never falls below what the existing fleet draws.
        let electricity = (rng.uniform(0.05, 0.15) * 1000).rounded() / 1000
        let pue = (rng.uniform(1.1, 1.5) * 100).rounded() / 100
        var powerCap: [Double]?
        if rng.chance(tiny ? 0.4 : 1) {
            let purchases = offerings.compactMap { if case .purchase(let o) = $0 { return o } else { return nil } }
            let headroom = tiny ? rng.uniform(0, 300) : rng.uniform(200, 2000) * Double(workloadCount)
            powerCap = (0..<periods).map { p in
                let existing = purchases.reduce(0.0) { $0 + $1.existingUnits(inPeriod: p) * $1.powerKW }
                return (existing + headroom * (1 + 0.05 * Double(p))).rounded(.up)
            }
        }
        var capex: [Double]?
        if rng.chance(tiny ? 0.4 : 1) {
            capex = (0..<periods).map { _ in
                tiny ? (rng.chance(0.15) ? 0 : (rng.uniform(0, 2e6) / 1000).rounded() * 1000)
                    : (rng.uniform(1e6, 5e6) * Double(workloadCount) / 1e5).rounded() * 1e5
            }
        }
        let discountRate = tiny ? (rng.chance(0.5) ? 0 : (rng.uniform(0.02, 0.15) * 100).rounded() / 100) : 0.08
        let accounting: CapexAccounting = tiny ? (rng.chance(0.5) ? .cash : .amortized) : .amortized

        // Issue-11 features, drawn from a stream of their own so that the draws above, and with
        // them every scenario without the features, stay as they were.
        var platforms: [PlatformCost] = []
        if procurementFeatures {
            var frng = ScenarioRNG(seed: seed ^ size.salt ^ 0x7072_6f63_7572_65)
            _ = frng.next()
            if frng.chance(Self.procurementShare) {
                platforms = addProcurementFeatures(to: &offerings, workloads: &workloads, horizon: horizon, rng: &frng)
            }
        }

        // Precisions and derived throughput (issue 13), from a stream of their own likewise;
        // before the fiscal budgets, which price the workloads' output shares.
        if servingFeatures {
            var srng = ScenarioRNG(seed: seed ^ size.salt ^ 0x7072_6563_6973)
            _ = srng.next()
            if srng.chance(Self.servingShare) { addDerivedServing(to: &offerings, workloads: &workloads, rng: &srng) }
        }

        // Training and fine-tuning jobs (issue 14), from a stream of their own likewise; before
        // the fiscal budgets, which leave room for the jobs' rental.
        var jobs: [TrainingJob] = []
        var jobAllowance = 0.0
        if trainingFeatures, size == .tiny || size == .small {
            var jrng = ScenarioRNG(seed: seed ^ size.salt ^ 0x7472_6169_6e)
            _ = jrng.next()
            if jrng.chance(Self.trainingShare) {
                (jobs, jobAllowance) = addJobs(to: &offerings, platforms: platforms, horizon: horizon, rng: &jrng)
            }
        }

        // Fiscal budgets (issue 15) on tiny scenarios, from a stream of their own likewise.
        var fiscalYears: [FiscalYearBudget] = []
        if procurementFeatures, tiny {
            var brng = ScenarioRNG(seed: seed ^ size.salt ^ 0x6669_7363_616c)
            _ = brng.next()
            if brng.chance(Self.fiscalBudgetShare) {
                fiscalYears = fiscalBudgets(offerings: offerings, workloads: workloads, horizon: horizon, slices: slices,
                                            site: (electricity, pue), jobAllowance: jobAllowance, rng: &brng)
            }
        }

        var scenario = Scenario(
            name: "generated-\(size.rawValue)-\(seed)", horizon: horizon, discountRate: discountRate,
            capexAccounting: accounting, timeSlices: slices, workloads: workloads, offerings: offerings,
            site: Site(electricityPricePerKWh: electricity, pue: pue, powerCapKW: powerCap),
            budget: Budget(capexPerPeriod: capex, fiscalYears: fiscalYears),
            policy: Policy(integerUnits: integerUnits, utilizationCap: utilizationCap, unservedPenaltyPerMTok: penalty),
            platforms: platforms)
        scenario.jobs = jobs
        // Issue-12 features, after everything else and each from a stream of its own, so that
        // every draw above stays as it was; before the derivations, which spot rentals change.
        if shapeFeatures, size == .tiny {
            var hrng = shapeStream(0)
            if hrng.chance(Self.shapeShare) { addShapes(to: &scenario) }
        }
        // Commitments carried in (13.1), from a stream of their own.
        if carryInFeatures, size == .tiny {
            var irng = carryInStream()
            if irng.chance(Self.carryInShare) { addCarriedIn(to: &scenario, rng: &irng) }
        }
        // The options of workloads with precisions and the jobs' pools, as the loader derives them.
        ServingDerivation.derive(&scenario)
        TrainingDerivation.derive(&scenario)
        // Demand cases (issue 16) last, on the final demand, from a stream of their own.
        if caseFeatures, size == .tiny {
            var crng = caseStream()
            if crng.chance(Self.caseShare) { addCases(to: &scenario, rng: &crng) }
        }
        // The draws above stay inside the format's rules by construction; a change that breaks
        // that is a bug in the generator, caught here rather than as a confusing load error.
        let violations = ScenarioRules.violations(in: scenario)
        precondition(violations.isEmpty, "generated scenario breaks the scenario rules: \(violations)")
        return scenario
    }

    /// Budgets for the fiscal years of the horizon (calendar years), each with its own chance
    /// of a capex cap, an opex cap or both. Feasible by construction: buying nothing meets any
    /// capex cap, and an opex cap is at least what serving all demand on each workload's
    /// cheapest API without a rate limit costs, plus the existing fleet's running costs (an
    /// all-API plan then fits; a workload without such an API has an unserved penalty, and
    /// unserved demand is not cash).
    func fiscalBudgets(
        offerings: [Offering], workloads: [Workload], horizon: Horizon, slices: [TimeSlice],
        site: (electricity: Double, pue: Double), jobAllowance: Double = 0, rng: inout ScenarioRNG
    ) -> [FiscalYearBudget] {
        var allAPI: [Int: Double] = [:]
        for p in 0..<horizon.periods {
            let year = horizon.start.advanced(by: p).year
            var cost = 0.0
            for w in workloads {
                let prices = offerings.compactMap { offering -> Double? in
                    guard case .api(let a) = offering, a.serves.contains(w.id), a.maxTokensPerSecond == nil else { return nil }
                    return (1 - w.outputShare) * a.inputPricePerMTok + w.outputShare * a.outputPricePerMTok
                }
                cost += (prices.min() ?? 0) * w.demand[p] / 1e6
            }
            for case .purchase(let o) in offerings {
                cost += o.existingUnits(inPeriod: p) * (o.powerKW * site.pue * horizon.hoursPerPeriod * site.electricity + o.opexPerUnitPeriod)
            }
            allAPI[year, default: 0] += cost
        }
        // Room for the jobs on their guaranteed rental in every year (addJobs).
        for year in allAPI.keys { allAPI[year]! += jobAllowance }
        var budgets: [FiscalYearBudget] = []
        for year in allAPI.keys.sorted() {
            var budget = FiscalYearBudget(year: year)
            if rng.chance(0.6) { budget.capex = (rng.uniform(0, 3e6) * Double(workloads.count) / 1e4).rounded() * 1e4 }
            if rng.chance(0.5) { budget.opex = (allAPI[year]! * rng.uniform(1.01, 1.5) / 100).rounded(.up) * 100 }
            if budget.capex != nil || budget.opex != nil { budgets.append(budget) }
        }
        return budgets
    }

    /// Contract terms and upfront fees on reserved rentals, replica sizes (with minReplicas),
    /// platforms with adoption and yearly costs, spare units and failure derating, each with its
    /// own chance. The guaranteed API is untouched, so the scenario stays feasible; every
    /// replica size divides the 8 accelerators of a generated unit or spans two units.
    /// Returns the platform costs (each platform named by some offering).
    func addProcurementFeatures(
        to offerings: inout [Offering], workloads: inout [Workload], horizon: Horizon, rng: inout ScenarioRNG
    ) -> [PlatformCost] {
        let monthsPerPeriod = ScenarioRules.monthsPerPeriod(horizon.kind)
        let namePlatforms = rng.chance(0.6)
        /// The accelerator's platform, or now and then another one, so that small scenarios
        /// also choose between platforms (a label: the generated figures are synthetic anyway).
        func platform(_ accelerator: String?) -> String {
            rng.chance(0.35) ? ["amd", "intel-gaudi", "google-tpu"][rng.int(0...2)] : BuiltInCatalogData.platform(accelerator ?? "")
        }
        func replicaSizes(_ throughput: [String: Double]) -> [String: Int] {
            guard rng.chance(0.35) else { return [:] }
            var sizes: [String: Int] = [:]
            for w in workloads.map(\.id) where throughput[w] != nil {
                sizes[w] = [1, 2, 2, 4, 8, 16][rng.int(0...5)]
            }
            return sizes
        }
        func derating() -> Double { rng.chance(0.15) ? Double(rng.int(1...5)) / 100 : 0 }
        for i in offerings.indices {
            switch offerings[i] {
            case .purchase(var o):
                if namePlatforms { o.platform = platform(o.accelerator) }
                o.acceleratorsPerReplica = replicaSizes(o.throughput)
                if rng.chance(0.15) { o.spareUnits = 1 }
                o.failureDerating = derating()
                offerings[i] = .purchase(o)
            case .rental(var o):
                if namePlatforms { o.platform = platform(o.accelerator) }
                o.acceleratorsPerReplica = replicaSizes(o.throughput)
                o.failureDerating = derating()
                if o.commitment == .period {
                    if rng.chance(0.6) { o.termPeriods = [6, 12, 36][rng.int(0...2)] / monthsPerPeriod }
                    if rng.chance(0.3) { o.upfrontPerUnit = (o.pricePerUnitHour * horizon.hoursPerPeriod * rng.uniform(0.1, 0.5)).rounded() }
                    if rng.chance(0.15) { o.spareUnits = 1 }
                }
                offerings[i] = .rental(o)
            case .api:
                break
            }
        }
        let sized = Set(offerings.flatMap { o -> [String] in
            switch o {
            case .purchase(let p): return Array(p.acceleratorsPerReplica.keys)
            case .rental(let r): return Array(r.acceleratorsPerReplica.keys)
            case .api: return []
            }
        })
        for i in workloads.indices where sized.contains(workloads[i].id) && rng.chance(0.3) {
            workloads[i].minReplicas = 2
        }
        guard namePlatforms else { return [] }
        var named: [String] = []
        for o in offerings {
            let k: String?
            switch o {
            case .purchase(let p): k = p.platform
            case .rental(let r): k = r.platform
            case .api: k = nil
            }
            if let k, !named.contains(k) { named.append(k) }
        }
        return named.compactMap { k in
            guard rng.chance(0.6) else { return nil }
            return PlatformCost(
                id: k, adoptionCost: Self.significant(rng.logUniform(5e4, 2e6), 2), yearlyCost: Self.significant(rng.logUniform(1e4, 5e5), 2))
        }
    }

    /// Some workloads (each with even chance, at least one) name a model, 1 to 3 allowed
    /// precisions, a latency class and request sizes (their output share follows from those).
    /// Each purchase and rental whose accelerator the performance model knows derives options
    /// for them with even chance: it loses its given throughput for each such workload with
    /// even chance (explicit throughputs win, so a kept one stays the only option). The others
    /// keep their throughputs, and lose their accelerator label where they have none for such a
    /// workload, so that they derive nothing. The guaranteed API is untouched: still feasible.
    func addDerivedServing(to offerings: inout [Offering], workloads: inout [Workload], rng: inout ScenarioRNG) {
        var chosen = workloads.indices.filter { _ in rng.chance(0.5) }
        if chosen.isEmpty { chosen = [rng.int(0...(workloads.count - 1))] }
        for i in chosen {
            let count = rng.int(1...3)
            let precisions = Array(rng.shuffled(Precision.allCases).prefix(count))
            let latency: LatencyClass = rng.chance(0.3) ? .batch : .interactive
            let input = Double(rng.int(4...80) * 50), output = Double(rng.int(2...40) * 25)
            workloads[i].model = Self.servingModels[rng.int(0...(Self.servingModels.count - 1))]
            workloads[i].serving = WorkloadServing(precisions: precisions, latency: latency, inputTokens: input, outputTokens: output)
            workloads[i].outputShare = ScenarioRules.outputShare(inputTokens: input, outputTokens: output)
        }
        let ids = chosen.map { workloads[$0].id }
        /// The offering's throughput and replica sizes with some of the chosen workloads'
        /// removed, and whether it keeps its accelerator label.
        func adjust(accelerator: String?, throughput: inout [String: Double], sizes: inout [String: Int]) -> Bool {
            guard let label = accelerator, AcceleratorSpec.forOfferingLabel(label) != nil else { return true }
            if rng.chance(0.5) {
                for w in ids where throughput[w] != nil && rng.chance(0.5) {
                    throughput[w] = nil
                    sizes[w] = nil
                }
                return true
            }
            return ids.allSatisfy { throughput[$0] != nil }
        }
        for i in offerings.indices {
            switch offerings[i] {
            case .purchase(var o):
                if !adjust(accelerator: o.accelerator, throughput: &o.throughput, sizes: &o.acceleratorsPerReplica) { o.accelerator = nil }
                offerings[i] = .purchase(o)
            case .rental(var o):
                if !adjust(accelerator: o.accelerator, throughput: &o.throughput, sizes: &o.acceleratorsPerReplica) { o.accelerator = nil }
                offerings[i] = .rental(o)
            case .api:
                break
            }
        }
    }

    /// One or two jobs, each a fine-tune or small pre-training run of a few thousand
    /// accelerator-hours with a window of 2-3 periods (the whole horizon when shorter) and a
    /// cluster of up to 8 accelerators, written in one of the three compute forms. Feasible by
    /// construction: the first rental whose accelerator the performance model knows gets
    /// `clusterNetworking` (others with even chance), and on it each job needs at most half of
    /// what `minAccelerators` accelerators deliver over its window, with room for them under
    /// `maxUnits` and the derating. No such rental: no jobs. Returns the jobs (pools not yet
    /// derived) and an opex allowance per year that covers renting that rental's units for the
    /// jobs over the whole horizon, with its platform's costs, for the fiscal budgets.
    func addJobs(
        to offerings: inout [Offering], platforms: [PlatformCost], horizon: Horizon, rng: inout ScenarioRNG
    ) -> (jobs: [TrainingJob], opexAllowance: Double) {
        let known: (RentalOffering) -> AcceleratorSpec? = { r in r.accelerator.flatMap(AcceleratorSpec.forOfferingLabel) }
        guard let anchorIndex = offerings.firstIndex(where: { if case .rental(let r) = $0 { return known(r) != nil } else { return false } }),
              case .rental(var anchor) = offerings[anchorIndex], let spec = known(anchor) else { return ([], 0) }
        anchor.clusterNetworking = true
        offerings[anchorIndex] = .rental(anchor)
        for i in offerings.indices where i != anchorIndex {
            if case .rental(var r) = offerings[i], known(r) != nil, rng.chance(0.5) {
                r.clusterNetworking = true
                offerings[i] = .rental(r)
            }
        }
        // Accelerators the anchor holds for a job at most, after derating.
        let room = anchor.maxUnits.map { (1 - anchor.failureDerating) * $0 * Double(anchor.acceleratorsPerUnit) } ?? .infinity
        var jobs: [TrainingJob] = []
        var units = 0.0
        for k in 0..<rng.int(1...2) {
            let minAccelerators = Int(min(8, room.rounded(.down)))
            let window = min(horizon.periods, rng.int(2...3))
            let start = rng.int(0...(horizon.periods - window))
            let precision: Precision = spec.tflops(for: .fp8) != nil && rng.chance(0.3) ? .fp8 : .bf16
            let mfu: Double? = rng.chance(0.3) ? (rng.uniform(0.3, 0.5) * 100).rounded() / 100 : nil
            let overhead = rng.chance(0.5) ? 1 + Double(rng.int(0...4)) * 0.05 : 1
            guard let peak = spec.tflops(for: precision),
                  let m = mfu ?? TrainingMFUDefault.forAccelerator(spec, precision: precision)?.mfu else { continue }
            // Accelerator-hours on the anchor, overhead included: at most half of what the
            // cluster minimum delivers over the window.
            let cap = 0.5 * Double(minAccelerators) * horizon.hoursPerPeriod * Double(window)
            let hours = min(rng.uniform(2000, 6000), cap) / overhead
            let flops = hours * 3600 * peak * 1e12 * m
            let input: TrainingComputeInput
            switch rng.int(0...2) {
            case 0:
                input = .flops(Self.significant(flops * 0.99, 3))
            case 1:
                let parameters = [8.03e9, 70.6e9][rng.int(0...1)]
                input = .parametersAndTokens(parameters: parameters, tokens: Self.significant(0.99 * flops / (4 * parameters), 3), method: .lora)
            default:
                input = .acceleratorHours((hours * 0.99).rounded(.down), reference: spec.id)
            }
            guard let (f, basis) = TrainingDerivation.flops(input, precision: precision, mfu: mfu) else { continue }
            var job = TrainingJob(
                id: "train-\(k + 1)", flops: f, computeBasis: basis, precision: precision, overhead: overhead,
                earliestStartIndex: start, deadlineIndex: start + window - 1, minAccelerators: minAccelerators)
            job.mfu = mfu
            if case .flops = input { job.compute = nil } else { job.compute = input }
            jobs.append(job)
            units += (Double(minAccelerators) / (Double(anchor.acceleratorsPerUnit) * (1 - anchor.failureDerating))).rounded(.up)
        }
        // The jobs' units rented for the whole horizon (reserved: whole terms, upfront, spares).
        let hoursRented = horizon.hoursPerPeriod * Double(max(horizon.periods, anchor.termPeriods))
        let perUnit = anchor.pricePerUnitHour * hoursRented + anchor.upfrontPerUnit
        let platform = platforms.first { $0.id == anchor.platform }
            .map { $0.adoptionCost + $0.yearlyCost * Double(horizon.periods) / Double(horizon.kind.periodsPerYear) } ?? 0
        return (jobs, ((units + Double(anchor.spareUnits)) * perUnit + platform).rounded(.up))
    }

    /// Slices of the day: whole hours summing to 24, token shares from a diurnal profile
    /// (trough around 04:00, peak around 16:00) with some noise, normalized to 1.
    func makeSlices(count: Int, tiny: Bool, rng: inout ScenarioRNG) -> [TimeSlice] {
        if count == 1 { return [TimeSlice(name: "all-day", hours: 24, share: 1)] }
        var bounds: [Int]
        if tiny {
            var cuts = Set<Int>()
            while cuts.count < count - 1 { cuts.insert(rng.int(1...23)) }
            bounds = [0] + cuts.sorted() + [24]
        } else {
            bounds = (0...count).map { $0 * 24 / count }
        }
        let amplitude = rng.uniform(0.3, 0.7)
        func intensity(_ hour: Int) -> Double { 1 + amplitude * sin(2 * Double.pi * (Double(hour) + 0.5 - 10) / 24) }
        var weights: [Double] = []
        for i in 0..<count {
            let load = (bounds[i]..<bounds[i + 1]).reduce(0.0) { $0 + intensity($1) }
            weights.append(load * rng.uniform(0.9, 1.1))
        }
        let total = weights.reduce(0, +)
        return (0..<count).map { i in
            let name = count == 24 ? String(format: "h%02d", bounds[i]) : String(format: "h%02d-%02d", bounds[i], bounds[i + 1])
            return TimeSlice(name: name, hours: Double(bounds[i + 1] - bounds[i]), share: weights[i] / total)
        }
    }

    /// x rounded to `digits` significant digits.
    static func significant(_ x: Double, _ digits: Int) -> Double {
        guard x != 0, x.isFinite else { return x }
        let e = Int(floor(log10(abs(x))))
        let k = digits - 1 - e
        if k >= 0 {
            let f = pow(10, Double(k))
            return (x * f).rounded() / f
        }
        let f = pow(10, Double(-k))
        return (x / f).rounded() * f
    }
}
