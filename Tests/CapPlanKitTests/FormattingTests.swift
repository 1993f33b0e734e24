// The one money and number format of every report: rounding, separators, no `-0`, no limit
// on size.

import Testing
@testable import CapPlanKit

@Suite("Formatting")
struct FormattingTests {
    @Test func moneyDropsCentsFromOneThousandAndKeepsThemBelow() {
        #expect(Formatting.money(1_234_567.49) == "$1,234,567")
        #expect(Formatting.money(999.5) == "$999.50")
        #expect(Formatting.money(12) == "$12")
        #expect(Formatting.money(0.5) == "$0.50")
        #expect(Formatting.money(0.075) == "$0.075")
        #expect(Formatting.money(-2_500) == "-$2,500")
        #expect(Formatting.money(0) == "$0")
    }

    /// The report's money format converted to Int64 and trapped above 9.2e18 USD.
    @Test func moneyPrintsCostsBeyondTheRangeOfInt64() {
        #expect(Formatting.money(1e19) == "$10,000,000,000,000,000,000")
        #expect(Formatting.money(-9.3e18) == "-$9,300,000,000,000,000,000")
        #expect(Formatting.money(1.5e20) == "$150,000,000,000,000,000,000")
        #expect(Formatting.money(.infinity) == "$inf")
    }

    @Test func nothingPrintsMinusZero() {
        for value in [-0.0, -1e-12, -1e-300] { #expect(Formatting.money(value) == "$0", "\(value)") }
        for value in [-0.0, -1e-12, -0.0004, -1e-300] {
            #expect(Formatting.number(value) == "0", "\(value)")
            #expect(Formatting.percent(value / 100) == "0.0%", "\(value)")
            #expect(!Formatting.tokens(value).hasPrefix("-"), "\(value)")
        }
        #expect(Formatting.significant(-0.0) == "0")
        #expect(Formatting.significant(-1.5e-7) == "-1.5e-07")
        #expect(Formatting.money(-0.0004) == "-$0.0004")
    }

    @Test func numbersDropTrailingZerosAndGroupOnRequest() {
        #expect(Formatting.number(2.5) == "2.5")
        #expect(Formatting.number(3) == "3")
        #expect(Formatting.number(2.345, fractionDigits: 1) == "2.3")
        #expect(Formatting.number(1_234_567.5, fractionDigits: 4, grouped: true) == "1,234,567.5")
        #expect(Formatting.number(1e20) == "100000000000000000000")
        #expect(Formatting.significant(123_456.7) == "123457")
        #expect(Formatting.tokens(1_234_000) == "1.23M")
        #expect(Formatting.tokens(512) == "512")
        #expect(Formatting.percent(0.125) == "12.5%")
    }
}
