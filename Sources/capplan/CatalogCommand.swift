import ArgumentParser
import CapPlanKit

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the built-in catalog: hardware, rentals, APIs and models, each figure with its source and date.")

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "One line per entry with every field and its source, however long (the default fits 100 columns).")
    var wide = false

    func run() throws {
        try Console.out(json ? try CatalogReport.json(.builtIn) : CatalogReport.table(.builtIn, width: wide ? nil : CatalogReport.narrowWidth))
    }
}
