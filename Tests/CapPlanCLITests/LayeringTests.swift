import Foundation
import XCTest

/// The command imports only the modules its target declares (ArgumentParser, CapPlanKit) and the
/// system's. SwiftPM's `--explicit-target-dependency-import-check` accepts a module the target
/// reaches through a dependency (capplan → CapPlanKit → LinearProgramming), so it does not catch
/// `import LinearProgramming` in the CLI: this test does.
final class LayeringTests: XCTestCase {
    func testTheCommandImportsOnlyWhatItsTargetDeclares() throws {
        let allowed: Set<String> = ["ArgumentParser", "CapPlanKit", "Foundation", "Dispatch", "Glibc", "Darwin"]
        let folder = repositoryRoot.appendingPathComponent("Sources/capplan")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        XCTAssertGreaterThan(files.count, 5)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                // `import X`, `@testable import X`, `import struct X.Y`, `@_exported import X`
                guard let index = words.firstIndex(of: "import"), words[..<index].allSatisfy({ $0.hasPrefix("@") }), index + 1 < words.count else { continue }
                let target = words.count > index + 2 && ["struct", "class", "enum", "func", "typealias", "protocol", "var", "let"].contains(words[index + 1])
                    ? words[index + 2] : words[index + 1]
                let module = String(target.split(separator: ".")[0])
                XCTAssertTrue(allowed.contains(module), "\(file): imports \(module)")
            }
        }
    }
}
