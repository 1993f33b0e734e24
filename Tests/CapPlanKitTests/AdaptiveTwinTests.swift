// The MathProg twin on 12.6 (decisions that adapt): a first stage per case tied by the rows
// `nonanticipative` along the tree the data writes (`nodeLead`), against the adaptive newsvendor
// worked out by hand (AdaptiveTreeTests) and against `TwoStagePlanner.plan` on the example.

import Foundation
import Testing
@testable import CapPlanKit

@Suite("MathProg twin: decisions that adapt")
struct AdaptiveTwinTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// glpsol's optimum against `expected` (1e-6 relative) and the planner's.
    @discardableResult
    private func solve(_ scenario: Scenario, expected: Double?, label: String = "") throws -> String {
        let solution = try GLPSol.solve(scenario)
        #expect(solution.status == 0, "\(label) glpsol exited \(solution.status):\n\(solution.output.suffix(600))")
        #expect(solution.optimal, "\(label) not optimal:\n\(solution.output.suffix(600))")
        let objective = try #require(solution.objective, "\(label) no OBJECTIVE line:\n\(solution.output.suffix(600))")
        var options = PlanOptions()
        options.baselines = false
        options.mipGap = 1e-9
        let planned = try #require(try TwoStagePlanner.plan(scenario, options: options).objective)
        let reference = expected ?? planned
        #expect(abs(objective - reference) <= 1e-6 * max(1, abs(reference)), "\(label) glpsol \(objective) vs \(reference)")
        #expect(abs(planned - reference) <= 1e-6 * max(1, abs(reference)), "\(label) planner \(planned) vs \(reference)")
        return solution.output
    }

    /// The adaptive newsvendor (AdaptiveTreeTests.testAdaptiveNewsvendorByHand): RP 319,608
    /// adaptive (C buys 8 in 2028, A and B 2), 360,000 here-and-now (8 for everyone). The data
    /// ties B to A from 2028 and C to A in 2027 only.
    @Test func adaptiveNewsvendorByHand() throws {
        let adaptive = AdaptiveTreeTests.newsvendor(.adaptive)
        let data = MathProgData.write(adaptive)
        #expect(data.contains("param firstCase := 'A';\n"))
        #expect(data.contains("param nodeLead :=\n  'C' 2 'C'\n;\n"), "\(data)")
        let output = try solve(adaptive, expected: 319_608)
        #expect(output.contains("BUY srv 2027 4\n"), "\(output.suffix(400))")
        #expect(output.contains("BUY srv 2028 2\n"), "\(output.suffix(400))")
        #expect(output.contains("CASEBUY C srv 2028 8\n"), "\(output.suffix(400))")
        #expect(output.contains("CASE B 0.25 558432"), "\(output.suffix(400))")
        let hereAndNow = AdaptiveTreeTests.newsvendor(.hereAndNow)
        #expect(!MathProgData.write(hereAndNow).contains("nodeLead"))
        let twoStage = try solve(hereAndNow, expected: 360_000)
        #expect(!twoStage.contains("CASEBUY"))
    }

    /// The reserved-rental newsvendor (AdaptiveTreeTests.testReservedRentalAdaptsByHand): the
    /// twin ties contract starts at their period; RP 319 608.
    @Test func reservedRentalByHand() throws {
        var s = AdaptiveTreeTests.newsvendor(.adaptive)
        s.offerings[0] = .rental(RentalOffering(id: "cloud", pricePerUnitHour: 30_000 / 8760, commitment: .period, throughput: ["chat": 1000]))
        try solve(s, expected: 319_608)
    }

    /// The generator draws adaptive scenarios among the tiny seeds TwinGeneratedTests compares
    /// with the twin (1...40), so that comparison covers the tree too.
    @Test func generatedAdaptiveScenariosAreCompared() {
        let adaptive = (UInt64(1)...40).filter { $0 % 10 != 0 && ScenarioGenerator(size: .tiny, seed: $0).scenario().caseDecisions == .adaptive }
        #expect(!adaptive.isEmpty)
    }

    /// examples/adaptive-orders.yaml: the twin's optimum is the planner's (823,240 measured).
    @Test func example() throws {
        let scenario = try ScenarioLoader.load(path: Self.root.appendingPathComponent("examples/adaptive-orders.yaml").path).scenario
        let output = try solve(scenario, expected: nil)
        #expect(output.contains("BUY h100-node 2027Q2 2\n"), "\(output.suffix(600))")
        #expect(output.contains("CASEBUY high h100-node 2028Q3 2\n"), "\(output.suffix(600))")
    }
}
