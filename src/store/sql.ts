/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner inside a transaction. */
export interface Sql {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** How many rows the planner's statistics count for a table of ours (0 when it was never analyzed or vacuumed). */
export async function plannedRows(sql: Sql, table: string): Promise<number> {
  const [{ rows }] = (await sql.query(
    `SELECT greatest(reltuples, 0)::bigint::text AS rows FROM pg_class WHERE oid = $1::regclass`,
    [table],
  )) as { rows: string }[];
  return Number(rows);
}
