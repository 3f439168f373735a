/**
 * The database was refused on open for a reason its operator fixes (a newer version migrated it,
 * it is not UTF8): the database is closed, the log says why, and the CLI prints the message alone.
 * Its own module, free of the ORM, so that the CLI's error path can know it without loading one.
 */
export class DatabaseRefusal extends Error {}
