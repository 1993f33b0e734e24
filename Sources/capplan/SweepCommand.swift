import ArgumentParser
import CapPlanKit
import Foundation
import LinearProgramming
#if canImport(Glibc)
import Glibc
#endif

/// Keeps freed memory in the process instead of returning it to the kernel after every solve.
/// Each plan allocates and frees arrays above glibc's mmap threshold (128 KiB, adjusted
/// upwards only as far as 32 MiB), so a sweep of 20 mid-size plans took about 170,000 page
/// faults and a fifth of its time in the kernel; with threads, those mmap/munmap calls also
/// serialize on the address-space lock. Raising both thresholds removes that (docs/sweep.md).
func keepFreedMemoryForRepeatedSolves() {
    #if canImport(Glibc)
    // <malloc.h> is not in the Glibc module: look mallopt up. M_TRIM_THRESHOLD = -1,
    // M_MMAP_THRESHOLD = -3 (glibc's malloc.h).
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(nil, "mallopt") else { return }  // nil = RTLD_DEFAULT
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    _ = mallopt(-3, 64 << 20)
    _ = mallopt(-1, 256 << 20)
    #endif
}

/// A progress bar on standard error, drawn only when standard error is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let started = Date()
    private let lock = NSLock()

    init(label: String) { self.label = label }

    /// A callback for the runners, or nil when standard error is not a terminal.
    static func callback(_ label: String) -> (ProgressBar, @Sendable (Int, Int) -> Void)? {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        let bar = ProgressBar(label: label)
        return (bar, { done, total in bar.draw(done, total) })
    }

    func draw(_ done: Int, _ total: Int) {
        lock.lock(); defer { lock.unlock() }
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "\r%@ [%@] %d/%d  %.1fs ", label, bar, done, total, Date().timeIntervalSince(started))
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Plan a grid over numeric scenario fields, in parallel; one CSV row (or JSON object) per point.",
        discussion: """
            PATH addresses a field by ids: offerings.ID.unitPrice, offerings.ID.pricePerUnitHour, \
            offerings.ID.inputPricePerMTok, offerings.ID.priceScale (APIs: both prices), \
            offerings.ID.throughput.WORKLOAD, workloads.ID.outputShare, workloads.ID.demandScale \
            (scales the demand series), site.electricityPricePerKWh, site.pue, site.powerCapKW and \
            budget.capexPerPeriod (every period), policy.utilizationCap, policy.unservedPenaltyPerMTok, \
            discountRate. Several --set make a Cartesian product; the first varies slowest. \
            See docs/sweep.md.
            """)

    @Argument(help: "The scenario file.")
    var scenario: String

    @Option(name: .customLong("set"), help: ArgumentHelp("A field and its range: PATH=FROM:TO:STEPS (or PATH=VALUE).", valueName: "PATH=FROM:TO:STEPS"))
    var sets: [String] = []

    @Option(help: "Write the results as CSV to this file (standard output when neither --csv nor --json is given).")
    var csv: String?

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    @Option(help: "Threads solving grid points at once (default: all cores).")
    var jobs: Int?

    @Flag(help: "Solve LP relaxations: continuous units.")
    var relax = false

    @Option(name: .customLong("mip-gap"), help: "Relative gap at which branch-and-cut stops.")
    var mipGap: Double = 1e-4

    @Option(name: .customLong("time-limit"), help: "Seconds for each point's solve.")
    var timeLimit: Double?

    func validate() throws {
        if sets.isEmpty { throw ValidationError("give at least one --set PATH=FROM:TO:STEPS") }
        if csv != nil, json != nil { throw ValidationError("give --csv or --json, not both") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        guard mipGap.isFinite, mipGap >= 0, mipGap < 1 else { throw ValidationError("--mip-gap must be a number in [0, 1), got \(mipGap)") }
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) {
            throw ValidationError("--time-limit must be a positive number of seconds, got \(timeLimit)")
        }
    }

    func run() throws {
        let scenario = try loadScenario(self.scenario, maxNonzeros: nil)
        let parameters: [SweepParameter]
        do {
            parameters = try sets.map { try SweepParameter(parsing: $0) }
            try Sweep.validate(parameters, scenario: scenario)
        } catch let error as InsightsError {
            printError("error: \(error.message)")
            throw ExitCode(ExitStatus.invalidInput)
        }
        var options = PlanOptions()
        options.relax = relax
        options.mipGap = mipGap
        options.timeLimit = timeLimit
        options.baselines = false
        keepFreedMemoryForRepeatedSolves()
        let bar = ProgressBar.callback("sweep")
        let result: SweepResult
        do {
            result = try Sweep.run(scenario, parameters: parameters, options: options, jobs: jobs ?? ParallelRunner.defaultJobs, progress: bar?.1)
        } catch let error as InsightsError {
            bar?.0.finish()
            printError("error: \(error.message)")
            throw ExitCode(ExitStatus.invalidInput)
        }
        bar?.0.finish()
        if let json {
            try writeAtomically(try Sweep.json(result), to: json)
        } else if let csv {
            try writeAtomically(Sweep.csv(result), to: csv)
        } else {
            print(Sweep.csv(result), terminator: "")
        }
        let failed = result.points.filter { $0.status == "error" }
        if !failed.isEmpty {
            printError("warning: \(failed.count) of \(result.points.count) points failed to solve; first: \(failed[0].message ?? "unknown")")
        }
    }
}
