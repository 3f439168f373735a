import type { DataSource } from "typeorm";
import { closeDatabase, isEmbedded, openDatabase } from "../store/data-source";

/** Opens the database (migrating on first use), runs `work`, and always closes it. */
export async function withDatabase<T>(work: (db: DataSource) => Promise<T>): Promise<T> {
  const db = await openDatabase();
  try {
    return await work(db);
  } finally {
    await closeDatabase(db);
  }
}

export function describeDatabase(db: DataSource): string {
  return isEmbedded(db) ? "embedded PGlite" : "PostgreSQL";
}
