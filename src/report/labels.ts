import { formatUsd } from "../model";
import { agrees, type CountCents, type FileLine } from "./reconciliation";

/** How a count-and-amount cell reads in every renderer: "3 · $1,250.10", or "–" when empty. */
export function countCents(v: CountCents | undefined): string {
  return v ? `${v.count} · ${formatUsd(v.cents)}` : "–";
}

export function optionalUsd(cents: number | null): string {
  return cents === null ? "–" : formatUsd(cents);
}

export function optionalCount(n: number | null): string {
  return n === null ? "–" : String(n);
}

/** "ok", or which controls disagree. */
export function controlsText(f: Pick<FileLine, "controls" | "controlsAgree">): string {
  if (!f.controls.length) return "none declared";
  if (f.controlsAgree) return `${f.controls.length} agree`;
  const bad = f.controls.filter((c) => !agrees(c));
  return `MISMATCH ${bad.map((c) => c.scope).join(", ")}`;
}

export function ageText(days: number | null): string {
  return days === null ? "–" : `${days}d`;
}

/** Keys that appear in a set of records, in a fixed order first, then the rest alphabetically. */
export function presentKeys<K extends string>(order: readonly K[], records: Partial<Record<K, unknown>>[]): K[] {
  const seen = new Set<K>();
  for (const r of records) for (const k of Object.keys(r) as K[]) seen.add(k);
  return [...order.filter((k) => seen.has(k)), ...[...seen].filter((k) => !order.includes(k)).sort()];
}
