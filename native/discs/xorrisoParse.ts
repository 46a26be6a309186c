// Parsers for xorriso's text output under -pkt_output on, where every line is "C:n: text" with
// C = R (result), I (info) or M (mark). Written against xorriso 1.5.4's output and tested on
// recorded samples; real-drive lines (-devices, -toc of a DVD) come from the xorriso manual and
// libburn's messages, since no optical drive exists where these tests run.
import type { LoadedMedium, MediumState } from '../../electron/core/discs/ports.ts';

export type PktLine = { channel: 'R' | 'I' | 'M' | '?'; text: string };

export function parsePktLine(line: string): PktLine {
  const m = /^([RIM]):\d+: ?(.*)$/.exec(line);
  return m ? { channel: m[1] as 'R' | 'I' | 'M', text: m[2]! } : { channel: '?', text: line };
}

/**
 * xorriso's quoting of a path in its reports: single-quoted pieces, a single quote itself written
 * as '"'"' (close, a double-quoted quote, reopen) — the shell's convention.
 */
export function unquoteXorriso(s: string): string {
  let out = '';
  let i = 0;
  const text = s.trim();
  while (i < text.length) {
    const q = text[i];
    if (q === "'" || q === '"') {
      const end = text.indexOf(q, i + 1);
      if (end < 0) return out + text.slice(i + 1);
      out += text.slice(i + 1, end);
      i = end + 1;
    } else {
      out += q;
      i++;
    }
  }
  return out;
}

export type Extent = { lba: number; blocks: number };
export type ImageFile = { path: string; size: number; extents: Extent[] };

/** `-find / -type f -exec report_lba`: one line per extent; files over 4 GiB have several. */
export function parseReportLba(lines: string[]): ImageFile[] {
  const files = new Map<string, ImageFile>();
  for (const raw of lines) {
    const m = /^File data lba:\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(.+)$/.exec(parsePktLine(raw).text);
    if (!m) continue;
    const path = unquoteXorriso(m[5]!);
    const f = files.get(path) ?? { path, size: Number(m[4]), extents: [] };
    f.extents[Number(m[1])] = { lba: Number(m[2]), blocks: Number(m[3]) };
    files.set(path, f);
  }
  return [...files.values()];
}

/** -pvd_info: the volume id and creation time as stored on the medium. */
export function parsePvdInfo(lines: string[]): { volumeId: string | null; creationTime: string | null } {
  let volumeId: string | null = null;
  let creationTime: string | null = null;
  for (const raw of lines) {
    const t = parsePktLine(raw).text;
    const v = /^Volume Id\s*:\s?(.*)$/.exec(t);
    if (v) volumeId = v[1]!.trim();
    const c = /^Creation Time\s*:\s*(\d{16})/.exec(t);
    if (c) creationTime = c[1]!;
  }
  return { volumeId, creationTime };
}

export type Md5Result = { outcome: 'match' | 'mismatch' | 'none_recorded' | 'unknown'; mismatches: string[]; detail: string | null };

/** -check_md5_r: a MISMATCH line per changed file, then a summary line. */
export function parseCheckMd5(lines: string[]): Md5Result {
  const mismatches: string[] = [];
  let outcome: Md5Result['outcome'] = 'unknown';
  let detail: string | null = null;
  for (const raw of lines) {
    const t = parsePktLine(raw).text;
    const m = /^MD5 MISMATCH:\s*(.+)$/.exec(t);
    if (m) mismatches.push(unquoteXorriso(m[1]!));
    else if (/File contents and their MD5 checksums match/.test(t)) outcome = 'match';
    else if (/Mismatch detected between file contents and MD5 checksums/.test(t)) outcome = 'mismatch';
    else if (/Not a single file with MD5 checksum was found|no MD5 checksum array loaded/i.test(t)) outcome = 'none_recorded';
    else if (/: (FAILURE|SORRY) :/.test(t) && !/-return_with SORRY|Tolerated problem event/.test(t)) detail = t.replace(/^.*?: (FAILURE|SORRY) : /, '');
  }
  if (mismatches.length) outcome = 'mismatch';
  return { outcome, mismatches, detail };
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Progress lines while writing ("Writing: 9471s 38.5%") and while reading content back. */
export function parseProgress(line: string): { kind: 'write'; percent: number } | { kind: 'read'; bytes: number } | { kind: 'closing' } | null {
  const t = parsePktLine(line).text;
  const w = /UPDATE\s*:\s*Writing:\s+\d+s\s+([\d.]+)%/.exec(t);
  if (w) return { kind: 'write', percent: Number(w[1]) };
  const r = /UPDATE\s*:\s*([\d.]+)([kmgt]?)\s+content bytes read/i.exec(t);
  if (r) return { kind: 'read', bytes: Math.round(Number(r[1]) * UNITS[r[2]!.toLowerCase()]!) };
  if (/Closing track|Closing session|Fixating/i.test(t)) return { kind: 'closing' };
  return null;
}

/** The last FAILURE or SORRY message xorriso gave: what went wrong, in its words. */
export function lastProblem(lines: string[]): string | null {
  let found: string | null = null;
  for (const raw of lines) {
    const t = parsePktLine(raw).text;
    if (/: (FAILURE|SORRY|FATAL|ABORT) :/.test(t) && !/-return_with|Tolerated problem event|-abort_on/.test(t)) found = t.replace(/^.*?: (FAILURE|SORRY|FATAL|ABORT) : /, '');
  }
  return found;
}

export type DriveLine = { device: string; vendor: string | null; model: string | null };

/** -devices: `0  -dev '/dev/sr0' rwrw-- :  'HL-DT-ST' 'DVDRAM GH24NSD1'`. */
export function parseDevices(lines: string[]): DriveLine[] {
  const out: DriveLine[] = [];
  for (const raw of lines) {
    const m = /^\s*\d+\s+-dev\s+'([^']+)'\s+\S+\s*:\s*'([^']*)'\s*'([^']*)'/.exec(parsePktLine(raw).text);
    if (m) out.push({ device: m[1]!, vendor: m[2]!.trim() || null, model: m[3]!.trim() || null });
  }
  return out;
}

/** -toc and -tell_media_space of the loaded medium. */
export function parseMedium(lines: string[]): LoadedMedium & { vendor: string | null; model: string | null } {
  let state: MediumState = 'unknown';
  let kind: string | null = null;
  let capacityBytes: number | null = null;
  let freeBytes: number | null = null;
  let vendor: string | null = null;
  let model: string | null = null;
  for (const raw of lines) {
    const t = parsePktLine(raw).text;
    let m: RegExpExecArray | null;
    if ((m = /^Drive type\s*:\s*vendor '([^']*)' product '([^']*)'/.exec(t))) {
      vendor = m[1]!.trim() || null;
      model = m[2]!.trim() || null;
    } else if ((m = /^Media current\s*:\s*(.+)$/.exec(t))) {
      const v = m[1]!.trim();
      if (/is not present|^none$|no media/i.test(v)) state = 'none';
      else kind = v.replace(/,\s*(overwriteable|sequential|random access).*$/i, '').trim();
    } else if ((m = /^Media status\s*:\s*(.+)$/.exec(t))) {
      const v = m[1]!;
      state = /is blank/.test(v) ? 'blank' : /is closed/.test(v) ? 'closed' : /is appendable/.test(v) ? 'appendable' : /not present|no media/i.test(v) ? 'none' : 'unknown';
    } else if ((m = /^Media blocks\s*:.*?(\d+)\s+overall/.exec(t))) {
      capacityBytes = Number(m[1]) * 2048;
    } else if ((m = /^Media space\s*:\s*(\d+)s/.exec(t))) {
      freeBytes = Number(m[1]) * 2048;
    } else if (/No media detected|not present/i.test(t) && state === 'unknown') {
      state = 'none';
    }
  }
  return { state, kind, capacityBytes, freeBytes, vendor, model };
}
