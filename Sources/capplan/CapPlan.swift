import ArgumentParser
import CapPlanKit
import Foundation

/// Exit codes scripts can rely on (README): 0 plan found, 2 invalid input or usage,
/// 3 infeasible or unbounded, 4 solver or audit failure.
enum ExitStatus {
    static let invalidInput: Int32 = 2
    static let noFeasiblePlan: Int32 = 3
    static let solverFailure: Int32 = 4
}

@main
struct CapPlan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capplan",
        abstract: "Plan AI accelerator capacity: what to buy, rent or send to APIs, and when.",
        discussion: """
            Exit codes: 0 plan found (optimal, or feasible when a limit stopped the solver), \
            2 invalid input or usage, 3 infeasible or unbounded, 4 solver or audit failure.
            """,
        version: CapPlanVersion.string,
        subcommands: [PlanCommand.self, ValidateCommand.self, ExportCommand.self, CatalogCommand.self, InitCommand.self, GenerateCommand.self, BenchCommand.self, BreakevenCommand.self, SweepCommand.self, EvaluateCommand.self]
    )

    /// Like ParsableCommand.main(), but usage errors exit with 2 (ArgumentParser's default is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.invalidInput)
            }
            exit(withError: error)
        }
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Loads a scenario; on invalid input prints every diagnostic and exits with 2.
func loadScenario(_ path: String, maxNonzeros: Int?) throws -> Scenario {
    var limits = ScenarioLimits.default
    if let maxNonzeros { limits.maxNonzeros = maxNonzeros }
    do {
        let loaded = try ScenarioLoader.load(path: path, limits: limits)
        for warning in loaded.warnings { printError(warning.description) }
        return loaded.scenario
    } catch let error as ScenarioLoadError {
        printError(error.description)
        let count = error.diagnostics.filter { $0.severity == .error }.count
        printError("\(path): \(count) error\(count == 1 ? "" : "s"); nothing was written")
        throw ExitCode(ExitStatus.invalidInput)
    }
}

/// True when `path` names something other than a regular file (a device such as /dev/null or
/// /dev/stdout, or a pipe): such a target is written through, never replaced by a rename.
func isSpecialFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
}

/// Writes a file atomically: a temporary file beside it, then a rename, so that an interrupted
/// run never leaves a truncated file.
func writeAtomically(_ text: String, to path: String) throws {
    do {
        if isSpecialFile(path) {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw CocoaError(.fileWriteNoPermission)
            }
            handle.write(Data(text.utf8))
            try handle.close()
        } else {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    } catch {
        printError("cannot write \(path): \(error.localizedDescription)")
        throw ExitCode(ExitStatus.invalidInput)
    }
}
