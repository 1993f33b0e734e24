import ArgumentParser
import CapPlanKit

@main
struct CapPlan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capplan",
        abstract: "Plan AI accelerator capacity: what to buy, rent or send to APIs, and when.",
        version: CapPlanVersion.string,
        subcommands: []
    )
}
