import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { DataSource } from "typeorm";
import { ResolveError, resolveException } from "../match/resolve";
import { RESOLVE_ACTIONS, type ResolveAction } from "../match/resolve-actions";
import { consolePath, field } from "./form-fields";
import { mayResolve } from "./roles";
import type { Session } from "./sessions";

/**
 * POST /console/exceptions/:id/resolve: the CLI's resolve actions (src/match/resolve.ts does the
 * work), each with a required note, done as the signed-in user: the audit log names who did it.
 * Fields: action, invoices (apply-to: numbers separated by commas or spaces; apply-suggestion: the
 * suggestion's number; return: the reason code), note, and optionally
 * back (the console page to return to).
 */
export function resolveRoute(
  app: FastifyInstance,
  db: DataSource,
  sessionOf: (req: FastifyRequest) => Session,
  refuse: (reply: FastifyReply, status: number, title: string, message: string) => FastifyReply,
): void {
  app.post<{ Params: { id: string } }>("/console/exceptions/:id/resolve", async (req, reply) => {
    const { user } = sessionOf(req);
    if (!mayResolve(user.role)) return refuse(reply, 403, "Not allowed", `A ${user.role} may read but not resolve.`);
    const id = req.params.id;
    const action = field(req.body, "action");
    const note = field(req.body, "note").trim();
    // Within a double's exact integers: Number(id) is what the query binds.
    if (!/^\d{1,15}$/.test(id))
      return refuse(reply, 400, "Cannot resolve", `exception id must be a number, not "${id}"`);
    if (!(RESOLVE_ACTIONS as readonly string[]).includes(action))
      return refuse(reply, 400, "Cannot resolve", `the action must be one of ${RESOLVE_ACTIONS.join(", ")}`);
    if (!note) return refuse(reply, 400, "Cannot resolve", "a note saying why is required");
    // One field carries the action's argument: invoice numbers for apply-to, a suggestion's number for
    // apply-suggestion, a reason code (R22…) for return.
    const words = field(req.body, "invoices")
      .split(/[\s,]+/)
      .filter(Boolean);
    const argument =
      action === "apply-suggestion"
        ? { suggestion: Number(words[0] ?? Number.NaN) }
        : action === "return"
          ? { reason: words[0] }
          : { invoices: words };
    try {
      await resolveException(db, Number(id), { action: action as ResolveAction, ...argument, note, by: user.name });
    } catch (error) {
      if (error instanceof ResolveError) return refuse(reply, 409, `Exception ${id} not resolved`, error.message);
      throw error;
    }
    return reply.redirect(consolePath(field(req.body, "back"), `/console/exceptions?resolved=${id}`), 303);
  });
}
