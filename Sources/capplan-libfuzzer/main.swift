// capplan-libfuzzer: the scenario reader and validator under libFuzzer (coverage-guided), with
// the same outcome checks as capplan-fuzz. Built only on its own, with the fuzzer sanitizer
// (docs/input-limits.md):
//
//   swift build -c release --product capplan-libfuzzer -Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld
//   .build/release/capplan-libfuzzer -max_total_time=300 CORPUS examples Tests/CapPlanKitTests/Fixtures
//
// SwiftPM links an executable's Swift `main` over libFuzzer's, so `main` hands over to
// libFuzzer's driver itself (through LibFuzzerDriver, whose weak reference lets an ordinary
// build link too). An unexpected outcome stops the run as a crash, which libFuzzer
// records with its input.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CapPlanKit
import LibFuzzerDriver
import ScenarioFuzzing

/// Checks one input; relative data-file paths resolve in the valid fixtures' directory.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let fuzzer = ScenarioFuzzer(seeds: [FuzzSeed(name: "libfuzzer", bytes: [])], baseDirectory: "Tests/CapPlanKitTests/Fixtures/valid")
    let json = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{")
    if let problem = fuzzer.problem(bytes, json: json) {
        fatalError("unexpected outcome: \(problem)")
    }
    return 0
}

@main
struct LibFuzzerEntry {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = capplan_run_libfuzzer(&argc, &argv, testOneInput)
        if status == -1 {
            let note = "capplan-libfuzzer: this build has no libFuzzer; build it with -Xswiftc -sanitize=fuzzer (docs/input-limits.md)\n"
            _ = note.withCString { write(2, $0, strlen($0)) }
            exit(2)
        }
        exit(status)
    }
}
