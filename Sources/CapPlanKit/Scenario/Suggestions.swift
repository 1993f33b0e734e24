// Did-you-mean suggestions and lists of names in messages, written once for every reader
// (scenario, plan file, edit paths). Both stay small whatever the input: a suggestion is one
// name, a list shows a few names and a count (docs/input-limits.md).

/// Levenshtein distance, case-insensitive, by Unicode scalars; `limit + 1` as soon as the
/// distance is known to exceed `limit` (so a far candidate costs little).
func editDistance(_ a: String, _ b: String, limit: Int = .max) -> Int {
    let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
    if abs(x.count - y.count) > limit { return limit + 1 }
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        var rowMinimum = i
        for j in 1...y.count {
            let cost = x[i - 1] == y[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            rowMinimum = min(rowMinimum, current[j])
        }
        if rowMinimum > limit { return limit + 1 }
        swap(&previous, &current)
    }
    return previous[y.count]
}

/// The closest candidate within `maxDistance` edits, if any (the first of equally close ones).
func closestMatch(to word: String, in candidates: [String], maxDistance: Int = 2) -> String? {
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let d = editDistance(word, candidate, limit: min(maxDistance, (best?.distance ?? Int.max) - 1))
        if d <= maxDistance, d < (best?.distance ?? Int.max) {
            best = (candidate, d)
            if d == 0 { break }
        }
    }
    return best?.candidate
}

/// "; did you mean `x`?" or "".
func didYouMean(_ word: String, in candidates: [String]) -> String {
    closestMatch(to: word, in: candidates).map { "; did you mean `\(InputText.excerpt($0))`?" } ?? ""
}

/// Names for a message: all of them when there are few ("a, b, c"), otherwise the count and
/// the first few ("one of 4,000 workload ids: a, b, c, …").
func listing(_ names: [String], noun: String, shown: Int = 5) -> String {
    if names.count <= shown { return names.map { InputText.excerpt($0) }.joined(separator: ", ") }
    return "one of \(groupedCount(names.count)) \(noun): " + names.prefix(3).map { InputText.excerpt($0) }.joined(separator: ", ") + ", …"
}

/// 4000 -> "4,000".
func groupedCount(_ n: Int) -> String {
    var digits = Array(String(n))
    var i = digits.count - 3
    while i > 0 { digits.insert(",", at: i); i -= 3 }
    return String(digits)
}
