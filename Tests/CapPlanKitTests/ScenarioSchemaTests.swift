import Foundation
import TestSupport
import XCTest
@testable import CapPlanKit

/// docs/scenario.schema.json against the shipped examples and the fixtures, checked by Python's
/// `jsonschema` (an independent implementation). Fails, never skips, when python3 or the
/// `jsonschema` / `yaml` modules are missing.
final class ScenarioSchemaTests: XCTestCase {
    /// The repository root: this file is Tests/CapPlanKitTests/ScenarioSchemaTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The first schema error of each rejected file, for failure messages.
    var reasons: [String: String] = [:]

    /// Runs the script over `files`; returns path -> passed.
    func validate(_ files: [URL]) throws -> [String: Bool] {
        let outcome = try JSONSchemaCheck.run(schema: Self.root.appendingPathComponent("docs/scenario.schema.json").path, files: files.map(\.path))
        XCTAssertEqual(outcome.status, 0, "python3 with jsonschema and yaml is required for this test:\n\(outcome.errors)")
        var result: [String: Bool] = [:]
        for (path, error) in outcome.verdicts {
            result[path] = error == nil
            if let error { reasons[path] = error }
        }
        XCTAssertEqual(result.count, files.count, "python output:\n\(outcome.output)\n\(outcome.errors)")
        return result
    }

    func yamlAndJSON(in dir: URL) throws -> [URL] {
        guard FileManager.default.fileExists(atPath: dir.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { ["yaml", "yml", "json"].contains(($0 as NSString).pathExtension) }
            .sorted()
            .map { dir.appendingPathComponent($0) }
    }

    func testSchemaIsValidJSON() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("docs/scenario.schema.json"))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["$schema"] as? String, "https://json-schema.org/draft/2020-12/schema")
    }

    func testExamplesAndValidFixturesMatchTheSchema() throws {
        let examples = try yamlAndJSON(in: Self.root.appendingPathComponent("examples"))
            + yamlAndJSON(in: Self.root.appendingPathComponent("examples/procurement"))
        XCTAssertTrue(examples.contains { $0.lastPathComponent == "contracts-and-platforms.yaml" })
        XCTAssertGreaterThanOrEqual(examples.filter { $0.path.contains("/procurement/") }.count, 5)
        let valid = try yamlAndJSON(in: Self.root.appendingPathComponent("Tests/CapPlanKitTests/Fixtures/valid"))
        XCTAssertFalse(valid.isEmpty)
        let files = examples + valid
        let result = try validate(files)
        for file in files {
            XCTAssertEqual(result[file.path], true, "\(file.lastPathComponent) does not match docs/scenario.schema.json: \(reasons[file.path] ?? "")")
        }
    }

    /// What `ScenarioWriter` writes for scenarios with precisions and derived throughput
    /// (`throughput: {}` where none is given) matches the schema.
    func testWrittenScenariosWithPrecisionsMatchTheSchema() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-schema-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenarios = (1...60).map { ScenarioGenerator(size: .tiny, seed: UInt64($0)).scenario() }
            .filter { s in s.workloads.contains { $0.serving != nil } }
        XCTAssertGreaterThanOrEqual(scenarios.count, 5)
        let files = try scenarios.prefix(8).map { s -> URL in
            let url = dir.appendingPathComponent("\(s.name).yaml")
            try ScenarioWriter.yaml(s).write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let result = try validate(files)
        for file in files {
            XCTAssertEqual(result[file.path], true, "\(file.lastPathComponent): \(reasons[file.path] ?? "")")
        }
    }

    /// Issue 12's keys (docs/formulation.md section 11): a scenario with every one of them, as
    /// written by hand and as ScenarioWriter writes it, matches the schema; values out of range,
    /// `availability` off spot, cluster networking on spot and both price forms at once do not.
    func testIssue12KeysMatchTheSchema() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-schema12-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let head = """
            name: t
            horizon: {start: 2027Q1, periods: 2}
            timeSlices:
              - {name: night, hours: 8, share: 0.3}
              - {name: day, hours: 16, share: 0.7}
            workloads:
              - {id: chat, demand: {tokensPerPeriod: [1e12, 1e12]}, profile: {night: 0.1, day: 0.9}, interruptible: true,
                 cache: {hitRate: 0.5, prefillShare: 0.2}}
              - {id: bulk, demand: {tokensPerPeriod: [1e12, 1e12]}, deferrable: true}
              - {id: late, demand: {tokensPerPeriod: [1e12, 1e12]}, deferrable: {maxDelayHours: 30}}
            offerings:

            """
        let valid = head + """
              - {id: spot, kind: rental, pricePerUnitHour: 1, commitment: spot, availability: 0.9, throughput: {chat: 1},
                 priceDeclinePerYear: 0.2, availableFrom: 2026Q4, availableUntil: 2027Q2}
              - {id: n, kind: purchase, unitPrice: 1000, lifetimePeriods: 4, throughput: {chat: 1}, priceFactors: [1, 0.9], availableUntil: 2027Q1}
              - {id: b, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, batch: true, serves: [bulk, late]}
              - {id: a, kind: api, inputPricePerMTok: 2, outputPricePerMTok: 8, cachedInputPricePerMTok: 0.5, serves: [chat],
                 committedUse: {discount: 0.2, minSpendPerPeriod: 1000}, availableFrom: 2027Q2}
              - {use: gcp-tpu-v5e-spot, availability: 0.8, priceFactors: [1, 1]}
              - {use: gpt-4o-batch, batch: true, cachedInputPricePerMTok: 1, availableUntil: 2027Q2}
            """
        let written = ScenarioWriter.yaml(try ScenarioLoader.load(text: valid, fileName: "v.yaml", baseDirectory: ".").scenario)
        let invalid = [
            "availability-on-demand": "  - {id: r, kind: rental, pricePerUnitHour: 1, availability: 0.9, throughput: {chat: 1}}",
            "spot-cluster": "  - {id: r, kind: rental, pricePerUnitHour: 1, commitment: spot, clusterNetworking: true, throughput: {chat: 1}}",
            "spot-term": "  - {id: r, kind: rental, pricePerUnitHour: 1, commitment: spot, termMonths: 12, throughput: {chat: 1}}",
            "both-price-forms": "  - {id: r, kind: rental, pricePerUnitHour: 1, priceDeclinePerYear: 0.1, priceFactors: [1, 1], throughput: {chat: 1}}",
            "decline-one": "  - {id: n, kind: purchase, unitPrice: 1, lifetimePeriods: 1, priceDeclinePerYear: 1, throughput: {chat: 1}}",
            "factor-zero": "  - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, priceFactors: [1, 0], serves: [chat]}",
            "commit-discount-one": "  - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, committedUse: {discount: 1, minSpendPerPeriod: 0}, serves: [chat]}",
            "batch-number": "  - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, batch: 1, serves: [chat]}",
            "cached-negative": "  - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, cachedInputPricePerMTok: -1, serves: [chat]}",
            "until-bad-label": "  - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, availableUntil: soon, serves: [chat]}",
        ]
        let workloadInvalid = [
            "hit-rate-two": "cache: {hitRate: 2}", "prefill-one": "cache: {hitRate: 0.5, prefillShare: 1}",
            "deferrable-text": "deferrable: later", "delay-zero": "deferrable: {maxDelayHours: 0}", "profile-negative": "profile: {night: -1, day: 2}",
            "interruptible-number": "interruptible: 1",
        ]
        func file(_ name: String, _ text: String) throws -> URL {
            let url = dir.appendingPathComponent(name + ".yaml")
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let good = [try file("valid", valid), try file("written", written)]
        var bad = try invalid.sorted(by: { $0.key < $1.key }).map { try file($0.key, head + $0.value + "\n") }
        bad += try workloadInvalid.sorted(by: { $0.key < $1.key }).map {
            try file($0.key, head.replacingOccurrences(of: "deferrable: true}", with: "\($0.value)}")
                + "  - {id: r, kind: rental, pricePerUnitHour: 1, throughput: {chat: 1}}\n")
        }
        let result = try validate(good + bad)
        for url in good { XCTAssertEqual(result[url.path], true, "\(url.lastPathComponent): \(reasons[url.path] ?? "")") }
        for url in bad { XCTAssertEqual(result[url.path], false, "\(url.lastPathComponent) should be rejected by the schema") }
    }

    func testSchemaRejectsInvalidFixtures() throws {
        let dir = Self.root.appendingPathComponent("Tests/CapPlanKitTests/Fixtures/invalid")
        let names = [
            "offering-unknown-key.yaml", "unknown-root-key.yaml", "discount-rate-one.yaml", "horizon-bad-start.yaml",
            "slice-name-space.yaml", "unit-price-negative.yaml", "throughput-zero.yaml", "lifetime-fraction.yaml",
            "missing-name.yaml", "demand-two-forms.yaml", "rental-bad-commitment.yaml", "json-string-number.json",
            "demand-1e308.yaml", "unit-price-huge.yaml",
            // Issue 11: the rules a schema can state (whole periods, replica sizes that fit the
            // units and platforms some offering names are capplan's checks alone).
            "term-months-zero.yaml", "term-months-on-demand.yaml", "upfront-negative.yaml", "upfront-on-demand.yaml",
            "spare-units-on-demand.yaml", "spare-units-fraction.yaml", "failure-derating-one.yaml", "platform-bad-id.yaml",
            "platform-on-api.yaml", "replica-size-zero.yaml", "min-replicas-zero.yaml", "platforms-adoption-negative.yaml",
            "platforms-unknown-key.yaml",
            // Issue 13: precisions and request sizes (a model the performance model knows is
            // checked by the schema too; whether a throughput can be derived is capplan's).
            "precisions-unknown.yaml", "request-tokens-zero.yaml", "request-tokens-without-precisions.yaml",
            "precisions-model-missing.yaml",
            // Issue 14: jobs' compute forms and ranges (a window within the horizon and a pool
            // for every job are capplan's checks alone).
            "job-two-compute-forms.yaml", "job-mfu-zero.yaml", "job-method-typo.yaml", "rental-cluster-networking-number.yaml",
        ]
        let files = names.map { dir.appendingPathComponent($0) }
        let result = try validate(files)
        for file in files {
            XCTAssertEqual(result[file.path], false, "\(file.lastPathComponent) should be rejected by the schema")
        }
    }
}
