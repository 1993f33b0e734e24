import Foundation
import XCTest

/// `capplan estimate` end to end: JSON, the table and the exit codes.
final class EstimateCLITests: XCTestCase {
    private func object(_ text: String) throws -> [[String: Any]] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    }

    func testOnePairAsJSON() throws {
        let result = try run(["estimate", "--model", "llama-3.1-70b", "--accelerator", "h100", "--precision", "fp8",
                              "--input", "1000", "--output", "200", "--price-per-hour", "2", "--utilization", "0.5", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let estimates = try object(result.stdout)
        XCTAssertEqual(estimates.count, 1)
        let estimate = estimates[0]
        XCTAssertEqual(estimate["accelerator"] as? String, "h100")
        let fit = try XCTUnwrap(estimate["fit"] as? [String: Any])
        XCTAssertEqual(fit["tensorParallel"] as? Int, 2)
        XCTAssertEqual(fit["replicasPerNode"] as? Double, 4)
        let throughput = try XCTUnwrap(estimate["throughput"] as? [String: Any])
        let total = try XCTUnwrap(throughput["totalTokensPerSecondPerReplica"] as? Double)
        let cost = try XCTUnwrap(estimate["cost"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(cost["perMillionTokens"] as? Double), 2 * 2 / (total * 3600 * 0.5) * 1e6, accuracy: 1e-9)
        XCTAssertNil(estimate["unfit"])
        // Deterministic: a second run prints the same bytes.
        let again = try run(["estimate", "--model", "llama-3.1-70b", "--accelerator", "h100", "--precision", "fp8",
                             "--input", "1000", "--output", "200", "--price-per-hour", "2", "--utilization", "0.5", "--json"])
        XCTAssertEqual(again.stdout, result.stdout)
    }

    func testEveryAcceleratorTableFitsOneHundredColumnsAndSaysWhyNot() throws {
        let result = try run(["estimate", "--model", "llama-3.1-70b", "--precision", "fp8", "--input", "1000", "--output", "200"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for line in result.stdout.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 100, String(line)) }
        XCTAssertTrue(result.stdout.contains("a100: A100 has no FP8 matrix units"))
        XCTAssertTrue(result.stdout.contains("h100 "))
        let json = try object(try run(["estimate", "--model", "llama-3.1-405b", "--input", "1000", "--output", "200", "--json"]).stdout)
        let l40s = try XCTUnwrap(json.first { $0["accelerator"] as? String == "l40s" })
        XCTAssertTrue(try XCTUnwrap(l40s["unfit"] as? String).hasPrefix("needs "))
    }

    func testUsageErrorsExitTwo() throws {
        let base = ["estimate", "--input", "1000", "--output", "200"]
        for arguments in [
            base + ["--model", "gpt-9"],
            base + ["--model", "llama-3.1-70b", "--accelerator", "h1000"],
            base + ["--model", "llama-3.1-70b", "--precision", "fp3"],
            base + ["--model", "llama-3.1-70b", "--latency", "realtime"],
            base + ["--model", "llama-3.1-70b", "--utilization", "0"],
            base + ["--model", "llama-3.1-70b", "--utilization", "1.5"],
            ["estimate", "--model", "llama-3.1-70b", "--input", "0", "--output", "200"],
            base + ["--model", "llama-3.1-70b", "--accelerator", "h100", "--tensor-parallel", "3"],
            base + ["--model", "llama-3.1-70b", "--price-per-hour", "-1"],
        ] {
            let result = try run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stdout.isEmpty, "\(arguments)")
            XCTAssertFalse(result.stderr.isEmpty, "\(arguments)")
        }
    }

    /// The calibration table lists every MLPerf point with its error; no model options are needed.
    func testCalibrationTable() throws {
        let result = try run(["estimate", "--calibration"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for system in ["NVIDIA DGX H100", "NVIDIA 8x H200", "AMD 1x MI300X", "Intel 8x Gaudi 2"] {
            XCTAssertTrue(result.stdout.contains(system), system)
        }
        XCTAssertTrue(result.stdout.contains("held out"))
        let missing = try run(["estimate", "--model", "llama-3.1-70b"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("--input"), missing.stderr)
    }

    /// Without --model: one table per model (every pair once in JSON).
    func testEveryModelAndAccelerator() throws {
        let text = try run(["estimate", "--input", "500", "--output", "500"])
        XCTAssertEqual(text.status, 0, text.stderr)
        for name in ["Llama 3.1 8B", "Llama 3.1 70B", "Llama 3.1 405B", "Mixtral 8x7B"] { XCTAssertTrue(text.stdout.contains(name), name) }
        let json = try object(try run(["estimate", "--input", "500", "--output", "500", "--json"]).stdout)
        XCTAssertEqual(json.count, 5 * 14)
        XCTAssertEqual(Set(json.map { "\($0["model"]!) \($0["accelerator"]!)" }).count, json.count)
    }

    /// docs/performance-model.md shows the calibration table exactly as the code computes it.
    func testDocsShowTheCurrentCalibrationTable() throws {
        let docs = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/performance-model.md"), encoding: .utf8)
        let table = try run(["estimate", "--calibration"]).stdout
        XCTAssertFalse(table.isEmpty)
        XCTAssertTrue(docs.contains(table), "docs/performance-model.md: regenerate the table with capplan estimate --calibration")
    }
}
