import Foundation

// Inline SVG charts drawn in Swift: no script library, no network. Every drawn datum is an
// element of class `mark` with a `data-series` attribute, so a browser test can count the
// marks of each series (docs/report.md, "Browser test").

/// One named series of a chart, with its colour.
struct ChartSeries {
    var name: String
    var color: String
    var values: [Double]
}

/// A chart's frame: size, margins and the value axis.
struct ChartFrame {
    static let width = 760.0, height = 300.0
    static let left = 78.0, right = 150.0, top = 16.0, bottom = 46.0
    var plotWidth: Double { Self.width - Self.left - Self.right }
    var plotHeight: Double { Self.height - Self.top - Self.bottom }
    var maximum: Double
    var minimum = 0.0

    func y(_ value: Double) -> Double {
        let span = maximum - minimum
        return Self.top + plotHeight * (1 - (span > 0 ? (value - minimum) / span : 0))
    }
}

enum SVGChart {
    /// A coordinate or length with one decimal: the same bytes on every run and platform.
    static func n(_ value: Double) -> String { String(format: "%.1f", value + 0) }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A "nice" axis top and step (1, 2 or 5 × 10^k) for values up to `maximum`.
    static func niceScale(_ maximum: Double, ticks: Int = 5) -> (top: Double, step: Double) {
        guard maximum > 0, maximum.isFinite else { return (1, 0.2) }
        let raw = maximum / Double(ticks)
        let power = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        return ((maximum / step).rounded(.up) * step, step)
    }

    static func open(_ id: String, title: String, height: Double = ChartFrame.height) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"\(id)\" viewBox=\"0 0 \(n(ChartFrame.width)) \(n(height))\" role=\"img\" aria-label=\"\(escape(title))\">\n"
    }

    /// Horizontal grid lines with value labels.
    static func valueAxis(_ frame: ChartFrame, step: Double, format: (Double) -> String) -> String {
        var out = ""
        var value = frame.minimum
        while value <= frame.maximum + step * 1e-9 {
            let y = frame.y(value)
            out += "<line class=\"grid\" x1=\"\(n(ChartFrame.left))\" y1=\"\(n(y))\" x2=\"\(n(ChartFrame.left + frame.plotWidth))\" y2=\"\(n(y))\"/>"
            out += "<text class=\"tick\" x=\"\(n(ChartFrame.left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(escape(format(value)))</text>\n"
            value += step
        }
        return out
    }

    /// Category labels under the plot, thinned so that they do not overlap.
    static func categoryAxis(_ labels: [String], x: (Int) -> Double) -> String {
        guard !labels.isEmpty else { return "" }
        let room = (ChartFrame.width - ChartFrame.left - ChartFrame.right) / Double(labels.count)
        let every = max(1, Int((52 / room).rounded(.up)))
        var out = ""
        for (i, label) in labels.enumerated() where i % every == 0 {
            out += "<text class=\"tick\" x=\"\(n(x(i)))\" y=\"\(n(ChartFrame.height - ChartFrame.bottom + 16))\" text-anchor=\"middle\">\(escape(label))</text>"
        }
        return out + "\n"
    }

    /// Said in the plot when a chart has no series (no owned or rented units).
    static func emptyNote(_ frame: ChartFrame) -> String {
        "<text class=\"legend\" x=\"\(n(ChartFrame.left + frame.plotWidth / 2))\" y=\"\(n(ChartFrame.top + frame.plotHeight / 2))\" text-anchor=\"middle\">none in this plan</text>\n"
    }

    static func legend(_ entries: [(name: String, color: String, shape: String)]) -> String {
        var out = ""
        for (i, entry) in entries.enumerated() {
            let y = ChartFrame.top + 8 + Double(i) * 18
            let x = ChartFrame.width - ChartFrame.right + 14
            switch entry.shape {
            case "line":
                out += "<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x + 12))\" y2=\"\(n(y))\" stroke=\"\(entry.color)\" stroke-width=\"2.5\"/>"
            case "order":
                out += "<path d=\"M\(n(x)) \(n(y - 5))h12l-6 10z\" fill=\"\(entry.color)\"/>"
            case "arrival":
                out += "<circle cx=\"\(n(x + 6))\" cy=\"\(n(y))\" r=\"5\" fill=\"\(entry.color)\"/>"
            default:
                out += "<rect x=\"\(n(x))\" y=\"\(n(y - 6))\" width=\"12\" height=\"12\" fill=\"\(entry.color)\"/>"
            }
            out += "<text class=\"legend\" x=\"\(n(x + 18))\" y=\"\(n(y + 4))\">\(escape(String(entry.name.prefix(24))))</text>\n"
        }
        return out
    }

    /// Stacked bars per category; an optional line series drawn over them (demand).
    static func stackedBars(
        id: String, title: String, categories: [String], series: [ChartSeries], line: ChartSeries? = nil,
        format: (Double) -> String, overlay: ((ChartFrame, (Int) -> Double) -> String)? = nil,
        extraLegend: [(name: String, color: String, shape: String)] = []
    ) -> String {
        var tallest = 0.0
        for c in categories.indices {
            tallest = max(tallest, series.reduce(0) { $0 + max(0, $1.values[c]) }, line.map { $0.values[c] } ?? 0)
        }
        let (top, step) = niceScale(tallest)
        let frame = ChartFrame(maximum: top)
        let slot = frame.plotWidth / Double(max(1, categories.count))
        func center(_ c: Int) -> Double { ChartFrame.left + slot * (Double(c) + 0.5) }
        var out = open(id, title: title) + valueAxis(frame, step: step, format: format)
        for c in categories.indices {
            var base = 0.0
            for s in series where s.values[c] > 0 {
                let y0 = frame.y(base), y1 = frame.y(base + s.values[c])
                out += "<rect class=\"mark\" data-series=\"\(escape(s.name))\" x=\"\(n(center(c) - slot * 0.36))\" y=\"\(n(y1))\" width=\"\(n(slot * 0.72))\" height=\"\(n(max(0.6, y0 - y1)))\" fill=\"\(s.color)\"><title>\(escape(categories[c])) \(escape(s.name)): \(escape(format(s.values[c])))</title></rect>\n"
                base += s.values[c]
            }
        }
        if let line {
            out += polyline(line, x: center, frame: frame, categories: categories, format: format)
        }
        if let overlay { out += overlay(frame, center) }
        if series.isEmpty && line == nil { out += emptyNote(frame) }
        out += categoryAxis(categories, x: center)
        var entries = series.map { (name: $0.name, color: $0.color, shape: "box") }
        if let line { entries.append((name: line.name, color: line.color, shape: "line")) }
        entries += extraLegend
        return out + legend(entries) + "</svg>\n"
    }

    /// A line through the points with a circle mark at each; nil values break the line.
    static func polyline(_ s: ChartSeries, x: (Int) -> Double, frame: ChartFrame, categories: [String],
                         format: (Double) -> String, present: ((Int) -> Bool)? = nil) -> String {
        var out = ""
        var run: [String] = []
        func flush() {
            if run.count > 1 { out += "<polyline class=\"line\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\" points=\"\(run.joined(separator: " "))\"/>\n" }
            run = []
        }
        for c in s.values.indices {
            guard present?(c) ?? true else { flush(); continue }
            let point = "\(n(x(c))),\(n(frame.y(s.values[c])))"
            run.append(point)
        }
        flush()
        for c in s.values.indices where present?(c) ?? true {
            out += "<circle class=\"mark\" data-series=\"\(escape(s.name))\" cx=\"\(n(x(c)))\" cy=\"\(n(frame.y(s.values[c])))\" r=\"3\" fill=\"\(s.color)\"><title>\(escape(categories[c])) \(escape(s.name)): \(escape(format(s.values[c])))</title></circle>\n"
        }
        return out
    }

    /// Lines over categories; `present[s][c]` false leaves a gap (an offering not in service).
    static func lines(
        id: String, title: String, categories: [String], series: [ChartSeries], present: [[Bool]], maximum: Double? = nil,
        format: (Double) -> String
    ) -> String {
        let tallest = maximum ?? series.flatMap(\.values).max() ?? 0
        let (top, step) = maximum.map { ($0, $0 / 5) } ?? niceScale(tallest)
        let frame = ChartFrame(maximum: top)
        let slot = frame.plotWidth / Double(max(1, categories.count))
        func center(_ c: Int) -> Double { ChartFrame.left + slot * (Double(c) + 0.5) }
        var out = open(id, title: title) + valueAxis(frame, step: step, format: format)
        for (k, s) in series.enumerated() {
            out += polyline(s, x: center, frame: frame, categories: categories, format: format, present: { present[k][$0] })
        }
        if series.isEmpty { out += emptyNote(frame) }
        out += categoryAxis(categories, x: center)
        return out + legend(series.map { (name: $0.name, color: $0.color, shape: "line") }) + "</svg>\n"
    }

    /// Horizontal stacked bars, one row per item (cost per workload).
    static func horizontalBars(id: String, title: String, rows: [String], series: [ChartSeries], format: (Double) -> String) -> String {
        let widest = rows.indices.map { r in series.reduce(0) { $0 + max(0, $1.values[r]) } }.max() ?? 0
        let (top, step) = niceScale(widest, ticks: 4)
        let labelWidth = 130.0
        let plotLeft = ChartFrame.left + labelWidth - 60, plotWidth = ChartFrame.width - plotLeft - ChartFrame.right
        let plotHeight = ChartFrame.height - ChartFrame.top - ChartFrame.bottom
        let band = plotHeight / Double(max(1, rows.count))
        func x(_ value: Double) -> Double { plotLeft + plotWidth * (top > 0 ? value / top : 0) }
        var out = open(id, title: title)
        var value = 0.0
        while value <= top + step * 1e-9 {
            out += "<line class=\"grid\" x1=\"\(n(x(value)))\" y1=\"\(n(ChartFrame.top))\" x2=\"\(n(x(value)))\" y2=\"\(n(ChartFrame.top + plotHeight))\"/>"
            out += "<text class=\"tick\" x=\"\(n(x(value)))\" y=\"\(n(ChartFrame.top + plotHeight + 16))\" text-anchor=\"middle\">\(escape(format(value)))</text>\n"
            value += step
        }
        for (r, row) in rows.enumerated() {
            let y = ChartFrame.top + band * Double(r)
            out += "<text class=\"tick\" x=\"\(n(plotLeft - 6))\" y=\"\(n(y + band / 2 + 4))\" text-anchor=\"end\">\(escape(String(row.prefix(18))))</text>"
            var base = 0.0
            for s in series where s.values[r] > 0 {
                out += "<rect class=\"mark\" data-series=\"\(escape(s.name))\" x=\"\(n(x(base)))\" y=\"\(n(y + band * 0.18))\" width=\"\(n(max(0.6, x(base + s.values[r]) - x(base))))\" height=\"\(n(band * 0.64))\" fill=\"\(s.color)\"><title>\(escape(row)) \(escape(s.name)): \(escape(format(s.values[r])))</title></rect>\n"
                base += s.values[r]
            }
        }
        return out + legend(series.map { (name: $0.name, color: $0.color, shape: "box") }) + "</svg>\n"
    }

    /// Points on a logarithmic or linear x axis, one line per series (break-even, sweeps).
    static func scatter(
        id: String, title: String, xs: [Double], series: [ChartSeries], present: [[Bool]], logX: Bool, xFormat: (Double) -> String,
        format: (Double) -> String, marker: (x: Double, label: String)? = nil
    ) -> String {
        let shown = series.enumerated().flatMap { k, s in s.values.indices.filter { present[k][$0] }.map { s.values[$0] } }
        let (top, step) = niceScale(shown.max() ?? 0)
        let frame = ChartFrame(maximum: top)
        func t(_ v: Double) -> Double { logX ? log10(max(v, 1e-300)) : v }
        let lo = xs.map(t).min() ?? 0, hi = xs.map(t).max() ?? 1
        func x(_ v: Double) -> Double { ChartFrame.left + frame.plotWidth * (hi > lo ? (t(v) - lo) / (hi - lo) : 0.5) }
        var out = open(id, title: title) + valueAxis(frame, step: step, format: format)
        let labels = xs.map(xFormat)
        for (k, s) in series.enumerated() {
            out += polyline(s, x: { x(xs[$0]) }, frame: frame, categories: labels, format: format, present: { present[k][$0] })
        }
        // At most about seven x labels: powers of ten on a log axis, else evenly spread data points.
        var ticks: [Double] = []
        if logX, hi > lo {
            let first = Int(lo.rounded(.up)), last = Int(hi.rounded(.down))
            let every = max(1, (last - first + 1 + 6) / 7)
            ticks = stride(from: first, through: last, by: every).map { pow(10, Double($0)) }
        } else {
            let every = max(1, (xs.count + 6) / 7)
            ticks = xs.indices.filter { $0 % every == 0 }.map { xs[$0] }
        }
        for tick in ticks {
            out += "<text class=\"tick\" x=\"\(n(x(tick)))\" y=\"\(n(ChartFrame.height - ChartFrame.bottom + 16))\" text-anchor=\"middle\">\(escape(xFormat(tick)))</text>"
        }
        if let marker, marker.x.isFinite {
            let mx = x(marker.x)
            out += "\n<line class=\"mark\" data-series=\"\(escape(marker.label))\" x1=\"\(n(mx))\" y1=\"\(n(ChartFrame.top))\" x2=\"\(n(mx))\" y2=\"\(n(ChartFrame.top + frame.plotHeight))\" stroke=\"#444\" stroke-dasharray=\"4 3\"/>"
            out += "<text class=\"tick\" x=\"\(n(mx + 4))\" y=\"\(n(ChartFrame.top + 12))\">\(escape(marker.label))</text>"
        }
        return out + "\n" + legend(series.map { (name: $0.name, color: $0.color, shape: "line") }) + "</svg>\n"
    }

    /// One bar on a timeline of periods.
    struct Span {
        var label: String
        /// Category indices: the bar covers start ..< end.
        var start: Int
        var end: Int
        var color: String
        /// The tooltip.
        var title: String
    }

    /// Bars over a period axis, one row per span (contracts over time). The horizon ends before
    /// category `horizonEnd` (a dashed line); a span's part after it is drawn paler and dashed,
    /// as the series `beyond`, the part inside as the series `inside`.
    static func timeline(id: String, title: String, categories: [String], horizonEnd: Int, spans: [Span],
                         inside: String, beyond: String) -> String {
        let rowHeight = 22.0, top = ChartFrame.top, bottom = ChartFrame.bottom
        let height = top + bottom + rowHeight * Double(max(4, spans.count))
        let labelWidth = 150.0
        let plotLeft = labelWidth + 8, plotWidth = ChartFrame.width - plotLeft - ChartFrame.right
        let slot = plotWidth / Double(max(1, categories.count))
        func x(_ c: Int) -> Double { plotLeft + slot * Double(c) }
        var out = open(id, title: title, height: height)
        for c in 0...categories.count {
            out += "<line class=\"grid\" x1=\"\(n(x(c)))\" y1=\"\(n(top))\" x2=\"\(n(x(c)))\" y2=\"\(n(height - bottom))\"/>"
        }
        out += "\n"
        let every = max(1, Int((52 / slot).rounded(.up)))
        for (c, label) in categories.enumerated() where c % every == 0 {
            out += "<text class=\"tick\" x=\"\(n(x(c) + slot / 2))\" y=\"\(n(height - bottom + 16))\" text-anchor=\"middle\">\(escape(label))</text>"
        }
        out += "\n"
        for (r, span) in spans.enumerated() {
            let y = top + rowHeight * Double(r)
            out += "<text class=\"tick\" x=\"\(n(plotLeft - 6))\" y=\"\(n(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(escape(String(span.label.prefix(26))))</text>"
            let title = escape(span.title)
            let split = min(max(span.start, horizonEnd), span.end)
            if split > span.start {
                out += "<rect class=\"mark\" data-series=\"\(escape(inside))\" x=\"\(n(x(span.start) + 1))\" y=\"\(n(y + 4))\" width=\"\(n(x(split) - x(span.start) - 2))\" height=\"\(n(rowHeight - 8))\" fill=\"\(span.color)\"><title>\(title)</title></rect>"
            }
            if span.end > split {
                out += "<rect class=\"mark\" data-series=\"\(escape(beyond))\" x=\"\(n(x(split) + 1))\" y=\"\(n(y + 4))\" width=\"\(n(x(span.end) - x(split) - 2))\" height=\"\(n(rowHeight - 8))\" fill=\"\(span.color)\" fill-opacity=\"0.35\" stroke=\"\(span.color)\" stroke-dasharray=\"3 2\"><title>\(title)</title></rect>"
            }
            out += "\n"
        }
        if horizonEnd < categories.count {
            let hx = x(horizonEnd)
            out += "<line x1=\"\(n(hx))\" y1=\"\(n(top - 4))\" x2=\"\(n(hx))\" y2=\"\(n(height - bottom))\" stroke=\"#444\" stroke-dasharray=\"4 3\"/>"
            out += "<text class=\"tick\" x=\"\(n(hx + 4))\" y=\"\(n(height - bottom - 4))\">horizon ends</text>\n"
        }
        if spans.isEmpty {
            out += "<text class=\"legend\" x=\"\(n(plotLeft + plotWidth / 2))\" y=\"\(n(height / 2))\" text-anchor=\"middle\">none in this plan</text>\n"
        }
        return out + legend([(name: inside, color: "#4e79a7", shape: "box"), (name: beyond, color: "#4e79a755", shape: "box")]) + "</svg>\n"
    }
}
