// The catalog's issue-11 data: contract terms, platforms, replica sizes from the memory fit,
// 405B in FP8 on one 8xH100 node, and the labelled platform cost estimates.

import Foundation
import XCTest

@testable import CapPlanKit

final class CatalogProcurementTests: XCTestCase {
    let catalog = Catalog.builtIn

    func testReservationsCarryTheirTerms() {
        for r in catalog.rentals {
            switch r.term {
            case "1-year": XCTAssertEqual(r.termMonths, 12, r.id)
            case "3-year": XCTAssertEqual(r.termMonths, 36, r.id)
            default: XCTAssertNil(r.termMonths, "\(r.id): \(r.term) has no multi-period contract")
            }
            if r.termMonths != nil { XCTAssertEqual(r.commitment, .period, r.id) }
        }
        XCTAssertEqual(catalog.rentals.filter { $0.termMonths == 12 }.count, 6)
        XCTAssertEqual(catalog.rentals.filter { $0.termMonths == 36 }.count, 6)
        XCTAssertNil(catalog.rentals.first { $0.id == "aws-p5-h100-capacity-block" }?.termMonths)
    }

    func testEveryEntryNamesThePlatformOfItsAccelerator() {
        let expected = [
            "A100": "nvidia", "H100": "nvidia", "H100 NVL": "nvidia", "H200": "nvidia", "B200": "nvidia", "L40S": "nvidia",
            "MI300X": "amd", "MI325X": "amd", "Gaudi 2": "intel-gaudi", "Gaudi 3": "intel-gaudi",
            "TPU v5e": "google-tpu", "TPU v6e": "google-tpu",
        ]
        for p in catalog.purchases { XCTAssertEqual(p.platform, expected[p.accelerator], p.id) }
        for r in catalog.rentals { XCTAssertEqual(r.platform, expected[r.accelerator], r.id) }
        XCTAssertEqual(BuiltInCatalogData.platform("Trainium2"), "aws-neuron")
        XCTAssertEqual(BuiltInCatalogData.platform("Inferentia2"), "aws-neuron")
        // Every platform an entry names has an estimate.
        let named = Set(catalog.purchases.compactMap(\.platform) + catalog.rentals.compactMap(\.platform))
        XCTAssertTrue(named.isSubset(of: Set(catalog.platforms.map(\.id))), "\(named)")
    }

    /// Meta's FP8 405B runs on one 8xH100 node: weights 405.9e9 x 1 byte = 405.9 GB, KV cache
    /// 64 x 2048 tokens x (2 x 126 layers x 8 heads x 128 x 1 byte = 258,048 B) = 33.8 GB, reserve
    /// 10% of 640 = 64 GB; 503.7 <= 640. Four H100s hold 320 GB: too small.
    func test405BInFP8FitsOneH100Node() throws {
        let fit = try MemoryFit.find(
            model: XCTUnwrap(ModelSpec.named("llama-3.1-405b")), accelerator: XCTUnwrap(AcceleratorSpec.named("h100")),
            precision: .fp8, contextTokens: 2048)
        XCTAssertEqual(fit.tensorParallel, 8)
        XCTAssertEqual(fit.neededGB, 405.9 + 33.822867456 + 64, accuracy: 0.01)
        let node = try XCTUnwrap(catalog.purchases.first { $0.id == "h100-node" })
        let t405 = try XCTUnwrap(node.throughputByModel["llama-3.1-405b"])
        XCTAssertEqual(t405.tokensPerSecond, (21_606 * 70 / 405).rounded())  // 3,734
        XCTAssertTrue(t405.note.contains("https://ai.meta.com/blog/meta-llama-3-1/"), t405.note)
        XCTAssertEqual(node.acceleratorsPerReplicaByModel["llama-3.1-405b"], 8)
        // Per-GPU H100 rentals: an eighth of the node figure, in replicas of 8 GPUs.
        let gcp = try XCTUnwrap(catalog.rentals.first { $0.id == "gcp-h100-3-year" })
        XCTAssertEqual(gcp.throughputByModel["llama-3.1-405b"]?.tokensPerSecond, 466.75)  // 3734 / 8
        XCTAssertEqual(gcp.acceleratorsPerReplicaByModel["llama-3.1-405b"], 8)
    }

    /// 70B in FP8 needs 70.6 + 64 x 2048 x 163,840 B (21.5 GB) = 92.1 GB and a 10% reserve:
    /// one H100 holds 72 GB usable, two 144. One H200 (126.9 usable) or MI300X (172.8) holds it.
    func testReplicaSizesComeFromTheMemoryFit() throws {
        func size(_ id: String, _ model: String) -> Int? {
            (catalog.purchases.first { $0.id == id }?.acceleratorsPerReplicaByModel
                ?? catalog.rentals.first { $0.id == id }?.acceleratorsPerReplicaByModel)?[model]
        }
        XCTAssertEqual(size("gcp-h100-on-demand", "llama-3.1-70b"), 2)
        XCTAssertEqual(size("h100-node", "llama-3.1-70b"), 2)
        XCTAssertEqual(size("h200-node", "llama-3.1-70b"), 1)
        XCTAssertEqual(size("mi300x-node", "llama-3.1-70b"), 1)
        XCTAssertEqual(size("runpod-l40s-on-demand", "llama-3.1-70b"), 4)  // 48 GB GDDR6: 43.2 usable each
        XCTAssertEqual(size("gcp-tpu-v5e-1-year", "llama-3.1-70b"), 8)  // 16 GB chips, INT8 weights
        XCTAssertEqual(size("h100-node", "llama-3.1-8b"), 1)
        // Every throughput has a replica size that fits the entry's units.
        for p in catalog.purchases {
            for m in p.throughputByModel.keys {
                let a = try XCTUnwrap(p.acceleratorsPerReplicaByModel[m], "\(p.id) \(m)")
                XCTAssertTrue(ScenarioRules.replicaFits(accelerators: a, perUnit: p.acceleratorsPerUnit), "\(p.id) \(m)")
            }
        }
        for r in catalog.rentals {
            for m in r.throughputByModel.keys {
                let a = try XCTUnwrap(r.acceleratorsPerReplicaByModel[m], "\(r.id) \(m)")
                XCTAssertTrue(ScenarioRules.replicaFits(accelerators: a, perUnit: r.acceleratorsPerUnit), "\(r.id) \(m)")
            }
        }
    }

    func testPlatformEstimatesAreLabelledAndReasoned() {
        XCTAssertEqual(catalog.platforms.map(\.id), ["nvidia", "amd", "intel-gaudi", "google-tpu", "aws-neuron"])
        for k in catalog.platforms {
            XCTAssertTrue(k.reasoning.hasPrefix("estimate:"), k.id)
            XCTAssertTrue(k.reasoning.contains("250,000 USD loaded"), k.id)
            XCTAssertTrue(k.source.source.contains("https://"), k.id)
            // Whole or half engineer-years at 250,000.
            XCTAssertEqual((k.adoptionCost / 125_000).rounded(), k.adoptionCost / 125_000, k.id)
            XCTAssertGreaterThan(k.adoptionCost, k.yearlyCost, k.id)
        }
        let amd = catalog.platforms.first { $0.id == "amd" }
        XCTAssertEqual(amd?.adoptionCost, 750_000)  // 3 engineer-years
        XCTAssertEqual(amd?.yearlyCost, 375_000)  // 1.5 a year
    }

    func testReportShowsTermsReplicasAndPlatforms() throws {
        let table = CatalogReport.table(catalog)
        XCTAssertTrue(table.contains("ACCELERATORS PER REPLICA"))
        XCTAssertTrue(table.contains("PLATFORMS"))
        XCTAssertTrue(table.contains("amd               750,000     375,000"), table)
        let wide = CatalogReport.wide(catalog)
        XCTAssertTrue(wide.contains("llama-3.1-405b:8"))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(CatalogReport.json(catalog).utf8)) as? [String: Any])
        XCTAssertEqual(json["schemaVersion"] as? Int, 2)
        let rentals = try XCTUnwrap(json["rentals"] as? [[String: Any]])
        let gcp = try XCTUnwrap(rentals.first { $0["id"] as? String == "gcp-h100-1-year" })
        XCTAssertEqual(gcp["termMonths"] as? Int, 12)
        XCTAssertEqual(gcp["platform"] as? String, "nvidia")
        XCTAssertEqual((gcp["acceleratorsPerReplica"] as? [String: Int])?["llama-3.1-70b"], 2)
        XCTAssertEqual((json["platforms"] as? [[String: Any]])?.count, 5)
    }

    /// A scenario's `use:` takes the term in periods of its horizon, the platform and the replica size.
    func testCatalogUseCarriesTermPlatformAndReplicas() throws {
        let text = """
        name: t
        horizon: {start: 2027Q1, periods: 4}
        workloads: [{id: chat, model: llama-3.1-70b, demand: {tokensPerPeriod: [1e12, 1e12, 1e12, 1e12]}}]
        offerings: [{use: gcp-h100-3-year}, {use: mi300x-node}]
        platforms: [{id: amd, adoptionCost: 750000, yearlyCost: 375000}]
        """
        let s = try ScenarioLoader.load(text: text, fileName: "t.yaml", baseDirectory: ".").scenario
        XCTAssertEqual(s.rentals[0].termPeriods, 12)  // 36 months / 3
        XCTAssertEqual(s.rentals[0].platform, "nvidia")
        XCTAssertEqual(s.rentals[0].acceleratorsPerReplica, ["chat": 2])
        XCTAssertEqual(s.purchases[0].platform, "amd")
        XCTAssertEqual(s.purchases[0].acceleratorsPerReplica, ["chat": 1])
    }

    func testStarterScenarioCostsTheExistingPlatformNothing() throws {
        let yaml = StarterScenario.yaml(name: "s")
        let s = try ScenarioLoader.load(text: yaml, fileName: "s.yaml", baseDirectory: ".").scenario
        XCTAssertEqual(s.platforms, [PlatformCost(id: "nvidia", adoptionCost: 0, yearlyCost: 0)])
        XCTAssertTrue(yaml.contains("#  - {id: amd, adoptionCost: 750000, yearlyCost: 375000}"), yaml)
        for key in ["termMonths:", "upfrontPerUnit:", "platform:", "acceleratorsPerReplica:", "spareUnits:", "failureDerating:", "minReplicas:"] {
            XCTAssertTrue(yaml.contains(key), "starter scenario does not show \(key)")
        }
    }
}
