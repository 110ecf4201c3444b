/// Finding a value in a parsed JSON body, to name the field a problem is about.
enum JSONPath {
    /// The path (`events[2].occurred_at`) of the first value in `value` that `matches`, looking
    /// in object keys in order and leaving out the keys in `skipping` (at any depth).
    static func first(in value: Any, skipping: Set<String> = [], path: String = "", where matches: (Any) -> Bool) -> String? {
        if matches(value) { return path }
        switch value {
        case let object as [String: Any]:
            for key in object.keys.sorted() where !skipping.contains(key) {
                let found = first(in: object[key]!, skipping: skipping, path: path.isEmpty ? key : "\(path).\(key)", where: matches)
                if let found { return found }
            }
            return nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = first(in: element, skipping: skipping, path: "\(path)[\(index)]", where: matches) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
