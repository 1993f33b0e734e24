// Reading input files safely: the scenario file, standard input, the data files a scenario
// names (demand CSV) and plan files. Each is read only when it is a regular file, and only up
// to a size cap, so a scenario cannot make CapPlan read a device, a FIFO, /proc or a
// multi-gigabyte file. A data file named by a scenario must also lie inside the scenario's
// directory (docs/input-limits.md). Errors are plain sentences, never Foundation error dumps.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input file was not read.
struct InputFileError: Error, Equatable {
    let message: String
}

enum InputFile {
    /// Trees that look like files but are views of the running system or of devices.
    static let systemTrees = ["/proc", "/sys", "/dev"]

    /// The file at `path`, which must be a regular file of at most `maxBytes` bytes.
    static func read(path: String, maxBytes: Int) -> Result<[UInt8], InputFileError> {
        // Refuse by kind before opening: opening a device or a FIFO can itself have effects.
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(InputFileError(message: "cannot read \(path): \(reason(errno))")) }
        if let kind = nonRegularKind(info.st_mode) { return .failure(InputFileError(message: "expected a regular file, but \(path) is \(kind)")) }
        if let real = realPath(path), let tree = systemTrees.first(where: { real == $0 || real.hasPrefix($0 + "/") }) {
            return .failure(InputFileError(message: "expected a regular file, but \(path) is in \(tree), a view of the running system"))
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(InputFileError(message: "cannot read \(path): \(reason(errno))")) }
        defer { close(fd) }
        // Check again on what was opened: the path may have changed in between.
        guard fstat(fd, &info) == 0 else { return .failure(InputFileError(message: "cannot read \(path): \(reason(errno))")) }
        if let kind = nonRegularKind(info.st_mode) { return .failure(InputFileError(message: "expected a regular file, but \(path) is \(kind)")) }
        if Int(info.st_size) > maxBytes { return .failure(tooLarge(path, maxBytes)) }
        return readAll(fd, maxBytes: maxBytes, name: path)
    }

    /// Standard input, up to `maxBytes` bytes (whatever it is: a pipe, a file, a terminal).
    static func readStandardInput(maxBytes: Int) -> Result<[UInt8], InputFileError> {
        readAll(0, maxBytes: maxBytes, name: "standard input")
    }

    /// Reads to the end, or fails as soon as more than `maxBytes` bytes arrived.
    private static func readAll(_ fd: Int32, maxBytes: Int, name: String) -> Result<[UInt8], InputFileError> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    // A regular file opened non-blocking never does this; standard input might.
                    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    _ = poll(&poller, 1, -1)
                    continue
                }
                return .failure(InputFileError(message: "cannot read \(name): \(reason(errno))"))
            }
            if n == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxBytes { return .failure(tooLarge(name, maxBytes)) }
        }
    }

    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.read(fd, buffer, count)
        #else
        return Darwin.read(fd, buffer, count)
        #endif
    }

    private static func tooLarge(_ name: String, _ maxBytes: Int) -> InputFileError {
        InputFileError(message: "expected at most \(sizeText(maxBytes)), but \(name) is larger")
    }

    /// 8388608 -> "8 MiB".
    static func sizeText(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    /// "a directory", "a FIFO (named pipe)", ... or nil for a regular file.
    static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES, EPERM: return "permission denied"
        case ENOTDIR: return "a part of the path is not a directory"
        case ELOOP: return "too many symbolic links"
        case ENAMETOOLONG: return "the path is too long"
        default: return String(cString: strerror(code))
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The path to open for a data file `written` in a scenario whose directory is `root`.
    /// Unless `allowOutside`, the file must lie inside `root`: no absolute path, no `..` above
    /// the root, and no symbolic link that leads out of it.
    static func confined(_ written: String, root: String, allowOutside: Bool) -> Result<String, InputFileError> {
        let joined = written.hasPrefix("/") ? written : (root.hasSuffix("/") ? root + written : root + "/" + written)
        if allowOutside { return .success(joined) }
        if written.hasPrefix("/") {
            return .failure(InputFileError(message: "expected a path relative to the scenario's directory; absolute paths are refused unless outside paths are allowed"))
        }
        var depth = 0
        for part in written.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            depth += part == ".." ? -1 : 1
            if depth < 0 {
                return .failure(InputFileError(message: "expected a path inside the scenario's directory; `..` leads out of it, which is refused unless outside paths are allowed"))
            }
        }
        // A symbolic link inside the directory may still point out of it.
        if let realRoot = realPath(root.isEmpty ? "." : root), let realFile = realPath(joined),
           realFile != realRoot, !realFile.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") {
            return .failure(InputFileError(message: "expected a file inside the scenario's directory; this path leads out of it through a symbolic link, which is refused unless outside paths are allowed"))
        }
        return .success(joined)
    }
}
