// The built-in catalog: every figure sourced and dated, ids well formed, references resolved,
// and the report (table and JSON) complete and deterministic.

import Foundation
import XCTest

@testable import CapPlanKit

final class CatalogTests: XCTestCase {
    let catalog = Catalog.builtIn

    // MARK: Helpers

    /// Every (what, source) pair of the catalog.
    private var allSources: [(String, CatalogSource)] {
        var out: [(String, CatalogSource)] = []
        for p in catalog.purchases {
            out.append(("\(p.id).price", p.price))
            out.append(("\(p.id).power", p.power))
            for (m, t) in p.throughputByModel { out.append(("\(p.id).throughput.\(m)", t.provenance)) }
        }
        for r in catalog.rentals {
            out.append(("\(r.id).price", r.price))
            for (m, t) in r.throughputByModel { out.append(("\(r.id).throughput.\(m)", t.provenance)) }
        }
        for a in catalog.apis { out.append(("\(a.id).price", a.price)) }
        return out
    }

    private var allThroughputs: [(String, String, CatalogThroughput)] {
        catalog.purchases.flatMap { p in p.throughputByModel.map { (p.id, $0.key, $0.value) } }
            + catalog.rentals.flatMap { r in r.throughputByModel.map { (r.id, $0.key, $0.value) } }
    }

    private func isWellFormedID(_ id: String) -> Bool {
        guard (1...64).contains(id.count) else { return false }
        return id.unicodeScalars.allSatisfy { s in
            ("a"..."z").contains(s) || ("0"..."9").contains(s) || s == "-" || s == "_" || s == "."
        }
    }

    private func isAsOf(_ text: String) -> Bool {
        let b = Array(text.utf8)
        func digits(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count == 7 || b.count == 10, b[4] == UInt8(ascii: "-"),
            let year = digits(0..<4), (2000...2100).contains(year),
            let month = digits(5..<7), (1...12).contains(month)
        else { return false }
        if b.count == 10 {
            guard b[7] == UInt8(ascii: "-"), let day = digits(8..<10), (1...31).contains(day) else { return false }
        }
        return true
    }

    // MARK: Content

    func testCatalogHasTheRequiredEntries() {
        let models = Set(catalog.models.map(\.id))
        XCTAssertTrue(models.isSuperset(of: ["llama-3.1-8b", "llama-3.1-70b"]))
        let accelerators = Set(catalog.purchases.map(\.accelerator))
        XCTAssertTrue(
            accelerators.isSuperset(of: ["A100", "H100", "H200", "B200", "MI300X", "MI325X", "Gaudi 2", "Gaudi 3", "L40S"]),
            "missing purchases: \(accelerators)")
        for p in catalog.purchases {
            XCTAssertEqual(p.acceleratorsPerUnit, 8, "\(p.id) should be an 8-accelerator node")
            XCTAssertNotNil(p.throughputByModel["llama-3.1-70b"], "\(p.id) has no llama-3.1-70b throughput")
        }
        let rented = Set(catalog.rentals.map(\.accelerator))
        XCTAssertTrue(rented.isSuperset(of: ["H100", "H200", "A100", "TPU v5e", "TPU v6e", "L40S"]), "\(rented)")
        XCTAssertTrue(catalog.rentals.contains { $0.commitment == .none })
        XCTAssertTrue(catalog.rentals.contains { $0.commitment == .period && $0.term == "1-year" })
        for r in catalog.rentals {
            XCTAssertEqual(r.commitment == .none, r.term == "on-demand", "\(r.id): term \(r.term) vs commitment \(r.commitment)")
        }
        let apis = Set(catalog.apis.map(\.id))
        for id in [
            "gpt-4o", "gpt-4o-mini", "gpt-4-turbo", "claude-3.5-sonnet", "claude-3-haiku", "gemini-1.5-pro", "gemini-1.5-flash",
            "together-llama-3.1-70b", "together-llama-3.1-8b", "deepinfra-llama-3.1-70b", "deepinfra-llama-3.1-8b",
        ] {
            XCTAssertTrue(apis.contains(id), "missing API \(id)")
        }
    }

    /// Cached input is cheaper than plain input; batch entries are half of their model's list price.
    func testCachedInputAndBatchPrices() {
        func api(_ id: String) -> CatalogAPI? { catalog.apis.first { $0.id == id } }
        for a in catalog.apis {
            if let cached = a.cachedInputPricePerMTok {
                XCTAssertTrue(cached.isFinite && cached > 0 && cached < a.inputPricePerMTok, "\(a.id): cached \(cached)")
            }
            XCTAssertFalse(a.id.hasSuffix("-batch") && a.cachedInputPricePerMTok != nil, "\(a.id): batch entries carry no cache price")
        }
        XCTAssertEqual(api("gpt-4o")?.cachedInputPricePerMTok, 1.25)
        XCTAssertEqual(api("claude-3.5-sonnet")?.cachedInputPricePerMTok, 0.30)
        XCTAssertNil(api("gpt-4-turbo")?.cachedInputPricePerMTok)
        for (batch, list) in [
            ("gpt-4o-batch", "gpt-4o"), ("gpt-4.1-batch", "gpt-4.1"), ("claude-sonnet-4-batch", "claude-sonnet-4"),
            ("claude-3-haiku-batch", "claude-3-haiku"), ("gpt-4o-mini-batch", "gpt-4o-mini"),
        ] {
            guard let b = api(batch), let l = api(list) else { return XCTFail("missing \(batch) or \(list)") }
            XCTAssertEqual(b.inputPricePerMTok, l.inputPricePerMTok / 2, accuracy: 1e-12, batch)
            XCTAssertEqual(b.outputPricePerMTok, l.outputPricePerMTok / 2, accuracy: 1e-12, batch)
            XCTAssertEqual(b.substitutesFor, l.substitutesFor, batch)
        }
        // Entries priced from the provider cite the provider's page, with its address.
        for id in ["gpt-4.1", "gpt-4.1-mini", "claude-sonnet-4", "claude-3.5-haiku"] {
            XCTAssertTrue(api(id)?.price.source.contains("https://") ?? false, id)
        }
    }

    /// Issue 12: the batch entries say so, and the TPU spot entries are Google's Spot prices with
    /// the availability assumption (docs/catalog.md).
    func testBatchFlagsAndSpotEntries() throws {
        for a in catalog.apis { XCTAssertEqual(a.batch, a.id.hasSuffix("-batch"), a.id) }
        for r in catalog.rentals {
            XCTAssertEqual(r.availability != nil, r.commitment == .spot, r.id)
            XCTAssertEqual(r.availabilityNote != nil, r.commitment == .spot, r.id)
        }
        for (id, price, onDemand) in [("gcp-tpu-v5e-spot", 0.41, "gcp-tpu-v5e-on-demand"), ("gcp-tpu-v6e-spot", 0.92, "gcp-tpu-v6e-on-demand")] {
            guard let spot = catalog.rentals.first(where: { $0.id == id }), let od = catalog.rentals.first(where: { $0.id == onDemand }) else {
                return XCTFail("missing \(id) or \(onDemand)")
            }
            XCTAssertEqual(spot.pricePerUnitHour, price, id)
            XCTAssertEqual(spot.commitment, .spot, id)
            XCTAssertEqual(spot.availability, 0.9, id)
            XCTAssertFalse(spot.clusterNetworking, id)
            XCTAssertNil(spot.termMonths, id)
            XCTAssertEqual(spot.throughputByModel, od.throughputByModel, id)
            XCTAssertLessThan(spot.pricePerUnitHour, od.pricePerUnitHour, id)
            XCTAssertTrue(spot.price.source.contains("https://cloud.google.com/tpu/pricing"), id)
        }
        let object = try JSONSerialization.jsonObject(with: Data(try CatalogReport.json(catalog).utf8)) as? [String: Any]
        let apis = try XCTUnwrap(object?["apis"] as? [[String: Any]])
        for (json, api) in zip(apis, catalog.apis) { XCTAssertEqual(json["batch"] as? Bool, api.batch ? true : nil, api.id) }
        let rentals = try XCTUnwrap(object?["rentals"] as? [[String: Any]])
        for (json, r) in zip(rentals, catalog.rentals) { XCTAssertEqual(json["availability"] as? Double, r.availability, r.id) }
    }

    func testJSONCarriesCachedInputOnlyWhereKnown() throws {
        let object = try JSONSerialization.jsonObject(with: Data(try CatalogReport.json(catalog).utf8)) as? [String: Any]
        let apis = try XCTUnwrap(object?["apis"] as? [[String: Any]])
        XCTAssertEqual(apis.count, catalog.apis.count)
        for (json, api) in zip(apis, catalog.apis) {
            XCTAssertEqual(json["cachedInputPricePerMTok"] as? Double, api.cachedInputPricePerMTok, api.id)
        }
    }

    func testEveryModelIsServedByHardwareAndAnAPI() {
        for m in catalog.models {
            XCTAssertTrue(catalog.apis.contains { $0.substitutesFor.contains(m.id) }, "no API substitutes for \(m.id)")
            XCTAssertTrue(catalog.purchases.contains { $0.throughputByModel[m.id] != nil }, "no purchase runs \(m.id)")
        }
    }

    func testMeasuredFiguresMatchTheFactsFile() {
        func node(_ id: String) -> CatalogPurchase? { catalog.purchases.first { $0.id == id } }
        XCTAssertEqual(node("h100-node")?.throughputByModel["llama-3.1-70b"]?.tokensPerSecond, 21_606)
        XCTAssertEqual(node("h200-node")?.throughputByModel["llama-3.1-70b"]?.tokensPerSecond, 29_228)
        XCTAssertEqual(node("mi300x-node")?.throughputByModel["llama-3.1-70b"]?.tokensPerSecond, 21_028)
        XCTAssertEqual(node("gaudi2-node")?.throughputByModel["llama-3.1-70b"]?.tokensPerSecond, 6_287)
        XCTAssertEqual(node("h100-node")?.powerKW, 10.2)
        XCTAssertEqual(node("h100-node")?.unitPrice, 375_000)
        XCTAssertEqual(catalog.apis.first { $0.id == "gpt-4o" }?.inputPricePerMTok, 2.5)
        XCTAssertEqual(catalog.apis.first { $0.id == "gpt-4o" }?.outputPricePerMTok, 10)
    }

    func testDerivedFiguresSayHow() {
        for (id, model, t) in allThroughputs {
            XCTAssertTrue(
                t.note.hasPrefix("measured") || t.note.hasPrefix("derived") || t.note.hasPrefix("per accelerator")
                    || t.note.contains("x per-accelerator"),
                "\(id).\(model): note must say measured or derived: \(t.note)")
            if !t.note.hasPrefix("measured") { XCTAssertTrue(t.note.contains("derived") || t.note.contains("measured")) }
        }
        // Only the MLPerf-measured systems are "measured".
        let measured = Set(catalog.purchases.filter { $0.throughputByModel["llama-3.1-70b"]!.note.hasPrefix("measured") }.map(\.id))
        XCTAssertEqual(measured, ["h100-node", "h200-node", "mi300x-node", "gaudi2-node"])
        for (id, model, t) in allThroughputs where model != "llama-3.1-70b" {
            XCTAssertTrue(t.note.contains("derived"), "\(id).\(model) cannot be measured: \(t.note)")
        }
    }

    // MARK: Sources and dates

    func testEveryFigureHasASourceAndADate() {
        let sources = allSources
        XCTAssertGreaterThan(sources.count, 50)
        for (what, s) in sources {
            XCTAssertFalse(s.source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(what): empty source")
            XCTAssertTrue(isAsOf(s.asOf), "\(what): asOf \(s.asOf) is not YYYY-MM[-DD]")
        }
        for (id, model, t) in allThroughputs {
            XCTAssertFalse(t.note.isEmpty, "\(id).\(model): empty note")
        }
    }

    func testAsOfFormatCheckRejectsBadDates() {
        XCTAssertTrue(isAsOf("2024-08"))
        XCTAssertTrue(isAsOf("2024-06-13"))
        for bad in ["2024", "2024-13", "24-08", "2024/08", "2024-08-1", "late 2024", ""] {
            XCTAssertFalse(isAsOf(bad), bad)
        }
    }

    // MARK: Ids and references

    func testIDsAreUniqueAndWellFormed() {
        let ids = catalog.offeringIDs
        XCTAssertEqual(ids.count, Set(ids).count, "duplicate offering ids: \(ids.filter { id in ids.filter { $0 == id }.count > 1 })")
        let models = catalog.models.map(\.id)
        XCTAssertEqual(models.count, Set(models).count)
        for id in ids + models {
            XCTAssertTrue(isWellFormedID(id), "bad id \(id)")
        }
        XCTAssertFalse(isWellFormedID("H100-node"))
        XCTAssertFalse(isWellFormedID(""))
        XCTAssertFalse(isWellFormedID(String(repeating: "a", count: 65)))
    }

    func testReferencesNameCatalogModels() {
        let models = Set(catalog.models.map(\.id))
        for a in catalog.apis {
            XCTAssertFalse(a.substitutesFor.isEmpty, "\(a.id) substitutes for nothing")
            for m in a.substitutesFor { XCTAssertTrue(models.contains(m), "\(a.id).substitutesFor: unknown model \(m)") }
        }
        for (id, m, _) in allThroughputs {
            XCTAssertTrue(models.contains(m), "\(id).throughputByModel: unknown model \(m)")
        }
    }

    // MARK: Numbers

    func testNumbersAreFiniteAndPositive() {
        func check(_ x: Double, _ what: String) { XCTAssertTrue(x.isFinite && x > 0, "\(what) = \(x)") }
        for m in catalog.models { check(m.parametersBillions, "\(m.id).parametersBillions") }
        for p in catalog.purchases {
            check(p.unitPrice, "\(p.id).unitPrice")
            check(p.lifetimeYears, "\(p.id).lifetimeYears")
            check(p.powerKW, "\(p.id).powerKW")
            XCTAssertGreaterThanOrEqual(p.acceleratorsPerUnit, 1)
            XCTAssertGreaterThan(p.unitPrice, 10_000, "\(p.id): an 8-accelerator server costs more than this")
        }
        for r in catalog.rentals {
            check(r.pricePerUnitHour, "\(r.id).pricePerUnitHour")
            XCTAssertGreaterThanOrEqual(r.acceleratorsPerUnit, 1)
        }
        for a in catalog.apis {
            check(a.inputPricePerMTok, "\(a.id).inputPricePerMTok")
            check(a.outputPricePerMTok, "\(a.id).outputPricePerMTok")
        }
        for (id, m, t) in allThroughputs { check(t.tokensPerSecond, "\(id).throughput.\(m)") }
    }

    func testPerAcceleratorRentalsMatchTheirNodes() {
        // A per-GPU H100 rental sustains an eighth of the measured DGX H100 figure.
        let gcp = catalog.rentals.first { $0.id == "gcp-h100-on-demand" }
        XCTAssertEqual(gcp?.throughputByModel["llama-3.1-70b"]?.tokensPerSecond ?? 0, 21_606.0 / 8, accuracy: 0.01)
        let aws = catalog.rentals.first { $0.id == "aws-p5-h100-on-demand" }
        XCTAssertEqual(aws?.acceleratorsPerUnit, 8)
        XCTAssertEqual(aws?.throughputByModel["llama-3.1-70b"]?.tokensPerSecond, 21_606)
    }

    // MARK: Report

    func testTableNamesEveryEntry() {
        let table = CatalogReport.table(catalog)
        for id in catalog.offeringIDs + catalog.models.map(\.id) {
            XCTAssertTrue(table.contains(id), "table does not name \(id)")
        }
        for heading in ["MODELS", "PURCHASES", "RENTALS", "APIS"] { XCTAssertTrue(table.contains(heading)) }
        XCTAssertTrue(table.contains("375,000"))
        XCTAssertTrue(table.contains("MLPerf Inference v4.1"))
        XCTAssertEqual(table, CatalogReport.table(catalog))
    }

    /// `capplan catalog` fits a 100-column terminal (it printed 655-character lines) and still
    /// names every source; the wide layout keeps one row per entry.
    func testTableFitsOneHundredColumnsAndKeepsEverySource() {
        let table = CatalogReport.table(catalog)
        let longest = table.split(separator: "\n").map(\.count).max() ?? 0
        XCTAssertLessThanOrEqual(longest, CatalogReport.narrowWidth)
        let words = table.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        for entry in catalog.purchases.map(\.price) + catalog.rentals.map(\.price) + catalog.apis.map(\.price) {
            let source = entry.source.split(separator: " ").joined(separator: " ")
            XCTAssertTrue(words.contains(source), "the table lost a source: \(source)")
        }
        let wide = CatalogReport.table(catalog, width: nil)
        XCTAssertEqual(wide, CatalogReport.wide(catalog))
        for p in catalog.purchases {
            XCTAssertTrue(wide.split(separator: "\n").contains { $0.contains(p.id) && $0.contains(p.price.source) }, p.id)
        }
    }

    func testJSONIsDeterministicAndParses() throws {
        let first = try CatalogReport.json(catalog)
        let second = try CatalogReport.json(catalog)
        XCTAssertEqual(first, second)
        let object = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        let root = try XCTUnwrap(object)
        XCTAssertEqual(root["schemaVersion"] as? Int, CatalogReport.jsonSchemaVersion)
        let purchases = try XCTUnwrap(root["purchases"] as? [[String: Any]])
        let rentals = try XCTUnwrap(root["rentals"] as? [[String: Any]])
        let apis = try XCTUnwrap(root["apis"] as? [[String: Any]])
        let models = try XCTUnwrap(root["models"] as? [[String: Any]])
        XCTAssertEqual(purchases.map { $0["id"] as? String }, catalog.purchases.map(\.id))
        XCTAssertEqual(rentals.map { $0["id"] as? String }, catalog.rentals.map(\.id))
        XCTAssertEqual(apis.map { $0["id"] as? String }, catalog.apis.map(\.id))
        XCTAssertEqual(models.map { $0["id"] as? String }, catalog.models.map(\.id))
        let h100 = try XCTUnwrap(purchases.first { $0["id"] as? String == "h100-node" })
        XCTAssertEqual(h100["unitPrice"] as? Double, 375_000)
        XCTAssertEqual(h100["kind"] as? String, "purchase")
        let throughput = try XCTUnwrap(h100["throughput"] as? [String: [String: Any]])
        XCTAssertEqual(throughput["llama-3.1-70b"]?["tokensPerSecond"] as? Double, 21_606)
        XCTAssertNotNil(throughput["llama-3.1-70b"]?["asOf"] as? String)
        let price = try XCTUnwrap(h100["price"] as? [String: Any])
        XCTAssertNotNil(price["source"] as? String)
        // Keys are sorted: "apis" < "models" < "purchases" < "rentals" < "schemaVersion".
        let order = ["\"apis\"", "\"models\"", "\"purchases\"", "\"rentals\"", "\"schemaVersion\""].map {
            first.range(of: $0)!.lowerBound
        }
        XCTAssertEqual(order, order.sorted())
    }

    func testNumberFormatting() {
        XCTAssertEqual(CatalogReport.number(375_000), "375,000")
        XCTAssertEqual(CatalogReport.number(98.32), "98.32")
        XCTAssertEqual(CatalogReport.number(0.075), "0.075")
        XCTAssertEqual(CatalogReport.number(1_234_567.5), "1,234,567.5")
        XCTAssertEqual(CatalogReport.number(10.2), "10.2")
        XCTAssertEqual(CatalogReport.number(0), "0")
    }

    // MARK: Starter scenario

    func testStarterScenarioUsesCatalogEntriesAndShowsEveryKey() {
        let yaml = StarterScenario.yaml(name: "acme \"chat\"")
        XCTAssertTrue(yaml.contains("name: \"acme \\\"chat\\\"\""))
        let ids = Set(catalog.offeringIDs)
        let uses = yaml.split(separator: "\n").compactMap { line -> String? in
            guard let r = line.range(of: "use: ") else { return nil }
            return String(line[r.upperBound...].prefix { !$0.isWhitespace && $0 != "," && $0 != "}" })
        }
        XCTAssertFalse(uses.isEmpty)
        for u in uses { XCTAssertTrue(ids.contains(u), "starter uses unknown catalog entry \(u)") }
        for key in [
            "name:", "horizon:", "discountRate:", "capexAccounting:", "timeSlices:", "workloads:", "outputShare:", "model:",
            "tokensPerPeriod:", "growthPerPeriod:", "csv:", "offerings:", "kind:", "unitPrice:", "accelerator:",
            "acceleratorsPerUnit:", "lifetimePeriods:", "powerKW:", "opexPerUnitPeriod:", "throughput:", "availableFrom:",
            "leadTimePeriods:", "maxUnitsPerPeriod:", "existingUnits:", "existingRemainingPeriods:", "maxUnits:",
            "serves:", "maxTokensPerSecond:", "pricePerUnitHour:", "commitment:", "inputPricePerMTok:", "outputPricePerMTok:", "site:", "electricityPricePerKWh:", "pue:", "powerCapKW:", "budget:",
            "capexPerPeriod:", "policy:", "integerUnits:", "utilizationCap:", "unservedPenaltyPerMTok:",
        ] {
            XCTAssertTrue(yaml.contains(key), "starter scenario does not show \(key)")
        }
    }

    // MARK: Documentation

    func testDocsListEveryEntryWithItsFigures() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = try String(contentsOf: root.appendingPathComponent("docs/catalog.md"), encoding: .utf8)
        for id in catalog.offeringIDs + catalog.models.map(\.id) {
            XCTAssertTrue(docs.contains("`\(id)`"), "docs/catalog.md does not list \(id)")
        }
        for p in catalog.purchases {
            XCTAssertTrue(docs.contains("| `\(p.id)` | \(p.accelerator) | \(CatalogReport.number(p.unitPrice)) | \(CatalogReport.number(p.powerKW)) |"),
                          "docs/catalog.md has stale figures for \(p.id)")
        }
        for r in catalog.rentals {
            XCTAssertTrue(docs.contains("| \(CatalogReport.number(r.pricePerUnitHour)) | \(r.term) |"), "docs/catalog.md has a stale price for \(r.id)")
        }
        XCTAssertTrue(docs.contains("\(catalog.models.count) models, \(catalog.purchases.count) purchases, \(catalog.rentals.count) rentals, \(catalog.apis.count) APIs"))
    }

    // MARK: Loading with the scenario loader

    private var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func testStarterScenarioLoadsWithoutWarnings() throws {
        let loaded = try ScenarioLoader.load(
            text: StarterScenario.yaml(name: "acme-chat"), fileName: "starter.yaml", baseDirectory: repositoryRoot.path)
        XCTAssertEqual(loaded.scenario.name, "acme-chat")
        XCTAssertEqual(loaded.warnings.count, 0, "\(loaded.warnings)")
        XCTAssertFalse(loaded.scenario.purchases.isEmpty)
        XCTAssertFalse(loaded.scenario.rentals.isEmpty)
        XCTAssertFalse(loaded.scenario.apis.isEmpty)
    }

    func testCatalogExamplesLoadWithoutWarnings() throws {
        for name in ["startup-api-breakeven", "midsize-3year", "enterprise-fleet"] {
            let path = repositoryRoot.appendingPathComponent("examples/\(name).yaml").path
            let loaded = try ScenarioLoader.load(path: path)
            XCTAssertEqual(loaded.scenario.name, name)
            XCTAssertEqual(loaded.warnings.count, 0, "\(name): \(loaded.warnings)")
            let s = loaded.scenario
            XCTAssertLessThanOrEqual(s.horizon.periods, 18, name)
            XCTAssertLessThanOrEqual(s.timeSlices.count, 4, name)
            XCTAssertLessThanOrEqual(s.workloads.count, 3, name)
            XCTAssertLessThanOrEqual(s.offerings.count, 10, name)
            for w in s.workloads {
                XCTAssertTrue(w.demand.allSatisfy { $0 >= 1e9 && $0 <= 1e13 }, "\(name).\(w.id): demand outside 1e9..1e13")
            }
        }
    }
}
