export type BenchRow = {
  name: string;
  seconds: number;
  mibPerSecond?: number;
  perSecond?: number;
  ratio?: Record<string, number>;
  note?: string;
};

export type BenchReport = { title: string; rows: BenchRow[] };

export function toMarkdown(reports: BenchReport[], meta: Record<string, string>): string {
  const lines = ['# Benchmark results', '', ...Object.entries(meta).map(([k, v]) => `- ${k}: ${v}`), ''];
  for (const r of reports) {
    // A part left out (BENCH_SKIP) has its heading only.
    if (r.rows.length === 0) {
      lines.push(`## ${r.title}`, '');
      continue;
    }
    lines.push(`## ${r.title}`, '', '| what | seconds | throughput | ratio | note |', '|---|---:|---:|---|---|');
    for (const row of r.rows) {
      const thr = row.mibPerSecond !== undefined ? `${row.mibPerSecond.toFixed(0)} MiB/s` : row.perSecond !== undefined ? `${row.perSecond.toFixed(0)} /s` : '';
      const ratio = row.ratio ? Object.entries(row.ratio).map(([k, v]) => `${v.toFixed(2)}× ${k}`).join(', ') : '';
      lines.push(`| ${row.name} | ${row.seconds.toFixed(2)} | ${thr} | ${ratio} | ${row.note ?? ''} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
