// Keeps the input being tested in memory the signal handler can reach, and on a crash writes
// it to a file and says where, so a crash found by the fuzzer can be replayed.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum CrashRecorder {
    nonisolated(unsafe) private static var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    nonisolated(unsafe) private static var capacity = 1
    nonisolated(unsafe) private static var length = 0
    nonisolated(unsafe) private static var path: UnsafeMutablePointer<CChar>?

    /// Writes the current input to `file` when the process is killed by a crash signal.
    public static func install(file: String) {
        path = strdup(file)
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            _ = installHandler(signal)
        }
    }

    /// The input about to be tested.
    static func current(_ bytes: [UInt8]) {
        if bytes.count > capacity {
            buffer.deallocate()
            capacity = bytes.count * 2
            buffer = .allocate(capacity: capacity)
        }
        bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base, count: bytes.count) }
        }
        length = bytes.count
    }

    private static func installHandler(_ number: Int32) -> Bool {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = crashed
        #else
        action.__sigaction_u.__sa_handler = crashed
        #endif
        action.sa_flags = Int32(bitPattern: UInt32(truncatingIfNeeded: SA_RESETHAND))
        return sigaction(number, &action, nil) == 0
    }

    /// Async-signal-safe: open, write, close, then the default action of the signal.
    private static let crashed: @convention(c) (Int32) -> Void = { signal in
        if let path = CrashRecorder.path {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if fd >= 0 {
                _ = write(fd, CrashRecorder.buffer, CrashRecorder.length)
                close(fd)
            }
        }
        let note: StaticString = "capplan-fuzz: crashed; the input is in the crash file\n"
        _ = write(2, note.utf8Start, note.utf8CodeUnitCount)
        raise(signal)
    }
}
