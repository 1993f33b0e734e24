import ArgumentParser
import CapPlanKit
import Foundation

/// Exit codes scripts can rely on (docs/cli.md). The same failure gives the same code in every
/// command; nothing exits with 1.
enum ExitStatus {
    static let success: Int32 = 0
    /// Invalid input or usage: a bad scenario, plan file or option, an unreadable input, an
    /// output that names an input.
    static let invalidInput: Int32 = 2
    /// The scenario is infeasible or unbounded, or an evaluated plan violates constraints.
    static let noFeasiblePlan: Int32 = 3
    /// The solver, the audit or an output failed: GLPK errors, a plan the evaluator rejects, a
    /// file or standard stream that cannot be written, a result JSON cannot represent.
    static let failure: Int32 = 4

    /// 128 + the signal's number, as shells report a signal: 130 SIGINT, 143 SIGTERM, 129 SIGHUP,
    /// 131 SIGQUIT.
    static func interrupted(by signal: Int32) -> Int32 { 128 + signal }
}

/// A failure the command has already described: `main` prints `error: <message>` (when there is
/// one) and exits with `status`.
struct CommandFailure: Error {
    let status: Int32
    let message: String?

    init(_ status: Int32, _ message: String? = nil) {
        self.status = status
        self.message = message
    }

    static func invalidInput(_ message: String) -> CommandFailure { CommandFailure(ExitStatus.invalidInput, message) }
    static func failure(_ message: String) -> CommandFailure { CommandFailure(ExitStatus.failure, message) }
}

/// The exit status and message for any error a command throws. One table for every command, so
/// the same failure always exits the same way.
func classify(_ error: any Error) -> (status: Int32, message: String?) {
    switch error {
    case let failure as CommandFailure:
        return (failure.status, failure.message)
    case let exit as ExitCode:
        return (exit.rawValue, nil)
    case let interruption as Interrupted:
        return (ExitStatus.interrupted(by: interruption.signal), nil)
    case let failure as OutputFailure:
        return (failure.namesAnInput ? ExitStatus.invalidInput : ExitStatus.failure, failure.description)
    case let failure as PlanAuditFailure:
        return (ExitStatus.failure, failure.description)
    case let failure as SolverFailure:
        return (ExitStatus.failure, failure.description)
    case let error as InsightsError:
        return (ExitStatus.invalidInput, error.description)
    case let error as EncodingError:
        return (ExitStatus.failure, describe(error))
    default:
        if let failure = SolverFailure(converting: error) { return (ExitStatus.failure, failure.description) }
        return (ExitStatus.failure, "internal error: \(String(describing: error))")
    }
}

/// A JSON encoding error in plain words: the only one CapPlan's results can give is a number
/// JSON cannot hold (infinite or NaN), from figures too large for double precision.
private func describe(_ error: EncodingError) -> String {
    switch error {
    case .invalidValue(let value, let context):
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        let field = path.hasPrefix(".") ? String(path.dropFirst()) : path
        return "the result cannot be written as JSON: \(field.isEmpty ? "a value" : field) is \(value), which JSON cannot represent; "
            + "the scenario's figures are too large for double precision"
    @unknown default:
        return "the result cannot be written as JSON: \(error)"
    }
}
