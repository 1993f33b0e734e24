import Foundation
import TestSupport
import XCTest
@testable import CapPlanKit

/// Scenario input of issue 16 (docs/scenario-format.md "Demand cases and risk", docs/formulation.md
/// 12.1): `demandCases` listed or sampled, and `risk`. Every rule's error carries its path and says
/// what was expected, all errors come at once, cases resolve on the workloads' demand (CSV
/// included), ScenarioWriter round-trips both forms, ScenarioEdit moves the cases with
/// `demandScale`, the schema agrees, and the generator's cases validate without moving old seeds.
final class DemandCasesInputTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Two workloads over 4 quarters, one API serving both.
    static func scenario(_ tail: String, demand chat: String = "{tokensPerPeriod: [1e12, 2e12, 3e12, 4e12]}") -> String {
        """
        name: t
        horizon: {start: 2027Q1, periods: 4}
        workloads:
          - {id: chat, demand: \(chat)}
          - {id: batch, demand: {tokensPerPeriod: [4e11, 4e11, 4e11, 4e11]}}
        offerings:
          - {id: api, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, serves: [chat, batch]}

        """ + tail
    }

    static let listed = """
        demandCases:
          - {name: low, probability: 0.25, demandScale: 0.5}
          - {name: base, probability: 0.5}
          - {name: high, probability: 0.25, demandScale: 2, workloads: {chat: 1.5, batch: [1, 2, 3, 4]}, apiPriceScale: 0.8}

        """

    func loaded(_ text: String, baseDirectory: String = ".", limits: ScenarioLimits = .default) throws -> LoadedScenario {
        try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: baseDirectory, limits: limits)
    }

    func errors(_ text: String, limits: ScenarioLimits = .default) -> [Diagnostic] {
        do {
            _ = try loaded(text, limits: limits)
            XCTFail("expected errors")
            return []
        } catch let e as ScenarioLoadError {
            return e.diagnostics
        } catch {
            XCTFail("\(error)")
            return []
        }
    }

    /// One error at `path` whose message contains `text`.
    func assertError(_ tail: String, _ path: String, _ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let e = errors(Self.scenario(tail))
        XCTAssertEqual(e.map(\.path), [path], "\(e)", file: file, line: line)
        XCTAssertTrue(e.first?.description.contains(text) ?? false, "\(e)", file: file, line: line)
    }

    // MARK: Listed cases

    func testListedCasesResolveByHand() throws {
        let s = try loaded(Self.scenario(Self.listed)).scenario
        XCTAssertEqual(s.demandCases.map(\.name), ["low", "base", "high"])
        XCTAssertEqual(s.demandCases.map(\.probability), [0.25, 0.5, 0.25])
        XCTAssertEqual(s.demandCases.map(\.apiPriceScale), [1, 1, 0.8])
        // low: every workload x 0.5.
        XCTAssertEqual(s.demandCases[0].demand["chat"], [5e11, 1e12, 1.5e12, 2e12])
        XCTAssertEqual(s.demandCases[0].demand["batch"], [2e11, 2e11, 2e11, 2e11])
        // base: the scenario's demand.
        XCTAssertEqual(s.demandCases[1].demand["chat"], [1e12, 2e12, 3e12, 4e12])
        XCTAssertEqual(s.demandCases[1].demand["batch"], [4e11, 4e11, 4e11, 4e11])
        // high: chat x 2 (demandScale) x 1.5 = x 3; batch: its list as written (demandScale not applied).
        XCTAssertEqual(s.demandCases[2].demand["chat"], [3e12, 6e12, 9e12, 12e12])
        XCTAssertEqual(s.demandCases[2].demand["batch"], [1, 2, 3, 4])
        XCTAssertEqual(s.demandCasesSource, .listed([
            DemandCaseInput(name: "low", probability: 0.25, demandScale: 0.5),
            DemandCaseInput(name: "base", probability: 0.5),
            DemandCaseInput(name: "high", probability: 0.25, demandScale: 2, workloads: ["chat": .scale(1.5), "batch": .tokensPerPeriod([1, 2, 3, 4])],
                            apiPriceScale: 0.8),
        ]))
        XCTAssertEqual(s.risk, RiskPolicy())
        // Without demandCases: no cases, no source.
        let plain = try loaded(Self.scenario("")).scenario
        XCTAssertTrue(plain.demandCases.isEmpty)
        XCTAssertNil(plain.demandCasesSource)
    }

    func testProbabilitiesSumToOneWithinTolerance() throws {
        // Decimal probabilities are not exact in doubles (0.1 + 0.2 is 0.30000000000000004): the tolerance absorbs that.
        let s = try loaded(Self.scenario("""
            demandCases: [{name: a, probability: 0.1}, {name: b, probability: 0.2}, {name: c, probability: 0.7}]
            """)).scenario
        XCTAssertEqual(s.demandCases.count, 3)
        // 0.5 + 0.500000002 = 1 + 2e-9: refused, the sum given.
        let e = errors(Self.scenario("demandCases: [{name: a, probability: 0.5}, {name: b, probability: 0.500000002}]\n"))
        XCTAssertEqual(e.map(\.path), ["demandCases"], "\(e)")
        XCTAssertTrue(e.first?.description.contains("expected the cases' probabilities to sum to 1 (within 1e-9), got a sum of 1.000000002") ?? false, "\(e)")
        XCTAssertEqual(e.first?.line, 8)
        // 0.25 + 0.5: 0.75.
        assertError("demandCases: [{name: a, probability: 0.25}, {name: b, probability: 0.5}]\n", "demandCases", "got a sum of 0.75")
        // A demandScale that no workload takes (every one a list): a warning.
        let w = try loaded(Self.scenario("demandCases: [{name: a, probability: 1, demandScale: 2, workloads: {chat: [1, 1, 1, 1], batch: [2, 2, 2, 2]}}]\n"))
        XCTAssertEqual(w.warnings.map(\.path), ["demandCases[0].demandScale"])
        XCTAssertTrue(w.warnings.first?.message.contains("demandScale applies to no workload") ?? false, "\(w.warnings)")
        XCTAssertEqual(w.scenario.demandCases[0].demand["batch"], [2, 2, 2, 2])
        XCTAssertTrue(try loaded(Self.scenario(Self.listed)).warnings.isEmpty)
        // One case of probability 1 is a deterministic plan: allowed.
        XCTAssertEqual(try loaded(Self.scenario("demandCases: [{name: only, probability: 1}]\n")).scenario.demandCases.count, 1)
    }

    func testListedCaseErrors() {
        let two = "  - {name: b, probability: 0.5}\n"
        assertError("demandCases:\n  - {name: low case, probability: 0.5}\n" + two, "demandCases[0].name", "expected an id of 1 to 64 letters")
        assertError("demandCases:\n  - {name: b, probability: 0.5}\n" + two, "demandCases[1].name", "expected a unique case name (`b` is used twice)")
        assertError("demandCases:\n  - {name: a, probability: 0}\n  - {name: b, probability: 1}\n", "demandCases[0].probability",
                    "expected a probability in (0, 1], got 0")
        assertError("demandCases:\n  - {name: a, probability: high}\n" + two, "demandCases[0].probability", "expected a probability, got high")
        assertError("demandCases:\n  - {name: a, probability: 0.5, demandScale: 0}\n" + two, "demandCases[0].demandScale",
                    "expected a factor on demand in (0, 1e6], got 0")
        assertError("demandCases:\n  - {name: a, probability: 0.5, apiPriceScale: -1}\n" + two, "demandCases[0].apiPriceScale",
                    "expected a factor on API prices in (0, 1e6], got -1")
        assertError("demandCases:\n  - {name: a, probability: 0.5, workloads: {chta: 2}}\n" + two, "demandCases[0].workloads.chta",
                    "expected a workload id (chat, batch); did you mean `chat`?")
        assertError("demandCases:\n  - {name: a, probability: 0.5, workloads: {chat: -2}}\n" + two, "demandCases[0].workloads.chat",
                    "expected a factor on demand in (0, 1e6], got -2")
        assertError("demandCases:\n  - {name: a, probability: 0.5, workloads: {chat: [1, 2, 3]}}\n" + two, "demandCases[0].workloads.chat",
                    "expected 4 values, one per period 2027Q1...2027Q4, got 3 values")
        assertError("demandCases:\n  - {name: a, probability: 0.5, workloads: {chat: [1, -2, 3, 4]}}\n" + two, "demandCases[0].workloads.chat[1]",
                    "expected tokens in [0, 1e36], got -2")
        assertError("demandCases:\n  - {name: a, probability: 0.5, workloads: [chat]}\n" + two, "demandCases[0].workloads",
                    "expected a mapping of workload id to a factor on its demand or a list of tokens")
        assertError("demandCases:\n  - {name: a}\n  - {name: b, probability: 1}\n", "demandCases[0].probability", "required key missing: the case's probability")
        assertError("demandCases:\n  - {probability: 0.5}\n" + two, "demandCases[0].name", "required key missing: the case's name")
        // A misspelt key is reported as unknown (with its suggestion), not also as missing.
        assertError("demandCases:\n  - {name: a, probabilty: 0.5}\n" + two, "demandCases[0].probabilty", "did you mean `probability`?")
        assertError("demandCases: []\n", "demandCases", "expected at least one case")
        assertError("demandCases: 5\n", "demandCases", "expected a list of cases {name, probability, demandScale, workloads, apiPriceScale} or {sample: N")
        assertError("demandCases:\n  - low\n", "demandCases[0]", "expected a demand case")
    }

    // MARK: Sampled cases

    func testSampledCasesAreDeterministicAndMatchTheCore() throws {
        let text = Self.scenario("demandCases: {sample: 5, seed: 7, growthSpread: 0.1}\n")
        let a = try loaded(text).scenario, b = try loaded(text).scenario
        XCTAssertEqual(a.demandCases, b.demandCases)
        XCTAssertEqual(a.demandCases.map(\.name), ["sample1", "sample2", "sample3", "sample4", "sample5"])
        XCTAssertEqual(a.demandCases.map(\.probability), Array(repeating: 0.2, count: 5))
        XCTAssertEqual(a.demandCasesSource, .sampled(count: 5, seed: 7, growthSpread: 0.1))
        var base = a
        base.demandCases = []
        XCTAssertEqual(a.demandCases, DemandCase.sampled(from: base, count: 5, seed: 7, growthSpread: 0.1))
        // Each case scales every workload by the same path: chat / batch is the scenario's ratio.
        for c in a.demandCases {
            XCTAssertEqual(c.demand["chat"]![3] / c.demand["batch"]![3], 10, accuracy: 1e-12)
        }
        // Another seed, other cases.
        let other = try loaded(Self.scenario("demandCases: {sample: 5, seed: 8, growthSpread: 0.1}\n")).scenario
        XCTAssertNotEqual(other.demandCases, a.demandCases)
        // σ = 0: every shock is exp(0) = 1, so every case is the scenario's demand exactly; seed defaults to 1.
        let flat = try loaded(Self.scenario("demandCases: {sample: 3, growthSpread: 0}\n")).scenario
        XCTAssertEqual(flat.demandCasesSource, .sampled(count: 3, seed: 1, growthSpread: 0))
        for c in flat.demandCases {
            XCTAssertEqual(c.demand["chat"], [1e12, 2e12, 3e12, 4e12])
            XCTAssertEqual(c.demand["batch"], [4e11, 4e11, 4e11, 4e11])
        }
    }

    func testSampledCaseErrors() {
        assertError("demandCases: {sample: 0, seed: 1, growthSpread: 0.1}\n", "demandCases.sample", "expected a whole number of cases in [1, 1000], got 0")
        assertError("demandCases: {sample: 1001, seed: 1, growthSpread: 0.1}\n", "demandCases.sample", "in [1, 1000], got 1001")
        assertError("demandCases: {sample: 2.5, seed: 1, growthSpread: 0.1}\n", "demandCases.sample", "got 2.5")
        assertError("demandCases: {sample: 5, seed: -1, growthSpread: 0.1}\n", "demandCases.seed", "expected a whole number in [0, 9007199254740992], got -1")
        assertError("demandCases: {sample: 5, seed: 1.5, growthSpread: 0.1}\n", "demandCases.seed", "got 1.5")
        assertError("demandCases: {sample: 5, seed: 1, growthSpread: 1.5}\n", "demandCases.growthSpread", "expected a growth spread σ in [0, 1], got 1.5")
        assertError("demandCases: {sample: 5, seed: 1}\n", "demandCases.growthSpread", "required key missing: σ")
        assertError("demandCases: {seed: 1, growthSpread: 0.1}\n", "demandCases.sample", "required key missing: the number of cases")
        assertError("demandCases: {samples: 5, seed: 1, growthSpread: 0.1}\n", "demandCases.samples", "did you mean `sample`?")
    }

    // MARK: Risk

    func testRisk() throws {
        let s = try loaded(Self.scenario(Self.listed + "risk: {cvarWeight: 0.5, cvarLevel: 0.95}\n")).scenario
        XCTAssertEqual(s.risk, RiskPolicy(cvarWeight: 0.5, cvarLevel: 0.95))
        // cvarLevel defaults to 0.9.
        XCTAssertEqual(try loaded(Self.scenario(Self.listed + "risk: {cvarWeight: 1}\n")).scenario.risk, RiskPolicy(cvarWeight: 1, cvarLevel: 0.9))
        assertError("risk: {cvarWeight: 0.5}\n", "risk", "risk needs demandCases")
        assertError(Self.listed + "risk: {cvarWeight: -1}\n", "risk.cvarWeight", "expected a CVaR weight in [0, 1e6], got -1")
        assertError(Self.listed + "risk: {cvarWeight: 1, cvarLevel: 1}\n", "risk.cvarLevel", "expected a CVaR level in [0, 1), got 1")
        assertError(Self.listed + "risk: {cvarLevel: 0.9}\n", "risk.cvarWeight", "required key missing: λ")
        assertError(Self.listed + "risk: {cvarWieght: 1}\n", "risk.cvarWieght", "did you mean `cvarWeight`?")
        assertError(Self.listed + "risk: 0.5\n", "risk", "expected a risk policy {cvarWeight, cvarLevel}")
        // Unreadable cases are reported once: risk does not say they are missing.
        assertError("demandCases: 5\nrisk: {cvarWeight: 1}\n", "demandCases", "expected a list of cases")
    }

    // MARK: All at once, lines

    func testAllErrorsAtOnceWithLines() {
        let e = errors(Self.scenario("""
            demandCases:
              - {name: a, probability: 0.5, demandScale: -1}
              - {name: a, probability: 0.5, workloads: {chta: 2}}
            risk: {cvarWeight: -1}

            """))
        XCTAssertEqual(e.map(\.path), ["demandCases[0].demandScale", "demandCases[1].name", "demandCases[1].workloads.chta", "risk.cvarWeight"], "\(e)")
        XCTAssertEqual(e.map(\.line), [9, 10, 10, 11])
        XCTAssertTrue(e.allSatisfy { $0.file == "s.yaml" })
        // Other keys' errors come with them.
        let mixed = errors(Self.scenario("demandCases: [{name: a, probability: 2}]\n").replacingOccurrences(of: "outputPricePerMTok: 4", with: "outputPricePerMTok: -4"))
        XCTAssertEqual(mixed.map(\.path), ["offerings[0].outputPricePerMTok", "demandCases[0].probability"], "\(mixed)")
    }

    // MARK: Resolution after the workloads' demand

    func testCasesResolveOnCSVAndGrowthDemand() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-cases-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "period,tokens\n2027Q1,100\n2027Q2,200\n2027Q3,300\n2027Q4,400\n".write(to: dir.appendingPathComponent("chat.csv"), atomically: true, encoding: .utf8)
        let text = Self.scenario("demandCases: [{name: up, probability: 0.5, demandScale: 3}, {name: same, probability: 0.5, workloads: {chat: 0.5}}]\n",
                                 demand: "{csv: chat.csv}")
        let s = try loaded(text, baseDirectory: dir.path).scenario
        // up: 3 x the CSV's 100..400; same: chat x 0.5, batch unchanged.
        XCTAssertEqual(s.demandCases[0].demand["chat"], [300, 600, 900, 1200])
        XCTAssertEqual(s.demandCases[0].demand["batch"], [1.2e12, 1.2e12, 1.2e12, 1.2e12])
        XCTAssertEqual(s.demandCases[1].demand["chat"], [50, 100, 150, 200])
        XCTAssertEqual(s.demandCases[1].demand["batch"], [4e11, 4e11, 4e11, 4e11])
        // Growth: 1e12 x 1.5^p, then x 2: [2e12, 3e12, 4.5e12, 6.75e12].
        let g = try loaded(Self.scenario("demandCases: [{name: x, probability: 1, workloads: {chat: 2}}]\n", demand: "{start: 1e12, growthPerPeriod: 0.5}")).scenario
        XCTAssertEqual(g.demandCases[0].demand["chat"], [2e12, 3e12, 4.5e12, 6.75e12])
        // A case that pushes demand past 1e36 tokens: refused at the scale that does it.
        let e = errors(Self.scenario("demandCases: [{name: x, probability: 1, workloads: {chat: 1e6}}]\n", demand: "{tokensPerPeriod: [1e31, 1e31, 1e31, 1e31]}"))
        XCTAssertEqual(e.map(\.path), ["demandCases[0].workloads.chat"], "\(e)")
        XCTAssertTrue(e.first?.message.contains("case `x` gives workload `chat` 1e+37 tokens in period 2027Q1") ?? false, "\(e)")
    }

    // MARK: Size limit

    func testModelSizeLimitCountsTheCases() throws {
        let one = try loaded(Self.scenario(""))
        let nonzeros = CapacityModelBuilder.nonzeroUpperBound(
            periods: 4, slices: 1, workloads: 2, offerings: one.scenario.offerings, unservedPriced: false)
        // The limit holds the model once and three times, not 4 copies (4 sampled cases) nor 3
        // copies doubled by the CVaR rows (plus 2 x 3 for η and ξ).
        let limits = ScenarioLimits(maxNonzeros: Int(nonzeros * 3))
        XCTAssertNoThrow(try loaded(Self.scenario(Self.listed), limits: limits))
        let e = errors(Self.scenario("demandCases: {sample: 4, seed: 1, growthSpread: 0.1}\n"), limits: limits)
        XCTAssertEqual(e.map(\.path), ["demandCases"], "\(e)")
        XCTAssertTrue(e.first?.message.contains("4 cases x up to \(Int(nonzeros)) nonzeros per case") ?? false, "\(e)")
        let risky = errors(Self.scenario(Self.listed + "risk: {cvarWeight: 1}\n"), limits: limits)
        XCTAssertTrue(risky.first?.message.contains("doubled by the CVaR rows") ?? false, "\(risky)")
    }

    // MARK: Round trip

    func testWriterRoundTripsBothForms() throws {
        for tail in [Self.listed + "risk: {cvarWeight: 0.5, cvarLevel: 0.8}\n", "demandCases: {sample: 4, seed: 42, growthSpread: 0.2}\n", Self.listed] {
            let s = try loaded(Self.scenario(tail)).scenario
            let text = ScenarioWriter.yaml(s)
            let back = try loaded(text).scenario
            XCTAssertEqual(back, s, text)
            XCTAssertEqual(ScenarioWriter.yaml(back), text)
        }
        let listed = ScenarioWriter.yaml(try loaded(Self.scenario(Self.listed)).scenario)
        XCTAssertTrue(listed.contains("""
            demandCases:
              - {name: "low", probability: 0.25, demandScale: 0.5}
              - {name: "base", probability: 0.5}
              - {name: "high", probability: 0.25, demandScale: 2, workloads: {"chat": 1.5, "batch": [1, 2, 3, 4]}, apiPriceScale: 0.8}

            """), listed)
        XCTAssertFalse(listed.contains("risk:"))
        let sampled = ScenarioWriter.yaml(try loaded(Self.scenario("demandCases: {sample: 4, seed: 42, growthSpread: 0.2}\n")).scenario)
        XCTAssertTrue(sampled.hasSuffix("demandCases: {sample: 4, seed: 42, growthSpread: 0.2}\n"), sampled)
        // Cases built in code (no source) are written as per-period lists and read back equal.
        var built = try loaded(Self.scenario("")).scenario
        built.demandCases = [DemandCase(name: "a", probability: 0.4, demand: ["chat": [1, 2, 3, 4], "batch": [5, 6, 7, 8]], apiPriceScale: 1.25),
                             DemandCase(name: "b", probability: 0.6, demand: ["chat": [0, 0, 0, 1], "batch": [1, 1, 1, 1]])]
        let back = try loaded(ScenarioWriter.yaml(built)).scenario
        XCTAssertEqual(back.demandCases, built.demandCases)
    }

    // MARK: Edits

    func testEditsScaleTheCasesAndSetTheRisk() throws {
        let s = try loaded(Self.scenario(Self.listed)).scenario
        XCTAssertTrue(ScenarioEdit.paths(in: s).contains("risk.cvarWeight"))
        XCTAssertTrue(ScenarioEdit.paths(in: s).contains("risk.cvarLevel"))
        XCTAssertFalse(ScenarioEdit.paths(in: try loaded(Self.scenario("")).scenario).contains("risk.cvarWeight"))
        XCTAssertEqual(try ScenarioEdit.setting("risk.cvarWeight", to: 2, in: s).risk, RiskPolicy(cvarWeight: 2, cvarLevel: 0.9))
        XCTAssertEqual(try ScenarioEdit.setting("risk.cvarLevel", to: 0.5, in: s).risk, RiskPolicy(cvarWeight: 0, cvarLevel: 0.5))
        XCTAssertThrowsError(try ScenarioEdit.setting("risk.cvarLevel", to: 1, in: s))
        // chat x 2: low [1e12, 2e12, 3e12, 4e12] (x 0.5 of the doubled demand), base doubled, high
        // x 2 x 1.5 of the doubled demand; batch's list in high stays.
        let chat = try ScenarioEdit.setting("workloads.chat.demandScale", to: 2, in: s)
        XCTAssertEqual(chat.demandCases.map { $0.demand["chat"]! }, [[1e12, 2e12, 3e12, 4e12], [2e12, 4e12, 6e12, 8e12], [6e12, 12e12, 18e12, 24e12]])
        XCTAssertEqual(chat.demandCases[2].demand["batch"], [1, 2, 3, 4])
        // batch x 3: the list in high is scaled too, the source with it (so the file written reads back the same).
        let batch = try ScenarioEdit.setting("workloads.batch.demandScale", to: 3, in: s)
        XCTAssertEqual(batch.demandCases.map { $0.demand["batch"]! }, [[6e11, 6e11, 6e11, 6e11], [1.2e12, 1.2e12, 1.2e12, 1.2e12], [3, 6, 9, 12]])
        XCTAssertEqual(try loaded(ScenarioWriter.yaml(batch)).scenario, batch)
        // Sampled cases follow the scaled demand: σ = 0 keeps them equal to it.
        let flat = try loaded(Self.scenario("demandCases: {sample: 2, growthSpread: 0}\n")).scenario
        let edited = try ScenarioEdit.applying(["workloads.chat.demandScale=0.5"], to: flat).scenario
        XCTAssertEqual(edited.demandCases.map { $0.demand["chat"]! }, Array(repeating: [5e11, 1e12, 1.5e12, 2e12], count: 2))
    }

    // MARK: Schema

    func testSchemaAcceptsCasesAndRejectsWrongOnes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-schema16-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func file(_ name: String, _ text: String) throws -> URL {
            let url = dir.appendingPathComponent(name + ".yaml")
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let listed = Self.scenario(Self.listed + "risk: {cvarWeight: 0.5, cvarLevel: 0.9}\n")
        let sampled = Self.scenario("demandCases: {sample: 50, seed: 7, growthSpread: 0.1}\n")
        let good = [
            try file("listed", listed), try file("sampled", sampled),
            try file("listed-written", ScenarioWriter.yaml(try loaded(listed).scenario)),
            try file("sampled-written", ScenarioWriter.yaml(try loaded(sampled).scenario)),
        ]
        let invalid = [
            "risk-alone": "risk: {cvarWeight: 0.5}\n",
            "risk-level-one": Self.listed + "risk: {cvarWeight: 0.5, cvarLevel: 1}\n",
            "probability-zero": "demandCases: [{name: a, probability: 0}]\n",
            "no-name": "demandCases: [{probability: 1}]\n",
            "scale-zero": "demandCases: [{name: a, probability: 1, demandScale: 0}]\n",
            "workload-negative": "demandCases: [{name: a, probability: 1, workloads: {chat: [1, -1, 1, 1]}}]\n",
            "empty": "demandCases: []\n",
            "sample-fraction": "demandCases: {sample: 2.5, growthSpread: 0.1}\n",
            "spread-two": "demandCases: {sample: 2, growthSpread: 2}\n",
            "unknown-key": "demandCases: {sample: 2, growthSpread: 0.1, shape: normal}\n",
        ]
        let bad = try invalid.sorted(by: { $0.key < $1.key }).map { try file($0.key, Self.scenario($0.value)) }
        let outcome = try JSONSchemaCheck.run(schema: Self.root.appendingPathComponent("docs/scenario.schema.json").path, files: (good + bad).map(\.path))
        XCTAssertEqual(outcome.status, 0, "python3 with jsonschema and yaml is required for this test:\n\(outcome.errors)")
        for url in good { XCTAssertEqual(outcome.verdicts[url.path], .some(nil), "\(url.lastPathComponent): \(outcome.output)") }
        for url in bad { XCTAssertNotNil(outcome.verdicts[url.path] ?? nil, "\(url.lastPathComponent) should be rejected by the schema") }
        // The loader refuses each of them too.
        for key in invalid.keys.sorted() { XCTAssertFalse(errors(Self.scenario(invalid[key]!)).isEmpty, key) }
    }

    // MARK: Generator and starter

    func testGeneratedCasesValidateAndLeaveOtherSeedsAsTheyWere() throws {
        var withCases = 0
        for seed in UInt64(1)...80 {
            let generated = ScenarioGenerator(size: .tiny, seed: seed).scenario()
            var without = ScenarioGenerator(size: .tiny, seed: seed, caseFeatures: false).scenario()
            if generated.demandCases.isEmpty {
                XCTAssertEqual(ScenarioWriter.yaml(generated), ScenarioWriter.yaml(without), "seed \(seed)")
                continue
            }
            withCases += 1
            XCTAssertTrue((2...4).contains(generated.demandCases.count))
            XCTAssertEqual(generated.demandCases.reduce(0) { $0 + $1.probability }, 1, accuracy: 1e-12)
            XCTAssertTrue(generated.demandCases.allSatisfy { $0.probability > 0 })
            // Everything but the cases is the scenario without them.
            without.demandCases = generated.demandCases
            without.demandCasesSource = generated.demandCasesSource
            without.risk = generated.risk
            without.caseDecisions = generated.caseDecisions
            XCTAssertEqual(without, generated, "seed \(seed)")
            // What the writer writes validates and reads back equal.
            let back = try loaded(ScenarioWriter.yaml(generated)).scenario
            XCTAssertEqual(back.demandCases, generated.demandCases, "seed \(seed)")
            XCTAssertEqual(back.risk, generated.risk, "seed \(seed)")
            XCTAssertEqual(back.caseDecisions, generated.caseDecisions, "seed \(seed)")
        }
        // 25% of 80 is 20: the seed decides, so only a wide band.
        XCTAssertTrue((8...32).contains(withCases), "\(withCases)")
        XCTAssertTrue((1...10).allSatisfy { ScenarioGenerator(size: .small, seed: $0).scenario().demandCases.isEmpty })
        XCTAssertTrue((1...40).allSatisfy { ScenarioGenerator(size: .tiny, seed: $0, procurementFeatures: false).scenario().demandCases.isEmpty })
    }

    func testStarterScenarioCasesExampleLoads() throws {
        let yaml = StarterScenario.yaml(name: "s")
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var uncommented: [String] = []
        var inCases = false
        for line in lines {
            if line == "# demandCases:" || line.hasPrefix("# risk:") {
                inCases = line == "# demandCases:"
                uncommented.append(String(line.dropFirst(2)))
            } else if inCases, line.hasPrefix("#   - ") {
                uncommented.append(String(line.dropFirst(2)))
            } else {
                inCases = false
                uncommented.append(line)
            }
        }
        let s = try loaded(uncommented.joined(separator: "\n"), baseDirectory: Self.root.path).scenario
        XCTAssertEqual(s.demandCases.map(\.name), ["low", "base", "high"])
        XCTAssertEqual(s.demandCases.map(\.probability), [0.25, 0.5, 0.25])
        let chat = try XCTUnwrap(s.workloads.first { $0.id == "chat" })
        XCTAssertEqual(s.demandCases[2].demand["chat"], chat.demand.map { $0 * 1.5 * 1.8 })
        XCTAssertEqual(s.risk, RiskPolicy(cvarWeight: 0.5, cvarLevel: 0.9))
    }
}
