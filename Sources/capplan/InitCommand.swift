import ArgumentParser
import CapPlanKit
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented starter scenario built on the catalog.")

    @Argument(help: "Where to write it (default: standard output).")
    var file: String?

    @Option(help: "The scenario's name.")
    var name = "my-scenario"

    @Flag(help: "Overwrite an existing file.")
    var force = false

    func run() throws {
        let text = StarterScenario.yaml(name: name)
        guard let file else { return try Console.out(text) }
        var link = stat(), target = stat()
        let exists = lstat(file, &link) == 0
        let special = stat(file, &target) == 0 && [S_IFCHR, S_IFIFO].contains(target.st_mode & S_IFMT)
        if exists, !special, !force {
            throw CommandFailure.invalidInput("\(file) exists; pass --force to overwrite it")
        }
        try SafeOutput.write(text, to: file)
    }
}
