import ArgumentParser

/// Range checks shared by every command's `validate()`, so one option is refused with the same
/// words everywhere (exit 64, usage printed by the argument parser).
///
/// Integer options that are out of `Int`'s range or not integers ("nan") never get here: the
/// argument parser refuses them itself. Floating-point options accept "nan" and "inf", so they
/// are checked for finiteness first.
enum OptionValidation {
    /// The most threads any command accepts (the parsing and search kernels gain nothing beyond).
    static let maxThreads = 64

    /// `--threads` (or `name`): 1…64, the same rule and message in every command.
    static func threads(_ value: Int, option name: String = "--threads") throws {
        try range(value, 1 ... maxThreads, option: name)
    }

    /// An integer option that must lie in `allowed`.
    static func range(_ value: Int, _ allowed: ClosedRange<Int>, option name: String) throws {
        guard allowed.contains(value) else {
            if allowed.upperBound == Int.max {
                let rule = allowed.lowerBound == 1 ? "positive" : "≥ \(allowed.lowerBound)"
                throw ValidationError("\(name) must be \(rule) (got \(value)).")
            }
            throw ValidationError("\(name) must be \(allowed.lowerBound)…\(allowed.upperBound) (got \(value)).")
        }
    }

    /// An integer option that must be positive (no upper bound).
    static func positive(_ value: Int, option name: String) throws {
        try range(value, 1 ... Int.max, option: name)
    }

    /// A floating-point option that must be finite and lie in `allowed`.
    static func finite<F: BinaryFloatingPoint>(_ value: F, _ allowed: ClosedRange<F>, option name: String) throws {
        guard value.isFinite else {
            throw ValidationError("\(name) must be a finite number (got \(value)).")
        }
        guard allowed.contains(value) else {
            throw ValidationError("\(name) must be \(allowed.lowerBound)…\(allowed.upperBound) (got \(value)).")
        }
    }
}
