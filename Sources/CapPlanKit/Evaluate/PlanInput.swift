// A plan written by a person (docs/evaluate-format.md): read from YAML or JSON and checked
// against its scenario. Two shapes: a full plan (with served tokens/s) that is only checked and
// costed, and a purchases-only plan that is completed by the solver (it also places the
// training jobs). A plan JSON written by
// `capplan plan -o` is also accepted and read as purchases plus rentals. The reading itself is
// in PlanInputReader.swift, the writing in PlanInputWriter.swift.
import Foundation

/// What a plan file says, resolved against the scenario (ids checked, periods as positions).
public struct PlanInput: Sendable {
    public enum Shape: String, Sendable, Codable {
        /// Purchases, rentals and dispatch (served, unserved): checked and costed as written.
        case full
        /// Purchases (and optionally rentals): the rest is optimized.
        case purchasesOnly
        /// A plan JSON from `capplan plan -o`: its purchases and rentals are fixed, dispatch is re-derived.
        case capplanPlan
    }

    /// What happens to rentals the plan does not list (purchases-only plans).
    public enum OtherRentals: String, Sendable, Codable {
        /// The solver chooses them.
        case optimize
        /// None are used.
        case none
    }

    public var shape: Shape
    public var name: String?
    /// b_oq for every purchase offering of the scenario, one value per period.
    public var arrivals: [String: [Double]]
    /// m_op of the reserved rentals the plan fixes (full plans: every reserved rental).
    public var reservedUnits: [String: [Double]]
    /// m_ops of the on-demand rentals the plan fixes (full plans: every on-demand rental).
    public var onDemandUnits: [String: [[Double]]]
    public var otherRentals: OtherRentals
    /// x, y of a full plan: offering -> serving key (the workload id, `workload@precision` for a
    /// derived option: `ServedKey`) -> [period][slice], tokens/s.
    public var served: [String: [String: [[Double]]]]
    /// u of a full plan: workload -> [period][slice], tokens/s.
    public var unserved: [String: [[Double]]]
    /// g of a full plan (docs/formulation.md section 10): job -> pool (offering id) -> [period][slice],
    /// accelerators averaged over the slice's hours.
    public var training: [String: [String: [[Double]]]] = [:]
    /// f of a full plan (docs/formulation.md 11.2): window-deferrable workload -> [period][from][to],
    /// tokens/s averaged over the origin slice's hours.
    public var deferred: [String: [[[Double]]]] = [:]
    /// The committed-use contracts the plan takes (11.5), in scenario order; nil when the plan
    /// does not say (a full plan then takes none; a purchases-only plan's completion chooses).
    public var apiCommitments: [String]? = nil

    /// The decisions the plan fixes (for a full plan: all of them).
    public var fixedDecisions: PlanDecisions {
        PlanDecisions(arrivals: arrivals, reservedUnits: reservedUnits, onDemandUnits: onDemandUnits,
                      served: served, unserved: unserved, training: training, deferred: deferred,
                      apiCommitments: apiCommitments ?? [])
    }
}

/// The plan file was refused: every error found, in file order.
public struct PlanInputError: Error, CustomStringConvertible, Sendable {
    public let diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// A plan input and the warnings found while reading it.
public struct LoadedPlanInput: Sendable {
    public let input: PlanInput
    public let warnings: [Diagnostic]
}

public enum PlanInputLoader {
    /// Keys of a person's plan file.
    static let topKeys = ["name", "purchases", "rentals", "otherRentals", "served", "unserved", "training", "deferred", "apiCommitments"]

    /// Reads a plan file (`.yaml`, `.yml`, `.json`). Throws `PlanInputError` only.
    public static func load(path: String, scenario: Scenario) throws -> LoadedPlanInput {
        let ext = (path as NSString).pathExtension.lowercased()
        guard ["yaml", "yml", "json"].contains(ext) else {
            throw single(path, "expected a .yaml, .yml or .json plan file, got " + (ext.isEmpty ? "no extension" : "a .\(ext) file"))
        }
        let bytes: [UInt8]
        switch InputFile.read(path: path, maxBytes: ScenarioLimits.default.maxScenarioBytes) {
        case .success(let b): bytes = b
        case .failure(let e): throw single(path, "expected a readable plan file (\(e.message))")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw single(path, "expected a UTF-8 text file") }
        return try load(text: text, fileName: path, scenario: scenario)
    }

    /// Reads plan text; JSON when `fileName` ends in `.json` (checked strictly), YAML otherwise.
    public static func load(text: String, fileName: String, scenario: Scenario) throws -> LoadedPlanInput {
        let root: DocNode
        do {
            root = try DocumentReader.parse(text)
        } catch let e as DocumentError {
            throw PlanInputError(diagnostics: [Diagnostic(severity: .error, file: fileName, path: e.path, line: e.line, column: e.column,
                                                          message: e.message.replacingOccurrences(of: "in scenarios", with: "in plan files"))])
        } catch {
            throw single(fileName, "cannot read the plan: \(error)")
        }
        if fileName.lowercased().hasSuffix(".json"), let problem = ScenarioLoader.strictJSONProblem(text) {
            throw PlanInputError(diagnostics: [Diagnostic(severity: .error, file: fileName, path: "", line: problem.line, column: problem.column,
                                                          message: "invalid JSON: \(problem.message)")])
        }
        let sink = DiagnosticSink(file: fileName)
        var reader = PlanInputReader(sink: sink, scenario: scenario)
        let input = reader.read(root)
        if sink.hasErrors || input == nil {
            var errors = sink.errors
            if errors.isEmpty { errors = [Diagnostic(severity: .error, file: fileName, path: "", message: "invalid plan")] }
            throw PlanInputError(diagnostics: errors)
        }
        return LoadedPlanInput(input: input!, warnings: sink.warnings)
    }

    static func single(_ file: String, _ message: String) -> PlanInputError {
        PlanInputError(diagnostics: [Diagnostic(severity: .error, file: file, path: "", message: message)])
    }
}
