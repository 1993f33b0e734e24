// Time slices from an hourly load file: `timeSlices: {hourlyProfile: FILE.csv, slices: N}`
// (docs/formulation.md 11.6, docs/scenario-format.md "Time slices").
// The CSV has a header `hour,<workload ids...>` and 24, 168 or 8760 rows (a day, a week, a
// year); its hours are sorted by load and cut into N runs of similar load (load-duration
// style), each run a slice. The file is read like a demand CSV (DemandCSV.swift): inside the
// scenario's directory, a regular file, capped, errors with the CSV's line numbers.
import Foundation

/// `timeSlices` written as a mapping, as read by pass 1.
struct RawHourlyProfile {
    var node: DocNode
    var file: Loc<String>?
    var slices: Loc<Double>?
}

extension ScenarioKeys {
    static let hourlyProfile = ["hourlyProfile", "slices"]
}

extension ScenarioDocumentDecoder {
    /// Pass 1 of `timeSlices: {hourlyProfile: FILE.csv, slices: N}`.
    func hourlyProfile(_ node: DocNode) -> RawHourlyProfile? {
        guard let m = reader.mapping(node, "timeSlices", allowed: ScenarioKeys.hourlyProfile,
                                     what: "time slices from an hourly profile {hourlyProfile: FILE.csv, slices: N}") else { return nil }
        var raw = RawHourlyProfile(node: node)
        if let v = m["hourlyProfile"] {
            raw.file = reader.string(v.value, "timeSlices.hourlyProfile", expected: "expected a CSV file path")
        } else {
            sink.error("timeSlices.hourlyProfile", at: node, "required key missing: the hourly load CSV (header `hour,<workload ids>`, 24, 168 or 8760 rows)")
        }
        if let v = m["slices"] {
            raw.slices = reader.number(v.value, "timeSlices.slices", expected: "expected a whole number of slices >= 1")
        } else {
            sink.error("timeSlices.slices", at: node, "required key missing: N, the number of slices to build from the hourly profile")
        }
        return raw
    }
}

/// The time slices built from an hourly profile, and what the validator attaches to the scenario.
struct HourlyProfileResult {
    var slices: [TimeSlice]
    /// σ_wi per workload with a column, in slice order.
    var profiles: [String: [Double]]
    var source: HourlyProfileSource
}

/// The aggregation of 11.6, free of files and diagnostics.
enum HourlyProfile {
    /// Rows a profile may have: a day, a week, a year.
    static let allowedRows = [24, 168, 8760]
    /// A load value: any unit, only the shape counts; bounded so that sums stay finite.
    static let load = ValueRule("a load (any unit)", .inclusive(0), .inclusive(1e30))

    /// Aggregates `columns` (per workload, the load of each hour; every total positive) into
    /// `slices` slices (1 <= slices <= hours). Returns the slices (named `h01`... by rising load),
    /// each column's shares per slice, the hours in each slice and their deviations.
    static func aggregate(columns: [[Double]], slices count: Int) -> (slices: [TimeSlice], profiles: [[Double]], hoursInSlice: [[Int]], maxDeviation: [Double], meanDeviation: [Double]) {
        let rows = columns[0].count
        let totals = columns.map { $0.reduce(0, +) }
        // 1. L_t: each workload normalised to its total.
        var load = [Double](repeating: 0, count: rows)
        for (c, column) in columns.enumerated() {
            for t in 0..<rows { load[t] += column[t] / totals[c] }
        }
        // 2. Hours sorted by load, ties by hour; cut into runs minimising the squared deviations.
        let order = (0..<rows).sorted { (load[$0], $0) < (load[$1], $1) }
        let runs = optimalRuns(order.map { load[$0] }, runs: count)
        let totalLoad = load.reduce(0, +)
        let width = max(2, String(count).count)
        var slices: [TimeSlice] = []
        var profiles = [[Double]](repeating: [], count: columns.count)
        var hoursInSlice: [[Int]] = []
        var maxDeviation: [Double] = [], meanDeviation: [Double] = []
        for (i, run) in runs.enumerated() {
            let hours = order[run].sorted()
            let sum = hours.reduce(0.0) { $0 + load[$1] }
            // 3. η_i, σ_i and σ_wi.
            let name = "h" + String(repeating: "0", count: max(0, width - String(i + 1).count)) + String(i + 1)
            slices.append(TimeSlice(name: name, hours: Double(hours.count) * 24 / Double(rows), share: sum / totalLoad))
            for (c, column) in columns.enumerated() {
                profiles[c].append(hours.reduce(0.0) { $0 + column[$1] } / totals[c])
            }
            hoursInSlice.append(hours)
            let mean = sum / Double(hours.count)
            let deviations = hours.map { mean > 0 ? abs(load[$0] - mean) / mean : 0 }
            maxDeviation.append(deviations.max() ?? 0)
            meanDeviation.append(deviations.reduce(0, +) / Double(hours.count))
        }
        return (slices, profiles, hoursInSlice, maxDeviation, meanDeviation)
    }

    /// Cuts `values` (sorted) into `runs` contiguous non-empty runs with the least total
    /// within-run sum of squared deviations from the run's mean: the exact 1-D dynamic program
    /// (Wang and Song's Ckmeans.1d.dp). Row r of the table is computed by divide and conquer:
    /// for sorted data the best last cut never moves left as the prefix grows (the cost is
    /// Monge), so each row takes O(n log n) instead of O(n^2). Ties go to the earliest cut.
    static func optimalRuns(_ values: [Double], runs: Int) -> [Range<Int>] {
        let n = values.count
        precondition(runs >= 1 && runs <= n, "1 <= runs <= values")
        // Centred prefix sums keep the cancellation in S2 - S^2/len small.
        let mean = values.reduce(0, +) / Double(n)
        var s = [Double](repeating: 0, count: n + 1), q = [Double](repeating: 0, count: n + 1)
        for (i, v) in values.enumerated() {
            s[i + 1] = s[i] + (v - mean)
            q[i + 1] = q[i] + (v - mean) * (v - mean)
        }
        func cost(_ i: Int, _ j: Int) -> Double {  // values[i..<j]
            let d = s[j] - s[i]
            return max(0, q[j] - q[i] - d * d / Double(j - i))
        }
        // best[j]: least cost of values[0..<j] in r + 1 runs; cut[r][j]: where its last run starts.
        var best = (0...n).map { $0 == 0 ? Double.infinity : cost(0, $0) }
        var cut: [[Int]] = [[Int](repeating: 0, count: n + 1)]
        for r in 1..<runs {
            var next = [Double](repeating: .infinity, count: n + 1)
            var from = [Int](repeating: 0, count: n + 1)
            // next[j] = min over i in r..<j of best[i] + cost(i, j), for j in (r + 1)...n.
            func solve(_ jLo: Int, _ jHi: Int, _ iLo: Int, _ iHi: Int) {
                guard jLo <= jHi else { return }
                let j = (jLo + jHi) / 2
                var bestValue = Double.infinity, bestI = iLo
                for i in iLo...min(iHi, j - 1) {
                    let v = best[i] + cost(i, j)
                    if v < bestValue { bestValue = v; bestI = i }
                }
                next[j] = bestValue
                from[j] = bestI
                solve(jLo, j - 1, iLo, bestI)
                solve(j + 1, jHi, bestI, iHi)
            }
            // Only prefixes that leave an item for each later run are needed.
            solve(r + 1, n - (runs - 1 - r), r, n - 1)
            best = next
            cut.append(from)
        }
        var result: [Range<Int>] = []
        var end = n
        for r in stride(from: runs - 1, through: 0, by: -1) {
            let start = r == 0 ? 0 : cut[r][end]
            result.append(start..<end)
            end = start
        }
        return result.reversed()
    }
}

extension ScenarioValidator {
    /// Pass 2 of `timeSlices: {hourlyProfile, slices}`: reads the CSV and aggregates it. Columns
    /// must name workloads of the scenario (as written: their own checks come later).
    func validateHourlyProfile(_ raw: RawHourlyProfile, workloads: Loc<[RawWorkload]>?) -> HourlyProfileResult? {
        var count: Int?
        if let n = raw.slices {
            let rule = ValueRule("a whole number of slices", .inclusive(1), .inclusive(Double(HourlyProfile.allowedRows.last!)), whole: true)
            count = whole(n, rule)
        }
        if let override = slicesOverride {
            count = override >= 1 ? override : nil
            if override < 1 {
                sink.error("timeSlices.slices", at: raw.slices?.node ?? raw.node, value: "\(override) (--slices)", "expected a whole number of slices >= 1")
            }
        }
        guard let file = raw.file else { return nil }
        let ids = Set(workloads?.value.compactMap { $0.id?.value } ?? [])
        guard let columns = readColumns(file, workloadIDs: ids, known: workloads != nil) else { return nil }
        let rows = columns.loads[0].count
        guard let n = count else { return nil }
        if n > rows {
            let given = slicesOverride != nil ? "\(n) (--slices)" : raw.slices?.node.written
            sink.error("timeSlices.slices", at: raw.slices?.node ?? raw.node, value: given,
                       "expected at most \(rows) slices, one per hour of the profile (\(DemandCSV.displayPath(file.value, baseDirectory: baseDirectory)) has \(rows) rows)")
            return nil
        }
        let a = HourlyProfile.aggregate(columns: columns.loads, slices: n)
        var profiles: [String: [Double]] = [:]
        for (c, id) in columns.ids.enumerated() { profiles[id] = a.profiles[c] }
        return HourlyProfileResult(
            slices: a.slices, profiles: profiles,
            source: HourlyProfileSource(file: file.value, hours: rows, slices: n, hoursInSlice: a.hoursInSlice,
                                        maxRelativeDeviation: a.maxDeviation, meanRelativeDeviation: a.meanDeviation))
    }

    /// Sets the profiles of the workloads with a column and the scenario's source. A workload
    /// that also gives its own `profile` (over the built slices, checked with the others) keeps
    /// it: the profile wins over its column.
    func applyHourlyProfile(_ result: HourlyProfileResult, to scenario: inout Scenario, workloads: Loc<[RawWorkload]>?) {
        for i in scenario.workloads.indices where scenario.workloads[i].profile == nil {
            if let profile = result.profiles[scenario.workloads[i].id] { scenario.workloads[i].profile = profile }
        }
        scenario.hourlyProfile = result.source
    }

    /// The CSV's workload columns (ids in file order, loads per hour), every problem reported.
    private func readColumns(_ file: Loc<String>, workloadIDs: Set<String>, known: Bool) -> (ids: [String], loads: [[Double]])? {
        let shown = DemandCSV.displayPath(file.value, baseDirectory: baseDirectory)
        guard let text = DemandCSV.readText(
            file: file, baseDirectory: baseDirectory, allowOutsidePaths: allowOutsidePaths, maxBytes: limits.maxDataFileBytes, sink: sink) else {
            return nil
        }
        var ok = true
        func fail(_ line: Int?, _ value: String?, _ message: String) {
            sink.add(.error, file.path, at: file.node, value: value, message, file: shown, line: line, sortAt: file.node)
            ok = false
        }
        let lines = DemandCSV.lines(text)
        let cells = DemandCSV.cells
        let expectedRows = "24, 168 or 8760 rows (a day, a week or a year of hours)"
        guard let headerIndex = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) else {
            fail(nil, nil, "expected a header row `hour,<workload ids>` and \(expectedRows); the file is empty")
            return nil
        }
        let header = cells(lines[headerIndex])
        let headerText = lines[headerIndex].trimmingCharacters(in: .whitespacesAndNewlines)
        if header.first != "hour" {
            fail(headerIndex + 1, headerText, "expected a header row starting with `hour`, then one column per workload: `hour,<workload ids>`")
            return nil
        }
        let ids = Array(header.dropFirst())
        if ids.isEmpty { fail(headerIndex + 1, headerText, "expected at least one workload column after `hour`") }
        var seen: Set<String> = []
        for id in ids {
            if !seen.insert(id).inserted {
                fail(headerIndex + 1, id, "expected each workload once in the header (`\(id)` is repeated)")
            } else if known, !workloadIDs.contains(id) {
                fail(headerIndex + 1, id, "expected a workload id of the scenario as column name\(didYouMean(id, in: workloadIDs.sorted()))")
            }
        }
        guard ok else { return nil }
        var loads = [[Double]](repeating: [], count: ids.count)
        var rows = 0
        for i in (headerIndex + 1)..<lines.count {
            let rawLine = lines[i].trimmingCharacters(in: .whitespacesAndNewlines)
            if rawLine.isEmpty { continue }
            let lineNumber = i + 1
            let hour = rows
            rows += 1
            // More rows than a year: stop reading (the count is reported below).
            if rows > HourlyProfile.allowedRows.last! { continue }
            let row = cells(rawLine)
            guard row.count == header.count else {
                fail(lineNumber, rawLine, "expected \(header.count) columns like the header")
                continue
            }
            if Int(row[0]) != hour {
                fail(lineNumber, row[0], "expected hour \(hour): the `hour` column counts 0, 1, 2, ... in order")
            }
            for c in ids.indices {
                if let v = parseNumber(row[c + 1]), HourlyProfile.load.allows(v) {
                    loads[c].append(v)
                } else {
                    fail(lineNumber, row[c + 1], "expected \(HourlyProfile.load.expected) for workload `\(ids[c])`")
                }
            }
        }
        if !HourlyProfile.allowedRows.contains(rows) {
            fail(nil, nil, "expected \(expectedRows) after the header; the file has \(rows)")
        }
        guard ok else { return nil }
        for (c, id) in ids.enumerated() where !(loads[c].reduce(0, +) > 0) {
            fail(nil, id, "expected a positive total load for workload `\(id)` (every hour is 0, so its shape is undefined)")
        }
        return ok ? (ids, loads) : nil
    }
}
