extension Schema {
    /// Version 12: each merchant's adaptive level (`AdaptiveLevel`), kept so that it accumulates
    /// day after day and every replica carries on from the same state.
    static let adaptiveLevels = Migration(version: 12, name: "adaptive levels", statements: [
        """
        CREATE TABLE adaptive_levels (
            merchant_id uuid PRIMARY KEY REFERENCES merchants (id),
            -- The on-time target the level was learned for; another target starts afresh.
            on_time_target double precision NOT NULL,
            level_offset double precision NOT NULL,
            stepped_through date NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
    ])
}
