import Foundation
import XCTest

/// docs/scenario.schema.json against the shipped examples and the fixtures, checked by Python's
/// `jsonschema` (an independent implementation). Fails, never skips, when python3 or the
/// `jsonschema` / `yaml` modules are missing.
final class ScenarioSchemaTests: XCTestCase {
    /// The repository root: this file is Tests/CapPlanKitTests/ScenarioSchemaTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Reads each file (YAML with YAML 1.2-style floats like `3.0e11`, which PyYAML's YAML 1.1
    /// resolver would read as text; JSON by extension), validates it, prints `OK <path>` or
    /// `FAIL <path>: <first error>` per file.
    static let script = #"""
    import json, re, sys
    import yaml
    from jsonschema import Draft202012Validator

    class Loader(yaml.SafeLoader):
        pass
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+0123456789."))
    # Integers stay integers (checked first by the int resolver for plain digits).
    Loader.yaml_implicit_resolvers = {k: sorted(v, key=lambda r: r[0] != "tag:yaml.org,2002:int") for k, v in Loader.yaml_implicit_resolvers.items()}

    schema = json.load(open(sys.argv[1]))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    for path in sys.argv[2:]:
        with open(path) as f:
            data = json.load(f) if path.endswith(".json") else yaml.load(f, Loader=Loader)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        if errors:
            e = errors[0]
            print("FAIL %s: %s: %s" % (path, "/".join(str(p) for p in e.absolute_path), e.message[:200]))
        else:
            print("OK %s" % path)
    """#

    /// The first schema error of each rejected file, for failure messages.
    var reasons: [String: String] = [:]

    /// Runs the script over `files`; returns path -> passed.
    func validate(_ files: [URL]) throws -> [String: Bool] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, Self.root.appendingPathComponent("docs/scenario.schema.json").path] + files.map(\.path)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python3 with jsonschema and yaml is required for this test:\n\(errors)")
        var result: [String: Bool] = [:]
        for line in output.split(separator: "\n") {
            if line.hasPrefix("OK ") { result[String(line.dropFirst(3))] = true }
            if line.hasPrefix("FAIL ") {
                let rest = line.dropFirst(5)
                let path = files.map(\.path).first { rest.hasPrefix($0 + ":") } ?? String(rest)
                result[path] = false
                reasons[path] = String(rest)
            }
        }
        XCTAssertEqual(result.count, files.count, "python output:\n\(output)\n\(errors)")
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
        let valid = try yamlAndJSON(in: Self.root.appendingPathComponent("Tests/CapPlanKitTests/Fixtures/valid"))
        XCTAssertFalse(valid.isEmpty)
        let files = examples + valid
        let result = try validate(files)
        for file in files {
            XCTAssertEqual(result[file.path], true, "\(file.lastPathComponent) does not match docs/scenario.schema.json: \(reasons[file.path] ?? "")")
        }
    }

    func testSchemaRejectsInvalidFixtures() throws {
        let dir = Self.root.appendingPathComponent("Tests/CapPlanKitTests/Fixtures/invalid")
        let names = [
            "offering-unknown-key.yaml", "unknown-root-key.yaml", "discount-rate-one.yaml", "horizon-bad-start.yaml",
            "slice-name-space.yaml", "unit-price-negative.yaml", "throughput-zero.yaml", "lifetime-fraction.yaml",
            "missing-name.yaml", "demand-two-forms.yaml", "rental-bad-commitment.yaml", "json-string-number.json",
        ]
        let files = names.map { dir.appendingPathComponent($0) }
        let result = try validate(files)
        for file in files {
            XCTAssertEqual(result[file.path], false, "\(file.lastPathComponent) should be rejected by the schema")
        }
    }
}
