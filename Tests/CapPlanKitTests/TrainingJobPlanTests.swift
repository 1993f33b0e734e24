import XCTest
import LinearProgramming
@testable import CapPlanKit

/// Training jobs (docs/formulation.md section 10) in the builder and the plan. The scenarios
/// fill `jobs` and their `pools` directly (A_jo chosen for hand computation, not derived), so the
/// model and the plan are tested on their own.
///
/// The shared setting: two months (2027-01, 2027-02; h = 730, d = 365/12), slices `day` and
/// `night` of 12 hours each, so a slice lasts d · 12 = 365 hours. Workload chat needs 16 000
/// tokens/s by day and 8 000 at night (share 2/3 and 1/3 of D = 24 000 · 1 314 000 s =
/// 3.1536e10 tokens a month). The owned pool `node` has 8 accelerators a unit, τ = 1000 tokens/s
/// a unit and 16 existing units costing nothing (no power, no opex): by day inference fills all
/// 16, at night it leaves 8 units, 64 accelerators, idle. New units cost 20 000 USD for a one-
/// month life. `cloud` rents single accelerators on demand at 2 USD an hour, with cluster
/// networking. The job needs A = 8 · 8 · 730 = 46 720 accelerator-hours on either pool: the idle
/// nights of both months (64 · 365 · 2 = 46 720) and no more.
final class TrainingJobPlanTests: XCTestCase {
    static let monthTokens = 24_000 * 1_314_000.0
    static let jobHours = 46_720.0

    static func chat(_ id: String = "chat", scale: Double = 1) -> Workload {
        Workload(id: id, outputShare: 0.5, model: nil, demand: [monthTokens * scale, monthTokens * scale])
    }

    static func node(_ id: String = "node", existing: Double = 16, purchasable: Bool = true, serves: String? = "chat",
                     spareUnits: Int = 0, platform: String? = nil) -> Offering {
        .purchase(PurchaseOffering(
            id: id, unitPrice: 20_000, accelerator: "H100", acceleratorsPerUnit: 8, lifetimePeriods: 1,
            throughput: serves.map { [$0: 1000] } ?? [:], availableFromIndex: purchasable ? 0 : 2, existingUnits: existing,
            existingRemainingPeriods: 2, platform: platform, spareUnits: spareUnits))
    }

    static var cloud: Offering {
        var rental = RentalOffering(id: "cloud", pricePerUnitHour: 2, accelerator: "H100", throughput: [:])
        rental.clusterNetworking = true
        return .rental(rental)
    }

    static func pool(_ offering: String) -> TrainingPool {
        TrainingPool(offering: offering, peakTFLOPS: 989, mfu: 0.4, mfuSource: "test", acceleratorHours: jobHours)
    }

    static func job(deadline: Int = 1, minAccelerators: Int = 1, pools: [String] = ["node", "cloud"]) -> TrainingJob {
        TrainingJob(id: "pretrain", flops: 1e23, deadlineIndex: deadline, minAccelerators: minAccelerators, pools: pools.map(pool))
    }

    static func scenario(workloads: [Workload] = [chat()], offerings: [Offering], jobs: [TrainingJob], platforms: [PlatformCost] = []) -> Scenario {
        var scenario = Scenario(
            name: "jobs", horizon: Horizon(start: PeriodLabel("2027-01")!, periods: 2),
            timeSlices: [TimeSlice(name: "day", hours: 12, share: 2.0 / 3), TimeSlice(name: "night", hours: 12, share: 1.0 / 3)],
            workloads: workloads, offerings: offerings, platforms: platforms)
        scenario.jobs = jobs
        return scenario
    }

    /// The model solved to proven optimality, its decisions audited by the independent evaluator
    /// (its discounted cost equals the objective, nothing violated).
    func optimum(_ scenario: Scenario, file: StaticString = #filePath, line: UInt = #line) throws -> (Solution, CapacityModel) {
        let model = CapacityModelBuilder.buildModel(scenario)
        var options = SolveOptions()
        options.mip.relativeGap = 1e-9
        let solution = try GLPKSolver.solve(model.lp, options: options)
        XCTAssertEqual(solution.termination, .optimal, file: file, line: line)
        if solution.termination == .optimal {
            let decisions = PlanExtraction.decisions(scenario: scenario, model: model, solution: solution, integer: true)
            let audit = PlanEvaluator(scenario: scenario).evaluate(decisions).audit(objective: solution.objectiveValue!, tolerance: 1e-6)
            XCTAssertTrue(audit.passed, "audit: \(audit.violations.map(\.description)) evaluator \(audit.evaluatorCost) objective \(audit.objective)",
                          file: file, line: line)
        }
        return (solution, model)
    }

    func value(_ model: CapacityModel, _ solution: Solution, _ name: String) throws -> Double {
        solution[Variable(index: try XCTUnwrap(model.lp.variableNames.firstIndex(of: name), "no column \(name)"))]
    }

    // MARK: (a) idle capacity, and a tighter deadline

    /// Deadline 2027-02: the job runs on the 64 idle accelerators of both nights and nothing is
    /// bought or rented: the objective is 0 (existing units cost nothing here).
    func testTheJobFillsTheIdleNightsAndBuysNothing() throws {
        let (solution, model) = try optimum(Self.scenario(offerings: [Self.node(), Self.cloud], jobs: [Self.job()]))
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 0, accuracy: 1e-6)
        XCTAssertEqual(try value(model, solution, "jobPool[pretrain,node]"), 1)
        for month in ["2027-01", "2027-02"] {
            XCTAssertEqual(try value(model, solution, "b[node,\(month)]"), 0)
            XCTAssertEqual(try value(model, solution, "train[pretrain,node,\(month),night]"), 64, accuracy: 1e-6)
            XCTAssertEqual(try value(model, solution, "train[pretrain,node,\(month),day]"), 0, accuracy: 1e-6)
        }
    }

    /// Deadline 2027-01: the idle night of January gives 64 · 365 = 23 360 accelerator-hours,
    /// half the job. Renting the whole job (one pool) costs 2 · 46 720 = 93 440 USD; buying 4
    /// units for January adds 4 · 8 · 730 = 23 360 accelerator-hours (day and night) for
    /// 4 · 20 000 = 80 000 USD, and 3 units would be short. The plan buys 4 and runs the job on
    /// 4 units by day (32 accelerators) and 12 at night (96): 32 · 365 + 96 · 365 = 46 720.
    func testATighterDeadlineBuysUnits() throws {
        let (solution, model) = try optimum(Self.scenario(offerings: [Self.node(), Self.cloud], jobs: [Self.job(deadline: 0)]))
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 80_000, accuracy: 1e-6)
        XCTAssertEqual(try value(model, solution, "b[node,2027-01]"), 4)
        XCTAssertEqual(try value(model, solution, "train[pretrain,node,2027-01,day]"), 32, accuracy: 1e-6)
        XCTAssertEqual(try value(model, solution, "train[pretrain,node,2027-01,night]"), 96, accuracy: 1e-6)
        // No column for February: it is outside the window.
        XCTAssertNil(model.lp.variableNames.firstIndex(of: "train[pretrain,node,2027-02,night]"))
    }

    /// Units at 50 000 USD: 4 cost 200 000, so the whole job goes to the rental at its price,
    /// 2 USD · 46 720 accelerator-hours = 93 440 USD.
    func testATighterDeadlineRentsWhenUnitsCostMore() throws {
        var scenario = Self.scenario(offerings: [Self.node(), Self.cloud], jobs: [Self.job(deadline: 0)])
        if case .purchase(var node) = scenario.offerings[0] {
            node.unitPrice = 50_000
            scenario.offerings[0] = .purchase(node)
        }
        let (solution, model) = try optimum(scenario)
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 93_440, accuracy: 1e-6)
        XCTAssertEqual(try value(model, solution, "jobPool[pretrain,cloud]"), 1)
        XCTAssertEqual(try value(model, solution, "b[node,2027-01]"), 0)
    }

    // MARK: (b) the cluster minimum

    /// No purchases possible. With minAccelerators 64 the idle nights take the job (cost 0): the
    /// night's room row is 8 units of chat + 64 / 8 = 16 ≤ 16. With 72 no slice of `node` has
    /// room for 72 accelerators (64 free at night, none by day: 8 + 9 = 17 > 16), so the job
    /// cannot run there at all and is rented whole: 93 440 USD. The on-demand rental has no room
    /// row (its units are averages too), so its g is not held to 72.
    func testMinAcceleratorsNeedRoomForTheCluster() throws {
        let offerings = [Self.node(purchasable: false), Self.cloud]
        let (fits, _) = try optimum(Self.scenario(offerings: offerings, jobs: [Self.job(minAccelerators: 64)]))
        XCTAssertEqual(try XCTUnwrap(fits.objectiveValue), 0, accuracy: 1e-6)
        let (solution, model) = try optimum(Self.scenario(offerings: offerings, jobs: [Self.job(minAccelerators: 72)]))
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 93_440, accuracy: 1e-6)
        XCTAssertEqual(try value(model, solution, "jobPool[pretrain,node]"), 0)
        XCTAssertNotNil(model.lp.constraintNames.firstIndex(of: "jobClusterRoom[pretrain,node,2027-01,night]"))
        XCTAssertFalse(model.lp.constraintNames.contains { $0.hasPrefix("jobClusterRoom[pretrain,cloud,") })
    }

    /// A LoRA-sized job: A = 126 accelerator-hours on a cluster of 8, one quarter (2027Q1, h =
    /// 2 190) with one all-day slice (d η = 91.25 · 24 = 2 190 hours). `node`: 2 existing 8-GPU
    /// units (free), none to buy; chat needs 1 000 tokens/s, 1 unit at τ = 1 000, so 1 unit, 8
    /// accelerators, is free: room row 1 + 8 / 8 = 2 ≤ 2. The job runs there for nothing and is
    /// charged 126 accelerator-hours, g = 126 / 2 190 = 0.057534… (jobClusterMax holds g to
    /// A / (d η) = 126 / 2 190), not 8 accelerators all quarter (17 520). With chat at 1 500
    /// tokens/s (1.5 units) there is room for 4 accelerators only: 1.5 + 1 = 2.5 > 2, so the job
    /// cannot run on `node` and is rented: 126 accelerator-hours at 2 USD = 252 USD. Were the
    /// rental reserved for the period (per-GPU units paid all quarter), its room row needs 8
    /// units while the job runs: 8 · 2 190 · 2 = 35 040 USD, g still 126 / 2 190.
    func testALoRAJobIsChargedItsHoursNotItsClusterAllQuarter() throws {
        func scenario(chatTokensPerSecond rate: Double, reserved: Bool = false) -> Scenario {
            let quarterSeconds = 2_190 * 3_600.0
            var scenario = Scenario(
                name: "lora", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 1),
                timeSlices: [TimeSlice(name: "all", hours: 24, share: 1)],
                workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [rate * quarterSeconds])],
                offerings: [Self.node(existing: 2, purchasable: false), Self.cloud])
            if reserved, case .rental(var cloud) = scenario.offerings[1] {
                cloud.commitment = .period
                cloud.termPeriods = 1
                scenario.offerings[1] = .rental(cloud)
            }
            let pool = { (offering: String) in
                TrainingPool(offering: offering, peakTFLOPS: 989, mfu: 0.4, mfuSource: "test", acceleratorHours: 126) }
            scenario.jobs = [TrainingJob(id: "lora", flops: 1e20, deadlineIndex: 0, minAccelerators: 8, pools: [pool("node"), pool("cloud")])]
            return scenario
        }
        let (solution, model) = try optimum(scenario(chatTokensPerSecond: 1_000))
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 0, accuracy: 1e-6)
        XCTAssertEqual(try value(model, solution, "jobPool[lora,node]"), 1)
        XCTAssertEqual(try value(model, solution, "train[lora,node,2027Q1,all]"), 126 / 2_190.0, accuracy: 1e-9)
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(scenario(chatTokensPerSecond: 1_000), options: options)
        let job = try XCTUnwrap(plan.jobs?.first)
        XCTAssertEqual(job.offering, "node")
        XCTAssertEqual(job.acceleratorHours, 126, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(job.periods.first?.accelerators["all"]), 126 / 2_190.0, accuracy: 1e-9)

        let (crowded, crowdedModel) = try optimum(scenario(chatTokensPerSecond: 1_500))
        XCTAssertEqual(try XCTUnwrap(crowded.objectiveValue), 252, accuracy: 1e-6)
        XCTAssertEqual(try value(crowdedModel, crowded, "jobPool[lora,node]"), 0)
        XCTAssertEqual(try value(crowdedModel, crowded, "jobPool[lora,cloud]"), 1)
        XCTAssertNil(crowdedModel.lp.constraintNames.firstIndex(of: "jobClusterRoom[lora,cloud,2027Q1,all]"))

        let (reserved, reservedModel) = try optimum(scenario(chatTokensPerSecond: 1_500, reserved: true))
        XCTAssertNotNil(reservedModel.lp.constraintNames.firstIndex(of: "jobClusterRoom[lora,cloud,2027Q1,all]"))
        XCTAssertEqual(try XCTUnwrap(reserved.objectiveValue), 35_040, accuracy: 1e-6)
        XCTAssertEqual(try value(reservedModel, reserved, "train[lora,cloud,2027Q1,all]"), 126 / 2_190.0, accuracy: 1e-9)
    }

    // MARK: (c) one pool per job

    /// Two pools, each with its own workload (8 000 tokens/s by day, 4 000 at night on 8 existing
    /// units): each leaves 4 units, 32 accelerators, idle at night, 32 · 365 · 2 = 23 360
    /// accelerator-hours over the window, half the job. Together they would do it for free; one
    /// pool only, so without a rental there is no plan, and with one the job is rented whole.
    func testOnePoolOnly() throws {
        let workloads = [Self.chat("east-chat", scale: 0.5), Self.chat("west-chat", scale: 0.5)]
        let pools = [Self.node("east", existing: 8, purchasable: false, serves: "east-chat"),
                     Self.node("west", existing: 8, purchasable: false, serves: "west-chat")]
        let owned = Self.scenario(workloads: workloads, offerings: pools, jobs: [Self.job(pools: ["east", "west"])])
        let model = CapacityModelBuilder.buildModel(owned)
        let infeasible = try GLPKSolver.solve(model.lp, options: SolveOptions())
        XCTAssertTrue([.infeasible, .infeasibleOrUnbounded].contains(infeasible.termination), "\(infeasible.termination)")

        let rented = Self.scenario(workloads: workloads, offerings: pools + [Self.cloud], jobs: [Self.job(pools: ["east", "west", "cloud"])])
        let (solution, rentedModel) = try optimum(rented)
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 93_440, accuracy: 1e-6)
        XCTAssertEqual(try value(rentedModel, solution, "jobPool[pretrain,cloud]"), 1)
    }

    // MARK: (d) the plan

    /// The tighter deadline through `Planner.plan`. January: 20 units in service, 80 000 USD of
    /// new units, half to each slice (40 000). By day chat has 16 units (16/20 · 40 000 =
    /// 32 000) and the job 4 (8 000); at night chat 8 (16 000), the job 12 (24 000). So the job
    /// is charged 32 000 and chat 48 000: cost per million inference tokens 48 000 / (2 ·
    /// 31 536) = 0.761035…, not 80 000 / 63 072. A deadline of 2027-02 costs nothing: saving
    /// 80 000.
    func testThePlanReportsTheJobAndLeavesItOutOfTheTokenCost() throws {
        var options = PlanOptions()
        options.baselines = false
        options.mipGap = 1e-9
        let plan = try Planner.plan(Self.scenario(offerings: [Self.node(), Self.cloud], jobs: [Self.job(deadline: 0)]), options: options)
        XCTAssertEqual(plan.status, .optimal)
        let totals = try XCTUnwrap(plan.totals)
        XCTAssertEqual(totals.cost, 80_000, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(totals.jobsCost), 32_000, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(totals.costPerMillionTokens), 48_000 / 63_072, accuracy: 1e-9)
        let job = try XCTUnwrap(plan.jobs?.first)
        XCTAssertEqual(job.offering, "node")
        XCTAssertEqual(job.acceleratorHoursRequired, 46_720)
        XCTAssertEqual(job.acceleratorHours, 46_720, accuracy: 1e-6)
        XCTAssertEqual(job.start, "2027-01")
        XCTAssertEqual(job.finish, "2027-01")
        XCTAssertEqual(job.deadline, "2027-01")
        XCTAssertEqual(job.cost, 32_000, accuracy: 1e-6)
        XCTAssertEqual(job.periods.count, 1)
        XCTAssertEqual(try XCTUnwrap(job.periods.first?.accelerators["night"]), 96, accuracy: 1e-6)
        let later = try XCTUnwrap(job.laterDeadline, job.laterDeadlineNote ?? "")
        XCTAssertEqual(later.deadline, "2027-02")
        XCTAssertEqual(later.saving, 80_000, accuracy: 1e-6)
        // The finance view shares the same 80 000: chat 48 000, the job 32 000, nothing idle.
        let attribution = try XCTUnwrap(plan.finance?.attribution)
        XCTAssertEqual(attribution.workloads[0].cost.total, 48_000, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(attribution.jobs?.first?.cost.total), 32_000, accuracy: 1e-6)
        XCTAssertEqual(attribution.total, totals.cost, accuracy: 1e-6)
        // The text report has the table.
        let text = PlanReport.text(plan)
        XCTAssertTrue(text.contains("Training jobs"))
        XCTAssertTrue(text.contains("pretrain: a deadline of 2027-02 would save $80,000"), text)
        XCTAssertTrue(PlanReport.markdown(plan).contains("Training jobs"))
    }

    /// A job alone on an on-demand rental pays the units it ran on at their price.
    func testAJobOnARentalPaysItsPrice() throws {
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(Self.scenario(offerings: [Self.node(purchasable: false), Self.cloud],
                                                  jobs: [Self.job(minAccelerators: 72)]), options: options)
        let job = try XCTUnwrap(plan.jobs?.first)
        XCTAssertEqual(job.offering, "cloud")
        XCTAssertEqual(job.cost, 93_440, accuracy: 1e-6)
        XCTAssertEqual(job.laterDeadlineNote, "none: the deadline is the horizon's last period")
        XCTAssertEqual(try XCTUnwrap(plan.totals?.costPerMillionTokens), 0, accuracy: 1e-12)
    }

    // MARK: (e) size, and nothing changes without jobs

    /// The job's columns and rows by hand (two pools, a two-period window, two slices: W S = 4):
    /// columns 2 · (1 + 2 · 4) = 18; rows 2 + 3 · 4 (room, max, one-pool on the purchase `node`)
    /// + 2 · 4 (max, one-pool on the on-demand `cloud`, which has no room row) = 22; entries:
    /// jobPool 2, jobCompute 2 · 4, max and one-pool 2 · 2 · 4 · 2 = 32, the room rows 3 · 4 (σ,
    /// n_op and chat's x: the capacity row with the job's g replaced by its cluster), the
    /// capacity rows' load 2 · 4: 62.
    /// Taking them away leaves exactly the model without jobs, name for name.
    func testJobsOnlyAddTheirColumnsRowsAndEntries() throws {
        let withJob = CapacityModelBuilder.buildModel(Self.scenario(offerings: [Self.node(), Self.cloud], jobs: [Self.job()]))
        let without = CapacityModelBuilder.buildModel(Self.scenario(offerings: [Self.node(), Self.cloud], jobs: []))
        XCTAssertEqual(withJob.lp.variableCount - without.lp.variableCount, 18)
        XCTAssertEqual(withJob.lp.constraintCount - without.lp.constraintCount, 22)
        XCTAssertEqual(withJob.lp.entryCount - without.lp.entryCount, 62)
        let jobFamilies = ["jobPool[", "train[", "trainOn[", "jobCompute[", "jobClusterRoom[", "jobClusterMax[", "jobOnePool["]
        func isJob(_ name: String) -> Bool { jobFamilies.contains { name.hasPrefix($0) } }
        XCTAssertEqual(withJob.lp.variableNames.filter { !isJob($0) }, without.lp.variableNames)
        XCTAssertEqual(withJob.lp.constraintNames.filter { !isJob($0) }, without.lp.constraintNames)
        XCTAssertTrue(without.index.jobs.isEmpty)
        // π and σ are binary: jobs make a MIP (with --relax too).
        XCTAssertFalse(without.lp.variableKinds.contains(.binary))
        XCTAssertTrue(withJob.lp.variableKinds.contains(.binary))
        XCTAssertTrue(CapacityModelBuilder.buildModel(withJob.scenario, options: CapacityModelOptions(integerUnits: false))
            .lp.variableKinds.contains(.binary))
        // Benders declines with jobs.
        XCTAssertNil(FleetDecomposition.decomposition(of: withJob))
        // The validator's bound covers the entries.
        let scenario = withJob.scenario
        let bound = CapacityModelBuilder.nonzeroUpperBound(
            periods: 2, slices: 2, workloads: 1, offerings: scenario.offerings, unservedPriced: false, jobs: scenario.jobs)
        XCTAssertGreaterThanOrEqual(bound, Double(withJob.lp.entryCount))
    }

    /// A job on a pool with a costed platform and spare units that no workload uses keeps both:
    /// u_kp and y_op exist for it, and running there holds the spare unit and pays the platform.
    /// Pool `lab`: no workload, 8 existing units, 1 spare, platform `amd` at 8 760 USD a year
    /// (730 a month). Running there holds the spare, so 7 units (56 accelerators) are usable:
    /// one month gives 56 · 730 = 40 880 < 46 720 accelerator-hours, so the job runs in both
    /// months and pays the platform twice, 1 460 USD. One month on a unit bought for it (8
    /// usable, 64 · 730 = 46 720) would cost 20 000 + 730; renting it all, 93 440.
    func testSpareUnitsAndPlatformsHoldForJobs() throws {
        let lab = Self.node("lab", existing: 8, serves: nil, spareUnits: 1, platform: "amd")
        let scenario = Self.scenario(offerings: [Self.node(), lab, Self.cloud], jobs: [Self.job(pools: ["lab", "cloud"])],
                                     platforms: [PlatformCost(id: "amd", adoptionCost: 0, yearlyCost: 8_760)])
        let (solution, model) = try optimum(scenario)
        XCTAssertEqual(model.index.poolsInUse.count, 1)
        // Every job row family present: the validator's bound still covers the entries.
        let bound = CapacityModelBuilder.nonzeroUpperBound(
            periods: 2, slices: 2, workloads: 1, offerings: scenario.offerings, unservedPriced: false, jobs: scenario.jobs)
        XCTAssertGreaterThanOrEqual(bound, Double(model.lp.entryCount))
        XCTAssertEqual(model.index.platforms.count, 1)
        XCTAssertNotNil(model.lp.constraintNames.firstIndex(of: "jobPlatform[pretrain,lab,2027-01,day]"))
        XCTAssertNotNil(model.lp.constraintNames.firstIndex(of: "jobPoolInUse[pretrain,lab,2027-01,day]"))
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 1_460, accuracy: 1e-6)
        XCTAssertEqual(try value(model, solution, "jobPool[pretrain,lab]"), 1)
        XCTAssertEqual(try value(model, solution, "b[lab,2027-01]") + (try value(model, solution, "b[lab,2027-02]")), 0)
    }

    // MARK: Diagnosis

    /// Case (c) without a rental: each pool could finish the job if it served no inference, so
    /// the diagnosis finds inference left unserved and names the job running on its pool there.
    func testTheDiagnosisNamesTheJobThatTakesInferenceCapacity() throws {
        let workloads = [Self.chat("east-chat", scale: 0.5), Self.chat("west-chat", scale: 0.5)]
        let pools = [Self.node("east", existing: 8, purchasable: false, serves: "east-chat"),
                     Self.node("west", existing: 8, purchasable: false, serves: "west-chat")]
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(Self.scenario(workloads: workloads, offerings: pools, jobs: [Self.job(pools: ["east", "west"])]), options: options)
        XCTAssertEqual(plan.status, .infeasible)
        let diagnosis = try XCTUnwrap(plan.diagnosis)
        XCTAssertFalse(diagnosis.shortfalls.isEmpty)
        XCTAssertTrue(diagnosis.shortfalls.contains { $0.limits.contains { $0.hasPrefix("training job pretrain runs on ") } },
                      "\(diagnosis.shortfalls.map(\.limits))")
    }

    /// 200 accelerators at least, and `node` holds 16 · 8 = 128 at most (no purchases): the job
    /// cannot run there in any slice, whatever inference does, and the diagnosis says so.
    func testTheDiagnosisNamesAJobThatCannotFinish() throws {
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(Self.scenario(offerings: [Self.node(purchasable: false)],
                                                  jobs: [Self.job(minAccelerators: 200, pools: ["node"])]), options: options)
        XCTAssertEqual(plan.status, .infeasible)
        let summary = try XCTUnwrap(plan.diagnosis?.summary)
        XCTAssertTrue(summary.contains("job pretrain (window 2027-01 to 2027-02, at least 200 accelerators): node holds at most 0 of the 46720 accelerator-hours"),
                      summary)
    }

    // MARK: Heuristics

    /// The primal heuristics (rounding, relax-and-fix, RINS) treat π and σ like section 8's
    /// binaries: their incumbents are whole in every integer column, the jobs' included, and
    /// cost no less than the optimum (80 000 USD for the tighter deadline).
    func testHeuristicIncumbentsAreWholeWithJobs() throws {
        let model = CapacityModelBuilder.buildModel(Self.scenario(offerings: [Self.node(), Self.cloud], jobs: [Self.job(deadline: 0)]))
        let outcome = try PrimalHeuristics.run(model, options: PlanOptions(), deadline: Deadline(seconds: 30))
        let best = try XCTUnwrap(outcome.best, "no incumbent")
        XCTAssertGreaterThanOrEqual(best.objective, 80_000 - 1e-6)
        for variable in model.lp.variables where model.lp.kind(of: variable) != .continuous {
            XCTAssertEqual(best.values[variable.index], best.values[variable.index].rounded(), accuracy: 1e-6, model.lp.variableNames[variable.index])
        }
        let job = try XCTUnwrap(model.index.jobs.first)
        XCTAssertEqual(job.pools.reduce(0.0) { $0 + best.values[$1.choice.index] }, 1, accuracy: 1e-6)
    }

    /// The fallback plan (branch-and-cut stopped before an incumbent) completes π and σ with
    /// their job: it gives a whole plan, never below the 80 000 USD optimum.
    func testTheFallbackPlanCompletesJobs() throws {
        let model = CapacityModelBuilder.buildModel(Self.scenario(offerings: [Self.node(), Self.cloud], jobs: [Self.job(deadline: 0)]))
        let result = try XCTUnwrap(try FallbackPlan.solve(model, options: PlanOptions(), stop: .nodeLimit, knownBound: nil, deadline: Deadline(seconds: 30)))
        let objective = try XCTUnwrap(result.solution.objectiveValue)
        XCTAssertGreaterThanOrEqual(objective, 80_000 - 1e-6)
        for variable in model.lp.variables where model.lp.kind(of: variable) != .continuous {
            XCTAssertEqual(result.solution[variable], result.solution[variable].rounded(), accuracy: 1e-6, model.lp.variableNames[variable.index])
        }
    }

    /// Idle owned capacity costs nothing, so the solver may run a job on more than it needs; the
    /// plan reports what it needs: a job of 23 360 accelerator-hours (one idle night) with both
    /// months' nights free uses exactly 23 360, in whole idle nights or less, and costs nothing.
    func testThePlanTrimsComputeBeyondTheJob() throws {
        var job = Self.job()
        job.pools = job.pools.map { var pool = $0; pool.acceleratorHours = 23_360; return pool }
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(Self.scenario(offerings: [Self.node(), Self.cloud], jobs: [job]), options: options)
        let line = try XCTUnwrap(plan.jobs?.first)
        XCTAssertEqual(line.offering, "node")
        XCTAssertEqual(line.acceleratorHours, 23_360, accuracy: 1e-6)
        XCTAssertEqual(line.cost, 0, accuracy: 1e-6)
        for period in line.periods { XCTAssertLessThanOrEqual(period.accelerators["night"] ?? 0, 64 + 1e-6) }
    }

    /// Trimming by hand, one month of two 365-hour slices, 10 accelerators in each (7 300
    /// accelerator-hours) for a job needing 3 650 with a cluster of 8. Off a costed platform the
    /// night goes to 0 (3 650 ≤ the excess 3 650): [10, 0], no slice kept at 8. On one, the night
    /// keeps one hour of its cluster, 8 / 365, and the day gives up the last 8 accelerator-hours:
    /// [10 − 8/365, 8/365], 3 650 in all, never short.
    func testTrimmingNeverKeepsTheClusterAndNeverLeavesTheJobShort() {
        let scenario = Self.scenario(offerings: [], jobs: [])
        let free = PlanExtraction.trimmedTraining([[10, 10]], required: 3_650, minimum: 8, keepRunning: false, scenario: scenario)
        XCTAssertEqual(free[0][0], 10, accuracy: 1e-12)
        XCTAssertEqual(free[0][1], 0, accuracy: 1e-12)
        let gated = PlanExtraction.trimmedTraining([[10, 10]], required: 3_650, minimum: 8, keepRunning: true, scenario: scenario)
        XCTAssertEqual(gated[0][0], 10 - 8 / 365.0, accuracy: 1e-12)
        XCTAssertEqual(gated[0][1], 8 / 365.0, accuracy: 1e-12)
        XCTAssertEqual((gated[0][0] + gated[0][1]) * 365, 3_650, accuracy: 1e-9)
    }

    /// `--relax`: units continuous, π and σ still binary (a MIP of its binaries). The tighter
    /// deadline needs exactly 4 units, so the relaxed plan costs the same 80 000 USD.
    func testRelaxedPlansKeepTheJobBinaries() throws {
        var options = PlanOptions()
        options.baselines = false
        options.relax = true
        let plan = try Planner.plan(Self.scenario(offerings: [Self.node(), Self.cloud], jobs: [Self.job(deadline: 0)]), options: options)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertTrue(plan.solver.relaxed)
        // π for two pools and σ for two pools, one period, two slices.
        XCTAssertEqual(plan.solver.integerColumns, 2 + 2 * 2)
        XCTAssertEqual(try XCTUnwrap(plan.totals?.cost), 80_000, accuracy: 1e-6)
    }
}
