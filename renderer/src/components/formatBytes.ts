// The one way the renderer writes a size for people. Decimal units, as discs and drives are sold
// (a 4.7 GB DVD is 4.7 × 10⁹ bytes), three significant figures, and never "0.0" for a file that
// has bytes: a photo of 180 kB reads 180 kB, not 0.0 MiB.

const UNITS = ['kB', 'MB', 'GB', 'TB', 'PB'] as const;

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let v = bytes / 1000;
  let u = 0;
  // Round first, so that 999 950 bytes reads 1.00 MB rather than 1000 kB.
  while (u < UNITS.length - 1 && Number(v.toPrecision(3)) >= 1000) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[u]}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}
