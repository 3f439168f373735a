import type { AuditEntry } from "../../match/audit-log";
import { AUDIT_ENTITIES } from "../../store/entities/audit-entry.entity";
import type { Sql } from "../../store/sql";
import { csvLink, gridCsv, gridHtml, type GridColumn } from "../grid";
import { h, href } from "../html";
import { decodeCursor, encodeCursor, splitPage } from "../keyset";
import { filterForm, selectField, textField } from "../form";
import { consoleDocument } from "../layout";
import type { ConsolePage, PageContext } from "../page";
import { isoDate, oneOf, text } from "../params";
import { AUDIT_COLUMNS } from "./payment";

const PATH = "/console/audit";
const PAGE_SIZE = 100;

export interface AuditFilter {
  entity: string | null;
  entityId: string | null;
  actor: string | null;
  action: string | null;
  /** Local (New York) days, both included. */
  from: string | null;
  to: string | null;
  after: string[] | null;
}

export function auditFilter(q: PageContext["query"]): AuditFilter {
  const entity = oneOf(q, "entity", ["", ...AUDIT_ENTITIES], "");
  return {
    entity: entity || null,
    entityId: text(q, "id"),
    actor: text(q, "actor"),
    action: text(q, "action"),
    from: isoDate(q, "from"),
    to: isoDate(q, "to"),
    after: decodeCursor(text(q, "after"), ["timestamp", "bigint"]),
  };
}

type AuditRow = Omit<AuditEntry, "id" | "at"> & { id: string; at: Date; atKey: string };

/**
 * Newest first, keyset on (at, id): each filter has an index that walks in that order (actor,
 * action, or the time alone). The columns are qualified: the output column "id" is text, and
 * ordering by it would put "9" before "10" and break the keyset. An entity id without an entity
 * is looked up under every entity, so an entity id without an entity is looked up under every entity, so
 * the (entity, entity_id) index still serves it.
 */
export async function loadAudit(db: Sql, f: AuditFilter): Promise<{ rows: AuditEntry[]; next: string | null }> {
  const rows = (await db.query(
    `SELECT id::text AS id, at, at::text AS "atKey", actor, entity, entity_id AS "entityId", action, before, after,
            payment_id AS "paymentId", note
       FROM audit_log a
      WHERE entity = ANY($1::text[]) AND ($2::text IS NULL OR entity_id = $2)
        AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR action = $4)
        AND ($5::date IS NULL OR at >= ($5::date::timestamp AT TIME ZONE 'America/New_York'))
        AND ($6::date IS NULL OR at < (($6::date + 1)::timestamp AT TIME ZONE 'America/New_York'))
        AND ($7::timestamptz IS NULL OR (a.at, a.id) < ($7::timestamptz, $8::bigint))
      ORDER BY a.at DESC, a.id DESC LIMIT $9`,
    [
      f.entity ? [f.entity] : AUDIT_ENTITIES,
      f.entityId,
      f.actor,
      f.action,
      f.from,
      f.to,
      f.after?.[0] ?? null,
      f.after?.[1] ?? null,
      PAGE_SIZE + 1,
    ],
  )) as AuditRow[];
  const page = splitPage(rows, PAGE_SIZE);
  const last = page.rows.at(-1);
  return {
    rows: page.rows.map(({ atKey: _key, ...r }) => ({ ...r, id: Number(r.id), at: new Date(r.at).toISOString() })),
    next: page.more && last ? encodeCursor([last.atKey, last.id]) : null,
  };
}

const COLUMNS: GridColumn<AuditEntry>[] = [
  ...AUDIT_COLUMNS,
  {
    header: "Payment",
    text: (a) => a.paymentId ?? "",
    html: (a) => (a.paymentId ? `<a href="/console/payments/${h(a.paymentId)}">payment</a>` : ""),
  },
];

function auditFilterForm(ctx: PageContext): string {
  const q = ctx.query;
  return filterForm(
    PATH,
    [
      selectField("entity", "Entity", AUDIT_ENTITIES, q.entity),
      textField("id", "Entity id", q.id),
      textField("actor", "Actor", q.actor),
      textField("action", "Action", q.action),
      textField("from", "From (YYYY-MM-DD)", q.from),
      textField("to", "To (YYYY-MM-DD)", q.to),
    ],
    "Search",
  );
}

export const auditPage: ConsolePage = {
  path: PATH,
  query: ["entity", "id", "actor", "action", "from", "to", "after"],
  title: "Audit log",
  async render(ctx) {
    const v = await loadAudit(ctx.db, auditFilter(ctx.query));
    const next = v.next
      ? `<div class="pager"><a rel="next" href="${href(PATH, { ...ctx.query, after: v.next })}">Older entries</a></div>`
      : "";
    return consoleDocument(
      ctx,
      "Audit log",
      auditFilterForm(ctx) + gridHtml(COLUMNS, v.rows) + next + csvLink(PATH, ctx),
    );
  },
  csv: async (ctx) => gridCsv(COLUMNS, (await loadAudit(ctx.db, auditFilter(ctx.query))).rows),
};
