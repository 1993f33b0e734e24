import Foundation
import TestSupport
import XCTest
@testable import CapPlanKit

/// docs/plan.schema.json against real plans: every shipped example, an infeasible plan with its
/// diagnosis, and mutated plans that must be rejected. The check is Python's `jsonschema` (an
/// independent implementation); the test fails, never skips, when python3 or jsonschema is missing.
final class PlanSchemaTests: XCTestCase {
    /// The repository root: this file is Tests/CapPlanKitTests/PlanSchemaTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var schemaPath: String { root.appendingPathComponent("docs/plan.schema.json").path }

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-plan-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Writes each JSON text to a file and validates them all in one python3 run; returns
    /// name -> nil (valid) or the first schema error.
    func validate(_ documents: [(name: String, json: String)], file: StaticString = #filePath, line: UInt = #line) throws -> [String: String?] {
        var paths: [String: String] = [:]
        for document in documents {
            let url = directory.appendingPathComponent(document.name + ".json")
            try document.json.write(to: url, atomically: true, encoding: .utf8)
            paths[url.path] = document.name
        }
        let outcome = try JSONSchemaCheck.run(schema: Self.schemaPath, files: documents.map { directory.appendingPathComponent($0.name + ".json").path })
        let output = outcome.output, errors = outcome.errors
        XCTAssertEqual(outcome.status, 0, "python3 with the jsonschema module is required for this test:\n\(errors)", file: file, line: line)
        var result: [String: String?] = [:]
        for (path, verdict) in outcome.verdicts {
            if let name = paths[path] { result[name] = .some(verdict) }
        }
        for document in documents where result[document.name] == nil {
            XCTFail("no verdict for \(document.name):\n\(output)\n\(errors)", file: file, line: line)
        }
        return result
    }

    /// examples/*.yaml and examples/procurement/*.yaml (contracts, replicas, platforms, margins).
    static var examples: [URL] {
        ["examples", "examples/procurement"].flatMap { folder in
            let dir = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.filter { $0.hasSuffix(".yaml") }.sorted().map { dir.appendingPathComponent($0) }
        }
    }

    func testSchemaIsValidJSONSchema() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.schemaPath))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["$schema"] as? String, "https://json-schema.org/draft/2020-12/schema")
        XCTAssertEqual(object["additionalProperties"] as? Bool, false)
        // check_schema runs inside validate(); a trivially valid plan proves the run works.
        let plan = try Planner.plan(AuditExamples.worked(.amortized))
        let result = try validate([("worked", try PlanReport.json(plan))])
        XCTAssertEqual(result["worked"], .some(nil))
    }

    /// "What to buy" lists purchases in the order they must be placed (docs/plan-format.md), in
    /// the JSON and the reports alike, not in the scenario's order of the offerings.
    func testPurchasesAreInOrderDateOrder() throws {
        // Listed first, and first by id, but only available in the second year: bought then.
        let late = PurchaseOffering(id: "a-late", unitPrice: 10_000, lifetimePeriods: 1, throughput: ["chat": 1000], availableFromIndex: 1)
        let early = PurchaseOffering(id: "b-early", unitPrice: 60_000, lifetimePeriods: 1, throughput: ["chat": 1000])
        let scenario = Scenario(
            name: "order", horizon: Horizon(start: PeriodLabel("2027")!, periods: 2),
            timeSlices: [TimeSlice(name: "all-day", hours: 24, share: 1)],
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [31_536_000_000, 31_536_000_000])],
            offerings: [.purchase(late), .purchase(early)], policy: Policy(utilizationCap: 1))
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertEqual(plan.purchases.map { "\($0.orderPeriod) \($0.offering)" }, ["2027 b-early", "2028 a-late"])
        let table = PlanReport.text(plan)
        let rows = table.split(separator: "\n").filter { $0.contains("a-late") || $0.contains("b-early") }
        XCTAssertTrue(rows.first?.contains("b-early") ?? false, table)
        XCTAssertLessThan(try XCTUnwrap(PlanReport.markdown(plan).range(of: "| b-early |")).lowerBound,
                          try XCTUnwrap(PlanReport.markdown(plan).range(of: "| a-late |")).lowerBound)
    }

    func testEveryExamplePlanValidates() throws {
        let examples = Self.examples
        XCTAssertGreaterThanOrEqual(examples.count, 3, "examples/*.yaml not found under \(Self.root.path)")
        var documents: [(name: String, json: String)] = []
        for url in examples {
            let loaded = try ScenarioLoader.load(path: url.path)
            let plan = try Planner.plan(loaded.scenario)
            XCTAssertEqual(plan.status, .optimal, url.lastPathComponent)
            documents.append((url.deletingPathExtension().lastPathComponent, try PlanReport.json(plan)))
            // Relaxed, with timings: the other shape of `solver` (no MIP keys, `seconds` present).
            var options = PlanOptions()
            options.relax = true
            options.timings = true
            let relaxed = try Planner.plan(loaded.scenario, options: options)
            XCTAssertNotNil(relaxed.solver.seconds)
            documents.append((url.deletingPathExtension().lastPathComponent + "-relaxed", try PlanReport.json(relaxed)))
        }
        let result = try validate(documents)
        for document in documents {
            XCTAssertEqual(result[document.name], .some(nil), "\(document.name) does not match docs/plan.schema.json")
        }
    }

    func testInfeasiblePlanWithDiagnosisValidates() throws {
        let plan = try Planner.plan(PlannerScenarios.infeasible)
        XCTAssertEqual(plan.status, .infeasible)
        XCTAssertNotNil(plan.diagnosis)
        XCTAssertFalse(plan.diagnosis?.shortfalls.isEmpty ?? true)
        let result = try validate([("infeasible", try PlanReport.json(plan))])
        XCTAssertEqual(result["infeasible"], .some(nil))
    }

    /// Plans that choose precisions (formulation.md section 9): `derivedThroughput`,
    /// `servedTokensByPrecision` and replica lines with a precision validate; a precision the
    /// schema does not know, an unknown key in a derived option and a served-tokens entry of 0
    /// are rejected.
    func testPlansWithDerivedServingOptionsValidate() throws {
        let node = try PlanReport.json(try Planner.plan(ServingOptionsPlanTests.nodeScenario))
        let replicas = try PlanReport.json(try Planner.plan(ServingOptionsPlanTests.perGPU(rate: 300)))
        XCTAssertTrue(node.contains("\"derivedThroughput\""))
        XCTAssertTrue(node.contains("\"servedTokensByPrecision\""))
        XCTAssertTrue(replicas.contains("\"precision\" : \"int4\""))
        func mutate(_ json: String, _ change: (inout [String: Any]) -> Void) throws -> String {
            var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            change(&object)
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        func editOption(_ object: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
            var lines = object["derivedThroughput"] as! [[String: Any]]
            var options = lines[0]["options"] as! [[String: Any]]
            change(&options[0])
            lines[0]["options"] = options
            object["derivedThroughput"] = lines
        }
        let mutants: [(name: String, json: String)] = [
            ("unknown-precision", try mutate(node) { editOption(&$0) { $0["precision"] = "fp16" } }),
            ("unknown-option-key", try mutate(node) { editOption(&$0) { $0["quality"] = "ok" } }),
            ("zero-served-by-precision", try mutate(node) {
                var periods = $0["periods"] as! [[String: Any]]
                var workloads = periods[0]["workloads"] as! [[String: Any]]
                workloads[0]["servedTokensByPrecision"] = ["h100-node": ["bf16": 0]]
                periods[0]["workloads"] = workloads
                $0["periods"] = periods
            }),
        ]
        let result = try validate([("derived-node", node), ("derived-replicas", replicas)] + mutants)
        XCTAssertEqual(result["derived-node"], .some(nil))
        XCTAssertEqual(result["derived-replicas"], .some(nil))
        for mutant in mutants {
            XCTAssertNotNil(try XCTUnwrap(result[mutant.name]), "\(mutant.name) should be rejected by docs/plan.schema.json")
        }
    }

    /// Plans with training jobs (formulation.md section 10): `jobs`, `totals.jobsCost` and
    /// `finance.attribution.jobs` validate (with a later deadline, and with the note of a job
    /// whose deadline is the horizon's last); an unknown key in a job line, a job period without
    /// accelerators and a negative accelerator-hours are rejected.
    func testPlansWithTrainingJobsValidate() throws {
        var options = PlanOptions()
        options.baselines = false
        let tight = try PlanReport.json(try Planner.plan(
            TrainingJobPlanTests.scenario(offerings: [TrainingJobPlanTests.node(), TrainingJobPlanTests.cloud],
                                          jobs: [TrainingJobPlanTests.job(deadline: 0)]), options: options))
        let last = try PlanReport.json(try Planner.plan(
            TrainingJobPlanTests.scenario(offerings: [TrainingJobPlanTests.node(), TrainingJobPlanTests.cloud],
                                          jobs: [TrainingJobPlanTests.job()]), options: options))
        XCTAssertTrue(tight.contains("\"laterDeadline\""))
        XCTAssertTrue(tight.contains("\"jobsCost\""))
        XCTAssertTrue(last.contains("\"laterDeadlineNote\""))
        func mutate(_ json: String, _ change: (inout [String: Any]) -> Void) throws -> String {
            var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            change(&object)
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        func editJob(_ object: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
            var jobs = object["jobs"] as! [[String: Any]]
            change(&jobs[0])
            object["jobs"] = jobs
        }
        let mutants: [(name: String, json: String)] = [
            ("unknown-job-key", try mutate(tight) { editJob(&$0) { $0["gpuHours"] = 1 } }),
            ("job-period-without-accelerators", try mutate(tight) {
                editJob(&$0) {
                    var periods = $0["periods"] as! [[String: Any]]
                    periods[0]["accelerators"] = nil
                    $0["periods"] = periods
                }
            }),
            ("negative-accelerator-hours", try mutate(tight) { editJob(&$0) { $0["acceleratorHours"] = -1 } }),
        ]
        let result = try validate([("jobs-tight", tight), ("jobs-last", last)] + mutants)
        XCTAssertEqual(result["jobs-tight"], .some(nil))
        XCTAssertEqual(result["jobs-last"], .some(nil))
        for mutant in mutants {
            XCTAssertNotNil(try XCTUnwrap(result[mutant.name]), "\(mutant.name) should be rejected by docs/plan.schema.json")
        }
    }

    func testMutatedPlansAreRejected() throws {
        let good = try PlanReport.json(try Planner.plan(AuditExamples.caseB))
        let infeasible = try PlanReport.json(try Planner.plan(PlannerScenarios.infeasible))

        func mutate(_ json: String, _ change: (inout [String: Any]) -> Void) throws -> String {
            var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            change(&object)
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        func edit(_ object: inout [String: Any], _ key: String, _ change: (inout [String: Any]) -> Void) {
            var inner = object[key] as! [String: Any]
            change(&inner)
            object[key] = inner
        }

        let mutants: [(name: String, json: String)] = [
            ("unknown-top-level-key", try mutate(good) { $0["surprise"] = 1 }),
            ("unknown-totals-key", try mutate(good) { edit(&$0, "totals") { $0["discountedCostEUR"] = 1 } }),
            ("missing-discounted-cost", try mutate(good) { edit(&$0, "totals") { $0["discountedCost"] = nil } }),
            ("unknown-status", try mutate(good) { $0["status"] = "great" }),
            ("null-optional", try mutate(good) { $0["diagnosis"] = NSNull() }),
            ("string-number", try mutate(good) { edit(&$0, "solver") { $0["rows"] = "10" } }),
            ("schema-version-1", try mutate(good) { $0["schemaVersion"] = 1 }),
            ("optimal-without-totals", try mutate(good) { $0["totals"] = nil }),
            ("unknown-key-in-period", try mutate(good) {
                var periods = $0["periods"] as! [[String: Any]]
                periods[0]["note"] = "x"
                $0["periods"] = periods
            }),
            ("infeasible-without-diagnosis", try mutate(infeasible) { $0["diagnosis"] = nil }),
            ("infeasible-with-totals", try mutate(infeasible) { $0["totals"] = (try! JSONSerialization.jsonObject(with: Data(good.utf8)) as! [String: Any])["totals"] }),
        ]
        let result = try validate(mutants + [("unmutated", good)])
        XCTAssertEqual(result["unmutated"], .some(nil), "the unmutated plan must validate")
        for mutant in mutants {
            let verdict = try XCTUnwrap(result[mutant.name], "no verdict for \(mutant.name)")
            XCTAssertNotNil(verdict, "\(mutant.name) should be rejected by docs/plan.schema.json")
        }
    }
}
