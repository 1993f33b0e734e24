// The one way CapPlan writes YAML text: scenarios (ScenarioWriter, `capplan init`) and plan
// files (PlanInputWriter). Everything written reads back through `DocumentReader` as the same
// text or number, and no control character reaches the file raw.

enum YAMLText {
    /// A double-quoted scalar; `"`, `\` and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                // C0, DEL, C1, and the line and paragraph separators YAML treats as line breaks.
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF {
                    out += "\\u" + hex(scalar.value, width: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `text` plain when it would read back as the same text (an id like `h100-node`),
    /// double-quoted otherwise (numbers, period labels, booleans, anything unusual).
    static func scalar(_ text: String) -> String {
        let plainBytes = text.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "/") || b == UInt8(ascii: "-")
        }
        let startsWell = text.utf8.first.map { b in (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) } ?? false
        let reserved = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"].contains(text.lowercased())
        if plainBytes, startsWell, !reserved, PeriodLabel(text) == nil, parseNumber(text) == nil { return text }
        return quoted(text)
    }

    /// The shortest text that reads back to the same Double; whole numbers without a
    /// fraction, and never `-0`.
    static func number(_ x: Double) -> String {
        if x == 0 { return "0" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return x.description
    }

    /// `[1, 2.5, 3]`.
    static func list(_ values: [Double]) -> String { "[" + values.map(number).joined(separator: ", ") + "]" }

    /// `text` made safe for a one-line `#` comment.
    static func comment(_ text: String) -> String {
        InputText.escape(text)
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
