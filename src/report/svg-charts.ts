/**
 * Small inline SVG charts for the HTML report: no script, no fonts or images fetched, so the file
 * renders the same offline, in a mail client and on paper. Widths are pixels, not money: the
 * figures beside each bar are the exact amounts.
 */

export function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export interface Segment {
  label: string;
  value: number;
  color: string;
}

export interface BarRow {
  label: string;
  segments: Segment[];
  /** Text printed after the bar (the exact figure). */
  note: string;
}

const LABEL_WIDTH = 170;
const NOTE_WIDTH = 190;
const ROW = 26;

/** Horizontal stacked bars on one shared scale, with a legend of the segments that occur. */
export function stackedBars(title: string, rows: BarRow[], width = 860): string {
  const barWidth = width - LABEL_WIDTH - NOTE_WIDTH;
  const max = Math.max(1, ...rows.map((r) => r.segments.reduce((s, x) => s + Math.max(0, x.value), 0)));
  const legend = new Map<string, string>();
  const body = rows
    .map((r, i) => {
      const y = i * ROW + 4;
      let x = LABEL_WIDTH;
      const parts = r.segments
        .filter((s) => s.value > 0)
        .map((s) => {
          legend.set(s.label, s.color);
          const w = Math.max(1, (s.value / max) * barWidth);
          const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${ROW - 8}" fill="${s.color}"><title>${escapeHtml(`${r.label} ${s.label}`)}</title></rect>`;
          x += w;
          return rect;
        })
        .join("");
      return (
        `<text x="${LABEL_WIDTH - 8}" y="${y + ROW / 2}" text-anchor="end" class="axis">${escapeHtml(r.label)}</text>` +
        parts +
        `<text x="${(x + 6).toFixed(1)}" y="${y + ROW / 2}" class="note">${escapeHtml(r.note)}</text>`
      );
    })
    .join("");
  const height = rows.length * ROW + 8;
  const keys = [...legend.entries()]
    .map(([label, color]) => `<span class="key"><i style="background:${color}"></i>${escapeHtml(label)}</span>`)
    .join("");
  return (
    `<figure><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(title)}">${body}</svg>` +
    (keys ? `<div class="legend">${keys}</div>` : "") +
    `</figure>`
  );
}

/** A 0–100% gauge bar for a ratio of two integers. */
export function ratioBar(label: string, part: number, whole: number, text: string, color: string): string {
  const width = 400;
  const filled = whole > 0 ? (part / whole) * width : 0;
  return (
    `<div class="ratio"><span class="ratio-label">${escapeHtml(label)}</span>` +
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 18" width="${width}" height="18" role="img" aria-label="${escapeHtml(`${label} ${text}`)}">` +
    `<rect x="0" y="0" width="${width}" height="18" fill="#e6e9ee"/><rect x="0" y="0" width="${filled.toFixed(1)}" height="18" fill="${color}"/></svg>` +
    `<span class="ratio-text">${escapeHtml(text)}</span></div>`
  );
}
