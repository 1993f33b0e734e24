// The MathProg twin (models/capacity.mod) on section 10 of docs/formulation.md (training jobs),
// solved by glpsol, against optima worked out by hand below; the evaluator costs the same
// hand-written optimal decisions at the same value.

import Foundation
import LinearProgramming
import Testing
@testable import CapPlanKit

@Suite("MathProg twin: training jobs")
struct MathProgTwinTrainingJobTests {
    private func solve(_ scenario: Scenario, expected: Double, decisions: PlanDecisions? = nil) throws -> GLPSol.Solution {
        let solution = try GLPSol.solveChecked(scenario, expected: expected, decisions: decisions)
        return solution
    }

    /// One quarter 2027Q1 (d = 91.25), slices `night` (8 h: 730 h in the quarter, a quarter of the
    /// tokens) and `day` (16 h: 1 460 h), U = 0.8, no discounting. `dgx`: 8 GPUs a unit, 40 000 USD
    /// over 4 quarters (10 000 USD a unit-quarter, amortized), 1 000 tokens/s of chat. `cloud`: 8 GPUs,
    /// 10 USD/h, cluster networking (21 900 USD a unit-quarter reserved). Job `pretrain` with
    /// `hours` accelerator-hours on either pool, at least 8 accelerators, window 2027Q1.
    private func scenario(chatNightRate: Double, hours: Double, cloud commitment: RentalCommitment = .period,
                          platformAdoption: Double = 0) -> Scenario {
        var cloud = RentalOffering(id: "cloud", pricePerUnitHour: 10, accelerator: "H100", acceleratorsPerUnit: 8,
                                   commitment: commitment, throughput: [:])
        cloud.clusterNetworking = true
        var scenario = Scenario(
            name: "twin jobs", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 1),
            timeSlices: [TimeSlice(name: "night", hours: 8, share: 0.25), TimeSlice(name: "day", hours: 16, share: 0.75)],
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [JobExamples.quarterTokens(nightRate: chatNightRate)])],
            offerings: [
                .purchase(PurchaseOffering(id: "dgx", unitPrice: 40_000, accelerator: "H100", acceleratorsPerUnit: 8, lifetimePeriods: 4,
                                           throughput: ["chat": 1000], platform: platformAdoption > 0 ? "nvidia" : nil)),
                .rental(cloud),
            ],
            policy: Policy(utilizationCap: 0.8),
            platforms: platformAdoption > 0 ? [PlatformCost(id: "nvidia", adoptionCost: platformAdoption)] : [])
        scenario.jobs = [TrainingJob(
            id: "pretrain", flops: 1e21, earliestStartIndex: 0, deadlineIndex: 0, minAccelerators: 8,
            pools: [TrainingPool(offering: "dgx", peakTFLOPS: 989, mfu: 0.4, mfuSource: "test", acceleratorHours: hours),
                    TrainingPool(offering: "cloud", peakTFLOPS: 989, mfu: 0.4, mfuSource: "test", acceleratorHours: hours)])]
        return scenario
    }

    @Test func aJobFillsTheNightInferenceLeavesIdle() throws {
        // chat: 800 tokens/s at night (0.8 units), 1 200 by day (1.2 units): two dgx units (U · 2 = 1.6)
        // for inference alone, 20 000 USD. The night leaves 1.6 − 0.8 = 0.8 units = U · 8 / 8: exactly
        // the job's 8 accelerators for 730 h = 5 840 accelerator-hours. So a job of 5 840 costs nothing
        // more: 20 000 USD.
        let served: [String: [String: [[Double]]]] = ["dgx": ["chat": [[800, 1200]]]]
        let solution = try solve(scenario(chatNightRate: 800, hours: 5840), expected: 20_000, decisions: PlanDecisions(
            arrivals: ["dgx": [2]], served: served, training: ["pretrain": ["dgx": [[8, 0]]]]))
        #expect(solution.output.contains("TRAIN pretrain dgx 2027Q1 night 8\n"), "\(solution.output)")
        #expect(solution.output.contains("BUY dgx 2027Q1 2\n"), "\(solution.output)")
    }

    @Test func aLargerJobBuysOneMoreUnit() throws {
        // 11 680 accelerator-hours. Two units (cap U · 2 = 1.6) fit 8 at night (0.8 + 0.8 = 1.6:
        // 5 840 h) but have no room by day for the cluster of 8 (jobClusterRoom: 1.2 + U · 8 / 8 =
        // 2.0 > 1.6, room for 4): not enough. Three units (cap 2.4) fit 8 by day (1 460 h; room
        // 1.2 + 0.8 = 2.0 ≤ 2.4), 30 000 USD. Renting instead: a reserved cloud unit is 21 900 USD a
        // quarter, more than a third dgx unit (10 000).
        let served: [String: [String: [[Double]]]] = ["dgx": ["chat": [[800, 1200]]]]
        try solve(scenario(chatNightRate: 800, hours: 11_680), expected: 30_000, decisions: PlanDecisions(
            arrivals: ["dgx": [3]], served: served, training: ["pretrain": ["dgx": [[0, 8]]]]))
    }

    @Test func onDemandRentalPaysOnlyTheHoursTheJobRuns() throws {
        // No inference; 5 840 accelerator-hours = 8 accelerators for the 730 night hours. A dgx unit
        // is 10 000 USD; on-demand cloud units are averages, so the job pays 10 USD/h for the 5 840 / 8
        // = 730 unit-hours it runs, 7 300 USD, however it spreads over the slices (8 at night, or 4
        // on average by day, the cluster of 8 running half the day's hours: no room row on
        // on-demand rentals). So glpsol's slices are not unique; the pool is.
        let solution = try solve(scenario(chatNightRate: 0, hours: 5840, cloud: .none), expected: 7300, decisions: PlanDecisions(
            onDemandUnits: ["cloud": [[1, 0]]], training: ["pretrain": ["cloud": [[8, 0]]]]))
        #expect(solution.output.contains("TRAIN pretrain cloud 2027Q1 "), "\(solution.output)")
        #expect(!solution.output.contains("TRAIN pretrain dgx "), "\(solution.output)")
        // The day slice alone, 4 on average on half a unit, costs the same 10 · 0.5 · 1 460 = 7 300.
        let evaluation = PlanEvaluator(scenario: scenario(chatNightRate: 0, hours: 5840, cloud: .none)).evaluate(PlanDecisions(
            onDemandUnits: ["cloud": [[0, 0.5]]], training: ["pretrain": ["cloud": [[0, 4]]]]))
        #expect(evaluation.violations.isEmpty, "\(evaluation.violations)")
        #expect(abs(evaluation.discountedCost - 7300) < 1e-6)
    }

    @Test func aFineTuneNeedsRoomForItsClusterNotOnlyForItsAverage() throws {
        // chat: 1 000 tokens/s at night (1.0 units), 1 500 by day (1.5): two dgx units (U · 2 = 1.6)
        // serve it. A fine-tune of 126 accelerator-hours averages 126 / 730 ≈ 0.17 at night, which
        // the capacity rows would take, but its cluster of 8 has no room: (1.6 − 1.0) · 8 / U = 6 at
        // night, (1.6 − 1.5) · 8 / U = 1 by day (jobClusterRoom). A third unit (10 000) gives the
        // night room for 14; a reserved cloud unit would be 21 900. 30 000 USD.
        let served: [String: [String: [[Double]]]] = ["dgx": ["chat": [[1000, 1500]]]]
        try solve(scenario(chatNightRate: 1000, hours: 126), expected: 30_000, decisions: PlanDecisions(
            arrivals: ["dgx": [3]], served: served, training: ["pretrain": ["dgx": [[126.0 / 730, 0]]]]))
        // On two units the evaluator finds the same missing room: 8 − 6 = 2 accelerators at night.
        let two = PlanEvaluator(scenario: scenario(chatNightRate: 1000, hours: 126)).evaluate(PlanDecisions(
            arrivals: ["dgx": [2]], served: served, training: ["pretrain": ["dgx": [[126.0 / 730, 0]]]]))
        #expect(two.violations.map(\.rowName) == ["jobCluster[pretrain,dgx,2027Q1,night]"])
        #expect(abs((two.violations.first?.amount ?? 0) - 2) < 1e-9)
    }

    @Test func aFineTuneOnDemandPaysItsHoursNotTheClusterForTheWholeSlice() throws {
        // No inference; a fine-tune of 126 accelerator-hours, at least 8. On demand it runs its
        // cluster of 8 for 126 / 8 = 15.75 hours: 15.75 unit-hours at 10 USD = 157.5 USD (g is an
        // average, e.g. 126 / 730 at night). Under the old rule M σ ≤ g it paid 8 accelerators for a
        // whole night, 730 unit-hours, 7 300 USD. A dgx unit is 10 000 USD.
        let tune = scenario(chatNightRate: 0, hours: 126, cloud: .none)
        let solution = try solve(tune, expected: 157.5, decisions: PlanDecisions(
            onDemandUnits: ["cloud": [[126.0 / 730 / 8, 0]]], training: ["pretrain": ["cloud": [[126.0 / 730, 0]]]]))
        #expect(solution.output.contains("TRAIN pretrain cloud 2027Q1 "), "\(solution.output)")
    }

    @Test func aJobPutsItsPoolsPlatformInUse() throws {
        // As above with cloud reserved (21 900 a unit-quarter): dgx at 10 000 is cheaper, until its
        // platform costs 15 000 to adopt (jobPlatform: the job alone puts it in use): 25 000 > 21 900.
        try solve(scenario(chatNightRate: 0, hours: 5840), expected: 10_000, decisions: PlanDecisions(
            arrivals: ["dgx": [1]], training: ["pretrain": ["dgx": [[8, 0]]]]))
        try solve(scenario(chatNightRate: 0, hours: 5840, platformAdoption: 15_000), expected: 21_900, decisions: PlanDecisions(
            reservedUnits: ["cloud": [1]], training: ["pretrain": ["cloud": [[8, 0]]]]))
    }

    /// The planner (the builder of section 10, solved by GLPK), the twin and the evaluator agree:
    /// the planner's objective equals glpsol's optimum, and the evaluator costs the planner's own
    /// decisions at that value with no violation.
    private func plannerAgrees(_ scenario: Scenario, expected: Double) throws {
        var options = PlanOptions()
        options.baselines = false
        options.mipGap = 1e-9
        let plan = try Planner.plan(scenario, options: options)
        #expect(plan.status == .optimal)
        let planned = try #require(plan.totals?.discountedCost)
        #expect(abs(planned - expected) <= 1e-6 * max(1, expected), "planner \(planned) vs \(expected)")
        let twin = try #require(try GLPSol.solve(scenario).objective)
        #expect(abs(twin - planned) <= 1e-6 * max(1, planned), "twin \(twin) vs planner \(planned)")
        let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, integerUnits: true))
        var solve = SolveOptions()
        solve.mip.relativeGap = 1e-9
        let solution = try GLPKSolver.solve(model.lp, options: solve)
        let decisions = PlanExtraction.decisions(scenario: scenario, model: model, solution: solution, integer: true)
        #expect(!decisions.training.isEmpty)
        let evaluation = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(evaluation.violations.isEmpty, "\(evaluation.violations)")
        #expect(abs(evaluation.discountedCost - planned) <= 1e-6 * max(1, planned), "evaluator \(evaluation.discountedCost) vs planner \(planned)")
        #expect(evaluation.jobs.allSatisfy { $0.computeDone >= 1 - 1e-6 })
    }

    @Test func thePlannerTheTwinAndTheEvaluatorAgreeOnTheHandComputedCases() throws {
        // The optima worked out above.
        try plannerAgrees(scenario(chatNightRate: 800, hours: 5840), expected: 20_000)
        try plannerAgrees(scenario(chatNightRate: 800, hours: 11_680), expected: 30_000)
        try plannerAgrees(scenario(chatNightRate: 0, hours: 5840, cloud: .none), expected: 7300)
        try plannerAgrees(scenario(chatNightRate: 0, hours: 5840), expected: 10_000)
        try plannerAgrees(scenario(chatNightRate: 0, hours: 5840, platformAdoption: 15_000), expected: 21_900)
        try plannerAgrees(scenario(chatNightRate: 1000, hours: 126), expected: 30_000)
        try plannerAgrees(scenario(chatNightRate: 0, hours: 126, cloud: .none), expected: 157.5)
    }

    @Test func jobDataIsWrittenOnlyWithJobs() {
        let data = MathProgData.write(scenario(chatNightRate: 800, hours: 5840))
        #expect(data.contains("set JOBS := 'pretrain';\n"))
        #expect(data.contains("set JOBPOOLS := ('pretrain', 'dgx') ('pretrain', 'cloud');\n"))
        #expect(data.contains("param A :=\n  'pretrain' 'dgx' 5840.0\n  'pretrain' 'cloud' 5840.0\n;\n"))
        #expect(data.contains("param earliest :=\n  'pretrain' 1\n;\n") && data.contains("param deadline :=\n  'pretrain' 1\n;\n"))
        var none = scenario(chatNightRate: 800, hours: 5840)
        none.jobs = []
        #expect(!MathProgData.write(none).contains("JOBS"))
    }
}
