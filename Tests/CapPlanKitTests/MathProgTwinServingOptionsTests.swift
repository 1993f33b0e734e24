// The MathProg twin (models/capacity.mod) on docs/formulation.md section 9: serving options
// (o, w, k), a derived option per allowed precision, k = 'given' for a given throughput. The
// scenarios set `derivedServing` directly (what the performance model would derive); each
// optimum is worked out by hand below and checked against the twin, and the evaluator costs
// the hand-written optimal decisions at the same figure.

import Foundation
import Testing
@testable import CapPlanKit

enum TwinServingOptionExamples {
    typealias E = ServingOptionExamples

    /// Seconds of a 12-hour slice over a year: 365 · 12 · 3600.
    static let halfYearSeconds = 15_768_000.0

    /// One year, `chat` at 3,500 tokens/s (output share 0.25). The node (60,000 USD a year
    /// amortized + 8,760 energy = 68,760 per unit) derives `options`; an on-demand rental `cloud`
    /// has a given throughput of 1,000 tokens/s per unit at 10 USD/h; the API costs
    /// 0.75 · 1 + 0.25 · 2 = 1.25 USD per million tokens, 1.25 · 31.536 = 39.42 USD per
    /// tokens/s held a year.
    static func nodeOrAPI(options: [ServingOption]) -> Scenario {
        E.year(rate: 3500, offerings: [
            .purchase(E.node(options: options)),
            .rental(RentalOffering(id: "cloud", pricePerUnitHour: 10, commitment: .none, throughput: ["chat": 1000])),
            .api(APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 2, serves: ["chat"])),
        ])
    }

    /// With int4 (3,000 tokens/s per node): a node costs 68,760 / 3,000 = 22.92 USD per tokens/s-year,
    /// below the API's 39.42 and the cloud's 87,600 / 1,000 = 87.6. Whole nodes: one node at int4
    /// (3,000) and 500 tokens/s to the API (500 · 39.42 = 19,710): 88,470 USD; two nodes cost
    /// 137,520. bf16 alone (68.76 per tokens/s-year) loses to the API.
    static let withInt4 = nodeOrAPI(options: [E.option(.bf16, 1000), E.option(.int4, 3000)])
    static let withInt4Cost = 88_470.0
    static let withInt4Decisions = PlanDecisions(
        arrivals: ["node": [1]], onDemandUnits: ["cloud": [[0]]],
        served: ["node": ["chat@int4": [[3000]]], "api": ["chat": [[500]]]])

    /// bf16 only: every tokens/s to the API, 3,500 · 39.42 = 137,970 USD.
    static let bf16Only = nodeOrAPI(options: [E.option(.bf16, 1000)])
    static let bf16OnlyCost = 137_970.0

    /// A per-GPU on-demand rental at 2 USD/h, U = 1, minReplicas 2, two 12-hour slices: night at
    /// 400 tokens/s, day at 1,500. int4 takes 2-GPU replicas at 375 tokens/s per GPU (750 a
    /// replica), bf16 1-GPU replicas at 200. Each option that serves holds 2 replicas:
    /// night: bf16 max(400/200, 2) = 2 replicas = 2 GPUs; int4 max(0.53, 2) · 2 = 4 GPUs.
    /// day: int4 max(1500/750, 2) = 2 replicas = 4 GPUs; bf16 1500/200 = 7.5 GPUs.
    /// Both at once would hold 2 replicas of each (6 GPUs). Optimum: bf16 at night, int4 by day:
    /// 2 · 4,380 h · 2 + 4 · 4,380 h · 2 = 17,520 + 35,040 = 52,560 USD.
    static var precisionBySlice: Scenario {
        var gpu = RentalOffering(id: "gpu", pricePerUnitHour: 2, accelerator: "H100", commitment: .none, throughput: [:])
        gpu.derivedServing = ["chat": [E.option(.bf16, 200, replica: 1), E.option(.int4, 375, replica: 2)]]
        // D σ_s = rate · 365 · 12 · 3600: 400 and 1,500 tokens/s, shares 4/19 and 15/19.
        let tokens = 1900 * halfYearSeconds
        return Scenario(
            name: "precision-by-slice", horizon: Horizon(start: PeriodLabel("2027")!, periods: 1),
            timeSlices: [TimeSlice(name: "night", hours: 12, share: 4.0 / 19), TimeSlice(name: "day", hours: 12, share: 15.0 / 19)],
            workloads: [Workload(id: "chat", outputShare: 0.25, model: "llama-3.1-70b", demand: [tokens], minReplicas: 2,
                                 serving: WorkloadServing(precisions: [.bf16, .int4], inputTokens: 1000, outputTokens: 333))],
            offerings: [.rental(gpu)], policy: Policy(utilizationCap: 1))
    }
    static let precisionBySliceCost = 52_560.0
    static let precisionBySliceDecisions = PlanDecisions(
        onDemandUnits: ["gpu": [[2, 4]]],
        served: ["gpu": ["chat@bf16": [[400, 0]], "chat@int4": [[0, 1500]]]])

    static var handComputed: [(name: String, scenario: Scenario, cost: Double, decisions: PlanDecisions?)] {
        [("int4 node and API", withInt4, withInt4Cost, withInt4Decisions),
         ("bf16 only: API", bf16Only, bf16OnlyCost, PlanDecisions(arrivals: ["node": [0]], served: ["api": ["chat": [[3500]]]])),
         ("precision by slice", precisionBySlice, precisionBySliceCost, precisionBySliceDecisions)]
    }
}

@Suite("MathProg twin: serving options (section 9)")
struct MathProgTwinServingOptionsTests {
    typealias T = TwinServingOptionExamples

    @Test func twinAndEvaluatorReachTheHandComputedOptima() throws {
        for (name, scenario, expected, decisions) in T.handComputed {
            let solution = try GLPSol.solve(scenario)
            #expect(solution.status == 0 && solution.optimal, "\(name):\n\(solution.output)")
            let twin = try #require(solution.objective, "\(name): no OBJECTIVE line\n\(solution.output)")
            #expect(abs(twin - expected) <= 1e-6 * max(1, expected), "\(name): twin \(twin) vs hand-computed \(expected)")
            if let decisions {
                let evaluation = PlanEvaluator(scenario: scenario).evaluate(decisions)
                #expect(evaluation.violations.isEmpty, "\(name): \(evaluation.violations)")
                #expect(abs(evaluation.discountedCost - expected) <= 1e-9 * max(1, expected),
                        "\(name): evaluator \(evaluation.discountedCost) vs hand-computed \(expected)")
            }
        }
    }

    /// The planner (the builder, written separately) reaches the same optimum; the evaluator
    /// (the planner's audit) costs the planner's own decisions at it with no violation.
    @Test func plannerAgreesWithTheTwinAndTheEvaluator() throws {
        for (name, scenario, expected, _) in T.handComputed {
            var options = PlanOptions()
            options.baselines = false
            options.mipGap = 1e-9
            let plan = try Planner.plan(scenario, options: options)
            #expect(plan.status == .optimal, "\(name): \(plan.status)")
            let cost = try #require(plan.totals?.discountedCost, "\(name)")
            #expect(abs(cost - expected) <= 1e-6 * max(1, expected), "\(name): planner \(cost) vs hand-computed \(expected)")
            // The planner's audit is the evaluator's cost of the planner's decisions.
            let audit = try #require(plan.audit, "\(name): no audit")
            #expect(audit.violations.isEmpty, "\(name): \(audit.violations)")
            #expect(abs(audit.evaluatorDiscountedCost - expected) <= 1e-6 * max(1, expected),
                    "\(name): evaluator \(audit.evaluatorDiscountedCost) on the planner's plan vs \(expected)")
            let twin = try #require(GLPSol.solve(scenario).objective, "\(name)")
            #expect(abs(twin - cost) <= 1e-6 * max(1, cost), "\(name): twin \(twin) vs planner \(cost)")
        }
    }

    /// The issue-13 item-7 examples, whose throughputs the performance model derives: the twin's
    /// optimum is the planner's and the figure their headers work out by hand (49,020.92 USD: one
    /// GPU all day at INT4 over 8 quarters at 8 %; 2,048,830 USD: FP8 on 13 servers).
    @Test func theTwinAgreesOnTheQuantizationExamples() throws {
        for (name, expected) in [("quantization-single-gpu", 49_020.92), ("quantization-70b", 2_048_830.0)] {
            let url = GLPSol.repoRoot.appendingPathComponent("examples/\(name).yaml")
            let scenario = try ScenarioLoader.load(path: url.path).scenario
            var options = PlanOptions()
            options.baselines = false
            options.mipGap = 1e-9
            let plan = try Planner.plan(scenario, options: options)
            let cost = try #require(plan.totals?.discountedCost, "\(name)")
            let twin = try #require(GLPSol.solve(scenario).objective, "\(name)")
            #expect(abs(twin - cost) <= 1e-6 * max(1, cost), "\(name): twin \(twin) vs planner \(cost)")
            // The headers round to the cent (single GPU) and to the dollar (70B).
            #expect(abs(twin - expected) <= 0.5, "\(name): twin \(twin) vs the header's \(expected)")
        }
    }

    @Test func theTwinBuysTheNodeForItsInt4Option() throws {
        let solution = try GLPSol.solve(T.withInt4)
        let bought = solution.output.split(separator: "\n").filter { $0.hasPrefix("BUY node 2027 ") }
            .compactMap { Double($0.dropFirst("BUY node 2027 ".count)) }
        #expect(bought.count == 1 && abs(bought[0] - 1) < 1e-9, "\(solution.output)")
        #expect(!(try GLPSol.solve(T.bf16Only)).output.contains("BUY node"))
    }

    @Test func dataIndexesOptionsByPrecisionAndGivenThroughputsByGiven() {
        let text = MathProgData.write(T.withInt4)
        #expect(text == MathProgData.write(T.withInt4))
        for line in ["set CANSERVE := ('node', 'chat', 'bf16') ('node', 'chat', 'int4') ('cloud', 'chat', 'given');",
                     "param tau :=\n  'node' 'chat' 'bf16' 1000.0\n  'node' 'chat' 'int4' 3000.0\n  'cloud' 'chat' 'given' 1000.0\n;",
                     "set REPLICA := ;"] {
            #expect(text.contains(line), "missing \(line) in\n\(text)")
        }
        let bySlice = MathProgData.write(T.precisionBySlice)
        for line in ["set REPLICA := ('gpu', 'chat', 'bf16') ('gpu', 'chat', 'int4');",
                     "param accelPerReplica :=\n  'gpu' 'chat' 'bf16' 1\n  'gpu' 'chat' 'int4' 2\n;"] {
            #expect(bySlice.contains(line), "missing \(line) in\n\(bySlice)")
        }
    }
}
