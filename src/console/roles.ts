/**
 * Console roles, weakest first: a viewer reads; a resolver also resolves exceptions; an admin may
 * do both (users are managed from the CLI, by whoever can reach the database). Free of the
 * database so that CLI commands can declare their options without loading it.
 */
export const ROLES = ["viewer", "resolver", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whether a role may POST resolve actions on the exception queue. */
export function mayResolve(role: Role): boolean {
  return role === "resolver" || role === "admin";
}
