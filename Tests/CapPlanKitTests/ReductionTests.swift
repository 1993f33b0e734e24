import XCTest
import LinearProgramming
@testable import CapPlanKit

/// The builder's exact reductions leave the optimum unchanged.
final class ReductionTests: XCTestCase {
    func optimum(_ scenario: Scenario, reductions: Bool, integer: Bool) throws -> (Double?, CapacityModel) {
        let model = CapacityModelBuilder.buildModel(
            scenario, options: CapacityModelOptions(names: false, integerUnits: integer, reductions: reductions))
        var options = SolveOptions()
        options.mip.relativeGap = 1e-9
        let solution = try GLPKSolver.solve(model.lp, options: options)
        return (solution.termination == .optimal ? solution.objectiveValue : nil, model)
    }

    func assertSameOptimum(_ scenario: Scenario, integer: Bool, _ label: String) throws -> Bool {
        let (full, fullModel) = try optimum(scenario, reductions: false, integer: integer)
        let (reduced, reducedModel) = try optimum(scenario, reductions: true, integer: integer)
        XCTAssertEqual(full == nil, reduced == nil, label)
        if let full, let reduced {
            XCTAssertEqual(reduced, full, accuracy: 1e-9 * max(1, abs(full)), label)
        }
        return reducedModel.lp.variableCount < fullModel.lp.variableCount
    }

    func testGeneratedScenariosKeepTheirOptimum() throws {
        var reducedSome = 0
        for seed in UInt64(1)...300 {
            let scenario = ScenarioGenerator(size: .tiny, seed: seed).scenario()
            if try assertSameOptimum(scenario, integer: seed % 2 == 0, "seed \(seed)") { reducedSome += 1 }
        }
        XCTAssertGreaterThan(reducedSome, 30, "the reductions should apply to a fair share of scenarios")
        let large = ScenarioGenerator(size: .small, seed: 2).scenario()
        _ = try assertSameOptimum(large, integer: false, "small seed 2")
    }

    func testExamplesKeepTheirOptimum() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let scenario = try ScenarioLoader.load(path: examples.appendingPathComponent(file).path).scenario
            _ = try assertSameOptimum(scenario, integer: true, file)
        }
    }

    /// A dearer unlimited API, a dearer rate-limited one and a penalty above the cheapest API
    /// are all left out; a cheaper rate-limited API is kept.
    func testWhatIsLeftOut() {
        let scenario = Scenario(
            name: "r", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 2),
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [1e9, 1e9])],
            offerings: [
                .api(APIOffering(id: "cheap", inputPricePerMTok: 1, outputPricePerMTok: 1, serves: ["chat"])),
                .api(APIOffering(id: "dear", inputPricePerMTok: 2, outputPricePerMTok: 2, serves: ["chat"])),
                .api(APIOffering(id: "dear-limited", inputPricePerMTok: 3, outputPricePerMTok: 3, serves: ["chat"], maxTokensPerSecond: 10)),
                .api(APIOffering(id: "cheaper-limited", inputPricePerMTok: 0.5, outputPricePerMTok: 0.5, serves: ["chat"], maxTokensPerSecond: 10)),
            ],
            policy: Policy(integerUnits: false, unservedPenaltyPerMTok: 100))
        let model = CapacityModelBuilder.buildModel(scenario)
        let kept = Set(model.index.servingPairs.map { scenario.offerings[$0.offering].id })
        XCTAssertEqual(kept, ["cheap", "cheaper-limited"])
        XCTAssertNil(model.index.unserved[0])
        XCTAssertNil(model.index.apiRateLimitRows[2])
        XCTAssertNotNil(model.index.apiRateLimitRows[3])
        XCTAssertEqual(model.reductions.count, 2)
    }
}
