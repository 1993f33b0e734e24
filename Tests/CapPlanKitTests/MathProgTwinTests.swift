// The MathProg twin (models/capacity.mod) solved by glpsol on hand-built scenarios, against the
// objective values computed by hand in docs/formulation.md, section 7. glpsol is required:
// without it these tests fail (`make test` installs it).

import Foundation
import Testing
@testable import CapPlanKit

/// Runs `glpsol -m models/capacity.mod -d data.dat` and reads what the model prints.
enum GLPSol {
    /// The twin on a hand-worked case: glpsol exits 0 at an optimum equal to `expected` (1e-6
    /// relative), and the evaluator costs the hand-written optimal `decisions`, if given, at the
    /// same value with no violation. Shared by the twin's feature suites.
    @discardableResult
    static func solveChecked(_ scenario: Scenario, expected: Double, decisions: PlanDecisions? = nil) throws -> Solution {
        let solution = try GLPSol.solve(scenario)
        #expect(solution.status == 0, "glpsol exited \(solution.status):\n\(solution.output)")
        #expect(solution.optimal, "not optimal:\n\(solution.output)")
        let objective = try #require(solution.objective, "no OBJECTIVE line:\n\(solution.output)")
        #expect(abs(objective - expected) <= 1e-6 * max(1, abs(expected)), "glpsol \(objective) vs hand-computed \(expected):\n\(solution.output)")
        if let decisions {
            let evaluation = PlanEvaluator(scenario: scenario).evaluate(decisions)
            #expect(evaluation.violations.isEmpty, "\(evaluation.violations)")
            #expect(abs(evaluation.discountedCost - expected) <= 1e-9 * max(1, abs(expected)), "evaluator \(evaluation.discountedCost)")
        }
        return solution
    }

    /// The repository root, from this file's path (Tests/CapPlanKitTests/<file>).
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var modelPath: String { repoRoot.appendingPathComponent("models/capacity.mod").path }

    /// glpsol on PATH or in the usual places; nil when missing.
    static var executable: String? {
        var candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map {
            String($0) + "/glpsol"
        }
        candidates += ["/usr/bin/glpsol", "/usr/local/bin/glpsol", "/opt/homebrew/bin/glpsol"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Solution {
        var output: String
        var status: Int32
        var objective: Double?
        /// glpsol's last verdict line ("... SOLUTION FOUND ..." or "... HAS NO ... SOLUTION") says optimal.
        var optimal: Bool {
            let verdicts = output.split(separator: "\n").filter {
                $0.contains("SOLUTION FOUND") || $0.contains("HAS NO") || $0.contains("UNBOUNDED")
            }
            return verdicts.last.map { $0.contains("OPTIMAL") && !$0.contains("NO ") } ?? false
        }
    }

    enum Failure: Error, CustomStringConvertible {
        case missing
        var description: String { "glpsol not found on PATH: install GLPK (apt-get install glpk-utils; `make test` does)" }
    }

    static func solve(_ scenario: Scenario) throws -> Solution {
        guard let glpsol = executable else { throw Failure.missing }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-twin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data.dat")
        try MathProgData.write(scenario).write(to: data, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: glpsol)
        process.arguments = ["-m", modelPath, "-d", data.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let bytes = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: bytes, as: UTF8.self)
        var objective: Double?
        for line in output.split(separator: "\n") where line.hasPrefix("OBJECTIVE ") {
            objective = Double(line.dropFirst("OBJECTIVE ".count).trimmingCharacters(in: .whitespaces))
        }
        return Solution(output: output, status: process.terminationStatus, objective: objective)
    }
}

@Suite("MathProg twin")
struct MathProgTwinTests {
    /// Solves with glpsol and compares with the hand-computed objective within 1e-6 relative;
    /// also checks the evaluator costs the hand-written optimal decisions at the same value.
    private func check(_ scenario: Scenario, expected: Double, decisions: PlanDecisions? = nil) throws {
        let solution = try GLPSol.solve(scenario)
        #expect(solution.status == 0, "glpsol exited \(solution.status):\n\(solution.output)")
        #expect(solution.optimal, "not optimal:\n\(solution.output)")
        let objective = try #require(solution.objective, "no OBJECTIVE line:\n\(solution.output)")
        #expect(abs(objective - expected) <= 1e-6 * max(1, abs(expected)),
                "glpsol \(objective) vs hand-computed \(expected):\n\(solution.output)")
        if let decisions {
            let evaluation = PlanEvaluator(scenario: scenario).evaluate(decisions)
            #expect(evaluation.violations.isEmpty, "\(evaluation.violations)")
            #expect(abs(evaluation.discountedCost - expected) <= 1e-9 * max(1, abs(expected)))
        }
    }

    @Test func glpsolIsInstalled() {
        #expect(GLPSol.executable != nil, "\(GLPSol.Failure.missing)")
        #expect(FileManager.default.fileExists(atPath: GLPSol.modelPath), "missing \(GLPSol.modelPath)")
    }

    @Test func workedExampleAmortized() throws {
        try check(AuditExamples.worked(.amortized), expected: 126_616.4, decisions: AuditExamples.workedDecisions)
    }

    @Test func workedExampleCash() throws {
        try check(AuditExamples.worked(.cash), expected: 131_823.01157024793, decisions: AuditExamples.workedDecisions)
    }

    @Test func workedExampleUndiscounted() throws {
        try check(AuditExamples.worked(.amortized, discountRate: 0), expected: 134_785.2)
        try check(AuditExamples.worked(.cash, discountRate: 0), expected: 134_785.2)
    }

    @Test func existingFleetRentalRateLimit() throws {
        try check(AuditExamples.caseB, expected: 105_836.4, decisions: AuditExamples.caseBDecisions)
    }

    @Test func onDemandPenaltyBudget() throws {
        try check(AuditExamples.caseC, expected: AuditExamples.caseCObjective, decisions: AuditExamples.caseCDecisions)
    }

    @Test func apiOnlyWithEmptySets() throws {
        let decisions = PlanDecisions(served: ["api": ["chat": [[1000], [2000]]]])
        try check(AuditExamples.caseD, expected: 189_216, decisions: decisions)
    }

    @Test func dataIsDeterministicAndQuoted() {
        let text = MathProgData.write(AuditExamples.caseD)
        #expect(text == MathProgData.write(AuditExamples.caseD))
        #expect(text.contains("set SLICES := 'all day''s';"))
        #expect(text.contains("set BUY := ;"))
        #expect(text.contains("set CANSERVE := ;"))
        #expect(text.hasSuffix("end;\n"))
        let worked = MathProgData.write(AuditExamples.worked(.cash))
        #expect(worked.contains("param cash := 1;"))
        #expect(worked.contains("param q0 :=\n  'srv' 1\n;"))
        #expect(worked.contains("'chat' 2 63072000000.0"))
    }
}
