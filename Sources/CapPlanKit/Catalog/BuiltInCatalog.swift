// The built-in catalog. Every number carries its source and date.
//
// All figures come from public sources (docs/catalog.md lists them with their addresses):
// Epoch AI training-cost-trends (https://github.com/epoch-research/training-cost-trends),
// MLPerf Inference results (https://github.com/mlcommons/inference_results_v4.1 and _v4.0),
// the accelerator table of https://github.com/stas00/ml-engineering, tokencost prices
// (https://github.com/AgentOps-AI/tokencost, mirroring https://github.com/BerriAI/litellm),
// the Google Cloud TPU pages (https://cloud.google.com/tpu/docs) and the AWS EC2 Capacity
// Blocks pricing page (https://aws.amazon.com/ec2/capacityblocks/pricing/). Figures computed
// from cited ones say "derived:" and spell out the computation; docs/catalog.md lists them all.
//
// Conventions:
// - Purchases are 8-accelerator servers ("nodes"), priced as a complete server.
// - Lifetimes are 5 years, the hyperscaler-style depreciation (5-6 years at hyperscalers
//   since 2023, per company filings via Epoch); fast-moving fleets often use 3-4 years:
//   override with `lifetimePeriods`.
// - Throughputs are MLPerf Inference Llama-2-70B *Server* results (latency-bounded, the
//   right figure for interactive traffic) used as a proxy for Llama-3.1-70B (same dense
//   70B transformer with grouped-query attention). MLPerf counts generated tokens per
//   second; the catalog uses the figure as tokens/s of the workload's mixed traffic, which
//   is conservative because prompt tokens are processed far faster than generated ones.

import Foundation

extension Catalog {
    /// The catalog shipped with CapPlan.
    public static let builtIn = Catalog(
        models: BuiltInCatalogData.models,
        purchases: BuiltInCatalogData.purchases,
        rentals: BuiltInCatalogData.rentals,
        apis: BuiltInCatalogData.apis,
        platforms: BuiltInCatalogData.platforms
    )
}

/// The data of the built-in catalog and the constants of its derivations.
enum BuiltInCatalogData {
    // MARK: Model ids

    static let llama8B = "llama-3.1-8b"
    static let llama70B = "llama-3.1-70b"
    static let llama405B = "llama-3.1-405b"

    // MARK: Derivation constants (each documented in docs/catalog.md)

    /// Server cost over the cost of its accelerator board: "server ~1.64x the GPUs' cost"
    /// (Epoch AI cost_analysis_standalone.py). Corroborated by two rows of data/Hardware prices.csv of the same day:
    /// DGX H100 375,000 / HGX H100 baseboard 230,000 = 1.63 (2025-03-03).
    static let serverCostFactor = 1.64

    /// Server IT power over its accelerators' rated power: DGX H100 10.2 kW / (8 x 700 W).
    static let serverPowerFactor = 10.2 / (8 * 0.700)

    /// Llama-3.1-8B throughput over Llama-3.1-70B throughput on the same hardware. The
    /// first-order FLOPs and weight-bytes ratio per token is 70/8 = 8.75; we assume half of
    /// it, because an 8B model under the same latency limits is less compute-bound and
    /// attention, sampling and scheduling overheads do not shrink with the weights.
    static let smallModelSpeedup = 4.0

    /// Llama-3.1-405B throughput over Llama-3.1-70B throughput: the parameter ratio 70/405
    /// (decode is bound by reading the weights; applied only where 405B fits in FP8 on the node).
    static let largeModelRatio = 70.0 / 405.0

    /// Memory bandwidth in TB/s, read from the performance model's accelerator specs (one source
    /// for both: `AcceleratorSpec.all`, Sources/CapPlanKit/Performance/PerformanceData.swift).
    static func bandwidthTBs(_ chip: String) -> Double {
        AcceleratorSpec.all.first { $0.catalogName == chip }!.bandwidthTBs
    }

    // MARK: Sources

    static let specsSource = "stas00/ml-engineering compute/accelerator/README.md (accelerator specs table)"
    static let specsAsOf = "2026-08"
    static let epochCostSource = "Epoch AI training-cost-trends, cost_analysis_standalone.py"
    static let epochCostAsOf = "2026-04"
    static let epochPrices = "Epoch AI training-cost-trends, data/Hardware prices.csv"
    static let tokencost = "tokencost model_prices.json (AgentOps-AI/tokencost, mirrors the LiteLLM price table)"
    static let tokencostAsOf = "2025-09"

    /// A Llama-2-70B Server result of the MLPerf Inference closed division.
    static func mlperf(_ version: String, _ system: String, accuracy: String, asOf: String) -> CatalogSource {
        CatalogSource(
            source: "MLPerf Inference v\(version) closed, \(system), llama2-70b-\(accuracy) Server (mlcommons/inference_results_v\(version))",
            asOf: asOf)
    }

    static let mlperfH100 = mlperf("4.1", "NVIDIA DGX H100 (8x H100-SXM-80GB)", accuracy: "99.9", asOf: "2024-08")
    static let mlperfH200 = mlperf("4.1", "NVIDIA 8x H200-SXM-141GB", accuracy: "99", asOf: "2024-08")
    static let mlperfMI300X = mlperf("4.1", "AMD 8x MI300X with Genoa host", accuracy: "99", asOf: "2024-08")
    static let mlperfB200 = mlperf("4.1", "preview category, NVIDIA 1x B200-SXM-180GB (FP4)", accuracy: "99", asOf: "2024-08")
    static let mlperfGaudi2 = mlperf("4.0", "Intel 8x Gaudi 2", accuracy: "99.9", asOf: "2024-03")

    /// Llama-2-70B Server tokens/s of the measured 8-accelerator systems.
    static let h100Node70B = 21_606.0
    static let h200Node70B = 29_228.0
    static let mi300xNode70B = 21_028.0
    static let gaudi2Node70B = 6_287.0
    /// Single B200, preview, FP4.
    static let b200Single70B = 10_756.0

    // MARK: Throughput helpers

    static func measured(_ tokensPerSecond: Double, _ source: CatalogSource, _ system: String) -> CatalogThroughput {
        CatalogThroughput(
            tokensPerSecond: tokensPerSecond, provenance: source,
            note: "measured: MLPerf Llama-2-70B Server, \(system); used as the Llama-3.1-70B proxy")
    }

    /// A figure scaled from a measured one by the ratio of HBM bandwidth (decode is bandwidth-bound).
    static func bandwidthScaled(
        from base: Double, baseChip: String, baseAccelerators: Int, chip: String, accelerators: Int,
        source: CatalogSource, extra: String = ""
    ) -> CatalogThroughput {
        let ratio = bandwidthTBs(chip) / bandwidthTBs(baseChip)
        let perAccelerator = base / Double(baseAccelerators) * ratio
        let value = (perAccelerator * Double(accelerators)).rounded()
        return CatalogThroughput(
            tokensPerSecond: value,
            provenance: CatalogSource(source: "\(source.source); HBM bandwidth from \(specsSource)", asOf: source.asOf),
            note: "derived: \(baseChip) x\(baseAccelerators) Llama-2-70B Server \(fmt(base)) tok/s"
                + " / \(baseAccelerators) x \(accelerators) x HBM bandwidth ratio \(fmt(bandwidthTBs(chip)))/\(fmt(bandwidthTBs(baseChip))) TB/s"
                + " (\(chip) vs \(baseChip))" + (extra.isEmpty ? "" : "; \(extra)"))
    }

    /// Per-accelerator share of a node figure (for rentals priced per accelerator).
    static func perAccelerator(_ node: CatalogThroughput, accelerators: Int = 8) -> CatalogThroughput {
        CatalogThroughput(
            tokensPerSecond: (node.tokensPerSecond / Double(accelerators) * 100).rounded() / 100,
            provenance: node.provenance,
            note: "per accelerator: \(fmt(node.tokensPerSecond)) tok/s per \(accelerators)-accelerator node / \(accelerators) (node figure: \(node.note))")
    }

    static func small(from big: CatalogThroughput) -> CatalogThroughput {
        CatalogThroughput(
            tokensPerSecond: (big.tokensPerSecond * smallModelSpeedup * 100).rounded() / 100,
            provenance: big.provenance,
            note: "derived: Llama-3.1-70B figure \(fmt(big.tokensPerSecond)) tok/s x \(fmt(smallModelSpeedup))"
                + " (assumed 8B/70B speed-up, half the 70/8 parameter ratio); 70B figure: \(big.note)")
    }

    static func large(from big: CatalogThroughput, fits: String) -> CatalogThroughput {
        CatalogThroughput(
            tokensPerSecond: (big.tokensPerSecond * largeModelRatio).rounded(),
            provenance: big.provenance,
            note: "derived: Llama-3.1-70B figure \(fmt(big.tokensPerSecond)) tok/s x 70/405 (parameter ratio);"
                + " \(fits); 70B figure: \(big.note)")
    }

    /// A figure in a note: up to 4 decimals, no thousands separators.
    static func fmt(_ x: Double) -> String { Formatting.number(x, fractionDigits: 4) }

    // MARK: Node throughputs for Llama-3.1-70B (tokens/s per 8-accelerator node)

    static let h100Node = measured(h100Node70B, mlperfH100, "NVIDIA DGX H100, 8x H100-SXM-80GB")
    static let h200Node = measured(h200Node70B, mlperfH200, "8x H200-SXM-141GB")
    static let mi300xNode = measured(mi300xNode70B, mlperfMI300X, "8x MI300X")
    static let gaudi2Node = measured(gaudi2Node70B, mlperfGaudi2, "8x Gaudi 2 (v4.0)")
    static let b200Node = CatalogThroughput(
        tokensPerSecond: 8 * b200Single70B, provenance: mlperfB200,
        note: "derived: 8 x 10756 tok/s of a single B200 (MLPerf v4.1 preview, FP4, Llama-2-70B Server);"
            + " assumes linear scaling (70B fits on one B200, so eight run as replicas); FP4 flatters it against FP8 results")
    static let a100Node = bandwidthScaled(
        from: h100Node70B, baseChip: "H100", baseAccelerators: 8, chip: "A100", accelerators: 8, source: mlperfH100,
        extra: "optimistic: A100 has no FP8")
    static let mi325xNode = bandwidthScaled(
        from: mi300xNode70B, baseChip: "MI300X", baseAccelerators: 8, chip: "MI325X", accelerators: 8, source: mlperfMI300X)
    static let gaudi3Node = bandwidthScaled(
        from: gaudi2Node70B, baseChip: "Gaudi 2", baseAccelerators: 8, chip: "Gaudi 3", accelerators: 8, source: mlperfGaudi2)
    static let l40sNode = bandwidthScaled(
        from: h100Node70B, baseChip: "H100", baseAccelerators: 8, chip: "L40S", accelerators: 8, source: mlperfH100,
        extra: "optimistic: PCIe without NVLink, 70B in FP8 split over 8x 48 GB")

    /// Meta released Llama 3.1 405B in FP8 to run on one 8-GPU server: 8 x 80 GB holds the
    /// 406 GB of FP8 weights, the KV cache and the runtime reserve (the memory fit agrees).
    static let meta405BFP8 = "Meta, \"Introducing Llama 3.1: Our most capable models to date\" (https://ai.meta.com/blog/meta-llama-3-1/, 2024-07-23):"
        + " 405B quantized from BF16 to FP8 \"allowing the model to run within a single server node\";"
        + " FP8 weights at https://huggingface.co/meta-llama/Llama-3.1-405B-Instruct-FP8"
    static let h100Node405B = large(from: h100Node, fits: "405 GB of FP8 weights fit in 8 x 80 GB (\(meta405BFP8))")
    static let h100PerGPU = perAccelerator(h100Node)
    static let a100PerGPU = perAccelerator(a100Node)
    static let l40sPerGPU = perAccelerator(l40sNode)
    static let h100NVLPerGPU = CatalogThroughput(
        tokensPerSecond: h100PerGPU.tokensPerSecond, provenance: h100PerGPU.provenance,
        note: "derived: assumed equal to the H100 SXM per-GPU figure (no public H100 NVL Llama-70B result in the sources); \(h100PerGPU.note)")
    static let tpuV5ePerChip = bandwidthScaled(
        from: h100Node70B, baseChip: "H100", baseAccelerators: 8, chip: "TPU v5e", accelerators: 1, source: mlperfH100,
        extra: "16 GB per chip: 70B needs a slice of 8 or more chips; bandwidth from Google Cloud TPU docs")
    static let tpuV6ePerChip = bandwidthScaled(
        from: h100Node70B, baseChip: "H100", baseAccelerators: 8, chip: "TPU v6e", accelerators: 1, source: mlperfH100,
        extra: "32 GB per chip: 70B needs a slice of 4 or more chips; bandwidth from Google Cloud TPU docs")

    /// Per-GPU rentals of H100: the node figures / 8; a 405B replica takes 8 of them.
    static func h100PerGPUByModel() -> [String: CatalogThroughput] {
        byModel(h100PerGPU, t405: perAccelerator(h100Node405B))
    }

    static func byModel(_ t70: CatalogThroughput, t405: CatalogThroughput? = nil) -> [String: CatalogThroughput] {
        var out = [llama70B: t70, llama8B: small(from: t70)]
        if let t405 { out[llama405B] = t405 }
        return out
    }

    // MARK: Models

    static let models: [CatalogModel] = [
        CatalogModel(
            id: llama8B,
            description: "Meta Llama 3.1 8B Instruct (nominal 8B parameters); throughputs derived from the 70B figures",
            parametersBillions: 8),
        CatalogModel(
            id: llama70B,
            description: "Meta Llama 3.1 70B Instruct (nominal 70B parameters); throughputs from MLPerf Llama-2-70B Server as a proxy",
            parametersBillions: 70),
        CatalogModel(
            id: llama405B,
            description: "Meta Llama 3.1 405B Instruct (nominal 405B parameters; 30.84M H100-hours to train per the model card); throughputs derived, only where FP8 weights fit one node",
            parametersBillions: 405),
    ]

    // MARK: Purchases

    static func power(_ chip: String, watts: Double) -> (Double, CatalogSource) {
        let kw = (8 * watts / 1000 * serverPowerFactor * 100).rounded() / 100
        return (kw, CatalogSource(
            source: "derived: 8 x \(fmt(watts)) W (\(chip), \(specsSource)) x \(fmt((serverPowerFactor * 1000).rounded() / 1000)) server overhead"
                + " (DGX H100 10.2 kW / 8 x 700 W, \(epochCostSource))",
            asOf: specsAsOf))
    }

    static func serverPrice(board: Double) -> Double { (board * serverCostFactor).rounded() }

    static let uplift = "x 1.64 board-to-server factor (server ~1.64x the accelerators' cost, \(epochCostSource); two same-day rows of data/Hardware prices.csv, DGX H100 375,000 / HGX H100 board 230,000 = 1.63)"

    static let purchases: [CatalogPurchase] = listedPurchases.map { p in
        CatalogPurchase(
            id: p.id, accelerator: p.accelerator, acceleratorsPerUnit: p.acceleratorsPerUnit, unitPrice: p.unitPrice,
            lifetimeYears: p.lifetimeYears, powerKW: p.powerKW, throughputByModel: p.throughputByModel, price: p.price, power: p.power,
            platform: platform(p.accelerator), acceleratorsPerReplicaByModel: replicaSizes(p.accelerator, models: Array(p.throughputByModel.keys)))
    }

    static let listedPurchases: [CatalogPurchase] = {
        let fiveYears = 5.0
        let h200Power = power("H200", watts: 700)
        let b200Power = power("B200", watts: 1000)
        let mi300xPower = power("MI300X", watts: 750)
        let mi325xPower = power("MI325X", watts: 1000)
        let gaudi2Power = power("Gaudi 2", watts: 600)
        let gaudi3Power = power("Gaudi 3", watts: 900)
        let l40sPower = power("L40S", watts: 350)
        let mi300xBoard = 8 * 25_733.71
        let l40sCard = 31_250 * 0.86 / 2.99

        return [
            CatalogPurchase(
                id: "a100-node", accelerator: "A100", acceleratorsPerUnit: 8,
                unitPrice: serverPrice(board: 138_788.44), lifetimeYears: fiveYears, powerKW: 6.5,
                throughputByModel: byModel(a100Node),
                price: CatalogSource(
                    source: "derived: HGX A100 80GB 8-GPU baseboard 138,788.44 (\(epochPrices), anafrashop row 2025-03-04) \(uplift)",
                    asOf: "2025-03"),
                power: CatalogSource(source: "\(epochCostSource): A100 server 6.5 kW", asOf: epochCostAsOf)),
            CatalogPurchase(
                id: "h100-node", accelerator: "H100", acceleratorsPerUnit: 8,
                unitPrice: 375_000, lifetimeYears: fiveYears, powerKW: 10.2,
                throughputByModel: byModel(h100Node, t405: h100Node405B),
                price: CatalogSource(
                    source: "NVIDIA DGX H100 640GB complete server, reseller list price 375,000 (\(epochPrices), viperatech row 2025-03-03)",
                    asOf: "2025-03"),
                power: CatalogSource(source: "\(epochCostSource): DGX H100 10.2 kW per 8 GPUs", asOf: epochCostAsOf)),
            CatalogPurchase(
                id: "h200-node", accelerator: "H200", acceleratorsPerUnit: 8,
                unitPrice: serverPrice(board: 270_565), lifetimeYears: fiveYears, powerKW: h200Power.0,
                throughputByModel: byModel(
                    h200Node, t405: large(from: h200Node, fits: "405 GB of FP8 weights fit in 8 x 141 GB")),
                price: CatalogSource(
                    source: "derived: HGX H200 8-GPU baseboard 270,565 (\(epochPrices), anafrashop row 2024-03-27) \(uplift)",
                    asOf: "2024-03"),
                power: h200Power.1),
            CatalogPurchase(
                id: "b200-node", accelerator: "B200", acceleratorsPerUnit: 8,
                unitPrice: 379_273, lifetimeYears: fiveYears, powerKW: b200Power.0,
                throughputByModel: byModel(
                    b200Node, t405: large(from: b200Node, fits: "405 GB of FP8 weights fit in 8 x 180 GB")),
                price: CatalogSource(
                    source: "NVIDIA DGX B200 1440GB complete server, 8 x 47,409.13 = 379,273 converted from EUR (\(epochPrices), deltacomputer row 2024-12-17)",
                    asOf: "2024-12"),
                power: b200Power.1),
            CatalogPurchase(
                id: "mi300x-node", accelerator: "MI300X", acceleratorsPerUnit: 8,
                unitPrice: serverPrice(board: mi300xBoard), lifetimeYears: fiveYears, powerKW: mi300xPower.0,
                throughputByModel: byModel(
                    mi300xNode, t405: large(from: mi300xNode, fits: "405 GB of FP8 weights fit in 8 x 192 GB")),
                price: CatalogSource(
                    source: "derived: AMD Instinct MI300X 8-OAM UBB board 8 x 25,733.71 = 205,869.68 (\(epochPrices), interpromicro row 2025-02-10) \(uplift)",
                    asOf: "2025-02"),
                power: mi300xPower.1),
            CatalogPurchase(
                id: "mi325x-node", accelerator: "MI325X", acceleratorsPerUnit: 8,
                unitPrice: serverPrice(board: mi300xBoard), lifetimeYears: fiveYears, powerKW: mi325xPower.0,
                throughputByModel: byModel(
                    mi325xNode, t405: large(from: mi325xNode, fits: "405 GB of FP8 weights fit in 8 x 256 GB")),
                price: CatalogSource(
                    source: "derived: no public MI325X price in the sources; assumed equal to the MI300X server (board 205,869.68, \(epochPrices), 2025-02-10, \(uplift)),"
                        + " as the memory-upgraded H200 board (270,565) priced within the H100 board range (230,000-288,142)",
                    asOf: "2025-02"),
                power: mi325xPower.1),
            CatalogPurchase(
                id: "gaudi2-node", accelerator: "Gaudi 2", acceleratorsPerUnit: 8,
                unitPrice: serverPrice(board: 65_000), lifetimeYears: fiveYears, powerKW: gaudi2Power.0,
                throughputByModel: byModel(gaudi2Node),
                price: CatalogSource(
                    source: "derived: Intel Gaudi 2 kit, 8 accelerators with baseboard, list 65,000 (The Next Platform, 2024-06-13) \(uplift)",
                    asOf: "2024-06-13"),
                power: gaudi2Power.1),
            CatalogPurchase(
                id: "gaudi3-node", accelerator: "Gaudi 3", acceleratorsPerUnit: 8,
                unitPrice: serverPrice(board: 125_000), lifetimeYears: fiveYears, powerKW: gaudi3Power.0,
                throughputByModel: byModel(gaudi3Node),
                price: CatalogSource(
                    source: "derived: Intel Gaudi 3 kit, 8 accelerators with baseboard, list 125,000 (The Next Platform, 2024-06-13) \(uplift)",
                    asOf: "2024-06-13"),
                power: gaudi3Power.1),
            CatalogPurchase(
                id: "l40s-node", accelerator: "L40S", acceleratorsPerUnit: 8,
                unitPrice: serverPrice(board: 8 * l40sCard), lifetimeYears: fiveYears, powerKW: l40sPower.0,
                throughputByModel: byModel(l40sNode),
                price: CatalogSource(
                    source: "derived: no public L40S purchase price in the sources; card estimated as H100 SXM single 31,250 x RunPod L40S/H100 hourly price 0.86/2.99"
                        + " (all \(epochPrices), 2025-03-03) = 8,988, x 8 cards \(uplift)",
                    asOf: "2025-03"),
                power: l40sPower.1),
        ]
    }()

    // MARK: Rentals

    static func e2Rental(_ what: String, _ date: String) -> CatalogSource {
        CatalogSource(source: "\(what) (\(epochPrices), archived price page)", asOf: date)
    }

    static let capacityBlocks = "AWS EC2 Capacity Blocks for ML pricing page"

    static let rentals: [CatalogRental] = listedRentals.map { r in
        CatalogRental(
            id: r.id, provider: r.provider, accelerator: r.accelerator, acceleratorsPerUnit: r.acceleratorsPerUnit,
            pricePerUnitHour: r.pricePerUnitHour, commitment: r.commitment, term: r.term, throughputByModel: r.throughputByModel,
            price: r.price, termMonths: termMonths(r.term), platform: platform(r.accelerator),
            acceleratorsPerReplicaByModel: replicaSizes(r.accelerator, models: Array(r.throughputByModel.keys)),
            clusterNetworking: clusterNetworking(r), availability: r.availability, availabilityNote: r.availabilityNote)
    }

    /// Multi-GPU instances come with a cluster fabric (AWS p5/p5e: 3,200 Gbps EFA; p4de: 400
    /// Gbps EFA, per the EC2 accelerated-computing instance pages) and can train across nodes;
    /// the catalog's single-GPU and single-chip rentals are sold without one.
    static func clusterNetworking(_ r: CatalogRental) -> Bool { r.acceleratorsPerUnit > 1 && r.commitment != .spot }

    /// The Google Cloud TPU pricing page, where Spot prices are listed next to on-demand and
    /// committed-use ones.
    static let tpuPricing = "Google Cloud TPU pricing page, https://cloud.google.com/tpu/pricing"

    /// α of the spot entries, an assumption: Google publishes no preemption rate for Spot TPUs
    /// (Spot VMs may be preempted at any time, with 30 seconds' notice, and have no minimum
    /// runtime). 0.9 assumes a serving pool that restarts preempted replicas within minutes loses
    /// about a tenth of its rented hours to preemptions, warm-up and capacity that is not there
    /// when asked for; a scenario with its own measurement sets `availability`.
    static let spotAvailability = 0.9
    static let spotAvailabilityNote = "assumption: no published preemption rate for Spot TPUs (preemptible at any time, 30 s notice);"
        + " a serving pool that restarts preempted replicas is taken to lose about a tenth of its rented hours to preemptions,"
        + " warm-up and unavailable capacity; set availability to your own measurement"

    static let listedRentals: [CatalogRental] = [
        // AWS sells p5/p5e/p4de only as 8-GPU instances: one unit = one instance.
        CatalogRental(
            id: "aws-p5-h100-on-demand", provider: "AWS", accelerator: "H100", acceleratorsPerUnit: 8,
            pricePerUnitHour: 98.32, commitment: .none, term: "on-demand",
            throughputByModel: byModel(h100Node, t405: h100Node405B),
            price: e2Rental("AWS p5.48xlarge (8x H100) on-demand 98.32 per instance-hour, 12.29 per GPU-hour", "2025-03")),
        CatalogRental(
            id: "aws-p5-h100-capacity-block", provider: "AWS", accelerator: "H100", acceleratorsPerUnit: 8,
            pricePerUnitHour: 8 * 4.916, commitment: .period, term: "capacity-block",
            throughputByModel: byModel(h100Node, t405: h100Node405B),
            price: CatalogSource(
                source: "derived: 8 x 4.916 per GPU-hour, AWS p5 (H100) Capacity Block, \(capacityBlocks) (observed late 2024; month approximate)",
                asOf: "2024-12")),
        CatalogRental(
            id: "aws-p5e-h200-on-demand", provider: "AWS", accelerator: "H200", acceleratorsPerUnit: 8,
            pricePerUnitHour: 8 * 10.60, commitment: .none, term: "on-demand",
            throughputByModel: byModel(h200Node),
            price: e2Rental("derived: 8 x 10.60 per GPU-hour, AWS H200 instance on-demand", "2025-03")),
        CatalogRental(
            id: "aws-p5e-h200-capacity-block", provider: "AWS", accelerator: "H200", acceleratorsPerUnit: 8,
            pricePerUnitHour: 8 * 5.408, commitment: .period, term: "capacity-block",
            throughputByModel: byModel(h200Node),
            price: CatalogSource(
                source: "derived: 8 x 5.408 per GPU-hour, AWS H200 Capacity Block, \(capacityBlocks) (observed late 2024; month approximate)",
                asOf: "2024-12")),
        CatalogRental(
            id: "aws-p4de-a100-on-demand", provider: "AWS", accelerator: "A100", acceleratorsPerUnit: 8,
            pricePerUnitHour: 40.96, commitment: .none, term: "on-demand",
            throughputByModel: byModel(a100Node),
            price: e2Rental("AWS p4de.24xlarge (8x A100 80GB) on-demand 40.96 per instance-hour, US East, row 2025-03-02", "2025-03")),
        CatalogRental(
            id: "aws-p4de-a100-1-year", provider: "AWS", accelerator: "A100", acceleratorsPerUnit: 8,
            pricePerUnitHour: 24.01, commitment: .period, term: "1-year",
            throughputByModel: byModel(a100Node),
            price: e2Rental("AWS p4de.24xlarge (8x A100 80GB) 1-year commitment 24.01 per instance-hour, US East, row 2025-03-02", "2025-03")),
        CatalogRental(
            id: "aws-p4de-a100-3-year", provider: "AWS", accelerator: "A100", acceleratorsPerUnit: 8,
            pricePerUnitHour: 14.46, commitment: .period, term: "3-year",
            throughputByModel: byModel(a100Node),
            price: e2Rental("AWS p4de.24xlarge (8x A100 80GB) 3-year commitment 14.46 per instance-hour, US East, row 2025-03-02", "2025-03")),
        CatalogRental(
            id: "gcp-h100-on-demand", provider: "Google Cloud", accelerator: "H100", acceleratorsPerUnit: 1,
            pricePerUnitHour: 11.06, commitment: .none, term: "on-demand",
            throughputByModel: h100PerGPUByModel(),
            price: e2Rental("Google Cloud H100 (us-central1) on-demand 11.06 per GPU-hour", "2025-03")),
        CatalogRental(
            id: "gcp-h100-1-year", provider: "Google Cloud", accelerator: "H100", acceleratorsPerUnit: 1,
            pricePerUnitHour: 7.67, commitment: .period, term: "1-year",
            throughputByModel: h100PerGPUByModel(),
            price: e2Rental("Google Cloud H100 (us-central1) 1-year committed use 7.67 per GPU-hour", "2025-03")),
        CatalogRental(
            id: "gcp-h100-3-year", provider: "Google Cloud", accelerator: "H100", acceleratorsPerUnit: 1,
            pricePerUnitHour: 4.86, commitment: .period, term: "3-year",
            throughputByModel: h100PerGPUByModel(),
            price: e2Rental("Google Cloud H100 (us-central1) 3-year committed use 4.86 per GPU-hour", "2025-03")),
        CatalogRental(
            id: "azure-h100-nvl-on-demand", provider: "Microsoft Azure", accelerator: "H100 NVL", acceleratorsPerUnit: 1,
            pricePerUnitHour: 6.98, commitment: .none, term: "on-demand",
            throughputByModel: byModel(h100NVLPerGPU),
            price: e2Rental("Microsoft Azure H100 NVL on-demand 6.98 per GPU-hour", "2025-03")),
        CatalogRental(
            id: "azure-h100-nvl-1-year", provider: "Microsoft Azure", accelerator: "H100 NVL", acceleratorsPerUnit: 1,
            pricePerUnitHour: 5.81, commitment: .period, term: "1-year",
            throughputByModel: byModel(h100NVLPerGPU),
            price: e2Rental("Microsoft Azure H100 NVL 1-year reserved 5.81 per GPU-hour", "2025-03")),
        CatalogRental(
            id: "azure-h100-nvl-3-year", provider: "Microsoft Azure", accelerator: "H100 NVL", acceleratorsPerUnit: 1,
            pricePerUnitHour: 4.31, commitment: .period, term: "3-year",
            throughputByModel: byModel(h100NVLPerGPU),
            price: e2Rental("Microsoft Azure H100 NVL 3-year reserved 4.31 per GPU-hour", "2025-03")),
        CatalogRental(
            id: "azure-a100-on-demand", provider: "Microsoft Azure", accelerator: "A100", acceleratorsPerUnit: 1,
            pricePerUnitHour: 4.10, commitment: .none, term: "on-demand",
            throughputByModel: byModel(a100PerGPU),
            price: e2Rental("Microsoft Azure A100 80GB on-demand 4.10 per GPU-hour", "2024-01")),
        CatalogRental(
            id: "azure-a100-1-year", provider: "Microsoft Azure", accelerator: "A100", acceleratorsPerUnit: 1,
            pricePerUnitHour: 3.53, commitment: .period, term: "1-year",
            throughputByModel: byModel(a100PerGPU),
            price: e2Rental("Microsoft Azure A100 80GB 1-year reserved 3.53 per GPU-hour", "2024-01")),
        CatalogRental(
            id: "azure-a100-3-year", provider: "Microsoft Azure", accelerator: "A100", acceleratorsPerUnit: 1,
            pricePerUnitHour: 2.13, commitment: .period, term: "3-year",
            throughputByModel: byModel(a100PerGPU),
            price: e2Rental("Microsoft Azure A100 80GB 3-year reserved 2.13 per GPU-hour", "2024-01")),
        CatalogRental(
            id: "lambda-h100-on-demand", provider: "Lambda", accelerator: "H100", acceleratorsPerUnit: 1,
            pricePerUnitHour: 3.29, commitment: .none, term: "on-demand",
            throughputByModel: h100PerGPUByModel(),
            price: e2Rental("Lambda H100 SXM 80GB, 1x instance, on-demand 3.29 per GPU-hour, row 2025-02-28", "2025-02")),
        CatalogRental(
            id: "runpod-h100-on-demand", provider: "RunPod", accelerator: "H100", acceleratorsPerUnit: 1,
            pricePerUnitHour: 2.99, commitment: .none, term: "on-demand",
            throughputByModel: h100PerGPUByModel(),
            price: e2Rental("RunPod H100 SXM 80GB on-demand 2.99 per GPU-hour, row 2025-03-03", "2025-03")),
        CatalogRental(
            id: "runpod-a100-on-demand", provider: "RunPod", accelerator: "A100", acceleratorsPerUnit: 1,
            pricePerUnitHour: 1.89, commitment: .none, term: "on-demand",
            throughputByModel: byModel(a100PerGPU),
            price: e2Rental("RunPod A100 SXM 80GB on-demand 1.89 per GPU-hour, row 2025-03-03", "2025-03")),
        CatalogRental(
            id: "runpod-l40s-on-demand", provider: "RunPod", accelerator: "L40S", acceleratorsPerUnit: 1,
            pricePerUnitHour: 0.86, commitment: .none, term: "on-demand",
            throughputByModel: byModel(l40sPerGPU),
            price: e2Rental("RunPod L40S on-demand 0.86 per GPU-hour, row 2025-03-03", "2025-03")),
        CatalogRental(
            id: "gcp-tpu-v5e-on-demand", provider: "Google Cloud", accelerator: "TPU v5e", acceleratorsPerUnit: 1,
            pricePerUnitHour: 1.20, commitment: .none, term: "on-demand",
            throughputByModel: byModel(tpuV5ePerChip),
            price: e2Rental("Google Cloud TPU v5e (us-central1) on-demand 1.20 per chip-hour, row 2025-03-03", "2025-03")),
        CatalogRental(
            id: "gcp-tpu-v5e-1-year", provider: "Google Cloud", accelerator: "TPU v5e", acceleratorsPerUnit: 1,
            pricePerUnitHour: 0.84, commitment: .period, term: "1-year",
            throughputByModel: byModel(tpuV5ePerChip),
            price: e2Rental("Google Cloud TPU v5e (us-central1) 1-year committed use 0.84 per chip-hour, row 2025-03-03", "2025-03")),
        CatalogRental(
            id: "gcp-tpu-v5e-3-year", provider: "Google Cloud", accelerator: "TPU v5e", acceleratorsPerUnit: 1,
            pricePerUnitHour: 0.54, commitment: .period, term: "3-year",
            throughputByModel: byModel(tpuV5ePerChip),
            price: e2Rental("Google Cloud TPU v5e (us-central1) 3-year committed use 0.54 per chip-hour, row 2025-03-03", "2025-03")),
        CatalogRental(
            id: "gcp-tpu-v5e-spot", provider: "Google Cloud", accelerator: "TPU v5e", acceleratorsPerUnit: 1,
            pricePerUnitHour: 0.41, commitment: .spot, term: "spot",
            throughputByModel: byModel(tpuV5ePerChip),
            price: CatalogSource(source: "\(tpuPricing): TPU v5e Spot 0.41 per chip-hour (us-central1)", asOf: "2025-03"),
            availability: spotAvailability, availabilityNote: spotAvailabilityNote),
        CatalogRental(
            id: "gcp-tpu-v6e-on-demand", provider: "Google Cloud", accelerator: "TPU v6e", acceleratorsPerUnit: 1,
            pricePerUnitHour: 2.70, commitment: .none, term: "on-demand",
            throughputByModel: byModel(tpuV6ePerChip),
            price: e2Rental("Google Cloud TPU v6e (East US) on-demand 2.70 per chip-hour, row 2025-03-03", "2025-03")),
        CatalogRental(
            id: "gcp-tpu-v6e-1-year", provider: "Google Cloud", accelerator: "TPU v6e", acceleratorsPerUnit: 1,
            pricePerUnitHour: 1.89, commitment: .period, term: "1-year",
            throughputByModel: byModel(tpuV6ePerChip),
            price: e2Rental("Google Cloud TPU v6e (East US) 1-year committed use 1.89 per chip-hour, row 2025-03-03", "2025-03")),
        CatalogRental(
            id: "gcp-tpu-v6e-3-year", provider: "Google Cloud", accelerator: "TPU v6e", acceleratorsPerUnit: 1,
            pricePerUnitHour: 1.22, commitment: .period, term: "3-year",
            throughputByModel: byModel(tpuV6ePerChip),
            price: e2Rental("Google Cloud TPU v6e (East US) 3-year committed use 1.22 per chip-hour, row 2025-03-03", "2025-03")),
        CatalogRental(
            id: "gcp-tpu-v6e-spot", provider: "Google Cloud", accelerator: "TPU v6e", acceleratorsPerUnit: 1,
            pricePerUnitHour: 0.92, commitment: .spot, term: "spot",
            throughputByModel: byModel(tpuV6ePerChip),
            price: CatalogSource(source: "\(tpuPricing): TPU v6e (Trillium) Spot 0.92 per chip-hour (East US)", asOf: "2025-03"),
            availability: spotAvailability, availabilityNote: spotAvailabilityNote),
    ]

    // MARK: Contract terms, platforms and replica sizes

    /// A reservation's contract in months: 1-year 12, 3-year 36; on demand and AWS Capacity
    /// Blocks (reserved for days, bought one period at a time here) have none.
    static func termMonths(_ term: String) -> Int? {
        switch term {
        case "1-year": return 12
        case "3-year": return 36
        default: return nil
        }
    }

    /// The software platform an accelerator runs on: its vendor's serving stack.
    static func platform(_ accelerator: String) -> String {
        let a = accelerator.lowercased()
        if a.hasPrefix("mi") { return "amd" }
        if a.hasPrefix("gaudi") { return "intel-gaudi" }
        if a.hasPrefix("tpu") { return "google-tpu" }
        if a.hasPrefix("trainium") || a.hasPrefix("inferentia") { return "aws-neuron" }
        return "nvidia"  // A100, H100, H100 NVL, H200, B200, L40S
    }

    /// Context of the sequences a replica must hold in the memory fit: MLPerf's Llama-2-70B
    /// dataset caps input and output at 1,024 tokens each, and the catalog's throughputs are
    /// MLPerf's.
    static let replicaContextTokens = 2048

    /// The precision the catalog's figures assume: FP8 (MLPerf's submissions ran FP8), else the
    /// accelerator's 8-bit integer format (A100, TPU), else BF16.
    static func replicaPrecision(_ spec: AcceleratorSpec) -> Precision {
        if spec.tflops(for: .fp8) != nil { return .fp8 }
        if spec.tflops(for: .int8) != nil { return .int8 }
        return .bf16
    }

    /// The performance model's spec of a catalog accelerator (`AcceleratorSpec.forOfferingLabel`,
    /// the rule scenarios use too: the H100 NVL reads as an H100 SXM).
    static func acceleratorSpec(_ accelerator: String) -> AcceleratorSpec? { AcceleratorSpec.forOfferingLabel(accelerator) }

    /// Accelerators one replica of each model needs on `accelerator`: the smallest tensor-parallel
    /// group whose memory holds the 8-bit weights, the KV cache of 64 sequences of 2,048 tokens and
    /// vLLM's 10% reserve (`MemoryFit.find`, Sources/CapPlanKit/Performance/MemoryFit.swift).
    /// 70B takes 2 H100s (92 GB > 72 GB usable on one), 405B takes 8.
    static func replicaSizes(_ accelerator: String, models: [String]) -> [String: Int] {
        guard let spec = acceleratorSpec(accelerator) else { return [:] }
        var sizes: [String: Int] = [:]
        for id in models.sorted() {
            guard let model = ModelSpec.named(id),
                  let fit = try? MemoryFit.find(model: model, accelerator: spec, precision: replicaPrecision(spec), contextTokens: replicaContextTokens)
            else { continue }
            sizes[id] = fit.tensorParallel
        }
        return sizes
    }

    // MARK: Platform costs (labelled estimates)

    /// Loaded cost of one engineer-year, USD: the BLS median pay of software developers, 132,270 USD
    /// (May 2023), over the 70% share of wages in US private employers' compensation cost (BLS
    /// Employer Costs for Employee Compensation), is about 189,000; rounded up to 250,000 for the
    /// ML-infrastructure specialists a serving platform needs. An estimate, not a quote.
    static let engineerYear = 250_000.0
    static let engineerYearReasoning = "engineer-year at 250,000 USD loaded (estimate: BLS median software developer pay 132,270 USD, May 2023,"
        + " https://www.bls.gov/ooh/computer-and-information-technology/software-developers.htm, / 0.70 wage share of compensation,"
        + " BLS Employer Costs for Employee Compensation https://www.bls.gov/news.release/ecec.nr0.htm, = 189,000, rounded up for ML-infrastructure specialists)"
    static let vllmHardware = "vLLM installation guide, https://docs.vllm.ai/en/latest/getting_started/installation/ (CUDA, ROCm, Gaudi, TPU and Neuron back ends)"

    static func platformEstimate(
        _ id: String, _ stack: String, adoptionYears: Double, yearlyYears: Double, why: String, sources: String
    ) -> CatalogPlatform {
        CatalogPlatform(
            id: id, stack: stack, adoptionCost: adoptionYears * engineerYear, yearlyCost: yearlyYears * engineerYear,
            reasoning: "estimate: \(fmt(adoptionYears)) engineer-years to adopt, \(fmt(yearlyYears)) a year to run; \(why); \(engineerYearReasoning)",
            source: CatalogSource(source: sources, asOf: "2026-12"))
    }

    /// What bringing up and running each platform's serving stack costs a team that does not run
    /// it yet. `capplan init` writes 0 for the platform of the existing fleet.
    static let platforms: [CatalogPlatform] = [
        platformEstimate(
            "nvidia", "CUDA (vLLM, TensorRT-LLM, SGLang)", adoptionYears: 1, yearlyYears: 0.5,
            why: "the default target of every serving engine: images, drivers, monitoring and on-call for a new fleet",
            sources: vllmHardware),
        platformEstimate(
            "amd", "ROCm (vLLM, SGLang)", adoptionYears: 3, yearlyYears: 1.5,
            why: "supported upstream, but SemiAnalysis found MI300X needed AMD engineers' help and custom builds to reach its"
                + " performance; kernels, quantization and tuning lag CUDA",
            sources: "\(vllmHardware); SemiAnalysis, \"MI300X vs H100 vs H200 Benchmark Part 1: Training; CUDA Moat Still Alive\""
                + " (https://semianalysis.com/2024/12/22/mi300x-vs-h100-vs-h200-benchmark-part-1-training/, 2024-12-22)"),
        platformEstimate(
            "intel-gaudi", "Intel Gaudi software / SynapseAI (vLLM fork)", adoptionYears: 4, yearlyYears: 2,
            why: "serving runs on Intel's vLLM fork (https://github.com/HabanaAI/vllm-fork), with graph warm-up, bucketing and a"
                + " shorter list of validated models to maintain",
            sources: "\(vllmHardware); Intel Gaudi documentation, https://docs.habana.ai/"),
        platformEstimate(
            "google-tpu", "XLA / JAX (JetStream, vLLM TPU)", adoptionYears: 4, yearlyYears: 1.5,
            why: "models run through XLA compilation with static shapes; a PyTorch/CUDA team ports its serving path and tooling",
            sources: "\(vllmHardware); Google Cloud TPU inference documentation, https://cloud.google.com/tpu/docs"),
        platformEstimate(
            "aws-neuron", "AWS Neuron SDK (NxD Inference)", adoptionYears: 4, yearlyYears: 1.5,
            why: "models are compiled ahead of time for Trainium/Inferentia with the Neuron compiler; supported architectures are a list",
            sources: "\(vllmHardware); AWS Neuron documentation, https://awsdocs-neuron.readthedocs-hosted.com/"),
    ]

    // MARK: APIs

    /// Substitution judgement (docs/catalog.md): an API stands in for every reference model
    /// at or below its quality class. Frontier APIs (GPT-4 class) serve 405B, 70B and 8B
    /// workloads; hosted Llama 3.1 70B and Mistral Large serve 70B and 8B; small, cheap
    /// APIs (GPT-4o-mini, GPT-3.5 Turbo, Claude 3 Haiku, Gemini 1.5 Flash, hosted 8B) serve 8B only.
    static let frontierClass = [llama8B, llama70B, llama405B]
    static let seventyBClass = [llama8B, llama70B]
    static let smallClass = [llama8B]

    static func api(
        _ id: String, _ provider: String, _ input: Double, _ output: Double, cached: Double? = nil, batch: Bool = false,
        _ substitutes: [String], _ entry: String
    ) -> CatalogAPI {
        CatalogAPI(
            id: id, provider: provider, inputPricePerMTok: input, outputPricePerMTok: output, cachedInputPricePerMTok: cached,
            batch: batch, substitutesFor: substitutes, price: CatalogSource(source: "\(tokencost), \(entry)", asOf: tokencostAsOf))
    }

    /// An API priced from its provider's own announcement or pricing page.
    static func vendorAPI(
        _ id: String, _ provider: String, _ input: Double, _ output: Double, cached: Double? = nil, batch: Bool = false,
        _ substitutes: [String], _ source: String, asOf: String
    ) -> CatalogAPI {
        CatalogAPI(
            id: id, provider: provider, inputPricePerMTok: input, outputPricePerMTok: output, cachedInputPricePerMTok: cached,
            batch: batch, substitutesFor: substitutes, price: CatalogSource(source: source, asOf: asOf))
    }

    static let openAIGPT41 = "OpenAI, \"Introducing GPT-4.1 in the API\" (https://openai.com/index/gpt-4-1/): per million tokens"
    static let anthropicPricing = "Anthropic pricing page, https://docs.anthropic.com/en/docs/about-claude/pricing (model and batch tables;"
        + " observed when it listed Claude Opus 4.1, released 2025-08-05)"

    static let apis: [CatalogAPI] = [
        api("gpt-4o", "OpenAI", 2.50, 10, cached: 1.25, frontierClass, "GPT-4o (2024-08-06) input/output per million tokens; cached input 1.25"),
        api("gpt-4o-batch", "OpenAI", 1.25, 5, batch: true, frontierClass, "GPT-4o (2024-08-06) Batch API, 24-hour window: half the list price (OpenAI API pricing page, https://openai.com/api/pricing/, Batch API 50% off)"),
        api("gpt-4o-mini", "OpenAI", 0.15, 0.60, cached: 0.075, smallClass, "GPT-4o-mini input/output per million tokens; cached input 0.075"),
        api("gpt-4o-mini-batch", "OpenAI", 0.075, 0.30, batch: true, smallClass, "GPT-4o-mini Batch API, 24-hour window: half the list price (OpenAI API pricing page, https://openai.com/api/pricing/, Batch API 50% off)"),
        api("gpt-4-turbo", "OpenAI", 10, 30, frontierClass, "GPT-4 Turbo (2024-04-09) input/output per million tokens"),
        api("gpt-3.5-turbo", "OpenAI", 0.50, 1.50, smallClass, "GPT-3.5 Turbo 0125 input/output per million tokens"),
        vendorAPI("gpt-4.1", "OpenAI", 2, 8, cached: 0.50, frontierClass,
                  "\(openAIGPT41) input 2.00, cached input 0.50, output 8.00", asOf: "2025-04-14"),
        vendorAPI("gpt-4.1-batch", "OpenAI", 1, 4, batch: true, frontierClass,
                  "derived: \(openAIGPT41) 2.00/8.00, Batch API 50% off, 24-hour window", asOf: "2025-04-14"),
        vendorAPI("gpt-4.1-mini", "OpenAI", 0.40, 1.60, cached: 0.10, smallClass,
                  "\(openAIGPT41) GPT-4.1 mini input 0.40, cached input 0.10, output 1.60", asOf: "2025-04-14"),
        api("claude-3.5-sonnet", "Anthropic", 3, 15, cached: 0.30, frontierClass,
            "Claude 3.5 Sonnet input/output per million tokens; cache read 0.30 (cache write 3.75)"),
        api("claude-3-haiku", "Anthropic", 0.25, 1.25, cached: 0.03, smallClass,
            "Claude 3 Haiku input/output per million tokens; cache read 0.03 (cache write 0.30)"),
        api("claude-3-opus", "Anthropic", 15, 75, cached: 1.50, frontierClass,
            "Claude 3 Opus input/output per million tokens; cache read 1.50 (cache write 18.75)"),
        vendorAPI("claude-sonnet-4", "Anthropic", 3, 15, cached: 0.30, frontierClass,
                  "\(anthropicPricing): Claude Sonnet 4 input 3, cache hits 0.30 (5-minute cache writes 3.75), output 15", asOf: "2025-08"),
        vendorAPI("claude-sonnet-4-batch", "Anthropic", 1.50, 7.50, batch: true, frontierClass,
                  "\(anthropicPricing): Claude Sonnet 4 batch input 1.50, batch output 7.50", asOf: "2025-08"),
        vendorAPI("claude-3.5-haiku", "Anthropic", 0.80, 4, cached: 0.08, smallClass,
                  "\(anthropicPricing): Claude Haiku 3.5 input 0.80, cache hits 0.08, output 4", asOf: "2025-08"),
        vendorAPI("claude-3-haiku-batch", "Anthropic", 0.125, 0.625, batch: true, smallClass,
                  "\(anthropicPricing): Claude Haiku 3 batch input 0.125, batch output 0.625", asOf: "2025-08"),
        api("gemini-1.5-pro", "Google", 1.25, 5, frontierClass, "Gemini 1.5 Pro, prompts up to 128k tokens"),
        api("gemini-1.5-flash", "Google", 0.075, 0.30, cached: 0.01875, smallClass,
            "Gemini 1.5 Flash, prompts up to 128k tokens; cached input 0.01875"),
        api("mistral-large-2411", "Mistral AI", 2, 6, seventyBClass, "Mistral Large 2411 input/output per million tokens"),
        api("together-llama-3.1-70b", "Together AI", 0.88, 0.88, seventyBClass, "Llama 3.1 70B Instruct Turbo on Together AI"),
        api("together-llama-3.1-8b", "Together AI", 0.18, 0.18, smallClass, "Llama 3.1 8B Instruct Turbo on Together AI"),
        api("deepinfra-llama-3.1-70b", "DeepInfra", 0.23, 0.40, seventyBClass, "Llama 3.1 70B Instruct on DeepInfra"),
        api("deepinfra-llama-3.1-8b", "DeepInfra", 0.03, 0.05, smallClass, "Llama 3.1 8B Instruct on DeepInfra"),
        api("groq-llama-3.1-70b", "Groq", 0.59, 0.79, seventyBClass, "Llama 3.1 70B Versatile on Groq"),
        api("groq-llama-3.1-8b", "Groq", 0.05, 0.08, smallClass, "Llama 3.1 8B Instant on Groq"),
    ]
}
