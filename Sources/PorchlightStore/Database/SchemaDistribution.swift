import Logging
import PostgresNIO

/// Where the schema's tables live: on one PostgreSQL server, or spread by merchant over a
/// Citus cluster (`DISTRIBUTED=citus`, with `DATABASE_URL` naming the coordinator).
public enum SchemaDistribution: String, Sendable {
    case single, citus
}

/// Lays the migrated schema out on a Citus coordinator, in one transaction: every table whose
/// keys all lead with `merchant_id` is distributed by it, colocated, so that each merchant's rows
/// share one shard; a table without `merchant_id`, or with a unique key that leaves it out (found
/// by a key's hash or a page's address before the merchant is known), becomes a reference table,
/// copied to every worker. Only tables not laid out yet are touched, so it runs after every
/// migration and does nothing when no migration added a table.
///
/// Citus turns a local table that references a reference table into a Citus local table, which
/// can then not be distributed; so the new tables' foreign keys are dropped, the tables laid
/// out, and the keys added back. Not handled: a later migration that adds a table with a
/// foreign key to a distributed table fails in the migration itself (Citus refuses a key from a
/// local table to a distributed one); such a migration must distribute its table as it creates
/// it. The promise ledger's trigger reads only its own row, which is safe on a shard:
/// `citus.enable_unsafe_triggers` lets Citus keep it, set for the database as every write of a
/// promise needs it; sessions opened before the first layout do not have it, so on Citus run
/// `DISTRIBUTED=citus porchlight migrate` before starting replicas.
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
            new_tables text[];
            saved_keys jsonb;
            k jsonb;
            t record;
        BEGIN
            -- Tables not laid out: not in pg_dist_partition, or a Citus local table (what Citus
            -- made of a new table whose key names a reference table). By name: Citus may turn a
            -- Citus local table back into a new PostgreSQL table once its keys are dropped.
            SELECT array_agg(c.oid::regclass::text) INTO new_tables FROM pg_class c
            WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p
                              WHERE p.logicalrelid = c.oid AND (p.partmethod = 'h' OR p.repmodel = 't'));
            IF new_tables IS NULL THEN
                RETURN;
            END IF;
            EXECUTE format('ALTER DATABASE %I SET citus.enable_unsafe_triggers TO on', current_database());
            -- The keys of the new tables, and those that name them.
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'owner', conrelid::regclass::text, 'name', conname, 'definition', pg_get_constraintdef(oid))), '[]')
            INTO saved_keys
            FROM pg_constraint
            WHERE contype = 'f' AND connamespace = 'public'::regnamespace
              AND (conrelid::regclass::text = ANY(new_tables) OR confrelid::regclass::text = ANY(new_tables));
            FOR k IN SELECT * FROM jsonb_array_elements(saved_keys) LOOP
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', k ->> 'owner', k ->> 'name');
            END LOOP;
            FOR t IN
                SELECT c.oid::regclass AS relation,
                       a.attnum IS NULL OR EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique
                                                   AND NOT a.attnum = ANY(i.indkey)) AS global
                FROM pg_class c
                LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'merchant_id' AND NOT a.attisdropped
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.oid::regclass::text = ANY(new_tables)
            LOOP
                -- A Citus local table Citus did not undo when its keys went.
                IF EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = t.relation) THEN
                    PERFORM undistribute_table(t.relation);
                END IF;
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
