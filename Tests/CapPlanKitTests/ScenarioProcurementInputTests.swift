import Foundation
import XCTest
@testable import CapPlanKit

/// Scenario input of issue 11: reserved terms, upfront fees, platforms, replica sizes, spare units,
/// failure derating, minimum replicas and platform costs (docs/scenario-format.md). The error of
/// every rule, with its path and line, is pinned by a fixture in Fixtures/invalid.
final class ScenarioProcurementInputTests: XCTestCase {
    /// A catalog with one reserved 1-year rental, one on-demand per-GPU rental and one node.
    static let catalog: Catalog = {
        let source = CatalogSource(source: "test", asOf: "2025-01")
        func tput(_ x: Double) -> CatalogThroughput { CatalogThroughput(tokensPerSecond: x, provenance: source, note: "test") }
        return Catalog(
            models: [CatalogModel(id: "llama-3.1-70b", description: "70B", parametersBillions: 70)],
            purchases: [
                CatalogPurchase(
                    id: "cat-node", accelerator: "MI300X", acceleratorsPerUnit: 8, unitPrice: 300_000, lifetimeYears: 5, powerKW: 10,
                    throughputByModel: ["llama-3.1-70b": tput(20_000)], price: source, power: source,
                    platform: "amd", acceleratorsPerReplicaByModel: ["llama-3.1-70b": 1]),
            ],
            rentals: [
                CatalogRental(
                    id: "cat-1-year", provider: "Cloud", accelerator: "H100", acceleratorsPerUnit: 1, pricePerUnitHour: 7,
                    commitment: .period, term: "1-year", throughputByModel: ["llama-3.1-70b": tput(2_700)], price: source,
                    termMonths: 12, platform: "nvidia", acceleratorsPerReplicaByModel: ["llama-3.1-70b": 2]),
                CatalogRental(
                    id: "cat-block", provider: "Cloud", accelerator: "H100", acceleratorsPerUnit: 8, pricePerUnitHour: 40,
                    commitment: .period, term: "capacity-block", throughputByModel: ["llama-3.1-70b": tput(21_000)], price: source,
                    platform: "nvidia", acceleratorsPerReplicaByModel: ["llama-3.1-70b": 2]),
            ],
            apis: [])
    }()

    func load(_ text: String) throws -> Scenario {
        try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: ".", catalog: Self.catalog).scenario
    }

    func errors(_ text: String) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: ".", catalog: Self.catalog)
            XCTFail("expected errors")
            return []
        } catch let e as ScenarioLoadError {
            return e.diagnostics
        } catch {
            XCTFail("\(error)")
            return []
        }
    }

    static func header(_ start: String = "2027Q1") -> String {
        """
        name: t
        horizon: {start: \(start), periods: 4}
        workloads:
          - {id: chat, model: llama-3.1-70b, demand: {tokensPerPeriod: [1e12, 1e12, 1e12, 1e12]}}

        """
    }

    func testEveryNewFieldIsRead() throws {
        let s = try load("""
            name: t
            horizon: {start: 2027Q1, periods: 4}
            workloads:
              - {id: chat, minReplicas: 2, demand: {tokensPerPeriod: [1e12, 1e12, 1e12, 1e12]}}
            offerings:
              - {id: res, kind: rental, pricePerUnitHour: 4, commitment: period, termMonths: 36, upfrontPerUnit: 9000,
                 platform: nvidia, acceleratorsPerReplica: {chat: 2}, spareUnits: 1, failureDerating: 0.03, throughput: {chat: 2700}}
              - {id: od, kind: rental, pricePerUnitHour: 9, failureDerating: 0.05, platform: nvidia, throughput: {chat: 2700}}
              - {id: node, kind: purchase, unitPrice: 250000, lifetimePeriods: 20, acceleratorsPerUnit: 8, platform: amd,
                 acceleratorsPerReplica: {chat: 16}, spareUnits: 2, throughput: {chat: 20000}}
            platforms:
              - {id: amd, adoptionCost: 750000, yearlyCost: 375000}
              - {id: nvidia}
            """)
        XCTAssertEqual(s.workloads[0].minReplicas, 2)
        let res = s.rentals[0]
        XCTAssertEqual(res.termPeriods, 12)  // 36 months = 12 quarters
        XCTAssertEqual(res.upfrontPerUnit, 9000)
        XCTAssertEqual(res.platform, "nvidia")
        XCTAssertEqual(res.acceleratorsPerReplica, ["chat": 2])
        XCTAssertEqual(res.spareUnits, 1)
        XCTAssertEqual(res.failureDerating, 0.03)
        let od = s.rentals[1]
        XCTAssertEqual(od.termPeriods, 0)
        XCTAssertEqual(od.failureDerating, 0.05)
        let node = s.purchases[0]
        XCTAssertEqual(node.platform, "amd")
        XCTAssertEqual(node.acceleratorsPerReplica, ["chat": 16])  // a replica spans two 8-GPU nodes
        XCTAssertEqual(node.spareUnits, 2)
        XCTAssertEqual(s.platforms, [PlatformCost(id: "amd", adoptionCost: 750_000, yearlyCost: 375_000), PlatformCost(id: "nvidia")])
    }

    func testTermMonthsBecomePeriodsOfTheHorizon() throws {
        // 12 months: 12 monthly periods, 4 quarters, 1 year.
        for (start, periods) in [("2027-01", 12), ("2027Q1", 4), ("2027", 1)] {
            let s = try load(Self.header(start) + """
                offerings: [{id: r, kind: rental, pricePerUnitHour: 4, commitment: period, termMonths: 12, throughput: {chat: 2700}}]
                """)
            XCTAssertEqual(s.rentals[0].termPeriods, periods, start)
        }
    }

    func testOldScenariosKeepTheirMeaning() throws {
        let s = try load(Self.header() + """
            offerings:
              - {id: r, kind: rental, pricePerUnitHour: 4, commitment: period, throughput: {chat: 2700}}
              - {id: n, kind: purchase, unitPrice: 250000, lifetimePeriods: 20, throughput: {chat: 20000}}
            """)
        XCTAssertEqual(s.workloads[0].minReplicas, 1)
        XCTAssertEqual(s.rentals[0].termPeriods, 1)
        XCTAssertEqual(s.rentals[0].upfrontPerUnit, 0)
        XCTAssertNil(s.rentals[0].platform)
        XCTAssertEqual(s.rentals[0].acceleratorsPerReplica, [:])
        XCTAssertEqual(s.purchases[0].spareUnits, 0)
        XCTAssertEqual(s.purchases[0].failureDerating, 0)
        XCTAssertNil(s.purchases[0].platform)
        XCTAssertEqual(s.platforms, [])
    }

    func testCatalogEntriesCarryTermPlatformAndReplicaSize() throws {
        let s = try load(Self.header() + """
            offerings:
              - {use: cat-1-year}
              - {use: cat-1-year, id: on-demand-now, commitment: none}
              - {use: cat-1-year, id: three-years, termMonths: 36, platform: my-cuda, acceleratorsPerReplica: {chat: 4}}
              - {use: cat-block}
              - {use: cat-node}
            """)
        let r = s.rentals
        XCTAssertEqual(r[0].termPeriods, 4)  // 12 months on quarters
        XCTAssertEqual(r[0].platform, "nvidia")
        XCTAssertEqual(r[0].acceleratorsPerReplica, ["chat": 2])
        XCTAssertEqual(r[1].commitment, RentalCommitment.none)
        XCTAssertEqual(r[1].termPeriods, 0)  // on demand has no term
        XCTAssertEqual(r[2].termPeriods, 12)
        XCTAssertEqual(r[2].platform, "my-cuda")
        XCTAssertEqual(r[2].acceleratorsPerReplica, ["chat": 4])
        XCTAssertEqual(r[3].termPeriods, 1)  // capacity blocks stay one period
        XCTAssertEqual(s.purchases[0].platform, "amd")
        XCTAssertEqual(s.purchases[0].acceleratorsPerReplica, ["chat": 1])
    }

    func testCatalogReplicaSizeThatNoLongerFitsNamesTheUnitsField() {
        // The catalog's 2-GPU replica does not fit units of 3 GPUs: the error points at the override.
        let e = errors(Self.header() + """
            offerings:
              - {use: cat-1-year, acceleratorsPerUnit: 3}
            """)
        XCTAssertEqual(e.map(\.path), ["offerings[0].acceleratorsPerUnit"])
        XCTAssertEqual(e.first?.line, 6)
        XCTAssertTrue(e.first?.message.contains("acceleratorsPerReplica") ?? false, "\(e)")
    }

    func testAllErrorsAtOnceInFileOrder() {
        let e = errors(Self.header() + """
            offerings:
              - {id: r, kind: rental, pricePerUnitHour: 4, termMonths: 12, spareUnits: 1, throughput: {chat: 2700}}
              - {id: n, kind: purchase, unitPrice: 250000, lifetimePeriods: 20, acceleratorsPerUnit: 8,
                 acceleratorsPerReplica: {chat: 3}, failureDerating: -0.1, platform: amd, throughput: {chat: 20000}}
            platforms:
              - {id: amb, adoptionCost: 1}
            """)
        XCTAssertEqual(e.map(\.path), [
            "offerings[0].termMonths", "offerings[0].spareUnits",
            "offerings[1].acceleratorsPerReplica.chat", "offerings[1].failureDerating", "platforms[0].id",
        ])
        XCTAssertEqual(e.map(\.line), [6, 6, 8, 8, 10])
        XCTAssertTrue(e.last?.description.contains("did you mean `amd`") ?? false, "\(e)")
    }

    func testPlatformNamedByNoOfferingWithoutAnyPlatformSaysHowToNameOne() {
        let e = errors(Self.header() + """
            offerings: [{id: n, kind: purchase, unitPrice: 250000, lifetimePeriods: 20, throughput: {chat: 20000}}]
            platforms: [{id: amd, adoptionCost: 1}]
            """)
        XCTAssertEqual(e.map(\.path), ["platforms[0].id"])
        XCTAssertTrue(e[0].message.contains("set `platform:`"), "\(e)")
    }

    /// Every new field survives ScenarioWriter and the reader, on every kind of horizon.
    func testRoundTrip() throws {
        for kind in [PeriodKind.month, .quarter, .year] {
            let perPeriod = ScenarioRules.monthsPerPeriod(kind)
            let scenario = Scenario(
                name: "rt", horizon: Horizon(start: PeriodLabel(kind: kind, year: 2027, subperiod: 1), periods: 3),
                workloads: [
                    Workload(id: "chat", outputShare: 0.3, model: nil, demand: [1e12, 2e12, 3e12], minReplicas: 3),
                    Workload(id: "code", outputShare: 0.5, model: nil, demand: [1e11, 1e11, 1e11]),
                ],
                offerings: [
                    .rental(RentalOffering(
                        id: "res", pricePerUnitHour: 4.86, acceleratorsPerUnit: 1, commitment: .period, throughput: ["chat": 2700, "code": 9000],
                        termPeriods: 36 / perPeriod, upfrontPerUnit: 1234.5, platform: "nvidia", acceleratorsPerReplica: ["chat": 2, "code": 1],
                        spareUnits: 1, failureDerating: 0.02)),
                    .rental(RentalOffering(id: "od", pricePerUnitHour: 11.06, commitment: .none, throughput: ["chat": 2700], platform: "nvidia")),
                    .rental(RentalOffering(id: "block", pricePerUnitHour: 39, acceleratorsPerUnit: 8, commitment: .period, throughput: ["chat": 21000])),
                    .purchase(PurchaseOffering(
                        id: "mi", unitPrice: 337_626, accelerator: "MI300X", acceleratorsPerUnit: 8, lifetimePeriods: 5, throughput: ["chat": 21028],
                        platform: "amd", acceleratorsPerReplica: ["chat": 1], spareUnits: 1, failureDerating: 0.03)),
                ],
                platforms: [PlatformCost(id: "amd", adoptionCost: 750_000, yearlyCost: 375_000), PlatformCost(id: "nvidia")])
            XCTAssertEqual(ScenarioRules.violations(in: scenario), [])
            let text = ScenarioWriter.yaml(scenario)
            let back = try ScenarioLoader.load(text: text, fileName: "rt.yaml", baseDirectory: ".", catalog: Self.catalog).scenario
            XCTAssertEqual(back, scenario, "\(kind)\n\(text)")
            XCTAssertTrue(text.contains("termMonths: 36"), text)
            XCTAssertFalse(text.contains("termMonths: \(perPeriod)\n"), "a one-period term is the default:\n\(text)")
        }
    }

    func testRulesCatchBuiltValuesTheReaderWouldRefuse() {
        var s = Scenario(
            name: "bad", horizon: Horizon(start: PeriodLabel(kind: .quarter, year: 2027, subperiod: 1), periods: 2),
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [1, 1], minReplicas: 0)],
            offerings: [
                .rental(RentalOffering(id: "od", pricePerUnitHour: 1, commitment: .none, throughput: ["chat": 1], upfrontPerUnit: 5, spareUnits: 1)),
                .purchase(PurchaseOffering(id: "n", unitPrice: 1, acceleratorsPerUnit: 8, lifetimePeriods: 1, throughput: ["chat": 1],
                                           acceleratorsPerReplica: ["chat": 3, "code": 1], failureDerating: 1)),
            ],
            platforms: [PlatformCost(id: "amd", adoptionCost: -1)])
        let found = ScenarioRules.violations(in: s).map { String($0.prefix(while: { $0 != ":" })) }
        XCTAssertEqual(found, [
            "workloads.chat.minReplicas",
            "offerings.od.upfrontPerUnit", "offerings.od.spareUnits",
            "offerings.n.acceleratorsPerReplica.chat", "offerings.n.acceleratorsPerReplica.code", "offerings.n.failureDerating",
            "platforms.amd.adoptionCost", "platforms.amd",
        ])
        s.workloads[0].minReplicas = 1
        XCTAssertFalse(ScenarioRules.violations(in: s).contains { $0.hasPrefix("workloads.") })
    }

    /// The shipped issue-11 examples load with the built-in catalog and carry what their comments say.
    func testProcurementExamplesLoad() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        func scenario(_ name: String) throws -> Scenario {
            try ScenarioLoader.load(path: root.appendingPathComponent("examples/" + name).path).scenario
        }
        let main = try scenario("contracts-and-platforms.yaml")
        XCTAssertEqual(main.rentals.map(\.termPeriods), [0, 4, 12, 4])
        XCTAssertEqual(main.rentals.map { $0.acceleratorsPerReplica["chat"] }, [2, 2, 2, 2])
        XCTAssertEqual(main.rentals[3].upfrontPerUnit, 60_000)
        XCTAssertEqual(main.purchases.map(\.platform), ["nvidia", "amd"])
        XCTAssertEqual(main.purchases[0].spareUnits, 1)
        XCTAssertEqual(main.purchases.map { $0.acceleratorsPerReplica["chat"] }, [2, 1])
        XCTAssertEqual(main.platforms.map(\.id), ["nvidia", "amd"])
        let spike = try scenario("procurement/spike-reservation.yaml")
        XCTAssertEqual(spike.rentals.map(\.termPeriods), [0, 4, 12])
        let tiny = try scenario("procurement/tiny-demand-per-gpu.yaml")
        XCTAssertEqual(tiny.rentals[0].acceleratorsPerReplica, ["chat": 2])
        XCTAssertEqual(try scenario("procurement/n-plus-one.yaml").purchases[0].spareUnits, 1)
        for v in ["low", "volume"] {
            let s = try scenario("procurement/mi300x-adoption-\(v).yaml")
            XCTAssertEqual(s.platforms, [PlatformCost(id: "nvidia"), PlatformCost(id: "amd", adoptionCost: 500_000, yearlyCost: 200_000)])
        }
    }

    /// Sweeps and thresholds can set the new numeric fields, checked against the same rules.
    func testScenarioEditSetsTheNewFields() throws {
        let s = try load(Self.header() + """
            offerings:
              - {id: res, kind: rental, pricePerUnitHour: 4, commitment: period, termMonths: 12, platform: amd, throughput: {chat: 2700}}
              - {id: od, kind: rental, pricePerUnitHour: 9, throughput: {chat: 2700}}
              - {id: n, kind: purchase, unitPrice: 250000, lifetimePeriods: 20, throughput: {chat: 20000}}
            platforms: [{id: amd, adoptionCost: 750000, yearlyCost: 375000}]
            """)
        let paths = ScenarioEdit.paths(in: s)
        for path in ["offerings.res.upfrontPerUnit", "offerings.res.failureDerating", "offerings.n.failureDerating",
                     "platforms.amd.adoptionCost", "platforms.amd.yearlyCost"] {
            XCTAssertTrue(paths.contains(path), path)
        }
        XCTAssertFalse(paths.contains("offerings.od.upfrontPerUnit"))  // on demand: no contract
        let edited = try ScenarioEdit.setting("platforms.amd.adoptionCost", to: 1e6, in: s)
        XCTAssertEqual(edited.platforms[0].adoptionCost, 1e6)
        XCTAssertEqual(try ScenarioEdit.setting("offerings.res.upfrontPerUnit", to: 5000, in: s).rentals[0].upfrontPerUnit, 5000)
        XCTAssertThrowsError(try ScenarioEdit.setting("offerings.n.failureDerating", to: 1, in: s)) { error in
            XCTAssertTrue("\(error)".contains("[0, 1)"), "\(error)")
        }
    }
}
