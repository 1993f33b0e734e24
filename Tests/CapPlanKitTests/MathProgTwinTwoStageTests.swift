// The MathProg twin (models/capacity.mod) on section 12 of docs/formulation.md: demand cases and
// the two-stage extensive form, solved by glpsol, against optima worked out by hand and against
// `TwoStagePlanner.plan` (the extensive form built by composition from the Swift builder).

import Foundation
import Testing
@testable import CapPlanKit

@Suite("MathProg twin: demand cases and two-stage plans")
struct MathProgTwinTwoStageTests {
    typealias E = ShapeExamples

    /// glpsol's optimum and `TwoStagePlanner.plan`'s objective, both against `expected` (1e-6
    /// relative; nil: against each other only). Returns glpsol's output.
    @discardableResult
    private func solve(_ scenario: Scenario, expected: Double?, relax: Bool = false, label: String = "") throws -> String {
        var twinScenario = scenario
        if relax { twinScenario.policy.integerUnits = false }
        let solution = try GLPSol.solve(twinScenario)
        #expect(solution.status == 0, "\(label) glpsol exited \(solution.status):\n\(solution.output.suffix(600))")
        #expect(solution.optimal, "\(label) not optimal:\n\(solution.output.suffix(600))")
        let objective = try #require(solution.objective, "\(label) no OBJECTIVE line:\n\(solution.output.suffix(600))")
        var options = PlanOptions()
        options.baselines = false
        options.mipGap = 1e-9
        options.relax = relax
        let plan = try TwoStagePlanner.plan(scenario, options: options)
        #expect(plan.status == .optimal, "\(label) two-stage planner: \(plan.status) \(plan.notes)")
        let planned = try #require(plan.objective)
        let reference = expected ?? planned
        #expect(abs(objective - reference) <= 1e-6 * max(1, abs(reference)), "\(label) glpsol \(objective) vs \(reference)")
        #expect(abs(planned - reference) <= 1e-6 * max(1, abs(reference)), "\(label) planner \(planned) vs \(reference)")
        return solution.output
    }

    /// One period (a year, 31,536,000 s), one all-day slice, chat at 1000 tokens/s in the base
    /// case; gpu: 10,000 USD a unit (lifetime one year), 500 tokens/s; an API at 1 USD per MTok
    /// (31.536 USD a year per token/s). Cases low 0.6 (600 tokens/s, π 0.25), base 1 (1000, 0.5),
    /// high 1.5 (1500, 0.25).
    private func newsvendor(risk: RiskPolicy = RiskPolicy()) -> Scenario {
        let gpu = PurchaseOffering(id: "gpu", unitPrice: 10_000, lifetimePeriods: 1, throughput: ["chat": 500])
        var scenario = E.scenario(workloads: [E.workload("chat", rate: 1000)], offerings: [.purchase(gpu), .api(E.api("api", serves: ["chat"]))])
        scenario.demandCases = [("low", 0.25, 0.6), ("base", 0.5, 1.0), ("high", 0.25, 1.5)].map { name, probability, scale in
            DemandCase(name: name, probability: probability, demand: ["chat": [scale * 1000 * E.yearSeconds]])
        }
        scenario.risk = risk
        return scenario
    }

    @Test func riskNeutralNewsvendorByHand() throws {
        // n whole units serve 500 n tokens/s; the rest goes to the API at 31.536 USD per token/s.
        //   n   low (600)                    base (1000)                  high (1500)                  expected
        //   1   10,000 + 100·31.536 = 13,153.6  10,000 + 500·31.536 = 25,768  10,000 + 1000·31.536 = 41,536  26,556.4
        //   2   20,000                       20,000                       20,000 + 500·31.536 = 35,768   23,942
        //   3   30,000                       30,000                       30,000                       30,000
        // (n = 0: 0.25·18,921.6 + 0.5·31,536 + 0.25·47,304 = 32,324.4.) RP = 23,942 with n = 2.
        // Relaxed: a unit (10,000) saves 500·31.536 = 15,768 in each case above its capacity:
        // worth it while P(D > K) > 10,000/15,768 = 0.634, i.e. up to K = 1000 (P = 0.75 below,
        // 0.25 above): n = 2 again, 23,942.
        let scenario = newsvendor()
        let output = try solve(scenario, expected: 23_942)
        #expect(output.contains("BUY gpu 2027 2\n"), "\(output.suffix(400))")
        #expect(output.contains("CASE high 0.25 35768"), "\(output.suffix(400))")
        try solve(scenario, expected: 23_942, relax: true)
    }

    @Test func cvarNewsvendorByHand() throws {
        // λ = 2, α = 0.75: CVaR is the high case's cost (its probability is the whole tail 0.25).
        //   n = 2: 23,942 + 2 · 35,768 = 95,478;  n = 3: 30,000 + 2 · 30,000 = 90,000;
        //   n = 1: 26,556.4 + 2 · 41,536 = 109,628.4. The optimum buys 3: 90,000.
        // Relaxed, K = 1000 + t (0 ≤ t ≤ 500): expected 23,942 + 20 t − 0.25 · 31.536 t = 23,942 + 12.116 t,
        // CVaR = 20,000 + 20 t + 31.536 (500 − t) = 35,768 − 11.536 t: objective 95,478 − 10.956 t,
        // least at t = 500 (90,000); past 1500 every case pays 20 per token/s more, and below 1000
        // both terms grow. 90,000 again.
        let scenario = newsvendor(risk: RiskPolicy(cvarWeight: 2, cvarLevel: 0.75))
        let output = try solve(scenario, expected: 90_000)
        #expect(output.contains("BUY gpu 2027 3\n"), "\(output.suffix(400))")
        // η = 30,000 (any value in the tail's cost range), 1/(1 − α) Σ π ξ = 0.
        #expect(output.contains("CVAR "), "\(output.suffix(400))")
        try solve(scenario, expected: 90_000, relax: true)
        // λ = 2, α = 0.5 (tail: the high case and half of base): n = 2 costs 23,942 + 2 · (35,768 + 20,000)/2
        // = 79,710; n = 3: 90,000; n = 1: 26,556.4 + (41,536 + 25,768) = 93,860.4. n = 2.
        try solve(newsvendor(risk: RiskPolicy(cvarWeight: 2, cvarLevel: 0.5)), expected: 79_710)
    }

    @Test func oneCaseIsTheModelOfSectionsOneToEleven() throws {
        // A single case with probability 1 is the deterministic model: 2 units at base demand
        // (1000 tokens/s) cost 20,000, the same as without cases.
        var scenario = newsvendor()
        scenario.demandCases = [DemandCase(name: "only", probability: 1, demand: ["chat": [1000 * E.yearSeconds]])]
        try solve(scenario, expected: 20_000)
        var plain = scenario
        plain.demandCases = []
        let solution = try GLPSol.solve(plain)
        #expect(solution.objective.map { abs($0 - 20_000) <= 1e-6 * 20_000 } == true, "\(solution.output.suffix(400))")
    }

    @Test func theDataWritesCasesOnlyWhenThereAreSome() {
        let scenario = newsvendor(risk: RiskPolicy(cvarWeight: 2, cvarLevel: 0.75))
        let data = MathProgData.write(scenario)
        #expect(data.contains("set CASES := 'low' 'base' 'high';\n"))
        #expect(data.contains("param Dc :=\n  'low' 'chat' 1 18921600000.0\n"), "\(data)")
        #expect(data.contains("param lambda := 2.0;\nparam alpha := 0.75;\n"))
        var plain = scenario
        plain.demandCases = []
        plain.risk = RiskPolicy()
        #expect(!MathProgData.write(plain).contains("CASES"))
    }

    /// Data without cases gives the model of sections 1–11 row for row: glpsol's CPLEX LP of the
    /// twin before issue 16 (Fixtures/twin-before-issue16: the data of four shipped examples and
    /// the LP glpsol wrote from it with the previous models/capacity.mod) is the LP of today's
    /// twin once the case index 'base' is taken out of the names (and lines re-wrapped: glpsol
    /// wraps long rows by length).
    @Test func dataWithoutCasesGivesTheSameModel() throws {
        guard let glpsol = GLPSol.executable else { throw GLPSol.Failure.missing }
        let fixtures = GLPSol.repoRoot.appendingPathComponent("Tests/CapPlanKitTests/Fixtures/twin-before-issue16")
        func words(_ text: String) -> [Substring] { text.split(whereSeparator: \.isWhitespace) }
        for example in ["caching-and-commitment", "chat-and-nightly-batch", "fiscal-budget", "training-alongside-inference"] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-twin-lp-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let written = dir.appendingPathComponent("model.lp").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: glpsol)
            process.arguments = ["--check", "-m", GLPSol.modelPath, "-d", fixtures.appendingPathComponent("\(example).dat").path, "--wlp", written]
            process.standardOutput = Pipe()
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(example)")
            let today = try String(contentsOfFile: written, encoding: .utf8)
            #expect(today.contains("(base,"), "\(example): every column is indexed by the case")
            let before = try String(contentsOf: fixtures.appendingPathComponent("\(example).lp"), encoding: .utf8)
            // (The case index of a name with no other index, salvageCredit(base), goes too.)
            let stripped = today.replacingOccurrences(of: "(base,", with: "(").replacingOccurrences(of: "(base)", with: "")
            #expect(words(stripped) == words(before), "\(example)")
        }
    }

    /// What `capplan export --lp` writes for a scenario with cases: the extensive form, its
    /// second-stage names `name@case`; glpsol reaches the hand optimum on it (23,942 risk
    /// neutral, 90,000 with λ = 2 at α = 0.75).
    @Test func theExportedExtensiveFormHasTheHandOptimum() throws {
        guard let glpsol = GLPSol.executable else { throw GLPSol.Failure.missing }
        for (risk, expected) in [(RiskPolicy(), 23_942.0), (RiskPolicy(cvarWeight: 2, cvarLevel: 0.75), 90_000)] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-export-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let lp = dir.appendingPathComponent("model.lp").path, out = dir.appendingPathComponent("solution.txt").path
            try ExportedModel(newsvendor(risk: risk), relax: false).write(to: lp, format: .cplexLP)
            let text = try String(contentsOfFile: lp, encoding: .utf8)
            #expect(text.contains("@high"), "\(text.prefix(600))")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: glpsol)
            process.arguments = ["--lp", lp, "-o", out]
            process.standardOutput = Pipe()
            try process.run()
            process.waitUntilExit()
            let report = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            // "Objective:  total = 23942 (MINimum)"
            let line = try #require(report.split(separator: "\n").first { $0.hasPrefix("Objective:") }, "\(report.prefix(600))")
            let objective = try #require(line.split(separator: "=").last?.split(separator: " ").first.flatMap { Double($0) })
            #expect(abs(objective - expected) <= 1e-6 * expected, "\(line)")
        }
    }

    /// Generated tiny scenarios with cases 0.6x (π 0.3), 1x (0.5) and 1.5x (0.2, API prices
    /// 1.2x) added in code (with the risk policy the generator may draw): the twin and the
    /// two-stage planner reach the same optimum, whole units and relaxed.
    @Test func generatedScenariosAgree() throws {
        var compared = 0
        for seed: UInt64 in 1...10 {
            var scenario = ScenarioGenerator(size: .tiny, seed: seed).scenario()
            let cases: [(String, Double, Double, Double)] = [("low", 0.3, 0.6, 1), ("base", 0.5, 1, 1), ("high", 0.2, 1.5, 1.2)]
            scenario.demandCases = cases.map { name, probability, scale, prices in
                DemandCase(name: name, probability: probability,
                           demand: Dictionary(uniqueKeysWithValues: scenario.workloads.map { ($0.id, $0.demand.map { $0 * scale }) }), apiPriceScale: prices)
            }
            for relax in [false, true] {
                try solve(scenario, expected: nil, relax: relax, label: "seed \(seed) relax \(relax):")
                compared += 1
            }
        }
        #expect(compared == 20)
    }
}
