import Foundation
import XCTest

/// `capplan report` (docs/report.md): the HTML page and Markdown from plan JSONs, its errors,
/// and, when Debian's `chromium` is installed (`make test-deps` installs it), the page loaded
/// in a real browser: every chart must have drawn one mark per datum of the plan.
final class ReportCLITests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Plans an example and returns the plan JSON's path.
    private func plan(_ example: String) throws -> String {
        let output = path("\(example.replacingOccurrences(of: "/", with: "-")).json")
        let run = try run(["plan", "examples/\(example).yaml", "-o", output, "--no-baselines", "--no-thresholds"])
        XCTAssertEqual(run.status, 0, run.stderr)
        return output
    }

    private func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    func testHTMLIsSelfContainedAndTheSameBytesTwice() throws {
        let planPath = try plan("startup-api-breakeven")
        XCTAssertEqual(try run(["report", planPath, "-o", path("a.html")]).status, 0)
        XCTAssertEqual(try run(["report", planPath, "-o", path("b.html")]).status, 0)
        let a = try String(contentsOfFile: path("a.html"), encoding: .utf8)
        XCTAssertEqual(a, try String(contentsOfFile: path("b.html"), encoding: .utf8))
        XCTAssertTrue(a.hasPrefix("<!DOCTYPE html>"))
        // No network: nothing is fetched from anywhere.
        for reference in ["https://", "src=", "<link", "@import", "url("] {
            XCTAssertFalse(a.contains(reference), reference)
        }
        XCTAssertFalse(a.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http://"))
        for chart in ["cost", "cash", "capacity", "slices", "fleet", "utilization", "workloads"] {
            XCTAssertTrue(a.contains("data-chart=\"\(chart)\""), chart)
        }
        XCTAssertTrue(a.contains("What to buy, by order date"))
    }

    func testMarkdownHasTheTablesAndTheHeadline() throws {
        let planPath = try plan("enterprise-fleet")
        let run = try run(["report", planPath, "--format", "markdown"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("# Capacity plan: enterprise-fleet\n"))
        for heading in ["## What to buy, by order date", "## Cash out by fiscal year", "## Cost per workload", "## Depreciation by cohort"] {
            XCTAssertTrue(run.stdout.contains(heading), heading)
        }
        // Cash out and salvage value are stated apart, with the plan's own figures.
        let plan = try json(planPath)
        let cash = ((plan["finance"] as! [String: Any])["cashFlow"] as! [String: Any])
        XCTAssertTrue(run.stdout.contains("Cash out \(money(cash["total"] as! Double)) undiscounted"), run.stdout)
        XCTAssertTrue(run.stdout.contains("Salvage value at the horizon's end \(money(cash["salvageValue"] as! Double))"))
    }

    func testTermsRedoTheCashFlow() throws {
        let planPath = try plan("startup-api-breakeven")
        let run = try run(["report", planPath, "--format", "markdown", "--deposit", "0.5", "--fiscal-year-start", "7"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("deposit 50% at order"))
        XCTAssertTrue(run.stdout.contains("| FY2028 |"), run.stdout)
        let bad = try self.run(["report", planPath, "--deposit", "1.5"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("deposit fraction must be in 0...1"), bad.stderr)
    }

    func testBadInputsNameTheFileAndTheKey() throws {
        let planPath = try plan("breakeven-70b")
        var text = try String(contentsOfFile: planPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"discountFactor\" : 1,", with: "\"discountFactor\" : \"one\",")
        try text.write(toFile: path("broken.json"), atomically: true, encoding: .utf8)
        let mistyped = try run(["report", path("broken.json")])
        XCTAssertEqual(mistyped.status, 2)
        XCTAssertTrue(mistyped.stderr.contains("broken.json: not a plan JSON"), mistyped.stderr)
        XCTAssertTrue(mistyped.stderr.contains("periods[0].discountFactor: expected a number"), mistyped.stderr)

        try "{\n  \"status\" : \n".write(toFile: path("truncated.json"), atomically: true, encoding: .utf8)
        let truncated = try run(["report", path("truncated.json")])
        XCTAssertEqual(truncated.status, 2)
        XCTAssertTrue(truncated.stderr.contains("truncated.json"), truncated.stderr)

        let missing = try run(["report", path("nowhere.json")])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("nowhere.json"), missing.stderr)

        // The output may not overwrite an input, and nothing is written then.
        let onInput = try run(["report", planPath, "-o", planPath])
        XCTAssertEqual(onInput.status, 2)
        XCTAssertNotNil(try? json(planPath)["finance"])
    }

    func testAPlanWithoutASolutionIsRefused() throws {
        var text = try String(contentsOfFile: try plan("breakeven-70b"), encoding: .utf8)
        // The error form of a plan: no totals, no periods (docs/plan-format.md).
        var object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        object["status"] = "error"
        object["periods"] = []
        object["purchases"] = []
        for key in ["totals", "audit", "insights", "finance", "baselines", "priceThresholds"] { object.removeValue(forKey: key) }
        text = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        try text.write(toFile: path("error.json"), atomically: true, encoding: .utf8)
        let run = try run(["report", path("error.json"), "-o", path("error.html")])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("no solution to report"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("error.html")))
    }

    // MARK: In a real browser

    /// Debian's chromium, when installed.
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The page as the browser's DOM after its layout (`--dump-dom`).
    private func renderedDOM(_ html: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(path("profile"))",
                             "--dump-dom", URL(fileURLWithPath: html).absoluteString]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return String(decoding: data, as: UTF8.self)
    }

    /// Marks drawn per series of each chart, as the page's script counted them in the browser
    /// (marks with an empty box do not count).
    private func renderedSeries(_ dom: String) throws -> [String: [String: Int]] {
        var result: [String: [String: Int]] = [:]
        let pattern = try NSRegularExpression(pattern: #"data-chart="([a-z]+)"[^>]*data-rendered-series="([^"]*)""#)
        for match in pattern.matches(in: dom, range: NSRange(dom.startIndex..., in: dom)) {
            let chart = String(dom[Range(match.range(at: 1), in: dom)!])
            let counts = String(dom[Range(match.range(at: 2), in: dom)!]).replacingOccurrences(of: "&quot;", with: "\"")
            result[chart] = try JSONSerialization.jsonObject(with: Data(counts.utf8)) as? [String: Int]
        }
        return result
    }

    /// The marks each chart must show, counted here from the plan JSON: one bar per nonzero
    /// value, one point per value of a line, one order and one arrival per purchase line.
    private func expectedSeries(_ plan: [String: Any]) -> [String: [String: Int]] {
        let periods = plan["periods"] as! [[String: Any]]
        func count(_ values: [Double]) -> Int { values.filter { $0 > 0 }.count }
        var expected: [String: [String: Int]] = [:]
        let costKeys = [("capex", "capex"), ("energy", "energy"), ("opex", "fixedOpex"), ("rental", "rental"), ("API", "api"),
                        ("platform", "platform"), ("unserved penalty", "unservedPenalty")]
        expected["cost"] = Dictionary(uniqueKeysWithValues: costKeys.map { name, key in
            (name, count(periods.map { ($0["cost"] as! [String: Any])[key] as! Double }))
        }.filter { $0.1 > 0 })
        let finance = plan["finance"] as! [String: Any]
        let cash = (finance["cashFlow"] as! [String: Any])["periods"] as! [[String: Any]]
        expected["cash"] = ["purchases": count(cash.map { $0["capital"] as! Double }), "running costs": count(cash.map { $0["operating"] as! Double }),
                            "rent after the horizon": count(cash.map { $0["commitments"] as! Double })]
            .filter { $0.value > 0 }
        // Contracts (when the plan reserves): one bar per contract inside the horizon, one more
        // for each that runs past it.
        let contracts = (plan["rentals"] as? [[String: Any]] ?? []).flatMap { $0["contracts"] as! [[String: Any]] }
        if !contracts.isEmpty {
            expected["contracts"] = ["in the horizon": contracts.count,
                                     "beyond the horizon": contracts.filter { ($0["periodsBeyondHorizon"] as! Int) > 0 }.count]
                .filter { $0.value > 0 }
        }
        var fleet: [String: Int] = [:], utilization: [String: Int] = [:]
        for period in periods {
            for line in period["fleet"] as! [[String: Any]] {
                fleet[line["offering"] as! String, default: 0] += 1
                utilization[line["offering"] as! String, default: 0] += 1
            }
            for line in period["rentals"] as! [[String: Any]] { utilization[line["offering"] as! String, default: 0] += 1 }
        }
        let purchases = (plan["purchases"] as! [Any]).count
        if purchases > 0 {
            fleet["order"] = purchases
            fleet["arrival"] = purchases
        }
        expected["fleet"] = fleet
        expected["utilization"] = utilization
        // Capacity: one bar per period and source that served tokens, one demand point per period.
        var rentalKinds: [String: String] = [:], owned = Set<String>()
        for period in periods {
            for line in period["fleet"] as! [[String: Any]] { owned.insert(line["offering"] as! String) }
            for line in period["rentals"] as! [[String: Any]] {
                rentalKinds[line["offering"] as! String] = (line["commitment"] as! String) == "period" ? "reserved" : "on-demand"
            }
        }
        var capacity: [String: Int] = ["demand": periods.count]
        for period in periods {
            var sources = Set<String>()
            for workload in period["workloads"] as! [[String: Any]] {
                for (offering, tokens) in workload["servedTokens"] as! [String: Double] where tokens > 0 {
                    sources.insert(owned.contains(offering) ? "owned" : rentalKinds[offering] ?? "API")
                }
                if (workload["unservedTokens"] as! Double) > 0 { sources.insert("unserved") }
            }
            for source in sources { capacity[source, default: 0] += 1 }
        }
        expected["capacity"] = capacity
        // Slices of the peak period: busy and idle owned units per offering, rented units.
        let demand = periods.map { ($0["workloads"] as! [[String: Any]]).reduce(0.0) { $0 + ($1["demandTokens"] as! Double) } }
        let peak = periods[demand.indices.max { (demand[$0], $1) < (demand[$1], $0) }!]
        let slices = ((plan["horizon"] as! [String: Any])["timeSlices"] as! [[String: Any]]).map { $0["name"] as! String }
        var sliceMarks: [String: Int] = [:]
        for line in peak["fleet"] as! [[String: Any]] {
            let units = line["unitsInService"] as! Double, utilization = line["utilization"] as! [String: Double]
            let busy = slices.map { utilization[$0]! * units }
            sliceMarks["\(line["offering"] as! String) busy"] = count(busy)
            sliceMarks["\(line["offering"] as! String) idle"] = count(busy.map { max(0, units - $0) })
        }
        for line in peak["rentals"] as! [[String: Any]] {
            let reserved = (line["commitment"] as! String) == "period"
            let values = reserved ? slices.map { _ in line["units"] as! Double } : slices.map { (line["unitsBySlice"] as! [String: Double])[$0]! }
            sliceMarks["\(line["offering"] as! String) (\(reserved ? "reserved" : "on demand"))"] = count(values)
        }
        expected["slices"] = sliceMarks.filter { $0.value > 0 }
        let attribution = finance["attribution"] as! [String: Any]
        var lines = (attribution["workloads"] as! [[String: Any]]).map { $0["cost"] as! [String: Double] } + [attribution["idle"] as! [String: Double]]
        // The contracts' rent after the horizon: its own row, in the reserved series.
        if let beyond = attribution["beyondHorizon"] as? Double, beyond > 0 { lines.append(["reserved": beyond]) }
        var workloads: [String: Int] = [:]
        for (name, key) in [("owned", "owned"), ("reserved", "reserved"), ("on demand", "onDemand"), ("API", "api"), ("unserved penalty", "unservedPenalty"),
                            ("platform", "platform")] {
            let n = count(lines.map { $0[key] ?? 0 })
            if n > 0 { workloads[name] = n }
        }
        expected["workloads"] = workloads
        return expected
    }

    func testEveryChartDrawsThePlansDataInChromium() throws {
        try XCTSkipIf(Self.chromium == nil, "chromium is not installed (make test-deps installs it)")
        // The procurement examples draw the contracts timeline, platform costs and replicas.
        for example in ["midsize-3year", "enterprise-fleet", "startup-api-breakeven", "breakeven-70b", "contracts-and-platforms",
                        "fiscal-budget", "procurement/spike-reservation",
                        "procurement/mi300x-adoption-volume", "procurement/mi300x-adoption-low", "procurement/n-plus-one",
                        "procurement/tiny-demand-per-gpu"] {
            let planPath = try plan(example)
            let html = path("\(example.replacingOccurrences(of: "/", with: "-")).html")
            XCTAssertEqual(try run(["report", planPath, "-o", html]).status, 0)
            let rendered = try renderedSeries(try renderedDOM(html))
            let expected = expectedSeries(try json(planPath))
            XCTAssertEqual(Set(rendered.keys), Set(expected.keys), example)
            for (chart, series) in expected {
                XCTAssertEqual(rendered[chart], series, "\(example): chart \(chart)")
            }
            // The procurement examples are four quarters: fewer marks, still enough to lose.
            XCTAssertGreaterThan(expected.values.reduce(0) { $0 + $1.values.reduce(0, +) }, example.hasPrefix("procurement/") ? 10 : 20, example)
        }
    }

    /// A one-year reservation whose term runs past a four-quarter horizon, on a platform that
    /// costs 50,000 USD to adopt, with replicas of 2 units and one spare unit (the scenario of
    /// Tests/CapPlanKitTests/ContractsPlanTests.swift, with a 10% discount rate and demand only
    /// in the second half): the contract starts in 2027Q3, its last two quarters are a
    /// commitment of 3 × 2 × 2190 × 2 = 26,280 USD, and the report shows it.
    static let contractsScenario = """
        name: contracts-example
        horizon: {start: 2027Q1, periods: 4}
        discountRate: 0.1
        workloads:
          - id: chat
            outputShare: 0.5
            demand: {tokensPerPeriod: [0, 0, 1.1826e10, 1.1826e10]}
        offerings:
          - id: mi300x-1y
            kind: rental
            pricePerUnitHour: 2
            accelerator: MI300X
            acceleratorsPerUnit: 1
            commitment: period
            termMonths: 12
            upfrontPerUnit: 1000
            platform: amd
            acceleratorsPerReplica: {chat: 2}
            spareUnits: 1
            throughput: {chat: 1000}
        platforms:
          - {id: amd, adoptionCost: 50000, yearlyCost: 40000}
        policy: {integerUnits: true, utilizationCap: 1}

        """

    func testContractsAndPlatformsReachTheReport() throws {
        let scenario = path("contracts.yaml"), planPath = path("contracts.json")
        try Self.contractsScenario.write(toFile: scenario, atomically: true, encoding: .utf8)
        let planned = try run(["plan", scenario, "-o", planPath, "--no-baselines", "--no-thresholds"])
        XCTAssertEqual(planned.status, 0, planned.stderr)
        XCTAssertTrue(planned.stdout.contains("Commitments beyond the horizon $26,280"), planned.stdout)
        let plan = try json(planPath)
        XCTAssertEqual(plan["schemaVersion"] as? Int, 2)
        XCTAssertEqual((plan["totals"] as! [String: Any])["commitmentsBeyondHorizon"] as? Double, 26_280)
        let markdown = try run(["report", planPath, "--format", "markdown"])
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        for text in ["## Reserved contracts", "| 2027Q3 | 2028Q2 (after the horizon) | mi300x-1y | 3 | 12 months (4 periods) | $3,000 | $26,280 | $26,280 |",
                     "## Platforms", "| amd | 2027Q3 |", "rent due after the horizon $26,280", "## Replicas", "## Reliability margins"] {
            XCTAssertTrue(markdown.stdout.contains(text), text)
        }
        let html = path("contracts.html")
        XCTAssertEqual(try run(["report", planPath, "-o", html]).status, 0)
        XCTAssertTrue(try String(contentsOfFile: html, encoding: .utf8).contains("data-chart=\"contracts\""))
        guard Self.chromium != nil else { return }
        // In the browser: every chart, the contracts timeline included, draws the plan's data.
        let rendered = try renderedSeries(try renderedDOM(html))
        let expected = expectedSeries(plan)
        XCTAssertEqual(expected["contracts"], ["in the horizon": 1, "beyond the horizon": 1])
        XCTAssertEqual(Set(rendered.keys), Set(expected.keys))
        for (chart, series) in expected { XCTAssertEqual(rendered[chart], series, "chart \(chart)") }
    }

    func testBreakevenAndSweepChartsInChromium() throws {
        try XCTSkipIf(Self.chromium == nil, "chromium is not installed (make test-deps installs it)")
        let planPath = try plan("breakeven-70b")
        let breakeven = path("breakeven.json"), sweep = path("sweep.json")
        XCTAssertEqual(try run(["breakeven", "examples/breakeven-70b.yaml", "--workload", "chat", "--from", "1e8", "--to", "1e11",
                                "--points", "5", "--json", breakeven]).status, 0)
        XCTAssertEqual(try run(["sweep", "examples/breakeven-70b.yaml", "--set", "discountRate=0:0.2:3", "--json", sweep]).status, 0)
        let html = path("with-extras.html")
        let run = try run(["report", planPath, "--breakeven", breakeven, "--sweep", sweep, "-o", html])
        XCTAssertEqual(run.status, 0, run.stderr)
        let rendered = try renderedSeries(try renderedDOM(html))
        let b = try json(breakeven)
        let points = (b["points"] as! [[String: Any]]) + (b["refinement"] as! [[String: Any]])
        var expected = ["optimal plan": points.filter { $0["costPerMillionTokens"] != nil }.count,
                        "all API": points.filter { $0["allAPICostPerMillionTokens"] != nil }.count]
        if let at = b["breakevenMonthlyTokens"] as? Double { expected["break-even \(tokens(at))/month"] = 1 }
        XCTAssertEqual(rendered["breakeven"], expected.filter { $0.value > 0 })
        let s = try json(sweep)
        XCTAssertEqual(rendered["sweep"], ["discounted cost": (s["points"] as! [[String: Any]]).filter { $0["discountedCost"] != nil }.count])
    }

    /// Formatting.money and Formatting.tokens as the report prints them (CapPlanKit is not linked here).
    private func money(_ usd: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        formatter.usesGroupingSeparator = true
        formatter.groupingSeparator = ","
        return "$" + formatter.string(from: NSNumber(value: usd.rounded()))!
    }

    private func tokens(_ value: Double) -> String {
        for (scale, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")] where value >= scale {
            return String(format: "%.2f", value / scale) + suffix
        }
        return String(format: "%.0f", value)
    }
}
