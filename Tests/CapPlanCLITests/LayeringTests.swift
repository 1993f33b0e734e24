import Foundation
import XCTest

/// Every Swift target imports only the targets it declares in Package.swift, and the system's
/// modules. SwiftPM's `--explicit-target-dependency-import-check` (run by `.ci/run`) refuses a
/// module the target does not reach at all, such as a dependency's internal module, but it
/// accepts one reached through a dependency (capplan → CapPlanKit → LinearProgramming); this
/// test refuses that too, so the layers of docs/architecture.md hold.
final class LayeringTests: XCTestCase {
    /// The declared dependencies of each target, as in Package.swift.
    static let declared: [String: Set<String>] = [
        "LinearProgramming": ["CGLPK", "GLPKGuard"],
        "CapPlanKit": ["LinearProgramming", "CLibYAML"],
        "capplan": ["CapPlanKit", "ArgumentParser"],
        "ScenarioFuzzing": ["CapPlanKit"],
        "capplan-fuzz": ["CapPlanKit", "ScenarioFuzzing"],
        "capplan-libfuzzer": ["CapPlanKit", "ScenarioFuzzing", "LibFuzzerDriver"],
    ]
    static let system: Set<String> = ["Foundation", "Dispatch", "Glibc", "Darwin"]

    func testEveryTargetImportsOnlyWhatItDeclares() throws {
        let sources = repositoryRoot.appendingPathComponent("Sources")
        let swiftTargets = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { target in
            let files = (FileManager.default.enumerator(atPath: sources.appendingPathComponent(target).path)?.allObjects as? [String]) ?? []
            return files.contains { $0.hasSuffix(".swift") }
        }
        XCTAssertEqual(Set(swiftTargets), Set(Self.declared.keys), "a Swift target was added or removed: update the table and docs/architecture.md")
        for target in swiftTargets.sorted() {
            let allowed = (Self.declared[target] ?? []).union(Self.system)
            let folder = sources.appendingPathComponent(target)
            let files = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }
            for file in files {
                for module in try imports(in: folder.appendingPathComponent(file)) {
                    XCTAssertTrue(allowed.contains(module), "Sources/\(target)/\(file) imports \(module), which \(target) does not declare")
                }
            }
        }
    }

    /// The module of every `import` line: `import X`, `@testable import X`,
    /// `import struct X.Y`, `@_exported import X`, `internal import X`.
    func imports(in file: URL) throws -> [String] {
        let text = try String(contentsOf: file, encoding: .utf8)
        var modules: [String] = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                  words[..<index].allSatisfy({ $0.hasPrefix("@") || ["public", "internal", "private", "fileprivate", "package"].contains($0) })
            else { continue }
            let kinds: Set<Substring> = ["struct", "class", "enum", "func", "typealias", "protocol", "var", "let"]
            let target = words.count > index + 2 && kinds.contains(words[index + 1]) ? words[index + 2] : words[index + 1]
            modules.append(String(target.split(separator: ".")[0]))
        }
        return modules
    }
}
