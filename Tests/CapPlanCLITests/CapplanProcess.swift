import Foundation
import XCTest

/// What one run of the `capplan` binary gave.
struct CapplanRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// The repository root (Tests/CapPlanCLITests/<file> is two levels below).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built `capplan`, in the build products directory beside the test bundle. On macOS the
/// process running the tests is Xcode's `xctest` tool, so neither `CommandLine.arguments[0]`
/// nor `Bundle.main` point there: the loaded `.xctest` bundle does. Elsewhere the tests are an
/// executable in the products directory itself. `CAPPLAN_BINARY` overrides both.
let capplanBinary: URL = {
    if let path = ProcessInfo.processInfo.environment["CAPPLAN_BINARY"] { return URL(fileURLWithPath: path) }
    #if os(macOS)
    let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }!.bundleURL.deletingLastPathComponent()
    #else
    let products = Bundle.main.bundleURL
    #endif
    return products.appendingPathComponent("capplan")
}()

extension XCTestCase {
    /// Runs `capplan` with `arguments` in the repository (or `directory`), feeding `stdin`.
    func run(_ arguments: [String], stdin: String? = nil, in directory: URL? = nil) throws -> CapplanRun {
        let process = Process()
        process.executableURL = capplanBinary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? repositoryRoot
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CapplanRun(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Runs `capplan` with standard output and standard error opened on `path`s (e.g. /dev/full).
    func run(_ arguments: [String], redirecting streams: (stdout: String?, stderr: String?)) throws -> CapplanRun {
        let process = Process()
        process.executableURL = capplanBinary
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        let out = Pipe(), err = Pipe()
        let stdoutPath = streams.stdout, stderrPath = streams.stderr
        process.standardOutput = try stdoutPath.map { try FileHandle(forWritingTo: URL(fileURLWithPath: $0)) } ?? out
        process.standardError = try stderrPath.map { try FileHandle(forWritingTo: URL(fileURLWithPath: $0)) } ?? err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdoutData = stdoutPath == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        let stderrData = stderrPath == nil ? err.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        return CapplanRun(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Starts `capplan`, waits until its standard error contains `marker`, sends `signal`, and
    /// returns what the run gave. Fails when the process ends before the marker appears.
    func run(_ arguments: [String], in directory: URL, signal: Int32, after marker: String) throws -> CapplanRun {
        let process = Process()
        process.executableURL = capplanBinary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        final class Collected: @unchecked Sendable { var data = Data() }
        let stdout = Collected()
        let stdoutDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            stdout.data = out.fileHandleForReading.readDataToEndOfFile()
            stdoutDone.signal()
        }
        var stderr = Data()
        var signalled = false
        while true {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            stderr.append(chunk)
            if !signalled, String(decoding: stderr, as: UTF8.self).contains(marker) {
                kill(process.processIdentifier, signal)
                signalled = true
            }
        }
        stdoutDone.wait()
        process.waitUntilExit()
        XCTAssertTrue(signalled, "the run ended before `\(marker)` appeared on standard error")
        return CapplanRun(
            status: process.terminationStatus, stdout: String(decoding: stdout.data, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A fresh directory removed when the test ends.
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func json(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// The `.yaml` files in `folder` (relative to the repository), failing the test when there are
    /// fewer than `atLeast`: a test over examples must not pass because none were found.
    func exampleFiles(in folder: String, atLeast minimum: Int = 3) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent(folder).path)
        let files = names.filter { $0.hasSuffix(".yaml") }.sorted()
        guard files.count >= minimum else { throw MissingExamples(folder: folder, found: files.count, expected: minimum) }
        return files
    }
}

/// Thrown (and so failing the test) when a folder of examples holds fewer files than expected.
struct MissingExamples: Error, CustomStringConvertible {
    let folder: String
    let found: Int
    let expected: Int
    var description: String { "\(folder) holds \(found) .yaml files, expected at least \(expected)" }
}
