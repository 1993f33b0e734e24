import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output and standard error, written with `write(2)` so that every failure is seen:
/// `print` buffers and drops errors (`plan > /dev/full` used to exit 0 with the table lost), and
/// `FileHandle.write` traps on them.
enum Console {
    /// Writes `text` to standard output. Throws when it cannot be written (a full disk, a closed
    /// descriptor); `main` reports that on standard error and exits 4.
    static func out(_ text: String) throws {
        let error = writeAll(STDOUT_FILENO, Array(text.utf8))
        if error != 0 { throw OutputFailure(path: "standard output", errno: error) }
    }

    /// Writes `text` to standard error, adding a newline when it has none. A failure is
    /// remembered: the process then exits 4 instead of 0, since a warning was lost.
    static func err(_ text: String, newline: Bool = true) {
        let line = newline && !text.hasSuffix("\n") ? text + "\n" : text
        if writeAll(STDERR_FILENO, Array(line.utf8)) != 0 { standardErrorFailed.store(true) }
    }

    /// True once a write to standard error has failed.
    static let standardErrorFailed = AtomicFlag()

    /// Writes every byte, retrying after signals and short writes; returns 0 or the errno.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }
}

/// A Boolean any thread may set and read.
final class AtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func store(_ newValue: Bool) { lock.withLock { value = newValue } }
    func load() -> Bool { lock.withLock { value } }
}
