// The one error type of the insights (sweeps, edits, thresholds, breakeven).

/// A sweep or an edit that cannot be done, with a message for the user. Messages use domain
/// words (the edit path, the grid), never command-line flags.
public struct InsightsError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
