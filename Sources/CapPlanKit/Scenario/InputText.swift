// Input text shown back to the user, made safe to print: control characters escaped (no
// terminal escape sequences from a scenario reach the terminal) and long values cut to a short
// excerpt (a 200 MB name, or a line of a file the scenario should not have named, is never
// echoed whole). Every diagnostic passes its parts through here (docs/input-limits.md).

enum InputText {
    /// The longest excerpt of a value quoted in a message, in characters.
    static let excerptLength = 60
    /// The longest path shown (paths hold keys as written).
    static let pathLength = 200
    /// The longest file name shown (a file system path: PATH_MAX).
    static let fileNameLength = 4096
    /// The longest message (messages quote names of the scenario).
    static let messageLength = 1000

    /// `text` with control characters escaped (`\n`, `\t`, `\u{1B}`), cut so that what is
    /// shown is at most `limit` characters (escapes counted as written), then `…`.
    static func excerpt(_ text: String, limit: Int = excerptLength) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            let piece = escaped(scalar)
            let width = isControl(scalar) ? piece.unicodeScalars.count : 1
            if count + width > limit { return out + "…" }
            out += piece
            count += width
        }
        return out
    }

    /// `text` with control characters escaped, never cut.
    static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return text.unicodeScalars.map(escaped).joined()
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        // C0, DEL, C1, and the bidirectional overrides that reorder what a terminal shows.
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        guard isControl(scalar) else { return String(Character(scalar)) }
        switch scalar {
        case "\n": return "\\n"
        case "\t": return "\\t"
        case "\r": return "\\r"
        default: return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }
}
