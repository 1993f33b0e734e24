// The issue-13 item-7 examples plan as their headers say (examples/quantization-70b.yaml and
// examples/quantization-single-gpu.yaml): the precision the planner chooses, the fleet it buys
// and the cost against the same scenario allowed BF16 only.
import Foundation
import XCTest
@testable import CapPlanKit

final class PrecisionExamplesTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func scenario(_ name: String) throws -> Scenario {
        try ScenarioLoader.load(path: Self.root.appendingPathComponent("examples/" + name).path).scenario
    }

    /// The same scenario with every workload allowed only `precisions`, derived again.
    func restricted(_ scenario: Scenario, to precisions: [Precision]) -> Scenario {
        var edited = scenario
        for w in edited.workloads.indices { edited.workloads[w].serving?.precisions = precisions }
        ServingDerivation.derive(&edited)
        return edited
    }

    func plan(_ scenario: Scenario) throws -> PlanDocument {
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertLessThanOrEqual(plan.audit?.relativeDifference ?? 1, 1e-6, "the evaluator disagrees")
        return plan
    }

    func servedTokens(_ plan: PlanDocument, _ precision: Precision) -> Double {
        (plan.derivedThroughput ?? []).flatMap(\.options).filter { $0.precision == precision }.reduce(0) { $0 + $1.servedTokens }
    }

    /// One GPU all day at INT4 against four at BF16: 2.99 USD x 2,190 h a quarter for each GPU,
    /// discounted by Σ_{p=1..8} 1.08^(-(p-1)/4); INT4 costs a quarter of BF16 (-75%).
    func testOneInt4GPUReplacesFourBF16GPUs() throws {
        let scenario = try scenario("quantization-single-gpu.yaml")
        let discountSum = (0..<8).reduce(0.0) { $0 + pow(1.08, -Double($1) / 4) }
        let perGPUQuarter = 2.99 * 2190

        let chosen = try plan(scenario)
        XCTAssertEqual(try XCTUnwrap(chosen.totals).discountedCost, perGPUQuarter * discountSum, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(chosen.totals).cost, 8 * perGPUQuarter, accuracy: 1e-6)
        XCTAssertEqual(servedTokens(chosen, .int4), try XCTUnwrap(chosen.totals).tokensDemanded, accuracy: 1)

        let bf16 = try plan(restricted(scenario, to: [.bf16]))
        XCTAssertEqual(try XCTUnwrap(bf16.totals).discountedCost, 4 * perGPUQuarter * discountSum, accuracy: 1e-6)
        XCTAssertEqual(
            1 - chosen.totals!.discountedCost / bf16.totals!.discountedCost, 0.75, accuracy: 1e-12)
    }

    /// Throughput-bound: FP8 holds four 2-GPU replicas a server against BF16's two 4-GPU ones,
    /// each serving about the same tokens/s, so a server serves twice as much and the plan buys
    /// about half the servers (13 against 27) at about half the cost.
    func testFP8HalvesAThroughputBoundFleet() throws {
        let scenario = try scenario("quantization-70b.yaml")
        let node = try XCTUnwrap(scenario.purchases.first)
        let options = node.servingOptions(for: "chat")
        XCTAssertEqual(options.map(\.precision), [.bf16, .fp8, .int4])
        let tau = Dictionary(uniqueKeysWithValues: options.map { ($0.precision!, $0.tokensPerSecond) })
        // 4 replicas of 2 GPUs against 2 of 4, the same bandwidth-bound step per replica.
        XCTAssertEqual(tau[.fp8]! / tau[.bf16]!, 2, accuracy: 0.01)
        XCTAssertEqual(options.map(\.derivation?.tensorParallel), [4, 2, 1])

        let chosen = try plan(scenario)
        let bought = chosen.purchases.reduce(0) { $0 + $1.units }
        XCTAssertEqual(bought, 13)
        XCTAssertEqual(servedTokens(chosen, .bf16), 0, accuracy: 1)
        XCTAssertEqual(servedTokens(chosen, .int4), 0, accuracy: 1)
        XCTAssertEqual(servedTokens(chosen, .fp8), try XCTUnwrap(chosen.totals).tokensDemanded, accuracy: 1e3)

        let bf16 = try plan(restricted(scenario, to: [.bf16]))
        XCTAssertEqual(bf16.purchases.reduce(0) { $0 + $1.units }, 27)
        let saving = 1 - chosen.totals!.discountedCost / bf16.totals!.discountedCost
        XCTAssertEqual(saving, 0.50, accuracy: 0.01)
    }

    /// A `use:` entry gives its measured throughput to a workload without precisions, and none to
    /// one with precisions: that workload gets the derived options of the precisions it lists.
    func testCatalogEntriesDeriveForWorkloadsWithPrecisions() throws {
        let yaml = """
        name: catalog-and-precisions
        horizon: {start: 2027Q1, periods: 2}
        workloads:
          - {id: chat, model: llama-3.1-70b, precisions: [bf16, int4], inputTokensPerRequest: 1000, outputTokensPerRequest: 200, demand: {start: 3.0e11, growthPerPeriod: 0}}
          - {id: legacy, model: llama-3.1-70b, demand: {start: 1.0e11, growthPerPeriod: 0}}
        offerings:
          - {use: h100-node}
        """
        let scenario = try ScenarioLoader.load(text: yaml, fileName: "catalog-and-precisions.yaml", baseDirectory: ".").scenario
        let node = try XCTUnwrap(scenario.purchases.first)
        XCTAssertNil(node.throughput["chat"])
        XCTAssertEqual(node.servingOptions(for: "chat").map(\.precision), [.bf16, .int4])
        let catalogFigure = try XCTUnwrap(Catalog.builtIn.purchases.first { $0.id == "h100-node" }?.throughputByModel["llama-3.1-70b"]?.tokensPerSecond)
        XCTAssertEqual(node.servingOptions(for: "legacy").map(\.tokensPerSecond), [catalogFigure])
        XCTAssertEqual(node.servingOptions(for: "legacy").map(\.precision), [nil])
    }
}
