import Foundation
import LinearProgramming

/// The size and solve time of the model with section 8's features on and off
/// (docs/benchmarks.md, "Contracts, replicas, platforms and margins"): `capplan bench --features`.
public enum ProcurementBenchmark {
    /// Every feature of docs/formulation.md section 8 switched on in `scenario`, deterministically:
    /// reserved rentals get terms of 1 year (even positions) and 3 years (odd), with an upfront
    /// fee of 100 hours' price on the 3-year ones; every purchase and rental pair a replica size
    /// (a quarter of an 8-accelerator unit, 2 accelerators on a one-accelerator unit; a derived
    /// serving option without one gets its tensor-parallel group, section 9); the first
    /// workload minReplicas 2; purchases alternate between platforms `nvidia` and `amd` (amd
    /// costing 5 of its dearest unit to adopt and 1 a year), rentals `nvidia`; purchases one
    /// spare unit and rentals a 3% failure derating.
    public enum Feature: String, CaseIterable, Sendable {
        case contracts, replicas, platforms, margins
    }

    public static func withFeatures(_ scenario: Scenario, _ features: Set<Feature> = Set(Feature.allCases)) -> Scenario {
        var copy = scenario
        let perYear = scenario.horizon.kind.periodsPerYear
        var purchaseCount = 0, reservedCount = 0, amdPrice = 0.0
        func replicas(_ throughput: [String: Double], perUnit: Int) -> [String: Int] {
            let size = perUnit % 4 == 0 ? perUnit / 4 : (perUnit == 1 ? 2 : perUnit)
            return throughput.filter { $0.value > 0 }.mapValues { _ in size }
        }
        func replicas(_ derived: [String: [ServingOption]]) -> [String: [ServingOption]] {
            derived.mapValues { options in
                options.map { option in
                    var sized = option
                    sized.acceleratorsPerReplica = option.acceleratorsPerReplica ?? option.derivation?.tensorParallel
                    return sized
                }
            }
        }
        copy.offerings = scenario.offerings.map { offering in
            switch offering {
            case .purchase(var o):
                if features.contains(.replicas) {
                    o.acceleratorsPerReplica = replicas(o.throughput, perUnit: o.acceleratorsPerUnit)
                    o.derivedServing = replicas(o.derivedServing)
                }
                if features.contains(.platforms) {
                    o.platform = purchaseCount % 2 == 0 ? "nvidia" : "amd"
                    if o.platform == "amd" { amdPrice = max(amdPrice, o.unitPrice) }
                }
                if features.contains(.margins) { o.spareUnits = 1 }
                purchaseCount += 1
                return .purchase(o)
            case .rental(var o):
                if features.contains(.replicas) {
                    o.acceleratorsPerReplica = replicas(o.throughput, perUnit: o.acceleratorsPerUnit)
                    o.derivedServing = replicas(o.derivedServing)
                }
                if features.contains(.platforms) { o.platform = "nvidia" }
                if features.contains(.margins) { o.failureDerating = 0.03 }
                if o.commitment == .period, features.contains(.contracts) {
                    let years = reservedCount % 2 == 0 ? 1 : 3
                    o.termPeriods = years * perYear
                    if years == 3 { o.upfrontPerUnit = 100 * o.pricePerUnitHour }
                    reservedCount += 1
                }
                return .rental(o)
            case .api:
                return offering
            }
        }
        if !copy.workloads.isEmpty, features.contains(.replicas) { copy.workloads[0].minReplicas = 2 }
        if amdPrice > 0 { copy.platforms = [PlatformCost(id: "amd", adoptionCost: 5 * amdPrice, yearlyCost: amdPrice)] }
        return copy
    }

    public struct Measurement: Codable, Sendable {
        public var rows: Int
        public var columns: Int
        public var nonzeros: Int
        /// Integer columns, binaries included.
        public var integerColumns: Int
        public var binaryColumns: Int
        public var status: String
        public var objective: Double?
        public var mipGap: Double?
        /// Building the model and its main solve (branch-and-cut with the plan's heuristics).
        public var buildSeconds: Double
        public var solveSeconds: Double
    }

    /// Builds `scenario`'s model and solves it as `Planner.plan` solves the plan (without the
    /// audit, the extras and the plan document).
    public static func measure(_ scenario: Scenario, relax: Bool = false, timeLimit: Double? = nil, tuning: SolverTuning = SolverTuning()) throws -> Measurement {
        let build = Stopwatch()
        let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, integerUnits: relax ? false : nil))
        let built = build.seconds
        var options = PlanOptions()
        tuning.apply(to: &options)
        options.relax = relax
        options.timeLimit = timeLimit
        let solve = Stopwatch()
        let solution = try Planner.solve(model, options: options)
        return Measurement(
            rows: model.lp.constraintCount, columns: model.lp.variableCount, nonzeros: model.lp.entryCount,
            integerColumns: model.lp.integerVariableCount, binaryColumns: model.lp.variableKinds.filter { $0 == .binary }.count,
            status: Planner.status(of: solution).rawValue, objective: solution.objectiveValue,
            mipGap: solution.isMIP ? solution.relativeGap : nil, buildSeconds: built, solveSeconds: solve.seconds)
    }
}
