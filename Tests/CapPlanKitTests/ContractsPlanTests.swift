// The plan's view of contracts, platforms, replicas and margins (schemaVersion 2,
// docs/plan-format.md), its finance (docs/finance.md) and reports, on a scenario whose every
// figure is worked out by hand below.

import Foundation
import Testing
import TestSupport
@testable import CapPlanKit

/// Four quarters from 2027Q1 (h = 2190 hours, 7,884,000 seconds), no discounting. chat needs
/// 1000 tokens/s in the first two quarters and 1500 in the last two. A one-year MI300X
/// reservation (2 USD per unit-hour, term 4 quarters = 12 months, 1,000 USD upfront per unit,
/// platform `amd`, 1000 tokens/s per unit, replicas of 2 accelerators on 1-accelerator units,
/// so ν = 2, one spare unit) and an API at 1 USD per million tokens. Adopting `amd` costs
/// 50,000 USD, running it 40,000 USD a year (10,000 a quarter).
///
/// Decisions: the API serves the first half; 3 units start a contract in 2027Q3 (ending
/// 2028Q2, two quarters after the horizon) and serve 1500 tokens/s: 3 units less 1 spare hold
/// 2 units = 1 replica of 2000 tokens/s, so ⌈1500 / 2000⌉ = 1 replica.
///
/// By hand: rent per unit and quarter 2 × 2190 = 4,380. Rental 2027Q3: 3 × 4,380 + 3 × 1,000
/// = 16,140; 2027Q4: 13,140. Beyond the horizon: 3 × 4,380 × 2 = 26,280. Platform: 50,000 +
/// 10,000 in 2027Q3, 10,000 in 2027Q4. API: 1000 × 7,884,000 / 10^6 = 7,884 a quarter.
/// Total: 29,280 + 70,000 + 15,768 + 26,280 = 141,328.
enum ContractsExample {
    static let seconds = 2190.0 * 3600

    static func scenario() -> Scenario {
        Scenario(
            name: "contracts example", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 4),
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [1000 * seconds, 1000 * seconds, 1500 * seconds, 1500 * seconds])],
            offerings: [
                .rental(RentalOffering(
                    id: "mi300x-1y", pricePerUnitHour: 2, accelerator: "MI300X", acceleratorsPerUnit: 1, commitment: .period,
                    throughput: ["chat": 1000], termPeriods: 4, upfrontPerUnit: 1000, platform: "amd",
                    acceleratorsPerReplica: ["chat": 2], spareUnits: 1)),
                .api(APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 1, serves: ["chat"])),
            ],
            policy: Policy(integerUnits: true, utilizationCap: 1),
            platforms: [PlatformCost(id: "amd", adoptionCost: 50_000, yearlyCost: 40_000)])
    }

    static let decisions = PlanDecisions(
        reservedUnits: ["mi300x-1y": [0, 0, 3, 3]],
        served: ["mi300x-1y": ["chat": [[0], [0], [1500], [1500]]], "api": ["chat": [[1000], [1000], [0], [0]]]])

    /// The evaluation worked out by hand (docs/formulation.md section 8).
    static func evaluation() -> PlanEvaluation {
        let costs = [CostBreakdown(api: 7_884), CostBreakdown(api: 7_884),
                     CostBreakdown(rental: 16_140, platform: 60_000), CostBreakdown(rental: 13_140, platform: 10_000)]
        let demand = [1000 * seconds, 1000 * seconds, 1500 * seconds, 1500 * seconds]
        let labels = ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
        let periods = (0..<4).map {
            PeriodEvaluation(label: labels[$0], discountFactor: 1, cost: costs[$0], discountedCost: costs[$0],
                             tokensDemanded: demand[$0], tokensServed: demand[$0], tokensUnserved: 0)
        }
        let sum = costs.reduce(CostBreakdown(), +)
        var evaluation = PlanEvaluation(
            violations: [], periods: periods, costByComponent: sum, discountedCostByComponent: sum, salvage: 0, discountedSalvage: 0,
            totalCost: 141_328, discountedCost: 141_328, tokensDemanded: demand.reduce(0, +), tokensServed: demand.reduce(0, +),
            tokensUnserved: 0, unitsInService: [:], tolerance: 1e-6)
        evaluation.commitmentsBeyondHorizon = 26_280
        evaluation.discountedCommitmentsBeyondHorizon = 26_280
        evaluation.contractStarts = ["mi300x-1y": [0, 0, 3, 0]]
        evaluation.replicas = ["mi300x-1y": ["chat": [[0], [0], [1], [1]]]]
        evaluation.platforms = [PlatformEvaluation(id: "amd", inUse: [false, false, true, true], adoptedPeriod: 2,
                                                   adoptionCost: 50_000, yearlyCosts: 20_000)]
        return evaluation
    }

    /// The plan document of these decisions, as PlanExtraction writes it.
    static func plan(evaluation: PlanEvaluation = evaluation()) throws -> PlanDocument {
        let scenario = scenario()
        let labels = scenario.horizon.labels
        var document = PlanDocument(
            scenario: .init(name: scenario.name, capexAccounting: .amortized, discountRate: 0, integerUnits: true),
            status: .optimal,
            solver: .init(version: "5.0", method: .branchAndCut, termination: "optimal", glpkReturnCode: "0", glpkStatus: "GLP_OPT",
                          rows: 0, columns: 0, nonzeros: 0, integerColumns: 0, relaxed: false, reductions: [],
                          simplexIterations: 0, nodes: 0),
            horizon: .init(start: "2027Q1", kind: .quarter, periods: 4, periodLabels: labels, hoursPerPeriod: 2190,
                           timeSlices: [.init(name: "all-day", hours: 24, share: 1)]),
            totals: PlanExtraction.totals(evaluation), purchases: [],
            periods: (0..<4).map { p in
                let reserved = p >= 2
                return .init(
                    period: labels[p], discountFactor: 1, cost: PlanExtraction.costLines(evaluation.periods[p].cost),
                    discountedCost: PlanExtraction.costLines(evaluation.periods[p].discountedCost), fleet: [],
                    rentals: reserved ? [.init(offering: "mi300x-1y", accelerator: "MI300X", commitment: .period, units: 3,
                                               unitsBySlice: nil, accelerators: 3, averageUtilization: 0.5)] : [],
                    workloads: [.init(workload: "chat", demandTokens: scenario.workloads[0].demand[p],
                                      servedTokens: [reserved ? "mi300x-1y" : "api": scenario.workloads[0].demand[p]], unservedTokens: 0)])
            },
            warnings: [])
        document.audit = PlanDocument.Audit(evaluation.audit(objective: evaluation.discountedCost, tolerance: 1e-6))
        PlanExtraction.fillSections(&document, scenario: scenario, decisions: decisions, evaluation: evaluation)
        document.finance = try FinanceComputation.finance(document, scenario: scenario, decisions: decisions, evaluation: evaluation)
        return document
    }
}

@Suite struct ContractsPlanTests {
    @Test func sectionsByHand() throws {
        let plan = try ContractsExample.plan()
        #expect(plan.schemaVersion == 2)
        let totals = try #require(plan.totals)
        #expect(totals.cost == 141_328 && totals.commitmentsBeyondHorizon == 26_280 && totals.platform == 70_000)
        #expect(totals.rental == 29_280)
        #expect(plan.periods[2].cost.platform == 60_000 && plan.periods[2].cost.total == 76_140)

        let rentals = try #require(plan.rentals)
        #expect(rentals.count == 1)
        let rental = rentals[0]
        #expect(rental.offering == "mi300x-1y" && rental.termPeriods == 4 && rental.termMonths == 12 && rental.rentPerUnitPeriod == 4_380)
        #expect(rental.contracts == [PlanDocument.Contract(
            start: "2027Q3", end: "2028Q2", units: 3, termPeriods: 4, termMonths: 12, periodsBeyondHorizon: 2,
            upfront: 3_000, rentInHorizon: 26_280, rentBeyondHorizon: 26_280)])
        // In-horizon rent and upfront fees are the rental cost line; the rest is the commitment.
        #expect(rental.rentInHorizon + rental.upfront == totals.rental)
        #expect(rental.rentBeyondHorizon == totals.commitmentsBeyondHorizon)

        #expect(plan.platforms == [PlanDocument.PlatformLine(
            platform: "amd", offerings: ["mi300x-1y"], periodsInUse: ["2027Q3", "2027Q4"], adoptionPeriod: "2027Q3",
            adoptionCost: 50_000, yearlyCost: 40_000, yearlyCosts: 20_000, cost: 70_000)])
        #expect(plan.replicas == [PlanDocument.ReplicaLine(
            offering: "mi300x-1y", workload: "chat", acceleratorsPerReplica: 2, unitsPerReplica: 2, minReplicas: 1,
            periods: [.init(period: "2027Q3", replicas: ["all-day": 1], peak: 1), .init(period: "2027Q4", replicas: ["all-day": 1], peak: 1)])])
        // 3 units, 1 held spare while serving, no derating: 2 usable.
        #expect(plan.margins == [PlanDocument.MarginLine(
            offering: "mi300x-1y", spareUnits: 1, failureDerating: 0,
            periods: ["2027Q3", "2027Q4"].map { .init(period: $0, units: 3, spareUnitsHeld: 1, deratedUnits: 0, usableUnits: 2) })])
    }

    /// A platform whose existing units serve from the start is adopted before the horizon.
    @Test func platformAdoptedBeforeTheHorizon() {
        var scenario = ContractsExample.scenario()
        scenario.offerings.append(.purchase(PurchaseOffering(id: "old-amd", unitPrice: 1, lifetimePeriods: 8, throughput: ["chat": 1],
                                                             existingUnits: 2, platform: "amd")))
        var evaluation = ContractsExample.evaluation()
        evaluation.platforms[0].adoptedPeriod = nil
        evaluation.platforms[0].adoptionCost = 0
        let lines = PlanExtraction.platforms(scenario: scenario, evaluation: evaluation)
        #expect(lines.map(\.adoptionPeriod) == ["before the horizon"])
        #expect(lines[0].offerings == ["mi300x-1y", "old-amd"] && lines[0].cost == 20_000)
    }

    // Cash: 7,884 in each of the first two quarters; 2027Q3 16,140 rent and fee + 60,000
    // platform = 76,140; 2027Q4 13,140 + 10,000 = 23,140; then the contract's rent after the
    // horizon, 13,140 in 2028Q1 and in 2028Q2, as commitments outside the horizon.
    @Test func cashFlowCarriesTheContractPastTheHorizon() throws {
        let plan = try ContractsExample.plan()
        let cash = try #require(plan.finance?.cashFlow)
        #expect(cash.periods.map(\.label) == ["2027Q1", "2027Q2", "2027Q3", "2027Q4", "2028Q1", "2028Q2"])
        #expect(cash.periods.map(\.operating) == [7_884, 7_884, 76_140, 23_140, 0, 0])
        #expect(cash.periods.map(\.commitments) == [0, 0, 0, 0, 13_140, 13_140])
        #expect(cash.periods.map(\.inHorizon) == [true, true, true, true, false, false])
        #expect(cash.commitments == 26_280 && cash.capital == 0)
        #expect(cash.total == 141_328)
        #expect(cash.fiscalYears.map(\.label) == ["FY2027", "FY2028"])
        #expect(cash.fiscalYears[1].commitments == 26_280 && !cash.fiscalYears[1].inHorizon)
        // Redone under other terms from the plan document alone: the same commitments.
        let redone = try #require(try FinanceComputation.redo(plan, terms: FinanceTerms(fiscalYearStartMonth: 7)))
        #expect(redone.cashFlow.commitments == 26_280)
    }

    // Reserved per quarter in 2027Q3 and Q4: rent 13,140 + upfront 3,000 / 4 = 750 → 13,890;
    // chat occupies its replica's 2 units of 3 → 9,260, idle 4,630. After the horizon: rent
    // 26,280 + upfront share 1,500 = 27,780. Platform 70,000 to chat, the only workload on amd.
    // API 15,768. chat: 2 × 9,260 + 70,000 + 15,768 = 104,288; idle 9,260; sum 141,328.
    @Test func attributionSumsToTheTotal() throws {
        let plan = try ContractsExample.plan()
        let attribution = try #require(plan.finance?.attribution)
        let chat = attribution.workloads[0]
        #expect(abs(chat.cost.reserved - 18_520) < 1e-9)
        #expect(chat.cost.platform == 70_000 && chat.cost.api == 15_768)
        #expect(abs(chat.cost.total - 104_288) < 1e-9)
        #expect(abs(attribution.idle.reserved - 9_260) < 1e-9 && attribution.idle.platform == 0)
        #expect(attribution.beyondHorizon == 27_780)
        #expect(abs(attribution.total - plan.totals!.cost) < 1e-9)
        #expect(abs(chat.byPeriod[2] - (9_260 + 60_000)) < 1e-9)
    }

    @Test func planWithEveryNewSectionValidates() throws {
        let plan = try ContractsExample.plan()
        let json = try PlanReport.json(plan)
        for key in ["\"rentals\"", "\"platforms\"", "\"replicas\"", "\"margins\"", "\"commitmentsBeyondHorizon\"", "\"beyondHorizon\"",
                    "\"schemaVersion\" : 2"] {
            #expect(json.contains(key), "\(key)")
        }
        #expect(try PlanReport.json(try ContractsExample.plan()) == json)
        let verdicts = try SchemaCheck.validate(["contracts": json])
        #expect(verdicts["contracts"] == .some(nil), "\(String(describing: verdicts["contracts"]))")
        // A version-1 plan's keys do not pass the version-2 schema.
        var object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        object["schemaVersion"] = 1
        var totals = object["totals"] as! [String: Any]
        totals["commitmentsBeyondHorizon"] = nil
        object["totals"] = totals
        let old = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        let rejected = try SchemaCheck.validate(["old": old])
        #expect(rejected["old"] != .some(nil))
    }

    /// A plan written before version 2 (no platform lines, commitments, sections or cash
    /// commitments) still decodes, and its report draws.
    @Test func versionOnePlanDecodesAndReports() throws {
        let current = try PlanReport.json(try ContractsExample.plan(evaluation: {
            var e = ContractsExample.evaluation()
            e.platforms = []
            return e
        }()))
        var object = try #require(try JSONSerialization.jsonObject(with: Data(current.utf8)) as? [String: Any])
        object["schemaVersion"] = 1
        for key in ["rentals", "platforms", "replicas", "margins"] { object[key] = nil }
        func strip(_ value: Any, _ keys: Set<String>) -> Any {
            if let dict = value as? [String: Any] {
                var out: [String: Any] = [:]
                for (k, v) in dict where !keys.contains(k) { out[k] = strip(v, keys) }
                return out
            }
            if let array = value as? [Any] { return array.map { strip($0, keys) } }
            return value
        }
        let old = strip(object, ["platform", "commitmentsBeyondHorizon", "discountedCommitmentsBeyondHorizon", "commitments", "beyondHorizon"])
        let data = try JSONSerialization.data(withJSONObject: old, options: [.sortedKeys])
        #expect(!String(decoding: data, as: UTF8.self).contains("\"platform\""))
        let plan = try ReportInputReader.decode(PlanDocument.self, from: data, file: "old.json", what: "a plan JSON")
        #expect(plan.schemaVersion == 1 && plan.rentals == nil)
        #expect(plan.totals?.platform == 0 && plan.totals?.commitmentsBeyondHorizon == 0 && plan.periods[2].cost.platform == 0)
        #expect(plan.finance?.cashFlow.commitments == 0 && plan.finance?.attribution.beyondHorizon == 0)
        #expect(try PlanHTMLReport.html(ReportInputs(plan: plan)).contains("data-chart=\"cost\""))
        #expect(try PlanHTMLReport.markdown(ReportInputs(plan: plan, terms: FinanceTerms())).contains("## Cost per workload"))
    }
}

/// docs/plan.schema.json through Python's jsonschema (TestSupport), for swift-testing suites.
enum SchemaCheck {
    static var schemaPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/plan.schema.json").path
    }

    /// name -> nil (valid) or the first error.
    static func validate(_ documents: [String: String]) throws -> [String: String?] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-contracts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var names: [String: String] = [:]
        for (name, json) in documents.sorted(by: { $0.key < $1.key }) {
            let url = directory.appendingPathComponent(name + ".json")
            try json.write(to: url, atomically: true, encoding: .utf8)
            names[url.path] = name
        }
        let outcome = try JSONSchemaCheck.run(schema: schemaPath, files: names.keys.sorted())
        guard outcome.status == 0 else { throw FinanceError(message: "python3 with jsonschema is required: \(outcome.errors)") }
        var result: [String: String?] = [:]
        for (path, verdict) in outcome.verdicts { if let name = names[path] { result[name] = .some(verdict) } }
        return result
    }
}

@Suite struct ContractsReportTests {
    @Test func planTablesShowContractsPlatformsReplicasAndMargins() throws {
        let text = PlanReport.text(try ContractsExample.plan())
        for line in [
            "Cash out $141,328 undiscounted (purchases $0, running $115,048, rent due after the horizon $26,280)",
            "Commitments beyond the horizon $26,280 (discounted $26,280): rent of reserved contracts running past 2027Q4",
            "2027Q3  2028Q2 (after the horizon)  mi300x-1y      3  12 months (4 periods)   $3,000          $26,280              $26,280",
            "amd        2027Q3  2 periods, 2027Q3-2027Q4        $50,000  $20,000 ($40,000/year)  mi300x-1y",
            "mi300x-1y  2027Q3     N+1      3           1        0       2",
            // The periods sum to 115,048; the commitments are added on their own line.
            "total      $0      $0    $0  $29,280  $15,768   $70,000        $0  $115,048    $115,048",
            "commitments beyond the horizon: $26,280 (discounted $26,280), added to the total",
        ] {
            #expect(text.contains(line), "\(line)\n\(text)")
        }
        #expect(text.contains("Replicas: the most run in any slice") && text.contains("mi300x-1y/chat (2 acc.)"))
    }

    @Test func reportShowsContractsOverTimeAndPlatforms() throws {
        let inputs = ReportInputs(plan: try ContractsExample.plan())
        let markdown = try PlanHTMLReport.markdown(inputs)
        for line in [
            "- Cash out $141,328 undiscounted: purchases $0, running costs $115,048, rent due after the horizon $26,280",
            "- Platform amd: adopted in 2027Q3 for $50,000, $20,000 running costs over 2 periods",
            "## Reserved contracts", "| 2027Q3 | 2028Q2 (after the horizon) | mi300x-1y | 3 | 12 months (4 periods) | $3,000 | $26,280 | $26,280 |",
            "## Platforms", "| amd | 2027Q3 | 2 periods, 2027Q3-2027Q4 | $50,000 | $20,000 ($40,000/year) | mi300x-1y |",
            "| 2028Q1 (outside the horizon) | $0 | $0 | $13,140 | $13,140 |",
            "| chat | $0 | $18,520 | $0 | $15,768 | $70,000 | $0 | $104,288 |",
            "| contracts after the horizon | $0 | $27,780 |",
            "## Replicas (most in any slice)", "## Reliability margins",
        ] {
            #expect(markdown.contains(line), "\(line)")
        }
        let html = try PlanHTMLReport.html(inputs)
        #expect(html == (try PlanHTMLReport.html(inputs)))
        // The contract on its timeline: 2027Q1 .. 2028Q2, one bar in the horizon and one after it.
        let chart = try #require(html.range(of: "data-chart=\"contracts\"")).lowerBound
        let end = try #require(html[chart...].range(of: "</svg>")).lowerBound
        let svg = html[chart..<end]
        #expect(svg.components(separatedBy: "data-series=\"in the horizon\"").count - 1 == 1)
        #expect(svg.components(separatedBy: "data-series=\"beyond the horizon\"").count - 1 == 1)
        #expect(svg.contains(">2028Q2</text>") && svg.contains("horizon ends"))
        // The platform is a cost series (two periods) and a line of the cash chart after the horizon (two periods).
        let cost = try #require(html.range(of: "data-chart=\"cost\"")).lowerBound
        let costEnd = try #require(html[cost...].range(of: "</svg>")).lowerBound
        #expect(html[cost..<costEnd].components(separatedBy: "data-series=\"platform\"").count - 1 == 2)
        let cash = try #require(html.range(of: "data-chart=\"cash\"")).lowerBound
        let cashEnd = try #require(html[cash...].range(of: "</svg>")).lowerBound
        #expect(html[cash..<cashEnd].components(separatedBy: "data-series=\"rent after the horizon\"").count - 1 == 2)
    }
}

/// Through the planner and the evaluator (docs/formulation.md section 8).
@Suite struct ContractsEndToEndTests {
    /// The hand-computed evaluation above is what the independent evaluator computes.
    @Test func evaluatorAgreesWithTheHandComputedFigures() throws {
        let evaluation = PlanEvaluator(scenario: ContractsExample.scenario()).evaluate(ContractsExample.decisions)
        let hand = ContractsExample.evaluation()
        #expect(evaluation.violations.isEmpty, "\(evaluation.violations)")
        #expect(abs(evaluation.totalCost - hand.totalCost) < 1e-6)
        #expect(abs(evaluation.commitmentsBeyondHorizon - hand.commitmentsBeyondHorizon) < 1e-6)
        #expect(evaluation.periods.map(\.cost.rental) == hand.periods.map(\.cost.rental))
        #expect(evaluation.periods.map(\.cost.platform) == hand.periods.map(\.cost.platform))
        #expect(evaluation.contractStarts == hand.contractStarts)
        #expect(evaluation.replicas["mi300x-1y"]?["chat"] == hand.replicas["mi300x-1y"]?["chat"])
        #expect(evaluation.platforms == hand.platforms)
    }

    /// No API and no demand in the first half, discount rate 10%: the cheapest way to hold 3
    /// units (1 replica of 2 + 1 spare) in 2027Q3 and Q4 is one contract started in 2027Q3
    /// (starting earlier pays the same rent sooner). By hand: rental 2 × 13,140 + 3,000 =
    /// 29,280; platform 60,000 + 10,000; after the horizon 26,280; cost 125,560.
    @Test func planStartsTheContractAndChargesItsWholeTerm() throws {
        var scenario = ContractsExample.scenario()
        scenario.discountRate = 0.1
        scenario.offerings.removeAll { $0.id == "api" }
        scenario.workloads[0].demand = [0, 0, 1500 * ContractsExample.seconds, 1500 * ContractsExample.seconds]
        var options = PlanOptions()
        options.baselines = false
        options.priceThresholds = false
        let plan = try Planner.plan(scenario, options: options)
        #expect(plan.status == .optimal)
        let totals = try #require(plan.totals)
        #expect(abs(totals.cost - 125_560) < 1e-6)
        #expect(abs(totals.commitmentsBeyondHorizon - 26_280) < 1e-6 && totals.discountedCommitmentsBeyondHorizon < 26_280)
        #expect(abs(totals.platform - 70_000) < 1e-6)
        let contracts = try #require(plan.rentals?.first?.contracts)
        #expect(contracts.map(\.start) == ["2027Q3"] && contracts.map(\.end) == ["2028Q2"] && contracts.map(\.units) == [3])
        #expect(plan.platforms?.map(\.adoptionPeriod) == ["2027Q3"])
        #expect(plan.replicas?.first?.periods.map(\.peak) == [1, 1])
        #expect(plan.margins?.first?.periods.map(\.spareUnitsHeld) == [1, 1])
        let finance = try #require(plan.finance)
        #expect(abs(finance.attribution.total - totals.cost) <= 1e-9 * totals.cost)
        #expect(abs(finance.cashFlow.total - totals.cost) <= 1e-9 * totals.cost)
        #expect(abs(finance.cashFlow.commitments - 26_280) < 1e-6)
        let verdicts = try SchemaCheck.validate(["planned": try PlanReport.json(plan)])
        #expect(verdicts["planned"] == .some(nil), "\(String(describing: verdicts["planned"]))")
        #expect(PlanReport.text(plan).contains("2027Q3  2028Q2 (after the horizon)"))
    }

    /// The same scenario with the API back: it is cheaper than adopting amd, so no platform is adopted.
    @Test func lowVolumeDoesNotAdopt() throws {
        var options = PlanOptions()
        options.baselines = false
        options.priceThresholds = false
        let plan = try Planner.plan(ContractsExample.scenario(), options: options)
        #expect(plan.platforms?.map(\.adoptionPeriod) == [nil] && plan.platforms?.first?.cost == 0)
        #expect(plan.rentals == [] && plan.totals?.platform == 0 && plan.totals?.commitmentsBeyondHorizon == 0)
    }
}
