/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner inside a transaction. */
export interface Sql {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}
