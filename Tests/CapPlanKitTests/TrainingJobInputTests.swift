import Foundation
import XCTest
@testable import CapPlanKit

/// Scenario input of issue 14: training and fine-tuning jobs, their compute F_j, their pools and
/// the accelerator-hours A_jo on each (docs/scenario-format.md "Training and fine-tuning jobs",
/// docs/formulation.md section 10). Every figure below is worked out by hand in its comment.
final class TrainingJobInputTests: XCTestCase {
    func load(_ text: String) throws -> Scenario {
        try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: ".").scenario
    }

    func errors(_ text: String) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: ".")
            XCTFail("expected errors")
            return []
        } catch let e as ScenarioLoadError {
            return e.diagnostics
        } catch {
            XCTFail("\(error)")
            return []
        }
    }

    /// Four quarters from 2027Q1, one workload, an A100 and an H100 purchase, an MI300X purchase,
    /// the AWS p5 on-demand rental (catalog: clusterNetworking), a per-GPU rental without it,
    /// and an API. Lines 1-12; jobs start on line 13.
    static let header = """
        name: t
        horizon: {start: 2027Q1, periods: 4}
        workloads:
          - {id: chat, demand: {tokensPerPeriod: [1e12, 1e12, 1e12, 1e12]}}
        offerings:
          - {id: a100-node, kind: purchase, unitPrice: 200000, accelerator: A100, acceleratorsPerUnit: 8, lifetimePeriods: 16, throughput: {chat: 5000}}
          - {id: h100-node, kind: purchase, unitPrice: 300000, accelerator: H100, acceleratorsPerUnit: 8, lifetimePeriods: 16, throughput: {chat: 9000}}
          - {id: mi300x-node, kind: purchase, unitPrice: 250000, accelerator: MI300X, acceleratorsPerUnit: 8, lifetimePeriods: 16, throughput: {chat: 9000}}
          - {use: aws-p5-h100-on-demand}
          - {use: gcp-h100-on-demand}
          - {id: api, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 2, serves: [chat]}
        jobs:

        """

    func pool(_ job: TrainingJob, _ offering: String) throws -> TrainingPool {
        try XCTUnwrap(job.pools.first { $0.offering == offering }, "\(job.id) has no pool \(offering): \(job.pools.map(\.offering))")
    }

    /// Llama 2 70B pre-training (Touvron et al. 2023, Table 2: 1,720,320 A100-80GB hours):
    /// F = 6 × 70e9 × 2e12 = 8.4e23 FLOPs; on A100 (312 dense BF16 TFLOPS) at MFU 0.42:
    /// A = 8.4e23 / (3600 × 312e12 × 0.42) = 8.4e23 / 4.71744e17 = 1,780,626.8 A100-hours,
    /// 3.5% over Meta's figure (1,780,626.8 / 1,720,320 = 1.0351), within the 10% asked.
    func testLlama2PreTrainingOnA100PlansWithinTenPercentOfMeta() throws {
        let s = try load(Self.header + """
              - {id: llama2-70b, parameters: 70e9, tokens: 2e12, mfu: 0.42, minAccelerators: 64}
            """)
        let job = try XCTUnwrap(s.jobs.first)
        XCTAssertEqual(job.flops, 8.4e23, accuracy: 1e9)
        XCTAssertEqual(job.computeBasis, "6·N·D")
        XCTAssertEqual(job.precision, .bf16)
        XCTAssertEqual(job.minAccelerators, 64)
        XCTAssertEqual(job.earliestStartIndex, 0)
        XCTAssertEqual(job.deadlineIndex, 3)
        let a100 = try pool(job, "a100-node")
        XCTAssertEqual(a100.peakTFLOPS, 312)
        XCTAssertEqual(a100.mfu, 0.42)
        XCTAssertEqual(a100.mfuSource, TrainingDerivation.jobMFUSource)
        XCTAssertEqual(a100.acceleratorHours, 1_780_626.8, accuracy: 0.1)
        XCTAssertEqual(a100.acceleratorHours / 1_720_320, 1.0351, accuracy: 0.0001)
        XCTAssertLessThan(abs(a100.acceleratorHours / 1_720_320 - 1), 0.10)
        // On H100 at the same MFU: 8.4e23 / (3600 × 989e12 × 0.42) = 8.4e23 / 1.495368e18 = 561,734.6.
        XCTAssertEqual(try pool(job, "h100-node").acceleratorHours, 561_734.6, accuracy: 0.1)
        // Pools in offering order: the three purchases and the networked p5 rental; the per-GPU
        // rental without clusterNetworking and the API are none.
        XCTAssertEqual(job.pools.map(\.offering), ["a100-node", "h100-node", "mi300x-node", "aws-p5-h100-on-demand"])
    }

    /// LoRA: F = 4 × 8e9 × 1e9 = 3.2e19 FLOPs. On H100 at the NVIDIA BF16 default 0.40 (Llama 3
    /// paper) with overhead 1.25: A = 3.2e19 × 1.25 / (3600 × 989e12 × 0.40) = 4e19 / 1.42416e18
    /// = 28.0867 H100-hours. On MI300X (1307 TFLOPS) at the AMD estimate 0.375:
    /// 4e19 / (3600 × 1307e12 × 0.375) = 4e19 / 1.76445e18 = 22.6700.
    func testLoRAFineTuneIsFourNDWithDefaultMFUs() throws {
        let s = try load(Self.header + """
              - {id: ft, parameters: 8e9, tokens: 1e9, method: lora, overhead: 1.25, earliestStart: 2027Q2, deadline: 2027Q3, minAccelerators: 8}
            """)
        let job = try XCTUnwrap(s.jobs.first)
        XCTAssertEqual(job.flops, 3.2e19, accuracy: 1)
        XCTAssertEqual(job.computeBasis, "4·N·D")
        XCTAssertEqual(job.overhead, 1.25)
        XCTAssertEqual(job.earliestStartIndex, 1)
        XCTAssertEqual(job.deadlineIndex, 2)
        let h100 = try pool(job, "h100-node")
        XCTAssertEqual(h100.mfu, 0.40)
        XCTAssertTrue(h100.mfuSource.contains("Llama 3"), h100.mfuSource)
        XCTAssertFalse(h100.mfuSource.hasPrefix("estimate"), h100.mfuSource)
        XCTAssertEqual(h100.acceleratorHours, 28.0867, accuracy: 0.0001)
        let mi300x = try pool(job, "mi300x-node")
        XCTAssertEqual(mi300x.mfu, 0.375)
        XCTAssertTrue(mi300x.mfuSource.hasPrefix("estimate: "), mi300x.mfuSource)
        XCTAssertEqual(mi300x.acceleratorHours, 22.6700, accuracy: 0.0001)
    }

    /// Accelerator-hours on a reference: 10,000 H100-hours in BF16 at the default 0.40 are
    /// F = 1e4 × 3600 × 989e12 × 0.40 = 1.42416e22 FLOPs. On A100 (same default MFU) that is
    /// 1e4 × 989 / 312 = 31,698.72 A100-hours; on MI300X at 0.375:
    /// 1e4 × (989 × 0.40) / (1307 × 0.375) = 1e4 × 395.6 / 490.125 = 8,071.41 hours; on the
    /// reference itself exactly 10,000.
    func testAcceleratorHoursOnAReferenceConvertToOtherAccelerators() throws {
        let s = try load(Self.header + """
              - {id: hrs, acceleratorHours: 10000, referenceAccelerator: h100}
            """)
        let job = try XCTUnwrap(s.jobs.first)
        XCTAssertEqual(job.flops, 1.42416e22, accuracy: 1e8)
        XCTAssertEqual(job.computeBasis, "accelerator-hours on h100")
        XCTAssertEqual(try pool(job, "a100-node").acceleratorHours, 31_698.72, accuracy: 0.01)
        XCTAssertEqual(try pool(job, "mi300x-node").acceleratorHours, 8_071.41, accuracy: 0.01)
        XCTAssertEqual(try pool(job, "h100-node").acceleratorHours, 10_000, accuracy: 1e-6)
        XCTAssertEqual(try pool(job, "aws-p5-h100-on-demand").acceleratorHours, 10_000, accuracy: 1e-6)
    }

    /// FP8: the A100 has no FP8 arithmetic, so it is no pool; H100 runs at 1979 TFLOPS and the
    /// NVIDIA FP8 estimate 0.28: A = 1e22 / (3600 × 1979e12 × 0.28) = 1e22 / 1.994832e18 = 5,012.95.
    func testFP8JobSkipsAcceleratorsWithoutFP8() throws {
        let s = try load(Self.header + """
              - {id: f8, flops: 1e22, precision: fp8, earliestStart: 2026Q1}
            """)
        let job = try XCTUnwrap(s.jobs.first)
        XCTAssertEqual(job.computeBasis, "flops")
        XCTAssertEqual(job.earliestStartIndex, 0, "an earliest start before the horizon is its first period")
        XCTAssertEqual(job.pools.map(\.offering), ["h100-node", "mi300x-node", "aws-p5-h100-on-demand"])
        let h100 = try pool(job, "h100-node")
        XCTAssertEqual(h100.peakTFLOPS, 1979)
        XCTAssertEqual(h100.mfu, 0.28)
        XCTAssertEqual(h100.acceleratorHours, 5_012.95, accuracy: 0.01)
    }

    /// `clusterNetworking` on a scenario rental; `maxUnits × acceleratorsPerUnit` below the
    /// cluster minimum is no pool; a rental kept only for training needs no throughput.
    func testClusterNetworkingAndRentalRoom() throws {
        let s = try load("""
            name: t
            horizon: {start: 2027Q1, periods: 2}
            workloads:
              - {id: chat, demand: {tokensPerPeriod: [1e12, 1e12]}}
            offerings:
              - {id: small, kind: rental, pricePerUnitHour: 30, accelerator: H100, acceleratorsPerUnit: 8, maxUnits: 1, clusterNetworking: true}
              - {id: big, kind: rental, pricePerUnitHour: 30, accelerator: H100, acceleratorsPerUnit: 8, maxUnits: 2, clusterNetworking: true}
              - {id: api, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 2, serves: [chat]}
            jobs:
              - {id: j, flops: 1e21, minAccelerators: 16}
            """)
        XCTAssertEqual(s.jobs[0].pools.map(\.offering), ["big"])
        XCTAssertTrue(s.rentals.allSatisfy(\.clusterNetworking))
        XCTAssertTrue(s.rentals.allSatisfy { $0.throughput.isEmpty })
        // The catalog: multi-GPU AWS instances are networked, per-GPU rentals are not.
        let catalog = Catalog.builtIn
        XCTAssertEqual(catalog.rentals.first { $0.id == "aws-p5-h100-capacity-block" }?.clusterNetworking, true)
        XCTAssertEqual(catalog.rentals.first { $0.id == "aws-p4de-a100-on-demand" }?.clusterNetworking, true)
        XCTAssertEqual(catalog.rentals.first { $0.id == "runpod-h100-on-demand" }?.clusterNetworking, false)
    }

    /// Several errors at once, each with its path and line.
    func testErrorsAreReportedTogetherWithPathAndLine() {
        let found = errors(Self.header + """
              - {id: chat, flops: 1e22}
              - {id: two, flops: 1e22, parameters: 1e9}
              - {id: bad, flops: 1e33, mfu: 0, overhead: 11, minAccelerators: 0.5}
              - {id: late, flops: 1e22, earliestStart: 2027Q4, deadline: 2027Q2}
              - {id: out, flops: 1e22, deadline: 2028Q1}
              - {id: ref, acceleratorHours: 10, referenceAccelerator: h10}
              - {id: m, parameters: 1e9, tokens: 1e9, method: lroa}
              - {id: ref8, acceleratorHours: 10, referenceAccelerator: a100, precision: fp8}
            """)
        let byPath = Dictionary(found.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let expected: [(path: String, line: Int, says: String)] = [
            ("jobs[0].id", 13, "no workload's id"),
            ("jobs[1]", 14, "only one of"),
            ("jobs[2].flops", 15, "(0, 1e32]"),
            ("jobs[2].mfu", 15, "(0, 1]"),
            ("jobs[2].overhead", 15, "[1, 10]"),
            ("jobs[2].minAccelerators", 15, "whole number"),
            ("jobs[3].earliestStart", 16, "no later than the deadline, 2027Q2"),
            ("jobs[4].deadline", 17, "within the horizon, 2027Q1...2027Q4"),
            ("jobs[5].referenceAccelerator", 18, "did you mean `h100`?"),
            ("jobs[6].method", 19, "did you mean `lora`?"),
            ("jobs[7].referenceAccelerator", 20, "fp8 arithmetic"),
        ]
        for e in expected {
            guard let d = byPath[e.path] else { XCTFail("no error at \(e.path): \(found)"); continue }
            XCTAssertEqual(d.line, e.line, "\(d)")
            XCTAssertTrue(d.message.contains(e.says), "\(d)")
        }
        XCTAssertEqual(found.count, expected.count, found.map(\.description).joined(separator: "\n"))
    }

    /// A job without a pool names each purchase's and rental's reason, next to other errors.
    func testJobWithoutAPoolListsEachOfferingsReason() {
        let found = errors("""
            name: t
            horizon: {start: 2027Q1, periods: 2}
            workloads:
              - {id: chat, demand: {tokensPerPeriod: [1e12, 1e12]}}
            offerings:
              - {id: old, kind: purchase, unitPrice: 100000, accelerator: A100, acceleratorsPerUnit: 8, lifetimePeriods: 8, throughput: {chat: 1000}}
              - {id: custom, kind: purchase, unitPrice: 100000, accelerator: X1, acceleratorsPerUnit: 8, lifetimePeriods: 8, throughput: {chat: 1000}}
              - {id: cloud, kind: rental, pricePerUnitHour: 3, accelerator: H100, throughput: {chat: 1000}}
              - {id: tiny, kind: rental, pricePerUnitHour: 30, accelerator: H100, acceleratorsPerUnit: 8, maxUnits: 1, clusterNetworking: true, throughput: {chat: 9000}}
              - {id: api, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 2, serves: [chat]}
            jobs:
              - {id: j, flops: 1e22, precision: fp8, minAccelerators: 16}
              - {id: k, flops: -1}
            """)
        let pool = found.first { $0.path == "jobs[0]" }
        XCTAssertEqual(pool?.line, 12)
        let message = pool?.message ?? ""
        XCTAssertTrue(message.contains("`old`: A100 has no fp8 arithmetic"), message)
        XCTAssertTrue(message.contains("`custom`: accelerator `X1` is not one the performance model knows"), message)
        XCTAssertTrue(message.contains("`cloud`: a rental without clusterNetworking"), message)
        XCTAssertTrue(message.contains("`tiny`: at most 8 accelerators (maxUnits 1 x 8 per unit), fewer than minAccelerators 16"), message)
        XCTAssertFalse(message.contains("`api`"), message)
        XCTAssertTrue(found.contains { $0.path == "jobs[1].flops" && $0.line == 13 }, "\(found)")
    }

    /// The writer writes jobs in the form given; the loader reads back an equal scenario.
    func testWriterRoundTripsEveryComputeForm() throws {
        let s = try load(Self.header + """
              - {id: a, flops: 1.5e21, overhead: 1.1, deadline: 2027Q2}
              - {id: b, parameters: 70.6e9, tokens: 2e8, method: lora, precision: fp8, mfu: 0.3, earliestStart: 2027Q2, minAccelerators: 16}
              - {id: c, parameters: 8e9, tokens: 1e11}
              - {id: d, acceleratorHours: 5000, referenceAccelerator: H100}
            """)
        let yaml = ScenarioWriter.yaml(s)
        XCTAssertTrue(yaml.contains("    method: lora\n"), yaml)
        XCTAssertTrue(yaml.contains("    referenceAccelerator: \"h100\"\n"), yaml)
        XCTAssertTrue(yaml.contains("    clusterNetworking: true\n"), yaml)
        let back = try load(yaml)
        XCTAssertEqual(back.jobs, s.jobs)
        XCTAssertEqual(back, s)
    }

    /// `ScenarioRules.violations` (the generator's and the edits' check) covers jobs too.
    func testRuleViolationsCoverJobs() throws {
        var s = try load(Self.header + """
              - {id: ok, flops: 1e21}
            """)
        XCTAssertEqual(ScenarioRules.violations(in: s), [])
        s.jobs[0].deadlineIndex = 4
        s.jobs[0].mfu = 0
        s.jobs[0].precision = .int4
        s.jobs.append(s.jobs[0])
        s.jobs[1].pools = []
        let found = ScenarioRules.violations(in: s)
        XCTAssertTrue(found.contains("jobs.ok.window: expected 0 <= earliestStart <= deadline < 4, got 0...4"), "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("jobs.ok.mfu: expected a model FLOPs utilization in (0, 1]") }, "\(found)")
        XCTAssertTrue(found.contains("jobs.ok.precision: expected bf16 or fp8, got int4"), "\(found)")
        XCTAssertTrue(found.contains("jobs.ok: expected a unique job id"), "\(found)")
        XCTAssertTrue(found.contains("jobs.ok.pools: expected at least one pool"), "\(found)")
    }

    /// Size: each pool adds at most 1 + |window| × slices × (12 + jobs + the pool's serving
    /// options) nonzeros to the builder's bound (the room row repeats the capacity row), which
    /// the validator checks. One job, two pools serving nothing, a window of 3 periods (indices
    /// 1...3), 2 slices: 2 × (1 + 3 × 2 × (12 + 1 + 0)) = 158.
    func testNonzeroBoundCountsEachJobPool() {
        var job = TrainingJob(id: "j", flops: 1e20, earliestStartIndex: 1, deadlineIndex: 3)
        job.pools = [
            TrainingPool(offering: "a", peakTFLOPS: 1, mfu: 1, mfuSource: "", acceleratorHours: 1),
            TrainingPool(offering: "b", peakTFLOPS: 1, mfu: 1, mfuSource: "", acceleratorHours: 1),
        ]
        let offerings: [Offering] = [.api(APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 1, serves: ["w"]))]
        func bound(_ jobs: [TrainingJob]) -> Double {
            CapacityModelBuilder.nonzeroUpperBound(periods: 4, slices: 2, workloads: 1, offerings: offerings, unservedPriced: false, jobs: jobs)
        }
        XCTAssertEqual(bound([job]) - bound([]), 158)
    }

    /// Generated scenarios: some tiny and small ones get jobs, each with a pool, and they load
    /// back equal from the written file; turning jobs off changes nothing else.
    func testGeneratorEmitsValidJobsAndLeavesOtherDrawsAlone() throws {
        var withJobs = 0
        for seed in 1...40 {
            // Without issue 12's draws, which keep spot rentals and windows off the jobs' rentals.
            let generator = ScenarioGenerator(size: .tiny, seed: UInt64(seed), shapeFeatures: false)
            let s = generator.scenario()
            var without = ScenarioGenerator(size: .tiny, seed: UInt64(seed), trainingFeatures: false, shapeFeatures: false).scenario()
            XCTAssertTrue(without.jobs.isEmpty)
            guard !s.jobs.isEmpty else {
                XCTAssertEqual(s, without, "seed \(seed)")
                continue
            }
            withJobs += 1
            XCTAssertLessThanOrEqual(s.jobs.count, 2)
            for job in s.jobs {
                XCTAssertFalse(job.pools.isEmpty, "seed \(seed)")
                XCTAssertLessThanOrEqual(job.minAccelerators, 8)
                XCTAssertGreaterThanOrEqual(job.deadlineIndex - job.earliestStartIndex + 1, min(2, s.horizon.periods))
            }
            XCTAssertEqual(ScenarioRules.violations(in: s), [])
            let back = try load(ScenarioWriter.yaml(s))
            XCTAssertEqual(back, s, "seed \(seed)")
            // Without the jobs, the scenario is the one drawn without them, apart from the
            // rentals' clusterNetworking and the fiscal budgets' room for the jobs.
            var stripped = s
            stripped.jobs = []
            for i in stripped.offerings.indices {
                if case .rental(var r) = stripped.offerings[i] { r.clusterNetworking = false; stripped.offerings[i] = .rental(r) }
            }
            stripped.budget.fiscalYears = []
            without.budget.fiscalYears = []
            XCTAssertEqual(stripped, without, "seed \(seed)")
        }
        XCTAssertGreaterThanOrEqual(withJobs, 4)
        XCTAssertTrue((1...10).allSatisfy { ScenarioGenerator(size: .tiny, seed: $0, procurementFeatures: false).scenario().jobs.isEmpty })
        XCTAssertTrue((1...10).allSatisfy { ScenarioGenerator(size: .medium, seed: $0).scenario().jobs.isEmpty })
    }
}
