import ArgumentParser
import CapPlanKit
import Foundation

@main
struct CapPlan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capplan",
        abstract: "Plan AI accelerator capacity: what to buy, rent or send to APIs, and when.",
        discussion: """
            Exit codes: 0 plan found (optimal, or feasible when a limit stopped the solver), \
            2 invalid input or usage, 3 infeasible or unbounded, 4 solver, audit or output \
            failure, 128 + the signal's number when interrupted (130 SIGINT, 143 SIGTERM, \
            129 SIGHUP, 131 SIGQUIT). See docs/cli.md.
            """,
        version: CapPlanVersion.string,
        subcommands: [
            PlanCommand.self, ValidateCommand.self, ExportCommand.self, CatalogCommand.self, InitCommand.self,
            GenerateCommand.self, BenchCommand.self, BreakevenCommand.self, SweepCommand.self, EvaluateCommand.self,
            EstimateCommand.self, ReportCommand.self, ReplanCommand.self,
        ]
    )

    /// Like ParsableCommand.main(), but every outcome maps to a documented exit code (usage errors
    /// exit with 2, not ArgumentParser's 64; nothing exits with 1), help and errors are written
    /// with checked writes, and signals stop the run cleanly.
    static func main() {
        Interruption.install()
        let status: Int32, message: String?
        do {
            var command = try parseAsRoot()
            try command.run()
            try Interruption.checkpoint()
            (status, message) = (ExitStatus.success, nil)
        } catch {
            (status, message) = outcome(of: error)
        }
        Termination.exit(status, message: message)
    }

    /// The exit status for an error, printing what ArgumentParser would print for its own.
    static func outcome(of error: any Error) -> (Int32, String?) {
        if error is CommandFailure || error is ExitCode || error is Interrupted { return classify(error) }
        switch exitCode(for: error) {
        case .success:  // --help, --version
            do {
                try Console.out(fullMessage(for: error) + "\n")
                return (ExitStatus.success, nil)
            } catch {
                return classify(error)
            }
        case .validationFailure:  // usage: unknown options, bad values, failed validate()
            Console.err(fullMessage(for: error))
            return (ExitStatus.invalidInput, nil)
        default:
            return classify(error)
        }
    }
}
