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
