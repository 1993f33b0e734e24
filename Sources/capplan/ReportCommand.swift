import ArgumentParser
import CapPlanKit
import Foundation

/// What `report` writes.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case html, markdown
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Draw a plan (and its break-even or sweep results) as a self-contained HTML page or Markdown.",
        discussion: """
            Reads a plan JSON written by `capplan plan -o` and writes one HTML file with inline SVG \
            charts (no network, printable) or Markdown: cost by period, cash out, capacity against \
            demand, the fleet with its orders and arrivals, utilization, cost per workload, what to \
            buy by order date with the reasons, depreciation, and the break-even curve or sweep \
            when given. The finance options redo the cash flow and depreciation under other terms \
            (docs/finance.md). Exit codes: 0 written, 2 an input or option is invalid or the plan \
            has no solution, 4 the output cannot be written. See docs/report.md.
            """)

    @Argument(help: "The plan JSON (capplan plan -o).")
    var plan: String

    @Option(help: "A break-even result (capplan breakeven --json) to draw.")
    var breakeven: String?

    @Option(help: "A sweep result (capplan sweep --json) to draw.")
    var sweep: String?

    @Option(name: .shortAndLong, help: "Write the report to this file (atomically); without it, print it.")
    var output: String?

    @Option(help: "html or markdown.")
    var format: ReportFormat = .html

    @Option(help: "Share of a purchase's price paid in its order period (0...1).")
    var deposit: Double?

    @Option(name: .customLong("balance-days"), help: "Days after delivery at which the balance is paid.")
    var balanceDays: Double?

    @Option(name: .customLong("fiscal-year-start"), help: "First month (1...12) of the fiscal year.")
    var fiscalYearStart: Int?

    @Option(name: .customLong("book-life"), help: "Book life in periods for every purchase (default: each offering's useful life).")
    var bookLife: Int?

    @Option(help: "straight-line or declining-balance.")
    var depreciation: DepreciationMethod?

    var terms: FinanceTerms? {
        guard deposit != nil || balanceDays != nil || fiscalYearStart != nil || bookLife != nil || depreciation != nil else { return nil }
        return FinanceTerms(depositFraction: deposit ?? 0, balanceDelayDays: balanceDays ?? 0, fiscalYearStartMonth: fiscalYearStart ?? 1,
                            bookLifePeriods: bookLife, depreciation: depreciation ?? .straightLine)
    }

    func validate() throws {
        if let problem = terms?.problem { throw ValidationError(problem) }
    }

    func run() throws {
        for input in [plan, breakeven, sweep].compactMap({ $0 }) { Inputs.register(input) }
        try Inputs.refuseInputs(among: [output])
        let inputs: ReportInputs
        let text: String
        do {
            inputs = ReportInputs(
                plan: try ReportInputReader.read(PlanDocument.self, path: plan, what: "a plan JSON (docs/plan-format.md)"),
                breakeven: try breakeven.map { try ReportInputReader.read(BreakevenResult.self, path: $0, what: "a break-even JSON (docs/breakeven.md)") },
                sweep: try sweep.map { try ReportInputReader.read(SweepResult.self, path: $0, what: "a sweep JSON (docs/sweep.md)") },
                terms: terms)
            text = format == .html ? try PlanHTMLReport.html(inputs) : try PlanHTMLReport.markdown(inputs)
        } catch let error as ReportError {
            throw CommandFailure.invalidInput(error.message)
        }
        try Interruption.checkpoint()
        if let output { try SafeOutput.write(text, to: output) } else { try Console.out(text) }
    }
}

extension DepreciationMethod: ExpressibleByArgument {}
