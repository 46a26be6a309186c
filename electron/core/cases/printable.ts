// Printable documents (case summary, destruction certificate, monthly report) as self-contained
// HTML with print CSS. The api speaks no language, so every label is printed in both: Chinese
// first, English beneath. A printed record travels (to a court, an archive, a reviewer from
// elsewhere) and must read the same whichever language the person who printed it had chosen.
import { utcToLocal } from '../media/localTime.ts';

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A bilingual label. */
export function bi(zh: string, en: string): string {
  return `<span class="zh">${escapeHtml(zh)}</span><span class="en">${escapeHtml(en)}</span>`;
}

/** 'YYYY-MM-DD HH:mm' in the agency's zone; '—' for nothing. */
export function localTimeText(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const t = utcToLocal(new Date(iso), timeZone);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(t.year, 4)}-${p(t.month)}-${p(t.day)} ${p(t.hour)}:${p(t.minute)}`;
}

export function localDateText(iso: string | null | undefined, timeZone: string): string {
  return iso ? localTimeText(iso, timeZone).slice(0, 10) : '—';
}

const CSS = `
  * { box-sizing: border-box; }
  body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", SimSun, "Songti SC", serif; color: #000; margin: 24px; font-size: 12pt; }
  h1 { font-size: 18pt; text-align: center; margin: 0 0 4px; }
  h1 .en, h2 .en { display: block; font-size: 10pt; font-weight: normal; }
  h2 { font-size: 13pt; margin: 18px 0 6px; border-bottom: 1px solid #000; }
  .zh { }
  .en { color: #333; font-size: 0.82em; margin-left: 0.4em; }
  th .en, td.label .en { display: block; margin-left: 0; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0; }
  th, td { border: 1px solid #000; padding: 3px 6px; vertical-align: top; text-align: left; font-size: 10pt; }
  td.label { width: 22%; background: #f2f2f2; }
  .mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 8pt; word-break: break-all; }
  .meta { text-align: center; font-size: 9pt; color: #333; }
  .signatures td { height: 56px; }
  pre.note { white-space: pre-wrap; font-size: 7pt; border: 1px dashed #666; padding: 6px; }
  @page { size: A4; margin: 15mm; }
  @media print {
    body { margin: 0; }
    h2 { break-after: avoid; }
    tr { break-inside: avoid; }
    .no-print { display: none; }
  }
`;

const LANDSCAPE_CSS = `
  @page { size: A4 landscape; margin: 12mm; }
  th, td { padding: 3px 4px; font-size: 9pt; }
`;

/** `landscape`: for wide tables (the monthly report's fifteen columns), which an A4 portrait page cuts at its right edge. */
export function htmlPage(title: string, body: string, options: { landscape?: boolean } = {}): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}${options.landscape ? LANDSCAPE_CSS : ''}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** Two-column table of label / value rows; values are escaped unless marked raw. */
export function fieldTable(rows: [string, string, unknown, { raw?: boolean; mono?: boolean }?][]): string {
  return `<table>${rows
    .map(([zh, en, value, opt]) => `<tr><td class="label">${bi(zh, en)}</td><td${opt?.mono ? ' class="mono"' : ''}>${opt?.raw ? String(value) : escapeHtml(value)}</td></tr>`)
    .join('')}</table>`;
}

export function dataTable(headers: [string, string][], rows: unknown[][], options: { monoColumns?: number[] } = {}): string {
  const head = `<tr>${headers.map(([zh, en]) => `<th>${bi(zh, en)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${options.monoColumns?.includes(i) ? ' class="mono"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table>${head}${body}</table>`;
}
