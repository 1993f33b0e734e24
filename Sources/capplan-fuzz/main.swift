// capplan-fuzz: runs the deterministic scenario fuzzer (Sources/ScenarioFuzzing) and prints
// what it found. docs/input-limits.md gives the command used for the recorded run.
//
//   capplan-fuzz [--inputs N] [--seed S] [--corpus DIR]... [--base DIR] [--crash-file FILE]
//
// Exit status: 0 when every input gave an expected outcome, 1 otherwise, 2 for bad arguments.
import CapPlanKit
import Foundation
import ScenarioFuzzing

var inputs = 100_000
var seed: UInt64 = 1
var corpus: [String] = []
var base = "Tests/CapPlanKitTests/Fixtures/valid"
var crashFile = "capplan-fuzz-crash.bin"

var arguments = CommandLine.arguments.dropFirst()
@MainActor func value(_ flag: String) -> String {
    guard let v = arguments.popFirst() else {
        FileHandle.standardError.write(Data("capplan-fuzz: \(flag) needs a value\n".utf8))
        exit(2)
    }
    return v
}
while let argument = arguments.popFirst() {
    switch argument {
    case "--inputs": inputs = Int(value(argument)) ?? -1
    case "--seed": seed = UInt64(value(argument)) ?? 0
    case "--corpus": corpus.append(value(argument))
    case "--base": base = value(argument)
    case "--crash-file": crashFile = value(argument)
    default:
        FileHandle.standardError.write(Data("usage: capplan-fuzz [--inputs N] [--seed S] [--corpus DIR]... [--base DIR] [--crash-file FILE]\n".utf8))
        exit(2)
    }
}
guard inputs >= 0 else {
    FileHandle.standardError.write(Data("capplan-fuzz: --inputs needs a whole number >= 0\n".utf8))
    exit(2)
}
if corpus.isEmpty { corpus = ["examples", "Tests/CapPlanKitTests/Fixtures"] }
let seeds = FuzzSeed.corpus(in: corpus)
guard !seeds.isEmpty else {
    FileHandle.standardError.write(Data("capplan-fuzz: no .yaml, .yml or .json seeds in \(corpus.joined(separator: ", "))\n".utf8))
    exit(2)
}
CrashRecorder.install(file: crashFile)
print("capplan-fuzz: \(seeds.count) seeds, \(inputs) inputs, seed \(seed)")
let fuzzer = ScenarioFuzzer(seeds: seeds, baseDirectory: base)
let report = fuzzer.run(inputs: inputs, seed: seed) { r in
    if r.inputs % 100_000 == 0 {
        print("  \(r.inputs) inputs, \(r.unexpected) unexpected, \(String(format: "%.0f", r.seconds)) s")
    }
}
print("inputs: \(report.inputs)")
print("accepted: \(report.accepted)")
print("refused: \(report.refused)")
print("unexpected: \(report.unexpected)")
print("crashes: 0")
print("seconds: \(String(format: "%.1f", report.seconds))")
for (problem, input) in report.examples {
    print("unexpected: \(problem)\n  input: \(String(decoding: input.prefix(300), as: UTF8.self).debugDescription)")
}
exit(report.unexpected == 0 ? 0 : 1)
