import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output that could not be written, or that was refused.
struct OutputFailure: Error, CustomStringConvertible {
    let path: String
    let reason: String
    /// The output names one of the run's inputs (a usage error, exit 2, not an I/O failure).
    var namesAnInput = false

    init(path: String, reason: String, namesAnInput: Bool = false) {
        self.path = path
        self.reason = reason
        self.namesAnInput = namesAnInput
    }

    init(path: String, errno code: Int32) {
        self.init(path: path, reason: String(cString: strerror(code)))
    }

    var description: String { "cannot write \(path): \(reason)" }
}

/// The files this run reads. An output that names one of them is refused, so that
/// `plan s.yaml -o s.yaml` cannot replace the scenario with the plan.
enum Inputs {
    private struct Identity: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var identities: Set<Identity> = []
    nonisolated(unsafe) private static var paths: Set<String> = []

    /// Records an input file (`-` records standard input when it is redirected from a file).
    /// Only regular files count: a terminal or pipe on standard input is no file to protect.
    static func register(_ path: String) {
        var info = stat()
        let found = path == "-" ? fstat(STDIN_FILENO, &info) == 0 : stat(path, &info) == 0
        let regular = found && (info.st_mode & S_IFMT) == S_IFREG
        lock.withLock {
            if regular { identities.insert(Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))) }
            if path != "-" { paths.insert(resolved(path)) }
        }
    }

    /// Throws when `path` is an input: the same file (device and inode) or the same path once
    /// symbolic links and `..` are resolved.
    static func refuseInput(as path: String) throws {
        var info = stat()
        let exists = stat(path, &info) == 0
        let same = lock.withLock {
            (exists && identities.contains(Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))))
                || paths.contains(resolved(path))
        }
        if same { throw OutputFailure(path: path, reason: "it is one of this run's inputs; write the output to another file", namesAnInput: true) }
    }

    /// Checks every output before the work starts, so that a refusal costs no solve.
    static func refuseInputs(among outputs: [String?]) throws {
        for output in outputs.compactMap({ $0 }) { try refuseInput(as: output) }
    }

    /// The absolute path with symbolic links resolved (the directory's, when the file does not exist).
    private static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        guard let real = realpath(directory, nil) else { return url.standardizedFileURL.path }
        defer { free(real) }
        return String(cString: real) + "/" + url.lastPathComponent
    }
}

/// Temporary files and directories of writes in progress, removed on every exit path: by the
/// writer itself when it fails, and by `Termination` when the process exits early (a signal).
/// Once termination starts, the lock is held until the process ends, so no write renames a
/// file into place or creates a new temporary file after the cleanup.
enum PendingFiles {
    static let lock = NSLock()
    nonisolated(unsafe) private static var files: Set<String> = []
    nonisolated(unsafe) private static var directories: Set<String> = []
    nonisolated(unsafe) static var terminating = false

    /// Records a temporary path; throws `Interrupted` once termination has begun.
    static func add(file: String? = nil, directory: String? = nil) throws {
        try lock.withLock {
            if terminating { throw Interrupted(signal: Interruption.received ?? SIGTERM) }
            if let file { files.insert(file) }
            if let directory { directories.insert(directory) }
        }
    }

    static func remove(file: String? = nil, directory: String? = nil) {
        lock.withLock {
            if let file { files.remove(file) }
            if let directory { directories.remove(directory) }
        }
    }

    /// Deletes every pending file, then the directories. Call with `lock` held.
    static func deleteAllLocked() {
        for file in files { unlink(file) }
        for directory in directories {
            // A scratch directory holds only the file GLPK wrote.
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) {
                for entry in entries { unlink(directory + "/" + entry) }
            }
            rmdir(directory)
        }
        files.removeAll()
        directories.removeAll()
    }
}

/// The one writer for every output file (docs/cli.md, "Safe writes").
///
/// A regular file (or a path that does not exist yet) is written to a new temporary file beside
/// it, created exclusively without following symbolic links (O_CREAT | O_EXCL | O_NOFOLLOW, mode
/// 0644 less the umask), written whole, flushed to disk with fsync and renamed over the target:
/// readers see the old file or the new one, never part of one, and a symbolic link at the target
/// is replaced, never written through. A character device or FIFO (/dev/null, /dev/stdout, a
/// pipe) is written directly, since renaming over it would replace the device. An output that
/// names an input is refused.
enum SafeOutput {
    static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Inputs.refuseInput(as: path)
        try Interruption.checkpoint()
        var info = stat()
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFCHR, S_IFIFO: return try writeThrough(bytes, to: path)
            case S_IFDIR: throw OutputFailure(path: path, reason: "it is a directory")
            default: throw OutputFailure(path: path, reason: "it is not a regular file, a character device or a FIFO")
            }
        }
        try replace(path, with: bytes)
    }

    /// Writes to a device or FIFO as it is.
    private static func writeThrough(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OutputFailure(path: path, errno: errno) }
        let error = Console.writeAll(descriptor, bytes)
        let closed = close(descriptor) == 0 ? 0 : errno
        if error != 0 { throw OutputFailure(path: path, errno: error) }
        if closed != 0 && closed != EINTR { throw OutputFailure(path: path, errno: closed) }
    }

    /// Temporary file, write, fsync, rename.
    private static func replace(_ path: String, with bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let (temporary, descriptor) = try createTemporary(in: directory, for: url.lastPathComponent, target: path)
        var failure: Int32 = Console.writeAll(descriptor, bytes)
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0, failure == 0, errno != EINTR { failure = errno }
        if failure != 0 {
            discard(temporary)
            throw OutputFailure(path: path, errno: failure)
        }
        let renamed: Int32 = PendingFiles.lock.withLock {
            if PendingFiles.terminating { return -1 }
            let result = rename(temporary, path) == 0 ? 0 : errno
            if result != 0 { unlink(temporary) }
            return result
        }
        PendingFiles.remove(file: temporary)
        if renamed == -1 { throw Interrupted(signal: Interruption.received ?? SIGTERM) }
        if renamed != 0 { throw OutputFailure(path: path, errno: renamed) }
        syncDirectory(directory)
    }

    /// A new file `.NAME.capplan-XXXXXXXX` in `directory`, created exclusively and registered.
    private static func createTemporary(in directory: String, for name: String, target: String) throws -> (String, Int32) {
        for _ in 0..<100 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let temporary = (directory.isEmpty ? "." : directory) + "/." + name.prefix(200) + ".capplan-" + suffix
            try PendingFiles.add(file: temporary)
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return (temporary, descriptor) }
            let error = errno
            PendingFiles.remove(file: temporary)
            if error != EEXIST { throw OutputFailure(path: target, errno: error) }
        }
        throw OutputFailure(path: target, reason: "no unique temporary name found beside it")
    }

    private static func discard(_ temporary: String) {
        unlink(temporary)
        PendingFiles.remove(file: temporary)
    }

    /// Makes the rename itself durable; a failure here loses nothing already renamed.
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            _ = fsync(descriptor)
            close(descriptor)
        }
    }

    /// A private directory (mode 0700) in the system's temporary directory for a file that a
    /// library writes by name (GLPK's model writers); removed on every exit path.
    static func withScratchDirectory<T>(_ body: (String) throws -> T) throws -> T {
        var template = Array((NSTemporaryDirectory() + "/capplan-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw OutputFailure(path: NSTemporaryDirectory(), errno: errno) }
        let directory = String(cString: created)
        try PendingFiles.add(directory: directory)
        defer {
            PendingFiles.lock.withLock {
                if !PendingFiles.terminating {
                    if let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) {
                        for entry in entries { unlink(directory + "/" + entry) }
                    }
                    rmdir(directory)
                }
            }
            PendingFiles.remove(directory: directory)
        }
        return try body(directory)
    }

    /// Reads a whole file as bytes.
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OutputFailure(path: path, reason: "the file written could not be read back")
        }
        return Array(data)
    }
}
