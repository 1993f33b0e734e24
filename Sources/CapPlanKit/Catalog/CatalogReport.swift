// `capplan catalog`: the catalog as an aligned plain-text table or as JSON.
// The JSON layout is documented in docs/catalog.md ("JSON output").

import Foundation

public enum CatalogReport {
    /// Version of the JSON layout written by `json(_:)`.
    public static let jsonSchemaVersion = 2

    // MARK: Table

    /// Width of the default table: lines of at most this many characters.
    public static let narrowWidth = 100

    /// The catalog for a terminal, grouped by kind (models, purchases, rentals, APIs), entries in
    /// catalog order. With a `width` (the default, `narrowWidth`), no line is longer: each entry's
    /// row holds its short fields and its source follows on wrapped lines; throughputs get a
    /// table of their own. With nil, one long row per entry (`wide(_:)`).
    public static func table(_ catalog: Catalog, width: Int? = narrowWidth) -> String {
        guard let width else { return wide(catalog) }
        var out: [String] = []
        let modelIDs = catalog.models.map(\.id)
        func paragraph(_ text: String) { out += wrap(text, width: width, indent: "") }
        paragraph(
            "CapPlan catalog: \(catalog.models.count) models, \(catalog.purchases.count) purchases, "
                + "\(catalog.rentals.count) rentals, \(catalog.apis.count) APIs.")
        paragraph(
            "Prices in USD; throughputs in tokens/s per unit; * = derived, not measured (see PROVENANCE);"
                + " - = no figure (give `throughput` in the scenario).")
        paragraph("Use an entry in a scenario with `{use: ID}` and override any field: `{use: h100-node, unitPrice: 300000}`.")

        out.append("")
        out.append("MODELS")
        out += narrowTable(
            headers: ["id", "parameters"],
            rows: catalog.models.map { ([$0.id, "\(number($0.parametersBillions))B"], $0.description) },
            right: [1], width: width)

        out.append("")
        paragraph("PURCHASES (kind: purchase; price per unit; lifetime converted to periods of the horizon)")
        out += narrowTable(
            headers: ["id", "unit", "platform", "unitPrice", "lifetime", "powerKW", "asOf"],
            rows: catalog.purchases.map { p in
                ([p.id, unit(p.acceleratorsPerUnit, p.accelerator), p.platform ?? "-", number(p.unitPrice), "\(number(p.lifetimeYears)) y",
                  number(p.powerKW), p.price.asOf], "price: \(p.price.source)")
            },
            right: [3, 4, 5], width: width)

        out.append("")
        paragraph("RENTALS (kind: rental; price per unit-hour; commitment none = on demand, period = reserved for termMonths,"
            + " paid for the whole term; no termMonths = one period; spot = preemptible, interruptible workloads only)")
        out += narrowTable(
            headers: ["id", "unit", "pricePerUnitHour", "term", "termMonths", "asOf"],
            rows: catalog.rentals.map { r in
                ([r.id, unit(r.acceleratorsPerUnit, r.accelerator), number(r.pricePerUnitHour), r.term,
                  r.termMonths.map(String.init) ?? "-", r.price.asOf],
                 "\(r.provider); platform: \(r.platform ?? "-"); commitment: \(r.commitment.rawValue); "
                    + (r.availability.map { "availability \(number($0)) (\(r.availabilityNote ?? "")); " } ?? "") + "price: \(r.price.source)")
            },
            right: [2, 4], width: width)

        out.append("")
        paragraph("APIS (kind: api; USD per million tokens; serves the workloads whose model it substitutes for)")
        out += narrowTable(
            headers: ["id", "provider", "inputPricePerMTok", "outputPricePerMTok", "asOf"],
            rows: catalog.apis.map { a in
                ([a.id, a.provider, number(a.inputPricePerMTok), number(a.outputPricePerMTok), a.price.asOf],
                 (a.batch ? "batch API (deferrable workloads only); " : "") + (a.cachedInputPricePerMTok.map { "cached input \(number($0)); " } ?? "")
                    + "substitutes for \(a.substitutesFor.joined(separator: ", ")); price: \(a.price.source)")
            },
            right: [2, 3], width: width)

        out.append("")
        paragraph("THROUGHPUT (tokens/s per unit of each purchase and rental)")
        out += narrowTable(
            headers: ["id"] + modelIDs,
            rows: catalog.purchases.map { p in ([p.id] + modelIDs.map { throughputCell(p.throughputByModel[$0]) }, nil) }
                + catalog.rentals.map { r in ([r.id] + modelIDs.map { throughputCell(r.throughputByModel[$0]) }, nil) },
            right: Set(modelIDs.indices.map { 1 + $0 }), width: width)

        out.append("")
        paragraph("ACCELERATORS PER REPLICA (acceleratorsPerReplica: the memory fit of 8-bit weights, 64 sequences of 2,048 tokens and a 10% reserve)")
        out += narrowTable(
            headers: ["id"] + modelIDs,
            rows: catalog.purchases.map { p in ([p.id] + modelIDs.map { replicaCell(p.acceleratorsPerReplicaByModel[$0]) }, nil) }
                + catalog.rentals.map { r in ([r.id] + modelIDs.map { replicaCell(r.acceleratorsPerReplicaByModel[$0]) }, nil) },
            right: Set(modelIDs.indices.map { 1 + $0 }), width: width)

        out.append("")
        paragraph("PLATFORMS (platforms: [{id, adoptionCost, yearlyCost}]; labelled estimates in USD; 0 for the platform you already run)")
        out += narrowTable(
            headers: ["id", "adoptionCost", "yearlyCost", "stack"],
            rows: catalog.platforms.map { k in
                ([k.id, number(k.adoptionCost), number(k.yearlyCost), k.stack], "\(k.reasoning); sources: \(k.source.source) (\(k.source.asOf))")
            },
            right: [1, 2], width: width)

        out.append("")
        out.append("PROVENANCE OF POWER AND THROUGHPUT FIGURES")
        var rows: [([String], String?)] = []
        for p in catalog.purchases {
            rows.append(([p.id, "powerKW", number(p.powerKW), p.power.asOf], p.power.source))
            for m in modelIDs {
                if let t = p.throughputByModel[m] { rows.append(narrowProvenanceRow(p.id, m, t)) }
            }
        }
        for r in catalog.rentals {
            for m in modelIDs {
                if let t = r.throughputByModel[m] { rows.append(narrowProvenanceRow(r.id, m, t)) }
            }
        }
        out += narrowTable(headers: ["id", "figure", "value", "asOf"], rows: rows, right: [2], width: width)
        return out.joined(separator: "\n") + "\n"
    }

    private static func narrowProvenanceRow(_ id: String, _ model: String, _ t: CatalogThroughput) -> ([String], String?) {
        ([id, "\(model) tok/s", number(t.tokensPerSecond), t.provenance.asOf], "\(t.note) [\(t.provenance.source)]")
    }

    /// Aligned short columns, each row followed by its long text (if any) wrapped to `width`
    /// under it, indented.
    private static func narrowTable(headers: [String], rows: [([String], String?)], right: Set<Int>, width: Int) -> [String] {
        let aligned = render(headers: headers, rows: rows.map(\.0), right: right).split(separator: "\n", omittingEmptySubsequences: false)
        var lines = Array(aligned.prefix(2).map(String.init))
        for (row, text) in zip(aligned.dropFirst(2), rows.map(\.1)) {
            lines.append(String(row))
            if let text { lines += wrap(text, width: width, indent: "      ") }
        }
        return lines
    }

    /// `text` in lines of at most `width` characters, each starting with `indent`, broken at
    /// spaces (a word longer than a line is cut).
    static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        let room = max(1, width - indent.count)
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            var word = Substring(word)
            while word.count > room {
                if !current.isEmpty { lines.append(current); current = "" }
                lines.append(String(word.prefix(room)))
                word = word.dropFirst(room)
            }
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= room {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.map { indent + $0 }
    }

    /// One row per entry with every field, price sources included (lines of several hundred
    /// characters): for wide terminals and for searching.
    public static func wide(_ catalog: Catalog) -> String {
        var out: [String] = []
        let modelIDs = catalog.models.map(\.id)
        out.append(
            "CapPlan catalog: \(catalog.models.count) models, \(catalog.purchases.count) purchases, "
                + "\(catalog.rentals.count) rentals, \(catalog.apis.count) APIs.")
        out.append(
            "Prices in USD; throughputs in tokens/s per unit; * = derived, not measured (see PROVENANCE);"
                + " - = no figure (give `throughput` in the scenario).")
        out.append("Use an entry in a scenario with `{use: ID}` and override any field: `{use: h100-node, unitPrice: 300000}`.")

        out.append("")
        out.append("MODELS")
        out.append(render(
            headers: ["id", "parameters", "description"],
            rows: catalog.models.map { [$0.id, "\(number($0.parametersBillions))B", $0.description] },
            right: [1]))

        out.append("")
        out.append("PURCHASES (kind: purchase; price per unit; lifetime converted to periods of the horizon)")
        out.append(render(
            headers: ["id", "accelerator", "unit", "unitPrice", "lifetime", "powerKW"] + modelIDs + ["platform", "replica"]
                + ["asOf", "price source"],
            rows: catalog.purchases.map { p in
                [p.id, p.accelerator, unit(p.acceleratorsPerUnit, p.accelerator), number(p.unitPrice),
                 "\(number(p.lifetimeYears)) y", number(p.powerKW)]
                    + modelIDs.map { throughputCell(p.throughputByModel[$0]) }
                    + [p.platform ?? "-", replicaList(p.acceleratorsPerReplicaByModel, modelIDs)]
                    + [p.price.asOf, p.price.source]
            },
            right: Set([3, 4, 5] + modelIDs.indices.map { 6 + $0 })))

        out.append("")
        out.append("RENTALS (kind: rental; price per unit-hour; commitment none = on demand, period = reserved, spot = preemptible)")
        out.append(render(
            headers: ["id", "provider", "accelerator", "unit", "pricePerUnitHour", "term", "commitment"] + modelIDs
                + ["termMonths", "availability", "platform", "replica", "asOf", "price source"],
            rows: catalog.rentals.map { r in
                [r.id, r.provider, r.accelerator, unit(r.acceleratorsPerUnit, r.accelerator), number(r.pricePerUnitHour),
                 r.term, r.commitment.rawValue]
                    + modelIDs.map { throughputCell(r.throughputByModel[$0]) }
                    + [r.termMonths.map(String.init) ?? "-", r.availability.map(number) ?? "-", r.platform ?? "-",
                       replicaList(r.acceleratorsPerReplicaByModel, modelIDs)]
                    + [r.price.asOf, r.price.source]
            },
            right: Set([4] + modelIDs.indices.map { 7 + $0 })))

        out.append("")
        out.append("APIS (kind: api; USD per million tokens; serves the workloads whose model it substitutes for)")
        out.append(render(
            headers: ["id", "provider", "inputPricePerMTok", "outputPricePerMTok", "cachedInputPricePerMTok", "batch", "substitutesFor", "asOf",
                      "price source"],
            rows: catalog.apis.map { a in
                [a.id, a.provider, number(a.inputPricePerMTok), number(a.outputPricePerMTok),
                 a.cachedInputPricePerMTok.map(number) ?? "-", a.batch ? "yes" : "-", a.substitutesFor.joined(separator: ","), a.price.asOf,
                 a.price.source]
            },
            right: [2, 3, 4]))

        out.append("")
        out.append("PLATFORMS (platforms: [{id, adoptionCost, yearlyCost}]; labelled estimates in USD; 0 for the platform you already run)")
        out.append(render(
            headers: ["id", "adoptionCost", "yearlyCost", "stack", "reasoning", "asOf", "sources"],
            rows: catalog.platforms.map { k in
                [k.id, number(k.adoptionCost), number(k.yearlyCost), k.stack, k.reasoning, k.source.asOf, k.source.source]
            },
            right: [1, 2]))

        out.append("")
        out.append("PROVENANCE OF POWER AND THROUGHPUT FIGURES")
        var rows: [[String]] = []
        for p in catalog.purchases {
            rows.append([p.id, "powerKW", number(p.powerKW), p.power.asOf, p.power.source])
            for m in modelIDs {
                if let t = p.throughputByModel[m] { rows.append(provenanceRow(p.id, m, t)) }
            }
        }
        for r in catalog.rentals {
            for m in modelIDs {
                if let t = r.throughputByModel[m] { rows.append(provenanceRow(r.id, m, t)) }
            }
        }
        out.append(render(headers: ["id", "figure", "value", "asOf", "how obtained [source]"], rows: rows, right: [2]))
        return out.joined(separator: "\n") + "\n"
    }

    private static func provenanceRow(_ id: String, _ model: String, _ t: CatalogThroughput) -> [String] {
        [id, "\(model) tok/s", number(t.tokensPerSecond), t.provenance.asOf, "\(t.note) [\(t.provenance.source)]"]
    }

    private static func replicaCell(_ a: Int?) -> String { a.map { "\($0)" } ?? "-" }

    /// "llama-3.1-70b:2,llama-3.1-8b:1" in model order.
    private static func replicaList(_ sizes: [String: Int], _ models: [String]) -> String {
        let parts = models.compactMap { m in sizes[m].map { "\(m):\($0)" } }
        return parts.isEmpty ? "-" : parts.joined(separator: ",")
    }

    private static func unit(_ count: Int, _ accelerator: String) -> String { "\(count) x \(accelerator)" }

    private static func throughputCell(_ t: CatalogThroughput?) -> String {
        guard let t else { return "-" }
        return number(t.tokensPerSecond) + (t.note.hasPrefix("measured") ? "" : "*")
    }

    /// Aligned columns separated by two spaces; the last column is never padded.
    private static func render(headers: [String], rows: [[String]], right: Set<Int>) -> String {
        let all = [headers] + rows
        var widths = Array(repeating: 0, count: headers.count)
        for row in all {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ row: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                if i == row.count - 1 {
                    parts.append(right.contains(i) ? pad + cell : cell)
                } else {
                    parts.append(right.contains(i) ? pad + cell : cell + pad)
                }
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return "  " + text
        }
        var lines = [line(headers), line(widths.map { String(repeating: "-", count: $0) })]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }

    /// Integers with thousands separators ("375,000"); other values with up to 4 decimals ("98.32").
    static func number(_ x: Double) -> String { Formatting.number(x, fractionDigits: 4, grouped: true) }

    // MARK: JSON

    /// The catalog as JSON: keys sorted, entries in catalog order, every figure with its
    /// source and date. Layout in docs/catalog.md. Identical catalogs give identical text.
    public static func json(_ catalog: Catalog) throws -> String {
        let document = CatalogDocument(
            schemaVersion: jsonSchemaVersion,
            models: catalog.models.map {
                ModelJSON(id: $0.id, description: $0.description, parametersBillions: $0.parametersBillions)
            },
            purchases: catalog.purchases.map { p in
                PurchaseJSON(
                    id: p.id, kind: .purchase, accelerator: p.accelerator, acceleratorsPerUnit: p.acceleratorsPerUnit,
                    unitPrice: p.unitPrice, lifetimeYears: p.lifetimeYears, powerKW: p.powerKW,
                    throughput: throughputJSON(p.throughputByModel), price: SourceJSON(p.price), power: SourceJSON(p.power),
                    platform: p.platform, acceleratorsPerReplica: p.acceleratorsPerReplicaByModel)
            },
            rentals: catalog.rentals.map { r in
                RentalJSON(
                    id: r.id, kind: .rental, provider: r.provider, accelerator: r.accelerator,
                    acceleratorsPerUnit: r.acceleratorsPerUnit, pricePerUnitHour: r.pricePerUnitHour,
                    commitment: r.commitment, term: r.term, throughput: throughputJSON(r.throughputByModel),
                    price: SourceJSON(r.price), termMonths: r.termMonths, platform: r.platform,
                    acceleratorsPerReplica: r.acceleratorsPerReplicaByModel, clusterNetworking: r.clusterNetworking,
                    availability: r.availability, availabilityNote: r.availabilityNote)
            },
            apis: catalog.apis.map { a in
                APIJSON(
                    id: a.id, kind: .api, provider: a.provider, inputPricePerMTok: a.inputPricePerMTok,
                    outputPricePerMTok: a.outputPricePerMTok, cachedInputPricePerMTok: a.cachedInputPricePerMTok,
                    batch: a.batch ? true : nil, substitutesFor: a.substitutesFor, price: SourceJSON(a.price))
            },
            platforms: catalog.platforms.map { k in
                PlatformJSON(
                    id: k.id, stack: k.stack, adoptionCost: k.adoptionCost, yearlyCost: k.yearlyCost, reasoning: k.reasoning,
                    source: SourceJSON(k.source))
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(document)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func throughputJSON(_ byModel: [String: CatalogThroughput]) -> [String: ThroughputJSON] {
        byModel.mapValues {
            ThroughputJSON(
                tokensPerSecond: $0.tokensPerSecond, note: $0.note, source: $0.provenance.source, asOf: $0.provenance.asOf)
        }
    }

    private struct CatalogDocument: Encodable {
        let schemaVersion: Int
        let models: [ModelJSON]
        let purchases: [PurchaseJSON]
        let rentals: [RentalJSON]
        let apis: [APIJSON]
        let platforms: [PlatformJSON]
    }

    private struct PlatformJSON: Encodable {
        let id: String
        let stack: String
        let adoptionCost: Double
        let yearlyCost: Double
        let reasoning: String
        let source: SourceJSON
    }

    private struct SourceJSON: Encodable {
        let source: String
        let asOf: String
        init(_ s: CatalogSource) {
            source = s.source
            asOf = s.asOf
        }
    }

    private struct ModelJSON: Encodable {
        let id: String
        let description: String
        let parametersBillions: Double
    }

    private struct ThroughputJSON: Encodable {
        let tokensPerSecond: Double
        let note: String
        let source: String
        let asOf: String
    }

    private struct PurchaseJSON: Encodable {
        let id: String
        let kind: OfferingKindName
        let accelerator: String
        let acceleratorsPerUnit: Int
        let unitPrice: Double
        let lifetimeYears: Double
        let powerKW: Double
        let throughput: [String: ThroughputJSON]
        let price: SourceJSON
        let power: SourceJSON
        let platform: String?
        /// Accelerators per replica by model id.
        let acceleratorsPerReplica: [String: Int]
    }

    private struct RentalJSON: Encodable {
        let id: String
        let kind: OfferingKindName
        let provider: String
        let accelerator: String
        let acceleratorsPerUnit: Int
        let pricePerUnitHour: Double
        let commitment: RentalCommitment
        let term: String
        let throughput: [String: ThroughputJSON]
        let price: SourceJSON
        /// Omitted for on-demand entries and capacity blocks (one period).
        let termMonths: Int?
        let platform: String?
        let acceleratorsPerReplica: [String: Int]
        /// Whether training jobs can run on it (multi-node networking).
        let clusterNetworking: Bool
        /// Spot entries only: α and why.
        let availability: Double?
        let availabilityNote: String?
    }

    private struct APIJSON: Encodable {
        let id: String
        let kind: OfferingKindName
        let provider: String
        let inputPricePerMTok: Double
        let outputPricePerMTok: Double
        /// Omitted when the provider publishes no cached-input price.
        let cachedInputPricePerMTok: Double?
        /// `true` for batch APIs, omitted otherwise.
        let batch: Bool?
        let substitutesFor: [String]
        let price: SourceJSON
    }
}

extension OfferingKindName: Encodable {}
