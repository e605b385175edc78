/// `"1 row"`, `"2 rows"`, `"0 rows"`: a count and its noun, for messages.
/// - Parameters:
///   - count: how many.
///   - singular: the noun for one (`"row"`).
///   - plural: the noun for other counts; `singular + "s"` when nil.
public func pluralized(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}
