// The evaluator on section 10 of docs/formulation.md (training and fine-tuning jobs), on
// hand-written decisions, against figures worked out by hand in the comments.

import Foundation
import TestSupport
import Testing
@testable import CapPlanKit

/// Hand-built scenarios with one training job.
enum JobExamples {
    /// Quarters 2027Q1..Q4 (d = 91.25 days), slices `night` (8 h, a quarter of the tokens) and
    /// `day` (16 h): a night slice lasts 91.25 · 8 = 730 h, a day slice 1 460 h.
    static let nightHours = 730.0
    static let dayHours = 1460.0

    /// Tokens per quarter that make chat's night rate `nightRate` tokens/s:
    /// r_night = D · 0.25 / (730 · 3600), so D = nightRate · 730 · 3600 / 0.25; the day rate is then
    /// D · 0.75 / (1460 · 3600) = 1.5 · nightRate.
    static func quarterTokens(nightRate: Double) -> Double { nightRate * nightHours * 3600 / 0.25 }

    /// An owned pool `dgx` (8 GPUs a unit, 40 000 USD, 4 quarters, 1 000 tokens/s of chat, on
    /// platform `nvidia` at 4 000 USD a year), a reserved rental `cloud` (8 GPUs, 10 USD/h, cluster
    /// networking, optional spare units), a per-GPU rental `spot` without cluster networking, and
    /// job `pretrain`: A = 7 300 accelerator-hours on dgx and on cloud, window 2027Q2..2027Q3,
    /// at least 8 accelerators. U = 0.8, no discounting.
    static func scenario(chatNightRates: [Double] = [0, 0, 0, 0], cloudSpareUnits: Int = 0) -> Scenario {
        var cloud = RentalOffering(id: "cloud", pricePerUnitHour: 10, accelerator: "H100", acceleratorsPerUnit: 8,
                                   commitment: .period, throughput: [:], spareUnits: cloudSpareUnits)
        cloud.clusterNetworking = true
        var scenario = Scenario(
            name: "jobs", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 4),
            timeSlices: [TimeSlice(name: "night", hours: 8, share: 0.25), TimeSlice(name: "day", hours: 16, share: 0.75)],
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: chatNightRates.map { quarterTokens(nightRate: $0) })],
            offerings: [
                .purchase(PurchaseOffering(id: "dgx", unitPrice: 40_000, accelerator: "H100", acceleratorsPerUnit: 8, lifetimePeriods: 4,
                                           throughput: ["chat": 1000], platform: "nvidia")),
                .rental(cloud),
                .rental(RentalOffering(id: "spot", pricePerUnitHour: 2, accelerator: "H100", throughput: [:])),
            ],
            policy: Policy(utilizationCap: 0.8), platforms: [PlatformCost(id: "nvidia", yearlyCost: 4000)])
        scenario.jobs = [TrainingJob(
            id: "pretrain", flops: 1e21, earliestStartIndex: 1, deadlineIndex: 2, minAccelerators: 8,
            pools: [TrainingPool(offering: "dgx", peakTFLOPS: 989, mfu: 0.4, mfuSource: "test", acceleratorHours: 7300),
                    TrainingPool(offering: "cloud", peakTFLOPS: 989, mfu: 0.4, mfuSource: "test", acceleratorHours: 7300)])]
        return scenario
    }

    /// [period][slice] with `night` accelerators in the night slice of the given quarters (0-based).
    static func nights(_ byPeriod: [Int: Double], day: [Int: Double] = [:]) -> [[Double]] {
        (0..<4).map { [byPeriod[$0] ?? 0, day[$0] ?? 0] }
    }
}

@Suite("Evaluator: training jobs")
struct EvaluatorTrainingJobTests {
    @Test func eightAcceleratorsOnTwoNightsCompleteTheJob() {
        // 8 accelerators in the nights of 2027Q2 and 2027Q3: 2 · 8 · 730 = 11 680 accelerator-hours
        // against A = 7 300: 11 680 / 7 300 = 1.6 of the compute. One dgx unit from 2027Q1 holds
        // them: U · 8 / 8 = 0.8 ≤ U · 1 = 0.8. Costs: 40 000 / 4 = 10 000 USD of capex a quarter,
        // and the platform is in use only where the job runs: 4 000 · 2190 / 8760 = 1 000 USD in
        // 2027Q2 and 2027Q3. Total 40 000 + 2 000 = 42 000 USD.
        let scenario = JobExamples.scenario()
        let decisions = PlanDecisions(arrivals: ["dgx": [1, 0, 0, 0]],
                                      training: ["pretrain": ["dgx": JobExamples.nights([1: 8, 2: 8])]])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(result.jobs == [JobEvaluation(job: "pretrain", pool: "dgx", acceleratorHours: 11_680, acceleratorHoursRequired: 7300,
                                              computeDone: 1.6, firstPeriod: "2027Q2", lastPeriod: "2027Q3")])
        #expect(result.platforms.first?.inUse == [false, true, true, false])
        #expect(nearlyEqual(result.costByComponent.platform, 2000))
        #expect(nearlyEqual(result.totalCost, 42_000))
        #expect(nearlyEqual(result.discountedCost, 42_000))
    }

    @Test func oneNightLeavesTwentyPercentOfTheComputeMissing() {
        // 8 accelerators in the night of 2027Q2 only: 8 · 730 = 5 840 of 7 300 accelerator-hours,
        // 80 %; 7 300 − 5 840 = 1 460 accelerator-hours (20 %) missing. The row's amount is the
        // share missing, 1 − 0.8 = 0.2.
        let scenario = JobExamples.scenario()
        let decisions = PlanDecisions(arrivals: ["dgx": [1, 0, 0, 0]], training: ["pretrain": ["dgx": JobExamples.nights([1: 8])]])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(result.violations.map(\.family) == [.jobCompute])
        let violation = result.violations[0]
        #expect(violation.rowName == "jobCompute[pretrain]")
        #expect(abs(violation.amount - 0.2) < 1e-12)
        #expect(violation.message.contains("5840 of the 7300 accelerator-hours it needs on dgx by its deadline 2027Q3 (80%)"),
                "\(violation.message)")
        #expect(violation.message.contains("1460 accelerator-hours (20%) missing"), "\(violation.message)")
        #expect(result.jobs.first?.computeDone == 0.8)
    }

    @Test func aJobThatNeverRunsNamesWhatItNeeds() {
        let result = PlanEvaluator(scenario: JobExamples.scenario()).evaluate(PlanDecisions())
        #expect(result.violations.map(\.family) == [.jobCompute])
        #expect(result.violations[0].amount == 1)
        #expect(result.violations[0].message.contains("never runs: it needs 7300 on dgx or 7300 on cloud accelerator-hours"),
                "\(result.violations[0].message)")
        #expect(result.jobs == [JobEvaluation(job: "pretrain", pool: nil, acceleratorHours: 0, acceleratorHoursRequired: 7300,
                                              computeDone: 0, firstPeriod: nil, lastPeriod: nil)])
    }

    @Test func fourAcceleratorsOnAverageFitTheClusterOfEightWhenThePoolHasRoom() {
        // 4 accelerators on average in the night of 2027Q2 (minAccelerators 8): g is an average
        // over the slice, and the one dgx unit has room for the cluster of 8 beside nothing else
        // (jobClusterRoom: 0 + U · 8 / 8 = 0.8 ≤ U · 1 = 0.8), so no violation. The compute:
        // (4 · 730 + 8 · 730 + 8 · 1 460) / 7 300 = 20 440 / 7 300 = 2.8.
        let scenario = JobExamples.scenario()
        let decisions = PlanDecisions(arrivals: ["dgx": [1, 0, 0, 0]],
                                      training: ["pretrain": ["dgx": JobExamples.nights([1: 4, 2: 8], day: [2: 8])]])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(nearlyEqual(result.jobs[0].computeDone, 2.8))
        // Below the tolerance a job does not run: 1e-7 accelerators is no cluster, and asks for no
        // room where one reserved cloud unit with a spare one has none (U · (1 − 1) = 0).
        let dust = PlanEvaluator(scenario: JobExamples.scenario(cloudSpareUnits: 1)).evaluate(PlanDecisions(
            arrivals: ["dgx": [1, 0, 0, 0]], reservedUnits: ["cloud": [0, 1, 0, 0]],
            training: ["pretrain": ["dgx": JobExamples.nights([1: 8, 2: 8]), "cloud": JobExamples.nights([:], day: [1: 1e-7])]]))
        #expect(dust.violations.isEmpty, "\(dust.violations)")
    }

    /// One quarter 2027Q1 with one all-day slice (24 h: 91.25 · 24 = 2 190 h), U = 0.8: an owned
    /// `node` of 8 GPUs (40 000 USD over 4 quarters, 1 000 tokens/s of chat), and a LoRA fine-tune
    /// `tune` of 126 accelerator-hours on it, at least 8 accelerators.
    private func fineTuneScenario(chatRate: Double) -> Scenario {
        var scenario = Scenario(
            name: "fine-tune", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 1),
            timeSlices: [TimeSlice(name: "all-day", hours: 24, share: 1)],
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [chatRate * 2190 * 3600])],
            offerings: [.purchase(PurchaseOffering(id: "node", unitPrice: 40_000, accelerator: "H100", acceleratorsPerUnit: 8,
                                                   lifetimePeriods: 4, throughput: ["chat": 1000]))],
            policy: Policy(utilizationCap: 0.8))
        scenario.jobs = [TrainingJob(
            id: "tune", flops: 1e18, earliestStartIndex: 0, deadlineIndex: 0, minAccelerators: 8,
            pools: [TrainingPool(offering: "node", peakTFLOPS: 989, mfu: 0.4, mfuSource: "test", acceleratorHours: 126)])]
        return scenario
    }

    @Test func aFineTuneRunsHoursOfAQuarterOnAClusterOfEight() {
        // g = 126 / 2 190 ≈ 0.0575 accelerators on average: 0.0575 · 2 190 = 126 accelerator-hours,
        // the whole job (compute 1). No inference: the node has room for the cluster of 8,
        // 0 + U · 8 / 8 = 0.8 ≤ U · 1 = 0.8, and the capacity row holds, U · 0.0575 / 8 ≤ 0.8. The
        // job costs nothing beyond the node's 10 000 USD a quarter (it is not charged 8 · 2 190 =
        // 17 520 accelerator-hours).
        let g = 126.0 / 2190
        let decisions = PlanDecisions(arrivals: ["node": [1]], training: ["tune": ["node": [[g]]]])
        let alone = PlanEvaluator(scenario: fineTuneScenario(chatRate: 0)).evaluate(decisions)
        #expect(alone.violations.isEmpty, "\(alone.violations)")
        #expect(nearlyEqual(alone.jobs[0].computeDone, 1))
        #expect(nearlyEqual(alone.totalCost, 10_000))
        // chat at 400 tokens/s on the node takes 400 / 1 000 = 0.4 units of U · 1 = 0.8: the room
        // left is (0.8 − 0.4) · 8 / U = 4 accelerators, half the cluster. jobClusterRoom:
        // 0.4 + U · 8 / 8 = 1.2 > 0.8, reported in accelerators: 8 − 4 = 4 short. The capacity row
        // alone holds: 0.4 + U · 0.0575 / 8 ≈ 0.406 ≤ 0.8.
        let served: [String: [String: [[Double]]]] = ["node": ["chat": [[400]]]]
        let crowded = PlanEvaluator(scenario: fineTuneScenario(chatRate: 400)).evaluate(PlanDecisions(
            arrivals: ["node": [1]], served: served, training: ["tune": ["node": [[g]]]]))
        #expect(crowded.violations.map(\.rowName) == ["jobCluster[tune,node,2027Q1,all-day]"])
        #expect(abs(crowded.violations[0].amount - 4) < 1e-9)
        #expect(crowded.violations[0].message.contains("its cluster of 8 accelerators (minAccelerators) has room for only 4 there: "
                                                       + "inference takes 4 accelerators' worth of the 8 it has"), "\(crowded.violations[0].message)")
        // Two nodes: room (1.6 − 0.4) · 8 / 0.8 = 12 ≥ 8.
        let two = PlanEvaluator(scenario: fineTuneScenario(chatRate: 400)).evaluate(PlanDecisions(
            arrivals: ["node": [2]], served: served, training: ["tune": ["node": [[g]]]]))
        #expect(two.violations.isEmpty, "\(two.violations)")
    }

    @Test func trainingOnTwoPoolsBreaksJobPool() {
        // 8 accelerators on dgx in the night of 2027Q2 (5 840 h) and on cloud in the night of 2027Q3
        // (5 840 h): two pools, amount 2 − 1 = 1. The compute row sums over pools: 5 840 / 7 300 · 2
        // = 1.6, complete. One cloud unit reserved in 2027Q3 holds 8 GPUs: 0.8 ≤ 0.8.
        let scenario = JobExamples.scenario()
        let decisions = PlanDecisions(arrivals: ["dgx": [1, 0, 0, 0]], reservedUnits: ["cloud": [0, 0, 1, 0]],
                                      training: ["pretrain": ["dgx": JobExamples.nights([1: 8]), "cloud": JobExamples.nights([2: 8])]])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(result.violations.map(\.rowName) == ["jobPool[pretrain]"])
        #expect(result.violations[0].amount == 1)
        #expect(result.violations[0].message.contains("runs on 2 pools (dgx: 5840 accelerator-hours, cloud: 5840 accelerator-hours)"),
                "\(result.violations[0].message)")
        #expect(nearlyEqual(result.jobs[0].computeDone, 1.6))
    }

    @Test func aPeriodBeforeTheEarliestStartIsOutsideTheDomain() {
        // 8 accelerators in the night of 2027Q1, before the window 2027Q2..2027Q3: domain, and
        // ignored (no variable there), so with 2027Q2 the job has 5 840 / 7 300 = 80 %.
        let scenario = JobExamples.scenario()
        let decisions = PlanDecisions(arrivals: ["dgx": [1, 0, 0, 0]], training: ["pretrain": ["dgx": JobExamples.nights([0: 8, 1: 8])]])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(result.violations.map(\.rowName) == ["domain[pretrain,dgx,2027Q1]", "jobCompute[pretrain]"])
        #expect(result.violations[0].message.contains("in 2027Q1, before its earliest start 2027Q2"), "\(result.violations[0].message)")
        #expect(result.violations[0].amount == 8)
        #expect(result.jobs[0].firstPeriod == "2027Q2")
        // After the deadline likewise.
        let late = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(
            arrivals: ["dgx": [1, 0, 0, 0]], training: ["pretrain": ["dgx": JobExamples.nights([1: 8, 2: 8, 3: 8])]]))
        #expect(late.violations.map(\.message) == ["job pretrain runs up to 8 accelerators on dgx in 2027Q4, after its deadline 2027Q3"])
    }

    @Test func offeringsThatAreNoPoolOfTheJobAndUnknownJobs() {
        let scenario = JobExamples.scenario()
        let decisions = PlanDecisions(arrivals: ["dgx": [1, 0, 0, 0]], training: [
            "pretrain": ["dgx": JobExamples.nights([1: 8, 2: 8]), "spot": JobExamples.nights([1: 8])],
            "pretrian": ["dgx": JobExamples.nights([1: 8])],
        ])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(result.violations.map(\.family) == [.domain, .domain])
        #expect(result.violations.map(\.rowName) == ["domain[pretrian]", "domain[pretrain,spot]"])
        #expect(result.violations[0].message == "training names job pretrian, which does not exist")
        #expect(result.violations[1].message == "job pretrain cannot run on spot: spot is a rental without clusterNetworking "
                + "(its pools: dgx, cloud) but is given up to 8 accelerators there")
        // spot's accelerators are ignored: no rental cost, no load.
        #expect(nearlyEqual(result.totalCost, 42_000))
    }

    @Test func capacityRowWithInferenceAndTrainingTogether() {
        // 2027Q2: chat needs 400 tokens/s at night, 600 by day (1.5 · 400). One dgx unit serves both
        // (τ = 1 000) and runs the job's 8 accelerators at night:
        //   night: 400 / 1 000 + U · 8 / 8 = 0.4 + 0.8 = 1.2 > U · n = 0.8 · 1 = 0.8, over by 0.4;
        //   day:   600 / 1 000 = 0.6 ≤ 0.8.
        // The job's cluster has no room there either (jobClusterRoom: the same row with its 8 as the
        // cluster, 1.2 > 0.8): inference takes 0.4 · 8 / U = 4 accelerators' worth of U · 1 · 8 / U = 8,
        // room for 4 of the 8, short by 4 accelerators.
        // With two units (cap 1.6) both rows hold.
        let scenario = JobExamples.scenario(chatNightRates: [0, 400, 0, 0])
        let served: [String: [String: [[Double]]]] = ["dgx": ["chat": [[0, 0], [400, 600], [0, 0], [0, 0]]]]
        let training = ["pretrain": ["dgx": JobExamples.nights([1: 8, 2: 8])]]
        let one = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["dgx": [1, 0, 0, 0]], served: served, training: training))
        #expect(one.violations.map(\.rowName) == ["ownedCapacity[dgx,2027Q2,night]", "jobCluster[pretrain,dgx,2027Q2,night]"])
        #expect(abs(one.violations[1].amount - 4) < 1e-9)
        #expect(abs(one.violations[0].amount - 0.4) < 1e-12)
        #expect(one.violations[0].message.contains("runs 1.2 units' worth of load, training included: U × 1 units (8 accelerators of jobs, 8 a unit)"),
                "\(one.violations[0].message)")
        let two = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["dgx": [2, 0, 0, 0]], served: served, training: training))
        #expect(two.violations.isEmpty, "\(two.violations)")
        // Without the job the one unit suffices: the load is inference's alone.
        let alone = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["dgx": [1, 0, 0, 0]], served: served))
        #expect(alone.violations.map(\.family) == [.jobCompute])
    }

    @Test func aJobUsesTheSpareUnitsOfItsPool() {
        // cloud holds 1 spare unit while in use (8.4); the job alone puts it in use (jobPoolInUse),
        // so one reserved unit leaves U · (1 − 1) = 0 for the job's 0.8 units: over by 0.8, and no room
        // for its cluster either (jobClusterRoom, short by all 8 accelerators). Two units hold it:
        // U · (2 − 1) = 0.8. Rent: 10 USD/h · 2 190 h · 2 units · 2 quarters = 87 600 USD.
        let scenario = JobExamples.scenario(cloudSpareUnits: 1)
        let training = ["pretrain": ["cloud": JobExamples.nights([1: 8, 2: 8])]]
        let one = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(reservedUnits: ["cloud": [0, 1, 1, 0]], training: training))
        #expect(one.violations.map(\.rowName) == ["rentedCapacity[cloud,2027Q2,night]", "rentedCapacity[cloud,2027Q3,night]",
                                                   "jobCluster[pretrain,cloud,2027Q2,night]", "jobCluster[pretrain,cloud,2027Q3,night]"])
        #expect(one.violations.prefix(2).allSatisfy { abs($0.amount - 0.8) < 1e-12 })
        #expect(one.violations.suffix(2).allSatisfy { abs($0.amount - 8) < 1e-12 })
        let two = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(reservedUnits: ["cloud": [0, 2, 2, 0]], training: training))
        #expect(two.violations.isEmpty, "\(two.violations)")
        #expect(nearlyEqual(two.totalCost, 87_600))
        #expect(two.jobs[0].pool == "cloud")
    }

    @Test func negativeAcceleratorsAreReported() {
        let scenario = JobExamples.scenario()
        let decisions = PlanDecisions(arrivals: ["dgx": [1, 0, 0, 0]],
                                      training: ["pretrain": ["dgx": JobExamples.nights([1: 8, 2: 8], day: [1: -2])]])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(result.violations.map(\.rowName) == ["nonNegativity[pretrain,dgx,2027Q2,day]"])
    }
}

@Suite("Evaluate: training in plan files")
struct EvaluateTrainingInputTests {
    @Test func aFullPlanWithTrainingRoundTripsAndIsChecked() throws {
        let scenario = JobExamples.scenario()
        let decisions = PlanDecisions(arrivals: ["dgx": [1, 0, 0, 0]], training: ["pretrain": ["dgx": JobExamples.nights([1: 8, 2: 8])]])
        let text = PlanInputWriter.fullPlanYAML(scenario: scenario, decisions: decisions)
        #expect(text.contains("training:\n  - {job: pretrain, offering: dgx, period: 2027Q2, slice: night, accelerators: 8}\n"), "\(text)")
        let input = try EvaluateFixtures.input(text, scenario)
        #expect(input.shape == .full)
        #expect(input.training == decisions.training)
        var options = PlanEvaluationOptions()
        options.compareWithOptimal = false
        let report = try PlanEvaluationRun.evaluate(scenario, input: input, options: options)
        #expect(report.status == .feasible, "\(report.violations)")
        #expect(report.derived?.jobs?.first?.computeDone == 1.6)
        // Utilization: the unit is busy U · 8 / 8 = 0.8 in the 8-hour nights of 2027Q2 and 2027Q3 only:
        // 0.8 · 8/24 · 2 periods over 4 unit-periods = 2/15.
        #expect(nearlyEqual(try #require(report.plan?.ownedUtilization), 2.0 / 15))
        // The 160 %: 11 680 of 7 300 accelerator-hours.
        #expect(PlanEvaluationRun.text(report).contains("job pretrain: on dgx, 11,680 accelerator-hours of 7,300 needed (160% of its compute), 2027Q2 .. 2027Q3"),
                "\(PlanEvaluationRun.text(report))")
        // A slice-less entry fills every slice; training alone makes a full plan.
        let everySlice = try EvaluateFixtures.input("purchases: []\ntraining: [{job: pretrain, offering: dgx, period: 2027Q2, accelerators: 8}]", scenario)
        #expect(everySlice.shape == .full)
        #expect(everySlice.training["pretrain"]?["dgx"] == [[0, 0], [8, 8], [0, 0], [0, 0]])
        // Without jobs the written plan has no training key, as before.
        let noJobs = PlanInputWriter.fullPlanYAML(scenario: AuditExamples.worked(.amortized), decisions: PlanDecisions())
        #expect(!noJobs.contains("training"))
    }

    @Test func aPurchasesOnlyPlanLeavesTheJobsToTheSolverAndWritesThemBack() throws {
        // Two dgx units from 2027Q1 and no rentals: the solver places the job on dgx (chat needs
        // 0.4 units at night and 0.6 by day in 2027Q2, so a night of 8 accelerators fits beside it).
        // Capex 2 · 40 000 = 80 000 and the platform where used. The written full plan costs the same.
        let scenario = JobExamples.scenario(chatNightRates: [0, 400, 0, 0])
        var options = PlanEvaluationOptions()
        options.compareWithOptimal = false
        let plan = "purchases: [{offering: dgx, period: 2027Q1, units: 2}]\notherRentals: none"
        let completed = try PlanEvaluationRun.evaluate(scenario, input: try EvaluateFixtures.input(plan, scenario), options: options)
        #expect(completed.status == .feasible, "\(completed.violations) \(completed.notes)")
        let decisions = try #require(completed.decisions)
        #expect(decisions.training["pretrain"]?["dgx"] != nil)
        #expect(try #require(completed.derived?.jobs?.first).computeDone >= 1 - 1e-9)
        let text = PlanInputWriter.fullPlanYAML(scenario: scenario, decisions: decisions)
        let checked = try PlanEvaluationRun.evaluate(scenario, input: try EvaluateFixtures.input(text, scenario), options: options)
        #expect(checked.status == .feasible, "\(checked.violations)")
        #expect(relativeDifference(try #require(checked.plan).discountedCost, try #require(completed.plan).discountedCost) < 1e-9)

        // Without units or rentals the job cannot run, even with no inference served: said so.
        let none = try PlanEvaluationRun.evaluate(
            scenario, input: try EvaluateFixtures.input("purchases: []\notherRentals: none", scenario), options: options)
        #expect(none.status == .infeasible)
        #expect(none.unmetDemand.isEmpty)
        #expect(none.notes.contains(PlanEvaluationRun.jobsCannotRunNote))
        #expect(PlanEvaluationRun.text(none).contains("CANNOT BE COMPLETED: the fixed fleet cannot complete the training jobs"))
    }

    @Test func badTrainingEntriesAreInputErrorsWithPathAndReason() throws {
        let scenario = JobExamples.scenario()
        let text = """
            purchases: []
            training:
              - {job: pretrian, offering: dgx, period: 2027Q2, accelerators: 8}
              - {job: pretrain, offering: spot, period: 2027Q2, accelerators: 8}
              - {job: pretrain, offering: dgx, period: 2027Q1, accelerators: 8}
              - {job: pretrain, offering: dgx, period: 2027Q2, slice: night, accelerators: -1}
              - {job: pretrain, offering: dgx, period: 2027Q2, slice: night, accelerators: 8}
              - {job: pretrain, offering: dgx, period: 2027Q2, accelerators: 8}
              - {job: pretrain, offering: dgz, period: 2027Q2, accelerators: 8}
              - {job: pretrain, period: 2027Q2, gpus: 8}
            """
        do {
            _ = try EvaluateFixtures.input(text, scenario)
            Issue.record("expected errors")
        } catch let error as PlanInputError {
            #expect(error.diagnostics.map { "\($0.path) @\($0.line ?? 0)" } == [
                "training[0].job @3", "training[1].offering @4", "training[2].period @5", "training[3].accelerators @6",
                "training[5] @8", "training[6].offering @9", "training[7].offering @10", "training[7].accelerators @10", "training[7].gpus @10",
            ])
            let messages = error.diagnostics.map(\.message)
            #expect(messages[0].contains("expected a job of the scenario (pretrain)") && messages[0].contains("did you mean `pretrain`?"),
                    "\(messages[0])")
            #expect(messages[1] == "expected a pool of job pretrain (dgx, cloud): spot is a rental without clusterNetworking", "\(messages[1])")
            #expect(messages[2] == "expected a period of job pretrain's window (2027Q2 .. 2027Q3)", "\(messages[2])")
            #expect(messages[4] == "duplicate: job pretrain on dgx in 2027Q2, slice night is already given at training[4]", "\(messages[4])")
            #expect(messages[5].contains("dgz is not an offering") && messages[5].contains("did you mean `dgx`?"), "\(messages[5])")
        }
    }

    @Test func theSchemaAcceptsTrainingAndRefusesBadEntries() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-training-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let written = directory.appendingPathComponent("written.yaml")
        try PlanInputWriter.fullPlanYAML(scenario: JobExamples.scenario(), decisions: PlanDecisions(
            arrivals: ["dgx": [1, 0, 0, 0]], training: ["pretrain": ["dgx": JobExamples.nights([1: 8, 2: 8])]]))
            .write(to: written, atomically: true, encoding: .utf8)
        var invalid: [URL] = []
        for (i, text) in ["training: [{job: pretrain, offering: dgx, period: 2027Q2, accelerators: -1}]",
                          "training: [{job: pretrain, period: 2027Q2, accelerators: 8}]",
                          "training: [{job: pretrain, offering: dgx, period: 2027Q2, accelerators: 8, gpus: 8}]"].enumerated() {
            let url = directory.appendingPathComponent("invalid-\(i).yaml")
            try text.write(to: url, atomically: true, encoding: .utf8)
            invalid.append(url)
        }
        let outcome = try JSONSchemaCheck.run(
            schema: EvaluateFixtures.root.appendingPathComponent("docs/plan-input.schema.json").path, files: ([written] + invalid).map(\.path))
        #expect(outcome.status == 0, "python3 with jsonschema and yaml is required: \(outcome.errors)")
        let lines = outcome.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("OK \(written.path)"), "\(outcome.output)")
        for url in invalid { #expect(lines.contains { $0.hasPrefix("FAIL \(url.path)") }, "\(url.lastPathComponent) passed the schema") }
    }
}
