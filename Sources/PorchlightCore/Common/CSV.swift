/// Reads comma-separated values as RFC 4180 writes them: fields in double quotes may hold
/// commas, line breaks and doubled quotes. Records end at a line break outside quotes; blank
/// lines are skipped.
public enum CSV {
    public static func records(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            switch (character, quoted) {
            case ("\"", true) where pending == "\"":
                field.append("\"")
                pending = characters.next()
            case ("\"", true):
                quoted = false
            case ("\"", false) where field.isEmpty:
                quoted = true
            case (",", false):
                record.append(field)
                field = ""
            case (_, false) where character.isNewline:
                record.append(field)
                field = ""
                if record != [""] { records.append(record) }
                record = []
            default:
                field.append(character)
            }
        }
        record.append(field)
        if record != [""] { records.append(record) }
        return records
    }
}
