// Time slices on the clock (`start`) and from an hourly load file (`timeSlices: {hourlyProfile,
// slices}`, docs/formulation.md 11.2 and 11.6): the aggregation worked out by hand, the dynamic
// program against brute force, and every error path with its file, line and field path.

import Foundation
import Testing
@testable import CapPlanKit

@Suite("Hourly profiles and slice starts")
struct HourlyProfileTests {
    /// A scenario with workloads `ids` (an API serves them all) whose slices come from `csv`.
    static func scenario(_ timeSlices: String, ids: [String] = ["chat"], extra: String = "") -> String {
        """
        name: t
        horizon: {start: 2027Q1, periods: 1}
        timeSlices: \(timeSlices)
        workloads:
        \(ids.map { "  - {id: \($0), outputShare: 0.5, demand: {tokensPerPeriod: [1e11]}\(extra)}" }.joined(separator: "\n"))
        offerings:
          - {id: api, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 2, serves: [\(ids.joined(separator: ", "))]}
        """
    }

    /// A fresh directory with `files` written into it.
    static func directory(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-hourly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    static func load(_ text: String, files: [String: String] = [:], slices: Int? = nil) throws -> Scenario {
        let dir = try directory(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: dir.path, catalog: TestCatalog.catalog, slices: slices).scenario
    }

    static func errors(_ text: String, files: [String: String] = [:], slices: Int? = nil) -> [Diagnostic] {
        do {
            _ = try load(text, files: files, slices: slices)
            Issue.record("loaded:\n\(text)")
        } catch let e as ScenarioLoadError {
            return e.diagnostics
        } catch {
            Issue.record("\(error)")
        }
        return []
    }

    /// `hour,<ids>` and one row per hour with the columns' loads.
    static func csv(_ ids: [String], _ columns: [[Double]]) -> String {
        var lines = ["hour," + ids.joined(separator: ",")]
        for t in columns[0].indices { lines.append("\(t)," + columns.map { String($0[t]) }.joined(separator: ",")) }
        return lines.joined(separator: "\n") + "\n"
    }

    static let profile = "{hourlyProfile: p.csv, slices: 2}"

    // MARK: Aggregation, by hand

    @Test("24 hours at 1 then 3 into two slices: 12 h each, shares 1/4 and 3/4")
    func twoLevels() throws {
        // L_t = l_t / Σ l = 1/48 for hours 0-11 and 3/48 for 12-23 (Σ l = 12 + 36 = 48).
        // The best cut separates the levels: no deviation left. η = 12 × 24/24 = 12 h each;
        // σ_1 = 12/48 = 0.25, σ_2 = 36/48 = 0.75; the workload's own profile is the same.
        let loads = (0..<24).map { $0 < 12 ? 1.0 : 3.0 }
        let s = try Self.load(Self.scenario(Self.profile), files: ["p.csv": Self.csv(["chat"], [loads])])
        #expect(s.timeSlices.map(\.name) == ["h01", "h02"])
        #expect(s.timeSlices.map(\.hours) == [12, 12])
        #expect(s.timeSlices.map(\.start) == [nil, nil])
        #expect(abs(s.timeSlices[0].share - 0.25) < 1e-12 && abs(s.timeSlices[1].share - 0.75) < 1e-12)
        let p = try #require(s.workloads[0].profile)
        #expect(abs(p[0] - 0.25) < 1e-12 && abs(p[1] - 0.75) < 1e-12)
        let source = try #require(s.hourlyProfile)
        #expect(source.file == "p.csv" && source.hours == 24 && source.slices == 2)
        #expect(source.hoursInSlice == [Array(0..<12), Array(12..<24)])
        #expect(source.maxRelativeDeviation == [0, 0] && source.meanRelativeDeviation == [0, 0])
    }

    @Test("two columns: the mean shape for the slices, each column its own profile, no column the mean shape")
    func twoColumns() throws {
        // chat: 1 for hours 0-11, 3 for 12-23 (total 48); batch: 1 every hour (total 24).
        // L = 1/48 + 2/48 = 3/48 for hours 0-11, 3/48 + 2/48 = 5/48 for 12-23; Σ L = 2.
        // σ_1 = 12 × 3/48 / 2 = 0.375, σ_2 = 12 × 5/48 / 2 = 0.625; chat 0.25/0.75; batch 0.5/0.5.
        // `search` has no column: its profile stays nil and it follows σ.
        let chat = (0..<24).map { $0 < 12 ? 1.0 : 3.0 }
        let batch = [Double](repeating: 1, count: 24)
        let s = try Self.load(Self.scenario(Self.profile, ids: ["chat", "batch", "search"]),
                              files: ["p.csv": Self.csv(["batch", "chat"], [batch, chat])])
        #expect(abs(s.timeSlices[0].share - 0.375) < 1e-12 && abs(s.timeSlices[1].share - 0.625) < 1e-12)
        let chatProfile = try #require(s.workloads[0].profile), batchProfile = try #require(s.workloads[1].profile)
        #expect(abs(chatProfile[0] - 0.25) < 1e-12 && abs(chatProfile[1] - 0.75) < 1e-12)
        #expect(abs(batchProfile[0] - 0.5) < 1e-12 && abs(batchProfile[1] - 0.5) < 1e-12)
        #expect(s.workloads[2].profile == nil)
        #expect(abs(s.share(ofWorkload: 2, slice: 1) - 0.625) < 1e-12)
    }

    @Test("one slice: the whole day, and the deviation it hides")
    func oneSlice() throws {
        // Loads 1 × 12 and 3 × 12: L = 1/48 and 3/48, mean 2/48; every hour is 1/2 off the mean.
        let loads = (0..<24).map { $0 < 12 ? 1.0 : 3.0 }
        let s = try Self.load(Self.scenario("{hourlyProfile: p.csv, slices: 1}"), files: ["p.csv": Self.csv(["chat"], [loads])])
        #expect(s.timeSlices == [TimeSlice(name: "h01", hours: 24, share: 1)])
        #expect(abs(s.hourlyProfile!.maxRelativeDeviation[0] - 0.5) < 1e-12)
        #expect(abs(s.hourlyProfile!.meanRelativeDeviation[0] - 0.5) < 1e-12)
    }

    @Test("a week: hours sorted by load across days, slices in hours of the representative day, names by rising load")
    func week() throws {
        // Hour t of the week has load 2 when t % 24 is in 9..<17 on days 0-4 (40 busy hours),
        // else 1. Two slices: the 128 quiet hours (128 × 24/168 = 18.2857 h) and the 40 busy
        // ones (40/7 = 5.714 h); Σ l = 128 + 80 = 208: σ = 128/208 and 80/208.
        let loads = (0..<168).map { t in t / 24 < 5 && (9..<17).contains(t % 24) ? 2.0 : 1.0 }
        let s = try Self.load(Self.scenario(Self.profile), files: ["p.csv": Self.csv(["chat"], [loads])])
        #expect(abs(s.timeSlices[0].hours - 128.0 * 24 / 168) < 1e-12 && abs(s.timeSlices[1].hours - 40.0 * 24 / 168) < 1e-12)
        #expect(abs(s.timeSlices[0].share - 128.0 / 208) < 1e-12 && abs(s.timeSlices[1].share - 80.0 / 208) < 1e-12)
        #expect(s.hourlyProfile!.hoursInSlice[1] == (0..<5).flatMap { d in (9..<17).map { d * 24 + $0 } })
    }

    @Test("a year: 8760 rows, slices in hours of the representative day")
    func year() throws {
        // Every fourth hour has load 3, the others 1: 2190 hours at 3 and 6570 at 1, Σ l = 6570 + 6570.
        // η = 6570 × 24/8760 = 18 h and 2190 × 24/8760 = 6 h; σ = 6570/13140 = 0.5 each.
        let loads = (0..<8760).map { $0 % 4 == 0 ? 3.0 : 1.0 }
        let s = try Self.load(Self.scenario(Self.profile), files: ["p.csv": Self.csv(["chat"], [loads])])
        #expect(s.timeSlices.map(\.hours) == [18, 6])
        #expect(abs(s.timeSlices[0].share - 0.5) < 1e-12 && abs(s.timeSlices[1].share - 0.5) < 1e-12)
        #expect(s.hourlyProfile?.hours == 8760 && s.hourlyProfile?.hoursInSlice[1].count == 2190)
    }

    @Test("--slices replaces the scenario's count; N = rows on a day gives the hours themselves")
    func overrideCount() throws {
        let loads = (0..<24).map { Double(($0 * 7) % 24 + 1) }  // every hour a different load
        let files = ["p.csv": Self.csv(["chat"], [loads])]
        let s = try Self.load(Self.scenario(Self.profile), files: files, slices: 24)
        #expect(s.timeSlices.count == 24 && s.hourlyProfile?.slices == 24)
        #expect(s.timeSlices.allSatisfy { $0.hours == 1 })
        // h01 is the quietest hour: load 1 at hour 0; h24 the busiest: load 24 at the hour t with 7t % 24 = 23, t = 17.
        #expect(s.hourlyProfile!.hoursInSlice.first == [0] && s.hourlyProfile!.hoursInSlice.last == [17])
        #expect(abs(s.timeSlices[23].share - 24.0 / 300) < 1e-12)  // Σ l = 1 + ... + 24 = 300
        let name = try Self.load(Self.scenario("{hourlyProfile: p.csv, slices: 1}"), files: files, slices: 3)
        #expect(name.timeSlices.map(\.name) == ["h01", "h02", "h03"])
    }

    @Test("names have as many digits as N needs")
    func names() {
        let a = HourlyProfile.aggregate(columns: [(0..<168).map { Double($0 % 13 + 1) }], slices: 100)
        #expect(a.slices.first?.name == "h001" && a.slices.last?.name == "h100")
    }

    // MARK: The dynamic program

    static func sse(_ x: [Double], _ runs: [Range<Int>]) -> Double {
        runs.reduce(0) { total, r in
            let m = x[r].reduce(0, +) / Double(r.count)
            return total + x[r].reduce(0) { $0 + ($1 - m) * ($1 - m) }
        }
    }

    /// The least SSE over every way to cut `x` into `k` runs.
    static func bruteForce(_ x: [Double], _ k: Int) -> Double {
        func go(_ start: Int, _ left: Int) -> Double {
            if left == 1 { return sse(x, [start..<x.count]) }
            var best = Double.infinity
            for end in (start + 1)...(x.count - left + 1) { best = min(best, sse(x, [start..<end]) + go(end, left - 1)) }
            return best
        }
        return go(0, k)
    }

    @Test("the dynamic program finds the least squared deviation: brute force on small cases")
    func optimalAgainstBruteForce() {
        var rng = ScenarioRNG(seed: 12)
        for _ in 0..<300 {
            let n = rng.int(1...10)
            // Few distinct values, so that ties occur.
            let x = (0..<n).map { _ in Double(rng.int(0...6)) * (rng.chance(0.5) ? 1 : 0.37) }.sorted()
            let k = rng.int(1...n)
            let runs = HourlyProfile.optimalRuns(x, runs: k)
            #expect(runs.count == k && runs.allSatisfy { !$0.isEmpty })
            #expect(runs.first?.lowerBound == 0 && runs.last?.upperBound == n)
            #expect(zip(runs, runs.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            let found = Self.sse(x, runs), best = Self.bruteForce(x, k)
            #expect(abs(found - best) <= 1e-9 * max(1, best), "x \(x) k \(k): \(found) against \(best)")
        }
    }

    @Test("the divide-and-conquer rows match the plain O(k n^2) program on larger cases")
    func optimalAgainstPlainProgram() {
        var rng = ScenarioRNG(seed: 7)
        for _ in 0..<20 {
            let n = rng.int(20...80)
            let x = (0..<n).map { _ in rng.logUniform(0.01, 5) }.sorted()
            let k = rng.int(1...min(n, 12))
            // Plain program: best[r][j] over every last cut.
            var best = [[Double]](repeating: [Double](repeating: .infinity, count: n + 1), count: k)
            for j in 1...n { best[0][j] = Self.sse(x, [0..<j]) }
            if k > 1 {
                for r in 1..<k {
                    for j in (r + 1)...n {
                        for i in r..<j { best[r][j] = min(best[r][j], best[r - 1][i] + Self.sse(x, [i..<j])) }
                    }
                }
            }
            let found = Self.sse(x, HourlyProfile.optimalRuns(x, runs: k))
            #expect(abs(found - best[k - 1][n]) <= 1e-9 * max(1, best[k - 1][n]), "n \(n) k \(k)")
        }
    }

    @Test("ties: equal loads are sorted by hour, and the result is the same every time")
    func deterministic() {
        let columns = [[Double](repeating: 5, count: 24)]
        let a = HourlyProfile.aggregate(columns: columns, slices: 3), b = HourlyProfile.aggregate(columns: columns, slices: 3)
        #expect(a.hoursInSlice == b.hoursInSlice && a.slices == b.slices)
        #expect(a.hoursInSlice.flatMap { $0 } == Array(0..<24))
    }

    // MARK: Errors

    static func messages(_ d: [Diagnostic]) -> String { d.map(\.description).joined(separator: "\n") }

    @Test("the CSV's errors name the file, the line, the value and what was expected, all at once")
    func csvErrors() throws {
        let good = (0..<24).map { "\($0),1" }
        func check(_ lines: [String], _ expected: [(line: Int?, says: String)], ids: [String] = ["chat"], sourceLine: Int = 3) {
            let d = Self.errors(Self.scenario(Self.profile, ids: ids), files: ["p.csv": lines.joined(separator: "\n") + "\n"])
            #expect(d.count == expected.count, "\(Self.messages(d))")
            for (diagnostic, e) in zip(d, expected) {
                #expect(diagnostic.file.hasSuffix("/p.csv") && diagnostic.path == "timeSlices.hourlyProfile" && diagnostic.line == e.line,
                        "\(diagnostic)")
                #expect(diagnostic.message.contains(e.says), "\(diagnostic)")
            }
        }
        check([], [(nil, "the file is empty")])
        check(["period,chat"] + good, [(1, "expected a header row starting with `hour`")])
        check(["hour"] + good.map { _ in "0" }, [(1, "at least one workload column")])
        check(["hour,chta"] + good, [(1, "expected a workload id of the scenario as column name; did you mean `chat`?")])
        check(["hour,chat,chat"] + good.map { $0 + ",1" }, [(1, "`chat` is repeated")])
        check(["hour,chat"] + good + ["24,1"], [(nil, "expected 24, 168 or 8760 rows (a day, a week or a year of hours) after the header; the file has 25")])
        var bad = ["hour,chat"] + good
        bad[3] = "3,1"      // hour 2 on line 4 says 3
        bad[5] = "4,-1"     // a negative load, line 6
        bad[7] = "6,lots"   // not a number, line 8
        bad[9] = "8"        // too few columns, line 10
        check(bad, [(4, "expected hour 2"), (6, "expected a load (any unit) in [0, 1e30] for workload `chat`"),
                    (8, "expected a load (any unit)"), (10, "expected 2 columns like the header")])
        check(["hour,chat"] + (0..<24).map { "\($0),0" }, [(nil, "expected a positive total load for workload `chat`")])
        // Blank lines and a byte-order mark are fine.
        let fine = try? Self.load(Self.scenario(Self.profile), files: ["p.csv": "\u{FEFF}hour,chat\n\n" + good.joined(separator: "\n") + "\n\n"])
        #expect(fine?.timeSlices.count == 2)
    }

    @Test("the mapping's own errors: keys, the slice count, the file")
    func mappingErrors() {
        let csv = ["p.csv": Self.csv(["chat"], [[Double](repeating: 1, count: 24)])]
        func says(_ slices: String, _ path: String, _ text: String, slicesOverride: Int? = nil) {
            let d = Self.errors(Self.scenario(slices), files: csv, slices: slicesOverride)
            #expect(d.contains { $0.path == path && $0.description.contains(text) }, "\(Self.messages(d))")
        }
        says("{hourlyProfile: p.csv}", "timeSlices.slices", "required key missing: N")
        says("{slices: 2}", "timeSlices.hourlyProfile", "required key missing: the hourly load CSV")
        says("{hourlyProfile: p.csv, slices: 2, slice: 3}", "timeSlices.slice", "unknown key")
        says("{hourlyProfile: p.csv, slices: 2.5}", "timeSlices.slices", "expected a whole number of slices in [1, 8760], got 2.5")
        says("{hourlyProfile: p.csv, slices: 0}", "timeSlices.slices", "expected a whole number of slices in [1, 8760], got 0")
        says("{hourlyProfile: p.csv, slices: 25}", "timeSlices.slices", "expected at most 24 slices, one per hour of the profile")
        says(Self.profile, "timeSlices.slices", "got 30 (--slices)", slicesOverride: 30)
        says("{hourlyProfile: missing.csv, slices: 2}", "timeSlices.hourlyProfile", "expected a readable CSV file")
        says("{hourlyProfile: ../p.csv, slices: 2}", "timeSlices.hourlyProfile", "`..` leads out of it")
        says("{hourlyProfile: /etc/passwd, slices: 2}", "timeSlices.hourlyProfile", "absolute paths are refused")
        says("7", "timeSlices", "expected a list of time slices {name, hours, share, start} (or a mapping {hourlyProfile: FILE.csv, slices: N})")
    }

    @Test("a profile larger than the data-file cap is refused before it is read")
    func sizeCap() throws {
        let dir = try Self.directory(["p.csv": Self.csv(["chat"], [[Double](repeating: 1, count: 24)])])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: ScenarioLoadError.self) {
            try ScenarioLoader.load(text: Self.scenario(Self.profile), fileName: "s.yaml", baseDirectory: dir.path,
                                    catalog: TestCatalog.catalog, limits: ScenarioLimits(maxDataFileBytes: 20))
        }
    }

    // MARK: Slice starts

    static let clock = """
        [{name: night, hours: 8, share: 0.2, start: 22}, {name: day, hours: 10, share: 0.6, start: 6},
           {name: evening, hours: 6, share: 0.2, start: 16}]
        """

    @Test("slices on the clock: they tile the day across midnight, and round-trip through the writer")
    func startsTile() throws {
        let s = try Self.load(Self.scenario(Self.clock))
        #expect(s.timeSlices.map(\.start) == [22, 6, 16])
        let again = try ScenarioLoader.load(text: ScenarioWriter.yaml(s), fileName: "w.yaml", baseDirectory: ".", catalog: TestCatalog.catalog)
        #expect(again.scenario.timeSlices == s.timeSlices)
        #expect(ScenarioWriter.yaml(s).contains("{name: \"night\", hours: 8, share: 0.2, start: 22}"))
        // Fractions of an hour within 1e-9.
        let fine = try Self.load(Self.scenario("[{name: a, hours: 12.5, share: 0.5, start: 23.75}, {name: b, hours: 11.5, share: 0.5, start: 12.25}]"))
        #expect(fine.timeSlices.map(\.start) == [23.75, 12.25])
    }

    @Test("starts: all or none, in [0, 24), without gaps or overlaps")
    func startErrors() {
        func says(_ slices: String, _ expected: [(path: String, text: String)]) {
            let d = Self.errors(Self.scenario(slices))
            #expect(d.count == expected.count, "\(Self.messages(d))")
            for (diagnostic, e) in zip(d, expected) {
                #expect(diagnostic.path == e.path && diagnostic.description.contains(e.text), "\(diagnostic)")
            }
        }
        says("[{name: a, hours: 12, share: 0.5, start: 0}, {name: b, hours: 12, share: 0.5}]",
             [("timeSlices[1].start", "required key missing: the hour the slice begins (timeSlices[0] gives `start`, so every slice must)")])
        says("[{name: a, hours: 12, share: 0.5, start: 24}, {name: b, hours: 12, share: 0.5, start: -1}]",
             [("timeSlices[0].start", "expected the hour of the day the slice begins in [0, 24), got 24"),
              ("timeSlices[1].start", "expected the hour of the day the slice begins in [0, 24), got -1")])
        // Overlap: a covers 0-12, b begins at 11 and runs to 23, leaving 23-24 empty.
        says("[{name: a, hours: 12, share: 0.5, start: 0}, {name: b, hours: 12, share: 0.5, start: 11}]",
             [("timeSlices[0].start", "`a` covers 0 to 12 (start + hours), but the next slice by start, `b`, begins at 11"),
              ("timeSlices[1].start", "`b` covers 11 to 23 (start + hours), but the next slice by start, `a`, begins at 0")])
        // Two slices at the same start.
        says("[{name: a, hours: 12, share: 0.5, start: 6}, {name: b, hours: 12, share: 0.5, start: 6}]",
             [("timeSlices[0].start", "`a` covers 6 to 18 (start + hours), but the next slice by start, `b`, begins at 6"),
              ("timeSlices[1].start", "`b` covers 6 to 18 (start + hours), but the next slice by start, `a`, begins at 6")])
        // Hours that do not sum to 24 are reported once, without a tiling error on top.
        says("[{name: a, hours: 12, share: 0.5, start: 0}, {name: b, hours: 11, share: 0.5, start: 12}]",
             [("timeSlices", "expected the slices' hours to sum to 24")])
        says("[{name: a, hours: 12, share: 0.5, start: noon}, {name: b, hours: 12, share: 0.5, start: 12}]",
             [("timeSlices[0].start", "expected the hour of the day the slice begins (0 <= start < 24), got noon")])
    }
}
