/// CapPlan's version, as `capplan --version` prints it.
public enum CapPlanVersion {
    public static let string = "0.1.0"
}
