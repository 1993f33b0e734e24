// The built-in catalog. Every number carries its source and date.
extension Catalog {
    /// The catalog shipped with CapPlan.
    public static let builtIn = Catalog(models: [], purchases: [], rentals: [], apis: [])
}
