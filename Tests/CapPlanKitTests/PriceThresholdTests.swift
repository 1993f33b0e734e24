// Price thresholds (Sources/CapPlanKit/Insights/PriceThresholds.swift): hand-computed
// thresholds on a two-year scenario, and for every threshold found, a re-solve with the price
// just past it changes the plan while one just before it does not.

import Foundation
import XCTest
@testable import CapPlanKit
import LinearProgramming

/// One workload `chat` (1000 then 2000 tokens/s over two years), a server `srv` (1000 tokens/s,
/// 2-year life, 1 kW, 1000 USD opex a year: 2314 USD a year besides capex) and an API `api` at
/// 1 / 3 USD per million tokens (2 USD per million at output share 0.5: 63 072 USD per 1000
/// tokens/s and year). U = 1, whole units.
enum ThresholdScenarios {
    static let demand = [31_536_000_000.0, 63_072_000_000.0]

    static func make(serverPrice: Double, policy: Policy = Policy(utilizationCap: 1)) -> Scenario {
        Scenario(
            name: "thresholds", horizon: Horizon(start: PeriodLabel("2027")!, periods: 2),
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: demand)],
            offerings: [
                .purchase(PurchaseOffering(id: "srv", unitPrice: serverPrice, lifetimePeriods: 2, powerKW: 1, opexPerUnitPeriod: 1000, throughput: ["chat": 1000])),
                .api(APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 3, serves: ["chat"])),
            ],
            site: Site(electricityPricePerKWh: 0.1, pue: 1.5), policy: policy)
    }
}

final class PriceThresholdTests: XCTestCase {
    func options(relax: Bool = false) -> PlanOptions {
        var options = PlanOptions()
        options.baselines = false
        options.relax = relax
        return options
    }

    func threshold(_ list: [PriceThreshold], _ offering: String, _ direction: PriceThreshold.Direction) throws -> PriceThreshold {
        try XCTUnwrap(list.first { $0.offering == offering && $0.direction == direction }, "\(offering) \(direction) in \(list)")
    }

    /// Whether the plan at the current prices stops being optimal with the offering's price
    /// at `price`: the planner (gap 0, or the LP relaxation) finds a plan cheaper than the
    /// reference decisions as the independent evaluator costs them at that price.
    func referenceBeaten(_ scenario: Scenario, _ reference: PlanDecisions, _ t: PriceThreshold, at price: Double, integer: Bool) throws -> Bool {
        var options = options(relax: !integer)
        options.priceThresholds = false
        if integer { options.mipGap = 0 }
        let scaled = try PriceThresholds.scaling(scenario, offering: t.offering, by: price / t.currentPrice)
        let plan = try Planner.plan(scaled, options: options)
        XCTAssertEqual(plan.status, .optimal)
        let optimum = try XCTUnwrap(plan.totals?.discountedCost)
        let evaluation = PlanEvaluator(scenario: scaled.withIntegerUnits(integer)).evaluate(reference)
        // At a higher price the current purchases can break the capital budget: the plan must change.
        if !evaluation.violations.isEmpty { return true }
        return optimum < evaluation.discountedCost - 1e-7 * max(1, abs(evaluation.discountedCost))
    }

    /// The decisions of the optimal plan at the current prices, in the thresholds' mode.
    func referenceDecisions(_ scenario: Scenario, integer: Bool) throws -> PlanDecisions {
        let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, integerUnits: integer))
        var solveOptions = SolveOptions()
        solveOptions.mip.relativeGap = 0
        let solution = try GLPKSolver.solve(model.lp, options: solveOptions)
        XCTAssertEqual(solution.termination, .optimal)
        return PlanExtraction.decisions(scenario: scenario, model: model, solution: solution, integer: integer)
    }

    /// Every threshold with a price: just past it a cheaper plan than the current one exists,
    /// just before it the current plan is still optimal.
    @discardableResult
    func checkEveryThreshold(_ scenario: Scenario, _ list: [PriceThreshold], integer: Bool, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        var checked = 0
        let reference = try referenceDecisions(scenario, integer: integer)
        for t in list {
            guard let price = t.thresholdPrice, let bracket = t.bracket else { continue }
            checked += 1
            XCTAssertLessThanOrEqual(bracket[1] / bracket[0], 1.005 + 1e-12, "\(t)", file: file, line: line)
            switch t.direction {
            case .entersAtOrBelow:
                XCTAssertEqual(price, bracket[0])
                XCTAssertTrue(try referenceBeaten(scenario, reference, t, at: price, integer: integer), "\(t.offering) enters at \(price)", file: file, line: line)
                XCTAssertFalse(try referenceBeaten(scenario, reference, t, at: price * 1.005, integer: integer), "\(t.offering) stays out at \(price * 1.005)", file: file, line: line)
            case .usageChangesAbove:
                XCTAssertEqual(price, bracket[0])
                XCTAssertFalse(try referenceBeaten(scenario, reference, t, at: price, integer: integer), "\(t.offering) unchanged at \(price)", file: file, line: line)
                XCTAssertTrue(try referenceBeaten(scenario, reference, t, at: price * 1.005, integer: integer), "\(t.offering) changed at \(price * 1.005)", file: file, line: line)
            case .usageChangesBelow:
                XCTAssertEqual(price, bracket[1])
                XCTAssertFalse(try referenceBeaten(scenario, reference, t, at: price, integer: integer), "\(t.offering) unchanged at \(price)", file: file, line: line)
                XCTAssertTrue(try referenceBeaten(scenario, reference, t, at: price / 1.005, integer: integer), "\(t.offering) changed at \(price / 1.005)", file: file, line: line)
            }
        }
        return checked
    }

    /// srv at 200 000 USD costs 100 000 + 2314 a year per 1000 tokens/s against 63 072 by the
    /// API: unused. It enters when c/2 + 2314 <= 63 072, i.e. at c <= 121 516. The API is used
    /// and stays used whatever its price goes up to (nothing else can take all of the load
    /// cheaper until srv enters at 102 314 / 63 072 = 1.622x).
    func testUnusedPurchaseEntersAtTheHandComputedPrice() throws {
        let scenario = ThresholdScenarios.make(serverPrice: 200_000)
        let plan = try Planner.plan(scenario, options: options())
        XCTAssertTrue(plan.purchases.isEmpty)
        let list = try PriceThresholds.compute(scenario, plan: plan, options: options())
        let srv = try threshold(list, "srv", .entersAtOrBelow)
        XCTAssertEqual(srv.field, "unitPrice")
        XCTAssertEqual(srv.currentPrice, 200_000)
        XCTAssertEqual(try XCTUnwrap(srv.thresholdPrice), 121_516, accuracy: 121_516 * 0.005)
        XCTAssertTrue(srv.method.contains("bisection on re-solves, relative precision 0.5%"), srv.method)
        XCTAssertTrue(srv.method.contains("whole units"), srv.method)
        let above = try threshold(list, "api", .usageChangesAbove)
        XCTAssertEqual(above.field, "inputPricePerMTok+outputPricePerMTok")
        XCTAssertEqual(try XCTUnwrap(above.thresholdPrice), 102_314.0 / 63_072, accuracy: 0.01)
        XCTAssertNil(try threshold(list, "api", .usageChangesBelow).thresholdPrice, "nothing changes when the only API gets cheaper")
        try checkEveryThreshold(scenario, list, integer: true)
    }

    /// srv at 60 000 USD is used (n = 1, 2, filling demand exactly): its usage changes above
    /// 121 516 (it leaves) and never below (more units would be idle). The unused API enters
    /// when 63 072 f < 32 314, i.e. below 0.5123 times its prices (input 1 -> 0.5123).
    func testUsedPurchaseAndUnusedAPI() throws {
        let scenario = ThresholdScenarios.make(serverPrice: 60_000)
        let plan = try Planner.plan(scenario, options: options())
        XCTAssertEqual(plan.purchases.map(\.units), [1, 1])
        let list = try PriceThresholds.compute(scenario, plan: plan, options: options())
        XCTAssertEqual(try XCTUnwrap(try threshold(list, "srv", .usageChangesAbove).thresholdPrice), 121_516, accuracy: 121_516 * 0.005)
        let below = try threshold(list, "srv", .usageChangesBelow)
        XCTAssertNil(below.thresholdPrice)
        XCTAssertTrue(below.note.contains("unchanged down to"), below.note)
        let api = try threshold(list, "api", .entersAtOrBelow)
        XCTAssertEqual(api.currentPrice, 1)
        XCTAssertEqual(try XCTUnwrap(api.thresholdPrice), 32_314.0 / 63_072, accuracy: 0.5123 * 0.005)
        try checkEveryThreshold(scenario, list, integer: true)
    }

    /// The relaxation is used when asked: continuous units, so srv at 60 000 still fills the
    /// demand exactly and the thresholds are the same here; the method says so.
    func testRelaxedThresholdsSayLPRelaxation() throws {
        let scenario = ThresholdScenarios.make(serverPrice: 200_000)
        let plan = try Planner.plan(scenario, options: options(relax: true))
        let list = try PriceThresholds.compute(scenario, plan: plan, options: options(relax: true))
        let srv = try threshold(list, "srv", .entersAtOrBelow)
        XCTAssertTrue(srv.method.contains("LP relaxation"), srv.method)
        XCTAssertEqual(try XCTUnwrap(srv.thresholdPrice), 121_516, accuracy: 121_516 * 0.005)
        try checkEveryThreshold(scenario, list, integer: false)
    }

    /// Generated scenarios (purchases, rentals, APIs, slices): every threshold found holds up
    /// when applied, on the relaxation and with whole units.
    func testGeneratedScenariosThresholdsChangeThePlanWhenApplied() throws {
        var checked = 0
        for seed in [UInt64(3), 11, 21] {
            let scenario = ScenarioGenerator(size: .tiny, seed: seed).scenario()
            for relax in [true, false] {
                let plan = try Planner.plan(scenario, options: options(relax: relax))
                guard plan.status == .optimal else { continue }
                let list = try PriceThresholds.compute(scenario, plan: plan, options: options(relax: relax))
                XCTAssertEqual(Set(list.map(\.offering)), Set(scenario.offerings.map(\.id)))
                let integer = list.first?.method.contains("whole units") ?? false
                XCTAssertEqual(integer, scenario.policy.integerUnits && !relax)
                checked += try checkEveryThreshold(scenario, list, integer: integer)
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 6, "thresholds with a price were found and applied")
    }

    /// Doubling an on-demand rental's or an API's price can change which options the exact
    /// reductions leave out; those searches run on the model without reductions, so every
    /// generated scenario gets its thresholds.
    func testEveryOfferingKindIsSearchedOnGeneratedScenarios() throws {
        // Medium seed 4 has an on-demand rental whose doubled price un-reduces an API pair.
        for (size, seeds) in [(ScenarioSize.small, [UInt64(1), 2]), (.medium, [4])] {
            for seed in seeds {
                // An LP per search needs scenarios without section 8's binaries.
                let scenario = ScenarioGenerator(size: size, seed: seed, procurementFeatures: false).scenario()
                var options = options(relax: true)
                options.priceThresholds = true
                let plan = try Planner.plan(scenario, options: options)
                XCTAssertFalse(plan.warnings.contains { $0.hasPrefix("price thresholds not computed") }, "\(size) \(seed): \(plan.warnings)")
                XCTAssertEqual(Set(plan.priceThresholds?.map(\.offering) ?? []), Set(scenario.offerings.map(\.id)), "\(size) \(seed)")
            }
        }
    }

    /// The warm-started search (one GLPK problem per offering, each re-solve from the previous
    /// optimal basis, changes that reach as far as their plans do, the rounding heuristic)
    /// finds what the plain bisection from scratch finds: a threshold for the same offerings
    /// and directions, in brackets that overlap (each holds the price at which the plan
    /// changes) and are no wider than the precision, and the same note where there is none;
    /// on whole units and on the relaxation, with and without section 8's binaries, on
    /// hand-built, generated and shipped scenarios.
    func testWarmStartedSearchFindsTheColdThresholds() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var cases: [(name: String, scenario: Scenario, relax: Bool)] = [
            ("srv at 200000", ThresholdScenarios.make(serverPrice: 200_000), false),
            ("srv at 60000", ThresholdScenarios.make(serverPrice: 60_000), false),
            ("srv at 60000, relaxed", ThresholdScenarios.make(serverPrice: 60_000), true),
        ]
        for seed in [UInt64(3), 11, 21] {
            for relax in [true, false] { cases.append(("tiny \(seed)\(relax ? ", relaxed" : "")", ScenarioGenerator(size: .tiny, seed: seed).scenario(), relax)) }
        }
        cases.append(("small 1 with section 8's binaries, relaxed", ScenarioGenerator(size: .small, seed: 1).scenario(), true))
        for example in ["midsize-3year", "startup-api-breakeven"] {
            let path = root.appendingPathComponent("examples/\(example).yaml").path
            cases.append((example, try ScenarioLoader.load(path: path).scenario, false))
        }
        var found = 0, whole = 0
        for (name, scenario, relax) in cases {
            let plan = try Planner.plan(scenario, options: options(relax: relax))
            guard plan.status == .optimal else { continue }
            func thresholds(warm: Bool, cutsAfterNodes: Int = PriceThresholds.longProofNodes) throws -> [PriceThreshold] {
                try PriceThresholds.compute(scenario, plan: plan, decisions: nil, options: options(relax: relax),
                                            deadline: Deadline(seconds: 600), jobs: 1, warmStart: warm, cutsAfterNodes: cutsAfterNodes)
            }
            let warm = try thresholds(warm: true), cold = try thresholds(warm: false)
            agree(warm, cold, name)
            // With every cut family on from the first branch-and-cut of each search on.
            agree(try thresholds(warm: true, cutsAfterNodes: 0), cold, "\(name), cuts after the first branch-and-cut")
            XCTAssertFalse(warm.contains { $0.note.hasPrefix(Deadline.notComputed) }, name)
            found += warm.filter { $0.thresholdPrice != nil }.count
            if warm.first?.method.contains("whole units") == true { whole += 1 }
        }
        XCTAssertGreaterThanOrEqual(found, 20, "thresholds with a price were compared")
        XCTAssertGreaterThanOrEqual(whole, 3, "whole-unit searches were compared")
    }

    /// Two searches' thresholds agree: the same offerings and directions, a price in both or
    /// neither (then the same note), brackets that overlap and are at most 1.005 wide.
    func agree(_ a: [PriceThreshold], _ b: [PriceThreshold], _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.map { "\($0.offering) \($0.direction)" }, b.map { "\($0.offering) \($0.direction)" }, name, file: file, line: line)
        for (x, y) in zip(a, b) {
            let what = "\(name): \(x.offering) \(x.direction.rawValue)"
            XCTAssertEqual(x.method, y.method, what, file: file, line: line)
            guard let p = x.bracket, let q = y.bracket else {
                XCTAssertNil(x.bracket, what, file: file, line: line)
                XCTAssertNil(y.bracket, what, file: file, line: line)
                XCTAssertEqual(x.note, y.note, what, file: file, line: line)
                continue
            }
            XCTAssertTrue(p[0] < q[1] && q[0] < p[1], "\(what): \(p) and \(q) do not overlap", file: file, line: line)
            for r in [p, q] { XCTAssertLessThanOrEqual(r[1] / r[0], 1.005 + 1e-12, what, file: file, line: line) }
        }
    }

    /// The whole-unit search model with srv's price on the line, and the plan at the current
    /// prices as its point (gap 0).
    func pricedSrv(_ scenario: Scenario) throws -> (PriceThresholds.PricedModel, Solution) {
        let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, integerUnits: true))
        let search = PriceThresholds.SearchModel(
            model: model, options: options(), integer: true, deadline: Deadline(seconds: 600), stepSeconds: 600, reductions: true)
        let priced = try PriceThresholds.PricedModel(scenario, offering: "srv", search: search)
        return (priced, try GLPKSolver.solve(priced.base, options: exact))
    }

    var exact: SolveOptions {
        var options = SolveOptions()
        options.mip.relativeGap = 0
        return options
    }

    /// A change found far from the threshold reaches where the cost lines cross. With srv at
    /// 200 000 USD the plan at 0.1% of its price buys srv for all the load, and that plan
    /// costs less than the API-only plan until c/2 + 2314 = 63 072 USD per 1000 tokens/s and
    /// year, c = 121 516 (factor 0.60758); beyond the crossing the same plan no longer beats it.
    func testAChangeReachesWhereTheCostLinesCross() throws {
        let scenario = ThresholdScenarios.make(serverPrice: 200_000)
        let (priced, reference) = try pricedSrv(scenario)
        let cheap = try GLPKSolver.solve(priced.model(at: 0.001), options: exact)
        XCTAssertTrue(priced.beaten(reference, at: 0.001, by: cheap))
        let reach = priced.changeReach(at: 0.001, point: cheap, reference: reference)
        XCTAssertEqual(reach, 121_516.0 / 200_000, accuracy: 1e-5)
        XCTAssertTrue(priced.beats(cheap, solvedAt: 0.001, reference, at: reach))
        XCTAssertFalse(priced.beats(cheap, solvedAt: 0.001, reference, at: reach * 1.0001))
        // Without a plan that beats the reference, and toward a factor already there, nothing.
        XCTAssertEqual(priced.reach(from: 0.001, point: reference, reference: reference), 0.001)
        XCTAssertEqual(priced.changeReach(at: 0.001, point: nil, reference: reference), 0.001)
    }

    /// A reference that breaks a row the price moves is beaten down to where the row mends:
    /// srv at 60 000 USD is bought in both years; with a capital budget of 90 000 USD a year
    /// that purchase breaks it above 1.5 times the price, so a change found at 100x reaches 1.5x.
    func testABrokenBudgetReachesWhereTheRowMends() throws {
        var scenario = ThresholdScenarios.make(serverPrice: 60_000)
        scenario.budget = Budget(capexPerPeriod: [90_000, 90_000])
        let (priced, reference) = try pricedSrv(scenario)
        XCTAssertFalse(priced.breaks(reference, at: 1.49))
        XCTAssertTrue(priced.breaks(reference, at: 100))
        let reach = priced.changeReach(at: 100, point: nil, reference: reference)
        XCTAssertEqual(reach, 1.5, accuracy: 1.5e-4)
        XCTAssertGreaterThan(reach, 1.5)
        XCTAssertTrue(priced.breaks(reference, at: reach))
        // The thresholds say the same: usage changes above 1.5x (90 000 USD).
        let plan = try Planner.plan(scenario, options: options())
        let above = try threshold(try PriceThresholds.compute(scenario, plan: plan, options: options()), "srv", .usageChangesAbove)
        XCTAssertEqual(try XCTUnwrap(above.thresholdPrice), 90_000, accuracy: 90_000 * 0.005)
    }

    /// One re-solve gets at most its share of the budget (half of it by default): the share
    /// bounds each solve's limit before the deadline does, and a re-solve past it leaves its
    /// search with a note that says so, not "time budget", while the others go on.
    func testAReSolveGetsItsShareOfTheBudget() throws {
        let scenario = ThresholdScenarios.make(serverPrice: 200_000)
        let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, integerUnits: true))
        func search(seconds: Double, share: Double) -> PriceThresholds.SearchModel {
            PriceThresholds.SearchModel(
                model: model, options: options(), integer: true, deadline: Deadline(seconds: seconds), stepSeconds: share, reductions: true)
        }
        let shareFirst = try search(seconds: 600, share: 5).limit()
        XCTAssertEqual(shareFirst.seconds, 5, accuracy: 1e-9)
        XCTAssertTrue(shareFirst.byShare)
        let partly = try search(seconds: 600, share: 5).limit(spent: 4)
        XCTAssertEqual(partly.seconds, 1, accuracy: 1e-9)
        XCTAssertThrowsError(try search(seconds: 600, share: 5).limit(spent: 4.99)) { XCTAssertTrue($0 is PriceThresholds.StepTooLong) }
        let deadlineFirst = try search(seconds: 2, share: 5).limit()
        XCTAssertLessThanOrEqual(deadlineFirst.seconds, 2)
        XCTAssertFalse(deadlineFirst.byShare)
        XCTAssertEqual(PriceThresholds.stepShare, 0.5)

        // No share at all: every search that needs a re-solve says so; none blames the budget.
        // (Without the plan's decisions the plan at the current prices is a re-solve too, and
        // the whole computation stops with the same reason.)
        let solution = try Planner.solve(model, options: options())
        let (plan, audited) = try Planner.auditedDocument(scenario, model: model, solution: solution, integer: true, options: options())
        XCTAssertThrowsError(try PriceThresholds.compute(
            scenario, plan: plan, decisions: nil, options: options(), deadline: Deadline(seconds: 600), jobs: 1, stepSeconds: 0)) {
            XCTAssertEqual("\($0)", "one re-solve needed more than 0 s (half the extras' time budget)")
        }
        let starved = try PriceThresholds.compute(
            scenario, plan: plan, decisions: try XCTUnwrap(audited).0, options: options(), deadline: Deadline(seconds: 600), jobs: 1, stepSeconds: 0)
        XCTAssertFalse(starved.isEmpty)
        for threshold in starved {
            XCTAssertNil(threshold.thresholdPrice, threshold.offering)
            XCTAssertTrue(threshold.note.hasPrefix("not computed: one re-solve needed more than 0 s (half the extras' time budget)"), threshold.note)
        }
        let full = try PriceThresholds.compute(scenario, plan: plan, decisions: nil, options: options(), deadline: Deadline(seconds: 600), jobs: 1)
        XCTAssertTrue(full.contains { $0.thresholdPrice != nil })
    }

    func testThresholdsAreCodableAndNeedAPlan() throws {
        let scenario = ThresholdScenarios.make(serverPrice: 200_000)
        let plan = try Planner.plan(scenario, options: options())
        let list = try PriceThresholds.compute(scenario, plan: plan, options: options(), jobs: 1)
        let decoded = try JSONDecoder().decode([PriceThreshold].self, from: JSONEncoder().encode(list))
        XCTAssertEqual(decoded, list)
        XCTAssertEqual(try PriceThresholds.compute(scenario, plan: plan, options: options(), jobs: 2), list, "parallel equals serial")
        XCTAssertTrue(PriceThresholds.text(list).contains("srv unitPrice"))
        var infeasible = plan
        infeasible.status = .infeasible
        XCTAssertThrowsError(try PriceThresholds.compute(scenario, plan: infeasible, options: options()))
    }
}
