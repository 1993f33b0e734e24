import Foundation

/// How numbers and money are written for people, in every report and message: one rule for
/// each, so that two reports (or two lines of one) never disagree about the same amount.
///
/// None of them prints `-0`: a value that shows as zero shows without a sign. None converts to
/// an integer type, so no value is too large to print.
public enum Formatting {
    /// USD: whole dollars with thousands separators from 1,000 up ("$1,234,567"), cents below
    /// ("$12.50", "$12"), and up to four significant digits below one dollar ("$0.075", "$0.50").
    public static func money(_ usd: Double) -> String {
        guard usd.isFinite else { return (usd < 0 ? "-$" : "$") + "\(usd.magnitude)" }
        let magnitude = usd.magnitude
        let text: String
        if (magnitude * 100).rounded() / 100 >= 1000 {
            text = digits(magnitude, fractionDigits: 0, grouped: true)
        } else if magnitude >= 1 || magnitude == 0 {
            let cents = digits(magnitude, fractionDigits: 2, keepFractionDigits: 2, grouped: false)
            text = cents.hasSuffix(".00") ? String(cents.dropLast(3)) : cents
        } else {
            // Four significant digits: as many decimals as the leading zeros need, at most 10.
            let decimals = min(10, max(2, 3 - Int(log10(magnitude).rounded(.down))))
            let small = digits(magnitude, fractionDigits: decimals, keepFractionDigits: 2, grouped: false)
            text = small.contains(where: \.isNonZeroDigit) ? small : "0"
        }
        return signed(usd, text, prefix: "$")
    }

    /// A quantity: at most `fractionDigits` decimals with trailing zeros dropped ("2.5", "3",
    /// "0.075"), and thousands separators when `grouped` ("1,234,567.5").
    public static func number(_ value: Double, fractionDigits: Int = 2, grouped: Bool = false) -> String {
        guard value.isFinite else { return "\(value)" }
        return signed(value, digits(value.magnitude, fractionDigits: fractionDigits, grouped: grouped))
    }

    /// `digits` significant digits in C's `%g` style ("123457", "1.5e-07"), for figures in messages.
    public static func significant(_ value: Double, digits: Int = 6) -> String {
        guard value.isFinite else { return "\(value)" }
        return signed(value, String(format: "%.\(digits)g", value.magnitude))
    }

    /// Tokens with a scale suffix: "1.23T", "4.50B", "12.00M", "3.20k", "512".
    public static func tokens(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let scales: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]
        for (scale, suffix) in scales where value.magnitude >= scale {
            return signed(value, String(format: "%.2f", value.magnitude / scale)) + suffix
        }
        return signed(value, String(format: "%.0f", value.magnitude))
    }

    /// A fraction as a percentage with fixed decimals: 0.125 -> "12.5%".
    public static func percent(_ fraction: Double, fractionDigits: Int = 1) -> String {
        guard fraction.isFinite else { return "\(fraction * 100)%" }
        return signed(fraction, String(format: "%.\(fractionDigits)f", fraction.magnitude * 100)) + "%"
    }

    // MARK: Parts

    /// The digits of a non-negative finite value rounded to `fractionDigits` decimals, trailing
    /// zeros dropped down to `keepFractionDigits`.
    private static func digits(_ magnitude: Double, fractionDigits: Int, keepFractionDigits: Int = 0, grouped: Bool) -> String {
        var text = String(format: "%.\(max(0, fractionDigits))f", magnitude)
        var fraction = ""
        if let dot = text.firstIndex(of: ".") {
            fraction = String(text[dot...])
            text = String(text[..<dot])
            while fraction.count - 1 > keepFractionDigits, fraction.hasSuffix("0") { fraction.removeLast() }
            if fraction == "." { fraction = "" }
        }
        if grouped {
            var groups: [Substring] = []
            var rest = Substring(text)
            while rest.count > 3 {
                groups.insert(rest.suffix(3), at: 0)
                rest = rest.dropLast(3)
            }
            groups.insert(rest, at: 0)
            text = groups.joined(separator: ",")
        }
        return text + fraction
    }

    /// `prefix` + `text`, with a minus sign when the value is negative and the text shows a
    /// non-zero digit.
    private static func signed(_ value: Double, _ text: String, prefix: String = "") -> String {
        (value < 0 && text.contains(where: \.isNonZeroDigit) ? "-" : "") + prefix + text
    }
}

private extension Character {
    var isNonZeroDigit: Bool { self >= "1" && self <= "9" }
}
