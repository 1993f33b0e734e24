// `capplan init`: a commented starter scenario built on the built-in catalog.
// Every key of scenario format v1 is present or shown commented with its meaning.

public enum StarterScenario {
    /// The starter scenario as YAML, named `name`.
    public static func yaml(name: String) -> String {
        let catalog = Catalog.builtIn
        func purchase(_ id: String) -> String {
            guard let p = catalog.purchases.first(where: { $0.id == id }) else { return "" }
            return "\(p.acceleratorsPerUnit) x \(p.accelerator), \(CatalogReport.number(p.unitPrice)) USD (as of \(p.price.asOf))"
        }
        func rental(_ id: String) -> String {
            guard let r = catalog.rentals.first(where: { $0.id == id }) else { return "" }
            return "\(CatalogReport.number(r.pricePerUnitHour)) USD per \(r.acceleratorsPerUnit == 1 ? r.accelerator : "unit")-hour, \(r.term) (as of \(r.price.asOf))"
        }
        /// A commented `platforms:` entry with the catalog's estimate.
        func platformLine(_ id: String) -> String {
            guard let k = catalog.platforms.first(where: { $0.id == id }) else { return "" }
            let entry = "- {id: \(k.id), adoptionCost: \(YAMLText.number(k.adoptionCost)), yearlyCost: \(YAMLText.number(k.yearlyCost))}"
            return "#  " + entry + String(repeating: " ", count: max(1, 70 - entry.count)) + "# \(k.stack): catalog estimate"
        }
        /// The platform of the offerings the starter's fleet is built from: already adopted, so it costs 0.
        let existingFleet = "nvidia"
        return """
        # CapPlan scenario: \(YAMLText.comment(name))
        # Written by `capplan init`. Edit, then `capplan validate` this file and `capplan plan` it.
        # Reference: docs/scenario-format.md (every key), docs/catalog.md (the `use:` entries and their sources).
        #
        # What it models: one chat product running Llama 3.1 70B, 3e11 tokens in the first quarter
        # growing 12% a quarter for two years. CapPlan chooses, period by period, between buying
        # H100 or H200 servers, renting H100s (on demand or committed for a year) and paying per
        # token for hosted APIs, and reports the cheapest plan.

        name: \(YAMLText.quoted(name))                      # required: the plan's name, shown in reports
        horizon: {start: 2027Q1, periods: 8}       # required: "YYYYQn" = quarters, "YYYY-MM" = months, "YYYY" = years
        discountRate: 0.08                         # annual rate for present value, 0 <= r < 1 (default 0)
        capexAccounting: amortized                 # amortized (price spread over the lifetime; default) | cash (paid on arrival, salvage credit at the end)

        # A representative day: hours sum to 24, shares (fraction of each day's tokens) sum to 1.
        # Default: [{name: all-day, hours: 24, share: 1}].
        timeSlices:
          - {name: night, hours: 8, share: 0.15}
          - {name: day, hours: 12, share: 0.60}
          - {name: peak, hours: 4, share: 0.25}

        workloads:
          - id: chat                               # 1-64 letters, digits, '-', '_' or '.'
            model: llama-3.1-70b                   # catalog model: catalog offerings know its throughput, APIs that substitute for it serve it
            outputShare: 0.3                       # fraction of tokens that are output tokens (default 0.5)
            demand: {start: 3.0e11, growthPerPeriod: 0.12}   # input + output tokens in period 1, compounded each period
            # minReplicas: 2                       # replicas that run at least wherever it is served from an offering with a replica size (default 1)
            # precisions: [bf16, fp8, int4]        # let the performance model derive tokens/s and GPUs per replica, one option per precision,
            #                                      # on offerings with a known accelerator and no typed throughput for chat (catalog entries too)
            # latency: interactive                 # interactive (200 ms per output token) | batch
            # inputTokensPerRequest: 700           # required with precisions; outputShare must then equal output / (input + output)
            # outputTokensPerRequest: 300
            # profile: {night: 0.1, day: 0.6, peak: 0.3}   # its own shares of the day by slice (default: the slices' shares)
            # deferrable: true                     # may be served later the same day (or {maxDelayHours: 6}, with slice starts)
            # interruptible: true                  # tolerates preemption: spot rentals may serve it
            # cache: {hitRate: 0.5}                # share of input tokens hitting a prompt cache (APIs charge cachedInputPricePerMTok)
            # demand: {tokensPerPeriod: [3.0e11, 3.4e11, 3.8e11, 4.2e11, 4.7e11, 5.3e11, 5.9e11, 6.6e11]}  # exactly `periods` values
            # demand: {csv: forecasts/chat.csv, column: tokens}   # path relative to this file; rows: period,tokens

        offerings:
          # Bought servers: catalog price, 5-year lifetime, power and throughput, with overrides.
          - use: h100-node                         # \(purchase("h100-node"))
            opexPerUnitPeriod: 5500                # colocation and support per unit per period (about 180 USD/kW-month x 10.2 kW x 3)
            leadTimePeriods: 1                     # order one period before it arrives (default 0)
            # unitPrice: 300000                    # USD per unit: override the catalog price with your quote
            # lifetimePeriods: 16                  # periods in service (default: catalog lifetime in years x periods per year)
            # powerKW: 10.2                        # IT power per unit (kW), before PUE
            # throughput: {chat: 20000}            # tokens/s per unit for each workload it serves (default: catalog figure for the workload's model)
            # availableFrom: 2027Q2                # first period units can arrive
            # maxUnitsPerPeriod: 4                 # supply cap on arrivals per period
            # existingUnits: 2                     # already owned at the start of the horizon (their capex is sunk)
            # existingRemainingPeriods: 8          # periods the existing units remain in service (default lifetimePeriods)
            # existing: [{units: 4, remainingPeriods: 3}]    # further owned cohorts, each with its own remaining service
            # ordersInFlight: [{arrives: 2027Q2, units: 2}]  # ordered before the horizon: they arrive then, paid on arrival
            # availableUntil: 2028Q2               # last period units can arrive
            # priceDeclinePerYear: 0.2             # later arrivals cost 20% less a year (or priceFactors: one factor per period)
            # accelerator: H100                    # label for reports
            # acceleratorsPerUnit: 8               # accelerators per unit
            # platform: nvidia                     # software platform (default: the catalog's, from the accelerator); see `platforms:` below
            # acceleratorsPerReplica: {chat: 2}    # accelerators one replica needs, by workload (default: the catalog's memory fit; a node of 8 holds 4)
            # spareUnits: 1                        # N+1: capacity holds with this many units out while the pool serves (purchases, reserved rentals)
            # failureDerating: 0.03                # share of capacity lost to failures: capacity x (1 - 0.03)
          - use: h200-node                         # \(purchase("h200-node"))
            opexPerUnitPeriod: 5500
            leadTimePeriods: 2
            maxUnitsPerPeriod: 4
          # Cloud rentals: per unit-hour; commitment none = on demand (paid per slice-hour used),
          # period = reserved under a contract of termMonths, paid for every hour of the term, used or not
          # (catalog 1-year and 3-year entries carry 12 and 36 months; the part beyond the horizon is charged too).
          - use: gcp-h100-on-demand                # \(rental("gcp-h100-on-demand"))
            # maxUnits: 64                         # availability cap on units rented at once
          - use: gcp-h100-1-year                   # \(rental("gcp-h100-1-year"))
            # termMonths: 12                       # contract length: a whole number of periods (a quarter is 3 months)
            # upfrontPerUnit: 0                    # USD per unit paid when its contract starts
            # contractsInTerm: [{units: 2, remainingPeriods: 3}]  # contracts signed before the horizon, still in their term
          # - use: gcp-tpu-v6e-spot                # spot (preemptible) TPU: serves only workloads marked interruptible; availability 0.9 assumed
          # APIs: USD per million input / output tokens; `serves` defaults to the workloads whose model the API substitutes for.
          - use: together-llama-3.1-70b
          - use: gpt-4o
            # serves: [chat]                       # workloads it may serve
            # maxTokensPerSecond: 50000            # rate limit over all workloads it serves
            # committedUse: {discount: 0.2, minSpendPerPeriod: 100000}   # a contract the plan may take: 20% off, at least 100,000 USD a period
          # - use: gpt-4o-batch                    # batch API at half price: serves only workloads marked deferrable
          # A fully written-out offering, without the catalog:
          # - id: my-quote-node
          #   kind: purchase
          #   unitPrice: 310000
          #   accelerator: H100
          #   acceleratorsPerUnit: 8
          #   lifetimePeriods: 16
          #   powerKW: 10.2
          #   throughput: {chat: 21606}
          # - id: my-cloud-gpu
          #   kind: rental
          #   pricePerUnitHour: 2.50               # USD per unit-hour
          #   acceleratorsPerUnit: 1
          #   commitment: none                     # none = on demand | period = reserved for termMonths (default: one period)
          #   maxUnits: 32
          #   throughput: {chat: 2700}
          # - id: my-api
          #   kind: api
          #   inputPricePerMTok: 0.50              # USD per million input tokens
          #   outputPricePerMTok: 1.50             # USD per million output tokens
          #   serves: [chat]

        site:
          electricityPricePerKWh: 0.0826           # USD per kWh (US industrial average 2025; default 0)
          pue: 1.42                                # power usage effectiveness, >= 1 (large colocation ~1.42; default 1)
          # powerCapKW: 500                        # IT power cap in kW: a number or one value per period

        # budget:
        #   capexPerPeriod: 2.0e6                  # cap on purchase spending per period (USD): a number or one value per period

        # What running on a software platform costs (USD): adoptionCost once, in the first period any of its
        # offerings serves; yearlyCost for every year it serves. The platform your fleet already runs on costs 0.
        # A platform listed here must be some offering's `platform`. Other platforms, with the catalog's labelled
        # estimates (`capplan catalog`, docs/catalog.md), to uncomment next to an offering that runs on them:
        platforms:
          - {id: \(existingFleet), adoptionCost: 0, yearlyCost: 0}      # the existing fleet's platform: already adopted
        \(platformLine("amd"))
        \(platformLine("intel-gaudi"))
        \(platformLine("google-tpu"))
        \(platformLine("aws-neuron"))

        policy:
          integerUnits: true                       # whole units bought and reserved (default true); on-demand rentals are averages
          utilizationCap: 0.85                     # 0 < U <= 1: headroom kept on self-run capacity (default 1)
          # unservedPenaltyPerMTok: 500            # allow unmet demand at this price (USD per million tokens); absent = demand must be met

        # Uncertain demand (docs/scenario-format.md, "Demand cases and risk"): buy and reserve once for several
        # demand cases (probabilities summing to 1); rentals, APIs and serving adapt in each case.
        # demandCases:
        #   - {name: low, probability: 0.25, demandScale: 0.6}    # every workload's demand x 0.6
        #   - {name: base, probability: 0.5}
        #   - {name: high, probability: 0.25, demandScale: 1.5, workloads: {chat: 1.8}, apiPriceScale: 0.8}
        # risk: {cvarWeight: 0.5, cvarLevel: 0.9}  # also weigh the mean cost of the worst 10% of the cases
        # (or sampled: demandCases: {sample: 50, seed: 7, growthSpread: 0.1}: 50 equally likely growth paths)

        """
    }
}
