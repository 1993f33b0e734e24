import Foundation
import XCTest
@testable import CapPlanKit

/// Scenario input of issue 12 (docs/scenario-format.md, docs/formulation.md section 11): workload
/// `profile`, `deferrable`, `interruptible`, `cache`; spot rentals with `availability`; batch APIs,
/// cached-input prices and committed use; price changes and availability windows on every offering.
/// Every key is read, every rule's error carries its path and says what was expected, all errors
/// come at once, and ScenarioWriter round-trips every key.
final class ScenarioShapesInputTests: XCTestCase {
    /// A catalog with a spot and an on-demand rental of the same chip, and a batch and a plain API
    /// (the plain one with a cached-input price).
    static let catalog: Catalog = {
        let source = CatalogSource(source: "test", asOf: "2025-01")
        let tput = ["llama-3.1-70b": CatalogThroughput(tokensPerSecond: 500, provenance: source, note: "test")]
        return Catalog(
            models: [CatalogModel(id: "llama-3.1-70b", description: "70B", parametersBillions: 70)],
            purchases: [],
            rentals: [
                CatalogRental(
                    id: "cat-spot", provider: "Cloud", accelerator: "TPU v5e", acceleratorsPerUnit: 1, pricePerUnitHour: 0.41,
                    commitment: .spot, term: "spot", throughputByModel: tput, price: source, availability: 0.9, availabilityNote: "assumed"),
                CatalogRental(
                    id: "cat-od", provider: "Cloud", accelerator: "TPU v5e", acceleratorsPerUnit: 1, pricePerUnitHour: 1.2,
                    commitment: .none, term: "on-demand", throughputByModel: tput, price: source),
            ],
            apis: [
                CatalogAPI(id: "cat-api", provider: "P", inputPricePerMTok: 2.5, outputPricePerMTok: 10, cachedInputPricePerMTok: 1.25,
                           substitutesFor: ["llama-3.1-70b"], price: source),
                CatalogAPI(id: "cat-batch", provider: "P", inputPricePerMTok: 1.25, outputPricePerMTok: 5, batch: true,
                           substitutesFor: ["llama-3.1-70b"], price: source),
            ])
    }()

    func loaded(_ text: String, catalog: Catalog = ScenarioShapesInputTests.catalog) throws -> LoadedScenario {
        try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: ".", catalog: catalog)
    }

    func load(_ text: String) throws -> Scenario { try loaded(text).scenario }

    func errors(_ text: String) -> [Diagnostic] {
        do {
            _ = try loaded(text)
            XCTFail("expected errors")
            return []
        } catch let e as ScenarioLoadError {
            return e.diagnostics
        } catch {
            XCTFail("\(error)")
            return []
        }
    }

    /// One error at `path` whose message contains `text`.
    func assertError(_ yaml: String, _ path: String, _ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let e = errors(yaml)
        XCTAssertEqual(e.map(\.path), [path], "\(e)", file: file, line: line)
        XCTAssertTrue(e.first?.message.contains(text) ?? false, "\(e)", file: file, line: line)
    }

    /// Two slices (night 8 h with 30% of the day's tokens, day 16 h with 70%), two workloads.
    static func header(_ chat: String = "", batch: String = "") -> String {
        """
        name: t
        horizon: {start: 2027Q1, periods: 4}
        timeSlices:
          - {name: night, hours: 8, share: 0.3}
          - {name: day, hours: 16, share: 0.7}
        workloads:
          - {id: chat, model: llama-3.1-70b, demand: {tokensPerPeriod: [1e12, 1e12, 1e12, 1e12]}\(chat)}
          - {id: batch, model: llama-3.1-70b, demand: {tokensPerPeriod: [1e12, 1e12, 1e12, 1e12]}\(batch)}

        """
    }

    // MARK: Every key is read

    func testEveryNewKeyIsRead() throws {
        let s = try load("""
            name: t
            horizon: {start: 2027Q1, periods: 4}
            timeSlices:
              - {name: night, hours: 8, share: 0.3}
              - {name: day, hours: 16, share: 0.7}
            workloads:
              - id: chat
                demand: {tokensPerPeriod: [1e12, 1e12, 1e12, 1e12]}
                profile: {day: 0.9, night: 0.1}
                interruptible: true
                cache: {hitRate: 0.5, prefillShare: 0.2}
              - id: batch
                demand: {tokensPerPeriod: [1e12, 1e12, 1e12, 1e12]}
                deferrable: true
                cache: {hitRate: 0.25}
              - id: late
                demand: {tokensPerPeriod: [1e12, 1e12, 1e12, 1e12]}
                deferrable: {maxDelayHours: 36}
                interruptible: false
              - id: now
                demand: {tokensPerPeriod: [1e12, 1e12, 1e12, 1e12]}
                deferrable: false
            offerings:
              - id: spot
                kind: rental
                pricePerUnitHour: 0.41
                commitment: spot
                availability: 0.8
                throughput: {chat: 500}
                priceDeclinePerYear: 0.1
                availableFrom: 2027Q2
                availableUntil: 2027Q4
              - id: node
                kind: purchase
                unitPrice: 300000
                lifetimePeriods: 20
                throughput: {chat: 20000, batch: 20000, late: 20000, now: 20000}
                priceFactors: [1, 0.9, 0.8, 0.7]
                availableFrom: 2027Q2
                availableUntil: 2027Q3
              - id: bulk
                kind: api
                inputPricePerMTok: 1.25
                outputPricePerMTok: 5
                batch: true
                serves: [batch, late]
              - id: api
                kind: api
                inputPricePerMTok: 2.5
                outputPricePerMTok: 10
                cachedInputPricePerMTok: 1.25
                committedUse: {discount: 0.2, minSpendPerPeriod: 100000}
                serves: [chat, batch]
                availableFrom: 2026Q3
                availableUntil: 2028Q2
            """)
        let chat = s.workloads[0], batch = s.workloads[1], late = s.workloads[2], now = s.workloads[3]
        // The profile is stored in slice order (night, day) whatever the order written.
        XCTAssertEqual(chat.profile, [0.1, 0.9])
        XCTAssertEqual(s.share(ofWorkload: 0, slice: 0), 0.1)
        XCTAssertEqual(s.share(ofWorkload: 1, slice: 0), 0.3)  // no profile: the slice's share
        XCTAssertTrue(chat.interruptible)
        XCTAssertEqual(chat.cache, WorkloadCache(hitRate: 0.5, prefillShare: 0.2))
        XCTAssertEqual(chat.cache?.selfHostedSpeedup ?? 0, 1 / 0.9, accuracy: 1e-12)  // 1 / (1 - 0.5 * 0.2)
        XCTAssertNil(chat.deferral)
        XCTAssertEqual(batch.deferral, Deferral(maxDelayHours: 24))
        XCTAssertEqual(batch.cache, WorkloadCache(hitRate: 0.25, prefillShare: 0))
        XCTAssertEqual(late.deferral, Deferral(maxDelayHours: 36))
        XCTAssertTrue(late.deferral?.withinDay ?? false)
        XCTAssertFalse(late.interruptible)
        XCTAssertNil(now.deferral)

        let spot = s.rentals[0]
        XCTAssertEqual(spot.commitment, .spot)
        XCTAssertEqual(spot.availability, 0.8)
        XCTAssertEqual(spot.termPeriods, 0)
        XCTAssertEqual(spot.priceChange, .declinePerYear(0.1))
        // Quarters from 2027Q1: 2027Q2 is index 1, 2027Q4 index 3.
        XCTAssertEqual(spot.availableFromIndex, 1)
        XCTAssertEqual(spot.availableUntilIndex, 3)
        // f_p = 0.9^(p · 2190/8760) = 0.9^(p/4): period 4 (p = 3) 0.9^0.75 = 0.92402...
        XCTAssertEqual(priceFactor(spot.priceChange, period: 3, horizon: s.horizon), pow(0.9, 0.75), accuracy: 1e-12)

        let node = s.purchases[0]
        XCTAssertEqual(node.priceChange, .factors([1, 0.9, 0.8, 0.7]))
        XCTAssertEqual(node.availableFromIndex, 1)
        XCTAssertEqual(node.availableUntilIndex, 2)

        let bulk = s.apis[0], api = s.apis[1]
        XCTAssertTrue(bulk.batch)
        XCTAssertEqual(bulk.serves, ["batch", "late"])
        XCTAssertFalse(api.batch)
        XCTAssertEqual(api.cachedInputPricePerMTok, 1.25)
        XCTAssertEqual(api.committedUse, CommittedUse(discount: 0.2, minSpendPerPeriod: 100_000))
        // 2026Q3 is two quarters before the start, 2028Q2 five after: kept as written, not clamped.
        XCTAssertEqual(api.availableFromIndex, -2)
        XCTAssertEqual(api.availableUntilIndex, 5)
        XCTAssertEqual(ScenarioRules.violations(in: s), [])
    }

    /// A scenario without the new keys reads as before: every new field at its default.
    func testWithoutTheNewKeysEverythingIsAtItsDefault() throws {
        let s = try load(Self.header() + """
            offerings:
              - {id: od, kind: rental, pricePerUnitHour: 9, throughput: {chat: 2700, batch: 2700}}
              - {id: node, kind: purchase, unitPrice: 300000, lifetimePeriods: 20, throughput: {chat: 20000}, availableFrom: 2026Q1}
              - {id: api, kind: api, inputPricePerMTok: 2.5, outputPricePerMTok: 10, serves: [chat]}
            """)
        for w in s.workloads {
            XCTAssertNil(w.profile)
            XCTAssertNil(w.deferral)
            XCTAssertFalse(w.interruptible)
            XCTAssertNil(w.cache)
        }
        let od = s.rentals[0]
        XCTAssertEqual(od.availability, 1)
        XCTAssertNil(od.priceChange)
        XCTAssertNil(od.availableFromIndex)
        XCTAssertNil(od.availableUntilIndex)
        // A purchase's availableFrom before the horizon still means "from period 1".
        XCTAssertEqual(s.purchases[0].availableFromIndex, 0)
        XCTAssertNil(s.purchases[0].availableUntilIndex)
        XCTAssertNil(s.purchases[0].priceChange)
        let api = s.apis[0]
        XCTAssertNil(api.cachedInputPricePerMTok)
        XCTAssertFalse(api.batch)
        XCTAssertNil(api.committedUse)
        XCTAssertNil(api.priceChange)
        XCTAssertNil(api.availableFromIndex)
        // Written back, the scenario has none of the new keys.
        let text = ScenarioWriter.yaml(s)
        for key in ["profile:", "deferrable:", "interruptible:", "cache:", "availability:", "priceDeclinePerYear:", "priceFactors:",
                    "availableUntil:", "cachedInputPricePerMTok:", "batch:", "committedUse:"] {
            XCTAssertFalse(text.contains(key), "\(key) written for an old scenario:\n\(text)")
        }
    }

    // MARK: Workload errors

    func testProfileErrors() {
        let offerings = "offerings: [{id: od, kind: rental, pricePerUnitHour: 9, throughput: {chat: 2700, batch: 2700}}]\n"
        assertError(Self.header(", profile: {nigth: 0.2, day: 0.8}") + offerings, "workloads[0].profile.nigth", "did you mean `night`?")
        assertError(Self.header(", profile: {day: 1}") + offerings, "workloads[0].profile",
                    "expected a share for every time slice: night missing (give 0 for a slice without demand)")
        assertError(Self.header(", profile: {night: -0.1, day: 0.9}") + offerings, "workloads[0].profile.night",
                    "expected a share of the workload's daily tokens in [0, 1]")
        // 0.3 + 0.6 = 0.9: off by 0.1, far more than 1e-6.
        assertError(Self.header(", profile: {night: 0.3, day: 0.6}") + offerings, "workloads[0].profile",
                    "expected the workload's shares to sum to 1")
        assertError(Self.header(", profile: [0.3, 0.7]") + offerings, "workloads[0].profile",
                    "expected a mapping of slice name to the workload's share of the day's tokens")
        assertError(Self.header(", profile: {night: 0.3, day: high}") + offerings, "workloads[0].profile.day",
                    "expected a share of the workload's daily tokens")
    }

    func testDeferralInterruptibleAndCacheErrors() {
        let offerings = "offerings: [{id: od, kind: rental, pricePerUnitHour: 9, throughput: {chat: 2700, batch: 2700}}]\n"
        assertError(Self.header(", deferrable: 12") + offerings, "workloads[0].deferrable", "expected true, false or {maxDelayHours: H}")
        assertError(Self.header(", deferrable: {maxDelayHours: 0}") + offerings, "workloads[0].deferrable.maxDelayHours",
                    "expected hours a token may wait in (0, 8760]")
        assertError(Self.header(", deferrable: {hours: 4}") + offerings, "workloads[0].deferrable.hours",
                    "unknown key in a deferral window {maxDelayHours: H}")
        // A window shorter than a day needs slices on the clock; these slices have no start.
        assertError(Self.header(", deferrable: {maxDelayHours: 6}") + offerings, "workloads[0].deferrable.maxDelayHours",
                    "workload `chat` may wait at most 6 hours, less than a day, so the model must know where the slices lie: give every time slice a `start`")
        assertError(Self.header(", interruptible: maybe") + offerings, "workloads[0].interruptible", "expected true or false")
        assertError(Self.header(", cache: {hitRate: 1.5}") + offerings, "workloads[0].cache.hitRate", "expected a share of input tokens in [0, 1]")
        assertError(Self.header(", cache: {hitRate: 0.5, prefillShare: 1}") + offerings, "workloads[0].cache.prefillShare",
                    "expected a share of serving time in [0, 1)")
        assertError(Self.header(", cache: {prefillShare: 0.1}") + offerings, "workloads[0].cache.hitRate", "required key missing")
        assertError(Self.header(", cache: {hitRate: 0.5, misses: 1}") + offerings, "workloads[0].cache.misses", "unknown key in a prompt cache")
    }

    /// A workload whose demand is refused still has its profile and window checked.
    func testShapeErrorsOfAWorkloadWithBadDemandAreReportedToo() {
        let e = errors("""
            name: t
            horizon: {start: 2027Q1, periods: 2}
            timeSlices: [{name: night, hours: 8, share: 0.3}, {name: day, hours: 16, share: 0.7}]
            workloads:
              - {id: chat, demand: {tokensPerPeriod: [1]}, profile: {night: 0.5}, deferrable: {maxDelayHours: 2}}
            offerings: [{id: od, kind: rental, pricePerUnitHour: 9, throughput: {chat: 1}}]
            """)
        XCTAssertEqual(e.map(\.path), ["workloads[0].demand.tokensPerPeriod", "workloads[0].profile", "workloads[0].deferrable.maxDelayHours"], "\(e)")
    }

    // MARK: With slice starts and hourly profiles (docs/formulation.md 11.2, 11.6)

    /// A window shorter than a day loads once the slices are on the clock, and round-trips.
    func testDeferralWindowWithSliceStartsLoadsAndRoundTrips() throws {
        let s = try load("""
            name: t
            horizon: {start: 2027Q1, periods: 2}
            timeSlices:
              - {name: night, hours: 8, share: 0.3, start: 22}
              - {name: day, hours: 16, share: 0.7, start: 6}
            workloads:
              - {id: reports, demand: {tokensPerPeriod: [1e12, 1e12]}, deferrable: {maxDelayHours: 6}, profile: {night: 0.5, day: 0.5}}
            offerings: [{id: od, kind: rental, pricePerUnitHour: 9, throughput: {reports: 2700}}]
            """)
        XCTAssertEqual(s.workloads[0].deferral, Deferral(maxDelayHours: 6))
        XCTAssertFalse(s.workloads[0].deferral?.withinDay ?? true)
        XCTAssertEqual(s.timeSlices.map(\.start), [22, 6])
        let text = ScenarioWriter.yaml(s)
        XCTAssertEqual(try ScenarioLoader.load(text: text, fileName: "rt.yaml", baseDirectory: ".", catalog: Self.catalog).scenario, s, text)
    }

    /// Slices from an hourly profile: a workload's own `profile` (over `h01`, `h02`) wins over its
    /// column; windows shorter than a day are refused, saying why.
    func testHourlyProfileSlicesTakeOwnProfilesAndRefuseShortWindows() throws {
        // chat: load 1 in hours 0-11 and 3 in hours 12-23 (total 48); bulk: 1 every hour (total 24).
        // L_t = chat_t/48 + 1/24 is 3/48 for hours 0-11 and 5/48 for hours 12-23, so the two
        // slices are h01 = hours 0-11 and h02 = hours 12-23, 12 hours each. bulk's column gives
        // it [12/24, 12/24] = [0.5, 0.5]; chat's column would give [12/48, 36/48] = [0.25, 0.75],
        // but its own profile [0.4, 0.6] wins.
        let csv = HourlyProfileTests.csv(["chat", "bulk"], [(0..<24).map { $0 < 12 ? 1 : 3 }, Array(repeating: 1, count: 24)])
        func yaml(_ chat: String) -> String {
            """
            name: t
            horizon: {start: 2027Q1, periods: 1}
            timeSlices: {hourlyProfile: p.csv, slices: 2}
            workloads:
              - {id: chat, demand: {tokensPerPeriod: [1e11]}\(chat)}
              - {id: bulk, demand: {tokensPerPeriod: [1e11]}}
            offerings:
              - {id: api, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 2, serves: [chat, bulk]}
            """
        }
        let s = try HourlyProfileTests.load(yaml(", profile: {h02: 0.6, h01: 0.4}"), files: ["p.csv": csv])
        XCTAssertEqual(s.timeSlices.map(\.name), ["h01", "h02"])
        XCTAssertEqual(s.timeSlices.map(\.hours), [12, 12])
        XCTAssertEqual(s.workloads[0].profile, [0.4, 0.6])
        let bulk = try XCTUnwrap(s.workloads[1].profile)
        XCTAssertEqual(bulk[0], 0.5, accuracy: 1e-12)
        XCTAssertEqual(bulk[1], 0.5, accuracy: 1e-12)
        let column = try XCTUnwrap(try HourlyProfileTests.load(yaml(""), files: ["p.csv": csv]).workloads[0].profile)
        XCTAssertEqual(column[0], 0.25, accuracy: 1e-12)
        XCTAssertEqual(column[1], 0.75, accuracy: 1e-12)

        let unknown = HourlyProfileTests.errors(yaml(", profile: {night: 0.4, h02: 0.6}"), files: ["p.csv": csv])
        XCTAssertEqual(unknown.map(\.path), ["workloads[0].profile.night"])
        XCTAssertTrue(unknown.first?.message.contains("expected a time slice name (h01, h02)") ?? false, "\(unknown)")
        let window = HourlyProfileTests.errors(yaml(", deferrable: {maxDelayHours: 4}"), files: ["p.csv": csv])
        XCTAssertEqual(window.map(\.path), ["workloads[0].deferrable.maxDelayHours"])
        XCTAssertTrue(window.first?.message.contains("slices built from an hourly profile have no `start`") ?? false, "\(window)")
        // A whole-day deferral needs no starts.
        XCTAssertEqual(try HourlyProfileTests.load(yaml(", deferrable: true"), files: ["p.csv": csv]).workloads[0].deferral, Deferral())
    }

    // MARK: Spot rentals

    func testSpotServesInterruptibleWorkloadsOnly() {
        let yaml = Self.header(", interruptible: true") + """
            offerings:
              - {id: od, kind: rental, pricePerUnitHour: 9, throughput: {chat: 2700, batch: 2700}}
              - {id: spot, kind: rental, pricePerUnitHour: 3, commitment: spot, throughput: {chat: 2700, batch: 2700}}
            """
        assertError(yaml, "offerings[1].throughput.batch",
                    "spot capacity serves interruptible workloads only: mark batch `interruptible: true` or remove the key")
    }

    func testSpotRentalErrors() {
        let head = Self.header(", interruptible: true") + "offerings:\n  - {id: od, kind: rental, pricePerUnitHour: 9, throughput: {chat: 1, batch: 1}}\n"
        assertError(head + "  - {id: r, kind: rental, pricePerUnitHour: 3, commitment: spto, throughput: {chat: 1}}",
                    "offerings[1].commitment", "expected `none` (on demand), `period` (reserved) or `spot` (preemptible); did you mean `spot`?")
        assertError(head + "  - {id: r, kind: rental, pricePerUnitHour: 3, availability: 0.9, throughput: {chat: 1}}",
                    "offerings[1].availability", "availability applies to spot rentals (commitment: spot)")
        assertError(head + "  - {id: r, kind: rental, pricePerUnitHour: 3, commitment: spot, availability: 0, throughput: {chat: 1}}",
                    "offerings[1].availability", "expected a share of rented hours that do work in (0, 1]")
        assertError(head + "  - {id: r, kind: rental, pricePerUnitHour: 3, commitment: spot, termMonths: 12, throughput: {chat: 1}}",
                    "offerings[1].termMonths", "a spot rental is paid by the hour and has no term")
        assertError(head + "  - {id: r, kind: rental, pricePerUnitHour: 3, commitment: spot, upfrontPerUnit: 10, throughput: {chat: 1}}",
                    "offerings[1].upfrontPerUnit", "a spot rental has no contract to pay for up front")
        assertError(head + "  - {id: r, kind: rental, pricePerUnitHour: 3, commitment: spot, spareUnits: 1, throughput: {chat: 1}}",
                    "offerings[1].spareUnits", "spot capacity is rented by the hour")
        assertError(head + "  - {id: r, kind: rental, pricePerUnitHour: 3, commitment: spot, clusterNetworking: true, throughput: {chat: 1}}",
                    "offerings[1].clusterNetworking", "a spot rental can be preempted, so no training job runs on it")
        // availability belongs to rentals: on an API the key is unknown, and says whose it is.
        assertError(head + "  - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, availability: 0.9, serves: [chat]}",
                    "offerings[1].availability", "(`availability` belongs to rental offerings, this one is a api)")
    }

    /// Catalog throughputs and derived options of a spot rental exist for interruptible workloads only.
    func testSpotCatalogAndDerivedOptionsSkipWorkloadsThatAreNotInterruptible() throws {
        let s = try load(Self.header(", interruptible: true") + """
            offerings:
              - {use: cat-spot}
              - {use: cat-od}
            """)
        XCTAssertEqual(s.rentals[0].throughput, ["chat": 500])  // batch is not interruptible
        XCTAssertEqual(s.rentals[0].availability, 0.9)  // the catalog's assumption
        XCTAssertEqual(s.rentals[0].commitment, .spot)
        XCTAssertEqual(s.rentals[1].throughput, ["chat": 500, "batch": 500])
        XCTAssertEqual(s.rentals[1].availability, 1)
        // `commitment: none` on the spot entry makes it on-demand capacity: availability 1, every workload.
        let od = try load(Self.header() + "offerings: [{use: cat-spot, commitment: none}]\n")
        XCTAssertEqual(od.rentals[0].availability, 1)
        XCTAssertEqual(od.rentals[0].throughput, ["chat": 500, "batch": 500])

        // Derived options: a workload with precisions on a spot H100 rental.
        func derived(interruptible: Bool) throws -> [String: [ServingOption]] {
            try load("""
                name: t
                horizon: {start: 2027Q1, periods: 1}
                workloads:
                  - {id: chat, model: llama-3.1-70b, precisions: [fp8], inputTokensPerRequest: 1000, outputTokensPerRequest: 250,
                     interruptible: \(interruptible), demand: {tokensPerPeriod: [1e12]}}
                offerings:
                  - {id: spot, kind: rental, pricePerUnitHour: 20, accelerator: H100, acceleratorsPerUnit: 8, commitment: spot}
                  - {id: api, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, serves: [chat]}
                """).rentals[0].derivedServing
        }
        XCTAssertEqual(try derived(interruptible: true)["chat"]?.count, 1)
        XCTAssertEqual(try derived(interruptible: false), [:])
    }

    // MARK: APIs

    func testBatchAPIsServeWorkloadsDeferrableWithinTheDay() throws {
        let offerings = "  - {id: od, kind: rental, pricePerUnitHour: 9, throughput: {chat: 1, batch: 1}}\n"
        assertError(Self.header(batch: ", deferrable: true") + "offerings:\n" + offerings
                    + "  - {id: b, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, batch: true, serves: [chat, batch]}",
                    "offerings[1].serves[0]",
                    "a batch API serves only workloads deferrable within the day (results come back within 24 hours): mark `chat` `deferrable: true` or remove it from serves")
        // A window shorter than a day is not enough (the window's own error comes first: no slice starts).
        let e = errors(Self.header(", deferrable: {maxDelayHours: 4}") + "offerings:\n" + offerings
                       + "  - {id: b, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, batch: true, serves: [chat]}")
        XCTAssertEqual(e.map(\.path), ["workloads[0].deferrable.maxDelayHours", "offerings[1].serves[0]"])
        XCTAssertTrue(e[1].message.contains("`chat` may wait only 4 hours; give it `deferrable: true`"), "\(e)")
        assertError(Self.header() + "offerings:\n" + offerings
                    + "  - {id: b, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, batch: yes, serves: [chat]}",
                    "offerings[1].batch", "expected true or false")
        // The catalog's batch entry serves the deferrable workloads among those its model fits.
        let s = try load(Self.header(batch: ", deferrable: true") + "offerings: [{use: cat-batch}, {use: cat-api}]\n")
        XCTAssertTrue(s.apis[0].batch)
        XCTAssertEqual(s.apis[0].serves, ["batch"])
        XCTAssertEqual(s.apis[1].serves, ["chat", "batch"])
    }

    func testCachedInputPrices() throws {
        let head = Self.header() + "offerings:\n"
        assertError(head + "  - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, cachedInputPricePerMTok: 1.5, serves: [chat, batch]}",
                    "offerings[0].cachedInputPricePerMTok", "expected at most inputPricePerMTok (1)")
        assertError(head + "  - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, cachedInputPricePerMTok: -1, serves: [chat, batch]}",
                    "offerings[0].cachedInputPricePerMTok", "expected USD per million tokens in [0, 1e12]")
        // The catalog's cached price comes with the catalog's input price, not with one written over it.
        let s = try load(head + "  - {use: cat-api}\n  - {use: cat-api, id: mine, inputPricePerMTok: 2}\n"
                         + "  - {use: cat-api, id: both, inputPricePerMTok: 2, cachedInputPricePerMTok: 0.5}\n")
        XCTAssertEqual(s.apis.map(\.cachedInputPricePerMTok), [1.25, nil, 0.5])
    }

    func testCommittedUseErrors() {
        let head = Self.header() + "offerings:\n  - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, serves: [chat, batch], "
        assertError(head + "committedUse: {discount: 1, minSpendPerPeriod: 0}}", "offerings[0].committedUse.discount", "expected a discount (0.2 = 20%) in (0, 1)")
        assertError(head + "committedUse: {discount: 0.2, minSpendPerPeriod: -5}}", "offerings[0].committedUse.minSpendPerPeriod", "expected USD in [0, 1e15]")
        assertError(head + "committedUse: {discount: 0.2}}", "offerings[0].committedUse.minSpendPerPeriod", "required key missing")
        assertError(head + "committedUse: {discount: 0.2, minSpendPerPeriod: 0, term: 12}}", "offerings[0].committedUse.term",
                    "unknown key in a committed-use contract")
        assertError(head + "committedUse: 0.2}", "offerings[0].committedUse", "expected a committed-use contract {discount, minSpendPerPeriod} (a mapping)")
    }

    // MARK: Prices that move, windows

    func testPriceChangeAndWindowErrors() {
        let head = Self.header() + "offerings:\n  - {id: r, kind: rental, pricePerUnitHour: 3, throughput: {chat: 1, batch: 1}, "
        assertError(head + "priceDeclinePerYear: 1}", "offerings[0].priceDeclinePerYear", "expected a yearly price decline (0.2 = 20%) in [0, 1)")
        assertError(head + "priceDeclinePerYear: 0.1, priceFactors: [1, 1, 1, 1]}", "offerings[0].priceFactors",
                    "expected only one of priceDeclinePerYear and priceFactors")
        assertError(head + "priceFactors: [1, 0.9, 0.8]}", "offerings[0].priceFactors", "expected 4 values, one per period 2027Q1...2027Q4")
        assertError(head + "priceFactors: [1, 0.9, 0, 0.7]}", "offerings[0].priceFactors[2]", "expected a price factor in (0, 1e6]")
        assertError(head + "priceFactors: 0.9}", "offerings[0].priceFactors", "expected a list of price factors, one number per period")
        assertError(head + "availableFrom: 2027Q3, availableUntil: 2027Q2}", "offerings[0].availableUntil",
                    "expected a period at or after availableFrom (2027Q3)")
        assertError(head + "availableUntil: 2027-06}", "offerings[0].availableUntil", "expected a quarter label like 2027Q1, the horizon's kind")
        assertError(head + "availableFrom: soon}", "offerings[0].availableFrom", "expected a period label: YYYYQn, YYYY-MM or YYYY")
        // Purchases and APIs take them too.
        assertError(Self.header() + "offerings:\n  - {id: n, kind: purchase, unitPrice: 1000, lifetimePeriods: 4, throughput: {chat: 1, batch: 1},"
                    + " availableFrom: 2027Q4, availableUntil: 2027Q1}", "offerings[0].availableUntil", "expected a period at or after availableFrom")
        assertError(Self.header() + "offerings:\n  - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, serves: [chat, batch],"
                    + " priceDeclinePerYear: -0.1}", "offerings[0].priceDeclinePerYear", "in [0, 1)")
    }

    /// A window that misses the horizon is a warning, not an error; a batch entry left with no
    /// workload says why.
    func testWindowsOutsideTheHorizonAndEmptyBatchEntriesWarn() throws {
        let result = try loaded(Self.header() + """
            offerings:
              - {id: od, kind: rental, pricePerUnitHour: 9, throughput: {chat: 1, batch: 1}}
              - {id: old, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, serves: [chat], availableUntil: 2026Q4}
              - {id: new, kind: purchase, unitPrice: 1000, lifetimePeriods: 4, throughput: {chat: 1}, availableFrom: 2028Q1}
              - {use: cat-batch}
            """)
        XCTAssertEqual(result.scenario.apis[0].availableUntilIndex, -1)
        XCTAssertEqual(result.scenario.purchases[0].availableFromIndex, 4)
        XCTAssertEqual(result.warnings.map(\.path), ["offerings[1].availableUntil", "offerings[2].availableFrom", "offerings[3]"])
        XCTAssertTrue(result.warnings[0].message.contains("this window misses the horizon (2027Q1...2027Q4)"), "\(result.warnings)")
        XCTAssertTrue(result.warnings[2].message.contains("a batch API serves only workloads deferrable within the day"), "\(result.warnings)")
    }

    /// A workload with precisions that only a spot rental could serve is told why.
    func testWorkloadOnlySpotCouldServeIsToldToBeInterruptible() {
        let e = errors("""
            name: t
            horizon: {start: 2027Q1, periods: 1}
            workloads:
              - {id: chat, model: llama-3.1-70b, precisions: [fp8], inputTokensPerRequest: 1000, outputTokensPerRequest: 250,
                 demand: {tokensPerPeriod: [1e12]}}
            offerings:
              - {id: spot, kind: rental, pricePerUnitHour: 20, accelerator: H100, acceleratorsPerUnit: 8, commitment: spot}
            """)
        XCTAssertEqual(e.map(\.path), ["workloads[0]"])
        XCTAssertTrue(e.first?.message.contains("`spot` (H100): spot capacity serves interruptible workloads only (mark `chat` `interruptible: true`)") ?? false, "\(e)")
    }

    /// `capplan init`'s commented issue-12 keys load once uncommented.
    func testStarterScenarioShapesExampleLoads() throws {
        var yaml = StarterScenario.yaml(name: "s")
        for key in ["profile:", "deferrable:", "interruptible:", "cache:", "availableUntil:", "priceDeclinePerYear:", "committedUse:",
                    "- use: gcp-tpu-v6e-spot", "- use: gpt-4o-batch"] {
            XCTAssertTrue(yaml.contains("# \(key)"), key)
            yaml = yaml.replacingOccurrences(of: "# \(key)", with: key)
        }
        let s = try ScenarioLoader.load(text: yaml, fileName: "s.yaml", baseDirectory: ".").scenario
        let chat = s.workloads[0]
        XCTAssertEqual(chat.profile, [0.1, 0.6, 0.3])
        XCTAssertEqual(chat.deferral, Deferral(maxDelayHours: 24))
        XCTAssertTrue(chat.interruptible)
        XCTAssertEqual(chat.cache, WorkloadCache(hitRate: 0.5))
        XCTAssertEqual(s.rentals.first { $0.id == "gcp-tpu-v6e-spot" }?.throughput.keys.sorted(), ["chat"])
        XCTAssertEqual(s.apis.first { $0.id == "gpt-4o-batch" }?.serves, ["chat"])
        XCTAssertEqual(s.apis.first { $0.id == "gpt-4o" }?.committedUse, CommittedUse(discount: 0.2, minSpendPerPeriod: 100_000))
        XCTAssertEqual(s.purchases.first { $0.id == "h100-node" }?.priceChange, .declinePerYear(0.2))
    }

    // MARK: All at once

    func testAllErrorsAtOnceInFileOrder() {
        let e = errors("""
            name: t
            horizon: {start: 2027Q1, periods: 4}
            timeSlices:
              - {name: night, hours: 8, share: 0.3}
              - {name: day, hours: 16, share: 0.7}
            workloads:
              - {id: chat, demand: {tokensPerPeriod: [1, 1, 1, 1]}, profile: {nigth: 0.3, day: 0.7}, cache: {hitRate: 2}}
              - {id: batch, demand: {tokensPerPeriod: [1, 1, 1, 1]}, deferrable: {maxDelayHours: -1}}
            offerings:
              - {id: spot, kind: rental, pricePerUnitHour: 3, commitment: spot, availability: 1.5, throughput: {chat: 1, batch: 1}}
              - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, batch: true, cachedInputPricePerMTok: 2, serves: [chat],
                 committedUse: {discount: 0, minSpendPerPeriod: 0}, priceFactors: [1, 1]}
            """)
        XCTAssertEqual(e.map(\.path), [
            "workloads[0].profile.nigth", "workloads[0].cache.hitRate", "workloads[1].deferrable.maxDelayHours",
            "offerings[0].availability", "offerings[0].throughput.chat", "offerings[0].throughput.batch",
            "offerings[1].cachedInputPricePerMTok", "offerings[1].serves[0]", "offerings[1].committedUse.discount", "offerings[1].priceFactors",
        ], "\(e)")
        XCTAssertEqual(e.map(\.line), [7, 7, 8, 10, 10, 10, 11, 11, 12, 12], "\(e)")
    }

    // MARK: Round trip, rules, edits

    /// Every new key survives ScenarioWriter and the reader.
    func testRoundTrip() throws {
        var chat = Workload(id: "chat", outputShare: 0.3, model: nil, demand: [1e12, 2e12, 3e12])
        chat.profile = [0.25, 0.75]
        chat.interruptible = true
        chat.cache = WorkloadCache(hitRate: 0.4, prefillShare: 0.3)
        var batch = Workload(id: "batch", outputShare: 0.5, model: nil, demand: [1e11, 1e11, 1e11])
        batch.deferral = Deferral(maxDelayHours: 24)
        batch.cache = WorkloadCache(hitRate: 0.1)
        var later = Workload(id: "later", outputShare: 0.5, model: nil, demand: [1e11, 1e11, 1e11])
        later.deferral = Deferral(maxDelayHours: 48)
        var spot = RentalOffering(id: "spot", pricePerUnitHour: 0.41, commitment: .spot, throughput: ["chat": 500])
        spot.availability = 0.85
        spot.priceChange = .declinePerYear(0.15)
        spot.availableFromIndex = -1
        spot.availableUntilIndex = 7
        var node = PurchaseOffering(id: "node", unitPrice: 300_000, lifetimePeriods: 8, throughput: ["chat": 20_000, "batch": 20_000, "later": 1])
        node.priceChange = .factors([1, 0.95, 0.9])
        node.availableUntilIndex = 1
        var od = RentalOffering(id: "od", pricePerUnitHour: 3, commitment: .none, throughput: ["batch": 900])
        od.availableFromIndex = 2
        var bulk = APIOffering(id: "bulk", inputPricePerMTok: 1.25, outputPricePerMTok: 5, serves: ["batch", "later"])
        bulk.batch = true
        bulk.priceChange = .factors([1, 1.1, 1.2])
        var api = APIOffering(id: "api", inputPricePerMTok: 2.5, outputPricePerMTok: 10, serves: ["chat", "batch"])
        api.cachedInputPricePerMTok = 1.25
        api.committedUse = CommittedUse(discount: 0.2, minSpendPerPeriod: 50_000.5)
        api.availableFromIndex = 0
        api.availableUntilIndex = 1
        let scenario = Scenario(
            name: "rt", horizon: Horizon(start: PeriodLabel(kind: .month, year: 2027, subperiod: 11), periods: 3),
            timeSlices: [TimeSlice(name: "night", hours: 10, share: 0.2), TimeSlice(name: "day", hours: 14, share: 0.8)],
            workloads: [chat, batch, later],
            offerings: [.rental(spot), .purchase(node), .rental(od), .api(bulk), .api(api)])
        XCTAssertEqual(ScenarioRules.violations(in: scenario), [])
        let text = ScenarioWriter.yaml(scenario)
        let back = try ScenarioLoader.load(text: text, fileName: "rt.yaml", baseDirectory: ".", catalog: Self.catalog).scenario
        XCTAssertEqual(back, scenario, text)
        // The month before 2027-11 and the eighth after it cross the year.
        XCTAssertTrue(text.contains("availableFrom: \"2027-10\""), text)
        XCTAssertTrue(text.contains("availableUntil: \"2028-06\""), text)
        XCTAssertTrue(text.contains("deferrable: true\n"), text)
        XCTAssertTrue(text.contains("deferrable: {maxDelayHours: 48}"), text)
        XCTAssertTrue(text.contains("cache: {hitRate: 0.1}\n"), text)  // prefillShare 0 is the default
    }

    func testRulesCatchBuiltValuesTheReaderWouldRefuse() {
        var chat = Workload(id: "chat", outputShare: 0.5, model: nil, demand: [1, 1])
        chat.profile = [0.5, 0.6]
        chat.deferral = Deferral(maxDelayHours: 4)
        chat.cache = WorkloadCache(hitRate: 1.2, prefillShare: 1)
        var spot = RentalOffering(id: "spot", pricePerUnitHour: 1, commitment: .spot, throughput: ["chat": 1])
        spot.availability = 0
        spot.clusterNetworking = true
        var od = RentalOffering(id: "od", pricePerUnitHour: 1, commitment: .none, throughput: ["chat": 1])
        od.availability = 0.5
        od.priceChange = .factors([1])
        var api = APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 1, serves: ["chat"])
        api.cachedInputPricePerMTok = 2
        api.batch = true
        api.committedUse = CommittedUse(discount: 1, minSpendPerPeriod: -1)
        api.priceChange = .declinePerYear(1)
        api.availableFromIndex = 1
        api.availableUntilIndex = 0
        let s = Scenario(
            name: "bad", horizon: Horizon(start: PeriodLabel(kind: .quarter, year: 2027, subperiod: 1), periods: 2),
            timeSlices: [TimeSlice(name: "a", hours: 12, share: 0.5), TimeSlice(name: "b", hours: 12, share: 0.5)],
            workloads: [chat], offerings: [.rental(spot), .rental(od), .api(api)])
        let found = ScenarioRules.violations(in: s).map { String($0.prefix(while: { $0 != ":" })) }
        XCTAssertEqual(found, [
            "workloads.chat.profile", "workloads.chat.deferrable.maxDelayHours", "workloads.chat.cache.hitRate", "workloads.chat.cache.prefillShare",
            "offerings.spot.availability", "offerings.spot.clusterNetworking", "offerings.spot.throughput.chat",
            "offerings.od.availability", "offerings.od.priceFactors",
            "offerings.api.cachedInputPricePerMTok", "offerings.api.serves.chat", "offerings.api.committedUse.discount",
            "offerings.api.committedUse.minSpendPerPeriod", "offerings.api.priceDeclinePerYear", "offerings.api.availableUntil",
        ])
    }

    /// Sweeps and `evaluate --set` reach the new numeric fields, checked against the same rules.
    func testScenarioEditSetsTheNewFields() throws {
        let s = try load(Self.header(", interruptible: true, cache: {hitRate: 0.5}") + """
            offerings:
              - {id: spot, kind: rental, pricePerUnitHour: 3, commitment: spot, throughput: {chat: 1}}
              - {id: od, kind: rental, pricePerUnitHour: 9, priceFactors: [1, 1, 1, 1], throughput: {chat: 1, batch: 1}}
              - {id: n, kind: purchase, unitPrice: 1000, lifetimePeriods: 4, throughput: {chat: 1}}
              - {id: a, kind: api, inputPricePerMTok: 2, outputPricePerMTok: 8, cachedInputPricePerMTok: 0.5,
                 committedUse: {discount: 0.1, minSpendPerPeriod: 1000}, serves: [chat]}
              - {id: plain, kind: api, inputPricePerMTok: 2, outputPricePerMTok: 8, serves: [chat]}
            """)
        let paths = ScenarioEdit.paths(in: s)
        for path in ["workloads.chat.cache.hitRate", "workloads.chat.cache.prefillShare", "offerings.spot.availability",
                     "offerings.spot.priceDeclinePerYear", "offerings.n.priceDeclinePerYear", "offerings.a.priceDeclinePerYear",
                     "offerings.a.cachedInputPricePerMTok", "offerings.a.committedUse.discount", "offerings.a.committedUse.minSpendPerPeriod"] {
            XCTAssertTrue(paths.contains(path), path)
        }
        for path in ["workloads.batch.cache.hitRate", "offerings.od.availability", "offerings.od.priceDeclinePerYear",
                     "offerings.plain.cachedInputPricePerMTok", "offerings.plain.committedUse.discount"] {
            XCTAssertFalse(paths.contains(path), path)
        }
        XCTAssertEqual(try ScenarioEdit.setting("workloads.chat.cache.hitRate", to: 0.8, in: s).workloads[0].cache?.hitRate, 0.8)
        XCTAssertEqual(try ScenarioEdit.setting("offerings.spot.availability", to: 0.7, in: s).rentals[0].availability, 0.7)
        XCTAssertEqual(try ScenarioEdit.setting("offerings.n.priceDeclinePerYear", to: 0.2, in: s).purchases[0].priceChange, .declinePerYear(0.2))
        XCTAssertEqual(try ScenarioEdit.setting("offerings.a.committedUse.discount", to: 0.3, in: s).apis[0].committedUse?.discount, 0.3)
        // priceScale scales the cached price with the others: 2, 8, 0.5 at half are 1, 4, 0.25.
        let half = try ScenarioEdit.setting("offerings.a.priceScale", to: 0.5, in: s).apis[0]
        XCTAssertEqual([half.inputPricePerMTok, half.outputPricePerMTok, half.cachedInputPricePerMTok], [1, 4, 0.25])
        XCTAssertThrowsError(try ScenarioEdit.setting("offerings.a.cachedInputPricePerMTok", to: 3, in: s)) { error in
            XCTAssertTrue("\(error)".contains("expected at most inputPricePerMTok (2)"), "\(error)")
        }
        XCTAssertThrowsError(try ScenarioEdit.setting("offerings.a.inputPricePerMTok", to: 0.4, in: s)) { error in
            XCTAssertTrue("\(error)".contains("expected at least cachedInputPricePerMTok (0.5)"), "\(error)")
        }
        XCTAssertThrowsError(try ScenarioEdit.setting("offerings.spot.availability", to: 0, in: s)) { error in
            XCTAssertTrue("\(error)".contains("(0, 1]"), "\(error)")
        }
        for path in ScenarioEdit.paths(in: s) where path.contains("cache.") || path.hasSuffix("availability") || path.contains("committedUse") {
            XCTAssertEqual(ScenarioRules.violations(in: try ScenarioEdit.setting(path, to: 0.5, in: s)), [], path)
        }
    }
}
