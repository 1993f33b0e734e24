import Foundation

/// Validates files against a JSON Schema with Python's `jsonschema`, an implementation
/// independent of CapPlan. The schema tests fail, never skip, when python3 or the `jsonschema`
/// and `yaml` modules are missing (`make test` installs them).
public enum JSONSchemaCheck {
    /// Reads each file (JSON by extension, else YAML with YAML 1.2-style floats like `3.0e11`,
    /// which PyYAML's YAML 1.1 resolver would read as text), validates it, prints `OK <path>` or
    /// `FAIL <path>: <first error>` per file.
    public static let script = #"""
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

    public struct Outcome {
        /// python3's exit status: not 0 when python3 or a module is missing, or the schema is invalid.
        public let status: Int32
        /// Per file path: nil when it validates, else its first error.
        public let verdicts: [String: String?]
        public let output: String
        public let errors: String
    }

    public static func run(schema: String, files: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, schema] + files
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var verdicts: [String: String?] = [:]
        for line in output.split(separator: "\n") {
            if line.hasPrefix("OK ") {
                verdicts[String(line.dropFirst(3))] = .some(nil)
            } else if line.hasPrefix("FAIL ") {
                let rest = line.dropFirst(5)
                let path = files.first { rest.hasPrefix($0 + ":") } ?? String(rest.prefix { $0 != ":" })
                verdicts[path] = .some(String(rest))
            }
        }
        return Outcome(status: process.terminationStatus, verdicts: verdicts, output: output, errors: errors)
    }
}
