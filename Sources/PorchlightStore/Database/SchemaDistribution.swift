import Logging
import PostgresNIO

/// Where the schema's tables live: on one PostgreSQL server, or spread by merchant over a
/// Citus cluster (`DISTRIBUTED=citus`, with `DATABASE_URL` naming the coordinator).
public enum SchemaDistribution: String, Sendable, CaseIterable {
    case single, citus
}

/// Lays the migrated schema out on a Citus coordinator, in one transaction: every table whose
/// keys all lead with `merchant_id` is distributed by it, colocated, so that each merchant's rows
/// share one shard; a table without `merchant_id`, or with a unique key that leaves it out (found
/// by a key's hash or a page's address before the merchant is known), becomes a reference table,
/// copied to every worker. Only tables not laid out yet are touched, so it runs after every
/// migration and does nothing when no migration added a table.
///
/// Citus turns a local table that references a reference table into a local copy of its own,
/// which can then not be distributed; so foreign keys are dropped, the tables laid out, and the
/// keys added back. The promise ledger's trigger reads only its own row, which is safe on a
/// shard: `citus.enable_unsafe_triggers` lets Citus keep it (set for the database, as every
/// write of a promise needs it).
enum CitusDistribution {
    static func layOut(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { transaction in
            // Citus allows only one connection per worker in a transaction that distributes
            // tables and then adds keys to reference tables.
            try await transaction.query("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'", logger: logger)
            try await transaction.query("SET LOCAL citus.enable_unsafe_triggers TO on", logger: logger)
            try await transaction.query(PostgresQuery(unsafeSQL: layOutStatement), logger: logger)
        }
    }

    static let layOutStatement = """
        DO $$
        DECLARE
            saved_keys jsonb;
            k jsonb;
            t record;
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_class c
                           WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
                             AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid)) THEN
                RETURN;
            END IF;
            EXECUTE format('ALTER DATABASE %I SET citus.enable_unsafe_triggers TO on', current_database());
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'owner', conrelid::regclass::text, 'name', conname, 'definition', pg_get_constraintdef(oid))), '[]')
            INTO saved_keys
            FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace;
            FOR k IN SELECT * FROM jsonb_array_elements(saved_keys) LOOP
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', k ->> 'owner', k ->> 'name');
            END LOOP;
            FOR t IN
                SELECT c.oid::regclass AS relation,
                       a.attnum IS NULL OR EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique
                                                   AND NOT a.attnum = ANY(i.indkey)) AS global
                FROM pg_class c
                LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'merchant_id' AND NOT a.attisdropped
                WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
                  AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid)
            LOOP
                IF t.global THEN
                    PERFORM create_reference_table(t.relation);
                ELSE
                    PERFORM create_distributed_table(t.relation, 'merchant_id', colocate_with => 'default');
                END IF;
            END LOOP;
            FOR k IN SELECT * FROM jsonb_array_elements(saved_keys) LOOP
                EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', k ->> 'owner', k ->> 'name', k ->> 'definition');
            END LOOP;
        END $$
        """
}
