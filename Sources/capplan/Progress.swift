import CapPlanKit
import Foundation
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

    /// A bar, or nil when standard error is not a terminal.
    static func onTerminal(_ label: String) -> ProgressBar? {
        isatty(STDERR_FILENO) != 0 ? ProgressBar(label: label) : nil
    }

    /// The callback the parallel runners call.
    var callback: @Sendable (Int, Int) -> Void { { [self] done, total in draw(done, total) } }

    func draw(_ done: Int, _ total: Int) {
        lock.lock(); defer { lock.unlock() }
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        Console.err(String(format: "\r%@ [%@] %d/%d  %.1fs ", label, bar, done, total, Date().timeIntervalSince(started)), newline: false)
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        Console.err("")
    }
}

/// One updating line on standard error while a plan is solved (elapsed, phase, incumbent,
/// bound, gap, nodes), drawn only on a terminal, only once a solve has run for a second (short solves
/// stay silent), and never with `--quiet`. It never reaches standard output or a pipe.
final class SolveProgressLine: @unchecked Sendable {
    private let started = Date()
    private let lock = NSLock()
    private var drawn = false

    /// A line, or nil when standard error is not a terminal or the user asked for quiet.
    static func onTerminal(quiet: Bool) -> SolveProgressLine? {
        !quiet && isatty(STDERR_FILENO) != 0 ? SolveProgressLine() : nil
    }

    /// The callback the planner calls from branch-and-cut.
    var callback: @Sendable (PlanProgress) -> Void { { [self] progress in update(progress: progress) } }

    /// The callback the planner calls when its phase changes (`PlanOptions.phase`).
    var phaseCallback: @Sendable (String) -> Void { { [self] phase in update(phase: phase) } }

    private var phase = "branch-and-cut"
    private var last: PlanProgress?

    private func update(progress: PlanProgress? = nil, phase: String? = nil) {
        lock.lock(); defer { lock.unlock() }
        if let progress { last = progress }
        if let phase { self.phase = phase }
        let elapsed = Date().timeIntervalSince(started)
        guard elapsed >= 1 else { return }
        // Branch-and-cut's last figures stay on the line through the phases after it.
        let incumbent = last?.incumbent.map { Formatting.money($0) } ?? "none yet"
        let bound = last?.bestBound.map { Formatting.money($0) } ?? "-"
        let gap = last?.relativeGap.map { Formatting.percent($0, fractionDigits: 3) } ?? "-"
        Console.err(String(format: "\r  %6.1fs  %@  incumbent %@  bound %@  gap %@  nodes %d   ",
                           elapsed, self.phase, incumbent, bound, gap, last?.totalNodes ?? 0), newline: false)
        drawn = true
    }

    /// Ends the line, if one was drawn.
    func finish() {
        lock.lock(); defer { lock.unlock() }
        if drawn { Console.err("") }
    }
}
