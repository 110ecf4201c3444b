extension Schema {
    /// Version 23: a declared disruption's messages by language. `customer_message` keeps the
    /// merchant's words in `customer_message_language` (English, as every message stored so far
    /// is taken to be), and `customer_messages` holds its words in other languages, keyed by
    /// language tag: each customer reads only those in their own language. (No CHECK on the
    /// languages: Core checks them, the list grows with the service, and reading one it does not
    /// know is an error.)
    static let disruptionMessageLanguages = Migration(version: 23, name: "disruption message languages", statements: [
        """
        ALTER TABLE declared_disruptions
            ADD COLUMN customer_message_language text NOT NULL DEFAULT 'en',
            ADD COLUMN customer_messages jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(customer_messages) = 'object')
        """,
    ])
}
