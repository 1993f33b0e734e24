// Types of the built-in catalog: public prices and measured throughputs, each with its source.
// The data lives in Catalog/BuiltInCatalog.swift; scenarios take an entry with `{use: ID, ...}`.

/// Where a number comes from and how old it is.
public struct CatalogSource: Hashable, Sendable, Codable {
    /// A short citation a reader can follow (document, table, URL or dataset path).
    public let source: String
    /// When the figure was published or observed: `YYYY-MM` or `YYYY-MM-DD`.
    public let asOf: String

    public init(source: String, asOf: String) {
        self.source = source
        self.asOf = asOf
    }
}

/// A reference model that workloads can name with `model:`.
public struct CatalogModel: Hashable, Sendable, Codable {
    public let id: String
    public let description: String
    public let parametersBillions: Double

    public init(id: String, description: String, parametersBillions: Double) {
        self.id = id
        self.description = description
        self.parametersBillions = parametersBillions
    }
}

/// A measured (or derived) throughput of one catalog hardware entry for one reference model.
public struct CatalogThroughput: Hashable, Sendable, Codable {
    /// Tokens per second one unit sustains.
    public let tokensPerSecond: Double
    public let provenance: CatalogSource
    /// How the figure was obtained ("MLPerf v4.1 Server, 8x H100", "derived: ...").
    public let note: String

    public init(tokensPerSecond: Double, provenance: CatalogSource, note: String) {
        self.tokensPerSecond = tokensPerSecond
        self.provenance = provenance
        self.note = note
    }
}

/// A catalog purchase entry: defaults for every purchase field a scenario can override.
public struct CatalogPurchase: Hashable, Sendable {
    public let id: String
    public let accelerator: String
    public let acceleratorsPerUnit: Int
    public let unitPrice: Double
    /// Lifetime in years; converted to periods of the scenario's horizon when used.
    public let lifetimeYears: Double
    public let powerKW: Double
    /// Throughput by catalog model id.
    public let throughputByModel: [String: CatalogThroughput]
    public let price: CatalogSource
    public let power: CatalogSource
    /// The software platform (`nvidia`, `amd`, ...), from the accelerator.
    public let platform: String?
    /// Accelerators one replica of each catalog model needs, by model id (from the memory fit).
    public let acceleratorsPerReplicaByModel: [String: Int]

    public init(
        id: String, accelerator: String, acceleratorsPerUnit: Int, unitPrice: Double, lifetimeYears: Double,
        powerKW: Double, throughputByModel: [String: CatalogThroughput], price: CatalogSource, power: CatalogSource,
        platform: String? = nil, acceleratorsPerReplicaByModel: [String: Int] = [:]
    ) {
        self.platform = platform
        self.acceleratorsPerReplicaByModel = acceleratorsPerReplicaByModel
        self.id = id
        self.accelerator = accelerator
        self.acceleratorsPerUnit = acceleratorsPerUnit
        self.unitPrice = unitPrice
        self.lifetimeYears = lifetimeYears
        self.powerKW = powerKW
        self.throughputByModel = throughputByModel
        self.price = price
        self.power = power
    }
}

/// A catalog rental entry.
public struct CatalogRental: Hashable, Sendable {
    public let id: String
    public let provider: String
    public let accelerator: String
    public let acceleratorsPerUnit: Int
    public let pricePerUnitHour: Double
    public let commitment: RentalCommitment
    /// "on-demand", "1-year", "3-year", "capacity-block": how the price was quoted.
    public let term: String
    public let throughputByModel: [String: CatalogThroughput]
    public let price: CatalogSource
    /// The contract length of a reserved entry in months (12 for 1-year, 36 for 3-year); nil for
    /// on-demand entries and for capacity blocks, which are reserved one period at a time.
    public let termMonths: Int?
    /// The software platform (`nvidia`, `google-tpu`, ...), from the accelerator.
    public let platform: String?
    /// Accelerators one replica of each catalog model needs, by model id (from the memory fit).
    public let acceleratorsPerReplicaByModel: [String: Int]
    /// Whether the units are networked for multi-node training (`clusterNetworking`): true for
    /// multi-GPU instances sold with a cluster fabric (AWS p5/p5e with 3,200 Gbps EFA, p4de
    /// with 400 Gbps EFA, and their capacity blocks), false for single-GPU rentals.
    public let clusterNetworking: Bool
    /// α_o of a spot entry (`commitment: spot`): the share of rented hours that do work, an
    /// assumption stated in the entry's `availabilityNote`; nil for other entries.
    public let availability: Double?
    /// Why `availability` is what it is (spot entries only).
    public let availabilityNote: String?

    public init(
        id: String, provider: String, accelerator: String, acceleratorsPerUnit: Int, pricePerUnitHour: Double,
        commitment: RentalCommitment, term: String, throughputByModel: [String: CatalogThroughput], price: CatalogSource,
        termMonths: Int? = nil, platform: String? = nil, acceleratorsPerReplicaByModel: [String: Int] = [:],
        clusterNetworking: Bool = false, availability: Double? = nil, availabilityNote: String? = nil
    ) {
        self.clusterNetworking = clusterNetworking
        self.availability = availability
        self.availabilityNote = availabilityNote
        self.termMonths = termMonths
        self.platform = platform
        self.acceleratorsPerReplicaByModel = acceleratorsPerReplicaByModel
        self.id = id
        self.provider = provider
        self.accelerator = accelerator
        self.acceleratorsPerUnit = acceleratorsPerUnit
        self.pricePerUnitHour = pricePerUnitHour
        self.commitment = commitment
        self.term = term
        self.throughputByModel = throughputByModel
        self.price = price
    }
}

/// A catalog API entry.
public struct CatalogAPI: Hashable, Sendable {
    public let id: String
    public let provider: String
    public let inputPricePerMTok: Double
    public let outputPricePerMTok: Double
    /// Price of input tokens served from the provider's prompt cache (a cache hit), when the
    /// provider publishes one: the offering's `cachedInputPricePerMTok` (docs/formulation.md 11.4)
    /// unless the scenario overrides the input price.
    public let cachedInputPricePerMTok: Double?
    /// A batch API (results within 24 hours, at the batch price): `batch: true`, serving only
    /// workloads deferrable within the day (11.3).
    public let batch: Bool
    /// Catalog model ids this API can stand in for (a workload naming one of them may use it).
    public let substitutesFor: [String]
    public let price: CatalogSource

    public init(
        id: String, provider: String, inputPricePerMTok: Double, outputPricePerMTok: Double,
        cachedInputPricePerMTok: Double? = nil, batch: Bool = false, substitutesFor: [String], price: CatalogSource
    ) {
        self.batch = batch
        self.id = id
        self.provider = provider
        self.inputPricePerMTok = inputPricePerMTok
        self.outputPricePerMTok = outputPricePerMTok
        self.cachedInputPricePerMTok = cachedInputPricePerMTok
        self.substitutesFor = substitutesFor
        self.price = price
    }
}

/// A labelled estimate of what running on a software platform costs (docs/catalog.md,
/// "Platform costs"): the defaults a scenario's `platforms:` entry can take.
public struct CatalogPlatform: Hashable, Sendable {
    /// `nvidia`, `amd`, `intel-gaudi`, `google-tpu`, `aws-neuron`.
    public let id: String
    /// The software stack a team must bring up ("CUDA", "ROCm", ...).
    public let stack: String
    /// USD, once, when a team first serves on the platform.
    public let adoptionCost: Double
    /// USD per year while it serves.
    public let yearlyCost: Double
    /// How the figures were estimated (engineer-years at a stated loaded cost).
    public let reasoning: String
    public let source: CatalogSource

    public init(id: String, stack: String, adoptionCost: Double, yearlyCost: Double, reasoning: String, source: CatalogSource) {
        self.id = id
        self.stack = stack
        self.adoptionCost = adoptionCost
        self.yearlyCost = yearlyCost
        self.reasoning = reasoning
        self.source = source
    }
}

/// The whole catalog.
public struct Catalog: Sendable {
    public let models: [CatalogModel]
    public let purchases: [CatalogPurchase]
    public let rentals: [CatalogRental]
    public let apis: [CatalogAPI]
    /// Platform cost estimates, one per platform the catalog's hardware runs on.
    public let platforms: [CatalogPlatform]

    public init(
        models: [CatalogModel], purchases: [CatalogPurchase], rentals: [CatalogRental], apis: [CatalogAPI],
        platforms: [CatalogPlatform] = []
    ) {
        self.models = models
        self.purchases = purchases
        self.rentals = rentals
        self.apis = apis
        self.platforms = platforms
    }

    /// Every offering id in the catalog, for "did you mean" suggestions.
    public var offeringIDs: [String] { purchases.map(\.id) + rentals.map(\.id) + apis.map(\.id) }
}
